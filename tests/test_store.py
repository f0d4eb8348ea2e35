"""The assessment store: round trips, references, all-or-nothing import, the summary cache, migrations.

Every test runs on SQLite and on PostgreSQL (the ``store_url`` fixture in conftest.py).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from stores import execute

from crmcheck.answers import Answer, dump_answers
from crmcheck.assess import load_answers_file
from crmcheck.cli import cli
from crmcheck.errors import BadInputError, NotFoundError, StoreError
from crmcheck.resources import sample_answers
from crmcheck.store import SCHEMA_VERSION, Store, open_store, summarise
from crmcheck.store_summary import summaries

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
SAMPLE = sample_answers()


def run(db: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--db", db, *map(str, args)], env={"COLUMNS": "100"})


@pytest.fixture
def db(store_url: str) -> str:
    return store_url


@pytest.fixture
def sample_store(db: str) -> Store:
    _, a = load_answers_file(SAMPLE)
    store = open_store(db)
    text = (Path(SAMPLE).parents[1] / "crm-readiness.yaml").read_text(encoding="utf-8")
    store.import_assessment(text, a)
    return store


def test_stored_assessment_reads_back_exactly(sample_store: Store) -> None:
    _, a = load_answers_file(SAMPLE)
    stored = sample_store.load("northwind-components/2026-Q4")
    assert stored.assessment.processes == a.processes
    assert [r.answers for r in stored.assessment.respondents] == [r.answers for r in a.respondents]
    assert stored.questionnaire.ref == "crm-readiness@2.0"
    assert stored.status == "complete"


def test_export_import_export_round_trips_exactly(db: str, tmp_path: Path) -> None:
    assert run(db, "answers", "import", SAMPLE).exit_code == 0  # type: ignore[attr-defined]
    first = tmp_path / "first.yaml"
    assert run(db, "answers", "export", "1", "-o", first).exit_code == 0  # type: ignore[attr-defined]
    other = tmp_path / "other.db"
    result = run(other, "answers", "import", first)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    again = run(other, "answers", "export", "northwind-components/2026-Q4")
    assert again.output == first.read_text(encoding="utf-8")  # type: ignore[attr-defined]


def test_references_by_id_name_slug_and_unique_prefix(sample_store: Store) -> None:
    for ref in ("1", "Northwind Components/2026-Q4", "northwind-components/2026-q4", "northwind/2026-Q4"):
        assert sample_store.find(ref) == 1, ref
    with pytest.raises(NotFoundError, match=r"no assessment 'acme/2026-Q4'.*crmcheck list"):
        sample_store.load("acme/2026-Q4")


def test_duplicate_and_bad_imports_change_nothing(db: str) -> None:
    assert run(db, "answers", "import", SAMPLE).exit_code == 0  # type: ignore[attr-defined]
    before = run(db, "list", "--json").output  # type: ignore[attr-defined]
    dup = run(db, "answers", "import", SAMPLE)
    assert dup.exit_code == 2 and "already exists" in dup.output and "--replace" in dup.output  # type: ignore[attr-defined]
    broken = DATA / "history" / "acme-2026-Q4.yaml"  # answered with mini@2; wrong questionnaire given
    bad = run(db, "answers", "import", broken, "-q", MINI)
    assert bad.exit_code == 2 and "acme-2026-Q4.yaml:" in bad.output  # type: ignore[attr-defined]
    assert run(db, "list", "--json").output == before  # type: ignore[attr-defined]


def test_failed_import_rolls_back_every_row(sample_store: Store) -> None:
    _, a = load_answers_file(SAMPLE)
    a.respondents.append(a.respondents[0])  # the same person twice violates a constraint mid-import
    a.label = "2027-Q1"
    with pytest.raises(BadInputError):
        sample_store.import_assessment(sample_store.load("1").questionnaire_text, a)
    assert [i.label for i in sample_store.assessments()] == ["2026-Q4"]
    assert sample_store.find("northwind/2027-Q1") is None


def test_summary_cache_is_cleared_by_an_answer_and_refreshed_on_read(sample_store: Store, db: Path) -> None:
    fresh = summaries(db)
    assert fresh is not None and fresh[0].index == 48.5
    rid = sample_store.respondents(1)[0].id
    sample_store.save_answer(rid, "sales", "own-owner", Answer(level=0))
    assert summaries(db) is None  # stale: the fast path must not answer
    infos = sample_store.assessments()
    stored = sample_store.load("1")
    expected = summarise(stored.questionnaire, stored.assessment)
    assert infos[0].index == expected["index"] < 48.5
    cached = summaries(db)
    assert cached is not None and cached[0].index == expected["index"]
    assert cached[0].criteria == pytest.approx(expected["criteria"])


def test_targets_set_and_removed(sample_store: Store) -> None:
    assert sample_store.set_targets("1", {"ownership": 80, "index": None}) == {"ownership": 80}
    stored = sample_store.load("1")
    assert stored.assessment.targets == {"ownership": 80}


def test_delete_asks_unless_yes(db: str) -> None:
    run(db, "answers", "import", SAMPLE)
    refused = run(db, "delete", "1")
    assert refused.exit_code == 2 and "--yes" in refused.output  # type: ignore[attr-defined]
    done = run(db, "delete", "northwind/2026-Q4", "--yes")
    assert done.exit_code == 0 and "Deleted Northwind Components/2026-Q4" in done.output  # type: ignore[attr-defined]
    assert json.loads(run(db, "list", "--json").output) == []  # type: ignore[attr-defined]


def test_store_copy(db: str, tmp_path: Path) -> None:
    run(db, "answers", "import", SAMPLE)
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["store", "copy", "--from", db, "--to", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Copied 1 assessment of 1 client (4 respondents) from ")
    assert result.output.endswith(f"to {target}; every one re-scores identically in both stores.\n")
    copied, original = open_store(str(target)).load("1"), open_store(db).load("1")
    assert dump_answers(copied.assessment) == dump_answers(original.assessment)


def test_list_and_show(db: str) -> None:
    if not db.startswith("postgresql"):  # a --db file that is not there (an empty database is an empty store)
        assert "no store at" in run(db, "list").output  # type: ignore[attr-defined]
    run(db, "answers", "import", SAMPLE)
    listed = run(db, "list").output  # type: ignore[attr-defined]
    assert "Northwind Components/2026-Q4" in listed and "48.5" in listed
    rows = json.loads(run(db, "list", "--client", "northwind", "--json").output)  # type: ignore[attr-defined]
    assert rows[0]["index"] == 48.5 and rows[0]["respondents"] == 4 and rows[0]["verdict"] == "Conditional"
    assert rows[0]["stage"] == "before-selection"
    shown = json.loads(run(db, "show", "northwind/2026-Q4", "--json").output)  # type: ignore[attr-defined]
    assert shown["index"] == 48.5 and shown["targets"]["index"] == 65
    assert shown["headline"].startswith("Northwind Components can start selecting a CRM system once the first")
    missing = run(db, "show", "acme/2026-Q4")
    assert missing.exit_code == 2 and missing.output.startswith("Error: no assessment")  # type: ignore[attr-defined]


def test_a_store_from_a_newer_crmcheck_is_refused(db: str) -> None:
    open_store(db)
    execute(db, "UPDATE meta SET value = :v WHERE key = 'schema_version'", {"v": str(SCHEMA_VERSION + 1)})
    with pytest.raises(StoreError, match=r"newer crmcheck .*upgrade crmcheck"):
        open_store(db)


V1_SCHEMA = """
CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE questionnaires (id INTEGER PRIMARY KEY, ref VARCHAR(200) NOT NULL, hash VARCHAR(64) NOT NULL UNIQUE,
  text TEXT NOT NULL);
CREATE TABLE clients (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, slug VARCHAR(200) NOT NULL UNIQUE);
CREATE TABLE assessments (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  label VARCHAR(100) NOT NULL, date VARCHAR(10) NOT NULL, status VARCHAR(20) NOT NULL,
  questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id), created VARCHAR(32) NOT NULL,
  updated VARCHAR(32) NOT NULL, UNIQUE (client_id, label));
CREATE TABLE processes (assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
  process_id VARCHAR(100) NOT NULL, position INTEGER NOT NULL, title VARCHAR(200) NOT NULL,
  importance INTEGER NOT NULL, custom INTEGER NOT NULL, PRIMARY KEY (assessment_id, process_id));
CREATE TABLE respondents (id INTEGER PRIMARY KEY, assessment_id INTEGER NOT NULL REFERENCES assessments(id)
  ON DELETE CASCADE, position INTEGER NOT NULL, name VARCHAR(200) NOT NULL, role VARCHAR(200) NOT NULL,
  department VARCHAR(200) NOT NULL, interviewer VARCHAR(200), status VARCHAR(20) NOT NULL,
  UNIQUE (assessment_id, name));
CREATE TABLE answers (respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
  process VARCHAR(100) NOT NULL, question VARCHAR(100) NOT NULL, kind VARCHAR(10) NOT NULL, level INTEGER,
  reason TEXT, note TEXT, at VARCHAR(32), PRIMARY KEY (respondent_id, process, question));
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO clients VALUES (1, 'Acme Ltd', 'acme-ltd');
INSERT INTO assessments VALUES (1, 1, '2026-Q2', '2026-05-15', 'complete', 1, '2026-05-15T10:00:00',
  '2026-05-15T11:00:00');
INSERT INTO processes VALUES (1, 'leads', 0, 'Lead management', 4, 0);
INSERT INTO respondents VALUES (1, 1, 0, 'Ana Silva', 'Head of Sales', 'Sales', NULL, 'complete');
INSERT INTO answers VALUES (1, 'leads', 'own-owner', 'level', 2, NULL, 'named in May', '2026-05-15T10:05:00');
INSERT INTO answers VALUES (1, 'programme', 'strat-agreed', 'dont_know', NULL, NULL, NULL, '2026-05-15T10:09:00');
"""


def test_a_schema_1_store_opens_without_loss(tmp_path: Path) -> None:
    # A hand-written schema-1 SQLite file (tests/test_store_migration.py migrates one on both backends).
    from crmcheck.questionnaire import content_hash

    db = str(tmp_path / "store.db")
    text = MINI.read_text(encoding="utf-8")
    with sqlite3.connect(db) as con:
        con.executescript(V1_SCHEMA)
        con.execute("INSERT INTO questionnaires VALUES (1, 'mini@1', ?, ?)", (content_hash(text), text))
    store = open_store(db)
    stored = store.load("acme/2026-Q2")
    answers = stored.assessment.respondents[0].answers
    assert answers[("leads", "own-owner")].level == 2 and answers[("leads", "own-owner")].note == "named in May"
    assert answers[("programme", "strat-agreed")].kind == "dont_know"
    assert stored.assessment.targets == {}
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    assert store.assessments()[0].index is not None  # the summary cache is built on first use


def test_resume_finds_the_unfinished_assessment_changed_last(db: str) -> None:
    import datetime as dt

    from crmcheck.answers import ScopedProcess

    store = open_store(db)
    text = MINI.read_text(encoding="utf-8")
    scope = [ScopedProcess("leads", "Lead management", 4)]
    older = store.create_assessment(text, "Acme", "2026-Q3", dt.date(2026, 8, 1), scope)
    newer = store.create_assessment(text, "Acme", "2026-Q4", dt.date(2026, 11, 1), scope)
    execute(db, "UPDATE assessments SET updated = '2030-01-01T00:00:00' WHERE id = :id", {"id": older})
    assert store.resumable() == older
    store.set_status(older, "complete")
    assert store.resumable() == newer
    store.set_status(newer, "complete")
    assert store.resumable() is None and store.resumable("acme") is None
    store.add_respondent(older, "Ben Okafor", "Marketing lead", "Marketing")  # someone new reopens it
    assert store.load(str(older)).status == "in-progress"
    assert store.resumable("acme") == older and store.resumable("globex") is None


@pytest.mark.parametrize("field, old, length, limit", [
    ("respondents[0].name", "Ana Silva", 250, 200),
    ("label", "2026-Q4", 101, 100),
    ("client", "Acme Ltd", 201, 200),
])
def test_field_limits_are_the_same_on_every_backend(db: str, tmp_path: Path, field: str, old: str, length: int,
                                                    limit: int) -> None:
    text = (DATA / "mini-answers.yaml").read_text(encoding="utf-8").replace(old, "x" * length, 1)
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    result = run(db, "answers", "import", path, "-q", MINI)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "x" * length in row)
    assert result.output.startswith(f"{path}:{line}:")  # type: ignore[attr-defined]
    assert f"{field}: string should have at most {limit} characters" in result.output  # type: ignore[attr-defined]
    assert open_store(db).assessments() == []


def test_the_store_itself_refuses_an_over_long_value_the_same_everywhere(sample_store: Store) -> None:
    aid = int(sample_store.find("northwind/2026-Q4") or 0)
    with pytest.raises(BadInputError, match=r"^respondent name 'NNNN.*' is 201 characters long; at most 200 are "
                                            r"kept: shorten it$"):
        sample_store.add_respondent(aid, "N" * 201, "role", "dept")
