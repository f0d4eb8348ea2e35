"""The brand file: whose name, logo and colours the readiness report carries.

A brand file is YAML, read and validated like the other formats, so a mistake is reported as
``FILE:LINE:COL: field: what was expected``. The logo path is relative to the brand file.

```yaml
firm: Harbour Advisory            # shown on the cover ("prepared by") and in the footer
author: Jo Lindqvist              # optional: the consultant who signs the report
logo: harbour-logo.svg            # optional: PNG or SVG, next to this file
primary: "#1F3A5F"                # headings, cover band, chart lines
accent: "#E07A1F"                 # highlights, the verdict badge's outline
cover_line: Independent CRM readiness review
disclaimer: Based on interviews held in November 2026; …
contact: jo@harbour.example · +44 20 7946 0000
```
"""

from __future__ import annotations

import errno
import os
import re
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from crmcheck.errors import BrandError
from crmcheck.located import load_yaml, validate

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=2000)]
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _colour(value: str) -> str:
    # Colours go into the stylesheet, so only plain hex colours are accepted: nothing a brand
    # file holds can add CSS of its own.
    if not _HEX.fullmatch(value):
        raise ValueError(f"expected a colour as #RRGGBB (e.g. #1F3A5F), got {value!r}")
    return value


Colour = Annotated[str, AfterValidator(_colour)]

BRAND_FILE = "brand.yaml"
LOGO_MAX_BYTES = 2_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

DEFAULT_PRIMARY = "#1F3A5F"
DEFAULT_ACCENT = "#D9822B"


class BrandFile(BaseModel):
    """The brand file's format."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    firm: Text = Field(description="The firm's name, shown as 'prepared by'.")
    author: Text | None = Field(None, description="The consultant who signs the report.")
    logo: Text | None = Field(None, description="A PNG or SVG file, relative to the brand file.")
    primary: Colour = Field(DEFAULT_PRIMARY, description="Main colour, as #RRGGBB.")
    accent: Colour = Field(DEFAULT_ACCENT, description="Highlight colour, as #RRGGBB.")
    cover_line: Text | None = Field(None, description="One line under the title on the cover.")
    disclaimer: Text | None = Field(None, description="Printed on the cover's back and in the appendix.")
    contact: Text | None = Field(None, description="How to reach the firm; shown on the cover.")


@dataclass(frozen=True)
class Logo:
    """A checked logo file."""

    path: Path
    mime: str  # image/png or image/svg+xml
    data: bytes = field(default=b"", repr=False, compare=False)  # the bytes checked, so they are the ones shown


@dataclass(frozen=True)
class Brand:
    """What the report needs to know about the firm that issues it."""

    firm: str
    author: str | None = None
    logo: Logo | None = None
    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    cover_line: str | None = None
    disclaimer: str | None = None
    contact: str | None = None
    source: str | None = None  # the brand file it came from, for messages


DEFAULT_BRAND = Brand(
    firm="crmcheck",
    cover_line="CRM readiness assessment",
    disclaimer=(
        "This report is generated from the answers the people interviewed gave. Scores describe "
        "how ready the processes are for CRM as they were described; they are not an audit."
    ),
)


def load_brand(path: Path | str) -> Brand:
    """Load and check a brand file and its logo; raise ``BrandError`` saying what to fix."""
    try:
        source = load_yaml(path)
    except ValueError as exc:
        raise BrandError([str(exc)]) from None
    model = validate(BrandFile, source, BrandError)
    logo = None
    if model.logo is not None:
        logo_path = (Path(path).parent / model.logo).resolve()
        line, col = source.where(("logo",))
        logo = check_logo(logo_path, f"{path}:{line}:{col}: logo")
    return Brand(
        firm=model.firm,
        author=model.author,
        logo=logo,
        primary=model.primary,
        accent=model.accent,
        cover_line=model.cover_line,
        disclaimer=model.disclaimer,
        contact=model.contact,
        source=str(path),
    )


def check_logo(path: Path, where: str) -> Logo:
    """Return the logo if it is a readable PNG or SVG file; raise ``BrandError`` if not."""
    try:
        data = _read_logo(path, where)
    except FileNotFoundError:
        raise BrandError([f"{where}: no such file '{path}'; put the logo next to the brand file "
                          "or give its path relative to it"]) from None
    except IsADirectoryError:
        raise BrandError([f"{where}: '{path}' is a folder; expected a PNG or SVG file"]) from None
    except OSError as exc:
        raise BrandError([f"{where}: cannot read '{path}': {exc.strerror}"]) from None
    if data.startswith(PNG_SIGNATURE):
        if not _png_ok(data):
            raise BrandError([f"{where}: '{path}' is a broken PNG file; export the logo again"])
        return Logo(path, "image/png", data)
    if _is_svg(data):
        return Logo(path, "image/svg+xml", data)
    raise BrandError([f"{where}: '{path}' is neither a PNG nor an SVG image; convert the logo "
                      "to one of those"])


def _too_big(path: Path, where: str, size: int) -> BrandError:
    return BrandError([f"{where}: '{path}' is {size // 1000:,} kB; use a logo under "
                       f"{LOGO_MAX_BYTES // 1_000_000} MB (an SVG, or a PNG about 600 px wide)"])


def _read_logo(path: Path, where: str) -> bytes:
    """Read the logo only once it is known to be a regular file of a logo's size.

    Opened without blocking (a FIFO would wait for a writer forever) and checked with fstat on the
    descriptor that is read, so /dev/zero, a pipe or a 1 GB file is refused before a byte is read;
    at most one byte more than the limit is read, in case the file grows after the check.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            raise BrandError([f"{where}: '{path}' is not a regular file (a device, pipe or socket); "
                              "give the path of a PNG or SVG file"])
        if info.st_size > LOGO_MAX_BYTES:
            raise _too_big(path, where, info.st_size)
        chunks: list[bytes] = []
        left = LOGO_MAX_BYTES + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > LOGO_MAX_BYTES:
        raise _too_big(path, where, len(data))
    return data


def _png_ok(data: bytes) -> bool:
    # Pillow comes with WeasyPrint; it is imported here, only when a brand has a PNG logo.
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:
        return False
    return True


def _is_svg(data: bytes) -> bool:
    head = data[:1000].lstrip()
    if not (head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")):
        return False
    if b"<!ENTITY" in data:
        return False  # entity tricks are no part of a logo
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return False
    return root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")


def resolve_brand(path: Path | None, config_dir: Path | None) -> Brand:
    """Return the brand to use: ``path``, else ``config_dir/brand.yaml`` if present, else the default."""
    if path is not None:
        return load_brand(path)
    if config_dir is not None:
        candidate = config_dir / BRAND_FILE
        if candidate.is_file():
            return load_brand(candidate)
    return DEFAULT_BRAND
