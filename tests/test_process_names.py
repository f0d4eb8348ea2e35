"""Names the interview turns into ids, and labels that must stay addressable (issue 13, items 11 and 12).

A custom process's id is made from its name, so names that look alike ('A!' and 'A?'), a name
that is a catalogue process's ('Lead-management') or the programme's ('Programme') must not
crash the setup or the interview: each gets a clear re-ask or an id of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crmcheck import prompts
from crmcheck.answers import custom_process_id, label_problem
from crmcheck.cli.interview_cmd import _new_or_existing
from crmcheck.interview import Interview, QuestionView, Reply
from crmcheck.questionnaire import load_questionnaire
from crmcheck.resources import default_questionnaire
from crmcheck.store import open_store

DATA = Path(__file__).parent / "data"


class Setup:
    """Answers the setup prompts from a script: the processes ticked, then the names typed."""

    def __init__(self, ticked: list[str], typed: list[str]) -> None:
        self.ticked, self.typed = ticked, iter([*typed, ""])
        self.said: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(prompts, "checkbox", lambda *_a, **_k: list(self.ticked))
        monkeypatch.setattr(prompts, "text", lambda *_a, **_k: next(self.typed))
        monkeypatch.setattr(prompts, "select", self._select)
        monkeypatch.setattr(prompts, "confirm", lambda *_a, **k: k.get("default", True))
        monkeypatch.setattr("builtins.print", lambda *a, **_k: self.said.append(" ".join(map(str, a))))

    @staticmethod
    def _select(message: str, choices: Any, default: str | None = None, **_k: Any) -> str:
        return default if default is not None else "selecting"


def set_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ticked: list[str], typed: list[str],
           questionnaire: Path | None = None) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """Run the interview's setup against a fresh store; return the processes stored and what was said."""
    script = Setup(ticked, typed)
    script.install(monkeypatch)
    store = open_store(str(tmp_path / "store.db"))
    aid, existed = _new_or_existing(store, "Acme Ltd", "2026-Q4", questionnaire)
    assert not existed
    a = store.load(str(aid)).assessment
    return [(p.id, p.title, p.custom) for p in a.processes], script.said


def test_two_names_with_the_same_id_get_distinct_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored, _ = set_up(tmp_path, monkeypatch, [], ["A!", "A?"])
    assert stored == [("a", "A!", True), ("a-2", "A?", True)]


def test_a_name_that_is_a_catalogue_process_in_scope_is_asked_again(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    q = load_questionnaire(default_questionnaire())
    lead = next(p for p in q.processes if p.title == "Lead management")
    stored, said = set_up(tmp_path, monkeypatch, [lead.id], ["Lead-management", "lead management", "Dealers"])
    assert stored == [(lead.id, "Lead management", False), ("dealers", "Dealers", True)]
    assert said == ["Lead management is in scope already; type another process, or press Enter when done."] * 2


def test_a_name_that_is_a_catalogue_process_adds_that_process(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    stored, said = set_up(tmp_path, monkeypatch, [], ["Leads"], DATA / "mini.yaml")
    assert stored == [("leads", "Lead management", False)]
    assert said == ["Lead management is a process of the questionnaire: added with its own questions."]


def test_a_process_called_programme_is_interviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored, _ = set_up(tmp_path, monkeypatch, [], ["Programme"], DATA / "mini.yaml")
    assert stored == [("programme-2", "Programme", True)]
    store = open_store(str(tmp_path / "store.db"))
    found = store.find("acme/2026-Q4")
    assert found is not None
    loaded = store.load(str(found))
    rid = store.add_respondent(found, "Ana Silva", "Head of Sales", "Sales")
    asked: list[str] = []

    class FirstOnly:
        def ask(self, view: QuestionView) -> Reply:
            asked.append(view.context)
            raise KeyboardInterrupt

        def say(self, text: str) -> None:
            pass

    with pytest.raises(KeyboardInterrupt):
        Interview(loaded.questionnaire, loaded.assessment.processes, FirstOnly(), store, rid).run()
    assert asked and asked[0].startswith("Programme › ")
    assert not asked[0].startswith("Programme › No CRM")


def test_an_overlong_process_name_is_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored, said = set_up(tmp_path, monkeypatch, [], ["x" * 201, "Dealers"], DATA / "mini.yaml")
    assert stored == [("dealers", "Dealers", True)]
    assert said == ["That name is 201 characters long; give one of at most 200."]


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [("Dealer onboarding", [], "dealer-onboarding"), ("Programme", [], "programme-2"), ("A?", ["a"], "a-2"),
     ("A", ["a", "a-2"], "a-3"), ("!!!", [], "process"), ("x" * 300, [], "x" * 60)],
    ids=["plain", "programme", "clash", "two-clashes", "no-letters", "long"],
)
def test_custom_process_ids(name: str, taken: list[str], expected: str) -> None:
    assert custom_process_id(name, taken) == expected


def test_a_label_with_a_slash_is_addressed_as_client_slash_label(tmp_path: Path) -> None:
    import datetime as dt

    from crmcheck.answers import ScopedProcess
    from crmcheck.store import open_store

    store = open_store(str(tmp_path / "s.db"))
    text = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")
    scope = [ScopedProcess("leads", "Lead management", 4)]
    fy = store.create_assessment(text, "Acme", "FY2026/27", dt.date(2026, 4, 1), scope)
    q4 = store.create_assessment(text, "Acme/Europe", "2026-Q4", dt.date(2026, 11, 1), scope)
    assert store.find("acme/FY2026/27") == fy and store.find("Acme/fy2026/27") == fy
    assert store.find("acme/europe/2026-Q4") == q4  # a client with '/' in its name too
    assert store.find("acme/FY2026") is None


def test_label_problems() -> None:
    assert label_problem("2026-Q4") is None
    assert label_problem("x" * 101) == f"'{'x' * 40}…' is 101 characters long; at most 100 are allowed"


def test_a_name_longer_than_the_store_keeps_is_asked_again_at_its_prompt() -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        pipe.send_text("x" * 201 + "\r" + "\x15" + "Ana Silva\r")  # too long: Enter is refused; Ctrl-U, retype
        assert prompts.text("Name:", required=True, max_length=200, input=pipe, output=DummyOutput()) == "Ana Silva"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "w" * 100_001, "note: string should have at most 100000 characters, got 'wwwwwwwwww"),
        ("name", "n" * 201, "name: string should have at most 200 characters, got 'nnnnnnnnnn"),
        ("label", "l" * 101, "label: string should have at most 100 characters, got 'llllllllll"),
    ],
    ids=["note", "name", "label"],
)
def test_documented_limits_of_an_answers_file(field: str, value: str, message: str) -> None:
    from crmcheck.answers import parse_answers
    from crmcheck.errors import AnswersError

    q = load_questionnaire(DATA / "mini.yaml")
    text = (DATA / "mini-answers.yaml").read_text(encoding="utf-8")
    text = {"note": text.replace("weekly pipeline review", value), "name": text.replace("Ana Silva", value),
            "label": text.replace("label: 2026-Q4", f"label: {value}")}[field]
    with pytest.raises(AnswersError) as err:
        parse_answers(text, q, "a.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("a.yaml:")


def test_a_100_kb_note_is_within_the_limit() -> None:
    from crmcheck.answers import parse_answers

    q = load_questionnaire(DATA / "mini.yaml")
    note = ("the pipeline is reviewed weekly " * 4000)[:100_000].strip()
    text = (DATA / "mini-answers.yaml").read_text(encoding="utf-8").replace("weekly pipeline review", note)
    a = parse_answers(text, q, "a.yaml")
    assert a.respondents[0].answers[("sales", "meas-kpi")].note == note
