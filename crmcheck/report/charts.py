"""The report's charts as vector SVG, drawn with pygal.

pygal was chosen over matplotlib by measurement (bench/bench_report.py prints both): importing
pygal and drawing the radar takes about 0.1 s, matplotlib about 0.6-0.9 s before it draws
anything, which alone would have used most of the report's budget over WeasyPrint's own work.
pygal's SVG is also plain, styleable SVG whose text WeasyPrint sets in the report's own font.

The process × criterion heat map is an HTML table coloured per cell (see ``heat_colour``), not
an image: it keeps its figures as real text (searchable, read out in a tagged PDF) and it can
run over several pages, with its header row repeated, when 25 processes are in scope.

Labels inside charts come from the questionnaire (criterion titles) and from fixed words, never
from answers, notes or names; pygal escapes them anyway when it writes the SVG.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from crmcheck.report.context import ReportContext

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_UUID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

SHORT_TITLES = {"Documented procedures": "Procedures", "Departmental interfaces": "Interfaces"}


def _clean(svg: str, chart_id: str) -> str:
    """Make pygal's output deterministic and inert: no comments (they carry a date), no scripts."""
    svg = _COMMENT.sub("", svg)
    svg = _SCRIPT.sub("", svg)
    return _UUID.sub(chart_id, svg)


def _style(primary: str, accent: str, font: str) -> object:
    from pygal.style import Style  # type: ignore[import-untyped]  # pygal ships no type hints

    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#3a3f45",
        foreground_strong="#1d2125",
        foreground_subtle="#c9ced4",
        opacity=".28",
        opacity_hover=".28",
        transition="none",
        colors=(primary, accent, "#7d8790", "#4f8a5b"),
        font_family=font,
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=15,
        value_font_size=13,
        guide_stroke_color="#c9ced4",
        major_guide_stroke_color="#aab1b8",
    )


def radar_svg(
    titles: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    primary: str,
    accent: str,
    font: str = "Inter",
    width: int = 620,
    height: int = 470,
) -> str:
    """Return a radar chart (0-100) of the criteria: one closed shape per series."""
    import pygal  # type: ignore[import-untyped]  # pygal ships no type hints

    chart = pygal.Radar(
        style=_style(primary, accent, font),
        width=width,
        height=height,
        fill=True,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(series),
        legend_box_size=12,
        dots_size=3.5,
        stroke_style={"width": 2.2},
        margin=8,
        spacing=12,
        js=[],
        disable_xml_declaration=True,
        show_y_guides=True,
        show_x_guides=True,
        truncate_label=-1,
        truncate_legend=-1,
        print_values=False,
        tooltip_border_radius=0,
    )
    chart.x_labels = [SHORT_TITLES.get(t, t) for t in titles]
    for i, (name, values) in enumerate(series):
        chart.add(name, [None if v is None else round(v, 1) for v in values],
                  fill=i == 0, show_dots=i == 0,
                  stroke_style={"width": 2.4 if i == 0 else 1.6, "dasharray": "" if i == 0 else "6,4"})
    return _clean(chart.render(is_unicode=True), "chart-radar")


def criteria_radar(ctx: ReportContext) -> str:
    """Return the scorecard's radar: the criteria across processes against their targets."""
    titles = [c.title for c in ctx.criteria]
    scores = [c.score for c in ctx.criteria]
    go = ctx.methodology.go_min_index
    if any(c.target is not None for c in ctx.criteria):
        reference = [c.target if c.target is not None else go for c in ctx.criteria]
        ref_name = "Target"
    else:
        reference = [go] * len(ctx.criteria)
        ref_name = f"Go threshold ({go:g})"
    return radar_svg(titles, [("This assessment", scores), (ref_name, reference)],
                     primary=ctx.brand.primary, accent=ctx.brand.accent)


def heat_colour(score: float | None) -> str:
    """Return the heat map's cell colour for a 0-100 score: red, through amber, to green."""
    if score is None:
        return "#eef0f2"
    stops = [(0.0, (0xD6, 0x4F, 0x45)), (40.0, (0xEE, 0x9A, 0x4A)), (60.0, (0xF2, 0xD0, 0x6B)),
             (75.0, (0xA9, 0xCF, 0x7E)), (100.0, (0x4E, 0xA5, 0x6A))]
    value = min(max(score, 0.0), 100.0)
    for (x0, c0), (x1, c1) in itertools.pairwise(stops):
        if value <= x1:
            t = (value - x0) / (x1 - x0)
            rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)]
            return "#" + "".join(f"{v:02x}" for v in rgb)
    return "#4ea56a"
