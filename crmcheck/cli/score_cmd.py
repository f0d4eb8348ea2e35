"""`crmcheck score ANSWERS.yaml`."""

from __future__ import annotations

from pathlib import Path

import click

from crmcheck.cli import settings
from crmcheck.textsafe import json_text


@click.command("score")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-q", "--questionnaire", "questionnaire_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Questionnaire file (default: the built-in one the answers file names).")
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON (shape in the README).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="N", callback=lambda _c, _p, v: _finite(v),
              help="Exit 1 if the readiness index is below N (0-100).")
@click.option("--actions", type=click.IntRange(0), default=5, show_default=True,
              help="How many first actions to list.")
@click.pass_context
def score(ctx: click.Context, answers: Path, questionnaire_file: Path | None, as_json: bool,
          fail_under: float | None, actions: int) -> None:
    """Score an answers file and print the scorecard.

    \b
    Examples:
      crmcheck score answers.yaml
      crmcheck score answers.yaml --json | jq .index
      crmcheck score answers.yaml --fail-under 60   # exit 1 below 60, e.g. in CI
    """
    from crmcheck.assess import score_answers_file
    from crmcheck.errors import ThresholdNotMet

    judged = score_answers_file(answers, questionnaire_file)
    card = judged.card
    if as_json:
        from crmcheck.serialize import scorecard_data

        click.echo(json_text(scorecard_data(card, judged.plan, judged.findings)))
    else:
        from crmcheck.console import make_console, scorecard_renderable

        console = make_console(no_color=settings(ctx).no_color)
        console.print(scorecard_renderable(judged.questionnaire, card, judged.plan, judged.findings, actions=actions,
                                           console_width=console.width))
    if fail_under is not None and card.index < fail_under:
        raise ThresholdNotMet(f"readiness index {card.index:g} is below --fail-under {fail_under:g}")


def _finite(value: float | None) -> float | None:
    """Refuse --fail-under nan, which click's range lets through and no index is ever below."""
    if value is not None and value != value:
        raise click.BadParameter("expected a number 0-100, got nan", param_hint="'--fail-under'")
    return value


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(score)
