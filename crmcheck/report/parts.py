"""Split the report's HTML into parts that WeasyPrint lays out one at a time.

WeasyPrint keeps every laid-out page of a document in memory until the PDF is written, about
3 MB a page for the report's tables, so a 100-page report needed 400 MB. Laid out in parts and
joined afterwards (``pdf.write_pdf``), the peak follows the largest part instead.

The templates mark where a part may end with ``PART_MARK``, only at places that start a new page
anyway (between sections, between process pages), so the pages come out as in one document.
Parts are joined greedily up to ``limit`` characters of body. Everything here is text in, text
out; the first part (cover, summary and contents) is always on its own, because its contents page needs
the page numbers of all the others and is laid out again once they are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PART_MARK = "<!--crmcheck:part-->"
PART_CHARS = 150_000

_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_RUNNING = re.compile(r'<p class="run-(?:client|firm)">.*?</p>', re.DOTALL)
_OPENING = re.compile(r"<(?:section|article|div)\b[^>]*>")
_SECTION_TITLE = re.compile(r'<h1 class="section[^"]*">(.*?)</h1>', re.DOTALL)
# A zero-height paragraph that sets the running header's section title, for a part that starts
# inside a section (the second and later groups of process pages).
_RUN_SECTION = ('<p style="string-set: section content(text); height: 0; overflow: hidden; margin: 0; '
                'font-size: 0">{}</p>')


@dataclass(frozen=True)
class Part:
    """One document to lay out: full HTML, and whether it is the front part (cover, summary, contents)."""

    html: str
    front: bool


def split_parts(html: str, *, limit: int = PART_CHARS) -> list[Part]:
    """Return the report as parts of about ``limit`` characters of body each (one part if unmarked)."""
    match = _BODY.search(html)
    end = html.rfind("</body>")
    if match is None or end < match.end() or PART_MARK not in html:
        return [Part(html, front=False)]
    head, body, tail = html[:match.end()], html[match.end():end], html[end:]
    first, *rest = body.split(PART_MARK)
    groups: list[str] = []
    for piece in rest:
        if groups and len(groups[-1]) + len(piece) <= limit:
            groups[-1] += piece
        else:
            groups.append(piece)
    running = "".join(_RUNNING.findall(first))
    parts = [Part(head + first + tail, front=True)]
    section = _last_section_title(first, None)
    for text in groups:
        prefix = running
        if section is not None and not re.match(r"\s*<section\b", text):
            prefix += _RUN_SECTION.format(section)
        # Inside the part's first element: a paragraph before it would take the first page
        # on its own, the element itself starting with a page break.
        opening = _OPENING.search(text)
        at = opening.end() if opening else 0
        parts.append(Part(head + text[:at] + prefix + text[at:] + tail, front=False))
        section = _last_section_title(text, section)
    return parts


def _last_section_title(text: str, before: str | None) -> str | None:
    """Return the title of the last section heading in ``text``, or ``before`` if it has none."""
    titles = _SECTION_TITLE.findall(text)
    return titles[-1] if titles else before
