"""Scorecard -> findings: the judgement a consultant defends in front of a board. Pure, no I/O.

A scorecard says how each process and sin scored; findings say what that means: which risks are
biggest, what blocks the verdict (including critical questions nobody answered), what nobody in
the room could answer, what nobody was asked, and why the verdict is what it is. Every finding
carries the evidence it rests on, so a report can say when one rests on a single answer.

Severity of a risk, the rule the ranking uses (README, Methodology); it orders risks, and a sin
weighted above the average can take it past 100:

    severity = size x weight x evidence

- **size** is the shortfall on what respondents actually gave levels for: 100 minus the score
  with "don't know" answers left out. A process's size is at least halfway between that and
  its weakest criterion's shortfall: one criterion far below the rest (hand-offs at 35 in a
  process otherwise at 75) is the risk, and the process's average hides it. What nobody could
  answer is an evidence gap, a finding of its own; it never drives a risk's size. An area
  holding a blocker has at least the size of its cap (No-go 100, Conditional 90): a blocker is
  a risk in its own right.
- **weight** is a process's importance / 5; for a sin, the programme's weight / 5 times the
  sin's weight relative to the mean sin weight at the stage. The programme's weight is that of
  the most important process in scope (at least ``scoring.programme_importance``), as for
  programme rules in the plan: a programme risk touches every process, so a sin of average
  weight is never ranked as if it mattered less than the processes it runs through.
- **evidence** is 0.7 when everything the area rests on comes from one respondent, and 1.0
  when two or more respondents speak to it (a level seen or measured counts as a second
  voice): at equal size, what the room confirms, or what was shown, ranks above one person's
  word. It counts people across the area, not per question: sins are asked of everyone and a
  process of those who run it, and a pattern across a process's questions from several
  people is confirmed even when each question had one voice.

Ties break on weight, then size, then title: never on questionnaire order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from crmcheck.answers import Assessment
from crmcheck.questionnaire import PROGRAMME, Questionnaire
from crmcheck.scoring import VERDICTS, Blocker, QuestionResult, Scorecard, backers, score, unblocked_verdict

RiskKind = Literal["sin", "process"]
CAP_SIZE = {"No-go": 100.0, "Conditional": 90.0}
# How the biggest risks are ordered, in the words every output prints above them (when there are two).
RISK_ORDER = "Ordered by severity: shortfall × weight × how many people confirm it."


def evidence_factor(support: float) -> float:
    """Return 0.7 for one respondent's word, 1.0 from two respondents (or one with evidence shown)."""
    return 0.7 + 0.3 * max(0.0, min(1.0, support - 1.0))


@dataclass(frozen=True)
class Evidence:
    """What a score or finding rests on: answers given, by how many people, and what is missing."""

    answers: int  # level answers behind it
    respondents: int  # distinct respondents who gave those levels
    questions: int  # question instances with at least one level
    dont_know: int  # question instances nobody could answer
    not_covered: int  # question instances nobody answered at all
    support: float  # respondents behind it, evidence shown counting as a second one (0 when none)

    @property
    def thin(self) -> bool:
        """Return whether this rests on one respondent's word (or on nothing)."""
        return self.support <= 1

    @property
    def factor(self) -> float:
        """Return the evidence factor of the severity."""
        return evidence_factor(self.support)

    def words(self) -> str:
        """Return the evidence in a few words, for a report line."""
        if not self.questions:
            return "no answer gives a level"
        who = "one respondent" if self.respondents == 1 else f"{self.respondents} respondents"
        out = f"{self.answers} answer{'s' if self.answers != 1 else ''} from {who}"
        if self.dont_know:
            out += f"; {self.dont_know} question{'s' if self.dont_know != 1 else ''} nobody could answer"
        return out


@dataclass(frozen=True)
class Risk:
    """A sin or a process ranked by severity, with what it rests on."""

    key: str  # "sin:<id>" or "process:<id>"
    kind: RiskKind
    id: str
    title: str
    size: float  # 0-100: what ranks; the shortfall (a process's raised toward its weakest link), at least a cap
    shortfall: float  # 0-100 shortfall on known evidence alone: what a report prints
    weight: float  # 0-1.x
    severity: float
    level: str | None  # the risk level of ``size``
    evidence: Evidence
    blockers: tuple[Blocker, ...] = ()

    @property
    def thin(self) -> bool:
        """Return whether the risk rests on one respondent's word."""
        return self.evidence.thin


@dataclass(frozen=True)
class Gap:
    """A question instance nobody could answer (evidence gap) or nobody answered (not covered)."""

    process: str  # process id or 'programme'
    question: str
    group: str  # criterion or sin id
    critical: bool


@dataclass(frozen=True)
class Coverage:
    """What was covered of what: question instances asked, answered, unanswerable, not covered."""

    asked: int
    answered: int  # with a level, don't know or N/A
    levels: int  # with at least one level
    dont_know: int
    not_covered: int

    @property
    def share(self) -> float:
        """Return the share of asked question instances with any answer."""
        return self.answered / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class Hesitation:
    """An answer the interviewer recorded as between two neighbouring levels."""

    respondent: str
    process: str  # process id or 'programme'
    question: str
    level: int
    alt: int


@dataclass(frozen=True)
class Reading:
    """The index, band and verdict with every hesitation read one way."""

    index: float
    band: str
    verdict: str


@dataclass(frozen=True)
class Uncertainty:
    """How far the result moves when every answer recorded between two levels goes either way."""

    low: Reading  # every hesitation read at the lower level
    high: Reading
    hesitations: list[Hesitation]
    ranges: dict[str, tuple[float, float]]  # risk key -> (lowest, highest) score, where they differ

    @property
    def holds(self) -> bool:
        """Return whether the verdict is the same in every reading."""
        return self.low.verdict == self.high.verdict


@dataclass(frozen=True)
class Findings:
    """The assessment's judgement, ready for every output format to present."""

    risks: list[Risk]  # every sin and process with a size above zero, most severe first
    open_blockers: list[Gap]  # critical questions nobody answered or could answer
    evidence_gaps: list[Gap]
    not_covered: list[Gap]
    disagreements: list[QuestionResult]  # widest first, then the more important area
    coverage: Coverage
    coverage_by_area: dict[str, Coverage]  # process id or sin id
    verdict_reasons: list[str]
    thin_areas: list[str] = field(default_factory=list)  # risk keys resting on one respondent
    contradictions: list[QuestionResult] = field(default_factory=list)  # seen or measured against said
    uncertainty: Uncertainty | None = None  # None when no answer was recorded between two levels
    headline: str = ""  # the one-sentence answer, in the words of the programme's stage ("" if not assessed)

    @property
    def top_risks(self) -> list[Risk]:
        """Return the three biggest risks."""
        return self.risks[:3]

    @property
    def risk_order(self) -> str | None:
        """Return how the biggest risks are ordered, in every output's words; None with fewer than two."""
        return RISK_ORDER if len(self.risks) > 1 else None


def _evidence(results: Iterable[QuestionResult]) -> Evidence:
    answers = questions = dk = uncovered = 0
    evidenced = False
    people: set[str] = set()
    for r in results:
        if r.status == "scored":
            givers = [n for n, a in r.answers.items() if a.kind == "level"]
            answers += len(givers)
            evidenced = evidenced or any(a.evidenced for a in r.answers.values() if a.kind == "level")
            people.update(givers)
            questions += 1
        elif r.status == "dont_know":
            dk += 1
        elif r.status == "unanswered":
            uncovered += 1
    return Evidence(answers, len(people), questions, dk, uncovered, backers(len(people), evidenced))


def _known_score(results: Iterable[QuestionResult]) -> float | None:
    """Return the weighted mean score (0-100) of the answers that give a level."""
    num = den = 0.0
    for r in results:
        if r.status == "scored" and r.score is not None:
            num += r.score * r.weight
            den += r.weight
    return num / den * 100 if den else None


def _level(q: Questionnaire, size: float) -> str:
    from crmcheck.scoring import band_for

    return band_for(q.scoring.risk_levels, round(size, 1))


def _coverage(results: Iterable[QuestionResult]) -> Coverage:
    """Return what was covered of the visible question instances ``results``."""
    rs = list(results)
    return Coverage(
        asked=len(rs),
        answered=sum(1 for r in rs if r.status != "unanswered"),
        levels=sum(1 for r in rs if r.status == "scored"),
        dont_know=sum(1 for r in rs if r.status == "dont_know"),
        not_covered=sum(1 for r in rs if r.status == "unanswered"),
    )


def _by_area(card: Scorecard) -> dict[str, list[QuestionResult]]:
    """Return the visible question instances per area: process id, or sin id for programme questions."""
    out: dict[str, list[QuestionResult]] = {}
    for r in card.questions:
        if r.status != "hidden":
            out.setdefault(r.group if r.process == PROGRAMME else r.process, []).append(r)
    return out


def programme_weight(q: Questionnaire, card: Scorecard) -> int:
    """Return the importance a programme-wide risk or rule carries: the top process's, at least the default."""
    return max([q.scoring.programme_importance, *(p.importance for p in card.processes)])


def rank_risks(q: Questionnaire, card: Scorecard,
               by_area: dict[str, list[QuestionResult]] | None = None) -> list[Risk]:
    """Return every sin and process with a size above zero, most severe first (ties on weight)."""
    if by_area is None:
        by_area = _by_area(card)
    blockers_in: dict[str, list[Blocker]] = {}
    for b in card.blockers:
        area = _sin_of(q, b.question) if b.process == PROGRAMME else b.process
        blockers_in.setdefault(area, []).append(b)

    risks: list[Risk] = []
    pi = programme_weight(q, card) / 5
    mean_sin_weight = sum(s.weight_at(card.stage) for s in q.sins) / len(q.sins)
    for sin, ss in zip(q.sins, card.sins, strict=True):
        rs = by_area.get(sin.id, [])
        risks.append(_risk(q, "sin", sin.id, ss.title, rs, pi * sin.weight_at(card.stage) / mean_sin_weight,
                           blockers_in.get(sin.id, [])))
    for ps in card.processes:
        rs = by_area.get(ps.id, [])
        risks.append(_risk(q, "process", ps.id, ps.title, rs, ps.importance / 5, blockers_in.get(ps.id, [])))
    risks = [r for r in risks if r.size > 0]
    risks.sort(key=lambda r: (-round(r.severity, 1), -r.weight, -r.size, r.title.casefold()))
    return risks


def find(q: Questionnaire, card: Scorecard, assessment: Assessment | None = None) -> Findings:
    """Return the findings of a scored assessment; with the assessment, also how firm they are."""
    visible = [r for r in card.questions if r.status != "hidden"]
    by_area = _by_area(card)
    risks = rank_risks(q, card, by_area)

    def gap(r: QuestionResult) -> Gap:
        item = q.question(r.question)
        return Gap(r.process, r.question, r.group, item is not None and item.question.critical is not None)

    gaps = [gap(r) for r in visible if r.status == "dont_know"]
    uncovered = [gap(r) for r in visible if r.status == "unanswered"]
    open_blockers = [g for g in gaps + uncovered if g.critical and not card.later_wave(g.process)]
    open_blockers.sort(key=lambda g: (g.process != PROGRAMME, g.process, g.question))
    importance = {ps.id: ps.importance for ps in card.processes}
    disagreements = sorted(
        card.disagreements,
        key=lambda r: (-(r.spread or 0), -importance.get(r.process, q.scoring.programme_importance)))
    coverage = _coverage(visible)
    uncertainty = None if assessment is None else _uncertainty(q, assessment)
    contradictions = [r for r in disagreements if r.contradiction]
    if card.assessed:
        reasons = _verdict_reasons(q, card, list(card.blockers), open_blockers, coverage, risks, contradictions,
                                   uncertainty)
    else:  # nothing answered: no verdict to explain, and nothing is open "until answered" but everything
        reasons = [f"Not assessed yet: none of the {coverage.asked} questions has been answered."]
        open_blockers, uncertainty = [], None
    return Findings(
        risks=risks,
        open_blockers=open_blockers,
        evidence_gaps=gaps,
        not_covered=uncovered,
        disagreements=disagreements,
        coverage=coverage,
        coverage_by_area={k: _coverage(v) for k, v in by_area.items()},
        verdict_reasons=reasons,
        thin_areas=[r.key for r in risks if r.thin],
        contradictions=contradictions,
        uncertainty=uncertainty,
        headline=headline(card) if card.assessed else "",
    )


# What each verdict means where the programme stands: "Go" before selection is not "Go" two
# years after go-live. None (stage not recorded) keeps the stage-neutral words.
VERDICT_WORDS: dict[str | None, dict[str, str]] = {
    None: {"Go": "is ready to proceed with CRM",
           "Conditional": "can proceed with CRM only once the first actions below are done",
           "No-go": "is not ready to roll out CRM yet"},
    "before-selection": {"Go": "is ready to start selecting a CRM system",
                         "Conditional": "can start selecting a CRM system once the first actions below are done",
                         "No-go": "is not ready to start selecting a CRM system"},
    "selecting": {"Go": "is ready to choose a CRM system against its own processes",
                  "Conditional": "can choose a CRM system only once the first actions below are done",
                  "No-go": "is not ready to choose a CRM system until the gaps below are closed"},
    "implementing": {"Go": "is ready to go live",
                     "Conditional": "can go live only once the first actions below are done",
                     "No-go": "is not ready to go live"},
    "live": {"Go": "runs its CRM on sound foundations",
             "Conditional": "runs its CRM on foundations that need the repairs below",
             "No-go": "is not getting what it should from its CRM until the foundations below are repaired"},
}


def stage_words(stage: str | None, go_live: dt.date | None = None) -> str | None:
    """Return where the programme stands in words ("live since 1 March 2026"), or None if not recorded."""
    if stage is None:
        return None
    words = {"before-selection": "Before selection", "selecting": "Selecting a system",
             "implementing": "Implementing", "live": "Live"}.get(stage, stage)
    if go_live is not None:
        when = f"{go_live.day} {go_live:%B %Y}"
        words += f" since {when}" if stage == "live" else f", go-live {when}"
    return words


def headline(card: Scorecard) -> str:
    """Return the report's one-sentence answer, in the words of the programme's stage."""
    words = VERDICT_WORDS.get(card.stage, VERDICT_WORDS[None])[card.verdict]
    out = f"{card.client} {words}: readiness index {card.index:.1f} of 100 ({card.band})."
    n = len(card.blockers)
    if n:
        out += f" {n} blocker{'s' if n != 1 else ''} must be cleared first."
    return out


def _sin_of(q: Questionnaire, qid: str) -> str:
    item = q.question(qid)
    return item.group if item is not None else PROGRAMME


def _weakest_criterion(rs: list[QuestionResult]) -> float:
    """Return the shortfall of a process's weakest criterion on known evidence (0 when none is known).

    A process is a chain: well-kept procedures do not make up for hand-offs nobody agreed, so the
    criterion that breaks counts beside the average that hides it.
    """
    by: dict[str, list[QuestionResult]] = {}
    for r in rs:
        by.setdefault(r.group, []).append(r)
    return max((100 - k for g in by.values() if (k := _known_score(g)) is not None), default=0.0)


def _risk(q: Questionnaire, kind: RiskKind, rid: str, title: str, rs: list[QuestionResult], weight: float,
          blockers: list[Blocker]) -> Risk:
    ev = _evidence(rs)
    known = _known_score(rs)
    shortfall = 0.0 if known is None else 100 - known
    ranked = max(shortfall, (shortfall + _weakest_criterion(rs)) / 2) if kind == "process" else shortfall
    size = max([ranked, *(CAP_SIZE[b.caps] for b in blockers)])
    severity = size * weight * ev.factor
    return Risk(f"{kind}:{rid}", kind, rid, title, round(size, 1), round(shortfall, 1), weight, round(severity, 1),
                _level(q, size), ev, tuple(blockers))


def _read(a: Assessment, pick: str) -> Assessment:
    """Return the assessment with every hesitation read at its lower or higher level."""
    people = []
    for r in a.respondents:
        answers = {}
        for key, ans in r.answers.items():
            if ans.alt is not None and ans.level is not None:
                level = min(ans.level, ans.alt) if pick == "low" else max(ans.level, ans.alt)
                ans = dataclasses.replace(ans, level=level, alt=None)
            answers[key] = ans
        people.append(dataclasses.replace(r, answers=answers))
    return dataclasses.replace(a, respondents=people)


def _uncertainty(q: Questionnaire, a: Assessment) -> Uncertainty | None:
    hesitations = [Hesitation(r.name, g, qid, ans.level, ans.alt)
                   for r in a.respondents for (g, qid), ans in r.answers.items()
                   if ans.alt is not None and ans.level is not None]
    if not hesitations:
        return None
    low, high = score(q, _read(a, "low")), score(q, _read(a, "high"))
    pairs = [(f"sin:{lo.id}", lo.score, hi.score) for lo, hi in zip(low.sins, high.sins, strict=True)]
    pairs += [(f"process:{lo.id}", lo.score, hi.score)
              for lo, hi in zip(low.processes, high.processes, strict=True)]
    ranges = {key: (round(a, 1), round(b, 1)) for key, a, b in pairs
              if a is not None and b is not None and round(a, 1) != round(b, 1)}
    return Uncertainty(Reading(low.index, low.band, low.verdict), Reading(high.index, high.band, high.verdict),
                       hesitations, ranges)


def _verdict_reasons(q: Questionnaire, card: Scorecard, blockers: list[Blocker], open_blockers: list[Gap],
                     coverage: Coverage, risks: list[Risk], contradictions: list[QuestionResult],
                     uncertainty: Uncertainty | None) -> list[str]:
    """Return the verdict's reasons as full sentences, the same in every output format."""
    out = [card.verdict_reasons[0][:1].upper() + card.verdict_reasons[0][1:] + "."]
    timetable = _timetable(card)
    if timetable:
        out.append(timetable)
    if uncertainty is not None:
        u, n = uncertainty, len(uncertainty.hesitations)
        answers = f"{n} answers recorded between two levels" if n != 1 else "one answer recorded between two levels"
        span = f"index runs from {u.low.index:.1f} to {u.high.index:.1f}"
        if u.holds:
            out.append(f"{card.verdict} in every reading: with the {answers} read either way, "
                       f"the {span}.")
        else:
            out.append(f"{u.low.verdict} or {u.high.verdict}: {answers} decide it (the {span}); "
                       "confirm them before the verdict is used.")
    free = VERDICTS.index(unblocked_verdict(q, card))
    for b in blockers:
        where = "the programme" if b.process == PROGRAMME else _title(card, b.process)
        # A cap above what the index gives changes nothing today; say so, or it reads as the reason.
        at = VERDICTS.index(b.caps)
        cap = (f"it caps the verdict at {b.caps}" if at < free
               else f"it caps the verdict at {b.caps}, where the scores alone already put it" if at == free
               else f"it would cap the verdict at {b.caps}; the scores alone already keep it lower")
        out.append(f"Blocker: “{q.question_text(b.question)}” ({where}) is at {b.value:.1f}, below {b.below}; "
                   f"{cap}.")
    for b in card.deferred_blockers:
        ps = card.process(b.process)
        wave = ps.wave if ps is not None else None
        out.append(f"“{q.question_text(b.question)}” ({_title(card, b.process)}, wave {wave}) is at {b.value:.1f}, "
                   f"below {b.below}; it does not hold up wave {card.wave}, but must be cleared before wave "
                   f"{wave} goes live.")
    for g in open_blockers:
        where = "the programme" if g.process == PROGRAMME else _title(card, g.process)
        res = card.result(g.process, g.question)
        state = "nobody could answer it" if res is not None and res.status == "dont_know" else "nobody answered it"
        out.append(f"Open blocker: “{q.question_text(g.question)}” ({where}) is critical and {state}; "
                   "the verdict cannot be Go until it is answered.")
    if coverage.asked and coverage.share < 1:
        out.append(f"{coverage.answered} of {coverage.asked} questions were answered "
                   f"({coverage.share:.0%}); {coverage.not_covered} nobody was asked or answered.")
    if contradictions:
        n = len(contradictions)
        out.append(f"{n} claim{'s' if n != 1 else ''} {'is' if n == 1 else 'are'} contradicted by evidence "
                   "shown or measured; the evidence counts, the claim does not.")
    plain = [r for r in card.disagreements if not r.contradiction]
    if plain:
        n = len(plain)
        # the contradictions are disagreements too, counted above: say so, or readers add them up twice
        lead, other = ("Besides those claims, respondents", " other") if contradictions else ("Respondents", "")
        out.append(f"{lead} disagree by {q.scoring.disagreement_levels} levels or more on {n}{other} "
                   f"question{'s' if n != 1 else ''}: the processes concerned are seen differently "
                   "across departments.")
    if coverage.dont_know:
        one = coverage.dont_know == 1
        counted = ("counts" if one else "count") if q.scoring.dont_know == "lowest" else ("is" if one else "are")
        how = "at the lowest level in the index" if q.scoring.dont_know == "lowest" else "left out of the index"
        out.append(f"Nobody could answer {coverage.dont_know} question{'' if one else 's'}; "
                   f"{'it' if one else 'they'} {counted} {how} until someone can vouch for "
                   f"{'it' if one else 'them'}, but drive{'s' if one else ''} no risk.")
    thin = [r for r in risks[:3] if r.thin]
    if thin:
        out.append(f"{_join([r.title for r in thin])} "
                   f"{'rests' if len(thin) == 1 else 'rest'} on one respondent's word; confirm before acting.")
    return out


# Months a go-live needs at least, from each stage: a selection, then an implementation.
_MONTHS_TO_GO_LIVE = {"before-selection": 9, "selecting": 6}


def _timetable(card: Scorecard) -> str | None:
    """Say when a planned go-live cannot be met from where the programme stands."""
    need = _MONTHS_TO_GO_LIVE.get(card.stage or "")
    if need is None or card.go_live is None:
        return None
    g, d = card.go_live, card.date
    months = (g.year - d.year) * 12 + g.month - d.month - (g.day < d.day)  # whole months still to go
    if months >= need:
        return None
    left = ("has passed" if g < d else "is less than a month away" if months < 1
            else f"is {months} month{'s' if months != 1 else ''} away")
    return (f"The planned go-live ({card.go_live.isoformat()}) {left}, but no system has been "
            f"{'chosen' if card.stage == 'selecting' else 'selected'} yet: selecting and implementing a CRM "
            f"takes at least {need} months from here, so the date is not credible and should be reset.")


def _title(card: Scorecard, pid: str) -> str:
    ps = card.process(pid)
    return ps.title if ps else pid


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

