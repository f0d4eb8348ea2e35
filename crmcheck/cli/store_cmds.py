"""Commands around the assessment store: interview, list, show, answers import/export, delete, store copy."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from crmcheck.cli import settings
from crmcheck.cli.complete import complete_client, complete_ref
from crmcheck.textsafe import json_text, terminal_text


@click.command("list")
@click.option("--client", help="Only this client's assessments (name or slug).", shell_complete=complete_client)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, client: str | None, as_json: bool) -> None:
    """List stored assessments: client, label, date, respondents, completion and index.

    \b
    Examples:
      crmcheck list
      crmcheck list --client acme --json
    """
    from crmcheck.store_summary import sqlite_path, summaries

    db = settings(ctx).db
    path = sqlite_path(db)
    if db and path is not None and not path.is_file():  # a mistyped --db is not an empty store
        from crmcheck.store import missing_store

        missing_store(db)
    fast = [] if path is not None and not path.is_file() else summaries(db, client, full=False)
    if fast is not None:
        rows = [{"id": s.id, "client": s.client, "label": s.label, "date": s.date.isoformat(), "status": s.status,
                 "questionnaire": s.questionnaire, "respondents": s.respondents,
                 "completeness": round(s.completeness, 3), "index": s.index, "band": s.band, "verdict": s.verdict,
                 "stage": s.stage}
                for s in fast]
    else:
        from crmcheck.store import open_store

        rows = [{"id": i.id, "client": i.client, "label": i.label, "date": i.date.isoformat(), "status": i.status,
                 "questionnaire": i.questionnaire_ref, "respondents": i.respondents,
                 "completeness": round(i.completeness, 3), "index": i.index, "band": i.band, "verdict": i.verdict,
                 "stage": i.stage}
                for i in open_store(db).assessments(client)]
    if as_json:
        click.echo(json_text(rows))
        return
    if not rows:
        who = f" of '{terminal_text(client)}'" if client else ""
        click.echo(f"No assessments{who} yet. Start one with: crmcheck interview --client \"Acme Ltd\"  "
                   "(or try: crmcheck demo)")
        return
    # Fit the terminal (piped: 120 columns): the stage column goes first, then the date, then the
    # reference narrows.
    width = shutil.get_terminal_size((120, 24)).columns if os.isatty(1) else 120
    with_stage, with_date = width >= 100, width >= 80
    room = max(16, min(34, width - 1 - 42 - (12 if with_date else 0) - (18 if with_stage else 0)))
    date_head = f" {'date':<10}" if with_date else ""
    click.echo(f"{'id':>4}  {'client / label':<{room}}{date_head}  {'status':<11} {'resp':>4} {'done':>5} "
               f"{'index':>12}" + ("  stage" if with_stage else ""))
    for r in rows:
        ref = terminal_text(f"{r['client']}/{r['label']}")
        ref = ref if len(ref) <= room else ref[: room - 1] + "…"
        index = "not assessed" if r["index"] is None else f"{r['index']:.1f}"
        stage = f"  {terminal_text(r['stage'] or '-')}" if with_stage else ""
        date = f" {r['date']:<10}" if with_date else ""
        click.echo(f"{r['id']:>4}  {ref:<{room}}{date}  {r['status']:<11} {r['respondents']:>4} "
                   f"{r['completeness']:>5.0%} {index:>12}{stage}")


@click.command("show")
@click.argument("ref", shell_complete=complete_ref)
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON (same shape as score --json).")
@click.option("--actions", type=click.IntRange(0), default=5, show_default=True, help="How many first actions to list.")
@click.pass_context
def show_cmd(ctx: click.Context, ref: str, as_json: bool, actions: int) -> None:
    """Show the scorecard of stored assessment REF (an id or client/label).

    \b
    Examples:
      crmcheck show acme/2026-Q4
      crmcheck show 12 --json | jq .verdict
    """
    from crmcheck.assess import judge
    from crmcheck.store import open_store

    stored = open_store(settings(ctx).db, existing=True).load(ref)
    j = judge(stored.questionnaire, stored.assessment)
    if as_json:
        from crmcheck.serialize import scorecard_data

        click.echo(json_text(scorecard_data(j.card, j.plan, j.findings)))
        return
    from crmcheck.console import make_console, scorecard_renderable

    console = make_console(no_color=settings(ctx).no_color)
    console.print(scorecard_renderable(j.questionnaire, j.card, j.plan, j.findings, actions=actions,
                                       console_width=console.width))


@click.group("answers")
def answers_group() -> None:
    """Move assessments between answers files and the store.

    \b
    Examples:
      crmcheck answers import acme-2026-Q4.yaml
      crmcheck answers export acme/2026-Q4 -o acme-2026-Q4.yaml
    """


@answers_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-q", "--questionnaire", "questionnaire_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Questionnaire file (default: the built-in one the answers file names).")
@click.option("--replace", is_flag=True, help="Replace an assessment with the same client and label.")
@click.pass_context
def answers_import(ctx: click.Context, file: Path, questionnaire_file: Path | None, replace: bool) -> None:
    """Store the assessment in an answers FILE; all or nothing: a bad file changes nothing.

    \b
    Example:
      crmcheck answers import acme-2026-Q4.yaml --replace
    """
    from crmcheck.answers import read_questionnaire_ref
    from crmcheck.assess import load_answers_file
    from crmcheck.questionnaire import find_questionnaire
    from crmcheck.store import open_store

    _, assessment = load_answers_file(file, questionnaire_file)
    source = questionnaire_file or find_questionnaire(read_questionnaire_ref(file) or "")
    text = source.read_text(encoding="utf-8")
    aid = open_store(settings(ctx).db).import_assessment(text, assessment, replace=replace)
    people = len(assessment.respondents)
    click.echo(terminal_text(f"Stored {assessment.client}/{assessment.label} as assessment {aid} "
                             f"({people} respondent{'s' if people != 1 else ''}). See it with: crmcheck show {aid}"))


@answers_group.command("export")
@click.argument("ref", shell_complete=complete_ref)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
def answers_export(ctx: click.Context, ref: str, output: Path | None) -> None:
    """Write stored assessment REF as an answers file (importing it again gives the same file).

    \b
    Example:
      crmcheck answers export acme/2026-Q4 -o acme-2026-Q4.yaml
    """
    from crmcheck.answers import dump_answers
    from crmcheck.store import open_store

    stored = open_store(settings(ctx).db, existing=True).load(ref)
    text = dump_answers(stored.assessment)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text)
    click.echo(f"Wrote {output}", err=True)


def write_atomically(path: Path, text: str) -> None:
    """Write a file so that a crash, a kill or a full disk leaves the old file or the new one, never half of one."""
    from crmcheck.atomic import why_not_written, write_file
    from crmcheck.errors import BadInputError

    try:
        write_file(path, text)
    except OSError as exc:
        raise BadInputError(why_not_written(path, exc)) from None


@click.command("delete")
@click.argument("ref", shell_complete=complete_ref)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete_cmd(ctx: click.Context, ref: str, yes: bool) -> None:
    """Delete stored assessment REF with its respondents and answers.

    \b
    Examples:
      crmcheck delete acme/2026-Q3
      crmcheck delete 12 --yes
    """
    from crmcheck.errors import BadInputError
    from crmcheck.store import open_store

    store = open_store(settings(ctx).db, existing=True)
    aid, name, people, answers = store.outline(ref)
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError("delete needs confirmation; run it in a terminal or add --yes")
        if not click.confirm(terminal_text(f"Delete {name} (id {aid}) with {people} respondents and {answers} "
                                           "answers?")):
            click.echo("Nothing deleted.")
            return
    click.echo(terminal_text(f"Deleted {store.delete(str(aid))}."))


@click.group("store")
def store_group() -> None:
    """Manage assessment stores.

    \b
    Example:
      crmcheck store copy --from crmcheck.db --to postgresql://crm@db/crmcheck
    """


@store_group.command("copy")
@click.option("--from", "source", required=True, metavar="URL", help="Store to copy from (URL or SQLite path).")
@click.option("--to", "target", required=True, metavar="URL", help="Store to copy into (URL or SQLite path).")
def store_copy(source: str, target: str) -> None:
    """Copy every assessment from one store into another (same client/label is replaced).

    All or nothing: the copy is written in one transaction and kept only when every assessment
    re-scores identically on both sides.

    \b
    Example:
      crmcheck store copy --from ~/crmcheck.db --to postgresql://crm@db/crmcheck
    """
    from crmcheck.store import open_store

    src, dst = open_store(source, existing=True), open_store(target)
    done = src.copy_to(dst)

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 else ''}"

    click.echo(f"Copied {n(done.assessments, 'assessment')} of {n(done.clients, 'client')} "
               f"({n(done.respondents, 'respondent')}) from {src.where} to {dst.where}; every one re-scores "
               "identically in both stores.")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    for cmd in (list_cmd, show_cmd, answers_group, delete_cmd, store_group):
        group.add_command(cmd)
    from crmcheck.cli.interview_cmd import interview_cmd

    group.add_command(interview_cmd)
