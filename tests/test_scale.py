"""Scale limits (issue 13, Deliver 6): the interview stays fast on a 2,000-question questionnaire.

The progress line used to re-evaluate every step's show_if for every question (O(n^2) over an
interview); now an answer recounts only the steps whose show_if reads it.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

import pytest
from builders import big_questionnaire_text

import crmcheck.interview as interview
from crmcheck.answers import ScopedProcess
from crmcheck.interview import Interview, Progress, QuestionView, Reply
from crmcheck.questionnaire import parse_questionnaire


class Sink:
    """Keeps nothing: the engine alone is measured."""

    def save_answer(self, *_args: Any) -> None:
        return None

    def delete_answer(self, *_args: Any) -> None:
        pass

    def set_speaks_for(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def big() -> Any:
    return parse_questionnaire(big_questionnaire_text(2000))


def test_the_progress_line_does_not_read_every_show_if_for_every_question(big: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = interview.visible

    def counted(*args: Any) -> bool:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(interview, "visible", counted)
    per_question: list[int] = []
    samples: list[float] = []

    class Script:
        replied: float | None = None

        def ask(self, view: QuestionView) -> Reply:
            nonlocal calls
            if self.replied is not None:
                samples.append(time.perf_counter() - self.replied)
                per_question.append(calls)
            calls = 0
            if len(samples) == 600:
                raise KeyboardInterrupt
            self.replied = time.perf_counter()
            return Reply("level", level=len(samples) % 5)

        def say(self, text: str) -> None:
            pass

    engine = Interview(big, [ScopedProcess("sales", "Sales", 3)], Script(), Sink(), 1)
    assert len(engine.steps) == 2000
    with pytest.raises(KeyboardInterrupt):
        engine.run()
    assert max(per_question) <= 4  # the next step's own show_if and the few that read the answer
    ms = sorted(s * 1000 for s in samples)
    assert statistics.median(ms) < 2 and ms[int(len(ms) * 0.99)] < 20


def naive(engine: Interview, key: tuple[str, str]) -> tuple[int, int, int]:
    """Count position, total and answered the way the progress line is defined, from scratch."""
    shown = [s for s in engine.steps if s.key in engine.answers or engine.may_be_asked(s)]
    position = next((i for i, s in enumerate(shown, start=1) if s.key == key), len(shown))
    return position, len(shown), sum(1 for s in shown if s.key in engine.answers)


def test_the_kept_counts_match_counting_from_scratch() -> None:
    q = parse_questionnaire(big_questionnaire_text(120, criteria=3, sins=2))
    rnd = random.Random(13)
    seen: list[Progress] = []

    class Wanderer:
        engine: Interview

        def ask(self, view: QuestionView) -> Reply:
            p = view.progress
            assert (p.position, p.total, p.answered) == naive(self.engine, view.step.key)
            seen.append(p)
            roll = rnd.random()
            if roll < 0.1 and view.can_go_back:
                return Reply("back")
            if roll < 0.18:
                return Reply("skip")
            if roll < 0.2:
                return Reply("dont_know")
            return Reply("level", level=rnd.choice([0, 0, 1, 2, 3, 4]))

        def say(self, text: str) -> None:
            pass

    wanderer = Wanderer()
    wanderer.engine = Interview(q, [ScopedProcess("sales", "Sales", 3)], wanderer, Sink(), 1)
    wanderer.engine.run()
    assert len(seen) > 100
