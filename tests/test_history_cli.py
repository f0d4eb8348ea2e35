"""compare, trend, targets and report REF against a real store holding three quarters of the sample.

The store is a SQLite file, then a PostgreSQL database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from crmcheck.cli import cli
from crmcheck.demo import demo_files

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("history") / "store.db")
    else:
        server = request.getfixturevalue("pg_server")
        path = server.create_database()
    for sample in sorted(demo_files(), reverse=True):  # 2026-Q4 first: the store's order is not time order
        result = CliRunner().invoke(cli, ["--db", path, "answers", "import", str(sample)], env=ENV)
        assert result.exit_code == 0, result.output
    yield path
    if request.param != "sqlite":
        server.drop_database(path)


def run(db: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["--db", db, *args], env=ENV)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_compare_reads_its_two_assessments_in_the_order_given(db: str) -> None:
    forward = run(db, "compare", "northwind/2026-Q2", "northwind/2026-Q4", "--json")
    assert (forward["before"]["label"], forward["after"]["label"]) == ("2026-Q2", "2026-Q4")
    assert forward["index"]["before"] == 31.5 and forward["index"]["after"] == 48.5
    assert forward["index"]["change"] == pytest.approx(17.0)
    back = run(db, "compare", "northwind/2026-Q4", "northwind/2026-Q2", "--json")
    assert back["index"]["change"] == pytest.approx(-17.0)
    assert {a["rule"] for a in forward["actions_done"]} == {a["rule"] for a in back["actions_new"]}


def test_trend_lists_the_quarters_in_time_order(db: str) -> None:
    data = run(db, "trend", "northwind", "--json")
    assert [(p["label"], p["index"]) for p in data["points"]] == [
        ("2026-Q2", 31.5), ("2026-Q3", 39.8), ("2026-Q4", 48.5)]


def test_a_report_from_the_store_shows_only_earlier_quarters_as_its_history(db: str) -> None:
    data = run(db, "report", "northwind/2026-Q3", "--format", "json", "-o", "-")
    assert [h["label"] for h in data["history"]] == ["2026-Q2", "2026-Q3"]
    assert data["summary"]["since_last"]["previous"] == "2026-Q2"


def test_targets_set_show_and_remove_over_the_store(db: str) -> None:
    def index_row() -> dict:  # type: ignore[type-arg]
        return next(t for t in run(db, "targets", "show", "northwind/2026-Q4", "--json") if t["id"] == "index")

    assert index_row() == {"id": "index", "title": "Readiness index", "score": 48.5, "target": 65.0, "met": False,
                           "gap": 16.5}
    result = CliRunner().invoke(cli, ["--db", db, "targets", "set", "northwind/2026-Q4", "index=45"], env=ENV)
    assert result.exit_code == 0, result.output
    assert index_row()["target"] == 45.0 and index_row()["met"] is True
    assert run(db, "show", "northwind/2026-Q4", "--json")["targets"]["index"] == 45.0
    assert run(db, "trend", "northwind", "--json")["targets"]["index"] == 45.0
    CliRunner().invoke(cli, ["--db", db, "targets", "set", "northwind/2026-Q4", "index=-"], env=ENV)
    assert index_row()["target"] == 70.0  # the assessment's own 65 is gone: the questionnaire's default applies


def test_compare_names_processes_and_questions_not_their_ids(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "compare", "northwind/2026-Q3", "northwind/2026-Q4"],
                                env={**ENV, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("Answers that changed"):]
    assert "Lead management" in table and "When this process has to change, who decides" in table
    assert "lead-management" not in table and "own-decisions" not in table


def test_show_names_questions_not_their_ids(db: str) -> None:
    import re

    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    q = load_questionnaire(default_questionnaire())
    ids = {i for i in q.item_index.by_id if "-" in i} | {p.id for p in q.processes if "-" in p.id}
    result = CliRunner().invoke(cli, ["--db", db, "show", "northwind/2026-Q4"], env={**ENV, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Disagreements" in result.output and "“Is the way this process runs written down?”" in result.output
    leaked = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", result.output)}
    assert leaked == set()
