"""`crmcheck completion`: print the shell completion script."""

from __future__ import annotations

import click


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), default="bash")
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    Example:
      crmcheck completion bash >> ~/.bashrc
      crmcheck completion fish > ~/.config/fish/completions/crmcheck.fish
    """
    from click.shell_completion import get_completion_class

    from crmcheck.cli import cli

    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above only admits shells click knows
    comp = cls(cli, {}, "crmcheck", "_CRMCHECK_COMPLETE")
    click.echo(comp.source())


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(completion)
