"""How long understanding one message takes: language + intent + entities, per message; how
long the classifier takes to train, and to be read from its cache at a restart.

    .venv/bin/python benchmarks/bench_nlu.py

Runs every message of tests/data/nlu_eval.tsv through the full analysis. The first pass is
"cold" (each new word is looked up in simplemma's dictionaries, as for a new prospect's first
words); the following passes are "warm" (the word caches are filled, as in a running bot).
Prints median and p95 in µs of CPU time (one core, other processes do not count) and of
wall-clock time, plus each part alone on the warm caches.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.base.problems import Problems  # noqa: E402
from bot.understanding.entities import extract_entities  # noqa: E402
from bot.understanding.evaluate import read_samples  # noqa: E402
from bot.understanding.intents import load_intents  # noqa: E402
from bot.understanding.language import detect_language  # noqa: E402
from bot.understanding.nlu import Understanding  # noqa: E402

WARM_PASSES = 5


def measure(texts: list[str], run: Callable[[str], object]) -> tuple[list[float], list[float]]:
    """CPU and wall-clock µs per message, one pass over the texts."""
    cpu: list[float] = []
    wall: list[float] = []
    for text in texts:
        cpu_start, wall_start = time.thread_time_ns(), time.perf_counter_ns()
        run(text)
        cpu.append((time.thread_time_ns() - cpu_start) / 1000)
        wall.append((time.perf_counter_ns() - wall_start) / 1000)
    return cpu, wall


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{name:<28} median {statistics.median(ordered):7.0f} µs   p95 {p95:7.0f} µs"


def main() -> None:
    started = time.perf_counter()
    problems = Problems()
    intents = load_intents(ROOT / "dialogs" / "intents.yaml", problems)
    if intents is None:
        print(problems.report())
        sys.exit(1)
    with tempfile.TemporaryDirectory() as cache:
        loaded = time.perf_counter()
        understanding = Understanding(intents, cache=Path(cache))
        cold = time.perf_counter() - loaded
        classifier = understanding.classifier
        trained = classifier.seconds if classifier is not None else 0.0
        again = time.perf_counter()
        understanding = Understanding(intents, cache=Path(cache))
        warm = time.perf_counter() - again
    print(f"read intents: {loaded - started:.2f} s")
    print(f"index + train the classifier (no cache): {cold:.2f} s (training {trained:.2f} s)")
    print(f"index + read the cached classifier (a restart): {warm:.2f} s")
    texts = [sample.text for sample in read_samples(ROOT / "tests" / "data" / "nlu_eval.tsv")]
    understanding.analyse("warm up")

    cold_cpu, cold_wall = measure(texts, understanding.analyse)
    warm_cpu: list[float] = []
    warm_wall: list[float] = []
    for _ in range(WARM_PASSES):
        cpu, wall = measure(texts, understanding.analyse)
        warm_cpu += cpu
        warm_wall += wall
    print(f"{len(texts)} messages")
    print(line("analyse, cold, CPU", cold_cpu))
    print(line("analyse, cold, wall", cold_wall))
    print(line("analyse, warm, CPU", warm_cpu))
    print(line("analyse, warm, wall", warm_wall))

    langs = {text: detect_language(text)[0] for text in texts}
    matcher = understanding.matcher
    print(line("  language only, warm", measure(texts, detect_language)[0]))
    print(line("  matcher only, warm", measure(texts, lambda t: matcher.match(t, langs[t]))[0]))
    if understanding.classifier is not None:
        rank = understanding.classifier.rank
        print(line("  classifier only, warm", measure(texts, rank)[0]))
    print(line("  entities only, warm", measure(texts, lambda t: extract_entities(t, langs[t]))[0]))


if __name__ == "__main__":
    main()
