"""What each kind of rule condition fires on, and what its trigger says: words, gap, where, and who backs it.

A trigger's words are the "Because:" of an action, its support decides whether the action rests on
one respondent (thin, ranked lower), and its sin or question decides whether the action clears a
blocker. Each test pins one of those on a case where a near miss would give a different answer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from builders import assessment, edit_question, everything, mini

from crmcheck.answers import Answer
from crmcheck.plan import Action, _said, build_action_plan, owner_for
from crmcheck.questionnaire import PROGRAMME, Condition, Questionnaire
from crmcheck.scoring import RespondentSummary, Scorecard, score

Q = mini()


def probe_rule(q: Questionnaire, when: dict[str, Any], *, rid: str = "probe", scope: str = "programme",
               **extra: Any) -> Any:
    """Return a plain rule (no supersedes, after or leads_when) that fires on ``when``."""
    return q.rules[2].model_copy(update={"id": rid, "scope": scope, "when": Condition.model_validate(when),
                                         "supersedes": [], "after": [], "leads_when": [], **extra})


def fire(when: dict[str, Any], respondents: dict[str, Any], processes: list[str] | None = None, *,
         scope: str = "programme", q: Questionnaire = Q) -> tuple[Action | None, Scorecard]:
    """Return the one action a single probe rule gives (None if it does not fire), and the scorecard."""
    q = q.model_copy(update={"rules": [probe_rule(q, when, scope=scope)]})
    card = score(q, assessment(q, respondents, processes or ["leads", "sales"]))
    actions = build_action_plan(q, card).actions
    assert len(actions) <= 1
    return (actions[0] if actions else None), card


def only(group: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Return a respondent who answered only ``answers`` in ``group``."""
    return {group: answers}


def test_not_fires_only_when_its_condition_does_not_hold_and_weighs_half() -> None:
    when = {"not": {"question": "strat-agreed", "below": 2}}
    action, _ = fire(when, {"Ana": everything(Q, 3)})
    assert action is not None and action.triggers == [] and action.gap == 0.5
    low = everything(Q, 3)
    low[PROGRAMME]["strat-agreed"] = 1
    action, _ = fire(when, {"Ana": low})
    assert action is None


def test_a_criterion_in_a_process_rule_is_backed_only_by_that_process_and_criterion() -> None:
    ana = everything(Q, 3, ["leads", "sales"])
    ana["sales"]["meas-kpi"] = 0
    ben = {"leads": {i.question.id: 3 for i in Q.process_items("leads")}, "sales": {"own-owner": 3, "own-mandate": 3}}
    action, _ = fire({"criterion": "measures", "below": 50}, {"Ana": ana, "Ben": ben}, scope="process")
    assert action is not None and action.scope == "process" and action.processes == ["sales"]
    (trigger,) = action.triggers
    # Ben answered sales' ownership and leads' measures, not sales' measures: Ana alone backs it.
    assert (trigger.text, trigger.process, trigger.support) == ("Measures in Sales 0 (below 50)", "sales", 1.0)
    assert action.thin


def test_a_criterion_in_a_programme_rule_is_backed_by_every_process_not_the_programme() -> None:
    ana = everything(Q, 1, ["leads", "sales"])
    ben = {"leads": {"meas-kpi": 1}}
    cid = only(PROGRAMME, {"strat-agreed": 1, "data-single-view": 1})  # programme only: not measures
    action, card = fire({"criterion": "measures", "below": 50}, {"Ana": ana, "Ben": ben, "Cid": cid})
    assert action is not None and action.scope == "programme"
    (trigger,) = action.triggers
    assert trigger.text == f"Measures across processes {card.criteria['measures']:.0f} (below 50)"
    assert (trigger.process, trigger.support) == (None, 2.0)


def test_a_level_seen_counts_as_a_second_voice_behind_a_trigger() -> None:
    ana = everything(Q, 3, ["sales"])
    ana["sales"]["meas-kpi"] = Answer(level=0, basis="seen")
    action, _ = fire({"criterion": "measures", "below": 50}, {"Ana": ana}, ["sales"], scope="process")
    assert action is not None and action.triggers[0].support == 2.0 and not action.thin
    ana["sales"]["meas-kpi"] = Answer(level=0)  # the same answer, only said
    action, _ = fire({"criterion": "measures", "below": 50}, {"Ana": ana}, ["sales"], scope="process")
    assert action is not None and action.triggers[0].support == 1.0 and action.thin


def test_a_process_condition_names_the_process_and_everyone_who_answered_it() -> None:
    ana = everything(Q, 1, ["leads", "sales"])
    ben = only("sales", {"own-owner": 1, "own-mandate": 1, "meas-kpi": 1})
    action, _ = fire({"process": "sales", "below": 60}, {"Ana": ana, "Ben": ben})
    assert action is not None
    (trigger,) = action.triggers
    assert (trigger.text, trigger.process, trigger.support) == ("Sales score 25 (below 60)", "sales", 2.0)
    assert action.processes == ["sales"]  # a programme rule lists the processes its triggers name


@pytest.mark.parametrize("when", [{"process": "leads", "below": 101}, {"process": "this", "below": 101}])
def test_a_process_condition_on_a_process_not_in_scope_does_not_fire(when: dict[str, Any]) -> None:
    # "this" in a programme rule names no process; "leads" is not assessed here.
    action, _ = fire(when, {"Ana": everything(Q, 0, ["sales"])}, ["sales"])
    assert action is None


def sin_room() -> dict[str, Any]:
    """Ana answered everything, Ben and Dan the strategy only, Cid the data sin only."""
    ana = everything(Q, 1, ["sales"])
    return {"Ana": ana, "Ben": only(PROGRAMME, {"strat-agreed": 1}), "Dan": only(PROGRAMME, {"strat-agreed": 1}),
            "Cid": only(PROGRAMME, {"data-single-view": 1})}


def test_a_sin_risk_condition_says_the_risk_and_is_backed_by_that_sins_answers() -> None:
    action, _ = fire({"sin": "strategy", "risk": ["high"]}, sin_room(), ["sales"])
    assert action is not None
    (trigger,) = action.triggers
    assert (trigger.text, trigger.gap, trigger.sin, trigger.support, trigger.process) == (
        "No CRM strategy: high risk (75)", 0.75, "strategy", 3.0, None)
    action, _ = fire({"sin": "strategy", "risk": ["low", "medium"]}, sin_room(), ["sales"])
    assert action is None


def test_a_sin_score_condition_says_the_score_and_names_the_sin() -> None:
    action, _ = fire({"sin": "strategy", "below": 50}, sin_room(), ["sales"])
    assert action is not None
    (trigger,) = action.triggers
    assert (trigger.text, trigger.gap, trigger.sin, trigger.support, trigger.process) == (
        "No CRM strategy score 25 (below 50)", 0.75, "strategy", 3.0, None)
    action, _ = fire({"sin": "strategy", "below": 20}, sin_room(), ["sales"])
    assert action is None


def test_thresholds_are_exact_below_is_strict_at_least_is_not() -> None:
    room = sin_room()  # strategy scores exactly 25
    assert fire({"sin": "strategy", "below": 25}, room, ["sales"])[0] is None
    below, _ = fire({"sin": "strategy", "below": 25.1}, room, ["sales"])
    assert below is not None and below.triggers[0].text == "No CRM strategy score 25 (below 25.1)"
    at_least, _ = fire({"sin": "strategy", "at_least": 25}, room, ["sales"])
    assert at_least is not None and at_least.triggers[0].text == "No CRM strategy score 25 (at least 25)"
    assert fire({"sin": "strategy", "at_least": 25.1}, room, ["sales"])[0] is None


def test_an_index_condition_says_readiness_index() -> None:
    action, card = fire({"index": True, "below": 101}, {"Ana": everything(Q, 2, ["sales"])}, ["sales"])
    assert action is not None
    assert action.triggers[0].text == "readiness index 50 (below 101)" and card.index == 50.0


def test_a_question_trigger_names_the_nearest_level() -> None:
    ana = everything(Q, 4, ["sales"])
    ana["sales"]["own-owner"] = 2
    ben = everything(Q, 4, ["sales"])
    ben["sales"]["own-owner"] = 1
    action, _ = fire({"question": "own-owner", "below": 3}, {"Ana": ana, "Ben": ben}, ["sales"], scope="process")
    assert action is not None
    assert action.triggers[0].text == "“Is there a named owner?” in Sales: 1.5 (Ad hoc)"  # 1.5: the lower of two
    ben["sales"]["own-owner"] = 2
    action, _ = fire({"question": "own-owner", "below": 3}, {"Ana": ana, "Ben": ben}, ["sales"], scope="process")
    assert action is not None and action.triggers[0].text == "“Is there a named owner?” in Sales: 2.0 (Defined)"


def test_a_process_rule_on_any_disagreement_looks_only_at_its_own_process() -> None:
    ana = everything(Q, 3, ["leads", "sales"])
    ben = everything(Q, 3, ["leads", "sales"])
    ana["leads"]["meas-kpi"], ben["leads"]["meas-kpi"] = 4, 1  # split in leads only
    action, _ = fire({"disagreement": "any"}, {"Ana": ana, "Ben": ben}, scope="process")
    assert action is not None and action.processes == ["leads"]
    (trigger,) = action.triggers
    assert (trigger.process, trigger.question, trigger.pooled) == ("leads", "meas-kpi", True)
    assert trigger.gap == pytest.approx(3 / 4 * 4 / 5)  # spread / scale range × importance / 5


def test_an_actions_gap_is_rounded_to_three_places() -> None:
    ana = everything(Q, 4, ["sales"])
    ana["sales"]["own-owner"] = 1
    ben = everything(Q, 4, ["sales"])
    ben["sales"]["own-owner"] = 0  # mean 0.5: gap 1 - 0.5/4 = 0.875; with meas-kpi at 3.0: 0.25
    ana["sales"]["meas-kpi"] = ben["sales"]["meas-kpi"] = 3
    ana["sales"]["own-mandate"] = ben["sales"]["own-mandate"] = 3
    when = {"all": [{"question": "own-owner", "below": 2}, {"question": "meas-kpi", "below": 4},
                    {"question": "own-mandate", "below": 4}]}
    action, _ = fire(when, {"Ana": ana, "Ben": ben}, ["sales"], scope="process")
    assert action is not None
    assert action.gap == round((0.875 + 0.25 + 0.25) / 3, 3) == 0.458


def test_a_question_named_in_two_alternatives_counts_once() -> None:
    ana = everything(Q, 4, ["sales"])
    ana["sales"]["own-owner"] = 1
    ana["sales"]["meas-kpi"] = ana["sales"]["own-mandate"] = 3
    two_of_three = {"any": [{"all": [{"question": "own-owner", "below": 2}, {"question": "meas-kpi", "below": 4}]},
                            {"all": [{"question": "own-owner", "below": 2}, {"question": "own-mandate", "below": 4}]},
                            {"all": [{"question": "meas-kpi", "below": 4}, {"question": "own-mandate", "below": 4}]}]}
    action, _ = fire(two_of_three, {"Ana": ana}, ["sales"], scope="process")
    assert action is not None
    assert [t.question for t in action.triggers] == ["own-owner", "meas-kpi", "own-mandate"]
    assert action.gap == round((0.75 + 0.25 + 0.25) / 3, 3) == 0.417


@pytest.mark.parametrize("text, said", [
    ("x" * 70, "“" + "x" * 70 + "”"),  # exactly the room: kept whole
    ("word " * 14 + "w", "“" + ("word " * 13).strip() + " word…”"),  # 71 characters: cut at the last word
    ("a" * 60 + " bbbbbbb, cccccccccc", "“" + "a" * 60 + " bbbbbbb…”"),  # the comma before the cut goes
    ("a" * 60 + " CRM-X cccccccccc", "“" + "a" * 60 + " CRM-X…”"),  # only punctuation goes, not letters
])
def test_a_quoted_question_is_cut_at_a_word_with_an_ellipsis(text: str, said: str) -> None:
    assert _said(text) == said


def people(*rows: tuple[str, str, str]) -> list[RespondentSummary]:
    return [RespondentSummary(name, role, dept, 1, 1, 0) for name, role, dept in rows]


def test_owner_roles_match_whole_words_ignoring_commas() -> None:
    room = people(("Ann", "Head of marketing, Benelux", "Marketing"), ("Bob", "Head of marketing", "Marketing"))
    assert owner_for("Head of marketing", room) == "Head of marketing (Ann, Bob)"
    assert owner_for("Head of sales, marketing", people(("Ann", "Head of marketing, sales", "Sales"))) == (
        "Head of sales, marketing (Ann)")


def test_a_senior_role_is_suggested_only_to_someone_senior_and_a_junior_one_to_anyone() -> None:
    room = people(("Kim", "Manager, key accounts", "Sales"), ("Lou", "Account executive", "Sales"))
    assert owner_for("Sales director", room) == "Sales director (suggested: Kim, Manager, key accounts)"
    assert owner_for("Sales analyst", room) == (
        "Sales analyst (suggested: Kim, Manager, key accounts; Lou, Account executive)")


def test_a_stage_variant_skipped_without_a_stage_does_not_stop_the_rules_after_it() -> None:
    base = probe_rule(Q, {"index": True, "below": 101})
    variant = probe_rule(Q, {"index": True, "below": 101}, rid="probe-live", variant_of="probe", stages=["live"])
    q = Q.model_copy(update={"rules": [variant, base]})
    card = score(q, assessment(q, {"Ana": everything(q, 2, ["sales"])}, ["sales"]))
    assert card.stage is None
    assert [a.rule for a in build_action_plan(q, card).actions] == ["probe"]


@pytest.mark.parametrize("stage, named, fired", [("live", "name-owner", "name-owner-live"),
                                                  ("before-selection", "name-owner-live", "name-owner")])
def test_after_naming_a_rule_or_its_stage_variant_waits_for_whichever_fired(stage: str, named: str,
                                                                             fired: str) -> None:
    # "second" ranks first on its own (high impact) and names one of the pair; only the other fires.
    lows = Q.rules[2].recommend.model_copy(update={"impact": "low"})
    second = probe_rule(Q, {"index": True, "below": 101}, rid="second", after=[named])
    owner = probe_rule(Q, {"index": True, "below": 101}, rid="name-owner", stages=["before-selection"],
                       recommend=lows)
    live = probe_rule(Q, {"index": True, "below": 101}, rid="name-owner-live", variant_of="name-owner",
                      stages=["live"], recommend=lows)
    q = Q.model_copy(update={"rules": [second, owner, live]})
    a = assessment(q, {"Ana": everything(q, 1, ["sales"])}, ["sales"])
    a.stage = stage  # type: ignore[assignment]
    card = score(q, a)
    assert [x.rule for x in build_action_plan(q, card).actions] == [fired, "second"]


def test_rules_that_name_each_other_in_after_are_each_placed_once() -> None:
    a = probe_rule(Q, {"index": True, "below": 101}, rid="a", after=["b"])
    b = probe_rule(Q, {"index": True, "below": 101}, rid="b", after=["a"])
    q = Q.model_copy(update={"rules": [a, b]})
    card = score(q, assessment(q, {"Ana": everything(q, 1, ["sales"])}, ["sales"]))
    assert sorted(x.rule for x in build_action_plan(q, card).actions) == ["a", "b"]


def _programme_blocker_questionnaire() -> Questionnaire:
    """Return mini with the strategy question capping at No-go: a programme blocker that binds."""
    item = Q.question("strat-agreed")
    assert item is not None and item.question.critical is not None
    return edit_question(Q, "strat-agreed", critical=item.question.critical.model_copy(update={"caps": "no-go"}))


@pytest.mark.parametrize("room, clears", [(2, True), (1, False)])
def test_a_sin_rule_clears_a_binding_programme_blocker_unless_one_person_says_so(room: int, clears: bool) -> None:
    q = _programme_blocker_questionnaire()
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME]["strat-agreed"] = 0
    respondents = {"Ana": ana, "Ben": ana} if room == 2 else {"Ana": ana}
    q = q.model_copy(update={"rules": [probe_rule(q, {"sin": "strategy", "risk": ["high"]})]})
    card = score(q, assessment(q, respondents, ["sales"]))
    assert card.verdict == "No-go" and card.blockers
    (action,) = build_action_plan(q, card).actions
    assert action.clears_blocker is clears


def _open_blocker_case(index_low: bool) -> tuple[Questionnaire, Scorecard]:
    q = Q.model_copy(update={"scoring": Q.scoring.model_copy(update={"dont_know": "exclude"})})
    q = q.model_copy(update={"rules": [
        probe_rule(q, {"question": "strat-agreed", "answer": "dont_know"}, rid="find-out"),
        probe_rule(q, {"question": "own-owner", "below": 1}, rid="name-owner", scope="process")]})
    ana = everything(q, 4, ["leads", "sales"])
    ana["leads"]["own-owner"] = 0  # a No-go blocker
    ana[PROGRAMME]["strat-agreed"] = "dont_know"  # critical, and nobody could answer it
    if index_low:
        ana["sales"]["meas-kpi"] = ana["leads"]["meas-kpi"] = ana["leads"]["leads-grading"] = 0
    return q, score(q, assessment(q, {"Ana": ana, "Ben": ana}, ["leads", "sales"]))


def test_with_go_in_reach_both_the_blocker_and_the_open_blocker_bind() -> None:
    from crmcheck.scoring import unblocked_verdict

    q, card = _open_blocker_case(index_low=False)
    assert unblocked_verdict(q, card) == "Go" and card.open_blockers and card.blockers
    clears = {a.rule: a.clears_blocker for a in build_action_plan(q, card).actions}
    assert clears == {"find-out": True, "name-owner": True}


def test_an_open_blocker_does_not_bind_when_the_index_keeps_go_out_of_reach() -> None:
    from crmcheck.scoring import unblocked_verdict

    q, card = _open_blocker_case(index_low=True)
    assert unblocked_verdict(q, card) != "Go" and card.open_blockers
    clears = {a.rule: a.clears_blocker for a in build_action_plan(q, card).actions}
    assert clears["find-out"] is False


def test_a_sin_at_no_risk_fires_a_low_risk_rule_with_no_gap() -> None:
    action, _ = fire({"sin": "strategy", "risk": ["low"]}, {"Ana": everything(Q, 4, ["sales"])}, ["sales"])
    assert action is not None
    assert action.triggers[0].text == "No CRM strategy: low risk (0)"
    assert (action.triggers[0].gap, action.priority) == (0.0, 0.0)


def test_a_disagreements_share_is_its_spread_over_the_scales_range_whatever_its_lowest_level() -> None:
    maturity = Q.scales["maturity"]
    one_to_five = maturity.model_copy(update={"levels": [lv.model_copy(update={"value": lv.value + 1})
                                                         for lv in maturity.levels]})
    q = Q.model_copy(update={"scales": {**Q.scales, "maturity": one_to_five}})
    ana = everything(q, 4, ["sales"])
    ben = everything(q, 4, ["sales"])
    ana["sales"]["meas-kpi"], ben["sales"]["meas-kpi"] = 5, 2  # 3 levels apart on a range of 4
    action, _ = fire({"disagreement": "any"}, {"Ana": ana, "Ben": ben}, ["sales"], scope="process", q=q)
    assert action is not None
    assert action.triggers[0].gap == pytest.approx(3 / 4 * 3 / 5)  # spread / range × importance / 5


@pytest.mark.parametrize("stages, clears", [(["implementing"], True), (None, False)])
def test_a_go_live_gate_on_one_persons_word_still_clears_its_blocker(stages: list[str] | None, clears: bool) -> None:
    # Compliance alone knows whether it signed the journeys off: a gate asked only while implementing
    # ranks with the blockers on one answer; the same No-go question asked at every stage does not.
    q = edit_question(_programme_blocker_questionnaire(), "strat-agreed", stages=stages)
    ana = everything(q, 4, ["sales"])
    ana[PROGRAMME]["strat-agreed"] = 0
    q = q.model_copy(update={"rules": [probe_rule(q, {"question": "strat-agreed", "below": 1}, rid="gate")]})
    a = dataclasses.replace(assessment(q, {"Ana": ana}, ["sales"]), stage="implementing")
    card = score(q, a)
    assert card.verdict == "No-go" and card.blockers
    (gate,) = build_action_plan(q, card).actions
    assert gate.clears_blocker is clears and gate.thin  # still marked as one respondent's word
