"""How long the bot keeps what prospects wrote, and the job that deletes the rest.

``BOT_RETENTION_DAYS`` (default 180; 0 keeps everything) bounds the transcript and the events,
the two tables that grow with every message, and the prospects who have not written for as
long (their conversation: where they were, their answers). ``BOT_LEAD_RETENTION_DAYS`` (default
0: until the prospect's ``/delete`` or the staff erase it) bounds the leads, whose row is also
the record of the prospect's consent: a lead and its consent go together, never one without
the other. A prospect in the middle of something (a person talking to them, a note not yet
delivered, a message not yet answered) is never pruned, whatever their age.

The job works on the ``ConversationStore`` port, off the event loop (``store.call``), in short
transactions of at most ``BATCH`` rows a table, so a prospect's turn waits for one batch at
most, never for the whole clean-up. Deleted rows leave free pages in the file that later rows
reuse: the file stops growing; ``python -m bot prune --vacuum`` gives the space back to the
disk. Light on purpose: no SQLite here, so ``bot.app`` may import it at start.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.core.ports import Clock, ConversationStore, PruneCounts

log = logging.getLogger("bot.retention")

BATCH = 500
"""Rows per table deleted in one transaction: about 5 ms of the store's thread, a few tens
when SQLite checkpoints its log meanwhile (``benchmarks/bench_storage.py``); what a prospect's
turn may wait for the clean-up."""

EVERY = timedelta(hours=24)
"""How often the running bot prunes (and once at start)."""


@dataclass(frozen=True)
class Retention:
    """How many days messages (``days``) and leads (``lead_days``) are kept; 0: for ever."""

    days: int = Settings.retention_days
    lead_days: int = Settings.lead_retention_days

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        return cls(settings.retention_days, settings.lead_retention_days)

    @property
    def keeps_everything(self) -> bool:
        return not self.days and not self.lead_days

    def cutoffs(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(before, leads_before) for ``ConversationStore.prune`` at ``now``: older rows go;
        None where that kind is kept for ever."""
        before = now - timedelta(days=self.days) if self.days else None
        leads_before = now - timedelta(days=self.lead_days) if self.lead_days else None
        return before, leads_before

    def describe(self) -> str:
        """The policy in a few words, for the log and the command line."""
        days = f"{self.days} days" if self.days else "for ever"
        leads = f"{self.lead_days} days" if self.lead_days else "until erased"
        return f"messages kept {days}, leads kept {leads}"

    def values(self) -> dict[str, int]:
        """What the texts read as ``{{ retention.days }}`` and ``{{ retention.lead_days }}``
        (the ``/privacy`` answer); 0 means kept until the prospect asks to erase it."""
        return {"days": self.days, "lead_days": self.lead_days}


def retention_value(settings: Settings | None = None) -> Callable[[Any], dict[str, int]]:
    """The named value ``retention`` for ``ActionRegistry.add_value``: the days of ``settings``
    (default: the defaults, which is what ``validate`` checks the texts against)."""
    retention = Retention.of(settings or Settings())
    return lambda _content: retention.values()


async def prune_once(
    store: ConversationStore,
    retention: Retention,
    now: datetime,
    *,
    batch: int = BATCH,
) -> PruneCounts:
    """Delete everything older than ``retention`` at ``now``, a batch at a time, each batch
    one transaction on the store's thread; the rows deleted, per table."""
    before, leads_before = retention.cutoffs(now)
    total = PruneCounts()
    if before is None and leads_before is None:
        return total
    one_batch = functools.partial(store.prune, limit=batch)
    while True:
        counts = await store.call(one_batch, before, leads_before)
        total += counts
        if not counts.full(batch):
            if total.total:  # what was deleted leaves the log too, as after a /delete
                await store.call(store.scrub_wal)
            return total


async def run_retention(
    store: ConversationStore,
    retention: Retention,
    clock: Clock,
    *,
    every: timedelta = EVERY,
    wait: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    batch: int = BATCH,
) -> None:
    """The background job: prune now, then every ``every``, logging one INFO line a run with
    the counts. ``clock`` says what "now" is (the engine's, so tests move time instead of
    waiting) and ``wait`` how a pause is taken. Never raises but ``CancelledError``: a failed
    run (the file locked for too long) is logged and tried again at the next one."""
    if retention.keeps_everything:
        log.info("retention: everything is kept (BOT_RETENTION_DAYS=0)")
        return
    while True:
        try:
            counts = await prune_once(store, retention, clock(), batch=batch)
        except asyncio.CancelledError:
            raise
        except Exception:  # a locked file or a broken row must not end the job
            log.exception("retention: pruning failed; trying again in %s", every)
        else:
            log.info(
                "retention: pruned %d row(s) (%s): %s",
                counts.total,
                retention.describe(),
                counts.summary(),
            )
        await wait(every.total_seconds())
