"""A store that fails mid-interview (a full disk) ends in one line that says how to resume (issue 13, item 12)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from crmcheck import prompts
from crmcheck.cli import cli, interview_cmd
from crmcheck.errors import StoreError
from crmcheck.interview import QuestionView, Reply
from crmcheck.store import Store, open_store

DATA = Path(__file__).parent / "data"


class Levels:
    """Answers every question with level 2."""

    def __init__(self, **_kwargs: Any) -> None:
        pass

    def ask(self, view: QuestionView) -> Reply:
        return Reply("level", level=2)

    def say(self, text: str) -> None:
        pass


def test_a_full_disk_mid_interview_says_how_to_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["", "Ana Silva", "Head of Sales", "Sales", ""])
    monkeypatch.setattr(prompts, "checkbox", lambda _m, choices, **_k: [choices[0][0]])
    monkeypatch.setattr(prompts, "text", lambda *_a, **_k: next(typed))
    monkeypatch.setattr(prompts, "select", lambda _m, choices, default=None, **_k: default or choices[1][0])
    monkeypatch.setattr(prompts, "QuestionaryPrompter", Levels)
    terminal = SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(interview_cmd, "sys", SimpleNamespace(stdin=terminal, stdout=terminal))
    saved = Store.save_answer
    calls = []

    def fills_up(self: Store, *args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) > 2:
            raise StoreError(f"store {tmp_path / 'store.db'}: database or disk is full; free some space")
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(Store, "save_answer", fills_up)
    db = tmp_path / "store.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "interview", "--client", "Acme Ltd", "--label", "2026-Q4",
                                      "-q", str(DATA / "mini.yaml")])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: store {db}: database or disk is full; free some space; the answers confirmed before this are "
        "saved. Once it is fixed, resume with: crmcheck interview --resume acme-ltd/2026-Q4")
    stored = open_store(str(db)).load("acme-ltd/2026-Q4").assessment
    assert len(stored.respondents[0].answers) == 2
