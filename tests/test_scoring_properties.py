"""Properties of scoring a consultant relies on, checked with hypothesis.

Answers are generated the way an interview produces them: each respondent is asked only the
questions visible given their own earlier answers, and may skip, give a level, say "don't
know" (where allowed) or "not applicable" (where allowed).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

import pytest
from builders import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcheck.answers import Answer, Assessment, Respondent, ScopedProcess
from crmcheck.plan import build_action_plan
from crmcheck.questionnaire import PROGRAMME, Condition, Item, Questionnaire, load_questionnaire
from crmcheck.resources import default_questionnaire
from crmcheck.scoring import Scorecard, items_for, score, visible

QUESTIONNAIRES = {"mini": load_questionnaire(DATA / "mini.yaml")}
if default_questionnaire().exists():
    QUESTIONNAIRES["builtin"] = load_questionnaire(default_questionnaire())
NAMES = sorted(QUESTIONNAIRES)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _answer_for(draw: Any, q: Questionnaire, item: Item) -> Answer | None:
    qu = item.question
    choices: list[Any] = [None, *[lv.value for lv in q.scale_of(qu).levels]]
    if qu.allow_dont_know:
        choices.append("dont_know")
    if qu.allow_na:
        choices.append("na")
    pick = draw(st.sampled_from(choices))
    if pick is None:
        return None
    return Answer(level=pick) if isinstance(pick, int) else Answer(kind=pick)


@st.composite
def assessments(draw: Any, q: Questionnaire) -> Assessment:
    catalogue = [p.id for p in q.processes]
    chosen = draw(st.lists(st.sampled_from(catalogue), min_size=1, max_size=3, unique=True))
    custom = draw(st.booleans())
    scoped = [ScopedProcess(pid, pid, draw(st.integers(1, 5))) for pid in chosen]
    if custom:
        scoped.append(ScopedProcess("own-process", "Own process", draw(st.integers(1, 5)), custom=True))
    people = []
    for n in range(draw(st.integers(1, 3))):
        r = Respondent(f"R{n}", "Role", "Dept")
        groups: list[tuple[str, ScopedProcess | None]] = [(p.id, p) for p in scoped] + [(PROGRAMME, None)]
        for group, proc in groups:
            mine: dict[str, Answer] = {}
            for item in items_for(q, proc):
                if not visible(item, mine):
                    continue
                ans = _answer_for(draw, q, item)
                if ans is not None:
                    mine[item.question.id] = ans
                    r.answers[(group, item.question.id)] = ans
        people.append(r)
    return Assessment("Acme", "2026-Q4", dt.date(2026, 11, 20), q.ref, scoped, people)


def _scores(card: Scorecard) -> dict[str, float | None]:
    out: dict[str, float | None] = {"index": card.index}
    out |= {f"section:{k}": v for k, v in card.sections.items()}
    out |= {f"criterion:{k}": v for k, v in card.criteria.items()}
    for p in card.processes:
        out[f"process:{p.id}"] = p.score
        out |= {f"process:{p.id}:{k}": v for k, v in p.criteria.items()}
    out |= {f"sin:{s.id}": s.score for s in card.sins}
    return out


def _gates(q: Questionnaire) -> set[str]:
    """Return the ids of questions some show_if depends on."""
    found: set[str] = set()

    def walk(c: Condition) -> None:
        for sub in (c.all or []) + (c.any or []) + ([c.not_] if c.not_ else []):
            walk(sub)
        if c.question:
            found.add(c.question)

    for item in q.item_index.by_id.values():
        if item.question.show_if:
            walk(item.question.show_if)
    return found


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_raising_an_answer_never_lowers_any_score(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    a = data.draw(assessments(q))
    levels = [
        (i, key) for i, r in enumerate(a.respondents) for key, ans in r.answers.items()
        if ans.kind == "level" and ans.level is not None
        and ans.level < q.scale_of(q.question(key[1]).question).high  # type: ignore[union-attr]
    ]
    if not levels:
        return
    i, key = data.draw(st.sampled_from(levels))
    high = q.scale_of(q.question(key[1]).question).high  # type: ignore[union-attr]
    old = a.respondents[i].answers[key]
    assert old.level is not None
    new_level = data.draw(st.integers(old.level + 1, high))
    raised = _with_answer(a, i, key, Answer(level=new_level))
    before, after = _scores(score(q, a)), _scores(score(q, raised))
    for k, v in before.items():
        if v is not None:
            assert after[k] is not None and after[k] >= v - 1e-9, (k, v, after[k], key)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_na_on_one_question_leaves_the_others_alone(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    a = data.draw(assessments(q))
    gates = _gates(q)
    candidates = [
        (i, key) for i, r in enumerate(a.respondents) for key in r.answers
        if q.question(key[1]).question.allow_na and key[1] not in gates  # type: ignore[union-attr]
    ]
    if not candidates:
        return
    i, key = data.draw(st.sampled_from(candidates))
    changed = _with_answer(a, i, key, Answer(kind="na", reason="does not apply"))
    before = {(r.process, r.question): r for r in score(q, a).questions}
    after = {(r.process, r.question): r for r in score(q, changed).questions}
    for k, res in before.items():
        if k != key:
            assert (after[k].status, after[k].value, after[k].score) == (res.status, res.value, res.score)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_respondent_order_does_not_matter(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    a = data.draw(assessments(q))
    shuffled = list(a.respondents)
    random.Random(data.draw(st.integers(0, 1000))).shuffle(shuffled)
    one, two = score(q, a), score(q, replace(a, respondents=shuffled))
    assert _scores(one) == _scores(two)
    assert one.questions == two.questions
    assert (one.verdict, one.band, one.blockers) == (two.verdict, two.band, two.blockers)
    plan_one = [(x.rule, x.priority, x.processes) for x in build_action_plan(q, one).actions]
    plan_two = [(x.rule, x.priority, x.processes) for x in build_action_plan(q, two).actions]
    assert plan_one == plan_two


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_all_max_is_100_and_go_all_min_is_0_and_no_go(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    a = data.draw(assessments(q))
    for pick, index, verdict in (("high", 100.0, "Go"), ("low", 0.0, "No-go")):
        people = []
        for r in a.respondents:
            filled = Respondent(r.name, r.role, r.department)
            groups = [(p.id, p) for p in a.processes] + [(PROGRAMME, None)]
            for group, proc in groups:
                for item in items_for(q, proc):
                    scale = q.scale_of(item.question)
                    filled.answers[(group, item.question.id)] = Answer(level=getattr(scale, pick))
            people.append(filled)
        card = score(q, replace(a, respondents=people))
        assert (card.index, card.verdict) == (index, verdict)
        assert all(v in (index, None) for v in _scores(card).values())


def _with_answer(a: Assessment, i: int, key: tuple[str, str], ans: Answer) -> Assessment:
    people = []
    for n, r in enumerate(a.respondents):
        if n == i:
            r = Respondent(r.name, r.role, r.department, r.interviewer, {**r.answers, key: ans})
        people.append(r)
    return replace(a, respondents=people)
