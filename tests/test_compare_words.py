"""compare() on small, exact cases: processes in and out of scope, sins and blockers that moved, stages and versions."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from builders import assessment, everything, mini

from crmcheck.errors import BadInputError
from crmcheck.history import Snapshot, compare, question_map, snapshot
from crmcheck.questionnaire import PROGRAMME, Questionnaire

Q = mini()


def snap(respondents: dict[str, Any], processes: list[str], label: str, q: Questionnaire = Q,
         **changes: Any) -> Snapshot:
    a = dataclasses.replace(assessment(q, respondents, processes), label=label, **changes)
    return snapshot(q, a)


def test_processes_that_left_or_joined_the_scope_are_kept_and_named() -> None:
    before = snap({"Ana": everything(Q, 2, ["leads", "sales"])}, ["leads", "sales"], "2026-Q3")
    after = snap({"Ana": everything(Q, 3, ["sales"])}, ["sales"], "2026-Q4")
    c = compare(before, after)
    leads_before = before.card.process("leads")
    assert leads_before is not None
    assert [(d.id, d.title, d.before, d.after) for d in c.processes] == [
        ("sales", "Sales", 50.0, 75.0), ("leads", "Lead management", leads_before.score, None)]
    assert "process 'Lead management' was in scope in 2026-Q3 but not in 2026-Q4" in c.not_compared
    back = compare(after, before)
    assert "process 'Lead management' is new in scope in 2026-Q3" in back.not_compared
    assert [(d.id, d.before) for d in back.processes] == [("leads", None), ("sales", 75.0)]


def test_sins_that_changed_risk_level_and_blockers_that_came_or_went_are_listed() -> None:
    ana = everything(Q, 4, ["sales"])
    ana[PROGRAMME]["strat-agreed"] = 4  # strategy: low risk
    ana[PROGRAMME]["data-single-view"] = 0  # data: high
    ana["sales"]["own-owner"] = 0  # a blocker in sales
    later = everything(Q, 4, ["sales"])
    later[PROGRAMME]["strat-agreed"] = 0  # strategy: high, and a blocker in the programme
    later[PROGRAMME]["data-single-view"] = 4  # data: low
    before = snap({"Ana": ana}, ["sales"], "2026-Q3")
    after = snap({"Ana": later}, ["sales"], "2026-Q4")
    c = compare(before, after)
    assert [(s.id, s.before, s.after, s.level_before, s.level_after) for s in c.sins] == [
        ("strategy", 100.0, 0.0, "low", "high"), ("data", 0.0, 100.0, "high", "low")]
    assert c.risks_appeared == ["No CRM strategy: low → high risk", "blocker: strat-agreed"]
    assert c.risks_resolved == ["No data integration: high → low risk", "blocker cleared: own-owner (sales)"]


def test_a_sin_that_moves_one_risk_level_is_listed() -> None:
    ana = everything(Q, 4, ["sales"])
    ana[PROGRAMME]["strat-agreed"] = 2  # risk 50: medium
    later = everything(Q, 4, ["sales"])
    later[PROGRAMME]["strat-agreed"] = 1  # risk 75: high
    c = compare(snap({"Ana": ana}, ["sales"], "Q3"), snap({"Ana": later}, ["sales"], "Q4"))
    assert c.risks_appeared == ["No CRM strategy: medium → high risk"]


def test_nothing_answered_cannot_be_compared() -> None:
    empty = snap({"Ana": {}}, ["sales"], "2027-Q1")
    full = snap({"Ana": everything(Q, 2, ["sales"])}, ["sales"], "2026-Q4")
    with pytest.raises(BadInputError) as err:
        compare(full, empty)
    assert str(err.value) == ("Acme/2027-Q1 is not assessed yet (nothing answered); there is nothing to compare. "
                              "Interview first: crmcheck interview --resume")


@pytest.mark.parametrize("stages, note", [
    ((None, "live"), "only one of the two assessments records the programme's stage (live); questions limited "
                     "to a stage may have been asked in one and not the other"),
    (("selecting", None), "only one of the two assessments records the programme's stage (selecting a system); "
                          "questions limited to a stage may have been asked in one and not the other"),
])
def test_a_stage_recorded_on_one_side_only_is_said(stages: tuple[str | None, str | None], note: str) -> None:
    before = snap({"Ana": everything(Q, 2, ["sales"])}, ["sales"], "Q3", stage=stages[0])
    after = snap({"Ana": everything(Q, 2, ["sales"])}, ["sales"], "Q4", stage=stages[1])
    assert note in compare(before, after).not_compared


def _version(q: Questionnaire, version: str, **changes: Any) -> Questionnaire:
    data = q.model_dump(by_alias=True)
    data["version"] = version
    data.update(changes)
    return Questionnaire.model_validate(data)


def test_versions_without_declared_changes_match_by_id_and_say_so() -> None:
    v2 = _version(Q, "2")
    mapping, notes = question_map(Q, v2)
    assert notes == ["mini@2 declares no changes from mini@1; questions are matched by id"]
    assert mapping == {qid: [qid] for qid in sorted(mapping)} and "own-owner" in mapping


def test_a_question_the_newer_version_dropped_is_named() -> None:
    crits = Q.model_dump(by_alias=True)["criteria"]
    crits[1]["questions"] = [dict(crits[1]["questions"][0], id="meas-figures")]  # meas-kpi renamed, undeclared
    v2 = _version(Q, "2", criteria=crits)
    mapping, notes = question_map(Q, v2)
    assert "meas-kpi" not in mapping and "meas-figures" not in mapping
    assert "question 'meas-kpi' of mini@1 is not in mini@2; not compared" in notes


def test_declared_renames_and_merges_carry_the_old_answers() -> None:
    crits = Q.model_dump(by_alias=True)["criteria"]
    crits[1]["questions"] = [dict(crits[1]["questions"][0], id="meas-figures")]
    crits[0]["questions"] = [dict(crits[0]["questions"][0], id="own-named")]  # own-owner + own-mandate merged
    v2 = _version(Q, "2", criteria=crits, changes={"previous": "1", "renamed": {"meas-kpi": "meas-figures"},
                                                   "merged": {"own-named": ["own-owner", "own-mandate"]}})
    mapping, notes = question_map(Q, v2)
    assert mapping["meas-figures"] == ["meas-kpi"]
    assert mapping["own-named"] == ["own-owner", "own-mandate"]
    assert not any("not in mini@2" in n for n in notes)


def test_different_questionnaires_are_matched_by_id_only_and_say_so() -> None:
    other = Questionnaire.model_validate({**Q.model_dump(by_alias=True), "id": "other"})
    _, notes = question_map(Q, other)
    assert notes[0] == "questionnaires differ (mini@1 vs other@1); answers are matched by question id only"
