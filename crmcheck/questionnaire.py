"""The questionnaire format: pydantic models, loading with located errors, semantic checks.

A questionnaire has four parts. ``criteria`` hold the questions asked once for every process
in scope; ``processes`` is the catalogue, each entry possibly adding questions of its own;
``sins`` hold the programme-wide questions, one group per deadly sin; ``rules`` turn a
scorecard into recommendations. ``scoring`` holds section weights, bands and the verdict rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crmcheck.errors import QuestionnaireError
from crmcheck.located import Loc, Source, load_yaml, parse_yaml, validate

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
# The upper bounds keep sums and ratios of weights and levels far from float overflow.
Weight = Annotated[float, Field(gt=0, le=1_000_000, description="Relative weight, > 0 (at most 1,000,000).")]
Importance = Annotated[int, Field(ge=1, le=5, description="1 minor … 5 vital to the business.")]
Horizon = Literal[30, 60, 90, "later"]
Rating = Literal["low", "medium", "high"]

PROGRAMME = "programme"
"""The pseudo-process under which programme-wide (seven sins) answers are kept."""


Stage = Literal["before-selection", "selecting", "implementing", "live"]
STAGES: tuple[Stage, ...] = ("before-selection", "selecting", "implementing", "live")
STAGE_TITLES = {"before-selection": "before selection", "selecting": "selecting a system",
                "implementing": "implementing", "live": "live"}


class _Model(BaseModel):
    # allow_inf_nan: `.inf` or `.nan` as a weight or target would make every score NaN.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Level(_Model):
    """One step of an answer scale."""

    value: int = Field(ge=0, le=1000)
    label: Text
    descriptor: Text = Field(description="One line saying what this level looks like.")


class Scale(_Model):
    """An ordered answer scale, defined once and used by many questions."""

    levels: list[Level] = Field(min_length=2)
    rule: Text | None = Field(
        None, description="How to pick one level when only some conditions hold; shown to the interviewer.")

    @model_validator(mode="after")
    def _increasing(self) -> Scale:
        values = [lv.value for lv in self.levels]
        if values != sorted(set(values)):
            raise ValueError(f"level values must be unique and increasing, got {values}")
        return self

    @property
    def low(self) -> int:
        """Return the lowest level's value."""
        return self.levels[0].value

    @property
    def high(self) -> int:
        """Return the highest level's value."""
        return self.levels[-1].value

    def normalise(self, value: float) -> float:
        """Map a level value onto 0..1."""
        return (value - self.low) / (self.high - self.low)


class Critical(_Model):
    """Marks a question whose low answer blocks the rollout."""

    below: int = Field(description="An aggregated answer below this level is a blocker.")
    caps: Literal["conditional", "no-go"] = Field(
        "no-go", description="The best verdict possible while the blocker stands."
    )
    reason: Text | None = None


class Condition(_Model):
    """A declarative condition: one target with a comparison, or all/any/not of conditions.

    Targets: ``question`` (an answer's aggregated level, or ``answer: dont_know|na|unanswered``),
    ``criterion``, ``process``, ``sin`` or ``index`` (scores 0-100), ``sin`` with ``risk``
    (risk levels), ``disagreement`` (a question id, or ``any``).
    """

    all: list[Condition] | None = Field(None, min_length=1)
    any: list[Condition] | None = Field(None, min_length=1)
    not_: Condition | None = Field(None, alias="not")
    question: Id | None = None
    criterion: Id | None = None
    process: Id | None = None
    sin: Id | None = None
    index: Literal[True] | None = None
    disagreement: Id | None = None
    below: float | None = None
    at_least: float | None = None
    answer: Literal["dont_know", "na", "unanswered"] | None = None
    risk: list[Id] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        heads = [k for k in _HEADS if getattr(self, k) is not None]
        if len(heads) != 1:
            names = ", ".join(_HEAD_NAMES[k] for k in heads) or "none"
            raise ValueError(
                "a condition needs exactly one of all, any, not, question, criterion, process, "
                f"sin, index, disagreement; found {names}"
            )
        head = heads[0]
        compares = [k for k in ("below", "at_least", "answer", "risk") if getattr(self, k) is not None]
        if head in ("all", "any", "not_", "disagreement"):
            if compares:
                raise ValueError(f"'{compares[0]}' does not apply to '{_HEAD_NAMES[head]}'")
            return self
        allowed = {"question": {"below", "at_least", "answer"}, "sin": {"below", "at_least", "risk"}}.get(
            head, {"below", "at_least"}
        )
        wrong = [k for k in compares if k not in allowed]
        if wrong:
            raise ValueError(f"'{wrong[0]}' does not apply to '{head}'")
        if not compares:
            raise ValueError(f"'{head}' needs a comparison: one of {', '.join(sorted(allowed))}")
        if ("answer" in compares or "risk" in compares) and len(compares) > 1:
            raise ValueError(f"'{compares[0]}' cannot be combined with '{compares[1]}'")
        return self

    @property
    def head(self) -> str:
        """Return which kind of condition this is."""
        return next(_HEAD_NAMES[k] for k in _HEADS if getattr(self, k) is not None)


_HEADS = ("all", "any", "not_", "question", "criterion", "process", "sin", "index", "disagreement")
_HEAD_NAMES = {k: ("not" if k == "not_" else k) for k in _HEADS}


class Question(_Model):
    """A question with a stable id, answered on a scale."""

    id: Id
    text: Text
    help: Text | None = Field(None, description="What to listen for; shown to the interviewer.")
    scale: Id
    descriptors: dict[int, Text] | None = Field(
        None, description="Per-level descriptors for this question, keyed by level value."
    )
    weight: Weight = 1.0
    allow_dont_know: bool = True
    allow_na: bool = False
    critical: Critical | None = None
    show_if: Condition | None = None
    stages: list[Stage] | None = Field(
        None, min_length=1, description="Programme stages in which the question is asked (default: every stage).")


class ProcessQuestion(Question):
    """A question that belongs to one catalogue process, filed under a criterion."""

    criterion: Id


class Criterion(_Model):
    """One of the criteria every process is judged on, with its templated questions."""

    id: Id
    title: Text
    description: Text
    weight: Weight = 1.0
    questions: list[Question] = Field(min_length=1)


class Process(_Model):
    """A customer-facing process in the catalogue."""

    id: Id
    title: Text
    description: Text
    importance: Importance = 3
    questions: list[ProcessQuestion] = Field(default_factory=list)


class Sin(_Model):
    """One of the deadly sins of CRM: a programme-wide risk area."""

    id: Id
    title: Text
    description: Text
    weight: Weight = 1.0
    questions: list[Question] = Field(min_length=1)
    stage_titles: dict[Stage, Text] = Field(
        default_factory=dict, description="The sin's title where the default one reads wrong at a stage.")
    stage_descriptions: dict[Stage, Text] = Field(
        default_factory=dict, description="What the sin means at a stage where its title differs.")
    stage_weights: dict[Stage, Weight] = Field(
        default_factory=dict, description="The sin's weight where its exposure differs at a stage (default: weight).")

    def description_at(self, stage: str | None) -> str:
        """Return the description that fits the programme's stage."""
        return self.stage_descriptions.get(stage, self.description) if stage else self.description  # type: ignore[call-overload]

    def weight_at(self, stage: str | None) -> float:
        """Return the weight that fits the programme's stage."""
        return self.stage_weights.get(stage, self.weight) if stage else self.weight  # type: ignore[call-overload]

    def title_at(self, stage: str | None) -> str:
        """Return the title that fits the programme's stage."""
        return self.stage_titles.get(stage, self.title) if stage else self.title  # type: ignore[call-overload]


class Band(_Model):
    """A named range of a 0-100 score; ``from`` inclusive, ``to`` exclusive (100 inclusive)."""

    name: Text
    from_: float = Field(alias="from", ge=0, le=100)
    to: float = Field(ge=0, le=100)
    description: Text | None = None


class VerdictGo(_Model):
    """What a Go needs."""

    min_index: float = Field(ge=0, le=100)
    max_risk: Id | None = Field(
        None, description="Worst sin risk level still compatible with Go (e.g. medium)."
    )


class VerdictConditional(_Model):
    """What a Conditional go needs; anything less is No-go."""

    min_index: float = Field(ge=0, le=100)


class Verdict(_Model):
    """The verdict rule: Go, Conditional or No-go from index, risks and blockers."""

    go: VerdictGo
    conditional: VerdictConditional


class Sections(_Model):
    """Weights of the two halves of the index."""

    processes: Weight = 1.0
    programme: Weight = 1.0


class Scoring(_Model):
    """How answers become an index, bands, risks and a verdict."""

    sections: Sections = Sections()
    dont_know: Literal["lowest", "exclude"] = Field(
        "lowest",
        description="How a question that every respondent answered 'don't know' counts.",
    )
    disagreement_levels: int = Field(2, ge=1)
    programme_importance: Importance = 4
    bands: list[Band] = Field(min_length=1)
    risk_levels: list[Band] = Field(min_length=1, description="Bands over a sin's risk (100 - score).")
    verdict: Verdict
    targets: dict[Id, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="Default targets (0-100) keyed by 'index', a criterion id or a sin id.",
    )


class Changes(_Model):
    """How this version's question ids relate to the previous version's, for history."""

    previous: Text = Field(description="The version these changes are relative to.")
    renamed: dict[Id, Id] = Field(default_factory=dict, description="old id -> new id")
    merged: dict[Id, list[Id]] = Field(default_factory=dict, description="new id -> old ids")
    removed: list[Id] = Field(default_factory=list, description="old ids with no successor")


class Recommendation(_Model):
    """What to do when a rule fires."""

    title: Text
    rationale: Text
    steps: list[Text] = Field(min_length=1)
    impact: Rating
    effort: Rating
    horizon: Horizon
    owner: Text = Field(description="Suggested owner role.")


class Rule(_Model):
    """A recommendation rule: when the condition holds, recommend."""

    id: Id
    scope: Literal["programme", "process"] = Field(
        "programme", description="'process': evaluated once per process in scope."
    )
    when: Condition
    recommend: Recommendation
    supersedes: list[Id] = Field(default_factory=list)
    after: list[Id] = Field(
        default_factory=list,
        description="Rules whose actions must come before this one's in the plan when both fire.")
    leads_when: list[Literal["Go", "Conditional", "No-go"]] = Field(
        default_factory=list,
        description="Verdicts that imply this action: when the verdict is one of them, it comes first.")
    stages: list[Stage] | None = Field(
        None, min_length=1, description="Programme stages in which the rule applies (default: every stage).")
    variant_of: Id | None = Field(
        None, description="The rule this one restates for other stages: 'after' naming either means both, "
                          "and history follows an action from one stage's wording to the other's.")


class Questionnaire(_Model):
    """A complete questionnaire."""

    id: Id
    version: Text
    title: Text
    description: Text
    scales: dict[Id, Scale] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    processes: list[Process] = Field(min_length=1)
    sins: list[Sin] = Field(min_length=1)
    scoring: Scoring
    rules: list[Rule] = Field(default_factory=list)
    changes: Changes | None = None

    @cached_property
    def item_index(self) -> _Index:
        """Return the questions indexed by id and interview order (computed once)."""
        return _build_index(self)

    @property
    def ref(self) -> str:
        """Return ``id@version``, as written in answers files."""
        return f"{self.id}@{self.version}"

    def process(self, process_id: str) -> Process | None:
        """Return a catalogue process by id."""
        return next((p for p in self.processes if p.id == process_id), None)

    def process_items(self, process_id: str) -> list[Item]:
        """Return the questions asked for one process, in interview order."""
        return _index(self).process_items(process_id)

    def programme_items(self) -> list[Item]:
        """Return the programme-wide (sin) questions, in interview order."""
        return list(_index(self).programme)

    def asks(self, item: Item, stage: str | None) -> bool:
        """Return whether a question is asked at a programme stage (an unknown stage asks everything)."""
        stages = item.question.stages
        return stage is None or stages is None or stage in stages

    def question(self, question_id: str) -> Item | None:
        """Return a question, wherever it is defined."""
        return _index(self).by_id.get(question_id)

    def question_text(self, question_id: str) -> str:
        """Return a question's text as the client reads it (its id only if this version has no such question)."""
        item = self.question(question_id)
        return item.question.text if item else question_id

    def scale_of(self, question: Question) -> Scale:
        """Return a question's scale."""
        return self.scales[question.scale]

    def descriptor(self, question: Question, value: int) -> str:
        """Return the descriptor shown for one level of a question."""
        if question.descriptors and value in question.descriptors:
            return question.descriptors[value]
        level = next(lv for lv in self.scale_of(question).levels if lv.value == value)
        return level.descriptor


@dataclass(frozen=True)
class Item:
    """A question in its place: under a criterion (and maybe a process) or under a sin."""

    question: Question
    group: str  # criterion id or sin id
    owner: str | None  # catalogue process id for process-specific questions
    kind: Literal["criterion", "process", "sin"]
    order: int


@dataclass
class _Index:
    by_id: dict[str, Item]
    templated: list[Item]
    specific: dict[str, list[Item]]
    programme: list[Item]
    criteria_order: list[str]

    def process_items(self, process_id: str) -> list[Item]:
        own = self.specific.get(process_id, [])
        out: list[Item] = []
        for crit in self.criteria_order:
            out.extend(i for i in self.templated if i.group == crit)
            out.extend(i for i in own if i.group == crit)
        return out


def _index(q: Questionnaire) -> _Index:
    return q.item_index


def _build_index(q: Questionnaire) -> _Index:
    order = 0
    by_id: dict[str, Item] = {}
    templated: list[Item] = []
    specific: dict[str, list[Item]] = {}
    programme: list[Item] = []
    for crit in q.criteria:
        for qu in crit.questions:
            item = Item(qu, crit.id, None, "criterion", order)
            order += 1
            templated.append(item)
            by_id.setdefault(qu.id, item)
    for proc in q.processes:
        for pq in proc.questions:
            item = Item(pq, pq.criterion, proc.id, "process", order)
            order += 1
            specific.setdefault(proc.id, []).append(item)
            by_id.setdefault(pq.id, item)
    for sin in q.sins:
        for qu in sin.questions:
            item = Item(qu, sin.id, None, "sin", order)
            order += 1
            programme.append(item)
            by_id.setdefault(qu.id, item)
    return _Index(by_id, templated, specific, programme, [c.id for c in q.criteria])


def _all_questions(q: Questionnaire) -> Iterator[Question]:
    for crit in q.criteria:
        yield from crit.questions
    for proc in q.processes:
        yield from proc.questions
    for sin in q.sins:
        yield from sin.questions


# ---------------------------------------------------------------- loading


def load_questionnaire(path: Path | str) -> Questionnaire:
    """Load and check a questionnaire file; raise ``QuestionnaireError`` listing every problem."""
    try:
        source = load_yaml(path)
    except ValueError as exc:
        raise QuestionnaireError([str(exc)]) from None
    return questionnaire_from_source(source)


def parse_questionnaire(text: str, name: str = "<questionnaire>") -> Questionnaire:
    """Parse and check questionnaire YAML text (e.g. a copy kept in the store)."""
    try:
        source = parse_yaml(text, name)
    except ValueError as exc:
        raise QuestionnaireError([str(exc)]) from None
    return questionnaire_from_source(source)


def questionnaire_from_source(source: Source) -> Questionnaire:
    """Validate a parsed source as a questionnaire, then run the semantic checks."""
    data = source.data
    if isinstance(data, dict) and "respondents" in data and "criteria" not in data:
        raise QuestionnaireError([f"{source.path}:1:1: this is an answers file (it has respondents), not a "
                                  f"questionnaire; check it with: crmcheck score {source.path}"])
    q = validate(Questionnaire, source, QuestionnaireError)
    problems = [source.problem(loc, msg) for loc, msg in check_questionnaire(q)]
    if problems:
        raise QuestionnaireError(problems)
    return q


def content_hash(text: str) -> str:
    """Return the hash under which a questionnaire's exact text is stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the questionnaire format, for editors."""
    schema = Questionnaire.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "crmcheck questionnaire"
    return schema


def schema_text() -> str:
    """Return the JSON Schema as indented text."""
    return json.dumps(json_schema(), indent=2, sort_keys=False)


# ---------------------------------------------------------------- semantic checks

Problem = tuple[Loc, str]


def check_questionnaire(q: Questionnaire) -> list[Problem]:
    """Return every semantic problem: ids, scales, show_if, bands, verdict and rules."""
    problems: list[Problem] = []
    problems += _check_ids(q)
    problems += _check_questions(q)
    problems += _check_bands(q.scoring.bands, ("scoring", "bands"))
    problems += _check_bands(q.scoring.risk_levels, ("scoring", "risk_levels"))
    risk_names = {b.name for b in q.scoring.risk_levels}
    if q.scoring.verdict.go.max_risk is not None and q.scoring.verdict.go.max_risk not in risk_names:
        problems.append(
            (
                ("scoring", "verdict", "go", "max_risk"),
                f"unknown risk level '{q.scoring.verdict.go.max_risk}'; "
                f"expected one of {sorted(risk_names)}",
            )
        )
    if q.scoring.verdict.conditional.min_index > q.scoring.verdict.go.min_index:
        problems.append(
            (
                ("scoring", "verdict", "conditional", "min_index"),
                "conditional.min_index must not exceed go.min_index",
            )
        )
    problems += _check_rules(q)
    problems += _check_targets_and_changes(q)
    return problems


def _check_targets_and_changes(q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    known = {"index"} | {c.id for c in q.criteria} | {s.id for s in q.sins}
    for key in q.scoring.targets:
        if key not in known:
            problems.append(((("scoring", "targets", key)), f"unknown target '{key}'; expected index, "
                             "a criterion id or a sin id"))
    if q.changes is None:
        return problems
    if q.changes.previous == q.version:
        problems.append((("changes", "previous"), "a version cannot change itself; name the previous version"))
    ids = set(q.item_index.by_id)
    for old, new in q.changes.renamed.items():
        if new not in ids:
            problems.append((("changes", "renamed", old), f"'{new}' is not a question of this version"))
    for new, olds in q.changes.merged.items():
        if new not in ids:
            problems.append((("changes", "merged", new), f"'{new}' is not a question of this version"))
        if not olds:
            problems.append((("changes", "merged", new), "name the old questions merged into it"))
    for i, old in enumerate(q.changes.removed):
        if old in ids:
            problems.append((("changes", "removed", i), f"'{old}' is still a question of this version"))
    return problems


def _check_ids(q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []

    def unique(kind: str, entries: list[tuple[Loc, str]]) -> None:
        seen: dict[str, Loc] = {}
        for loc, ident in entries:
            if ident in seen:
                first = _fmt(seen[ident])
                problems.append(((*loc, "id"), f"duplicate {kind} id '{ident}' (first used at {first})"))
            else:
                seen[ident] = loc

    unique("criterion", [(("criteria", i), c.id) for i, c in enumerate(q.criteria)])
    unique("process", [(("processes", i), p.id) for i, p in enumerate(q.processes)])
    unique("sin", [(("sins", i), s.id) for i, s in enumerate(q.sins)])
    unique("rule", [(("rules", i), r.id) for i, r in enumerate(q.rules)])
    unique("question", [(loc, qu.id) for loc, qu in _question_locs(q)])
    for i, p in enumerate(q.processes):
        if p.id == PROGRAMME:
            problems.append(((("processes", i, "id")), f"'{PROGRAMME}' is reserved for programme questions"))
    return problems


def _fmt(loc: Loc) -> str:
    from crmcheck.located import format_loc

    return format_loc(loc)


def _question_locs(q: Questionnaire) -> Iterator[tuple[Loc, Question]]:
    for i, c in enumerate(q.criteria):
        for j, qu in enumerate(c.questions):
            yield ("criteria", i, "questions", j), qu
    for i, p in enumerate(q.processes):
        for j, pq in enumerate(p.questions):
            yield ("processes", i, "questions", j), pq
    for i, s in enumerate(q.sins):
        for j, qu in enumerate(s.questions):
            yield ("sins", i, "questions", j), qu


def _check_questions(q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    criteria = {c.id for c in q.criteria}
    index = _index(q)
    for loc, qu in _question_locs(q):
        scale = q.scales.get(qu.scale)
        if scale is None:
            problems.append(
                ((*loc, "scale"), f"unknown scale '{qu.scale}'; defined scales: {sorted(q.scales)}")
            )
            continue
        values = {lv.value for lv in scale.levels}
        for value in qu.descriptors or {}:
            if value not in values:
                problems.append(
                    ((*loc, "descriptors", value), f"no level {value} on scale '{qu.scale}' {sorted(values)}")
                )
        if qu.critical is not None and not scale.low < qu.critical.below <= scale.high:
            problems.append(
                (
                    (*loc, "critical", "below"),
                    f"expected a level between {scale.low + 1} and {scale.high} on scale "
                    f"'{qu.scale}', got {qu.critical.below}",
                )
            )
        if isinstance(qu, ProcessQuestion) and qu.criterion not in criteria:
            problems.append(
                ((*loc, "criterion"), f"unknown criterion '{qu.criterion}'; expected one of {sorted(criteria)}")
            )
        if qu.show_if is not None:
            me = index.by_id[qu.id]
            problems += _check_show_if(q, qu.show_if, (*loc, "show_if"), me, index)
    return problems


def _check_show_if(q: Questionnaire, cond: Condition, loc: Loc, me: Item, index: _Index) -> list[Problem]:
    problems: list[Problem] = []
    if cond.head in ("all", "any"):
        for i, sub in enumerate(getattr(cond, cond.head)):
            problems += _check_show_if(q, sub, (*loc, cond.head, i), me, index)
        return problems
    if cond.head == "not":
        assert cond.not_ is not None
        return _check_show_if(q, cond.not_, (*loc, "not"), me, index)
    if cond.head != "question":
        return [((*loc, cond.head), "show_if may only test earlier answers ('question')")]
    target = index.by_id.get(cond.question or "")
    if target is None:
        return [((*loc, "question"), f"unknown question '{cond.question}'")]
    same_section = (me.kind == "sin") == (target.kind == "sin")
    same_process = target.owner is None or target.owner == me.owner
    if not (same_section and same_process):
        return [((*loc, "question"), f"'{cond.question}' is not asked alongside '{me.question.id}'")]
    order = _interview_position(index, me)
    if _interview_position(index, target) >= order:
        return [
            ((*loc, "question"), f"'{cond.question}' is not asked before '{me.question.id}'; "
             "show_if may only refer to earlier questions")
        ]
    problems += _check_compare(q, cond, loc, target.question)
    return problems


def _interview_position(index: _Index, item: Item) -> int:
    if item.kind == "sin":
        return item.order
    crit_pos = index.criteria_order.index(item.group)
    # Templated questions of a criterion come before the process's own questions of it.
    return crit_pos * 100_000 + (0 if item.kind == "criterion" else 50_000) + item.order


def _check_compare(q: Questionnaire, cond: Condition, loc: Loc, question: Question) -> list[Problem]:
    scale = q.scales.get(question.scale)
    if scale is None or cond.answer is not None:
        return []
    if cond.below is not None and cond.below <= scale.low:
        return [((*loc, "below"), f"no answer to '{question.id}' is below {cond.below:g}; this can never be true")]
    if cond.at_least is not None and cond.at_least > scale.high:
        return [((*loc, "at_least"), f"no answer to '{question.id}' reaches {cond.at_least:g}; this can never be true")]
    return []


def _check_bands(bands: list[Band], loc: Loc) -> list[Problem]:
    problems: list[Problem] = []
    order = sorted(range(len(bands)), key=lambda i: bands[i].from_)
    expected = 0.0
    for n, i in enumerate(order):
        band = bands[i]
        if band.to <= band.from_:
            problems.append(((*loc, i, "to"), f"'to' ({band.to:g}) must be above 'from' ({band.from_:g})"))
        if band.from_ < expected:
            problems.append(((*loc, i, "from"), f"band '{band.name}' overlaps the band before it "
                             f"(starts at {band.from_:g}, previous ends at {expected:g})"))
        elif band.from_ > expected:
            problems.append(((*loc, i, "from"), f"gap between {expected:g} and {band.from_:g}: no band covers it"))
        expected = max(expected, band.to)
        if n == len(order) - 1 and band.to < 100:
            problems.append(((*loc, i, "to"), f"gap between {band.to:g} and 100: no band covers it"))
    names = [b.name for b in bands]
    for i, name in enumerate(names):
        if names.index(name) != i:
            problems.append(((*loc, i, "name"), f"duplicate band name '{name}'"))
    return problems


# Rules ------------------------------------------------------------------

Interval = tuple[float, float, bool]  # low (inclusive), high, high-inclusive


def _check_rules(q: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    rule_ids = {r.id for r in q.rules}
    for i, rule in enumerate(q.rules):
        loc: Loc = ("rules", i)
        found = _check_refs(q, rule, rule.when, (*loc, "when"))
        problems += found
        if not found and not _can_fire(q, rule.when):
            problems.append(((*loc, "when"), f"rule '{rule.id}' can never fire: its conditions "
                             "contradict each other or ask for impossible values"))
        elif not found and not any(_fires_at(q, rule.when, st) for st in (rule.stages or STAGES)):
            problems.append(((*loc, "stages") if rule.stages else (*loc, "when"),
                             f"rule '{rule.id}' can never fire: the questions it needs are not asked in "
                             f"any stage it applies to ({', '.join(rule.stages or STAGES)})"))
        for j, other in enumerate(rule.supersedes):
            if other not in rule_ids:
                problems.append(((*loc, "supersedes", j), f"unknown rule '{other}'"))
            elif other == rule.id:
                problems.append(((*loc, "supersedes", j), "a rule cannot supersede itself"))
        for j, other in enumerate(rule.after):
            if other not in rule_ids:
                problems.append(((*loc, "after", j), f"unknown rule '{other}'"))
            elif other == rule.id:
                problems.append(((*loc, "after", j), "a rule cannot come after itself"))
        if rule.variant_of is not None:
            problems += _check_variant(q, rule, loc)
    problems += _check_after_cycles(q)
    return problems


def _check_variant(q: Questionnaire, rule: Rule, loc: Loc) -> list[Problem]:
    """A stage variant names an existing base rule, not itself or another variant, for other stages."""
    where = (*loc, "variant_of")
    base = next((r for r in q.rules if r.id == rule.variant_of), None)
    if base is None:
        return [(where, f"unknown rule '{rule.variant_of}'")]
    if base.id == rule.id:
        return [(where, "a rule cannot be a variant of itself")]
    if base.variant_of is not None:
        return [(where, f"rule '{base.id}' is itself a variant of '{base.variant_of}'; name that one")]
    if rule.stages is None or base.stages is None:
        return [(where, f"a variant and its rule '{base.id}' must each name their stages")]
    shared = [st for st in rule.stages if st in base.stages]
    if shared:
        return [(where, f"rule '{rule.id}' and '{base.id}' both apply {', '.join(shared)}; a variant restates "
                 "a rule for other stages")]
    return []


def family(q: Questionnaire) -> dict[str, str]:
    """Map every rule id to the rule it is a stage variant of (itself when it is none)."""
    return {r.id: r.variant_of or r.id for r in q.rules}


def _check_after_cycles(q: Questionnaire) -> list[Problem]:
    """Return a problem for each rule whose ``after`` chain leads back to itself."""
    after = {r.id: [x for x in r.after if x != r.id] for r in q.rules}
    out: list[Problem] = []
    for i, rule in enumerate(q.rules):
        seen: set[str] = set()
        stack = list(after[rule.id])
        while stack:
            cur = stack.pop()
            if cur == rule.id:
                out.append((("rules", i, "after"), f"rule '{rule.id}' comes after itself through "
                            "other rules' 'after'; remove one link of the cycle"))
                break
            if cur not in seen:
                seen.add(cur)
                stack += after.get(cur, [])
    return out


def _fires_at(q: Questionnaire, cond: Condition, stage: str) -> bool:
    """Return whether a condition can hold at a stage, as far as which questions are asked there."""
    if cond.all is not None:
        return all(_fires_at(q, c, stage) for c in cond.all)
    if cond.any is not None:
        return any(_fires_at(q, c, stage) for c in cond.any)
    if cond.not_ is not None:
        return True  # "not" holds when its question is not asked
    qid = cond.question or (cond.disagreement if cond.disagreement != "any" else None)
    if qid is None:
        return True
    item = _index(q).by_id.get(qid)
    return item is None or q.asks(item, stage)


def _check_refs(q: Questionnaire, rule: Rule, cond: Condition, loc: Loc) -> list[Problem]:
    head = cond.head
    if head in ("all", "any"):
        out: list[Problem] = []
        for i, sub in enumerate(getattr(cond, head)):
            out += _check_refs(q, rule, sub, (*loc, head, i))
        return out
    if head == "not":
        assert cond.not_ is not None
        return _check_refs(q, rule, cond.not_, (*loc, "not"))
    index = _index(q)
    if head in ("question", "disagreement"):
        qid = cond.question if head == "question" else cond.disagreement
        if head == "disagreement" and qid == "any":
            return []
        item = index.by_id.get(qid or "")
        if item is None:
            return [((*loc, head), f"unknown question '{qid}'")]
        if rule.scope == "programme" and item.kind == "criterion":
            return [((*loc, head), f"'{qid}' is asked for every process; a rule that tests it needs 'scope: process'")]
        if rule.scope == "process" and item.kind == "sin":
            return [((*loc, head), f"'{qid}' is a programme question; a rule that tests it needs 'scope: programme'")]
        return _check_compare(q, cond, loc, item.question) if head == "question" else []
    if head == "criterion" and cond.criterion not in {c.id for c in q.criteria}:
        return [((*loc, "criterion"), f"unknown criterion '{cond.criterion}'")]
    if head == "process":
        if cond.process == "this":
            if rule.scope != "process":
                return [((*loc, "process"), "'this' only means something in a rule with 'scope: process'")]
        elif q.process(cond.process or "") is None:
            return [((*loc, "process"), f"unknown process '{cond.process}'")]
    if head == "sin":
        if cond.sin not in {s.id for s in q.sins}:
            return [((*loc, "sin"), f"unknown sin '{cond.sin}'")]
        names = {b.name for b in q.scoring.risk_levels}
        for j, name in enumerate(cond.risk or []):
            if name not in names:
                return [((*loc, "risk", j), f"unknown risk level '{name}'; expected one of {sorted(names)}")]
    return []


def _can_fire(q: Questionnaire, cond: Condition) -> bool:
    """Return False when a condition is unsatisfiable on its face.

    Each atom restricts one target to a set of values; ``all`` intersects the sets of atoms on
    the same target, ``any`` fires if one branch can, ``not`` is assumed able to fire unless
    its operand is always true.
    """
    return _atoms_ok(q, cond, {})


def _target(cond: Condition) -> tuple[str, str] | None:
    for head in ("question", "criterion", "process", "sin"):
        value = getattr(cond, head)
        if value is not None:
            return head, value
    if cond.index:
        return "index", ""
    return None


def _range(q: Questionnaire, cond: Condition) -> tuple[float, float]:
    if cond.question is not None:
        item = q.question(cond.question)
        if item is not None and item.question.scale in q.scales:
            scale = q.scales[item.question.scale]
            return float(scale.low), float(scale.high)
    return 0.0, 100.0


def _atoms_ok(q: Questionnaire, cond: Condition, bounds: dict[tuple[str, str], tuple[float, float]]) -> bool:
    head = cond.head
    if head == "any":
        return any(_atoms_ok(q, sub, dict(bounds)) for sub in cond.any or [])
    if head == "all":
        local = dict(bounds)
        for sub in cond.all or []:
            if not _atoms_ok(q, sub, local):
                return False
            target = _target(sub)
            if target is not None and (sub.below is not None or sub.at_least is not None):
                low, high = local.get(target, _range(q, sub))
                if sub.at_least is not None:
                    low = max(low, sub.at_least)
                if sub.below is not None:
                    high = min(high, sub.below - 1e-9)
                if low > high:
                    return False
                local[target] = (low, high)
        return True
    if head == "not":
        assert cond.not_ is not None
        return not _always(q, cond.not_)
    if cond.below is not None or cond.at_least is not None:
        low, high = _range(q, cond)
        if cond.at_least is not None:
            low = max(low, cond.at_least)
        if cond.below is not None:
            high = min(high, cond.below - 1e-9)
        return low <= high
    return True


def _always(q: Questionnaire, cond: Condition) -> bool:
    """Return True when a value comparison holds for every possible value."""
    if cond.head in ("all", "any", "not", "disagreement") or cond.answer or cond.risk:
        return False
    low, high = _range(q, cond)
    ok = True
    if cond.at_least is not None:
        ok = ok and cond.at_least <= low
    if cond.below is not None:
        ok = ok and cond.below > high
    # An unanswered or not-assessed target makes any comparison false, so never "always".
    return False if cond.question or cond.criterion or cond.process or cond.sin else ok


def find_questionnaire(ref: str, search: list[Path] | None = None) -> Path:
    """Return the file of questionnaire ``id@version`` among the built-in ones (and ``search``)."""
    from crmcheck.resources import builtin_questionnaires

    qid, _, version = ref.partition("@")
    candidates = [*(search or []), *builtin_questionnaires()]
    for path in candidates:
        try:
            source = load_yaml(path)
        except ValueError:
            continue
        if source.data.get("id") == qid and str(source.data.get("version")) == version:
            return path
    known = ", ".join(_ref_of(p) for p in builtin_questionnaires()) or "none"
    raise QuestionnaireError(
        [f"no questionnaire '{ref}' is available (built-in: {known}); pass the file with --questionnaire"]
    )


def _ref_of(path: Path) -> str:
    try:
        data = load_yaml(path).data
    except ValueError:
        return path.name
    return f"{data.get('id')}@{data.get('version')}"
