"""The assessment store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

What is stored is what people said — clients, assessments, processes in scope, respondents,
answers — and the exact questionnaire text each assessment was answered with (once per content
hash), so an old assessment re-scores identically after the questionnaire changes. The one
derived value kept, ``assessments.summary``, is a cache for fast listing: it is cleared whenever
an answer changes and recomputed from the answers when next needed.

Every answer is written in its own short transaction. SQLite runs in WAL mode with a busy
timeout, and write transactions start with ``BEGIN IMMEDIATE``, so two interviews writing to one
file wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DatabaseError, IntegrityError, SQLAlchemyError

from crmcheck.answers import Answer, Assessment, Respondent, ScopedProcess
from crmcheck.errors import BadInputError, NotFoundError, StoreAccessError, StoreError
from crmcheck.questionnaire import Questionnaire, content_hash, parse_questionnaire
from crmcheck.store_summary import (
    SCHEMA_VERSION,
    SUMMARY_VERSION,
    Summary,
    client_key,
    default_url,
    from_rows,
    mask_url,
    match_client,
    resolve_url,
    sqlite_path,
    url_password,
)

__all__ = ["SCHEMA_VERSION", "AssessmentInfo", "FormRecord", "RespondentInfo", "Store", "StoredAssessment",
           "default_url", "open_store"]

metadata = MetaData()
UNKNOWN: object = object()  # save_answer's caller does not know what is stored

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))

questionnaires = Table(
    "questionnaires", metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(200), nullable=False),  # id@version, as answers files name it
    Column("version", String(100)),  # since schema 3
    Column("hash", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
)

clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(200), nullable=False, unique=True),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("date", String(10), nullable=False),
    Column("status", String(20), nullable=False, default="in-progress"),
    Column("questionnaire_id", Integer, ForeignKey("questionnaires.id"), nullable=False),
    Column("created", String(32), nullable=False),
    Column("updated", String(32), nullable=False),
    Column("targets", Text),  # JSON {key: value}; since schema 2
    Column("summary", Text),  # JSON cache of derived scores; since schema 2
    Column("previous_id", Integer),  # the assessment this one was started --from; since schema 3
    Column("stage", String(20)),  # where the CRM programme stands; since schema 4
    Column("go_live", String(10)),  # since schema 4
    Column("wave", Integer),  # the roll-out wave going live next; since schema 5
    UniqueConstraint("client_id", "label"),
)

processes = Table(
    "processes", metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("process_id", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("importance", Integer, nullable=False),
    Column("custom", Integer, nullable=False, default=0),
    Column("wave", Integer),  # the roll-out wave the process goes live in; since schema 5
)

respondents = Table(
    "respondents", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(200), nullable=False),
    Column("department", String(200), nullable=False),
    Column("interviewer", String(200)),
    Column("status", String(20), nullable=False, default="in-progress"),
    Column("speaks_for", Text),  # JSON list of process ids the person is asked about; null: all; since schema 6
    UniqueConstraint("assessment_id", "name"),
)

answers = Table(
    "answers", metadata,
    Column("respondent_id", Integer, ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True),
    Column("process", String(100), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("level", Integer),
    Column("reason", Text),
    Column("note", Text),
    Column("at", String(32)),
    Column("basis", String(10)),  # said | seen | measured; since schema 4
    Column("alt", Integer),  # the neighbouring level hesitated towards; since schema 4
)

forms = Table(  # respondent workbooks sent out and returned (crmcheck form); since schema 7
    "forms", metadata,
    Column("id", Integer, primary_key=True),
    Column("respondent_id", Integer, ForeignKey("respondents.id", ondelete="CASCADE"), nullable=False),
    Column("sent", String(32), nullable=False),  # when the workbook was exported; the workbook carries it too
    Column("due", String(10)),  # the return date it asks for
    Column("questions", Integer, nullable=False),  # how many questions it asks
    Column("returned", String(32)),  # when it was last imported
    Column("answered", Integer),  # how many of its questions came back answered
)



def _fill_versions(conn: Connection) -> None:
    for qid, ref in conn.execute(select(questionnaires.c.id, questionnaires.c.ref)).all():
        conn.execute(update(questionnaires).where(questionnaires.c.id == qid).values(version=ref.partition("@")[2]))


# Schema history. 1: the first release. 2: assessment targets and the summary cache.
# 3: questionnaire version column; the assessment an assessment was started from.
# 4: an answer's basis and neighbouring level; the programme's stage and go-live date.
# 5: roll-out waves (the assessment's current wave, each process's wave).
# 6: the processes a respondent speaks for.
# 7: respondent forms sent and returned.
# Each step is SQL both SQLite and PostgreSQL accept, or a function of the connection.
MIGRATIONS: dict[int, list[str | Callable[[Connection], None]]] = {
    2: ["ALTER TABLE assessments ADD COLUMN targets TEXT", "ALTER TABLE assessments ADD COLUMN summary TEXT"],
    3: ["ALTER TABLE questionnaires ADD COLUMN version VARCHAR(100)", _fill_versions,
        "ALTER TABLE assessments ADD COLUMN previous_id INTEGER"],
    4: ["ALTER TABLE answers ADD COLUMN basis VARCHAR(10)", "ALTER TABLE answers ADD COLUMN alt INTEGER",
        "ALTER TABLE assessments ADD COLUMN stage VARCHAR(20)",
        "ALTER TABLE assessments ADD COLUMN go_live VARCHAR(10)"],
    5: ["ALTER TABLE assessments ADD COLUMN wave INTEGER", "ALTER TABLE processes ADD COLUMN wave INTEGER"],
    6: ["ALTER TABLE respondents ADD COLUMN speaks_for TEXT"],
    # SQLAlchemy writes the DDL, so the id auto-increments on SQLite and PostgreSQL alike.
    7: [lambda conn: forms.create(conn, checkfirst=True)],
}


@dataclass(frozen=True)
class StoredAssessment:
    """An assessment as stored, with the questionnaire it was answered with."""

    id: int
    questionnaire: Questionnaire
    questionnaire_text: str
    assessment: Assessment
    status: str
    created: dt.datetime
    updated: dt.datetime
    previous_id: int | None = None  # the assessment this one was started from (interview --from)


@dataclass(frozen=True)
class AssessmentInfo:
    """One line of ``crmcheck list``."""

    id: int
    client: str
    label: str
    date: dt.date
    status: str
    questionnaire_ref: str
    respondents: int
    completeness: float
    index: float | None
    stage: str | None = None
    band: str | None = None  # None, like index, while nothing is answered
    verdict: str | None = None


@dataclass(frozen=True)
class RespondentInfo:
    """A respondent of an assessment, for picking whom to continue with."""

    id: int
    name: str
    role: str
    department: str
    interviewer: str | None
    status: str
    answered: int
    speaks_for: list[str] | None = None  # None: every process in scope


@dataclass(frozen=True)
class FormRecord:
    """A respondent form sent out, and whether it came back (``crmcheck form status``)."""

    respondent_id: int
    sent: dt.datetime
    due: dt.date | None
    questions: int
    returned: dt.datetime | None
    answered: int | None


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@lru_cache(maxsize=32)
def _parse(text: str) -> Questionnaire:
    return parse_questionnaire(text, "<stored questionnaire>")


def open_store(url: str | None = None, *, existing: bool = False) -> Store:
    """Open (creating or migrating if needed) the store at ``url``; None means the default file.

    ``existing``: for commands that only read. A SQLite file that is not there is then an error,
    not a new empty store, so a mistyped ``--db`` is caught instead of answered "no assessments".
    """
    if existing:
        missing_store(url)
    return Store(resolve_url(url))


def missing_store(url: str | None) -> None:
    """Raise when ``url`` names a SQLite file that does not exist."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise NotFoundError(f"no store at {path}: nothing has been stored there yet; check --db or CRMCHECK_DB "
                            "(interview, answers import and demo create it)")


class Store:
    """Repository functions over one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = sqlite_path(url)
        self.is_sqlite = url.startswith("sqlite")
        # Every message names the store by this: the file, or the URL with its password masked.
        self.where = str(path) if path else mask_url(url.replace("postgresql+psycopg://", "postgresql://", 1))
        # A SQLite store on a read-only disk, or a file one may only read (a colleague's, an
        # archive): opened read-only, so list, show, report and export work; writing says why not.
        self.read_only = path is not None and path.is_file() and not (
            os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        if path is not None and not self.read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine_url = url
        if self.read_only and path is not None:
            # Without a write-ahead log beside it, everything is in the file: read it as immutable (no
            # locks to take on a read-only disk). With one, the log holds recent writes: read through it.
            wal = Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
            engine_url = f"sqlite:///file:{quote(str(path))}?mode=ro{'' if wal else '&immutable=1'}&uri=true"
        try:
            self.engine: Engine = create_engine(
                engine_url, connect_args={"timeout": 30} if self.is_sqlite else {"connect_timeout": 10})
        except ModuleNotFoundError as exc:
            raise StoreAccessError(_missing_driver(url, self.where, exc)) from None
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreAccessError(f"cannot open store {self.where}: {_one_line(str(exc), url)}; check --db or "
                                   "CRMCHECK_DB (a SQLite file path, or postgresql://user:password@host/database)"
                                   ) from None
        if self.is_sqlite:
            _sqlite_pragmas(self.engine, self.read_only)
        self._migrate()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ connection and schema

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DatabaseError as exc:  # OperationalError among them: locked, unreachable, not a database...
            raise _operational(exc, self.url, self.where) from None

    def _migrate(self) -> None:
        with self._tx() as conn:
            if not self.is_sqlite:
                # Several crmcheck processes opening a new or older store at once: one creates or
                # migrates it, the others wait here and then find it done. (On SQLite, BEGIN
                # IMMEDIATE already lets only one writer in.) The lock ends with the transaction.
                conn.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            existing = set(self.engine.dialect.get_table_names(conn))
            if "meta" not in existing:
                if self.read_only:
                    raise StoreAccessError(f"{self.where} is not a crmcheck store (and is read-only); check --db or "
                                           "CRMCHECK_DB")
                if existing:
                    # Someone else's database: writing crmcheck's tables into it would be a surprise.
                    shown = ", ".join(sorted(existing)[:5]) + (", …" if len(existing) > 5 else "")
                    raise StoreAccessError(f"{self.where} is not a crmcheck store (it holds other tables: {shown}); "
                                           "point --db at a crmcheck store or at a new, empty database")
                metadata.create_all(conn)
                conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            version = self._schema_version(conn)
            if self.read_only and version < SCHEMA_VERSION:
                raise StoreAccessError(f"store {self.where} is read-only and was written by an older crmcheck (schema "
                                       f"{version}); make it writable once so this crmcheck can upgrade it")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"store {self.where} was written by a newer crmcheck (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade crmcheck: pip install -U crmcheck"
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for step in MIGRATIONS[target]:
                    if isinstance(step, str):
                        conn.exec_driver_sql(step)
                    else:
                        step(conn)
                conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(target)))

    def _date(self, aid: int, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise StoreAccessError(f"store {self.where}: assessment {aid} holds a damaged date ('{str(value)[:20]}'); "
                                   f"restore the store from a backup, or delete the assessment: crmcheck delete {aid}"
                                   ) from None

    def _schema_version(self, conn: Connection) -> int:
        raw = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            shown = "missing" if raw is None else f"'{str(raw)[:20]}'"
            raise StoreAccessError(f"store {self.where} is damaged: its schema version is {shown}; restore it from "
                                   "a backup") from None

    # ------------------------------------------------------------ references

    def find(self, ref: str) -> int | None:
        """Return the id an assessment reference (id or client/label) names, or None."""
        with self._tx() as conn:
            return self._find(conn, ref)

    def _find(self, conn: Connection, ref: str) -> int | None:
        ref = ref.strip()
        if ref.isdigit():
            found = conn.execute(select(assessments.c.id).where(assessments.c.id == int(ref))).scalar()
            return int(found) if found is not None else None
        # A label may hold a "/" itself (FY2026/27): try each split, the longest client name first.
        cuts = [i for i, ch in enumerate(ref) if ch == "/"]
        for cut in reversed(cuts):
            client, label = ref[:cut], ref[cut + 1:]
            cid = self._client(conn, client)
            if cid is None:
                continue
            rows = conn.execute(select(assessments.c.id, assessments.c.label)
                                .where(assessments.c.client_id == cid)).all()
            found = next((int(r.id) for r in rows if r.label.lower() == label.strip().lower()), None)
            if found is not None:
                return found
        return None

    def _client(self, conn: Connection, name: str) -> int | None:
        """Return the id of the client ``name`` refers to (exact, or the only one it is a prefix of)."""
        found = dict(conn.execute(select(clients.c.name, clients.c.id)).all())
        match = match_client(sorted(found), name)
        return None if match is None else int(found[match])

    def _require(self, conn: Connection, ref: str) -> int:
        found = self._find(conn, ref)
        if found is None:
            hint = "an id or client/label, e.g. acme/2026-Q4" if "/" not in ref and not ref.isdigit() else ""
            raise NotFoundError(f"no assessment '{ref}' in {self.where}" + (f" (expected {hint})" if hint else "")
                                + "; see: crmcheck list")
        return found

    # ------------------------------------------------------------ writing

    def _lock_client(self, conn: Connection, client: str) -> None:
        """On PostgreSQL, let one transaction at a time create or replace a client's assessments.

        Two imports of the same file with --replace, or two interviews starting the same new
        client, would otherwise both find nothing there and collide on insert. (SQLite's
        BEGIN IMMEDIATE already lets one writer in at a time.) The lock ends with the transaction.
        """
        if not self.is_sqlite:
            key = zlib.crc32(f"client:{client_key(client)}".encode())
            conn.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def _questionnaire_id(self, conn: Connection, text: str) -> int:
        digest = content_hash(text)
        found = conn.execute(select(questionnaires.c.id).where(questionnaires.c.hash == digest)).scalar()
        if found is not None:
            return int(found)
        q = _parse(text)
        row = {"ref": q.ref, "version": q.version, "hash": digest, "text": text}
        _fit(questionnaires, row)
        # Another writer may be storing the same text right now: keep whichever lands first.
        conn.execute((pg_insert if not self.is_sqlite else sqlite_insert)(questionnaires).values(**row)
                     .on_conflict_do_nothing(index_elements=[questionnaires.c.hash]))
        return int(conn.execute(select(questionnaires.c.id).where(questionnaires.c.hash == digest)).scalar_one())

    def _client_id(self, conn: Connection, name: str) -> int:
        slug = client_key(name)
        if not slug:
            raise BadInputError(f"client name {name!r} needs at least one letter or digit")
        found = conn.execute(select(clients.c.id).where(clients.c.slug == slug)).scalar()
        if found is not None:
            return int(found)
        row = {"name": name.strip(), "slug": slug}
        _fit(clients, row)
        return _new_id(conn.execute(insert(clients).values(**row)))

    def create_assessment(
        self, questionnaire_text: str, client: str, label: str, date: dt.date, scope: list[ScopedProcess],
        targets: dict[str, float] | None = None, *, previous: int | None = None, stage: str | None = None,
        go_live: dt.date | None = None, wave: int | None = None,
    ) -> int:
        """Create an empty assessment with its processes in scope; return its id."""
        with self._tx() as conn:
            return self._create(conn, questionnaire_text, client, label, date, scope, targets or {}, previous,
                                stage, go_live, wave)

    def _create(self, conn: Connection, text: str, client: str, label: str, date: dt.date,
                scope: list[ScopedProcess], targets: dict[str, float], previous: int | None = None,
                stage: str | None = None, go_live: dt.date | None = None, wave: int | None = None,
                keep_id: int | None = None) -> int:
        self._lock_client(conn, client)
        qid = self._questionnaire_id(conn, text)
        cid = self._client_id(conn, client)
        now = _now()
        row = dict(client_id=cid, label=label, date=date.isoformat(), status="in-progress", questionnaire_id=qid,
                   created=now, updated=now, targets=json.dumps(targets) if targets else None, previous_id=previous,
                   stage=stage, go_live=go_live.isoformat() if go_live else None, wave=wave)
        _fit(assessments, row)
        try:
            aid = _new_id(conn.execute(insert(assessments).values(
                **({"id": keep_id} if keep_id is not None else {}), **row)))
        except IntegrityError:
            raise BadInputError(f"assessment '{client}/{label}' already exists in {self.where}; "
                                "pick another label, or replace it with --replace") from None
        if scope:
            rows = [{"assessment_id": aid, "process_id": p.id, "position": i, "title": p.title,
                     "importance": p.importance, "custom": int(p.custom), "wave": p.wave} for i, p in enumerate(scope)]
            for each in rows:
                _fit(processes, each)
            conn.execute(insert(processes), rows)
        return aid

    def import_assessment(self, questionnaire_text: str, assessment: Assessment, *, replace: bool = False) -> int:
        """Store a whole assessment in one transaction (all or nothing); return its id."""
        with self._tx() as conn:
            return self._import(conn, questionnaire_text, assessment, replace)

    def _import(self, conn: Connection, questionnaire_text: str, a: Assessment, replace: bool,
                status: str | None = None) -> int:
        self._lock_client(conn, a.client)
        old = self._find(conn, f"{a.client}/{a.label}")
        if old is not None:
            if not replace:
                raise BadInputError(f"assessment '{a.client}/{a.label}' already exists in {self.where} "
                                    f"(id {old}); use --replace to overwrite it")
            self._cascade(conn, old)
            conn.execute(delete(assessments).where(assessments.c.id == old))
        # A replaced assessment keeps its id, so a REF printed earlier ("crmcheck report 3") still works.
        aid = self._create(conn, questionnaire_text, a.client, a.label, a.date, a.processes, a.targets,
                           stage=a.stage, go_live=a.go_live, wave=a.wave, keep_id=old)
        for i, r in enumerate(a.respondents):
            rid = self._add_respondent(conn, aid, r.name, r.role, r.department, r.interviewer, position=i,
                                       speaks_for=r.speaks_for)
            rows = [_answer_row(rid, proc, qid, ans) for (proc, qid), ans in r.answers.items()]
            for row in rows:
                _fit(answers, row)
            if rows:
                conn.execute(insert(answers), rows)
            conn.execute(update(respondents).where(respondents.c.id == rid).values(
                status="in-progress" if r.status == "in-progress" else "complete"))
        if status is None:
            # An export of an unfinished interview stays unfinished when imported back.
            status = "complete" if all(r.status != "in-progress" for r in a.respondents) else "in-progress"
        conn.execute(update(assessments).where(assessments.c.id == aid).values(status=status))
        self._write_summary(conn, aid, _parse(questionnaire_text), a)
        return aid

    def _cascade(self, conn: Connection, aid: int) -> None:
        # Foreign keys cascade on PostgreSQL and on SQLite with foreign_keys on; be explicit anyway
        # so a store opened by another tool without the pragma keeps no orphans.
        rids = [r for (r,) in conn.execute(select(respondents.c.id).where(respondents.c.assessment_id == aid))]
        if rids:
            conn.execute(delete(answers).where(answers.c.respondent_id.in_(rids)))
            conn.execute(delete(forms).where(forms.c.respondent_id.in_(rids)))
        conn.execute(delete(respondents).where(respondents.c.assessment_id == aid))
        conn.execute(delete(processes).where(processes.c.assessment_id == aid))

    def _add_respondent(self, conn: Connection, aid: int, name: str, role: str, department: str,
                        interviewer: str | None, position: int | None = None,
                        speaks_for: list[str] | None = None) -> int:
        if position is None:
            position = int(conn.execute(select(func.count()).where(respondents.c.assessment_id == aid)).scalar_one())
        row = dict(assessment_id=aid, position=position, name=name, role=role, department=department,
                   interviewer=interviewer, status="in-progress",
                   speaks_for=None if speaks_for is None else json.dumps(speaks_for))
        _fit(respondents, row)
        try:
            return _new_id(conn.execute(insert(respondents).values(**row)))
        except IntegrityError:
            raise BadInputError(f"respondent '{name}' is already part of this assessment; "
                                "continue their interview instead") from None

    def add_respondent(self, aid: int, name: str, role: str, department: str, interviewer: str | None = None,
                       speaks_for: list[str] | None = None) -> int:
        """Add a respondent to an assessment, asked about ``speaks_for`` (None: every process); return the id."""
        with self._tx() as conn:
            rid = self._add_respondent(conn, aid, name, role, department, interviewer, speaks_for=speaks_for)
            self._touch(conn, aid)
            # Someone new is being interviewed: the assessment is open again (and found by --resume).
            conn.execute(update(assessments).where(assessments.c.id == aid).values(status="in-progress"))
            return rid

    def set_speaks_for(self, rid: int, processes: list[str] | None) -> None:
        """Record the processes a respondent is asked about (None: every process in scope)."""
        with self._tx() as conn:
            self._touch_respondent(conn, rid)
            conn.execute(update(respondents).where(respondents.c.id == rid).values(
                speaks_for=None if processes is None else json.dumps(processes)))

    def save_answer(self, rid: int, process: str, question: str, answer: Answer,
                    expected: Answer | object | None = UNKNOWN) -> Answer | None:
        """Write one answer in its own transaction (the last write wins); return what it overwrote, if unexpected.

        ``expected`` is what the caller last knew to be stored (None: nothing). When the same
        respondent is interviewed from two terminals, the stored answer may have changed in
        between; the overwritten answer is returned so the caller can say so.
        """
        row = _answer_row(rid, process, question, answer)
        _fit(answers, row)
        key = (answers.c.respondent_id == rid) & (answers.c.process == process) & (answers.c.question == question)
        with self._tx() as conn:
            found = conn.execute(select(answers).where(key)).first()
            before = _answer(found) if found is not None else None
            self._touch_respondent(conn, rid)  # first: a respondent deleted meanwhile is a clear error
            self._upsert_answer(conn, row)
        if expected is UNKNOWN or same_answer(before, expected):  # type: ignore[arg-type]
            return None
        return before

    def _upsert_answer(self, conn: Connection, row: dict[str, Any]) -> None:
        # An upsert: two terminals saving the same new answer at once both succeed, the later wins.
        upsert = (pg_insert if not self.is_sqlite else sqlite_insert)(answers).values(**row)
        conn.execute(upsert.on_conflict_do_update(
            index_elements=[answers.c.respondent_id, answers.c.process, answers.c.question],
            set_={k: v for k, v in row.items() if k not in ("respondent_id", "process", "question")}))

    def delete_answer(self, rid: int, process: str, question: str) -> None:
        """Remove one answer (the user went back to change it, or skipped it)."""
        with self._tx() as conn:
            conn.execute(delete(answers).where((answers.c.respondent_id == rid) & (answers.c.process == process)
                                               & (answers.c.question == question)))
            self._touch_respondent(conn, rid)

    def _touch_respondent(self, conn: Connection, rid: int) -> None:
        aid = conn.execute(select(respondents.c.assessment_id).where(respondents.c.id == rid)).scalar()
        if aid is None:
            raise NotFoundError(f"respondent {rid} is no longer in {self.where} (was the assessment deleted?)")
        self._touch(conn, int(aid))

    def _touch(self, conn: Connection, aid: int) -> None:
        conn.execute(update(assessments).where(assessments.c.id == aid).values(updated=_now(), summary=None))

    def set_respondent_status(self, rid: int, status: str) -> None:
        """Mark a respondent's interview in-progress or complete."""
        with self._tx() as conn:
            conn.execute(update(respondents).where(respondents.c.id == rid).values(status=status))

    def set_status(self, aid: int, status: str) -> None:
        """Mark an assessment in-progress or complete."""
        with self._tx() as conn:
            conn.execute(update(assessments).where(assessments.c.id == aid).values(status=status, updated=_now()))

    def set_targets(self, ref: str, changes: dict[str, float | None]) -> dict[str, float]:
        """Set (a number) or remove (None) an assessment's own targets; return them afterwards."""
        with self._tx() as conn:
            aid = self._require(conn, ref)
            raw = conn.execute(select(assessments.c.targets).where(assessments.c.id == aid)).scalar()
            own: dict[str, float] = json.loads(raw) if raw else {}
            for key, value in changes.items():
                if value is None:
                    own.pop(key, None)
                else:
                    own[key] = value
            conn.execute(update(assessments).where(assessments.c.id == aid).values(
                targets=json.dumps(own) if own else None, updated=_now()))
            stored = self._load(conn, aid)
            self._write_summary(conn, aid, stored.questionnaire, stored.assessment)
            return own

    def outline(self, ref: str) -> tuple[int, str, int, int]:
        """Return (id, 'client/label', respondents, answers) without reading the answers themselves.

        What ``delete`` asks about: it must work even for an assessment too damaged to load.
        """
        with self._tx() as conn:
            aid = self._require(conn, ref)
            row = conn.execute(select(clients.c.name, assessments.c.label)
                               .join(clients, clients.c.id == assessments.c.client_id)
                               .where(assessments.c.id == aid)).one()
            people = conn.execute(select(func.count()).where(respondents.c.assessment_id == aid)).scalar_one()
            said = conn.execute(select(func.count()).select_from(answers).join(respondents)
                                .where(respondents.c.assessment_id == aid)).scalar_one()
            return aid, f"{row.name}/{row.label}", int(people), int(said)

    def delete(self, ref: str) -> str:
        """Delete an assessment with its respondents and answers; return 'client/label'."""
        with self._tx() as conn:
            aid = self._require(conn, ref)
            row = conn.execute(select(clients.c.name, assessments.c.label)
                               .join(clients, clients.c.id == assessments.c.client_id)
                               .where(assessments.c.id == aid)).one()
            self._cascade(conn, aid)
            conn.execute(delete(assessments).where(assessments.c.id == aid))
            conn.execute(update(assessments).where(assessments.c.previous_id == aid).values(previous_id=None))
            return f"{row.name}/{row.label}"

    # ------------------------------------------------------------ reading

    def load(self, ref: str) -> StoredAssessment:
        """Load an assessment with everything needed to score it."""
        with self._tx() as conn:
            aid = self._require(conn, ref)
            return self._load(conn, aid)

    def _load(self, conn: Connection, aid: int) -> StoredAssessment:
        try:
            return self._read(conn, aid)
        except (ValueError, TypeError, KeyError) as exc:  # json.JSONDecodeError is a ValueError
            damage = _one_line(str(exc), "")
            raise StoreAccessError(f"store {self.where}: assessment {aid} holds a damaged value ({damage}); "
                                   f"restore the store from a backup, or delete the assessment: crmcheck delete {aid}"
                                   ) from None

    def _read(self, conn: Connection, aid: int) -> StoredAssessment:
        a = conn.execute(
            select(assessments, clients.c.name.label("client"), questionnaires.c.text.label("qtext"),
                   questionnaires.c.ref.label("qref"))
            .join(clients, clients.c.id == assessments.c.client_id)
            .join(questionnaires, questionnaires.c.id == assessments.c.questionnaire_id)
            .where(assessments.c.id == aid)
        ).one()
        scope = [ScopedProcess(p.process_id, p.title, p.importance, bool(p.custom), p.wave) for p in conn.execute(
            select(processes).where(processes.c.assessment_id == aid).order_by(processes.c.position))]
        people: list[Respondent] = []
        by_id: dict[int, Respondent] = {}
        for r in conn.execute(select(respondents).where(respondents.c.assessment_id == aid)
                              .order_by(respondents.c.position, respondents.c.id)):
            person = Respondent(r.name, r.role, r.department, r.interviewer,
                                speaks_for=json.loads(r.speaks_for) if r.speaks_for else None,
                                status="in-progress" if r.status != "complete" else None)
            people.append(person)
            by_id[r.id] = person
        if by_id:
            for row in conn.execute(select(answers).where(answers.c.respondent_id.in_(list(by_id)))
                                    ):
                by_id[row.respondent_id].answers[(row.process, row.question)] = _answer(row)
        q = _parse(a.qtext)
        _interview_order(q, scope, people)
        assessment = Assessment(a.client, a.label, self._date(aid, a.date), a.qref, scope, people,
                                json.loads(a.targets) if a.targets else {}, a.stage,
                                dt.date.fromisoformat(a.go_live) if a.go_live else None, a.wave)
        return StoredAssessment(aid, q, a.qtext, assessment, a.status, dt.datetime.fromisoformat(a.created),
                                dt.datetime.fromisoformat(a.updated), a.previous_id)

    def record_form(self, rid: int, *, sent: dt.datetime, due: dt.date | None, questions: int) -> None:
        """Record that a form asking ``questions`` questions was sent to a respondent."""
        with self._tx() as conn:
            conn.execute(insert(forms).values(respondent_id=rid, sent=sent.isoformat(timespec="seconds"),
                                              due=due.isoformat() if due else None, questions=questions))

    def save_form(self, rid: int, writes: dict[tuple[str, str], Answer], *, sent: dt.datetime,
                  returned: dt.datetime, questions: int, answered: int, complete: bool) -> None:
        """Store a returned form's new and changed answers, its return and the respondent's status, all or nothing."""
        with self._tx() as conn:
            self._touch_respondent(conn, rid)  # a respondent deleted meanwhile is a clear error, not a broken key
            for (process, question), answer in writes.items():
                row = _answer_row(rid, process, question, answer)
                _fit(answers, row)
                self._upsert_answer(conn, row)
            this = (forms.c.respondent_id == rid) & (forms.c.sent == sent.isoformat(timespec="seconds"))
            back = {"returned": returned.isoformat(timespec="seconds"), "answered": answered}
            if conn.execute(update(forms).where(this).values(**back)).rowcount == 0:  # sent from another store
                conn.execute(insert(forms).values(respondent_id=rid, sent=sent.isoformat(timespec="seconds"),
                                                  questions=questions, **back))
            conn.execute(update(respondents).where(respondents.c.id == rid).values(
                status="complete" if complete else "in-progress"))
            aid = int(conn.execute(select(respondents.c.assessment_id).where(respondents.c.id == rid)).scalar_one())
            statuses = {s for (s,) in conn.execute(select(respondents.c.status)
                                                   .where(respondents.c.assessment_id == aid))}
            conn.execute(update(assessments).where(assessments.c.id == aid).values(
                status="complete" if statuses == {"complete"} else "in-progress"))  # updated: touched above
            stored = self._load(conn, aid)
            self._write_summary(conn, aid, stored.questionnaire, stored.assessment)

    def forms(self, aid: int) -> list[FormRecord]:
        """Return the forms sent to an assessment's respondents, oldest first."""
        with self._tx() as conn:
            rows = conn.execute(select(forms).join(respondents).where(respondents.c.assessment_id == aid)
                                .order_by(forms.c.sent, forms.c.id)).all()
        return [FormRecord(r.respondent_id, dt.datetime.fromisoformat(r.sent),
                           dt.date.fromisoformat(r.due) if r.due else None, r.questions,
                           dt.datetime.fromisoformat(r.returned) if r.returned else None, r.answered)
                for r in rows]

    def respondents(self, aid: int) -> list[RespondentInfo]:
        """Return an assessment's respondents with how many answers each has given."""
        with self._tx() as conn:
            counts: dict[int, int] = dict(conn.execute(
                select(answers.c.respondent_id, func.count()).join(respondents)
                .where(respondents.c.assessment_id == aid).group_by(answers.c.respondent_id)).all())
            return [RespondentInfo(r.id, r.name, r.role, r.department, r.interviewer, r.status, counts.get(r.id, 0),
                                   json.loads(r.speaks_for) if r.speaks_for else None)
                    for r in conn.execute(select(respondents).where(respondents.c.assessment_id == aid)
                                          .order_by(respondents.c.position))]

    def assessments(self, client: str | None = None) -> list[AssessmentInfo]:
        """Return every assessment (of one client), oldest first, refreshing stale summaries."""
        with self._tx() as conn:
            return [AssessmentInfo(row.id, row.name, row.label, self._date(row.id, row.date), row.status,
                                   row.ref, summary["respondents"], summary["completeness"], summary["index"],
                                   summary.get("stage"), summary.get("band"), summary.get("verdict"))
                    for row, summary in self._summaries(conn, client)]

    def summaries(self, client: str | None = None) -> list[Summary]:
        """Return the cached summaries (of one client), recomputing stale ones, on any backend.

        What ``list`` and ``trend`` read when the fast path (``crmcheck.store_summary``) cannot.
        """
        with self._tx() as conn:
            rows = [(row.id, row.name, row.label, row.date, row.status, False, json.dumps(summary))
                    for row, summary in self._summaries(conn, client)]
        return from_rows(rows) or []

    def _summaries(self, conn: Connection, client: str | None) -> list[tuple[Any, dict[str, Any]]]:
        query = (select(assessments.c.id, assessments.c.label, assessments.c.date, assessments.c.status,
                        assessments.c.summary, clients.c.name, clients.c.slug, questionnaires.c.ref)
                 .join(clients, clients.c.id == assessments.c.client_id)
                 .join(questionnaires, questionnaires.c.id == assessments.c.questionnaire_id)
                 .order_by(clients.c.name, assessments.c.date, assessments.c.label))
        if client is not None:
            cid = self._client(conn, client)
            if cid is None:
                return []
            query = query.where(clients.c.id == cid)
        out = []
        for row in conn.execute(query).all():
            summary = _cached(row.summary)
            if summary is None:
                stored = self._load(conn, row.id)
                summary = self._write_summary(conn, row.id, stored.questionnaire, stored.assessment)
            out.append((row, summary))
        return out

    def resumable(self, client: str | None = None) -> int | None:
        """Return the most recently changed in-progress assessment (of one client), or None."""
        with self._tx() as conn:
            query = (select(assessments.c.id).where(assessments.c.status == "in-progress")
                     .order_by(assessments.c.updated.desc(), assessments.c.id.desc()).limit(1))
            if client is not None:
                cid = self._client(conn, client)
                if cid is None:
                    return None
                query = query.where(assessments.c.client_id == cid)
            found = conn.execute(query).scalar()
            return None if found is None else int(found)

    def client_assessments(self, client: str) -> list[tuple[int, str, str]]:
        """Return (id, label, status) of a client's assessments, newest first; [] for an unknown client."""
        with self._tx() as conn:
            cid = self._client(conn, client)
            if cid is None:
                return []
            rows = conn.execute(select(assessments.c.id, assessments.c.label, assessments.c.status)
                                .where(assessments.c.client_id == cid)
                                .order_by(assessments.c.date.desc(), assessments.c.label.desc())).all()
            return [(int(r.id), r.label, r.status) for r in rows]

    def client_name(self, client: str) -> str | None:
        """Return the stored name of the client ``client`` refers to (name, slug or unique prefix)."""
        with self._tx() as conn:
            cid = self._client(conn, client)
            if cid is None:
                return None
            return str(conn.execute(select(clients.c.name).where(clients.c.id == cid)).scalar_one())

    def clients(self) -> list[str]:
        """Return every client's name."""
        with self._tx() as conn:
            return [n for (n,) in conn.execute(select(clients.c.name).order_by(clients.c.name))]

    def refresh_summary(self, aid: int) -> None:
        """Recompute an assessment's cached summary now (e.g. at the end of an interview)."""
        with self._tx() as conn:
            stored = self._load(conn, aid)
            self._write_summary(conn, aid, stored.questionnaire, stored.assessment)

    def _write_summary(self, conn: Connection, aid: int, q: Questionnaire, a: Assessment) -> dict[str, Any]:
        summary = summarise(q, a)
        if self.read_only:  # derived data: computed for this command, kept when the store is writable
            return summary
        conn.execute(update(assessments).where(assessments.c.id == aid).values(summary=json.dumps(summary)))
        return summary

    def copy_to(self, other: Store) -> CopyResult:
        """Copy every assessment into another store, all or nothing; same client/label is replaced.

        The copy is written in one transaction and then checked: every assessment is re-scored on
        both sides and must give the same scorecard, or nothing is kept.
        """
        with self._tx() as conn:
            ids = [i for (i,) in conn.execute(select(assessments.c.id).order_by(assessments.c.id))]
            loaded = [self._load(conn, i) for i in ids]
        copied: list[tuple[StoredAssessment, int]] = []
        try:
            with other._tx() as conn:
                for stored in loaded:
                    try:
                        new = other._import(conn, stored.questionnaire_text, stored.assessment, True, stored.status)
                    except BadInputError as exc:
                        a = stored.assessment
                        raise BadInputError(f"assessment '{a.client}/{a.label}' (id {stored.id} in {self.where}) "
                                            f"cannot be copied: {exc}; nothing was copied") from None
                    copied.append((stored, new))
                for stored, new in copied:
                    if _scores(stored) != _scores(other._load(conn, new)):
                        a = stored.assessment
                        raise StoreError(f"the copy of '{a.client}/{a.label}' scores differently in {other.where}; "
                                         "nothing was copied (please report this as a bug)")
        except IntegrityError as exc:
            raise StoreError(f"copying into {other.where} failed ({_one_line(str(exc.orig), other.url)}); "
                             "nothing was copied") from None
        return CopyResult(len(copied), len({s.assessment.client for s, _ in copied}),
                          sum(len(s.assessment.respondents) for s, _ in copied))

@dataclass(frozen=True)
class CopyResult:
    """What ``store copy`` copied (and verified by re-scoring on both sides)."""

    assessments: int
    clients: int
    respondents: int


def _scores(stored: StoredAssessment) -> str:
    """Return an assessment's whole scorecard, every field of it, to compare two copies."""
    from crmcheck.scoring import score

    return repr(score(stored.questionnaire, stored.assessment))


def _fit(table: Table, values: dict[str, Any]) -> None:
    """Refuse a value longer than its column, the same on SQLite (which would keep it) and PostgreSQL."""
    for key, value in values.items():
        length = getattr(table.c[key].type, "length", None)
        if length and isinstance(value, str) and len(value) > length:
            what = _FIELDS.get((table.name, key), f"{table.name}.{key}")
            shown = value[:40] + ("…" if len(value) > 40 else "")
            raise BadInputError(f"{what} '{shown}' is {len(value)} characters long; at most {length} are kept: "
                                "shorten it")


_FIELDS = {
    ("clients", "name"): "client name", ("clients", "slug"): "client name",
    ("assessments", "label"): "assessment label", ("assessments", "stage"): "stage",
    ("processes", "process_id"): "process id", ("processes", "title"): "process name",
    ("respondents", "name"): "respondent name", ("respondents", "role"): "respondent role",
    ("respondents", "department"): "respondent department", ("respondents", "interviewer"): "interviewer name",
    ("answers", "process"): "process id", ("answers", "question"): "question id",
    ("questionnaires", "ref"): "questionnaire id@version", ("questionnaires", "version"): "questionnaire version",
}


def summarise(q: Questionnaire, a: Assessment) -> dict[str, Any]:
    """Return the cached summary of an assessment (shape read by ``crmcheck.store_summary``)."""
    from crmcheck.scoring import score

    card = score(q, a)
    return {
        "v": SUMMARY_VERSION,
        "index": card.index if card.assessed else None,
        "band": card.band if card.assessed else None,
        "verdict": card.verdict if card.assessed else None,
        "completeness": round(card.completeness, 4),
        "respondents": len(a.respondents),
        "questionnaire": q.ref,
        "criteria": dict(card.criteria),
        "sins": {s.id: s.score for s in card.sins},
        "processes": {p.id: p.score for p in card.processes},
        "criteria_titles": [[c.id, c.title] for c in q.criteria],
        "sin_titles": [[s.id, s.title] for s in q.sins],
        "targets": dict(card.targets),
        "stage": a.stage,
    }


def _cached(raw: str | None) -> dict[str, Any] | None:
    """Return a cached summary still usable, or None: missing, stale or damaged (it is rebuilt)."""
    try:
        summary = json.loads(raw) if raw else None
    except ValueError:
        return None
    ok = isinstance(summary, dict) and summary.get("v") == SUMMARY_VERSION and {
        "respondents", "completeness", "index"} <= summary.keys()
    return summary if ok else None


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _interview_order(q: Questionnaire, scope: list[ScopedProcess], people: list[Respondent]) -> None:
    """Put each respondent's answers in interview order, so exports are canonical."""
    group_pos = {p.id: i for i, p in enumerate(scope)}
    index = q.item_index.by_id

    def key(k: tuple[str, str]) -> tuple[int, int, str]:
        item = index.get(k[1])
        return (group_pos.get(k[0], len(group_pos)), item.order if item else 1 << 30, k[1])

    for person in people:
        person.answers = dict(sorted(person.answers.items(), key=lambda kv: key(kv[0])))


def _answer_row(rid: int, process: str, question: str, ans: Answer) -> dict[str, Any]:
    return {"respondent_id": rid, "process": process, "question": question, "kind": ans.kind, "level": ans.level,
            "reason": ans.reason, "note": ans.note, "basis": ans.basis, "alt": ans.alt,
            "at": ans.at.isoformat(timespec="seconds") if ans.at else None}


def same_answer(a: Answer | None, b: Answer | None) -> bool:
    """Return whether two answers say the same thing (when they were given aside)."""
    if a is None or b is None:
        return a is b
    return (a.kind, a.level, a.reason, a.note, a.basis, a.alt) == (b.kind, b.level, b.reason, b.note, b.basis, b.alt)


def _answer(row: Any) -> Answer:
    return Answer(row.level, row.kind, row.reason, row.note, dt.datetime.fromisoformat(row.at) if row.at else None,
                  row.basis, row.alt)


def _sqlite_pragmas(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" below issue BEGIN IMMEDIATE: a writer takes the write lock at
        # the start, so concurrent writers queue on busy_timeout instead of deadlocking on upgrade.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


_MIGRATION_LOCK = 0x63726D63  # "crmc": the advisory lock key that serialises schema changes


def _one_line(message: str, url: str) -> str:
    """Return a driver's message on one line, with the URL's password (if any) removed."""
    flat = " ".join(message.split())
    password = url_password(url)
    if password:
        for form in {password, unquote(password)}:
            flat = flat.replace(form, "***")
    return flat


def _missing_driver(url: str, where: str, exc: ModuleNotFoundError) -> str:
    if url.startswith("postgres"):
        return (f"cannot open store {where}: the PostgreSQL driver (psycopg) is not installed; "
                "install it with: pip install 'crmcheck[postgres]'")
    return f"cannot open store {where}: the database driver '{exc.name}' is not installed"


def _operational(exc: DatabaseError, url: str, where: str) -> StoreError:
    """Turn a driver's error about the database itself into one clear line that says what to do."""
    raw = _one_line(str(exc.orig), url)
    if url.startswith("sqlite"):
        if "file is not a database" in raw:
            return StoreAccessError(f"{where} is not a crmcheck store (not a SQLite database at all); check --db or "
                                    "CRMCHECK_DB")
        if "malformed" in raw or "disk image" in raw or "disk I/O error" in raw:
            return StoreAccessError(f"store {where} is damaged ({raw}); restore it from a backup, or salvage it with "
                                    f"sqlite3 {where} .recover")
        if "disk is full" in raw or "database or disk is full" in raw:
            return StoreAccessError(f"store {where}: the disk is full ({raw}); nothing of this command was kept: "
                                    "free some space and run it again")
        if "readonly" in raw or "read-only" in raw:
            return StoreAccessError(f"store {where} is read-only ({raw}); commands that only read work, this one "
                                    "writes: make the file and its folder writable")
        return StoreError(f"store {where}: {raw}")
    server = re.search(r'server at "([^"]+)", port (\d+)', raw)
    at = f"{server.group(1)}:{server.group(2)}" if server else where
    fix = "check --db / CRMCHECK_DB"
    if "password authentication failed" in raw or "no password supplied" in raw:
        user = re.search(r'for user "([^"]+)"', raw)
        who = f" for user '{user.group(1)}'" if user else ""
        return StoreAccessError(f"PostgreSQL at {at} refused the password{who}; {fix} (user and password)")
    missing = re.search(r'database "([^"]+)" does not exist', raw)
    if missing:
        return StoreAccessError(f"PostgreSQL at {at} has no database '{missing.group(1)}'; create it "
                                f"(createdb {missing.group(1)}) or {fix}")
    if "Connection refused" in raw or "timeout expired" in raw or "failed to resolve host" in raw \
            or "could not translate host name" in raw or "No route to host" in raw:
        reason = "the connection was refused" if "refused" in raw else (
            "the host name does not resolve" if "resolve" in raw or "translate" in raw else "no answer")
        return StoreAccessError(f"cannot reach PostgreSQL at {at} ({reason}); is the server running? "
                                f"{fix} (host and port)")
    if "connection failed" in raw or "FATAL" in raw:
        return StoreAccessError(f"cannot open store {where}: {raw}; {fix}")
    return StoreError(f"store {where}: {raw}")


def store_path_hint(url: str | None) -> str:
    """Return where a store lives, for messages (a URL's password masked)."""
    path = sqlite_path(url)
    return str(path) if path else mask_url(resolve_url(url))

