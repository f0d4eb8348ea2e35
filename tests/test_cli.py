"""The CLI as a user meets it: help, version, score, questionnaire commands, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crmcheck import __version__
from crmcheck.cli import cli
from crmcheck.resources import builtin_questionnaires

DATA = Path(__file__).parent / "data"
MINI = str(DATA / "mini.yaml")
ANSWERS = str(DATA / "mini-answers.yaml")
ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), env=ENV)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output, f"'crmcheck {' '.join(path)} --help' shows no example"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"crmcheck, version {__version__}"


def test_score_prints_the_scorecard() -> None:
    result = run("score", "-q", MINI, ANSWERS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Readiness index 31.4 / 100  (Not ready)   Verdict No-go" in out
    assert "Dealer onboarding *" in out
    assert "No data integration" in out and "high" in out
    assert "Blockers" in out and "Disagreements" in out
    assert "The three biggest risks" in out and "Why this verdict" in out
    # The blocker rests on one respondent's word, so its action ranks by priority, not first.
    assert "1 │ Grade leads — Lead management" in out
    assert "3 │ Name an accountable owner — Dealer" in out


def test_score_json_has_the_documented_shape() -> None:
    result = run("score", "-q", MINI, ANSWERS, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["format"] == "crmcheck.scorecard/2"
    assert set(data) == {
        "format", "questionnaire", "client", "label", "date", "stage", "assessed", "index", "band", "verdict",
        "headline", "verdict_reasons", "completeness", "draft", "sections", "criteria", "targets", "processes", "sins",
        "blockers", "disagreements", "evidence_gaps", "findings", "respondents", "actions",
    }
    assert (data["index"], data["band"], data["verdict"]) == (31.4, "Not ready", "No-go")
    assert data["headline"].startswith(f"{data['client']} is not ready to roll out CRM yet: readiness index 31.4")
    assert [p["id"] for p in data["processes"]] == ["leads", "sales", "dealer-onboarding"]
    assert data["blockers"][0] == {"process": "dealer-onboarding", "question": "own-owner", "value": 0.0,
                                   "below": 1, "caps": "No-go", "reason": None}
    assert data["disagreements"][1]["levels"] == {"Ana Silva": 1, "Ben Okafor": 3}
    assert data["actions"][0]["rule"] == "grade-leads" and data["actions"][0]["rank"] == 1
    owner = data["actions"][2]
    assert owner["rule"] == "name-owner" and not owner["clears_blocker"] and owner["thin"]
    assert owner["owner"] == "Executive sponsor (to be named)"
    assert data["findings"]["top_risks"] == ["sin:data", "process:leads", "sin:strategy"]
    assert data["verdict_reasons"][1] == ("Blocker: “Is there a named owner?” (Dealer onboarding) is at 0.0, "
                                          "below 1; it caps the verdict at No-go, where the scores alone already "
                                          "put it.")


@pytest.mark.parametrize(("threshold", "code"), [("31.4", 0), ("31.5", 1)], ids=["at", "above"])
def test_fail_under(threshold: str, code: int) -> None:
    result = run("score", "-q", MINI, ANSWERS, "--json", "--fail-under", threshold)
    assert result.exit_code == code
    if code:
        assert result.stderr.strip() == "Error: readiness index 31.4 is below --fail-under 31.5"


def test_score_missing_file() -> None:
    result = run("score", "-q", MINI, "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.strip() == "nope.yaml: no such file; check the path"


def test_score_unknown_questionnaire_ref(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(Path(ANSWERS).read_text().replace("mini@1", "nosuch@9"))
    result = run("score", str(answers))
    assert result.exit_code == 2
    assert result.stderr.startswith("no questionnaire 'nosuch@9' is available (built-in: ")
    assert result.stderr.rstrip().endswith("pass the file with --questionnaire")


def test_usage_error_exits_2() -> None:
    result = run("score", "-q", MINI, ANSWERS, "--fail-under", "high")
    assert result.exit_code == 2
    assert "Invalid value for '--fail-under'" in result.output


def test_validate_builtin_questionnaires() -> None:
    result = run("questionnaire", "validate")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == len(builtin_questionnaires()) >= 1
    assert all(": ok — " in line for line in result.output.splitlines())


def test_validate_reports_every_file(tmp_path: Path) -> None:
    bad = DATA / "broken" / "q-bad-id.yaml"
    result = run("questionnaire", "validate", MINI, str(bad))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{MINI}: ok — mini@1")
    assert result.stderr.startswith(f"{bad}:47:9: processes[1].id:")


def test_show_outline_and_json() -> None:
    result = run("questionnaire", "show", MINI)
    assert result.exit_code == 0
    assert "own-owner" in result.output and "critical<1" in result.output and "leads-grading" in result.output
    data = json.loads(run("questionnaire", "show", MINI, "--json").output)
    assert data["id"] == "mini" and data["criteria"][0]["questions"][0]["id"] == "own-owner"


def test_schema_is_json_schema() -> None:
    schema = json.loads(run("questionnaire", "schema").output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"criteria", "processes", "sins", "rules", "scoring"} <= set(schema["properties"])


def test_completion_script() -> None:
    result = run("completion", "bash")
    assert result.exit_code == 0 and "_CRMCHECK_COMPLETE" in result.output


def test_python_dash_m_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "crmcheck", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"crmcheck, version {__version__}"


def test_debug_shows_the_traceback() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "crmcheck", "--debug", "score", "-q", MINI, str(DATA / "broken" / "a-bad-date.yaml")],
        capture_output=True, text=True,
    )
    assert out.returncode != 0 and "Traceback" in out.stderr and "AnswersError" in out.stderr
