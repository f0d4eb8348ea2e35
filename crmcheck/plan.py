"""Scorecard -> action plan: evaluate the questionnaire's rules, rank what fires.

Priority (0-100) = 100 × gap × impact × importance, where
- gap is the mean shortfall of the conditions that made the rule fire (1 - score for a
  question, criterion, process, sin or the index; spread / scale range for a disagreement);
  0.5 when only negations fired;
- impact is high 1, medium 2/3, low 1/3;
- importance is the process's importance / 5; for programme rules, the highest importance of
  the processes they name, or ``scoring.programme_importance`` when they name none.
A process-scope rule that fires for several processes becomes one action listing them,
ranked by its highest priority. Ties break on lower effort, then sooner horizon, then rule id,
so the plan is the same every time. A rule listed in another firing rule's ``supersedes``
is dropped for the processes (or the programme) where that other rule fired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcheck.questionnaire import PROGRAMME, Condition, Questionnaire, Recommendation, Rule
from crmcheck.scoring import Scorecard

IMPACT = {"high": 1.0, "medium": 2 / 3, "low": 1 / 3}
EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}
HORIZONS: tuple[int | str, ...] = (30, 60, 90, "later")


@dataclass(frozen=True)
class Trigger:
    """One condition that held, in words, with the shortfall it showed."""

    text: str
    gap: float
    process: str | None = None


@dataclass
class Action:
    """A recommendation that applies, with where and why."""

    rule: str
    recommendation: Recommendation
    scope: str
    priority: float
    gap: float
    processes: list[str] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Return the recommendation's title."""
        return self.recommendation.title

    @property
    def horizon(self) -> int | str:
        """Return when to do it: 30, 60, 90 days or 'later'."""
        return self.recommendation.horizon


@dataclass
class ActionPlan:
    """Ranked actions, and the same actions grouped by horizon."""

    actions: list[Action]

    def by_horizon(self) -> dict[int | str, list[Action]]:
        """Return the actions grouped by horizon, each group in rank order."""
        groups: dict[int | str, list[Action]] = {h: [] for h in HORIZONS}
        for a in self.actions:
            groups[a.horizon].append(a)
        return groups

    def for_process(self, process_id: str) -> list[Action]:
        """Return the actions that name a process."""
        return [a for a in self.actions if process_id in a.processes]


class _Eval:
    def __init__(self, q: Questionnaire, card: Scorecard, process: str | None) -> None:
        self.q, self.card, self.process = q, card, process
        self.in_scope = {p.id for p in card.processes}
        self.titles = {p.id: p.title for p in card.processes}

    def run(self, cond: Condition) -> list[Trigger] | None:
        """Return the triggers if the condition holds, else None."""
        if cond.all is not None:
            out: list[Trigger] = []
            for sub in cond.all:
                got = self.run(sub)
                if got is None:
                    return None
                out += got
            return out
        if cond.any is not None:
            hits = [t for sub in cond.any if (t := self.run(sub)) is not None]
            return None if not hits else [x for h in hits for x in h]
        if cond.not_ is not None:
            return [] if self.run(cond.not_) is None else None
        if cond.question is not None:
            return self._question(cond)
        if cond.disagreement is not None:
            return self._disagreement(cond.disagreement)
        if cond.criterion is not None:
            crit = next(c for c in self.q.criteria if c.id == cond.criterion)
            if self.process is not None:
                ps = self.card.process(self.process)
                value = ps.criteria.get(cond.criterion) if ps else None
                label = f"{crit.title} in {self.titles[self.process]}"
            else:
                value = self.card.criteria.get(cond.criterion)
                label = f"{crit.title} across processes"
            return self._compare(cond, value, label, self.process)
        if cond.process is not None:
            pid = self.process if cond.process == "this" else cond.process
            if pid is None or pid not in self.in_scope:
                return None
            ps = self.card.process(pid)
            return self._compare(cond, ps.score if ps else None, f"{self.titles[pid]} score", pid)
        if cond.sin is not None:
            sin = self.card.sin(cond.sin)
            if sin is None or sin.score is None:
                return None
            if cond.risk is not None:
                if sin.level not in cond.risk:
                    return None
                return [Trigger(f"{sin.title}: {sin.level} risk ({sin.risk:.0f})", (sin.risk or 0) / 100)]
            return self._compare(cond, sin.score, f"{sin.title} score", None)
        if cond.index:
            return self._compare(cond, self.card.index, "readiness index", None)
        raise AssertionError(f"unhandled condition {cond}")  # the model allows nothing else

    def _compare(
        self, cond: Condition, value: float | None, label: str, process: str | None
    ) -> list[Trigger] | None:
        if value is None:
            return None
        if cond.below is not None and not value < cond.below:
            return None
        if cond.at_least is not None and not value >= cond.at_least:
            return None
        word = f"below {cond.below:g}" if cond.below is not None else f"at least {cond.at_least:g}"
        return [Trigger(f"{label} {value:.0f} ({word})", 1 - value / 100, process)]

    def _where(self, qid: str) -> str | None:
        item = self.q.question(qid)
        assert item is not None
        if item.kind == "sin":
            return PROGRAMME
        if item.kind == "process":
            return item.owner if item.owner in self.in_scope else None
        return self.process

    def _question(self, cond: Condition) -> list[Trigger] | None:
        qid = cond.question or ""
        where = self._where(qid)
        if where is None:
            return None
        res = self.card.result(where, qid)
        if res is None or res.status == "hidden":
            return None
        item = self.q.question(qid)
        assert item is not None
        scale = self.q.scale_of(item.question)
        proc = None if where == PROGRAMME else where
        place = "" if proc is None else f" in {self.titles[proc]}"
        if cond.answer is not None:
            wanted = {"dont_know": "dont_know", "na": "na", "unanswered": "unanswered"}[cond.answer]
            if res.status != wanted:
                return None
            words = {"dont_know": "nobody knew", "na": "not applicable", "unanswered": "not answered yet"}
            return [Trigger(f"{qid}{place}: {words[wanted]}", 1.0 if wanted == "dont_know" else 0.5, proc)]
        if res.value is None:
            return None
        if cond.below is not None and not res.value < cond.below:
            return None
        if cond.at_least is not None and not res.value >= cond.at_least:
            return None
        label = _level_label(self.q, item.question.scale, res.value)
        return [Trigger(f"{qid}{place}: {res.value:.1f} ({label})", 1 - scale.normalise(res.value), proc)]

    def _disagreement(self, qid: str) -> list[Trigger] | None:
        if qid == "any":
            pool = [r for r in self.card.disagreements if self.process is None or r.process == self.process]
        else:
            where = self._where(qid)
            res = self.card.result(where, qid) if where else None
            pool = [res] if res is not None and res.disagreement else []
        if not pool:
            return None
        out = []
        for r in pool:
            item = self.q.question(r.question)
            assert item is not None and r.spread is not None
            scale = self.q.scale_of(item.question)
            proc = None if r.process == PROGRAMME else r.process
            place = "programme" if proc is None else self.titles[proc]
            out.append(Trigger(f"{r.question} ({place}): answers {r.spread} levels apart",
                               r.spread / (scale.high - scale.low), proc))
        return out


def _level_label(q: Questionnaire, scale_id: str, value: float) -> str:
    levels = q.scales[scale_id].levels
    nearest = min(levels, key=lambda lv: (abs(lv.value - value), lv.value))
    return nearest.label


def build_action_plan(q: Questionnaire, card: Scorecard) -> ActionPlan:
    """Evaluate every rule against the scorecard and return the ranked, deduplicated plan."""
    importance = {p.id: p.importance for p in card.processes}
    fired: dict[str, dict[str | None, tuple[float, float, list[Trigger]]]] = {}
    for rule in q.rules:
        targets: list[str | None] = [p.id for p in card.processes] if rule.scope == "process" else [None]
        for target in targets:
            triggers = _Eval(q, card, target).run(rule.when)
            if triggers is None:
                continue
            gap = sum(t.gap for t in triggers) / len(triggers) if triggers else 0.5
            if target is not None:
                weight = importance[target]
            else:
                named = [importance[t.process] for t in triggers if t.process in importance]
                weight = max(named) if named else q.scoring.programme_importance
            priority = 100 * gap * IMPACT[rule.recommend.impact] * weight / 5
            fired.setdefault(rule.id, {})[target] = (priority, gap, triggers)

    for rule in q.rules:
        for target in list(fired.get(rule.id, {})):
            for other in rule.supersedes:
                fired.get(other, {}).pop(target, None)

    rules = {r.id: r for r in q.rules}
    actions = [_action(rules[rid], per) for rid, per in fired.items() if per]
    actions.sort(key=_rank)
    return ActionPlan(actions)


def _action(rule: Rule, per: dict[str | None, tuple[float, float, list[Trigger]]]) -> Action:
    ordered = sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0] or ""))
    processes = [t for t, _ in ordered if t is not None]
    if rule.scope == "programme":
        named = {t.process for _, (_, _, trig) in ordered for t in trig if t.process}
        processes = sorted(named)
    triggers = [t for _, (_, _, trig) in ordered for t in trig]
    best = ordered[0][1]
    return Action(rule.id, rule.recommend, rule.scope, round(best[0], 1), round(best[1], 3), processes, triggers)


def _rank(a: Action) -> tuple[float, int, int, str]:
    return (-a.priority, EFFORT_ORDER[a.recommendation.effort], HORIZONS.index(a.horizon), a.rule)
