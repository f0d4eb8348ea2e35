"""`crmcheck brand`: check a brand file, and print its JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crmcheck.textsafe import terminal_text


@click.group("brand")
def brand() -> None:
    """Check brand files and give editors their schema.

    \b
    Example:
      crmcheck brand validate ~/harbour/brand.yaml
    """


@brand.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate_cmd(file: Path) -> None:
    """Check a brand file (and its logo) the way the report reads it.

    Fields: firm (required), author, logo (PNG or SVG beside the file), primary and accent
    (#RRGGBB), cover_line, disclaimer, contact.

    \b
    Example:
      crmcheck brand validate brand.yaml
    """
    from crmcheck.brand import load_brand

    b = load_brand(file)
    logo = f", logo {b.logo.path.name}" if b.logo else ""
    click.echo(terminal_text(f"{file}: ok — {b.firm}{logo}, colours {b.primary} and {b.accent}"))


@brand.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the brand file, for editors.

    \b
    Example:
      crmcheck brand schema > brand.schema.json
      # then, first line of brand.yaml:
      # yaml-language-server: $schema=brand.schema.json
    """
    from crmcheck.brand import BrandFile

    schema = BrandFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "crmcheck brand file"
    click.echo(json.dumps(schema, indent=2))


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI."""
    group.add_command(brand)
