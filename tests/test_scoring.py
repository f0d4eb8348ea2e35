"""Table-driven scoring cases on the small questionnaire (tests/data/mini.yaml).

mini: criteria ownership (weight 2: own-owner critical<1 no-go, own-mandate shown if own-owner
>= 1, n/a allowed) and measures (meas-kpi weight 2, plus leads-grading for 'leads' only);
sins strategy (strat-agreed critical<1 caps conditional) and data (weight 2); sections
processes 3 : programme 2; bands 0-40-70-100; Go needs 70 and no high risk; Conditional 45.
"""

from __future__ import annotations

import dataclasses

import pytest
from builders import assessment, everything, mini

from crmcheck.questionnaire import PROGRAMME
from crmcheck.scoring import band_for, score

Q = mini()


def only_sales(**programme: object) -> dict[str, dict[str, object]]:
    """One respondent, sales only, every question at 2 unless overridden."""
    return {
        "sales": {"own-owner": 2, "own-mandate": 2, "meas-kpi": 2},
        PROGRAMME: {"strat-agreed": 2, "data-single-view": 2, **programme},
    }


CASES = [
    # id, respondents, expected {path: value}
    ("all-twos-is-50", {"Ana": only_sales()}, {"index": 50.0, "band": "Emerging", "verdict": "Conditional"}),
    (
        "mean-of-two-respondents",
        {"Ana": {"sales": {"own-owner": 1}}, "Ben": {"sales": {"own-owner": 3}}},
        {"q:sales/own-owner": 2.0, "spread:sales/own-owner": 2, "disagree:sales/own-owner": True},
    ),
    (
        "one-level-apart-is-no-disagreement",
        {"Ana": {"sales": {"own-owner": 2}}, "Ben": {"sales": {"own-owner": 3}}},
        {"q:sales/own-owner": 2.5, "disagree:sales/own-owner": False},
    ),
    (
        "dont-know-alone-scores-lowest",
        {"Ana": {"sales": {"meas-kpi": "dont_know"}}},
        {"q:sales/meas-kpi": 0.0, "status:sales/meas-kpi": "dont_know", "gaps": 1},
    ),
    (
        "dont-know-beside-a-level-is-ignored",
        {"Ana": {"sales": {"meas-kpi": "dont_know"}}, "Ben": {"sales": {"meas-kpi": 3}}},
        {"q:sales/meas-kpi": 3.0, "status:sales/meas-kpi": "scored", "gaps": 0},
    ),
    (
        "na-leaves-the-denominator",
        {"Ana": {"sales": {"own-owner": 4, "own-mandate": "na", "meas-kpi": 0}}},
        {"crit:sales/ownership": 100.0, "status:sales/own-mandate": "na", "process:sales": 66.7},
    ),
    (
        "hidden-question-is-ignored",
        {"Ana": {"sales": {"own-owner": 0, "own-mandate": 4}}},
        {"status:sales/own-mandate": "hidden", "crit:sales/ownership": 0.0},
    ),
    (
        "critical-blocker-caps-no-go",
        {"Ana": {**everything(Q, 4, ["sales"]), "sales": {"own-owner": 0, "own-mandate": 4, "meas-kpi": 4}}},
        {"verdict": "No-go", "blockers": 1},
    ),
    (
        "conditional-blocker-caps-go",
        {"Ana": {**everything(Q, 4, ["sales"]), PROGRAMME: {"strat-agreed": 0, "data-single-view": 4}}},
        {"verdict": "Conditional", "blockers": 1},
    ),
    (
        "high-risk-sin-keeps-go-away",
        {"Ana": {**everything(Q, 4, ["sales"]), PROGRAMME: {"strat-agreed": 4, "data-single-view": 1}}},
        {"index": 80.0, "verdict": "Conditional", "risk:data": "high"},
    ),
    (
        "unanswered-lowers-completeness-not-score",
        {"Ana": {"sales": {"own-owner": 4}}},
        {"crit:sales/ownership": 100.0, "crit:sales/measures": None, "process:sales": 100.0,
         "completeness": 0.2},
    ),
    (
        "nothing-answered",
        {"Ana": {}},
        {"index": 0.0, "verdict": "No-go", "completeness": 0.0, "process:sales": None},
    ),
]


def _lookup(card: object, key: str) -> object:
    from crmcheck.scoring import Scorecard

    assert isinstance(card, Scorecard)
    if ":" not in key:
        if key == "gaps":
            return len(card.evidence_gaps)
        if key == "blockers":
            return len(card.blockers)
        if key == "completeness":
            return round(card.completeness, 2)
        return getattr(card, key)
    kind, _, rest = key.partition(":")
    if kind in ("q", "status", "spread", "disagree"):
        group, qid = rest.split("/")
        res = card.result(group, qid)
        assert res is not None
        return {"q": res.value, "status": res.status, "spread": res.spread, "disagree": res.disagreement}[kind]
    if kind == "crit":
        pid, cid = rest.split("/")
        p = card.process(pid)
        assert p is not None
        value = p.criteria[cid]
        return None if value is None else round(value, 1)
    if kind == "process":
        p = card.process(rest)
        assert p is not None
        return None if p.score is None else round(p.score, 1)
    if kind == "risk":
        s = card.sin(rest)
        assert s is not None
        return s.level
    raise KeyError(key)


@pytest.mark.parametrize(("respondents", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_scoring_case(respondents: dict[str, dict[str, dict[str, object]]], expected: dict[str, object]) -> None:
    card = score(Q, assessment(Q, respondents, processes=["sales"]))
    got = {key: _lookup(card, key) for key in expected}
    assert got == expected


def test_dont_know_can_be_excluded_instead() -> None:
    q = Q.model_copy(update={"scoring": Q.scoring.model_copy(update={"dont_know": "exclude"})})
    card = score(q, assessment(q, {"Ana": {"sales": {"meas-kpi": "dont_know", "own-owner": 4}}}, ["sales"]))
    res = card.result("sales", "meas-kpi")
    assert res is not None and res.status == "dont_know" and res.value is None
    assert card.process("sales").score == 100.0  # type: ignore[union-attr]


def test_importance_weights_processes() -> None:
    answers = {"Ana": {"leads": {"own-owner": 4, "own-mandate": 4, "meas-kpi": 4, "leads-grading": 4},
                       "sales": {"own-owner": 0, "meas-kpi": 0}}}
    heavy_leads = score(Q, assessment(Q, answers, ["leads", "sales"], {"leads": 5, "sales": 1}))
    heavy_sales = score(Q, assessment(Q, answers, ["leads", "sales"], {"leads": 1, "sales": 5}))
    assert heavy_leads.sections["processes"] == pytest.approx(100 * 5 / 6)
    assert heavy_sales.sections["processes"] == pytest.approx(100 * 1 / 6)


def test_custom_process_gets_the_templated_questions_only() -> None:
    card = score(Q, assessment(Q, {"Ana": {"dealers": {"own-owner": 4, "meas-kpi": 2}}}, ["dealers"]))
    ids = [r.question for r in card.questions if r.process == "dealers"]
    assert ids == ["own-owner", "own-mandate", "meas-kpi"]
    assert card.process("dealers").custom  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "Not ready"), (39.9, "Not ready"), (40, "Emerging"), (69.9, "Emerging"), (70, "Ready"), (100, "Ready")],
    ids=["0", "39.9", "40", "69.9", "70", "100"],
)
def test_band_edges(value: float, band: str) -> None:
    assert band_for(Q.scoring.bands, value) == band


def _with_verdict(go: float, conditional: float, max_risk: str | None = "medium"):  # type: ignore[no-untyped-def]
    rule = Q.scoring.verdict.model_copy(update={
        "go": Q.scoring.verdict.go.model_copy(update={"min_index": go, "max_risk": max_risk}),
        "conditional": Q.scoring.verdict.conditional.model_copy(update={"min_index": conditional})})
    return Q.model_copy(update={"scoring": Q.scoring.model_copy(update={"verdict": rule})})


def _card(q, level: int = 3, **programme: int):  # type: ignore[no-untyped-def]
    answers = everything(q, level, ["sales"])
    answers[PROGRAMME].update(programme)
    return score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"]))


@pytest.mark.parametrize(("go", "verdict"), [(75.0, "Go"), (75.1, "Conditional")], ids=["at", "just-above"])
def test_go_needs_an_index_at_its_threshold_not_above_it(go: float, verdict: str) -> None:
    card = _card(_with_verdict(go, 45))
    assert card.index == 75.0
    assert card.verdict == verdict


@pytest.mark.parametrize(("conditional", "verdict"), [(75.0, "Conditional"), (75.1, "No-go")], ids=["at", "just-above"])
def test_conditional_needs_an_index_at_its_threshold_not_above_it(conditional: float, verdict: str) -> None:
    card = _card(_with_verdict(90, conditional))
    assert card.verdict == verdict


def test_a_sin_at_the_allowed_risk_does_not_block_go_but_one_above_does() -> None:
    medium = _card(_with_verdict(60, 45), **{"strat-agreed": 2})  # risk 50: medium in mini
    assert medium.sin("strategy").level == "medium"  # type: ignore[union-attr]
    assert medium.index >= 60 and medium.verdict == "Go"
    high = _card(_with_verdict(60, 45), **{"strat-agreed": 1})  # risk 75: high
    assert high.index >= 60 and high.verdict == "Conditional"
    assert "Strategy" in high.verdict_reasons[0] or "strategy" in high.verdict_reasons[0].lower()


@pytest.mark.parametrize(("cond", "answers", "shown"), [
    ({"question": "own-owner", "at_least": 2}, {"own-owner": 2}, True),
    ({"question": "own-owner", "at_least": 2}, {"own-owner": 1}, False),
    ({"question": "own-owner", "below": 2}, {"own-owner": 1}, True),
    ({"question": "own-owner", "below": 2}, {"own-owner": 2}, False),
    ({"question": "own-owner", "below": 2}, {"own-owner": "dont_know"}, False),
    ({"question": "own-owner", "below": 2}, {}, False),
    ({"question": "own-owner", "answer": "dont_know"}, {"own-owner": "dont_know"}, True),
    ({"question": "own-owner", "answer": "dont_know"}, {"own-owner": 1}, False),
    ({"question": "own-owner", "answer": "unanswered"}, {}, True),
    ({"question": "own-owner", "answer": "unanswered"}, {"own-owner": 0}, False),
    ({"all": [{"question": "own-owner", "at_least": 1}, {"question": "meas-kpi", "below": 3}]},
     {"own-owner": 1, "meas-kpi": 2}, True),
    ({"all": [{"question": "own-owner", "at_least": 1}, {"question": "meas-kpi", "below": 3}]},
     {"own-owner": 1, "meas-kpi": 3}, False),
    ({"any": [{"question": "own-owner", "at_least": 3}, {"question": "meas-kpi", "below": 1}]},
     {"own-owner": 1, "meas-kpi": 0}, True),
    ({"any": [{"question": "own-owner", "at_least": 3}, {"question": "meas-kpi", "below": 1}]},
     {"own-owner": 1, "meas-kpi": 2}, False),
    ({"not": {"question": "own-owner", "at_least": 1}}, {"own-owner": 0}, True),
    ({"not": {"question": "own-owner", "at_least": 1}}, {"own-owner": 1}, False),
], ids=lambda v: None)
def test_show_if_conditions(cond: dict[str, object], answers: dict[str, object], shown: bool) -> None:
    from builders import answer

    from crmcheck.questionnaire import Condition
    from crmcheck.scoring import visible

    item = Q.question("own-mandate")
    assert item is not None
    item = dataclasses.replace(item, question=item.question.model_copy(
        update={"show_if": Condition.model_validate(cond)}))
    assert visible(item, {k: answer(v) for k, v in answers.items()}) is shown
