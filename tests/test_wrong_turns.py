"""Quiet wrong turns a new user takes (issue 12, item 10): each now gets a clear word, not silence."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crmcheck.cli import cli
from crmcheck.errors import ExitCode
from crmcheck.store_summary import match_client

DATA = Path(__file__).parent / "data"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=ENV, input=input)


def stored(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    for quarter, q in (("acme-2026-Q3.yaml", "mini.yaml"), ("acme-2026-Q4.yaml", "mini-v2.yaml")):
        result = run("--db", str(db), "answers", "import", str(DATA / "history" / quarter), "-q", str(DATA / q))
        assert result.exit_code == 0, result.output
    return db


def test_reading_commands_refuse_a_store_that_is_not_there(tmp_path: Path) -> None:
    typo = tmp_path / "crmchek.db"
    for args in (["list"], ["show", "1"], ["trend", "acme"], ["compare", "1", "2"], ["report", "1"],
                 ["targets", "show", "1"], ["answers", "export", "1"], ["delete", "1", "--yes"]):
        result = run("--db", str(typo), *args)
        assert result.exit_code == ExitCode.BAD_INPUT, (args, result.output)
        assert f"no store at {typo}: nothing has been stored there yet" in result.output, args
        assert not typo.exists(), args


def test_comparing_an_assessment_with_itself_is_an_error_and_a_reversed_pair_is_said(tmp_path: Path) -> None:
    db = stored(tmp_path)
    same = run("--db", str(db), "compare", "1", "1")
    assert same.exit_code == ExitCode.BAD_INPUT and "are the same assessment" in same.output
    reversed_ = run("--db", str(db), "compare", "2", "1")
    assert reversed_.exit_code == 0
    assert ("Note: 2 (2026-Q4) is later than 1 (2026-Q3); this shows what moved going back from 2026-Q4 to "
            "2026-Q3. Swap them to see progress.") in reversed_.output


def test_answering_no_to_delete_deletes_nothing_and_is_not_an_interruption(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch,
) -> None:
    db = stored(tmp_path)
    import types

    from crmcheck.cli import store_cmds

    # CliRunner's stdin is no terminal; the confirmation prompt is what is under test.
    monkeypatch.setattr(store_cmds, "sys", types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True)))
    result = run("--db", str(db), "delete", "1", input="n\n")
    assert result.exit_code == 0 and "Nothing deleted." in result.output and "Interrupted" not in result.output
    assert "2026-Q3" in run("--db", str(db), "list").output


def test_a_unique_beginning_finds_the_client() -> None:
    names = ["Northwind Components", "Acme Ltd", "Acme Holdings", "Norway Fish"]
    assert match_client(names, "northwind") == "Northwind Components"
    assert match_client(names, "northw") == "Northwind Components"
    assert match_client(names, "nor") is None  # two clients begin so
    assert match_client(names, "acme") is None
    assert match_client(names, "acme-ltd") == "Acme Ltd"


def test_validating_an_answers_file_as_a_questionnaire_says_what_it_is() -> None:
    path = DATA / "mini-answers.yaml"
    result = run("questionnaire", "validate", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.strip().splitlines() == [
        f"{path}:1:1: this is an answers file (it has respondents), not a questionnaire; "
        f"check it with: crmcheck score {path}",
    ]


def test_targets_show_the_gap_with_the_decimals_it_is_computed_from(tmp_path: Path) -> None:
    import json

    db = stored(tmp_path)
    assert run("--db", str(db), "targets", "set", "2", "index=70").exit_code == 0
    text = run("--db", str(db), "targets", "show", "2").output
    rows = json.loads(run("--db", str(db), "targets", "show", "2", "--json").output)
    index = next(r for r in rows if r["id"] == "index")
    assert set(index) == {"id", "title", "score", "target", "met", "gap"}
    assert index["score"] == round(index["score"], 1) and index["gap"] == round(70 - index["score"], 1)
    assert index["met"] is (index["gap"] == 0)
    line = next(x for x in text.splitlines() if x.startswith("Readiness index"))
    assert line.split() == ["Readiness", "index", f"{index['score']:.1f}", "/", "70",
                            *(["met"] if index["met"] else [f"{index['gap']:.1f}", "to", "go"])]


def test_export_and_import_keep_an_unfinished_interview_unfinished(tmp_path: Path) -> None:
    import datetime as dt

    from crmcheck.answers import Answer, ScopedProcess
    from crmcheck.store import open_store

    db = tmp_path / "s.db"
    store = open_store(str(db))
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme Ltd", "2027-Q1",
                                  dt.date(2027, 2, 1), [ScopedProcess("leads", "Lead management", 4)])
    rid = store.add_respondent(aid, "Ana Silva", "Head of Sales", "Sales")
    store.save_answer(rid, "programme", "strat-agreed", Answer(level=2))
    exported = tmp_path / "a.yaml"
    assert run("--db", str(db), "answers", "export", str(aid), "-o", str(exported)).exit_code == 0
    assert "status: in-progress" in exported.read_text(encoding="utf-8")
    result = run("--db", str(db), "answers", "import", str(exported), "--replace", "-q", str(DATA / "mini.yaml"))
    assert result.exit_code == 0, result.output
    back = open_store(str(db))
    assert [r.status for r in back.respondents(aid)] == ["in-progress"]
    assert back.load(str(aid)).status == "in-progress"


def test_shell_completion_offers_stored_refs_and_clients(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    db = stored(tmp_path)
    exe = Path(sys.executable).parent / "crmcheck"

    def complete(words: str) -> list[str]:
        env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1),
               "_CRMCHECK_COMPLETE": "bash_complete", "CRMCHECK_DB": str(db)}
        out = subprocess.run([str(exe)], env=env, capture_output=True, text=True, check=False).stdout
        return [line.partition(",")[2] for line in out.splitlines()]

    assert complete("crmcheck show acme") == ["acme-ltd/2026-Q3", "acme-ltd/2026-Q4"]
    assert complete("crmcheck compare 1 acme-ltd/2026-Q4") == ["acme-ltd/2026-Q4"]
    assert complete("crmcheck trend ac") == ["acme-ltd"]
    assert complete("crmcheck interview --from acme-ltd/2026-Q3") == ["acme-ltd/2026-Q3"]


def test_a_scorecard_piped_into_a_file_keeps_every_column(tmp_path: Path) -> None:
    db = stored(tmp_path)
    env = {k: v for k, v in ENV.items() if k != "COLUMNS"}
    out = CliRunner().invoke(cli, ["--db", str(db), "show", "2"], env={**env, "COLUMNS": ""}).output
    header = next(line for line in out.splitlines() if "Process" in line and "Ownership" in line)
    assert "Measures" in header and "Score" in header, header


def test_compare_names_each_stage_and_the_index_change_with_its_decimal(tmp_path: Path) -> None:
    db = stored(tmp_path)
    out = run("--db", str(db), "compare", "1", "2").output
    lines = out.splitlines()
    assert any("2026-Q3" in line and "stage not recorded" in line for line in lines[:4])
    change = next(line for line in lines if "change" in line)
    assert __import__("re").search(r"[▲▼=]\s*\d+\.\d", change), change


def on_screen(tmp_path: Path, columns: int, *args: str) -> list[str]:
    """Run crmcheck over the stored history in a pseudo-terminal ``columns`` wide; return its non-blank lines."""
    import shutil
    import sys

    import pexpect

    db = stored(tmp_path)
    exe = shutil.which("crmcheck") or str(Path(sys.executable).parent / "crmcheck")
    child = pexpect.spawn(exe, ["--db", str(db), *args], dimensions=(40, columns), encoding="utf-8",
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(tmp_path)}, timeout=30)
    child.expect(pexpect.EOF)
    return [line for line in child.before.replace("\r", "").splitlines() if line.strip()]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_fits_the_terminal(tmp_path: Path, columns: int) -> None:
    lines = on_screen(tmp_path, columns, "list")
    assert lines[0].startswith("  id  client / label") and len(lines) == 3, lines
    assert all(len(line) <= columns for line in lines), lines
    assert ("stage" in lines[0]) == (columns >= 100)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_trend_fits_the_terminal(tmp_path: Path, columns: int) -> None:
    lines = on_screen(tmp_path, columns, "trend", "acme")
    assert any(line.startswith("Readiness index") for line in lines), lines
    assert all(len(line) <= columns for line in lines), [line for line in lines if len(line) > columns]
    assert any("since 2026-Q3" in line for line in lines)  # every change says what it is since
