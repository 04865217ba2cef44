"""Turn latency and memory against the number of prospects who ever talked.

    .venv/bin/python benchmarks/bench_engine.py [USERS]

Prints the median and p95 time of one turn (load, move, render, save in SQLite) and the Python
heap before and after USERS distinct prospects, to show state lives in SQLite, not in memory.

Time and memory are measured apart: the turns are timed with nothing watching the allocator,
then USERS more prospects go through under ``tracemalloc`` (which slows every allocation about
three times: its timings would say nothing about the bot).
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_engine, build_understanding, load_content  # noqa: E402
from bot.core.messages import Input  # noqa: E402
from bot.storage.sqlite import Store  # noqa: E402

# a typed question and a hello go through the understanding, as most real messages do
SCRIPT = ["/start", "1", "ciao", "quanto costa?", "/menu", "/help"]


async def run(users: int) -> None:
    loaded = load_content(ROOT)
    assert loaded.content is not None, loaded.problems.report()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(
            loaded.content,
            Store(Path(tmp) / "bench.db"),
            understanding=build_understanding(loaded.content),
            files_dir=Path(tmp) / "charts",
        )
        timings: list[float] = []

        async def batch(start: int, count: int) -> None:
            for i in range(start, start + count):
                for text in SCRIPT:
                    t0 = time.perf_counter()
                    await engine.turn(Input(f"user{i}", text=text, language_code="it"))
                    timings.append(time.perf_counter() - t0)

        await batch(0, 200)  # caches filled, statements prepared
        timings.clear()
        await batch(200, users)  # timed: no tracemalloc
        timed = sorted(timings)
        gc.collect()  # count what is kept, not garbage waiting for the collector
        tracemalloc.start()
        await batch(200 + users, users)  # memory: as many new prospects again
        gc.collect()
        # what the bot keeps, leaving out this script's own list of timings
        kept = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, __file__)])
        tracemalloc.stop()
        grown = sum(stat.size for stat in kept.statistics("filename"))
        print(f"turns timed: {len(timed)} for {users} prospects (after 200 to warm up)")
        print(
            f"median turn: {statistics.median(timed) * 1000:.2f} ms, "
            f"p95: {timed[int(len(timed) * 0.95)] * 1000:.2f} ms"
        )
        print(
            f"Python heap kept by {users} more prospects: {grown / 1024:.0f} KiB "
            f"({grown / users:.0f} bytes each)"
        )


if __name__ == "__main__":
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
