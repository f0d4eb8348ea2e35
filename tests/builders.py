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


def big_questionnaire_text(questions: int = 2000, *, criteria: int = 10, sins: int = 10) -> str:
    """Return a questionnaire of ``questions`` questions: nine in ten asked per process, one in ten per sin.

    Every third question shows only when the one before is at least 1 (show_if), as real ones do.
    """
    levels = "\n".join(f"      - {{value: {v}, label: L{v}, descriptor: Level {v}.}}" for v in range(5))
    per_criterion = questions * 9 // 10 // criteria
    per_sin = (questions - per_criterion * criteria) // sins

    def block(prefix: str, n: int) -> str:
        out = []
        for i in range(n):
            show = f"\n        show_if: {{question: {prefix}-{i - 1}, at_least: 1}}" if i % 3 == 2 else ""
            out.append(f"      - id: {prefix}-{i}\n        text: Question {prefix} {i}?\n        scale: m{show}")
        return "\n".join(out)

    crits = "\n".join(f"  - id: c{c}\n    title: Criterion {c}\n    description: d.\n    questions:\n"
                      + block(f"c{c}", per_criterion) for c in range(criteria))
    sin_text = "\n".join(f"  - id: s{s}\n    title: Sin {s}\n    description: d.\n    questions:\n"
                         + block(f"s{s}", per_sin) for s in range(sins))
    return f"""id: big
version: "1"
title: Big questionnaire
description: Scale test.
scales:
  m:
    levels:
{levels}
criteria:
{crits}
processes:
  - id: sales
    title: Sales
    description: d.
sins:
{sin_text}
scoring:
  sections: {{processes: 3, programme: 2}}
  bands:
    - {{name: Not ready, from: 0, to: 50}}
    - {{name: Ready, from: 50, to: 100}}
  risk_levels:
    - {{name: low, from: 0, to: 50}}
    - {{name: high, from: 50, to: 100}}
  verdict:
    go: {{min_index: 70, max_risk: low}}
    conditional: {{min_index: 45}}
"""


def edit_question(q: Questionnaire, question_id: str, **changes: Any) -> Questionnaire:
    """Return ``q`` with one question's fields changed (stages, critical…), validated afresh."""
    def edit(group: Any) -> Any:
        return group.model_copy(update={"questions": [qu.model_copy(update=changes) if qu.id == question_id else qu
                                                      for qu in group.questions]})

    data = q.model_dump(by_alias=True)
    for key in ("criteria", "processes", "sins"):
        data[key] = [edit(g).model_dump(by_alias=True) for g in getattr(q, key)]
    return Questionnaire.model_validate(data)
