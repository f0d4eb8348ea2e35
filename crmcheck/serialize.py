"""The documented JSON shapes of a scorecard and its action plan (``--json`` output).

Shape (``crmcheck score --json``), version 1:
``{"format": "crmcheck.scorecard/1", "questionnaire", "client", "label", "date", "index",
"band", "verdict", "verdict_reasons", "completeness", "sections": {...}, "criteria": {id: score},
"processes": [{id, title, importance, custom, score, criteria}], "sins": [{id, title, score,
risk, level}], "blockers": [...], "disagreements": [...], "evidence_gaps": [...],
"respondents": [...], "actions": [...]}``. Scores are 0-100 floats rounded to one decimal, or
null when not assessed.
"""

from __future__ import annotations

from typing import Any

from crmcheck.plan import ActionPlan
from crmcheck.questionnaire import PROGRAMME
from crmcheck.scoring import Scorecard

FORMAT = "crmcheck.scorecard/1"


def r1(value: float | None) -> float | None:
    """Round a score for output; keep None for 'not assessed'."""
    return None if value is None else round(value, 1)


def _where(process: str) -> str | None:
    return None if process == PROGRAMME else process


def scorecard_data(card: Scorecard, plan: ActionPlan) -> dict[str, Any]:
    """Return the scorecard and plan as JSON-ready data."""
    return {
        "format": FORMAT,
        "questionnaire": card.questionnaire,
        "client": card.client,
        "label": card.label,
        "date": card.date.isoformat(),
        "index": card.index,
        "band": card.band,
        "verdict": card.verdict,
        "verdict_reasons": card.verdict_reasons,
        "completeness": round(card.completeness, 3),
        "sections": {k: r1(v) for k, v in card.sections.items()},
        "criteria": {k: r1(v) for k, v in card.criteria.items()},
        "processes": [
            {
                "id": p.id,
                "title": p.title,
                "importance": p.importance,
                "custom": p.custom,
                "score": r1(p.score),
                "criteria": {k: r1(v) for k, v in p.criteria.items()},
            }
            for p in card.processes
        ],
        "sins": [
            {"id": s.id, "title": s.title, "score": r1(s.score), "risk": r1(s.risk), "level": s.level}
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
            for r in card.disagreements
        ],
        "evidence_gaps": [{"process": _where(r.process), "question": r.question} for r in card.evidence_gaps],
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
                "owner": a.recommendation.owner,
                "processes": a.processes,
                "rationale": a.recommendation.rationale,
                "steps": list(a.recommendation.steps),
                "because": [t.text for t in a.triggers],
            }
            for i, a in enumerate(plan.actions, start=1)
        ],
    }
