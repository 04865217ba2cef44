"""``python -m bot stats`` and ``leads`` while another program holds the database's write lock
(tests/sqlite_lock.py: the bot under load, a backup, a stray ``sqlite3`` shell).

Reading needs no lock (the file is in WAL mode, and an up-to-date file is opened without one),
so the readers answer at once. Only an upgrade (a pending migration) needs the lock: they wait
for it up to ``--wait`` seconds, and past that say so in one line, without a traceback.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import cli
from bot.core.records import LeadRecord
from bot.core.state import Conversation, TurnRecord
from bot.storage.sqlite import Store
from tests.conftest import fixed_clock
from tests.sqlite_lock import hold_write_lock


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    store = Store(path)
    conv = Conversation(user_id="u1", lang="en", dialog="main", state="menu")
    lead = LeadRecord(name="Ann", contact="ann@example.com", consent=True)
    store.save_turn(TurnRecord(conv, fixed_clock(), transcript=[("in", "hi")], leads=[lead]))
    store.close()
    return path


def older(db: Path) -> None:
    """Make ``db`` look written by the version before the lease: one migration pending."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("delete from migrations where name = '0011_lease'")
        conn.execute("drop table lease")
    conn.close()


@pytest.fixture
def locked(db: Path) -> Iterator[Path]:
    """``db`` with its write lock held by another process for longer than any test waits."""
    holder = hold_write_lock(db, 120)
    yield db
    holder.kill()
    holder.wait()


def run(*args: str) -> tuple[Result, float]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, list(args))
    return result, time.monotonic() - started


def test_readers_answer_at_once_while_the_bot_writes(locked: Path) -> None:
    for command in ("stats", "leads"):
        result, took = run(command, "--db", str(locked), "--wait", "20")
        assert result.exit_code == 0, result.output
        assert took < 5, f"{command} waited for a lock it does not need"
    listed, _ = run("leads", "--db", str(locked))
    assert "ann@example.com" in listed.stdout


def test_an_upgrade_waits_for_the_lock_released_within_the_wait(db: Path) -> None:
    older(db)
    holder = hold_write_lock(db, 2.5)
    try:
        result, took = run("stats", "--db", str(db), "--wait", "30")
    finally:
        holder.wait()
    assert result.exit_code == 0, result.output
    assert took >= 1.5  # it did wait for the other program
    assert "Upgraded the database: 0011_lease" in result.stderr
    assert "Prospects started: 1" in result.stdout


@pytest.mark.parametrize("command", ["stats", "leads"])
def test_past_the_wait_one_plain_line(db: Path, command: str) -> None:
    older(db)
    holder = hold_write_lock(db, 120)
    try:
        result, took = run(command, "--db", str(db), "--wait", "1")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "stayed locked by another program" in line and "--wait SECONDS" in line
    assert "Traceback" not in result.output
    assert took < 10
