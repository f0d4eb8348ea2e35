"""Scoring at its edges: who is asked what, what a verdict's first reason says, and what a scorecard carries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from builders import assessment, edit_question, everything, mini

from crmcheck.answers import Answer
from crmcheck.questionnaire import PROGRAMME, Questionnaire
from crmcheck.scoring import score

Q = mini()


def _verdict_rule(q: Questionnaire, *, go: float = 70, max_risk: str = "medium") -> Questionnaire:
    rule = q.scoring.verdict.model_copy(update={"go": q.scoring.verdict.go.model_copy(
        update={"min_index": go, "max_risk": max_risk})})
    return q.model_copy(update={"scoring": q.scoring.model_copy(update={"verdict": rule})})


@pytest.mark.parametrize("levels, reason", [
    ({"strat-agreed": 1, "data-single-view": 2}, "but No CRM strategy is at high risk"),
    ({"strat-agreed": 1, "data-single-view": 1}, "but No CRM strategy and No data integration are at high risk"),
])
def test_a_go_held_back_by_risk_names_only_the_riskiest_sins(levels: dict[str, int], reason: str) -> None:
    q = _verdict_rule(Q, go=40)
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME].update(levels)
    card = score(q, assessment(q, {"Ana": ana, "Ben": ana}, ["sales"]))
    assert card.verdict == "Conditional"
    assert card.verdict_reasons == [f"index {card.index:.1f} reaches Go (40) {reason}"]


def test_with_no_sin_assessed_nothing_is_too_risky_even_where_go_allows_only_low_risk() -> None:
    q = _verdict_rule(Q, go=70, max_risk="low")
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME] = {"strat-agreed": "na", "data-single-view": "na"}
    card = score(q, assessment(q, {"Ana": ana, "Ben": ana}, ["sales"]))
    assert all(s.level is None for s in card.sins) and card.index == 100.0
    assert card.verdict == "Go"


def test_answers_about_a_process_the_respondent_does_not_speak_for_are_left_out() -> None:
    ana = everything(Q, 4, ["leads", "sales"])
    ben = everything(Q, 0, ["leads", "sales"])
    a = assessment(Q, {"Ana": ana, "Ben": ben}, ["leads", "sales"])
    a = dataclasses.replace(a, respondents=[a.respondents[0], dataclasses.replace(a.respondents[1],
                                                                                  speaks_for=["leads"])])
    card = score(Q, a)
    sales = card.process("sales")
    assert sales is not None and sales.score == 100.0  # Ben's zeros for sales do not count
    res = card.result("sales", "own-owner")
    assert res is not None and list(res.answers) == ["Ana"]


def test_an_answer_to_a_question_not_asked_at_the_stage_is_left_out() -> None:
    q = edit_question(Q, "data-single-view", stages=["live"])
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME]["data-single-view"] = 0
    before = score(q, dataclasses.replace(assessment(q, {"Ana": ana}, ["sales"]), stage="before-selection"))
    live = score(q, dataclasses.replace(assessment(q, {"Ana": ana}, ["sales"]), stage="live"))
    assert before.sin("data") is not None and before.sin("data").score is None  # type: ignore[union-attr]
    assert live.sin("data").score == 0.0  # type: ignore[union-attr]


def test_a_level_said_equal_to_the_level_shown_is_no_contradiction() -> None:
    ana, ben = everything(Q, 4, ["sales"]), everything(Q, 4, ["sales"])
    ana["sales"]["meas-kpi"] = Answer(level=0)
    ben["sales"]["meas-kpi"] = Answer(level=0, basis="seen")
    card = score(Q, assessment(Q, {"Ana": ana, "Ben": ben}, ["sales"]))
    res = card.result("sales", "meas-kpi")
    assert res is not None and res.value == 0.0 and not res.contradiction and not res.disagreement


def test_a_blocker_carries_its_reason_and_an_open_blocker_why_it_is_open() -> None:
    item = Q.question("own-owner")
    assert item is not None and item.question.critical is not None
    q = edit_question(Q, "own-owner", critical=item.question.critical.model_copy(
        update={"reason": "Nobody answers for the process."}))
    ana = everything(q, 4, ["leads", "sales"])
    ana["leads"]["own-owner"] = 0
    ana["sales"]["own-owner"] = "dont_know"
    del ana[PROGRAMME]["strat-agreed"]  # nobody answered it
    card = score(q, assessment(q, {"Ana": ana}, ["leads", "sales"]))
    assert [(b.process, b.question, b.reason) for b in card.blockers] == [
        ("leads", "own-owner", "Nobody answers for the process.")]
    assert sorted((o.process, o.question, o.status) for o in card.open_blockers) == [
        (PROGRAMME, "strat-agreed", "unanswered"), ("sales", "own-owner", "dont_know")]


def test_a_scorecard_carries_the_assessments_facts() -> None:
    a = dataclasses.replace(assessment(Q, {"Ana": everything(Q, 2, ["sales"])}, ["sales"]),
                            stage="implementing", go_live=dt.date(2027, 3, 1))
    card = score(Q, a)
    assert (card.questionnaire, card.client, card.label, card.date, card.stage, card.go_live) == (
        "mini@1", "Acme", "2026-Q4", dt.date(2026, 11, 20), "implementing", dt.date(2027, 3, 1))
    assert card.sin("no-such-sin") is None and card.process("no-such-process") is None


def test_a_sin_is_titled_for_the_stage() -> None:
    from crmcheck.assess import load_answers_file
    from crmcheck.demo import demo_files

    q, a = load_answers_file(demo_files("tern")[-1])
    assert a.stage == "live"
    card = score(q, a)
    titles = {s.id: s.title for s in card.sins}
    assert titles["hosting-decision"] == "Weak hold on the CRM platform and its contract"
    assert score(q, dataclasses.replace(a, stage="before-selection")).sin(
        "hosting-decision").title == "Hasty hosting decision"  # type: ignore[union-attr]


def test_three_sins_at_the_worst_risk_are_named_as_a_list() -> None:
    data = next(s for s in Q.sins if s.id == "data")
    people = data.model_copy(update={"id": "people", "title": "Users not involved", "questions": [
        data.questions[0].model_copy(update={"id": "people-involved"})]})
    q = _verdict_rule(Questionnaire.model_validate({**Q.model_dump(by_alias=True), "sins": [
        *[s.model_dump(by_alias=True) for s in Q.sins], people.model_dump(by_alias=True)]}), go=40)
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME].update({"strat-agreed": 1, "data-single-view": 1, "people-involved": 1})
    card = score(q, assessment(q, {"Ana": ana, "Ben": ana}, ["sales"]))
    assert card.verdict_reasons == [f"index {card.index:.1f} reaches Go (40) but No CRM strategy, No data "
                                    "integration and Users not involved are at high risk"]
