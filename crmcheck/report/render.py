"""ReportContext -> HTML, Markdown or JSON text, through jinja2 templates.

Safety: the HTML environment autoescapes everything and is sandboxed; a missing variable is an
error (StrictUndefined), never an empty string. User text (client, names, answers, notes) only
ever reaches a template as data, so ``{{ 7*7 }}`` in a note is printed as written. The only
markup a template receives unescaped is what crmcheck made itself: the stylesheet, the charts'
SVG and ``data:`` URIs of the bundled fonts and the brand's logo.

Templates and the stylesheet are looked up in ``template_dir`` first (``--template-dir``), then
in the built-in ``report_templates/``; any one file can be overridden on its own.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import mimetypes
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from crmcheck import figures
from crmcheck.errors import ReportError
from crmcheck.report.context import ReportContext
from crmcheck.textsafe import json_text

PAPER = {"a4": "A4", "letter": "letter"}
HTML_TEMPLATE = "report.html.j2"
MD_TEMPLATE = "report.md.j2"
STYLESHEET = "report.css"

_MIME = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2",
         ".svg": "image/svg+xml", ".png": "image/png", ".css": "text/css"}


def template_dirs(template_dir: Path | None) -> list[Path]:
    """Return the folders templates are looked up in, the override first."""
    from crmcheck.resources import templates_dir

    dirs = [templates_dir().resolve()]
    if template_dir is not None:
        if not template_dir.is_dir():
            raise ReportError(f"{template_dir}: no such folder; --template-dir needs a folder holding "
                              f"templates to override (e.g. a copy of {STYLESHEET})")
        dirs.insert(0, template_dir.resolve())
    return dirs


def find_asset(name: str, dirs: list[Path]) -> Path:
    """Return the file ``name`` (a relative path) from the first template folder that has it."""
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ReportError(f"asset '{name}': only paths inside the template folder are allowed")
    for folder in dirs:
        found = inside(folder, rel.parts)
        if found is not None:
            return found
    raise ReportError(f"asset '{name}' is in none of the template folders ({', '.join(map(str, dirs))})")


def inside(folder: Path, parts: Sequence[str]) -> Path | None:
    """Return the regular file ``folder/parts`` if there is one; refuse one that is a link out of the folder.

    Templates and assets are looked up the same way, so a symlink in a ``--template-dir`` cannot
    pull /etc/passwd into a report as a template any more than as a stylesheet.
    """
    candidate = folder.joinpath(*parts)
    if not os.path.lexists(candidate):
        return None
    resolved = candidate.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise ReportError(f"{candidate}: links outside the template folder {folder}; copy the file into the folder "
                          "instead of linking to it")
    return resolved if resolved.is_file() else None


def folder_loader(dirs: Sequence[Path]) -> Any:
    """Return a jinja2 loader that finds templates in ``dirs``, first match first, through ``inside``."""
    from jinja2 import FunctionLoader
    from jinja2.loaders import split_template_path

    def load(template: str) -> tuple[str, str, Callable[[], bool]] | None:
        for folder in dirs:
            found = inside(folder, split_template_path(template))
            if found is not None:
                mtime = found.stat().st_mtime
                return (found.read_text(encoding="utf-8"), str(found),
                        lambda path=found, seen=mtime: path.is_file() and path.stat().st_mtime == seen)
        return None

    return FunctionLoader(load)


def data_uri(path: Path, mime: str | None = None, data: bytes | None = None) -> str:
    """Return a file's content (or ``data``, already read from it) as a ``data:`` URI."""
    mime = mime or _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    content = path.read_bytes() if data is None else data
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _environment(dirs: list[Path], *, html: bool) -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=folder_loader(dirs),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=shorten_runs if html else md_escape,
    )
    env.filters.update(
        score=fmt_score,
        level=fmt_level,
        pct=fmt_pct,
        date=fmt_date,
        heat=_heat,
        tone=score_tone,
        risk_tone=risk_tone,
        plural=plural,
        signed=fmt_signed,
        met=figures.met,
        gap=lambda value, target, digits=0: figures.text(figures.gap(value, target, digits), digits),
        trend_tone=trend_tone,
    )
    return env


# ---------------------------------------------------------------- long words

LONG_RUN = 120  # characters without a space: longer than any word, path or link a report needs to show
RUN_KEPT = 100
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


def shorten_runs(value: Any) -> Any:
    """Show a run of more than LONG_RUN characters without a space as its first RUN_KEPT and '…' in HTML.

    WeasyPrint breaks a word that does not fit by laying out what is left of it again, line after
    line: a 10 KB word in a name took the demo's PDF from 10 s to 328 s. Nothing a reader needs
    is that long without a space; the JSON, Markdown and exported answers keep the whole text.
    Markup crmcheck made itself (the stylesheet, charts, data: URIs) is left as it is.
    """
    if not isinstance(value, str) or hasattr(value, "__html__") or len(value) <= LONG_RUN:
        return value
    return _LONG_RUN.sub(lambda m: m.group(0)[:RUN_KEPT] + "…", value)


# ---------------------------------------------------------------- filters


def fmt_score(value: float | None, digits: int = 0) -> str:
    """Format a 0-100 score as shown everywhere (``crmcheck.figures``), or a dash when not assessed."""
    return figures.text(value, digits, none="–")


def fmt_level(value: float | None) -> str:
    """Format an aggregated level (a mean of levels) with one decimal."""
    return "–" if value is None else f"{value:.1f}"


def fmt_pct(value: float | None) -> str:
    """Format a 0-1 share as a whole percentage."""
    return "–" if value is None else f"{value * 100:.0f}%"


def fmt_signed(value: float | None, digits: int = 0) -> str:
    """Format a change with its sign: +6.8, −1, ±0; a dash when there is nothing to compare."""
    return figures.signed(value, digits)


def trend_tone(value: float | None) -> str:
    """Return a CSS class for a change: up, down or flat."""
    if value is None or abs(value) < 0.5:
        return "flat"
    return "up" if value > 0 else "down"


def fmt_date(value: dt.date) -> str:
    """Format a date the way a report is dated: 20 November 2026."""
    return f"{value.day} {value:%B %Y}"


def _heat(value: float | None) -> str:
    from crmcheck.report.charts import heat_colour

    return heat_colour(value)


def score_tone(value: float | None) -> str:
    """Return a CSS class for a 0-100 score: good, fair, poor or none."""
    if value is None:
        return "none"
    return "good" if value >= 75 else "fair" if value >= 50 else "poor"


def risk_tone(level: str | None) -> str:
    """Return a CSS class for a risk level name."""
    return re.sub(r"[^a-z0-9-]", "", (level or "none").lower()) or "none"


def plural(n: int, word: str, many: str | None = None) -> str:
    """Return '1 respondent', '4 respondents'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# Every character that ends a line somewhere: Markdown itself breaks at \r and \r\n as at \n, and
# editors and viewers at the others (str.splitlines' list). Each run of them becomes one space.
_MD_BREAK = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]\s*")
_MD_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# What would start a heading, a list item or an ordered list at the start of the text ('>' is
# already &gt; by then, which starts no quote).
_MD_LEADING = re.compile(r"^(\s*)(\d*)([#+\-.)])(?=\s|$)")


def md_escape(value: Any) -> Any:
    """Escape text for Markdown so it shows literally: no HTML, links, emphasis or table breaks."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_BREAK.sub(" ", text)
    # Other control characters (ESC starts a terminal sequence when the file is printed) are
    # written as visible escapes, before the backslashes are escaped so they read \x1b.
    text = _MD_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LEADING.sub(_escape_leading, text)


def _escape_leading(m: re.Match[str]) -> str:
    space, digits, mark = m.groups()
    if bool(digits) != (mark in ".)"):  # "1#" and ". " start nothing; "1." and "# " do
        return m.group(0)
    return space + digits + "\\" + mark


# ---------------------------------------------------------------- rendering


@dataclasses.dataclass(frozen=True)
class Assets:
    """What the HTML embeds besides the context: stylesheet, fonts, logo and charts."""

    stylesheet: str
    fonts: dict[str, str]
    logo: str | None
    radar: str
    trend: str | None = None


def _assets(ctx: ReportContext, dirs: list[Path], logo: Path | None, logo_mime: str | None,
            embed_fonts: bool, logo_data: bytes | None) -> Assets:
    from markupsafe import Markup

    from crmcheck.report.charts import criteria_radar, trend_chart

    css = find_asset(STYLESHEET, dirs).read_text(encoding="utf-8")
    # The PDF is laid out in parts, each parsing the stylesheet again: 1.5 MB of fonts inside it
    # cost half a second a part, so there they are linked (the fetcher serves the template folders).
    fonts = {name: (data_uri if embed_fonts else Path.as_uri)(find_asset(f"fonts/Inter-{name}.otf", dirs))
             for name in ("Regular", "Italic", "SemiBold", "Bold")}
    return Assets(
        stylesheet=Markup(css),
        fonts={k: Markup(v) for k, v in fonts.items()},
        logo=None if logo is None else Markup(data_uri(logo, logo_mime, logo_data)),
        radar=Markup(criteria_radar(ctx)),
        trend=None if ctx.trend is None else Markup(trend_chart(ctx)),
    )


def render_html(
    ctx: ReportContext,
    *,
    paper: str = "a4",
    template_dir: Path | None = None,
    logo: Path | None = None,
    logo_mime: str | None = None,
    embed_fonts: bool = True,
    logo_data: bytes | None = None,
) -> str:
    """Render the report as one HTML document, self-contained unless ``embed_fonts`` is off."""
    from jinja2 import TemplateError

    if paper not in PAPER:
        raise ReportError(f"unknown paper size '{paper}'; expected one of {', '.join(PAPER)}")
    dirs = template_dirs(template_dir)
    env = _environment(dirs, html=True)
    try:
        template = env.get_template(HTML_TEMPLATE)
        assets = _assets(ctx, dirs, logo, logo_mime, embed_fonts, logo_data)
        return str(template.render(r=ctx, assets=assets, paper=PAPER[paper]))
    except TemplateError as exc:
        raise ReportError(_template_problem(exc, dirs)) from None


def render_markdown(ctx: ReportContext, *, template_dir: Path | None = None) -> str:
    """Render the report as Markdown, for wikis and e-mail."""
    from jinja2 import TemplateError

    dirs = template_dirs(template_dir)
    env = _environment(dirs, html=False)
    try:
        return str(env.get_template(MD_TEMPLATE).render(r=ctx))
    except TemplateError as exc:
        raise ReportError(_template_problem(exc, dirs)) from None


def _template_problem(exc: Exception, dirs: list[Path]) -> str:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if line is None:
        # Errors raised while rendering carry their place in the traceback's template frames.
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".j2"):
                name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    where = f"{name}:{line}" if line else str(name or "template")
    return (f"{where}: the report template failed: {exc}; fix the template "
            f"(looked up in {', '.join(map(str, dirs))})")


def report_data(ctx: ReportContext) -> dict[str, Any]:
    """Return the report's data as JSON-ready values (the ``--format json`` shape)."""
    data = dataclasses.asdict(ctx)
    del data["extra"]  # what a caller adds for its own templates is not the report's data
    ordered = {"format": data.pop("format"), **data}
    return _jsonable(ordered)  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def render_json(ctx: ReportContext) -> str:
    """Render the report's data as indented JSON."""
    return "".join(json_pieces(ctx))


def json_pieces(ctx: ReportContext) -> Iterator[str]:
    """Yield the report's JSON (``render_json``) piece by piece: each process, action or answer on its own.

    json.dumps with an indent keeps a list of every token of the document until it joins them: for
    50 processes x 30 respondents that list took 160 MB of the JSON report's 280. Encoding the
    items of the top-level lists one at a time gives the same text with a fraction of the memory.
    """
    data = report_data(ctx)
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + "\n  " + json_text(key) + ": "
        if isinstance(value, list) and value:
            yield "["
            for i, item in enumerate(value):
                yield ("," if i else "") + "\n    " + json_text(item).replace("\n", "\n    ")
            yield "\n  ]"
        else:
            yield json_text(value).replace("\n", "\n  ")
    yield "\n}\n"  # a report always has data
