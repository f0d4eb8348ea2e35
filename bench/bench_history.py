"""`crmcheck list` over 1,000 assessments and `crmcheck trend` over 40 quarters, against `--help`.

Each command runs as a user would run it (a fresh process), alternating with `crmcheck --help`
in the same loop so both see the same machine; the median of each is compared as a ratio.
Target (issue 5): each within 2x of `crmcheck --help`.

    python bench/bench_history.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crmcheck.assess import load_answers_file
from crmcheck.resources import default_questionnaire, sample_answers
from crmcheck.store import open_store


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--assessments", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=40)
    args = parser.parse_args()
    exe = shutil.which("crmcheck", path=str(Path(sys.executable).parent)) or "crmcheck"
    text = default_questionnaire().read_text(encoding="utf-8")
    _, a = load_answers_file(sample_answers())
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "history.db")
        store = open_store(db)
        t0 = time.perf_counter()
        for i in range(args.quarters):  # one client, 40 quarters
            a.client, a.label = "Trend Co", f"{2017 + i // 4}-Q{i % 4 + 1}"
            store.import_assessment(text, a)
        for i in range(args.assessments - args.quarters):
            a.client, a.label = f"Client {i % 100:03d}", f"{2000 + i // 400}-Q{i // 100 % 4 + 1}-{i}"
            store.import_assessment(text, a)
        print(f"store: {args.assessments} assessments ({args.quarters} quarters of one client) "
              f"built in {time.perf_counter() - t0:.1f} s")
        env = {**os.environ, "CRMCHECK_DB": db, "NO_COLOR": "1"}
        commands = {"help": [exe, "--help"], "list": [exe, "list"], "trend": [exe, "trend", "Trend Co"],
                    "list --json": [exe, "list", "--json"]}
        for cmd in commands.values():  # warm the file cache and .pyc files
            timed(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, env))
        median = {name: statistics.median(v) * 1000 for name, v in times.items()}
        print(f"crmcheck --help            {median['help']:7.1f} ms (median of {args.runs})")
        ok = True
        for name in ("list", "list --json", "trend"):
            ratio = median[name] / median["help"]
            ok = ok and ratio <= 2.0
            print(f"crmcheck {name:<17} {median[name]:7.1f} ms  = {ratio:.2f} x --help (target <= 2.0)")
        print("within target" if ok else "MISSED TARGET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
