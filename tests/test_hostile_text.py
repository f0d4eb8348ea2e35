"""Hostile text in every user field is shown literally by every terminal command, never obeyed.

A corpus of HTML, Jinja, CSS url(), Markdown (with carriage returns), rich markup, ANSI and OSC
escapes, C1 controls, bidi overrides and a 10 KB word goes into the client, label, custom process,
respondent, role, department, interviewer, note and N/A reason of an answers file. Through score,
show, list, compare, trend, the import message and the delete prompt (piped), the output holds no
raw control or bidi character, every hostile string appears as written (its escapes shown as
``\\x1b``), rich markup is printed rather than applied, and the JSON keeps the text verbatim. The
Markdown report folds every kind of line break, so no user text starts a heading. The interview's
prompts (header, question, choices) show the same escapes.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from rich.errors import MarkupError
from rich.text import Text

from crmcheck.answers import parse_answers
from crmcheck.cli import cli
from crmcheck.questionnaire import load_questionnaire
from crmcheck.textsafe import terminal_text

DATA = Path(__file__).parent / "data"
NOW_YEAR = 2026

CORPUS: dict[str, str] = {
    "html": "<script>alert(1)</script> <img src=\"file:///etc/passwd\">",
    "jinja": "{{ 7*7 }} {% include 'base.html.j2' %}",
    "css-url": "</style><style>body{background:url(http://evil.example/x.png)}</style>",
    "markdown-cr": "Sales\r# Injected heading\r\n## Another\u2028### And\x85- item",
    "rich-link": "[link=file:///etc/passwd]click me[/link]",
    "rich-close-bold": "Dealer [/bold] channel",
    "rich-close-italic": "Maria [/i] Jensen :smile:",
    "ansi-clear": "Acme\x1b[2J\x1b[H Ltd",
    "osc-title": "Acme\x1b]0;pwned\x07 Ltd",
    "osc-hyperlink": "\x1b]8;;http://evil.example\x1b\\Acme\x1b]8;;\x1b\\",
    "c1-csi": "Acme\x9b31m red\x9b0m",
    "bidi": "Acme \u202eevil\u202c \u2066isolate\u2069",
    "backspace-bell": "Acme\x08\x08XX\x07",
    "long-word": "W" * 10_240,
}
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def yaml_str(text: str) -> str:
    """Quote text for YAML, escapes written out (YAML refuses raw control characters)."""
    return json.dumps(text, ensure_ascii=True)


def process_name(h: str) -> str:
    # The custom process's id (its slug) is kept in 100 characters; notes carry the whole 10 KB word.
    return "Dealer " + h[:80]


def short(h: str) -> str:
    """Return what fits the store's 100-character names and labels."""
    return h[:80]


def answers_text(h: str, label: str = "2026-Q4") -> str:
    q = yaml_str
    return f"""client: {q("Client " + short(h))}
label: {q(label + " " + short(h))}
date: 2026-11-20
questionnaire: mini@1
processes:
  - leads
  - {{id: sales, importance: 5}}
  - {{name: {q(process_name(h))}, importance: 2}}
respondents:
  - name: {q("Ana " + short(h))}
    role: {q("Role " + short(h))}
    department: {q("Department " + short(h))}
    interviewer: {q("Interviewer " + short(h))}
    answers:
      leads: {{own-owner: 3, own-mandate: 2, meas-kpi: {{level: 1, note: {q("Note " + h)}}}, leads-grading: 0}}
      sales: {{own-owner: 2, own-mandate: {{answer: na, reason: {q("Reason " + h)}}}, meas-kpi: 3}}
      PROCESS: {{own-owner: 0, meas-kpi: dont_know}}
      programme: {{strat-agreed: 1, data-single-view: 0}}
  - name: {q("Ben " + short(h))}
    role: Marketing lead
    department: Marketing
    answers:
      leads: {{own-owner: 1, meas-kpi: 3, leads-grading: 1}}
      programme: {{strat-agreed: 3, data-single-view: dont_know}}
"""


def write_answers(path: Path, h: str, label: str = "2026-Q4") -> Path:
    from crmcheck.answers import slugify

    text = answers_text(h, label).replace("PROCESS", slugify(process_name(h)))
    path.write_text(text, encoding="utf-8")
    return path


def crmcheck(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env={"COLUMNS": "20000"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def assert_shown_literally(out: str, h: str, *, whole: bool = True) -> None:
    """No raw control or bidi character, and the hostile text (its escapes shown) as written."""
    assert not RAW.findall(out), sorted(set(RAW.findall(out)))
    if whole and len(h) < 1000:
        assert terminal_text(h) in out
        # Nowhere read as rich markup either (a live hyperlink, a style): its rendered form is absent.
        try:
            rendered = Text.from_markup(h).plain
        except MarkupError:
            return
        if rendered != h:
            assert terminal_text(rendered) not in out


@pytest.fixture(scope="module", params=sorted(CORPUS), ids=sorted(CORPUS))
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    h = CORPUS[request.param]
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "store.db"
    first = write_answers(tmp / "q3.yaml", h, "2026-Q3")
    second = write_answers(tmp / "q4.yaml", h, "2026-Q4")
    for f in (first, second):
        code, out = crmcheck(db, "answers", "import", "-q", str(DATA / "mini.yaml"), str(f))
        assert code == 0, out
        assert_shown_literally(out, "Client " + short(h))
    return db, h, second


def test_score_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, answers = stored
    code, out = crmcheck(db, "score", "-q", str(DATA / "mini.yaml"), str(answers))
    assert code == 0, out
    assert_shown_literally(out, f"Client {short(h)} · 2026-Q4 {short(h)}")
    assert_shown_literally(out, process_name(h))


def test_show_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "show", "2")
    assert code == 0, out
    assert_shown_literally(out, process_name(h))


def test_list_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "list")
    assert code == 0, out
    # list cuts client/label to its column (33 characters and "…" when piped): the start of the escaped text is there.
    assert_shown_literally(out, h, whole=False)
    assert terminal_text("Client " + short(h))[:33] in out


def test_compare_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "compare", "1", "2")
    assert code == 0, out
    assert_shown_literally(out, process_name(h))
    assert_shown_literally(out, "2026-Q3 " + short(h))


def test_trend_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "trend", "Client " + short(h))
    assert code == 0, out
    assert_shown_literally(out, "Client " + short(h))


def test_json_keeps_hostile_text_verbatim(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "show", "2", "--json")
    assert code == 0, out
    # Verbatim as data; on the terminal nothing raw (C1 and bidi controls are \u escapes, as JSON allows).
    assert not RAW.findall(out)
    data = json.loads(out)
    assert data["client"] == "Client " + short(h)
    assert process_name(h) in [p["title"] for p in data["processes"]]
    code, out = crmcheck(db, "list", "--json")
    assert not RAW.findall(out)
    assert {row["label"] for row in json.loads(out)} == {"2026-Q3 " + short(h), "2026-Q4 " + short(h)}


def strings(data: object) -> list[str]:
    """Return every string in parsed JSON."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [t for k, v in data.items() for t in (*strings(k), *strings(v))]
    if isinstance(data, list):
        return [t for v in data for t in strings(v)]
    return []


def test_compare_trend_and_score_json_keep_hostile_text_verbatim(stored: tuple[Path, str, Path]) -> None:
    db, h, answers = stored
    for args in (["compare", "1", "2", "--json"], ["trend", "Client " + short(h), "--json"],
                 ["score", "-q", str(DATA / "mini.yaml"), str(answers), "--json"]):
        code, out = crmcheck(db, *args)
        assert code == 0, out
        assert not RAW.findall(out), args
        assert any(short(h) in text for text in strings(json.loads(out))), args


def test_the_delete_prompt_shows_hostile_text_literally(stored: tuple[Path, str, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from crmcheck.cli import store_cmds

    db, h, _ = stored
    monkeypatch.setattr(store_cmds, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))
    result = CliRunner().invoke(cli, ["--db", str(db), "delete", "1"], input="n\n", env={"COLUMNS": "20000"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Delete ") and "Nothing deleted." in result.output
    assert_shown_literally(result.output, f"Client {short(h)}/2026-Q3 {short(h)}")


@pytest.mark.parametrize("name", sorted(CORPUS), ids=sorted(CORPUS))
def test_markdown_report_starts_no_line_from_user_text(name: str) -> None:
    import datetime as dt

    from crmcheck.report.context import build_context
    from crmcheck.report.render import render_markdown

    h = CORPUS[name]
    q = load_questionnaire(DATA / "mini.yaml")
    from crmcheck.answers import slugify

    a = parse_answers(answers_text(h).replace("PROCESS", slugify(process_name(h))), q)
    md = render_markdown(build_context(q, a, now=dt.datetime(NOW_YEAR, 11, 21, 9, 30)))
    plain = render_markdown(build_context(q, parse_answers(answers_text("x").replace(
        "PROCESS", slugify("Dealer x")), q), now=dt.datetime(NOW_YEAR, 11, 21, 9, 30)))
    # Markdown breaks lines at \n, \r and \r\n: the hostile report has as many lines and headings
    # as the plain one, and no raw control character.
    lines = re.split(r"\r\n|\r|\n", md)
    assert len(lines) == len(re.split(r"\r\n|\r|\n", plain))
    assert sum(line.startswith("#") for line in lines) == sum(line.startswith("#") for line in plain.splitlines())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", md)


def test_the_interview_prompts_show_hostile_text_literally() -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from crmcheck.answers import ScopedProcess
    from crmcheck.interview import Interview
    from crmcheck.prompts import QuestionaryPrompter

    h = CORPUS["osc-title"] + CORPUS["bidi"] + CORPUS["rich-link"]
    q = load_questionnaire(DATA / "mini.yaml")
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("3\r\r\r")
        prompter = QuestionaryPrompter(stream=out, color=True, input=pipe, output=DummyOutput())
        prompter.say(f"\nAna {h} (Head of Sales, Sales) · Client {h} 2026-Q4 · 3 questions to go.")
        engine = Interview(q, [ScopedProcess("dealer", process_name(h), 2)], prompter, None, 1)  # type: ignore[arg-type]
        prompter.ask(engine.view(engine.steps[0], can_go_back=False))
    shown = out.getvalue()
    # The prompter paints with SGR codes itself; nothing else may reach the terminal raw.
    without_colours = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert_shown_literally(without_colours, "Ana " + h)
    assert_shown_literally(without_colours, process_name(h))


@pytest.mark.slow
def test_the_interview_header_in_a_terminal_shows_hostile_text_literally(tmp_path: Path) -> None:
    import os
    import shutil

    pexpect = pytest.importorskip("pexpect")
    exe = shutil.which("crmcheck", path=str(Path(sys.executable).parent)) or "crmcheck"
    env = {**os.environ, "COLUMNS": "200", "LINES": "40", "TERM": "xterm", "NO_COLOR": "1",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    client = "Acme\x1b]0;pwned\x07\x1b[2J Ltd"
    child = pexpect.spawn(exe, ["--db", str(tmp_path / "s.db"), "interview", "--client", client, "--label",
                                "Q4 \u202eevil", "-q", str(DATA / "mini.yaml")],
                          env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))
    child.expect("Which processes are in scope")
    child.send(" \r")
    child.expect("Add a process of your own")
    child.send("\r")
    child.expect("How important is Lead management")
    child.send("\r")
    child.expect("Where does the CRM programme stand")
    child.send("\r")
    for prompt, reply in (("name", "Ana [/bold] [link=file:///etc/passwd]Silva[/link]"), ("Role", "Head"),
                          ("Department", "Sales"), ("Interviewer", "")):
        child.expect(prompt)
        child.send(reply + "\r")
    child.expect("questions? to go")
    header = child.before
    child.expect("Ctrl-C saves and stops")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    assert "Ana [/bold] [link=file:///etc/passwd]Silva[/link] (Head, Sales) · " in header
    assert "Acme\\x1b]0;pwned\\x07\\x1b[2J Ltd Q4 \\u202eevil" in header
    assert "\x1b]0;pwned" not in header and "\x1b[2J" not in header and "\u202e" not in header


def test_questionnaire_validate_and_show_print_hostile_text_literally(tmp_path: Path) -> None:
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    h = CORPUS["osc-title"] + " " + CORPUS["rich-link"] + " " + CORPUS["bidi"]
    assert "text: Is there a named owner?" in text and "title: Lead management" in text
    text = text.replace("text: Is there a named owner?", f"text: {yaml_str('Owner? ' + h)}")
    text = text.replace("title: Lead management", f"title: {yaml_str('Leads ' + h)}")
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = crmcheck(tmp_path / "s.db", "questionnaire", "validate", str(path))
    assert code == 0, out
    code, out = crmcheck(tmp_path / "s.db", "questionnaire", "show", str(path))
    assert code == 0, out
    assert_shown_literally(out, "Owner? " + h)
    assert_shown_literally(out, "Leads " + h)


def test_form_status_shows_hostile_text_literally(stored: tuple[Path, str, Path]) -> None:
    db, h, _ = stored
    code, out = crmcheck(db, "form", "status", "2")
    assert code == 0, out
    assert_shown_literally(out, "Ana " + short(h))
    assert_shown_literally(out, f"Client {short(h)} 2026-Q4 {short(h)}")
    code, out = crmcheck(db, "form", "status", "2", "--json")
    assert code == 0 and not RAW.findall(out)
