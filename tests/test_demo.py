"""`crmcheck demo`: three quarters of the sample company, stored, with the latest one reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from crmcheck import history
from crmcheck.demo import demo_files, load_demo_history, run_demo, store_demo
from crmcheck.errors import StoreError
from crmcheck.report import ReportResult

NOW = dt.datetime(2026, 11, 21, 9, 30)


@pytest.fixture(scope="module")
def snaps() -> list[history.Snapshot]:
    return [history.snapshot(qt.questionnaire, qt.assessment) for qt in load_demo_history()]


def test_three_quarters_of_the_same_client_and_scope(snaps: list[history.Snapshot]) -> None:
    assert [p.name for p in demo_files()] == [
        "northwind-2026-Q2.yaml", "northwind-2026-Q3.yaml", "northwind-2026-Q4.yaml"]
    assert [(s.label, s.assessment.date) for s in snaps] == [
        ("2026-Q2", dt.date(2026, 5, 18)), ("2026-Q3", dt.date(2026, 8, 17)), ("2026-Q4", dt.date(2026, 11, 16))]
    first = snaps[-1].assessment
    for s in snaps:
        a = s.assessment
        assert a.client == "Northwind Components" and s.questionnaire.ref == "crm-readiness@2.0"
        assert [(p.id, p.importance) for p in a.processes] == [(p.id, p.importance) for p in first.processes]
        assert [(r.name, r.department) for r in a.respondents] == [(r.name, r.department) for r in first.respondents]


def test_readiness_rises_quarter_to_quarter(snaps: list[history.Snapshot]) -> None:
    assert [(s.card.index, s.card.verdict) for s in snaps] == [
        (31.5, "No-go"), (39.8, "No-go"), (48.5, "Conditional")]
    q2, q3, _ = snaps
    assert {b.question for b in q2.card.blockers} == {"own-owner", "ka-defined-first"}
    assert not q3.card.blockers


def test_the_latest_quarter_also_shows_a_regression(snaps: list[history.Snapshot]) -> None:
    cmp = history.compare(snaps[1], snaps[2])
    down = {(c.process, c.question) for c in cmp.answers
            if c.before is not None and c.after is not None and c.after < c.before}
    assert {("service", "intf-information"), ("lead-management", "intf-handoffs")} <= down
    service = next(p for p in cmp.processes if p.id == "service")
    assert service.change is not None and service.change < 0
    assert cmp.actions_done and cmp.actions_new and cmp.risks_resolved
    assert not cmp.not_compared


def test_each_quarter_has_notes_of_its_own(snaps: list[history.Snapshot]) -> None:
    def notes(s: history.Snapshot) -> set[str]:
        return {ans.note for r in s.assessment.respondents for ans in r.answers.values() if ans.note}

    q2, q3, q4 = (notes(s) for s in snaps)
    assert len(q2) >= 8 and len(q3) >= 8
    assert not q2 & q4 and not q3 & q4


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, q: Any, a: Any, **kwargs: Any) -> ReportResult:
        self.calls.append({"assessment": a, **kwargs})
        return ReportResult(kwargs["out"], "pdf", 1, 1)


def test_demo_reports_the_latest_quarter_with_the_earlier_ones_as_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder()
    monkeypatch.setattr("crmcheck.report.make_report", recorder)
    result = run_demo(tmp_path / "demo.pdf", now=NOW, db=f"sqlite:///{tmp_path / 'store.db'}")
    (call,) = recorder.calls
    assert call["assessment"].label == "2026-Q4"
    assert [a.label for _, a in call["history"]] == ["2026-Q2", "2026-Q3"]
    assert len(result.stored_ids) == 3 and result.stored_id == result.stored_ids[-1]

    from crmcheck.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        assert [i.label for i in store.assessments(client="Northwind Components")] == [
            "2026-Q2", "2026-Q3", "2026-Q4"]
        run_demo(tmp_path / "again.pdf", now=NOW, db=f"sqlite:///{tmp_path / 'store.db'}")
        assert len(store.assessments(client="Northwind Components")) == 3, "a second demo replaces the first"
    finally:
        store.close()


def test_demo_without_a_store_still_writes_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder()
    monkeypatch.setattr("crmcheck.report.make_report", recorder)

    def no_store(_url: object) -> object:
        raise StoreError("this crmcheck has no assessment store yet")

    monkeypatch.setattr("crmcheck.report.sources.open_store", no_store)
    result = run_demo(tmp_path / "demo.pdf", now=NOW)
    assert result.stored_id is None and result.stored_ids == []
    assert result.store_note == "this crmcheck has no assessment store yet"
    assert len(recorder.calls[0]["history"]) == 2


def test_the_demo_report_says_what_moved_since_last_quarter() -> None:
    from crmcheck.report.context import build_context

    *earlier, latest = load_demo_history()
    ctx = build_context(latest.questionnaire, latest.assessment, now=NOW,
                        history=[(qt.questionnaire, qt.assessment) for qt in earlier])
    since = ctx.summary.since_last
    assert since is not None
    assert since.sentences[0] == (
        "Since 2026-Q3 the readiness index rose 8.7 points, from 39.8 to 48.5 (target 65: 16.5 to go); "
        "the verdict moved from No-go to Conditional and the band from Not ready to Emerging.")
    assert "Down: Customer service and support −1 (67 → 66); 5 answers went down (see the trend section)." in (
        since.sentences)
    assert ctx.trend is not None and ctx.trend.labels == ["2026-Q2", "2026-Q3", "2026-Q4"]
    assert ctx.trend.series[0].values == [31.5, 39.8, 48.5]


@pytest.mark.slow
def test_demo_pdf_shows_the_trend_and_since_last_quarter(tmp_path: Path) -> None:
    import itertools
    import re

    from click.testing import CliRunner
    from pypdf import PdfReader

    from crmcheck.cli import cli

    out = tmp_path / "demo.pdf"
    env = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}
    result = CliRunner().invoke(cli, ["demo", "--no-store", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    pdf = PdfReader(out)
    assert 30 <= len(pdf.pages) <= 46, "the per-process pages were made compact; a jump means a layout regression"

    def text(n: int) -> str:
        return re.sub(r"\s+", " ", pdf.pages[n].extract_text())

    summary = text(1) + text(2)  # the summary, with "since last quarter" where it fits
    assert "The three biggest risks" in text(1) and "The first five actions" in text(1)
    assert "Since 2026-Q3" in summary and "rose 8.7 points, from 39.8 to 48.5" in summary
    assert "Customer service and support −1 (67 → 66)" in summary
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert "Trend" in titles
    trend_page = next(n for n in range(len(pdf.pages)) if "Scores over time" in text(n))
    trend = text(trend_page - 1) + text(trend_page)  # the trend follows the disagreements on their page
    assert "2026-Q2" in trend and "31.5" in trend and "2026-Q4 (this report)" in trend
    assert any("Answers that went down" in text(n) for n in (trend_page, trend_page + 1))
    # WeasyPrint once broke a question that fitted its line almost exactly after its first word
    # ("Is" / "there an executive sponsor…"): no line of the demo is one short word cut from its sentence.
    stranded = [(n + 1, a, b[:40]) for n, page in enumerate(pdf.pages)
                for a, b in itertools.pairwise(page.extract_text().split("\n"))
                if re.fullmatch(r"[A-Z][a-z]{0,4}", a.strip()) and b[:1].islower()]
    assert stranded == []


def test_the_demo_is_all_or_nothing_and_keeps_its_ids(tmp_path: Path) -> None:
    from crmcheck.errors import BadInputError
    from crmcheck.store import open_store

    db = str(tmp_path / "d.db")
    with pytest.raises(BadInputError, match="does not exist; create it or write the report elsewhere"):
        run_demo(tmp_path / "no" / "such" / "demo.pdf", now=NOW, db=db)
    assert not (tmp_path / "d.db").exists()  # nothing stored before the refusal
    first = store_demo(db, load_demo_history())
    again = store_demo(db, load_demo_history())
    assert first == again  # replaced in place: "crmcheck report 3" still means the same quarter
    assert [open_store(db).load(str(i)).assessment.label for i in again] == ["2026-Q2", "2026-Q3", "2026-Q4"]


def test_client_facing_text_names_questions_and_actions_by_their_words_not_their_ids() -> None:
    import re

    from crmcheck.report.context import build_context
    from crmcheck.report.render import render_markdown

    for sample in ("northwind", "tern"):
        *earlier, latest = load_demo_history(sample)
        q = latest.questionnaire
        ctx = build_context(q, latest.assessment, now=NOW,
                            history=[(qt.questionnaire, qt.assessment) for qt in earlier])
        from crmcheck.brand import DEFAULT_BRAND
        from crmcheck.report import html_for

        html = html_for(ctx, DEFAULT_BRAND, paper="a4", template_dir=None, embed_fonts=False)
        text = render_markdown(ctx) + re.sub(r"<[^>]+>", " ", html)  # what is read, not the markup
        ids = {i.question.id for i in q.item_index.by_id.values()} | {r.id for r in q.rules}
        leaked = sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text))
        assert leaked == [], (sample, leaked)


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_demo_summary_with_since_last_quarter_fits_on_the_page_after_the_cover(tmp_path: Path, paper: str) -> None:
    import re

    from click.testing import CliRunner
    from pypdf import PdfReader

    from crmcheck.cli import cli

    out = tmp_path / "demo.pdf"
    env = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}
    result = CliRunner().invoke(cli, ["demo", "--no-store", "-o", str(out), "--paper", paper], env=env)
    assert result.exit_code == 0, result.output
    pdf = PdfReader(out)
    summary, contents = (re.sub(r"\s+", " ", pdf.pages[n].extract_text()) for n in (1, 2))
    assert "Executive summary" in summary and "Since 2026-Q3" in summary and "The first five actions" in summary
    assert "Contents" in contents and "Since 2026-Q3" not in contents
    # No near-empty page between the cover and the last one: sections that followed a forced page
    # break (processes, methodology) follow on, a long roadmap stacks its lanes, and on Letter a
    # process page's tables sit tighter (its last rows had a page of their own).
    assert _near_empty_pages(pdf) == []


def _near_empty_pages(pdf: Any) -> list[int]:
    """Return the numbers of the pages between the first and the last with under 600 characters."""
    return [n + 1 for n, page in enumerate(pdf.pages[1:-1], start=1) if len(page.extract_text()) < 600]


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_live_sample_has_no_near_empty_page(tmp_path: Path, paper: str) -> None:
    from click.testing import CliRunner
    from pypdf import PdfReader

    from crmcheck.cli import cli

    out = tmp_path / "tern.pdf"
    env = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}
    result = CliRunner().invoke(cli, ["demo", "--sample", "tern", "--no-store", "-o", str(out), "--paper", paper],
                                env=env)
    assert result.exit_code == 0, result.output
    assert _near_empty_pages(PdfReader(out)) == []
