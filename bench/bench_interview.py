"""Interview latency: from an answer being confirmed to the next question being ready.

Engine + store, no human: a scripted prompter answers 1,000 questions (the built-in questionnaire,
nine processes, several respondents) on a SQLite store that already holds 200 assessments. Each
sample is the time between the prompter returning a reply and the engine handing it the next
question view — which includes writing the answer in its own transaction.

Targets (issue 3): median <= 5 ms, p99 <= 20 ms.

    python bench/bench_interview.py [--answers 1000] [--existing 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from crmcheck.answers import ScopedProcess
from crmcheck.assess import load_answers_file
from crmcheck.interview import Interview, QuestionView, Reply
from crmcheck.questionnaire import Questionnaire, parse_questionnaire
from crmcheck.resources import default_questionnaire, sample_answers
from crmcheck.store import Store, open_store


class TimedScript:
    """Answers at random and measures reply-to-next-question time."""

    def __init__(self, limit: int, rng: random.Random) -> None:
        self.limit, self.rng = limit, rng
        self.samples: list[float] = []
        self.replied_at: float | None = None

    def ask(self, view: QuestionView) -> Reply:
        now = time.perf_counter()
        if self.replied_at is not None:
            self.samples.append(now - self.replied_at)
        if len(self.samples) >= self.limit:
            raise KeyboardInterrupt
        self.replied_at = time.perf_counter()
        roll = self.rng.random()
        if roll < 0.05:
            return Reply("dont_know")
        return Reply("level", level=self.rng.randint(0, 4), note="a short note" if roll > 0.8 else None)

    def say(self, text: str) -> None:
        pass


def answer_latencies(store: Store, q: Questionnaire, text: str, answers: int) -> tuple[list[float], int]:
    """Interview new respondents of a new assessment until ``answers`` replies; return the ms samples, sorted.

    Also returns how many respondents it took. Shared with bench/bench_postgres.py.
    """
    scope = [ScopedProcess(p.id, p.title, p.importance) for p in q.processes]
    aid = store.create_assessment(text, "Bench Ltd", "2026-Q4", dt.date(2026, 11, 23), scope)
    script = TimedScript(answers, random.Random(7))
    person = 0
    while len(script.samples) < answers:
        person += 1
        rid = store.add_respondent(aid, f"Respondent {person}", "Role", "Dept")
        script.replied_at = None
        try:
            Interview(q, scope, script, store, rid).run()
        except KeyboardInterrupt:
            break
    return sorted(s * 1000 for s in script.samples), person


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=200)
    args = parser.parse_args()
    text = default_questionnaire().read_text(encoding="utf-8")
    q = parse_questionnaire(text)
    _, sample = load_answers_file(sample_answers())
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        for i in range(args.existing):
            sample.label = f"{2000 + i // 4}-Q{i % 4 + 1}"
            sample.client = f"Client {i % 20}"
            store.import_assessment(text, sample)
        filled = time.perf_counter() - t0
        ms, person = answer_latencies(store, q, text, args.answers)
        median = statistics.median(ms)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(f"store: {args.existing} assessments imported in {filled:.1f} s; "
              f"interview: {len(q.processes)} processes, {person} respondent(s)")
        print(f"answer -> next question over {len(ms)} answers: median {median:.2f} ms (target <= 5), "
              f"p99 {p99:.2f} ms (target <= 20), max {ms[-1]:.2f} ms")
        ok = median <= 5 and p99 <= 20
        print("within target" if ok else "MISSED TARGET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
