"""Compare and trend assessments over time, across questionnaire versions. Pure functions.

Scores are always recomputed from each assessment's answers with the questionnaire version it
was answered with; what moved is then read off the two scorecards. Criterion, sin and index
scores compare directly. Question-level answers are matched through the newer version's
``changes`` (renamed, merged, removed ids); anything that cannot be matched is listed in
``not_compared`` — it is never silently dropped or given an invented score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from crmcheck.answers import Assessment
from crmcheck.plan import ActionPlan, build_action_plan
from crmcheck.questionnaire import PROGRAMME, STAGE_TITLES, Questionnaire, family
from crmcheck.scoring import Scorecard, score
from crmcheck.trend import Trend, TrendPoint


@dataclass(frozen=True)
class Snapshot:
    """One assessment, scored with its own questionnaire."""

    questionnaire: Questionnaire
    assessment: Assessment
    card: Scorecard
    plan: ActionPlan

    @property
    def label(self) -> str:
        """Return the assessment's label."""
        return self.assessment.label


def snapshot(q: Questionnaire, a: Assessment) -> Snapshot:
    """Score and plan an assessment."""
    card = score(q, a)
    return Snapshot(q, a, card, build_action_plan(q, card))


def targets(snap: Snapshot) -> dict[str, float]:
    """Return the effective targets: the questionnaire's defaults, overridden by the assessment's."""
    return {**snap.questionnaire.scoring.targets, **snap.assessment.targets}


@dataclass(frozen=True)
class Delta:
    """A score before and after (0-100 or None), with its target if one is set."""

    id: str
    title: str
    before: float | None
    after: float | None
    target: float | None = None

    @property
    def change(self) -> float | None:
        """Return after - before, or None when either side was not assessed."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class SinDelta(Delta):
    """A sin's score change with its risk levels."""

    level_before: str | None = None
    level_after: str | None = None


@dataclass(frozen=True)
class AnswerChange:
    """A question whose aggregated answer moved, with each respondent's before and after."""

    process: str | None
    question: str
    before: float | None
    after: float | None
    respondents: list[tuple[str, str, str]]  # name, before, after (as shown: level, dk, na, -)


@dataclass(frozen=True)
class ActionRef:
    """An action in one plan, by rule and processes."""

    rule: str
    title: str
    processes: tuple[str, ...]


@dataclass
class Comparison:
    """What moved between two assessments."""

    before: Snapshot
    after: Snapshot
    criteria: list[Delta]
    processes: list[Delta]
    sins: list[SinDelta]
    answers: list[AnswerChange]
    risks_appeared: list[str]
    risks_resolved: list[str]
    actions_done: list[ActionRef]
    actions_new: list[ActionRef]
    targets: list[Delta]
    not_compared: list[str] = field(default_factory=list)

    @property
    def index(self) -> Delta:
        """Return the readiness index before and after."""
        return Delta("index", "Readiness index", self.before.card.index, self.after.card.index,
                     targets(self.after).get("index"))


def question_map(old: Questionnaire, new: Questionnaire) -> tuple[dict[str, list[str]], list[str]]:
    """Map new question ids to the old ids they continue; return the map and notes on gaps.

    Same version: identity. A newer version whose ``changes.previous`` is the old version: its
    renames, merges and removals apply and every other id carries over. Otherwise ids present in
    both are matched by id, and the notes say so.
    """
    old_ids = set(old.item_index.by_id)
    new_ids = set(new.item_index.by_id)
    notes: list[str] = []
    if old.id != new.id:
        notes.append(f"questionnaires differ ({old.ref} vs {new.ref}); answers are matched by question id only")
    mapping: dict[str, list[str]] = {}
    changes = new.changes
    if old.version != new.version and changes is not None and changes.previous == old.version:
        consumed: set[str] = set()
        for old_id, new_id in changes.renamed.items():
            if old_id in old_ids:
                mapping[new_id] = [old_id]
                consumed.add(old_id)
        for new_id, olds in changes.merged.items():
            present = [o for o in olds if o in old_ids]
            if present:
                mapping[new_id] = present
                consumed.update(present)
        for old_id in changes.removed:
            if old_id in old_ids:
                notes.append(f"question '{old_id}' was removed in {new.ref}; its answers are not compared")
                consumed.add(old_id)
        for qid in sorted(new_ids & old_ids - consumed):
            mapping.setdefault(qid, [qid])
    else:
        if old.version != new.version:
            notes.append(f"{new.ref} declares no changes from {old.ref}; questions are matched by id")
        mapping = {qid: [qid] for qid in sorted(new_ids & old_ids)}
        for qid in sorted(old_ids - new_ids):
            notes.append(f"question '{qid}' of {old.ref} is not in {new.ref}; not compared")
    for qid in sorted(new_ids - set(mapping)):
        notes.append(f"question '{qid}' is new in {new.ref}; no earlier answer to compare")
    return mapping, notes


def compare(before: Snapshot, after: Snapshot) -> Comparison:
    """Return what moved from ``before`` to ``after``; both must have answers to compare."""
    from crmcheck.errors import BadInputError

    for side in (before, after):
        if not side.card.assessed:
            raise BadInputError(f"{side.assessment.client}/{side.label} is not assessed yet (nothing answered); "
                                "there is nothing to compare. Interview first: crmcheck interview --resume")
    qa, qb = before.questionnaire, after.questionnaire
    goals = targets(after)
    notes: list[str] = []

    titles = {c.id: c.title for c in qb.criteria} | {c.id: c.title for c in qa.criteria}
    crit_ids = [c.id for c in qb.criteria] + [c.id for c in qa.criteria if c.id not in {x.id for x in qb.criteria}]
    criteria = [Delta(cid, titles[cid], before.card.criteria.get(cid), after.card.criteria.get(cid), goals.get(cid))
                for cid in crit_ids]
    for cid in crit_ids:
        if cid not in before.card.criteria or cid not in after.card.criteria:
            notes.append(f"criterion '{cid}' exists in only one questionnaire version; not compared")

    procs_b = {p.id: p for p in before.card.processes}
    procs_a = {p.id: p for p in after.card.processes}
    processes = [Delta(p.id, p.title, procs_b[p.id].score if p.id in procs_b else None, p.score)
                 for p in after.card.processes]
    processes += [Delta(p.id, p.title, p.score, None) for p in before.card.processes if p.id not in procs_a]
    for pid in procs_a.keys() - procs_b.keys():
        notes.append(f"process '{procs_a[pid].title}' is new in scope in {after.label}")
    for pid in procs_b.keys() - procs_a.keys():
        notes.append(f"process '{procs_b[pid].title}' was in scope in {before.label} but not in {after.label}")

    sins_b = {s.id: s for s in before.card.sins}
    sins: list[SinDelta] = []
    for s in after.card.sins:
        old = sins_b.get(s.id)
        sins.append(SinDelta(s.id, s.title, old.score if old else None, s.score, goals.get(s.id),
                             old.level if old else None, s.level))
    order = [b.name for b in sorted(qb.scoring.risk_levels, key=lambda b: b.from_)]
    appeared, resolved = [], []
    for sd in sins:
        if sd.level_before in order and sd.level_after in order:
            move = order.index(sd.level_after) - order.index(sd.level_before)
            if move > 0:
                appeared.append(f"{sd.title}: {sd.level_before} → {sd.level_after} risk")
            elif move < 0:
                resolved.append(f"{sd.title}: {sd.level_before} → {sd.level_after} risk")
    blockers_b = {(b.process, b.question) for b in before.card.blockers}
    blockers_a = {(b.process, b.question) for b in after.card.blockers}
    for proc, qid in sorted(blockers_a - blockers_b):
        appeared.append(f"blocker: {qid}" + ("" if proc == PROGRAMME else f" ({proc})"))
    for proc, qid in sorted(blockers_b - blockers_a):
        resolved.append(f"blocker cleared: {qid}" + ("" if proc == PROGRAMME else f" ({proc})"))

    mapping, map_notes = question_map(qa, qb)
    stage_note = _stage_change(before, after)
    if stage_note:
        notes.append(stage_note)
    notes += map_notes
    answers = _answer_changes(before, after, mapping)

    # A rule restated for the new stage (name-owner -> name-owner-live) continues the same action.
    fam = family(qa) | family(qb)

    def refs(plan: ActionPlan) -> dict[tuple[str, str], ActionRef]:
        out: dict[tuple[str, str], ActionRef] = {}
        for act in plan.actions:
            for proc in act.processes or [""]:
                out[(fam.get(act.rule, act.rule), proc)] = ActionRef(act.rule, act.title, (proc,) if proc else ())
        return out

    old_refs, new_refs = refs(before.plan), refs(after.plan)
    done = [old_refs[k] for k in sorted(old_refs.keys() - new_refs.keys())]
    new = [new_refs[k] for k in sorted(new_refs.keys() - old_refs.keys())]
    rules_b = {r.id for r in qb.rules} | {fam.get(r.id, r.id) for r in qb.rules}
    gone = [r for r in done if r.rule not in rules_b]
    if gone:
        n = len(gone)
        notes.append(f"{n} earlier action{'' if n == 1 else 's'} come from rules {after.questionnaire.ref} no "
                     "longer has; they are listed as done only because they cannot fire")

    target_rows = [Delta("index", "Readiness index", before.card.index, after.card.index, goals.get("index"))]
    target_rows = [t for t in target_rows if t.target is not None]
    target_rows += [d for d in criteria if d.target is not None]
    target_rows += [d for d in sins if d.target is not None]
    return Comparison(before, after, criteria, processes, sins, answers, appeared, resolved, done, new,
                      target_rows, notes)


def _stage_change(before: Snapshot, after: Snapshot) -> str | None:
    """Say what a change of programme stage between two assessments means for comparing them."""
    sb, sa = before.card.stage, after.card.stage
    if sb == sa:
        return None
    if sb is None or sa is None:
        known = str(sa or sb)
        return (f"only one of the two assessments records the programme's stage ({STAGE_TITLES.get(known, known)}); "
                "questions limited to a stage may have been asked in one and not the other")
    asked = {(r.process, r.question) for r in before.card.questions if r.status != "hidden"}
    now = {(r.process, r.question) for r in after.card.questions if r.status != "hidden"}
    n = len(asked ^ now)
    return (f"the programme moved from {STAGE_TITLES.get(sb, sb)} ({before.label}) to {STAGE_TITLES.get(sa, sa)} "
            f"({after.label}); {n} question{'' if n == 1 else 's'} {'was' if n == 1 else 'were'} asked at only one "
            "of the two stages and not compared, so sin and index scores rest partly on different questions")


def _show(ans: object) -> str:
    from crmcheck.answers import Answer

    if not isinstance(ans, Answer):
        return "-"
    if ans.kind == "level":
        return str(ans.level)
    return "don't know" if ans.kind == "dont_know" else "n/a"


def _answer_changes(before: Snapshot, after: Snapshot, mapping: dict[str, list[str]]) -> list[AnswerChange]:
    out: list[AnswerChange] = []
    old_results = {(r.process, r.question): r for r in before.card.questions}
    people_b = {r.name: r for r in before.assessment.respondents}
    people_a = {r.name: r for r in after.assessment.respondents}
    for res in after.card.questions:
        olds = mapping.get(res.question)
        if not olds:
            continue
        prev = [old_results.get((res.process, o)) for o in olds]
        prev_values = [p.value for p in prev if p is not None and p.value is not None]
        prev_value = sum(prev_values) / len(prev_values) if prev_values else None
        rows = []
        for name in sorted(people_a.keys() | people_b.keys()):
            new_ans = people_a[name].answers.get((res.process, res.question)) if name in people_a else None
            old_ans = None
            if name in people_b:
                found = [people_b[name].answers.get((res.process, o)) for o in olds]
                old_ans = found[0] if len(found) == 1 else _merged(found)
            if _show(old_ans) != _show(new_ans):
                rows.append((name, _show(old_ans), _show(new_ans)))
        if rows or prev_value != res.value:
            process = None if res.process == PROGRAMME else res.process
            out.append(AnswerChange(process, res.question, prev_value, res.value, rows))
    return out


def _merged(found: Sequence[object]) -> object:
    from crmcheck.answers import Answer

    levels = [a.level for a in found if isinstance(a, Answer) and a.level is not None]
    if not levels:
        return None
    return Answer(level=round(sum(levels) / len(levels)))


# ---------------------------------------------------------------- trend


def trend(client: str, snaps: Sequence[Snapshot]) -> Trend:
    """Return the client's trend from its snapshots (any order; sorted by date, then label)."""
    every = sorted(snaps, key=lambda s: (s.assessment.date, s.assessment.label))
    # Nothing answered is no point at all: not a fall to 0.
    ordered = [s for s in every if s.card.assessed]
    skipped = [f"{s.label}: not assessed yet (nothing answered); left out" for s in every if not s.card.assessed]
    points = [
        TrendPoint(s.label, s.assessment.date, s.questionnaire.ref, s.card.index, s.card.band, s.card.verdict,
                   dict(s.card.criteria), {x.id: x.score for x in s.card.sins}, s.card.completeness, s.card.stage)
        for s in ordered
    ]
    notes: list[str] = list(skipped)
    for prev, cur in pairwise(ordered):
        stage_note = _stage_change(prev, cur)
        if stage_note:
            notes.append(f"{cur.label}: {stage_note}")
        if prev.questionnaire.ref != cur.questionnaire.ref:
            _, gaps = question_map(prev.questionnaire, cur.questionnaire)
            notes.append(f"{cur.label} was answered with {cur.questionnaire.ref} "
                         f"({prev.label}: {prev.questionnaire.ref}); scores compare directly")
            notes += [f"{cur.label}: {g}" for g in gaps]
    latest = ordered[-1] if ordered else None
    crit = [(c.id, c.title) for c in latest.questionnaire.criteria] if latest else []
    sins = [(s.id, s.title) for s in latest.questionnaire.sins] if latest else []
    return Trend(client, points, crit, sins, targets(latest) if latest else {}, notes)


def target_progress(snap: Snapshot) -> list[Delta]:
    """Return index, criterion and sin scores that have a target, with the target."""
    goals = targets(snap)
    card = snap.card
    rows: list[Delta] = []
    if "index" in goals:
        rows.append(Delta("index", "Readiness index", None, card.index, goals["index"]))
    for c in snap.questionnaire.criteria:
        if c.id in goals:
            rows.append(Delta(c.id, c.title, None, card.criteria.get(c.id), goals[c.id]))
    for s in card.sins:
        if s.id in goals:
            rows.append(Delta(s.id, s.title, None, s.score, goals[s.id]))
    return rows
