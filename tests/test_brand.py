"""Brand files: validated like the other formats; a missing or broken logo is a clear exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crmcheck.brand import DEFAULT_BRAND, load_brand, resolve_brand
from crmcheck.cli import cli
from crmcheck.errors import BrandError, ExitCode

DATA = Path(__file__).parent / "data"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}


def write(tmp_path: Path, text: str, name: str = "brand.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_brand_file_loads_with_its_logo() -> None:
    brand = load_brand(DATA / "report_brand.yaml")
    assert brand.firm == "Harbour Lane Advisory"
    assert (brand.primary, brand.accent) == ("#7A1F5C", "#2A9D8F")
    assert brand.logo is not None and brand.logo.mime == "image/png"
    assert brand.logo.path == (DATA / "report_logo.png").resolve()


def test_svg_logo_and_default_colours(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    brand = load_brand(write(tmp_path, "firm: Solo\nlogo: logo.svg\n"))
    assert brand.logo is not None and brand.logo.mime == "image/svg+xml"
    assert (brand.primary, brand.accent) == (DEFAULT_BRAND.primary, DEFAULT_BRAND.accent)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("firm: X\nprimary: red\n", "brand.yaml:2:10: primary: expected a colour as #RRGGBB (e.g. #1F3A5F), got 'red'"),
        ("firm: X\naccent: '#12345'\n", "brand.yaml:2:9: accent: expected a colour as #RRGGBB (e.g. #1F3A5F), "
                                        "got '#12345'"),
        ("firm: X\nprimary: '#fff; background: url(x)'\n", "brand.yaml:2:10: primary: expected a colour"),
        ("firm: X\ncolour: '#fff'\n", "brand.yaml:2:9: colour: unknown field 'colour'"),
        ("logo: x.png\n", "brand.yaml:1:1: required field 'firm' is missing"),
        ("firm: X\nlogo: missing.png\n", "brand.yaml:2:7: logo: no such file '"),
        ("firm: [a, b]\n", "brand.yaml:1:7: firm: expected text, got a list"),
        ("firm: X\n  bad: indent\n", "brand.yaml:2:6: invalid YAML"),
    ],
    ids=["colour-name", "colour-short", "colour-css", "unknown-field", "no-firm", "no-logo", "firm-list", "yaml"],
)
def test_broken_brand_files_say_where_and_what(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BrandError) as err:
        load_brand(path)
    assert str(err.value).startswith(f"{tmp_path}/{message}"), str(err.value)
    assert err.value.exit_code == ExitCode.BAD_INPUT


@pytest.mark.parametrize(
    ("logo", "content", "message"),
    [
        ("logo.png", (DATA / "report_logo-broken.png").read_bytes(), "is a broken PNG file; export the logo again"),
        ("logo.jpg", b"\xff\xd8\xff\xe0 not a png", "is neither a PNG nor an SVG image"),
        ("logo.svg", b"<svg><unclosed></svg>", "is neither a PNG nor an SVG image"),
        ("logo.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
         "is neither a PNG nor an SVG image"),
        ("logo.png", b"", "is neither a PNG nor an SVG image"),
    ],
    ids=["truncated-png", "jpeg", "bad-svg", "svg-entities", "empty"],
)
def test_broken_logos_are_refused(tmp_path: Path, logo: str, content: bytes, message: str) -> None:
    (tmp_path / logo).write_bytes(content)
    with pytest.raises(BrandError, match=message):
        load_brand(write(tmp_path, f"firm: X\nlogo: {logo}\n"))


def test_logo_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "logos").mkdir()
    with pytest.raises(BrandError, match="is a folder; expected a PNG or SVG file"):
        load_brand(write(tmp_path, "firm: X\nlogo: logos\n"))


def test_default_brand_comes_from_the_config_folder(tmp_path: Path) -> None:
    assert resolve_brand(None, tmp_path) is DEFAULT_BRAND
    write(tmp_path, "firm: Config Firm\n")
    assert resolve_brand(None, tmp_path).firm == "Config Firm"
    assert resolve_brand(DATA / "report_brand.yaml", tmp_path).firm == "Harbour Lane Advisory"


def test_report_command_exits_2_on_a_broken_brand(tmp_path: Path) -> None:
    brand = write(tmp_path, "firm: X\nlogo: gone.svg\n")
    result = CliRunner().invoke(cli, ["report", "--answers", str(DATA / "mini-answers.yaml"), "-q",
                                      str(DATA / "mini.yaml"), "--brand", str(brand), "-o", str(tmp_path / "r.html"),
                                      "--format", "html"], env=ENV)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.startswith(f"{brand}:2:7: logo: no such file '{tmp_path}/gone.svg'")
    assert not (tmp_path / "r.html").exists()


def test_report_command_uses_the_config_brand(tmp_path: Path) -> None:
    config = tmp_path / "config" / "crmcheck"
    config.mkdir(parents=True)
    write(config, "firm: Config Consulting\n")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "--answers", str(DATA / "mini-answers.yaml"), "-q",
                                      str(DATA / "mini.yaml"), "-o", str(out), "--format", "html"],
                                env={**ENV, "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert result.exit_code == 0, result.output
    assert "Config Consulting" in out.read_text(encoding="utf-8")


def test_missing_brand_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--answers", str(DATA / "mini-answers.yaml"), "-q",
                                      str(DATA / "mini.yaml"), "--brand", str(tmp_path / "none.yaml")], env=ENV)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.strip() == f"{tmp_path}/none.yaml: no such file; check the path"


def test_the_readme_documents_every_brand_field_and_the_schema_lists_them() -> None:
    import json
    import re

    from click.testing import CliRunner

    from crmcheck.brand import BrandFile
    from crmcheck.cli import cli

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The brand file"):readme.index("## The questionnaire format")]
    block = section[section.index("```yaml"):section.index("```", section.index("```yaml") + 3)]
    documented = set(re.findall(r"^(\w+):", block, flags=re.M))
    assert documented == set(BrandFile.model_fields)
    schema = json.loads(CliRunner().invoke(cli, ["brand", "schema"]).output)
    assert set(schema["properties"]) == set(BrandFile.model_fields) and schema["required"] == ["firm"]


def test_brand_validate_says_what_it_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from crmcheck.cli import cli

    path = tmp_path / "brand.yaml"
    path.write_text('firm: Harbour Advisory\nprimary: "#1F3A5F"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["brand", "validate", str(path)])
    from crmcheck.brand import DEFAULT_ACCENT

    assert result.exit_code == 0
    assert result.output.strip().endswith(f"ok — Harbour Advisory, colours #1F3A5F and {DEFAULT_ACCENT}")
    path.write_text("firm: Harbour Advisory\ncolours: blue\n", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["brand", "validate", str(path)])
    assert bad.exit_code == 2
    assert bad.output == (f"{path}:2:10: colours: unknown field 'colours'; check its spelling against the format "
                          "in the README\n")


LOAD_IN_CHILD = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1_200_000_000, 1_200_000_000))
from crmcheck.brand import load_brand
from crmcheck.errors import BrandError
start = time.perf_counter()
try:
    load_brand(sys.argv[1])
except BrandError as exc:
    print(f"{time.perf_counter() - start:.2f}", exc)
"""


def _logo_problem(tmp_path: Path, logo: str) -> tuple[float, str]:
    """Load a brand whose logo is ``logo`` in a child with 1.2 GB of address space and a time limit."""
    import subprocess
    import sys

    brand = write(tmp_path, f"firm: X\nlogo: {logo}\n")
    out = subprocess.run([sys.executable, "-c", LOAD_IN_CHILD, str(brand)], capture_output=True, text=True,
                         timeout=30).stdout
    seconds, _, message = out.partition(" ")
    return float(seconds), message.strip()


def test_a_logo_that_is_a_device_is_refused_before_reading(tmp_path: Path) -> None:
    seconds, message = _logo_problem(tmp_path, "/dev/zero")
    assert message == (f"{tmp_path / 'brand.yaml'}:2:7: logo: '/dev/zero' is not a regular file (a device, pipe "
                       "or socket); give the path of a PNG or SVG file")
    assert seconds < 1


def test_a_logo_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "logo.svg")
    seconds, message = _logo_problem(tmp_path, "logo.svg")
    assert message.endswith(f"logo: '{tmp_path / 'logo.svg'}' is not a regular file (a device, pipe or socket); "
                            "give the path of a PNG or SVG file")
    assert seconds < 1


def test_a_huge_logo_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    with (tmp_path / "logo.png").open("wb") as fh:
        fh.truncate(1_000_000_000)  # sparse: takes no disk space, but reads as 1 GB of zeros
    seconds, message = _logo_problem(tmp_path, "logo.png")
    assert message.endswith(f"logo: '{tmp_path / 'logo.png'}' is 1,000,000 kB; use a logo under 2 MB (an SVG, "
                            "or a PNG about 600 px wide)")
    assert seconds < 0.5


def test_the_report_shows_the_logo_bytes_that_were_checked(tmp_path: Path) -> None:
    import base64
    import datetime as dt

    from crmcheck.answers import load_answers
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.report import html_for
    from crmcheck.report.context import build_context

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    (tmp_path / "logo.svg").write_bytes(svg)
    brand = load_brand(write(tmp_path, "firm: Solo\nlogo: logo.svg\n"))
    (tmp_path / "logo.svg").write_bytes(b"swapped after the check: never read, so never shown")
    q = load_questionnaire(DATA / "mini.yaml")
    ctx = build_context(q, load_answers(DATA / "mini-answers.yaml", q), now=dt.datetime(2026, 11, 20), brand=brand)
    assert base64.b64encode(svg).decode("ascii") in html_for(ctx, brand)
