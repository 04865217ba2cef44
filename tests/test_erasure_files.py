"""Erasure leaves no trace in any file: after a confirmed /delete, the prospect's surname,
email and phone are in none of bot.db, bot.db-wal, bot.db-shm and the charts folder, while
the bot is still running (the store open), through the engine and through the Telegram adapter.

The files are read as raw bytes, the way someone who copies them would. SQLite stores text as
UTF-8; the UTF-16 forms are searched too, and every form case-insensitively (an email may be
stored lower-cased). Without ``secure_delete`` the erased rows stay in the file's free space;
without emptying the write-ahead log they stay in ``bot.db-wal`` (dozens of copies).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import app
from bot.config import Settings
from bot.core.messages import Input
from bot.growth.actions import chart_path
from bot.storage.sqlite import Store
from tests.conftest import ROOT, Chat, build_engine
from tests.fakebotapi import FakeBotAPI
from tests.test_telegram_e2e import serve, shipped_engine

SURNAME = "Quillfeather"
EMAIL = "Zeb.Quillfeather@Example.ORG"  # typed with capitals: searched in any case
PHONE = "+39 347 918 2736"
GROWTH = "I have 800 followers on instagram, how long to reach 10k with 200 euro a month?"


def _patterns() -> list[re.Pattern[bytes]]:
    """The prospect's details as bytes in UTF-8 and UTF-16 (both byte orders), any case;
    the phone's digits with anything (or nothing) between the groups, as any normalisation
    may store them."""
    found: list[re.Pattern[bytes]] = []
    for codec in ("utf-8", "utf-16-le", "utf-16-be"):
        for text in (SURNAME, EMAIL):
            found.append(re.compile(re.escape(text.encode(codec)), re.IGNORECASE))
        groups = [re.escape(g.encode(codec)) for g in ("347", "918", "2736")]
        found.append(re.compile(b"(?:.{0,8})".join(groups), re.DOTALL))
    return found


def traces(folder: Path) -> dict[str, int]:
    """File (relative to ``folder``) -> how many times the prospect's details are in it,
    for every file under ``folder`` that holds them at all: the database, its -wal and -shm,
    the charts."""
    found: dict[str, int] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = sum(len(pattern.findall(data)) for pattern in _patterns())
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def db_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("bot.db"))


async def tell_everything(chat: Chat) -> None:
    """A lead with surname, email and phone, then a projection (a chart is drawn)."""
    await chat.say("/start")
    await chat.press_id("menu.contact")
    await chat.press_id("lead.start_button")
    await chat.say(f"Zebediah {SURNAME}")
    await chat.say("Pasticceria Quill")
    await chat.press_id("instagram")
    await chat.press_id("phone")
    await chat.say(PHONE)
    await chat.say(f"my email is {EMAIL}")
    await chat.press_id("yes")  # consent
    await chat.say(GROWTH)
    await chat.say("3")  # posts a week


async def test_a_confirmed_delete_leaves_nothing_in_the_database_files_or_charts(
    tmp_path: Path,
) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    assert engine.files_dir == tmp_path / "charts"
    chat = Chat(engine, language_code="en")
    await tell_everything(chat)
    chart = chart_path(engine.files_dir, chat.user)
    assert chart.exists()
    assert engine.store.leads()  # a lead with consent was saved
    before = traces(tmp_path)
    assert before.get("bot.db-wal", 0) >= 10, before  # what the test looks for is there

    await chat.say("/delete")
    await chat.press_id("yes")

    assert engine.store.load(chat.user) is None
    assert not chart.exists()
    assert "bot.db-wal" in db_files(tmp_path)  # the bot is still running: the log is there
    assert traces(tmp_path) == {}
    engine.store.close()


async def test_a_reader_holding_the_log_delays_emptying_it_said_and_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A backup or ``python -m bot stats`` in the middle of a read keeps the log from being
    emptied: the erasure is done, the log says so, and the log is emptied as soon as the
    reader lets go (on the store's timer, never silently)."""
    caplog.set_level(logging.INFO, logger="bot.storage")
    engine = build_engine(ROOT, tmp_path / "bot.db")
    store = engine.store
    assert isinstance(store, Store)
    store.SCRUB_RETRY = (0.05, 0.2)  # the retry timer, quicker than in the bot
    chat = Chat(engine, language_code="en")
    await tell_everything(chat)
    reader = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from transcript").fetchone()  # a read in progress

    await chat.say("/delete")
    await chat.press_id("yes")

    assert store.load(chat.user) is None  # erased from the tables at once
    assert store.scrub_pending
    assert "bot.db-wal" in traces(tmp_path)  # held by the reader, for now
    warned = [r for r in caplog.records if "still holds erased data" in r.getMessage()]
    assert len(warned) == 1 and warned[0].levelno == logging.WARNING
    reader.execute("commit")
    reader.close()
    deadline = time.monotonic() + 10
    while store.scrub_pending and time.monotonic() < deadline:
        await asyncio.sleep(0.02)  # the timer runs in its thread; this is only a poll
    assert not store.scrub_pending
    assert traces(tmp_path) == {}
    assert any("emptied after" in r.getMessage() for r in caplog.records)
    store.close()


async def test_closing_with_the_log_still_held_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "bot.db")
    with store.db.conn:
        store.db.execute("insert into users (id, first_seen, last_seen) values ('u9', 'x', 'x')")
    reader = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from users").fetchone()
    store.forget("u9")
    assert store.scrub_pending
    store.close()
    assert any("as the bot stops" in r.getMessage() for r in caplog.records)
    reader.execute("commit")
    reader.close()


# -- through Telegram ---------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI().start()
    yield server
    server.stop()


async def test_delete_through_telegram_leaves_nothing_in_any_file(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    """The same through python-telegram-bot and the adapter: the updates are kept raw in the
    inbox (with the prospect's name in them) before they are handled, replies are kept until
    sent; none of it survives the erasure in any file."""
    shipped = shipped_engine()
    engine = app.build_engine(
        shipped.content,
        Store(tmp_path / "bot.db"),
        default_lang="en",
        understanding=shipped.understanding,
        files_dir=tmp_path / "charts",
    )
    settings = Settings(token=fake.token, api_base_url=fake.base_url, admin_ids=(999_001,))
    h = await serve(fake, engine, settings)
    uid = 4242
    try:
        await h.say(uid, "/start", first_name=f"Zebediah {SURNAME}")
        for step in ("menu.contact", "lead.start_button"):
            await h.press(uid, step)
        await h.say(uid, f"Zebediah {SURNAME}", first_name=f"Zebediah {SURNAME}")
        await h.say(uid, "Pasticceria Quill", first_name=f"Zebediah {SURNAME}")
        await h.press(uid, "instagram")
        await h.press(uid, "phone")
        await h.say(uid, PHONE, first_name=f"Zebediah {SURNAME}")
        await h.say(uid, f"my email is {EMAIL}", first_name=f"Zebediah {SURNAME}")
        await h.press(uid, "yes")
        await h.say(uid, GROWTH, first_name=f"Zebediah {SURNAME}")
        await h.say(uid, "3", first_name=f"Zebediah {SURNAME}")
        assert engine.store.leads()
        assert any(c.method == "sendPhoto" for c in fake.sent(uid))  # a chart went out
        assert traces(tmp_path).get("bot.db-wal", 0) >= 10

        await h.say(uid, "/delete", first_name=f"Zebediah {SURNAME}")
        await h.press(uid, "yes")

        assert engine.store.load(f"tg:{uid}") is None
        assert "bot.db-wal" in db_files(tmp_path)
        assert traces(tmp_path) == {}
        # a message after the erasure starts afresh; still nothing of before
        await h.say(uid, "hello", first_name="Zeb")
        assert traces(tmp_path) == {}
    finally:
        if h.app.updater is not None and h.app.updater.running:
            await h.app.updater.stop()
        if h.app.running:
            await h.app.stop()
        await h.bot.post_stop(h.app)
        await h.app.shutdown()
        engine.store.close()


async def test_forget_erases_every_table_with_a_user_id(tmp_path: Path) -> None:
    """A table added later for prospects (a ``user_id`` column, the rule in
    ``bot.storage.migrations``) is erased too, without ``forget`` naming it."""
    engine = build_engine(ROOT, tmp_path / "bot.db")
    store = engine.store
    assert isinstance(store, Store)
    with store.db.conn:
        store.db.execute("create table notes_later (user_id text, text text)")
        store.db.execute("insert into notes_later values ('u1', 'Quillfeather'), ('u2', 'other')")
    await engine.turn(Input("u1", text="/start"))
    store.forget("u1")
    rows = list(store.db.query("select user_id from notes_later"))
    assert rows == [{"user_id": "u2"}]
    assert traces(tmp_path) == {}
    store.close()
