"""`crmcheck report` and `crmcheck demo`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from crmcheck.cli import settings
from crmcheck.cli.complete import complete_ref
from crmcheck.textsafe import terminal_text

FORMATS = ("pdf", "html", "md", "json")
PAPERS = ("a4", "letter")
VARIANTS = ("pdf/a-3b", "pdf/ua-1")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """Show rendering steps on stderr while the report is made (not when piped).

    The bar pulses rather than fills: how many steps a PDF takes depends on how many parts it
    is laid out in, which is known only once the HTML is.
    """
    import sys

    if not enabled or not sys.stderr.isatty():
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Starting", total=None)

        def step(name: str) -> None:
            bar.update(task, description=name)

        yield step


SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def output_format(output: Path | None, fmt: str | None) -> str:
    """Return the format to write: the one asked for, which the -o file's extension must not contradict."""
    if output is None or str(output) == "-":
        return fmt or "pdf"
    implied = SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        if implied is None:
            raise click.UsageError(f"cannot tell the format from '{output.name}'; end it in .pdf, .html, .md or "
                                   ".json, or give --format")
        return implied
    if implied is not None and implied != fmt:
        raise click.UsageError(f"-o {output.name} names a {implied} file but --format is {fmt}; change one of them")
    return fmt


def _user_config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("crmcheck"))


def _brand(brand_file: Path | None) -> object:
    from crmcheck.brand import resolve_brand

    return resolve_brand(brand_file, _user_config_dir())


def _done(result: object, what: str) -> None:
    from crmcheck.report import ReportResult

    assert isinstance(result, ReportResult)
    size = f"{result.size / 1000:.0f} kB" if result.size >= 1000 else f"{result.size} bytes"
    pages = f"{result.pages} pages, " if result.pages else ""
    click.echo(terminal_text(f"{what}: {result.path} ({pages}{size})"), err=True)
    if result.refused:
        click.echo(terminal_text(f"Not fetched ({len(result.refused)}): " + ", ".join(sorted(set(result.refused))[:5])),
                   err=True)


@click.command("report")
@click.argument("ref", required=False, shell_complete=complete_ref)
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Report on an answers file instead of a stored assessment.")
@click.option("-q", "--questionnaire", "questionnaire_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Questionnaire file for --answers (default: the built-in one the file names).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the report (default: CLIENT-LABEL-readiness.EXT here; '-' for stdout "
                   "with md, json and html).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="pdf to send, html (the same document), md for wikis and e-mail, json for data. "
                   "Default: from the -o file's extension, else pdf.")
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True, help="Page size of the PDF.")
@click.option("--brand", "brand_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Brand file (YAML: firm, author, logo, primary, accent, cover_line, disclaimer, contact; "
                   "see crmcheck brand validate). Default: "
                   "brand.yaml in the crmcheck config folder, if there is one.")
@click.option("--template-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of templates or a report.css that override the built-in ones, file by file.")
@click.option("--pdf-variant", type=click.Choice(VARIANTS),
              help="pdf/a-3b for archiving, pdf/ua-1 for accessibility (a tagged PDF).")
@click.pass_context
def report(ctx: click.Context, ref: str | None, answers_file: Path | None, questionnaire_file: Path | None,
           output: Path | None, fmt: str, paper: str, brand_file: Path | None, template_dir: Path | None,
           pdf_variant: str | None) -> None:
    """Write the readiness report of an assessment: PDF, HTML, Markdown or JSON.

    The report answers on its first page whether the organisation is ready for CRM and what to
    fix first, then shows the scorecard, the seven deadly sins, a page per process, the
    30/60/90-day action plan, disagreements, the trend, the methodology and every answer.

    A brand file puts your firm on it; without --brand, crmcheck uses brand.yaml from its
    config folder (on Linux ~/.config/crmcheck/) when there is one.

    \b
    Examples:
      crmcheck report acme/2026-Q4
      crmcheck report --answers answers.yaml -o acme.pdf --brand ~/harbour/brand.yaml
      crmcheck report 7 --format md -o - | less
      crmcheck report acme/2026-Q4 --paper letter --pdf-variant pdf/a-3b
    """
    import sys

    from crmcheck.report import default_output, make_report
    from crmcheck.report.sources import from_answers_file, from_store, open_store

    if (ref is None) == (answers_file is None):
        raise click.UsageError("give either a stored assessment (REF) or an answers file (--answers FILE)")
    fmt = output_format(output, fmt)
    if questionnaire_file is not None and answers_file is None:
        raise click.UsageError("--questionnaire goes with --answers")
    if pdf_variant is not None and fmt != "pdf":
        raise click.UsageError("--pdf-variant applies to --format pdf only")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and fmt == "pdf":
        raise click.UsageError("a PDF cannot go to stdout; give a file with -o")

    brand = _brand(brand_file)
    if answers_file is not None:
        source = from_answers_file(answers_file, questionnaire_file)
    else:
        assert ref is not None
        source = from_store(open_store(settings(ctx).db, existing=True), ref)
    a = source.assessment
    if to_stdout:
        result = make_report(source.questionnaire, a, out=None, now=dt.datetime.now(), fmt=fmt, paper=paper,
                             brand=brand, template_dir=template_dir, history=source.history)  # type: ignore[arg-type]
        sys.stdout.write(result.text or "")
        return
    out = output or default_output(a.client, a.label, fmt)
    with _progress(True) as step:
        result = make_report(source.questionnaire, a, out=out, now=dt.datetime.now(), fmt=fmt, paper=paper,
                             brand=brand, template_dir=template_dir, variant=pdf_variant,  # type: ignore[arg-type]
                             history=source.history, progress=step)
    _done(result, "Report written")


@click.command("demo")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("crmcheck-demo.pdf"),
              show_default=True, help="Where to write the sample report.")
@click.option("--brand", "brand_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Issue the sample report under your own brand file.")
@click.option("--no-store", is_flag=True, help="Only write the PDF; do not keep the sample in the store.")
@click.option("--sample", type=click.Choice(["northwind", "tern"]), default="northwind", show_default=True,
              help="northwind: before it selects a CRM; tern: live on its CRM for a year.")
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True, help="Page size of the PDF.")
@click.pass_context
def demo(ctx: click.Context, output: Path, brand_file: Path | None, no_store: bool, sample: str, paper: str) -> None:
    """Write the readiness report of a sample company: the quickest way to see what crmcheck does.

    Northwind Components, a fictional distributor of industrial parts that has not chosen a CRM
    yet, had four people interviewed — from sales, marketing, service and IT — about six of its
    customer-facing processes, in three successive quarters. Tern Software (--sample tern) has been
    live on its CRM for a year: a live programme is asked and told different things. crmcheck
    stores the sample's assessments (see them with `crmcheck list` and `crmcheck trend northwind`)
    and writes the latest quarter's PDF report, with the trend since the first, issued by a
    fictional consultancy.

    \b
    Examples:
      crmcheck demo
      crmcheck demo --sample tern -o tern.pdf   # a company live on its CRM
      crmcheck demo -o /tmp/northwind.pdf --paper letter
      crmcheck demo --brand ~/harbour/brand.yaml   # see the report under your brand
    """
    from crmcheck.brand import BRAND_FILE, load_brand
    from crmcheck.demo import run_demo

    # Your own brand (given, or in the config folder) if you have one; else the demo's consultancy.
    config_brand = _user_config_dir() / BRAND_FILE
    brand_path = brand_file or (config_brand if config_brand.is_file() else None)
    brand = load_brand(brand_path) if brand_path is not None else None
    with _progress(True) as step:
        result = run_demo(output, now=dt.datetime.now(), db=settings(ctx).db, store=not no_store,
                          brand=brand, progress=step, sample=sample, paper=paper)
    _done(result.report, "Sample report written")
    if result.stored_id is not None:
        ids = ", ".join(str(i) for i in result.stored_ids)
        click.echo(f"Stored {len(result.stored_ids)} quarters as assessments {ids}; compare them with  "
                   f"crmcheck trend {sample}  or render one again with  crmcheck report {result.stored_id} "
                   "--format html", err=True)
    elif result.store_note:
        click.echo(f"Not stored: {result.store_note}", err=True)
    click.echo("Next: assess your own organisation with  crmcheck interview --client \"Your company\"", err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(report)
    group.add_command(demo)
