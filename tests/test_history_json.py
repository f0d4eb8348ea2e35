"""The JSON of `compare` and `trend` has exactly the shape the README documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_history import Q2, Q3, Q4

from crmcheck.history import compare, trend
from crmcheck.serialize import comparison_data
from crmcheck.trend import trend_data

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def documented_block(fmt: str) -> str:
    """Return the README's JSON block that declares the given format."""
    blocks = re.findall(r"```json\n(.*?)```", README, flags=re.S)
    return next(b for b in blocks if f'"format": "{fmt}"' in b)


def documented_keys(block: str) -> set[str]:
    return set(re.findall(r'"([a-z_]+)"', block))


def all_keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data).union(*(all_keys(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(all_keys(v) for v in data))
    return set()


def test_comparison_json_matches_the_readme() -> None:
    data = comparison_data(compare(Q3, Q4))
    json.dumps(data)  # serialisable as is
    block = documented_block("crmcheck.comparison/1")
    assert set(data) - {"format"} <= documented_keys(block)
    assert all_keys(data) <= documented_keys(block)
    assert data["not_compared"] and data["actions_done"]
    assert data["before"]["label"] == "2026-Q3" and data["after"]["label"] == "2026-Q4"


def test_trend_json_matches_the_readme() -> None:
    data = trend_data(trend("Acme Ltd", [Q4, Q2, Q3]))
    json.dumps(data)
    block = documented_block("crmcheck.trend/1")
    point_keys = {"label", "date", "questionnaire", "index", "band", "verdict", "stage", "completeness", "criteria",
                  "sins"}
    assert set(data) == {"format", "client", "points", "targets", "notes"}
    assert all(set(p) == point_keys for p in data["points"])
    assert (set(data) | point_keys) - {"format"} <= documented_keys(block)
    assert [p["label"] for p in data["points"]] == ["2026-Q2", "2026-Q3", "2026-Q4"]
