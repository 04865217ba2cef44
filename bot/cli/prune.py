"""``python -m bot prune``: delete what is older than the retention, now, from the database.

The running bot does the same by itself once a day (``bot.storage.retention``); this is for a
database the bot is not running on, a first clean-up, or to see what would go (``--dry-run``).
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import db_option, existing_store
from bot.config import MAX_RETENTION_DAYS, load_settings, retention_problem
from bot.core.ports import ConversationStore, PruneCounts, StoreBusy
from bot.storage.retention import BATCH, Retention

PATIENCE = 30.0
"""Seconds the command waits for a database another program keeps locked, then gives up."""

# what each table's rows are, in words for whoever runs the command
TABLE_WORDS = {
    "transcript": "transcript lines (messages to and from prospects)",
    "events": "events (what happened in conversations: stats, review)",
    "conversations": "conversations of prospects silent since then",
    "users": "prospects with no lead left",
    "leads": "leads, with their consent",
    "outbox": "notes to the staff, already delivered",
    "handovers": "closed handovers",
    "handover_messages": "links from staff messages to prospects",
}


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} KB"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "never"


def report(counts: PruneCounts, dry_run: bool) -> list[str]:
    """One line per table: how many rows went (or would go), and what they are."""
    verb = "would go" if dry_run else "deleted"
    return [f"  {table:<18} {n:>9,} {verb}: {TABLE_WORDS[table]}" for table, n in counts.items()]


def prune_all(
    store: ConversationStore,
    before: datetime | None,
    leads_before: datetime | None,
    batch: int = BATCH,
) -> PruneCounts:
    """``store.prune`` a batch at a time until nothing is left: each batch is one short
    transaction, so a bot running on the same file is held up a few milliseconds at most."""
    total = PruneCounts()
    while True:
        counts = store.prune(before, leads_before, limit=batch)
        total += counts
        if not counts.full(batch):
            return total


@click.command("prune")
@click.option(
    "--days",
    type=click.IntRange(0, MAX_RETENTION_DAYS),
    default=None,
    help="Delete messages and events older than this many days, and prospects silent for as "
    "long (default: BOT_RETENTION_DAYS, else 180; 0 deletes nothing of these).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted; change nothing.")
@click.option(
    "--vacuum",
    is_flag=True,
    help="Afterwards, give the freed space back to the disk (stop the bot first: it rewrites "
    "the whole file).",
)
@db_option
def prune(days: int | None, dry_run: bool, vacuum: bool, db_path: Path | None) -> None:
    """Delete transcripts and events older than the retention (BOT_RETENTION_DAYS), and the
    leads older than BOT_LEAD_RETENTION_DAYS when it is set. The bot does this by itself
    every day while it runs."""
    from bot.storage.sqlite import Store

    settings = load_settings()
    if days is not None:  # the option wins over the setting, even an unreadable one
        invalid = tuple(
            v for v in settings.retention_invalid if not v.startswith("BOT_RETENTION_DAYS=")
        )
        settings = replace(settings, retention_days=days, retention_invalid=invalid)
    problem = retention_problem(settings)
    if problem:
        click.echo(problem, err=True)
        sys.exit(1)
    retention = Retention.of(settings)
    if retention.keeps_everything:
        click.echo("Messages and leads are kept for ever (BOT_RETENTION_DAYS=0): nothing to do.")
        return
    store = existing_store(db_path)
    if isinstance(store, Store):
        store.patience = PATIENCE
    name = db_path or settings.db_path
    now = datetime.now(UTC)
    before, leads_before = retention.cutoffs(now)
    click.echo(
        f"{name}: {retention.describe()}; deleting what is older than {_when(before)}"
        + (f" (leads: {_when(leads_before)})" if leads_before is not None else "")
        + (". Dry run: nothing is changed." if dry_run else ".")
    )
    try:
        if dry_run:
            counts = store.prunable(before, leads_before)
        else:
            counts = prune_all(store, before, leads_before)
        for line in report(counts, dry_run):
            click.echo(line)
        if isinstance(store, Store):
            if vacuum and not dry_run:
                store.vacuum()
            size, free = store.size()
            spare = (
                f", of which {_size(free)} free for new rows (the file does not shrink by "
                "itself: --vacuum, with the bot stopped, gives it back to the disk)"
                if free
                else ""
            )
            click.echo(f"The file holds {_size(size)}{spare}.")
    except (StoreBusy, sqlite3.OperationalError) as err:
        click.echo(
            f"{name} is locked by another program ({err}); nothing more was deleted. Try again "
            "in a moment (a --vacuum needs the bot stopped).",
            err=True,
        )
        sys.exit(1)
    finally:
        store.close()
