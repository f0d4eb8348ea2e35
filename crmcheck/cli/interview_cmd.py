"""`crmcheck interview`: set up or resume an assessment and interview one respondent."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crmcheck.cli import settings
from crmcheck.cli.complete import complete_client, complete_ref
from crmcheck.textsafe import terminal_text

if TYPE_CHECKING:
    from crmcheck.answers import ScopedProcess
    from crmcheck.questionnaire import Questionnaire
    from crmcheck.store import Store

DEPARTMENTS = ["Sales", "Marketing", "Service", "IT", "Finance", "Management", "Operations", "Key accounts"]


@click.command("interview")
@click.option("--client", help="The client (organisation) being assessed.", shell_complete=complete_client)
@click.option("--label", help="Assessment label; default: the current quarter, e.g. 2026-Q4.")
@click.option("--resume", is_flag=False, flag_value="", default=None, metavar="[REF]", shell_complete=complete_ref,
              help="Continue an unfinished interview (default: the most recent one).")
@click.option("--from", "from_ref", metavar="REF", shell_complete=complete_ref,
              help="Start a new assessment with the processes and respondents of REF; show its answers.")
@click.option("--prefill", is_flag=True, help="With --from: offer last time's answer as the default.")
@click.option("-q", "--questionnaire", "questionnaire_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Questionnaire for a new assessment (default: the built-in CRM readiness one).")
@click.pass_context
def interview_cmd(ctx: click.Context, client: str | None, label: str | None, resume: str | None,
                  from_ref: str | None, prefill: bool, questionnaire_file: Path | None) -> None:
    """Interview one stakeholder in the terminal; every answer is saved the moment it is given.

    Pick or create the client and assessment, choose the processes in scope, enter the
    respondent, then answer one question at a time: a level (its description is on screen),
    don't know, or not applicable, with an optional note. Go back, or skip a question for later.
    Ctrl-C stops safely; --resume continues at the first unanswered question.

    \b
    Examples:
      crmcheck interview --client "Acme Ltd"
      crmcheck interview --resume acme-ltd/2026-Q4
      crmcheck interview --from acme-ltd/2026-Q3 --prefill
    """
    from crmcheck.answers import label_problem
    from crmcheck.errors import BadInputError, InterruptedByUser, StoreError
    from crmcheck.store import open_store

    if label is not None and (problem := label_problem(label)) is not None:
        raise BadInputError(f"--label: {problem}")
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise BadInputError("the interview needs a terminal; to load answers from a file use: "
                            "crmcheck answers import FILE")
    store = open_store(settings(ctx).db)
    color = not settings(ctx).no_color
    state: dict[str, Any] = {}
    try:
        _run(store, state, client=client, label=label, resume=resume, from_ref=from_ref, prefill=prefill,
             questionnaire_file=questionnaire_file, color=color, ctx=ctx)
    except KeyboardInterrupt:
        if "ref" not in state:
            raise InterruptedByUser("Stopped before the interview began; nothing was saved.") from None
        if "rid" not in state:
            raise InterruptedByUser("Stopped before choosing whom to interview; nothing changed. Resume with: "
                                    f"crmcheck interview --resume {state['ref']}") from None
        saved = next((r.answered for r in store.respondents(state["aid"]) if r.id == state.get("rid")), 0)
        with contextlib.suppress(KeyboardInterrupt):  # so `crmcheck list` can use the cache right away
            store.refresh_summary(state["aid"])
        noun = "answer" if saved == 1 else "answers"
        said = f"Saved {saved} {noun}" if saved else "No answer given yet; the respondent is kept"
        raise InterruptedByUser(f"{said}. Resume with: crmcheck interview --resume {state['ref']}") from None
    except StoreError as exc:
        if "ref" not in state:
            raise
        # A full disk or a lost server mid-interview: every answer confirmed before it is stored.
        exc.args = (f"{exc}; the answers confirmed before this are saved. Once it is fixed, resume with: "
                    f"crmcheck interview --resume {state['ref']}",)
        raise


def _run(store: Store, state: dict[str, Any], *, client: str | None, label: str | None, resume: str | None,
         from_ref: str | None, prefill: bool, questionnaire_file: Path | None, color: bool,
         ctx: click.Context) -> None:
    from crmcheck.interview import Interview, current_quarter
    from crmcheck.prompts import QuestionaryPrompter
    from crmcheck.store_summary import client_key

    if resume is not None:
        aid, existed = _resume_target(store, resume), True
    elif from_ref is not None:
        aid, existed = _from_previous(store, from_ref, label, questionnaire_file)
    else:
        aid, existed = _new_or_existing(store, client, label or current_quarter(dt.date.today()), questionnaire_file)
    stored = store.load(str(aid))
    if existed and not _continue(store, stored):
        return
    if stored.previous_id is not None:  # deleting an assessment clears previous_id where it pointed
        # Started --from an earlier assessment (now or before a resume): show its answers beside ours.
        earlier = store.load(str(stored.previous_id))
        state["previous"] = {r.name: dict(r.answers) for r in earlier.assessment.respondents}
        state["previous_label"] = earlier.assessment.label
    a = stored.assessment
    state.update(aid=aid, ref=f"{client_key(a.client)}/{a.label}")
    rid = _pick_respondent(store, aid, stored.assessment.processes)
    state["rid"] = rid
    info = next(r for r in store.respondents(aid) if r.id == rid)
    # A respondent added just now has no answers; one continuing has them in what was loaded above.
    person = next((p for p in a.respondents if p.name == info.name), None)
    previous = state.get("previous", {}).get(info.name, {})
    prompter = QuestionaryPrompter(color=color)
    scope = [p for p in a.processes if info.speaks_for is None or p.id in info.speaks_for]
    engine = Interview(stored.questionnaire, scope, prompter, store, rid, person.answers if person else {},
                       stage=a.stage,
                       previous=previous, previous_label=state.get("previous_label"), prefill=prefill)
    # Count what the progress line counts: questions whose show_if may still reveal them included.
    todo = sum(1 for s in engine.steps if s.key not in engine.answers and engine.may_be_asked(s))
    who = terminal_text(f"{info.name} ({info.role}, {info.department}) · {a.client} {a.label}")
    prompter.say(f"\n{who} · {todo} question{'' if todo == 1 else 's'} to go. Answers are saved as you go.")
    from crmcheck.prompts import wrap

    for rule in dict.fromkeys(sc.rule for sc in stored.questionnaire.scales.values() if sc.rule):
        prompter.say(wrap(f"How to pick a level: {rule}"))
    outcome = engine.run()
    store.set_respondent_status(rid, "complete" if outcome.complete else "in-progress")
    if outcome.complete and all(r.status == "complete" for r in store.respondents(aid)):
        store.set_status(aid, "complete")
    store.refresh_summary(aid)
    _finish(store, aid, info.name, outcome.unanswered, state["ref"], ctx)


def _continue(store: Store, stored: Any) -> bool:
    """Say which existing assessment the interview continues; ask before adding to a complete one."""
    from crmcheck import prompts
    from crmcheck.store_summary import client_key

    a = stored.assessment
    people = store.respondents(stored.id)
    names = ", ".join(f"{r.name} ({r.status})" for r in people) or "nobody yet"
    ref = f"{client_key(a.client)}/{a.label}"
    from crmcheck.prompts import wrap

    click.echo(wrap(terminal_text(f"Continuing {a.client} {a.label} ({ref}, {stored.status}); respondents: {names}.")))
    if stored.status != "complete":
        return True
    if prompts.confirm(f"{ref} is complete. Add another respondent to it?", default=False):
        return True
    click.echo(terminal_text(f"Nothing changed. Next quarter starts from this one with: "
                             f"crmcheck interview --from {ref}"))
    return False


def _questionnaire_text(questionnaire_file: Path | None) -> str:
    from crmcheck.questionnaire import load_questionnaire
    from crmcheck.resources import default_questionnaire

    path = questionnaire_file or default_questionnaire()
    load_questionnaire(path)  # validate before anything is stored
    return path.read_text(encoding="utf-8")


def _resume_target(store: Store, ref: str) -> int:
    from crmcheck.errors import BadInputError, NotFoundError

    if ref:
        found = store.find(ref)
        if found is None:
            raise NotFoundError(f"no assessment '{ref}' to resume; see: crmcheck list")
        return found
    latest = store.resumable()  # the unfinished assessment changed last, not merely the newest
    if latest is None:
        raise BadInputError("no unfinished interview to resume; start one with: crmcheck interview --client NAME")
    return latest


def _new_or_existing(store: Store, client: str | None, label: str,
                     questionnaire_file: Path | None) -> tuple[int, bool]:
    from crmcheck import prompts
    from crmcheck.answers import NAME_MAX, ScopedProcess
    from crmcheck.questionnaire import parse_questionnaire

    if not client:
        client = prompts.text("Client (the organisation being assessed):", required=True,
                              completions=store.clients(), max_length=NAME_MAX)
    found = store.find(f"{client}/{label}")
    if found is not None:
        return found, True
    text = _questionnaire_text(questionnaire_file)
    q = parse_questionnaire(text)
    picked = prompts.checkbox(
        f"New assessment {client}/{label}. Which processes are in scope?",
        [(p.id, f"{p.title} — {p.description}", False) for p in q.processes])
    scope = [ScopedProcess(p.id, p.title, p.importance) for p in q.processes if p.id in picked]
    while True:
        name = prompts.text("Add a process of your own (Enter when done):")
        if not name:
            if scope:
                break
            print("Pick at least one process, or add one of your own.")
            continue
        problem, added = _custom_process(name, scope, q)
        if problem:
            print(problem)
        if added is not None:
            scope.append(added)
    importance = [("5", "5 vital"), ("4", "4 major"), ("3", "3 important"), ("2", "2 minor"), ("1", "1 marginal")]
    rated = []
    for p in scope:
        value = prompts.select(f"How important is {p.title} to the business?", importance, default=str(p.importance))
        rated.append(ScopedProcess(p.id, p.title, int(value), p.custom))
    stage, go_live = _ask_stage(prompts)
    wave, rated = _ask_waves(prompts, rated, stage)
    return store.create_assessment(text, client, label, dt.date.today(), rated, stage=stage, go_live=go_live,
                                   wave=wave), False


def _custom_process(name: str, scope: list[ScopedProcess], q: Questionnaire) -> tuple[str, ScopedProcess | None]:
    """Return what to say about a process typed at setup, and the process to add (None: ask again).

    Ids are made from names, so a name must not turn into an id already in use: a process in
    scope under the same name is refused, a catalogue process is added as itself, and two custom
    names with the same id ('A!' and 'A?') get distinct ones ('a', 'a-2').
    """
    from crmcheck.answers import NAME_MAX, ScopedProcess, custom_process_id, slugify

    if len(name) > NAME_MAX:
        return f"That name is {len(name)} characters long; give one of at most {NAME_MAX}.", None
    slug = slugify(name)
    same = next((p for p in scope if p.title.casefold() == name.casefold() or (not p.custom and p.id == slug)), None)
    if same is not None:
        return (f"{same.title} is in scope already; type another process, or press Enter when done.", None)
    catalogue = q.process(slug)
    if catalogue is not None:
        return (f"{catalogue.title} is a process of the questionnaire: added with its own questions.",
                ScopedProcess(catalogue.id, catalogue.title, catalogue.importance))
    taken = [p.id for p in scope] + [p.id for p in q.processes]
    return "", ScopedProcess(custom_process_id(name, taken), name, 3, custom=True)


def _ask_stage(prompts: Any, default: str | None = None,
               go_live: dt.date | None = None) -> tuple[str, dt.date | None]:
    """Ask where the CRM programme stands, and the go-live date once it is implementing or live."""
    stage = prompts.select("Where does the CRM programme stand?", [
        ("before-selection", "Before selection: no system chosen, no selection under way"),
        ("selecting", "Selecting: requirements, vendor demos or a shortlist under way"),
        ("implementing", "Implementing: a system is chosen and being configured or rolled out"),
        ("live", "Live: the system is in use"),
    ], default=default)
    if stage not in ("implementing", "live"):
        return stage, None
    while True:
        raw = prompts.text("Go-live date (YYYY-MM-DD; Enter if not known):",
                           default=go_live.isoformat() if go_live else "")
        if not raw:
            return stage, None
        try:
            return stage, dt.date.fromisoformat(raw)
        except ValueError:
            print(f"'{raw}' is not a date like 2026-03-31; try again or press Enter.")


def _ask_waves(prompts: Any, scope: list[ScopedProcess], stage: str) -> tuple[int | None, list[ScopedProcess]]:
    """While implementing, ask which processes go live in the next wave; the others wait for wave 2.

    A process outside the wave going live cannot block it, so this decides what the verdict is about.
    """
    from crmcheck.answers import ScopedProcess

    if stage != "implementing" or len(scope) < 2:
        return None, scope
    if prompts.confirm("Do all processes in scope go live together?", default=True):
        return None, scope
    now = prompts.checkbox("Which processes go live in the next wave?",
                           [(p.id, p.title, True) for p in scope])
    if not now or len(now) == len(scope):
        return None, scope
    return 1, [ScopedProcess(p.id, p.title, p.importance, p.custom, 1 if p.id in now else 2) for p in scope]


def _from_previous(store: Store, ref: str, label: str | None,
                   questionnaire_file: Path | None) -> tuple[int, bool]:
    from crmcheck.errors import BadInputError
    from crmcheck.interview import current_quarter

    prev = store.load(ref)
    label = label or current_quarter(dt.date.today())
    if label == prev.assessment.label:
        raise BadInputError(f"--from {ref} is already labelled {label}; give the new one another --label")
    existing = store.find(f"{prev.assessment.client}/{label}")
    if existing is not None:
        return existing, True
    from crmcheck import prompts
    from crmcheck.answers import ScopedProcess

    text = _questionnaire_text(questionnaire_file) if questionnaire_file else None
    # The stage moves on between quarters (selection starts, a wave goes live): ask, offering the last one.
    stage, go_live = _ask_stage(prompts, prev.assessment.stage, prev.assessment.go_live)
    scope, wave = prev.assessment.processes, prev.assessment.wave
    if stage != "implementing":
        scope, wave = [ScopedProcess(p.id, p.title, p.importance, p.custom) for p in scope], None
    elif prev.assessment.stage != "implementing":
        wave, scope = _ask_waves(prompts, scope, stage)
    aid = store.create_assessment(text or _latest_text(prev.questionnaire, prev.questionnaire_text),
                                  prev.assessment.client, label, dt.date.today(), scope,
                                  prev.assessment.targets, previous=prev.id, stage=stage,
                                  go_live=go_live, wave=wave)
    for r in prev.assessment.respondents:
        store.add_respondent(aid, r.name, r.role, r.department, r.interviewer, speaks_for=r.speaks_for)
    return aid, False


def _latest_text(q: Questionnaire, text: str) -> str:
    """Use the built-in questionnaire's current version when the previous one was the built-in one."""
    from crmcheck.resources import default_questionnaire

    builtin = default_questionnaire()
    if q.id == "crm-readiness" and builtin.is_file():
        return builtin.read_text(encoding="utf-8")
    return text


# Which processes a person from a department usually speaks for: a suggestion the interviewer changes.
SPEAKS_FOR = {
    "sales": {"lead-management", "sales", "key-accounts", "quote-to-order", "renewals", "partner-channels"},
    "marketing": {"lead-management", "campaigns", "partner-channels"},
    "service": {"service", "onboarding", "renewals"},
    "finance": {"billing", "quote-to-order", "renewals"},
    "operations": {"quote-to-order", "onboarding", "service", "billing"},
    "key accounts": {"key-accounts", "sales", "renewals"},
}


def suggested_processes(department: str, scope: list[ScopedProcess]) -> set[str]:
    """Return the processes in scope a department usually speaks for (all of them when unknown)."""
    usual = SPEAKS_FOR.get(department.strip().casefold())
    ids = {p.id for p in scope}
    if not usual:
        return ids
    return (usual & ids | {p.id for p in scope if p.custom}) or ids


def _pick_respondent(store: Store, aid: int, scope: list[ScopedProcess]) -> int:
    from crmcheck import prompts
    from crmcheck.answers import NAME_MAX

    people = store.respondents(aid)
    open_ = [r for r in people if r.status != "complete"]
    new = "__new__"
    if open_:
        choices = [(str(r.id), (f"Continue {r.name} ({r.role}, {r.department}) — {r.answered} "
                    f"answer{'' if r.answered == 1 else 's'} so far" if r.answered else
                    f"Start {r.name} ({r.role}, {r.department})"))
                   for r in open_]
        picked = prompts.select("Whom are you interviewing?", [*choices, (new, "Someone new")],
                                default=choices[0][0])
        if picked != new:
            return int(picked)
    elif people:
        print(f"{'The respondent' if len(people) == 1 else f'All {len(people)} respondents'} of this assessment "
              "finished; adding someone new.")
    name = prompts.text("Respondent's name:", required=True, max_length=NAME_MAX)
    role = prompts.text("Role (e.g. Head of Sales):", required=True, max_length=NAME_MAX)
    department = prompts.text("Department:", required=True, completions=DEPARTMENTS, max_length=NAME_MAX)
    last = people[-1].interviewer if people else None
    interviewer = prompts.text("Interviewer (you; optional):", default=last or "", max_length=NAME_MAX)
    speaks_for: list[str] | None = None
    if len(scope) > 1:
        suggested = suggested_processes(department, scope)
        chosen = prompts.checkbox(f"Which processes does {name} speak for?",
                                  [(p.id, p.title, p.id in suggested) for p in scope])
        if chosen and len(chosen) < len(scope):
            speaks_for = [p.id for p in scope if p.id in chosen]
    return store.add_respondent(aid, name, role, department, interviewer or None, speaks_for=speaks_for)


def _finish(store: Store, aid: int, name: str, unanswered: list[Any], ref: str, ctx: click.Context) -> None:
    from rich.table import Table

    from crmcheck.assess import judge
    from crmcheck.console import make_console, scorecard_renderable
    from crmcheck.questionnaire import PROGRAMME

    stored = store.load(str(aid))
    q, a = stored.questionnaire, stored.assessment
    console = make_console(no_color=settings(ctx).no_color)
    person = next(p for p in a.respondents if p.name == name)
    glance = Table(title=terminal_text(f"{name}'s answers at a glance"), title_justify="left")
    for col, just in (("Part", "left"), ("Answered", "right"), ("Mean level", "right"), ("Don't know", "right"),
                      ("N/A", "right"), ("Notes", "right")):
        glance.add_column(col, justify=just)  # type: ignore[arg-type]
    titles = {p.id: p.title for p in a.processes} | {PROGRAMME: "Programme (seven sins)"}
    for group, title in titles.items():
        mine = [ans for (g, _), ans in person.answers.items() if g == group]
        levels = [x.level for x in mine if x.level is not None]
        mean = f"{sum(levels) / len(levels):.1f}" if levels else "—"
        glance.add_row(terminal_text(title), str(len(mine)), mean, str(sum(x.kind == "dont_know" for x in mine)),
                       str(sum(x.kind == "na" for x in mine)), str(sum(bool(x.note) for x in mine)))
    console.print(glance)
    j = judge(q, a)
    console.print(scorecard_renderable(q, j.card, j.plan, j.findings, console_width=console.width))
    if unanswered:
        console.print(terminal_text(f"{name} has {len(unanswered)} question{'' if len(unanswered) == 1 else 's'} "
                                    f"left unanswered. Continue with: crmcheck interview --resume {ref}"))
    else:
        console.print(terminal_text(f"Interview complete. Report: crmcheck report {ref} -o report.pdf"))
