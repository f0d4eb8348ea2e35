"""Where a report's assessment comes from: an answers file, or the store (with its history).

The store (``crmcheck.store``) is imported only here and only when a report names a stored
assessment, so reports from answers files work without it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmcheck.answers import Assessment
from crmcheck.errors import StoreError
from crmcheck.questionnaire import Questionnaire


@dataclass(frozen=True)
class ReportSource:
    """An assessment to report on, its questionnaire, and earlier assessments of the client."""

    questionnaire: Questionnaire
    assessment: Assessment
    history: list[tuple[Questionnaire, Assessment]] = field(default_factory=list)
    stored_id: int | None = None


def from_answers_file(answers: Path, questionnaire: Path | None = None) -> ReportSource:
    """Load an answers file (and its questionnaire) as a report source."""
    from crmcheck.assess import load_answers_file

    q, a = load_answers_file(answers, questionnaire)
    return ReportSource(q, a)


def open_store(url: str | None, *, existing: bool = False) -> Any:
    """Open the assessment store, or explain that this build has none."""
    import importlib

    try:
        store = importlib.import_module("crmcheck.store")
    except ModuleNotFoundError as exc:
        if exc.name != "crmcheck.store":
            raise
        raise StoreError("this crmcheck has no assessment store yet; report from an answers file "
                         "with --answers FILE") from None
    return store.open_store(url, existing=existing)


def from_store(store: Any, ref: str) -> ReportSource:
    """Load a stored assessment and the client's earlier assessments from the store."""
    stored = store.load(ref)
    current = (stored.assessment.date, stored.assessment.label)
    history: list[tuple[Questionnaire, Assessment]] = []
    for info in store.assessments(client=stored.assessment.client):
        if info.id == stored.id:
            continue
        if (_as_date(info.date), str(info.label)) >= current:
            continue
        earlier = store.load(str(info.id))
        history.append((earlier.questionnaire, earlier.assessment))
    return ReportSource(stored.questionnaire, stored.assessment, history, stored.id)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
