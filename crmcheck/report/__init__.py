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
TEXT_NAMES = {"html": "HTML", "md": "Markdown", "json": "JSON"}


@dataclass(frozen=True)
class ReportResult:
    """What ``make_report`` wrote."""

    path: Path
    format: str
    pages: int | None
    size: int
    refused: list[str] = field(default_factory=list)
    text: str | None = None  # the report itself, when it was asked for as text (``out=None``)


def default_output(client: str, label: str, fmt: str) -> Path:
    """Return the default file name of a report: ``northwind-tools-2026-q4-readiness.pdf``."""
    from crmcheck.answers import slugify

    return Path(f"{slugify(client)}-{slugify(label)}-readiness{EXTENSIONS[fmt]}")


def make_report(
    q: Questionnaire,
    assessment: Assessment,
    *,
    out: Path | None,
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
    """Score an assessment and write its report as PDF, HTML, Markdown or JSON to ``out``.

    With ``out=None`` a text format is returned in the result instead of written (standard output).
    """
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
    if fmt == "json" and out is not None:
        step("Writing JSON")
        return _write_json(out, ctx)
    if fmt != "pdf":
        text = report_text(ctx, brand, fmt=fmt, paper=paper, template_dir=template_dir, progress=step)
        if out is None:
            return ReportResult(Path("-"), fmt, None, len(text.encode("utf-8")), text=text)
        step(f"Writing {TEXT_NAMES[fmt]}")
        return _write_text(out, text, fmt)
    if out is None:
        raise ReportError("a PDF cannot go to standard output; give a file with -o")
    html = html_for(ctx, brand, paper=paper, template_dir=template_dir, progress=step, embed_fonts=False)
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
                       logo_data=(logo.data or None) if logo else None,
                       embed_fonts=embed_fonts)


def report_text(
    ctx: ReportContext,
    brand: Brand,
    *,
    fmt: str,
    paper: str = "a4",
    template_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Return the report as HTML, Markdown or JSON text (for a file, or for standard output)."""
    if fmt == "json":
        from crmcheck.report.render import render_json

        return render_json(ctx)
    if fmt == "md":
        from crmcheck.report.render import render_markdown

        return render_markdown(ctx, template_dir=template_dir)
    if fmt == "html":
        return html_for(ctx, brand, paper=paper, template_dir=template_dir, progress=progress, embed_fonts=True)
    raise ReportError(f"a {fmt} report is not text; write it to a file")


def _write_json(out: Path, ctx: ReportContext) -> ReportResult:
    """Write the JSON report piece by piece (``render.json_pieces``), whole or not at all."""
    from crmcheck.atomic import replacing, why_not_written
    from crmcheck.report.render import json_pieces

    size = 0
    try:
        with replacing(out) as fh:
            for piece in json_pieces(ctx):
                data = piece.encode("utf-8")
                fh.write(data)
                size += len(data)
    except OSError as exc:
        raise ReportError(why_not_written(out, exc)) from None
    return ReportResult(out, "json", None, size)


def _write_text(out: Path, text: str, fmt: str) -> ReportResult:
    from crmcheck.atomic import why_not_written, write_file

    data = text.encode("utf-8")
    try:
        write_file(out, data)  # whole or not at all: a full disk leaves the old report as it was
    except OSError as exc:
        raise ReportError(why_not_written(out, exc)) from None
    return ReportResult(out, fmt, None, len(data))
