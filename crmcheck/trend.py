"""A client's readiness over time: plain data and a terminal rendering, stdlib only.

Kept free of pydantic, YAML and rich so that ``crmcheck trend`` can be built from the store's
cached scores and start as fast as ``crmcheck --help``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crmcheck import figures
from crmcheck.textsafe import terminal_text as _s

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class TrendPoint:
    """One assessment in a client's history."""

    label: str
    date: dt.date
    questionnaire: str
    index: float
    band: str
    verdict: str
    criteria: dict[str, float | None]
    sins: dict[str, float | None]
    completeness: float
    stage: str | None = None  # where the CRM programme stood; None: not recorded


@dataclass
class Trend:
    """A client's assessments in time order, with targets and notes on comparability."""

    client: str
    points: list[TrendPoint]
    criteria: list[tuple[str, str]]  # (id, title) in the latest questionnaire
    sins: list[tuple[str, str]]
    targets: dict[str, float]
    notes: list[str]

    def series(self, key: str) -> list[float | None]:
        """Return one score over time: 'index', a criterion id or a sin id."""
        if key == "index":
            return [p.index for p in self.points]
        return [p.criteria.get(key, p.sins.get(key)) for p in self.points]


def sparkline(values: Sequence[float | None], low: float = 0, high: float = 100) -> str:
    """Return a compact bar chart of 0-100 values; a gap is shown as a space."""
    out = []
    for v in values:
        if v is None:
            out.append(" ")
            continue
        pos = (min(max(v, low), high) - low) / (high - low)
        out.append(SPARKS[min(int(pos * len(SPARKS)), len(SPARKS) - 1)])
    return "".join(out)


def render_trend_text(t: Trend, *, color: bool = False, width: int = 120) -> str:
    """Render a trend as plain terminal text: a table of points and a sparkline per score.

    Plain text on purpose: ``trend`` must start as fast as ``--help``, so it avoids rich.
    """
    if not t.points:
        return _s(f"No assessments of '{t.client}' yet. Start one with: crmcheck interview --client \"{t.client}\"")

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    verdict_code = {"Go": "32", "Conditional": "33", "No-go": "31"}
    lines = [paint(_s(f"{t.client} — {len(t.points)} assessment{'' if len(t.points) == 1 else 's'}"), "1"), ""]
    # Columns that vary between assessments come first; one that is the same for all is said once
    # below instead when the terminal is too narrow for it.
    versions = sorted({p.questionnaire for p in t.points})
    stages = sorted({p.stage or "-" for p in t.points})
    version_room = 1 + max(len(_s(v)) for v in versions)
    with_version, with_stage = len(versions) > 1, len(stages) > 1
    used = 57 + (version_room if with_version else 0) + (18 if with_stage else 0)  # 57: label to verdict
    if not with_stage and used + 18 <= width:
        with_stage, used = True, used + 18
    if not with_version and used + version_room <= width:
        with_version = True
    with_band = used <= width  # the band follows from the index; the first thing to go when space is short
    lines.append(f"{'label':<10} {'date':<10} {'index':>6}  " + (f"{'band':<14} " if with_band else "")
                 + f"{'verdict':<12}"
                 + (f" {'stage':<17}" if with_stage else "") + (" questionnaire" if with_version else ""))
    for p in t.points:
        lines.append(f"{_s(p.label):<10} {p.date.isoformat():<10} {p.index:>6.1f}  "
                     + (f"{_s(p.band):<14} " if with_band else "")
                     + f"{paint(f'{p.verdict:<12}', verdict_code.get(p.verdict, '0'))}"
                     + (f" {p.stage or '-':<17}" if with_stage else "")
                     + (f" {_s(p.questionnaire)}" if with_version else ""))
    if not with_version and versions:
        lines.append(_s(f"All answered with {versions[0]}."))
    if not with_stage and stages:
        lines.append(_s(f"Stage: {stages[0]}."))
    lines.append("")
    width_t = max([len(title) for _, title in t.criteria + t.sins] + [15])
    rows = [("index", "Readiness index"), *t.criteria, *t.sins]
    spark = len(t.points)
    since = f"since {t.points[0].label}" if len(t.points) > 1 else ""
    room = 14  # the change column; narrow terminals get a short one and the "since" said once below
    if width < 72 and since:
        room, since, said = 6, "change", since
    else:
        said = ""
    lines.append(_s(f"{'':<{width_t}}  {'':<{spark}}  {'now':>5} {since:>{room}}").rstrip())
    for key, title in rows:
        series = t.series(key)
        digits = figures.INDEX_DIGITS if key == "index" else figures.SCORE_DIGITS
        last = next((v for v in reversed(series) if v is not None), None)
        first = next((v for v in series if v is not None), None)
        moved = figures.change(last, first, digits) if len(series) > 1 else None
        move = "" if moved is None else figures.signed(moved, digits)
        goal = t.targets.get(key)
        met = last is not None and goal is not None and figures.met(last, goal, digits)
        target = "" if goal is None else f"target {goal:g}" + (" ✓" if met else "")
        now = figures.text(last, digits)
        lines.append(f"{_s(title):<{width_t}}  {sparkline(series)}  {now:>5} {move:>{room}}  {target}".rstrip())
        if key == "index":
            lines.append("")
    if said:
        lines.append(_s(f"Changes are {said}."))
    if t.notes:
        lines.append("")
        lines.append("Notes:")
        lines += [textwrap.fill(_s(n), width=max(40, width - 1), initial_indent="  - ", subsequent_indent="    ")
                  for n in t.notes]
    return "\n".join(lines)


def trend_data(t: Trend) -> dict[str, Any]:
    """Return a trend as JSON-ready data (format crmcheck.trend/1, documented in the README)."""
    return {
        "format": "crmcheck.trend/1",
        "client": t.client,
        "points": [
            {"label": p.label, "date": p.date.isoformat(), "questionnaire": p.questionnaire, "index": p.index,
             "band": p.band, "verdict": p.verdict, "stage": p.stage, "completeness": round(p.completeness, 3),
             "criteria": {k: figures.data(v) for k, v in p.criteria.items()},
             "sins": {k: figures.data(v) for k, v in p.sins.items()}}
            for p in t.points
        ],
        "targets": t.targets,
        "notes": t.notes,
    }
