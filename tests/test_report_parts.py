"""The PDF laid out in parts: where the HTML is split, and that the joined PDF reads as one document."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from crmcheck.assess import load_answers_file
from crmcheck.brand import DEFAULT_BRAND
from crmcheck.report import html_for
from crmcheck.report.context import build_context
from crmcheck.report.parts import PART_MARK, split_parts
from crmcheck.report.pdf import fetch_policy, write_pdf
from crmcheck.report.render import template_dirs

DATA = Path(__file__).parent / "data"
HEAD = '<html><head><style>p { color: red }</style></head><body>\n'
COVER = '<section class="cover"><p class="run-client">Acme · Q4</p><p class="run-firm">Firm</p></section>'


def doc(*pieces: str) -> str:
    return HEAD + PART_MARK.join(pieces) + "</body></html>"


def test_unmarked_html_is_one_part() -> None:
    html = HEAD + "<p>all</p></body></html>"
    assert [p.html for p in split_parts(html)] == [html]


def test_the_cover_and_contents_are_a_part_of_their_own_and_small_pieces_are_joined() -> None:
    sections = [f'<section id="s{i}"><h1 class="section">S{i}</h1>{"x" * 40}</section>' for i in range(4)]
    parts = split_parts(doc(COVER, *sections), limit=200)
    assert [p.front for p in parts] == [True, False, False]
    assert [re.findall(r'id="(s\d)"', p.html) for p in parts] == [[], ["s0", "s1"], ["s2", "s3"]]
    assert all(p.html.startswith(HEAD.rstrip()) and p.html.endswith("</body></html>") for p in parts)


def test_later_parts_carry_the_running_header_inside_their_first_element() -> None:
    article = '<article class="process section-start" id="p2"><h2>Two</h2></article>'
    parts = split_parts(doc(COVER, '<section id="processes"><h1 class="section">Processes</h1><article id="p1">'
                                   '</article>', article, '<section id="plan"><h1 class="section">Plan</h1></section>'),
                        limit=10)
    second, third = parts[2].html, parts[3].html
    # Inside the article (a paragraph before it would be a page of its own), with the section's title.
    assert re.search(r'<article [^>]*id="p2">\s*<p class="run-client">Acme · Q4</p><p class="run-firm">Firm</p>'
                     r'<p style="string-set: section[^"]*">Processes</p><h2>', second)
    # A part that starts a section of its own takes the title from its heading.
    assert "string-set: section" not in third and '<p class="run-client">' in third


@pytest.mark.slow
def test_parts_make_the_same_pages_as_one_piece(tmp_path: Path) -> None:
    from pypdf import PdfReader

    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    html = html_for(build_context(q, a, now=dt.datetime(2026, 11, 21)), DEFAULT_BRAND, embed_fonts=False)
    dirs = template_dirs(None)
    pages = {}
    for name, text, limit in (("whole", html.replace(PART_MARK, ""), None), ("parts", html, 1)):
        assert len(split_parts(text, limit=limit or 1)) == (1 if name == "whole" else html.count(PART_MARK) + 1)
        out = tmp_path / f"{name}.pdf"
        write_pdf(text, out, policy=fetch_policy(dirs, None), base_url=dirs[0], part_chars=limit)
        pages[name] = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(out).pages]
    assert pages["parts"] == pages["whole"]
    assert "Page 3 of" in pages["parts"][2] and "Executive summary" in pages["parts"][2]


@pytest.mark.slow
def test_contents_links_lead_to_the_pages_the_outline_names(tmp_path: Path) -> None:
    from pypdf import PdfReader

    q, a = load_answers_file(DATA / "mini-answers.yaml", DATA / "mini.yaml")
    html = html_for(build_context(q, a, now=dt.datetime(2026, 11, 21)), DEFAULT_BRAND, embed_fonts=False)
    dirs = template_dirs(None)
    out = tmp_path / "acme.pdf"
    write_pdf(html, out, policy=fetch_policy(dirs, None), base_url=dirs[0], part_chars=1)
    pdf = PdfReader(out)
    outline = {item.title: pdf.get_destination_page_number(item) for item in pdf.outline if not isinstance(item, list)}
    contents: Any = pdf.pages[2]
    targets = set()
    named = pdf.named_destinations  # links within the first part stay named; later ones are explicit
    for annot in contents["/Annots"]:
        link = annot.get_object()
        assert link["/Subtype"] == "/Link"
        dest = link["/Dest"]
        if isinstance(dest, str):
            targets.add(pdf.get_destination_page_number(named[dest]))
        else:
            targets.add(pdf.get_page_number(dest[0].get_object()))
    assert {outline["Executive summary"], outline["Scorecard"], outline["Appendix"]} <= targets
    assert targets <= set(range(len(pdf.pages)))
