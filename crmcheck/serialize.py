"""The documented JSON shapes of a scorecard and its action plan (``--json`` output).

Shape (``crmcheck score --json``), version 2:
``{"format": "crmcheck.scorecard/2", "questionnaire", "client", "label", "date", "stage", "index", "band",
"verdict", "headline" (the verdict in the words of the stage), "verdict_reasons" (sentences, as every
report prints them), "completeness",
"sections": {...}, "criteria": {id: score}, "targets": {key: 0-100}, "processes": [{id, title,
importance, custom, score, criteria}], "sins": [{id, title, score, risk, level}], "blockers": [...],
"disagreements": [...], "evidence_gaps": [...], "findings": {"top_risks", "risks",
"open_blockers", "not_covered", "coverage", "thin", "contradictions", "uncertainty"},
"respondents": [...], "actions": [...]}``.
Scores are 0-100 floats rounded to one decimal, or null when not assessed. Version 2 added
``findings`` and the actions' resolved ``owner``, ``thin``, ``leads`` and ``clears_blocker``;
verdict reasons became the findings' sentences.
"""

from __future__ import annotations

from typing import Any

from crmcheck.figures import data, fixed
from crmcheck.findings import Findings, Risk, Uncertainty
from crmcheck.plan import ActionPlan
from crmcheck.questionnaire import PROGRAMME
from crmcheck.scoring import Scorecard
from crmcheck.trend import trend_data

__all__ = ["comparison_data", "scorecard_data", "trend_data"]

FORMAT = "crmcheck.scorecard/2"


def _where(process: str) -> str | None:
    return None if process == PROGRAMME else process


def _risk(r: Risk) -> dict[str, Any]:
    ev = r.evidence
    return {"key": r.key, "kind": r.kind, "id": r.id, "title": r.title, "size": r.size, "shortfall": r.shortfall,
            "weight": round(r.weight, 3),
            "severity": r.severity, "level": r.level, "thin": r.thin, "blockers": [b.question for b in r.blockers],
            "evidence": {"answers": ev.answers, "respondents": ev.respondents, "questions": ev.questions,
                         "dont_know": ev.dont_know, "not_covered": ev.not_covered, "support": round(ev.support, 2)}}


def findings_data(f: Findings) -> dict[str, Any]:
    """Return the findings as JSON-ready data: the judgement every output format presents."""
    cov = f.coverage
    return {
        "top_risks": [r.key for r in f.top_risks],
        "risks": [_risk(r) for r in f.risks],
        "open_blockers": [{"process": _where(g.process), "question": g.question} for g in f.open_blockers],
        "not_covered": [{"process": _where(g.process), "question": g.question} for g in f.not_covered],
        "coverage": {"asked": cov.asked, "answered": cov.answered, "levels": cov.levels,
                     "dont_know": cov.dont_know, "not_covered": cov.not_covered},
        "thin": f.thin_areas,
        "contradictions": [{"process": _where(r.process), "question": r.question,
                            "levels": {n: {"level": a.level, "basis": a.basis or "said"}
                                       for n, a in r.answers.items() if a.level is not None}}
                           for r in f.contradictions],
        "uncertainty": _uncertainty(f.uncertainty),
    }


def _uncertainty(u: Uncertainty | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {
        "holds": u.holds,
        "low": {"index": u.low.index, "band": u.low.band, "verdict": u.low.verdict},
        "high": {"index": u.high.index, "band": u.high.band, "verdict": u.high.verdict},
        "ranges": {k: list(v) for k, v in u.ranges.items()},
        "answers": [{"respondent": h.respondent, "process": _where(h.process), "question": h.question,
                     "level": h.level, "or": h.alt} for h in u.hesitations],
    }


def scorecard_data(card: Scorecard, plan: ActionPlan, findings: Findings) -> dict[str, Any]:
    """Return the scorecard, its findings and the plan as JSON-ready data."""
    return {
        "format": FORMAT,
        "questionnaire": card.questionnaire,
        "client": card.client,
        "label": card.label,
        "date": card.date.isoformat(),
        "stage": card.stage,
        "assessed": card.assessed,  # false: nothing answered yet; index, band and verdict are null
        "index": card.index if card.assessed else None,
        "band": card.band if card.assessed else None,
        "verdict": card.verdict if card.assessed else None,
        "headline": findings.headline or None,  # the verdict in the stage's words, as every report opens
        "verdict_reasons": findings.verdict_reasons,
        "completeness": round(card.completeness, 3),
        "draft": card.draft,  # some question asked was answered by nobody
        "sections": {k: data(v) for k, v in card.sections.items()},
        "criteria": {k: data(v) for k, v in card.criteria.items()},
        "targets": dict(card.targets),
        "processes": [
            {
                "id": p.id,
                "title": p.title,
                "importance": p.importance,
                "custom": p.custom,
                "score": data(p.score),
                "criteria": {k: data(v) for k, v in p.criteria.items()},
            }
            for p in card.processes
        ],
        "sins": [
            {"id": s.id, "title": s.title, "score": data(s.score), "risk": data(s.risk), "level": s.level}
            for s in card.sins
        ],
        "blockers": [
            {"process": _where(b.process), "question": b.question, "value": round(b.value, 2),
             "below": b.below, "caps": b.caps, "reason": b.reason}
            for b in card.blockers
        ],
        "disagreements": [
            {
                "process": _where(r.process),
                "question": r.question,
                "spread": r.spread,
                "levels": {name: a.level for name, a in r.answers.items() if a.level is not None},
            }
            for r in findings.disagreements
        ],
        "evidence_gaps": [{"process": _where(r.process), "question": r.question} for r in card.evidence_gaps],
        "findings": findings_data(findings),
        "respondents": [
            {"name": r.name, "role": r.role, "department": r.department,
             "answered": r.answered, "asked": r.asked, "dont_know": r.dont_know}
            for r in card.respondents
        ],
        "actions": [
            {
                "rank": i,
                "rule": a.rule,
                "title": a.title,
                "priority": a.priority,
                "horizon": a.horizon,
                "impact": a.recommendation.impact,
                "effort": a.recommendation.effort,
                "owner": a.owner,
                "thin": a.thin,
                "leads": a.leads,
                "clears_blocker": a.clears_blocker,
                "processes": a.processes,
                "rationale": a.recommendation.rationale,
                "steps": list(a.recommendation.steps),
                "because": [t.text for t in a.triggers],
            }
            for i, a in enumerate(plan.actions, start=1)
        ],
    }


def _delta(d: Any) -> dict[str, Any]:
    before, after = data(d.before), data(d.after)
    # The change of the figures given, so before + change = after in the JSON too.
    change = None if before is None or after is None else fixed(after - before, 1)
    out = {"id": d.id, "title": d.title, "before": before, "after": after, "change": change}
    if d.target is not None:
        out["target"] = d.target
    return out


def comparison_data(c: Any) -> dict[str, Any]:
    """Return a ``history.Comparison`` as JSON-ready data (format crmcheck.comparison/1)."""

    def side(s: Any) -> dict[str, Any]:
        return {"label": s.assessment.label, "date": s.assessment.date.isoformat(),
                "questionnaire": s.questionnaire.ref, "index": s.card.index, "band": s.card.band,
                "verdict": s.card.verdict}

    return {
        "format": "crmcheck.comparison/1",
        "client": c.after.assessment.client,
        "before": side(c.before),
        "after": side(c.after),
        "index": _delta(c.index),
        "criteria": [_delta(d) for d in c.criteria],
        "processes": [_delta(d) for d in c.processes],
        "sins": [{**_delta(d), "level_before": d.level_before, "level_after": d.level_after} for d in c.sins],
        "answers": [
            {"process": a.process, "question": a.question, "before": a.before, "after": a.after,
             "respondents": [{"name": n, "before": b, "after": x} for n, b, x in a.respondents]}
            for a in c.answers
        ],
        "risks_appeared": c.risks_appeared,
        "risks_resolved": c.risks_resolved,
        "actions_done": [{"rule": a.rule, "title": a.title, "processes": list(a.processes)} for a in c.actions_done],
        "actions_new": [{"rule": a.rule, "title": a.title, "processes": list(a.processes)} for a in c.actions_new],
        "targets": [_delta(d) for d in c.targets],
        "not_compared": c.not_compared,
    }
