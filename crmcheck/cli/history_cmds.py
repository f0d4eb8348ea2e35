"""`crmcheck compare`, `crmcheck trend`, `crmcheck targets`: what moved between quarters."""

from __future__ import annotations

import json
import shutil
import sys

import click

from crmcheck.cli import settings
from crmcheck.cli.complete import complete_client, complete_ref
from crmcheck.textsafe import json_text, terminal_text


@click.command("compare")
@click.argument("ref_a", shell_complete=complete_ref)
@click.argument("ref_b", shell_complete=complete_ref)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON (shape in the README).")
@click.pass_context
def compare_cmd(ctx: click.Context, ref_a: str, ref_b: str, as_json: bool) -> None:
    """Show what moved from assessment REF_A to REF_B.

    Index, band and verdict of both; every criterion, process and sin with its change; the
    answers that changed; risks that appeared or were resolved; actions done and new ones;
    progress to target; and anything that could not be compared across questionnaire versions.

    \b
    Examples:
      crmcheck compare acme/2026-Q3 acme/2026-Q4
      crmcheck compare 12 15 --json | jq .index
    """
    from crmcheck.errors import BadInputError
    from crmcheck.history import compare
    from crmcheck.history_store import load_snapshot
    from crmcheck.store import open_store

    store = open_store(settings(ctx).db, existing=True)
    before, after = load_snapshot(store, ref_a), load_snapshot(store, ref_b)
    if store.find(ref_a) == store.find(ref_b):
        raise BadInputError(f"{ref_a} and {ref_b} are the same assessment; compare two different ones, "
                            "for instance last quarter's and this one's")
    if (after.assessment.date, after.label) < (before.assessment.date, before.label):
        # Read in the order given (going back in time is a fair question), but say so.
        click.echo(terminal_text(f"Note: {ref_a} ({before.label}) is later than {ref_b} ({after.label}); this shows "
                                 f"what moved going back from {before.label} to {after.label}. Swap them to see "
                                 "progress."), err=True)
    result = compare(before, after)
    if as_json:
        from crmcheck.serialize import comparison_data

        click.echo(json_text(comparison_data(result)))
        return
    from crmcheck.console import comparison_renderable, make_console

    make_console(no_color=settings(ctx).no_color).print(comparison_renderable(result))


@click.command("trend")
@click.argument("client", shell_complete=complete_client)
@click.option("--json", "as_json", is_flag=True, help="Print the trend as JSON (shape in the README).")
@click.pass_context
def trend_cmd(ctx: click.Context, client: str, as_json: bool) -> None:
    """Show every assessment of CLIENT in time order, with sparklines.

    \b
    Examples:
      crmcheck trend acme
      crmcheck trend "Acme Ltd" --json
    """
    from crmcheck.history_store import load_trend

    trend = load_trend(settings(ctx).db, client)
    if as_json:
        from crmcheck.trend import trend_data

        click.echo(json_text(trend_data(trend)))
        return
    from crmcheck.trend import render_trend_text

    tty = sys.stdout.isatty()
    color = not settings(ctx).no_color and tty
    width = shutil.get_terminal_size((120, 24)).columns if tty else 120
    click.echo(render_trend_text(trend, color=color, width=width))


@click.group("targets")
def targets() -> None:
    """Set or show an assessment's targets (index, criteria, sins; 0-100).

    \b
    Examples:
      crmcheck targets set acme/2026-Q4 index=70 ownership=75 no-strategy=65
      crmcheck targets show acme/2026-Q4
    """


@targets.command("set")
@click.argument("ref", shell_complete=complete_ref)
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.pass_context
def targets_set(ctx: click.Context, ref: str, pairs: tuple[str, ...]) -> None:
    """Set targets for assessment REF; KEY is index, a criterion id or a sin id; VALUE 0-100.

    A value of `-` removes the assessment's own target (the questionnaire's default applies).

    \b
    Example:
      crmcheck targets set acme/2026-Q4 index=70 ownership=75 measures=-
    """
    from crmcheck.history_store import set_targets

    result = set_targets(settings(ctx).db, ref, pairs)
    for key, value in sorted(result.items()):
        click.echo(f"{key} = {value:g}")


@targets.command("show")
@click.argument("ref", shell_complete=complete_ref)
@click.option("--json", "as_json", is_flag=True, help="Print targets and progress as JSON.")
@click.pass_context
def targets_show(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Show the targets of assessment REF and how far each score is from it.

    \b
    Example:
      crmcheck targets show acme/2026-Q4
    """
    from crmcheck.history import target_progress
    from crmcheck.history_store import load_snapshot
    from crmcheck.store import open_store

    rows = target_progress(load_snapshot(open_store(settings(ctx).db, existing=True), ref))
    # One rounding for what is shown and what the gap is computed from, as in the report.
    shown = [None if r.after is None else round(r.after, 1) for r in rows]
    gaps = [None if v is None or r.target is None else round(max(0.0, r.target - v), 1)
            for r, v in zip(rows, shown, strict=True)]
    if as_json:
        click.echo(json.dumps([{"id": r.id, "title": r.title, "score": v, "target": r.target, "met": g == 0,
                                "gap": g} for r, v, g in zip(rows, shown, gaps, strict=True)], indent=2))
        return
    if not rows:
        click.echo("No targets set. Set some with: crmcheck targets set REF index=70 ownership=75")
    for r, v, g in zip(rows, shown, gaps, strict=True):
        score = "—" if v is None else f"{v:.1f}"
        mark = "not assessed" if g is None else ("met" if g == 0 else f"{g:.1f} to go")
        click.echo(f"{terminal_text(r.title):<32} {score:>5} / {r.target:g}  {mark}")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(compare_cmd)
    group.add_command(trend_cmd)
    group.add_command(targets)
