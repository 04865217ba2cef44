"""How long the bot makes a prospect wait for the chart: median of 20 renders, and PNG size;
and how long one prospect's chart stalls everyone else: the event loop's longest stall (a ticker
coroutine measuring its lag every 5 ms) while 5 charts are drawn, in a thread and in the chart
process (``draw_chart``).

Run: .venv/bin/python benchmarks/bench_chart.py
The first render (font cache, imports) is timed apart: it happens once per bot process.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.problems import Problems
from bot.growth.chart import (
    DPI,
    HEIGHT_IN,
    WIDTH_IN,
    ChartLabels,
    draw_chart,
    render_chart,
    shutdown_charts,
)
from bot.growth.parameters import BENCHMARKS_FILE, Benchmarks, load_benchmarks
from bot.growth.projection import Projection, ProjectionInput, project

RENDERS = 20
CONCURRENT = 5
TICK = 0.005
LABELS = ChartLabels(
    locale="it",
    title="Instagram: quanti follower e quando",
    x_axis="mesi",
    y_axis="follower",
    cautious="prudente",
    likely="probabile",
    good="buono",
    target="Obiettivo",
    footnote="Stime, non promesse: dipendono da budget e costanza.",
    subtitle="Instagram · 800 → 10.000 follower · € 200 al mese di sponsorizzate · "
    "3 post a settimana",
    band="Più probabile",
    arrival="mese {month}",
)


def main() -> int:
    problems = Problems()
    params = load_benchmarks(BENCHMARKS_FILE, problems)
    if params is None:
        print(problems.report(), file=sys.stderr)
        return 1
    projection = project(ProjectionInput("instagram", 800, 10_000, 200, 3), params)

    start = time.perf_counter()
    png = render_chart(projection, LABELS)
    first = time.perf_counter() - start

    timings = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        png = render_chart(projection, LABELS)
        timings.append(time.perf_counter() - start)

    models = {}  # the median of 50: a busy machine's outliers say nothing about the model
    for target, budget in ((10_000, 200), (1_000_000, 0)):
        inp = ProjectionInput("instagram", 800, target, budget, 3)
        runs = []
        for _ in range(50):
            start = time.perf_counter()
            project(inp, params)
            runs.append(time.perf_counter() - start)
        models[target, budget] = statistics.median(runs)

    print(f"chart: median {statistics.median(timings) * 1000:.0f} ms over {RENDERS} renders")
    print(f"       (min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms, ", end="")
    print(f"first render {first * 1000:.0f} ms)")
    size = f"{round(WIDTH_IN * DPI)}x{round(HEIGHT_IN * DPI)}"
    print(f"png:   {len(png):,} bytes ({len(png) / 1024:.1f} KB), {size}")
    print(
        f"model: {models[10_000, 200] * 1000:.2f} ms per projection (800 -> 10,000, € 200), "
        f"{models[1_000_000, 0] * 1000:.2f} ms (800 -> 1,000,000, no ads: never arrives)"
    )
    asyncio.run(_stalls(params))
    return 0


def _batch(params: Benchmarks, offset: int) -> list[Projection]:
    """Distinct numbers each time: no chart comes from the cache."""
    return [
        project(ProjectionInput("instagram", 800, 10_000 + offset + i, 200, 3), params)
        for i in range(CONCURRENT)
    ]


async def _in_thread(projection: Projection, path: Path) -> None:
    """How the bot drew charts before: a thread of this process (it holds the GIL)."""
    await asyncio.to_thread(render_chart, projection, LABELS, path)


async def _in_process(projection: Projection, path: Path) -> None:
    await draw_chart(projection, LABELS, path)


async def _measure(
    draw: Callable[[Projection, Path], Awaitable[None]], projections: list[Projection]
) -> tuple[float, float]:
    """(longest event-loop stall, wall time) while ``projections`` are drawn at once."""
    out = Path(tempfile.mkdtemp(prefix="bench_chart_"))
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - start - TICK)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(TICK * 4)  # the ticker is running before the first chart starts
    start = time.perf_counter()
    await asyncio.gather(*(draw(p, out / f"{i}.png") for i, p in enumerate(projections)))
    wall = time.perf_counter() - start
    stop.set()
    await task
    return max(lags), wall


async def _idle(projection: Projection, path: Path) -> None:
    """No chart at all, as long as one takes: the machine's own noise, to compare with."""
    await asyncio.sleep(0.3)


async def _stalls(params: Benchmarks) -> None:
    """The loop's longest stall while charts are drawn: what every other prospect waits."""
    idle_stall, _ = await _measure(_idle, _batch(params, 0))
    try:
        thread_stall, thread_wall = await _measure(_in_thread, _batch(params, 0))
        first_stall, first_wall = await _measure(_in_process, _batch(params, 100)[:1])
        process_stall, process_wall = await _measure(_in_process, _batch(params, 200))
        cached_stall, cached_wall = await _measure(_in_process, _batch(params, 200))
    finally:
        shutdown_charts()
    print(f"loop stall while {CONCURRENT} charts are drawn (ticker every {TICK * 1000:.0f} ms):")
    print(f"  idle (no chart: this machine's own noise): longest stall {idle_stall * 1000:.0f} ms")
    print("  warm (matplotlib already loaded here, chart process already running):")
    print(f"    thread:  longest stall {thread_stall * 1000:.0f} ms ({thread_wall:.2f} s for all)")
    print(
        f"    process: longest stall {process_stall * 1000:.0f} ms ({process_wall:.2f} s for all)"
    )
    print(
        f"    process start + first chart: stall {first_stall * 1000:.0f} ms, {first_wall:.2f} s;"
        f" the same {CONCURRENT} again (cache): stall {cached_stall * 1000:.0f} ms,"
        f" {cached_wall * 1000:.0f} ms"
    )
    print("  cold (a fresh bot's first 5 charts: matplotlib imported by whoever draws):")
    for mode in ("thread", "process"):
        cold = subprocess.run(
            [sys.executable, __file__, "--cold", mode], capture_output=True, text=True, check=True
        )
        stall, wall = (float(x) for x in cold.stdout.split())
        print(f"    {mode + ':':8} longest stall {stall * 1000:.0f} ms ({wall:.2f} s for all)")


def _cold(mode: str) -> int:
    """In a fresh interpreter: the first charts, matplotlib not yet imported in this process."""
    params = load_benchmarks(BENCHMARKS_FILE, Problems())
    assert params is not None
    assert "matplotlib" not in sys.modules
    draw = _in_thread if mode == "thread" else _in_process
    try:
        stall, wall = asyncio.run(_measure(draw, _batch(params, 300)))
    finally:
        shutdown_charts()
    print(stall, wall)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        sys.exit(_cold(sys.argv[2]))
    sys.exit(main())
