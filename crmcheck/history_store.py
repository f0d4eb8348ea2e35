"""History read from the store: snapshots for compare, a client's trend, and targets.

``load_trend`` is built for speed: it reads the store's cached summaries through
``crmcheck.store_summary`` (sqlite3 or psycopg, no SQLAlchemy) and falls back to loading and re-scoring every
assessment only when the cache cannot answer (another database, stale rows, or assessments
answered with different questionnaire versions, whose comparability notes need the questionnaires).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crmcheck.errors import BadInputError
from crmcheck.trend import Trend, TrendPoint

if TYPE_CHECKING:
    from crmcheck.history import Snapshot
    from crmcheck.store_summary import Summary


def load_snapshot(store: Any, ref: str) -> Snapshot:
    """Load a stored assessment and score it with the questionnaire it was answered with."""
    from crmcheck.history import snapshot

    stored = store.load(ref)
    return snapshot(stored.questionnaire, stored.assessment)


def trend_from_summaries(client: str, rows: Iterable[Summary]) -> Trend | None:
    """Build a trend from one client's cached summaries; None when they span questionnaire versions."""
    every = sorted(rows, key=lambda r: (r.date, r.label))
    mine = [r for r in every if r.index is not None]
    notes = [f"{r.label}: not assessed yet (nothing answered); left out" for r in every if r.index is None]
    if len({r.questionnaire for r in mine}) > 1 or len({r.stage for r in mine}) > 1:
        return None  # the full path explains what a change of version or stage does to the comparison
    points = [
        TrendPoint(r.label, r.date, r.questionnaire, r.index, r.band or "", r.verdict or "", dict(r.criteria),
                   dict(r.sins), r.completeness, r.stage)
        for r in mine if r.index is not None
    ]
    latest = mine[-1] if mine else None
    return Trend(
        mine[0].client if mine else client,
        points,
        [(i, t) for i, t in latest.criteria_titles] if latest else [],
        [(i, t) for i, t in latest.sin_titles] if latest else [],
        dict(latest.targets) if latest else {},
        notes,
    )


def load_trend(db: str | None, client: str) -> Trend:
    """Return every assessment of ``client`` in time order, from the cache when it can answer."""
    from crmcheck.store_summary import summaries

    rows = summaries(db, client)
    if rows is not None:
        fast = trend_from_summaries(client, rows)
        if fast is not None:
            return fast
    from crmcheck.history import trend
    from crmcheck.store import open_store

    store = open_store(db, existing=True)
    if rows is None:  # another backend, or stale rows: the store refreshes and reads the same cache
        fast = trend_from_summaries(client, store.summaries(client))
        if fast is not None:
            return fast
    snaps = [load_snapshot(store, str(ident)) for ident, _, _ in store.client_assessments(client)]
    name = snaps[0].assessment.client if snaps else client
    return trend(name, snaps)


def parse_target_pairs(pairs: Iterable[str], known: dict[str, str]) -> dict[str, float | None]:
    """Parse ``KEY=VALUE`` arguments; ``known`` maps each allowed key to its title.

    VALUE is 0-100, or ``-`` to remove the assessment's own target.
    """
    out: dict[str, float | None] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key:
            raise BadInputError(f"target '{pair}': expected KEY=VALUE, e.g. index=70 or ownership=75")
        if key not in known:
            choices = ", ".join(sorted(known))
            raise BadInputError(f"target '{pair}': unknown key '{key}'; use one of: {choices}")
        if raw == "-":
            out[key] = None
            continue
        try:
            value = float(raw)
        except ValueError:
            raise BadInputError(f"target '{pair}': '{raw}' is not a number; give 0-100 or '-' to remove") from None
        if not 0 <= value <= 100:
            raise BadInputError(f"target '{pair}': {raw} is outside 0-100")
        out[key] = value
    return out


def set_targets(db: str | None, ref: str, pairs: Iterable[str]) -> dict[str, float]:
    """Set or remove targets of a stored assessment; return its effective targets afterwards."""
    from crmcheck.store import open_store

    store = open_store(db)
    stored = store.load(ref)
    q = stored.questionnaire
    known = {"index": "Readiness index", **{c.id: c.title for c in q.criteria}, **{s.id: s.title for s in q.sins}}
    own = store.set_targets(ref, parse_target_pairs(pairs, known))
    return {**q.scoring.targets, **own}
