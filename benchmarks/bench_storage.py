"""Bytes on disk per prospect and per message, and what retention does to them.

    .venv/bin/python benchmarks/bench_storage.py [PROSPECTS] [MESSAGES] [--time-indexes]

Through the real engine on a real SQLite file: PROSPECTS new prospects write one message each
(bytes per new prospect), then MESSAGES - 1 more each (bytes per message). The clock then moves
181 days on and the default retention (180 days) prunes, in batches, as the running bot does:
the file keeps its size, its freed pages are reused by the next PROSPECTS × MESSAGES written
(the file does not grow again), and ``VACUUM`` (``python -m bot prune --vacuum``) gives the
space back to the disk. Sizes are SQLite's pages (page count × page size) after a checkpoint,
so the write-ahead log is counted once; the biggest tables and indexes are listed (``dbstat``).
``--time-indexes`` adds an index on each time column retention reads (what the store does
without, reading the transcript, events and conversations in rowid order: ``sqlite._older``),
to see what they would cost per message.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_engine, build_understanding, load_content  # noqa: E402
from bot.core.messages import Input  # noqa: E402
from bot.core.ports import PruneCounts  # noqa: E402
from bot.storage.retention import BATCH, Retention  # noqa: E402
from bot.storage.sqlite import Store  # noqa: E402

# what prospects typically write: a hello, questions typed and tapped, the menu, thanks
SCRIPT = ["ciao", "quanto costa?", "/menu", "2", "chi siete?", "/menu", "3", "grazie", "/help"]
TIME_COLUMNS = (
    ("transcript", "at"),
    ("events", "at"),
    ("conversations", "updated"),
    ("users", "last_seen"),
    ("leads", "created"),
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def used(store: Store) -> tuple[int, int]:
    """(bytes of pages, bytes of free pages) after moving the write-ahead log into the file."""
    store.db.execute("pragma wal_checkpoint(truncate)")
    return store.size()


def biggest(store: Store, top: int = 6) -> str:
    rows = store.db.execute(
        "select name, sum(pgsize) from dbstat group by name order by 2 desc limit ?", [top]
    ).fetchall()
    return ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in rows)


async def run(prospects: int, messages: int, indexes: bool) -> None:
    loaded = load_content(ROOT)
    assert loaded.content is not None, loaded.problems.report()
    understanding = build_understanding(loaded.content)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        if indexes:
            for table, column in TIME_COLUMNS:
                store.db.execute(f"create index idx_{table}_{column} on {table} ({column})")
        clock = Clock()
        engine = build_engine(
            loaded.content,
            store,
            understanding=understanding,
            files_dir=Path(tmp) / "charts",
            clock=clock,
        )
        turns = 0
        took = 0.0

        async def talk(first: int, texts: list[str]) -> None:
            nonlocal turns, took
            for i in range(first, first + prospects):
                t0 = time.perf_counter()
                for text in texts:
                    await engine.turn(Input(f"user{i}", text=text, language_code="it"))
                took += time.perf_counter() - t0
                turns += len(texts)
                clock.now += timedelta(seconds=7)

        rest = [SCRIPT[1 + j % (len(SCRIPT) - 1)] for j in range(messages - 1)]
        empty, _ = used(store)
        await talk(0, SCRIPT[:1])
        first, _ = used(store)
        await talk(0, rest)
        full, _ = used(store)
        per_prospect = (first - empty) / prospects
        per_message = (full - first) / (prospects * max(messages - 1, 1))
        print(
            f"{prospects} prospects × {messages} messages{', time indexes' if indexes else ''}: "
            f"{turns} turns, {took / turns * 1000:.2f} ms a turn"
        )
        print(f"  new prospect (first message):   {per_prospect:,.0f} bytes")
        print(f"  each further message:           {per_message:,.0f} bytes")
        print(f"  file: {full / 1e6:.2f} MB  ({biggest(store)})")

        clock.now += timedelta(days=181)
        t0 = time.perf_counter()
        before, leads_before = Retention().cutoffs(clock.now)
        total, longest = PruneCounts(), 0.0
        while True:  # as the running bot does: short transactions until nothing is left
            t1 = time.perf_counter()
            counts = store.prune(before, leads_before, limit=BATCH)
            longest = max(longest, time.perf_counter() - t1)
            total += counts
            if not counts.full(BATCH):
                break
        prune_ms = (time.perf_counter() - t0) * 1000
        size, free = used(store)
        print(
            f"pruned 181 days later ({total.total:,} rows in {prune_ms:.0f} ms; the longest "
            f"batch of {BATCH} a table, {longest * 1000:.1f} ms): {total.summary()}"
        )
        print(
            f"  file: {size / 1e6:.2f} MB, of which {free / 1e6:.2f} MB free for reuse "
            f"(data left: {(size - free) / 1e3:.1f} KB)"
        )

        await talk(prospects, SCRIPT[:1] + rest)
        again, free_again = used(store)
        print(
            f"  {prospects} more prospects × {messages} messages after pruning: file "
            f"{again / 1e6:.2f} MB ({(again - size) / 1e6:+.2f} MB; free left "
            f"{free_again / 1e6:.2f} MB)"
        )
        store.vacuum()
        vacuumed, _ = used(store)
        print(f"  after VACUUM: {vacuumed / 1e6:.2f} MB (the live prospects' data only)")
        store.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(
        run(
            int(args[0]) if args else 1000,
            int(args[1]) if len(args) > 1 else 10,
            "--time-indexes" in sys.argv,
        )
    )
