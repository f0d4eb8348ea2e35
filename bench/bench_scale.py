"""Scale limits (issue 13, Deliver 6): a 2,000-question interview, a 50 x 30 report, a 100 KB note.

1. Interview latency on a questionnaire of 2,000 questions (tests/builders.big_questionnaire_text:
   one process, every third question behind a show_if), engine + SQLite store, a scripted prompter
   answering every question: the time from a reply to the next question's view, which includes
   writing the answer in its own transaction and the progress line. Target: p99 <= 20 ms.
2. A report of 50 processes x 30 respondents (bench_report.synthetic_answers), as PDF, HTML,
   Markdown and JSON, each `crmcheck report` a fresh process; its peak memory (``os.wait4``'s
   ru_maxrss) and time. Target: peak <= 250 MB.
3. A 100 KB note (words), then instead a 10 KB unbroken word in that note, on the demo's answers:
   the PDF is written within 3x the demo's own CPU time.

    python bench/bench_scale.py [--questions 2000] [--processes 50] [--respondents 30] [--skip-report]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench_report import run, synthetic_answers  # noqa: E402
from builders import big_questionnaire_text  # noqa: E402

from crmcheck.answers import ScopedProcess  # noqa: E402
from crmcheck.interview import Interview, QuestionView, Reply  # noqa: E402
from crmcheck.questionnaire import load_questionnaire, parse_questionnaire  # noqa: E402
from crmcheck.resources import default_questionnaire, sample_answers  # noqa: E402
from crmcheck.store import open_store  # noqa: E402

TARGET_P99_MS = 20
TARGET_MB = 250
TARGET_SLOWDOWN = 3


class Timed:
    """Answers every question (level 0-4, a note now and then) and times reply -> next question."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.replied_at: float | None = None
        self.n = 0

    def ask(self, view: QuestionView) -> Reply:
        now = time.perf_counter()
        if self.replied_at is not None:
            self.samples.append(now - self.replied_at)
        self.n += 1
        self.replied_at = time.perf_counter()
        return Reply("level", level=1 + self.n % 4, note="a short note" if self.n % 7 == 0 else None)

    def say(self, text: str) -> None:
        pass


def interview(questions: int, tmp: Path) -> bool:
    text = big_questionnaire_text(questions)
    q = parse_questionnaire(text)
    store = open_store(str(tmp / "scale.db"))
    scope = [ScopedProcess("sales", "Sales", 3)]
    aid = store.create_assessment(text, "Scale Ltd", "2026-Q4", dt.date(2026, 11, 23), scope)
    rid = store.add_respondent(aid, "Respondent", "Role", "Sales")
    script = Timed()
    start = time.perf_counter()
    outcome = Interview(q, scope, script, store, rid).run()
    took = time.perf_counter() - start
    ms = sorted(s * 1000 for s in script.samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"interview: {questions} questions, {outcome.given} answered in {took:.1f} s; answer -> next question: "
          f"median {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.2f} ms")
    ok = p99 <= TARGET_P99_MS
    print(f"{'ok  ' if ok else 'MISS'} interview p99 {p99:.2f} ms (target <= {TARGET_P99_MS} ms)")
    return ok


def report(processes: int, respondents: int, tmp: Path) -> bool:
    exe = str(Path(sys.executable).parent / "crmcheck")
    env = {**os.environ, "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-bench"}
    answers = tmp / f"synthetic-{processes}x{respondents}.yaml"
    answers.write_text(synthetic_answers(load_questionnaire(default_questionnaire()), processes=processes,
                                         respondents=respondents), encoding="utf-8")
    ok = True
    for fmt in ("pdf", "html", "md", "json"):
        r = run([exe, "report", "--answers", str(answers), "-o", str(tmp / f"big.{fmt}")], env)
        size = (tmp / f"big.{fmt}").stat().st_size / 1e6
        good = r.peak_mb <= TARGET_MB
        ok &= good
        print(f"{'ok  ' if good else 'MISS'} report {processes} x {respondents} {fmt:<4}: {r.cpu:6.1f} CPU s, "
              f"peak {r.peak_mb:4.0f} MB (target <= {TARGET_MB} MB), {size:.1f} MB written")
    return ok


def notes(tmp: Path) -> bool:
    exe = str(Path(sys.executable).parent / "crmcheck")
    env = {**os.environ, "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-bench"}
    data = yaml.safe_load(sample_answers().read_text(encoding="utf-8"))
    words = ("the figures come from a spreadsheet that one person updates on Fridays " * 1500)[:100_000]
    variants = {"demo": None, "100 KB note": words.strip(), "10 KB unbroken word": "W" * 10_240}
    base = None
    ok = True
    for name, note in variants.items():
        if note is not None:
            first = data["respondents"][0]["answers"]
            group = next(iter(first))
            qid = next(iter(first[group]))
            value = first[group][qid]
            first[group][qid] = {**(value if isinstance(value, dict) else {"level": value}), "note": note}
        path = tmp / f"notes-{len(variants)}-{name.replace(' ', '-')}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
        r = run([exe, "report", "--answers", str(path), "-o", str(tmp / "notes.pdf")], env)
        base = base or r.cpu  # CPU time: wall time on a shared machine swings more than what is measured
        good = r.cpu <= TARGET_SLOWDOWN * base
        ok &= good
        print(f"{'ok  ' if good else 'MISS'} PDF with {name:<20}: {r.cpu:5.1f} CPU s ({r.cpu / base:.2f}x the "
              f"demo, target <= {TARGET_SLOWDOWN}x), {r.seconds:.1f} s wall, peak {r.peak_mb:.0f} MB")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=50)
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--skip-report", action="store_true", help="only the interview")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ok = interview(args.questions, tmp)
        if not args.skip_report:
            ok &= report(args.processes, args.respondents, tmp)
            ok &= notes(tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
