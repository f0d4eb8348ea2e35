"""A store written by an older crmcheck opens without loss; migrations are atomic and run once.

Each test runs on SQLite and on PostgreSQL; the old stores are tests/data/store-v1.sql's rows in
the tables an older crmcheck created on that backend (``stores.make_old``). One test also opens
the schema-1 SQLite file exactly as the first release wrote it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from stores import columns, execute, make_old, schema_version

from crmcheck import store as store_module
from crmcheck.answers import dump_answers, load_answers
from crmcheck.questionnaire import load_questionnaire
from crmcheck.scoring import score
from crmcheck.store import SCHEMA_VERSION, open_store
from crmcheck.store_summary import summaries

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("version", [1, 2, 5], ids=["schema-1", "schema-2", "schema-5"])
def test_an_old_store_opens_without_loss_and_rescores_identically(store_url: str, version: int) -> None:
    make_old(store_url, version)
    q = load_questionnaire(DATA / "mini.yaml")
    original = load_answers(DATA / "mini-answers.yaml", q)

    store = open_store(store_url)
    stored = store.load("acme/2026-Q4")
    if version >= 2:
        original.targets = {"index": 60.0}
    assert dump_answers(stored.assessment) == dump_answers(original)
    assert score(stored.questionnaire, stored.assessment).index == score(q, original).index
    unfinished = store.load("acme-ltd/2027-Q1")
    assert unfinished.status == "in-progress"
    assert unfinished.assessment.respondents[0].answers[("leads", "own-owner")].note == "named in January"
    # New rows get new ids after a migration (on PostgreSQL: the sequences carry on).
    rid = store.add_respondent(stored.id, "Cleo Park", "Service lead", "Service")
    assert rid > 3
    store.close()
    assert schema_version(store_url) == SCHEMA_VERSION
    assert {"targets", "summary", "previous_id", "stage", "wave"} <= columns(store_url, "assessments")
    assert execute(store_url, "SELECT ref, version FROM questionnaires") == [("mini@1", "1")]


def test_the_first_releases_sqlite_file_opens_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as con:
        con.executescript((DATA / "store-v1.sql").read_text(encoding="utf-8"))
    con.close()
    q = load_questionnaire(DATA / "mini.yaml")
    stored = open_store(str(path)).load("acme/2026-Q4")
    assert dump_answers(stored.assessment) == dump_answers(load_answers(DATA / "mini-answers.yaml", q))
    assert schema_version(str(path)) == SCHEMA_VERSION


def test_the_summary_cache_of_a_migrated_store_is_built_on_first_use(store_url: str) -> None:
    make_old(store_url, 1)
    store = open_store(store_url)
    assert summaries(store_url) is None  # no cache yet: the fast path must not answer
    infos = store.assessments()
    store.close()
    cached = summaries(store_url)
    assert cached is not None
    assert [(s.label, s.index, s.respondents) for s in cached] == [(i.label, i.index, i.respondents) for i in infos]
    assert cached[0].index == 31.4


def test_a_failing_migration_leaves_the_old_store_untouched(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make_old(store_url, 1)

    def explode(conn: object) -> None:
        raise RuntimeError("disk on fire")

    steps = [*store_module.MIGRATIONS[SCHEMA_VERSION], explode]
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, steps)
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_store(store_url)
    assert schema_version(store_url) == 1
    assert "targets" not in columns(store_url, "assessments")  # migration 2 rolled back with the rest
    monkeypatch.undo()
    assert dump_answers(open_store(store_url).load("1").assessment).startswith("client: Acme Ltd")


OPEN = """
import sys
from crmcheck.store import open_store
open_store(sys.argv[1]).load(sys.argv[2])
"""


def _open_at_once(url: str, ref: str, n: int) -> list[str]:
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, url, ref], stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * n, errors
    return errors


def test_programs_opening_an_old_store_at_once_migrate_it_once(store_url: str) -> None:
    make_old(store_url, 1)
    _open_at_once(store_url, "acme/2026-Q4", 4)
    assert schema_version(store_url) == SCHEMA_VERSION


CREATE = """
import sys
from crmcheck.store import open_store
open_store(sys.argv[1]).assessments()
"""


def test_programs_opening_a_new_store_at_once_create_it_once(store_url: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", CREATE, store_url], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    assert execute(store_url, "SELECT key, value FROM meta") == [("schema_version", str(SCHEMA_VERSION))]
