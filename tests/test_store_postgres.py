"""PostgreSQL as a team store: failing connections say one clear line and never show the password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pgserver
import pytest
from click.testing import CliRunner

from crmcheck.cli import cli
from crmcheck.resources import sample_answers
from crmcheck.store_summary import mask_url, resolve_url

SAMPLE = str(sample_answers())


def crmcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real program, as a user would, and capture everything it prints."""
    return subprocess.run([sys.executable, "-m", "crmcheck", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100", **(env or {})})


def test_postgres_urls_use_psycopg_3_and_are_shown_masked() -> None:
    assert resolve_url("postgresql://crm:pw@db/x") == "postgresql+psycopg://crm:pw@db/x"
    assert resolve_url("postgres://crm:pw@db/x") == "postgresql+psycopg://crm:pw@db/x"
    assert resolve_url("postgresql+psycopg://crm@db/x") == "postgresql+psycopg://crm@db/x"
    assert mask_url("postgresql://crm:p@ss:w/rd@db:5432/x") == "postgresql://crm:***@db:5432/x"
    assert mask_url("postgresql://crm@db/x") == "postgresql://crm@db/x"
    assert mask_url("sqlite:///tmp/a.db") == "sqlite:///tmp/a.db"


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> str:
    url = pg_server.create_database()
    yield url  # type: ignore[misc]
    pg_server.drop_database(url)


def _wrong(pg_url: str, kind: str) -> str:
    base, _, name = pg_url.rpartition("/")
    host_port = base.rpartition("@")[2]
    port = host_port.rpartition(":")[2]
    return {
        "password": pg_url.replace(f":{pgserver.PASSWORD}@", ":Wr0ng-pw-77@"),
        "port": pg_url.replace(f":{port}/", ":1/"),
        "database": f"{base}/no_such_db",
        "host": f"postgresql://crmcheck:{pgserver.PASSWORD}@no-such-host.invalid:5432/{name}",
    }[kind]


EXPECTED = {
    "password": "Error: PostgreSQL at 127.0.0.1:{port} refused the password for user 'crmcheck'; check --db / "
                "CRMCHECK_DB (user and password)",
    "port": "Error: cannot reach PostgreSQL at 127.0.0.1:1 (the connection was refused); is the server running? "
            "check --db / CRMCHECK_DB (host and port)",
    "database": "Error: PostgreSQL at 127.0.0.1:{port} has no database 'no_such_db'; create it (createdb "
                "no_such_db) or check --db / CRMCHECK_DB",
    "host": "Error: cannot reach PostgreSQL at postgresql://crmcheck:***@no-such-host.invalid:5432/{name} (the host "
            "name does not resolve); is the server running? check --db / CRMCHECK_DB (host and port)",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["show", "1"], ["answers", "import", SAMPLE],
                                     ["trend", "northwind"]], ids=lambda c: " ".join(c[:2]).replace(SAMPLE, "FILE"))
def test_a_failing_connection_is_one_line_exit_2_and_never_shows_the_password(
        pg_url: str, kind: str, command: list[str]) -> None:
    url = _wrong(pg_url, kind)
    port = pg_url.rpartition("/")[0].rpartition(":")[2]
    expected = EXPECTED[kind].format(port=port, name=pg_url.rpartition("/")[2])
    result = CliRunner().invoke(cli, ["--db", url, *command])
    assert (result.exit_code, result.output) == (2, expected + "\n")
    assert pgserver.PASSWORD not in result.output and "Wr0ng-pw-77" not in result.output


@pytest.mark.parametrize("kind", ["password", "port", "database"])
def test_the_password_stays_out_of_a_real_run_and_its_debug_traceback(pg_url: str, kind: str) -> None:
    url = _wrong(pg_url, kind)
    for args in (["--db", url, "list"], ["--debug", "--db", url, "list"], ["list"]):
        result = crmcheck(*args, env={"CRMCHECK_DB": url})
        assert result.returncode in (1, 2), result.stderr
        assert pgserver.PASSWORD not in result.stdout + result.stderr
        assert "Wr0ng-pw-77" not in result.stdout + result.stderr


def test_a_missing_driver_says_which_extra_to_install(pg_url: str) -> None:
    code = ("import sys; sys.modules['psycopg'] = None; from crmcheck.cli import main; "
            f"main(['--db', {pg_url!r}, 'list'])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    masked = mask_url(pg_url)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        f"Error: cannot open store {masked}: the PostgreSQL driver (psycopg) is not installed; install it with: "
        "pip install 'crmcheck[postgres]'\n"))


def test_messages_about_stored_things_name_the_store_masked(pg_url: str) -> None:
    assert CliRunner().invoke(cli, ["--db", pg_url, "answers", "import", SAMPLE]).exit_code == 0
    again = CliRunner().invoke(cli, ["--db", pg_url, "answers", "import", SAMPLE])
    assert again.exit_code == 2
    assert again.output == (f"Error: assessment 'Northwind Components/2026-Q4' already exists in {mask_url(pg_url)} "
                            "(id 1); use --replace to overwrite it\n")
    missing = CliRunner().invoke(cli, ["--db", pg_url, "show", "acme/2026-Q4"])
    assert missing.output == f"Error: no assessment 'acme/2026-Q4' in {mask_url(pg_url)}; see: crmcheck list\n"
    assert pgserver.PASSWORD not in again.output + missing.output


def test_a_database_that_is_not_a_crmcheck_store_is_left_alone(pg_url: str) -> None:
    from stores import execute

    execute(pg_url, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = CliRunner().invoke(cli, ["--db", pg_url, "answers", "import", SAMPLE])
    assert (result.exit_code, result.output) == (2, (
        f"Error: {mask_url(pg_url)} is not a crmcheck store (it holds other tables: invoices); point --db at a "
        "crmcheck store or at a new, empty database\n"))
    assert execute(pg_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'") == [
        ("invoices",)]


def test_a_sqlite_file_of_another_program_is_left_alone(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.close()
    result = CliRunner().invoke(cli, ["--db", str(path), "answers", "import", SAMPLE])
    assert result.exit_code == 2 and "is not a crmcheck store (it holds other tables: invoices)" in result.output
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("invoices",)]
    con.close()


def _demo_store(path: Path) -> str:
    """Return a SQLite store holding the demo's three Northwind quarters and the Tern sample."""
    from crmcheck.demo import load_demo_history, store_demo

    db = str(path)
    for sample in ("northwind", "tern"):
        store_demo(db, load_demo_history(sample))
    return db


def _exports(db: str) -> dict[str, str]:
    from crmcheck.answers import dump_answers
    from crmcheck.store import open_store

    store = open_store(db)
    return {f"{i.client}/{i.label}": dump_answers(store.load(str(i.id)).assessment) for i in store.assessments()}


def test_store_copy_sqlite_to_postgres_to_sqlite_rescores_and_exports_identically(pg_url: str, tmp_path: Path) -> None:
    first = _demo_store(tmp_path / "first.db")
    back = str(tmp_path / "back.db")
    for source, target in ((first, pg_url), (pg_url, back)):
        result = CliRunner().invoke(cli, ["store", "copy", "--from", source, "--to", target])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Copied 5 assessments of 2 clients (")
        assert pgserver.PASSWORD not in result.output
    assert _exports(first) == _exports(pg_url) == _exports(back)
    lists = [CliRunner().invoke(cli, ["--db", db, "list", "--json"]).output for db in (first, pg_url, back)]
    strip = [[{k: v for k, v in row.items() if k != "id"} for row in json.loads(text)] for text in lists]
    assert strip[0] == strip[1] == strip[2]


def test_store_copy_is_all_or_nothing(pg_url: str, tmp_path: Path) -> None:
    from stores import execute

    first = _demo_store(tmp_path / "first.db")
    # An old SQLite store may hold a name longer than PostgreSQL's column (SQLite never checked).
    execute(first, "UPDATE respondents SET name = :n WHERE id = (SELECT max(id) FROM respondents)",
            {"n": "N" * 250})
    result = CliRunner().invoke(cli, ["store", "copy", "--from", first, "--to", pg_url])
    assert result.exit_code == 2
    assert result.output.startswith("Error: assessment 'Tern Software/2026-Q4' (id 5 in ")
    assert result.output.endswith("is 250 characters long; at most 200 are kept: shorten it; nothing was "
                                  "copied\n")
    assert execute(pg_url, "SELECT count(*) FROM assessments") == [(0,)]


def test_list_and_trend_on_postgres_match_sqlite_with_and_without_the_cache(pg_url: str, tmp_path: Path) -> None:
    first = _demo_store(tmp_path / "first.db")
    assert CliRunner().invoke(cli, ["store", "copy", "--from", first, "--to", pg_url]).exit_code == 0
    for env in ({}, {"CRMCHECK_NO_CACHE": "1"}):
        for args in (["list", "--json"], ["trend", "northwind", "--json"], ["trend", "tern"]):
            here, there = (CliRunner().invoke(cli, ["--db", db, *args], env={"COLUMNS": "100", **env})
                           for db in (first, pg_url))
            assert here.exit_code == there.exit_code == 0, there.output
            if args[0] == "list":
                rows = [json.loads(r.output) for r in (here, there)]
                assert [{k: v for k, v in row.items() if k != "id"} for row in rows[0]] == [
                    {k: v for k, v in row.items() if k != "id"} for row in rows[1]]
                assert all(row["band"] and row["verdict"] for row in rows[1])  # never null on PostgreSQL
            else:
                assert here.output == there.output
