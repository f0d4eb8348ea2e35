"""Scorecard + action plan + history -> ReportContext: the plain data every report format shows.

Templates see only these dataclasses, never store rows or pydantic models, so a report can be
built from an answers file or from the store alike, and its JSON form (``--format json``) is the
same data the PDF shows. Nothing here formats for a medium: colours, escaping and layout belong
to the templates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crmcheck.answers import Answer, Assessment
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
    top_risks: list[SinView]
    first_actions: list[ActionView]
    completeness: float
    sections: dict[str, float | None]
    respondents: int
    processes: int
    disagreements: int
    evidence_gaps: int
    actions: int
    index_target: float | None


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
    respondents: list[RespondentView]
    history: list[HistoryEntry]
    methodology: Methodology
    appendix: list[AppendixGroup]
    format: str = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)


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
            return AnswerView(name, self.short[name], self.department[name], "level", ans.level,
                              str(ans.level), "", ans.reason, ans.note)
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
                view = AnswerView(view.respondent, view.short, view.department, view.kind, view.level,
                                  view.shown, label, view.reason, view.note)
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
            owner=act.recommendation.owner,
            processes=[self.titles.get(p, p) for p in act.processes],
            process_ids=list(act.processes),
            sins=sorted(_sins_in(self.q.rules, act.rule)),
            rationale=act.recommendation.rationale,
            steps=list(act.recommendation.steps),
            because=[t.text for t in act.triggers],
        )

    def blocker_views(self, process: str | None = None) -> list[BlockerView]:
        out = []
        for b in self.card.blockers:
            if process is not None and b.process != process:
                continue
            item = self.q.question(b.question)
            out.append(BlockerView(self.where(b.process), b.question, item.question.text if item else b.question,
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
    plan = plan or build_action_plan(q, card)
    b = _Builder(q, assessment, card, plan)
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
            number=n, id=sin.id, title=sin.title, description=sin.description, weight=sin.weight,
            score=_pct(ss.score), risk=_pct(ss.risk), level=ss.level, target=targets.get(sin.id),
            questions=[v for v in programme if v.group == sin.id],
            actions=[v for v in b.actions if sin.id in v.sins],
        ))

    order = [r.name for r in sorted(q.scoring.risk_levels, key=lambda r: r.from_)]
    ranked = sorted((s for s in sins if s.risk is not None),
                    key=lambda s: (-(order.index(s.level) if s.level in order else -1), -(s.risk or 0), s.number))
    disagreements = [
        DisagreementView(b.where(r.process), r.question, _text(q, r.question), r.spread or 0,
                         None if r.value is None else round(r.value, 2),
                         [a for a in b.question(r).answers if a.kind != "none"])
        for r in card.disagreements
    ]
    gaps = [GapView(b.where(r.process), r.question, _text(q, r.question)) for r in card.evidence_gaps]
    band = next((x for x in q.scoring.bands if x.name == card.band), None)
    blockers = b.blocker_views()
    summary = Summary(
        index=card.index,
        band=card.band,
        band_description=band.description if band else None,
        verdict=card.verdict,
        verdict_reasons=list(card.verdict_reasons),
        headline=_headline(card, len(blockers)),
        blockers=blockers,
        top_risks=ranked[:3],
        first_actions=b.actions[:5],
        completeness=round(card.completeness, 3),
        sections={k: _pct(v) for k, v in card.sections.items()},
        respondents=len(assessment.respondents),
        processes=len(card.processes),
        disagreements=len(card.disagreements),
        evidence_gaps=len(card.evidence_gaps),
        actions=len(plan.actions),
        index_target=targets.get("index"),
    )
    groups = plan_by_horizon(b.actions)
    people = {r.name: r for r in assessment.respondents}
    respondents = [RespondentView(r.name, b.short[r.name], r.role, r.department, people[r.name].interviewer,
                                  r.answered, r.asked, r.dont_know) for r in card.respondents]
    appendix = [AppendixGroup(p.id, p.title, p.questions) for p in processes]
    appendix.append(AppendixGroup(PROGRAMME, "Programme (the seven deadly sins)", programme))
    history_entries = [_history_entry(hq, ha) for hq, ha in history]
    history_entries.append(HistoryEntry(assessment.label, assessment.date, q.ref, card.index, card.band,
                                        card.verdict, round(card.completeness, 3), current=True))
    history_entries.sort(key=lambda h: (h.date, h.label))
    if len(history_entries) == 1:
        history_entries = []
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
            prepared_by=brand.firm,
            author=brand.author,
            keywords=["CRM readiness", assessment.client, assessment.label, card.verdict, card.band],
        ),
        brand=BrandView(brand.firm, brand.author, brand.primary, brand.accent, brand.cover_line,
                        brand.disclaimer, brand.contact, brand.logo is not None),
        summary=summary,
        criteria=[CriterionScore(c.id, c.title, _pct(card.criteria.get(c.id)), targets.get(c.id))
                  for c in q.criteria],
        processes=processes,
        sins=sins,
        actions=b.actions,
        roadmap=groups,
        disagreements=disagreements,
        evidence_gaps=gaps,
        respondents=respondents,
        history=history_entries,
        methodology=methodology(q),
        appendix=appendix,
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


def _text(q: Questionnaire, qid: str) -> str:
    item = q.question(qid)
    return item.question.text if item else qid


def _band(q: Questionnaire, value: float) -> str:
    from crmcheck.scoring import band_for

    return band_for(q.scoring.bands, round(value, 1))


def _headline(card: Scorecard, blockers: int) -> str:
    verdict = {
        "Go": "is ready to proceed with CRM",
        "Conditional": "can proceed with CRM only once the conditions below are met",
        "No-go": "is not ready to roll out CRM yet",
    }[card.verdict]
    out = f"{card.client} {verdict}: readiness index {card.index:.1f} of 100 ({card.band})."
    if blockers:
        out += f" {blockers} blocker{'s' if blockers != 1 else ''} must be cleared first."
    return out


def _history_entry(q: Questionnaire, a: Assessment) -> HistoryEntry:
    card = score(q, a)
    return HistoryEntry(a.label, a.date, q.ref, card.index, card.band, card.verdict, round(card.completeness, 3))


def methodology(q: Questionnaire) -> Methodology:
    """Return the method as the questionnaire defines it: weights, bands, thresholds, rules."""
    s = q.scoring
    first_scale = q.scales[q.criteria[0].questions[0].scale]
    critical = []
    for item in sorted(q.item_index.by_id.values(), key=lambda i: i.order):
        crit = item.question.critical
        if crit is not None:
            critical.append((item.question.id, item.question.text, crit.below,
                             "No-go" if crit.caps == "no-go" else "Conditional"))
    return Methodology(
        questionnaire=q.ref,
        title=q.title,
        section_processes=s.sections.processes,
        section_programme=s.sections.programme,
        criteria=[Weighted(c.id, c.title, c.weight, len(c.questions)) for c in q.criteria],
        sins=[Weighted(x.id, x.title, x.weight, len(x.questions)) for x in q.sins],
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
