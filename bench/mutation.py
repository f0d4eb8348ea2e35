"""Mutation testing of the judgement core with mutmut: how many planted bugs the tests catch.

Runs ``mutmut run`` with the configuration in pyproject.toml ([tool.mutmut]: the modules mutated
and the tests that must catch them), then prints, per module, how many mutants the tests killed,
and the functions where most survived. Survivors listed in ``bench/mutation_equivalent.yaml`` (a
change that cannot alter behaviour, with the reason) are counted apart and left out of the score's
denominator; a listed mutant that no longer survives is reported, so the list stays true. Not part
of the default suite: a full run takes about an hour on two cores.

    pip install -e '.[dev]'
    python bench/mutation.py            # run, then report
    python bench/mutation.py --report   # report the last run only
    mutmut show crmcheck.findings.x_find__mutmut_12   # what one surviving mutant changed
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "bench" / "mutation_equivalent.yaml"
LINE = re.compile(r"^\s*(crmcheck\.\w+)\.(\S+?)__mutmut_\d+: (.+)$")


def run(children: int) -> None:
    """Run mutmut over the configured modules."""
    subprocess.run(["mutmut", "run", "--max-children", str(children)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def equivalent() -> dict[str, str]:
    """Return the surviving mutants known to be equivalent, each with why."""
    import yaml

    return yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or {} if EQUIVALENT.is_file() else {}


def report(top: int) -> int:
    """Print the kill ratio per module and the functions with the most survivors."""
    out = subprocess.run(["mutmut", "results", "--all", "true"], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    known = equivalent()
    modules: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    functions: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    stale = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            module, function, status = m.groups()
            name = line.split(":", 1)[0].strip()
            if name in known:
                if status == "survived":
                    status = "equivalent"
                elif status == "killed":
                    stale.append(name)
            modules[module][status] += 1
            functions[(module, function)][status] += 1
    if not modules:
        print("no mutmut results; run without --report first", file=sys.stderr)
        return 2
    print(f"{'module':<22} {'mutants':>8} {'killed':>7} {'survived':>9} {'equivalent':>11} {'no tests':>9} "
          f"{'score':>6}")
    for module, c in sorted(modules.items()):
        total = sum(c.values())
        counted = total - c["equivalent"] - c["not checked"]
        score = f"{c['killed'] / counted:>6.1%}" if counted else "     -"
        print(f"{module:<22} {total:>8} {c['killed']:>7} {c['survived']:>9} {c['equivalent']:>11} "
              f"{c['no tests']:>9} {score}")
    for name in stale:
        print(f"listed as equivalent but killed now, remove it from {EQUIVALENT.name}: {name}")
    print(f"\nmost survivors ({top}):")
    for (module, function), c in sorted(functions.items(), key=lambda kv: -kv[1]["survived"])[:top]:
        if c["survived"]:
            print(f"  {module}.{function}: {c['survived']} of {sum(c.values())}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the mutation check and report it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", action="store_true", help="only report the last run")
    ap.add_argument("--children", type=int, default=os.cpu_count() or 2, help="parallel test processes")
    ap.add_argument("--top", type=int, default=15, help="functions to list with the most survivors")
    args = ap.parse_args(argv)
    if not args.report:
        run(args.children)
    return report(args.top)


if __name__ == "__main__":
    raise SystemExit(main())
