"""The action plan: which rules fire, how they are grouped, deduplicated and ranked."""

from __future__ import annotations

import pytest
from builders import assessment, everything, mini

from crmcheck.plan import HORIZONS, build_action_plan
from crmcheck.questionnaire import PROGRAMME
from crmcheck.scoring import score

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
    # sales (importance 3, gap 1.0) outranks leads (importance 4, gap 0.75): 60 vs 60 -> tie on
    # priority, so both listed, highest first and then by id.
    assert action.processes == ["leads", "sales"]
    assert action.priority == 60.0
    assert [t.process for t in action.triggers] == ["leads", "sales"]


def test_priority_is_gap_times_impact_times_importance() -> None:
    answers = everything(Q, 4, ["sales"])
    answers["sales"]["own-owner"] = 1  # gap 0.75, impact high (1), importance 5/5
    plan = plan_for({"Ana": answers}, ["sales"], {"sales": 5})
    (action,) = plan.actions
    assert action.rule == "name-owner"
    assert action.priority == pytest.approx(75.0)


def test_programme_rule_uses_the_importance_of_the_process_it_names() -> None:
    answers = everything(Q, 4, ["leads"])
    answers["leads"]["leads-grading"] = 0
    answers["leads"]["meas-kpi"] = 0
    answers["leads"]["own-mandate"] = 0
    plan = plan_for({"Ana": answers}, ["leads"], {"leads": 2})
    (action,) = [a for a in plan.actions if a.rule == "grade-leads"]
    assert action.processes == ["leads"]
    # gaps: leads-grading 1.0, leads score 33.3 -> 0.667; mean 0.833; × high × 2/5
    assert action.priority == pytest.approx(33.3, abs=0.05)


def test_disagreement_rule_names_where_people_disagree() -> None:
    one = everything(Q, 4, ["sales"])
    two = everything(Q, 4, ["sales"])
    two[PROGRAMME]["strat-agreed"] = 1
    plan = plan_for({"Ana": one, "Ben": two}, ["sales"])
    (action,) = [a for a in plan.actions if a.rule == "settle-disagreement"]
    assert [t.text for t in action.triggers] == ["strat-agreed (programme): answers 3 levels apart"]


def test_supersedes_drops_the_narrower_rule() -> None:
    q = Q.model_copy(update={"rules": [
        Q.rules[0].model_copy(update={"supersedes": ["settle-disagreement"]}),
        *Q.rules[1:],
    ]})
    one = everything(q, 4, ["sales"])
    two = everything(q, 4, ["sales"])
    one["sales"]["own-owner"] = 0
    two["sales"]["own-owner"] = 3
    card = score(q, assessment(q, {"Ana": one, "Ben": two}, ["sales"]))
    fired = [a.rule for a in build_action_plan(q, card).actions]
    assert "name-owner" in fired
    # settle-disagreement fired for the programme, not for the 'sales' process, so it stays.
    assert "settle-disagreement" in fired


def test_ranking_is_deterministic_and_grouped_by_horizon() -> None:
    answers = everything(Q, 0, ["leads", "sales"])
    plan = plan_for({"Ana": answers})
    priorities = [a.priority for a in plan.actions]
    assert priorities == sorted(priorities, reverse=True)
    again = plan_for({"Ana": answers})
    assert [a.rule for a in again.actions] == [a.rule for a in plan.actions]
    groups = plan.by_horizon()
    assert list(groups) == list(HORIZONS)
    assert sum(len(v) for v in groups.values()) == len(plan.actions)
    assert all(a.horizon == h for h, acts in groups.items() for a in acts)


def test_equal_priority_breaks_ties_on_effort_then_horizon() -> None:
    from crmcheck.plan import _rank

    answers = everything(Q, 0, ["leads", "sales"])
    plan = plan_for({"Ana": answers})
    keys = [_rank(a) for a in plan.actions]
    assert keys == sorted(keys)
