"""``crmcheck demo``: the sample company's assessment, stored and rendered as a report.

The sample is Northwind Tools, a fictional B2B supplier of industrial tools: six processes,
four respondents from sales, marketing, service and IT who see things differently. Its
answers file ships with the questionnaires (``resources.sample_answers()``); the report is
issued under a fictional consultancy's brand that ships with the templates, unless the user
has a brand of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crmcheck.answers import Assessment
    from crmcheck.brand import Brand
    from crmcheck.questionnaire import Questionnaire
    from crmcheck.report import ReportResult

DEFAULT_OUTPUT = Path("crmcheck-demo.pdf")


@dataclass(frozen=True)
class DemoResult:
    """What the demo wrote, and where it stored the assessment (None without a store)."""

    report: ReportResult
    stored_id: int | None
    store_note: str | None = None


def demo_brand_file() -> Path:
    """Return the bundled brand file of the demo's fictional consultancy."""
    from crmcheck.resources import templates_dir

    return templates_dir() / "demo" / "brand.yaml"


def load_demo(answers: Path | None = None) -> tuple[Questionnaire, str, Assessment]:
    """Return the sample's questionnaire, that questionnaire's text, and the sample assessment."""
    from crmcheck.answers import read_questionnaire_ref
    from crmcheck.assess import load_answers_file
    from crmcheck.questionnaire import find_questionnaire
    from crmcheck.resources import sample_answers

    answers = answers or sample_answers()
    q, assessment = load_answers_file(answers)
    ref = read_questionnaire_ref(answers) or q.ref
    text = find_questionnaire(ref).read_text(encoding="utf-8")
    return q, text, assessment


def store_demo(db: str | None, questionnaire_text: str, assessment: Assessment) -> int:
    """Store the demo assessment, replacing an earlier copy; return its id."""
    from crmcheck.report.sources import open_store

    return int(open_store(db).import_assessment(questionnaire_text, assessment, replace=True))


def run_demo(
    out: Path,
    *,
    now: dt.datetime,
    db: str | None = None,
    store: bool = True,
    brand: Brand | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Store the sample assessment (when a store is available) and write its PDF report to ``out``."""
    from crmcheck.brand import load_brand
    from crmcheck.errors import StoreError
    from crmcheck.report import make_report

    step = progress or (lambda _name: None)
    step("Loading the sample company")
    q, text, assessment = load_demo()
    stored_id: int | None = None
    note: str | None = None
    if store:
        step("Storing the assessment")
        try:
            stored_id = store_demo(db, text, assessment)
        except StoreError as exc:
            note = str(exc)
    report = make_report(q, assessment, out=out, now=now, fmt="pdf",
                         brand=brand or load_brand(demo_brand_file()), progress=step)
    return DemoResult(report, stored_id, note)
