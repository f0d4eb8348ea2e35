"""`crmcheck report` as a user meets it: inputs, outputs, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crmcheck.cli import cli
from crmcheck.errors import ExitCode

DATA = Path(__file__).parent / "data"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}
MINI = ["--answers", str(DATA / "mini-answers.yaml"), "-q", str(DATA / "mini.yaml")]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=ENV)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either a stored assessment (REF) or an answers file (--answers FILE)"),
        (["acme/2026-Q4", *MINI], "give either a stored assessment (REF) or an answers file (--answers FILE)"),
        (["acme/2026-Q4", "-q", "x.yaml"], "--questionnaire goes with --answers"),
        ([*MINI, "--format", "html", "--pdf-variant", "pdf/ua-1"], "--pdf-variant applies to --format pdf only"),
        ([*MINI, "-o", "-"], "a PDF cannot go to stdout; give a file with -o"),
        ([*MINI, "--format", "docx"], "Invalid value for '--format'"),
        ([*MINI, "--format", "md", "-o", "r.pdf"], "-o r.pdf names a pdf file but --format is md; change one of them"),
        ([*MINI, "-o", "r.txt"], "cannot tell the format from 'r.txt'; end it in .pdf, .html, .md or .json, "
                                 "or give --format"),
    ],
    ids=["nothing", "both", "q-without-answers", "variant-html", "pdf-stdout", "bad-format", "format-vs-suffix",
         "unknown-suffix"],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run("report", *args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert message in result.output


def test_markdown_to_stdout() -> None:
    result = run("report", *MINI, "--format", "md", "-o", "-")
    assert result.exit_code == 0
    assert result.output.startswith("# CRM readiness report — Acme Ltd, 2026-Q4\n")


def test_json_to_stdout_is_the_documented_shape() -> None:
    result = run("report", *MINI, "--format", "json", "-o", "-")
    data = json.loads(result.output)
    assert data["format"] == "crmcheck.report/1" and data["summary"]["index"] == 31.4


def test_default_output_name_and_final_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", *MINI, "--format", "html"], env=ENV)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "acme-ltd-2026-q4-readiness.html").is_file()
    assert result.output.startswith("Report written: acme-ltd-2026-q4-readiness.html (")


def test_bad_answers_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("client: X\n", encoding="utf-8")
    result = run("report", "--answers", str(bad), "-q", str(DATA / "mini.yaml"), "--format", "md")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"{bad}:1:1: required field 'label' is missing" in result.output


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    result = run("report", *MINI, "--format", "md", "-o", str(tmp_path / "no" / "such" / "dir.md"))
    assert result.exit_code == ExitCode.FAILURE
    assert f"folder {tmp_path / 'no' / 'such'} does not exist; create it or choose another path" in result.output


def test_a_stored_reference_without_a_store_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_store(name: str, *args: object) -> object:
        if name == "crmcheck.store":
            raise ModuleNotFoundError("No module named 'crmcheck.store'", name="crmcheck.store")
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib, "import_module", no_store)
    result = run("report", "acme/2026-Q4", "--format", "md")
    assert result.exit_code == ExitCode.FAILURE
    assert "use --answers FILE" in result.output or "with --answers FILE" in result.output


def test_the_extension_of_the_output_file_decides_the_format(tmp_path: Path) -> None:
    out = tmp_path / "acme.html"
    result = run("report", *MINI, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    md = tmp_path / "acme.md"
    assert run("report", *MINI, "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# CRM readiness report")
