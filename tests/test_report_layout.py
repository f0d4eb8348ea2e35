"""Pathological layout (issue 13, item 10): words without spaces cannot make the PDF take minutes.

WeasyPrint breaks a word too long for its line by laying out the rest of it again, line after
line, so a 10 KB word took the demo from 10 s to 328 s. The HTML shows a run of more than
LONG_RUN characters without a space as its first RUN_KEPT and '…'; JSON and Markdown keep it whole.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from crmcheck.answers import parse_answers
from crmcheck.questionnaire import load_questionnaire
from crmcheck.report import make_report
from crmcheck.report.render import LONG_RUN, RUN_KEPT, shorten_runs

DATA = Path(__file__).parent / "data"
NOW = dt.datetime(2026, 11, 21, 9, 30)
WORD = "W" * 10_240


def hostile_text() -> str:
    """Return the mini answers with a 10 KB word in every note and n/a reason and 200-character names."""
    text = (DATA / "mini-answers.yaml").read_text(encoding="utf-8")
    for old in ("weekly pipeline review", "no mandate needed"):
        text = text.replace(old, WORD)
    text = text.replace("meas-kpi: 1, leads-grading: 0}", f"meas-kpi: {{level: 1, note: {WORD}}}, leads-grading: 0}}")
    text = text.replace("name: Ana Silva", "name: " + "A" * 200).replace("role: Head of Sales", "role: " + "R" * 200)
    return text.replace("client: Acme Ltd", "client: " + "C" * 200)


def test_long_runs_are_shortened_for_display_only() -> None:
    assert shorten_runs("a normal sentence") == "a normal sentence"
    assert shorten_runs("x" * LONG_RUN) == "x" * LONG_RUN
    assert shorten_runs(f"see {WORD} there") == f"see {'W' * RUN_KEPT}… there"
    from markupsafe import Markup

    svg = Markup("<svg>" + "d" * 500 + "</svg>")
    assert shorten_runs(svg) is svg  # crmcheck's own markup (charts, data: URIs) is left alone


def test_html_shows_the_start_of_a_long_word_and_json_and_markdown_keep_it(tmp_path: Path) -> None:
    q = load_questionnaire(DATA / "mini.yaml")
    a = parse_answers(hostile_text(), q, "hostile")
    outputs = {}
    for fmt in ("html", "json", "md"):
        out = tmp_path / f"r.{fmt}"
        make_report(q, a, out=out, now=NOW, fmt=fmt)
        outputs[fmt] = out.read_text(encoding="utf-8")
    assert WORD not in outputs["html"] and "W" * RUN_KEPT + "…" in outputs["html"]
    assert "W" * (RUN_KEPT + 1) not in outputs["html"]
    assert WORD in json.dumps(json.loads(outputs["json"]))
    assert WORD in outputs["md"]


@pytest.mark.slow
def test_a_pdf_full_of_long_words_takes_at_most_three_times_as_long(tmp_path: Path) -> None:
    q = load_questionnaire(DATA / "mini.yaml")
    plain = parse_answers((DATA / "mini-answers.yaml").read_text(encoding="utf-8"), q, "plain")
    hostile = parse_answers(hostile_text(), q, "hostile")
    import weasyprint  # type: ignore[import-untyped]  # imported first, so neither run pays for it

    assert weasyprint
    seconds = {}
    for name, a in (("hostile", hostile), ("plain", plain)):
        start = time.process_time()
        make_report(q, a, out=tmp_path / f"{name}.pdf", now=NOW)
        seconds[name] = time.process_time() - start
    assert seconds["hostile"] <= 3 * seconds["plain"], seconds  # measured: 3.9 s and 3.9 s (main: minutes)
