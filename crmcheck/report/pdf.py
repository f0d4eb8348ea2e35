"""HTML -> PDF with WeasyPrint, through a URL fetcher that serves only what the report may use.

WeasyPrint is imported inside ``write_pdf`` only, so nothing else in crmcheck pays for it.

The fetcher's rule (``allowed_file``) is a pure function, tested on its own: ``data:`` URIs
(the fonts, logo and charts crmcheck embeds itself) and ``file:`` URLs of files inside the
template folders or equal to the brand's logo. Everything else — http(s), ftp, any other file
such as ``file:///etc/passwd`` — is refused, whatever a template override or a note contains.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crmcheck.atomic import replacing, why_not_written
from crmcheck.errors import ReportError

PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
PT = 0.75  # PDF points per CSS pixel


@dataclass(frozen=True)
class FetchPolicy:
    """Where the PDF may read from: folders (with everything under them) and single files."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...] = ()
    requested: list[str] = field(default_factory=list, compare=False)
    refused: list[str] = field(default_factory=list, compare=False)


def allowed_file(url: str, policy: FetchPolicy) -> Path | None:
    """Return the local file a ``file:`` URL names if the policy allows it, else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    if path in {f.resolve() for f in policy.files}:
        return path
    for folder in policy.folders:
        root = folder.resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def is_data_url(url: str) -> bool:
    """Return whether a URL is a ``data:`` URI (content carried inside the document)."""
    return url[:5].lower() == "data:"


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while WeasyPrint lays out the pages.

    Layout allocates millions of short-lived objects, few of them in cycles; with the default
    thresholds Python walks every live box again and again in full collections. Measured on
    the demo and on a 105-page report: a fifth less CPU time for 2 % more peak memory.
    """
    before = gc.get_threshold()
    gc.freeze()  # what exists now (modules, the report's data) is never garbage during layout
    gc.set_threshold(20_000, 20, 50)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _other_parts_anchors(record: logging.LogRecord) -> bool:
    """Drop WeasyPrint's complaint about a link to an anchor that is in another part."""
    return not str(record.msg).startswith("No anchor #")


class _Unsplittable(Exception):
    """The parts did not fit together as one document would; lay it out in one piece instead."""


@dataclass
class _Laid:
    """One part laid out and written: its PDF bytes and what joining the parts needs of it."""

    pdf: bytes
    pages: int
    sizes: list[tuple[float, float]]  # page width, height in CSS px
    bookmarks: list[tuple[int, int, str, float, float]]  # page, level, label, x, y
    anchors: dict[str, tuple[int, float, float]]  # name -> page, x, y
    links: list[tuple[int, str, tuple[float, float, float, float]]]  # page, anchor, (x1, y1, x2, y2)


def write_pdf(
    html: str,
    target: Path,
    *,
    policy: FetchPolicy,
    base_url: Path,
    variant: str | None = None,
    progress: Any = None,
    part_chars: int | None = None,
) -> int:
    """Write ``html`` as a PDF to ``target`` and return its page count.

    A plain PDF is laid out in parts (``parts.split_parts``) and joined with pypdf, so memory
    follows the largest part, not the whole report. PDF/A and PDF/UA are laid out in one piece:
    their structure (tags, output intent) has to be one document's.
    """
    if variant is not None and variant not in PDF_VARIANTS:
        raise ReportError(f"unknown PDF variant '{variant}'; expected one of {', '.join(PDF_VARIANTS)}")
    from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    from crmcheck.report.parts import PART_CHARS, split_parts

    class RestrictedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
        """Serve data: URIs and allowed local files; refuse everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            policy.requested.append(url[:60] if is_data_url(url) else url)
            if is_data_url(url):
                return super().fetch(url, headers)
            path = allowed_file(url, policy)
            if path is None:
                if url not in policy.refused:  # each part of a long report asks again
                    policy.refused.append(url)
                raise ValueError(f"crmcheck does not fetch {url.split('?')[0][:80]!r} for a report")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    fetcher = RestrictedFetcher(allowed_protocols=("data", "file"), allow_redirects=False)
    step = progress or (lambda _name: None)
    parts = [] if variant is not None else split_parts(html, limit=part_chars or PART_CHARS)

    def lay_out(text: str, extra_css: str = "") -> Any:
        if extra_css:
            text = text.replace("</head>", f"<style>{extra_css}</style></head>", 1)
        return HTML(string=text, base_url=str(base_url) + "/", url_fetcher=fetcher).render(pdf_variant=variant)

    # WeasyPrint logs a warning for every resource it could not load; those are reported
    # through ``policy.refused`` instead of on the terminal.
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with fewer_collections():
            joined = None
            if len(parts) > 1:
                with suppress(_Unsplittable):
                    joined = _join_parts([p.html for p in parts], lay_out, step)
            if joined is None:
                step("Laying out pages")
                document = lay_out(html)
                step("Writing PDF")
                # Opened only now that the pages are laid out, and replaced whole (crmcheck.atomic):
                # a kill or a full disk leaves the old PDF as it was, or the new one complete.
                with replacing(target) as out:
                    document.write_pdf(out, pdf_variant=variant)
                pages = len(document.pages)
            else:
                writer, pages = joined
                with replacing(target) as out:
                    writer.write(out)
    except OSError as exc:
        raise ReportError(why_not_written(target, exc)) from None
    finally:
        logger.setLevel(previous)
    return pages


def _lay_out_part(lay_out: Any, text: str, first_page: int, extra_css: str = "") -> _Laid:
    """Lay out one part with its pages numbered from ``first_page``, write it, and let it go."""
    css = extra_css
    if first_page > 1:
        css += f"@page :first {{ counter-reset: page {first_page}; }}"
    # The total page count is stamped on afterwards (``_stamp_page_numbers``); a part knows only its own.
    css += "@page { @bottom-right { content: none; } }"
    document = lay_out(text, css)
    laid = _Laid(
        pdf=document.write_pdf(),
        pages=len(document.pages),
        sizes=[(page.width, page.height) for page in document.pages],
        bookmarks=[(n, level, label, x, y) for n, page in enumerate(document.pages)
                   for level, label, (x, y), _state in page.bookmarks],
        anchors={name: (n, x, y) for n, page in reversed(list(enumerate(document.pages)))
                 for name, (x, y, *_) in page.anchors.items()},
        links=[(n, str(target), tuple(rect)) for n, page in enumerate(document.pages)
               for kind, target, rect, *_ in page.links if kind == "internal"],
    )
    del document
    gc.collect()  # the laid-out boxes of this part go before the next part is laid out
    return laid


def _join_parts(parts: list[str], lay_out: Any, step: Any) -> tuple[Any, int]:
    """Lay out the parts one by one and join them; return the PDF writer and its page count."""
    import io

    from pypdf import PdfReader, PdfWriter

    n = len(parts)
    # A part's links to another part's anchors are joined up below (``_add_links``).
    logger = logging.getLogger("weasyprint")
    logger.addFilter(_other_parts_anchors)
    try:
        step(f"Laying out pages (part 1 of {n})")
        # The contents page cannot number sections it does not hold yet: three digits stand in, so
        # that it takes the room it will take, and it is only counted here; it is laid out for good
        # once every section's page is known.
        front_pages = len(lay_out(parts[0], '.toc a::after { content: leader(" ") "000"; }').pages)
        laid: list[_Laid] = []
        offsets = [0]  # the index of each part's first page in the whole PDF
        for i, text in enumerate(parts[1:], start=2):
            step(f"Laying out pages (part {i} of {n})")
            offsets.append(offsets[-1] + (laid[-1].pages if laid else front_pages))
            laid.append(_lay_out_part(lay_out, text, offsets[-1] + 1))
        total = offsets[-1] + laid[-1].pages
        anchors = {name: (offsets[i + 1] + page, x, y) for i in reversed(range(n - 1))
                   for name, (page, x, y) in laid[i].anchors.items()}
        # The contents page again, now that every section's page is known.
        numbers = "".join(f'.toc a[href="#{_css_string(name)}"]::after {{ content: leader(" ") "{page + 1}"; }}'
                          for name, (page, _x, _y) in anchors.items())
        step("Numbering the contents")
        front = _lay_out_part(lay_out, parts[0], 1, numbers)
    finally:
        logger.removeFilter(_other_parts_anchors)
    if front.pages != front_pages:
        raise _Unsplittable("the contents took a different number of pages once numbered")
    anchors.update({name: place for name, place in front.anchors.items() if name not in anchors})
    laid.insert(0, front)
    step("Writing PDF")
    writer = PdfWriter()
    for part in laid:
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
    covers = {anchors["cover"][0]} if "cover" in anchors else set()
    _stamp_page_numbers(writer, lay_out, parts[0], total, covers)
    sizes = [size for part in laid for size in part.sizes]
    _add_outline(writer, [(offsets[i] + page, level, label, x, y) for i, part in enumerate(laid)
                          for page, level, label, x, y in part.bookmarks], sizes)
    _add_links(writer, laid, offsets, anchors, sizes)
    meta = PdfReader(io.BytesIO(front.pdf))
    if meta.metadata is not None:
        writer.add_metadata(dict(meta.metadata))
    root: Any = meta.trailer["/Root"]  # pypdf types dictionary entries as the generic PdfObject
    lang = root.get("/Lang")
    if lang is not None:
        from pypdf.generic import NameObject

        writer.root_object[NameObject("/Lang")] = lang
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()  # one copy of each font program the parts share
    return writer, total


def _css_string(text: str) -> str:
    """Return text safe inside a double-quoted CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _stamp_page_numbers(writer: Any, lay_out: Any, front_html: str, total: int, covers: set[int]) -> None:
    """Put the stylesheet's "Page X of Y" footer (its @bottom-right box) on every page but the cover.

    Parts are laid out with that box empty, because each knows only its own page count; here
    a document of ``total`` empty pages with the same stylesheet draws just that box, and each
    of its pages is laid over the matching page of the report.
    """
    import io

    from pypdf import PdfReader

    blank = "".join(f'<div style="{"page: cover; " if n in covers else ""}break-before: page"></div>'
                    for n in range(total))
    head = front_html[:front_html.index("<body")]
    hide = "@page { @top-left { content: none; } @top-right { content: none; } @bottom-left { content: none; } }"
    numbers = PdfReader(io.BytesIO(lay_out(f"{head}<body>{blank}</body></html>", hide).write_pdf()))
    for page, stamp in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()


def _add_outline(writer: Any, bookmarks: list[tuple[int, int, str, float, float]],
                 sizes: list[tuple[float, float]]) -> None:
    """Rebuild the bookmarks of all parts as one outline, nested by their levels."""
    from pypdf.generic import Fit

    stack: list[tuple[int, Any]] = []
    for page, level, label, x, y in bookmarks:
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        fit = Fit.xyz(left=x * PT, top=(sizes[page][1] - y) * PT)
        stack.append((level, writer.add_outline_item(title=label, page_number=page, parent=parent, fit=fit)))


def _add_links(writer: Any, laid: list[_Laid], offsets: list[int], anchors: dict[str, tuple[int, float, float]],
               sizes: list[tuple[float, float]]) -> None:
    """Link each part's internal links whose anchor is in another part (the contents page's)."""
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    for i, part in enumerate(laid):
        for page, name, (x1, y1, x2, y2) in part.links:
            if name in part.anchors or name not in anchors:
                continue  # WeasyPrint linked it within the part, or it leads nowhere
            to, ax, ay = anchors[name]
            height = sizes[offsets[i] + page][1]
            rect = (x1 * PT, (height - y2) * PT, x2 * PT, (height - y1) * PT)
            fit = Fit.xyz(left=ax * PT, top=(sizes[to][1] - ay) * PT)
            writer.add_annotation(offsets[i] + page, Link(rect=rect, target_page_index=to, fit=fit, border=[0, 0, 0]))


def fetch_policy(template_dirs: Sequence[Path], logo: Path | None) -> FetchPolicy:
    """Return the policy for one report: its template folders and its brand's logo."""
    return FetchPolicy(tuple(template_dirs), (logo,) if logo is not None else ())
