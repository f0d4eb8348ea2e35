"""Two interviews writing to one SQLite store at the same time lose nothing and never fail."""

from __future__ import annotations

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


def test_two_writers_lose_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    store = open_store(db)
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme", "2026-Q4",
                                  dt.date(2026, 11, 23), [ScopedProcess("leads", "Lead management", 4)])
    rids = [store.add_respondent(aid, name, "role", "dept") for name in ("Ana", "Ben")]
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
