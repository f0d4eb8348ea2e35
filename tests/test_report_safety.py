"""Hostile text in every user field comes out literally, and the PDF fetches nothing it should not.

The hostile answers (tests/data/report_hostile-answers.yaml) and brand
(tests/data/report_brand-hostile.yaml) put markup, CSS, template syntax, local-file and network
URLs, a very long word, right-to-left text and emoji into the client, label, process, respondent,
interviewer, answer-note, N/A-reason and every brand field; the brand's SVG logo itself points
at file:///etc/passwd and at the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader

from crmcheck.answers import parse_answers
from crmcheck.brand import DEFAULT_BRAND, load_brand
from crmcheck.questionnaire import load_questionnaire
from crmcheck.report import html_for
from crmcheck.report.context import build_context
from crmcheck.report.pdf import FetchPolicy, allowed_file, fetch_policy, write_pdf
from crmcheck.report.render import render_json, render_markdown, template_dirs
from crmcheck.resources import templates_dir

DATA = Path(__file__).parent / "data"
NOW = dt.datetime(2026, 11, 21, 9, 30)
# Characters no bundled or standard font draws: emoji and bidi control characters.
UNDRAWN = re.compile("[\U0001F300-\U0001FAFF\u202a-\u202e\u2066-\u2069]|\\\\u202[a-e]")

# Each appears in at least one user-text field of the hostile files.
HOSTILE = [
    "<script>alert(1)</script> Acme & Sons {{ 7*7 }}",
    "2026-Q4 <b>bold</b>",
    '<img src="file:///etc/passwd"> Dealer onboarding',
    "Ana <i>Silva</i> {{ 7*7 }}",
    "Head of Sales </style><style>body{display:none}</style>",
    "שלום עולם Sales",
    "[link](http://evil.example/x) **bold** | pipe",
    '<img src="file:///etc/passwd"> and <link rel="stylesheet" href="http://evil.example/x.css">',
    "مرحبا بالعالم — weekly figures",
    "{% raw %}{{ config }}{% endraw %} ${7*7} #{7*7} <%= 7*7 %>",
    "<style>@import url(http://evil.example/x.css);</style>",
    "url(file:///etc/passwd); background: url(http://evil.example/x.png)",
    "<script>alert('firm')</script> {{ 7*7 }}",
    "</style><style>*{display:none}</style>",
    '[mail](javascript:alert(1)) <a href="http://evil.example">x</a>',
]
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis-" * 3


def hostile(strip_emoji: bool = False):  # type: ignore[no-untyped-def]
    q = load_questionnaire(DATA / "mini.yaml")
    text = (DATA / "report_hostile-answers.yaml").read_text(encoding="utf-8")
    if strip_emoji:
        text = UNDRAWN.sub("", text)
    a = parse_answers(text, q, name="hostile")
    brand = load_brand(DATA / "report_brand-hostile.yaml")
    if strip_emoji:
        brand = dataclasses.replace(brand, cover_line=UNDRAWN.sub("", brand.cover_line or ""))
    return q, a, brand, build_context(q, a, now=NOW, brand=brand)


@pytest.fixture(scope="module")
def html() -> str:
    _, _, brand, ctx = hostile()
    return html_for(ctx, brand)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_shows_hostile_text_escaped(html: str, text: str) -> None:
    assert str(escape(text)) in html


def test_html_has_no_markup_from_user_text(html: str) -> None:
    for raw in ("<script", "<img src=\"file:", "<link rel", "<style>@import", "</style><style>",
                "<b>bold</b>", "<i>Silva</i>", '<a href="http://evil'):
        assert raw not in html, raw
    assert "49" not in re.sub(r"data:[^\"')]+|<svg.*?</svg>|#[0-9a-fA-F]{3,6}", "", html).split("Appendix")[0]
    assert "🚀" in html and "שלום" in html and "مرحبا" in html and LONG_WORD[:90] in html


def test_markdown_escapes_hostile_text() -> None:
    _, _, _, ctx = hostile()
    md = render_markdown(ctx)
    assert "<" not in md.replace("<!--", "")  # every < from user text became &lt;
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Acme &amp; Sons {{ 7\\*7 }}" in md
    assert "\\[link\\](http://evil.example/x) \\*\\*bold\\*\\* \\| pipe" in md
    assert "🚀" in md


def test_json_keeps_hostile_text_verbatim() -> None:
    _, _, _, ctx = hostile()
    data = json.loads(render_json(ctx))
    assert data["meta"]["client"] == HOSTILE[0]
    assert data["respondents"][0]["interviewer"] == HOSTILE[6]
    assert data["brand"]["firm"] == HOSTILE[12]


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.mark.slow
def test_pdf_shows_hostile_text_literally(tmp_path: Path) -> None:
    # Without emoji and bidi controls: a glyph no installed font has makes WeasyPrint write a
    # custom encoding that pypdf cannot read back (the next test renders them).
    _, _, brand, ctx = hostile(strip_emoji=True)
    dirs = template_dirs(None)
    out = tmp_path / "hostile.pdf"
    write_pdf(html_for(ctx, brand), out, policy=fetch_policy(dirs, brand.logo.path if brand.logo else None),
              base_url=dirs[0])
    text = pdf_text(out)
    for s in HOSTILE:
        s = UNDRAWN.sub("", s)
        # The PDF's text is extracted line by line; compare without whitespace.
        assert re.sub(r"\s+", "", s) in text, s
    assert "Pneumonoultramicroscopicsilicovolcanoconiosis" in text


@pytest.mark.slow
def test_pdf_fetches_nothing_but_embedded_data(tmp_path: Path) -> None:
    _, _, brand, ctx = hostile()
    dirs = template_dirs(None)
    assert brand.logo is not None
    policy = fetch_policy(dirs, brand.logo.path)
    pages = write_pdf(html_for(ctx, brand), tmp_path / "hostile.pdf", policy=policy, base_url=dirs[0])
    assert pages > 5
    # The only URLs requested are the data: URIs crmcheck embedded and the two in the SVG logo,
    # which were refused.
    assert {u for u in policy.requested if not u.startswith("data:")} == set(policy.refused)
    assert sorted(policy.refused) == ["file:///etc/passwd", "http://evil.example/logo.png"]


@pytest.mark.slow
def test_a_template_override_cannot_fetch_files_or_the_network(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes((DATA / "report_logo.png").read_bytes())
    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "own.png").write_bytes((DATA / "report_logo.png").read_bytes())
    (tpl / "report.html.j2").write_text(
        "<html><head><style>@import url(file:///etc/hostname); "
        "body { background: url(http://evil.example/bg.png) }</style>"
        '<link rel="stylesheet" href="https://evil.example/x.css"></head><body>'
        f'<img src="file:///etc/passwd"><img src="{secret.as_uri()}"><img src="../secret.png">'
        '<img src="//evil.example/x.png"><img src="ftp://evil.example/x.png">'
        '<img src="own.png"><p>{{ r.meta.client }}</p></body></html>', encoding="utf-8")
    _, _, brand, ctx = hostile()
    dirs = template_dirs(tpl)
    policy = fetch_policy(dirs, None)
    write_pdf(html_for(ctx, brand, template_dir=tpl), tmp_path / "x.pdf", policy=policy, base_url=dirs[0])
    assert (tpl / "own.png").as_uri() in policy.requested  # its own files it may use
    assert (tpl / "own.png").as_uri() not in policy.refused
    for bad in ("file:///etc/hostname", "http://evil.example/bg.png", "https://evil.example/x.css",
                "file:///etc/passwd", secret.as_uri(), "file://evil.example/x.png", "ftp://evil.example/x.png"):
        assert bad in policy.refused, (bad, policy.refused)


def test_fetch_policy_allows_only_template_files_and_the_logo(tmp_path: Path) -> None:
    tpl = templates_dir().resolve()
    logo = (DATA / "report_logo.png").resolve()
    policy = FetchPolicy((tpl,), (logo,))
    assert allowed_file((tpl / "report.css").as_uri(), policy) == tpl / "report.css"
    assert allowed_file(logo.as_uri(), policy) == logo
    assert allowed_file((DATA / "report_brand.yaml").as_uri(), policy) is None  # the logo's neighbour
    assert allowed_file(f"file://{tpl}/../pyproject.toml", policy) is None
    assert allowed_file(f"file://{tpl}/%2e%2e/pyproject.toml", policy) is None
    assert allowed_file("file:///etc/passwd", policy) is None
    assert allowed_file(f"file://evil.example{tpl}/report.css", policy) is None
    assert allowed_file(f"http://localhost{tpl}/report.css", policy) is None
    assert allowed_file((tpl / "no-such-file.css").as_uri(), policy) is None
    link = tpl.parent / "tests" / "data"  # a symlink inside the templates pointing out is refused
    inside = tmp_path / "tpl"
    inside.mkdir()
    (inside / "escape").symlink_to(link)
    assert allowed_file((inside / "escape" / "report_brand.yaml").as_uri(), FetchPolicy((inside,))) is None


@pytest.mark.parametrize("name", ["report.html.j2", "sections/cover.html.j2", "report.css"])
def test_a_template_folder_link_out_of_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    from crmcheck.errors import ReportError

    *_, ctx = hostile(strip_emoji=True)
    folder = tmp_path / "tpl"
    (folder / "sections").mkdir(parents=True)
    (folder / name).symlink_to("/etc/passwd")
    with pytest.raises(ReportError) as err:
        html_for(ctx, DEFAULT_BRAND, template_dir=folder)
    assert str(err.value) == (f"{folder / name}: links outside the template folder {folder}; copy the file into the "
                              "folder instead of linking to it")


def test_a_template_folder_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    *_, ctx = hostile(strip_emoji=True)
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "mine.css").write_text("body { color: #123456; }", encoding="utf-8")
    (folder / "report.css").symlink_to(folder / "mine.css")
    assert "#123456" in html_for(ctx, DEFAULT_BRAND, template_dir=folder)


@pytest.mark.slow
def test_a_loopback_listener_sees_no_request_from_any_output(tmp_path: Path) -> None:
    """Every network URL in the hostile files points at a live loopback server: nothing reaches it."""
    import http.server
    import shutil
    import threading

    from crmcheck.report import make_report

    hits: list[str] = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        import urllib.request

        urllib.request.urlopen(f"{here}/ping", timeout=5).close()  # the listener does count what reaches it
        assert hits == ["/ping"]
        hits.clear()
        folder = tmp_path / "files"
        folder.mkdir()
        for name in ("report_hostile-answers.yaml", "report_brand-hostile.yaml", "report_logo-hostile.svg"):
            text = (DATA / name).read_text(encoding="utf-8").replace("http://evil.example", here)
            (folder / name).write_text(text, encoding="utf-8")
        shutil.copy(DATA / "mini.yaml", folder / "mini.yaml")
        q = load_questionnaire(folder / "mini.yaml")
        a = parse_answers((folder / "report_hostile-answers.yaml").read_text(encoding="utf-8"), q, name="hostile")
        brand = load_brand(folder / "report_brand-hostile.yaml")
        assert here in (folder / "report_hostile-answers.yaml").read_text(encoding="utf-8")
        for fmt in ("pdf", "html", "md", "json"):
            make_report(q, a, out=tmp_path / f"r.{fmt}", now=NOW, fmt=fmt, brand=brand)
        assert hits == []
    finally:
        server.shutdown()
        server.server_close()
