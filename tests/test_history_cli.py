"""compare, trend and report REF against a real store holding three quarters of the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmcheck.cli import cli
from crmcheck.demo import demo_files

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "store.db"
    for sample in sorted(demo_files(), reverse=True):  # 2026-Q4 first: the store's order is not time order
        result = CliRunner().invoke(cli, ["--db", str(path), "answers", "import", str(sample)], env=ENV)
        assert result.exit_code == 0, result.output
    return path


def run(db: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=ENV)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_compare_reads_its_two_assessments_in_the_order_given(db: Path) -> None:
    forward = run(db, "compare", "northwind/2026-Q2", "northwind/2026-Q4", "--json")
    assert (forward["before"]["label"], forward["after"]["label"]) == ("2026-Q2", "2026-Q4")
    assert forward["index"]["before"] == 31.5 and forward["index"]["after"] == 48.5
    assert forward["index"]["change"] == pytest.approx(17.0)
    back = run(db, "compare", "northwind/2026-Q4", "northwind/2026-Q2", "--json")
    assert back["index"]["change"] == pytest.approx(-17.0)
    assert {a["rule"] for a in forward["actions_done"]} == {a["rule"] for a in back["actions_new"]}


def test_trend_lists_the_quarters_in_time_order(db: Path) -> None:
    data = run(db, "trend", "northwind", "--json")
    assert [(p["label"], p["index"]) for p in data["points"]] == [
        ("2026-Q2", 31.5), ("2026-Q3", 39.8), ("2026-Q4", 48.5)]


def test_a_report_from_the_store_shows_only_earlier_quarters_as_its_history(db: Path) -> None:
    data = run(db, "report", "northwind/2026-Q3", "--format", "json", "-o", "-")
    assert [h["label"] for h in data["history"]] == ["2026-Q2", "2026-Q3"]
    assert data["summary"]["since_last"]["previous"] == "2026-Q2"
