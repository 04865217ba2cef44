"""Leads never lost: what Telegram, the network and the database do when things go wrong.

The real python-telegram-bot Application and our adapter against the local fake Bot API
(tests/fakebotapi.py), which answers as Telegram does: "chat not found" for an admin who never
pressed Start, 403 for a prospect who blocked the bot, 502s, dropped connections; and a real
second process holding the SQLite file's write lock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import StoreBusy
from tests.fakebotapi import CHAT_NOT_FOUND, FakeBotAPI
from tests.sqlite_lock import hold_write_lock
from tests.test_telegram_e2e import (  # noqa: F401 - ``start`` is a fixture
    ADMIN,
    ANN,
    BOB,
    HUMAN_WRITE_HERE,
    MENU_HUMAN,
    Harness,
    Starter,
    start,
)

OTHER_ADMIN = 999_002
ROOT = Path(__file__).resolve().parents[1]


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def outbox(h: Harness) -> list[dict[str, object]]:
    return list(h.engine.store.db.query("select * from outbox order by id"))


async def ask_for_a_person(h: Harness, uid: int) -> None:
    await h.say(uid, "/start")
    await h.press(uid, MENU_HUMAN)
    await h.press(uid, HUMAN_WRITE_HERE)


def requests_to(h: Harness, admin: int) -> list[str]:
    return [c.text for c in h.fake.sent(admin) if "tg:" in c.text or "Ann" in c.text]


# -- 1. a request nobody received is not delivered ---------------------------------------------


async def test_an_unreachable_admin_is_named_at_start_up(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.adapters.telegram.bot")
    h = await start(admin_ids=(ADMIN, OTHER_ADMIN))
    h.fake.unreachable(OTHER_ADMIN)
    assert await h.bot.check_admins(h.app.bot) == {
        OTHER_ADMIN: "they never pressed Start in a chat with @test_bot (Telegram: Chat not found)"
    }
    line = next(r.getMessage() for r in caplog.records if "cannot be reached" in r.getMessage())
    assert f"Admin {OTHER_ADMIN} cannot be reached" in line
    assert "https://t.me/test_bot and press Start" in line
    assert f"admin(s) {ADMIN} receive leads meanwhile" in line  # not "nothing gets through"


async def test_a_request_for_a_person_waits_for_an_admin_who_cannot_be_reached(
    start: Starter,  # noqa: F811
) -> None:
    """The issue's case 1: "chat not found" is not "delivered". No handover opens, the row
    stays pending, and the timer (no prospect writing) delivers it once the admin presses
    Start — once."""
    clock = MovableClock()
    h = await start(outbox_tick=0.05)
    h.engine.clock = clock
    h.fake.unreachable(ADMIN, CHAT_NOT_FOUND)
    await ask_for_a_person(h, ANN)
    (row,) = outbox(h)
    assert row["sent"] == 0 and row["attempts"] == 1
    assert "Chat not found" in str(row["last_error"])
    assert h.engine.store.handover(f"tg:{ANN}") is None
    assert requests_to(h, ADMIN) == []
    # told honestly that the team has not got it yet, right after "we told the team"
    assert "can't reach the team" in h.fake.sent(ANN)[-1].text
    await h.say(ANN, "are you there? it's urgent")  # written while nobody can read it

    h.fake.reachable(ADMIN)  # the admin pressed Start
    clock.advance(seconds=31)  # the retry is due: nobody writes, the timer sends it
    user = f"tg:{ANN}"
    await h.until(
        lambda: outbox(h)[0]["sent"] == 1 and h.engine.store.handover(user) is not None,
        "the retry on the timer",
    )
    (request,) = [c for c in h.fake.sent(ADMIN) if c.buttons]
    assert "s urgent" in request.text  # what they wrote meanwhile comes with it
    assert "min late" in request.text  # and the staff see it waited
    assert h.engine.store.handover(f"tg:{ANN}") is not None  # a person answers from now on
    clock.advance(minutes=30)
    await asyncio.sleep(0.2)  # more ticks of the timer: never twice
    assert len([c for c in h.fake.sent(ADMIN) if c.buttons]) == 1


async def test_a_lead_waits_too_and_an_overdue_one_is_in_stats(
    start: Starter,  # noqa: F811
) -> None:
    clock = MovableClock()
    h = await start(admin_ids=(ADMIN, OTHER_ADMIN))
    h.engine.clock = clock
    h.fake.unreachable(ADMIN)
    h.fake.unreachable(OTHER_ADMIN)
    await ask_for_a_person(h, ANN)
    clock.advance(minutes=31)
    h.fake.reachable(OTHER_ADMIN)
    h.fake.fail("sendMessage", 400, "Bad Request: message is too long", chat_id=OTHER_ADMIN)
    await h.bot.lead_notes.deliver()  # this try fails too: past 30 min, staff are told
    alert = [c.text for c in h.fake.sent(OTHER_ADMIN)]
    assert any("undelivered for over 30 min" in t for t in alert), alert
    stats = await h.bot.staff.commands.stats()
    assert "1 note(s) for the agency NOT delivered" in stats


# -- 2. a reply the prospect never gets holds nothing back ---------------------------------------


@pytest.mark.parametrize("fault", ["blocked", "502"])
async def test_a_failed_reply_to_the_prospect_does_not_hold_back_the_admin(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    caplog.set_level(logging.INFO)
    h = await start(reply_patience=0.3)  # a reply given up soon (BOT_REPLY_RETRY_MINUTES)
    await h.say(ANN, "/start")
    await h.press(ANN, MENU_HUMAN)
    if fault == "blocked":
        h.fake.blocked(ANN)
    else:
        h.fake.fail("sendMessage", 502, times=10, chat_id=ANN)
    started = time.monotonic()
    await h.press(ANN, HUMAN_WRITE_HERE)
    assert time.monotonic() - started < 3  # no 40 s wait for a restart
    assert [r["sent"] for r in outbox(h)] == [1]
    assert [c for c in h.fake.sent(ADMIN) if c.buttons]  # the request with its Done button
    assert not any(r.exc_info for r in caplog.records)  # what it means, not a traceback
    assert not any("unexpected error" in r.getMessage() for r in caplog.records)
    unreachable = h.engine.store.unreachable(f"tg:{ANN}")
    if fault == "blocked":
        assert unreachable
        assert any("marked unreachable" in r.getMessage() for r in caplog.records)
        assert "Blocked the bot (no message reaches them): 1" in (
            await h.bot.staff.commands.stats()
        )
    else:
        assert not unreachable
        assert any("reply not delivered after retries" in r.getMessage() for r in caplog.records)


async def test_blocking_and_unblocking_the_bot_is_followed(start: Starter) -> None:  # noqa: F811
    h = await start()
    await h.say(BOB, "/start")
    change = {
        "chat": {"id": BOB, "type": "private", "first_name": "Bob"},
        "from": {"id": BOB, "is_bot": False, "first_name": "Bob"},
        "date": 1_700_000_000,
        "old_chat_member": {
            "user": {"id": 1, "is_bot": True, "first_name": "B"},
            "status": "member",
        },
        "new_chat_member": {
            "user": {"id": 1, "is_bot": True, "first_name": "B"},
            "status": "kicked",
            "until_date": 0,
        },
    }
    await h.handled(h.fake.push("my_chat_member", change))
    assert h.engine.store.unreachable(f"tg:{BOB}")
    await h.say(BOB, "ciao")  # they are back: writing to us means we can write to them
    assert not h.engine.store.unreachable(f"tg:{BOB}")


async def test_a_dropped_connection_is_retried_and_sent_once(start: Starter) -> None:  # noqa: F811
    h = await start()
    h.fake.drop("sendMessage", chat_id=ANN)  # the request never reached Telegram
    await h.say(ANN, "/start")
    assert h.fake.duplicates(ANN) == []
    assert h.last_keyboard(ANN).buttons


# -- 3. a database locked by another program -----------------------------------------------------


async def test_a_locked_database_delays_the_turn_but_loses_nothing(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Longer than SQLite's own busy timeout: the write is tried again, the message is
    answered and kept, "typing…" shows meanwhile, and the event loop keeps serving."""
    caplog.set_level(logging.WARNING, logger="bot.storage")
    h = await start(typing_after=0.2)
    store = h.engine.store
    store.db.execute("pragma busy_timeout=100")  # SQLite gives up quickly: our retries work
    await h.say(ANN, "/start")
    before = len(h.fake.sent(ANN))
    polls = len(h.fake.calls_to("getUpdates"))
    lock = hold_write_lock(store.path, 1.5)
    ticks = 0

    async def heartbeat() -> None:  # the event loop is free while the turn waits
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    started = time.monotonic()
    update = h.fake.message(ANN, "how much does it cost?")
    await h.handled(update, timeout=10)
    waited = time.monotonic() - started
    beat.cancel()
    lock.wait(timeout=5)
    assert waited >= 1.0  # it really waited for the other process
    assert ticks >= 15  # ~every 50 ms all along: nothing froze
    assert len(h.fake.sent(ANN)) > before  # answered
    assert len(h.fake.calls_to("sendChatAction")) == 1  # "typing…" shown once while it waited
    assert len(h.fake.calls_to("getUpdates")) > polls  # polling went on meanwhile
    said = [line.text for line in store.transcript(f"tg:{ANN}")]
    assert "how much does it cost?" in said  # kept
    assert any("locked by another program" in r.getMessage() for r in caplog.records)


async def test_a_lock_held_past_the_patience_is_an_error_not_a_silent_loss(
    tmp_path: Path,
) -> None:
    from bot.storage.sqlite import Store

    store = Store(tmp_path / "bot.db", busy_timeout=0.05, patience=0.3)
    lock = hold_write_lock(store.path, 1.0)
    with pytest.raises(StoreBusy):
        await store.call(store.set_unreachable, "tg:1", None)
    lock.wait(timeout=5)
    await store.call(store.set_unreachable, "tg:1", None)  # free again
    store.close()


# -- kill -9 between fetching updates and answering them -------------------------------------


def run_bot(fake: FakeBotAPI, db: Path) -> subprocess.Popen[bytes]:
    """``python -m bot run`` as the admin starts it, against the fake server."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "BOT_DB_PATH": str(db),
        "BOT_CONTENT_DIR": str(ROOT),
        "BOT_ADMIN_IDS": str(ADMIN),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=db.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_after_telegram_was_told_loses_no_update(tmp_path: Path) -> None:
    """The updates of a batch are confirmed to Telegram by the next ``getUpdates``; a process
    killed after that and before answering them answers them at its next start, each once."""
    fake = FakeBotAPI().start()
    try:
        users = list(range(5001, 5021))
        proc = run_bot(fake, tmp_path / "bot.db")
        assert fake.wait_for(lambda f: bool(f.calls_to("getUpdates")), timeout=30)
        fake.fail(
            "sendMessage", 429, retry_after=30, times=10_000
        )  # replies wait: answers come late
        pushed = [fake.message(uid, "ciao") for uid in users]
        assert fake.wait_for(lambda f: f.pending == 0, timeout=20)  # Telegram was told
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        fake.clear_faults()
        answered_before = {c.chat_id for c in fake.sent()}
        assert len(answered_before) < len(users)  # the kill really came before the answers

        proc = run_bot(fake, tmp_path / "bot.db")
        every = set(users)
        assert fake.wait_for(lambda f: every <= {c.chat_id for c in f.sent()}, timeout=60), sorted(
            every - {c.chat_id for c in fake.sent()}
        )
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert len(pushed) == len(users)
        assert fake.duplicates() == []
        conn = sqlite3.connect(tmp_path / "bot.db")
        assert conn.execute("select count(*) from inbox").fetchone()[0] == 0
        ins = conn.execute("select count(*) from transcript where direction = 'in'").fetchone()
        assert ins[0] == len(users)  # every message kept, none twice
        conn.close()
    finally:
        fake.stop()


# -- people's mistakes at start-up: one plain line, never the token -----------------------------


def test_a_wrong_token_is_one_plain_line_without_the_token(tmp_path: Path) -> None:
    fake = FakeBotAPI().start()  # answers 401 to any other token, as Telegram does
    wrong = "123456789:" + "wrong-" * 6  # token-shaped, built so no literal looks leaked
    try:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": wrong,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "BOT_DB_PATH": str(tmp_path / "bot.db"),
            "BOT_CONTENT_DIR": str(ROOT),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        fake.stop()
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "wrong-wrong" not in said and "Traceback" not in said
    assert said.rstrip().splitlines()[-1].startswith("Telegram refused the token (401")


def test_an_admin_named_by_username_is_refused_with_the_way_to_find_the_id() -> None:
    from bot.cli.run import check_settings
    from bot.config import load_settings

    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "BOT_ADMIN_IDS": "123, @anna"})
    assert settings.admin_ids == (123,)
    problem = check_settings(settings) or ""
    assert "'@anna' is not one" in problem and "turn user=tg:<id>" in problem


def test_leads_to_a_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli
    from bot.storage.sqlite import Store

    Store(tmp_path / "bot.db").close()
    bad = tmp_path / "no-such-folder" / "leads.csv"
    result = CliRunner().invoke(cli, ["leads", "--db", str(tmp_path / "bot.db"), "--csv", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Cannot write {bad}" in result.output
