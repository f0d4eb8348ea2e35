"""A store written by an older crmcheck opens without loss; migrations are atomic and run once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crmcheck import store as store_module
from crmcheck.answers import dump_answers, load_answers
from crmcheck.questionnaire import load_questionnaire
from crmcheck.scoring import score
from crmcheck.store import SCHEMA_VERSION, open_store
from crmcheck.store_summary import summaries

DATA = Path(__file__).parent / "data"


def make_v1(path: Path) -> Path:
    """Write the schema-1 store of tests/data/store-v1.sql to ``path``."""
    with sqlite3.connect(path) as con:
        con.executescript((DATA / "store-v1.sql").read_text(encoding="utf-8"))
    con.close()
    return path


def make_v2(path: Path) -> Path:
    """Write a schema-2 store: schema 1 with the statements migration 2 ran at the time."""
    make_v1(path)
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE assessments ADD COLUMN targets TEXT")
        con.execute("ALTER TABLE assessments ADD COLUMN summary TEXT")
        con.execute("UPDATE assessments SET targets = '{\"index\": 60.0}' WHERE id = 1")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    return path


def schema_version(path: Path) -> int:
    with sqlite3.connect(path) as con:
        (value,) = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    con.close()
    return int(value)


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as con:
        names = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
    con.close()
    return names


@pytest.mark.parametrize("make", [make_v1, make_v2], ids=["schema-1", "schema-2"])
def test_an_old_store_opens_without_loss_and_rescores_identically(tmp_path: Path, make: object) -> None:
    path = make(tmp_path / "old.db")  # type: ignore[operator]
    q = load_questionnaire(DATA / "mini.yaml")
    original = load_answers(DATA / "mini-answers.yaml", q)

    store = open_store(str(path))
    stored = store.load("acme/2026-Q4")
    if make is make_v2:
        original.targets = {"index": 60.0}
    assert dump_answers(stored.assessment) == dump_answers(original)
    assert score(stored.questionnaire, stored.assessment).index == score(q, original).index
    unfinished = store.load("acme-ltd/2027-Q1")
    assert unfinished.status == "in-progress"
    assert unfinished.assessment.respondents[0].answers[("leads", "own-owner")].note == "named in January"
    store.close()
    assert schema_version(path) == SCHEMA_VERSION
    assert {"targets", "summary", "previous_id"} <= columns(path, "assessments")
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT ref, version FROM questionnaires").fetchall() == [("mini@1", "1")]
    con.close()


def test_the_summary_cache_of_a_migrated_store_is_built_on_first_use(tmp_path: Path) -> None:
    path = make_v1(tmp_path / "old.db")
    store = open_store(str(path))
    assert summaries(str(path)) is None  # no cache yet: the fast path must not answer
    infos = store.assessments()
    store.close()
    cached = summaries(str(path))
    assert cached is not None
    assert [(s.label, s.index, s.respondents) for s in cached] == [(i.label, i.index, i.respondents) for i in infos]
    assert cached[0].index == 31.4


def test_a_failing_migration_leaves_the_old_store_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_v1(tmp_path / "old.db")

    def explode(conn: object) -> None:
        raise RuntimeError("disk on fire")

    steps = [*store_module.MIGRATIONS[SCHEMA_VERSION], explode]
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, steps)
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_store(str(path))
    assert schema_version(path) == 1
    assert "targets" not in columns(path, "assessments")  # migration 2 rolled back with the rest
    monkeypatch.undo()
    assert dump_answers(open_store(str(path)).load("1").assessment).startswith("client: Acme Ltd")


OPEN = """
import sys
from crmcheck.store import open_store
open_store(sys.argv[1]).load("acme/2026-Q4")
"""


def test_two_programs_opening_an_old_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = make_v1(tmp_path / "old.db")
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(path)], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert schema_version(path) == SCHEMA_VERSION
