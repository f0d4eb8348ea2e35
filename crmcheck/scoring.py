"""Answers -> scorecard: pure functions, no I/O.

The method, in the order it is applied (the README's Methodology section says the same):

1. Each question is asked per process (criterion and process-specific questions) or once for
   the programme (sin questions). A question instance is *visible* to a respondent when its
   ``show_if`` holds on that respondent's own answers; answers to hidden questions are ignored.
2. Several respondents: the instance's value is the **mean of the levels given** by the
   respondents who gave one. "Not applicable" and "don't know" answers are left out of the
   mean. The spread (highest minus lowest level) is kept; a spread of
   ``scoring.disagreement_levels`` (2) or more is a disagreement finding. An answer may record
   its basis: said (the default), seen or measured. A level said *above* the highest level seen
   or measured is left out of the mean (the evidence contradicts it) and the conflict is a
   contradiction, a disagreement finding even one level apart; a lower level said stays in.
3. If nobody gave a level or N/A but somebody said "don't know", the instance is an **evidence gap**.
   With ``scoring.dont_know: lowest`` (the default) it scores as the lowest level: what nobody
   in the room can vouch for cannot be credited. With ``exclude`` it is left out like N/A.
4. If nobody gave a level and somebody said N/A, the instance is out of every denominator.
5. A level maps to 0..1 by ``(value - lowest) / (highest - lowest)`` on its scale.
6. Criterion score (per process) = weighted mean of its question scores; process score =
   criterion-weighted mean of its criterion scores; processes section = importance-weighted
   mean of the scores of the processes in the wave going live next (all of them when no wave
   is recorded): a later wave's process is scored and reported but has its own go-live. Sin
   score = weighted mean of its questions; programme section = sin-weighted mean. Index =
   section-weighted mean of the two sections, on 0..100, rounded to one decimal; the band and
   verdict use the rounded value, so what is shown is what is judged.
   Anything with no scored question is "not assessed" and drops out of the mean above it.
7. A sin's risk is 100 minus its score, placed in ``scoring.risk_levels``.
8. Verdict: Go needs ``go.min_index`` and no sin riskier than ``go.max_risk``; Conditional
   needs ``conditional.min_index``; otherwise No-go. A blocker (critical question whose levels
   average below ``critical.below``) caps the verdict at what it names. A critical question
   nobody answered or could answer is an open blocker: the verdict cannot be Go until it is.
9. Completeness = visible question instances with at least one answer (a level, don't know or
   N/A) / all visible instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from crmcheck.answers import NA, Answer, Assessment, Respondent, ScopedProcess
from crmcheck.questionnaire import PROGRAMME, Band, Condition, Item, Questionnaire

Verdict = Literal["Go", "Conditional", "No-go"]
VERDICTS: tuple[Verdict, ...] = ("No-go", "Conditional", "Go")
Status = Literal["scored", "dont_know", "na", "unanswered", "hidden"]


@dataclass(frozen=True)
class QuestionResult:
    """One question instance after aggregation across respondents."""

    process: str  # process id, or 'programme'
    question: str
    group: str  # criterion id or sin id
    weight: float
    status: Status
    value: float | None  # aggregated level; None when not scored
    score: float | None  # 0..1
    answers: dict[str, Answer]  # respondent name -> answer (visible ones only)
    spread: int | None
    disagreement: bool  # two levels or more apart, or a claim the evidence contradicts
    contradiction: bool = False  # a level said above the highest one seen or measured

    @property
    def midpoint(self) -> float | None:
        """Return the value with every hesitation read halfway to the level it leaned towards.

        The index reads an answer at its level and shows the other reading as a range; a gap that
        drives the plan's priority is between the two, so "0 or 1" never claims the whole gap.
        """
        counted = counted_levels(list(self.answers.values()))
        if not counted:
            return self.value
        return sum(lv.level if lv.alt is None else (lv.level + lv.alt) / 2 for lv in counted) / len(counted)

    @property
    def support(self) -> int:
        """Return how many respondents back the value: those who gave a level, at least 2 with evidence.

        A level seen or measured is as firm as the room confirming it, so it counts as two.
        """
        given = [a for a in self.answers.values() if a.kind == "level"]
        return backers(len(given), any(a.evidenced for a in given))


@dataclass(frozen=True)
class Blocker:
    """A critical question answered below its threshold."""

    process: str
    question: str
    value: float
    below: int
    caps: Verdict
    reason: str | None


@dataclass(frozen=True)
class OpenBlocker:
    """A critical question nobody answered, or nobody could answer: it cannot be passed as if answered well."""

    process: str
    question: str
    status: Literal["dont_know", "unanswered"]


@dataclass(frozen=True)
class ProcessScore:
    """A process in scope with its score and its criterion scores (0-100 or None)."""

    id: str
    title: str
    importance: int
    custom: bool
    score: float | None
    criteria: dict[str, float | None]
    wave: int | None = None  # the roll-out wave it goes live in; None: the current one


@dataclass(frozen=True)
class SinScore:
    """A deadly sin: readiness score, risk (100 - score) and the risk level's name."""

    id: str
    title: str
    score: float | None
    risk: float | None
    level: str | None


@dataclass(frozen=True)
class RespondentSummary:
    """How much of what they were asked a respondent answered."""

    name: str
    role: str
    department: str
    answered: int
    asked: int
    dont_know: int


@dataclass
class Scorecard:
    """Everything ``score`` works out; every later stage reads from this."""

    questionnaire: str
    client: str
    label: str
    date: dt.date
    index: float
    band: str
    verdict: Verdict
    verdict_reasons: list[str]  # what the index and sin risks give; the blockers are worded in findings
    sections: dict[str, float | None]
    criteria: dict[str, float | None]
    processes: list[ProcessScore]
    sins: list[SinScore]
    blockers: list[Blocker]
    questions: list[QuestionResult]
    respondents: list[RespondentSummary]
    completeness: float
    open_blockers: list[OpenBlocker] = field(default_factory=list)
    stage: str | None = None  # where the CRM programme stands; None: not recorded
    wave: int | None = None  # the roll-out wave going live next; None: one go-live for everything
    go_live: dt.date | None = None  # when the CRM went (or is planned to go) live
    deferred_blockers: list[Blocker] = field(default_factory=list)  # on processes of a later wave
    targets: dict[str, float] = field(default_factory=dict)  # effective: questionnaire defaults, then the assessment's

    def result(self, process: str, question: str) -> QuestionResult | None:
        """Return one question instance's result."""
        return self._by_key().get((process, question))

    def process(self, process_id: str) -> ProcessScore | None:
        """Return one process's score."""
        return next((p for p in self.processes if p.id == process_id), None)

    @property
    def assessed(self) -> bool:
        """Return whether anything was answered with a level (or N/A): with nothing, there is no result.

        An assessment nobody has answered yet scores no index, band or verdict in any output; it is
        "not assessed", not 0 and No-go.
        """
        return any(p.score is not None for p in self.processes) or any(s.score is not None for s in self.sins)

    @property
    def draft(self) -> bool:
        """Return whether some question asked was answered by nobody: the result may still move."""
        return self.completeness < 1

    @property
    def in_wave(self) -> list[ProcessScore]:
        """Return the processes of the wave going live next (all of them when no wave is recorded)."""
        return [p for p in self.processes if not _later(self.wave, p.wave)]

    def later_wave(self, process_id: str) -> bool:
        """Return whether a process goes live after the current wave (its blockers wait for its wave)."""
        ps = self.process(process_id)
        return ps is not None and _later(self.wave, ps.wave)

    def sin(self, sin_id: str) -> SinScore | None:
        """Return one sin's score."""
        return next((s for s in self.sins if s.id == sin_id), None)

    @property
    def disagreements(self) -> list[QuestionResult]:
        """Return the question instances where respondents are two levels or more apart."""
        return [r for r in self.questions if r.disagreement]

    @property
    def evidence_gaps(self) -> list[QuestionResult]:
        """Return the question instances nobody could answer except with "don't know"."""
        return [r for r in self.questions if r.status == "dont_know"]

    def _by_key(self) -> dict[tuple[str, str], QuestionResult]:
        cache = self.__dict__.get("_key_cache")
        if cache is None:
            cache = {(r.process, r.question): r for r in self.questions}
            self.__dict__["_key_cache"] = cache
        return cache


def _later(current: int | None, wave: int | None) -> bool:
    """Return whether a process's roll-out wave comes after the one going live next."""
    return current is not None and wave is not None and wave > current


def backers(respondents: int, evidenced: bool) -> int:
    """Return how many respondents back a value or finding: a level seen or measured counts as a second one."""
    return max(respondents, 2) if evidenced and respondents else respondents


def band_for(bands: Iterable[Band], value: float) -> str:
    """Return the name of the band holding ``value`` (0-100; 100 falls in the top band)."""
    ordered = sorted(bands, key=lambda b: b.from_)
    for band in ordered:
        if band.from_ <= value < band.to:
            return band.name
    return ordered[-1].name


def _wmean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    num = den = 0.0
    for value, weight in pairs:
        if value is not None:
            num += value * weight
            den += weight
    return num / den if den else None


def items_for(q: Questionnaire, process: ScopedProcess | None) -> list[Item]:
    """Return the question items asked for a process in scope, or for the programme."""
    if process is None:
        return q.programme_items()
    return q.process_items("" if process.custom else process.id)


def visible(item: Item, answers: dict[str, Answer]) -> bool:
    """Return whether a respondent is asked ``item``, given their answers in that group."""
    cond = item.question.show_if
    return cond is None or _holds(cond, answers)


def _holds(cond: Condition, answers: dict[str, Answer]) -> bool:
    if cond.all is not None:
        return all(_holds(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(_holds(c, answers) for c in cond.any)
    if cond.not_ is not None:
        return not _holds(cond.not_, answers)
    ans = answers.get(cond.question or "")
    if cond.answer is not None:
        if cond.answer == "unanswered":
            return ans is None
        return ans is not None and ans.kind == cond.answer
    if ans is None or ans.level is None:
        return False
    if cond.below is not None and not ans.level < cond.below:
        return False
    return not (cond.at_least is not None and ans.level < cond.at_least)


def _group_answers(r: Respondent, group: str) -> dict[str, Answer]:
    return {qid: a for (g, qid), a in r.answers.items() if g == group}


def score(q: Questionnaire, a: Assessment) -> Scorecard:
    """Score an assessment against the questionnaire it was answered with."""
    s = q.scoring
    results: list[QuestionResult] = []
    asked = {r.name: 0 for r in a.respondents}
    answered = {r.name: 0 for r in a.respondents}
    dont_know = {r.name: 0 for r in a.respondents}
    groups: list[tuple[str, ScopedProcess | None]] = [(p.id, p) for p in a.processes]
    groups.append((PROGRAMME, None))
    per_resp = {(r.name, g): _group_answers(r, g) for r in a.respondents for g, _ in groups}

    for group, proc in groups:
        for item in items_for(q, proc):
            qid = item.question.id
            seen: dict[str, Answer] = {}
            any_visible = False
            for r in a.respondents:
                mine = per_resp[(r.name, group)]
                if not r.asked_about(group) or not q.asks(item, a.stage) or not visible(item, mine):
                    continue
                any_visible = True
                asked[r.name] += 1
                if qid in mine:
                    seen[r.name] = mine[qid]
                    answered[r.name] += 1
                    dont_know[r.name] += mine[qid].kind == "dont_know"
            results.append(_aggregate(q, item, group, seen, any_visible))

    by_group: dict[tuple[str, str], list[QuestionResult]] = {}
    for res in results:
        by_group.setdefault((res.process, res.group), []).append(res)

    def group_score(process: str, group: str) -> float | None:
        mean = _wmean((r.score, r.weight) for r in by_group.get((process, group), []))
        return None if mean is None else mean * 100

    processes: list[ProcessScore] = []
    for p in a.processes:
        crit = {c.id: group_score(p.id, c.id) for c in q.criteria}
        total = _wmean((crit[c.id], c.weight) for c in q.criteria)
        processes.append(ProcessScore(p.id, p.title, p.importance, p.custom, total, crit, p.wave))

    criteria = {
        c.id: _wmean((ps.criteria[c.id], ps.importance) for ps in processes) for c in q.criteria
    }
    sins: list[SinScore] = []
    for sin in q.sins:
        sc = group_score(PROGRAMME, sin.id)
        risk = None if sc is None else 100 - sc
        level = None if risk is None else band_for(s.risk_levels, round(risk, 1))
        sins.append(SinScore(sin.id, sin.title_at(a.stage), sc, risk, level))

    # The index answers for the wave going live next: a process of a later wave is scored and
    # reported, but it does not raise or lower this wave's readiness (it has its own go-live).
    in_wave = [ps for ps in processes if not _later(a.wave, ps.wave)] or processes
    sections = {
        "processes": _wmean((ps.score, ps.importance) for ps in in_wave),
        "programme": _wmean((sn.score, w.weight_at(a.stage)) for sn, w in zip(sins, q.sins, strict=True)),
    }
    raw = _wmean(
        [(sections["processes"], s.sections.processes), (sections["programme"], s.sections.programme)]
    )
    index = round(raw if raw is not None else 0.0, 1)

    blockers, open_blockers = _blockers(q, results)
    # A process that goes live in a later wave cannot hold up the current one: its blockers are
    # reported for its own wave and do not cap today's verdict.
    later = {p.id for p in a.processes if _later(a.wave, p.wave)}
    deferred = [b for b in blockers if b.process in later]
    blockers = [b for b in blockers if b.process not in later]
    open_blockers = [o for o in open_blockers if o.process not in later]
    verdict, reasons = _verdict(q, index, sins, blockers, open_blockers)
    visible_results = [r for r in results if r.status != "hidden"]
    done = sum(1 for r in visible_results if r.status != "unanswered")
    completeness = done / len(visible_results) if visible_results else 0.0
    summaries = [
        RespondentSummary(r.name, r.role, r.department, answered[r.name], asked[r.name], dont_know[r.name])
        for r in a.respondents
    ]
    return Scorecard(
        questionnaire=q.ref,
        client=a.client,
        label=a.label,
        date=a.date,
        index=index,
        band=band_for(s.bands, index),
        verdict=verdict,
        verdict_reasons=reasons,
        sections=sections,
        criteria=criteria,
        processes=processes,
        sins=sins,
        blockers=blockers,
        questions=results,
        respondents=summaries,
        completeness=completeness,
        open_blockers=open_blockers,
        stage=a.stage,
        wave=a.wave,
        go_live=a.go_live,
        deferred_blockers=deferred,
        targets={**q.scoring.targets, **a.targets},
    )


@dataclass(frozen=True)
class _Level:
    level: int
    alt: int | None


def counted_levels(answers: list[Answer]) -> list[_Level]:
    """Return the levels a question's value averages: all given, less the claims evidence contradicts.

    Evidence shows what is there; it cannot show the gaps someone lives with. So a level seen or
    measured overrides the claims above it (the "it works" that an audit contradicts), while a
    lower level said beside it stays in the mean (the part of the process the document missed).
    """
    given = [a for a in answers if a.kind == "level" and a.level is not None]
    top = max((a.level for a in given if a.evidenced and a.level is not None), default=None)
    return [_Level(a.level, a.alt) for a in given
            if a.level is not None and (top is None or a.evidenced or a.level <= top)]


def _aggregate(
    q: Questionnaire, item: Item, group: str, seen: dict[str, Answer], any_visible: bool
) -> QuestionResult:
    qu = item.question
    scale = q.scale_of(qu)
    given = [ans for ans in seen.values() if ans.kind == "level" and ans.level is not None]
    levels = [ans.level for ans in given if ans.level is not None]
    counted = [lv.level for lv in counted_levels(given)]
    contradiction = len(counted) < len(levels)
    status: Status
    value: float | None = None
    spread: int | None = None
    if not any_visible:
        status = "hidden"
    elif levels:
        status = "scored"
        value = sum(counted) / len(counted)
        spread = max(levels) - min(levels)
    elif any(ans.kind == NA for ans in seen.values()):
        # Like a level, an N/A comes from someone who knows the process: it outweighs a "don't know".
        status = "na"
    elif any(ans.kind == "dont_know" for ans in seen.values()):
        status = "dont_know"
        if q.scoring.dont_know == "lowest":
            value = float(scale.low)
    else:
        status = "unanswered"
    return QuestionResult(
        process=group,
        question=qu.id,
        group=item.group,
        weight=qu.weight,
        status=status,
        value=value,
        score=None if value is None else scale.normalise(value),
        answers=seen,
        spread=spread,
        disagreement=contradiction or (spread is not None and spread >= q.scoring.disagreement_levels),
        contradiction=contradiction,
    )


def _blockers(q: Questionnaire, results: list[QuestionResult]) -> tuple[list[Blocker], list[OpenBlocker]]:
    """Return the blockers (critical questions answered below their threshold) and the open ones.

    Only levels respondents gave can block: a critical question nobody answered, or nobody could
    answer, is an open blocker instead. It caps the verdict at Conditional ("cannot be Go until
    answered") whatever ``dont_know`` says, so a missing answer never passes as a good one and a
    "don't know" never turns into a No-go on its own.
    """
    out: list[Blocker] = []
    open_: list[OpenBlocker] = []
    for r in results:
        item = q.question(r.question)
        assert item is not None
        crit = item.question.critical
        if crit is None:
            continue
        if r.status == "scored" and r.value is not None and r.value < crit.below:
            caps: Verdict = "No-go" if crit.caps == "no-go" else "Conditional"
            out.append(Blocker(r.process, r.question, r.value, crit.below, caps, crit.reason))
        elif r.status in ("dont_know", "unanswered"):
            open_.append(OpenBlocker(r.process, r.question, "dont_know" if r.status == "dont_know" else "unanswered"))
    return out, open_


def unblocked_verdict(q: Questionnaire, card: Scorecard) -> Verdict:
    """Return the verdict the index and sin risks alone would give, before any blocker caps it."""
    return _verdict(q, card.index, card.sins, [], [])[0]


def _verdict(
    q: Questionnaire, index: float, sins: list[SinScore], blockers: list[Blocker], open_blockers: list[OpenBlocker]
) -> tuple[Verdict, list[str]]:
    rule = q.scoring.verdict
    reasons: list[str] = []
    order = [b.name for b in sorted(q.scoring.risk_levels, key=lambda b: b.from_)]
    worst = max((order.index(sn.level) for sn in sins if sn.level is not None), default=-1)
    verdict: Verdict
    if index >= rule.go.min_index:
        too_risky = rule.go.max_risk is not None and worst > order.index(rule.go.max_risk)
        if too_risky:
            verdict = "Conditional"
            risky = [sn.title for sn in sins if sn.level is not None and order.index(sn.level) == worst]
            named = risky[0] if len(risky) == 1 else ", ".join(risky[:-1]) + " and " + risky[-1]
            reasons.append(f"index {index:.1f} reaches Go ({rule.go.min_index:g}) but "
                           f"{named} {'is' if len(risky) == 1 else 'are'} at {order[worst]} risk")
        else:
            verdict = "Go"
            reasons.append(f"index {index:.1f} reaches Go ({rule.go.min_index:g})")
    elif index >= rule.conditional.min_index:
        verdict = "Conditional"
        reasons.append(f"index {index:.1f} is between Conditional ({rule.conditional.min_index:g}) "
                       f"and Go ({rule.go.min_index:g})")
    else:
        verdict = "No-go"
        reasons.append(f"index {index:.1f} is below Conditional ({rule.conditional.min_index:g})")
    # The blockers' own sentences are the findings' (findings.find): they need question texts and
    # process titles, which the verdict does not.
    for b in blockers:
        if VERDICTS.index(b.caps) < VERDICTS.index(verdict):
            verdict = b.caps
    if open_blockers and verdict == "Go":
        verdict = "Conditional"
    return verdict, reasons
