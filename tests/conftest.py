"""Shared pytest configuration: golden files, and the stores every store test runs on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pgserver
import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden: rewrite golden files from the current output instead of comparing."""
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files under tests/golden/ from the current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Return whether golden files should be rewritten (pytest --update-golden)."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    """Return a PostgreSQL server (CRMCHECK_TEST_PG, or one started for the session); skip if none can be.

    With CRMCHECK_REQUIRE_PG=1 (as in .ci/run) a server that cannot be started fails the tests
    instead of skipping them.
    """
    try:
        server = pgserver.start()
    except RuntimeError as exc:
        if os.environ.get("CRMCHECK_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL required (CRMCHECK_REQUIRE_PG) but: {exc}")
        pytest.skip(f"PostgreSQL cases skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty store: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    server: pgserver.Server = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url
    server.drop_database(url)
