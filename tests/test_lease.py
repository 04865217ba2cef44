"""One bot per database: the lease in the SQLite store (``bot.storage.lease``).

Store-level: taken, refused while its holder lives, taken over at once from a holder whose
process is gone or that stopped renewing, given back. End to end: ``python -m bot run``
started twice on one database against the fake Bot API (tests/fakebotapi.py): the second
refuses with one plain line; after a ``kill -9`` of the first, a new start takes over at once.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.lease import LEASE_PERIOD, LeaseHeld, LeaseHolder, SqliteLease, pid_alive
from bot.storage.sqlite import Store
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "bot.db"
    Store(path).close()  # created and migrated, as ``run`` opens it before the lease
    yield path


def lease(
    db: Path, clock: Clock, *, host: str = "web-1", pid: int, dead: frozenset[int] = frozenset()
) -> SqliteLease:
    """A lease as process ``pid`` on ``host`` sees it; the pids in ``dead`` are not running."""
    return SqliteLease(db, clock=clock, host=host, pid=pid, alive=lambda p: p not in dead)


def test_taken_refused_while_its_holder_lives_then_given_back(db: Path) -> None:
    clock = Clock()
    first = lease(db, clock, pid=100)
    assert first.acquire() is None  # it was free
    holder = first.current()
    assert holder is not None and (holder.host, holder.pid) == ("web-1", 100)
    assert holder.acquired_at == holder.renewed_at == T0

    clock.now = T0 + timedelta(seconds=20)
    assert first.renew()
    second = lease(db, clock, pid=200)
    with pytest.raises(LeaseHeld) as refused:
        second.acquire()
    message = str(refused.value)
    assert refused.value.holder.token == first.token
    assert "process 100 on web-1" in message and "since 2026-03-01 10:00 UTC" in message
    assert "last renewed 0 s ago" in message and "BOT_DB_PATH" in message
    assert "\n" not in message
    renewed = LeaseHolder("web-1", 100, first.token, T0, T0 + timedelta(seconds=20))
    assert first.current() == renewed  # refusing changed nothing

    first.release()
    assert second.current() is None
    assert second.acquire() is None  # free again: taken without a takeover
    first.release()  # twice: nothing happens
    second.release()


def test_a_holder_whose_process_is_gone_is_taken_over_at_once(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.lease")
    clock = Clock()
    killed = lease(db, clock, pid=100)
    killed.acquire()
    clock.now = T0 + timedelta(seconds=1)  # renewed a second ago: only its pid tells
    restart = lease(db, clock, pid=300, dead=frozenset({100}))
    gone = restart.acquire()
    assert isinstance(gone, LeaseHolder) and gone.pid == 100
    assert restart.current() == LeaseHolder("web-1", 300, restart.token, clock.now, clock.now)
    (line,) = [r for r in caplog.records if "took over" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert "process 100 on web-1" in line.getMessage() and "not running" in line.getMessage()
    assert not killed.renew()  # the old holder finds out at its next renewal
    restart.release()


def test_a_holder_with_this_very_pid_is_an_earlier_run(db: Path) -> None:
    """A container restarted after a kill -9 is pid 1 again on the same host name: its own
    pid is alive (it is this process), but the lease is the earlier run's."""
    clock = Clock()
    lease(db, clock, pid=1).acquire()
    again = lease(db, clock, pid=1)  # alive(1) is True
    gone = again.acquire()
    assert gone is not None and gone.token != again.token
    again.release()


def test_another_machine_is_waited_for_until_its_lease_expires(db: Path) -> None:
    clock = Clock()
    other = lease(db, clock, host="web-2", pid=100)
    other.acquire()
    here = lease(db, clock, host="web-1", pid=100)  # its pid cannot be checked from here
    clock.now = T0 + LEASE_PERIOD - timedelta(seconds=1)
    with pytest.raises(LeaseHeld, match="process 100 on web-2"):
        here.acquire()
    clock.now = T0 + LEASE_PERIOD + timedelta(seconds=1)
    gone = here.acquire()
    assert gone is not None and gone.host == "web-2"
    here.release()


def test_a_live_holder_renewing_keeps_it_past_the_period(db: Path) -> None:
    clock = Clock()
    other = lease(db, clock, host="web-2", pid=100)
    other.acquire()
    here = lease(db, clock, host="web-1", pid=5)
    for step in range(1, 6):
        clock.now = T0 + step * LEASE_PERIOD / 2
        assert other.renew()
        with pytest.raises(LeaseHeld):
            here.acquire()
    other.release()
    here.release()


def test_keeping_renews_and_tells_when_the_lease_was_taken_over(db: Path) -> None:
    """The renewing thread: renews on its own, and calls ``on_lost`` with the new holder
    when another took the lease over (this one was frozen past the period)."""
    lost: list[LeaseHolder | None] = []
    told = threading.Event()
    ticks = itertools.count()

    def ticking() -> datetime:  # a second later at every look
        return T0 + timedelta(seconds=next(ticks))

    period = timedelta(seconds=0.2)  # renewed every 0.05 s
    mine = SqliteLease(db, period=period, host="web-1", pid=100, clock=ticking)
    mine.acquire()

    def on_lost(holder: LeaseHolder | None) -> None:
        lost.append(holder)
        told.set()

    def renewed() -> bool:
        now = mine.current()
        return now is not None and now.renewed_at > T0

    mine.keep(on_lost)
    deadline = time.monotonic() + 10
    while not renewed() and time.monotonic() < deadline:
        told.wait(0.01)
    assert renewed()
    taker = SqliteLease(db, host="web-2", pid=7, clock=lambda: T0 + timedelta(hours=1))
    taker.acquire()  # as if this one's renewals had stopped for an hour
    assert told.wait(10)
    assert lost and lost[0] is not None and lost[0].host == "web-2"
    mine.release()
    assert taker.current() is not None  # releasing a lost lease leaves the taker's alone
    taker.release()


def test_pid_alive() -> None:
    assert pid_alive(os.getpid())
    assert not pid_alive(0) and not pid_alive(-5)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not collected: a zombie
    assert not pid_alive(child.pid)
    child.wait()
    assert not pid_alive(child.pid)


# -- two ``python -m bot run`` on one database ---------------------------------------------------


class Bot:
    """``python -m bot run`` against the fake, as in production (benchmarks/soak_leads.py)."""

    def __init__(self, fake: FakeBotAPI, workdir: Path, name: str) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_", "WEBHOOK_", "TELEGRAM_"))
        }
        env.update(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=fake.base_url,
            BOT_DB_PATH=str(workdir / "bot.db"),
            BOT_CONTENT_DIR=str(ROOT),
            BOT_ADMIN_IDS="990001",
            BOT_CACHE_DIR=os.environ.get("BOT_CACHE_DIR", str(workdir / "cache")),
            PYTHONPATH=str(ROOT),
        )
        self.log = workdir / f"{name}.log"
        self.err = workdir / f"{name}.err"
        self.started = time.monotonic()
        with self.log.open("wb") as out, self.err.open("wb") as err:
            # cwd: the run's folder, so no .env of the developer's is read
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=out, stderr=err
            )

    def output(self) -> str:
        return self.log.read_text() + self.err.read_text()

    def until_logged(self, text: str, timeout: float = 90.0) -> float:
        """Seconds from the start until ``text`` is in the bot's output."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.proc.poll() is None, (
                f"the bot exited ({self.proc.returncode}):\n{self.output()}"
            )
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output()}"
            time.sleep(0.05)
        return time.monotonic() - self.started

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def polling(fake: FakeBotAPI, before: int, timeout: float = 60.0) -> None:
    """Wait until the fake has had more than ``before`` getUpdates calls."""
    deadline = time.monotonic() + timeout
    while len(fake.calls_to("getUpdates", ok_only=False)) <= before:
        assert time.monotonic() < deadline, "the bot never polled"
        time.sleep(0.05)


def test_a_second_run_refuses_and_a_kill_minus_nine_does_not_hold_the_next_start(
    tmp_path: Path,
) -> None:
    fake = FakeBotAPI().start()
    bots: list[Bot] = []
    try:
        first = Bot(fake, tmp_path, "first")
        bots.append(first)
        first.until_logged("starting: long polling")
        polling(fake, 0)

        second = Bot(fake, tmp_path, "second")
        bots.append(second)
        assert second.proc.wait(timeout=120) == 1
        said = second.err.read_text().strip().splitlines()
        assert len(said) == 1, second.output()
        (line,) = said
        assert line.startswith("Another bot is already running on ")
        assert f"process {first.proc.pid} on " in line and "holding it since " in line
        assert "Stop that one first" in line
        assert "Traceback" not in second.output()
        assert "starting:" not in second.output()  # it never polled
        assert first.proc.poll() is None  # the first one goes on

        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
        polls = len(fake.calls_to("getUpdates", ok_only=False))
        third = Bot(fake, tmp_path, "third")
        bots.append(third)
        took = third.until_logged("starting: long polling")
        polling(fake, polls)  # its signal handlers are set: a SIGTERM is a clean stop
        assert f"took over the lease of bot.db from process {first.proc.pid} on " in third.output()
        assert "not running any more" in third.output()
        assert took < 60  # started as fast as any start: no lease period waited out
        assert third.stop() == 0
        conn = sqlite3.connect(tmp_path / "bot.db")
        assert conn.execute("select count(*) from lease").fetchone() == (0,)  # given back
        conn.close()
    finally:
        for bot in bots:
            if bot.proc.poll() is None:
                bot.proc.kill()
                bot.proc.wait()
        fake.stop()
