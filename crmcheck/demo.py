"""``crmcheck demo``: a sample company's quarters, stored and rendered as a report.

Two samples ship with the questionnaires. The default, Northwind Components, is a fictional
distributor of industrial parts before it selects a CRM: six processes, four respondents from
sales, marketing, service and IT who see things differently, assessed in 2026-Q2, Q3 and Q4.
Tern Software, a subscription software company fourteen months after its CRM went live, shows
what the tool asks and advises once a system is in use (2026-Q3 and Q4). The report is the latest
quarter's, with the earlier ones as its history (trend chart, "since last quarter"), issued under
a fictional consultancy's brand that ships with the templates, unless the user has a brand of
their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crmcheck.answers import Assessment
    from crmcheck.brand import Brand
    from crmcheck.questionnaire import Questionnaire
    from crmcheck.report import ReportResult

DEFAULT_OUTPUT = Path("crmcheck-demo.pdf")


@dataclass(frozen=True)
class Sample:
    """A sample company: its answers files, oldest quarter first, and how to find it in the store."""

    key: str
    client: str
    files: tuple[str, ...]
    story: str


SAMPLES = {
    "northwind": Sample("northwind", "Northwind Components",
                        ("northwind-2026-Q2.yaml", "northwind-2026-Q3.yaml", "northwind-2026-Q4.yaml"),
                        "an industrial parts distributor before it selects a CRM, three quarters"),
    "tern": Sample("tern", "Tern Software", ("tern-2026-Q3.yaml", "tern-2026-Q4.yaml"),
                   "a subscription software company live on its CRM for a year, two quarters"),
}
DEFAULT_SAMPLE = "northwind"
QUARTERS = SAMPLES[DEFAULT_SAMPLE].files


@dataclass(frozen=True)
class DemoQuarter:
    """One quarter of the sample: its questionnaire, that questionnaire's text, and the assessment."""

    questionnaire: Questionnaire
    text: str
    assessment: Assessment


@dataclass(frozen=True)
class DemoResult:
    """What the demo wrote, and where it stored the assessments (empty without a store)."""

    report: ReportResult
    stored_id: int | None
    store_note: str | None = None
    stored_ids: list[int] = field(default_factory=list)


def demo_brand_file() -> Path:
    """Return the bundled brand file of the demo's fictional consultancy."""
    from crmcheck.resources import templates_dir

    return templates_dir() / "demo" / "brand.yaml"


def demo_files(sample: str = DEFAULT_SAMPLE) -> list[Path]:
    """Return a sample's answers files, oldest quarter first."""
    from crmcheck.resources import sample_answers

    folder = sample_answers().parent
    return [folder / name for name in SAMPLES[sample].files]


def load_quarter(answers: Path) -> DemoQuarter:
    """Load one answers file with its questionnaire and the questionnaire's text (for the store)."""
    from crmcheck.answers import read_questionnaire_ref
    from crmcheck.assess import load_answers_file
    from crmcheck.questionnaire import find_questionnaire

    q, assessment = load_answers_file(answers)
    ref = read_questionnaire_ref(answers) or q.ref
    return DemoQuarter(q, find_questionnaire(ref).read_text(encoding="utf-8"), assessment)


def load_demo(answers: Path | None = None) -> tuple[Questionnaire, str, Assessment]:
    """Return the latest sample quarter's questionnaire, that questionnaire's text, and its assessment."""
    quarter = load_quarter(answers or demo_files()[-1])
    return quarter.questionnaire, quarter.text, quarter.assessment


def load_demo_history(sample: str = DEFAULT_SAMPLE) -> list[DemoQuarter]:
    """Return every quarter of a sample, oldest first; the last is the one the report is about."""
    return [load_quarter(path) for path in demo_files(sample)]


def store_demo(db: str | None, quarters: list[DemoQuarter]) -> list[int]:
    """Store the sample's quarters, replacing earlier copies; return their ids, oldest first."""
    from crmcheck.report.sources import open_store

    with open_store(db) as store:
        return [store.import_assessment(qt.text, qt.assessment, replace=True) for qt in quarters]


def run_demo(
    out: Path,
    *,
    now: dt.datetime,
    db: str | None = None,
    store: bool = True,
    brand: Brand | None = None,
    progress: Callable[[str], None] | None = None,
    sample: str = DEFAULT_SAMPLE,
    paper: str = "a4",
) -> DemoResult:
    """Store the sample's quarters (when a store is available) and write the latest one's PDF to ``out``."""
    from crmcheck.brand import load_brand
    from crmcheck.errors import StoreError
    from crmcheck.report import make_report

    step = progress or (lambda _name: None)
    folder = out.parent
    if not folder.is_dir():  # all or nothing: refuse before anything is stored
        from crmcheck.errors import BadInputError

        raise BadInputError(f"folder {folder} does not exist; create it or write the report elsewhere with -o")
    step("Loading the sample company")
    quarters = load_demo_history(sample)
    *earlier, latest = quarters
    stored: list[int] = []
    note: str | None = None
    if store:
        step("Storing the assessments")
        try:
            stored = store_demo(db, quarters)
        except StoreError as exc:
            note = str(exc)
    report = make_report(latest.questionnaire, latest.assessment, out=out, now=now, fmt="pdf", paper=paper,
                         brand=brand or load_brand(demo_brand_file()),
                         history=[(qt.questionnaire, qt.assessment) for qt in earlier], progress=step)
    return DemoResult(report, stored[-1] if stored else None, note, stored)
