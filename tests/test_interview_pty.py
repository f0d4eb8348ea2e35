"""End to end in a real pseudo-terminal: answer, get killed with SIGKILL, resume, finish, lose nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from crmcheck.store import open_store

pexpect = pytest.importorskip("pexpect")

DATA = Path(__file__).parent / "data"
TIMEOUT = 30


def crmcheck(db: Path, *args: str) -> pexpect.spawn:
    exe = shutil.which("crmcheck", path=str(Path(sys.executable).parent)) or "crmcheck"
    # No cursor-position requests: pexpect does not answer them, and prompt_toolkit would wait for each.
    env = {**os.environ, "COLUMNS": "110", "LINES": "40", "TERM": "xterm", "NO_COLOR": "1",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(exe, ["--db", str(db), *args], env=env, encoding="utf-8", timeout=TIMEOUT,
                         dimensions=(40, 110))


def answer(child: pexpect.spawn, number: int, key: str, note: str = "") -> None:
    child.expect(f"question {number} of")
    child.expect("Ctrl-C saves and stops")
    child.send(key)
    child.send("\r")
    if key.isdigit():
        child.expect("Basis:")
        child.send("\r")
    child.expect("Note")
    child.send(note + "\r")


def start_new_interview(db: Path) -> pexpect.spawn:
    """Start a new assessment of Acme Ltd (lead management only) and enter Ana Silva as respondent."""
    child = crmcheck(db, "interview", "--client", "Acme Ltd", "--label", "2026-Q4", "-q", str(DATA / "mini.yaml"))
    child.expect("Which processes are in scope")
    child.send(" ")
    child.send("\r")
    child.expect("Add a process of your own")
    child.send("\r")
    child.expect("How important is Lead management")
    child.send("\r")
    child.expect("Where does the CRM programme stand")
    child.send("\x1b[B")  # selecting
    child.send("\r")
    for prompt, reply in (("name", "Ana Silva"), ("Role", "Head of Sales"), ("Department", "Sales"),
                          ("Interviewer", "")):
        child.expect(prompt)
        child.send(reply + "\r")
    return child


@pytest.mark.slow
def test_killed_interview_resumes_with_every_confirmed_answer(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    child = start_new_interview(db)
    answer(child, 1, "3", "named in May")
    answer(child, 2, "2")
    answer(child, 3, "d", "ask marketing")
    child.expect("question 4 of")  # the third answer was confirmed: it must survive
    child.kill(signal.SIGKILL)
    child.wait()

    stored = open_store(str(db)).load("acme/2026-Q4").assessment
    assert stored.stage == "selecting"  # asked at setup
    saved = stored.respondents[0].answers
    assert [(k, a.kind, a.level, a.note) for k, a in saved.items()] == [
        (("leads", "own-owner"), "level", 3, "named in May"),
        (("leads", "own-mandate"), "level", 2, None),
        (("leads", "meas-kpi"), "dont_know", None, "ask marketing"),
    ]

    child = crmcheck(db, "interview", "--resume", "acme/2026-Q4")
    child.expect("Whom are you interviewing")
    child.expect("3 answers so far")
    child.send("\r")
    answer(child, 4, "1")
    answer(child, 5, "2")
    answer(child, 6, "0")
    child.expect("Interview complete")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    stored = open_store(str(db)).load("acme/2026-Q4")
    answers = stored.assessment.respondents[0].answers
    assert len(answers) == 6 and answers[("leads", "own-owner")].note == "named in May"
    assert stored.status == "complete"


def test_without_a_terminal_the_interview_points_to_import(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from crmcheck.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "interview", "--client", "x"])
    assert result.exit_code == 2
    assert "needs a terminal" in result.output and "crmcheck answers import" in result.output


@pytest.mark.slow
def test_ctrl_c_says_how_to_resume(tmp_path: Path) -> None:
    child = start_new_interview(tmp_path / "store.db")
    answer(child, 1, "3")
    child.expect("question 2 of")
    child.expect("Ctrl-C saves and stops")
    child.sendintr()
    child.expect("Saved 1 answer. Resume with: crmcheck interview --resume acme-ltd/2026-Q4")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    from crmcheck.store_summary import summaries

    fresh = summaries(str(tmp_path / "store.db"))  # stopping refreshed the cache: `list` stays on the fast path
    assert fresh is not None and fresh[0].respondents == 1


@pytest.mark.slow
def test_the_interview_names_the_assessment_it_continues_and_asks_before_adding_to_a_complete_one(
    tmp_path: Path,
) -> None:
    from crmcheck.answers import load_answers
    from crmcheck.questionnaire import load_questionnaire

    db = tmp_path / "store.db"
    q = load_questionnaire(DATA / "mini.yaml")
    store = open_store(str(db))
    aid = store.import_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"),
                                  load_answers(DATA / "mini-answers.yaml", q))
    store.set_status(aid, "complete")
    child = crmcheck(db, "interview", "--client", "Acme Ltd", "--label", "2026-Q4", "-q", str(DATA / "mini.yaml"))
    child.expect(r"Continuing Acme Ltd 2026-Q4 \(acme-ltd/2026-Q4, complete\); respondents: ")
    child.expect("is complete. Add another respondent to it?")
    child.send("n")
    child.send("\r")
    child.expect("Nothing changed. Next quarter starts from this one with: crmcheck interview --from acme-ltd/2026-Q4")
    child.expect(pexpect.EOF)
    assert len(open_store(str(db)).respondents(aid)) == len(store.respondents(aid))


@pytest.mark.slow
def test_ctrl_c_before_choosing_whom_to_interview_changes_nothing(tmp_path: Path) -> None:
    import datetime as dt

    from crmcheck.answers import ScopedProcess

    db = tmp_path / "store.db"
    store = open_store(str(db))
    aid = store.create_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"), "Acme Ltd", "2026-Q4",
                                  dt.date(2026, 11, 20), [ScopedProcess("leads", "Lead management", 4)])
    store.add_respondent(aid, "Ana Silva", "Head of Sales", "Sales")
    child = crmcheck(db, "interview", "--resume")
    child.expect("Whom are you interviewing?")
    child.sendintr()
    child.expect("Stopped before choosing whom to interview; nothing changed. Resume with: "
                 "crmcheck interview --resume acme-ltd/2026-Q4")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
