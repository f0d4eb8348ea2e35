"""The interview flow: which question comes next, back, skip, resume, progress — no terminal code.

The engine asks through a ``Prompter`` (questionary in ``crmcheck.prompts``, a script in tests)
and writes every answer to the store the moment it is given, so an interruption loses at most
the answer being typed. It keeps no state the store does not have: resuming is just running it
again, starting at the first unanswered question.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from crmcheck.answers import Answer, ScopedProcess
from crmcheck.questionnaire import PROGRAMME, Condition, Item, Questionnaire
from crmcheck.scoring import visible

DEFAULT_SECONDS_PER_QUESTION = 25.0


@dataclass(frozen=True)
class Step:
    """One question instance: a question asked for one process, or for the programme."""

    group: str  # process id or PROGRAMME
    item: Item

    @property
    def key(self) -> tuple[str, str]:
        """Return the (group, question id) key answers are stored under."""
        return (self.group, self.item.question.id)


@dataclass(frozen=True)
class Progress:
    """Where the interview stands, for the progress line."""

    section: int  # 1-based position of the current process (programme counts as the last)
    sections: int
    position: int  # 1-based number of the question being asked
    total: int
    answered: int
    seconds_left: float

    @property
    def percent(self) -> int:
        """Return how much is done, 0-100."""
        return round(100 * self.answered / self.total) if self.total else 100

    def line(self) -> str:
        """Return the progress line shown above each question."""
        minutes = max(1, round(self.seconds_left / 60)) if self.seconds_left else 0
        left = f" · about {minutes} min left" if minutes else ""
        return (f"Part {self.section} of {self.sections} · question {self.position} of {self.total} · "
                f"{self.percent}% done{left}")


@dataclass(frozen=True)
class Level:
    """One answer option: a level with its label and the descriptor for this question."""

    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class QuestionView:
    """Everything the prompter shows for one question."""

    step: Step
    context: str  # e.g. "Sales › Measures" or "Programme › No CRM strategy"
    text: str
    help: str | None
    levels: list[Level]
    allow_dont_know: bool
    allow_na: bool
    can_go_back: bool
    progress: Progress
    current: Answer | None = None  # this respondent's answer when re-asking (back)
    previous: Answer | None = None  # last assessment's answer (interview --from)
    previous_label: str | None = None  # that assessment's label, e.g. 2026-Q3
    prefill: bool = False  # offer ``previous`` as the default
    part: str = ""  # the process (or "Programme") the question belongs to, for "skip the rest of …"


@dataclass(frozen=True)
class Reply:
    """What the respondent chose."""

    kind: Literal["level", "dont_know", "na", "back", "skip", "skip-part"]
    level: int | None = None
    reason: str | None = None
    note: str | None = None
    basis: Literal["said", "seen", "measured"] | None = None
    alt: int | None = None  # the neighbouring level the interviewer hesitated towards
    interrupted: bool = False  # Ctrl-C after the answer was chosen: save it, then stop


class Prompter(Protocol):
    """The interview's only way to talk to a person. Ctrl-C surfaces as ``KeyboardInterrupt``."""

    def ask(self, view: QuestionView) -> Reply:
        """Ask one question and return the reply (with the optional note or n/a reason)."""

    def say(self, text: str) -> None:
        """Show a line of information."""


class AnswerSink(Protocol):
    """Where answers go: the store, or a list in tests."""

    def save_answer(self, rid: int, process: str, question: str, answer: Answer,
                    expected: Answer | None = None) -> Answer | None:
        """Persist one answer now; return the stored answer it overwrote if that was not ``expected``."""

    def delete_answer(self, rid: int, process: str, question: str) -> None:
        """Forget one answer."""

    def set_speaks_for(self, rid: int, processes: list[str] | None) -> None:
        """Record which processes the respondent is asked about (None: all)."""


def plan_steps(q: Questionnaire, scope: Sequence[ScopedProcess], stage: str | None = None) -> list[Step]:
    """Return every question instance asked at a stage, in interview order: each process, then the programme."""
    steps = [Step(p.id, item) for p in scope for item in q.process_items(p.id) if q.asks(item, stage)]
    steps += [Step(PROGRAMME, item) for item in q.programme_items() if q.asks(item, stage)]
    return steps


@dataclass
class Outcome:
    """How an interview run ended."""

    answered: int  # answers this respondent has in the store now
    given: int  # answers given in this run
    unanswered: list[Step] = field(default_factory=list)
    complete: bool = False


class Interview:
    """Runs one respondent through the questionnaire."""

    def __init__(
        self,
        q: Questionnaire,
        scope: Sequence[ScopedProcess],
        prompter: Prompter,
        sink: AnswerSink,
        respondent_id: int,
        answers: dict[tuple[str, str], Answer] | None = None,
        *,
        previous: dict[tuple[str, str], Answer] | None = None,
        previous_label: str | None = None,
        prefill: bool = False,
        stage: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        self.q, self.scope, self.prompter, self.sink = q, list(scope), prompter, sink
        self.rid = respondent_id
        self.answers: dict[tuple[str, str], Answer] = dict(answers or {})
        self.previous = previous or {}
        self.previous_label = previous_label
        self.prefill = prefill
        self.clock, self.now = clock, now
        self.stage = stage
        self.titles = {p.id: p.title for p in self.scope}
        self.durations: list[float] = []
        self.given = 0
        self._by_group: dict[str, dict[str, Answer]] = {}
        for (group, qid), answer in self.answers.items():
            self._by_group.setdefault(group, {})[qid] = answer
        self._set_steps(plan_steps(q, self.scope, stage))

    def _set_steps(self, steps: list[Step]) -> None:
        """Take the steps to ask and index them for the progress line.

        The progress line counts the steps answered or still askable. Each step's count is kept
        (``_counted``) and recomputed only when an answer its show_if reads changes, so asking the
        next question costs the same at question 5 as at question 2,000, not one show_if per step.
        """
        self.steps = steps
        self._position = {s.key: i for i, s in enumerate(steps)}
        self._readers: dict[tuple[str, str], list[int]] = {}
        for i, s in enumerate(steps):
            cond = s.item.question.show_if
            for qid in _refs(cond) if cond is not None else ():
                self._readers.setdefault((s.group, qid), []).append(i)
        self._counted = [s.key in self.answers or self.may_be_asked(s) for s in steps]
        self._answered = sum(1 for s in steps if s.key in self.answers)

    # ------------------------------------------------------------ what to ask

    def is_visible(self, step: Step) -> bool:
        """Return whether the respondent is asked this step, given their answers so far."""
        return visible(step.item, self._by_group.get(step.group, {}))

    def may_be_asked(self, step: Step) -> bool:
        """Return whether a step is visible, or could become so once the answers it depends on are given."""
        if self.is_visible(step):
            return True
        cond = step.item.question.show_if
        return cond is not None and any((step.group, qid) not in self.answers for qid in _refs(cond))

    def remaining(self) -> list[Step]:
        """Return the visible steps still unanswered, in interview order."""
        return [s for s in self.steps if s.key not in self.answers and self.is_visible(s)]

    def first_unanswered(self) -> Step | None:
        """Return where a resumed interview starts."""
        todo = self.remaining()
        return todo[0] if todo else None

    # ------------------------------------------------------------ running

    def run(self) -> Outcome:
        """Ask until every visible question is answered or skipped twice; return the outcome."""
        # Every unanswered step, visible or not yet: visibility is decided when a step comes up,
        # because an answer given on the way can reveal it (show_if).
        queue = [s for s in self.steps if s.key not in self.answers]
        skipped: list[Step] = []
        history: list[Step] = []  # answered in this run, for "back"
        revisit: set[tuple[str, str]] = set()  # answered steps the respondent went back to
        second_round = False
        while True:
            if not queue:
                if skipped and not second_round:
                    self.prompter.say(f"Back to the {_n(len(skipped), 'question')} you skipped.")
                    queue, skipped, second_round = skipped, [], True
                    continue
                break
            step = queue.pop(0)
            if (step.key in self.answers and step.key not in revisit) or not self.is_visible(step):
                continue
            started = self.clock()
            reply = self.prompter.ask(self.view(step, can_go_back=bool(history)))
            if reply.kind == "back":
                queue.insert(0, step)
                if history:
                    back = history.pop()
                    revisit.add(back.key)
                    queue.insert(0, back)
                continue
            if reply.kind == "skip-part":
                self.skip_part(step.group)
                queue = [s for s in queue if s.group != step.group]
                skipped = [s for s in skipped if s.group != step.group]
                continue
            if reply.kind == "skip":
                if step.key not in revisit:
                    skipped.append(step)
                revisit.discard(step.key)  # skipping a revisited question keeps its answer
                continue
            revisit.discard(step.key)
            self.record(step, reply)
            if reply.interrupted:
                raise KeyboardInterrupt
            history.append(step)
            self.durations.append(self.clock() - started)
        left = self.remaining()
        return Outcome(self.count(), self.given, left, complete=not left)

    def skip_part(self, group: str) -> None:
        """Stop asking this person about a process: they do not speak for it (its answers so far stay).

        The programme part is asked of everyone; skipping it leaves its questions unanswered.
        """
        title = self.titles.get(group, "the programme")
        if group == PROGRAMME:
            self.prompter.say(f"Skipped the rest of {title}; it stays open for this respondent.")
            return
        answered = {g for g, _ in self.answers}
        self.scope = [p for p in self.scope if p.id != group or p.id in answered]
        if group not in answered:
            self._set_steps([s for s in self.steps if s.group != group])
        else:  # keep what was said; ask nothing more
            self._set_steps([s for s in self.steps if s.group != group or s.key in self.answers])
        self.sink.set_speaks_for(self.rid, [p.id for p in self.scope])
        self.prompter.say(f"{title}: not asked of this respondent any more.")

    def record(self, step: Step, reply: Reply) -> None:
        """Save one reply as an answer, now."""
        answer = Answer(
            level=reply.level if reply.kind == "level" else None,
            kind=reply.kind if reply.kind in ("level", "dont_know", "na") else "level",
            reason=reply.reason if reply.kind == "na" else None,
            note=reply.note or None,
            at=self.now().replace(microsecond=0),
            basis=reply.basis if reply.kind == "level" and reply.basis != "said" else None,
            alt=reply.alt if reply.kind == "level" else None,
        )
        overwritten = self.sink.save_answer(self.rid, step.group, step.item.question.id, answer,
                                            self.answers.get(step.key))
        if overwritten is not None:
            # The same respondent is being interviewed from another terminal too: the last answer
            # saved is the one kept, and whoever saves it should know they replaced something.
            said = "don't know" if overwritten.kind == "dont_know" else (
                "not applicable" if overwritten.kind == "na" else f"level {overwritten.level}")
            self.prompter.say(f"Note: this answer had been changed in another session ({said}) since it was "
                              "shown here; yours replaces it.")
        # Answers that depended on the old one may now be hidden; they stay stored (scoring ignores
        # hidden questions), so changing an answer back restores them.
        self._remember(step.key, answer)
        self.given += 1

    def _remember(self, key: tuple[str, str], answer: Answer) -> None:
        """Keep an answer, and recount the steps whose show_if reads it."""
        if key not in self.answers and key in self._position:
            self._answered += 1
        self.answers[key] = answer
        self._by_group.setdefault(key[0], {})[key[1]] = answer
        if key in self._position:
            self._counted[self._position[key]] = True
        for i in self._readers.get(key, ()):
            s = self.steps[i]
            self._counted[i] = s.key in self.answers or self.may_be_asked(s)

    def count(self) -> int:
        """Return how many answers this respondent has."""
        return len(self.answers)

    # ------------------------------------------------------------ presentation data

    def view(self, step: Step, *, can_go_back: bool) -> QuestionView:
        """Build what the prompter shows for one step."""
        question = step.item.question
        levels = [Level(lv.value, lv.label, self.q.descriptor(question, lv.value))
                  for lv in self.q.scale_of(question).levels]
        if step.group == PROGRAMME:
            sin = next(s for s in self.q.sins if s.id == step.item.group)
            part, section = "Programme", sin.title_at(self.stage)
        else:
            crit = next(c for c in self.q.criteria if c.id == step.item.group)
            part, section = self.titles.get(step.group, step.group), crit.title
        return QuestionView(
            step=step, context=f"{part} › {section}", part=part, text=question.text, help=question.help, levels=levels,
            allow_dont_know=question.allow_dont_know, allow_na=question.allow_na, can_go_back=can_go_back,
            progress=self.progress(step), current=self.answers.get(step.key),
            previous=self.previous.get(step.key), previous_label=self.previous_label, prefill=self.prefill,
        )

    def progress(self, step: Step) -> Progress:
        """Return the progress line's figures for the step about to be asked."""
        groups = [p.id for p in self.scope] + [PROGRAMME]
        total = sum(self._counted)
        at = self._position.get(step.key)
        position = total if at is None else sum(self._counted[:at]) + 1
        pace = statistics.median(self.durations[-15:]) if self.durations else DEFAULT_SECONDS_PER_QUESTION
        left = total - self._answered
        return Progress(groups.index(step.group) + 1, len(groups), position, total, self._answered, left * pace)


def _refs(cond: Condition) -> list[str]:
    """Return the question ids a show_if condition reads."""
    subs = [*(cond.all or []), *(cond.any or []), *([cond.not_] if cond.not_ else [])]
    own = [cond.question] if cond.question else []
    return own + [qid for sub in subs for qid in _refs(sub)]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def current_quarter(today: dt.date) -> str:
    """Return the default assessment label for a date, e.g. 2026-Q4."""
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
