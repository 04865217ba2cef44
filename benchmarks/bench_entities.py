"""Time of one ``extract_entities`` call on typical one-sentence prospect messages.

    .venv/bin/python benchmarks/bench_entities.py [ROUNDS]

Prints the median and p95 microseconds per message over a few hundred messages (base sentences
crossed with greetings and platforms, Italian and English), after one warm-up pass. The target is
a median under 1 ms, so that entity extraction never shows in a turn's latency.
"""

from __future__ import annotations

import datetime
import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.entities import extract_entities  # noqa: E402

TODAY = datetime.date(2026, 3, 1)

BASES = [
    ("it", "ho 800 follower e ne voglio 5000 in 3 mesi"),
    ("it", "vorrei arrivare a diecimila entro giugno"),
    ("it", "quanto tempo ci vuole per fare 10k?"),
    ("it", "budget 300 € al mese, è possibile arrivare a 1,5 mln?"),
    ("it", "abbiamo circa 2.500 follower, vogliamo crescere in sei mesi"),
    ("it", "posso spendere duecento euro al mese per un anno"),
    ("it", "siamo un ristorante, pubblichiamo un post al giorno"),
    ("it", "mi servono almeno cinquemila follower entro fine anno"),
    ("it", "un milione e mezzo di follower in 2 anni si può?"),
    ("it", "grazie mille, ci sentiamo domani"),
    ("it", "ho 12.000 iscritti, vorrei raddoppiare entro natale"),
    ("it", "tra 3 e 6 mesi vorrei 20mila follower"),
    ("en", "I have 800 followers and want 10k by June"),
    ("en", "how long to get twenty thousand followers?"),
    ("en", "my budget is $500 a month for six months"),
    ("en", "we post one reel a day, can we hit a million in a year?"),
    ("en", "one and a half million followers by the end of the year"),
    ("en", "we're at 1.2M and want 2M within 18 months"),
    ("en", "call me at +39 333 1234567 please"),
    ("en", "hi there, just curious about your pricing"),
]
OPENERS = ["", "Ciao! ", "Hi, ", "Buongiorno, ", "ok "]
PLATFORMS = ["", " su Instagram", " on TikTok", " (IG + FB)", " LinkedIn"]


def messages() -> list[tuple[str, str]]:
    """A few hundred varied sentences, deterministic so runs compare."""
    return [
        (lang, f"{opener}{text}{platform}")
        for (lang, text), opener, platform in itertools.product(BASES, OPENERS, PLATFORMS)
    ]


def main(rounds: int = 5) -> None:
    sample = messages()
    for lang, text in sample:  # warm-up: imports, regex caches
        extract_entities(text, lang, TODAY)
    per_message: list[float] = []
    for lang, text in sample:
        runs = []
        for _ in range(rounds):
            started = time.perf_counter_ns()
            extract_entities(text, lang, TODAY)
            runs.append(time.perf_counter_ns() - started)
        per_message.append(statistics.median(runs) / 1000)
    per_message.sort()
    p95 = per_message[int(len(per_message) * 0.95) - 1]
    print(
        f"{len(sample)} messages, {rounds} rounds each: "
        f"median {statistics.median(per_message):.0f} µs, p95 {p95:.0f} µs per message"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
