"""The report's HTML, Markdown and JSON: golden files plus structural checks a reader would notice.

Refresh the golden files after an intended change with ``pytest tests/test_report_render.py
--update-golden`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from crmcheck.assess import load_answers_file
from crmcheck.brand import DEFAULT_BRAND, load_brand
from crmcheck.errors import ReportError
from crmcheck.report import html_for, make_report
from crmcheck.report.context import ReportContext, build_context, initials
from crmcheck.report.render import md_escape, render_json, render_markdown, report_data

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 11, 21, 9, 30)


def mini_context(**kwargs: object) -> ReportContext:
    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    return build_context(q, a, now=NOW, generator="crmcheck TEST", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def html() -> str:
    return html_for(mini_context(), DEFAULT_BRAND)


def scrub(text: str) -> str:
    """Remove what changes without the report changing: embedded files and the chart's geometry."""
    text = re.sub(r"data:[a-z+/-]+;base64,[A-Za-z0-9+/=]+", "data:…", text)
    return re.sub(r"<svg\b.*?</svg>", "<svg>…</svg>", text, flags=re.S)


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"{path} did not exist; written now - review it and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; if intended, run pytest --update-golden"


def test_html_matches_golden(html: str, update_golden: bool) -> None:
    check_golden("report-mini.html", scrub(html), update_golden)


def test_markdown_matches_golden(update_golden: bool) -> None:
    check_golden("report-mini.md", render_markdown(mini_context()), update_golden)


class _Outline(HTMLParser):
    """Collect ids, links, section headings and the charts of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.sections: list[str] = []
        self.svgs = 0
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if attr.get("id"):
            self.ids.append(attr["id"] or "")
        if tag == "a" and attr.get("href", "").startswith("#"):  # type: ignore[union-attr]
            self.links.append((attr["href"] or "")[1:])
        if tag == "h1" and "section" in (attr.get("class") or ""):
            self._in_h1 = True
            self.sections.append("")
        if tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.sections[-1] += data


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_sections_come_in_the_order_the_issue_asks(html: str) -> None:
    assert outline(html).sections == [
        "Executive summary", "Scorecard", "The seven deadly sins", "Processes in scope", "Action plan",
        "Where the respondents disagree", "Trend", "Methodology", "Appendix",
    ]


def test_every_contents_link_points_at_an_anchor(html: str) -> None:
    out = outline(html)
    assert out.links, "the contents list no sections"
    assert set(out.links) <= set(out.ids)
    assert len(out.ids) == len(set(out.ids)), "duplicate ids"
    for pid in ("leads", "sales", "dealer-onboarding"):
        assert f"process-{pid}" in out.links


def test_radar_chart_is_inline_vector_svg_without_scripts(html: str) -> None:
    svg = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert svg is not None
    chart = svg.group(0)
    assert "<script" not in chart and "<!--" not in chart
    assert "Ownership" in chart and "Measures" in chart
    assert 'id="chart-radar"' in chart


def test_summary_states_verdict_blockers_risks_and_actions(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    assert "Acme Ltd is not ready to roll out CRM yet: readiness index 31.4 of 100 (Not ready)." in text
    assert "Blocker · Dealer onboarding : Is there a named owner?" in text
    assert "No data integration HIGH".lower() in text.lower()
    assert "1 Grade leads" in text and "3 Name an accountable owner" in text
    assert "1 answer from one respondent" in text


def test_every_format_presents_the_same_findings(html: str) -> None:
    from click.testing import CliRunner

    from crmcheck.cli import cli

    result = CliRunner().invoke(cli, ["score", "-q", str(DATA / "mini.yaml"), str(DATA / "mini-answers.yaml"),
                                      "--json"])
    data = json.loads(result.output)
    titles = {r["key"]: r["title"] for r in data["findings"]["risks"]}
    top = [titles[k] for k in data["findings"]["top_risks"]]
    ctx = mini_context()
    md = render_markdown(ctx)
    report = json.loads(render_json(ctx))
    assert [r["title"] for r in report["summary"]["top_risks"]] == top
    risks_md = md.split("### The three biggest risks", 1)[1].split("###", 1)[0]
    assert re.findall(r"^\d\. \*\*(.+?)\*\*", risks_md, flags=re.M) == top
    assert re.findall(r'<div class="title user">([^<]+?) <span class="pill', html) == top
    # The verdict's reasons: the same sentences in the JSON, the Markdown and the PDF's HTML
    # (where blockers are shown as boxes of their own).
    assert report["summary"]["verdict_reasons"] == data["verdict_reasons"]
    for reason in data["verdict_reasons"]:
        assert f"- {md_escape(reason)}" in md
        if not reason.startswith("Blocker:"):
            assert f"<li>{escape(reason)}</li>" in html


def test_heat_map_cells_are_coloured_by_score(html: str) -> None:
    assert re.search(r'<td class="cell" style="background: #[0-9a-f]{6}">21</td>', html)


def test_context_facts_match_the_scorecard() -> None:
    ctx = mini_context()
    assert (ctx.summary.index, ctx.summary.verdict, ctx.summary.band) == (31.4, "No-go", "Not ready")
    assert [s.title for s in ctx.summary.top_risks] == ["No data integration", "Lead management", "No CRM strategy"]
    assert [a.title for a in ctx.summary.first_actions] == ["Grade leads", "Settle disagreements",
                                                            "Name an accountable owner"]
    sales = next(p for p in ctx.processes if p.id == "sales")
    mandate = next(q for q in sales.questions if q.id == "own-mandate")
    assert mandate.status == "na" and mandate.notes[0].reason == "no mandate needed"
    assert [d.question for d in ctx.disagreements] == ["own-owner", "strat-agreed"]
    assert ctx.history == []  # one assessment: the trend section says so instead


def test_history_lists_earlier_assessments_in_date_order() -> None:
    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    earlier = dataclasses.replace(a, label="2026-Q2", date=dt.date(2026, 5, 20))
    ctx = build_context(q, a, now=NOW, history=[(q, earlier)])
    assert [(h.label, h.current) for h in ctx.history] == [("2026-Q2", False), ("2026-Q4", True)]
    html = html_for(ctx, DEFAULT_BRAND)
    assert "2026-Q2" in html and "(this report)" in html


def test_initials_are_unique_and_short() -> None:
    assert initials(["Dana Reyes", "Dan Roe", "Lee", "🚀", "Émile Zola"]) == {
        "Dana Reyes": "DR", "Dan Roe": "DR2", "Lee": "L", "🚀": "R4", "Émile Zola": "ÉZ"}


def test_json_is_the_reports_data() -> None:
    data = json.loads(render_json(mini_context()))
    assert data["format"] == "crmcheck.report/1"
    assert data["meta"]["client"] == "Acme Ltd" and data["meta"]["date"] == "2026-11-20"
    assert data["summary"]["verdict"] == "No-go"
    assert [p["id"] for p in data["processes"]] == ["leads", "sales", "dealer-onboarding"]
    assert {h["key"] for h in data["roadmap"]} == {"30", "60", "90", "later"}
    assert set(data) >= {"summary", "criteria", "processes", "sins", "actions", "disagreements",
                         "evidence_gaps", "respondents", "history", "methodology", "appendix"}
    assert report_data(mini_context()) == data


def test_markdown_escapes_what_would_become_markup() -> None:
    assert md_escape("<b>x</b> & [a](b) *c* _d_ `e` | f") == (
        "&lt;b&gt;x&lt;/b&gt; &amp; \\[a\\](b) \\*c\\* \\_d\\_ \\`e\\` \\| f")
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("1. not a list") == "1\\. not a list"
    assert md_escape("31.4") == "31.4"
    assert md_escape("two\nlines") == "two lines"


def test_brand_colours_and_logo_reach_the_html() -> None:
    brand = load_brand(DATA / "report_brand.yaml")
    html = html_for(mini_context(brand=brand), brand)
    assert "--primary: #7A1F5C; --accent: #2A9D8F;" in html
    assert '<img src="data:image/png;base64,' in html
    assert "Harbour Lane Advisory" in html and "Morgan Ellis" in html


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_each_text_format_is_written(fmt: str, tmp_path: Path) -> None:
    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    out = tmp_path / f"report.{fmt}"
    result = make_report(q, a, out=out, now=NOW, fmt=fmt)
    assert result.path == out and result.size == out.stat().st_size > 1000
    assert "Acme Ltd" in out.read_text(encoding="utf-8")


def test_template_dir_overrides_one_file(tmp_path: Path) -> None:
    (tmp_path / "report.css").write_text("h1 { color: #010203; }", encoding="utf-8")
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trend.html.j2").write_text(
        '<section id="trend"><h1 class="section">Trend</h1><p>Our own trend page</p></section>', encoding="utf-8")
    html = html_for(mini_context(), DEFAULT_BRAND, template_dir=tmp_path)
    assert "h1 { color: #010203; }" in html and "Our own trend page" in html
    assert "Executive summary" in html  # everything else still comes from the built-in templates


def test_a_template_using_an_unknown_value_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trend.html.j2").write_text("{{ r.no_such_field }}", encoding="utf-8")
    with pytest.raises(ReportError, match=r"trend.html.j2:1: the report template failed: .*no_such_field"):
        html_for(mini_context(), DEFAULT_BRAND, template_dir=tmp_path)


def test_a_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trend.html.j2").write_text(
        "{{ r.__class__.__init__.__globals__ }}", encoding="utf-8")
    with pytest.raises(ReportError, match=r"unsafe|__class__|__init__"):
        html_for(mini_context(), DEFAULT_BRAND, template_dir=tmp_path)


def test_missing_template_dir_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no such folder"):
        html_for(mini_context(), DEFAULT_BRAND, template_dir=tmp_path / "nope")


# ---------------------------------------------------------------- history: trend, since last quarter, targets

HISTORY = DATA / "history"


def history_context() -> ReportContext:
    """Acme's Q4 report with Q2 and Q3 as history; Q4 was answered with questionnaire v2."""
    quarters = [load_answers_file(HISTORY / f"acme-2026-{label}.yaml",
                                  DATA / ("mini-v2.yaml" if label == "Q4" else "mini.yaml"))
                for label in ("Q2", "Q3", "Q4")]
    return build_context(*quarters[2], now=NOW, generator="crmcheck TEST", history=quarters[:2])


def test_markdown_with_history_matches_golden(update_golden: bool) -> None:
    check_golden("report-history.md", render_markdown(history_context()), update_golden)


def test_since_last_quarter_says_what_moved() -> None:
    since = history_context().summary.since_last
    assert since is not None and since.previous == "2026-Q3"
    assert (since.index.before, since.index.after, since.index.change) == (35.2, 65.5, 30.3)
    assert since.sentences[0] == (
        "Since 2026-Q3 the readiness index rose 30.3 points, from 35.2 to 65.5 (target 60: met); the verdict "
        "moved from No-go to Conditional and the band from Not ready to Emerging.")
    # Changes are those of the whole numbers shown: Sales 33 -> 75 is +42.
    assert [(m.title, m.change) for m in since.gains] == [("Sales", 42.0), ("Ownership", 36.0), ("Measures", 30.0)]
    assert since.sentences[1] == "Biggest gains: Sales +42 (33 → 75), Ownership +36 (32 → 68), Measures +30 (45 → 75)."
    assert since.drops == [] and "No criterion, process or sin score fell." in since.sentences
    assert since.risks_resolved == ["No CRM strategy (medium → low)", "No data integration (high → medium)"]
    assert [(a.title, a.processes) for a in since.actions_done] == [
        ("Grade leads", ["Lead management"]), ("Name an accountable owner", ["Sales"])]
    assert since.actions_new == []
    # what could not be compared across questionnaire versions is said, not dropped
    assert "question 'data-single-view' was removed in mini@2; its answers are not compared" in since.not_compared
    assert since.sentences[-1].startswith("Not compared: question 'data-single-view' was removed in mini@2")


def test_a_drop_and_a_regressed_answer_are_named() -> None:
    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    better = dataclasses.replace(a, label="2026-Q3", date=dt.date(2026, 8, 20), respondents=[
        dataclasses.replace(r, answers={k: (dataclasses.replace(v, level=min(v.level + 1, 4))
                                            if v.level is not None else v) for k, v in r.answers.items()})
        for r in a.respondents])
    since = build_context(q, a, now=NOW, history=[(q, better)]).summary.since_last
    assert since is not None and since.index.change is not None and since.index.change < 0
    assert since.sentences[0].startswith("Since 2026-Q3 the readiness index fell ")
    assert since.drops and all((m.change or 0) < 0 for m in since.drops)
    assert since.answers_down and since.answers_down[0].respondents
    assert any(s.startswith("Down: ") for s in since.sentences)


def test_trend_section_has_the_chart_the_scores_over_time_and_the_notes() -> None:
    html = html_for(history_context(), DEFAULT_BRAND)
    trend = html[html.index('<section id="trend"'):html.index('<section id="methodology"')]
    assert trend.startswith('<section id="trend" class="section-follows">')  # on the disagreements' page
    chart = re.search(r'<svg\b[^>]*id="chart-trend".*?</svg>', trend, flags=re.S)
    assert chart is not None and "<script" not in chart.group(0)
    assert ">65.5</text>" in chart.group(0)
    # The index alone: eight crossing lines were unreadable; criteria are in the table below it.
    assert "Ownership" not in chart.group(0) and "the dashed line is its target (60)" in trend
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", trend))
    assert "Scores over time" in text and "2026-Q4 (this report)" in text
    assert "Grade leads (Lead management)" in text
    assert "2026-Q4 was answered with mini@2 (2026-Q3: mini@1); scores compare directly" in text
    summary = html[html.index('<section id="summary"'):html.index('<section id="scorecard"')]
    assert "Since <span class=\"user\">2026-Q3</span>" in summary and "+30.3" in summary


def test_without_history_the_trend_is_a_short_note_not_a_page(html: str) -> None:
    trend = html[html.index('<section id="trend"'):html.index('<section id="methodology"')]
    assert trend.startswith('<section id="trend" class="trend-none">')
    assert "nothing to compare yet" in trend and "<svg" not in trend
    assert 'class="since"' not in html


def test_chart_line_styles_reach_the_lines() -> None:
    html = html_for(history_context(), DEFAULT_BRAND)
    # pygal's per-series stroke style is re-aimed at the line, where its own .reactive rule can't undo it
    assert "#chart-trend .series.serie-0 .line{stroke-width:3.6}" in html
    assert "#chart-radar .series.serie-1 .line{stroke-width:1.6;stroke-dasharray:6,4}" in html


def test_progress_to_target() -> None:
    ctx = history_context()
    index = ctx.targets[0]
    assert (index.id, index.score, index.target, index.met, index.previous, index.change) == (
        "index", 65.5, 60.0, True, 35.2, 30.3)
    assert {t.id: t.kind for t in ctx.targets} == {"index": "index", "ownership": "criterion", "strategy": "sin"}
    ownership = next(t for t in ctx.targets if t.id == "ownership")
    assert (ownership.score, ownership.gap, ownership.met) == (67.9, 7.0, False)  # 75 - 68 as shown


def test_json_carries_the_trend_the_since_last_paragraph_and_the_targets() -> None:
    data = json.loads(render_json(history_context()))
    assert data["trend"]["labels"] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    index = data["trend"]["series"][0]
    assert index == {"id": "index", "title": "Readiness index", "kind": "index", "values": [15.0, 35.2, 65.5],
                     "change": 30.3, "since_first": 50.5, "target": 60.0}
    assert data["summary"]["since_last"]["previous"] == "2026-Q3"
    assert data["summary"]["since_last"]["sentences"][0].startswith("Since 2026-Q3")
    assert data["targets"][0]["id"] == "index" and data["targets"][0]["met"] is True
    alone = json.loads(render_json(mini_context()))
    assert alone["trend"] is None and alone["summary"]["since_last"] is None and alone["history"] == []


def test_appendix_has_a_column_only_for_who_answered_about_each_process(html: str) -> None:
    ctx = mini_context()
    assert {g.id: g.respondents for g in ctx.appendix} == {
        "leads": ["AS", "BO"], "sales": ["AS"], "dealer-onboarding": ["AS"], "programme": ["AS", "BO"]}
    sales = next(g for g in ctx.appendix if g.id == "sales")
    assert all([a.short for a in answers] == ["AS"] for _, answers in sales.rows)
    appendix = html[html.index('<section id="appendix"'):]
    sales_table = appendix[appendix.index(">Sales</h2>"):appendix.index(">Dealer onboarding</h2>")]
    assert '<th class="center user">AS</th>' in sales_table and ">BO</th>" not in sales_table


def test_disagreements_come_widest_first_then_the_more_important_process() -> None:
    from builders import assessment, mini

    q = mini()
    a = assessment(q, {
        "Ann": {"leads": {"own-owner": 0, "meas-kpi": 0}, "sales": {"own-owner": 0}, "programme": {"strat-agreed": 0}},
        "Bob": {"leads": {"own-owner": 2, "meas-kpi": 4}, "sales": {"own-owner": 2}, "programme": {"strat-agreed": 3}},
    }, processes=["leads", "sales"], importance={"leads": 2, "sales": 5})
    ctx = build_context(q, a, now=NOW)
    assert [(d.where, d.question, d.spread) for d in ctx.disagreements] == [
        ("Lead management", "meas-kpi", 4), ("Programme", "strat-agreed", 3), ("Sales", "own-owner", 2),
        ("Lead management", "own-owner", 2)]
    assert ctx.disagreements_by_area == [("Lead management", 2), ("Programme", 1), ("Sales", 1)]


def test_a_long_list_of_disagreements_shows_the_widest_thirty_and_counts_the_rest() -> None:
    ctx = mini_context()
    template = ctx.disagreements[0]
    many = [dataclasses.replace(template, where=f"Area {i % 4}", text=f"Question number {i}?", spread=4 - i // 20)
            for i in range(45)]
    page = html_for(dataclasses.replace(ctx, disagreements=many), DEFAULT_BRAND)
    section = page[page.index('<section id="disagreements"'):page.index('<section id="trend"')]
    assert "On 45 questions" in section and "The 30 widest are below" in section
    assert [int(n) for n in re.findall(r"Question number (\d+)\?", section)] == list(range(30))
    assert "Area 0 12 · Area 1 11 · Area 2 11 · Area 3 11" in section


def test_summary_names_at_most_four_processes_per_action() -> None:
    ctx = mini_context()
    many = dataclasses.replace(ctx.summary.first_actions[0], processes=[f"Process {i}" for i in range(10)])
    summary = dataclasses.replace(ctx.summary, first_actions=[many, *ctx.summary.first_actions[1:]])
    page = html_for(dataclasses.replace(ctx, summary=summary), DEFAULT_BRAND)
    first = page[page.index("The first five actions"):page.index('<section id="scorecard"')]
    assert "Process 0, Process 1, Process 2, Process 3</span> and 6 more" in first
    assert "Process 4" not in first


def test_without_a_brand_the_report_is_from_the_interviewers() -> None:
    import dataclasses

    from crmcheck.assess import load_answers_file
    from crmcheck.report.context import build_context

    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    now = __import__("datetime").datetime(2026, 11, 25)
    assert build_context(q, a, now=now).meta.prepared_by == "The assessment team"
    names = ["Sam Patel", "Ana Reyes"]
    assert len(a.respondents) == len(names)
    people = [dataclasses.replace(r, interviewer=n) for r, n in zip(a.respondents, names, strict=True)]
    assert build_context(q, dataclasses.replace(a, respondents=people), now=now).meta.prepared_by == (
        "Sam Patel and Ana Reyes")
