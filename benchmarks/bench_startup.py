"""How fast the command line starts: import time of `validate` and `chat`, and which heavy
libraries each loads.

Run: .venv/bin/python benchmarks/bench_startup.py [RUNS]

Each command runs RUNS times (default 5) under ``python -X importtime`` in a fresh process;
the figure is the median of the summed top-level import times (what the interpreter spends
importing, before the command does any work) and the median wall time of the whole command.
`chat` reads one `/quit` from standard input and uses a throwaway database.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "telegram", "httpx", "sqlite_utils", "click")
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)")


def measure(args: list[str], stdin: str) -> tuple[float, float, dict[str, float]]:
    """(seconds importing, wall seconds, cumulative seconds per heavy library loaded)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    wall = time.perf_counter() - started
    total, heavy = 0, {}
    for line in done.stderr.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        cumulative, name = int(match.group(2)), match.group(4)
        if len(match.group(3)) == 1:  # a top-level import
            total += cumulative
        if name in HEAVY:
            heavy[name] = cumulative / 1e6
    return total / 1e6, wall, heavy


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "validate": (["validate"], ""),
            "chat": (["chat", "--db", str(Path(tmp) / "bench.db")], "/quit\n"),
        }
        print(f"{'command':<10} {'imports (s)':>12} {'wall (s)':>9}  heavy libraries loaded")
        for name, (args, stdin) in commands.items():
            results = [measure(args, stdin) for _ in range(runs)]
            imports = statistics.median(r[0] for r in results)
            wall = statistics.median(r[1] for r in results)
            heavy = ", ".join(f"{k} {v:.3f}s" for k, v in sorted(results[-1][2].items())) or "-"
            print(f"{name:<10} {imports:>12.3f} {wall:>9.3f}  {heavy}")


if __name__ == "__main__":
    main()
