"""The command-line interface: a thin click layer over the crmcheck library.

Every command parses its options, calls one core function, renders the result and lets
errors rise to ``main``, the one place that turns them into messages and exit codes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import click

from crmcheck import __version__
from crmcheck.errors import CrmcheckError, ExitCode, FileFormatError, InterruptedByUser

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Settings:
    """Global options, passed to every command through the click context."""

    db: str | None = None
    no_color: bool = False
    debug: bool = False


class CrmcheckGroup(click.Group):
    """The root group: the one place that turns expected errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; map crmcheck errors and Ctrl-C to a message and an exit code."""
        try:
            return super().invoke(ctx)
        except CrmcheckError as exc:
            if settings(ctx).debug:
                raise
            _print_error(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("\nInterrupted.", err=True)
            ctx.exit(ExitCode.INTERRUPTED)


@click.group(cls=CrmcheckGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="crmcheck")
@click.option("--db", envvar="CRMCHECK_DB", metavar="URL",
              help="Assessment store: a SQLAlchemy URL or a SQLite file path (env CRMCHECK_DB).")
@click.option("--no-color", is_flag=True, help="Plain output without colours (also NO_COLOR).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, no_color: bool, debug: bool) -> None:
    """Assess whether an organisation's customer-facing processes are ready for CRM.

    Interview the people behind each process, score their answers against six criteria and
    the seven deadly sins of CRM, and hand over a PDF report with a prioritised action plan.

    \b
    First run:
      crmcheck demo                      write a sample report (crmcheck-demo.pdf)
      crmcheck interview --client acme   interview a stakeholder
      crmcheck score answers.yaml        score an answers file
    """
    ctx.obj = Settings(db=db, no_color=no_color or "NO_COLOR" in os.environ, debug=debug)


def settings(ctx: click.Context) -> Settings:
    """Return the global settings of the running command."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def _register() -> None:
    # Command modules import only click at module level; the core is imported inside each
    # command, so `crmcheck --help` stays fast.
    from crmcheck.cli import (
        brand_cmds,
        completion_cmd,
        form_cmds,
        history_cmds,
        questionnaire_cmds,
        report_cmds,
        score_cmd,
        store_cmds,
    )

    for module in (questionnaire_cmds, score_cmd, store_cmds, report_cmds, history_cmds, brand_cmds, form_cmds,
                   completion_cmd):
        module.register(cli)


_register()


def _print_error(exc: CrmcheckError) -> None:
    # Messages quote names and values from files and the store: show their escapes, one line each.
    from crmcheck.textsafe import terminal_text

    if isinstance(exc, FileFormatError):
        for line in exc.problems:
            click.echo(terminal_text(line), err=True)
        if len(exc.problems) > 1:
            click.echo(f"{len(exc.problems)} problems found.", err=True)
    elif isinstance(exc, InterruptedByUser):
        click.echo(f"\n{terminal_text(exc, keep_newlines=True)}", err=True)
    else:
        click.echo(f"Error: {terminal_text(exc, keep_newlines=True)}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with crmcheck's exit codes (see ``crmcheck.errors.ExitCode``)."""
    try:
        cli.main(args=argv, prog_name="crmcheck")
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stderr.close()
        sys.exit(ExitCode.FAILURE)
