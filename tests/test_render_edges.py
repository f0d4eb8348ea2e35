"""The report renderer's edges: Markdown escaping at the start of a line, assets and templates
looked up in the template folders, data: URIs, and the one-line error for a broken template.

Each case pins an exact result, so a changed comparison, message or fallback fails here.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError

from crmcheck.errors import ReportError
from crmcheck.report import render
from crmcheck.report.context import ReportContext
from crmcheck.report.render import data_uri, find_asset, folder_loader, inside, md_escape


@pytest.mark.parametrize(("text", "shown"), [
    ("1. first", "1\\. first"),
    ("12) twelfth", "12\\) twelfth"),
    ("1.", "1\\."),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("# heading", "\\# heading"),
    ("   - indented", "   \\- indented"),
    ("1# not a heading", "1# not a heading"),
    (". not a list", ". not a list"),
    (") not a list", ") not a list"),
    ("-no space", "-no space"),
    ("3.5 litres", "3.5 litres"),
    ("> quote", "&gt; quote"),
    ("a - b", "a - b"),
])
def test_what_would_start_a_list_or_heading_is_escaped(text: str, shown: str) -> None:
    assert md_escape(text) == shown


def test_markdown_specials_controls_and_breaks() -> None:
    assert md_escape("a*b_c`d[e]|f~g\\h") == "a\\*b\\_c\\`d\\[e\\]\\|f\\~g\\\\h"
    assert md_escape("\x1b[31mred") == "\\\\x1b\\[31mred"
    assert md_escape("one \n\n two\u2028three") == "one two three"
    assert md_escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert md_escape(None) == "" and md_escape(7) == 7


# ---------------------------------------------------------------- data: URIs


def test_data_uri_names_the_type_from_the_suffix(tmp_path: Path) -> None:
    logo = tmp_path / "logo.PNG"
    logo.write_bytes(b"x")
    assert data_uri(logo) == "data:image/png;base64,eA=="
    assert data_uri(tmp_path / "f.woff2", data=b"x") == "data:font/woff2;base64,eA=="
    assert data_uri(tmp_path / "photo.jpg", data=b"x") == "data:image/jpeg;base64,eA=="
    assert data_uri(tmp_path / "blob.zzq", data=b"x") == "data:application/octet-stream;base64,eA=="
    assert data_uri(logo, "image/svg+xml") == "data:image/svg+xml;base64,eA=="


def test_data_uri_uses_the_bytes_given_rather_than_reading_again(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(b"on disk")
    assert data_uri(logo, data=b"read") == "data:image/svg+xml;base64,cmVhZA=="


# ---------------------------------------------------------------- assets


@pytest.fixture
def two_folders(tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "override", tmp_path / "builtin"
    for folder in (first, second):
        (folder / "fonts").mkdir(parents=True)
    (first / "report.css").write_text("override", encoding="utf-8")
    (second / "report.css").write_text("builtin", encoding="utf-8")
    (second / "fonts" / "a.woff2").write_bytes(b"font")
    (first / "logo.svg").mkdir()  # a folder of that name is not the file
    (second / "logo.svg").write_text("<svg/>", encoding="utf-8")
    return [first.resolve(), second.resolve()]


def test_an_asset_comes_from_the_first_folder_that_has_it(two_folders: list[Path]) -> None:
    first, second = two_folders
    assert find_asset("report.css", two_folders) == first / "report.css"
    assert find_asset("fonts/a.woff2", two_folders) == second / "fonts" / "a.woff2"
    assert find_asset("logo.svg", two_folders) == second / "logo.svg"


@pytest.mark.parametrize("name", ["/etc/passwd", "../secret.css", "fonts/../../x", ""])
def test_an_asset_outside_the_folders_is_refused(two_folders: list[Path], name: str) -> None:
    with pytest.raises(ReportError) as err:
        find_asset(name, two_folders)
    assert str(err.value) == f"asset '{name}': only paths inside the template folder are allowed"


def test_a_missing_asset_names_every_folder_looked_in(two_folders: list[Path]) -> None:
    with pytest.raises(ReportError) as err:
        find_asset("nope.css", two_folders)
    assert str(err.value) == f"asset 'nope.css' is in none of the template folders ({two_folders[0]}, {two_folders[1]})"


def test_a_link_out_of_the_folder_is_refused_and_one_inside_is_followed(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (folder / "real.css").write_text("css", encoding="utf-8")
    os.symlink(outside, folder / "out.css")
    os.symlink(folder / "real.css", folder / "alias.css")
    os.symlink(folder / "gone.css", folder / "dangling.css")
    with pytest.raises(ReportError) as err:
        inside(folder, ["out.css"])
    assert str(err.value) == (f"{folder / 'out.css'}: links outside the template folder {folder}; copy the file "
                              "into the folder instead of linking to it")
    assert inside(folder, ["alias.css"]) == (folder / "real.css").resolve()
    assert inside(folder, ["dangling.css"]) is None
    assert inside(folder, ["missing.css"]) is None


# ---------------------------------------------------------------- templates


def test_templates_come_from_the_first_folder_and_notice_a_change(two_folders: list[Path]) -> None:
    first, second = two_folders
    (first / "page.j2").write_text("mine", encoding="utf-8")
    (second / "page.j2").write_text("theirs", encoding="utf-8")
    (second / "other.j2").write_text("only here", encoding="utf-8")
    env = Environment(loader=folder_loader(two_folders))
    source, name, uptodate = env.loader.get_source(env, "page.j2")
    assert (source, name) == ("mine", str(first / "page.j2"))
    assert env.loader.get_source(env, "other.j2")[0] == "only here"
    assert uptodate() is True
    later = time.time() + 10
    os.utime(first / "page.j2", (later, later))
    assert uptodate() is False
    (first / "page.j2").unlink()
    assert uptodate() is False
    with pytest.raises(TemplateNotFound):
        env.loader.get_source(env, "none.j2")


def test_a_template_error_names_file_and_line(tmp_path: Path) -> None:
    dirs = [tmp_path / "a", tmp_path / "b"]
    exc = TemplateSyntaxError("unexpected end", 3, name="x.html.j2", filename="/t/x.html.j2")
    assert render._template_problem(exc, dirs) == (
        f"/t/x.html.j2:3: the report template failed: {exc}; fix the template (looked up in {dirs[0]}, {dirs[1]})")
    missing = TemplateNotFound("sections/y.html.j2")
    assert render._template_problem(missing, dirs[:1]) == (
        f"sections/y.html.j2: the report template failed: {missing}; fix the template (looked up in {dirs[0]})")
    assert render._template_problem(ValueError("odd"), dirs[:1]) == (
        f"template: the report template failed: odd; fix the template (looked up in {dirs[0]})")


def test_an_error_while_rendering_is_placed_by_the_template_frame(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text("line one\nline two\n{{ missing.field }}\n", encoding="utf-8")
    env = render._environment([tmp_path], html=True)
    with pytest.raises(Exception) as err:
        env.get_template("page.html.j2").render()
    message = render._template_problem(err.value, [tmp_path])
    assert message.startswith(f"{tmp_path / 'page.html.j2'}:3: the report template failed: ")
    assert "'missing' is undefined" in message


def test_template_dirs_put_the_override_first(tmp_path: Path) -> None:
    from crmcheck.resources import templates_dir

    assert render.template_dirs(None) == [templates_dir().resolve()]
    assert render.template_dirs(tmp_path) == [tmp_path.resolve(), templates_dir().resolve()]
    with pytest.raises(ReportError) as err:
        render.template_dirs(tmp_path / "nope")
    assert str(err.value) == (f"{tmp_path / 'nope'}: no such folder; --template-dir needs a folder holding "
                              "templates to override (e.g. a copy of report.css)")


# ---------------------------------------------------------------- small filters


@pytest.mark.parametrize(("value", "tone"), [(None, "flat"), (0.49, "flat"), (-0.49, "flat"), (0.5, "up"),
                                             (-0.5, "down"), (3, "up")])
def test_trend_tone(value: float | None, tone: str) -> None:
    assert render.trend_tone(value) == tone


@pytest.mark.parametrize(("value", "tone"), [(None, "none"), (75, "good"), (74.9, "fair"), (50, "fair"),
                                             (49.9, "poor"), (0, "poor")])
def test_score_tone(value: float | None, tone: str) -> None:
    assert render.score_tone(value) == tone


def test_small_formats() -> None:
    assert render.risk_tone("Very High!") == "veryhigh" and render.risk_tone(None) == "none"
    assert render.risk_tone("!!") == "none"
    assert render.plural(1, "answer") == "1 answer" and render.plural(0, "answer") == "0 answers"
    assert render.plural(2, "person", "people") == "2 people"
    assert render.fmt_level(None) == "–" and render.fmt_level(2.25) == "2.2" and render.fmt_level(2.26) == "2.3"
    assert render.fmt_pct(None) == "–" and render.fmt_pct(0.125) == "12%" and render.fmt_pct(1) == "100%"


def test_long_runs_are_shortened_only_in_plain_text() -> None:
    from markupsafe import Markup

    word = "x" * (render.LONG_RUN + 1)
    assert render.shorten_runs(word) == "x" * render.RUN_KEPT + "…"
    assert render.shorten_runs("x" * render.LONG_RUN) == "x" * render.LONG_RUN
    assert render.shorten_runs(Markup(word)) == word
    assert render.shorten_runs(f"a {word} b") == f"a {'x' * render.RUN_KEPT}… b"
    assert render.shorten_runs(5) == 5


# ---------------------------------------------------------------- whole renders


def mini_ctx() -> ReportContext:
    """Return the report context of the mini questionnaire's example."""
    from test_report_render import mini_context

    return mini_context()


def test_the_gap_filter_shows_the_digits_it_is_given() -> None:
    env = render._environment([], html=False)
    gap = env.from_string("{{ v|gap(t, 1) }} {{ v|gap(t) }}")
    assert gap.render(v=68.74, t=70) == "1.3 1"
    assert gap.render(v=69.96, t=70) == "0.0 0"


def test_html_defaults_to_a4_with_the_fonts_embedded_and_refuses_an_unknown_paper() -> None:
    ctx = mini_ctx()
    html = render.render_html(ctx)
    assert "size: A4" in html and "size: letter" not in html
    assert "data:font/otf;base64," in html and "file://" not in html
    assert "size: letter" in render.render_html(ctx, paper="letter")
    linked = render.render_html(ctx, embed_fonts=False)
    assert "data:font/otf;base64," not in linked and "file://" in linked
    with pytest.raises(ReportError) as err:
        render.render_html(ctx, paper="A5")
    assert str(err.value) == "unknown paper size 'A5'; expected one of a4, letter"


def test_the_logo_is_embedded_from_the_bytes_and_type_given(tmp_path: Path) -> None:
    logo = tmp_path / "logo.bin"
    logo.write_bytes(b"on disk")
    html = render.render_html(mini_ctx(), logo=logo, logo_mime="image/svg+xml", logo_data=b"<svg/>")
    assert "data:image/svg+xml;base64,PHN2Zy8+" in html
    assert "b24gZGlzaw==" not in html  # what is on disk now was not read again
    svg = tmp_path / "logo.svg"
    svg.write_bytes(b"on disk")
    assert "data:image/svg+xml;base64,PHN2Zy8+" in render.render_html(mini_ctx(), logo=svg, logo_data=b"<svg/>")


def test_markdown_comes_from_the_template_folder_and_its_errors_are_placed(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("# {{ r.meta.client }} ours\n", encoding="utf-8")
    ctx = mini_ctx()
    assert render.render_markdown(ctx, template_dir=tmp_path) == f"# {md_escape(ctx.meta.client)} ours\n"
    (tmp_path / "report.md.j2").write_text("fine\n{{ r.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        render.render_markdown(ctx, template_dir=tmp_path)
    where = tmp_path.resolve() / "report.md.j2"
    assert str(err.value).startswith(f"{where}:2: the report template failed: ")
    assert str(err.value).endswith(f"; fix the template (looked up in {tmp_path.resolve()}, "
                                   f"{render.template_dirs(None)[0]})")


def test_the_json_report_is_its_data_indented_as_one_document_without_extras() -> None:
    import json

    from crmcheck.textsafe import json_text

    ctx = mini_ctx()
    ctx.extra["internal"] = "not for the client"
    data = render.report_data(ctx)
    assert "extra" not in data and next(iter(data)) == "format"
    text = render.render_json(ctx)
    assert text == json_text(data) + "\n"
    assert json.loads(text) == data
