"""Nothing answered is "not assessed" everywhere; something unanswered makes a draft (issue 12, item 1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from builders import DATA, assessment, everything, mini

from crmcheck.errors import BadInputError
from crmcheck.findings import find
from crmcheck.history import compare, snapshot, trend
from crmcheck.plan import build_action_plan
from crmcheck.scoring import score
from crmcheck.serialize import scorecard_data

Q = mini()
NOW = dt.datetime(2026, 11, 25, 9, 0)


def empty():  # type: ignore[no-untyped-def]
    return dataclasses.replace(assessment(Q, {"Ana": {}}, ["leads", "sales"]), label="2027-Q1",
                               date=dt.date(2027, 2, 1))


def full():  # type: ignore[no-untyped-def]
    ana = everything(Q, 3, ["leads", "sales"])
    return assessment(Q, {"Ana": ana, "Ben": ana}, ["leads", "sales"])


def test_an_assessment_nobody_answered_has_no_index_band_or_verdict() -> None:
    card = score(Q, empty())
    assert not card.assessed and card.draft
    data = scorecard_data(card, build_action_plan(Q, card), find(Q, card))
    assert (data["assessed"], data["index"], data["band"], data["verdict"]) == (False, None, None, None)
    assert data["verdict_reasons"] == [f"Not assessed yet: none of the {data['findings']['coverage']['asked']} "
                                       "questions has been answered."]
    assert data["findings"]["open_blockers"] == [] and data["findings"]["top_risks"] == []


def test_a_complete_assessment_is_assessed_and_no_draft() -> None:
    card = score(Q, full())
    assert card.assessed and not card.draft


def test_one_answer_makes_an_assessment_and_a_draft() -> None:
    card = score(Q, assessment(Q, {"Ana": {"sales": {"own-owner": 2}}}, ["leads", "sales"]))
    assert card.assessed and card.draft
    assert scorecard_data(card, build_action_plan(Q, card), find(Q, card))["draft"] is True


def test_compare_refuses_an_assessment_with_nothing_answered() -> None:
    with pytest.raises(BadInputError, match="2027-Q1 is not assessed yet"):
        compare(snapshot(Q, full()), snapshot(Q, empty()))


def test_trend_leaves_out_what_nobody_answered_instead_of_falling_to_zero() -> None:
    t = trend("Acme", [snapshot(Q, full()), snapshot(Q, empty())])
    assert [p.label for p in t.points] == ["2026-Q4"]
    assert "2027-Q1: not assessed yet (nothing answered); left out" in t.notes


def test_no_report_of_nothing_and_a_draft_mark_on_a_partial_one(tmp_path: Path) -> None:
    from crmcheck.report import make_report

    with pytest.raises(BadInputError, match="nothing to report"):
        make_report(Q, empty(), out=tmp_path / "r.md", now=NOW, fmt="md")
    partial = assessment(Q, {"Ana": {"sales": {"own-owner": 2}}}, ["leads", "sales"])
    make_report(Q, partial, out=tmp_path / "p.md", now=NOW, fmt="md")
    assert "> **Draft.**" in (tmp_path / "p.md").read_text(encoding="utf-8")
    make_report(Q, full(), out=tmp_path / "f.md", now=NOW, fmt="md")
    assert "Draft." not in (tmp_path / "f.md").read_text(encoding="utf-8")
    make_report(Q, partial, out=tmp_path / "p.html", now=NOW, fmt="html")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert 'class="draft-mark">Draft ·' in html and 'class="draft-note"' in html


def test_the_store_lists_an_empty_assessment_as_not_assessed(store_url: str) -> None:
    from click.testing import CliRunner

    from crmcheck.cli import cli
    from crmcheck.store import open_store

    db = store_url
    store = open_store(db)
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    store.import_assessment(text, full())
    store.import_assessment(text, empty())
    out = CliRunner().invoke(cli, ["--db", db, "list"]).output
    row = next(line for line in out.splitlines() if "2027-Q1" in line)
    assert "not assessed" in row
    js = CliRunner().invoke(cli, ["--db", db, "list", "--json"]).output
    assert '"index": null' in js
    t = CliRunner().invoke(cli, ["--db", db, "trend", "acme"]).output
    assert "2027-Q1: not assessed yet" in t and "fell" not in t
