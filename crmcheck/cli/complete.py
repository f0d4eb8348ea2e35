"""Shell completion of assessment REFs and client names, read from the store's cached summaries.

Completion runs on every Tab press, so it reads the SQLite cache directly (no pydantic, no
SQLAlchemy) and gives up quietly when the cache cannot answer.
"""

from __future__ import annotations

import os

import click
from click.shell_completion import CompletionItem


def _db(ctx: click.Context) -> str | None:
    # While completing, the group's callback has not run: read --db (or CRMCHECK_DB) as parsed.
    root = ctx.find_root()
    return root.params.get("db") or os.environ.get("CRMCHECK_DB")


def complete_ref(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Complete an assessment REF: client-slug/label, or an id."""
    from crmcheck.store_summary import client_key, summaries

    rows = summaries(_db(ctx), full=False) or []
    out = []
    for s in rows:
        ref = f"{client_key(s.client)}/{s.label}"
        if ref.startswith(incomplete) or str(s.id).startswith(incomplete):
            out.append(CompletionItem(ref if not incomplete.isdigit() else str(s.id),
                                      help=f"{s.client} {s.label} · {s.status}"))
    return out


def complete_client(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Complete a client name by its slug."""
    from crmcheck.store_summary import client_key, summaries

    rows = summaries(_db(ctx), full=False) or []
    names = sorted({s.client for s in rows})
    return [CompletionItem(client_key(n), help=n) for n in names if client_key(n).startswith(client_key(incomplete))]
