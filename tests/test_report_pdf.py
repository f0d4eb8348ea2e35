"""The PDF as a reader and a PDF tool see it: text, pages, outline, metadata, paper, variants.

PDFs are checked through what pypdf extracts, never byte for byte. Each render costs a few
seconds, so each fixture renders once per module and several tests read the same file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from crmcheck.cli import cli

DATA = Path(__file__).parent / "data"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}

pytestmark = pytest.mark.slow


def render(out: Path, *extra: str) -> PdfReader:
    args = ["report", "--answers", str(DATA / "mini-answers.yaml"), "-q", str(DATA / "mini.yaml"),
            "-o", str(out), *extra]
    result = CliRunner().invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert f"Report written: {out} (" in result.output
    return PdfReader(out)


@pytest.fixture(scope="module")
def a4(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    return render(tmp_path_factory.mktemp("pdf") / "acme.pdf")


def page_text(pdf: PdfReader, n: int) -> str:
    return re.sub(r"\s+", " ", pdf.pages[n].extract_text())


def outline_titles(pdf: PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = pdf.get_destination_page_number(item)
                assert page is not None, item.title
                out.append((depth, item.title, page + 1))

    walk(pdf.outline, 0)
    return out


def test_first_pages_answer_are_we_ready(a4: PdfReader) -> None:
    cover = page_text(a4, 0)
    assert "Acme Ltd" in cover and "PREPARED FOR" in cover and "2026-Q4" in cover
    summary = page_text(a4, 1)  # the answer comes straight after the cover, before the contents
    assert "Executive summary" in summary
    assert "readiness index 31.4 of 100 (Not ready)" in summary
    assert "No-go" in summary and "Grade leads" in summary and "No data integration" in summary


def test_running_header_and_page_x_of_y(a4: PdfReader) -> None:
    total = len(a4.pages)
    assert 12 <= total <= 20
    third = page_text(a4, 2)
    assert f"Page 3 of {total}" in third and "Acme Ltd · 2026-Q4" in third
    assert "Page 1 of" not in page_text(a4, 0)  # the cover has no running header or footer


def test_outline_has_every_section_and_process(a4: PdfReader) -> None:
    titles = outline_titles(a4)
    top = [t for depth, t, _ in titles if depth == 0]
    assert top == ["Executive summary", "Scorecard", "The seven deadly sins", "Processes in scope",
                   "Action plan", "Where the respondents disagree", "Trend", "Methodology", "Appendix"]
    assert [t for depth, t, _ in titles if depth == 1] == ["Lead management", "Sales", "Dealer onboarding"]
    pages = {t: p for _, t, p in titles}
    assert pages["Executive summary"] == 2


def test_contents_page_numbers_match_the_outline(a4: PdfReader) -> None:
    contents = page_text(a4, 2)
    assert "Contents" in contents and contents.count("Executive summary") == 1  # its own running header
    for _, title, page in outline_titles(a4):
        if title in ("Scorecard", "Trend", "Methodology", "Sales"):
            assert re.search(rf"{title}\s*{page}\b", contents), (title, page, contents)


def test_metadata(a4: PdfReader) -> None:
    meta = a4.metadata
    assert meta is not None
    assert meta.title == "CRM readiness report — Acme Ltd, 2026-Q4"
    assert meta.author == "The assessment team"  # no brand and no interviewer recorded
    assert "verdict No-go" in (meta.subject or "")
    assert "CRM readiness" in str(meta["/Keywords"] or "")
    assert (meta.creator or "").startswith("crmcheck ")


def test_bundled_font_is_embedded(a4: PdfReader) -> None:
    fonts = set()
    for page in a4.pages[:3]:
        resources: Any = page["/Resources"]  # pypdf types dictionary entries as the generic PdfObject
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Inter" in f for f in fonts), fonts


def test_letter_paper_and_pdf_a(tmp_path: Path) -> None:
    pdf = render(tmp_path / "letter.pdf", "--paper", "letter", "--pdf-variant", "pdf/a-3b")
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    root: Any = pdf.trailer["/Root"]
    assert "/OutputIntents" in root and "/Metadata" in root
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()


def test_pdf_ua_is_tagged(tmp_path: Path) -> None:
    pdf = render(tmp_path / "ua.pdf", "--pdf-variant", "pdf/ua-1")
    root: Any = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == "en"
