"""Scorecard + action plan + history -> ReportContext: the plain data every report format shows.

Templates see only these dataclasses, never store rows or pydantic models, so a report can be
built from an answers file or from the store alike, and its JSON form (``--format json``) is the
same data the PDF shows. Nothing here formats for a medium: colours, escaping and layout belong
to the templates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crmcheck import figures
from crmcheck.answers import Answer, Assessment
from crmcheck.findings import find, stage_words
from crmcheck.history import (
    ActionRef,
    AnswerChange,
    Comparison,
    Delta,
    Snapshot,
    compare,
    snapshot,
    target_progress,
    trend,
)
from crmcheck.plan import HORIZONS, Action, ActionPlan, build_action_plan
from crmcheck.questionnaire import PROGRAMME, Condition, Questionnaire, Rule
from crmcheck.scoring import QuestionResult, Scorecard, score

FORMAT = "crmcheck.report/1"
HORIZON_TITLES = {30: "First 30 days", 60: "Days 31–60", 90: "Days 61–90", "later": "Later"}


@dataclass(frozen=True)
class Meta:
    """What the document is and who it is for."""

    title: str
    client: str
    label: str
    date: dt.date
    generated: dt.date
    questionnaire: str
    questionnaire_title: str
    generator: str
    prepared_by: str
    author: str | None
    keywords: list[str]
    lang: str = "en"
    stage: str | None = None  # the programme's stage in words, e.g. "live since 2026-03-01"
    draft: bool = False  # some question asked was answered by nobody: the result may still move
    completeness: float = 1.0


@dataclass(frozen=True)
class BrandView:
    """The issuing firm, as the report shows it (the logo itself is not data)."""

    firm: str
    author: str | None
    primary: str
    accent: str
    cover_line: str | None
    disclaimer: str | None
    contact: str | None
    has_logo: bool


@dataclass(frozen=True)
class AnswerView:
    """One respondent's answer to one question."""

    respondent: str
    short: str  # the respondent's initials, as column headings show them
    department: str
    kind: str  # level | dont_know | na | none
    level: int | None
    shown: str  # "3", "DK", "N/A", "–"
    label: str  # the level's label, "Don't know", "Not applicable", "Not answered"
    reason: str | None
    note: str | None
    basis: str | None = None  # seen | measured; None when only said (or not recorded)
    alt: int | None = None  # the neighbouring level the interviewer hesitated towards


@dataclass(frozen=True)
class QuestionView:
    """A question instance with its aggregated result and every answer behind it."""

    id: str
    text: str
    group: str  # criterion or sin id
    group_title: str
    status: str  # scored | dont_know | na | unanswered
    value: float | None  # aggregated level
    value_label: str  # nearest level's label, or the status in words
    score: float | None  # 0-100
    spread: int | None
    disagreement: bool
    blocker: bool
    critical_below: int | None
    answers: list[AnswerView]

    @property
    def notes(self) -> list[AnswerView]:
        """Return the answers that carry a note or an N/A reason."""
        return [a for a in self.answers if a.note or a.reason]


@dataclass(frozen=True)
class CriterionScore:
    """A criterion's score within a process, or across processes."""

    id: str
    title: str
    score: float | None
    target: float | None = None
    change: float | None = None  # since the previous assessment, when there is one


@dataclass(frozen=True)
class ActionView:
    """A ranked recommendation, ready to show."""

    rank: int
    rule: str
    title: str
    priority: float
    horizon: str  # "30", "60", "90" or "later"
    horizon_title: str
    impact: str
    effort: str
    owner: str
    processes: list[str]  # process titles
    process_ids: list[str]
    sins: list[str]  # ids of the sins the rule tests
    rationale: str
    steps: list[str]
    because: list[str]
    thin: bool = False  # the answers behind it come from one respondent
    role: str = ""  # the owner role alone, as the rule names it (the summary's short form)


@dataclass(frozen=True)
class BlockerView:
    """A critical question answered below its threshold."""

    where: str
    question: str
    text: str
    value: float
    below: int
    caps: str
    reason: str | None


@dataclass(frozen=True)
class ProcessView:
    """A process in scope: scores, the answers behind them and what to do."""

    id: str
    title: str
    description: str
    importance: int
    custom: bool
    score: float | None
    band: str | None
    criteria: list[CriterionScore]
    questions: list[QuestionView]
    blockers: list[BlockerView]
    actions: list[ActionView]
    disagreements: int
    evidence_gaps: int


@dataclass(frozen=True)
class SinView:
    """One of the seven deadly sins: exposure and the answers behind it."""

    number: int
    id: str
    title: str
    description: str
    weight: float
    score: float | None
    risk: float | None
    level: str | None
    target: float | None
    questions: list[QuestionView]
    actions: list[ActionView]
    change: float | None = None  # of the score, since the previous assessment


@dataclass(frozen=True)
class RiskView:
    """One of the biggest risks: a sin or a process, with its size and what it rests on."""

    key: str
    kind: str  # sin | process
    title: str
    description: str
    level: str | None
    shortfall: float  # what the scores show (a blocker raises the risk's rank, not this)
    severity: float
    evidence: str  # in words
    thin: bool
    blocked: bool


@dataclass(frozen=True)
class HorizonView:
    """The actions due within one horizon of the roadmap."""

    key: str
    title: str
    actions: list[ActionView]


@dataclass(frozen=True)
class DisagreementView:
    """A question the respondents answered two levels or more apart."""

    where: str
    question: str
    text: str
    spread: int
    value: float | None
    answers: list[AnswerView]
    contradiction: bool = False  # a level seen or measured against one only said


@dataclass(frozen=True)
class GapView:
    """A question nobody could answer except with "don't know"."""

    where: str
    question: str
    text: str


@dataclass(frozen=True)
class RespondentView:
    """A person interviewed and how much they answered."""

    name: str
    short: str
    role: str
    department: str
    interviewer: str | None
    answered: int
    asked: int
    dont_know: int


@dataclass(frozen=True)
class AppendixGroup:
    """Every answer given about one process (or the programme)."""

    id: str
    title: str
    questions: list[QuestionView]
    respondents: list[str] = field(default_factory=list)  # codes of those who answered any of them

    @property
    def rows(self) -> list[tuple[QuestionView, list[AnswerView]]]:
        """Return each question with the answers of this group's respondents only."""
        who = set(self.respondents)
        return [(qv, [a for a in qv.answers if a.short in who]) for qv in self.questions]


@dataclass(frozen=True)
class HistoryEntry:
    """An assessment of the same client, for the trend section."""

    label: str
    date: dt.date
    questionnaire: str
    index: float
    band: str
    verdict: str
    completeness: float
    current: bool = False


@dataclass(frozen=True)
class Move:
    """A score (0-100) that moved between two assessments."""

    id: str
    title: str
    kind: str  # index | criterion | process | sin
    before: float | None
    after: float | None
    change: float | None
    target: float | None = None


@dataclass(frozen=True)
class RespondentMove:
    """One respondent's answer before and after, as shown (a level, "don't know", "n/a" or "-")."""

    respondent: str
    before: str
    after: str


@dataclass(frozen=True)
class AnswerMove:
    """A question whose aggregated answer moved between two assessments."""

    where: str
    question: str
    text: str
    before: float | None
    after: float | None
    respondents: list[RespondentMove]


@dataclass(frozen=True)
class ActionChange:
    """An action that is done (its condition no longer holds) or new since the previous assessment."""

    rule: str
    title: str
    processes: list[str]  # process titles


@dataclass(frozen=True)
class SinceLast:
    """What moved since the client's previous assessment: the executive summary's paragraph."""

    previous: str
    previous_date: dt.date
    index: Move
    band_before: str
    band_after: str
    verdict_before: str
    verdict_after: str
    gains: list[Move]  # the biggest rises, largest first
    drops: list[Move]  # every fall, largest first
    answers_up: int
    answers_down: list[AnswerMove]
    risks_appeared: list[str]  # sins whose risk level went up
    risks_resolved: list[str]  # sins whose risk level went down
    blockers_new: list[str]
    blockers_cleared: list[str]
    actions_done: list[ActionChange]
    actions_new: list[ActionChange]
    not_compared: list[str]
    sentences: list[str]  # the paragraph, in plain words


@dataclass(frozen=True)
class TrendSeries:
    """One score over the client's assessments, oldest first (None where it was not assessed)."""

    id: str
    title: str
    kind: str  # index | criterion | process | sin
    values: list[float | None]
    change: float | None  # since the previous assessment
    since_first: float | None
    target: float | None = None


@dataclass(frozen=True)
class TrendView:
    """The trend section: every assessment's scores over time, and what could not be compared."""

    labels: list[str]
    series: list[TrendSeries]
    notes: list[str]


@dataclass(frozen=True)
class TargetView:
    """A score that has a target, how far it is from it and how it moved since the previous assessment."""

    id: str
    title: str
    kind: str  # index | criterion | sin
    score: float | None
    target: float
    gap: float | None  # target - score; 0 or less when met
    met: bool
    previous: float | None = None
    change: float | None = None


@dataclass(frozen=True)
class Range:
    """A named range of a 0-100 score (a band or a risk level)."""

    name: str
    low: float
    high: float
    description: str | None = None


@dataclass(frozen=True)
class Weighted:
    """Something with a weight, for the methodology tables."""

    id: str
    title: str
    weight: float
    questions: int


@dataclass(frozen=True)
class ScaleLevel:
    """One step of the answer scale."""

    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Methodology:
    """How the scores were worked out, read from the questionnaire itself."""

    questionnaire: str
    title: str
    section_processes: float
    section_programme: float
    criteria: list[Weighted]
    sins: list[Weighted]
    scale: list[ScaleLevel]
    bands: list[Range]
    risk_levels: list[Range]
    go_min_index: float
    go_max_risk: str | None
    conditional_min_index: float
    dont_know: str
    disagreement_levels: int
    programme_importance: int
    critical: list[tuple[str, str, int, str]]  # id, text, below, caps
    rules: int
    questions_per_process: int


@dataclass(frozen=True)
class Summary:
    """The executive summary: the answer to 'are we ready, and what do we fix first?'."""

    index: float
    band: str
    band_description: str | None
    verdict: str
    verdict_reasons: list[str]
    headline: str
    blockers: list[BlockerView]
    top_risks: list[RiskView]
    first_actions: list[ActionView]
    completeness: float
    sections: dict[str, float | None]
    respondents: int
    processes: int
    disagreements: int
    evidence_gaps: int
    actions: int
    index_target: float | None
    since_last: SinceLast | None = None
    index_range: tuple[float, float] | None = None  # every hesitation read low, and high
    risk_order: str | None = None  # how the biggest risks are ordered, when there are two to order
    verdict_range: tuple[str, str] | None = None


@dataclass(frozen=True)
class ReportContext:
    """Everything a report shows, as plain data."""

    meta: Meta
    brand: BrandView
    summary: Summary
    criteria: list[CriterionScore]
    processes: list[ProcessView]
    sins: list[SinView]
    actions: list[ActionView]
    roadmap: list[HorizonView]
    disagreements: list[DisagreementView]
    evidence_gaps: list[GapView]
    not_covered: list[GapView]
    respondents: list[RespondentView]
    history: list[HistoryEntry]
    methodology: Methodology
    appendix: list[AppendixGroup]
    trend: TrendView | None = None
    targets: list[TargetView] = field(default_factory=list)
    format: str = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def disagreements_by_area(self) -> list[tuple[str, int]]:
        """Return each process (or the programme) with its count of disagreements, most first."""
        counts: dict[str, int] = {}
        for d in self.disagreements:
            counts[d.where] = counts.get(d.where, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- building


def initials(names: Sequence[str]) -> dict[str, str]:
    """Return short, unique labels for respondents: 'Dana Reyes' -> 'DR' (then 'DR2', …)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for n, name in enumerate(names, start=1):
        words = [w for w in re.split(r"[\s\-_.]+", name) if w]
        letters = [_first_letter(w) for w in words]
        letters = [c for c in letters if c]
        base = (letters[0] + (letters[-1] if len(letters) > 1 else "")).upper() if letters else f"R{n}"
        short, i = base, 2
        while short in used:
            short, i = f"{base}{i}", i + 1
        used.add(short)
        out[name] = short
    return out


def _first_letter(word: str) -> str:
    for ch in word:
        if unicodedata.category(ch).startswith("L"):
            return ch
    return ""


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class _Builder:
    def __init__(self, q: Questionnaire, a: Assessment, card: Scorecard, plan: ActionPlan) -> None:
        self.q, self.a, self.card, self.plan = q, a, card, plan
        self.short = initials([r.name for r in a.respondents])
        self.department = {r.name: r.department for r in a.respondents}
        self.titles = {p.id: p.title for p in card.processes}
        self.group_titles = {c.id: c.title for c in q.criteria} | {s.id: s.title for s in q.sins}
        self.blocked = {(b.process, b.question) for b in card.blockers}
        self.actions = [self.action(i, act) for i, act in enumerate(plan.actions, start=1)]
        self.actions_by_rule = {(v.rule, tuple(v.processes)): v for v in self.actions}

    def where(self, process: str) -> str:
        return "Programme" if process == PROGRAMME else self.titles.get(process, process)

    def answer(self, name: str, ans: Answer | None) -> AnswerView:
        if ans is None:
            return AnswerView(name, self.short[name], self.department[name], "none", None, "–",
                              "Not answered", None, None)
        if ans.kind == "level":
            shown = str(ans.level) + (f"–{ans.alt}" if ans.alt is not None else "")
            shown += {"seen": "s", "measured": "m"}.get(ans.basis or "", "")
            return AnswerView(name, self.short[name], self.department[name], "level", ans.level,
                              shown, "", ans.reason, ans.note, ans.basis if ans.evidenced else None, ans.alt)
        if ans.kind == "dont_know":
            return AnswerView(name, self.short[name], self.department[name], "dont_know", None, "DK",
                              "Don't know", ans.reason, ans.note)
        return AnswerView(name, self.short[name], self.department[name], "na", None, "N/A",
                          "Not applicable", ans.reason, ans.note)

    def question(self, res: QuestionResult) -> QuestionView:
        item = self.q.question(res.question)
        assert item is not None
        qu = item.question
        scale = self.q.scale_of(qu)
        answers = []
        for r in self.a.respondents:
            got = res.answers.get(r.name)
            view = self.answer(r.name, got)
            if got is not None and got.kind == "level" and got.level is not None:
                label = next((lv.label for lv in scale.levels if lv.value == got.level), "")
                view = dataclasses.replace(view, label=label)
            answers.append(view)
        if res.value is not None and res.status == "scored":
            nearest = min(scale.levels, key=lambda lv: (abs(lv.value - res.value), lv.value))  # type: ignore[operator]
            value_label = nearest.label
        else:
            value_label = {"dont_know": "Nobody knew", "na": "Not applicable",
                           "unanswered": "Not answered"}.get(res.status, res.status)
        return QuestionView(
            id=qu.id,
            text=qu.text,
            group=res.group,
            group_title=self.group_titles.get(res.group, res.group),
            status=res.status,
            value=None if res.value is None else round(res.value, 2),
            value_label=value_label,
            score=None if res.score is None else round(res.score * 100, 1),
            spread=res.spread,
            disagreement=res.disagreement,
            blocker=(res.process, res.question) in self.blocked,
            critical_below=qu.critical.below if qu.critical else None,
            answers=answers,
        )

    def action(self, rank: int, act: Action) -> ActionView:
        horizon = str(act.horizon)
        return ActionView(
            rank=rank,
            rule=act.rule,
            title=act.title,
            priority=act.priority,
            horizon=horizon,
            horizon_title=HORIZON_TITLES[act.horizon],
            impact=act.recommendation.impact,
            effort=act.recommendation.effort,
            owner=act.owner,
            processes=[self.titles.get(p, p) for p in act.processes],
            process_ids=list(act.processes),
            sins=sorted(_sins_in(self.q.rules, act.rule)),
            rationale=act.recommendation.rationale,
            steps=list(act.recommendation.steps),
            because=[t.text for t in act.triggers],
            thin=act.thin,
            role=act.recommendation.owner,
        )

    def blocker_views(self, process: str | None = None) -> list[BlockerView]:
        out = []
        for b in self.card.blockers:
            if process is not None and b.process != process:
                continue
            out.append(BlockerView(self.where(b.process), b.question, self.q.question_text(b.question),
                                   round(b.value, 2), b.below, b.caps, b.reason))
        return out


def build_context(
    q: Questionnaire,
    assessment: Assessment,
    *,
    now: dt.datetime,
    brand: Any = None,
    card: Scorecard | None = None,
    plan: ActionPlan | None = None,
    history: Sequence[tuple[Questionnaire, Assessment]] = (),
    generator: str = "crmcheck",
) -> ReportContext:
    """Return the report's data for one assessment; ``history`` holds earlier ones of the client."""
    from crmcheck.brand import DEFAULT_BRAND

    brand = brand or DEFAULT_BRAND
    card = card or score(q, assessment)
    if not card.assessed:
        from crmcheck.errors import BadInputError

        raise BadInputError(f"{assessment.client}/{assessment.label} is not assessed yet (nothing answered); "
                            "there is nothing to report. Interview first: crmcheck interview --resume")
    plan = plan or build_action_plan(q, card)
    found = find(q, card, assessment)
    b = _Builder(q, assessment, card, plan)
    current = Snapshot(q, assessment, card, plan)
    earlier = [s for s in (snapshot(hq, ha) for hq, ha in history) if s.card.assessed]  # nothing answered: no point
    snaps = sorted([*earlier, current],
                   key=lambda x: (x.assessment.date, x.assessment.label))
    at = next(i for i, x in enumerate(snaps) if x is current)
    previous = snaps[at - 1] if at > 0 else None
    history_entries = [HistoryEntry(x.label, x.assessment.date, x.questionnaire.ref, x.card.index, x.card.band,
                                    x.card.verdict, round(x.card.completeness, 3), current=x is current)
                       for x in snaps] if len(snaps) > 1 else []
    prev_sins = {x.id: x.score for x in previous.card.sins} if previous else {}
    prev_criteria = previous.card.criteria if previous else {}

    def change(now: float | None, before: float | None) -> float | None:
        return figures.change(now, before)  # of the whole numbers shown

    targets = {**q.scoring.targets, **assessment.targets}
    questions = [b.question(r) for r in card.questions if r.status != "hidden"]
    by_group: dict[str, list[QuestionView]] = {}
    for res, view in zip([r for r in card.questions if r.status != "hidden"], questions, strict=True):
        by_group.setdefault(res.process, []).append(view)

    processes = []
    for ps in card.processes:
        cat = q.process(ps.id)
        description = cat.description if cat is not None and not ps.custom else (
            "A process named for this assessment; it is judged on the six criteria every process is.")
        views = by_group.get(ps.id, [])
        processes.append(ProcessView(
            id=ps.id,
            title=ps.title,
            description=description,
            importance=ps.importance,
            custom=ps.custom,
            score=_pct(ps.score),
            band=None if ps.score is None else _band(q, ps.score),
            criteria=[CriterionScore(c.id, c.title, _pct(ps.criteria.get(c.id)), targets.get(c.id))
                      for c in q.criteria],
            questions=views,
            blockers=b.blocker_views(ps.id),
            actions=[v for v in b.actions if ps.id in v.process_ids],
            disagreements=sum(1 for v in views if v.disagreement),
            evidence_gaps=sum(1 for v in views if v.status == "dont_know"),
        ))

    programme = by_group.get(PROGRAMME, [])
    sins = []
    for n, (sin, ss) in enumerate(zip(q.sins, card.sins, strict=True), start=1):
        sins.append(SinView(
            number=n, id=sin.id, title=ss.title, description=sin.description_at(card.stage),
            weight=sin.weight_at(card.stage),
            score=_pct(ss.score), risk=_pct(ss.risk), level=ss.level, target=targets.get(sin.id),
            change=change(ss.score, prev_sins.get(sin.id)),
            questions=[v for v in programme if v.group == sin.id],
            actions=[v for v in b.actions if sin.id in v.sins],
        ))

    descriptions = ({sin.id: sin.description_at(card.stage) for sin in q.sins}
                    | {p.id: p.description for p in processes})
    ranked = [RiskView(r.key, r.kind, r.title, descriptions.get(r.id, ""), r.level, r.shortfall, r.severity,
                       r.evidence.words(), r.thin, bool(r.blockers)) for r in found.top_risks]
    disagreements = [
        DisagreementView(b.where(r.process), r.question, q.question_text(r.question), r.spread or 0,
                         None if r.value is None else round(r.value, 2),
                         [a for a in b.question(r).answers if a.kind != "none"], r.contradiction)
        for r in found.disagreements
    ]
    gaps = [GapView(b.where(g.process), g.question, q.question_text(g.question)) for g in found.evidence_gaps]
    uncovered = [GapView(b.where(g.process), g.question, q.question_text(g.question)) for g in found.not_covered]
    band = next((x for x in q.scoring.bands if x.name == card.band), None)
    blockers = b.blocker_views()
    moved = None if previous is None else since_last(compare(previous, current), b)
    summary = Summary(
        index=card.index,
        band=card.band,
        band_description=band.description if band else None,
        verdict=card.verdict,
        verdict_reasons=list(found.verdict_reasons),
        headline=found.headline,
        blockers=blockers,
        top_risks=ranked[:3],
        risk_order=found.risk_order,
        first_actions=b.actions[:5],
        completeness=round(card.completeness, 3),
        sections={k: _pct(v) for k, v in card.sections.items()},
        respondents=len(assessment.respondents),
        processes=len(card.processes),
        disagreements=len(card.disagreements),
        evidence_gaps=len(card.evidence_gaps),
        actions=len(plan.actions),
        index_target=targets.get("index"),
        since_last=moved,
        index_range=None if found.uncertainty is None else (found.uncertainty.low.index,
                                                            found.uncertainty.high.index),
        verdict_range=None if found.uncertainty is None else (found.uncertainty.low.verdict,
                                                              found.uncertainty.high.verdict),
    )
    groups = plan_by_horizon(b.actions)
    people = {r.name: r for r in assessment.respondents}
    respondents = [RespondentView(r.name, b.short[r.name], r.role, r.department, people[r.name].interviewer,
                                  r.answered, r.asked, r.dont_know) for r in card.respondents]

    def group(gid: str, title: str, views: list[QuestionView]) -> AppendixGroup:
        answered = {a.short for qv in views for a in qv.answers if a.kind != "none"}
        return AppendixGroup(gid, title, views, [r.short for r in respondents if r.short in answered])

    appendix = [group(p.id, p.title, p.questions) for p in processes]
    appendix.append(group(PROGRAMME, "Programme (the seven deadly sins)", programme))
    title = f"CRM readiness report — {assessment.client}, {assessment.label}"
    return ReportContext(
        meta=Meta(
            title=title,
            client=assessment.client,
            label=assessment.label,
            date=assessment.date,
            generated=now.date(),
            questionnaire=q.ref,
            questionnaire_title=q.title,
            generator=generator,
            prepared_by=_prepared_by(brand, assessment),
            author=brand.author,
            keywords=["CRM readiness", assessment.client, assessment.label, card.verdict, card.band],
            stage=stage_words(assessment.stage, assessment.go_live),
            draft=card.draft,
            completeness=round(card.completeness, 3),
        ),
        brand=BrandView(brand.firm, brand.author, brand.primary, brand.accent, brand.cover_line,
                        brand.disclaimer, brand.contact, brand.logo is not None),
        summary=summary,
        criteria=[CriterionScore(c.id, c.title, _pct(card.criteria.get(c.id)), targets.get(c.id),
                                 change(card.criteria.get(c.id), prev_criteria.get(c.id))) for c in q.criteria],
        processes=processes,
        sins=sins,
        actions=b.actions,
        roadmap=groups,
        disagreements=disagreements,
        evidence_gaps=gaps,
        not_covered=uncovered,
        respondents=respondents,
        history=history_entries,
        methodology=methodology(q, assessment.stage),
        appendix=appendix,
        trend=trend_view(snaps, at, moved.not_compared if moved else ()) if len(snaps) > 1 else None,
        targets=target_views(current, previous),
    )


def plan_by_horizon(actions: Sequence[ActionView]) -> list[HorizonView]:
    """Return the actions grouped into the roadmap's horizons (empty horizons included)."""
    return [HorizonView(str(h), HORIZON_TITLES[h], [a for a in actions if a.horizon == str(h)])
            for h in HORIZONS]


def _sins_in(rules: Sequence[Rule], rule_id: str) -> set[str]:
    rule = next((r for r in rules if r.id == rule_id), None)
    return set() if rule is None else _condition_sins(rule.when)


def _condition_sins(cond: Condition) -> set[str]:
    out = {cond.sin} if cond.sin else set()
    for sub in [*(cond.all or []), *(cond.any or []), *([cond.not_] if cond.not_ else [])]:
        out |= _condition_sins(sub)
    return out


def _band(q: Questionnaire, value: float) -> str:
    from crmcheck.scoring import band_for

    return band_for(q.scoring.bands, round(value, 1))


# ---------------------------------------------------------------- history: since last quarter, trend, targets


def _digits(kind: str) -> int:
    return figures.INDEX_DIGITS if kind == "index" else figures.SCORE_DIGITS


def _move(d: Delta, kind: str) -> Move:
    return Move(d.id, d.title, kind, figures.data(d.before), figures.data(d.after),
                figures.change(d.after, d.before, _digits(kind)), d.target)


def _actions(refs: Sequence[ActionRef], titles: dict[str, str]) -> list[ActionChange]:
    """Merge per-process action references into one entry per rule, in first-seen order."""
    merged: dict[str, ActionChange] = {}
    for ref in refs:
        entry = merged.setdefault(ref.rule, ActionChange(ref.rule, ref.title, []))
        entry.processes.extend(titles.get(p, p) for p in ref.processes)
    return list(merged.values())


def since_last(cmp: Comparison, b: _Builder) -> SinceLast:
    """Return what moved from the previous assessment to this one, with its paragraph."""
    before, after = cmp.before, cmp.after
    titles = {p.id: p.title for p in before.card.processes} | {p.id: p.title for p in after.card.processes}
    pool = ([_move(d, "criterion") for d in cmp.criteria] + [_move(d, "process") for d in cmp.processes]
            + [_move(d, "sin") for d in cmp.sins])
    gains = sorted((m for m in pool if m.change is not None and m.change >= 0.5), key=lambda m: -(m.change or 0))
    drops = sorted((m for m in pool if m.change is not None and m.change <= -0.5), key=lambda m: m.change or 0)

    def where(process: str | None) -> str:
        return "Programme" if process is None else titles.get(process, process)

    def fell(c: AnswerChange) -> int:
        """Count the respondents whose own level went down (not just a new, lower answer in the mean)."""
        return sum(1 for _, old, new in c.respondents if old.isdigit() and new.isdigit() and int(new) < int(old))

    down = sorted((c for c in cmp.answers if c.before is not None and c.after is not None and c.after < c.before),
                  key=lambda c: (fell(c) == 0, (c.after or 0) - (c.before or 0)))
    answers_down = [AnswerMove(where(c.process), c.question, after.questionnaire.question_text(c.question),
                               figures.data(c.before), figures.data(c.after),
                               [RespondentMove(*r) for r in c.respondents]) for c in down]
    answers_up = sum(1 for c in cmp.answers if c.before is not None and c.after is not None and c.after > c.before)

    order = [x.name for x in sorted(after.questionnaire.scoring.risk_levels, key=lambda x: x.from_)]
    appeared: list[str] = []
    resolved: list[str] = []
    blocked_before = {(x.process, x.question) for x in before.card.blockers}
    blocked_after = {(x.process, x.question) for x in after.card.blockers}
    blockers_new = [f"“{after.questionnaire.question_text(qid)}” ({b.where(proc)})"
                    for proc, qid in sorted(blocked_after - blocked_before)]
    blockers_cleared = [f"“{before.questionnaire.question_text(qid)}” ({b.where(proc)})"
                        for proc, qid in sorted(blocked_before - blocked_after)]
    for sd in cmp.sins:
        if sd.level_before in order and sd.level_after in order and sd.level_before != sd.level_after:
            text = f"{sd.title} ({sd.level_before} → {sd.level_after})"
            worse = order.index(sd.level_after or "") > order.index(sd.level_before or "")
            (appeared if worse else resolved).append(text)

    index = cmp.index
    out = SinceLast(
        previous=before.label,
        previous_date=before.assessment.date,
        index=Move("index", index.title, "index", figures.data(index.before), figures.data(index.after),
                   figures.change(index.after, index.before, figures.INDEX_DIGITS), index.target),
        band_before=before.card.band,
        band_after=after.card.band,
        verdict_before=before.card.verdict,
        verdict_after=after.card.verdict,
        gains=gains[:3],
        drops=drops,
        answers_up=answers_up,
        answers_down=answers_down,
        risks_appeared=appeared,
        risks_resolved=resolved,
        blockers_new=blockers_new,
        blockers_cleared=blockers_cleared,
        actions_done=_actions(cmp.actions_done, titles),
        actions_new=_actions(cmp.actions_new, titles),
        not_compared=list(cmp.not_compared),
        sentences=[],
    )
    out.sentences.extend(since_sentences(out))
    return out


def _moves(moves: Sequence[Move]) -> str:
    return ", ".join(f"{m.title} {figures.signed(m.change or 0)} ({figures.text(m.before)} → {figures.text(m.after)})"
                     for m in moves)


def _listing(items: Sequence[str], limit: int) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def _action_text(a: ActionChange) -> str:
    return a.title + (f" ({', '.join(a.processes)})" if a.processes else "")


def since_sentences(s: SinceLast) -> list[str]:
    """Return the "since last quarter" paragraph as sentences, in plain words."""
    idx = s.index
    change = idx.change or 0.0
    if abs(change) < 0.05:
        first = f"Since {s.previous} the readiness index is unchanged at {idx.after:.1f}"
    else:
        verb = "rose" if change > 0 else "fell"
        first = (f"Since {s.previous} the readiness index {verb} {abs(change):.1f} points, "
                 f"from {idx.before:.1f} to {idx.after:.1f}")
    if idx.target is not None and idx.after is not None:
        gap = idx.target - idx.after
        first += f" (target {idx.target:g}: " + (f"{gap:.1f} to go)" if gap > 0 else "met)")
    verdict, band = s.verdict_before != s.verdict_after, s.band_before != s.band_after
    if verdict and band:
        first += (f"; the verdict moved from {s.verdict_before} to {s.verdict_after} and the band from "
                  f"{s.band_before} to {s.band_after}")
    elif verdict:
        first += f"; the verdict moved from {s.verdict_before} to {s.verdict_after}, the band stays {s.band_after}"
    elif band:
        first += f"; the band moved from {s.band_before} to {s.band_after}, the verdict stays {s.verdict_after}"
    else:
        first += f"; band ({s.band_after}) and verdict ({s.verdict_after}) are unchanged"
    out = [first + "."]
    if s.gains:
        out.append(f"Biggest gains: {_moves(s.gains)}.")
    down = len(s.answers_down)
    answers = f"{down} {'answer' if down == 1 else 'answers'} went down (see the trend section)" if down else ""
    if s.drops:
        more = f" and {len(s.drops) - 3} more" if len(s.drops) > 3 else ""
        out.append(f"Down: {_moves(s.drops[:3])}{more}" + (f"; {answers}." if answers else "."))
    else:
        out.append("No criterion, process or sin score fell" + (f", though {answers}." if answers else "."))
    if s.blockers_cleared:
        out.append(f"{'Blocker' if len(s.blockers_cleared) == 1 else 'Blockers'} cleared: "
                   f"{_listing(s.blockers_cleared, 3)}.")
    if s.blockers_new:
        out.append(f"New {'blocker' if len(s.blockers_new) == 1 else 'blockers'}: {_listing(s.blockers_new, 3)}.")
    if s.risks_resolved or s.risks_appeared:
        text = f"Lower risk: {_listing(s.risks_resolved, 4)}" if s.risks_resolved else "No risk went down"
        text += f"; higher risk: {_listing(s.risks_appeared, 4)}" if s.risks_appeared else "; no risk went up"
        out.append(text + ".")
    else:
        out.append("No risk level changed.")
    done, new = s.actions_done, s.actions_new
    if done or new:
        one = len(done) == 1
        text = (f"{len(done)} {'action' if one else 'actions'} of {s.previous} {'is' if one else 'are'} done, "
                f"such as {_listing([_action_text(a) for a in done], 1)}" if done
                else f"No action of {s.previous} is done yet")
        text += (f"; {len(new)} {'is' if len(new) == 1 else 'are'} new: {_listing([_action_text(a) for a in new], 2)}"
                 if new else "; none is new")
        out.append(text + ".")
    if s.not_compared:
        out.append(f"Not compared: {'; '.join(s.not_compared)}.")
    return out


def trend_view(snaps: Sequence[Snapshot], at: int, more_notes: Sequence[str] = ()) -> TrendView:
    """Return every assessment's index, criteria, processes and sins over time; ``at`` is this report's.

    The notes are the trend's own (questionnaire versions across the history) followed by those of
    ``more_notes`` (the comparison with the previous assessment) that the trend does not already make.
    """
    cur = snaps[at]
    goals = cur.card.targets or {**cur.questionnaire.scoring.targets, **cur.assessment.targets}

    def series(sid: str, title: str, kind: str, values: list[float | None]) -> TrendSeries:
        values = [figures.data(v) for v in values]
        now = values[at]
        prev = values[at - 1] if at > 0 else None
        first = next((v for v in values[: at + 1] if v is not None), None)
        return TrendSeries(sid, title, kind, values,
                           figures.change(now, prev, _digits(kind)),
                           None if at == 0 else figures.change(now, first, _digits(kind)),
                           goals.get(sid))

    def proc(x: Snapshot, pid: str) -> float | None:
        return next((p.score for p in x.card.processes if p.id == pid), None)

    def sin(x: Snapshot, sid: str) -> float | None:
        return next((s.score for s in x.card.sins if s.id == sid), None)

    rows = [series("index", "Readiness index", "index", [x.card.index for x in snaps])]
    rows += [series(c.id, c.title, "criterion", [x.card.criteria.get(c.id) for x in snaps])
             for c in cur.questionnaire.criteria]
    rows += [series(p.id, p.title, "process", [proc(x, p.id) for x in snaps]) for p in cur.card.processes]
    rows += [series(s.id, s.title, "sin", [sin(x, s.id) for x in snaps]) for s in cur.card.sins]
    notes = trend(cur.assessment.client, snaps).notes
    notes += [n for n in more_notes if not any(n in t for t in notes)]
    return TrendView([x.label for x in snaps], rows, notes)


def target_views(current: Snapshot, previous: Snapshot | None) -> list[TargetView]:
    """Return the scores that have a target: how far each is from it, and how it moved since last time."""
    criteria = {c.id for c in current.questionnaire.criteria}

    def earlier(sid: str) -> float | None:
        if previous is None:
            return None
        if sid == "index":
            return previous.card.index
        if sid in previous.card.criteria:
            return previous.card.criteria[sid]
        return next((s.score for s in previous.card.sins if s.id == sid), None)

    out = []
    for d in target_progress(current):
        kind = "index" if d.id == "index" else "criterion" if d.id in criteria else "sin"
        now, before = figures.data(d.after), figures.data(earlier(d.id))
        goal = d.target if d.target is not None else 0.0
        out.append(TargetView(d.id, d.title, kind, now, goal,
                              None if now is None else figures.gap(now, goal, _digits(kind)),
                              now is not None and figures.met(now, goal, _digits(kind)), before,
                              figures.change(now, before, _digits(kind))))
    return out


def _prepared_by(brand: Any, assessment: Assessment) -> str:
    """Return who the report is from: the brand's firm, or without a brand the people who interviewed."""
    from crmcheck.brand import DEFAULT_BRAND

    if brand is not DEFAULT_BRAND:
        return str(brand.firm)
    people = list(dict.fromkeys(r.interviewer for r in assessment.respondents if r.interviewer))
    if not people:
        return "The assessment team"
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def methodology(q: Questionnaire, stage: str | None = None) -> Methodology:
    """Return the method as the questionnaire defines it at a stage: weights, bands, thresholds, rules."""
    s = q.scoring
    first_scale = q.scales[q.criteria[0].questions[0].scale]
    critical = []
    for item in sorted(q.item_index.by_id.values(), key=lambda i: i.order):
        crit = item.question.critical
        if crit is not None and q.asks(item, stage):
            critical.append((item.question.id, item.question.text, crit.below,
                             "No-go" if crit.caps == "no-go" else "Conditional"))
    return Methodology(
        questionnaire=q.ref,
        title=q.title,
        section_processes=s.sections.processes,
        section_programme=s.sections.programme,
        criteria=[Weighted(c.id, c.title, c.weight, len(c.questions)) for c in q.criteria],
        sins=[Weighted(x.id, x.title_at(stage), x.weight_at(stage), len(x.questions)) for x in q.sins],
        scale=[ScaleLevel(lv.value, lv.label, lv.descriptor) for lv in first_scale.levels],
        bands=[Range(x.name, x.from_, x.to, x.description) for x in sorted(s.bands, key=lambda x: x.from_)],
        risk_levels=[Range(x.name, x.from_, x.to, x.description)
                     for x in sorted(s.risk_levels, key=lambda x: x.from_)],
        go_min_index=s.verdict.go.min_index,
        go_max_risk=s.verdict.go.max_risk,
        conditional_min_index=s.verdict.conditional.min_index,
        dont_know=s.dont_know,
        disagreement_levels=s.disagreement_levels,
        programme_importance=s.programme_importance,
        critical=critical,
        rules=len(q.rules),
        questions_per_process=sum(len(c.questions) for c in q.criteria),
    )
