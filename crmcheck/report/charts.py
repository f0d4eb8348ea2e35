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
# pygal writes a series' stroke_style as a rule on the series group, which its own
# ``.reactive {stroke-width: …}`` rule on the line overrides; aim the rule at the line instead.
_SERIES_STROKE = re.compile(r"\.series\.serie-(\d+)\{")
# pygal prints a line chart's values beside and below each dot, across the lines; put them above.
_VALUE = re.compile(r'<text text-anchor="left" x="([\d.]+)" y="([\d.]+)" class="value">([^<]+)</text>')

SHORT_TITLES = {"Documented procedures": "Procedures", "Departmental interfaces": "Interfaces"}


def _clean(svg: str, chart_id: str) -> str:
    """Make pygal's output deterministic and inert: no comments (they carry a date), no scripts."""
    svg = _COMMENT.sub("", svg)
    svg = _SCRIPT.sub("", svg)
    svg = _SERIES_STROKE.sub(r".series.serie-\1 .line{", svg)
    svg = _VALUE.sub(_value_above, svg)
    return _UUID.sub(chart_id, svg)


def _value_above(m: re.Match[str]) -> str:
    """Move a printed value from beside its dot to above it (to its right at the left edge)."""
    x, y = float(m[1]) - 13, float(m[2]) - 27
    anchor = "start" if x < 40 else "middle"
    return (f'<text text-anchor="{anchor}" x="{x - 4 if anchor == "start" else x:.1f}" y="{y:.1f}" '
            f'class="value" style="font-weight:600">{m[3]}</text>')


def _style(primary: str, accent: str, font: str, colours: Sequence[str] | None = None) -> object:
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
        colors=tuple(colours or (primary, accent, "#7d8790", "#4f8a5b")),
        font_family=font,
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=15,
        value_font_size=13,
        guide_stroke_color="#c9ced4",
        major_guide_stroke_color="#aab1b8",
        stroke_opacity="1",
        stroke_opacity_hover="1",
    )


# What every chart shares: no scripts or XML prolog (the SVG is inlined in the HTML), labels and
# legends never truncated, the legend under the chart.
_COMMON: dict[str, object] = {"js": [], "disable_xml_declaration": True, "truncate_label": -1,
                              "truncate_legend": -1, "legend_at_bottom": True}


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
        **_COMMON,
        width=width,
        height=height,
        fill=True,
        range=(0, 100),
        # The rings are drawn but not labelled: a label sits under the filled shape wherever it is
        # placed, so the caption says where the rings are (25, 50, 75) instead.
        y_labels=[{"label": "", "value": v} for v in (0, 25, 50, 75, 100)],
        show_legend=len(series) > 1,
        legend_at_bottom_columns=len(series),
        legend_box_size=12,
        dots_size=3.5,
        stroke_style={"width": 2.2},
        margin=8,
        spacing=12,
        show_y_guides=True,
        show_x_guides=True,
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


# The criteria's lines: distinct from each other and from the brand's two colours, muted enough
# that the readiness index (in the primary colour, thicker) stays the line the eye follows.
LINE_COLOURS = ("#7d8790", "#4f8a5b", "#c2534a", "#8c6bb1", "#d4a017", "#3c8dbc")


def line_svg(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    primary: str,
    accent: str,
    target: tuple[str, float] | None = None,
    font: str = "Inter",
    width: int = 720,
    height: int = 380,
) -> str:
    """Return a line chart (0-100) over assessments: the first series bold, a target as a dashed line."""
    import pygal

    style = _style(primary, accent, font, [primary, *([accent] if target else []), *LINE_COLOURS])
    many = len(labels) > 8
    chart = pygal.Line(
        style=style,
        **_COMMON,
        width=width,
        height=height,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        x_labels=list(labels),
        x_label_rotation=40 if many else 0,
        x_labels_major_every=max(1, len(labels) // 8) if many else None,
        show_minor_x_labels=not many,
        # One series and its target need no legend: the caption says what the dashed line is.
        show_legend=len(series) > 1,
        legend_at_bottom_columns=4,
        legend_box_size=12,
        dots_size=3,
        margin=8,
        margin_right=34,
        margin_left=4,
        spacing=12,
        show_x_guides=False,
        show_y_guides=True,
        # Values are printed for the first series only (the others' formatter prints nothing).
        print_values=len(labels) <= 12,
        print_values_position="top",
        allow_interruptions=True,
    )

    def silent(_value: object) -> str:
        return ""

    for i, (name, values) in enumerate(series):
        points = [None if v is None else round(v, 1) for v in values]
        chart.add(name, points, show_dots=True, dots_size=4.5 if i == 0 else 2.5,
                  stroke_style={"width": 3.6 if i == 0 else 1.8},
                  formatter=(lambda v: f"{v:.1f}") if i == 0 else silent)
        if i == 0 and target is not None:
            chart.add(target[0], [target[1]] * len(labels), show_dots=False, formatter=silent,
                      stroke_style={"width": 1.8, "dasharray": "7,5"})
    return _clean(chart.render(is_unicode=True), "chart-trend")


def trend_chart(ctx: ReportContext) -> str | None:
    """Return the trend section's chart: the readiness index over time, against its target.

    Only the index: with the six criteria as well, eight lines crossed in the same band and their
    labels collided; the table under the chart gives every score, quarter by quarter.
    """
    if ctx.trend is None:
        return None
    rows = [s for s in ctx.trend.series if s.kind == "index"]
    index = rows[0]
    target = None if index.target is None else (f"Index target ({index.target:g})", index.target)
    return line_svg(ctx.trend.labels, [(SHORT_TITLES.get(s.title, s.title), s.values) for s in rows],
                    primary=ctx.brand.primary, accent=ctx.brand.accent, target=target)


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
