"""The interview engine with a scripted prompter: order, show_if, back, skip, resume, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

from crmcheck.answers import Answer, ScopedProcess
from crmcheck.interview import Interview, QuestionView, Reply, current_quarter, plan_steps
from crmcheck.questionnaire import Questionnaire, load_questionnaire
from crmcheck.store import Store, open_store

DATA = Path(__file__).parent / "data"
SCOPE = [ScopedProcess("leads", "Lead management", 4), ScopedProcess("sales", "Sales", 5)]


class Script:
    """A prompter that replies from a list and records what it was shown."""

    def __init__(self, replies: Iterable[Reply | str | int]) -> None:
        self.replies = list(replies)
        self.shown: list[QuestionView] = []
        self.said: list[str] = []

    def ask(self, view: QuestionView) -> Reply:
        self.shown.append(view)
        if not self.replies:
            raise KeyboardInterrupt
        reply = self.replies.pop(0)
        if isinstance(reply, int):
            return Reply("level", level=reply)
        if isinstance(reply, str):
            return Reply(reply)  # type: ignore[arg-type]
        return reply

    def say(self, text: str) -> None:
        self.said.append(text)

    @property
    def asked(self) -> list[tuple[str, str]]:
        return [v.step.key for v in self.shown]


class Sink:
    """Collects saved answers like the store would."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], Answer] = {}

    def save_answer(self, rid: int, process: str, question: str, answer: Answer,
                    expected: Answer | None = None) -> Answer | None:
        self.saved[(process, question)] = answer
        return None

    def delete_answer(self, rid: int, process: str, question: str) -> None:
        self.saved.pop((process, question), None)

    def set_speaks_for(self, rid: int, processes: list[str] | None) -> None:
        self.speaks_for = processes


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire(DATA / "mini.yaml")


def interview(q: Questionnaire, script: Script, sink: Sink | Store, rid: int = 1,
              answers: dict[tuple[str, str], Answer] | None = None, **kw: object) -> Interview:
    ticks = iter(range(0, 10_000, 10))
    return Interview(q, SCOPE, script, sink, rid, answers, clock=lambda: float(next(ticks)),
                     now=lambda: dt.datetime(2026, 11, 23, 10, 0), **kw)  # type: ignore[arg-type]


ORDER = [("leads", "own-owner"), ("leads", "own-mandate"), ("leads", "meas-kpi"), ("leads", "leads-grading"),
         ("sales", "own-owner"), ("sales", "own-mandate"), ("sales", "meas-kpi"),
         ("programme", "strat-agreed"), ("programme", "data-single-view")]


def test_every_question_in_order_and_saved_as_given(q: Questionnaire) -> None:
    assert [s.key for s in plan_steps(q, SCOPE)] == ORDER
    script, sink = Script([3, 2, 1, 0, 2, 2, 3, 1, 0]), Sink()
    outcome = interview(q, script, sink).run()
    assert script.asked == ORDER
    assert outcome.complete and outcome.given == 9
    assert sink.saved[("leads", "own-owner")] == Answer(level=3, at=dt.datetime(2026, 11, 23, 10, 0))


def test_show_if_follows_the_answer_given_in_the_same_run(q: Questionnaire) -> None:
    script = Script([0, 1, 0, 2, 2, 3, 1, 0])  # own-owner 0 in leads hides own-mandate there
    interview(q, script, Sink()).run()
    assert ("leads", "own-mandate") not in script.asked
    assert ("sales", "own-mandate") in script.asked


def test_back_reasks_the_previous_question_with_its_answer(q: Questionnaire) -> None:
    sink = Sink()
    script = Script([3, 2, "back", 1, 4, 1, 0, 2, 2, 3, 1, 0])
    interview(q, script, sink).run()
    assert script.asked[:5] == [ORDER[0], ORDER[1], ORDER[2], ORDER[1], ORDER[2]]
    assert script.shown[3].current is not None and script.shown[3].current.level == 2
    assert not script.shown[0].can_go_back and script.shown[1].can_go_back
    assert sink.saved[("leads", "own-mandate")].level == 1


def test_skipped_questions_come_back_at_the_end_and_may_stay_open(q: Questionnaire) -> None:
    script, sink = Script([3, "skip", 1, 0, 2, 2, 3, 1, 0, "skip"]), Sink()
    outcome = interview(q, script, sink).run()
    assert script.asked[-1] == ORDER[1] and script.asked.count(ORDER[1]) == 2
    assert any("skipped" in s for s in script.said)
    assert not outcome.complete and [s.key for s in outcome.unanswered] == [ORDER[1]]


def test_dont_know_and_not_applicable_keep_reason_and_note(q: Questionnaire) -> None:
    sink = Sink()
    script = Script([Reply("dont_know", note="ask marketing"), Reply("na", reason="no mandate needed", note="n")])
    with pytest.raises(KeyboardInterrupt):
        interview(q, script, sink).run()
    assert ("leads", "own-mandate") not in sink.saved  # DK on own-owner hides it (show_if needs a level)
    assert sink.saved[("leads", "own-owner")].kind == "dont_know"
    assert sink.saved[("leads", "own-owner")].note == "ask marketing"
    na = sink.saved[("leads", "meas-kpi")]
    assert (na.kind, na.reason, na.note) == ("na", "no mandate needed", "n")


def test_basis_and_neighbouring_level_are_saved_and_ctrl_c_after_a_level_keeps_it(q: Questionnaire) -> None:
    sink = Sink()
    script = Script([Reply("level", level=3, basis="seen"), Reply("level", level=2, alt=1),
                     Reply("level", level=1, basis="said", interrupted=True), 4])
    with pytest.raises(KeyboardInterrupt):
        interview(q, script, sink).run()
    first, second, third = (sink.saved[k] for k in ORDER[:3])
    assert (first.level, first.basis, first.alt) == (3, "seen", None)
    assert (second.level, second.basis, second.alt) == (2, None, 1)
    assert (third.level, third.basis) == (1, None)  # said is the default and not stored
    assert ORDER[3] not in sink.saved and script.asked == ORDER[:3]


def test_interrupted_interview_resumes_at_the_first_unanswered_question(q: Questionnaire, store_url: str) -> None:
    store = open_store(store_url)
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), SCOPE)
    rid = store.add_respondent(aid, "Ana", "Head of Sales", "Sales")
    with pytest.raises(KeyboardInterrupt):
        interview(q, Script([3, 2, 1]), store, rid).run()
    saved = store.load(str(aid)).assessment.respondents[0].answers
    assert list(saved) == ORDER[:3]
    script = Script([0, 2, 2, 3, 1, 0])
    engine = interview(q, script, store, rid, saved)
    first = engine.first_unanswered()
    assert first is not None and first.key == ORDER[3]
    assert engine.run().complete and script.asked == ORDER[3:]
    assert len(store.load(str(aid)).assessment.respondents[0].answers) == 9


def test_progress_line_counts_visible_questions_and_estimates_time(q: Questionnaire) -> None:
    script = Script([3, 2, 1])
    with pytest.raises(KeyboardInterrupt):
        interview(q, script, Sink()).run()
    first, fourth = script.shown[0].progress, script.shown[3].progress
    assert (first.section, first.sections, first.position, first.total, first.answered) == (1, 3, 1, 9, 0)
    assert fourth.position == 4 and fourth.percent == 33
    assert fourth.seconds_left == 6 * 10  # six left at the measured ten seconds each
    assert fourth.line() == "Part 1 of 3 · question 4 of 9 · 33% done · about 1 min left"


def test_last_quarter_answers_are_shown_and_offered_with_prefill(q: Questionnaire) -> None:
    before = {("leads", "own-owner"): Answer(level=1, note="nobody really")}
    script = Script([2])
    with pytest.raises(KeyboardInterrupt):
        interview(q, script, Sink(), previous=before, prefill=True).run()
    view = script.shown[0]
    assert view.previous == before[("leads", "own-owner")] and view.prefill
    assert script.shown[1].previous is None


def test_context_names_the_process_and_criterion_or_the_sin(q: Questionnaire) -> None:
    script = Script([3, 2, 1, 0, 2, 2, 3, 1])
    with pytest.raises(KeyboardInterrupt):
        interview(q, script, Sink()).run()
    assert script.shown[0].context == "Lead management › Ownership"
    assert script.shown[7].context == "Programme › No CRM strategy"
    assert next(lv.label for lv in script.shown[0].levels) == "Absent"


@pytest.mark.parametrize(("day", "label"), [(dt.date(2026, 1, 1), "2026-Q1"), (dt.date(2026, 6, 30), "2026-Q2"),
                                            (dt.date(2026, 11, 23), "2026-Q4")])
def test_default_label_is_the_quarter(day: dt.date, label: str) -> None:
    assert current_quarter(day) == label


def test_one_key_skips_the_rest_of_a_process_for_this_person_and_it_is_not_asked_again(q: Questionnaire) -> None:
    # Leads: one answer, then "skip the rest"; sales untouched, then the programme.
    script, sink = Script([3, "skip-part", 2, 2, 3, 1, 0]), Sink()
    engine = interview(q, script, sink)
    outcome = engine.run()
    assert script.asked == [ORDER[0], ORDER[1], *ORDER[4:]]
    assert sink.speaks_for == ["leads", "sales"]  # leads keeps the answer given, nothing more is asked
    assert outcome.complete and outcome.unanswered == []
    assert "Lead management: not asked of this respondent any more." in script.said
    # Progress counts only what this person is still asked.
    assert script.shown[-1].progress.total == 1 + 3 + 2


def test_skipping_a_process_nothing_was_said_about_drops_it_from_what_the_person_speaks_for(
    q: Questionnaire,
) -> None:
    script, sink = Script(["skip-part", 2, 2, 3, 1, 0]), Sink()
    interview(q, script, sink).run()
    assert sink.speaks_for == ["sales"]


def test_a_respondent_who_speaks_for_one_process_is_not_counted_as_asked_about_the_others(q: Questionnaire) -> None:
    from builders import assessment, everything

    from crmcheck.scoring import score

    ana = everything(q, 3, ["leads", "sales"])
    ben = {"sales": dict(ana["sales"]), "programme": dict(ana["programme"])}
    a = assessment(q, {"Ana": ana, "Ben": ben}, ["leads", "sales"])
    a.respondents[1].speaks_for = ["sales"]
    card = score(q, a)
    ben_summary = next(r for r in card.respondents if r.name == "Ben")
    assert ben_summary.asked == ben_summary.answered == len(ben["sales"]) + len(ben["programme"])
    assert card.completeness == 1


def test_the_suggested_processes_follow_the_department() -> None:
    from crmcheck.cli.interview_cmd import suggested_processes

    scope = [ScopedProcess("lead-management", "Lead management", 4), ScopedProcess("campaigns", "Campaigns", 3),
             ScopedProcess("billing", "Billing", 3), ScopedProcess("dealers", "Dealers", 3, custom=True)]
    assert suggested_processes("Marketing", scope) == {"lead-management", "campaigns", "dealers"}
    assert suggested_processes("Finance", scope) == {"billing", "dealers"}
    assert suggested_processes("Legal", scope) == {"lead-management", "campaigns", "billing", "dealers"}
