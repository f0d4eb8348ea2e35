"""The action plan: which rules fire, how they are grouped, deduplicated and ranked."""

from __future__ import annotations

import pytest
from builders import assessment, everything, mini

from crmcheck.plan import HORIZONS, IMPACT, build_action_plan, owner_for
from crmcheck.questionnaire import PROGRAMME, Condition, Questionnaire
from crmcheck.scoring import RespondentSummary, score

Q = mini()


def plan_for(respondents, processes=None, importance=None):  # type: ignore[no-untyped-def]
    card = score(Q, assessment(Q, respondents, processes or ["leads", "sales"], importance))
    return build_action_plan(Q, card)


def test_all_max_fires_nothing() -> None:
    assert plan_for({"Ana": everything(Q, 4, ["leads", "sales"])}, ["leads", "sales"]).actions == []


def test_process_rule_fires_once_listing_every_process() -> None:
    answers = everything(Q, 4, ["leads", "sales"])
    answers["leads"]["own-owner"] = 1
    answers["sales"]["own-owner"] = 0
    plan = plan_for({"Ana": answers})
    (action,) = [a for a in plan.actions if a.rule == "name-owner"]
    # sales (importance 3, gap 1.0) and leads (importance 4, gap 0.75): 60 vs 60 before the
    # evidence factor (one respondent: 0.7) -> a tie on priority, so both listed, then by id.
    assert action.processes == ["leads", "sales"]
    assert action.priority == 42.0
    assert [t.process for t in action.triggers] == ["leads", "sales"]


def test_priority_is_gap_times_impact_times_importance_times_evidence() -> None:
    answers = everything(Q, 4, ["sales"])
    answers["sales"]["own-owner"] = 1  # gap 0.75, impact high (1), importance 5/5
    confirmed = plan_for({"Ana": answers, "Ben": answers}, ["sales"], {"sales": 5})
    (action,) = confirmed.actions
    assert action.rule == "name-owner"
    assert action.priority == pytest.approx(75.0)
    assert not action.thin
    alone = plan_for({"Ana": answers}, ["sales"], {"sales": 5})
    (action,) = alone.actions
    assert action.priority == pytest.approx(75.0 * 0.7)
    assert action.thin


@pytest.mark.parametrize(("alt", "priority"), [(None, 75.0), (2, 62.5), (0, 87.5)])
def test_a_hesitation_counts_half_its_step_in_the_priority(alt, priority) -> None:  # type: ignore[no-untyped-def]
    # "1 or 2" is not the whole gap of a 1, nor "1 or 0" only its gap: the midpoint of the two readings.
    from crmcheck.answers import Answer

    answers = everything(Q, 4, ["sales"])
    answers["sales"]["own-owner"] = Answer(level=1, alt=alt, basis="seen")  # seen: firm, factor 1
    (action,) = plan_for({"Ana": answers}, ["sales"], {"sales": 5}).actions
    assert action.priority == pytest.approx(priority)
    assert "1.0 (" in action.triggers[0].text, "the reason still quotes the level recorded"


def test_one_persons_zero_ranks_below_a_gap_the_room_confirms() -> None:
    q = Q.model_copy(update={"rules": [Q.rules[0]]})  # name-owner only
    ana = everything(q, 4, ["leads", "sales"])
    ben = everything(q, 4, ["leads", "sales"])
    ana["leads"]["own-owner"] = 0  # one person's 0 (Ben gave no answer there)
    del ben["leads"]["own-owner"]
    ana["sales"]["own-owner"] = 1  # both say 1
    ben["sales"]["own-owner"] = 1
    card = score(q, assessment(q, {"Ana": ana, "Ben": ben}, ["leads", "sales"], {"leads": 4, "sales": 4}))
    (action,) = build_action_plan(q, card).actions
    # leads: gap 1.0 x 0.7 = 0.7 of full; sales: gap 0.75 x 1.0 -> sales first.
    assert action.processes == ["sales", "leads"]


def test_programme_rule_weighs_like_the_most_important_process_in_scope() -> None:
    answers = everything(Q, 4, ["leads", "sales"])
    answers["leads"]["leads-grading"] = 0
    answers["leads"]["meas-kpi"] = 0
    answers["leads"]["own-mandate"] = 0
    plan = plan_for({"Ana": answers}, ["leads", "sales"], {"leads": 2, "sales": 5})
    (action,) = [a for a in plan.actions if a.rule == "grade-leads"]
    assert action.processes == ["leads"]
    # gaps: leads-grading 1.0, leads score 33.3 -> 0.667; mean 0.833; x high x 5/5 (sales, the
    # most important process in scope, not the named one's 2) x 0.7 (one respondent)
    assert action.priority == pytest.approx(83.33 * 0.7, abs=0.05)


def test_programme_rule_is_not_capped_below_process_rules() -> None:
    answers = everything(Q, 4, ["sales"])
    answers[PROGRAMME]["strat-agreed"] = 0
    answers[PROGRAMME]["strat-sponsor"] = 0
    answers["sales"]["own-owner"] = 1
    plan = plan_for({"Ana": answers, "Ben": answers}, ["sales"], {"sales": 5})
    by_rule = {a.rule: a for a in plan.actions}
    # strategy at risk 100 with impact high outranks a process gap of 0.75: 100 vs 75.
    assert by_rule["strategy-first"].priority == pytest.approx(100.0)
    assert [a.rule for a in plan.actions][:2] == ["strategy-first", "name-owner"]


def test_disagreement_rule_names_where_people_disagree() -> None:
    one = everything(Q, 4, ["sales"])
    two = everything(Q, 4, ["sales"])
    two[PROGRAMME]["strat-agreed"] = 1
    plan = plan_for({"Ana": one, "Ben": two}, ["sales"])
    (action,) = [a for a in plan.actions if a.rule == "settle-disagreement"]
    assert [t.text for t in action.triggers] == [
        "“Is there an agreed CRM strategy?” (programme): answers 3 levels apart"]


def test_supersedes_drops_the_narrower_rule_where_both_fire() -> None:
    broad = Q.rules[0].model_copy(update={
        "id": "fix-process", "when": Condition.model_validate({"process": "this", "below": 30}),
        "supersedes": ["name-owner"]})
    q = Q.model_copy(update={"rules": [*Q.rules, broad]})
    answers = everything(q, 4, ["leads", "sales"])
    answers["leads"] = {qid: 0 for qid in answers["leads"]}  # both rules fire for leads
    answers["sales"]["own-owner"] = 0  # only name-owner fires for sales (its score, 33, stays above 30)
    card = score(q, assessment(q, {"Ana": answers}, ["leads", "sales"]))
    by_rule = {a.rule: a for a in build_action_plan(q, card).actions}
    assert by_rule["fix-process"].processes == ["leads"]
    assert by_rule["name-owner"].processes == ["sales"]  # dropped for leads, kept for sales
    # Without the supersedes link both processes are listed.
    q2 = Q.model_copy(update={"rules": [*Q.rules, broad.model_copy(update={"supersedes": []})]})
    by_rule = {a.rule: a for a in build_action_plan(q2, score(q2, assessment(q2, {"Ana": answers},
                                                                             ["leads", "sales"]))).actions}
    assert sorted(by_rule["name-owner"].processes) == ["leads", "sales"]


def _tied(**rules: dict[str, object]) -> Questionnaire:
    """Return the mini questionnaire with programme rules that all fire with the same priority."""
    base = Q.rules[2]  # strategy-first: a programme rule
    out = []
    for rid, rec in rules.items():
        out.append(base.model_copy(update={
            "id": rid, "when": Condition.model_validate({"index": True, "below": 101}),
            "recommend": base.recommend.model_copy(update=rec)}))
    return Q.model_copy(update={"rules": out})


def test_equal_priority_breaks_ties_on_effort_then_horizon_then_id() -> None:
    q = _tied(**{"a-high-effort": {"effort": "high", "horizon": 30},
                 "b-low-later": {"effort": "low", "horizon": "later"},
                 "c-low-soon": {"effort": "low", "horizon": 30},
                 "d-low-soon": {"effort": "low", "horizon": 30}})
    answers = everything(q, 2, ["sales"])
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"])))
    assert len({a.priority for a in plan.actions}) == 1
    assert [a.rule for a in plan.actions] == ["c-low-soon", "d-low-soon", "b-low-later", "a-high-effort"]


def test_the_verdicts_own_action_comes_first_then_what_clears_a_blocker() -> None:
    q = _tied(**{"minor": {"impact": "high"}, "pause": {"impact": "low"}})
    q = q.model_copy(update={"rules": [
        q.rules[0], q.rules[1].model_copy(update={"leads_when": ["No-go"]}), Q.rules[0]]})
    answers = everything(q, 4, ["sales"])
    answers["sales"]["own-owner"] = 0  # the index alone would pass; the blocker makes it No-go
    card = score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"]))
    assert card.verdict == "No-go" and card.index >= 50
    plan = build_action_plan(q, card)
    assert [a.rule for a in plan.actions] == ["pause", "name-owner", "minor"]
    assert plan.actions[0].leads and plan.actions[1].clears_blocker
    # When the index is No-go anyway, clearing the blocker would not change the verdict: by priority.
    answers = everything(q, 0, ["sales"])
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"])))
    assert plan.actions[0].rule == "pause"
    assert not next(a for a in plan.actions if a.rule == "name-owner").clears_blocker
    # At Conditional the same rule has no claim to first place.
    answers = everything(q, 3, ["sales"])
    answers["sales"]["meas-kpi"] = 1
    card = score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"]))
    assert card.verdict != "No-go"
    assert [a.rule for a in build_action_plan(q, card).actions] == ["minor", "pause"]


def test_a_blocker_on_one_respondents_word_does_not_jump_the_queue() -> None:
    q = _tied(**{"minor": {"impact": "high"}})
    q = q.model_copy(update={"rules": [q.rules[0], Q.rules[0]]})
    answers = everything(q, 2, ["sales"])
    answers["sales"]["own-owner"] = 0  # a blocker, from Ana alone
    other = everything(q, 2, ["sales"])
    del other["sales"]["own-owner"]
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": other}, ["sales"])))
    by_rule = {a.rule: a for a in plan.actions}
    assert not by_rule["name-owner"].clears_blocker and by_rule["name-owner"].thin
    assert by_rule["minor"].priority > by_rule["name-owner"].priority
    assert [a.rule for a in plan.actions] == ["minor", "name-owner"]


def test_after_puts_the_prerequisite_first_whatever_the_priority() -> None:
    q = _tied(**{"automate": {"impact": "high"}, "strategy": {"impact": "low"}})
    q = q.model_copy(update={"rules": [q.rules[0].model_copy(update={"after": ["strategy"]}), q.rules[1]]})
    answers = everything(q, 1, ["sales"])
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers}, ["sales"])))
    assert plan.actions[0].priority < plan.actions[1].priority
    assert [a.rule for a in plan.actions] == ["strategy", "automate"]


def test_settling_disagreements_grows_with_their_number_and_importance() -> None:
    q = Q.model_copy(update={"rules": [Q.rules[3]]})  # settle-disagreement

    def priority(questions: list[str], importance: int) -> float:
        one = everything(q, 4, ["leads", "sales"])
        two = everything(q, 4, ["leads", "sales"])
        for qid in questions:
            two["sales"][qid] = 2
        card = score(q, assessment(q, {"Ana": one, "Ben": two}, ["leads", "sales"],
                                   {"leads": 5, "sales": importance}))
        (action,) = build_action_plan(q, card).actions
        return action.priority

    one, two, three = (priority(["own-owner"], 5), priority(["own-owner", "meas-kpi"], 5),
                       priority(["own-owner", "meas-kpi", "own-mandate"], 5))
    assert one < two < three
    assert priority(["own-owner"], 2) < one
    # one disagreement two levels apart on an importance-5 process: share 0.5 x medium 2/3
    assert one == pytest.approx(100 * 0.5 * (2 / 3), abs=0.05)


def test_owner_is_a_role_that_exists_or_is_to_be_named() -> None:
    people = [RespondentSummary("Maria Jensen", "Head of Sales", "Sales", 1, 1, 0),
              RespondentSummary("Tom Becker", "Marketing Manager", "Marketing", 1, 1, 0)]
    assert owner_for("Head of sales", people) == "Head of sales (Maria Jensen)"
    assert owner_for("Head of marketing", people) == "Head of marketing (suggested: Tom Becker, Marketing Manager)"
    assert owner_for("Executive sponsor", people) == "Executive sponsor (to be named)"
    assert owner_for("Head of sales with finance", people) == "Head of sales (Maria Jensen) with finance"
    # Another title for being in charge of the same thing is the same role; a manager or a wider remit is not.
    assert owner_for("Sales director", people) == "Sales director (Maria Jensen)"
    platform = [RespondentSummary("Hannah Whitcombe", "Head of CRM Platform", "Business Systems", 1, 1, 0),
                RespondentSummary("Lars Olsen", "IT Manager", "IT", 1, 1, 0),
                RespondentSummary("Ada Hill", "Director of Service Operations", "Service", 1, 1, 0)]
    assert owner_for("CRM platform owner with finance", platform) == \
        "CRM platform owner (Hannah Whitcombe) with finance"
    assert owner_for("IT director", platform) == "IT director (suggested: Lars Olsen, IT Manager)"
    assert owner_for("Head of service", platform) == \
        "Head of service (suggested: Ada Hill, Director of Service Operations)"
    assert owner_for("Process owner", platform) == "Process owner (to be named)"
    # A remit written in brackets after the title is read as words, not as "(crm" and "owner)".
    bracketed = [RespondentSummary("Ewan Mackie", "Head of Client Platforms (CRM platform owner)", "Ops", 1, 1, 0)]
    assert owner_for("CRM platform owner", bracketed) == "CRM platform owner (Ewan Mackie)"


def test_an_owner_is_matched_within_one_of_the_titles_a_respondent_holds() -> None:
    # A CFO who sponsors the programme is the sponsor, not the chief executive: "chief" and
    # "executive" come from two different titles (held-out chemicals maker, both raters).
    room = [RespondentSummary("Martina Vogel", "Chief Financial Officer, member of the management board, "
                              "executive sponsor of the CRM programme", "Finance", 1, 1, 0),
            RespondentSummary("Sabine Krüger", "Head of Sales Excellence and CRM programme lead", "Sales", 1, 1, 0)]
    assert owner_for("Chief executive", room) == "Chief executive (to be named)"
    assert owner_for("Executive sponsor", room) == "Executive sponsor (Martina Vogel)"
    # A programme lead is the project lead.
    assert owner_for("CRM project lead", room) == "CRM project lead (Sabine Krüger)"


def test_ranking_is_grouped_by_horizon_and_ignores_respondent_order() -> None:
    ana = everything(Q, 0, ["leads", "sales"])
    ben = everything(Q, 2, ["leads", "sales"])
    plan = plan_for({"Ana": ana, "Ben": ben})
    again = plan_for({"Ben": ben, "Ana": ana})
    assert [(a.rule, a.processes, a.priority) for a in again.actions] == [
        (a.rule, a.processes, a.priority) for a in plan.actions]
    groups = plan.by_horizon()
    assert list(groups) == list(HORIZONS)
    assert sum(len(v) for v in groups.values()) == len(plan.actions)
    assert all(a.horizon == h for h, acts in groups.items() for a in acts)


@pytest.mark.parametrize(("answer", "given", "text", "gap"), [
    ("dont_know", "dont_know", "“Is there an agreed CRM strategy?”: nobody knew", 1.0),
    ("unanswered", None, "“Is there an agreed CRM strategy?”: not answered yet", 0.5),
])
def test_a_rule_on_what_nobody_could_answer_says_so_and_weighs_it(answer, given, text, gap) -> None:  # type: ignore[no-untyped-def]
    base = Q.rules[2]
    rule = base.model_copy(update={"id": "find-out", "when": Condition.model_validate(
        {"question": "strat-agreed", "answer": answer})})
    q = Q.model_copy(update={"rules": [rule]})
    answers = everything(q, 3, ["sales"])
    if given is None:
        del answers[PROGRAMME]["strat-agreed"]
    else:
        answers[PROGRAMME]["strat-agreed"] = given
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["sales"])))
    (action,) = plan.actions
    assert [(t.text, t.gap, t.question) for t in action.triggers] == [(text, gap, "strat-agreed")]
    # The rule does not fire on an answer of the other kind.
    answers[PROGRAMME]["strat-agreed"] = 2
    assert not build_action_plan(q, score(q, assessment(q, {"Ana": answers}, ["sales"]))).actions


def test_a_rule_on_not_applicable_fires_only_on_na() -> None:
    base = Q.rules[0]  # a process rule; own-mandate is the question that allows N/A
    rule = base.model_copy(update={"id": "mandate-na", "scope": "process", "when": Condition.model_validate(
        {"question": "own-mandate", "answer": "na"})})
    q = Q.model_copy(update={"rules": [rule]})
    answers = everything(q, 3, ["sales"])
    answers["sales"]["own-mandate"] = "na"
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers}, ["sales"])))
    (action,) = plan.actions
    assert [(t.text, t.gap, t.process) for t in action.triggers] == [
        ("“Does the owner have a mandate?” in Sales: not applicable", 0.5, "sales")]


def test_a_rule_on_one_questions_disagreement_fires_only_where_that_question_is_split() -> None:
    rule = Q.rules[2].model_copy(update={"id": "settle-strategy", "when": Condition.model_validate(
        {"disagreement": "strat-agreed"})})
    q = Q.model_copy(update={"rules": [rule]})
    one = everything(q, 4, ["sales"])
    two = everything(q, 4, ["sales"])
    two["sales"]["meas-kpi"] = 1  # split elsewhere: not this rule's business
    assert not build_action_plan(q, score(q, assessment(q, {"Ana": one, "Ben": two}, ["sales"]))).actions
    two[PROGRAMME]["strat-agreed"] = 1
    (action,) = build_action_plan(q, score(q, assessment(q, {"Ana": one, "Ben": two}, ["sales"]))).actions
    (trigger,) = action.triggers
    assert trigger.text == "“Is there an agreed CRM strategy?” (programme): answers 3 levels apart"
    assert trigger.question == "strat-agreed" and trigger.pooled
    assert trigger.gap == pytest.approx(3 / 4 * q.scoring.programme_importance / 5)


def test_criterion_conditions_read_the_process_in_a_process_rule_and_all_processes_otherwise() -> None:
    per_process = Q.rules[0].model_copy(update={"id": "measure-it", "scope": "process", "when":
                                                Condition.model_validate({"criterion": "measures", "below": 50})})
    overall = Q.rules[2].model_copy(update={"id": "measure-all", "when":
                                            Condition.model_validate({"criterion": "measures", "below": 50})})
    q = Q.model_copy(update={"rules": [per_process, overall]})
    ana = everything(q, 3, ["leads", "sales"])
    ana["sales"]["meas-kpi"] = 0  # sales measures 0; leads measures 75
    card = score(q, assessment(q, {"Ana": ana, "Ben": ana}, ["leads", "sales"]))
    by_rule = {a.rule: a for a in build_action_plan(q, card).actions}
    assert by_rule["measure-it"].processes == ["sales"]
    assert [(t.text, t.process, t.support) for t in by_rule["measure-it"].triggers] == [
        ("Measures in Sales 0 (below 50)", "sales", 2.0)]
    overall_value = card.criteria["measures"]
    assert overall_value is not None and overall_value < 50
    assert [(t.text, t.process) for t in by_rule["measure-all"].triggers] == [
        (f"Measures across processes {overall_value:.0f} (below 50)", None)]


def _process_rules(**whens: dict[str, object]) -> Questionnaire:
    """Return the mini questionnaire with process rules like name-owner, one per condition."""
    base = Q.rules[0]  # name-owner: a process rule
    return Q.model_copy(update={"rules": [
        base.model_copy(update={"id": rid, "when": Condition.model_validate(when),
                                "recommend": base.recommend.model_copy(update={"title": rid})})
        for rid, when in whens.items()]})


def test_equal_priority_breaks_ties_on_the_worse_risk_before_effort_or_id() -> None:
    q = _process_rules(**{"a-kpi": {"question": "meas-kpi", "below": 2},
                          "b-owner": {"question": "own-owner", "below": 2}})
    leads, sales = everything(q, 3, ["leads"]), everything(q, 0, ["sales"])
    leads["leads"]["meas-kpi"] = 1  # a-kpi fires for leads, a process otherwise at 3
    sales["sales"].update({"own-owner": 1, "meas-kpi": 3})  # b-owner fires for sales, otherwise at 0
    answers = {**leads, "sales": sales["sales"]}
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["leads", "sales"],
                                                    {"leads": 3, "sales": 3})))
    assert [(a.rule, a.processes) for a in plan.actions] == [("b-owner", ["sales"]), ("a-kpi", ["leads"])]
    assert plan.actions[0].priority == plan.actions[1].priority
    assert plan.actions[0].stake > plan.actions[1].stake > 0


def test_the_first_five_hold_at_most_two_actions_about_one_process_alone() -> None:
    q = _process_rules(**{f"r{i}": {"question": "own-owner", "below": 2 + i / 10} for i in range(5)},
                       **{"s-leads": {"question": "meas-kpi", "below": 2}})
    answers = everything(q, 1, ["leads", "sales"])
    answers["leads"]["own-owner"] = 3  # r0-r4 fire for sales only; s-leads for leads and sales
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["leads", "sales"],
                                                    {"leads": 2, "sales": 5})))
    order = [a.rule for a in plan.actions]
    # All tie on priority and on the risk they address, so by id the five sales-only actions would
    # come first; the third onwards waits for the action that also reaches leads.
    assert len({(a.priority, a.stake) for a in plan.actions}) == 1
    assert order == ["r0", "r1", "s-leads", "r2", "r3", "r4"]


def test_a_programme_rule_that_fired_on_one_process_counts_as_that_process_in_the_first_five() -> None:
    # p-leads is a programme rule on a question only leads is asked: it is leads's work, so with two
    # leads actions above it, it waits as a process rule would, and z-sales, for another process,
    # takes its place. All four tie on priority, so without the spreading the order would be by id.
    q = _process_rules(**{"a-leads": {"question": "meas-kpi", "below": 2},
                          "b-leads": {"question": "own-owner", "below": 2},
                          "z-sales": {"question": "own-mandate", "below": 2}})
    prog = q.rules[0].model_copy(update={"id": "p-leads", "scope": "programme",
                                         "when": Condition.model_validate({"question": "leads-grading", "below": 2})})
    q = q.model_copy(update={"rules": [*q.rules, prog]})
    answers = everything(q, 3, ["leads", "sales"])
    answers["leads"].update({"meas-kpi": 1, "own-owner": 1, "leads-grading": 1})
    answers["sales"]["own-mandate"] = 1
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["leads", "sales"],
                                                    {"leads": 5, "sales": 5})))
    p_leads = next(a for a in plan.actions if a.rule == "p-leads")
    assert p_leads.scope == "programme" and p_leads.processes == ["leads"]
    assert len({a.priority for a in plan.actions}) == 1
    assert [a.rule for a in plan.actions] == ["a-leads", "b-leads", "z-sales", "p-leads"]


def test_a_programme_rule_on_one_process_s_own_question_weighs_that_process_s_importance() -> None:
    # p-leads tests only a question leads asks of itself: it is about leads (importance 2), not about
    # the programme, so it must not rank with sales's 5 (a campaign rule at 100 in a dealer whose
    # campaigns matter least).
    base = _process_rules(**{"a-leads": {"question": "meas-kpi", "below": 2}})
    when = Condition.model_validate({"question": "leads-grading", "below": 2})
    prog = base.rules[0].model_copy(update={"id": "p-leads", "scope": "programme", "when": when})
    q = base.model_copy(update={"rules": [prog]})
    answers = everything(q, 3, ["leads", "sales"])
    answers["leads"]["leads-grading"] = 0
    plan = build_action_plan(q, score(q, assessment(q, {"Ana": answers, "Ben": answers}, ["leads", "sales"],
                                                    {"leads": 2, "sales": 5})))
    (action,) = plan.actions
    # gap 1.0 x impact of the copied rule x 2/5 x 1.0 (two respondents); at the programme's weight it was 5/5
    assert action.priority == pytest.approx(100 * IMPACT[prog.recommend.impact] * 2 / 5)
