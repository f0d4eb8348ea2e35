"""Damaged, foreign and read-only SQLite stores: one clear line and exit 2, derived data rebuilt, nothing written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmcheck.cli import cli

DATA = Path(__file__).parent / "data"
COMMANDS = [["list"], ["list", "--json"], ["show", "1"], ["trend", "acme"], ["answers", "export", "1"]]


def run(db: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["--db", str(db), *args], env={"COLUMNS": "100"})


@pytest.fixture
def good(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    result = run(db, "answers", "import", str(DATA / "mini-answers.yaml"), "-q", str(DATA / "mini.yaml"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return db


def sql(db: Path, statement: str) -> None:
    with sqlite3.connect(db) as con:
        con.execute(statement)
    con.close()


def damage(kind: str, db: Path) -> None:
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file itself, as after a clean close
    for extra in db.parent.glob(db.name + "-*"):
        extra.unlink()
    if kind == "not-sqlite":
        db.write_text("name,score\nacme,3\n", encoding="utf-8")
    elif kind == "truncated":
        db.write_bytes(db.read_bytes()[:3000])
    elif kind == "bad-version":
        sql(db, "UPDATE meta SET value = 'seven' WHERE key = 'schema_version'")
    elif kind == "no-version":
        sql(db, "DELETE FROM meta")


EXPECTED = {
    "not-sqlite": "Error: {db} is not a crmcheck store (not a SQLite database at all); check --db or CRMCHECK_DB",
    "truncated": "Error: store {db} is damaged (malformed database schema (?)); restore it from a backup, or "
                 "salvage it with sqlite3 {db} .recover",
    "bad-version": "Error: store {db} is damaged: its schema version is 'seven'; restore it from a backup",
    "no-version": "Error: store {db} is damaged: its schema version is missing; restore it from a backup",
}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_a_damaged_store_gets_one_line_and_exit_2(good: Path, kind: str, command: list[str]) -> None:
    damage(kind, good)
    before = good.read_bytes()
    result = run(good, *command)
    assert (result.exit_code, result.output) == (2, EXPECTED[kind].format(db=good) + "\n")  # type: ignore[attr-defined]
    assert good.read_bytes() == before  # nothing written into it


@pytest.mark.parametrize("column, value, shown", [
    ("date", "2026-13-45", "holds a damaged date ('2026-13-45')"),
    ("targets", "{oops", "holds a damaged value (Expecting property name enclosed in double quotes: line 1 "
                         "column 2 (char 1))"),
])
def test_a_damaged_value_names_the_assessment_and_what_to_do(good: Path, column: str, value: str, shown: str) -> None:
    sql(good, f"UPDATE assessments SET {column} = '{value}', summary = NULL")
    result = run(good, "show", "1")
    assert (result.exit_code, result.output) == (2, (  # type: ignore[attr-defined]
        f"Error: store {good}: assessment 1 {shown}; restore the store from a backup, or delete the assessment: "
        "crmcheck delete 1\n"))
    assert run(good, "delete", "1", "--yes").exit_code == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("summary", ["{oops", "[]", '{"v": 3}', "null"])
def test_a_damaged_summary_cache_is_rebuilt(good: Path, summary: str) -> None:
    expected = run(good, "list", "--json").output  # type: ignore[attr-defined]
    sql(good, f"UPDATE assessments SET summary = '{summary}'")
    result = run(good, "list", "--json")
    assert (result.exit_code, result.output) == (0, expected)  # type: ignore[attr-defined]
    with sqlite3.connect(good) as con:
        (rebuilt,) = con.execute("SELECT summary FROM assessments").fetchone()
    con.close()
    assert rebuilt.startswith('{"v": ')  # rewritten, so the fast path answers next time


def test_a_read_only_store_answers_reading_commands_and_refuses_writing_ones(
        good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.access
    # Tests run as root, who may write anything: pretend the disk is read-only instead.
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK and str(p).startswith(
        str(good.parent)) else real(p, mode, **kw))
    before = good.read_bytes()
    for command in COMMANDS:
        result = run(good, *command)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    for command in (["delete", "1", "--yes"], ["targets", "set", "1", "index=50"],
                    ["answers", "import", str(DATA / "mini-answers.yaml"), "-q", str(DATA / "mini.yaml"), "--replace"]):
        result = run(good, *command)
        assert (result.exit_code, result.output) == (2, (  # type: ignore[attr-defined]
            f"Error: store {good} is read-only (attempt to write a readonly database); commands that only read "
            "work, this one writes: make the file and its folder writable\n"))
    assert good.read_bytes() == before


@pytest.mark.parametrize("message, expected", [
    ("database or disk is full", "Error: store {db}: the disk is full (database or disk is full); nothing of this "
                                 "command was kept: free some space and run it again"),
    ("attempt to write a readonly database", "Error: store {db} is read-only (attempt to write a readonly "
                                             "database); commands that only read work, this one writes: make the "
                                             "file and its folder writable"),
])
def test_a_full_or_read_only_disk_while_writing_is_one_line_and_exit_2(
        good: Path, monkeypatch: pytest.MonkeyPatch, message: str, expected: str) -> None:
    from sqlalchemy.exc import OperationalError

    from crmcheck import store as store_module

    def fails(self: object, conn: object, aid: int) -> None:  # the disk fills up inside the transaction
        raise OperationalError("DELETE FROM answers", {}, sqlite3.OperationalError(message))

    monkeypatch.setattr(store_module.Store, "_cascade", fails)
    result = run(good, "delete", "1", "--yes")
    assert (result.exit_code, result.output) == (2, expected.format(db=good) + "\n")  # type: ignore[attr-defined]
