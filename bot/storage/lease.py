"""One bot per database: a lease kept in the SQLite file.

Two ``python -m bot run`` on one database would both poll Telegram (each gets 409 Conflict
errors) and both deliver the notes for the agency (a note twice). So ``run`` takes the lease
before it starts, renews it while it runs and gives it back on a clean stop; a second ``run``
finds it held and refuses to start, naming the holder (``LeaseHeld``).

A lease whose holder is gone is taken over at once, with a log line, so a restart after a
``kill -9`` or a crash never waits: on this machine, when the holder's process is not running
any more, or is this very process id (a container restarted as pid 1); on any machine, when
it has not been renewed for longer than ``period`` (its machine died; renewing compares the
two machines' clocks, so keep them in time with NTP).

Renewing runs in a daemon thread with its own connection (``SqliteLease.keep``), not as an
asyncio task: it goes on while the event loop is busy (a slow turn, a stuck reload) and never
queues behind the store's own writes, so the lease says "the process is alive", which is what
a second instance must know. A holder that finds the lease taken over (it was frozen, or the
file locked, for longer than ``period``) is told through ``on_lost`` and must stop.

The lease belongs to the SQLite store, whose file one process owns. A PostgreSQL store (its
own issue) is meant to be shared by several processes on purpose: it implements
``InstanceLease`` as it needs (a lease per Telegram token for the poller only, an advisory
lock, or nothing at all), with the same calls, and ``run`` does not change.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.core.ports import Clock, StoreBusy, utc_now

log = logging.getLogger("bot.lease")

LEASE_PERIOD = timedelta(seconds=60)
"""A lease not renewed for this long is free; its holder renews it every quarter of it."""


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds the lease: ``host`` (the machine's name), ``pid`` (its process id there),
    ``token`` (random, told apart from an earlier run with the same pid), when it took the
    lease and when it last renewed it (timezone-aware, UTC)."""

    host: str
    pid: int
    token: str
    acquired_at: datetime
    renewed_at: datetime

    def describe(self, now: datetime) -> str:
        """``process 4242 on web-1, holding it since 2026-03-01 10:00 UTC (last renewed 12 s
        ago)``: for people."""
        ago = max(int((now - self.renewed_at).total_seconds()), 0)
        since = self.acquired_at.strftime("%Y-%m-%d %H:%M UTC")
        held = f"holding it since {since} (last renewed {ago} s ago)"
        return f"process {self.pid} on {self.host}, {held}"


class LeaseHeld(Exception):
    """Another bot, alive, holds the lease of this database: ``holder``. The message is one
    line for whoever starts the bot: who holds it, since when, and what to do."""

    def __init__(self, holder: LeaseHolder, where: str, now: datetime, period: timedelta) -> None:
        self.holder = holder
        super().__init__(
            f"Another bot is already running on {where}: {holder.describe(now)}. Stop that "
            "one first (systemctl stop expectations-bot, or Ctrl-C in its terminal), or give "
            "this one its own database with BOT_DB_PATH; if that machine is down, the "
            f"database is free {int(period.total_seconds())} s after the last renewal."
        )


class InstanceLease(Protocol):
    """Keeps a second bot from running on the same store. ``acquire`` before the bot starts,
    ``keep`` while it runs, ``release`` on a clean stop."""

    def acquire(self) -> LeaseHolder | None:
        """Take the lease. Returns the earlier holder it took over because it was gone
        (logged), or None when the lease was free.

        Raises:
            LeaseHeld: a bot that is alive holds it.
            StoreBusy: the store stayed locked by another program.
        """
        ...

    def renew(self) -> bool:
        """Say we are alive; False when another took the lease over meanwhile."""
        ...

    def keep(self, on_lost: Callable[[LeaseHolder | None], None]) -> None:
        """Renew in the background until ``release``; ``on_lost(new holder)`` (from another
        thread) when the lease turns out to be someone else's: the bot must then stop."""
        ...

    def release(self) -> None:
        """Give the lease back (ours only) and stop renewing; safe to call twice."""
        ...


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine and is not a zombie (a killed process
    whose parent has not collected it yet is as dead as it gets)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (macOS): the signal said it exists
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def _at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class SqliteLease:
    """``InstanceLease`` in the SQLite file's ``lease`` table (one row, migration
    ``0011_lease``), on a connection of its own. ``host``, ``pid``, ``alive`` and ``clock``
    are this machine's unless given (tests give others); ``period`` as ``LEASE_PERIOD``;
    ``busy_timeout``: seconds a lock held by another program is waited for.

    Raises (when opened):
        sqlite3.DatabaseError: the file cannot be opened.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        period: timedelta = LEASE_PERIOD,
        clock: Clock = utc_now,
        host: str | None = None,
        pid: int | None = None,
        alive: Callable[[int], bool] = pid_alive,
        busy_timeout: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.period = period
        self.clock = clock
        self.host = host or socket.gethostname()
        self.pid = os.getpid() if pid is None else pid
        self.token = secrets.token_hex(8)
        self.alive = alive
        self.holder: LeaseHolder | None = None  # ours, once acquired
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )

    # -- the calls ---------------------------------------------------------------------------

    def acquire(self) -> LeaseHolder | None:
        now = self.clock().replace(microsecond=0)  # as the table keeps it
        with self._lock:
            try:
                self._conn.execute("begin immediate")  # one starter at a time
            except sqlite3.OperationalError as error:
                raise StoreBusy(
                    f"The bot cannot start: {self.path} stayed locked by another program "
                    f"({error}). Try again in a moment."
                ) from error
            try:
                current = self._read()
                gone = None
                if current is not None and current.token != self.token:
                    gone = self._gone(current, now)
                    if gone is None:
                        raise LeaseHeld(current, str(self.path), now, self.period)
                self._conn.execute(
                    "insert or replace into lease (id, host, pid, token, acquired_at, "
                    "renewed_at) values (1, ?, ?, ?, ?, ?)",
                    [self.host, self.pid, self.token, _at(now), _at(now)],
                )
                self._conn.execute("commit")
            except BaseException:
                self._conn.execute("rollback")
                raise
        self.holder = LeaseHolder(self.host, self.pid, self.token, now, now)
        if current is not None and gone is not None:
            log.warning(
                "took over the lease of %s from %s: %s",
                self.path.name,
                current.describe(now),
                gone,
            )
            return current
        log.info("lease of %s taken by process %d on %s", self.path.name, self.pid, self.host)
        return None

    def renew(self) -> bool:
        now = self.clock()
        with self._lock:
            cursor = self._conn.execute(
                "update lease set renewed_at = ? where id = 1 and token = ?",
                [_at(now), self.token],
            )
        return cursor.rowcount > 0

    def current(self) -> LeaseHolder | None:
        """Who holds the lease now (None: nobody), as the table says."""
        with self._lock:
            return self._read()

    def keep(self, on_lost: Callable[[LeaseHolder | None], None]) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._keep, args=(on_lost,), name="bot-lease", daemon=True
        )
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=15)
        with self._lock:
            try:
                self._conn.execute("delete from lease where id = 1 and token = ?", [self.token])
            except sqlite3.ProgrammingError:  # released already: the connection is closed
                return
            except sqlite3.Error as error:  # the next start takes it over anyway (our pid)
                log.warning("the lease of %s could not be given back: %s", self.path.name, error)
            self._conn.close()
        self.holder = None

    # -- inside --------------------------------------------------------------------------------

    def _keep(self, on_lost: Callable[[LeaseHolder | None], None]) -> None:
        every = self.period.total_seconds() / 4
        while not self._stop.wait(every):
            try:
                if self.renew():
                    continue
                taker = self.current()
            except sqlite3.Error as error:  # locked for long, say: the next round tries again
                log.warning(
                    "the lease of %s could not be renewed (%s): trying again in %.0f s",
                    self.path.name,
                    error,
                    every,
                )
                continue
            if self._stop.is_set():
                return
            log.error(
                "the lease of %s was taken over by %s: this bot stops",
                self.path.name,
                taker.describe(self.clock()) if taker is not None else "nobody",
            )
            on_lost(taker)
            return

    def _read(self) -> LeaseHolder | None:
        row = self._conn.execute(
            "select host, pid, token, acquired_at, renewed_at from lease where id = 1"
        ).fetchone()
        if row is None:
            return None
        return LeaseHolder(
            str(row[0]),
            int(row[1]),
            str(row[2]),
            datetime.fromisoformat(row[3]),
            datetime.fromisoformat(row[4]),
        )

    def _gone(self, holder: LeaseHolder, now: datetime) -> str | None:
        """Why ``holder`` cannot be running any more, or None when it may be."""
        if holder.host == self.host:
            if holder.pid == self.pid:
                return "it had this process's id, so it is an earlier run that did not stop cleanly"
            if not self.alive(holder.pid):
                return "its process is not running any more (killed, or crashed)"
        quiet = now - holder.renewed_at
        if quiet > self.period:
            return f"not renewed for {int(quiet.total_seconds())} s (its machine stopped?)"
        return None
