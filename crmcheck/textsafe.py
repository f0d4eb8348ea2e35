"""Make user text safe to show: on a terminal, nothing in it is interpreted. Stdlib only.

Names, notes and questionnaire text come from people and files crmcheck does not control. On a
terminal an ESC starts a control sequence (clear the screen, set the window title, a hyperlink),
a carriage return overwrites the line, and a bidi override reorders what follows it. Such
characters are shown as escapes instead (``\\x1b``, ``\\r``, ``\\u202e``), as Python's ``repr``
writes them, so the text appears literally and stays on its line. Rich markup is the console's
business: it gets user text as ``rich.text.Text`` (see ``crmcheck.console.plain``), never as markup.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; the bidi embeddings, overrides, isolates and marks; and the
# Unicode line and paragraph separators, which some terminals and editors treat as line breaks.
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_UNSAFE_KEEP_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: object, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control, bidi and line-separator character shown as an escape.

    ``keep_newlines`` lets ``\\n`` through, for text crmcheck itself laid out on several lines.
    """
    s = text if isinstance(text, str) else str(text)
    return (_UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE).sub(_escape, s)


# What JSON may carry raw (ensure_ascii=False) but a terminal would obey: C1 controls, bidi
# controls and line separators. Written as \u escapes they stay the same data for every reader.
_JSON_UNSAFE = re.compile(f"[{_OTHERS}]")


def json_text(data: object, *, indent: int | None = 2) -> str:
    """Return ``data`` as JSON, non-ASCII text kept readable but nothing a terminal would obey left raw."""
    import json

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
