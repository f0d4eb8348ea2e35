"""Scorecard -> action plan: evaluate the questionnaire's rules, rank what fires.

Priority (0-100) = 100 × gap × impact × importance × evidence, where
- gap is the mean shortfall of the conditions that made the rule fire (1 - score for a
  question, criterion, process, sin or the index); 0.5 when only negations fired.
  Disagreements pool instead of averaging: each adds its share (spread / scale range, times
  its area's importance / 5) by ``1 - prod(1 - share)``, so the more and the more important
  the disagreements, the higher settling them ranks;
- impact is high 1, medium 2/3, low 1/3;
- importance is the process's importance / 5. A programme rule weighs like the most important
  process in scope (at least ``scoring.programme_importance``): a programme-wide gap touches
  every process, so it is never capped below a process rule;
- evidence is 0.7 when the answers that fired the rule come from one respondent, 1.0 from two
  or more, a level seen or measured counting as a second voice (as for risks in ``findings``):
  one person's single 0 ranks below a gap the room confirms or a document shows.
A process-scope rule that fires for several processes becomes one action listing them,
ranked by its highest priority.

Order of the plan: first the actions the verdict implies (``leads_when``), then those that
clear a blocker or an open blocker (unless it rests on one respondent's word and is not a go-live
gate: a No-go question asked only while implementing, such as compliance's sign-off), then the rest by
priority; ties break on the severity of the biggest risk the action addresses (``findings``:
an owner for the worst process before an owner for a middling one), then lower effort,
then sooner horizon, then rule id, so the plan is the same every time. A rule's ``after``
names rules whose actions must come before it; the plan honours that order. Among the first
five, an action waits until after them when every process it is about already has two actions
there (whatever the rule's scope: a programme rule that fired on one process's answers is about
that process).
A rule listed in another firing rule's ``supersedes`` is dropped where that other rule fired.
The plan is for the wave going live next: a later wave's processes get no actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from crmcheck import figures
from crmcheck.findings import evidence_factor, programme_weight, rank_risks
from crmcheck.questionnaire import PROGRAMME, Condition, Questionnaire, Recommendation, Rule
from crmcheck.scoring import QuestionResult, RespondentSummary, Scorecard, backers

IMPACT = {"high": 1.0, "medium": 2 / 3, "low": 1 / 3}
EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}
HORIZONS: tuple[int | str, ...] = (30, 60, 90, "later")


@dataclass(frozen=True)
class Trigger:
    """One condition that held, in words, with the shortfall it showed."""

    text: str
    gap: float
    process: str | None = None
    support: float | None = None  # respondents behind it (mean per question); None: not from answers
    pooled: bool = False  # a disagreement: pooled with the others instead of averaged
    question: str | None = None  # the question instance it rests on, when it is one
    sin: str | None = None  # the sin whose score or risk it rests on, when it is one


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
    owner: str = ""  # the owner role, with a name where a respondent holds it, else "to be named"
    leads: bool = False  # implied by the verdict
    clears_blocker: bool = False
    stake: float = 0.0  # severity of the biggest risk it addresses (``findings``): breaks ties in priority

    @property
    def thin(self) -> bool:
        """Return whether the answers that fired this action come from one respondent."""
        supports = [t.support for t in self.triggers if t.support is not None]
        return bool(supports) and max(supports) <= 1

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


def _once(triggers: list[Trigger]) -> list[Trigger]:
    """Return triggers without repeats: "two of these three" names each question in two alternatives,
    and a question counted twice would weigh twice in the rule's gap and show twice in its reasons."""
    return list(dict.fromkeys(triggers))


class _Eval:
    def __init__(self, q: Questionnaire, card: Scorecard, process: str | None, in_scope: set[str]) -> None:
        self.q, self.card, self.process = q, card, process
        self.in_scope = in_scope
        self.titles = {p.id: p.title for p in card.processes}
        self.importance = {p.id: p.importance for p in card.processes}

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
            support = self._support(lambda r: r.group == cond.criterion
                                    and (r.process == self.process if self.process else r.process != PROGRAMME))
            return self._compare(cond, value, label, self.process, support)
        if cond.process is not None:
            pid = self.process if cond.process == "this" else cond.process
            if pid is None or pid not in self.in_scope:
                return None
            ps = self.card.process(pid)
            return self._compare(cond, ps.score if ps else None, f"{self.titles[pid]} score", pid,
                                 self._support(lambda r: r.process == pid))
        if cond.sin is not None:
            sin = self.card.sin(cond.sin)
            if sin is None or sin.score is None:
                return None
            if cond.risk is not None:
                if sin.level not in cond.risk:
                    return None
                support = self._support(lambda r: r.process == PROGRAMME and r.group == cond.sin)
                return [Trigger(f"{sin.title}: {sin.level} risk ({figures.text(sin.risk)})", (sin.risk or 0) / 100,
                                support=support, sin=sin.id)]
            found = self._compare(cond, sin.score, f"{sin.title} score", None,
                                  self._support(lambda r: r.process == PROGRAMME and r.group == cond.sin))
            return None if found is None else [replace(t, sin=sin.id) for t in found]
        if cond.index:
            return self._compare(cond, self.card.index, "readiness index", None)
        raise AssertionError(f"unhandled condition {cond}")  # the model allows nothing else

    def _support(self, pick: Callable[[QuestionResult], bool]) -> float | None:
        """Return how many respondents back the scored questions ``pick`` selects (as in findings)."""
        picked = [r for r in self.card.questions if r.status == "scored" and pick(r)]
        if not picked:
            return None
        people = {n for r in picked for n, a in r.answers.items() if a.kind == "level"}
        shown = any(a.evidenced for r in picked for a in r.answers.values() if a.kind == "level")
        return float(backers(len(people), shown))

    def _compare(
        self, cond: Condition, value: float | None, label: str, process: str | None,
        support: float | None = None,
    ) -> list[Trigger] | None:
        if value is None:
            return None
        if cond.below is not None and not value < cond.below:
            return None
        if cond.at_least is not None and not value >= cond.at_least:
            return None
        word = f"below {cond.below:g}" if cond.below is not None else f"at least {cond.at_least:g}"
        return [Trigger(f"{label} {figures.text(value)} ({word})", 1 - value / 100, process, support)]

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
            return [Trigger(f"{_said(item.question.text)}{place}: {words[wanted]}",
                            1.0 if wanted == "dont_know" else 0.5, proc,
                            question=qid)]
        if res.value is None:
            return None
        if cond.below is not None and not res.value < cond.below:
            return None
        if cond.at_least is not None and not res.value >= cond.at_least:
            return None
        label = _level_label(self.q, item.question.scale, res.value)
        # The gap is read at the hesitations' midpoint: "0 or 1" is not the whole gap (the range shows both).
        mid = res.midpoint
        return [Trigger(f"{_said(item.question.text)}{place}: {res.value:.1f} ({label})",
                        1 - scale.normalise(res.value if mid is None else mid), proc,
                        float(res.support), question=qid)]

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
            weight = (self.importance.get(r.process, self.q.scoring.programme_importance)) / 5
            out.append(Trigger(f"{_said(item.question.text)} ({place}): answers {r.spread} levels apart",
                               r.spread / (scale.high - scale.low) * weight, proc, pooled=True, question=r.question))
        return out


def _said(text: str, room: int = 70) -> str:
    """Return a question as the client reads it in a reason: its words, quoted, cut at a word."""
    if len(text) > room:
        text = text[:room].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
    return f"“{text}”"


def _level_label(q: Questionnaire, scale_id: str, value: float) -> str:
    levels = q.scales[scale_id].levels
    nearest = min(levels, key=lambda lv: (abs(lv.value - value), lv.value))
    return nearest.label


def _gap(triggers: Sequence[Trigger]) -> float:
    """Return a rule's gap: plain triggers averaged, disagreements pooled into one of them."""
    if not triggers:
        return 0.5
    plain = [t.gap for t in triggers if not t.pooled]
    pooled = [t.gap for t in triggers if t.pooled]
    if pooled:
        rest = 1.0
        for g in pooled:
            rest *= 1 - min(1.0, g)
        plain.append(1 - rest)
    return sum(plain) / len(plain)


def _programme_rule_weight(q: Questionnaire, triggers: Sequence[Trigger], importance: dict[str, int],
                           programme: int) -> int:
    """Return the weight of a programme-wide rule: the programme's, unless it rests only on process questions.

    A rule that tests a question one process asks of itself (campaigns' exclusion of customers in
    debt) is about that process, whatever its scope says: it weighs that process's importance, or
    a campaign rule at importance 2 would rank with the programme's importance 5. Disagreements
    pool their own importance, and a process's score is a programme matter, so neither counts here.
    """
    own = [t.process for t in triggers
           if t.question is not None and t.process in importance and not t.pooled
           and (item := q.question(t.question)) is not None and item.kind == "process"]
    return max(importance[p] for p in own) if own and len(own) == len(triggers) else programme


def _evidence(triggers: Sequence[Trigger]) -> float:
    """Return the evidence factor of the best-backed trigger (1.0 when none rests on answers)."""
    supports = [t.support for t in triggers if t.support is not None]
    return evidence_factor(max(supports)) if supports else 1.0


_SENIOR = {"director", "head", "chief", "vp", "manager", "lead", "officer", "owner", "partner", "president"}
# Words that all say "the one in charge of": the head of the CRM platform is its owner, the head of
# sales its director. "Manager", "lead" and "chief" are not among them: an IT manager or a marketing
# lead is not always the director, and a chief executive is one particular person.
_IN_CHARGE = {"owner", "head", "director"}
_FILLER = {"of", "the", "and", "&", "for"}


# Words that name the same thing in a title: a CRM programme lead is the CRM project lead.
_SAME = {"programme": "project", "program": "project"}
# Words that make a comma-separated part of a role a title of its own: in "Chief Financial Officer,
# executive sponsor of the CRM programme" the CFO is no chief executive, but "Head of marketing,
# Benelux" is one title with its region.
_TITLE = _SENIOR | {"executive", "sponsor", "member", "administrator", "analyst", "coordinator", "specialist"}


def _words(role: str) -> set[str]:
    """Return a role's words, less punctuation: "Head of Platforms (CRM platform owner)" names its remit."""
    return {_SAME.get(w, w) for w in re.findall(r"[\w&]+", role.casefold())}


def _titles(role: str) -> list[str]:
    """Return the titles a respondent's role holds: its comma-separated parts, a part that holds no title word
    ("Benelux", "sales") read with the part before it."""
    out: list[str] = []
    for part in re.split(r"[,;]", role):
        if out and not _words(part) & _TITLE:
            out[-1] += "," + part
        elif part.strip():
            out.append(part)
    return out


def _in_charge_of(role: str) -> frozenset[str] | None:
    """Return what a role is in charge of (its words less the title), if its title says it is."""
    words = _words(role)
    if not words & _IN_CHARGE:
        return None
    subject = frozenset(words - _IN_CHARGE - _FILLER)
    return subject or None


def owner_for(role: str, respondents: Sequence[RespondentSummary]) -> str:
    """Return the owner role with who holds it, a suggestion from its department, or "to be named".

    A role exists in the organisation only when a respondent holds it: the same words in one of
    the titles their role lists, ignoring case and order (a CFO who is also executive sponsor is
    the sponsor, not the chief executive), or the same remit under another title (the Head of CRM
    Platform is the CRM platform owner, the Head of Sales the sales director). Failing that, a
    respondent from the department the role names (e.g. marketing for "Head of marketing") is
    suggested, if the role is senior only someone whose own role is (a head, director, manager,
    lead…). Otherwise the role is marked
    "to be named": the plan never hands an action to someone who is not there.
    """
    head, sep, rest = role.partition(" with ")
    words = _words(head)
    charge = _in_charge_of(head)
    holders = [r.name for r in respondents
               if any((words and words <= _words(t)) or (charge is not None and charge == _in_charge_of(t))
                      for t in _titles(r.role))]
    if holders:
        return f"{head} ({', '.join(holders)}){sep}{rest}"
    # A senior role is suggested only to someone senior: an administrator in IT is no IT director.
    senior = bool(words & _SENIOR)
    suggested = [f"{r.name}, {r.role}" for r in respondents
                 if r.department and r.department.casefold() in words
                 and (not senior or _words(r.role) & _SENIOR)]
    if suggested:
        return f"{head} (suggested: {'; '.join(suggested)}){sep}{rest}"
    return f"{head} (to be named){sep}{rest}"


def build_action_plan(q: Questionnaire, card: Scorecard) -> ActionPlan:
    """Evaluate every rule that applies at the assessment's stage and return the ranked, deduplicated plan."""
    importance = {p.id: p.importance for p in card.processes}
    programme = programme_weight(q, card)
    fired: dict[str, dict[str | None, tuple[float, float, list[Trigger]]]] = {}
    # The plan is for the wave going live next: a later wave's processes get their actions when
    # their own wave is assessed (their scores, risks and blockers stay in the report), also where
    # a rule names such a process or asks its own questions.
    this_wave = card.in_wave
    in_scope = {p.id for p in this_wave}
    for rule in q.rules:
        # With no stage recorded every rule applies, but a rule is given once: in its own words,
        # not also in each stage variant's.
        if card.stage is None and rule.variant_of is not None:
            continue
        if card.stage is not None and rule.stages is not None and card.stage not in rule.stages:
            continue
        targets: list[str | None] = [p.id for p in this_wave] if rule.scope == "process" else [None]
        for target in targets:
            triggers = _Eval(q, card, target, in_scope).run(rule.when)
            if triggers is None:
                continue
            triggers = _once(triggers)
            gap = _gap(triggers)
            weight = (importance[target] if target is not None
                      else _programme_rule_weight(q, triggers, importance, programme))
            priority = 100 * gap * IMPACT[rule.recommend.impact] * weight / 5 * _evidence(triggers)
            fired.setdefault(rule.id, {})[target] = (priority, gap, triggers)

    for rule in q.rules:
        for target in list(fired.get(rule.id, {})):
            for other in rule.supersedes:
                fired.get(other, {}).pop(target, None)

    rules = {r.id: r for r in q.rules}
    severity = {r.key: r.severity for r in rank_risks(q, card)}
    blocked = binding_blockers(q, card)
    blocked_sins = {item.group for p, qid in blocked if p == PROGRAMME and (item := q.question(qid)) is not None}
    actions = []
    for rid, per in fired.items():
        if not per:
            continue
        act = _action(rules[rid], per)
        act.owner = owner_for(act.recommendation.owner, card.respondents)
        act.leads = card.verdict in rules[rid].leads_when
        # A blocker resting on one respondent's word does not jump the queue: it ranks by priority.
        # A go-live gate does: it is a sign-off or a plan that one accountable person knows (compliance
        # knows whether it signed), and going live past it costs far more than confirming it.
        act.clears_blocker = any(
            ((t.question is not None and ((t.process or PROGRAMME), t.question) in blocked)
             or (t.sin is not None and t.sin in blocked_sins))
            and (t.support is None or t.support > 1 or _gate(q, t.question)) for t in act.triggers)
        act.stake = max((severity.get(k, 0.0) for k in _risks_addressed(q, act)), default=0.0)
        actions.append(act)
    actions.sort(key=_rank)
    # Spread the five as the board will see them (prerequisites already pulled up), then honour
    # ``after`` again for a prerequisite the spreading held back below its dependant.
    return ActionPlan(_honour_after(_spread(_honour_after(actions, rules)), rules))


def binding_blockers(q: Questionnaire, card: Scorecard) -> set[tuple[str, str]]:
    """Return the blockers (and open blockers) that hold the verdict below what index and risks give.

    A Conditional cap on a verdict that is No-go on its index changes nothing: clearing it is
    worth doing, but it is not what stands between the company and a better verdict, so its
    action ranks by priority instead of jumping the queue.
    """
    from crmcheck.scoring import VERDICTS, unblocked_verdict

    free = VERDICTS.index(unblocked_verdict(q, card))
    out = {(b.process, b.question) for b in card.blockers if VERDICTS.index(b.caps) < free}
    if free == VERDICTS.index("Go"):
        out |= {(o.process, o.question) for o in card.open_blockers}
    return out


def _honour_after(actions: list[Action], rules: dict[str, Rule]) -> list[Action]:
    """Return the actions in rank order, each moved after the fired actions its rule names in ``after``."""
    # 'after: [name-owner]' also means after name-owner's stage variants (name-owner-live).
    root = {rid: r.variant_of or rid for rid, r in rules.items()}
    by_root: dict[str, list[Action]] = {}
    for act in actions:
        by_root.setdefault(root[act.rule], []).append(act)
    out: list[Action] = []
    placed: set[str] = set()

    def place(a: Action, path: frozenset[str]) -> None:
        if a.rule in placed or a.rule in path:  # a cycle is a linter error; never loop on one
            return
        for pre in rules[a.rule].after:
            for before in by_root.get(root.get(pre, pre), []):
                place(before, path | {a.rule})
        placed.add(a.rule)
        out.append(a)

    for a in actions:
        place(a, frozenset())
    return out


FIRST = 5  # the actions a board sees first
PER_PROCESS = 2  # at most this many of them about the same process


def _spread(actions: list[Action]) -> list[Action]:
    """Return the plan with the first five spread over the risks.

    An action about processes (a process rule's, or a programme rule's that fired on their
    answers) whose every process already has two such actions above it among the first five
    waits until after them: a board's first five are distinct levers, and a weak
    process's owner, procedure and configuration are one programme of work for it, which the rest
    of the plan still lists. Actions the verdict implies or that clear a blocker stay where they are.
    """
    first: list[Action] = []
    held: list[Action] = []
    rest = list(actions)
    count: dict[str, int] = {}
    while rest and len(first) < FIRST:
        a = rest.pop(0)
        # An action is about the processes it lists, whatever its rule's scope: a programme rule that
        # fired on one process's answers (a complete order specification) is that process's work too.
        crowded = (a.processes and not a.leads and not a.clears_blocker
                   and all(count.get(p, 0) >= PER_PROCESS for p in a.processes))
        if crowded:
            held.append(a)
            continue
        first.append(a)
        for p in a.processes:
            count[p] = count.get(p, 0) + 1
    return first + held + rest


def _action(rule: Rule, per: dict[str | None, tuple[float, float, list[Trigger]]]) -> Action:
    ordered = sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0] or ""))
    processes = [t for t, _ in ordered if t is not None]
    if rule.scope == "programme":
        named = {t.process for _, (_, _, trig) in ordered for t in trig if t.process}
        processes = sorted(named)
    triggers = [t for _, (_, _, trig) in ordered for t in trig]
    best = ordered[0][1]
    return Action(rule.id, rule.recommend, rule.scope, round(best[0], 1), round(best[1], 3), processes, triggers)


def _gate(q: Questionnaire, qid: str | None) -> bool:
    """Return whether a question is a go-live gate: critical at No-go and asked only while implementing."""
    item = q.question(qid) if qid is not None else None
    if item is None or item.question.critical is None or item.question.stages is None:
        return False
    return item.question.critical.caps == "no-go" and set(item.question.stages) == {"implementing"}


def _risks_addressed(q: Questionnaire, act: Action) -> set[str]:
    """Return the risk keys (``process:id``, ``sin:id``) of the areas whose answers fired the action."""
    keys = {f"process:{p}" for p in act.processes}
    for t in act.triggers:
        if t.process is not None:
            keys.add(f"process:{t.process}")
        if t.sin is not None:
            keys.add(f"sin:{t.sin}")
        elif t.process is None and t.question is not None and (item := q.question(t.question)) is not None \
                and item.kind == "sin":
            keys.add(f"sin:{item.group}")
    return keys


def _rank(a: Action) -> tuple[int, int, float, float, int, int, str]:
    return (not a.leads, not a.clears_blocker, -a.priority, -a.stake, EFFORT_ORDER[a.recommendation.effort],
            HORIZONS.index(a.horizon), a.rule)
