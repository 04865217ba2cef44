"""A database locked by another program: what prospects feel, and whether the bot freezes.

The real adapter and python-telegram-bot against the local fake Bot API (127.0.0.1), on a real
SQLite file. Prospects write steadily; in the middle, a second process takes the file's write
lock (``begin immediate``, as a backup or a stray ``sqlite3`` shell would) for ``--hold``
seconds. Printed per hold: messages sent and answered, answer latency before/during/after the
lock, the longest gap of an event-loop heartbeat (a frozen loop would show the whole hold), and
whether every message is in the transcript.

    .venv/bin/python benchmarks/bench_db_lock.py [--holds 3 7] [--prospects 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import app  # noqa: E402
from bot.app import lead_fields  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.fakebotapi import FakeBotAPI  # noqa: E402
from tests.sqlite_lock import hold_write_lock  # noqa: E402
from tests.test_telegram_e2e import serve  # noqa: E402


async def one_run(hold: float, prospects: int, workdir: Path) -> dict[str, float]:
    fake = FakeBotAPI().start()
    loaded = app.require_content(ROOT)
    assert loaded.content is not None
    store = app.open_store(workdir / f"bot-{hold}.db")
    engine = app.build_engine(
        loaded.content,
        store,
        default_lang="en",
        understanding=app.build_understanding(loaded.content),
        files_dir=workdir / "charts",
    )
    settings = Settings(token=fake.token, api_base_url=fake.base_url, admin_ids=(999,))
    h = await serve(fake, engine, settings, lead_fields=lead_fields())
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.02)
            now = time.monotonic()
            gaps.append(now - last - 0.02)
            last = now

    beat = asyncio.create_task(heartbeat())
    users = list(range(7001, 7001 + prospects))
    for uid in users:
        await h.say(uid, "/start")
    samples: list[tuple[float, float]] = []  # (sent at, latency)
    lock_at, lock_end = 0.0, 0.0
    start = time.monotonic()
    words = ["how much does it cost?", "quanto costa?", "do you buy followers?", "chi siete?"]

    async def prospect(uid: int, i: int) -> None:
        await asyncio.sleep(i * 1.0 / prospects)  # spread out, like people
        for n in range(int(hold + 5)):
            before = len(fake.sent(uid))
            sent = time.monotonic()
            update = fake.message(uid, words[(uid + n) % len(words)])
            await h.handled(update, timeout=hold + 30)
            samples.append((sent - start, time.monotonic() - sent))
            assert len(fake.sent(uid)) > before, f"{uid} got no answer"
            await asyncio.sleep(1.0)

    async def locker() -> None:
        nonlocal lock_at, lock_end
        await asyncio.sleep(2.0)
        proc = await asyncio.to_thread(hold_write_lock, store.path, hold)
        lock_at = time.monotonic() - start
        await asyncio.to_thread(proc.wait)
        lock_end = time.monotonic() - start

    await asyncio.gather(locker(), *(prospect(uid, i) for i, uid in enumerate(users)))
    beat.cancel()
    kept = sum(
        1 for uid in users for line in store.transcript(f"tg:{uid}", 200) if line.direction == "in"
    )
    await h.app.updater.stop()  # type: ignore[union-attr]
    await h.app.stop()
    await h.bot.post_stop(h.app)
    await h.app.shutdown()
    store.close()
    fake.stop()

    def lat(pick: list[float]) -> str:
        if not pick:
            return "-"
        pick = sorted(pick)
        p95 = pick[int(0.95 * (len(pick) - 1))]
        return f"p50 {statistics.median(pick) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"

    before = [lat_ for at, lat_ in samples if at + lat_ < lock_at]
    during = [lat_ for at, lat_ in samples if at + lat_ >= lock_at and at < lock_end]
    after = [lat_ for at, lat_ in samples if at >= lock_end]
    print(f"\nlock held {hold:g} s by another process ({prospects} prospects writing)")
    print(f"  messages sent / answered: {len(samples)} / {len(samples)}")
    print(f"  in the transcript: {kept - prospects} of {len(samples)} (+{prospects} /start)")
    print(f"  before the lock: {lat(before)}")
    print(f"  during the lock: {lat(during)} (longest {max(during, default=0):.1f} s)")
    print(f"  after the lock:  {lat(after)}")
    print(f"  longest event-loop stall: {max(gaps) * 1000:.0f} ms")
    return {"hold": hold, "stall": max(gaps)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holds", type=float, nargs="+", default=[3.0, 7.0])
    parser.add_argument("--prospects", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for hold in args.holds:
            await one_run(hold, args.prospects, Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
