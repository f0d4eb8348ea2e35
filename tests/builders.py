"""Small builders shared by the scoring, plan and property tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from crmcheck.answers import Answer, Assessment, Respondent, ScopedProcess
from crmcheck.questionnaire import PROGRAMME, Questionnaire, load_questionnaire

DATA = Path(__file__).parent / "data"


def mini() -> Questionnaire:
    """Return the small test questionnaire."""
    return load_questionnaire(DATA / "mini.yaml")


def answer(value: Any) -> Answer:
    """Turn 3, 'dont_know', 'na' or an Answer into an Answer."""
    if isinstance(value, Answer):
        return value
    if isinstance(value, int):
        return Answer(level=value)
    return Answer(kind=value)


def assessment(
    q: Questionnaire,
    respondents: dict[str, dict[str, dict[str, Any]]],
    processes: list[str] | None = None,
    importance: dict[str, int] | None = None,
) -> Assessment:
    """Build an assessment: respondents maps name -> group (process id or 'programme') -> answers."""
    importance = importance or {}
    scoped = []
    for pid in processes if processes is not None else [p.id for p in q.processes]:
        proc = q.process(pid)
        if proc is None:
            scoped.append(ScopedProcess(pid, pid.title(), importance.get(pid, 3), custom=True))
        else:
            scoped.append(ScopedProcess(pid, proc.title, importance.get(pid, proc.importance)))
    people = []
    for name, groups in respondents.items():
        r = Respondent(name, "Role", "Dept")
        for group, answers in groups.items():
            for qid, value in answers.items():
                r.answers[(group, qid)] = answer(value)
        people.append(r)
    return Assessment("Acme", "2026-Q4", dt.date(2026, 11, 20), q.ref, scoped, people)


def everything(q: Questionnaire, value: int | str, processes: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return one respondent's answers giving ``value`` to every question in scope."""
    pids = processes if processes is not None else [p.id for p in q.processes]
    groups: dict[str, dict[str, Any]] = {}
    for pid in pids:
        groups[pid] = {i.question.id: value for i in q.process_items(pid)}
    groups[PROGRAMME] = {i.question.id: value for i in q.programme_items()}
    return groups


def plan_lines(paths: list[Path]) -> str:
    """Return each answers file's index, verdict, biggest risks and ranked plan, as golden-file text."""
    from crmcheck.assess import judge, load_answers_file

    lines = []
    for path in paths:
        j = judge(*load_answers_file(path))
        lines.append(f"# {j.assessment.label}: {j.card.index} {j.card.verdict}; top risks "
                     + ", ".join(f"{r.key} {r.severity}" for r in j.findings.top_risks))
        for n, a in enumerate(j.plan.actions, start=1):
            flags = "".join(f for f, on in (("L", a.leads), ("B", a.clears_blocker), ("T", a.thin)) if on)
            lines.append(f"{n:>2} {a.rule} {a.priority} {flags or '-'} [{', '.join(a.processes)}] {a.owner}")
    return "\n".join(lines) + "\n"
