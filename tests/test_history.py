"""Three quarters of a fictional client with known changes, and a v1 -> v2 questionnaire."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcheck.assess import load_answers_file
from crmcheck.history import Snapshot, compare, snapshot, trend
from crmcheck.trend import sparkline

DATA = Path(__file__).parent / "data"
HISTORY = DATA / "history"


def quarter(label: str) -> Snapshot:
    path = HISTORY / f"acme-{label}.yaml"
    version = "mini-v2.yaml" if label == "2026-Q4" else "mini.yaml"
    return snapshot(*load_answers_file(path, DATA / version))


Q2, Q3, Q4 = quarter("2026-Q2"), quarter("2026-Q3"), quarter("2026-Q4")


def test_q2_to_q3_deltas() -> None:
    c = compare(Q2, Q3)
    assert (c.index.before, c.index.after) == (15.0, 35.2)
    assert c.index.change == pytest.approx(20.2)
    crit = {d.id: (round(d.before, 1), round(d.after, 1)) for d in c.criteria}  # type: ignore[arg-type]
    assert crit == {"ownership": (10.7, 32.1), "measures": (20.2, 45.2)}
    assert c.risks_appeared == []
    assert c.risks_resolved == [
        "No CRM strategy: high → medium risk",
        "blocker cleared: own-owner (leads)",
        "blocker cleared: strat-agreed",
    ]
    assert [(a.rule, a.processes) for a in c.actions_done] == [("name-owner", ("leads",)), ("strategy-first", ())]
    assert c.actions_new == []
    moved = {(a.process, a.question): (a.before, a.after) for a in c.answers}
    assert moved == {
        ("leads", "own-owner"): (0.0, 2.0),
        ("leads", "own-mandate"): (None, 1.0),
        ("leads", "meas-kpi"): (1.0, 2.0),
        ("leads", "leads-grading"): (0.0, 1.0),
        ("sales", "meas-kpi"): (1.0, 2.0),
        (None, "strat-agreed"): (0.0, 2.0),
    }
    assert c.answers[0].respondents == [("Ana Silva", "0", "2")]
    assert c.not_compared == []


def test_q3_to_q4_maps_the_renamed_question_and_reports_the_removed_one() -> None:
    c = compare(Q3, Q4)
    moved = {(a.process, a.question): (a.before, a.after) for a in c.answers}
    assert moved[("leads", "own-authority")] == (1.0, 2.0)
    assert moved[("sales", "own-authority")] == (1.0, 3.0)
    assert not any(q == "data-single-view" for _, q in moved)
    assert "question 'data-single-view' was removed in mini@2; its answers are not compared" in c.not_compared
    assert "question 'data-one-record' is new in mini@2; no earlier answer to compare" in c.not_compared
    assert c.risks_resolved == ["No CRM strategy: medium → low risk", "No data integration: high → medium risk"]
    assert [(a.rule, a.processes) for a in c.actions_done] == [("grade-leads", ("leads",)), ("name-owner", ("sales",))]
    targets = {t.id: (t.after, t.target) for t in c.targets}
    assert targets == {"index": (65.5, 60.0), "ownership": (pytest.approx(67.86, abs=0.01), 75.0),
                       "strategy": (75.0, 70.0)}


def test_trend_over_three_quarters_across_versions() -> None:
    t = trend("Acme Ltd", [Q4, Q2, Q3])
    assert [p.label for p in t.points] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    assert t.series("index") == [15.0, 35.2, 65.5]
    assert [round(v, 1) for v in t.series("ownership")] == [10.7, 32.1, 67.9]  # type: ignore[arg-type]
    assert t.series("strategy") == [0.0, 50.0, 75.0]
    assert t.targets == {"index": 60.0, "ownership": 75.0, "strategy": 70.0}
    assert t.notes[0] == "2026-Q4 was answered with mini@2 (2026-Q3: mini@1); scores compare directly"
    assert "2026-Q4: question 'data-single-view' was removed in mini@2; its answers are not compared" in t.notes


@pytest.mark.parametrize(
    ("values", "line"),
    [([0, 50, 100], "▁▅█"), ([None, 12.5], " ▂"), ([], "")],
    ids=["range", "gap", "empty"],
)
def test_sparkline(values: list[float | None], line: str) -> None:
    assert sparkline(values) == line
