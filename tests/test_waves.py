"""Roll-out waves: a process going live in a later wave cannot hold up the current one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from builders import DATA, assessment, everything, mini

from crmcheck.answers import load_answers, to_data
from crmcheck.errors import AnswersError
from crmcheck.findings import find
from crmcheck.scoring import score

Q = mini()


def waved(sales_wave: int | None, current: int | None = 1):  # type: ignore[no-untyped-def]
    """Leads fine; sales ownerless (own-owner 0 is a No-go blocker in mini.yaml)."""
    ana = everything(Q, 3, ["leads", "sales"])
    ana["sales"]["own-owner"] = 0
    a = assessment(Q, {"Ana": ana, "Ben": ana}, ["leads", "sales"])
    procs = [dataclasses.replace(p, wave=sales_wave if p.id == "sales" else 1) for p in a.processes]
    return dataclasses.replace(a, processes=procs, wave=current, stage="implementing")


def test_a_blocker_in_the_current_wave_caps_the_verdict() -> None:
    card = score(Q, waved(sales_wave=1))
    assert card.verdict == "No-go"
    assert [b.process for b in card.blockers] == ["sales"] and card.deferred_blockers == []


def test_a_blocker_in_a_later_wave_does_not_cap_it_but_is_reported_for_its_wave() -> None:
    card = score(Q, waved(sales_wave=2))
    assert card.blockers == [] and [b.process for b in card.deferred_blockers] == ["sales"]
    assert card.verdict != "No-go"
    reasons = find(Q, card).verdict_reasons
    assert any("does not hold up wave 1" in r and "before wave 2 goes live" in r for r in reasons), reasons


def test_without_a_current_wave_every_process_counts() -> None:
    card = score(Q, waved(sales_wave=2, current=None))
    assert card.verdict == "No-go" and card.deferred_blockers == []


def test_a_later_waves_process_is_scored_but_moves_neither_the_index_nor_the_plan() -> None:
    from crmcheck.plan import build_action_plan

    now, later = score(Q, waved(sales_wave=1)), score(Q, waved(sales_wave=2))
    assert now.process("sales").score == later.process("sales").score  # still scored and reported
    leads = later.process("leads").score
    assert later.sections["processes"] == pytest.approx(leads)  # this wave is leads alone
    assert now.sections["processes"] < later.sections["processes"] and now.index < later.index
    assert any("sales" in a.processes for a in build_action_plan(Q, now).actions)
    assert not any("sales" in a.processes for a in build_action_plan(Q, later).actions)
    # With no current wave recorded, every process is this go-live's.
    assert score(Q, waved(sales_wave=2, current=None)).index == now.index


def test_an_unanswered_critical_question_in_a_later_wave_is_not_an_open_blocker() -> None:
    ana = everything(Q, 3, ["leads", "sales"])
    del ana["sales"]["own-owner"]
    a = assessment(Q, {"Ana": ana}, ["leads", "sales"])
    later = dataclasses.replace(a, wave=1, processes=[dataclasses.replace(p, wave=2 if p.id == "sales" else 1)
                                                      for p in a.processes])
    assert any(o.process == "sales" for o in score(Q, a).open_blockers)
    card = score(Q, later)
    assert not any(o.process == "sales" for o in card.open_blockers)
    assert not any(g.process == "sales" for g in find(Q, card).open_blockers)


def test_waves_round_trip_through_an_answers_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    data = to_data(waved(sales_wave=2))
    assert data["wave"] == 1 and [p.get("wave") for p in data["processes"]] == [1, 2]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    back = load_answers(path, Q)
    assert back.wave == 1 and [p.wave for p in back.processes] == [1, 2]


def test_process_waves_without_the_current_wave_is_a_located_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (DATA / "mini-answers.yaml").read_text(encoding="utf-8")
    assert "{id: sales, importance: 5}" in text
    path = tmp_path / "a.yaml"
    path.write_text(text.replace("{id: sales, importance: 5}", "{id: sales, importance: 5, wave: 2}"),
                    encoding="utf-8")
    with pytest.raises(AnswersError) as err:
        load_answers(path, Q)
    assert err.value.problems == [f"{path}:1:1: wave: processes name their roll-out wave, but the file does not "
                                  "say which wave goes live next; add 'wave: 2' at the top"]


def test_the_store_keeps_the_waves(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from crmcheck.store import open_store

    store = open_store(str(tmp_path / "c.db"))
    aid = store.import_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), waved(sales_wave=2))
    back = store.load(str(aid)).assessment
    assert back.wave == 1 and {p.id: p.wave for p in back.processes} == {"leads": 1, "sales": 2}
    assert score(Q, back).deferred_blockers == score(Q, waved(sales_wave=2)).deferred_blockers


def test_history_across_stages_says_what_is_not_comparable() -> None:
    from crmcheck.history import compare, snapshot, trend

    ana = everything(Q, 3, ["leads", "sales"])
    before = dataclasses.replace(assessment(Q, {"Ana": ana}, ["leads", "sales"]), label="2026-Q3",
                                 date=dt.date(2026, 8, 1), stage="selecting")
    after = dataclasses.replace(assessment(Q, {"Ana": ana}, ["leads", "sales"]), stage="implementing")
    c = compare(snapshot(Q, before), snapshot(Q, after))
    note = next(n for n in c.not_compared if n.startswith("the programme moved"))
    assert note.startswith("the programme moved from selecting a system (2026-Q3) to implementing (2026-Q4); 0 "
                           "questions were asked at only one of the two stages")
    t = trend("Acme", [snapshot(Q, before), snapshot(Q, after)])
    assert [p.stage for p in t.points] == ["selecting", "implementing"]
    assert any(n.startswith("2026-Q4: the programme moved from selecting") for n in t.notes)


def test_a_rule_on_a_later_waves_own_questions_does_not_fire_for_this_wave() -> None:
    from crmcheck.plan import build_action_plan

    ana = everything(Q, 1, ["leads", "sales"])  # grade-leads fires on leads' own question and score
    a = assessment(Q, {"Ana": ana, "Ben": ana}, ["leads", "sales"])

    def leads_in(wave: int) -> list[str]:
        procs = [dataclasses.replace(p, wave=wave if p.id == "leads" else 1) for p in a.processes]
        card = score(Q, dataclasses.replace(a, processes=procs, wave=1, stage="implementing"))
        return [x.rule for x in build_action_plan(Q, card).actions]

    assert "grade-leads" in leads_in(1)
    assert "grade-leads" not in leads_in(2)
