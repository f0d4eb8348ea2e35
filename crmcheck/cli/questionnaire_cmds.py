"""`crmcheck questionnaire validate | show | schema`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crmcheck.cli import settings
from crmcheck.textsafe import terminal_text


@click.group("questionnaire")
def questionnaire() -> None:
    """Check, outline and describe questionnaire files.

    \b
    Examples:
      crmcheck questionnaire validate my-sector.yaml
      crmcheck questionnaire show --json > outline.json
      crmcheck questionnaire schema > crmcheck-questionnaire.schema.json
    """


@questionnaire.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def validate_cmd(files: tuple[Path, ...]) -> None:
    """Check questionnaire FILES (default: the built-in ones) and report every problem.

    Each problem is printed as FILE:LINE:COL: path: message; the exit code is 2 if any file
    has one.

    \b
    Example:
      crmcheck questionnaire validate questionnaires/*.yaml
    """
    from crmcheck.errors import QuestionnaireError
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import builtin_questionnaires

    paths = list(files) or builtin_questionnaires()
    problems: list[str] = []
    for path in paths:
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            problems += exc.problems
            continue
        n = sum(len(c.questions) for c in q.criteria)
        click.echo(terminal_text(f"{path}: ok — {q.ref}, {len(q.criteria)} criteria ({n} questions per process), "
                                 f"{len(q.processes)} processes, {len(q.sins)} sins, {len(q.rules)} rules"))
    if problems:
        raise QuestionnaireError(problems)


@questionnaire.command("show")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the questionnaire as JSON data.")
@click.pass_context
def show_cmd(ctx: click.Context, file: Path | None, as_json: bool) -> None:
    """Outline a questionnaire (default: the built-in one) with every id.

    \b
    Example:
      crmcheck questionnaire show
      crmcheck questionnaire show --json | jq '.processes[].id'
    """
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    q = load_questionnaire(file or default_questionnaire())
    if as_json:
        click.echo(json.dumps(q.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2))
        return
    from crmcheck.console import make_console, outline_renderable

    make_console(no_color=settings(ctx).no_color).print(outline_renderable(q))


@questionnaire.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the questionnaire format, for editors.

    \b
    Example (VS Code with the YAML extension, via yaml-language-server):
      crmcheck questionnaire schema > questionnaire.schema.json
      # then, first line of your questionnaire:
      # yaml-language-server: $schema=questionnaire.schema.json
    """
    from crmcheck.questionnaire import schema_text

    click.echo(schema_text())


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(questionnaire)
