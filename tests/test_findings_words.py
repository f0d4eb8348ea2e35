"""The findings' sentences and counts word for word: what a board reads in "Why this verdict".

Each test sets up one situation in one and in several instances, so singular and plural, the
programme and a process, "nobody could answer" and "nobody answered" are each pinned.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from builders import assessment, edit_question, everything, mini

from crmcheck.answers import Answer
from crmcheck.findings import Evidence, Findings, find, headline
from crmcheck.questionnaire import PROGRAMME, Questionnaire
from crmcheck.scoring import Scorecard, score

Q = mini()


def judged(respondents: dict[str, Any], processes: list[str] | None = None, q: Questionnaire = Q,
           **changes: Any) -> tuple[Scorecard, Findings]:
    a = assessment(q, respondents, processes or ["leads", "sales"])
    if changes:
        a = dataclasses.replace(a, **changes)
    card = score(q, a)
    return card, find(q, card, a)


def reasons_with(fragment: str, f: Findings) -> list[str]:
    return [r for r in f.verdict_reasons if fragment in r]


def test_a_programme_blocker_is_placed_in_the_programme() -> None:
    ana = everything(Q, 4)
    ana[PROGRAMME]["strat-agreed"] = 0
    _, f = judged({"Ana": ana, "Ben": ana})
    assert reasons_with("Blocker:", f) == [
        "Blocker: “Is there an agreed CRM strategy?” (the programme) is at 0.0, below 1; it caps the verdict "
        "at Conditional, where the scores alone already put it."]


def test_open_blockers_say_whether_nobody_could_answer_or_nobody_answered_programme_first() -> None:
    ana = everything(Q, 4)
    ana[PROGRAMME]["strat-agreed"] = "dont_know"
    del ana["sales"]["own-owner"], ana["sales"]["own-mandate"]
    _, f = judged({"Ana": ana})
    assert [(g.process, g.question) for g in f.open_blockers] == [(PROGRAMME, "strat-agreed"), ("sales", "own-owner")]
    assert reasons_with("Open blocker", f) == [
        "Open blocker: “Is there an agreed CRM strategy?” (the programme) is critical and nobody could answer it; "
        "the verdict cannot be Go until it is answered.",
        "Open blocker: “Is there a named owner?” (Sales) is critical and nobody answered it; the verdict cannot "
        "be Go until it is answered."]


def test_a_blocker_in_a_later_wave_names_its_wave() -> None:
    ana = everything(Q, 3, ["leads", "sales"])
    ana["sales"]["own-owner"] = 0
    a = assessment(Q, {"Ana": ana, "Ben": ana}, ["leads", "sales"])
    procs = [dataclasses.replace(p, wave=2 if p.id == "sales" else 1) for p in a.processes]
    a = dataclasses.replace(a, processes=procs, wave=1, stage="implementing")
    card = score(Q, a)
    assert reasons_with("wave", find(Q, card, a)) == [
        "“Is there a named owner?” (Sales, wave 2) is at 0.0, below 1; it does not hold up wave 1, but must be "
        "cleared before wave 2 goes live."]


@pytest.mark.parametrize("n, sentence", [
    (1, "1 claim is contradicted by evidence shown or measured; the evidence counts, the claim does not."),
    (2, "2 claims are contradicted by evidence shown or measured; the evidence counts, the claim does not."),
])
def test_contradictions_in_one_and_several(n: int, sentence: str) -> None:
    ana, ben = everything(Q, 4), everything(Q, 4)
    for group, qid in [("sales", "meas-kpi"), ("leads", "meas-kpi")][:n]:
        ben[group][qid] = Answer(level=2, basis="seen")
    _, f = judged({"Ana": ana, "Ben": ben})
    assert reasons_with("contradicted", f) == [sentence]


@pytest.mark.parametrize("rule, n, sentence", [
    ("lowest", 1, "Nobody could answer 1 question; it counts at the lowest level in the index until someone can "
                  "vouch for it, but drives no risk."),
    ("lowest", 2, "Nobody could answer 2 questions; they count at the lowest level in the index until someone can "
                  "vouch for them, but drive no risk."),
    ("exclude", 1, "Nobody could answer 1 question; it is left out of the index until someone can vouch for it, "
                   "but drives no risk."),
    ("exclude", 2, "Nobody could answer 2 questions; they are left out of the index until someone can vouch for "
                   "them, but drive no risk."),
])
def test_what_nobody_could_answer_in_one_and_several_under_either_rule(rule: str, n: int, sentence: str) -> None:
    q = Q.model_copy(update={"scoring": Q.scoring.model_copy(update={"dont_know": rule})})
    ana = everything(q, 4)
    for qid in ["data-single-view", "strat-agreed"][:n]:
        ana[PROGRAMME][qid] = "dont_know"
    _, f = judged({"Ana": ana, "Ben": ana}, q=q)
    assert reasons_with("Nobody could answer", f) == [sentence]


@pytest.mark.parametrize("thin, sentence", [
    (1, "Sales rests on one respondent's word; confirm before acting."),
    (2, "Lead management and Sales rest on one respondent's word; confirm before acting."),
])
def test_thin_top_risks_are_named_in_one_and_several(thin: int, sentence: str) -> None:
    ana = everything(Q, 4)
    ben = everything(Q, 4)
    del ben["sales"], ben["leads"]  # Ben speaks for the programme only
    ana["sales"]["meas-kpi"] = 0
    if thin == 2:
        ana["leads"]["meas-kpi"] = ana["leads"]["leads-grading"] = 0
    _, f = judged({"Ana": ana, "Ben": ben})
    assert reasons_with("one respondent's word", f) == [sentence]


@pytest.mark.parametrize("n, tail", [(1, " 1 blocker must be cleared first."),
                                     (2, " 2 blockers must be cleared first.")])
def test_the_headline_counts_blockers(n: int, tail: str) -> None:
    ana = everything(Q, 4)
    ana["sales"]["own-owner"] = 0
    if n == 2:
        ana["leads"]["own-owner"] = 0
    card, _ = judged({"Ana": ana, "Ben": ana})
    assert headline(card).endswith(tail)


@pytest.mark.parametrize("ev, words", [
    (Evidence(0, 0, 0, 1, 0, 0), "no answer gives a level"),
    (Evidence(1, 1, 1, 0, 0, 1), "1 answer from one respondent"),
    (Evidence(6, 2, 3, 1, 0, 2), "6 answers from 2 respondents; 1 question nobody could answer"),
    (Evidence(6, 2, 3, 2, 0, 2), "6 answers from 2 respondents; 2 questions nobody could answer"),
])
def test_evidence_in_words(ev: Evidence, words: str) -> None:
    assert ev.words() == words


def test_a_risks_evidence_counts_answers_questions_and_what_is_missing() -> None:
    ana = everything(Q, 1)
    ben = everything(Q, 1)
    ana["sales"]["meas-kpi"] = ben["sales"]["meas-kpi"] = "dont_know"
    del ana["sales"]["own-mandate"], ben["sales"]["own-mandate"]  # nobody answered it
    _, f = judged({"Ana": ana, "Ben": ben})
    (sales,) = [r for r in f.risks if r.key == "process:sales"]
    ev = sales.evidence
    assert (ev.answers, ev.respondents, ev.questions, ev.dont_know, ev.not_covered, ev.support) == (2, 2, 1, 1, 1, 2)


def test_evidence_shown_by_one_respondent_counts_as_a_second_voice() -> None:
    ana = everything(Q, 1, ["sales"])
    ana["sales"]["meas-kpi"] = Answer(level=1, basis="measured")
    _, f = judged({"Ana": ana}, ["sales"])
    (sales,) = [r for r in f.risks if r.key == "process:sales"]
    assert (sales.evidence.respondents, sales.evidence.support, sales.thin) == (1, 2, False)


def test_coverage_leaves_hidden_questions_out_and_counts_levels() -> None:
    ana = everything(Q, 4)
    ana["sales"]["own-owner"] = 0  # hides own-mandate in sales
    del ana["sales"]["own-mandate"]
    ana[PROGRAMME]["data-single-view"] = "dont_know"
    card, f = judged({"Ana": ana})
    visible = sum(1 for r in card.questions if r.status != "hidden")
    assert visible == len(card.questions) - 1
    c = f.coverage
    assert (c.asked, c.answered, c.levels, c.dont_know, c.not_covered) == (visible, visible, visible - 1, 1, 0)


def test_an_evidence_gap_keeps_its_criterion_or_sin() -> None:
    ana = everything(Q, 4)
    ana[PROGRAMME]["data-single-view"] = "dont_know"
    ana["sales"]["meas-kpi"] = "dont_know"
    _, f = judged({"Ana": ana, "Ben": ana})
    assert sorted((g.process, g.question, g.group, g.critical) for g in f.evidence_gaps) == [
        (PROGRAMME, "data-single-view", "data", False), ("sales", "meas-kpi", "measures", False)]


def test_risk_size_and_severity_are_rounded_to_one_decimal() -> None:
    ana = everything(Q, 4, ["sales"])
    ana["sales"]["own-owner"] = 3  # ownership (2 questions, weight 2) and measures: a size of a third
    _, f = judged({"Ana": ana, "Ben": ana}, ["sales"])
    (sales,) = [r for r in f.risks if r.key == "process:sales"]
    assert sales.size == round(sales.size, 1) and sales.size not in (0.0, float(round(sales.size)))


def test_the_uncertainty_ranges_name_every_sin_and_process_that_moves_rounded() -> None:
    ana = everything(Q, 2)
    ana[PROGRAMME]["strat-agreed"] = Answer(level=2, alt=3)
    ana["sales"]["meas-kpi"] = Answer(level=1, alt=2)
    ben = everything(Q, 2)
    cid = everything(Q, 2)
    card, f = judged({"Ana": ana, "Ben": ben, "Cid": cid})
    u = f.uncertainty
    assert u is not None
    # strategy: (2+2+2)/3 -> (3+2+2)/3 = 50 -> 58.3; sales: measures 1.67 -> 2, ownership unchanged.
    assert u.ranges["sin:strategy"] == (50.0, 58.3)
    lo, hi = u.ranges["process:sales"]
    assert (lo, hi) == (round(lo, 1), round(hi, 1)) and lo < hi and lo != round(lo)
    assert set(u.ranges) == {"sin:strategy", "process:sales"}
    assert (u.low.band, u.high.band) == (card.band, score(Q, assessment(Q, {
        "Ana": {**ana, PROGRAMME: {**ana[PROGRAMME], "strat-agreed": 3},
                "sales": {**ana["sales"], "meas-kpi": 2}}, "Ben": ben, "Cid": cid}, ["leads", "sales"])).band)
    assert u.low.band is not None and u.high.band is not None


def test_a_go_live_on_the_day_of_the_assessment_is_less_than_a_month_away_not_passed() -> None:
    card, _ = judged({"Ana": everything(Q, 4)})
    day = dataclasses.replace(card, stage="before-selection", go_live=card.date)
    reasons = find(Q, day).verdict_reasons
    assert any(f"The planned go-live ({card.date.isoformat()}) is less than a month away" in r for r in reasons)


def test_evidence_counts_several_questions_of_each_kind() -> None:
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    qb = load_questionnaire(default_questionnaire())
    ana = everything(qb, 1, ["sales"])
    sales = ana["sales"]
    asked = list(sales)
    sales[asked[0]] = sales[asked[1]] = "dont_know"
    del sales[asked[2]], sales[asked[3]]  # nobody answered these two
    card = score(qb, assessment(qb, {"Ana": ana, "Ben": ana}, ["sales"]))
    (risk,) = [r for r in find(qb, card).risks if r.key == "process:sales"]
    scored = sum(1 for r in card.questions if r.process == "sales" and r.status == "scored")
    ev = risk.evidence
    assert scored > 2 and (ev.answers, ev.questions, ev.dont_know, ev.not_covered) == (2 * scored, scored, 2, 2)


def test_a_process_nobody_speaks_for_is_not_a_risk_and_breaks_nothing() -> None:
    a = assessment(Q, {"Ana": everything(Q, 1, ["leads", "sales"])}, ["leads", "sales"])
    a = dataclasses.replace(a, respondents=[dataclasses.replace(a.respondents[0], speaks_for=["leads"])])
    card = score(Q, a)
    f = find(Q, card, a)
    assert card.process("sales") is not None and card.process("sales").score is None  # type: ignore[union-attr]
    assert "process:sales" not in [r.key for r in f.risks] and "process:leads" in [r.key for r in f.risks]


def test_a_sin_not_asked_at_the_stage_is_not_a_risk_and_breaks_nothing() -> None:
    q = edit_question(Q, "data-single-view", stages=["live"])  # the data sin's only question
    a = dataclasses.replace(assessment(q, {"Ana": everything(q, 1, ["sales"])}, ["sales"]), stage="selecting")
    card = score(q, a)
    keys = [r.key for r in find(q, card, a).risks]
    assert "sin:data" not in keys and "sin:strategy" in keys


def test_a_shortfall_of_a_point_or_less_is_still_a_risk() -> None:
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    qb = load_questionnaire(default_questionnaire())
    ana, ben = everything(qb, 4, ["sales"]), everything(qb, 4, ["sales"])
    ana["sales"]["own-escalation"] = 3  # one answer of many a level short
    card = score(qb, assessment(qb, {"Ana": ana, "Ben": ben}, ["sales"]))
    (risk,) = [r for r in find(qb, card).risks if r.key == "process:sales"]
    assert 0 < risk.shortfall <= 1 and risk.size > 0  # the weakest criterion may raise its rank, not its shortfall
