"""Respondent forms: export, fill in, import; every located problem; hostile text; LibreOffice."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from crmcheck.answers import Answer, ScopedProcess
from crmcheck.assess import judge, load_answers_file
from crmcheck.cli import cli
from crmcheck.errors import BadInputError
from crmcheck.forms import (
    BASIS_TEXT,
    HEADER_ROW,
    LISTS,
    META,
    export_form,
    form_status,
    import_form,
    respondent_steps,
)
from crmcheck.interview import plan_steps
from crmcheck.questionnaire import PROGRAMME
from crmcheck.serialize import scorecard_data
from crmcheck.store import Store, open_store

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
NOW = dt.datetime(2026, 12, 1, 9, 30)
COL = {"answer": 4, "reason": 5, "note": 6, "basis": 7, "alt": 8}
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(A1:A9)", "-2+3", "@cmd", "<script>alert(1)</script>",
           "<b>bold</b> & 'quotes' \"double\"", "line one\nline two", "\u202eevil rtl", "tab\there"]


def run(db: Path, *args: object) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *map(str, args)], env={"COLUMNS": "100"})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store holding the mini assessment acme/2026-Q4 (Ana Silva and Ben Okafor)."""
    path = tmp_path / "s.db"
    _, a = load_answers_file(DATA / "mini-answers.yaml", MINI)
    with open_store(str(path)) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a)
    return path


def store_of(db: Path) -> Store:
    return open_store(str(db))


def question_rows(path: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """Find each question's row the way a person would: the numbered rows of each part's sheet, in order."""
    wb = openpyxl.load_workbook(path)
    meta = [[c.value for c in row] for row in wb[META].iter_rows()]
    out: dict[tuple[str, str], tuple[str, int]] = {}
    sheet, pending = "", []
    parts: list[tuple[str, list[tuple[str, str]]]] = []
    for row in meta:
        if row[0] == "part":
            parts.append((str(row[1]), []))
        elif row[0] == "question":
            parts[-1][1].append((str(row[1]), str(row[2])))
    for sheet, pending in parts:
        ws = wb[sheet]
        numbered = [r for r in range(HEADER_ROW + 1, ws.max_row + 1)
                    if str(ws.cell(r, 1).value or "").isdigit() and ws.cell(r, 2).value]
        assert len(numbered) == len(pending)
        out.update({key: (sheet, r) for key, r in zip(pending, numbered, strict=True)})
    return out


def fill(path: Path, values: dict[tuple[str, str], dict[str, Any]], out: Path | None = None) -> Path:
    """Type answers into a form with openpyxl, as a respondent would in Excel."""
    rows = question_rows(path)
    wb = openpyxl.load_workbook(path)
    for key, cells in values.items():
        sheet, row = rows[key]
        for name, value in cells.items():
            cell = wb[sheet].cell(row, COL[name])
            cell.value = value
            if isinstance(value, str) and not value.startswith("=="):
                cell.data_type = "s"  # typed into a text cell, as Excel keeps it
            elif isinstance(value, str):
                cell.value = value[1:]  # "==1+1": a formula, as a pasted one
    wb.save(out or path)
    return out or path


def export(db: Path, tmp_path: Path, name: str = "Ana Silva", **kw: Any) -> Path:
    with store_of(db) as store:
        return export_form(store, "acme/2026-Q4", name, tmp_path / f"{name.split()[0].lower()}.xlsx", now=NOW,
                           **kw).path


def level(v: int) -> str:
    labels = {0: "Absent: Nothing in place.", 1: "Ad hoc: Depends on individuals.",
              2: "Defined: Agreed and written down.", 3: "Managed: Measured and reviewed.",
              4: "Optimised: Continuously improved."}
    return f"{v} {labels[v]}"


# What a new respondent, Cara, says about lead management and the programme; the same in both tests below.
CARA = {
    ("leads", "own-owner"): ({"answer": level(2), "basis": BASIS_TEXT["seen"], "alt": "3 Managed",
                              "note": "=Named in the org chart"},
                             Answer(level=2, basis="seen", alt=3, note="=Named in the org chart")),
    ("leads", "own-mandate"): ({"answer": "Not applicable", "reason": "no budget to decide"},
                               Answer(kind="na", reason="no budget to decide")),
    ("leads", "meas-kpi"): ({"answer": "Don't know", "note": "<script>alert(1)</script>"},
                            Answer(kind="dont_know", note="<script>alert(1)</script>")),
    ("leads", "leads-grading"): ({"answer": level(1), "basis": BASIS_TEXT["measured"]},
                                 Answer(level=1, basis="measured")),
    (PROGRAMME, "strat-agreed"): ({"answer": level(0), "basis": BASIS_TEXT["said"], "alt": "1 Ad hoc"},
                                  Answer(level=0, alt=1)),
    (PROGRAMME, "data-single-view"): ({"answer": level(4), "note": "line one\nline two"},
                                      Answer(level=4, note="line one\nline two")),
}


def add_cara(store: Store) -> int:
    return store.add_respondent(1, "Cara Diaz", "Marketing manager", "Marketing", speaks_for=["leads"])


def without_times(answers: dict[tuple[str, str], Answer]) -> dict[tuple[str, str], Answer]:
    return {k: Answer(a.level, a.kind, a.reason, a.note, None, a.basis, a.alt) for k, a in answers.items()}


# ---------------------------------------------------------------- round trip


def test_a_filled_form_gives_the_same_answers_and_scorecard_as_the_interview(tmp_path: Path, db: Path) -> None:
    interviewed = tmp_path / "interviewed.db"
    shutil.copy(db, interviewed)
    with store_of(interviewed) as store:
        rid = add_cara(store)
        for (group, qid), (_, ans) in CARA.items():
            store.save_answer(rid, group, qid, ans)
        store.set_respondent_status(rid, "complete")
        store.set_status(1, "complete")
        by_interview = store.load("1")

    form = export(db, tmp_path, "Cara Diaz", role="Marketing manager", department="Marketing",
                  speaks_for=["leads"])
    fill(form, {key: cells for key, (cells, _) in CARA.items()})
    result = run(db, "form", "import", form)
    assert result.exit_code == 0, result.output
    assert "Imported Cara Diaz's form into acme-ltd/2026-Q4: 6 new, 0 replaced, 0 as stored." in result.output
    assert "Cara Diaz has answered everything." in result.output
    with store_of(db) as store:
        by_form = store.load("1")
        assert by_form.status == by_interview.status == "complete"
    cara = [without_times(r.answers) for r in by_form.assessment.respondents if r.name == "Cara Diaz"]
    assert cara == [without_times(r.answers) for r in by_interview.assessment.respondents if r.name == "Cara Diaz"]
    assert cara == [{k: ans for k, (_, ans) in CARA.items()}]
    cards = [judge(by_form.questionnaire, s.assessment) for s in (by_form, by_interview)]
    assert cards[0].card.index is not None
    assert (json.dumps(scorecard_data(cards[0].card, cards[0].plan, cards[0].findings), sort_keys=True)
            == json.dumps(scorecard_data(cards[1].card, cards[1].plan, cards[1].findings), sort_keys=True))


def test_the_form_asks_what_the_interview_asks_in_its_order_with_show_if_noted(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Cara Diaz", role="Marketing manager", department="Marketing",
                  speaks_for=["leads"])
    rows = question_rows(form)
    with store_of(db) as store:
        stored = store.load("1")
    scope = [p for p in stored.assessment.processes if p.id == "leads"]
    assert list(rows) == [s.key for s in plan_steps(stored.questionnaire, scope, stored.assessment.stage)]
    wb = openpyxl.load_workbook(form)
    assert wb.sheetnames[:3] == ["About this form", "Lead management", "Programme"]  # not Sales, not Dealer onboarding
    sheet, row = rows[("leads", "own-mandate")]
    assert "Answer only if your answer to question 1 is 1 Ad hoc or higher." in wb[sheet].cell(row, 2).value
    front = "\n".join(str(c.value) for r in wb["About this form"].iter_rows() for c in r if c.value)
    assert "Cara Diaz, Marketing manager, Marketing" in front
    assert "6 questions in 2 parts, one sheet each: Lead management (4), Programme (2)." in front


def test_an_answered_respondent_gets_their_answers_and_importing_it_untouched_changes_nothing(
        tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path)
    wb = openpyxl.load_workbook(form)
    rows = question_rows(form)
    sheet, row = rows[("sales", "meas-kpi")]
    assert wb[sheet].cell(row, COL["answer"]).value == level(3)
    assert wb[sheet].cell(row, COL["note"]).value == "weekly pipeline review"
    sheet, row = rows[("sales", "own-mandate")]
    assert (wb[sheet].cell(row, COL["answer"]).value, wb[sheet].cell(row, COL["reason"]).value) == (
        "Not applicable", "no mandate needed")
    with store_of(db) as store:
        before = store.load("1")
    result = run(db, "form", "import", form)
    assert result.exit_code == 0, result.output
    assert ": 0 new, 0 replaced, 11 as stored." in result.output
    with store_of(db) as store:
        after = store.load("1")
    assert after.assessment.respondents == before.assessment.respondents  # a finished interview stays finished
    assert after.status == before.status == "complete"


def test_answers_that_differ_from_the_store_are_listed_and_replaced_only_with_replace(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path)
    fill(form, {("leads", "own-owner"): {"answer": level(1), "note": "only by habit"},
                ("leads", "leads-grading"): {"answer": "2"}})
    result = run(db, "form", "import", form)
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        f"{form}: sheet 'Lead management', cell D6: the store already has '3 Managed'; the form says '1 Ad hoc' "
        "with the note 'only by habit' (nothing was imported; --replace takes the form's answers)",
        f"{form}: sheet 'Lead management', cell D10: the store already has '0 Absent'; the form says '2 Defined' "
        "(nothing was imported; --replace takes the form's answers)",
    ]
    with store_of(db) as store:
        assert store.load("1").assessment.respondents[0].answers[("leads", "own-owner")].level == 3
    result = run(db, "form", "import", form, "--replace")
    assert result.exit_code == 0, result.output
    assert ": 0 new, 2 replaced, 9 as stored." in result.output
    with store_of(db) as store:
        ana = store.load("1").assessment.respondents[0]
    assert (ana.answers[("leads", "own-owner")].level, ana.answers[("leads", "own-owner")].note) == (1, "only by habit")
    assert ana.answers[("leads", "leads-grading")].level == 2


def test_status_says_who_was_sent_a_form_who_returned_one_and_how_complete(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, due=dt.date(2026, 12, 11))
    export(db, tmp_path, "Cara Diaz", role="Marketing manager", department="Marketing", speaks_for=["leads"])
    assert run(db, "form", "import", form).exit_code == 0
    result = run(db, "form", "status", "acme/2026-Q4", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["respondent"]: r for r in json.loads(result.output)}
    assert rows["Ana Silva"]["sent"] == NOW.isoformat() and rows["Ana Silva"]["due"] == "2026-12-11"
    assert rows["Ana Silva"]["returned"] is not None
    assert (rows["Ben Okafor"]["sent"], rows["Ben Okafor"]["returned"]) == (None, None)
    assert (rows["Cara Diaz"]["sent"], rows["Cara Diaz"]["returned"], rows["Cara Diaz"]["answered"],
            rows["Cara Diaz"]["questions"]) == (NOW.isoformat(), None, 0, 5)  # own-mandate hidden until answered
    text = run(db, "form", "status", "acme/2026-Q4").output
    assert text.splitlines()[0] == "Acme Ltd 2026-Q4: 2 of 3 respondents sent a form, 1 returned."
    assert "Cara Diaz   2026-12-01  -           -           0 of 5 (0%)" in text


def test_a_new_respondent_needs_a_role_and_department_and_gets_processes_suggested(tmp_path: Path, db: Path) -> None:
    result = run(db, "form", "export", "acme/2026-Q4", "--respondent", "Cara Diaz", "-o", tmp_path / "c.xlsx")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: 'Cara Diaz' is not a respondent of Acme Ltd 2026-Q4 (respondents: "
                                     "Ana Silva, Ben Okafor); to add them, give --role and --department (and "
                                     "--speaks-for)")
    result = run(db, "form", "export", "acme/2026-Q4", "--respondent", "Cara Diaz", "--role", "CFO",
                 "--department", "Finance", "--speaks-for", "Sales,leads", "-o", tmp_path / "c.xlsx")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"Wrote {tmp_path / 'c.xlsx'}: 9 questions for Cara Diaz (added to the assessment); parts: Lead management, "
        "Sales, Programme.",
        "acme-ltd/2026-Q4 was complete; it is open again until Cara Diaz's answers are in."]
    with store_of(db) as store:
        assert store.load("1").status == "in-progress"
    result = run(db, "form", "export", "acme/2026-Q4", "--respondent", "Dan", "--role", "Rep", "--department",
                 "Sales", "--speaks-for", "billing", "-o", tmp_path / "d.xlsx")
    assert result.exit_code == 2
    assert "--speaks-for: 'billing' is not a process in scope; use one of leads, sales, dealer-onboarding" in (
        result.output)


# ---------------------------------------------------------------- every located problem


def expect(db: Path, form: Path, *lines: str) -> None:
    """Import must fail with exactly these lines (and change nothing)."""
    with store_of(db) as store:
        before = store.load("1").assessment
    result = run(db, "form", "import", form)
    assert result.exit_code == 2, result.output
    got = [line for line in result.output.splitlines() if not line.endswith("problems found.")]
    assert got == list(lines)
    with store_of(db) as store:
        assert store.load("1").assessment == before


@pytest.mark.parametrize(("cells", "message"), [
    ({"answer": "five"}, "cell D9: expected one of 0 Absent, 1 Ad hoc, 2 Defined, 3 Managed, 4 Optimised, "
                         "Don't know, found 'five'"),
    ({"answer": "7"}, "cell D9: expected one of 0 Absent, 1 Ad hoc, 2 Defined, 3 Managed, 4 Optimised, "
                      "Don't know, found '7'"),
    ({"answer": "n/a"}, "cell D9: this question does not take \"Not applicable\"; choose a level or \"Don't know\""),
    ({"answer": level(2), "reason": "because"}, "cell E9: a reason goes with \"Not applicable\", but the answer is "
                                                "'2 Defined: Agreed and written down.'; clear the reason or move it "
                                                "to the note"),
    ({"answer": None, "note": "a thought"}, "cell D9: expected an answer to go with the your note (optional) on this "
                                            "row, found nothing; choose one (\"Don't know\" is fine)"),
    ({"answer": "Don't know", "basis": "Seen: I can show it"}, "cell G9: \"Based on\" goes with a level, but the "
                                                               "answer is 'Don't know'; clear it"),
    ({"answer": level(2), "basis": "Rumour"}, "cell G9: expected one of Said, Seen, Measured, found 'Rumour'"),
    ({"answer": level(2), "alt": "4 Optimised"}, "cell H9: expected a level next to the answer (1 Ad hoc or "
                                                 "3 Managed), found '4 Optimised'"),
    ({"answer": level(2), "alt": "maybe"}, "cell H9: expected a level (0 Absent, 1 Ad hoc, 2 Defined, 3 Managed, "
                                           "4 Optimised), found 'maybe'"),
    ({"answer": level(2), "note": "==1+1"}, "cell F9: expected text, found the formula '=1+1'; type it as text "
                                           "(start it with an apostrophe) or remove the '='"),
], ids=["not-a-choice", "not-a-level", "na-not-allowed", "reason-without-na", "note-without-answer",
        "basis-without-level", "unknown-basis", "alt-not-a-neighbour", "alt-not-a-level", "formula"])
def test_each_bad_cell_is_located(tmp_path: Path, db: Path, cells: dict[str, Any], message: str) -> None:
    form = fill(export(db, tmp_path, "Ben Okafor"), {("leads", "meas-kpi"): cells})
    expect(db, form, f"{form}: sheet 'Lead management', {message}")


def test_every_problem_is_reported_at_once_and_nothing_is_stored(tmp_path: Path, db: Path) -> None:
    form = fill(export(db, tmp_path, "Ben Okafor"), {
        ("leads", "own-owner"): {"answer": "lots"}, ("leads", "leads-grading"): {"answer": level(3)},
        (PROGRAMME, "strat-agreed"): {"answer": "3", "alt": "0 Absent"}})
    expect(db, form,
           f"{form}: sheet 'Lead management', cell D6: expected one of 0 Absent, 1 Ad hoc, 2 Defined, 3 Managed, "
           "4 Optimised, Don't know, found 'lots'",
           f"{form}: sheet 'Programme', cell H6: expected a level next to the answer (2 Defined or 4 Optimised), "
           "found '0 Absent'")


def test_protected_cells_changed_are_located(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ben Okafor")
    wb = openpyxl.load_workbook(form)
    wb["Lead management"]["B6"] = "Is there a named owner? (we have several)"
    wb["Programme"]["A6"] = "9"
    wb.save(form)
    expect(db, form,
           f"{form}: sheet 'Lead management', cell B6: this cell is protected and was changed: expected 'Is there "
           "a named owner?', found 'Is there a named owner? (we have several)'; export a new form and copy the "
           "answers into it",
           f"{form}: sheet 'Programme', cell A6: this cell is protected and was changed: expected '11', found '9'; "
           "export a new form and copy the answers into it")


def test_a_renamed_sheet_and_something_typed_off_the_questions_are_located(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ben Okafor")
    wb = openpyxl.load_workbook(form)
    wb["Programme"]["F20"] = "stray"
    wb["Lead management"].title = "Leads"
    wb.save(form)
    expect(db, form,
           f"{form}: sheet 'Lead management' is missing (renamed or deleted?); it holds the questions about Lead "
           "management. Export a new form",
           f"{form}: sheet 'Programme', cell F20: expected nothing here (no question on this row), found 'stray'")


def test_a_workbook_that_is_not_a_form_is_refused(tmp_path: Path, db: Path) -> None:
    save_as = "save it as an Excel workbook (.xlsx) and import that"
    text = tmp_path / "notes.xlsx"
    text.write_text("just text", encoding="utf-8")
    expect(db, text, f"{text}: not an Excel workbook (.xlsx); {save_as}")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    expect(db, empty, f"{empty}: the file is empty; expected a form workbook (.xlsx)")
    old = tmp_path / "form.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    expect(db, old, f"{old}: an Excel 97-2003 workbook (.xls), which cannot be read; {save_as}")
    ods = tmp_path / "form.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    expect(db, ods, f"{ods}: an OpenDocument spreadsheet (.ods); {save_as} (in LibreOffice: File > Save As, "
                    "Excel 2007-365)")
    damaged = tmp_path / "damaged.xlsx"
    form = export(db, tmp_path, "Ben Okafor")
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.namelist():
            data = src.read(item)
            out.writestr(item, data[:len(data) // 2] if item.startswith("xl/worksheets/") else data)
    expect(db, damaged, f"{damaged}: not a readable Excel workbook (the file is damaged or another kind of "
                        f"document); {save_as}")
    renamed = tmp_path / "form.bin"  # the name's extension does not matter, the content does
    shutil.copy(form, renamed)
    assert run(db, "form", "import", renamed).exit_code == 0
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    expect(db, plain, f"{plain}: not a crmcheck form (it has no form details); export one with: crmcheck form export "
                      "REF --respondent NAME")
    expect(db, tmp_path / "missing.xlsx", f"{tmp_path / 'missing.xlsx'}: no such file; expected a form workbook "
                                          "(.xlsx) exported with crmcheck form export")


def test_edited_form_details_are_refused(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ben Okafor")
    wb = openpyxl.load_workbook(form)
    wb[META]["B7"] = "Ana Silva"  # make it look like someone else's
    wb.save(form)
    expect(db, form, f"{form}: the form's hidden details were changed, so it cannot be trusted; export a new form "
                     "with: crmcheck form export REF --respondent NAME")


def test_a_form_for_another_assessment_or_questionnaire_version_or_respondent_is_refused(
        tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ben Okafor")
    other = tmp_path / "other.db"
    _, a = load_answers_file(DATA / "mini-answers.yaml", MINI)
    a.label = "2027-Q1"
    with open_store(str(other)) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a)
    result = run(other, "form", "import", form)
    assert result.exit_code == 2
    assert result.output.strip() == (f"{form}: this form is for Acme Ltd 2026-Q4, which is not in the store {other}; "
                                     "import it into the store it was exported from (--db)")

    _, a = load_answers_file(DATA / "mini-answers.yaml", MINI)
    with store_of(db) as store:  # the same questionnaire ref, edited since: another content hash
        store.import_assessment(MINI.read_text(encoding="utf-8") + "# edited\n", a, replace=True)
    expect(db, form, f"{form}: this form was made with questionnaire mini@1 as it was then, but Acme Ltd 2026-Q4 is "
                     "answered with mini@1 in another version; export a new form: crmcheck form export "
                     "acme-ltd/2026-Q4 --respondent \"Ben Okafor\"")

    with store_of(db) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a, replace=True)
    form = export(db, tmp_path, "Ana Silva")
    a.respondents = a.respondents[1:]
    with store_of(db) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a, replace=True)
    expect(db, form, f"{form}: Ana Silva is no longer a respondent of Acme Ltd 2026-Q4; nothing was imported")


# ---------------------------------------------------------------- hostile text


@pytest.mark.parametrize("note", [*HOSTILE, "bell\x07 and escape\x1b[31m"], ids=[
    "formula", "plus", "minus", "at", "html", "markup", "newline", "rtl", "tab", "control"])
def test_hostile_notes_are_written_as_text_and_come_back_unchanged(tmp_path: Path, db: Path, note: str) -> None:
    with store_of(db) as store:
        rid = next(r.id for r in store.respondents(1) if r.name == "Ben Okafor")
        store.save_answer(rid, "leads", "meas-kpi", Answer(level=1, note=note))
    form = export(db, tmp_path, "Ben Okafor")
    sheet, row = question_rows(form)[("leads", "meas-kpi")]
    cell = openpyxl.load_workbook(form)[sheet].cell(row, COL["note"])
    assert (cell.value, cell.data_type) == (note.replace("\x07", "").replace("\x1b", ""), "s")
    with zipfile.ZipFile(form) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    result = run(db, "form", "import", form)
    assert result.exit_code == 0, result.output
    assert "0 replaced" in result.output
    with store_of(db) as store:
        assert store.load("1").assessment.respondents[1].answers[("leads", "meas-kpi")].note == note


def test_hostile_text_typed_into_a_form_is_stored_as_typed(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ben Okafor")
    rows = question_rows(form)
    wb = openpyxl.load_workbook(form)
    for (key, text) in zip([("leads", "own-owner"), ("leads", "leads-grading"), (PROGRAMME, "strat-agreed")],
                           HOSTILE, strict=False):
        sheet, row = rows[key]
        wb[sheet].cell(row, COL["note"]).value = text
        wb[sheet].cell(row, COL["note"]).data_type = "s"  # typed into a text cell: text, not a formula
    wb.save(form)
    result = run(db, "form", "import", form, "--replace")
    assert result.exit_code == 0, result.output
    with store_of(db) as store:
        ben = store.load("1").assessment.respondents[1]
    assert [ben.answers[k].note for k in [("leads", "own-owner"), ("leads", "leads-grading"),
                                          (PROGRAMME, "strat-agreed")]] == HOSTILE[:3]


# ---------------------------------------------------------------- the workbook itself


def test_the_workbook_protects_questions_unlocks_answers_and_prints_to_width(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ana Silva")
    wb = openpyxl.load_workbook(form)
    assert wb[META].sheet_state == wb[LISTS].sheet_state == "veryHidden"
    assert wb.security is not None and wb.security.lockStructure
    for sheet in wb.sheetnames[1:-2]:
        ws = wb[sheet]
        assert ws.protection.sheet
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$4:$4"
        assert ws["B6"].protection.locked and not ws["D6"].protection.locked and not ws["F6"].protection.locked
        assert ws.row_dimensions[6].height and ws.row_dimensions[6].height > 40  # fits the wrapped level text
        lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
        assert all(f.startswith(f"{LISTS}!$") for f in lists)
    letter = export(db, tmp_path, "Ben Okafor", paper="letter")
    assert openpyxl.load_workbook(letter)["Programme"].page_setup.paperSize == 1


def test_the_form_offers_exactly_the_questions_choices(tmp_path: Path, db: Path) -> None:
    form = export(db, tmp_path, "Ana Silva")
    wb = openpyxl.load_workbook(form)
    ws = wb["Lead management"]
    dv = next(dv for dv in ws.data_validations.dataValidation if "D7" in str(dv.sqref))  # own-mandate: N/A allowed
    col = dv.formula1.split("$")[1]
    choices = [c.value for c in wb[LISTS][col] if c.value]
    assert choices == [level(v) for v in range(5)] + ["Don't know", "Not applicable"]


def test_help_has_examples_and_loads_no_openpyxl() -> None:
    for args in (["form", "--help"], ["form", "export", "--help"], ["form", "import", "--help"],
                 ["form", "status", "--help"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Example" in result.output, args
    code = ("import sys\nfrom crmcheck.cli import cli\ntry:\n    cli.main(['form', '--help'], prog_name='crmcheck')\n"
            "except SystemExit:\n    pass\nprint('openpyxl' in sys.modules, 'click' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True
                          ).stdout.split()[-2:] == ["False", "True"]
    core = "import sys, crmcheck.forms\nprint(sorted({'click', 'rich', 'openpyxl'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", core], capture_output=True, text=True, check=True
                          ).stdout.strip() == "[]"


def test_an_old_store_gains_the_forms_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as con:  # the first release's store: no forms table
        con.executescript((DATA / "store-v1.sql").read_text(encoding="utf-8"))
    con.close()
    with open_store(str(path)) as store:
        rid = store.respondents(1)[0].id
        store.record_form(rid, sent=NOW, due=None, questions=4)
        assert [(f.respondent_id, f.sent, f.questions, f.returned) for f in store.forms(1)] == [
            (rid, NOW, 4, None)]
        store.delete("1")
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM forms").fetchone() == (0,)
    con.close()


def test_respondent_steps_honour_speaks_for(db: Path) -> None:
    with store_of(db) as store:
        stored = store.load("1")
    ben = stored.assessment.respondents[1]
    ben.speaks_for = ["leads"]
    assert {s.group for s in respondent_steps(stored.questionnaire, stored.assessment, ben)} == {"leads", PROGRAMME}


def test_a_note_too_long_for_a_cell_is_refused_at_export(tmp_path: Path, db: Path) -> None:
    with store_of(db) as store:
        rid = store.respondents(1)[1].id
        store.save_answer(rid, "leads", "meas-kpi", Answer(level=1, note="x" * 40000))
    with pytest.raises(BadInputError, match="holds 32767"):
        export(db, tmp_path, "Ben Okafor")


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.slow
def test_a_form_saved_by_libreoffice_imports_the_same(tmp_path: Path, db: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-calc")
    form = export(db, tmp_path, "Cara Diaz", role="Marketing manager", department="Marketing", speaks_for=["leads"])
    filled = fill(form, {key: cells for key, (cells, _) in CARA.items()}, tmp_path / "filled.xlsx")
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(filled)], check=True, capture_output=True, timeout=180)
    converted = out / "filled.xlsx"
    assert converted.is_file()
    with store_of(db) as store:
        result = import_form(store, converted, now=NOW)
        assert (result.new, result.changed, result.complete) == (6, 0, True)
        cara = next(r for r in store.load("1").assessment.respondents if r.name == "Cara Diaz")
    assert without_times(cara.answers) == {k: ans for k, (_, ans) in CARA.items()}


@pytest.mark.slow
def test_a_form_filled_in_with_libreoffice_calc_gives_the_interviews_scorecard(tmp_path: Path, db: Path) -> None:
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    has_uno = system_python is not None and subprocess.run([system_python, "-c", "import uno"],
                                                           capture_output=True).returncode == 0
    if shutil.which("soffice") is None or not has_uno:
        pytest.skip("LibreOffice with its Python bridge is not installed; apt-get install libreoffice-calc python3-uno")
    assert system_python is not None
    interviewed = tmp_path / "interviewed.db"
    shutil.copy(db, interviewed)
    form = export(db, tmp_path, "Cara Diaz", role="Marketing manager", department="Marketing", speaks_for=["leads"])
    rows = question_rows(form)
    fills = [[rows[key][0], rows[key][1], COL[name], value] for key, (cells, _) in CARA.items()
             for name, value in cells.items()]
    (tmp_path / "fills.json").write_text(json.dumps(fills), encoding="utf-8")
    saved = tmp_path / "by-calc.xlsx"
    subprocess.run([system_python, str(Path(__file__).parent / "lo_fill.py"), str(form), str(saved),
                    str(tmp_path / "fills.json"), str(tmp_path / "profile")], check=True, timeout=300)
    with store_of(interviewed) as store:
        rid = add_cara(store)
        for (group, qid), (_, ans) in CARA.items():
            store.save_answer(rid, group, qid, ans)
        by_interview = store.load("1")
    with store_of(db) as store:
        result = import_form(store, saved, now=NOW)
        assert (result.new, result.changed, result.complete) == (6, 0, True)
        by_form = store.load("1")
    cards = [judge(by_form.questionnaire, s.assessment) for s in (by_form, by_interview)]
    assert (json.dumps(scorecard_data(cards[0].card, cards[0].plan, cards[0].findings), sort_keys=True)
            == json.dumps(scorecard_data(cards[1].card, cards[1].plan, cards[1].findings), sort_keys=True))
    cara = next(r for r in by_form.assessment.respondents if r.name == "Cara Diaz")
    assert without_times(cara.answers) == {k: ans for k, (_, ans) in CARA.items()}


def test_a_form_not_back_by_its_due_date_is_overdue(tmp_path: Path, db: Path) -> None:
    export(db, tmp_path, "Ben Okafor", due=dt.date(2026, 12, 11))
    with store_of(db) as store:
        stored = store.load("1")
        infos, records = store.respondents(1), store.forms(1)
    on_time, late = (form_status(stored, infos, records, today=day) for day in (dt.date(2026, 12, 11),
                                                                               dt.date(2026, 12, 12)))
    assert [r.overdue for r in on_time] == [False, False]
    assert [(r.respondent, r.overdue) for r in late] == [("Ana Silva", False), ("Ben Okafor", True)]


def test_a_form_is_written_as_xlsx_only(tmp_path: Path, db: Path) -> None:
    result = run(db, "form", "export", "acme/2026-Q4", "--respondent", "Ben Okafor", "-o", tmp_path / "ben.xls")
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {tmp_path / 'ben.xls'}: a form is an Excel workbook; give -o a file "
                                     "name ending in .xlsx")
    assert not (tmp_path / "ben.xls").exists()


def test_hostile_process_titles_make_valid_sheet_names_and_the_form_still_reads_back(tmp_path: Path) -> None:
    _, a = load_answers_file(DATA / "mini-answers.yaml", MINI)
    title = "=Sales/Service [EU]: 'Key'*? accounts and then some more words\x07"
    a.processes = [p if not p.custom else ScopedProcess(p.id, title, p.importance, custom=True) for p in a.processes]
    db = tmp_path / "s.db"
    with open_store(str(db)) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a)
    form = export(db, tmp_path)
    names = openpyxl.load_workbook(form).sheetnames
    assert names[3] == "=Sales Service EU 'Key' account"  # 31 characters, none of []:*?/\\
    result = run(db, "form", "import", form)
    assert result.exit_code == 0, result.output
    assert ": 0 new, 0 replaced, 11 as stored." in result.output


def test_names_with_control_characters_still_find_their_assessment_and_respondent(tmp_path: Path) -> None:
    _, a = load_answers_file(DATA / "mini-answers.yaml", MINI)
    a.client, a.label = "Acme\x1b[2J Ltd", "2026-Q4\x07"
    a.respondents[1].name = "Ben\x07 Okafor"
    db = tmp_path / "s.db"
    with open_store(str(db)) as store:
        store.import_assessment(MINI.read_text(encoding="utf-8"), a)
        form = export_form(store, "1", "Ben\x07 Okafor", tmp_path / "ben.xlsx", now=NOW).path
    result = run(db, "form", "import", form)
    assert result.exit_code == 0, result.output
    assert ": 0 new, 0 replaced, 5 as stored." in result.output
