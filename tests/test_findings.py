"""Findings: which risks are biggest, what blocks, what nobody could answer or was asked."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from builders import assessment, everything, mini

from crmcheck.answers import Answer
from crmcheck.findings import find, headline, stage_words
from crmcheck.questionnaire import PROGRAMME
from crmcheck.scoring import score

Q = mini()


def findings_for(respondents, processes=None, importance=None):  # type: ignore[no-untyped-def]
    card = score(Q, assessment(Q, respondents, processes or ["leads", "sales"], importance))
    return card, find(Q, card)


def test_a_weak_important_process_can_be_the_biggest_risk() -> None:
    ana = everything(Q, 3, ["leads", "sales"])
    ana["sales"] = {qid: 0 for qid in ana["sales"]} | {"own-owner": 1}
    _, f = findings_for({"Ana": ana, "Ben": ana}, importance={"sales": 5, "leads": 2})
    assert f.top_risks[0].key == "process:sales"
    assert f.top_risks[0].kind == "process"


def test_severity_is_size_times_weight_times_evidence() -> None:
    ana = everything(Q, 2, ["sales"])
    _, f = findings_for({"Ana": ana, "Ben": ana}, ["sales"], {"sales": 5})
    sales = next(r for r in f.risks if r.key == "process:sales")
    assert (sales.size, sales.weight, sales.severity) == (50.0, 1.0, 50.0)
    _, alone = findings_for({"Ana": ana}, ["sales"], {"sales": 5})
    sales = next(r for r in alone.risks if r.key == "process:sales")
    assert sales.severity == pytest.approx(35.0)
    assert sales.thin and "process:sales" in alone.thin_areas


def test_at_equal_size_what_the_room_confirms_ranks_above_one_answer() -> None:
    # strategy: both say 1; data: only Ana answers, 1. Same size (75), data weighs more (2 vs 1)
    # in the questionnaire, but one person's word: 0.7 of its severity.
    ana = everything(Q, 4, ["sales"])
    ben = everything(Q, 4, ["sales"])
    ana[PROGRAMME] = {"strat-agreed": 1, "data-single-view": 1}
    ben[PROGRAMME] = {"strat-agreed": 1}
    _, f = findings_for({"Ana": ana, "Ben": ben}, ["sales"])
    sins = [r for r in f.risks if r.kind == "sin"]
    strat = next(r for r in sins if r.id == "strategy")
    data = next(r for r in sins if r.id == "data")
    assert strat.size == data.size == 75.0
    assert data.thin and not strat.thin
    assert data.severity < strat.severity * (data.weight / strat.weight)


def test_equal_severity_breaks_on_weight_not_size_or_questionnaire_order() -> None:
    # sales (importance 4: weight 0.8) all at level 2: size 50, severity 40. The data sin
    # (weight 2 of a mean 1.5, x programme importance 4/5: 1.067) at 2 and 3: size 37.5,
    # severity 40. Equal severity: the heavier one ranks first, although it is smaller and
    # comes later in the questionnaire.
    ana = everything(Q, 2, ["sales"])
    ben = everything(Q, 2, ["sales"])
    ana[PROGRAMME] = {"strat-agreed": 4, "data-single-view": 2}
    ben[PROGRAMME] = {"strat-agreed": 4, "data-single-view": 3}
    _, f = findings_for({"Ana": ana, "Ben": ben}, ["sales"], {"sales": 4})
    assert [(r.key, r.severity) for r in f.risks] == [("sin:data", 40.0), ("process:sales", 40.0)]


@pytest.mark.parametrize(("importance", "programme"), [(5, 5), (2, 4)])  # at least programme_importance (4)
def test_a_sin_weighs_like_the_most_important_process_in_scope(importance: int, programme: int) -> None:
    # A programme-wide risk runs through every process, as a programme rule does in the plan: the
    # data sin (weight 2 of a mean 1.5) weighs 4/3 of the programme's weight, which is that of the
    # most important process, never less than the questionnaire's programme importance.
    ana = everything(Q, 2, ["sales"])
    _, f = findings_for({"Ana": ana, "Ben": ana}, ["sales"], {"sales": importance})
    data = next(r for r in f.risks if r.key == "sin:data")
    sales = next(r for r in f.risks if r.key == "process:sales")
    assert data.weight == pytest.approx(programme / 5 * 2 / 1.5)
    assert sales.weight == pytest.approx(importance / 5)


def test_dont_know_is_an_evidence_gap_and_drives_no_risk() -> None:
    ana = everything(Q, 4, ["sales"])
    ana[PROGRAMME]["data-single-view"] = "dont_know"
    card, f = findings_for({"Ana": ana, "Ben": ana}, ["sales"])
    assert card.sin("data").risk == 100  # the index still counts it at the lowest level
    assert all(r.id != "data" for r in f.risks)
    assert [(g.process, g.question) for g in f.evidence_gaps] == [(PROGRAMME, "data-single-view")]
    assert any("Nobody could answer 1 question" in s for s in f.verdict_reasons)


def test_unanswered_critical_question_is_an_open_blocker_that_stops_go() -> None:
    ana = everything(Q, 4, ["sales"])
    del ana["sales"]["own-owner"]  # critical, and nobody answered it
    card, f = findings_for({"Ana": ana}, ["sales"])
    assert card.index >= 70 and card.verdict == "Conditional"
    assert [(g.process, g.question) for g in f.open_blockers] == [("sales", "own-owner")]
    assert any(s.startswith("Open blocker:") and "cannot be Go until it is answered" in s
               for s in f.verdict_reasons)
    assert [(g.process, g.question) for g in f.not_covered] == [("sales", "own-owner")]


def test_dont_know_on_a_critical_question_is_an_open_blocker_not_a_no_go() -> None:
    ana = everything(Q, 4, ["sales"])
    ana["sales"]["own-owner"] = "dont_know"
    card, f = findings_for({"Ana": ana}, ["sales"])
    assert card.blockers == []
    assert card.verdict == "Conditional"
    assert [o.status for o in card.open_blockers] == ["dont_know"]
    assert "nobody could answer it" in " ".join(f.verdict_reasons)


def test_a_blocker_makes_its_area_a_risk_of_at_least_its_cap() -> None:
    ana = everything(Q, 4, ["leads", "sales"])
    ana["sales"]["own-owner"] = 0  # caps No-go in mini
    _, f = findings_for({"Ana": ana, "Ben": ana}, importance={"sales": 5, "leads": 3})
    top = f.top_risks[0]
    assert top.key == "process:sales" and top.size == 100.0 and top.blockers
    # It ranks as a shortfall of 100, but what is printed is what its answers show: one of sales's
    # three questions at 0, the other two at the top.
    assert top.shortfall == 33.3


def test_coverage_says_what_was_covered_of_what() -> None:
    ana = everything(Q, 4, ["sales"])
    del ana[PROGRAMME]["strat-agreed"]
    card, f = findings_for({"Ana": ana}, ["sales"])
    asked = sum(1 for r in card.questions if r.status != "hidden")
    assert (f.coverage.asked, f.coverage.answered, f.coverage.not_covered) == (asked, asked - 1, 1)
    assert f.coverage_by_area["strategy"].not_covered == 1
    assert any(f"{asked - 1} of {asked} questions were answered" in s for s in f.verdict_reasons)


def with_answer(name: str, group: str, qid: str, ans: Answer, base: dict | None = None) -> dict:  # type: ignore[type-arg]
    """Return everything-at-4 answers for sales with one answer replaced."""
    out = base or everything(Q, 4, ["sales"])
    out[group][qid] = ans
    return out


def test_evidence_outweighs_a_claim_it_contradicts_even_one_level_apart() -> None:
    said = with_answer("Ana", "sales", "meas-kpi", Answer(level=3))
    shown = with_answer("Ben", "sales", "meas-kpi", Answer(level=2, basis="seen"))
    card, f = findings_for({"Ana": said, "Ben": shown}, ["sales"])
    res = card.result("sales", "meas-kpi")
    assert res is not None and res.value == 2.0 and res.spread == 1
    assert res.contradiction and res.disagreement
    assert [(r.process, r.question) for r in f.contradictions] == [("sales", "meas-kpi")]
    assert any("1 claim is contradicted by evidence" in s for s in f.verdict_reasons)
    # A lower level said beside the evidence stays: a document cannot show the gaps someone lives with.
    lower = with_answer("Ana", "sales", "meas-kpi", Answer(level=1))
    card, f = findings_for({"Ana": lower, "Ben": shown}, ["sales"])
    res = card.result("sales", "meas-kpi")
    assert res is not None and res.value == 1.5 and not res.contradiction and f.contradictions == []
    # Seen and said agreeing is no contradiction; the mean counts both.
    agree = with_answer("Ben", "sales", "meas-kpi", Answer(level=3, basis="measured"))
    card, f = findings_for({"Ana": said, "Ben": agree}, ["sales"])
    res = card.result("sales", "meas-kpi")
    assert res is not None and not res.contradiction and f.contradictions == []


def test_answers_between_two_levels_give_a_range_and_say_whether_the_verdict_holds() -> None:
    ana = everything(Q, 3, ["sales"])
    _, f = findings_for({"Ana": ana}, ["sales"])
    assert f.uncertainty is None  # no hesitation recorded
    # Every sales answer 3 or 2; the sins stay at 3. Read high: index 75, Go. Read low: sales 50,
    # programme 75 -> (3 x 50 + 2 x 75) / 5 = 60, Conditional.
    hesitant = everything(Q, 3, ["sales"])
    for qid in list(hesitant["sales"]):
        hesitant["sales"][qid] = Answer(level=3, alt=2)
    a = assessment(Q, {"Ana": hesitant}, ["sales"])
    card = score(Q, a)
    f = find(Q, card, a)
    assert f.uncertainty is not None
    u = f.uncertainty
    assert (u.low.index, u.low.verdict, u.high.index, u.high.verdict) == (60.0, "Conditional", 75.0, "Go")
    assert card.verdict == "Go" and not u.holds
    assert u.ranges == {"process:sales": (50.0, 75.0)}
    n = len(hesitant["sales"])
    assert f.verdict_reasons[1] == (f"Conditional or Go: {n} answers recorded between two levels decide it "
                                    "(the index runs from 60.0 to 75.0); confirm them before the verdict is used.")
    # One hesitation upwards on a sin: Go either way, and the summary says so.
    firm = everything(Q, 3, ["sales"])
    firm[PROGRAMME]["strat-agreed"] = Answer(level=3, alt=4)
    a = assessment(Q, {"Ana": firm}, ["sales"])
    f = find(Q, score(Q, a), a)
    assert f.uncertainty is not None and f.uncertainty.holds
    assert f.verdict_reasons[1].startswith("Go in every reading: with the one answer recorded between two levels")


def test_not_applicable_from_someone_who_knows_outweighs_dont_know() -> None:
    ana = with_answer("Ana", "sales", "own-mandate", Answer(kind="na", reason="no mandate needed"))
    ben = with_answer("Ben", "sales", "own-mandate", Answer(kind="dont_know"))
    card, f = findings_for({"Ana": ana, "Ben": ben}, ["sales"])
    res = card.result("sales", "own-mandate")
    assert res is not None and res.status == "na" and f.evidence_gaps == []


def test_a_level_shown_is_as_firm_as_the_room_confirming_it() -> None:
    said = everything(Q, 2, ["sales"])
    _, alone = findings_for({"Ana": said}, ["sales"], {"sales": 5})
    shown = {g: {qid: Answer(level=2, basis="seen") for qid in qs} for g, qs in said.items()}
    _, evidenced = findings_for({"Ana": shown}, ["sales"], {"sales": 5})
    one = next(r for r in alone.risks if r.key == "process:sales")
    firm = next(r for r in evidenced.risks if r.key == "process:sales")
    assert one.thin and not firm.thin
    assert (one.severity, firm.severity) == (35.0, 50.0)


@pytest.mark.parametrize(("stage", "go_live", "words"), [
    (None, None, None),
    ("before-selection", None, "Before selection"),
    ("selecting", None, "Selecting a system"),
    ("implementing", dt.date(2027, 3, 1), "Implementing, go-live 1 March 2027"),
    ("live", dt.date(2026, 3, 9), "Live since 9 March 2026"),
    ("live", None, "Live"),
], ids=["none", "before", "selecting", "implementing", "live", "live-undated"])
def test_stage_in_words(stage: str | None, go_live: dt.date | None, words: str | None) -> None:
    assert stage_words(stage, go_live) == words


@pytest.mark.parametrize(("stage", "verdict", "sentence"), [
    (None, "Go", "is ready to proceed with CRM"),
    ("before-selection", "No-go", "is not ready to start selecting a CRM system"),
    ("before-selection", "Conditional", "can start selecting a CRM system once the first actions below are done"),
    ("selecting", "No-go", "is not ready to choose a CRM system until the gaps below are closed"),
    ("implementing", "Go", "is ready to go live"),
    ("implementing", "Conditional", "can go live only once the first actions below are done"),
    ("live", "Conditional", "runs its CRM on foundations that need the repairs below"),
    ("live", "No-go", "is not getting what it should from its CRM until the foundations below are repaired"),
])
def test_the_headline_speaks_for_the_stage(stage: str | None, verdict: str, sentence: str) -> None:
    card = score(Q, assessment(Q, {"Ana": everything(Q, 2, ["sales"])}, ["sales"]))
    card = dataclasses.replace(card, stage=stage, verdict=verdict, blockers=[])
    assert headline(card) == f"Acme {sentence}: readiness index {card.index:.1f} of 100 ({card.band})."


def test_evidence_in_words() -> None:
    ana = everything(Q, 2, ["sales"])
    ana["sales"]["meas-kpi"] = "dont_know"
    _, f = findings_for({"Ana": ana, "Ben": everything(Q, 2, ["sales"])}, ["sales"])
    sales = next(r for r in f.risks if r.key == "process:sales")
    assert sales.evidence.words() == "5 answers from 2 respondents"
    _, alone = findings_for({"Ana": ana}, ["sales"])
    sales = next(r for r in alone.risks if r.key == "process:sales")
    assert sales.evidence.words() == "2 answers from one respondent; 1 question nobody could answer"


# ---------------------------------------------------------------- the verdict's reasons, word for word


def _dated(card, stage, go_live):  # type: ignore[no-untyped-def]
    return dataclasses.replace(card, stage=stage, go_live=go_live)


@pytest.mark.parametrize(("stage", "go_live", "expected"), [
    ("before-selection", dt.date(2026, 12, 20),
     "The planned go-live (2026-12-20) is 1 month away, but no system has been selected yet: selecting and "
     "implementing a CRM takes at least 9 months from here, so the date is not credible and should be reset."),
    ("selecting", dt.date(2027, 3, 20),
     "The planned go-live (2027-03-20) is 4 months away, but no system has been chosen yet: selecting and "
     "implementing a CRM takes at least 6 months from here, so the date is not credible and should be reset."),
    ("before-selection", dt.date(2026, 10, 1),
     "The planned go-live (2026-10-01) has passed, but no system has been selected yet: selecting and "
     "implementing a CRM takes at least 9 months from here, so the date is not credible and should be reset."),
    ("before-selection", dt.date(2026, 12, 10),
     "The planned go-live (2026-12-10) is less than a month away, but no system has been selected yet: "
     "selecting and implementing a CRM takes at least 9 months from here, so the date is not credible and "
     "should be reset."),
    ("before-selection", dt.date(2027, 8, 20), None),  # 9 months: possible
    ("selecting", dt.date(2027, 5, 21), None),  # 6 months
    ("implementing", dt.date(2026, 12, 1), None),  # the system is chosen; the gates judge the date
    ("live", dt.date(2025, 1, 1), None),
    ("before-selection", None, None),
])
def test_a_go_live_the_stage_cannot_reach_is_said_in_the_reasons(stage, go_live, expected) -> None:  # type: ignore[no-untyped-def]
    ana = everything(Q, 3, ["sales"])
    card = _dated(score(Q, assessment(Q, {"Ana": ana, "Ben": ana}, ["sales"])), stage, go_live)
    reasons = find(Q, card).verdict_reasons
    timetable = [r for r in reasons if r.startswith("The planned go-live")]
    assert timetable == ([expected] if expected else [])
    if expected:
        assert reasons.index(expected) == 1  # right after the index sentence


def test_the_reasons_read_in_full_for_a_mixed_assessment() -> None:
    ana = everything(Q, 2, ["leads", "sales"])
    ben = everything(Q, 2, ["leads", "sales"])
    ana["sales"]["own-owner"] = ben["sales"]["own-owner"] = 0  # a No-go blocker, both agree
    ana["leads"]["meas-kpi"] = 4  # two levels from Ben's 2: a disagreement
    ana[PROGRAMME]["data-single-view"] = "dont_know"
    ben[PROGRAMME]["data-single-view"] = "dont_know"  # nobody could answer it
    ana[PROGRAMME]["strat-agreed"] = 3
    ben[PROGRAMME]["strat-agreed"] = Answer(level=1, basis="seen")  # the evidence contradicts Ana's 3
    del ana["leads"]["leads-grading"], ben["leads"]["leads-grading"]  # not covered
    card = score(Q, assessment(Q, {"Ana": ana, "Ben": ben}, ["leads", "sales"]))
    assert find(Q, card).verdict_reasons == [
        f"Index {card.index:.1f} is below Conditional (45).",
        "Blocker: “Is there a named owner?” (Sales) is at 0.0, below 1; it caps the verdict at No-go, where the "
        "scores alone already put it.",
        "7 of 8 questions were answered (88%); 1 nobody was asked or answered.",
        "1 claim is contradicted by evidence shown or measured; the evidence counts, the claim does not.",
        "Besides those claims, respondents disagree by 2 levels or more on 1 other question: the processes "
        "concerned are seen differently "
        "across departments.",
        "Nobody could answer 1 question; it counts at the lowest level in the index until someone can vouch "
        "for it, but drives no risk.",
    ]


def test_the_uncertainty_lists_each_hesitation_by_who_where_and_which_levels() -> None:
    from crmcheck.findings import Hesitation

    ana = everything(Q, 2, ["sales"])
    ana["sales"]["meas-kpi"] = Answer(level=2, alt=3)
    ben = everything(Q, 2, ["sales"])
    ben[PROGRAMME]["strat-agreed"] = Answer(level=1, alt=0)
    a = assessment(Q, {"Ana": ana, "Ben": ben}, ["sales"])
    u = find(Q, score(Q, a), a).uncertainty
    assert u is not None
    assert u.hesitations == [Hesitation("Ana", "sales", "meas-kpi", 2, 3),
                             Hesitation("Ben", PROGRAMME, "strat-agreed", 1, 0)]
    assert u.low.index < score(Q, a).index < u.high.index


def test_the_terminal_names_the_evidence_behind_a_disagreement_and_marks_a_contradiction() -> None:
    from rich.console import Console

    from crmcheck.console import scorecard_renderable
    from crmcheck.plan import build_action_plan

    said = with_answer("Ana", "sales", "meas-kpi", Answer(level=3))
    said = with_answer("Ana", "sales", "own-owner", Answer(level=4), said)
    shown = with_answer("Ben", "sales", "meas-kpi", Answer(level=2, basis="seen"))
    shown = with_answer("Ben", "sales", "own-owner", Answer(level=2), shown)  # said against said, 2 apart
    card, f = findings_for({"Ana": said, "Ben": shown}, ["sales"])
    console = Console(width=200, record=True, no_color=True)
    console.print(scorecard_renderable(Q, card, build_action_plan(Q, card), f))
    out = console.export_text()
    lines = {line.split("·", 1)[1].strip() for line in out.splitlines() if line.lstrip().startswith("• Sales ·")}
    kpi = next(x for x in lines if "Ana 3" in x)
    owner = next(x for x in lines if "Ana 4" in x)
    assert kpi.endswith("Ana 3, Ben 2 (seen) — a claim the evidence contradicts")
    assert owner.endswith("Ana 4, Ben 2")  # a plain disagreement: no basis to name, nothing contradicted
    assert "Besides those claims, respondents disagree by 2 levels or more on 1 other question" in out


def test_a_blockers_reason_says_whether_it_holds_the_verdict_down() -> None:
    def blocker_lines(value: int) -> list[str]:
        ana = everything(Q, value, ["leads", "sales"])
        ana[PROGRAMME]["strat-agreed"] = 0  # caps at Conditional
        ana["sales"]["own-owner"] = 0  # caps at No-go
        _, f = findings_for({"Ana": ana, "Ben": ana})
        return [r.split("; ", 1)[1] for r in f.verdict_reasons if r.startswith("Blocker:")]

    # A strong index: the No-go cap decides; the Conditional one agrees with what the scores give.
    assert blocker_lines(4) == ["it caps the verdict at No-go.",
                                "it caps the verdict at Conditional, where the scores alone already put it."]
    # An index that is No-go on its own: the No-go cap agrees, the Conditional one changes nothing.
    assert blocker_lines(1) == ["it caps the verdict at No-go, where the scores alone already put it.",
                                "it would cap the verdict at Conditional; the scores alone already keep it lower."]


def test_a_process_ranks_by_its_weakest_criterion_as_well_as_its_average() -> None:
    # Sales is at 3 everywhere but measures, where it is at 0: the average hides the broken link,
    # so the risk is sized halfway between the process's shortfall and that of measures.
    ana = everything(Q, 3, ["sales"])
    card, _ = findings_for({"Ana": ana, "Ben": ana}, ["sales"], {"sales": 5})
    measures = [r.question for r in card.questions if r.process == "sales" and r.group == "measures"]
    assert measures
    ana["sales"] |= {qid: 0 for qid in measures}
    card, f = findings_for({"Ana": ana, "Ben": ana}, ["sales"], {"sales": 5})
    (sales,) = [p for p in card.processes if p.id == "sales"]
    risk = next(r for r in f.risks if r.key == "process:sales")
    assert sales.criteria["measures"] == 0 and not risk.blockers and risk.shortfall < 100
    assert risk.size == pytest.approx((risk.shortfall + 100) / 2, abs=0.1)
    assert risk.size > risk.shortfall
