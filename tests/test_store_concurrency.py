"""Interviews writing to one store at the same time lose nothing and never fail (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

from crmcheck.answers import ScopedProcess
from crmcheck.store import open_store

DATA = Path(__file__).parent / "data"
ANSWERS_EACH = 150

WRITER = textwrap.dedent("""
    import sys
    from crmcheck.answers import Answer
    from crmcheck.store import open_store
    db, rid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(db)
    for i in range(n):
        store.save_answer(rid, "leads", f"q{i}", Answer(level=i % 5, note=f"writer {rid}"))
        if i % 10 == 0:
            store.assessments()  # readers interleave with writers, as `crmcheck list` would
    print("done", rid)
""")


def test_four_writers_lose_nothing(store_url: str) -> None:
    db = store_url
    store = open_store(db)
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), [ScopedProcess("leads", "Lead management", 4)])
    rids = [store.add_respondent(aid, name, "role", "dept") for name in ("Ana", "Ben", "Cleo", "Dev")]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db, str(rid), str(ANSWERS_EACH)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rid in rids]
    results = [w.communicate(timeout=120) for w in writers]
    for (_out, err), w in zip(results, writers, strict=True):
        assert w.returncode == 0, err
        assert "locked" not in err
    counts = {r.id: r.answered for r in open_store(db).respondents(aid)}
    assert counts == dict.fromkeys(rids, ANSWERS_EACH)


def test_a_writer_waits_for_a_long_transaction_instead_of_failing(tmp_path: Path) -> None:
    import sqlite3
    import threading
    import time

    from crmcheck.answers import Answer

    db = tmp_path / "shared.db"
    store = open_store(str(db))
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), [ScopedProcess("leads", "Lead management", 4)])
    rid = store.add_respondent(aid, "Ana", "role", "dept")
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock for a while
    other.execute("UPDATE assessments SET updated = updated")
    release = threading.Timer(1.0, other.execute, ["COMMIT"])
    release.start()
    started = time.monotonic()
    store.save_answer(rid, "leads", "own-owner", Answer(level=2))
    waited = time.monotonic() - started
    release.join()
    other.close()
    assert waited >= 0.9  # it queued behind the other transaction...
    assert store.load(str(aid)).assessment.respondents[0].answers[("leads", "own-owner")].level == 2  # ...and landed


def test_the_same_respondent_from_two_terminals_last_write_wins_and_the_second_is_told(store_url: str) -> None:
    from crmcheck.answers import Answer
    from crmcheck.interview import Interview, Reply
    from crmcheck.questionnaire import load_questionnaire

    q = load_questionnaire(DATA / "mini.yaml")
    scope = [ScopedProcess("leads", "Lead management", 4)]
    store = open_store(store_url)
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), scope)
    rid = store.add_respondent(aid, "Ana", "Head of Sales", "Sales")

    class Say:
        def __init__(self, levels: list[int]) -> None:
            self.levels, self.said = levels, []  # type: list[int], list[str]

        def ask(self, view: object) -> Reply:
            if not self.levels:
                raise KeyboardInterrupt
            return Reply("level", level=self.levels.pop(0))

        def say(self, text: str) -> None:
            self.said.append(text)

    # Both terminals opened Ana's interview when nothing was stored yet.
    first, second = Say([3]), Say([1, 2])
    one = Interview(q, scope, first, open_store(store_url), rid, {}, now=lambda: dt.datetime(2026, 11, 23, 10))
    two = Interview(q, scope, second, open_store(store_url), rid, {}, now=lambda: dt.datetime(2026, 11, 23, 11))
    for session in (one, two):
        with contextlib.suppress(KeyboardInterrupt):  # each script ends by pressing Ctrl-C
            session.run()
    assert first.said == []  # nothing was there when the first terminal saved
    assert second.said == ["Note: this answer had been changed in another session (level 3) since it was shown "
                           "here; yours replaces it."]
    answers = open_store(store_url).load(str(aid)).assessment.respondents[0].answers
    assert answers[("leads", "own-owner")].level == 1  # the last write wins
    assert answers[("leads", "own-mandate")].level == 2
    # Saving what one already knew to be there says nothing.
    known = answers[("leads", "own-owner")]
    assert store.save_answer(rid, "leads", "own-owner", Answer(level=0), known) is None
    assert store.save_answer(rid, "leads", "own-owner", Answer(level=4), known) == Answer(
        level=0, at=None)


SAME = textwrap.dedent("""
    import sys
    from crmcheck.answers import Answer
    from crmcheck.store import open_store
    db, rid, n, writer = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    store = open_store(db)
    for i in range(n):
        store.save_answer(rid, "leads", f"q{i}", Answer(level=writer, note=f"terminal {writer}"))
""")


def test_two_terminals_writing_the_same_answers_at_once_never_fail(store_url: str) -> None:
    store = open_store(store_url)
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), [ScopedProcess("leads", "Lead management", 4)])
    rid = store.add_respondent(aid, "Ana", "role", "dept")
    procs = [subprocess.Popen([sys.executable, "-c", SAME, store_url, str(rid), "100", str(w)],
                              stderr=subprocess.PIPE, text=True) for w in (1, 2)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    stored = open_store(store_url).load(str(aid)).assessment.respondents[0].answers
    assert len(stored) == 100
    assert all(a.level in (1, 2) and a.note == f"terminal {a.level}" for a in stored.values())


def test_concurrent_imports_with_replace_all_succeed(store_url: str) -> None:
    from crmcheck.resources import sample_answers

    open_store(store_url).close()  # the schema exists; what is raced is the assessment itself
    cmd = [sys.executable, "-m", "crmcheck", "--db", store_url, "answers", "import", str(sample_answers()),
           "--replace"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    infos = open_store(store_url).assessments()
    assert [(i.client, i.label, i.respondents) for i in infos] == [("Northwind Components", "2026-Q4", 4)]
