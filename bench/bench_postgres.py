"""The team store on PostgreSQL: list, trend and the interview, measured beside their baselines.

Starts a throwaway PostgreSQL server (tests/pgserver.py: CRMCHECK_TEST_PG, or the machine's
initdb/pg_ctl on a loopback port), fills it with 1,000 assessments (one client with 40
quarters), then times, side by side in one run:

- ``crmcheck list`` of the 1,000 and ``crmcheck trend`` of the 40 quarters against
  ``crmcheck --help`` (median of repeated whole-program runs; target: within 2x --help);
- answer -> next question in the interview engine on PostgreSQL, beside the same on SQLite
  (target: median <= 10 ms on PostgreSQL).

    python bench/bench_postgres.py [--assessments 1000] [--runs 15] [--answers 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pgserver
from bench_interview import answer_latencies

from crmcheck.assess import load_answers_file
from crmcheck.questionnaire import parse_questionnaire
from crmcheck.resources import default_questionnaire, sample_answers
from crmcheck.store import open_store


def wall(args: list[str], runs: int, env: dict[str, str]) -> float:
    """Return the median wall time of a whole crmcheck run, in seconds."""
    exe = [sys.executable, "-m", "crmcheck", *args]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(exe, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fill(url: str, n: int, text: str) -> float:
    _, sample = load_answers_file(sample_answers())
    store = open_store(url)
    t0 = time.perf_counter()
    for i in range(n):
        if i < 40:
            sample.client, year, quarter = "Quarterly Ltd", 2017 + i // 4, i % 4 + 1
        else:
            sample.client, year, quarter = f"Client {i % 40}", 1900 + i // 4, i % 4 + 1
        sample.label = f"{year}-Q{quarter}"
        sample.date = dt.date(year, quarter * 3, 1)
        store.import_assessment(text, sample)
    store.close()
    return time.perf_counter() - t0


def interview_ms(url: str, answers: int, text: str) -> tuple[float, float]:
    ms, _ = answer_latencies(open_store(url), parse_questionnaire(text), text, answers)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--assessments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    text = default_questionnaire().read_text(encoding="utf-8")
    server = pgserver.start()
    try:
        url = server.create_database()
        filled = fill(url, args.assessments, text)
        env = {**os.environ, "CRMCHECK_DB": url, "NO_COLOR": "1"}
        wall(["list"], 2, env)  # warm the caches of both sides alike
        help_s = wall(["--help"], args.runs, env)
        list_s = wall(["list"], args.runs, env)
        list_json_s = wall(["list", "--json"], args.runs, env)
        trend_s = wall(["trend", "quarterly"], args.runs, env)
        print(f"PostgreSQL store: {args.assessments} assessments stored in {filled:.1f} s")
        print(f"crmcheck --help            {help_s * 1000:7.1f} ms")
        ok = True
        for name, took in (("list (1,000)", list_s), ("list --json (1,000)", list_json_s),
                           ("trend (40 quarters)", trend_s)):
            ratio = took / help_s
            ok &= ratio <= 2
            print(f"crmcheck {name:<18}{took * 1000:7.1f} ms  = {ratio:.2f}x --help (target <= 2x)")
        with tempfile.TemporaryDirectory() as tmp:
            lite = interview_ms(str(Path(tmp) / "bench.db"), args.answers, text)
        pg = interview_ms(server.create_database(), args.answers, text)
        print(f"answer -> next question over {args.answers} answers: PostgreSQL median {pg[0]:.2f} ms "
              f"(target <= 10), p99 {pg[1]:.2f} ms; SQLite median {lite[0]:.2f} ms, p99 {lite[1]:.2f} ms")
        ok &= pg[0] <= 10
        print("within target" if ok else "MISSED TARGET")
        return 0 if ok else 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
