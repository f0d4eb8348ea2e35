"""`crmcheck form`: respondent workbooks sent out, read back and followed up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crmcheck.cli import settings
from crmcheck.cli.complete import complete_ref
from crmcheck.textsafe import json_text, terminal_text

if TYPE_CHECKING:
    from crmcheck.answers import ScopedProcess


@click.group("form")
def form_group() -> None:
    """Send a respondent a workbook to fill in, and read it back into the store.

    \b
    Examples:
      crmcheck form export acme/2026-Q4 --respondent "Ana Silva" --due 2026-12-11
      crmcheck form import acme-2026-q4-ana-silva.xlsx
      crmcheck form status acme/2026-Q4
    """


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2026-12-11, got {value!r}") from None


@form_group.command("export")
@click.argument("ref", shell_complete=complete_ref)
@click.option("--respondent", "name", required=True, metavar="NAME", help="Whom the form is for.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook to write (default: CLIENT-LABEL-NAME.xlsx here).")
@click.option("--due", callback=_date, metavar="DATE", help="The date to return it by (YYYY-MM-DD).")
@click.option("--role", help="Someone new: their role (e.g. Head of Service).")
@click.option("--department", help="Someone new: their department.")
@click.option("--interviewer", help="Someone new: who sends the form and will talk to them.")
@click.option("--speaks-for", "speaks_for", metavar="PROCESSES",
              help="Comma-separated processes (ids or titles) the person speaks for "
                   "(someone new: default suggested from the department).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper the sheets are set up to print on.")
@click.pass_context
def form_export(ctx: click.Context, ref: str, name: str, output: Path | None, due: dt.date | None, role: str | None,
                department: str | None, interviewer: str | None, speaks_for: str | None, paper: str) -> None:
    """Write a workbook for one respondent of assessment REF to fill in.

    The form holds only the questions the interview would ask this person, in its order,
    filled in with what they have answered already; a front sheet says how to fill it in and
    by when. Someone not yet in the assessment is added (give --role and --department).

    \b
    Examples:
      crmcheck form export acme/2026-Q4 --respondent "Ana Silva" --due 2026-12-11
      crmcheck form export acme/2026-Q4 --respondent "Li Wei" --role "Head of Service" \\
          --department Service --speaks-for service,onboarding -o li-wei.xlsx
    """
    from crmcheck.forms import export_form
    from crmcheck.store import open_store

    store = open_store(settings(ctx).db, existing=True)
    stored = store.load(ref)
    known = any(r.name.casefold() == name.strip().casefold() for r in stored.assessment.respondents)
    processes = None
    if speaks_for is not None:
        processes = _processes(speaks_for, stored.assessment.processes)
    elif not known and department:
        from crmcheck.cli.interview_cmd import suggested_processes

        scope = stored.assessment.processes
        picked = suggested_processes(department, scope)
        processes = None if len(picked) == len(scope) else [p.id for p in scope if p.id in picked]
    result = export_form(store, ref, name, output, now=dt.datetime.now(), due=due, role=role, department=department,
                         interviewer=interviewer, speaks_for=processes, paper="letter" if paper == "letter" else "a4")
    added = " (added to the assessment)" if result.added else ""
    filled = f", {result.prefilled} filled in from earlier answers" if result.prefilled else ""
    _say(f"Wrote {result.path}: {result.questions} questions for {result.respondent}{added}{filled}; "
         f"parts: {', '.join(result.parts)}.")
    if result.reopened:
        _say(f"{result.ref} was complete; it is open again until {result.respondent}'s answers are in.")
    _say(f"When it comes back: crmcheck form import {result.path}")


def _processes(text: str, scope: list[ScopedProcess]) -> list[str]:
    from crmcheck.errors import BadInputError

    out = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        match = next((p for p in scope if raw.casefold() in (p.id.casefold(), p.title.casefold())), None)
        if match is None:
            names = ", ".join(p.id for p in scope)
            raise BadInputError(f"--speaks-for: '{raw}' is not a process in scope; use one of {names}")
        if match.id not in out:
            out.append(match.id)
    if not out:
        raise BadInputError("--speaks-for: name at least one process in scope")
    return out


@form_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Take the form's answer where it differs from one in the store.")
@click.pass_context
def form_import(ctx: click.Context, file: Path, replace: bool) -> None:
    """Read a filled-in form back into the store; all or nothing: a form with a problem changes nothing.

    Every problem is reported with its sheet and cell. Answers that differ from those already
    in the store (from the interview, or an earlier form) are listed, and replaced only with
    --replace. Empty cells leave stored answers as they are.

    \b
    Examples:
      crmcheck form import acme-2026-q4-ana-silva.xlsx
      crmcheck form import acme-2026-q4-ana-silva.xlsx --replace
    """
    from crmcheck.forms import import_form
    from crmcheck.store import open_store

    result = import_form(open_store(settings(ctx).db, existing=True), file, replace_answers=replace,
                         now=dt.datetime.now())
    parts = [f"{result.new} new", f"{result.changed} replaced", f"{result.unchanged} as stored"]
    _say(f"Imported {result.respondent}'s form into {result.ref}: {', '.join(parts)}.")
    for d in result.replaced:
        _say(f"  {d.where}: was {d.stored}, now {d.form}")
    if result.empty:
        _say(f"{result.empty} question{'s' if result.empty != 1 else ''} left empty on the form.")
    if result.not_counted:
        _say(f"{result.not_counted} answer{'s' if result.not_counted != 1 else ''} to questions that do not "
             "apply given the other answers: kept, not counted.")
    if result.complete:
        _say(f"{result.respondent} has answered everything. See the scorecard: crmcheck show {result.ref}")
    else:
        _say(f"Still open for {result.respondent}: crmcheck interview --resume {result.ref}, or send a new "
             f"form: crmcheck form export {result.ref} --respondent \"{result.respondent}\"")


@form_group.command("status")
@click.argument("ref", shell_complete=complete_ref)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def form_status_cmd(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Show who has been sent a form for assessment REF, who has returned one, and how complete each is.

    \b
    Examples:
      crmcheck form status acme/2026-Q4
      crmcheck form status acme/2026-Q4 --json
    """
    from crmcheck.forms import form_status, status_data
    from crmcheck.store import open_store

    store = open_store(settings(ctx).db, existing=True)
    stored = store.load(ref)
    rows = form_status(stored, store.respondents(stored.id), store.forms(stored.id), today=dt.date.today())
    if as_json:
        click.echo(json_text(status_data(rows)))
        return
    a = stored.assessment
    sent = sum(1 for r in rows if r.sent)
    back = sum(1 for r in rows if r.returned)
    _say(f"{a.client} {a.label}: {sent} of {len(rows)} respondents sent a form, {back} returned.")
    if not rows:
        return
    width = max(len("respondent"), *(len(r.respondent) for r in rows))
    _say(f"{'respondent':<{width}}  {'sent':<10}  {'due':<10}  {'returned':<10}  answered")
    for r in rows:
        due = (r.due.isoformat() if r.due else "-") + (" overdue" if r.overdue else "")
        _say(f"{r.respondent:<{width}}  {r.sent.date().isoformat() if r.sent else '-':<10}  {due:<10}  "
             f"{r.returned.date().isoformat() if r.returned else '-':<10}  "
             f"{r.answered} of {r.questions} ({r.percent}%)")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(form_group)


def _say(text: str) -> None:
    """Print a line that quotes names from the store or a workbook: their escapes shown, not obeyed."""
    click.echo(terminal_text(text))
