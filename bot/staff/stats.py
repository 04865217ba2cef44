"""The funnel: where prospects go, where they stop, what the bot did not understand.

Everything comes from the SQLite tables the engine already writes (users, conversations, events,
leads); nothing extra is logged for statistics.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from bot.core.ports import ConversationStore
from bot.core.records import Funnel, OutboxItem, ParkedUpdate


def compute(
    store: ConversationStore,
    since: datetime | None = None,
    source: str | None = None,
    overdue_before: datetime | None = None,
) -> Funnel:
    """The funnel of prospects who started on or after ``since`` (all when None), optionally
    only those from the deep-link campaign ``source`` (``NO_SOURCE`` for none); with
    ``overdue_before``, the notes for staff written before it and still undelivered too."""
    funnel = store.funnel(since=since, source=source)
    funnel.parked = store.parked_updates()
    if overdue_before is not None:
        funnel.undelivered = [item for _, item in store.undelivered_outbox(overdue_before)]
    return funnel


def undelivered_line(items: Sequence[OutboxItem]) -> str:
    """One plain line about notes no staff member received ("" for none): how many, since
    when, and the last reason, so whoever reads it knows what to fix."""
    if not items:
        return ""
    oldest = min((i.created or "" for i in items), default="")[:16].replace("T", " ")
    reason = next((i.last_error for i in reversed(items) if i.last_error), None)
    line = f"⚠️ {len(items)} note(s) for the agency NOT delivered to any admin (oldest {oldest} UTC)"
    if reason:
        line += f"; last error: {reason[:160]}"
    return line + ". The bot keeps trying: each admin in BOT_ADMIN_IDS must press Start."


def parked_line(parked: Sequence[ParkedUpdate]) -> str:
    """One plain line about updates set aside ("" for none): how many, since when, the last
    kind of failure, and what to do."""
    if not parked:
        return ""
    oldest = min(p.received for p in parked)[:16].replace("T", " ")
    return (
        f"⚠️ {len(parked)} message(s) from Telegram set aside, not handled (oldest {oldest} "
        f"UTC; last failure: {parked[-1].error or 'unknown'}). The bot goes on with the others; "
        "the log at that time says more."
    )


def format_report(funnel: Funnel, top: int = 10) -> str:
    """Plain text for the terminal and for admins on Telegram."""
    warnings = [w for w in (undelivered_line(funnel.undelivered), parked_line(funnel.parked)) if w]
    head = [*warnings, ""] if warnings else []
    if not funnel.started:
        return "\n".join([*head, "No prospects in this period."])
    lines = [
        *head,
        f"Prospects started: {funnel.started}",
        f"Leads: {funnel.leads} ({funnel.conversion:.0%})   Asked for a person: {funnel.handovers}",
        "Languages: " + ", ".join(f"{k} {v}" for k, v in funnel.languages.most_common()),
        f"Blocked the bot (no message reaches them): {funnel.unreachable}",
        "",
        "By source (started → leads):",
    ]
    for src, row in sorted(funnel.by_source.items(), key=lambda kv: -kv[1]["started"]):
        rate = row["leads"] / row["started"] if row["started"] else 0
        lines.append(f"  {src}: {row['started']} → {row['leads']} ({rate:.0%})")
    lines += ["", "Reached (prospects per state):"]
    lines += [f"  {place}: {n}" for place, n in funnel.reached.most_common()]
    lines += ["", "Stopped at (current state):"]
    lines += [f"  {place}: {n}" for place, n in funnel.stopped.most_common()]
    if funnel.not_understood:
        lines += ["", f"Not understood (top {top}) — add them as examples in dialogs/intents.yaml:"]
        lines += [f"  {n}× {msg}" for msg, n in funnel.not_understood.most_common(top)]
    return "\n".join(lines)


def write_csv(funnel: Funnel, out: TextIO) -> None:
    """One row per figure, so a spreadsheet can pivot it: section, key, value."""
    writer = csv.writer(out)
    writer.writerow(["section", "key", "value"])
    rows: list[tuple[str, str, Any]] = [
        ("total", "started", funnel.started),
        ("total", "leads", funnel.leads),
        ("total", "handovers", funnel.handovers),
        ("total", "unreachable", funnel.unreachable),
        ("total", "undelivered_notes", len(funnel.undelivered)),
        ("total", "parked_updates", len(funnel.parked)),
    ]
    rows += [("language", k, v) for k, v in funnel.languages.items()]
    for src, row in funnel.by_source.items():
        rows += [("source_started", src, row["started"]), ("source_leads", src, row["leads"])]
    rows += [("reached", k, v) for k, v in funnel.reached.items()]
    rows += [("stopped", k, v) for k, v in funnel.stopped.items()]
    rows += [("not_understood", k, v) for k, v in funnel.not_understood.items()]
    for section, key, value in rows:
        safe = "'" + key if key[:1] in ("=", "+", "-", "@") else key
        writer.writerow([section, safe, value])
