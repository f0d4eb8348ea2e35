"""Terminal presentation with rich: the scorecard, outlines, errors. Only this module imports rich."""

from __future__ import annotations

import os
import shutil
import sys
from typing import IO, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmcheck import figures
from crmcheck.findings import Findings, stage_words
from crmcheck.plan import ActionPlan
from crmcheck.questionnaire import PROGRAMME, STAGE_TITLES, Questionnaire
from crmcheck.scoring import Scorecard
from crmcheck.textsafe import terminal_text as _s

VERDICT_STYLE = {"Go": "bold green", "Conditional": "bold yellow", "No-go": "bold red"}
RISK_STYLE = {"low": "green", "medium": "yellow", "high": "red"}


def make_console(*, no_color: bool = False, stderr: bool = False, file: IO[str] | None = None) -> Console:
    """Return a console that honours --no-color, NO_COLOR and COLUMNS.

    Piped into a file, output has no terminal to fit: it gets the width the full tables need
    (120 columns) instead of rich's 80, which would crop the right-hand columns.
    """
    width = os.environ.get("COLUMNS")
    out = file or (sys.stderr if stderr else sys.stdout)
    piped = not (hasattr(out, "isatty") and out.isatty())
    # markup and emoji off: user text such as "[link=file:///etc/passwd]" or "Dealer [/bold]" is
    # printed as written, never turned into a hyperlink, a style or a MarkupError; crmcheck's own
    # styles are given as Text styles, never as markup.
    return Console(
        file=out,
        no_color=no_color or "NO_COLOR" in os.environ,
        highlight=False,
        markup=False,
        emoji=False,
        width=int(width) if width and width.isdigit() else (PIPED_WIDTH if piped else None),
        soft_wrap=False,
    )


PIPED_WIDTH = 120


def plain(text: object, style: str = "") -> Text:
    """Return user text as a rich ``Text``: escapes shown, never markup (the one way user text reaches rich)."""
    return Text(_s(text), style=style)


def score_style(value: float | None) -> str:
    """Return a colour for a 0-100 score."""
    if value is None:
        return "dim"
    if value >= 75:
        return "green"
    if value >= 50:
        return "yellow"
    return "red"


def fmt(value: float | None) -> str:
    """Format a 0-100 score as shown everywhere (``crmcheck.figures``), or a dash when not assessed."""
    return figures.text(value)


def _cell(value: float | None) -> Text:
    return Text(fmt(value), style=score_style(value))


def _short(title: str, narrow: bool = False) -> str:
    short = {"Documented procedures": "Procedures", "Departmental interfaces": "Interfaces"}.get(title, title)
    if not narrow:
        return short
    return _ABBREV.get(title, short[:4])


_ABBREV = {"Ownership": "Own", "Goals": "Goal", "Measures": "Meas", "Documented procedures": "Proc",
           "Integrity": "Intg", "Departmental interfaces": "Intf"}


def _target(goal: float | None, value: float | None) -> Text:
    """Show a target, ticked when the score reaches it."""
    if goal is None:
        return Text("")
    reached = value is not None and figures.met(value, goal)
    return Text(f"{goal:g}" + ("✓" if reached else ""), style="green" if reached else "dim")


def scorecard_renderable(
    q: Questionnaire, card: Scorecard, plan: ActionPlan, findings: Findings, *, actions: int = 5,
    console_width: int | None = None,
) -> Group:
    """Build the rich scorecard: headline, processes × criteria, sins, findings, first actions."""
    parts: list[Any] = []
    head = Text()
    head.append(_s(f"{card.client} · {card.label}"), style="bold")
    stage = stage_words(card.stage)
    head.append(_s(f"   {card.questionnaire} · {card.date.isoformat()}" + (f" · {stage}" if stage else "")) + "\n",
                style="dim")
    if not card.assessed:
        head.append("Not assessed yet", style="bold")
        head.append(f": nobody has answered a question ({card.completeness:.0%} complete). "
                    "Continue with: crmcheck interview --resume")
        return Group(Panel(head, expand=False))
    head.append("Readiness index ")
    head.append(f"{card.index:.1f}", style=f"bold {score_style(card.index)}")
    head.append(_s(f" / 100  ({card.band})"))
    if "index" in card.targets:
        goal = card.targets["index"]
        head.append(f"  target {goal:g}" + (" ✓" if card.index >= goal else ""), style="dim")
    if findings.uncertainty is not None:
        u = findings.uncertainty
        head.append(f"  range {u.low.index:.1f}–{u.high.index:.1f}", style="dim")
    head.append("   Verdict ")
    head.append(card.verdict, style=VERDICT_STYLE[card.verdict])
    if findings.uncertainty is not None and not findings.uncertainty.holds:
        head.append(f" ({findings.uncertainty.low.verdict} or {findings.uncertainty.high.verdict})")
    head.append(f"   Completeness {card.completeness:.0%}")
    if card.draft:
        head.append("  DRAFT", style="bold yellow")
    if findings.headline:
        head.append("\n" + _s(findings.headline), style="italic")
    parts.append(Panel(head, expand=False))

    crit = Table(title="Processes × criteria", title_justify="left", show_lines=False)
    narrow = (console_width or shutil.get_terminal_size((100, 24)).columns) < 100
    crit.add_column("Process", min_width=14, ratio=3)
    crit.add_column("Imp" if narrow else "Imp.", justify="right")
    for c in q.criteria:
        crit.add_column(plain(_short(c.title, narrow)), justify="right", no_wrap=True)
    crit.add_column("Score", justify="right", style="bold")
    for p in card.processes:
        title = p.title + (" *" if p.custom else "")
        crit.add_row(plain(title), str(p.importance), *[_cell(p.criteria[c.id]) for c in q.criteria], _cell(p.score))
    crit.add_row(Text("All processes", style="bold"), "", *[_cell(card.criteria[c.id]) for c in q.criteria],
                  _cell(card.sections["processes"]), end_section=True)
    if narrow:
        crit.caption = plain(" · ".join(f"{_short(c.title, True)} {c.title.lower()}" for c in q.criteria))
        crit.caption_justify = "left"
    if any(c.id in card.targets for c in q.criteria):
        crit.add_row(Text("Target", style="dim"), "",
                     *[_target(card.targets.get(c.id), card.criteria[c.id]) for c in q.criteria], "")
    parts.append(crit)

    sins = Table(title="Seven deadly sins — risk", title_justify="left")
    sins.add_column("#", justify="right")
    sins.add_column("Sin")
    sins.add_column("Score", justify="right")
    sins.add_column("Risk")
    sin_targets = any(s.id in card.targets for s in card.sins)
    if sin_targets:
        sins.add_column("Target", justify="right")
    for n, s in enumerate(card.sins, start=1):
        level = Text(s.level or "not assessed", style=RISK_STYLE.get(s.level or "", "dim"))
        extra = [_target(card.targets.get(s.id), s.score)] if sin_targets else []
        sins.add_row(str(n), plain(s.title), _cell(s.score), level, *extra)
    parts.append(sins)

    found = findings
    parts.append(_bullets(Text("Why this verdict", style="bold"), [_s(r) for r in found.verdict_reasons]))
    if found.top_risks:
        risks = Table(title="The three biggest risks", title_justify="left", caption=found.risk_order,
                      caption_justify="left")
        risks.add_column("#", justify="right")
        risks.add_column("Risk")
        risks.add_column("Level")
        risks.add_column("Shortfall", justify="right")
        risks.add_column("Evidence")
        for n, risk in enumerate(found.top_risks, start=1):
            kind = "Sin" if risk.kind == "sin" else "Process"
            what = f"{kind}: {risk.title}" + (" (blocker)" if risk.blockers else "")
            level = Text(risk.level or "", style=RISK_STYLE.get(risk.level or "", "dim"))
            risks.add_row(str(n), plain(what), level, f"{risk.shortfall:.0f}", plain(risk.evidence.words()))
        parts.append(risks)
    if card.blockers:
        t = Text("Blockers\n", style="bold red")
        for b in card.blockers:
            where = "programme" if b.process == PROGRAMME else _title(card, b.process)
            t.append(_s(f"  • {where}: {q.question_text(b.question)} "
                        f"({b.value:.1f} < {b.below}; caps at {b.caps})") + "\n")
        parts.append(t)
    if card.disagreements:
        lines = []
        for r in found.disagreements:
            where = "Programme" if r.process == PROGRAMME else _title(card, r.process)
            who = ", ".join(f"{name} {a.level}" + (f" ({a.basis})" if a.evidenced else "")
                            for name, a in r.answers.items() if a.level is not None)
            tag = " — a claim the evidence contradicts" if r.contradiction else ""
            lines.append(_s(f"{where} · {_asked(q, r.question)}: {who}{tag}"))
        parts.append(_bullets(Text("Disagreements", style="bold yellow"), lines))
    if found.open_blockers:
        t = Text("Open blockers ", style="bold red")
        t.append(_s("(critical, not answered; the verdict cannot be Go until they are): "
                    + "; ".join(_asked(q, g.question)
                                + ("" if g.process == PROGRAMME else f" ({_title(card, g.process)})")
                                for g in found.open_blockers)) + "\n")
        parts.append(t)
    if found.not_covered:
        by_area: dict[str, int] = {}
        for g in found.not_covered:
            area = "programme" if g.process == PROGRAMME else _title(card, g.process)
            by_area[area] = by_area.get(area, 0) + 1
        t = Text("Not covered ", style="bold")
        t.append(_s("(nobody answered): " + ", ".join(f"{n} in {area}" for area, n in by_area.items())) + "\n")
        parts.append(t)
    if card.evidence_gaps:
        gaps = "; ".join(_asked(q, r.question) + ("" if r.process == PROGRAMME else f" ({_title(card, r.process)})")
                         for r in card.evidence_gaps[:8])
        more = len(card.evidence_gaps) - 8
        t = Text("Evidence gaps ", style="bold")
        t.append(_s(f"(nobody knew): {gaps}" + (f" and {more} more" if more > 0 else "")) + "\n")
        parts.append(t)

    if plan.actions:
        acts = Table(title=f"First actions ({min(actions, len(plan.actions))} of {len(plan.actions)})",
                     title_justify="left")
        acts.add_column("#", justify="right")
        acts.add_column("Action")
        acts.add_column("When", justify="right")
        acts.add_column("Owner")
        acts.add_column("Prio", justify="right")
        for i, a in enumerate(plan.actions[:actions], start=1):
            when = f"{a.horizon} d" if a.horizon != "later" else "later"
            what = a.title
            if a.processes:
                what += " — " + ", ".join(_title(card, p) for p in a.processes)
            acts.add_row(str(i), plain(what), when, plain(a.owner), f"{a.priority:.0f}")
        parts.append(acts)
    return Group(*parts)


def _bullets(title: Text, items: list[str]) -> Group:
    """Return a heading and bulleted lines that wrap under their own text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("•", Text(item))
    return Group(title, grid)


def _asked(q: Questionnaire, question_id: str) -> str:
    """Return a question as the client reads it, in quotes."""
    return f"“{q.question_text(question_id)}”"


def _title(card: Scorecard, process_id: str) -> str:
    p = card.process(process_id)
    return p.title if p else process_id


def outline_renderable(q: Questionnaire) -> Group:
    """Build the outline of a questionnaire with every id."""
    parts: list[Any] = [plain(f"{q.title}  ({q.ref})", style="bold")]
    t = Table(title="Criteria (asked for every process)", title_justify="left")
    t.add_column("Question id")
    t.add_column("Question")
    t.add_column("W", justify="right")
    t.add_column("Flags")
    for c in q.criteria:
        t.add_row(plain(c.id, style="bold"), plain(c.title, style="bold"), f"{c.weight:g}", "", end_section=False)
        for qu in c.questions:
            t.add_row(plain(f"  {qu.id}"), plain(qu.text), f"{qu.weight:g}", _flags(qu))
    parts.append(t)
    p = Table(title="Process catalogue", title_justify="left")
    p.add_column("Process id")
    p.add_column("Title / own questions")
    p.add_column("Imp.", justify="right")
    for proc in q.processes:
        p.add_row(plain(proc.id, style="bold"), plain(proc.title, style="bold"), str(proc.importance))
        for pq in proc.questions:
            p.add_row(plain(f"  {pq.id}"), plain(f"[{pq.criterion}] {pq.text}"), "")
    parts.append(p)
    s = Table(title="Seven deadly sins (asked once)", title_justify="left")
    s.add_column("Question id")
    s.add_column("Question")
    s.add_column("W", justify="right")
    s.add_column("Flags")
    for sin in q.sins:
        s.add_row(plain(sin.id, style="bold"), plain(sin.title, style="bold"), f"{sin.weight:g}", "")
        for qu in sin.questions:
            s.add_row(plain(f"  {qu.id}"), plain(qu.text), f"{qu.weight:g}", _flags(qu))
    parts.append(s)
    for name, scale in q.scales.items():
        if scale.rule:
            parts.append(plain(f"How to pick a level ({name}): {scale.rule}"))
    parts.append(plain(f"{len(q.rules)} recommendation rules; bands: "
                       + ", ".join(f"{b.name} {b.from_:g}–{b.to:g}" for b in q.scoring.bands)))
    return Group(*parts)


def _flags(qu: Any) -> str:
    flags = []
    if qu.critical:
        flags.append(f"critical<{qu.critical.below}")
    if qu.show_if:
        flags.append("conditional")
    if qu.allow_na:
        flags.append("n/a ok")
    if qu.stages:
        flags.append("only " + ",".join(_STAGE_SHORT[st] for st in qu.stages))
    return " ".join(flags)


_STAGE_SHORT = {"before-selection": "before", "selecting": "selecting", "implementing": "implementing",
                "live": "live"}


def _arrow(change: float | None, digits: int = 0) -> Text:
    if change is None:
        return Text("  n/a", style="dim")
    if abs(change) < 0.5 * 10 ** -digits:
        return Text("   =", style="dim")
    style = "green" if change > 0 else "red"
    return Text(f"{'▲' if change > 0 else '▼'}{abs(change):>{4 + digits + bool(digits)}.{digits}f}", style=style)


def comparison_renderable(c: Any) -> Group:
    """Build the rich view of a ``history.Comparison``: headline, deltas, answers, risks, actions."""
    b, a = c.before, c.after
    head = Text()
    head.append(_s(f"{a.assessment.client}: {b.label} → {a.label}") + "\n", style="bold")
    for snap in (b, a):
        head.append(_s(f"{snap.label:<10} index {snap.card.index:5.1f}  {snap.card.band:<14} "))
        head.append(f"{snap.card.verdict:<12}", style=VERDICT_STYLE.get(snap.card.verdict, ""))
        head.append(f" {STAGE_TITLES.get(snap.card.stage or '', 'stage not recorded')}\n", style="dim")
    head.append("change     ")
    # The index with its decimal, as in the report; every change is that of the figures shown.
    head.append_text(_arrow(figures.change(c.index.after, c.index.before, figures.INDEX_DIGITS), 1))
    head.append(_s(f"  since {b.label}"), style="dim")
    parts: list[Any] = [Panel(head, expand=False)]

    def table(title: str, rows: list[Any], extra: bool = False) -> Table:
        t = Table(title=title, title_justify="left")
        t.add_column(title.split()[0])
        t.add_column(plain(b.label), justify="right")
        t.add_column(plain(a.label), justify="right")
        t.add_column("Δ", justify="right")
        t.add_column("Target" if not extra else "Risk", justify="right")
        for d in rows:
            last = (f"{d.level_before or '—'} → {d.level_after or '—'}" if extra
                    else ("" if d.target is None else f"{d.target:g}"))
            t.add_row(plain(d.title), _cell(d.before), _cell(d.after), _arrow(figures.change(d.after, d.before)),
                      plain(last))
        return t

    parts.append(table("Criteria", c.criteria))
    parts.append(table("Processes", c.processes))
    parts.append(table("Sins", c.sins, extra=True))
    if c.answers:
        t = Table(title=f"Answers that changed ({len(c.answers)})", title_justify="left")
        t.add_column("Where")
        t.add_column("Question")
        t.add_column("Before", justify="right")
        t.add_column("After", justify="right")
        t.add_column("Who")
        for ch in c.answers:
            who = "; ".join(f"{n}: {x} → {y}" for n, x, y in ch.respondents)
            # Titles and question text, never ids: this table is read by the client too.
            where = "Programme" if ch.process in (None, "programme") else _title(a.card, ch.process)
            t.add_row(plain(where), plain(a.questionnaire.question_text(ch.question)),
                      "—" if ch.before is None else f"{ch.before:.1f}",
                      "—" if ch.after is None else f"{ch.after:.1f}", plain(who))
        parts.append(t)
    lines = Text()
    for title, items, style in (("Risks appeared", c.risks_appeared, "red"),
                                ("Risks resolved", c.risks_resolved, "green")):
        if items:
            lines.append(f"{title}\n", style=f"bold {style}")
            for item in items:
                lines.append(_s(f"  • {item}") + "\n")
    for title, acts, style in (("Actions done", c.actions_done, "green"), ("New actions", c.actions_new, "yellow")):
        if acts:
            lines.append(f"{title}\n", style=f"bold {style}")
            for act in acts:
                shown = [_title(a.card, pid) if a.card.process(pid) else _title(b.card, pid) for pid in act.processes]
                where = f" — {', '.join(shown)}" if shown else ""
                lines.append(_s(f"  • {act.title}{where}") + "\n")
    if c.targets:
        lines.append("Progress to target\n", style="bold")
        for d in c.targets:
            reached = d.after is not None and figures.met(d.after, d.target)  # as shown beside it
            lines.append(_s(f"  • {d.title}: {fmt(d.after)} / {d.target:g} "))
            lines.append("reached\n" if reached else "to go\n", style="green" if reached else "yellow")
    if c.not_compared:
        lines.append("Not compared\n", style="bold")
        for note in c.not_compared:
            lines.append(_s(f"  • {note}") + "\n", style="dim")
    parts.append(lines)
    return Group(*parts)
