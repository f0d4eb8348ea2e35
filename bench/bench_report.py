"""`crmcheck report` (PDF) against WeasyPrint alone, cost per page at scale, and peak memory.

Everything runs as a user would run it: each measurement is a fresh process (subprocess), so
both sides pay for starting Python and importing WeasyPrint, and the peak memory of each run
is that child's own (``os.wait4``'s ``ru_maxrss``).

1. crmcheck vs WeasyPrint alone: ``crmcheck report --answers FILE -o X.pdf`` against a process
   that only runs WeasyPrint on the HTML ``crmcheck report --answers FILE --format html`` wrote
   (same document, fonts embedded as data: URIs, base_url the template folder). The runs
   alternate in one loop so both see the same machine; the ratio of the medians of their CPU
   time (user + system, from ``os.wait4``) is the figure, because wall time on a shared machine
   swings by more than the difference measured; the wall-time ratio is printed beside it.
   Target (issue 4): <= 1.25, i.e. all crmcheck adds costs at most a quarter of WeasyPrint's work.
2. Scale: a synthetic assessment of 25 processes (custom, named for it) and 12 respondents with
   deterministic random answers, DK/N/A and notes; its seconds per page against the demo's.
   Target: within 1.2x.
3. Peak memory of each crmcheck run, beside WeasyPrint alone's on the same HTML. Target: <= 250 MB.
   WeasyPrint keeps every laid-out page of a document in memory until the PDF is written (about
   3 MB a page here), so WeasyPrint alone grows with the page count; crmcheck lays the report out
   in parts and joins them (crmcheck/report/parts.py), so its peak follows the largest part.

    python bench/bench_report.py [--runs 5] [--scale-runs 1] [--answers FILE] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from crmcheck.answers import slugify
from crmcheck.questionnaire import Questionnaire, load_questionnaire
from crmcheck.resources import default_questionnaire, sample_answers, templates_dir

TARGET_RATIO = 1.25
TARGET_PER_PAGE = 1.2
TARGET_MB = 250

WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])
"""


@dataclass(frozen=True)
class Run:
    """One child process: wall time, CPU time (user + system) and peak resident memory."""

    seconds: float
    cpu: float
    peak_mb: float


def run(cmd: list[str], env: dict[str, str]) -> Run:
    """Run a command as a child process; return its wall time and its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # ru_maxrss: KiB on Linux


def pages(pdf: Path) -> int:
    """Return a PDF's page count (read from its page tree, no PDF library needed)."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


WORDS = ("We", "track", "this", "in", "a", "spreadsheet", "that", "only", "one", "person", "updates",
         "nobody", "agreed", "the", "figures", "since", "last", "year", "depends", "on", "who", "asks")
DEPARTMENTS = ("Sales", "Marketing", "Service", "IT", "Finance", "Operations")
PROCESS_NAMES = ("Order intake", "Returns", "Warranty claims", "Spare parts", "Field service", "Tenders",
                 "Price lists", "Credit checks", "Dealer onboarding", "Trade shows", "Web enquiries",
                 "Key accounts", "Contract renewals", "Installations", "Training courses", "Complaints",
                 "Samples", "Consignment stock", "Rebates", "Export orders", "Project quotes",
                 "Service contracts", "Customer portal", "Newsletters", "Partner referrals")


def synthetic_answers(q: Questionnaire, *, processes: int = 25, respondents: int = 12, seed: int = 2026) -> str:
    """Return an answers file: custom processes, respondents and deterministic random answers."""
    rnd = random.Random(seed)
    crit_questions = [(qu.id, qu.allow_na) for c in q.criteria for qu in c.questions]
    sin_questions = [(qu.id, qu.allow_na) for s in q.sins for qu in s.questions]
    people = [{"name": f"Respondent {i + 1:02d} {rnd.choice(('Berg', 'Okafor', 'Silva', 'Nakamura', 'Dubois'))}",
               "role": "Manager", "department": DEPARTMENTS[i % len(DEPARTMENTS)], "answers": {}}
              for i in range(respondents)]
    names = [PROCESS_NAMES[i % len(PROCESS_NAMES)] + ("" if i < len(PROCESS_NAMES) else f" {i}")
             for i in range(processes)]
    scope = [{"name": name, "importance": rnd.randint(1, 5)} for name in names]

    def answer(allow_na: bool) -> object:
        roll = rnd.random()
        if roll < 0.05:
            return "dont_know"
        if roll < 0.07 and allow_na:
            return {"answer": "na", "reason": "Not done in this part of the company."}
        level = min(4, max(0, round(rnd.gauss(1.8, 1.1))))
        if roll > 0.92:
            return {"level": level, "note": " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 22))) + "."}
        return level

    for slug in map(slugify, names):  # each process is described by three or four of the respondents
        for person in rnd.sample(people, rnd.randint(3, 4)):
            person["answers"][slug] = {qid: answer(na) for qid, na in crit_questions}  # type: ignore[index]
    for person in people:
        person["answers"]["programme"] = {qid: answer(na) for qid, na in sin_questions}  # type: ignore[index]
    data = {"client": "Synthetic Manufacturing Ltd", "label": "2026-Q4", "date": "2026-11-16",
            "questionnaire": q.ref, "processes": scope, "respondents": people}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def median(runs: list[Run], cpu: bool = True) -> float:
    return statistics.median(r.cpu if cpu else r.seconds for r in runs)


def peak_mb(runs: list[Run]) -> float:
    return max(r.peak_mb for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each demo measurement (default 5)")
    parser.add_argument("--scale-runs", type=int, default=1, help="runs of each synthetic measurement (default 1)")
    parser.add_argument("--answers", type=Path, default=sample_answers(), help="answers file (default: the demo's)")
    parser.add_argument("--keep", type=Path, help="keep the HTML, PDFs and synthetic answers in this folder")
    args = parser.parse_args()
    exe = shutil.which("crmcheck", path=str(Path(sys.executable).parent)) or "crmcheck"
    env = {**os.environ, "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-bench"}
    base_url = str(templates_dir()) + "/"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = args.keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        synthetic = tmp / "synthetic-25x12.yaml"
        synthetic.write_text(synthetic_answers(load_questionnaire(default_questionnaire())), encoding="utf-8")

        results: dict[str, dict[str, list[Run]]] = {}
        page_count: dict[str, int] = {}
        for name, answers, runs in (("demo", args.answers, args.runs), ("synthetic", synthetic, args.scale_runs)):
            html, pdf, alone = tmp / f"{name}.html", tmp / f"{name}.pdf", tmp / f"{name}-weasyprint.pdf"
            run([exe, "report", "--answers", str(answers), "--format", "html", "-o", str(html)], env)
            report = [exe, "report", "--answers", str(answers), "-o", str(pdf)]
            weasy = [sys.executable, "-c", WEASYPRINT_ALONE, str(html), base_url, str(alone)]
            if name == "demo":
                run(weasy, env)  # warm the file cache and .pyc files
            times: dict[str, list[Run]] = {"crmcheck": [], "weasyprint": []}
            for _ in range(runs):
                times["crmcheck"].append(run(report, env))
                times["weasyprint"].append(run(weasy, env))
            results[name] = times
            page_count[name] = pages(pdf)
            if pages(alone) != page_count[name]:
                print(f"warning: {name}: WeasyPrint alone made {pages(alone)} pages, crmcheck {page_count[name]}")

    print(f"crmcheck report (PDF) vs WeasyPrint alone on the HTML that --format html wrote; each a fresh "
          f"process (subprocess); medians of alternating runs ({args.runs} demo, {args.scale_runs} synthetic).")
    print("CPU = the child's user + system time: what the run costs, whatever else the machine is doing; "
          "wall = elapsed time.")
    print(f"{'':<10} {'pages':>5} {'crmcheck CPU s':>14} {'WeasyPrint CPU s':>16} {'ratio':>6} {'wall ratio':>10} "
          f"{'CPU s/page':>10} {'peak MB':>8} {'WeasyPrint MB':>14}")
    for name, times in results.items():
        ours, theirs = median(times["crmcheck"]), median(times["weasyprint"])
        wall = median(times["crmcheck"], cpu=False) / median(times["weasyprint"], cpu=False)
        mine, alone = peak_mb(times["crmcheck"]), peak_mb(times["weasyprint"])
        print(f"{name:<10} {page_count[name]:>5} {ours:>14.2f} {theirs:>16.2f} {ours / theirs:>6.2f} {wall:>10.2f} "
              f"{ours / page_count[name]:>10.3f} {mine:>8.0f} {alone:>14.0f}")
    demo, synth = results["demo"], results["synthetic"]
    ratio = median(demo["crmcheck"]) / median(demo["weasyprint"])
    per_page = (median(synth["crmcheck"]) / page_count["synthetic"]) / (median(demo["crmcheck"]) / page_count["demo"])
    checks = [
        (f"crmcheck / WeasyPrint alone (demo, CPU time): {ratio:.2f}", ratio <= TARGET_RATIO, f"<= {TARGET_RATIO}"),
        (f"CPU seconds per page, 25 x 12 vs demo: {per_page:.2f}x", per_page <= TARGET_PER_PAGE,
         f"<= {TARGET_PER_PAGE}x"),
    ]
    for name, times in results.items():
        peak = peak_mb(times["crmcheck"])
        checks.append((f"peak memory of crmcheck report, {name} ({page_count[name]} pages): {peak:.0f} MB "
                       f"(WeasyPrint alone on its HTML: {peak_mb(times['weasyprint']):.0f} MB)",
                       peak <= TARGET_MB, f"<= {TARGET_MB} MB"))
    print()
    for text, ok, target in checks:
        print(f"{'ok  ' if ok else 'MISS'} {text}  (target {target})")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
