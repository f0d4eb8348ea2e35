"""Respondent forms: an Excel workbook a respondent fills in away from the terminal, read back without retyping.

A form asks one respondent exactly what the interview would ask them (the processes they speak
for, then the programme), in the interview's order, pre-filled with what they have answered
already. Its front sheet explains itself; each part is a sheet whose only unlocked cells are the
answers. A very hidden sheet says which assessment, questionnaire (by content hash) and person the
form is for and where each question sits, so reading it back can refuse a workbook that is not
ours, is for another assessment or questionnaire version, or has had its question cells edited.

Reading back is all or nothing: every problem is collected and reported as
``FILE.xlsx: sheet 'Sales', cell D14: expected …, found '…'`` before anything is stored, and an
answer that differs from one already in the store is only replaced when asked to (``replace``).

openpyxl is imported inside the functions that need it, so importing this module stays cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from crmcheck.answers import DONT_KNOW, NA, Answer, Assessment, Respondent
from crmcheck.errors import BadInputError, FileFormatError, NotFoundError
from crmcheck.interview import Step, plan_steps
from crmcheck.questionnaire import PROGRAMME, Condition, Question, Questionnaire, content_hash
from crmcheck.scoring import visible
from crmcheck.store_summary import client_key

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from crmcheck.store import FormRecord, RespondentInfo, Store, StoredAssessment

FORMAT = "crmcheck-form/1"
META = "crmcheck"  # very hidden: what the form is for and where each question is
LISTS = "choices"  # very hidden: the drop-down lists
FRONT = "About this form"
RESERVED = {META, LISTS, FRONT, "history"}  # "History" is reserved by Excel

# Question sheets: the column of each field, and the fixed rows above the questions.
NUMBER, QUESTION, LEVELS, ANSWER, REASON, NOTE, BASIS, ALT = range(1, 9)
INPUTS = (ANSWER, REASON, NOTE, BASIS, ALT)
HEADINGS = {NUMBER: "No.", QUESTION: "Question", LEVELS: "What each level means", ANSWER: "Your answer",
            REASON: "If not applicable: why", NOTE: "Your note (optional)", BASIS: "Based on",
            ALT: "Could also be"}
WIDTHS = {NUMBER: 4, QUESTION: 40, LEVELS: 44, ANSWER: 24, REASON: 16, NOTE: 28, BASIS: 11, ALT: 11}
HEADER_ROW = 4
DONT_KNOW_TEXT = "Don't know"
NA_TEXT = "Not applicable"
BASIS_TEXT = {"said": "Said: my own account", "seen": "Seen: I can show it", "measured": "Measured: a figure"}
SECONDS_PER_QUESTION = 40  # reading every level's description takes longer than hearing the question
MAX_CELL = 32767  # the most characters a spreadsheet cell holds

_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters XML (and so .xlsx) cannot carry
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class FormError(FileFormatError):
    """A form that cannot be read back: every problem, located by sheet and cell."""


# ---------------------------------------------------------------- what a form asks


@dataclass(frozen=True)
class Part:
    """One sheet of a form: a process the respondent speaks for, or the programme."""

    sheet: str
    group: str  # process id or PROGRAMME
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class FormSpec:
    """Everything a form is for and asks, written into its hidden sheet and checked on the way back."""

    assessment_id: int
    client: str
    label: str
    questionnaire_ref: str
    questionnaire_hash: str
    respondent: str
    role: str
    department: str
    interviewer: str | None
    stage: str | None
    sent: dt.datetime
    due: dt.date | None
    parts: tuple[Part, ...]

    @property
    def steps(self) -> list[Step]:
        """Return every question on the form, in order."""
        return [s for p in self.parts for s in p.steps]

    @property
    def ref(self) -> str:
        """Return the assessment's REF, as the CLI prints it."""
        return f"{client_key(self.client)}/{self.label}"


def respondent_steps(q: Questionnaire, a: Assessment, person: Respondent) -> list[Step]:
    """Return the questions the interview asks this person, in its order (their processes, then the programme)."""
    scope = [p for p in a.processes if person.asked_about(p.id)]
    return plan_steps(q, scope, a.stage)


def plan_form(stored: StoredAssessment, person: Respondent, *, sent: dt.datetime,
              due: dt.date | None = None) -> FormSpec:
    """Return the form for one respondent of a stored assessment."""
    q, a = stored.questionnaire, stored.assessment
    titles = {p.id: p.title for p in a.processes} | {PROGRAMME: "Programme"}
    by_group: dict[str, list[Step]] = {}
    for step in respondent_steps(q, a, person):
        by_group.setdefault(step.group, []).append(step)
    taken: set[str] = {n.casefold() for n in RESERVED}
    parts = []
    for group, steps in by_group.items():
        sheet = sheet_name(titles.get(group, group), taken)
        taken.add(sheet.casefold())
        parts.append(Part(sheet, group, titles.get(group, group), tuple(steps)))
    return FormSpec(stored.id, a.client, a.label, q.ref, content_hash(stored.questionnaire_text), person.name,
                    person.role, person.department, person.interviewer, a.stage, sent.replace(microsecond=0), due,
                    tuple(parts))


def sheet_name(title: str, taken: set[str]) -> str:
    """Return a valid, unused sheet name for a part: at most 31 characters, none of []:*?/\\."""
    base = _SHEET_BAD.sub(" ", _printable(title)).strip().strip("'").strip() or "Part"
    base = re.sub(r"\s+", " ", base)[:31].rstrip()
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)].rstrip() + suffix, n + 1
    return name


# ---------------------------------------------------------------- the cells of a question sheet


@dataclass(frozen=True)
class _Layout:
    """Where everything sits on one question sheet; computed the same way when writing and reading."""

    fixed: dict[tuple[int, int], str]  # protected cells and their text
    rows: dict[int, Step]  # question rows
    sections: list[int]  # section heading rows
    numbers: dict[tuple[str, str], int]  # question number on the form, by step key


def _layout(q: Questionnaire, spec: FormSpec, part: Part, first_number: int) -> _Layout:
    fixed: dict[tuple[int, int], str] = {}
    rows: dict[int, Step] = {}
    sections: list[int] = []
    numbers = {s.key: first_number + i for i, s in enumerate(part.steps)}
    fixed[(1, NUMBER)] = part.title
    subject = "the CRM programme as a whole" if part.group == PROGRAMME else part.title
    about = f"Questions for {spec.respondent} about {subject}, {spec.client}"
    fixed[(2, NUMBER)] = _printable(about)
    for col, heading in HEADINGS.items():
        fixed[(HEADER_ROW, col)] = heading
    row, section = HEADER_ROW + 1, None
    for step in part.steps:
        title = _section_title(q, spec, step)
        if title != section:
            section = title
            fixed[(row, NUMBER)] = title
            sections.append(row)
            row += 1
        fixed[(row, NUMBER)] = str(numbers[step.key])
        fixed[(row, QUESTION)] = _question_text(q, step, numbers)
        fixed[(row, LEVELS)] = "\n".join(_level_choices(q, step.item.question))
        rows[row] = step
        row += 1
    return _Layout(fixed, rows, sections, numbers)


def _section_title(q: Questionnaire, spec: FormSpec, step: Step) -> str:
    if step.group == PROGRAMME:
        return next(s.title_at(spec.stage) for s in q.sins if s.id == step.item.group)
    return next(c.title for c in q.criteria if c.id == step.item.group)


def _question_runs(q: Questionnaire, step: Step, numbers: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """Return the question cell's text as runs: the question (bold), when to answer it (italic), the help."""
    question = step.item.question
    runs = [("b", question.text)]
    if question.show_if is not None:
        runs.append(("i", f"\n\nAnswer only if {_condition_words(q, question.show_if, step.group, numbers)}."))
    if question.help:
        runs.append(("", f"\n\nWhat we look for: {question.help}"))
    return [(style, _printable(text)) for style, text in runs]


def _question_text(q: Questionnaire, step: Step, numbers: dict[tuple[str, str], int]) -> str:
    return "".join(text for _, text in _question_runs(q, step, numbers))


def _condition_words(q: Questionnaire, cond: Condition, group: str, numbers: dict[tuple[str, str], int]) -> str:
    """Say a show_if condition in words, naming questions by their number on the form."""
    if cond.all is not None:
        return " and ".join(_condition_words(q, c, group, numbers) for c in cond.all)
    if cond.any is not None:
        return " or ".join(_condition_words(q, c, group, numbers) for c in cond.any)
    if cond.not_ is not None:
        return f"it is not the case that {_condition_words(q, cond.not_, group, numbers)}"
    qid = cond.question or ""
    number = numbers.get((group, qid))
    item = q.question(qid)
    which = f"question {number}" if number is not None else f"“{q.question_text(qid)}”"
    if cond.answer == "unanswered":
        return f"{which} is left empty"
    if cond.answer is not None:
        return f"your answer to {which} is {DONT_KNOW_TEXT if cond.answer == DONT_KNOW else NA_TEXT}"
    levels = q.scale_of(item.question).levels if item else []

    def named(value: float) -> str:
        lv = next((lv for lv in levels if lv.value == value), None)
        return f"{lv.value} {lv.label}" if lv else f"{value:g}"

    parts = []
    if cond.at_least is not None:
        parts.append(f"{named(cond.at_least)} or higher")
    if cond.below is not None:
        below = [lv for lv in levels if lv.value < cond.below]
        parts.append(f"{named(below[-1].value)} or lower" if below else f"below {cond.below:g}")
    return f"your answer to {which} is " + " and ".join(parts)


def _level_choices(q: Questionnaire, question: Question) -> list[str]:
    return [_printable(f"{lv.value} {lv.label}: {q.descriptor(question, lv.value)}")
            for lv in q.scale_of(question).levels]


def _choices(q: Questionnaire, question: Question) -> list[str]:
    """Return a question's drop-down: its levels (label and descriptor), then don't know and N/A where allowed."""
    out = _level_choices(q, question)
    if question.allow_dont_know:
        out.append(DONT_KNOW_TEXT)
    if question.allow_na:
        out.append(NA_TEXT)
    return out


def _answer_cells(q: Questionnaire, question: Question, ans: Answer) -> dict[int, str]:
    """Return the input cells that show an answer."""
    cells: dict[int, str] = {}
    if ans.kind == "level" and ans.level is not None:
        cells[ANSWER] = next(c for c in _level_choices(q, question) if c.startswith(f"{ans.level} "))
        if ans.basis is not None:
            cells[BASIS] = BASIS_TEXT[ans.basis]
        if ans.alt is not None:
            lv = next((lv for lv in q.scale_of(question).levels if lv.value == ans.alt), None)
            cells[ALT] = f"{ans.alt} {lv.label}" if lv else str(ans.alt)
    else:
        cells[ANSWER] = DONT_KNOW_TEXT if ans.kind == DONT_KNOW else NA_TEXT
    if ans.reason:
        cells[REASON] = _printable(ans.reason)
    if ans.note:
        cells[NOTE] = _printable(ans.note)
    return cells


# ---------------------------------------------------------------- writing


def write_form(path: Path, stored: StoredAssessment, spec: FormSpec, answers: dict[tuple[str, str], Answer], *,
               paper: Literal["a4", "letter"] = "a4") -> None:
    """Write the form workbook to ``path`` (atomically), pre-filled with ``answers``."""
    target = path.expanduser()
    if not target.parent.is_dir():
        raise BadInputError(f"{path}: folder {target.parent} does not exist; create it or choose another -o path")
    wb = build_workbook(stored.questionnaire, spec, answers, paper=paper)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a form is an ordinary document
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_workbook(q: Questionnaire, spec: FormSpec, answers: dict[tuple[str, str], Answer], *,
                   paper: Literal["a4", "letter"] = "a4") -> Any:
    """Return the form as an openpyxl workbook."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    for step in spec.steps:
        ans = answers.get(step.key)
        for text in (ans.note, ans.reason) if ans else ():
            if text and len(text) > MAX_CELL:
                raise BadInputError(f"{spec.respondent}'s note on '{step.item.question.id}' ({step.group}) is "
                                    f"{len(text)} characters; a spreadsheet cell holds {MAX_CELL}. Shorten it "
                                    "first (answers export, edit, answers import --replace)")
    wb = Workbook()
    front = wb.active
    assert front is not None
    front.title = FRONT
    lists = wb.create_sheet(LISTS)
    meta = wb.create_sheet(META)
    choice_cols = _write_lists(lists, q, spec)
    _write_front(front, q, spec, answers, paper)
    number = 1
    for part in spec.parts:
        ws = wb.create_sheet(part.sheet)
        layout = _layout(q, spec, part, number)
        number += len(part.steps)
        _write_part(ws, q, spec, part, layout, answers, choice_cols, paper)
    _write_meta(meta, spec)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    wb.move_sheet(meta, offset=len(wb.sheetnames))
    lists.sheet_state = "veryHidden"
    meta.sheet_state = "veryHidden"
    wb.active = 0
    # No password: this keeps the questions from being changed by accident; edits are caught on import.
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _put(ws: Worksheet, row: int, col: int, value: str | int | None) -> Any:
    """Write a value; text always as text, so a note starting with '=' never becomes a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _printable(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _write_lists(ws: Worksheet, q: Questionnaire, spec: FormSpec) -> dict[str, tuple[str, str]]:
    """Write every drop-down list into the hidden sheet; return, per list name, its range formula."""
    from openpyxl.utils import get_column_letter

    out: dict[str, tuple[str, str]] = {}
    col = 1

    def column(name: str, values: list[str]) -> None:
        nonlocal col
        for i, value in enumerate(values, start=1):
            _put(ws, i, col, value)
        letter = get_column_letter(col)
        out[name] = (f"{LISTS}!${letter}$1:${letter}${len(values)}", letter)
        col += 1

    column("basis", list(BASIS_TEXT.values()))
    for scale_id, scale in q.scales.items():
        column(f"scale:{scale_id}", [f"{lv.value} {lv.label}" for lv in scale.levels])
    for step in spec.steps:
        column(f"q:{step.group}:{step.item.question.id}", _choices(q, step.item.question))
    return out


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="B7B7B7")
    return {
        "font": Font(name="Calibri", size=10),
        "bold": Font(name="Calibri", size=10, bold=True),
        "title": Font(name="Calibri", size=14, bold=True, color="1F3864"),
        "subtitle": Font(name="Calibri", size=10, italic=True, color="404040"),
        "heading": Font(name="Calibri", size=10, bold=True, color="FFFFFF"),
        "heading_fill": PatternFill("solid", fgColor="1F3864"),
        "section_fill": PatternFill("solid", fgColor="D9E1F2"),
        "input_fill": PatternFill("solid", fgColor="FFF2CC"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "top": Alignment(vertical="top"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "unlocked": Protection(locked=False),
    }


def _page(ws: Worksheet, paper: str, landscape: bool, footer: str) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER if paper == "letter" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer_item = ws.oddFooter
    assert footer_item is not None and footer_item.left is not None and footer_item.right is not None
    footer_item.left.text = _printable(footer).replace("&", "&&")
    footer_item.left.size = 8
    footer_item.right.text = "Page &P of &N"
    footer_item.right.size = 8


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Respondents may still widen columns and rows to read or write more comfortably.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _height(texts: Iterable[tuple[str, int]], line: float = 13.0) -> float:
    """Estimate a row height (points) from each wrapped cell's text and column width."""
    lines = 1
    for text, width in texts:
        per_line = max(4, int(width * 1.25))
        lines = max(lines, sum(max(1, math.ceil(len(par) / per_line)) for par in text.split("\n")))
    return min(409.0, lines * line + 4)


def _write_part(ws: Worksheet, q: Questionnaire, spec: FormSpec, part: Part, layout: _Layout,
                answers: dict[tuple[str, str], Answer], choice_cols: dict[str, tuple[str, str]], paper: str) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    st = _styles()
    for col, width in WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for (row, col), text in layout.fixed.items():
        # Question numbers as numbers, or Excel flags every one as "number stored as text".
        cell = _put(ws, row, col, int(text) if col == NUMBER and row in layout.rows else text)
        cell.font, cell.alignment = st["font"], st["wrap"]
    ws.cell(1, NUMBER).font = st["title"]
    ws.cell(2, NUMBER).font = st["subtitle"]
    ws.cell(1, NUMBER).alignment = ws.cell(2, NUMBER).alignment = st["top"]  # runs on across the columns
    ws.row_dimensions[1].height = 22
    last = get_column_letter(max(WIDTHS))
    for col in HEADINGS:
        cell = ws.cell(HEADER_ROW, col)
        cell.font, cell.fill, cell.border, cell.alignment = st["heading"], st["heading_fill"], st["border"], st["wrap"]
    ws.row_dimensions[HEADER_ROW].height = 28
    for row in layout.sections:
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row, NUMBER)
        cell.font, cell.fill = st["bold"], st["section_fill"]
        ws.row_dimensions[row].height = 16
    basis_dv = DataValidation(type="list", formula1=choice_cols["basis"][0], allow_blank=True, showErrorMessage=True,
                              errorTitle="Based on", error="Choose Said, Seen or Measured from the list, or leave "
                              "it empty.")
    ws.add_data_validation(basis_dv)
    alt_dvs: dict[str, Any] = {}
    for row, step in layout.rows.items():
        question = step.item.question
        dv = DataValidation(type="list", formula1=choice_cols[f"q:{step.group}:{question.id}"][0], allow_blank=True,
                            showErrorMessage=True, errorTitle="Your answer",
                            error="Choose an answer from the list (click the cell, then the arrow), or leave it empty.")
        ws.add_data_validation(dv)
        dv.add(ws.cell(row, ANSWER))
        basis_dv.add(ws.cell(row, BASIS))
        if question.scale not in alt_dvs:
            alt_dvs[question.scale] = DataValidation(
                type="list", formula1=choice_cols[f"scale:{question.scale}"][0], allow_blank=True,
                showErrorMessage=True, errorTitle="Could also be",
                error="Choose the neighbouring level from the list, or leave it empty.")
            ws.add_data_validation(alt_dvs[question.scale])
        alt_dvs[question.scale].add(ws.cell(row, ALT))
        shown = _answer_cells(q, question, answers[step.key]) if step.key in answers else {}
        for col in INPUTS:
            cell = _put(ws, row, col, shown.get(col))
            cell.fill, cell.protection, cell.number_format = st["input_fill"], st["unlocked"], "@"
        for col in HEADINGS:
            cell = ws.cell(row, col)
            cell.font, cell.alignment, cell.border = st["font"], st["wrap"], st["border"]
        texts = [(str(ws.cell(row, c).value or ""), WIDTHS[c]) for c in HEADINGS]
        ws.row_dimensions[row].height = _height(texts)
        ws.cell(row, QUESTION).value = CellRichText([
            TextBlock(InlineFont(rFont="Calibri", sz=10, b=style == "b", i=style == "i"), text) if style else text
            for style, text in _question_runs(q, step, layout.numbers)])
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _page(ws, paper, True, f"{spec.client} {spec.label} · {spec.respondent} · {part.title}")
    _protect(ws)


def _write_front(ws: Worksheet, q: Questionnaire, spec: FormSpec, answers: dict[tuple[str, str], Answer],
                 paper: str) -> None:
    st = _styles()
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 92
    row = 1

    def line(label: str, text: str, font: Any = None, height: float | None = None) -> None:
        nonlocal row
        if label:
            _put(ws, row, 1, label).font = st["bold"]
            ws.cell(row, 1).alignment = st["wrap"]
        cell = _put(ws, row, 2 if label else 1, text)
        cell.font, cell.alignment = font or st["font"], st["wrap"]
        if not label and text:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.row_dimensions[row].height = height or _height([(text, 92 if label else 112)])
        row += 1

    people = spec.interviewer or "the assessment team"
    count = len(spec.steps)
    filled = sum(1 for s in spec.steps if s.key in answers)
    line("", q.title, st["title"], 24)
    line("", f"Questions for {spec.respondent} · {spec.client} · {spec.label}", st["subtitle"], 16)
    row += 1
    line("For", f"{spec.respondent}, {spec.role}, {spec.department}")
    line("From", people)
    due = spec.due.strftime("%A %d %B %Y").replace(" 0", " ") if spec.due else None
    line("Please return by", due or "as soon as you can, and before your interview if one is planned")
    parts = ", ".join(f"{p.title} ({len(p.steps)})" for p in spec.parts)
    line("What it covers", f"{count} question{'' if count == 1 else 's'} in {len(spec.parts)} "
         f"part{'' if len(spec.parts) == 1 else 's'}, one sheet each: {parts}.")
    minutes = max(5, round(count * SECONDS_PER_QUESTION / 60 / 5) * 5)
    line("Time needed", f"About {minutes} minutes. You can save the file and come back to it at any time.")
    row += 1
    line("", "How to fill it in", st["bold"], 18)
    steps = [
        "There is one sheet for each part, with the questions in the order an interview would take them. "
        "Answer from what you know first-hand about how the work is done today, not how it should be done "
        "or how it is planned to be.",
        "For each question, read what each level means, then choose your answer in the yellow \"Your answer\" "
        "cell: click the cell, then the arrow beside it, and pick from the list. The levels build on each other: "
        "pick the highest level whose every condition holds today.",
        f"\"{DONT_KNOW_TEXT}\" is a useful answer: it shows where nobody has the facts, so please do not guess. "
        f"\"{NA_TEXT}\" is offered only where a question can fairly not apply; say why in the next column.",
        "\"Based on\": leave it empty when the answer is your own account. Choose Seen if you can show us a "
        "document, report or screen that bears it out, or Measured if it rests on a figure.",
        "\"Could also be\": if you hesitate between two neighbouring levels, give the one that fits best as your "
        "answer and the other one here.",
        "Notes are welcome: an example, a figure, an exception, a name. The assessment team reads every one.",
        "A few questions apply only after a particular earlier answer; they say so. Leave them empty otherwise.",
        "Leave a question empty if you would rather discuss it in person; we will take it up with you.",
        "Only the yellow cells can be changed. Please keep the sheets as they are and do not copy the questions "
        f"into another file: the workbook is read back automatically. Save it as an Excel workbook (.xlsx) and "
        f"send it back to {people}.",
    ]
    if filled:
        steps.insert(0, f"{filled} of the questions carry the answers you have already given. Please check them, "
                        "change any that are not right, and answer the rest.")
    for n, text in enumerate(steps, start=1):
        line(f"{n}.", text)
    rules = list(dict.fromkeys(sc.rule for sc in q.scales.values() if sc.rule))
    if rules:
        row += 1
        line("", "How levels are judged", st["bold"], 18)
        for rule in rules:
            line("", rule)
    row += 1
    line("", f"Form for {spec.client} {spec.label} ({spec.ref}), questionnaire {spec.questionnaire_ref}, "
         f"prepared {spec.sent.date().isoformat()}.", st["subtitle"])
    _page(ws, paper, False, f"{spec.client} {spec.label} · {spec.respondent}")
    _protect(ws)


def _meta_rows(spec: FormSpec) -> list[list[str]]:
    rows = [
        ["format", FORMAT], ["assessment", str(spec.assessment_id)], ["client", spec.client], ["label", spec.label],
        ["questionnaire", spec.questionnaire_ref], ["questionnaire hash", spec.questionnaire_hash],
        ["respondent", spec.respondent], ["role", spec.role], ["department", spec.department],
        ["interviewer", spec.interviewer or ""], ["stage", spec.stage or ""],
        ["sent", spec.sent.isoformat(timespec="seconds")], ["due", spec.due.isoformat() if spec.due else ""],
    ]
    for part in spec.parts:
        rows.append(["part", part.sheet, part.group, part.title])
        rows += [["question", step.group, step.item.question.id] for step in part.steps]
    return rows


def _digest(rows: list[list[str]]) -> str:
    # Over the rows as they read back (empty trailing cells dropped), so any spreadsheet's re-save agrees.
    read_back = [[_text(_printable(v)) or "" for v in row] for row in rows]
    return hashlib.sha256(json.dumps([r[:_last(r)] for r in read_back], ensure_ascii=False).encode()).hexdigest()


def _write_meta(ws: Worksheet, spec: FormSpec) -> None:
    rows = _meta_rows(spec)
    rows.append(["digest", _digest(rows)])
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
    _protect(ws)


# ---------------------------------------------------------------- reading


@dataclass
class FormFile:
    """A workbook read back: what its hidden sheet says, and the cells of its question sheets."""

    path: str
    meta: dict[str, str]
    parts: list[tuple[str, str, str, list[tuple[str, str]]]]  # sheet, group, title, [(group, qid)]
    cells: dict[str, dict[tuple[int, int], tuple[Any, str]]]  # sheet -> (row, col) -> (value, data type)

    def where(self, sheet: str, row: int, col: int) -> str:
        """Return the location prefix of a problem in one cell."""
        from openpyxl.utils import get_column_letter

        return f"{self.path}: sheet '{sheet}', cell {get_column_letter(col)}{row}"

    def problem(self, message: str) -> FormError:
        """Return a problem with the workbook as a whole."""
        return FormError([f"{self.path}: {message}"])


def read_form(path: Path | str) -> FormFile:
    """Read a form workbook: its hidden details and question sheets; refuse a workbook that is not a form."""
    import zipfile

    name = str(path)
    p = Path(path)
    if not p.is_file():
        raise FormError([f"{name}: {'is a folder' if p.is_dir() else 'no such file'}; expected a form workbook "
                         "(.xlsx) exported with crmcheck form export"])
    try:
        with p.open("rb") as fh:  # a file object: openpyxl then reads by content, not by the name's extension
            return _read(name, fh)
    except FormError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError, EOFError, IndexError) as exc:
        # A damaged or foreign file (XML parse errors are SyntaxErrors): say what it looks like instead.
        raise FormError([f"{name}: {_not_xlsx(p, exc)}"]) from None


def _not_xlsx(p: Path, exc: Exception) -> str:
    import zipfile

    head = p.read_bytes()[:8] if p.stat().st_size else b""
    save_as = "save it as an Excel workbook (.xlsx) and import that"
    if not head:
        return "the file is empty; expected a form workbook (.xlsx)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return f"an Excel 97-2003 workbook (.xls), which cannot be read; {save_as}"
    if zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as z:
            kind = z.read("mimetype").decode("ascii", "replace") if "mimetype" in z.namelist() else ""
        if "opendocument.spreadsheet" in kind:
            return f"an OpenDocument spreadsheet (.ods); {save_as} (in LibreOffice: File > Save As, Excel 2007-365)"
        return f"not a readable Excel workbook (the file is damaged or another kind of document); {save_as}"
    return f"not an Excel workbook (.xlsx); {save_as}"


def _read(name: str, fh: Any) -> FormFile:
    from openpyxl import load_workbook

    wb = load_workbook(fh, read_only=True, data_only=False)
    try:
        if META not in wb.sheetnames:
            raise FormError([f"{name}: not a crmcheck form (it has no form details); export one with: "
                             "crmcheck form export REF --respondent NAME"])
        rows = [[_text(v) or "" for v in row] for row in wb[META].iter_rows(values_only=True)]
        rows = [r[:_last(r)] for r in rows if any(r)]
        form = _parse_meta(name, rows)
        wanted = {sheet for sheet, *_ in form.parts}
        for sheet in wanted & set(wb.sheetnames):
            grid: dict[tuple[int, int], tuple[Any, str]] = {}
            for row in wb[sheet].iter_rows(min_col=1, max_col=max(WIDTHS)):
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is not None:
                        grid[(cell.row, cell.column)] = (value, cell.data_type)  # type: ignore[index]
            form.cells[sheet] = grid
    finally:
        wb.close()
    return form


def _last(row: list[str]) -> int:
    return max((i + 1 for i, v in enumerate(row) if v), default=0)


def _parse_meta(name: str, rows: list[list[str]]) -> FormFile:
    if not rows or rows[0][:2] != ["format", FORMAT]:
        found = rows[0][1] if rows and len(rows[0]) > 1 and rows[0][0] == "format" else None
        raise FormError([f"{name}: " + (f"a form of a format this crmcheck does not know ({found}); upgrade "
                                        "crmcheck, or export a new form" if found else
                                        "not a crmcheck form (its form details are unreadable); export a new one "
                                        "with: crmcheck form export REF --respondent NAME")])
    body, last = rows[:-1], rows[-1]
    if last[:1] != ["digest"] or len(last) < 2 or last[1] != _digest(body):
        raise FormError([f"{name}: the form's hidden details were changed, so it cannot be trusted; export a new "
                         "form with: crmcheck form export REF --respondent NAME"])
    meta: dict[str, str] = {}
    parts: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    for r in body:
        if r[0] == "part":
            parts.append((r[1], r[2], r[3] if len(r) > 3 else r[1], []))
        elif r[0] == "question" and parts:
            parts[-1][3].append((r[1], r[2]))
        else:
            meta[r[0]] = r[1] if len(r) > 1 else ""
    return FormFile(name, meta, parts, {})


def _text(value: Any) -> str | None:
    """Return a cell's value as text, as a spreadsheet would show it; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # Excel writes a carriage return as an escape; a cell's line breaks are plain newlines.
    text = re.sub(r"_x000[dD]_", "", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() or None


def _printable(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _read_back(text: str) -> str:
    """Return a text as a form gives it back (control characters dropped, line ends and edges normalised)."""
    return _text(_printable(text)) or ""


def _same_text(stored: str | None, found: str | None) -> bool:
    """Compare a stored text with one read back from a form, as the form can carry it."""
    return _text(_printable(stored)) == found if stored is not None else found is None


# ---------------------------------------------------------------- checking what came back


@dataclass(frozen=True)
class FormAnswers:
    """What a returned form says, keyed by (group, question id), with where each answer is."""

    spec: FormSpec  # what the form was exported as
    answers: dict[tuple[str, str], Answer]
    cells: dict[tuple[str, str], str]  # where each answer's cell is, for messages


def check_form(form: FormFile, q: Questionnaire) -> FormAnswers:
    """Return the answers a form gives; raise ``FormError`` listing every problem in it."""
    problems: list[str] = []
    spec = spec_of(form, q, problems)
    found: dict[tuple[str, str], Answer] = {}
    where: dict[tuple[str, str], str] = {}
    number = 1
    for part in spec.parts:
        # The layout is recomputed from the questionnaire: any difference in a protected cell is an edit.
        layout = _layout(q, spec, part, number)
        number += len(part.steps)
        grid = form.cells.get(part.sheet)
        if grid is None:
            problems.append(f"{form.path}: sheet '{part.sheet}' is missing (renamed or deleted?); it holds the "
                            f"questions about {part.title}. Export a new form")
            continue
        for (row, col), expected in layout.fixed.items():
            value, _dtype = grid.get((row, col), (None, "n"))
            if _text(value) != _text(_printable(expected)):
                problems.append(f"{form.where(part.sheet, row, col)}: this cell is protected and was changed: "
                                f"expected {_quote(expected)}, found {_quote(_text(value) or '')}; export a new form "
                                "and copy the answers into it")
        for (row, col), (value, _dtype) in grid.items():
            if row > HEADER_ROW and col in INPUTS and row not in layout.rows:
                problems.append(f"{form.where(part.sheet, row, col)}: expected nothing here (no question on this "
                                f"row), found {_quote(_text(value) or '')}")
        for row, step in layout.rows.items():
            ans = _read_answer(form, q, part.sheet, row, step, grid, problems)
            if ans is not None:
                found[step.key] = ans
                where[step.key] = form.where(part.sheet, row, ANSWER)
    if problems:
        raise FormError(problems)
    return FormAnswers(spec, found, where)


def spec_of(form: FormFile, q: Questionnaire, problems: list[str]) -> FormSpec:
    """Rebuild what a form was exported as from its hidden details (questions ``q`` lacks go to ``problems``)."""
    m = form.meta
    parts = []
    for sheet, group, title, keys in form.parts:
        steps = []
        for g, qid in keys:
            item = q.question(qid)
            if item is None:
                problems.append(f"{form.path}: the form asks question '{qid}', which questionnaire "
                                f"{q.ref} does not have; export a new form")
                continue
            steps.append(Step(g, item))
        parts.append(Part(sheet, group, title, tuple(steps)))
    try:
        sent = dt.datetime.fromisoformat(m.get("sent", ""))
        due = dt.date.fromisoformat(m["due"]) if m.get("due") else None
    except ValueError:
        raise FormError([f"{form.path}: the form's hidden details are unreadable; export a new form"]) from None
    return FormSpec(int(m["assessment"]) if m.get("assessment", "").isdigit() else 0, m.get("client", ""),
                    m.get("label", ""), m.get("questionnaire", ""), m.get("questionnaire hash", ""),
                    m.get("respondent", ""), m.get("role", ""), m.get("department", ""), m.get("interviewer") or None,
                    m.get("stage") or None, sent, due, tuple(parts))


def _quote(text: str) -> str:
    text = text.replace("\n", " ")
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"


def _read_answer(form: FormFile, q: Questionnaire, sheet: str, row: int, step: Step,
                 grid: dict[tuple[int, int], tuple[Any, str]], problems: list[str]) -> Answer | None:
    question = step.item.question
    values: dict[int, str | None] = {}
    bad = False
    for col in INPUTS:
        value, dtype = grid.get((row, col), (None, "n"))
        if dtype == "f" or (isinstance(value, str) and value.startswith("=") and dtype not in ("s", "inlineStr")):
            problems.append(f"{form.where(sheet, row, col)}: expected text, found the formula {_quote(str(value))}; "
                            "type it as text (start it with an apostrophe) or remove the '='")
            bad = True
            continue
        values[col] = _text(value)
    if bad:
        return None
    chosen, reason, note, basis_text, alt_text = (values[c] for c in INPUTS)
    here = form.where(sheet, row, ANSWER)
    if chosen is None:
        extra = [HEADINGS[c].lower() for c in (REASON, NOTE, BASIS, ALT) if values[c]]
        if extra:
            problems.append(f"{here}: expected an answer to go with the {' and '.join(extra)} on this row, found "
                            f"nothing; choose one (\"{DONT_KNOW_TEXT}\" is fine)")
        return None
    kind, level = _parse_choice(q, question, chosen)
    if kind is None:
        allowed = [f"{lv.value} {lv.label}" for lv in q.scale_of(question).levels]
        allowed += [t for t, ok in ((DONT_KNOW_TEXT, question.allow_dont_know), (NA_TEXT, question.allow_na)) if ok]
        problems.append(f"{here}: expected one of {', '.join(allowed)}, found {_quote(chosen)}")
        return None
    if kind == DONT_KNOW and not question.allow_dont_know:
        problems.append(f"{here}: this question does not take \"{DONT_KNOW_TEXT}\"; choose a level")
        return None
    if kind == NA and not question.allow_na:
        problems.append(f"{here}: this question does not take \"{NA_TEXT}\"; choose a level or \"{DONT_KNOW_TEXT}\"")
        return None
    ok = True
    if reason and kind != NA:
        problems.append(f"{form.where(sheet, row, REASON)}: a reason goes with \"{NA_TEXT}\", but the answer is "
                        f"{_quote(chosen)}; clear the reason or move it to the note")
        ok = False
    basis: Literal["said", "seen", "measured"] | None = None
    if basis_text:
        word = basis_text.split(":")[0].strip().casefold()
        if word not in BASIS_TEXT:
            problems.append(f"{form.where(sheet, row, BASIS)}: expected one of Said, Seen, Measured, found "
                            f"{_quote(basis_text)}")
            ok = False
        elif kind != "level":
            problems.append(f"{form.where(sheet, row, BASIS)}: \"Based on\" goes with a level, but the answer is "
                            f"{_quote(chosen)}; clear it")
            ok = False
        elif word != "said":  # the interview records "said" as nothing recorded
            basis = word  # type: ignore[assignment]
    alt: int | None = None
    if alt_text:
        alt_kind, alt = _parse_choice(q, question, alt_text)
        if alt_kind != "level" or alt is None:
            levels = ", ".join(f"{lv.value} {lv.label}" for lv in q.scale_of(question).levels)
            problems.append(f"{form.where(sheet, row, ALT)}: expected a level ({levels}), found {_quote(alt_text)}")
            ok = False
        elif kind != "level" or level is None:
            problems.append(f"{form.where(sheet, row, ALT)}: \"Could also be\" goes with a level, but the answer is "
                            f"{_quote(chosen)}; clear it")
            ok = False
        elif abs(alt - level) != 1:
            near = [f"{lv.value} {lv.label}" for lv in q.scale_of(question).levels if abs(lv.value - level) == 1]
            problems.append(f"{form.where(sheet, row, ALT)}: expected a level next to the answer "
                            f"({' or '.join(near)}), found {_quote(alt_text)}")
            ok = False
    if not ok:
        return None
    if kind == "level":
        return Answer(level=level, note=note, basis=basis, alt=alt)
    return Answer(kind=kind, reason=reason if kind == NA else None, note=note)  # type: ignore[arg-type]


def _parse_choice(q: Questionnaire, question: Question, text: str) -> tuple[str | None, int | None]:
    """Read an answer cell: a choice from the list, or what a person would type for one (2, Defined, n/a)."""
    folded = text.casefold().strip()
    if folded in (DONT_KNOW_TEXT.casefold(), "dont know", "don’t know", "dont_know", "?"):
        return DONT_KNOW, None
    if folded in (NA_TEXT.casefold(), "n/a", "na"):
        return NA, None
    for choice in _level_choices(q, question):
        if _text(choice) == text:
            return "level", int(choice.split(" ", 1)[0])
    levels = q.scale_of(question).levels
    match = re.match(r"^(\d+)(?:\s+(.*))?$", folded)
    if match:
        lv = next((lv for lv in levels if lv.value == int(match.group(1))), None)
        rest = (match.group(2) or "").strip()
        if lv is not None and (not rest or rest.startswith(lv.label.casefold())):
            return "level", lv.value
        return None, None
    lv = next((lv for lv in levels if lv.label.casefold() == folded), None)
    return ("level", lv.value) if lv else (None, None)


# ---------------------------------------------------------------- with the store


@dataclass(frozen=True)
class ExportResult:
    """What ``form export`` wrote, for whom."""

    path: Path
    respondent: str
    ref: str
    questions: int
    prefilled: int
    added: bool  # the respondent was added to the assessment by this export
    parts: tuple[str, ...]
    reopened: bool = False  # adding them opened a complete assessment again


def export_form(store: Store, ref: str, name: str, path: Path | None, *, now: dt.datetime,
                due: dt.date | None = None, role: str | None = None, department: str | None = None,
                interviewer: str | None = None, speaks_for: list[str] | None = None,
                paper: Literal["a4", "letter"] = "a4") -> ExportResult:
    """Write one respondent's form for a stored assessment and record that it was sent.

    A respondent not yet in the assessment is added (``role`` and ``department`` required),
    asked about ``speaks_for`` (None: every process); for someone already there ``speaks_for``,
    when given, changes what they are asked about.
    """
    if path is not None and path.suffix.lower() != ".xlsx":
        raise BadInputError(f"{path}: a form is an Excel workbook; give -o a file name ending in .xlsx")
    stored = store.load(ref)
    a = stored.assessment
    person = next((r for r in a.respondents if r.name.casefold() == name.strip().casefold()), None)
    if person is None:
        if not role or not department:
            names = ", ".join(r.name for r in a.respondents) or "nobody yet"
            raise BadInputError(f"'{name}' is not a respondent of {a.client} {a.label} (respondents: {names}); "
                                "to add them, give --role and --department (and --speaks-for)")
        person = Respondent(name.strip(), role.strip(), department.strip(), interviewer, speaks_for=speaks_for)
    else:
        if role or department:
            raise BadInputError(f"{person.name} is already a respondent ({person.role}, {person.department}); "
                                "--role and --department are for someone new")
        if speaks_for is not None:
            person = replace(person, speaks_for=speaks_for)
    spec = plan_form(stored, person, sent=now, due=due)
    if not spec.steps:
        raise BadInputError(f"{person.name} would be asked nothing (no questions at this stage); nothing written")
    target = path or Path(f"{client_key(a.client)}-{client_key(a.label)}-{client_key(person.name)}.xlsx")
    existing = next((r for r in a.respondents if r.name == person.name), None)
    write_form(target, stored, spec, person.answers, paper=paper)
    info = next((r for r in store.respondents(stored.id) if r.name == person.name), None)
    if info is None:
        rid = store.add_respondent(stored.id, person.name, person.role, person.department, person.interviewer,
                                   speaks_for=person.speaks_for)
    else:
        rid = info.id
        if existing is not None and speaks_for is not None and existing.speaks_for != speaks_for:
            store.set_speaks_for(rid, speaks_for)
    store.record_form(rid, sent=spec.sent, due=due, questions=len(spec.steps))
    prefilled = sum(1 for s in spec.steps if s.key in person.answers)
    return ExportResult(target, person.name, spec.ref, len(spec.steps), prefilled, info is None,
                        tuple(p.title for p in spec.parts), reopened=info is None and stored.status == "complete")


@dataclass(frozen=True)
class Difference:
    """An answer on the form that differs from the one in the store."""

    where: str
    stored: str
    form: str


@dataclass(frozen=True)
class ImportResult:
    """What ``form import`` did."""

    respondent: str
    ref: str
    new: int
    changed: int
    unchanged: int
    empty: int  # questions on the form left empty
    not_counted: int  # answers to questions that do not apply given the other answers (kept, not scored)
    complete: bool  # the respondent has now answered everything they are asked
    replaced: list[Difference] = field(default_factory=list)


def import_form(store: Store, path: Path | str, *, replace_answers: bool = False, now: dt.datetime) -> ImportResult:
    """Read a returned form into the store for its respondent, all or nothing."""
    form = read_form(path)
    m = form.meta
    stored = _find_assessment(store, form)
    a = stored.assessment
    if m.get("questionnaire hash") != content_hash(stored.questionnaire_text):
        raise form.problem(f"this form was made with questionnaire {m.get('questionnaire')} as it was then, but "
                           f"{a.client} {a.label} is answered with {stored.questionnaire.ref} in another version; "
                           f"export a new form: crmcheck form export {client_key(a.client)}/{a.label} "
                           f"--respondent \"{m.get('respondent')}\"")
    person = next((r for r in a.respondents if _read_back(r.name) == m.get("respondent")), None)
    if person is None:
        raise form.problem(f"{m.get('respondent')} is no longer a respondent of {a.client} {a.label}; nothing "
                           "was imported")
    scope = {p.id for p in a.processes}
    gone = [title for _, group, title, _ in form.parts if group != PROGRAMME and group not in scope]
    if gone:
        raise form.problem(f"{', '.join(gone)} {'is' if len(gone) == 1 else 'are'} no longer in the assessment's "
                           "scope; nothing was imported")
    given = check_form(form, stored.questionnaire)
    writes: dict[tuple[str, str], Answer] = {}
    differences: list[Difference] = []
    unchanged = 0
    q = stored.questionnaire
    for key, ans in given.answers.items():
        old = person.answers.get(key)
        if old is None:
            writes[key] = replace(ans, at=now.replace(microsecond=0))
        elif _same_answer(old, ans):
            unchanged += 1
        else:
            item = q.question(key[1])
            assert item is not None
            differences.append(Difference(given.cells[key], _describe(q, item.question, old),
                                          _describe(q, item.question, ans)))
            writes[key] = replace(ans, at=now.replace(microsecond=0))
    if differences and not replace_answers:
        raise FormError([f"{d.where}: the store already has {d.stored}; the form says {d.form} (nothing was "
                         "imported; --replace takes the form's answers)" for d in differences])
    merged = {**person.answers, **writes}
    form_steps = given.spec.steps
    hidden = sum(1 for s in form_steps if s.key in given.answers and not _visible(s, merged))
    steps = respondent_steps(q, a, replace(person, answers=merged))
    complete = all(s.key in merged for s in steps if _visible(s, merged))
    # A finished interview stays finished when a form adds to it; an unfinished one finishes once all is answered.
    store.save_form(_respondent_id(store, stored.id, person.name), writes, sent=given.spec.sent, returned=now,
                    questions=len(form_steps), answered=len(given.answers),
                    complete=complete or person.status != "in-progress")
    empty = sum(1 for s in form_steps if s.key not in given.answers)
    return ImportResult(person.name, f"{client_key(a.client)}/{a.label}", len(writes) - len(differences),
                        len(differences), unchanged, empty, hidden, complete, differences)


def _find_assessment(store: Store, form: FormFile) -> StoredAssessment:
    m = form.meta
    client, label = m.get("client", ""), m.get("label", "")
    for ref in (m.get("assessment", ""), f"{client}/{label}"):
        if not ref or store.find(ref) is None:
            continue
        stored = store.load(ref)
        if _read_back(stored.assessment.client) == client and _read_back(stored.assessment.label) == label:
            return stored
    raise form.problem(f"this form is for {client} {label}, which is not in the store {store.where}; import it "
                       "into the store it was exported from (--db)")


def _respondent_id(store: Store, aid: int, name: str) -> int:
    info = next((r for r in store.respondents(aid) if r.name == name), None)
    if info is None:
        raise NotFoundError(f"{name} is no longer a respondent of assessment {aid}")
    return info.id


def _visible(step: Step, answers: dict[tuple[str, str], Answer]) -> bool:
    return visible(step.item, {qid: a for (g, qid), a in answers.items() if g == step.group})


def _same_answer(stored: Answer, found: Answer) -> bool:
    """Return whether a form gives back the stored answer (its text compared as a form can carry it)."""
    return (stored.kind == found.kind and stored.level == found.level and stored.alt == found.alt
            and (stored.basis if stored.basis != "said" else None) == found.basis
            and _same_text(stored.note, found.note) and _same_text(stored.reason, found.reason))


def _describe(q: Questionnaire, question: Question, ans: Answer) -> str:
    if ans.kind == "level" and ans.level is not None:
        lv = next((lv for lv in q.scale_of(question).levels if lv.value == ans.level), None)
        text = f"'{ans.level} {lv.label if lv else ''}'".replace(" '", "'")
        if ans.alt is not None:
            text += f" (or {ans.alt})"
        if ans.basis:
            text += f", {ans.basis}"
    else:
        text = f"'{DONT_KNOW_TEXT if ans.kind == DONT_KNOW else NA_TEXT}'"
        if ans.reason:
            text += f" because {_quote(_text(ans.reason) or '')}"
    if ans.note:
        text += f" with the note {_quote(_text(ans.note) or '')}"
    return text


# ---------------------------------------------------------------- status


@dataclass(frozen=True)
class FormStatus:
    """One respondent's line of ``form status``."""

    respondent: str
    role: str
    department: str
    sent: dt.datetime | None  # the latest form sent
    due: dt.date | None
    returned: dt.datetime | None  # the latest form returned
    answered: int  # answers in the store to the questions this person is asked
    questions: int  # questions this person is asked (those a show_if hides left out)
    overdue: bool

    @property
    def percent(self) -> int:
        """Return how complete this respondent's answers are, 0-100."""
        return round(100 * self.answered / self.questions) if self.questions else 100


def form_status(stored: StoredAssessment, infos: list[RespondentInfo], records: list[FormRecord], *,
                today: dt.date) -> list[FormStatus]:
    """Return, per respondent, the forms sent and returned and how complete their answers are."""
    q, a = stored.questionnaire, stored.assessment
    ids = {i.name: i.id for i in infos}
    out = []
    for person in a.respondents:
        mine = [r for r in records if r.respondent_id == ids.get(person.name)]
        sent = mine[-1] if mine else None
        back = max((r.returned for r in mine if r.returned), default=None)
        steps = [s for s in respondent_steps(q, a, person) if _visible(s, person.answers)]
        answered = sum(1 for s in steps if s.key in person.answers)
        overdue = bool(sent and sent.due and sent.due < today and (back is None or back < sent.sent))
        out.append(FormStatus(person.name, person.role, person.department, sent.sent if sent else None,
                              sent.due if sent else None, back, answered, len(steps), overdue))
    return out


def status_data(rows: list[FormStatus]) -> list[dict[str, Any]]:
    """Return ``form status`` as JSON-ready data."""
    return [{"respondent": r.respondent, "role": r.role, "department": r.department,
             "sent": r.sent.isoformat() if r.sent else None, "due": r.due.isoformat() if r.due else None,
             "returned": r.returned.isoformat() if r.returned else None, "answered": r.answered,
             "questions": r.questions, "complete": r.answered == r.questions, "overdue": r.overdue} for r in rows]
