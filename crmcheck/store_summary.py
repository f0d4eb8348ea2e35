"""Fast, read-only access to the store's cached summaries, without SQLAlchemy.

``crmcheck list`` and ``crmcheck trend`` must start about as fast as ``crmcheck --help``;
importing SQLAlchemy and pydantic alone would cost several times that. So the store keeps, on
every assessment row, a JSON summary of its derived scores (a cache: always recomputable from
the answers and the stored questionnaire), and this module reads it straight from a SQLite file.
PostgreSQL stores keep the same cache and are read with psycopg alone. Anything this module
cannot answer (another database, a missing or stale summary, an unknown schema, a server it
cannot reach) it returns as ``None``, and the caller falls back to ``crmcheck.store``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 7
SUMMARY_VERSION = 3  # 2: open blockers cap the verdict; 3: null index when nothing is answered
APP = "crmcheck"


def default_path() -> Path:
    """Return the default SQLite file: ``crmcheck.db`` in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False)) / "crmcheck.db"


def default_url() -> str:
    """Return the default store URL (a SQLite file in the user's data directory)."""
    return f"sqlite:///{default_path()}"


def resolve_url(url: str | None) -> str:
    """Turn ``--db`` / ``CRMCHECK_DB`` into a SQLAlchemy URL; a plain path means a SQLite file.

    ``postgresql://`` (and ``postgres://``, as hosting services write it) means PostgreSQL through
    psycopg 3, the driver of the ``crmcheck[postgres]`` extra, not SQLAlchemy's default psycopg2.
    """
    if not url:
        return default_url()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, sep, rest = url.partition("://")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg{sep}{rest}"
    return url


def _credentials(url: str) -> tuple[str, str, str, str] | None:
    """Split ``scheme://user:password@host…`` into (scheme://, user, password, host…); None without a password."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return None
    user, _, password = userinfo.partition(":")
    return scheme + sep, user, password, host


def mask_url(url: str) -> str:
    """Return ``url`` with its password replaced by ``***``, for every message and log line."""
    parts = _credentials(url)
    return url if parts is None else f"{parts[0]}{parts[1]}:***@{parts[3]}"


def url_password(url: str | None) -> str | None:
    """Return the password in ``url`` as written (percent-encoded or not), or None."""
    parts = _credentials(url) if url else None
    return parts[2] or None if parts else None


def sqlite_path(url: str | None) -> Path | None:
    """Return the SQLite file behind a URL, or None for other databases and in-memory stores."""
    full = resolve_url(url)
    match = re.match(r"^sqlite(?:\+pysqlite)?:///(.+)$", full)
    if not match or match.group(1) in (":memory:", ""):
        return None
    return Path(match.group(1).split("?", 1)[0])


def client_key(name: str) -> str:
    """Return the key a client is matched by: 'Acme Ltd' and 'acme-ltd' are the same client."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def match_client(names: list[str], wanted: str) -> str | None:
    """Return the client ``wanted`` names: same key, or else the one client whose key starts with it.

    So ``acme`` finds "Acme Ltd" when no other client's name starts with "Acme", and ``north``
    finds "Northwind Components": a whole word first, else any unique beginning.
    """
    key = client_key(wanted)
    if not key:
        return None
    exact = [n for n in names if client_key(n) == key]
    if exact:
        return exact[0]
    for start in (key + "-", key):
        prefixed = {n for n in names if client_key(n).startswith(start)}
        if prefixed:
            return prefixed.pop() if len(prefixed) == 1 else None
    return None


@dataclass(frozen=True)
class Summary:
    """One assessment as ``list`` and ``trend`` show it, read from the cache."""

    id: int
    client: str
    label: str
    date: dt.date
    status: str
    respondents: int
    completeness: float
    index: float | None  # None: nothing answered yet (not assessed)
    band: str | None
    verdict: str | None
    questionnaire: str
    criteria: dict[str, float | None] = field(default_factory=dict)
    sins: dict[str, float | None] = field(default_factory=dict)
    processes: dict[str, float | None] = field(default_factory=dict)
    criteria_titles: list[tuple[str, str]] = field(default_factory=list)
    sin_titles: list[tuple[str, str]] = field(default_factory=list)
    targets: dict[str, float] = field(default_factory=dict)
    stage: str | None = None


_BRIEF = ("v", "index", "band", "verdict", "completeness", "respondents", "questionnaire", "stage")


def summaries(url: str | None, client: str | None = None, *, full: bool = True) -> list[Summary] | None:
    """Return the cached summaries (of one client, if given), or None when the cache can't answer.

    SQLite files are read with the standard library's sqlite3, PostgreSQL with psycopg alone:
    either is a fraction of SQLAlchemy's import time. ``full=False`` reads only what ``list``
    shows (on SQLite, letting SQLite pick the fields out of the JSON).
    """
    if os.environ.get("CRMCHECK_NO_CACHE"):
        return None
    path = sqlite_path(url)
    if path is not None:
        rows = _sqlite_rows(path, full) if path.is_file() else None
    elif resolve_url(url).startswith("postgresql+psycopg://"):
        rows = _postgres_rows(resolve_url(url), full)
    else:
        rows = None
    return None if rows is None else from_rows(rows, client, full=full)


def from_rows(rows: list[tuple[Any, ...]], client: str | None = None, *, full: bool = True) -> list[Summary] | None:
    """Turn (id, client, label, date, status, summary missing, summary...) rows into summaries.

    None when any wanted row has no summary or a stale one: the caller then asks the store,
    which recomputes them.
    """
    wanted = match_client(sorted({r[1] for r in rows}), client) if client is not None else None
    if client is not None and wanted is None:
        return []
    out: list[Summary] = []
    for ident, name, label, date, status, missing, *values in rows:
        if wanted is not None and name != wanted:
            continue
        if missing:
            return None
        try:
            data = json.loads(values[0]) if full else dict(zip(_BRIEF, values, strict=True))
            out.append(_summary(ident, name, label, str(date), status, data))
        except (KeyError, TypeError, ValueError):
            return None
    return out


_ROWS = ("SELECT a.id, c.name, a.label, a.date, a.status, a.summary IS NULL, {fields} FROM assessments a "
         "JOIN clients c ON c.id = a.client_id ORDER BY c.name, a.date, a.label")


def _sqlite_rows(path: Path, full: bool) -> list[tuple[Any, ...]] | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) != SCHEMA_VERSION:
            return None
        fields = "a.summary" if full else ", ".join(f"json_extract(a.summary, '$.{k}')" for k in _BRIEF)
        return con.execute(_ROWS.format(fields=fields)).fetchall()
    except (sqlite3.Error, ValueError):
        return None
    finally:
        con.close()


def _postgres_rows(url: str, full: bool) -> list[tuple[Any, ...]] | None:
    try:
        import psycopg
    except ImportError:
        return None
    # Brief: PostgreSQL picks the fields out of the JSON (as jsonb, which psycopg hands back typed).
    fields = "a.summary" if full else ", ".join(f"(a.summary::jsonb)->'{k}'" for k in _BRIEF)
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=10) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:
                return None
            return con.execute(_ROWS.format(fields=fields)).fetchall()
    except (psycopg.Error, ValueError):
        return None  # the store itself reports what is wrong (unreachable, wrong password...)


def _summary(ident: int, name: str, label: str, date: str, status: str, s: dict[str, Any]) -> Summary:
    if s.get("v") != SUMMARY_VERSION or s.get("respondents") is None or s.get("completeness") is None:
        raise ValueError("stale or damaged summary")
    return Summary(
        id=ident, client=name, label=label, date=dt.date.fromisoformat(date), status=status,
        respondents=s["respondents"], completeness=s["completeness"], index=s["index"], band=s["band"],
        verdict=s["verdict"], questionnaire=s["questionnaire"], criteria=s.get("criteria", {}),
        sins=s.get("sins", {}), processes=s.get("processes", {}),
        criteria_titles=[(i, t) for i, t in s.get("criteria_titles", [])],
        sin_titles=[(i, t) for i, t in s.get("sin_titles", [])], targets=s.get("targets", {}),
        stage=s.get("stage"),
    )
