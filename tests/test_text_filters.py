"""The small text helpers the report and the terminal lean on, case by case."""

from __future__ import annotations

import pytest

from crmcheck.report.render import risk_tone, trend_tone
from crmcheck.textsafe import json_text, terminal_text


@pytest.mark.parametrize("value, tone", [
    (None, "flat"), (0.0, "flat"), (0.49, "flat"), (-0.49, "flat"),  # shown as ±0: no colour
    (0.5, "up"), (3.0, "up"), (-0.5, "down"), (-3.0, "down"),
])
def test_a_change_is_coloured_only_when_it_shows(value: float | None, tone: str) -> None:
    assert trend_tone(value) == tone


@pytest.mark.parametrize("level, css", [
    ("high", "high"), ("Medium", "medium"), (None, "none"), ("", "none"), ("very high!", "veryhigh"),
    ("<b>", "b"), ("!!", "none"),
])
def test_a_risk_level_becomes_a_safe_css_class(level: str | None, css: str) -> None:
    assert risk_tone(level) == css


@pytest.mark.parametrize("text, shown", [
    ("a\x1b[2Jb", "a\\x1b[2Jb"), ("x\x85y", "x\\x85y"), ("\u202eevil", "\\u202eevil"),
    ("line\u2028break", "line\\u2028break"), ("tab\tnew\nret\r", "tab\\tnew\\nret\\r"), ("Āé", "Āé"),
])
def test_terminal_text_shows_controls_as_escapes(text: str, shown: str) -> None:
    assert terminal_text(text) == shown


def test_terminal_text_keeps_newlines_only_when_asked_and_takes_any_object() -> None:
    assert terminal_text("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"
    assert terminal_text("a\nb") == "a\\nb"
    assert terminal_text(42) == "42"


def test_json_text_keeps_text_readable_indents_and_escapes_what_a_terminal_obeys() -> None:
    assert json_text({"name": "Zoë\u202e"}) == '{\n  "name": "Zoë\\u202e"\n}'
    assert json_text([1, "é"], indent=None) == '[1, "é"]'
