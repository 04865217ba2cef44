"""How long the bot makes a prospect wait for the chart: median of 20 renders, and PNG size.

Run: .venv/bin/python benchmarks/bench_chart.py
The first render (font cache, imports) is timed apart: it happens once per bot process.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.problems import Problems
from bot.growth.chart import ChartLabels, render_chart
from bot.growth.parameters import BENCHMARKS_FILE, load_benchmarks
from bot.growth.projection import ProjectionInput, project

RENDERS = 20
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

    start = time.perf_counter()
    for _ in range(RENDERS):
        project(ProjectionInput("instagram", 800, 1_000_000, 0, 3), params)
    model = (time.perf_counter() - start) / RENDERS

    print(f"chart: median {statistics.median(timings) * 1000:.0f} ms over {RENDERS} renders")
    print(f"       (min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms, ", end="")
    print(f"first render {first * 1000:.0f} ms)")
    print(f"png:   {len(png):,} bytes ({len(png) / 1024:.1f} KB), 1000x700")
    print(f"model: {model * 1000:.1f} ms per projection (800 -> 1,000,000, no ads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
