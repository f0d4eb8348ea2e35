"""Interruption suite (issue 13, Deliver 4): kill -9 and Ctrl-C lose nothing confirmed and leave no stray files.

* The interview, in a real pseudo-terminal, is killed with SIGKILL at random points (at a question,
  at the basis or note prompt, right after a note is confirmed) and resumed each time: every answer
  confirmed before the kill is in the store, with its level, and nothing else is.
* Ctrl-C at every kind of prompt (setup, respondent, question, basis, note, n/a reason) exits 130
  with one line, no traceback, and keeps every answer confirmed (the level chosen at a follow-up
  prompt included).
* `crmcheck report` (PDF, HTML, Markdown, JSON) and `crmcheck answers export -o` are killed at random
  moments: the old file is intact or the new one whole, and no other file is left in the folder.

The default run takes a few kills of each; ``-m interruptions`` runs the long loops (20 kills each).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import big_questionnaire_text

from crmcheck.store import open_store

pexpect = pytest.importorskip("pexpect")

DATA = Path(__file__).parent / "data"
TIMEOUT = 30
EXE = shutil.which("crmcheck", path=str(Path(sys.executable).parent)) or "crmcheck"
ENV = {**os.environ, "COLUMNS": "110", "LINES": "40", "TERM": "xterm", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1",
       "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test"}
QUESTION = re.compile(r"Question (\w+) (\d+)\?")
TRACEBACK = "Traceback"


def long_run(request: pytest.FixtureRequest) -> bool:
    """Return whether the long loops were asked for (-m interruptions)."""
    return "interruptions" in (request.config.getoption("markexpr") or "")


def spawn(db: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(EXE, ["--db", str(db), *args], env=ENV, encoding="utf-8", timeout=TIMEOUT,
                         dimensions=(40, 110))


# ---------------------------------------------------------------- kill -9 in the interview


def start_big(db: Path, questionnaire: Path) -> pexpect.spawn:
    """Set up an assessment of one process on the big questionnaire and enter the respondent."""
    child = spawn(db, "interview", "--client", "Acme Ltd", "--label", "2026-Q4", "-q", str(questionnaire))
    child.expect("Which processes are in scope")
    child.send(" \r")
    child.expect("Add a process of your own")
    child.send("\r")
    child.expect("How important is Sales")
    child.send("\r")
    child.expect("Where does the CRM programme stand")
    child.send("\r")
    for prompt, reply in (("name", "Ana Silva"), ("Role", "Head of Sales"), ("Department", "Sales"),
                          ("Interviewer", "")):
        child.expect(prompt)
        child.send(reply + "\r")
    return child


def resume(db: Path) -> pexpect.spawn:
    child = spawn(db, "interview", "--resume", "acme/2026-Q4")
    child.expect("Whom are you interviewing")
    child.expect("Continue Ana Silva")
    child.send("\r")
    return child


def at_question(child: pexpect.spawn) -> str:
    """Wait for the next question; return its id."""
    try:
        child.expect(QUESTION)
    except pexpect.TIMEOUT:
        raise AssertionError(f"no question came; the terminal showed: {child.before[-3000:]!r}") from None
    qid = f"{child.match.group(1)}-{child.match.group(2)}"
    child.expect("Ctrl-C saves and stops")
    return qid


def kill(child: pexpect.spawn) -> None:
    child.kill(signal.SIGKILL)
    child.wait()


def stored_answers(db: Path) -> dict[str, int | None]:
    a = open_store(str(db)).load("acme/2026-Q4").assessment
    return {qid: ans.level for (_, qid), ans in a.respondents[0].answers.items()} if a.respondents else {}


def kill_interview(tmp_path: Path, kills: int, seed: int) -> list[str]:
    """Answer, kill -9 at a random point, resume, ``kills`` times; check the store after each kill."""
    rnd = random.Random(seed)
    questionnaire = tmp_path / "big.yaml"
    questionnaire.write_text(big_questionnaire_text(400, criteria=4, sins=2), encoding="utf-8")
    db = tmp_path / "store.db"
    confirmed: dict[str, int] = {}
    points: list[str] = []
    for k in range(kills):
        child = start_big(db, questionnaire) if k == 0 else resume(db)
        pending: tuple[str, int] | None = None  # note confirmed; stored once the next question is up
        for _ in range(rnd.randint(0, 3)):
            qid = at_question(child)
            if pending:
                confirmed[pending[0]] = pending[1]
            level = rnd.randint(1, 4)  # level 0 would hide the question after it (show_if)
            child.send(f"{level}\r")
            child.expect("Basis:")
            child.send("\r")
            child.expect("Note")
            child.send("a note\r")
            pending = (qid, level)
        qid = at_question(child)
        if pending:
            confirmed[pending[0]] = pending[1]
        in_flight: dict[str, int] = {}
        point = rnd.choice(["question", "basis", "note", "typing-note", "after-note"])
        level = rnd.randint(1, 4)
        if point != "question":
            child.send(f"{level}\r")
            child.expect("Basis:")
        if point in ("note", "typing-note", "after-note"):
            child.send("\r")
            child.expect("Note")
        if point == "typing-note":
            child.send("half a no")
        if point == "after-note":
            child.send("\r")
            in_flight[qid] = level  # confirmed a moment ago: it may be stored or not, never half
        time.sleep(rnd.random() * 0.05)
        kill(child)
        points.append(point)
        stored = stored_answers(db)
        assert {q: stored.get(q) for q in confirmed} == confirmed, f"kill {k} at {point}"
        extra = {q: lv for q, lv in stored.items() if q not in confirmed}
        assert extra.items() <= in_flight.items(), f"kill {k} at {point}: unexpected {extra}"
        confirmed.update(extra)
    return points


@pytest.mark.slow
def test_kill_9_in_the_interview_loses_no_confirmed_answer(tmp_path: Path) -> None:
    points = kill_interview(tmp_path, kills=3, seed=20261202)
    assert len(points) == 3


@pytest.mark.interruptions
def test_kill_9_at_20_random_points_of_the_interview(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if not long_run(request):
        pytest.skip("the long kill -9 loop runs with -m interruptions")
    points = kill_interview(tmp_path, kills=20, seed=int(os.environ.get("CRMCHECK_KILL_SEED", "13")))
    assert len(set(points)) >= 4  # most kinds of moment were hit


# ---------------------------------------------------------------- Ctrl-C at every kind of prompt

BEGAN = "Stopped before the interview began; nothing was saved."
NOT_CHOSEN = "Stopped before choosing whom to interview; nothing changed. Resume with: crmcheck interview --resume"
MINI = str(DATA / "mini.yaml")


def setup_to(child: pexpect.spawn, stop: str) -> None:
    """Walk the setup of a mini assessment (both processes, implementing, two waves) up to prompt ``stop``."""
    steps = [
        ("client", "Client (the organisation", "Acme Ltd\r"),
        ("processes", "Which processes are in scope", " \x1b[B \r"),
        ("custom", "Add a process of your own", "\r"),
        ("importance", "How important is Lead management", "\r"),
        ("importance", "How important is Sales", "\r"),
        ("stage", "Where does the CRM programme stand", "\x1b[B\x1b[B\r"),
        ("go-live", "Go-live date", "2027-03-31\r"),
        ("waves", "Do all processes in scope go live together", "n"),  # y/n answers at once
        ("wave-pick", "Which processes go live in the next wave", "\x1b[B \r"),
        ("name", "Respondent's name", "Ana Silva\r"),
        ("role", "Role", "Head of Sales\r"),
        ("department", "Department", "Sales\r"),
        ("interviewer", "Interviewer", "\r"),
        ("speaks-for", "Which processes does Ana Silva speak for", " \r"),  # Sales is suggested; add leads
    ]
    for name, prompt, keys in steps:
        child.expect_exact(prompt)
        if name == stop:
            return
        child.send(keys)
    assert stop == "question", stop


def ends_with(child: pexpect.spawn, line: str) -> None:
    child.expect_exact(line)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert TRACEBACK not in (child.before or "")


SETUP_PROMPTS = [("client", BEGAN), ("processes", BEGAN), ("custom", BEGAN), ("importance", BEGAN),
                 ("stage", BEGAN), ("go-live", BEGAN), ("waves", BEGAN), ("wave-pick", BEGAN),
                 ("name", NOT_CHOSEN), ("role", NOT_CHOSEN), ("department", NOT_CHOSEN),
                 ("interviewer", NOT_CHOSEN), ("speaks-for", NOT_CHOSEN)]
QUICK = {"client", "stage", "name"}


@pytest.mark.slow
@pytest.mark.interruptions
@pytest.mark.parametrize(("prompt", "message"), SETUP_PROMPTS, ids=[p for p, _ in SETUP_PROMPTS])
def test_ctrl_c_at_a_setup_prompt(tmp_path: Path, prompt: str, message: str, request: pytest.FixtureRequest) -> None:
    if prompt not in QUICK and not long_run(request):
        pytest.skip("every setup prompt is tried with -m interruptions; three of them by default")
    db = tmp_path / "store.db"
    child = spawn(db, "interview", "--label", "2026-Q4", "-q", MINI)
    setup_to(child, prompt)
    child.sendintr()
    ends_with(child, message)
    assessments = open_store(str(db)).assessments() if db.exists() else []
    assert len(assessments) == (0 if message == BEGAN else 1)
    if assessments:
        assert open_store(str(db)).respondents(assessments[0].id) == []


QUESTION_PROMPTS = ["question", "basis", "note", "reason"]


@pytest.mark.slow
@pytest.mark.parametrize("prompt", QUESTION_PROMPTS)
def test_ctrl_c_at_a_question_prompt_keeps_what_was_chosen(tmp_path: Path, prompt: str) -> None:
    db = tmp_path / "store.db"
    child = spawn(db, "interview", "--label", "2026-Q4", "-q", MINI)
    setup_to(child, "question")
    child.expect("Is there a named owner")  # leads › ownership; a level of 1 or more shows the mandate question
    child.expect("Ctrl-C saves and stops")
    child.send("2\r")
    child.expect("Basis:")
    child.send("\r")
    child.expect("Note")
    child.send("first\r")
    child.expect("Does the owner have a mandate")
    child.expect("Ctrl-C saves and stops")
    expected = {("leads", "own-owner"): ("level", 2, "first")}
    if prompt == "basis":
        child.send("3\r")
        child.expect("Basis:")
        expected[("leads", "own-mandate")] = ("level", 3, None)
    elif prompt == "note":
        child.send("1\r")
        child.expect("Basis:")
        child.send("\r")
        child.expect("Note")
        child.send("half typ")
        expected[("leads", "own-mandate")] = ("level", 1, None)
    elif prompt == "reason":
        child.send("n\r")
        child.expect("Why does it not apply")
        expected[("leads", "own-mandate")] = ("na", None, None)
    child.sendintr()
    saved = len(expected)
    ends_with(child, f"Saved {saved} answer{'s' if saved > 1 else ''}. Resume with: crmcheck interview --resume "
                     "acme-ltd/2026-Q4")
    a = open_store(str(db)).load("acme/2026-Q4").assessment
    assert {k: (v.kind, v.level, v.note) for k, v in a.respondents[0].answers.items()} == expected


@pytest.mark.slow
def test_ctrl_c_at_the_add_another_respondent_question(tmp_path: Path) -> None:
    from crmcheck.answers import load_answers
    from crmcheck.questionnaire import load_questionnaire

    db = tmp_path / "store.db"
    store = open_store(str(db))
    aid = store.import_assessment((DATA / "mini.yaml").read_text(encoding="utf-8"),
                                  load_answers(DATA / "mini-answers.yaml", load_questionnaire(DATA / "mini.yaml")))
    store.set_status(aid, "complete")
    before = len(store.respondents(aid))
    child = spawn(db, "interview", "--client", "Acme Ltd", "--label", "2026-Q4", "-q", MINI)
    child.expect_exact("Add another respondent to it?")
    child.sendintr()
    ends_with(child, BEGAN)
    assert len(open_store(str(db)).respondents(aid)) == before


# ---------------------------------------------------------------- kill -9 while writing a file

OLD = b"the old output, which must survive whole\n"


def run_and_kill(args: list[str], folder: Path, delay: float, *, at_temp_file: bool = False) -> int | None:
    """Run crmcheck and kill -9 it after ``delay`` seconds, or (``at_temp_file``) when a temporary file appears."""
    proc = subprocess.Popen([EXE, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    names = {p.name for p in folder.iterdir()}
    end = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < end:
        if at_temp_file and {p.name for p in folder.iterdir()} - names:
            break  # a temporary file: the moment a write is most fragile
        time.sleep(0.001)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


def check_output(out: Path, fmt: str) -> str:
    """Assert that ``out`` is the old file or a whole new one; return which."""
    import json

    data = out.read_bytes()
    if data == OLD:
        return "old"
    if fmt == "pdf":
        from io import BytesIO

        from pypdf import PdfReader

        assert data.rstrip().endswith(b"%%EOF")
        assert len(PdfReader(BytesIO(data)).pages) > 1
    elif fmt == "html":
        assert data.rstrip().endswith(b"</html>")
    elif fmt == "json":
        json.loads(data)
    elif fmt == "md":
        assert data.startswith(b"# CRM readiness report") and data.endswith(b"\n")
    elif fmt == "yaml":
        assert data.startswith(b"client: Acme Ltd") and b"respondents:" in data
    return "new"


def kill_writes(tmp_path: Path, fmt: str, kills: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"report.{fmt}"
    db = tmp_path / "store.db"
    if fmt == "yaml":
        imported = subprocess.run([EXE, "--db", str(db), "answers", "import", "-q", MINI,
                                   str(DATA / "mini-answers.yaml")], env=ENV, capture_output=True)
        assert imported.returncode == 0
        args = ["--db", str(db), "answers", "export", "acme/2026-Q4", "-o", str(out)]
        span = 1.5
    else:
        args = ["report", "--answers", str(DATA / "mini-answers.yaml"), "-q", MINI, "-o", str(out)]
        span = 6.0 if fmt == "pdf" else 2.0
    # The first run writes a new file and is killed the moment any temporary file shows up (a
    # '.partial' used to stay behind); crmcheck's is anonymous until it is the file itself.
    run_and_kill(args, folder, 120.0, at_temp_file=True)
    assert [p.name for p in folder.iterdir()] in ([], [out.name])
    if out.exists():
        assert check_output(out, fmt) == "new"
    seen = []
    for _ in range(kills):  # the others replace an old file and are killed at a random moment
        out.write_bytes(OLD)
        run_and_kill(args, folder, rnd.uniform(0.3, span))
        seen.append(check_output(out, fmt))
        assert sorted(p.name for p in folder.iterdir()) == [out.name]
    return seen


WRITERS = ["pdf", "html", "md", "json", "yaml"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", WRITERS, ids=["report-pdf", "report-html", "report-md", "report-json",
                                               "answers-export"])
def test_kill_9_while_writing_leaves_the_old_file_or_the_new_one(tmp_path: Path, fmt: str) -> None:
    kill_writes(tmp_path, fmt, kills=2, seed=7)


@pytest.mark.interruptions
@pytest.mark.parametrize("fmt", WRITERS, ids=["report-pdf", "report-html", "report-md", "report-json",
                                               "answers-export"])
def test_kill_9_at_20_random_moments_while_writing(tmp_path: Path, fmt: str, request: pytest.FixtureRequest) -> None:
    if not long_run(request):
        pytest.skip("the long kill -9 loop runs with -m interruptions")
    seen = kill_writes(tmp_path, fmt, kills=20, seed=11)
    assert "old" in seen or "new" in seen
