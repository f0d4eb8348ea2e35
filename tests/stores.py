"""Store test helpers that work on SQLite and PostgreSQL alike: raw SQL, old schemas, columns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy import text as sql

from crmcheck import store as store_module
from crmcheck.store_summary import resolve_url

DATA = Path(__file__).parent / "data"


def execute(url: str, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run one SQL statement on the store at ``url`` (outside crmcheck) and return its rows."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(sql(statement), params or {})
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def schema_version(url: str) -> int:
    """Return the schema version a store records."""
    return int(execute(url, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0])


def columns(url: str, table: str) -> set[str]:
    """Return the column names of one table."""
    engine = create_engine(resolve_url(url))
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def make_old(url: str, version: int = 1) -> str:
    """Write the store of tests/data/store-v1.sql at ``url`` as schema ``version`` would have held it.

    The tables are created as crmcheck creates them on that backend (so ids are generated the
    same way: serial columns on PostgreSQL), less every column a later migration added; the
    schema-1 rows go in, and the migrations up to ``version`` run as an older crmcheck ran them.
    """
    engine = create_engine(resolve_url(url))
    try:
        with engine.begin() as conn:
            store_module.metadata.create_all(conn)
            for target in sorted(store_module.MIGRATIONS, reverse=True):
                for step in store_module.MIGRATIONS[target]:
                    added = re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", step) if isinstance(step, str) else None
                    if added:
                        conn.exec_driver_sql(f"ALTER TABLE {added.group(1)} DROP COLUMN {added.group(2)}")
            text = (DATA / "store-v1.sql").read_text(encoding="utf-8")
            for statement in re.findall(r"^INSERT INTO .*?\);$", text, flags=re.S | re.M):
                conn.exec_driver_sql(statement.replace("%", "%%") if engine.dialect.name != "sqlite" else statement)
            for target in range(2, version + 1):
                for step in store_module.MIGRATIONS[target]:
                    conn.exec_driver_sql(step) if isinstance(step, str) else step(conn)
                if target == 2:
                    conn.exec_driver_sql("UPDATE assessments SET targets = '{\"index\": 60.0}' WHERE id = 1")
            conn.exec_driver_sql(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")
            if engine.dialect.name == "postgresql":  # rows inserted with their ids: move the sequences on
                for table in ("questionnaires", "clients", "assessments", "respondents"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
    finally:
        engine.dispose()
    return url
