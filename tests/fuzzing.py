"""Hypothesis strategies for crmcheck's three file formats, valid and mutated, and the one check.

A file is drawn from a working one (tests/data/mini.yaml, mini-answers.yaml, report_brand.yaml)
as data, mutated as a tree (wrong types, missing keys, unknown ids, huge numbers and strings, deep
nesting), dumped to YAML, then perhaps mutated as text (aliases and alias bombs, recursive aliases,
tags, complex keys, merge keys, tabs, duplicate keys, control characters, truncation, binary junk)
and as bytes (BOMs, UTF-16, invalid UTF-8). ``check`` loads it and asserts what a user relies on:
it loads (and then scores to finite numbers) or it raises located one-line errors, each
``FILE:LINE:COL: ...``; never another exception, never more than a second or 200 MB.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from crmcheck.errors import FileFormatError

DATA = Path(__file__).parent / "data"
KINDS = ("questionnaire", "answers", "brand")
BASE = {
    "questionnaire": yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8")),
    "answers": yaml.safe_load((DATA / "mini-answers.yaml").read_text(encoding="utf-8")),
    "brand": {k: v for k, v in yaml.safe_load((DATA / "report_brand.yaml").read_text(encoding="utf-8")).items()
              if k != "logo"},  # the logo's own checks (special files, sizes) have their own tests
}
MAX_SECONDS = 1.0
MAX_BYTES = 200 * 1024 * 1024

_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))

# Whole top-level lines appended or inserted: each exercises one path of the loader.
SNIPPETS = [
    _BOMB,
    "zz: &x [*x]\n",
    "zz: &x {a: *x}\n",
    "zz: &v [1, 2]\nzy: *v\n",
    "zz: *nowhere\n",
    "[a, b]: 1\n",
    "? {a: 1}\n: 2\n",
    "<<: {client: x}\n",
    "zz: !!timestamp nope\n",
    "zz: !!bool maybe\n",
    "zz: !!int 12x\n",
    "zz: !!float x\n",
    "zz: !!binary aGVsbG8=\n",
    "zz: !!set {a, b}\n",
    "zz: !!python/object:os.system x\n",
    "zz: !custom x\n",
    "zz: 2026-13-45\n",
    "zz: 2026-02-30 10:00:00+99:00\n",
    "zz: " + "9" * 5000 + "\n",
    "zz: " + "[" * 70 + "]" * 70 + "\n",
    "zz: " + "[" * 1500 + "]" * 1500 + "\n",
    "zz: " + "W" * 10_240 + "\n",
    "zz:\n\t- tab\n",
    "zz: 'unterminated\n",
    "zz: \x1b[2J\n",
    "zz: \x00\n",
    "zz: \u202eevil\n",
    "\n".join("  " * i + f"k{i}:" for i in range(120)) + " 1\n",
    "%YAML 1.1\n---\n",
    "---\nsecond: document\n",
    "... \n",
]
# Values put in place of a node in the tree.
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30), st.just("W" * 10_240),
    st.just("[link=file:///etc/passwd]x[/link] \x1b]0;t\x07"), st.dates(), st.just(dt.datetime(2026, 1, 1, 9, 30)),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just("unknown-id"), st.just("dont_know"), st.just("na"), st.just(-1), st.just(0), st.just(1e308),
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _strings(node: Any) -> list[str]:
    return [v for v in (_get(node, p) for p in _paths(node)) if isinstance(v, str)]


@st.composite
def mutated_tree(draw: st.DrawFn, kind: str) -> Any:
    """Return the kind's working data with zero to three tree mutations."""
    data = yaml.safe_load(yaml.safe_dump(BASE[kind]))  # a deep copy
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "delete", "unknown-key", "other-string", "copy", "nest"]))
        if not path:
            if op == "replace":
                data = draw(JUNK)
            continue
        parent, last = _get(data, path[:-1]), path[-1]
        if op == "replace":
            parent[last] = draw(JUNK)
        elif op == "delete":
            del parent[last]
        elif op == "unknown-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "wieght", "Client", "id"]))] = draw(JUNK)
        elif op == "other-string":
            parent[last] = draw(st.sampled_from(_strings(data) or ["x"]))
        elif op == "copy":
            parent[last] = yaml.safe_load(yaml.safe_dump(_get(data, draw(st.sampled_from(paths)))))
        elif op == "nest":
            value = parent[last]
            for _ in range(draw(st.sampled_from([5, 63, 64, 65, 200]))):
                value = [value]
            parent[last] = value
    return data


def _dump(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    except (yaml.YAMLError, ValueError, RecursionError):
        return "client: x\n"


@st.composite
def yaml_bytes(draw: st.DrawFn, kind: str) -> bytes:
    """Return the bytes of one questionnaire, answers or brand file: valid, or mutated in tree, text or bytes."""
    text = _dump(draw(mutated_tree(kind)))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["snippet", "duplicate-line", "tab", "truncate", "raw-char", "none"]))
        at = draw(st.integers(0, len(lines)))
        if op == "snippet":
            lines.insert(at, draw(st.sampled_from(SNIPPETS)))
        elif op == "duplicate-line" and lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
        elif op == "tab" and lines:
            i = min(at, len(lines) - 1)
            lines[i] = re.sub(r"^ ", "\t", lines[i])
        elif op == "truncate":
            lines = lines[:at]
        elif op == "raw-char" and lines:
            i = min(at, len(lines) - 1)
            lines[i] = lines[i].rstrip("\n") + draw(st.sampled_from(["\x07", "\x1b", "\x7f", "\x85", "\ufeff",
                                                                       "\ud7ff", "\u2028"])) + "\n"
    text = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "latin-1", "junk"]))
    if encoding == "junk":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=20)) + raw[at:]
    return text.encode(encoding, errors="replace")


LOCATED = re.compile(r"^(?P<path>.+?):(\d+):(\d+): \S")


@dataclass
class Stats:
    """What a fuzz run saw, for its closing figures."""

    examples: int = 0
    loaded: int = 0
    refused: int = 0
    slowest: float = 0.0
    peak_bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """Return the run's figures on one line."""
        return (f"{self.examples} examples ({', '.join(f'{k} {n}' for k, n in sorted(self.by_kind.items()))}): "
                f"{self.loaded} loaded, {self.refused} refused with located lines, 0 tracebacks, 0 hangs; "
                f"slowest {self.slowest:.3f} s, peak traced memory {self.peak_bytes / 1e6:.1f} MB")


def _load(kind: str, path: Path) -> Any:
    from crmcheck.answers import load_answers
    from crmcheck.brand import load_brand
    from crmcheck.questionnaire import load_questionnaire

    if kind == "questionnaire":
        return load_questionnaire(path)
    if kind == "answers":
        return load_answers(path, load_questionnaire(DATA / "mini.yaml"))
    return load_brand(path)


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _score_finitely(kind: str, loaded: Any) -> None:
    """A file that loads scores to finite numbers: no NaN index, band or criterion."""
    from crmcheck.answers import parse_answers
    from crmcheck.assess import judge
    from crmcheck.questionnaire import load_questionnaire

    if kind == "brand":
        return
    if kind == "questionnaire":
        try:
            assessment = parse_answers((DATA / "mini-answers.yaml").read_text(encoding="utf-8"), loaded)
        except FileFormatError:
            return
        q = loaded
    else:
        q, assessment = load_questionnaire(DATA / "mini.yaml"), loaded
    card = judge(q, assessment).card
    assert math.isfinite(card.index), card.index
    assert all(_finite(v) for v in card.criteria.values()), card.criteria
    assert all(_finite(p.score) for p in card.processes)


def check(kind: str, content: bytes, tmp: Path, stats: Stats, measure: Callable[[], None] | None = None) -> None:
    """Load one file in-process: it loads and scores finitely, or every problem is one located line."""
    path = tmp / f"{kind}.yaml"
    path.write_bytes(content)
    tracemalloc.start()
    start = time.process_time()
    try:
        loaded = _load(kind, path)
    except FileFormatError as exc:
        loaded = None
        problems = exc.problems
    finally:
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    stats.examples += 1
    stats.by_kind[kind] = stats.by_kind.get(kind, 0) + 1
    stats.slowest = max(stats.slowest, elapsed)
    stats.peak_bytes = max(stats.peak_bytes, peak)
    assert elapsed < MAX_SECONDS, f"{elapsed:.2f} s"
    assert peak < MAX_BYTES, f"{peak / 1e6:.0f} MB"
    if loaded is not None:
        stats.loaded += 1
        _score_finitely(kind, loaded)
        return
    stats.refused += 1
    assert problems
    for line in problems:
        assert "\n" not in line and "\r" not in line, line
        m = LOCATED.match(line)
        assert m and m.group("path") == str(path), line


def check_cli(kind: str, content: bytes, tmp: Path) -> None:
    """Run the file through its command: exit 0 or 2, and on 2 every stderr line is located; no traceback."""
    from click.testing import CliRunner

    from crmcheck.cli import cli

    path = tmp / f"cli-{kind}.yaml"
    path.write_bytes(content)
    args = {"questionnaire": ["questionnaire", "validate", str(path)],
            "answers": ["score", "-q", str(DATA / "mini.yaml"), str(path)],
            "brand": ["brand", "validate", str(path)]}[kind]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "100"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    if result.exit_code == 2:
        lines = [ln for ln in result.stderr.splitlines() if not ln.endswith("problems found.")]
        assert lines and all(LOCATED.match(ln) and ln.startswith(str(path)) for ln in lines), lines
