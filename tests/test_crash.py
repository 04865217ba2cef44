"""kill -9 at any moment: every user continues from where they were, no lead lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.messages import Input
from tests.conftest import MINI, ROOT, Chat, build_engine


def run_and_kill(db: Path, seconds: float) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_worker", str(db), "7"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until it has really been working
        line = proc.stdout.readline()
        if line and int(line) >= 200:
            break
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""


def check_consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    users = [r[0] for r in conn.execute("select id from users")]
    assert len(users) == 7
    for user in users:
        leads = conn.execute("select count(*) from leads where user_id=?", [user]).fetchone()[0]
        saved = conn.execute(
            "select count(*) from events where user_id=? and kind='lead_saved'", [user]
        ).fetchone()[0]
        assert leads == saved, user
        ins = conn.execute(
            "select count(*) from transcript where user_id=? and direction='in'", [user]
        ).fetchone()[0]
        entered = conn.execute(
            "select count(distinct at || id) from events where user_id=?", [user]
        ).fetchone()[0]
        assert ins > 0 and entered > 0
    conn.close()


async def test_kill_minus_nine_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    for pause in (0.05, 0.13, 0.31):
        run_and_kill(db, pause)
        check_consistent(db)
    # a fresh process continues every conversation from its saved step
    engine = build_engine(MINI, db)
    for i in range(7):
        user = f"u{i}"
        before = engine.store.load(user)
        assert before is not None
        chat = Chat(engine, user)
        result = await chat.say("/menu")
        assert result.state == "menu"
        await chat.press("Plan")
        assert engine.store.load(user).state == "ask_followers"  # type: ignore[union-attr]


async def test_resume_after_restart_keeps_slots(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    first = build_engine(MINI, db)
    chat = Chat(first)
    await chat.say("/start")
    await chat.press("Plan")
    await chat.say("1,5 mln")
    first.store.close()
    second = build_engine(MINI, db)
    result = await second.turn(Input("u1", text="200 euro"))
    assert result.slots == {"followers": 1500000, "budget": 200}
    assert result.state == "ask_platform"


async def test_a_failed_write_leaves_the_previous_turn(tmp_path: Path) -> None:
    engine = build_engine(MINI, tmp_path / "t.db")
    chat = Chat(engine)
    await chat.say("/start")
    conn = engine.store.db.conn
    conn.execute("create trigger boom before insert on leads begin select raise(abort, 'x'); end")
    await chat.press("Contact")
    await chat.say("Anna")
    await chat.say("a@b.co")
    with pytest.raises(sqlite3.DatabaseError):
        await chat.say("yes")
    conv = engine.store.load("u1")
    assert conv is not None and conv.state == "ask_consent"  # the failed turn left no trace
    assert engine.store.events("u1", "lead_saved") == []
