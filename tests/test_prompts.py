"""The real questionary prompts, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from crmcheck import prompts
from crmcheck.answers import ScopedProcess
from crmcheck.interview import Interview, QuestionView
from crmcheck.prompts import QuestionaryPrompter
from crmcheck.questionnaire import load_questionnaire

DATA = Path(__file__).parent / "data"
ENTER, DOWN, CTRL_C = "\r", "\x1b[B", "\x03"


@pytest.fixture
def pipe() -> Iterator[object]:
    with create_pipe_input() as inp:
        yield inp


def first_view() -> QuestionView:
    q = load_questionnaire(DATA / "mini.yaml")
    engine = Interview(q, [ScopedProcess("leads", "Lead management", 4)], None, None, 1)  # type: ignore[arg-type]
    return engine.view(engine.steps[0], can_go_back=True)


def prompter(pipe: object, out: io.StringIO) -> QuestionaryPrompter:
    return QuestionaryPrompter(stream=out, color=False, input=pipe, output=DummyOutput())


def test_a_level_by_its_number_then_a_note(pipe: object) -> None:
    out = io.StringIO()
    pipe.send_text("3" + ENTER + ENTER + "named in May" + ENTER)  # type: ignore[attr-defined]
    reply = prompter(pipe, out).ask(first_view())
    assert (reply.kind, reply.level, reply.note, reply.basis, reply.alt) == ("level", 3, "named in May", "said", None)
    shown = out.getvalue()
    assert "Lead management › Ownership" in shown and "question 1 of" in shown


@pytest.mark.parametrize(("key", "basis", "alt"), [("s", "seen", None), ("m", "measured", None), ("+", None, 4),
                                                  ("-", None, 2)], ids=["seen", "measured", "up", "down"])
def test_one_key_records_the_basis_or_the_neighbouring_level(pipe: object, key: str, basis: str | None,
                                                             alt: int | None) -> None:
    out = io.StringIO()
    pipe.send_text("3" + ENTER + key + ENTER)  # type: ignore[attr-defined]
    reply = prompter(pipe, out).ask(first_view())
    assert (reply.level, reply.basis, reply.alt, reply.note) == (3, basis, alt, None)


def test_ctrl_c_after_the_level_keeps_it(pipe: object) -> None:
    pipe.send_text("2" + ENTER + ENTER + CTRL_C)  # type: ignore[attr-defined]
    reply = prompter(pipe, io.StringIO()).ask(first_view())
    assert (reply.kind, reply.level, reply.interrupted) == ("level", 2, True)


def test_not_applicable_asks_for_a_reason(pipe: object) -> None:
    view = first_view()
    view = QuestionView(**{**view.__dict__, "allow_na": True})
    pipe.send_text("n" + ENTER + "no such role" + ENTER + ENTER)  # type: ignore[attr-defined]
    reply = prompter(pipe, io.StringIO()).ask(view)
    assert (reply.kind, reply.reason, reply.note) == ("na", "no such role", None)


def test_back_and_skip_by_letter(pipe: object) -> None:
    pipe.send_text("b" + ENTER)  # type: ignore[attr-defined]
    assert prompter(pipe, io.StringIO()).ask(first_view()).kind == "back"
    pipe.send_text("s" + ENTER)  # type: ignore[attr-defined]
    assert prompter(pipe, io.StringIO()).ask(first_view()).kind == "skip"


def test_ctrl_c_raises_instead_of_returning_none(pipe: object) -> None:
    pipe.send_text(CTRL_C)  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        prompter(pipe, io.StringIO()).ask(first_view())


def test_setup_prompts(pipe: object) -> None:
    kw = {"input": pipe, "output": DummyOutput()}
    pipe.send_text(" " + DOWN + " " + ENTER)  # type: ignore[attr-defined]
    assert prompts.checkbox("Processes?", [("a", "A", False), ("b", "B", False)], **kw) == ["a", "b"]
    pipe.send_text(DOWN + ENTER)  # type: ignore[attr-defined]
    assert prompts.select("Importance?", [("5", "5 vital"), ("4", "4 major")], default="5", **kw) == "4"
    pipe.send_text("  Ana Silva " + ENTER)  # type: ignore[attr-defined]
    assert prompts.text("Name:", required=True, **kw) == "Ana Silva"


@pytest.mark.parametrize(("columns", "above"), [(120, False), (30, True)], ids=["wide", "narrow"])
def test_descriptors_are_never_cut(pipe: object, monkeypatch: pytest.MonkeyPatch, columns: int, above: bool) -> None:
    # prompt_toolkit cuts choice lines at the edge; descriptors that would not fit are printed above, wrapped.
    monkeypatch.setenv("COLUMNS", str(columns))
    out = io.StringIO()
    pipe.send_text("2" + ENTER + ENTER + ENTER)  # type: ignore[attr-defined]
    assert prompter(pipe, out).ask(first_view()).level == 2
    shown = out.getvalue()
    assert ("Agreed and written down." in " ".join(shown.split())) is above
    if above:
        block = shown[shown.index("  0 Absent"):].splitlines()
        assert max(len(line) for line in block) < columns
        words = " ".join(" ".join(block).split())
        for line in ("0 Absent — Nothing in place.", "2 Defined — Agreed and written down.",
                     "4 Optimised — Continuously improved."):
            assert line in words


def test_last_quarter_answer_is_shown_with_its_label_and_offered_with_prefill(pipe: object) -> None:
    from crmcheck.answers import Answer

    view = QuestionView(**{**first_view().__dict__, "previous": Answer(level=1, note="nobody really"),
                           "previous_label": "2026-Q3", "prefill": True})
    out = io.StringIO()
    pipe.send_text(ENTER + ENTER + ENTER)  # accept the offered default, said, no note
    reply = prompter(pipe, out).ask(view)
    assert "In 2026-Q3: 1 Ad hoc — “nobody really”" in out.getvalue()
    assert (reply.kind, reply.level) == ("level", 1)


@pytest.mark.parametrize("columns", [60, 80])
def test_the_question_is_printed_wrapped_and_the_prompt_line_never_wraps(
        pipe: object, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    # prompt_toolkit draws a prompt line that wrapped twice when the terminal is resized, and cuts it
    # mid-word: the question is printed above, at word boundaries, and the prompt line stays short.
    import questionary

    monkeypatch.setenv("COLUMNS", str(columns))
    messages: list[str] = []
    real = questionary.select

    def spy(message: str, *args: object, **kwargs: object) -> object:
        messages.append(message + " " + str(kwargs.get("instruction") or ""))
        return real(message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(questionary, "select", spy)
    out = io.StringIO()
    pipe.send_text("2" + ENTER + ENTER + ENTER)  # type: ignore[attr-defined]
    view = first_view()
    assert prompter(pipe, out).ask(view).level == 2
    assert all(len("? " + m) < columns for m in messages), messages
    shown = [line for line in out.getvalue().splitlines() if line.strip()]
    assert " ".join(" ".join(shown).split()).count(view.text) == 1
    assert all(len(line) < columns for line in shown if not line.startswith("Part"))
