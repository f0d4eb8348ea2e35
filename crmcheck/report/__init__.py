"""The readiness report: context building, rendering (HTML, Markdown, JSON) and PDF writing.

``make_report`` is the one call the CLI makes: answers in, a file out. Each stage is also usable
on its own from a REPL: ``build_context`` (data), ``render_html`` / ``render_markdown`` /
``render_json`` (text), ``write_pdf`` (WeasyPrint, imported only there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmcheck.errors import ReportError

if TYPE_CHECKING:
    from crmcheck.answers import Assessment
    from crmcheck.brand import Brand
    from crmcheck.questionnaire import Questionnaire
    from crmcheck.report.context import ReportContext

FORMATS = ("pdf", "html", "md", "json")
EXTENSIONS = {"pdf": ".pdf", "html": ".html", "md": ".md", "json": ".json"}


@dataclass(frozen=True)
class ReportResult:
    """What ``make_report`` wrote."""

    path: Path
    format: str
    pages: int | None
    size: int
    refused: list[str] = field(default_factory=list)


def default_output(client: str, label: str, fmt: str) -> Path:
    """Return the default file name of a report: ``northwind-tools-2026-q4-readiness.pdf``."""
    from crmcheck.answers import slugify

    return Path(f"{slugify(client)}-{slugify(label)}-readiness{EXTENSIONS[fmt]}")


def make_report(
    q: Questionnaire,
    assessment: Assessment,
    *,
    out: Path,
    now: dt.datetime,
    fmt: str = "pdf",
    paper: str = "a4",
    brand: Brand | None = None,
    template_dir: Path | None = None,
    variant: str | None = None,
    history: Sequence[tuple[Questionnaire, Assessment]] = (),
    generator: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Score an assessment and write its report as PDF, HTML, Markdown or JSON to ``out``."""
    from crmcheck import __version__
    from crmcheck.brand import DEFAULT_BRAND
    from crmcheck.report.context import build_context

    if fmt not in FORMATS:
        raise ReportError(f"unknown report format '{fmt}'; expected one of {', '.join(FORMATS)}")
    step = progress or (lambda _name: None)
    brand = brand or DEFAULT_BRAND
    step("Scoring the answers")
    ctx = build_context(q, assessment, now=now, brand=brand, history=history,
                        generator=generator or f"crmcheck {__version__}")
    if fmt == "json":
        from crmcheck.report.render import render_json

        step("Writing JSON")
        return _write_text(out, render_json(ctx), fmt)
    if fmt == "md":
        from crmcheck.report.render import render_markdown

        step("Writing Markdown")
        return _write_text(out, render_markdown(ctx, template_dir=template_dir), fmt)
    html = html_for(ctx, brand, paper=paper, template_dir=template_dir, progress=step, embed_fonts=fmt == "html")
    if fmt == "html":
        step("Writing HTML")
        return _write_text(out, html, fmt)
    from crmcheck.report.pdf import fetch_policy, write_pdf
    from crmcheck.report.render import template_dirs

    dirs = template_dirs(template_dir)
    logo = brand.logo.path if brand.logo else None
    policy = fetch_policy(dirs, logo)
    pages = write_pdf(html, out, policy=policy, base_url=dirs[0], variant=variant, progress=step)
    return ReportResult(out, fmt, pages, out.stat().st_size, list(policy.refused))


def html_for(
    ctx: ReportContext,
    brand: Brand,
    *,
    paper: str = "a4",
    template_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    embed_fonts: bool = True,
) -> str:
    """Render a context as the report's HTML, with the brand's logo (and unless told not to, the fonts) embedded."""
    from crmcheck.report.render import render_html

    (progress or (lambda _name: None))("Drawing charts and rendering HTML")
    logo = brand.logo
    return render_html(ctx, paper=paper, template_dir=template_dir,
                       logo=logo.path if logo else None, logo_mime=logo.mime if logo else None,
                       embed_fonts=embed_fonts)


def _write_text(out: Path, text: str, fmt: str) -> ReportResult:
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the report: {exc.strerror}; check that the folder "
                          "exists and is writable") from None
    return ReportResult(out, fmt, None, len(text.encode("utf-8")))
