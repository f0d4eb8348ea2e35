"""Scale limits (issue 13, Deliver 6): the interview stays fast on a 2,000-question questionnaire.

The progress line used to re-evaluate every step's show_if for every question (O(n^2) over an
interview); now an answer recounts only the steps whose show_if reads it.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
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


@pytest.fixture(scope="module")
def answers_50x30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the bench's synthetic assessment of 50 processes x 30 respondents."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from bench_report import synthetic_answers

    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    path = tmp_path_factory.mktemp("scale") / "50x30.yaml"
    path.write_text(synthetic_answers(load_questionnaire(default_questionnaire()), processes=50, respondents=30),
                    encoding="utf-8")
    return path


PEAK = """
import sys
from crmcheck.cli import main
try:
    main(sys.argv[1:])
finally:
    # VmHWM is this program's own peak since it started. ru_maxrss of a child would not do: on
    # Linux it carries over the parent's peak through fork, and pytest's own process is large.
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    sys.stderr.write(f"peak-kb {peak.split()[1]}\\n")
"""


def test_the_json_report_of_50_by_30_stays_under_250_mb(answers_50x30: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-c", PEAK, "report", "--answers", str(answers_50x30), "-o", str(out)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    peak_kb = int(proc.stderr.rsplit("peak-kb ", 1)[1].split()[0])
    assert peak_kb / 1024 <= 250  # measured: 118 MB (was 279 MB)
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "crmcheck.report/1"


def test_the_pdf_of_50_by_30_is_laid_out_in_parts_of_a_bounded_size(answers_50x30: Path) -> None:
    import datetime as dt

    from crmcheck.assess import load_answers_file
    from crmcheck.brand import DEFAULT_BRAND
    from crmcheck.report import html_for
    from crmcheck.report.context import build_context
    from crmcheck.report.parts import PART_CHARS, split_parts

    q, a = load_answers_file(answers_50x30)
    ctx = build_context(q, a, now=dt.datetime(2026, 11, 20), brand=DEFAULT_BRAND)
    parts = split_parts(html_for(ctx, DEFAULT_BRAND, embed_fonts=False))
    # WeasyPrint's memory follows the largest part: the appendix was one part of 340,000 characters
    # (peak 283 MB); a new page every 20 processes splits it (peak 195 MB).
    assert max(len(p.html) for p in parts) <= 1.4 * PART_CHARS


def test_json_in_pieces_is_the_same_text() -> None:
    import datetime as dt

    from crmcheck.assess import load_answers_file
    from crmcheck.report.context import build_context
    from crmcheck.report.render import render_json, report_data
    from crmcheck.resources import sample_answers
    from crmcheck.textsafe import json_text

    q, a = load_answers_file(sample_answers())
    ctx = build_context(q, a, now=dt.datetime(2026, 11, 20))
    assert render_json(ctx) == json_text(report_data(ctx)) + "\n"
