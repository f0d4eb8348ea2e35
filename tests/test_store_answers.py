"""The store's answer path: what is written is what is read back, field by field.

Import, one saved answer, a deleted answer and a returned form each change exactly what they
name: the other answers, the respondents' and the assessment's status, the programme's stage and
the summary cache follow. Every test runs on SQLite and on PostgreSQL (``store_url``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from crmcheck import store as store_module
from crmcheck.answers import Answer, Assessment, Respondent
from crmcheck.assess import load_answers_file
from crmcheck.errors import BadInputError, NotFoundError
from crmcheck.resources import sample_answers
from crmcheck.store import Store, open_store, same_answer, summarise
from crmcheck.store_summary import summaries

SAMPLE = sample_answers()
QTEXT = (Path(SAMPLE).parents[1] / "crm-readiness.yaml").read_text(encoding="utf-8")
AT = dt.datetime(2026, 11, 20, 9, 30, 15)
FULL = Answer(level=3, note="audit shown", at=AT, basis="seen", alt=2)


def sample() -> Assessment:
    return load_answers_file(SAMPLE)[1]


def answers_of(store: Store, ref: str = "1") -> list[dict[tuple[str, str], Answer]]:
    return [r.answers for r in store.load(ref).assessment.respondents]


@pytest.fixture
def store(store_url: str) -> Store:
    s = open_store(store_url)
    s.import_assessment(QTEXT, sample())
    return s


def first_rid(store: Store) -> int:
    return store.respondents(1)[0].id


# ---------------------------------------------------------------- import


def test_import_keeps_stage_wave_interviewer_and_unfinished_interviews(store_url: str) -> None:
    a = sample()
    a.label, a.stage, a.go_live, a.wave = "2027-Q1", "implementing", dt.date(2027, 3, 1), 2
    a.respondents[0].interviewer = "Iris Interviewer"
    a.respondents[1].status = "in-progress"
    a.respondents[1].speaks_for = ["sales"]
    s = open_store(store_url)
    s.import_assessment(QTEXT, a)
    back = s.load("1")
    got = back.assessment
    assert (got.stage, got.go_live, got.wave) == ("implementing", dt.date(2027, 3, 1), 2)
    assert got.respondents[0].interviewer == "Iris Interviewer"
    assert [r.status for r in got.respondents] == [None, "in-progress"] + [None] * (len(a.respondents) - 2)
    assert got.respondents[1].speaks_for == ["sales"]
    assert back.status == "in-progress"
    assert [r.status for r in s.respondents(1)][:2] == ["complete", "in-progress"]
    assert [r.name for r in got.respondents] == [r.name for r in a.respondents]


def test_an_import_of_finished_interviews_is_complete_unless_told_otherwise(store: Store) -> None:
    assert store.load("1").status == "complete"
    assert {r.status for r in store.respondents(1)} == {"complete"}


def test_every_field_of_an_answer_survives_import(store_url: str) -> None:
    a = sample()
    first = a.respondents[0]
    key = next(iter(first.answers))
    first.answers[key] = FULL
    na_key = list(first.answers)[1]
    first.answers[na_key] = Answer(kind="na", reason="no such channel", at=AT)
    s = open_store(store_url)
    s.import_assessment(QTEXT, a)
    assert answers_of(s)[0][key] == FULL
    assert answers_of(s)[0][na_key] == Answer(kind="na", reason="no such channel", at=AT)
    assert answers_of(s) == [r.answers for r in a.respondents]


def test_a_second_import_is_refused_and_replace_keeps_the_id(store: Store) -> None:
    with pytest.raises(BadInputError) as err:
        store.import_assessment(QTEXT, sample())
    assert str(err.value) == (f"assessment 'Northwind Components/2026-Q4' already exists in {store.where} (id 1); "
                              "use --replace to overwrite it")
    changed = sample()
    del changed.respondents[1:]
    first = changed.respondents[0]
    key = next(iter(first.answers))
    first.answers = {key: FULL}
    assert store.import_assessment(QTEXT, changed, replace=True) == 1
    assert answers_of(store) == [{key: FULL}]
    assert [r.name for r in store.respondents(1)] == [first.name]


# ---------------------------------------------------------------- one answer


def test_a_saved_answer_replaces_every_field_and_nothing_else(store: Store) -> None:
    rid = first_rid(store)
    before = answers_of(store)
    key = next(iter(before[0]))
    store.save_answer(rid, *key, FULL)
    assert answers_of(store)[0][key] == FULL
    store.save_answer(rid, *key, Answer(kind="dont_know"))
    after = answers_of(store)
    assert after[0][key] == Answer(kind="dont_know")
    before[0][key] = Answer(kind="dont_know")
    assert after == before


def test_a_new_answer_is_added_in_interview_order(store: Store) -> None:
    rid = first_rid(store)
    stored = store.load("1")
    person = stored.assessment.respondents[0]
    order = stored.questionnaire.item_index.by_id
    missing = next((p.id, q) for p in stored.assessment.processes for q in order if (p.id, q) not in person.answers)
    store.save_answer(rid, *missing, Answer(level=1))
    keys = list(answers_of(store)[0])
    assert missing in keys
    assert keys == list(store.load("1").assessment.respondents[0].answers)
    positions = {p.id: i for i, p in enumerate(stored.assessment.processes)}
    ranks = [(positions.get(g, len(positions)), order[q].order if q in order else 1 << 30) for g, q in keys]
    assert ranks == sorted(ranks)


def test_saving_says_what_it_overwrote_only_when_that_was_not_what_the_caller_knew(store: Store) -> None:
    rid = first_rid(store)
    key, known = next(iter(answers_of(store)[0].items()))
    other_key = list(answers_of(store)[0])[1]
    assert store.save_answer(rid, *key, Answer(level=0)) is None  # no expectation given
    assert store.save_answer(rid, *key, Answer(level=1), Answer(level=0)) is None  # it was what we knew
    assert store.save_answer(rid, *key, Answer(level=2), known) == Answer(level=1)  # someone else wrote 1
    assert store.save_answer(rid, *key, Answer(level=3), None) == Answer(level=2)  # we thought it empty
    fresh = ("sales", "no-such-question-yet")
    assert store.save_answer(rid, *fresh, Answer(level=1), None) is None  # empty, as we thought
    assert answers_of(store)[0][other_key] != Answer(level=3)


def test_saving_for_a_deleted_respondent_says_so(store: Store) -> None:
    with pytest.raises(NotFoundError) as err:
        store.save_answer(999, "sales", "own-owner", Answer(level=1))
    assert str(err.value) == f"respondent 999 is no longer in {store.where} (was the assessment deleted?)"
    with pytest.raises(NotFoundError):
        store.save_form(999, {("sales", "own-owner"): Answer(level=1)}, sent=AT, returned=AT, questions=1,
                        answered=1, complete=True)


def test_an_answer_clears_the_cached_summary_and_touches_the_assessment(store: Store, store_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_now", lambda: "2031-01-02T03:04:05+00:00")
    assert summaries(store_url) is not None
    store.save_answer(first_rid(store), "sales", "own-owner", Answer(level=0))
    assert summaries(store_url) is None
    assert store.load("1").updated == dt.datetime.fromisoformat("2031-01-02T03:04:05+00:00")


def test_deleting_an_answer_removes_that_one_only(store: Store) -> None:
    people = answers_of(store)
    rid, other_rid = (r.id for r in store.respondents(1)[:2])
    key = next(k for k in people[0] if k in people[1])
    same_question_elsewhere = next((k for k in people[0] if k[1] == key[1] and k != key), None)
    store.delete_answer(rid, *key)
    after = answers_of(store)
    assert key not in after[0] and key in after[1]
    del people[0][key]
    assert after == people
    assert same_question_elsewhere is None or same_question_elsewhere in after[0]
    store.delete_answer(other_rid, *key)
    assert key not in answers_of(store)[1]
    with pytest.raises(NotFoundError):
        store.delete_answer(999, *key)


def test_same_answer_compares_every_field() -> None:
    base = FULL
    assert same_answer(None, None) and same_answer(base, dataclasses.replace(base, at=None))
    assert not same_answer(base, None) and not same_answer(None, base)
    for change in ({"level": 2}, {"kind": "dont_know"}, {"reason": "x"}, {"note": "other"}, {"basis": "said"},
                   {"alt": 4}):
        assert not same_answer(base, dataclasses.replace(base, **change)), change


# ---------------------------------------------------------------- a returned form


def test_a_returned_form_writes_its_answers_and_the_status(store: Store, store_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_now", lambda: "2031-01-02T03:04:05+00:00")
    rid = first_rid(store)
    sent, back = dt.datetime(2026, 11, 1, 8, 0), dt.datetime(2026, 11, 9, 17, 45, 12)
    store.record_form(rid, sent=sent, due=dt.date(2026, 11, 10), questions=12)
    key = next(iter(answers_of(store)[0]))
    store.save_form(rid, {key: FULL, ("sales", "goal-stated"): Answer(level=4)}, sent=sent, returned=back,
                    questions=12, answered=9, complete=False)
    got = answers_of(store)[0]
    assert got[key] == FULL and got[("sales", "goal-stated")] == Answer(level=4)
    [form] = store.forms(1)
    assert (form.respondent_id, form.sent, form.due, form.questions, form.returned, form.answered) == (
        rid, sent, dt.date(2026, 11, 10), 12, back, 9)
    assert [r.status for r in store.respondents(1)][:2] == ["in-progress", "complete"]
    stored = store.load("1")
    assert stored.status == "in-progress"
    assert stored.updated == dt.datetime.fromisoformat("2031-01-02T03:04:05+00:00")
    cached = summaries(store_url)
    assert cached is not None and cached[0].index == summarise(stored.questionnaire, stored.assessment)["index"]
    store.save_form(rid, {}, sent=sent, returned=back, questions=12, answered=12, complete=True)
    assert store.load("1").status == "complete"
    assert [f.answered for f in store.forms(1)] == [12]


def test_a_form_sent_from_another_store_is_recorded_on_return(store: Store) -> None:
    rid = first_rid(store)
    sent, back = dt.datetime(2026, 11, 1, 8, 0), dt.datetime(2026, 11, 2, 9, 0)
    store.save_form(rid, {}, sent=sent, returned=back, questions=7, answered=3, complete=True)
    [form] = store.forms(1)
    assert (form.sent, form.due, form.questions, form.returned, form.answered) == (sent, None, 7, back, 3)
    assert store.load("1").status == "complete"


def test_interview_order_puts_unknown_processes_and_questions_last() -> None:
    stored_q = load_answers_file(SAMPLE)[0]
    a = sample()
    person = Respondent("X", "r", "d", answers={("zz-custom", "own-owner"): Answer(level=1),
                                               ("sales", "zz-unknown"): Answer(level=1),
                                               ("sales", "meas-kpi"): Answer(level=2),
                                               (a.processes[0].id, "own-owner"): Answer(level=3)})
    store_module._interview_order(stored_q, a.processes, [person])
    keys = list(person.answers)
    sales_at = [p.id for p in a.processes].index("sales")
    assert keys[-1] == ("zz-custom", "own-owner")
    assert keys.index(("sales", "meas-kpi")) < keys.index(("sales", "zz-unknown"))
    if sales_at:
        assert keys[0] == (a.processes[0].id, "own-owner")


def test_a_damaged_value_names_itself_and_the_way_out(store: Store) -> None:
    from stores import execute

    from crmcheck.errors import StoreAccessError

    execute(store.url, "UPDATE assessments SET targets = '{not json' WHERE id = 1")
    with pytest.raises(StoreAccessError) as err:
        store.load("1")
    message = str(err.value)
    assert message.startswith(f"store {store.where}: assessment 1 holds a damaged value (")
    assert "Expecting property name" in message
    assert message.endswith("); restore the store from a backup, or delete the assessment: crmcheck delete 1")


def test_a_damaged_date_names_the_assessment(store: Store) -> None:
    from stores import execute

    from crmcheck.errors import StoreAccessError

    execute(store.url, "UPDATE assessments SET date = '20-11-2026' WHERE id = 1")
    with pytest.raises(StoreAccessError) as err:
        store.load("1")
    assert str(err.value) == (f"store {store.where}: assessment 1 holds a damaged date ('20-11-2026'); restore the "
                              "store from a backup, or delete the assessment: crmcheck delete 1")


def test_an_assessment_started_from_another_reads_back_its_origin_and_times(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_now", lambda: "2031-05-06T07:08:09")
    first = store.load("1")
    aid = store.create_assessment(QTEXT, first.assessment.client, "2027-Q1", dt.date(2027, 2, 1),
                                  first.assessment.processes, previous=1)
    later = store.load(str(aid))
    assert later.previous_id == 1 and first.previous_id is None
    assert later.created == later.updated == dt.datetime(2031, 5, 6, 7, 8, 9)
