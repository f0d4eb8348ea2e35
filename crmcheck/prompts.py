"""The interview's prompts, with questionary: the only module that imports it.

``QuestionaryPrompter`` implements ``crmcheck.interview.Prompter``; the setup questions (client,
processes, respondent) use the small helpers below. Every prompt uses ``unsafe_ask`` so Ctrl-C
arrives as ``KeyboardInterrupt`` and the command can say how to resume. ``input``/``output``
are passed through to prompt_toolkit, which lets tests drive the real prompts through a pipe.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from typing import IO, Any

import questionary
from questionary import Choice, Separator

from crmcheck.answers import NOTE_MAX, Answer
from crmcheck.interview import QuestionView, Reply
from crmcheck.textsafe import terminal_text

STYLE = questionary.Style([
    ("qmark", "fg:#2a9d8f bold"), ("question", "bold"), ("pointer", "fg:#2a9d8f bold"),
    ("highlighted", "fg:#2a9d8f bold"), ("selected", "fg:#2a9d8f"), ("instruction", "fg:#808080"),
])


def _describe(answer: Answer, levels: dict[int, str]) -> str:
    if answer.kind == "dont_know":
        text = "don't know"
    elif answer.kind == "na":
        text = "not applicable" + (f" ({answer.reason})" if answer.reason else "")
    else:
        text = f"{answer.level} {levels.get(answer.level or 0, '')}".strip()
    return text + (f" — “{answer.note}”" if answer.note else "")


def _choice_value(answer: Answer | None) -> str | None:
    if answer is None:
        return None
    return {"dont_know": "dk", "na": "na"}.get(answer.kind, f"L{answer.level}")


class QuestionaryPrompter:
    """Asks interview questions in the terminal."""

    def __init__(self, *, stream: IO[str] | None = None, color: bool = True, **pt: Any) -> None:
        self.stream = stream or sys.stdout
        self.color = color
        self.pt = pt  # prompt_toolkit keyword arguments (input=, output=) for tests

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def say(self, text: str, code: str = "") -> None:
        """Show a line of information, painted with ANSI ``code``; escapes in it are shown, not obeyed."""
        shown = terminal_text(text, keep_newlines=True)
        print(self._paint(shown, code) if code else shown, file=self.stream, flush=True)

    def _hang(self, value: int, label: str, descriptor: str, width: int) -> str:
        label, descriptor = terminal_text(label), terminal_text(descriptor)
        head = f"  {value} {label}"
        lines = textwrap.wrap(f"{head} — {descriptor}", width=max(20, width - 1), subsequent_indent=" " * 6)
        return self._paint(head, "1") + lines[0][len(head):] + "".join(f"\n{line}" for line in lines[1:])

    def ask(self, view: QuestionView) -> Reply:
        """Show one question with its context and level descriptors; return the reply."""
        labels = {lv.value: lv.label for lv in view.levels}
        self.say("")
        self.say(view.progress.line(), "2")
        self.say(view.context, "1;36")
        # The question is printed here, wrapped at word boundaries, and the prompt line below stays
        # short: prompt_toolkit redraws a prompt that wrapped over two lines twice when the
        # terminal is resized, and wraps it mid-word.
        self.say(wrap(view.text, "  "), "1")
        if view.help:
            self.say(wrap(view.help, "  "), "2")
        if view.previous is not None:
            when = f"In {view.previous_label}" if view.previous_label else "Last time"
            self.say(wrap(f"{when}: {_describe(view.previous, labels)}", "  "), "33")
        # prompt_toolkit cuts choice lines at the terminal's edge instead of wrapping them, and a
        # descriptor cut in half is worse than none: when one would not fit, print them all above,
        # wrapped, and keep the choices to their labels.
        width = _width()
        full = [terminal_text(f"{lv.label} — {lv.descriptor}") for lv in view.levels]
        fits = all(len(t) + _CHOICE_INDENT < width for t in full)
        if not fits:
            for lv in view.levels:
                print(self._hang(lv.value, lv.label, lv.descriptor, width), file=self.stream, flush=True)
        choices: list[Any] = [
            Choice(title if fits else terminal_text(lv.label), value=f"L{lv.value}", shortcut_key=str(lv.value))
            for lv, title in zip(view.levels, full, strict=True)
        ]
        choices.append(Separator(" "))
        if view.allow_dont_know:
            choices.append(Choice("Don't know", value="dk", shortcut_key="d"))
        if view.allow_na:
            choices.append(Choice("Not applicable", value="na", shortcut_key="n"))
        if view.can_go_back:
            choices.append(Choice("← Back to the previous question", value="back", shortcut_key="b"))
        choices.append(Choice("→ Skip for now (asked again at the end)", value="skip", shortcut_key="s"))
        choices.append(Choice(terminal_text(f"⇥ Skip the rest of {view.part} for this person"), value="skip-part",
                              shortcut_key="p"))
        default = _choice_value(view.current) or (_choice_value(view.previous) if view.prefill else None)
        instruction = "(key + Enter · Ctrl-C saves and stops)" if width >= 56 else "(key + Enter)"
        picked = questionary.select(
            "Your answer", choices=choices, default=default, use_shortcuts=True, use_jk_keys=False,
            style=STYLE, instruction=instruction, **self.pt,
        ).unsafe_ask()
        if picked in ("back", "skip", "skip-part"):
            return Reply(picked)
        kind = {"dk": "dont_know", "na": "na"}.get(str(picked), "level")
        level = int(str(picked)[1:]) if kind == "level" else None
        reply = Reply(kind, level=level)  # type: ignore[arg-type]
        # What was chosen is kept if the interview is interrupted from here on: the follow-up
        # prompts only add to it.
        try:
            if kind == "na":
                reply = replace(reply, reason=text("Why does it not apply? (optional)", max_length=NOTE_MAX,
                                                   **self.pt) or None)
            if kind == "level" and level is not None:
                reply = self._firmness(reply, view)
            old_note = (view.current.note if view.current else None) or ""
            return replace(reply, note=text("Note (optional, Enter to skip):", default=old_note, max_length=NOTE_MAX,
                                            **self.pt) or None)
        except KeyboardInterrupt:
            return replace(reply, interrupted=True)

    def _firmness(self, reply: Reply, view: QuestionView) -> Reply:
        """Ask in one key what the level rests on, or which neighbouring level it might also be."""
        assert reply.level is not None
        values = [lv.value for lv in view.levels]
        up = next((v for v in values if v > reply.level), None)
        down = next((v for v in reversed(values) if v < reply.level), None)
        keys = {"enter": "said", "s": "seen", "m": "measured"}
        parts = ["Enter said", "s seen", "m measured"]
        if up is not None:
            keys["+"] = "up"
            parts.append(f"+ or {up}")
        if down is not None:
            keys["-"] = "down"
            parts.append(f"- or {down}")
        got = keypress(f"  Basis: {' · '.join(parts)} ", keys, **self.pt)
        if got in ("up", "down"):
            return replace(reply, alt=up if got == "up" else down)
        return replace(reply, basis=got)  # type: ignore[arg-type]


_CHOICE_INDENT = 7  # pointer, shortcut and spaces before a choice's title


def keypress(message: str, keys: dict[str, str], **pt: Any) -> str:
    """Show a one-line prompt and return the value of the first of ``keys`` pressed (Ctrl-C raises)."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import FormattedTextControl, Layout, Window

    bindings = KeyBindings()
    for key, value in keys.items():
        bindings.add(key)(lambda event, value=value: event.app.exit(result=value))
    bindings.add("c-c")(lambda event: event.app.exit(exception=KeyboardInterrupt()))
    window = Window(FormattedTextControl([("class:instruction", message)]), height=1)
    app: Application[str] = Application(layout=Layout(window), key_bindings=bindings, style=STYLE, **pt)
    return app.run()


def wrap(text: str, indent: str = "") -> str:
    """Wrap text to the terminal at word boundaries (the terminal itself would cut words in half)."""
    return textwrap.fill(text, width=max(20, _width() - 1), initial_indent=indent, subsequent_indent=indent)


def _width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def _fit(title: str, room: int) -> str:
    """Shorten a one-line choice title to the room there is, visibly."""
    return title if len(title) <= room else title[: max(10, room - 1)].rstrip() + "…"


# ---------------------------------------------------------------- setup prompts


def text(message: str, default: str = "", *, required: bool = False, completions: Sequence[str] = (),
         max_length: int | None = None, **pt: Any) -> str:
    """Ask for a line of text, at most ``max_length`` characters (the store's limit, asked again if longer)."""

    def validate(value: str) -> bool | str:
        if required and not value.strip():
            return "Please type something."
        if max_length is not None and len(value.strip()) > max_length:
            return f"That is {len(value.strip()):,} characters; at most {max_length:,} are kept."
        return True
    if completions:
        return str(questionary.autocomplete(terminal_text(message), choices=list(completions), default=default,
                                            style=STYLE,
                                            validate=validate, **pt).unsafe_ask()).strip()
    return str(questionary.text(terminal_text(message), default=default, validate=validate, style=STYLE,
                                **pt).unsafe_ask()).strip()


def select(message: str, choices: Sequence[tuple[str, str]], default: str | None = None, **pt: Any) -> str:
    """Pick one of (value, title) choices; return the value."""
    picked = questionary.select(_one_line(message, "(Use arrow keys)", "Your choice"),
                                choices=[Choice(terminal_text(t), value=v) for v, t in choices], default=default,
                                style=STYLE, **pt).unsafe_ask()
    return str(picked)


def _one_line(message: str, instruction: str, short: str) -> str:
    """Return a prompt message that fits on one line with its instruction.

    A prompt that wraps is cut mid-word and drawn twice when the terminal is resized; a long
    question is printed above, wrapped at word boundaries, and the prompt says only ``short``.
    """
    message = terminal_text(message)
    if len(message) + len(instruction) + 4 < _width():
        return message
    print(wrap(message), flush=True)
    return short


def checkbox(message: str, choices: Sequence[tuple[str, str, bool]], **pt: Any) -> list[str]:
    """Pick any of (value, title, checked) choices; return the values."""
    room = _width() - _CHOICE_INDENT - 2
    instruction = "(Space ticks, Enter when done)"
    picked = questionary.checkbox(_one_line(message, instruction, "Your choice"),
                                  choices=[Choice(_fit(terminal_text(t), room), value=v, checked=c)
                                           for v, t, c in choices],
                                  instruction=instruction, style=STYLE, **pt).unsafe_ask()
    return [str(v) for v in picked]


def confirm(message: str, default: bool = True, **pt: Any) -> bool:
    """Ask yes or no."""
    return bool(questionary.confirm(terminal_text(message), default=default, style=STYLE, **pt).unsafe_ask())
