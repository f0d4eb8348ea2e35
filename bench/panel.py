"""Measure crmcheck's judgement against a rating panel (../shared/VALIDATION.md).

Reads ``bench/panel/references/CASE.yaml`` (a consultant's reference, written before anyone saw
the tool) and ``bench/panel/ratings/CASE/RATER/answers.yaml`` (independent raters' recordings of
the same transcript), and prints, per case and pooled:

- question-level agreement between the raters (share identical, quadratic-weighted kappa);
- process x criterion and sin levels of the tool against the reference (score / 25 rounded,
  quadratic-weighted kappa, share exact);
- overlap of the tool's three biggest risks with the reference's, whether the tool's first
  action is among the reference's first five, and the overlap of the first five;
- the share of answers recorded between two levels, and how far the index and verdict move
  when every hesitation goes the other way.

With ``--baseline REV`` the same rater files are also judged by crmcheck at git revision REV
(answers' ``basis`` and ``or`` stripped, which that version did not know), side by side.

    python bench/panel.py                  # this checkout
    python bench/panel.py --baseline d263b1d
    python bench/panel.py --json
    python bench/panel.py --ratings ratings-2.0   # the second panel, recorded with crm-readiness 2.0
    python bench/panel.py --ratings ratings-2.0c ratings-5   # the fourth and fifth rounds, pooled
    python bench/panel.py --ratings ratings-5c --versus ratings-5b-1.0   # hesitation, 2.0 against 1.0

Rounds kept under bench/panel: ratings (1.0), ratings-2.0, -2.0b, -2.0c (2.0 on the first four
cases), ratings-2.1-draft (a rewrite not adopted), ratings-5 and ratings-5-1.0 (three new cases,
each rated with 2.0 by two raters and with 1.0 by one, briefs RATER_BRIEF-2.0.md and
RATER_BRIEF-1.0-round5.md), and ratings-5b / ratings-5b-1.0 (the same three cases, one more rater
each per version, with a brief that counts as hesitation only wording that leaves two levels
open and asks for missing evidence to be noted as "not settled": RATER_BRIEF-2.0-5b.md and
RATER_BRIEF-1.0-5b.md), then ratings-5c, ratings-5d and ratings-5d-1.0 (the same brief, one more
rater per case and version, after the level-picking rule gained "rate the weaker part when the
shares are unknown" and "rate what usually happens"), and ratings-6 (three more cases, written
from WRITER_BRIEF-round6.md and rated with 2.0 by two raters each under the 5b brief, after the
judgement changes the earlier rounds asked for), and ratings-7 (a held-out round: four more cases
written from WRITER_BRIEF-round7.md before any change this round, rated under the same brief,
RATER_BRIEF-2.0-round7.md; freight-havenlijn and freight-implementing are two writers' answers to
the same brief, written in parallel), and ratings-8 (held out again: council-selecting,
retail-live and chemicals-implementing, written from WRITER_BRIEF-round8.md and rated under the
round-7 brief before any judgement change; council's first r1 failed, so its raters are r2, r3).

Three sets of action figures are printed: strict (rule ids, through stage variants), by concept
(the CONCEPT table, and an action carries the rules it supersedes), and carried: by concept, and
a reference action also matches the other rules its own words instruct, as both of two blind
adjudicators read them (bench/panel/adjudication: the brief, the inputs they saw, their answers).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]

# The references name crm-readiness 1.0's rules. 2.0 restates some for other stages (variant_of:
# name-owner-live is name-owner) and replaces a few pre-purchase rules with what the same advice
# is once live or implementing. Matching an action to a reference goes through the variant's
# base rule, and, for the "concept" figures, through this table, fixed before the second panel's
# results were read. Each entry: 2.0 rule -> the 1.0 rule whose advice it carries, and why.
CONCEPT = {
    "platform-owner": "active-sponsor",  # once live, the accountable executive is the platform's owner
    "benefits-tracking": "benefit-reviews",  # benefits measured per release are the benefit reviews, live
    "deliver-integrations": "single-customer-view",  # live, one view of the customer is the promised integrations
    "live-data-quality": "data-quality-owner",  # the live form of owning customer data quality
    "postpone-wave-golive": "hold-selection",  # what a No-go implies while implementing: stop and fix first
    "stabilise-platform": "hold-selection",  # ... and once live
}
PANEL = ROOT / "bench" / "panel"
# A reference action sometimes gives two instructions in one sentence ("agree a strategy ...; no
# vendor talks until it is signed") and is filed under one rule. Two adjudicators who saw only
# the reference texts and the rule catalogue (adjudication/BRIEF.md), never the tool's output or
# the ratings, listed the other rules each text explicitly instructs. The "carried" figures count
# a rule as among the reference's five when both adjudicators found it in the text.
ADJUDICATORS = ("b1", "b2")
LEVELS = 5  # the built-in maturity scale, 0-4


def qwk(pairs: Sequence[tuple[int, int]], k: int = LEVELS) -> float | None:
    """Return the quadratic-weighted kappa of paired ratings on 0..k-1 (None when undefined)."""
    n = len(pairs)
    if n == 0:
        return None
    obs = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        obs[a][b] += 1
    ra = [sum(row) for row in obs]
    rb = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * ra[i] * rb[j] / n
    return None if den == 0 else 1 - num / den


def level_of(score: float | None) -> int | None:
    """Return a 0-100 score as the nearest level of the 0-4 scale."""
    return None if score is None else max(0, min(4, int(score / 25 + 0.5)))


@dataclass
class Judgement:
    """What a crmcheck version made of one answers file."""

    index: float
    verdict: str
    criteria: dict[tuple[str, str], int]  # (process, criterion) -> level
    sins: dict[str, int]
    top_risks: list[str]
    actions: list[str]
    low: tuple[float, str] | None = None
    high: tuple[float, str] | None = None
    thin_top: int = 0


def judge_current(path: Path) -> Judgement:
    """Judge an answers file with this checkout's crmcheck."""
    sys.path.insert(0, str(ROOT))
    from crmcheck.assess import score_answers_file

    j = score_answers_file(path)
    card, f = j.card, j.findings
    crit = {(p.id, c): lv for p in card.processes for c, v in p.criteria.items() if (lv := level_of(v)) is not None}
    sins = {s.id: lv for s in card.sins if (lv := level_of(s.score)) is not None}
    u = f.uncertainty
    return Judgement(card.index, card.verdict, crit, sins, [r.key for r in f.top_risks],
                     [a.rule for a in j.plan.actions],
                     None if u is None else (u.low.index, u.low.verdict),
                     None if u is None else (u.high.index, u.high.verdict),
                     sum(1 for r in f.top_risks if r.thin))


def _strip(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items() if k not in ("basis", "or")}
    if isinstance(data, list):
        return [_strip(v) for v in data]
    return data


def judge_baseline(path: Path, tree: Path) -> Judgement:
    """Judge an answers file with crmcheck from another worktree (its JSON; top risks as it ranked sins)."""
    data = _strip(yaml.safe_load(path.read_text(encoding="utf-8")))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, sort_keys=False, allow_unicode=True)
        tmp = fh.name
    try:
        out = subprocess.run([sys.executable, "-m", "crmcheck", "score", tmp, "--json"], capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, check=True).stdout
    finally:
        os.unlink(tmp)
    d = json.loads(out)
    order = ["low", "medium", "high"]
    ranked = sorted([s for s in d["sins"] if s["risk"] is not None],
                    key=lambda s: (-order.index(s["level"]), -s["risk"]))  # stable: questionnaire order
    crit = {(p["id"], c): lv for p in d["processes"] for c, v in p["criteria"].items()
            if (lv := level_of(v)) is not None}
    sins = {s["id"]: lv for s in d["sins"] if (lv := level_of(s["score"])) is not None}
    return Judgement(d["index"], d["verdict"], crit, sins, [f"sin:{s['id']}" for s in ranked[:3]],
                     [a["rule"] for a in d["actions"]])


def answers_of(path: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Return (respondent, group, question) -> the answer's long form, from an answers file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {}
    for r in data.get("respondents", []):
        for group, answers in (r.get("answers") or {}).items():
            for qid, ans in (answers or {}).items():
                long = {"level": ans} if isinstance(ans, int) else ({"answer": ans} if isinstance(ans, str) else ans)
                out[(r["name"].strip().casefold(), group, qid)] = long
    return out


@dataclass
class CaseResult:
    """One case's figures."""

    case: str
    raters: list[str]
    agreement_pairs: list[tuple[int, int]] = field(default_factory=list)
    crit_pairs: list[tuple[int, int]] = field(default_factory=list)
    sin_pairs: list[tuple[int, int]] = field(default_factory=list)
    risk_overlap: list[int] = field(default_factory=list)
    first_in_five: list[bool] = field(default_factory=list)
    rater_risks: list[int] = field(default_factory=list)  # tool's top 3 vs the rater's own, written first
    rater_first: list[bool] = field(default_factory=list)  # tool's first action among the rater's own five
    own_risks: list[int] = field(default_factory=list)  # the rater's own top 3 vs the reference's
    own_first: list[bool] = field(default_factory=list)  # the rater's own first action among the reference's five
    own_verdict: list[bool] = field(default_factory=list)  # the rater's own verdict is the reference's
    five_overlap: list[int] = field(default_factory=list)
    hesitations: list[tuple[int, int]] = field(default_factory=list)  # (with 'or', level answers)
    verdicts: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    tops: list[list[str]] = field(default_factory=list)
    firsts: list[str] = field(default_factory=list)
    thin_top: list[int] = field(default_factory=list)
    ref_verdict: str | None = None
    ref_index: float | None = None  # the reference's own levels, scored the tool's way


def with_stage(path: Path, stage: str | None, tmp: Path) -> Path:
    """Return the answers file, with the case's stage added where the rater could not record one.

    The stage is a plain fact of the transcript's company profile, not a judgement; raters of
    the first panel had no field for it.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if stage is None or data.get("stage"):
        return path
    data = {**{k: v for k, v in data.items() if k != "processes" and k != "respondents"}, "stage": stage,
            "processes": data["processes"], "respondents": data["respondents"]}
    out = tmp / f"{path.parent.parent.name}-{path.parent.name}.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


@functools.cache
def _builtin_rules() -> tuple[dict[str, Any], ...]:
    """Return the rules of every built-in questionnaire version, read once."""
    return tuple(r for path in sorted((ROOT / "questionnaires").glob("*.yaml"))
                 for r in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []))


def rule_families() -> dict[str, str]:
    """Map every rule id of the built-in questionnaires to its base rule (a stage variant's)."""
    out: dict[str, str] = {}
    for r in _builtin_rules():
        if r.get("variant_of") or r["id"] not in out:  # a variant in any version is one in all
            out[r["id"]] = r.get("variant_of") or r["id"]
    return out


def rule_supersedes() -> dict[str, set[str]]:
    """Map every rule id of the built-in questionnaires to the rules it supersedes (whose advice it carries)."""
    out: dict[str, set[str]] = {}
    for r in _builtin_rules():
        out.setdefault(r["id"], set()).update(r.get("supersedes") or [])
    return out


def covers(rule: str, families: dict[str, str], concept: bool, sup: dict[str, set[str]]) -> set[str]:
    """Return the ids an action matches a reference action by.

    Strictly, its own. By concept, also those of the rules it supersedes: the tool drops a
    superseded rule because the superseding action's steps carry it ("stabilise the platform"
    names the platform owner), so a reader of the plan sees that advice in it.
    """
    own = canonical(rule, families, concept)
    if not concept:
        return {own}
    return {own} | {canonical(s, families, concept) for s in sup.get(rule, set())}


@functools.cache
def carried(panel: Path) -> dict[str, list[set[str]]]:
    """Map each case to, per reference action in order, the extra rules both adjudicators found in its text."""
    lists: list[dict[str, Any]] = []
    for a in ADJUDICATORS:  # an adjudicator's answers per round: b1.yaml, b1-round8.yaml, ...
        merged: dict[str, Any] = {}
        for f in sorted((panel / "adjudication").glob(f"{a}*.yaml")):
            merged.update(yaml.safe_load(f.read_text(encoding="utf-8")) or {})
        lists.append(merged)
    if not all(lists):
        return {}
    return {case: [set.intersection(*(set(d.get(case, [[]] * 5)[i] or []) for d in lists))
                   for i in range(len(lists[0][case]))]
            for case in lists[0]}


def canonical(rule: str, families: dict[str, str], concept: bool) -> str:
    """Return the id an action is matched to the reference by."""
    base = families.get(rule, rule)
    return families.get(CONCEPT.get(base, base), CONCEPT.get(base, base)) if concept else base


@functools.cache
def _builtin() -> Any:
    """Return this checkout's built-in questionnaire, loaded once."""
    sys.path.insert(0, str(ROOT))
    from crmcheck.questionnaire import load_questionnaire

    return load_questionnaire(ROOT / "questionnaires" / "crm-readiness.yaml")


def hesitations(answers: dict[tuple[str, str, str], dict[str, Any]]) -> tuple[int, int]:
    """Return (answers recorded between two levels, answers giving a level) of one answers file."""
    levels = [x for x in answers.values() if x.get("level") is not None]
    return sum(1 for x in levels if x.get("or") is not None), len(levels)


def reference_index(ref: dict[str, Any]) -> float | None:
    """Return the index the reference's own levels give with the built-in questionnaire's weights.

    Process = mean of its criteria levels x 25 (the criteria weigh the same), processes weighted
    by importance; sins weighted as at the case's stage; sections as in ``scoring.sections``.
    It shows where the reference's consultant drew the verdict lines on the tool's scale.
    """
    q = _builtin()
    imp = {p["id"]: p.get("importance", 3) for p in ref.get("processes", [])}
    procs = [(sum(v[0] for v in crit.values()) / len(crit) * 25, imp.get(pid, 3))
             for pid, crit in ref.get("levels", {}).items() if crit]
    weights = {sin.id: sin.weight_at(ref.get("stage")) for sin in q.sins}
    sins = [(v[0] * 25, weights.get(sid, 1.0)) for sid, v in ref.get("sins", {}).items()]
    if not procs or not sins:
        return None
    mean = [sum(a * b for a, b in xs) / sum(b for _, b in xs) for xs in (procs, sins)]
    sec = q.scoring.sections
    return float((mean[0] * sec.processes + mean[1] * sec.programme) / (sec.processes + sec.programme))


def own_process_alias(ref: dict[str, Any], j: Judgement) -> dict[str, str]:
    """Map a rater's id for the company's own process to the reference's, when each has exactly one.

    A process of the company's own gets its id from whoever records it ("Housing repairs
    referrals" becomes housing-repairs-referrals for the rater, repairs-referrals for the writer):
    the same process under two spellings must match.
    """
    builtin = {p.id for p in _builtin().processes}
    ref_own = [p["id"] for p in ref.get("processes", []) if p["id"] not in builtin]
    mine = {pid for pid, _ in j.criteria} - builtin
    if len(ref_own) == 1 and len(mine) == 1 and mine != set(ref_own):
        return {mine.pop(): ref_own[0]}
    return {}


def _renamed(keys: Iterable[str], ids: dict[str, str]) -> list[str]:
    """Return risk keys with the processes in ``ids`` renamed."""
    return [f"process:{ids.get(k[8:], k[8:])}" if k.startswith("process:") else k for k in keys]


def measure(case: str, ref: dict[str, Any], raters: dict[str, Path], judge: Any,
            concept: bool = False, original: dict[str, Path] | None = None,
            extra: list[set[str]] | None = None) -> CaseResult:
    """Return one case's figures for one crmcheck version.

    ``extra``: per reference action, the other rules its text carries (``carried``); a tool or
    rater action matching one of them matches that reference action.
    """
    fam = rule_families()
    sup = rule_supersedes()
    original = original or {}
    res = CaseResult(case, sorted(raters), ref_verdict=ref.get("verdict"), ref_index=reference_index(ref))
    files = {name: answers_of(p) for name, p in raters.items()}
    names = sorted(files)
    if len(names) >= 2:
        a, b = files[names[0]], files[names[1]]
        for key in sorted(set(a) & set(b)):
            la, lb = a[key].get("level"), b[key].get("level")
            if la is not None and lb is not None:
                res.agreement_pairs.append((la, lb))
    ref_levels = ref.get("levels", {})
    ref_sins = ref.get("sins", {})
    ref_risks = [r["key"] for r in ref.get("top_risks", [])]
    more = extra or []
    ref_sets = [{canonical(r, fam, concept) for r in {a["rule"], *(more[i] if i < len(more) else set())}}
                for i, a in enumerate(ref.get("first_actions", []))]
    ref_five = set().union(*ref_sets[:5])
    for name in names:
        j = judge(raters[name])
        ids = own_process_alias(ref, j)
        j.criteria = {(ids.get(p, p), c): lv for (p, c), lv in j.criteria.items()}
        j.top_risks = _renamed(j.top_risks, ids)
        covered = [covers(a, fam, concept, sup) for a in j.actions]
        j.actions = [canonical(a, fam, concept) for a in j.actions]
        for pid, crits in ref_levels.items():
            for cid, val in crits.items():
                got = j.criteria.get((pid, cid))
                if got is not None:
                    res.crit_pairs.append((int(val[0]), got))
        for sid, val in ref_sins.items():
            got = j.sins.get(sid)
            if got is not None:
                res.sin_pairs.append((int(val[0]), got))
        res.risk_overlap.append(len(set(j.top_risks[:3]) & set(ref_risks[:3])))
        res.first_in_five.append(bool(covered) and bool(covered[0] & ref_five))
        own_path = raters[name].parent / "judgement.yaml"
        if not own_path.is_file():  # staged copies live elsewhere; the judgement sits beside the original
            own_path = original.get(name, raters[name]).parent / "judgement.yaml"
        if own_path.is_file():
            own = yaml.safe_load(own_path.read_text(encoding="utf-8")) or {}
            mine = [canonical(a, fam, concept) for a in own.get("first_actions", [])]
            own["top_risks"] = _renamed(own.get("top_risks", []), ids)
            res.rater_risks.append(len(set(j.top_risks[:3]) & set(own.get("top_risks", [])[:3])))
            res.rater_first.append(bool(covered) and bool(covered[0] & set(mine[:5])))
            # The human yardstick: the rater's own judgement, written before the tool, against the reference.
            res.own_risks.append(len(set(own.get("top_risks", [])[:3]) & set(ref_risks[:3])))
            res.own_first.append(bool(mine) and mine[0] in ref_five)
            if own.get("verdict") and ref.get("verdict"):
                res.own_verdict.append(own["verdict"] == ref["verdict"])
        tool_five = set().union(*covered[:5])
        res.five_overlap.append(sum(1 for rs in ref_sets[:5] if rs & tool_five))
        res.hesitations.append(hesitations(files[name]))
        res.verdicts.append(f"{j.verdict} {j.index:.1f}")
        if j.low is None or j.high is None:
            res.ranges.append("-")
        else:
            verdicts = j.low[1] if j.low[1] == j.high[1] else f"{j.low[1]}/{j.high[1]}"
            res.ranges.append(f"{j.low[0]:.1f}-{j.high[0]:.1f} {verdicts}")
        res.tops.append(j.top_risks[:3])
        res.firsts.append(j.actions[0] if j.actions else "-")
        res.thin_top.append(j.thin_top)
    return res


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.2f}"


def _share(pairs: Iterable[tuple[int, int]]) -> float | None:
    p = list(pairs)
    return None if not p else sum(1 for a, b in p if a == b) / len(p)


def _within_one(pairs: Iterable[tuple[int, int]]) -> float | None:
    p = list(pairs)
    return None if not p else sum(1 for a, b in p if abs(a - b) <= 1) / len(p)


def summary(results: list[CaseResult]) -> dict[str, Any]:
    """Return the pooled figures."""
    agree = [p for r in results for p in r.agreement_pairs]
    crit = [p for r in results for p in r.crit_pairs]
    sins = [p for r in results for p in r.sin_pairs]
    hes = [h for r in results for h in r.hesitations]
    return {
        "rater_agreement_identical": _share(agree), "rater_agreement_kappa": qwk(agree),
        "criteria_kappa": qwk(crit), "criteria_exact": _share(crit),
        "sins_kappa": qwk(sins), "sins_exact": _share(sins), "sins_within_one": _within_one(sins),
        "sins_reference_levels": [sum(1 for a, _ in sins if a == lv) for lv in range(LEVELS)],
        "risk_overlap": [o for r in results for o in r.risk_overlap],
        "first_action_in_reference_five": [f for r in results for f in r.first_in_five],
        "top3_vs_raters_own": [o for r in results for o in r.rater_risks],
        "first_action_in_raters_own_five": [f for r in results for f in r.rater_first],
        "five_overlap": [o for r in results for o in r.five_overlap],
        "raters_own_top3_vs_reference": [o for r in results for o in r.own_risks],
        "raters_own_first_in_reference_five": [f for r in results for f in r.own_first],
        "raters_own_verdict_as_reference": [v for r in results for v in r.own_verdict],
        "verdict_matches_reference": [v.split()[0] == r.ref_verdict for r in results for v in r.verdicts
                                      if r.ref_verdict],
        "hesitation_share": sum(h for h, _ in hes) / total if (total := sum(n for _, n in hes)) else None,
    }


def report(label: str, results: list[CaseResult]) -> dict[str, Any]:
    """Print one version's figures and return them."""
    print(f"== {label}")
    for r in results:
        print(f"  {r.case}: raters {', '.join(r.raters)}")
        print(f"    rater agreement   identical {_fmt(_share(r.agreement_pairs))}  kappa {_fmt(qwk(r.agreement_pairs))}"
              f"  ({len(r.agreement_pairs)} shared answers)")
        if r.ref_verdict:
            at = "" if r.ref_index is None else f"; its own levels give index {r.ref_index:.1f}"
            print(f"    reference verdict {r.ref_verdict}{at}")
        print(f"    criteria vs ref   kappa {_fmt(qwk(r.crit_pairs))}  exact {_fmt(_share(r.crit_pairs))}"
              f"   sins vs ref kappa {_fmt(qwk(r.sin_pairs))}  exact {_fmt(_share(r.sin_pairs))}")
        for i, name in enumerate(r.raters):
            h, n = r.hesitations[i]
            print(f"    {name}: {r.verdicts[i]:<18} range {r.ranges[i]:<26} top-3 overlap {r.risk_overlap[i]}/3"
                  f"  first action {'in' if r.first_in_five[i] else 'NOT in'} ref five ({r.firsts[i]})"
                  f"  five overlap {r.five_overlap[i]}/5  hesitations {h}/{n}  thin top risks {r.thin_top[i]}")
            print(f"      top risks: {', '.join(r.tops[i])}")
    s = summary(results)
    print(f"  pooled: rater agreement {_fmt(s['rater_agreement_identical'])} identical, kappa "
          f"{_fmt(s['rater_agreement_kappa'])}; criteria kappa {_fmt(s['criteria_kappa'])} (exact "
          f"{_fmt(s['criteria_exact'])}); sins kappa {_fmt(s['sins_kappa'])} (exact {_fmt(s['sins_exact'])})")
    # Kappa corrects for the agreement expected by chance from how the levels are spread. When
    # nearly every reference sin sits on one level, that expectation is close to the agreement
    # itself, so a few misses move kappa far (the kappa paradox): the spread is printed beside it.
    print(f"  sins: within one level {_fmt(s['sins_within_one'])}; reference levels 0-4 "
          f"{s['sins_reference_levels']} (kappa is unstable when one level holds most of them)")
    ro = s["risk_overlap"]
    print(f"  top-3 overlap per rating: {ro} (>= 2 in {sum(1 for o in ro if o >= 2)} of {len(ro)}); first action "
          f"in reference five: {sum(s['first_action_in_reference_five'])} of {len(ro)}; five overlap "
          f"{s['five_overlap']}; hesitation share {_fmt(s['hesitation_share'])}")
    vm = s["verdict_matches_reference"]
    if vm:
        print(f"  verdict as the reference's: {sum(vm)} of {len(vm)} ratings")
    own = s["top3_vs_raters_own"]
    if own:
        print(f"  against each rater's own judgement (written before the tool): top-3 overlap {own} (>= 2 in "
              f"{sum(1 for o in own if o >= 2)} of {len(own)}); first action in their five: "
              f"{sum(s['first_action_in_raters_own_five'])} of {len(own)}")
    yard = s["raters_own_top3_vs_reference"]
    if yard:
        ov = s["raters_own_verdict_as_reference"]
        print(f"  the human yardstick, each rater's own judgement against the reference: top-3 overlap {yard} (>= 2 in "
              f"{sum(1 for o in yard if o >= 2)} of {len(yard)}); first action in the reference's five: "
              f"{sum(s['raters_own_first_in_reference_five'])} of {len(yard)}; verdict as the reference's: "
              f"{sum(ov)} of {len(ov)}")
    return s


def hesitation_share(panel: Path, folders: Sequence[str], refs: dict[str, Any]) -> tuple[float | None, int, int]:
    """Return the share of level answers recorded between two levels, with its counts, over the folders."""
    hes = total = 0
    for folder in folders:
        for case in refs:
            for path in sorted((panel / folder / case).glob("*/answers.yaml")):
                h, n = hesitations(answers_of(path))
                hes, total = hes + h, total + n
    return (hes / total if total else None), hes, total


def main(argv: list[str] | None = None) -> int:
    """Run the panel measurement."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panel", type=Path, default=PANEL, help="panel folder (references/, ratings/)")
    ap.add_argument("--baseline", metavar="REV", help="also judge with crmcheck at this git revision")
    ap.add_argument("--json", action="store_true", help="print the pooled figures as JSON")
    ap.add_argument("--ratings", nargs="+", default=["ratings"],
                    help="ratings folders under the panel, pooled (ratings: recorded with crm-readiness 1.0; "
                         "ratings-2.0c and ratings-5: with 2.0)")
    ap.add_argument("--versus", nargs="+", metavar="FOLDER",
                    help="also print the hesitation share of these ratings folders (e.g. the same cases rated "
                         "with crm-readiness 1.0) beside this one's, and the ratio")
    args = ap.parse_args(argv)
    refs = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((args.panel / "references").glob("*.yaml"))}
    if not refs:
        print(f"no references under {args.panel / 'references'}", file=sys.stderr)
        return 2
    cases = {}
    for case in refs:
        raters: dict[str, Path] = {}
        for folder in args.ratings:
            for p in sorted((args.panel / folder / case).glob("*/answers.yaml")):
                # the same rater name in two pooled folders is two raters, not one overwriting the other
                raters[p.parent.name if p.parent.name not in raters else f"{folder}/{p.parent.name}"] = p
        if raters:
            cases[case] = raters
    label = " + ".join(args.ratings)
    out: dict[str, Any] = {}
    staged_dir = Path(tempfile.mkdtemp(prefix="panel-"))
    staged = {c: {n: with_stage(p, refs[c].get("stage"), staged_dir) for n, p in r.items()} for c, r in cases.items()}
    out["current"] = report(f"this checkout, {label}",
                            [measure(c, refs[c], r, judge_current, original=cases[c]) for c, r in staged.items()])
    out["concept"] = report(f"this checkout, {label}, actions matched by concept (CONCEPT table; an action also "
                            "carries the rules it supersedes)",
                            [measure(c, refs[c], r, judge_current, concept=True, original=cases[c])
                             for c, r in staged.items()])
    if carried(args.panel):
        out["carried"] = report(f"this checkout, {label}, by concept, and a reference action also matching the "
                                "rules its own words carry (both blind adjudicators, bench/panel/adjudication)",
                                [measure(c, refs[c], r, judge_current, concept=True, original=cases[c],
                                         extra=carried(args.panel).get(c)) for c, r in staged.items()])
    if args.baseline:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "baseline"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
                           check=True, capture_output=True)
            try:
                out["baseline"] = report(f"baseline {args.baseline}", [
                    measure(c, refs[c], r, lambda p: judge_baseline(p, tree)) for c, r in cases.items()])
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                               check=False, capture_output=True)
    if args.versus:
        mine, theirs = hesitation_share(args.panel, args.ratings, refs), hesitation_share(args.panel, args.versus, refs)
        print(f"== hesitation: {' + '.join(args.ratings)} {_fmt(mine[0])} ({mine[1]} of {mine[2]} answers) against "
              f"{' + '.join(args.versus)} {_fmt(theirs[0])} ({theirs[1]} of {theirs[2]})"
              + (f"; ratio {mine[0] / theirs[0]:.2f}" if mine[0] is not None and theirs[0] else ""))
        out["hesitation"] = {"these": mine[0], "versus": theirs[0]}
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
