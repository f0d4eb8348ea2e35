"""One rounding and formatting rule for every figure: half up, via the one-decimal figure; changes of what is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from crmcheck import figures
from crmcheck.cli import cli


@pytest.mark.parametrize("value, digits, expected", [
    (59.45, 1, 59.5), (59.44999, 1, 59.4), (0.25, 1, 0.3), (62.5, 0, 63.0), (61.5, 0, 62.0), (-0.5, 0, -1.0),
    (48.5, 1, 48.5), (100.0, 0, 100.0),
], ids=str)
def test_fixed_rounds_half_up_from_the_decimal_spelling(value: float, digits: int, expected: float) -> None:
    assert figures.fixed(value, digits) == expected


def test_a_score_is_shown_from_its_one_decimal_figure() -> None:
    # 59.47 is 59.5 in JSON, so 60 on every display (never 59 beside 59.5).
    assert figures.data(59.47) == 59.5
    assert figures.text(59.47) == "60" and figures.text(59.47, 1) == "59.5"
    assert figures.text(None) == "—" and figures.text(None, none="–") == "–"


def test_a_change_is_that_of_the_figures_shown() -> None:
    assert figures.change(59.47, 50.6) == 9.0  # 60 - 51
    assert figures.change(58.6, 50.6) == 8.0  # 59 - 51, although the exact values differ by 8.0 too
    assert figures.change(48.54, 39.75, 1) == 8.7  # 48.5 - 39.8
    assert figures.change(None, 3.0) is None
    assert [figures.signed(v) for v in (8.0, -1.0, 0.0, None)] == ["+8", "−1", "±0", "–"]
    assert figures.signed(6.8, 1) == "+6.8"


@given(st.floats(0, 100), st.floats(0, 100))
def test_shown_before_plus_change_is_shown_after(now: float, before: float) -> None:
    for digits in (0, 1):
        moved = figures.change(now, before, digits)
        assert moved is not None
        assert figures.fixed(figures.shown(before, digits) + moved, digits) == figures.shown(now, digits)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from crmcheck.demo import load_demo_history, store_demo

    db = str(tmp_path_factory.mktemp("figures") / "s.db")
    store_demo(db, load_demo_history("northwind"))
    return db


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def test_show_markdown_and_json_agree_on_every_criterion(store: str, tmp_path: Path) -> None:
    data = json.loads(run(store, "show", "northwind/2026-Q4", "--json"))
    shown = run(store, "show", "northwind/2026-Q4")
    all_row = next(line for line in shown.splitlines() if "All processes" in line)
    cells = [c.strip() for c in all_row.split("│") if c.strip()][1:7]
    assert cells == [f"{figures.shown(data['criteria'][c]):.0f}" for c in data["criteria"]]
    md = tmp_path / "r.md"
    run(store, "report", "northwind/2026-Q4", "-o", str(md))
    text = md.read_text(encoding="utf-8")
    for cid, value in data["criteria"].items():
        assert f" {figures.shown(value):.0f} " in text, (cid, value)


def test_compare_and_trend_changes_add_up_and_say_since_when(store: str) -> None:
    out = run(store, "compare", "northwind/2026-Q3", "northwind/2026-Q4")
    assert "▲   8.7  since 2026-Q3" in out  # 48.5 - 39.8
    data = json.loads(run(store, "compare", "northwind/2026-Q3", "northwind/2026-Q4", "--json"))
    for row in data["criteria"]:
        line = next(ln for ln in out.splitlines() if ln.startswith(f"│ {row['title']} "))
        before, after, arrow = [c.strip() for c in line.split("│") if c.strip()][1:4]
        assert int(after) - int(before) == int(arrow.strip("▲▼= ") or 0) * (-1 if "▼" in arrow else 1), line
        assert figures.fixed(row["before"] + row["change"], 1) == row["after"]  # JSON adds up too
    trend = run(store, "trend", "northwind")
    assert "since 2026-Q2" in trend
    index = next(ln for ln in trend.splitlines() if ln.startswith("Readiness index"))
    assert "48.5" in index and "+17.0" in index  # 48.5 - 31.5, with the index's decimal


def test_met_and_gap_use_the_score_as_shown() -> None:
    assert figures.met(69.6, 70) and not figures.met(69.4, 70)  # 70 meets 70; 69 does not
    assert figures.gap(67.9, 75) == 7.0 and figures.gap(59.5, 70) == 10.0  # 75 - 68, 70 - 60
    assert figures.gap(48.46, 65, 1) == 16.5


def test_a_change_too_small_to_show_is_written_as_no_change() -> None:
    assert figures.signed(0.04, 1) == "±0.0" and figures.signed(-0.3) == "±0"


def test_the_terminal_ticks_a_target_the_shown_score_reaches() -> None:
    from crmcheck.console import _target

    assert _target(70, 69.6).plain == "70✓"  # shown as 70, as in the report
    assert _target(70, 69.4).plain == "70"
    assert _target(None, 80).plain == ""
