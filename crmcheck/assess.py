"""High-level entry points that chain the pure stages: load, score, plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmcheck.answers import Assessment, load_answers, read_questionnaire_ref
from crmcheck.errors import AnswersError
from crmcheck.findings import Findings, find
from crmcheck.plan import ActionPlan, build_action_plan
from crmcheck.questionnaire import Questionnaire, find_questionnaire, load_questionnaire
from crmcheck.scoring import Scorecard, score


def load_answers_file(answers: Path, questionnaire: Path | None = None) -> tuple[Questionnaire, Assessment]:
    """Load an answers file with its questionnaire (given, or the built-in one it names)."""
    if questionnaire is None:
        ref = read_questionnaire_ref(answers)
        if ref is None:
            raise AnswersError([f"{answers}:1:1: required field 'questionnaire' is missing "
                                "(expected id@version, e.g. crm-readiness@1.0)"])
        questionnaire = find_questionnaire(ref)
    q = load_questionnaire(questionnaire)
    return q, load_answers(answers, q)


@dataclass(frozen=True)
class Judged:
    """An assessment with everything worked out from it: scorecard, findings, action plan."""

    questionnaire: Questionnaire
    assessment: Assessment
    card: Scorecard
    findings: Findings
    plan: ActionPlan


def judge(q: Questionnaire, assessment: Assessment) -> Judged:
    """Score an assessment, find what it means and plan what to do."""
    card = score(q, assessment)
    return Judged(q, assessment, card, find(q, card, assessment), build_action_plan(q, card))


def score_answers_file(answers: Path, questionnaire: Path | None = None) -> Judged:
    """Load an answers file and judge it."""
    return judge(*load_answers_file(answers, questionnaire))
