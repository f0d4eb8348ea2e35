"""The answers-file format: who was interviewed, about which processes, and what they said.

An answers file is plain data in, plain data out: it is how assessments move between machines
(``answers import`` / ``answers export``) and how ``crmcheck score`` works without a store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from crmcheck.errors import AnswersError
from crmcheck.located import Loc, Source, load_yaml, parse_yaml, validate
from crmcheck.questionnaire import PROGRAMME, STAGE_TITLES, Questionnaire, Stage

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
# The store keeps names, roles and departments up to 200 characters and labels up to 100 (the same on
# every backend); an answers file is held to the same, so a file that scores also imports.
NAME_MAX = 200
LABEL_MAX = 100
PROCESS_ID_MAX = 64
NOTE_MAX = 100_000  # a note or an n/a reason: a page of text is a few thousand characters
Name = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=NAME_MAX)]
Long = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=NOTE_MAX)]

DONT_KNOW = "dont_know"
NA = "na"


class _Model(BaseModel):
    # allow_inf_nan: `.inf` or `.nan` as a weight or target would make every score NaN.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class ProcessEntry(_Model):
    """A process in scope: a catalogue id, or a custom process with a name."""

    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=PROCESS_ID_MAX)
    name: Name | None = None
    importance: int | None = Field(None, ge=1, le=5)
    wave: int | None = Field(None, ge=1, description="The roll-out wave this process goes live in.")

    @model_validator(mode="after")
    def _id_or_name(self) -> ProcessEntry:
        if self.id is None and self.name is None:
            raise ValueError("a process needs an 'id' (from the catalogue) or a 'name' (custom)")
        return self


class AnswerEntry(_Model):
    """One answer in its long form."""

    level: int | None = Field(None, ge=0)
    answer: Literal["dont_know", "na"] | None = None
    reason: Long | None = None
    note: Long | None = None
    basis: Literal["said", "seen", "measured"] | None = Field(
        None, description="What the level rests on: the respondent's word, something shown, or a figure.")
    or_level: int | None = Field(
        None, alias="or", ge=0, description="The neighbouring level the interviewer hesitated towards.")
    at: dt.datetime | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> AnswerEntry:
        if (self.level is None) == (self.answer is None):
            raise ValueError("give either 'level' or 'answer' (dont_know or na), not both or neither")
        if self.reason is not None and self.answer != NA:
            raise ValueError("'reason' goes with 'answer: na'")
        if self.level is None and (self.basis is not None or self.or_level is not None):
            raise ValueError("'basis' and 'or' go with a 'level'")
        if self.level is not None and self.or_level is not None and abs(self.or_level - self.level) != 1:
            raise ValueError(f"'or' names the neighbouring level the answer might also be "
                             f"({self.level - 1} or {self.level + 1}), got {self.or_level}")
        return self


def _answer_shorthand(value: Any) -> Any:
    # `3`, `dont_know` and `na` are shorthands for the long form; expanding them here gives
    # one error message per problem instead of one per union member.
    if isinstance(value, bool):
        raise ValueError(f"expected a level, dont_know, na or a mapping, got {str(value).lower()}")
    if isinstance(value, int):
        return {"level": value}
    if value in (DONT_KNOW, NA):
        return {"answer": value}
    if isinstance(value, dict):
        return value
    raise ValueError(f"expected a level (a whole number), dont_know, na or a mapping, got {value!r}")


def _process_shorthand(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


AnswerValue = Annotated[AnswerEntry, BeforeValidator(_answer_shorthand)]
ProcessValue = Annotated[ProcessEntry, BeforeValidator(_process_shorthand)]


class RespondentEntry(_Model):
    """A person interviewed, and what they answered, grouped by process."""

    name: Name
    role: Name
    department: Name
    interviewer: Name | None = None
    speaks_for: list[str] | None = Field(
        None, description="The processes in scope this person was asked about (default: all of them).")
    status: Literal["in-progress", "complete"] | None = Field(
        None, description="An interview not finished yet (default: complete).")
    answers: dict[str, dict[str, AnswerValue]] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _no_empty_groups(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return value


class AnswersFile(_Model):
    """The whole answers file."""

    client: Name
    label: Text = Field(description="Assessment label, e.g. 2026-Q4.", max_length=LABEL_MAX)
    date: dt.date
    questionnaire: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*@\S+$", description="id@version")
    processes: list[ProcessValue] = Field(min_length=1)
    respondents: list[RespondentEntry] = Field(min_length=1)
    targets: dict[str, float] | None = None
    stage: Stage | None = Field(None, description="Where the CRM programme stands.")
    go_live: dt.date | None = Field(None, description="When the CRM went (or goes) live, where known.")
    wave: int | None = Field(None, ge=1, description="The roll-out wave going live next; later waves do not block it.")


# ---------------------------------------------------------------- the core data


@dataclass(frozen=True)
class Answer:
    """A respondent's answer to one question instance."""

    level: int | None = None  # None for dont_know / na
    kind: Literal["level", "dont_know", "na"] = "level"
    reason: str | None = None
    note: str | None = None
    at: dt.datetime | None = None
    basis: Literal["said", "seen", "measured"] | None = None  # None: not recorded (read as said)
    alt: int | None = None  # the neighbouring level the interviewer hesitated towards

    @property
    def evidenced(self) -> bool:
        """Return whether the level rests on something shown or measured, not only on the word."""
        return self.basis in ("seen", "measured")


@dataclass(frozen=True)
class ScopedProcess:
    """A process in scope for an assessment."""

    id: str
    title: str
    importance: int
    custom: bool = False
    wave: int | None = None  # the roll-out wave it goes live in; None: the current one


@dataclass
class Respondent:
    """A person interviewed, with answers keyed by (process id or 'programme', question id)."""

    name: str
    role: str
    department: str
    interviewer: str | None = None
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    speaks_for: list[str] | None = None  # process ids this person is asked about; None: every process
    status: str | None = None  # "in-progress" while the interview is unfinished; None: complete

    def asked_about(self, group: str) -> bool:
        """Return whether this person is asked about a process (the programme is asked of everyone)."""
        return group == PROGRAMME or self.speaks_for is None or group in self.speaks_for


@dataclass
class Assessment:
    """Everything needed to score: the scope, the respondents and what they said."""

    client: str
    label: str
    date: dt.date
    questionnaire_ref: str
    processes: list[ScopedProcess]
    respondents: list[Respondent]
    targets: dict[str, float] = field(default_factory=dict)
    stage: Stage | None = None  # where the CRM programme stands; None: not recorded (everything applies)
    go_live: dt.date | None = None
    wave: int | None = None  # the roll-out wave going live next; None: one go-live for everything


def slugify(name: str) -> str:
    """Turn a custom process name into an id: 'Dealer onboarding' -> 'dealer-onboarding'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "process"


def custom_process_id(name: str, taken: Collection[str]) -> str:
    """Return an id for a custom process that is not ``taken`` and not the programme's.

    Ids come from names ('A!' and 'A?' are both 'a'), so a clash gets a number: 'a-2'. ``taken``
    holds the ids in scope and the catalogue's, which mean other questions.
    """
    base = slugify(name)[:PROCESS_ID_MAX - 4].strip("-") or "process"
    reserved = {*taken, PROGRAMME}
    pid, n = base, 2
    while pid in reserved:
        pid, n = f"{base}-{n}", n + 1
    return pid


def label_problem(label: str) -> str | None:
    """Return what is wrong with a label typed for a new assessment, or None.

    A label may hold a '/' (FY2026/27): the store tries every split of ``client/label``.
    """
    if len(label) > LABEL_MAX:
        return f"'{label[:40]}…' is {len(label)} characters long; at most {LABEL_MAX} are allowed"
    return None


# ---------------------------------------------------------------- loading


def load_answers(path: Path | str, questionnaire: Questionnaire) -> Assessment:
    """Load an answers file and check it against its questionnaire."""
    try:
        source = load_yaml(path)
    except ValueError as exc:
        raise AnswersError([str(exc)]) from None
    return answers_from_source(source, questionnaire)


def parse_answers(text: str, questionnaire: Questionnaire, name: str = "<answers>") -> Assessment:
    """Parse answers YAML text and check it against its questionnaire."""
    try:
        source = parse_yaml(text, name)
    except ValueError as exc:
        raise AnswersError([str(exc)]) from None
    return answers_from_source(source, questionnaire)


def read_questionnaire_ref(path: Path | str) -> str | None:
    """Return the ``questionnaire:`` reference of an answers file, if it has a readable one."""
    try:
        source = load_yaml(path)
    except ValueError as exc:
        raise AnswersError([str(exc)]) from None
    ref = source.data.get("questionnaire")
    return ref if isinstance(ref, str) else None


def answers_from_source(source: Source, q: Questionnaire) -> Assessment:
    """Validate a parsed answers file and resolve it against the questionnaire."""
    model = validate(AnswersFile, source, AnswersError)
    problems: list[str] = []

    def bad(loc: Loc, message: str) -> None:
        problems.append(source.problem(loc, message))

    if model.questionnaire != q.ref:
        bad(("questionnaire",), f"this file was answered with '{model.questionnaire}', "
            f"but the questionnaire given is '{q.ref}'; pass the matching one with --questionnaire")

    scoped: list[ScopedProcess] = []
    unknown: set[str] = set()
    for i, e in enumerate(model.processes):
        if e.id is not None and e.name is None:
            proc = q.process(e.id)
            if proc is None:
                unknown.add(e.id)
                ids = ", ".join(p.id for p in q.processes)
                bad(("processes", i), f"unknown process '{e.id}'; use a catalogue id ({ids}) "
                    "or give a custom process a 'name'")
                continue
            scoped.append(ScopedProcess(proc.id, proc.title, e.importance or proc.importance, wave=e.wave))
        else:
            assert e.name is not None
            pid = e.id or slugify(e.name)
            catalogue = q.process(pid)
            if catalogue is not None and e.id is not None:
                scoped.append(ScopedProcess(pid, e.name, e.importance or catalogue.importance, wave=e.wave))
            else:
                if pid == PROGRAMME:
                    bad(("processes", i), f"'{PROGRAMME}' is reserved; choose another name")
                    continue
                scoped.append(ScopedProcess(pid, e.name, e.importance or 3, custom=catalogue is None, wave=e.wave))
    seen: set[str] = set()
    for i, sp in enumerate(scoped):
        if sp.id in seen:
            bad(("processes", i), f"process '{sp.id}' is listed twice")
        seen.add(sp.id)

    valid_groups = {sp.id: {it.question.id: it for it in q.process_items(sp.id if not sp.custom else "")}
                    for sp in scoped}
    valid_groups[PROGRAMME] = {it.question.id: it for it in q.programme_items()}

    respondents: list[Respondent] = []
    for r_i, r in enumerate(model.respondents):
        resp = Respondent(r.name, r.role, r.department, r.interviewer, speaks_for=r.speaks_for,
                          status=r.status if r.status == "in-progress" else None)
        for j, pid in enumerate(r.speaks_for or []):
            if pid not in valid_groups or pid == PROGRAMME:
                bad(("respondents", r_i, "speaks_for", j), f"'{pid}' is not a process in scope; use one of "
                    f"{', '.join(sp.id for sp in scoped)}")
        for group, answers in r.answers.items():
            gloc: Loc = ("respondents", r_i, "answers", group)
            if group in unknown:
                continue  # already reported where the process is listed
            if group not in valid_groups:
                bad(gloc, f"'{group}' is not a process in scope; expected one of "
                    f"{sorted(valid_groups)}")
                continue
            if answers and not resp.asked_about(group):
                bad(gloc, f"{r.name} does not speak for '{group}' (see speaks_for); add it there or remove "
                    "these answers")
                continue
            items = valid_groups[group]
            for qid, raw in answers.items():
                aloc: Loc = (*gloc, qid)
                item = items.get(qid)
                if item is None:
                    bad(aloc, f"no question '{qid}' is asked for '{group}'")
                    continue
                if not q.asks(item, model.stage):
                    bad(aloc, f"question '{qid}' is not asked {_at(model.stage)}; remove the answer "
                        "or correct the assessment's 'stage'")
                    continue
                ans = _to_answer(raw)
                qu = item.question
                scale = q.scale_of(qu)
                if ans.kind == "level" and ans.level not in {lv.value for lv in scale.levels}:
                    bad(aloc, f"expected a level of scale '{qu.scale}' "
                        f"({', '.join(str(lv.value) for lv in scale.levels)}), dont_know or na, got {ans.level}")
                    continue
                if ans.alt is not None and ans.alt not in {lv.value for lv in scale.levels}:
                    bad((*aloc, "or"), f"expected a level of scale '{qu.scale}' "
                        f"({', '.join(str(lv.value) for lv in scale.levels)}), got {ans.alt}")
                    continue
                if ans.kind == NA and not qu.allow_na:
                    bad(aloc, f"question '{qid}' does not allow 'na'; give a level or dont_know")
                    continue
                if ans.kind == DONT_KNOW and not qu.allow_dont_know:
                    bad(aloc, f"question '{qid}' does not allow 'dont_know'; give a level")
                    continue
                resp.answers[(group, qid)] = ans
        respondents.append(resp)
    names = [r.name for r in respondents]
    for i, n in enumerate(names):
        if names.index(n) != i:
            bad(("respondents", i, "name"), f"respondent '{n}' appears twice; merge their answers")

    targets = dict(model.targets or {})
    known_targets = {"index"} | {c.id for c in q.criteria} | {s.id for s in q.sins}
    for key, value in targets.items():
        if key not in known_targets:
            bad(("targets", key), f"unknown target '{key}'; expected index, a criterion or a sin id")
        elif not 0 <= value <= 100:
            bad(("targets", key), f"expected a score between 0 and 100, got {value:g}")

    waves = [sp.wave for sp in scoped if sp.wave is not None]
    if waves and model.wave is None:
        bad(("wave",), "processes name their roll-out wave, but the file does not say which wave goes live "
            f"next; add 'wave: {min(waves)}' at the top")
    if problems:
        raise AnswersError(problems)
    return Assessment(model.client, model.label, model.date, model.questionnaire, scoped, respondents, targets,
                      model.stage, model.go_live, model.wave)


def _at(stage: str | None) -> str:
    return "at this stage" if stage is None else f"when the programme is {STAGE_TITLES.get(stage, stage)}"


def _to_answer(raw: AnswerEntry) -> Answer:
    if raw.level is not None:
        return Answer(level=raw.level, note=raw.note, at=raw.at, basis=raw.basis, alt=raw.or_level)
    assert raw.answer is not None
    return Answer(kind=raw.answer, reason=raw.reason, note=raw.note, at=raw.at)


# ---------------------------------------------------------------- writing


def to_data(a: Assessment) -> dict[str, Any]:
    """Return an assessment as answers-file data (the inverse of loading)."""
    processes: list[Any] = []
    for sp in a.processes:
        proc: dict[str, Any] = ({"name": sp.title, "id": sp.id} if sp.custom else {"id": sp.id})
        proc["importance"] = sp.importance
        if sp.wave is not None:
            proc["wave"] = sp.wave
        processes.append(proc)
    respondents = []
    for r in a.respondents:
        grouped: dict[str, dict[str, Any]] = {}
        for (group, qid), ans in r.answers.items():
            grouped.setdefault(group, {})[qid] = _answer_data(ans)
        entry: dict[str, Any] = {"name": r.name, "role": r.role, "department": r.department}
        if r.interviewer:
            entry["interviewer"] = r.interviewer
        if r.speaks_for is not None:
            entry["speaks_for"] = list(r.speaks_for)
        if r.status == "in-progress":
            entry["status"] = "in-progress"
        entry["answers"] = grouped
        respondents.append(entry)
    data: dict[str, Any] = {
        "client": a.client,
        "label": a.label,
        "date": a.date,
        "questionnaire": a.questionnaire_ref,
    }
    if a.stage is not None:
        data["stage"] = a.stage
    if a.go_live is not None:
        data["go_live"] = a.go_live
    if a.wave is not None:
        data["wave"] = a.wave
    data["processes"] = processes
    data["respondents"] = respondents
    if a.targets:
        data["targets"] = dict(a.targets)
    return data


def _answer_data(ans: Answer) -> Any:
    if ans.note is None and ans.reason is None and ans.at is None and ans.basis is None and ans.alt is None:
        return ans.level if ans.kind == "level" else ans.kind
    out: dict[str, Any] = {"level": ans.level} if ans.kind == "level" else {"answer": ans.kind}
    if ans.alt is not None:
        out["or"] = ans.alt
    if ans.basis is not None:
        out["basis"] = ans.basis
    if ans.reason is not None:
        out["reason"] = ans.reason
    if ans.note is not None:
        out["note"] = ans.note
    if ans.at is not None:
        out["at"] = ans.at
    return out


def dump_answers(a: Assessment) -> str:
    """Return an assessment as answers-file YAML text."""
    return yaml.safe_dump(to_data(a), sort_keys=False, allow_unicode=True, width=100)
