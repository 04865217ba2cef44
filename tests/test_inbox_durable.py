"""The durable inbox (issue 17): an update that cannot be decoded, or whose handling keeps
failing, is set aside with its error and shown to the admins; it never stops the bot for the
others, is never retried for ever, and its contents never reach the log.

The real python-telegram-bot Application and our adapter against the local fake Bot API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from telegram.error import NetworkError

from bot.adapters.telegram.bot import PARK_AFTER
from bot.adapters.telegram.send import Abandoned, Sender
from bot.core.messages import Input, TurnResult
from bot.staff.stats import compute, format_report
from bot.storage.sqlite import Store
from tests.sqlite_lock import hold_write_lock
from tests.test_telegram_e2e import (  # noqa: F401 - ``start`` is a fixture
    ANN,
    BOB,
    Starter,
    start,
)

# a poll in an older server's shape: python-telegram-bot 22 cannot build a Poll from it
OLD_POLL = {"id": "77", "question": "mail anna.rossi@example.com, +39 333 1234567"}


async def test_an_undecodable_update_is_set_aside_and_the_others_are_answered(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    h = await start()
    bad = h.fake.push("poll", OLD_POLL)
    good = h.fake.message(BOB, "/start")
    await h.handled(good)
    assert h.last_keyboard(BOB).buttons  # Bob is answered
    # polling went past it: Telegram was told both arrived
    await h.until(lambda: h.fake._confirmed >= good, "the offset past both updates")
    store = h.engine.store
    await h.until(lambda: bool(store.parked_updates()), "the bad update set aside")
    parked = store.parked_updates()
    assert [p.update_id for p in parked] == [bad]
    assert parked[0].error.startswith("undecodable: ")
    assert [u for u, _ in store.kept_updates()] == []  # not handled again at the next start
    report = format_report(compute(store))
    assert "1 message(s) from Telegram set aside" in report
    # the update's words are in the database (nothing a prospect sent is dropped) but never
    # in the log
    assert "anna.rossi" not in caplog.text and "1234567" not in caplog.text
    assert sum("set aside" in r.getMessage() for r in caplog.records) == 1
    assert not any(r.exc_info for r in caplog.records)
    await h.say(ANN, "/start")  # and the bot goes on
    assert h.last_keyboard(ANN).buttons


async def test_an_update_whose_handling_fails_is_kept_then_set_aside(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = await start()

    turn = h.engine.turn

    async def buggy(inp: Input) -> TurnResult:  # a bug on one kind of message
        if inp.text == "boom":
            raise RuntimeError("a bug")
        return await turn(inp)

    h.engine.turn = buggy  # type: ignore[method-assign]
    failing = await h.say(ANN, "boom")
    store = h.engine.store
    await h.until(lambda: store.kept_updates() != [], "the failed update kept")
    assert [u for u, _ in store.kept_updates()] == [failing]  # tried again at the next start
    assert store.parked_updates() == []
    # each start tries it again; after PARK_AFTER failures it is set aside
    for _ in range(PARK_AFTER - 1):
        h.bot.processor._seen.clear()  # a new process remembers no update ids
        assert await h.bot.replay_kept(h.app) == 1
        await asyncio.sleep(0)
        await h.until(
            lambda: store.parked_updates() != [] or h.done.count(failing) > 1, "another try"
        )
        h.done.remove(failing)
    await h.until(lambda: store.parked_updates() != [], "set aside")
    assert [p.update_id for p in store.parked_updates()] == [failing]
    assert store.parked_updates()[0].attempts == PARK_AFTER
    assert store.parked_updates()[0].error == "RuntimeError"
    assert await h.bot.replay_kept(h.app) == 0
    assert "set aside, see /stats" in caplog.text
    await h.say(BOB, "/start")
    assert h.last_keyboard(BOB).buttons


# -- webhook mode: written before 200, the secret before the body ------------------------------


def update_json(update_id: int, uid: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1,
            "chat": {"id": uid, "type": "private"},
            "from": {"id": uid, "is_bot": False, "first_name": "Ann"},
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}


async def raw_post(url: str, headers: dict[str, str]) -> tuple[int, float]:
    """POST with the given headers and a declared 50 MB body of which nothing is sent: the
    status, and the seconds it took. A server that reads the body before answering waits."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.hostname}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    await writer.drain()
    started = time.monotonic()
    line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    return int(line.split()[1]), time.monotonic() - started


async def chunks() -> AsyncIterator[bytes]:
    yield b"{}"


async def test_webhook_checks_the_secret_and_the_size_before_reading_the_body(
    start: Starter,  # noqa: F811
) -> None:
    h = await start(webhook=True)
    assert h.fake.webhook is not None
    url = str(h.fake.webhook["url"])
    big = {"Content-Type": "application/json", "Content-Length": str(50 << 20)}
    status, took = await raw_post(url, {**big, "X-Telegram-Bot-Api-Secret-Token": "guess"})
    assert status == 403 and took < 2  # answered on the headers: 50 MB never read
    status, took = await raw_post(url, {**big, **SECRET})
    assert status == 413 and took < 2
    async with httpx.AsyncClient() as client:
        chunked = await client.post(url, content=chunks(), headers=SECRET)
        assert chunked.status_code == 411  # no declared length: refused too
        junk = await client.post(url, content=b"not json", headers=SECRET)
        assert junk.status_code == 400
        ok = await client.post(url, json=update_json(1, ANN, "/start"), headers=SECRET)
        assert ok.status_code == 200
    await h.handled(1)
    assert h.last_keyboard(ANN).buttons


async def test_webhook_answers_503_when_the_update_cannot_be_written_and_200_once_it_is(
    start: Starter,  # noqa: F811
    tmp_path: Path,
) -> None:
    h = await start(webhook=True)
    assert h.fake.webhook is not None
    url = str(h.fake.webhook["url"])
    store = h.engine.store
    assert isinstance(store, Store)
    store.db.execute("pragma busy_timeout = 50")
    store.patience = 0.3
    locker = hold_write_lock(store.path, 2.0)
    try:
        async with httpx.AsyncClient() as client:
            refused = await client.post(url, json=update_json(7, ANN, "/start"), headers=SECRET)
        assert refused.status_code == 503  # not written: Telegram will send it again
        assert 7 not in h.done
    finally:
        locker.wait()
    async with httpx.AsyncClient() as client:  # Telegram's next try
        again = await client.post(url, json=update_json(7, ANN, "/start"), headers=SECRET)
    assert again.status_code == 200
    await h.handled(7)
    assert h.last_keyboard(ANN).buttons


async def test_webhook_sets_an_undecodable_update_aside_and_answers_200(
    start: Starter,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = await start(webhook=True)
    assert h.fake.webhook is not None
    url = str(h.fake.webhook["url"])
    async with httpx.AsyncClient() as client:
        bad = await client.post(url, json={"update_id": 9, "poll": OLD_POLL}, headers=SECRET)
    assert bad.status_code == 200  # Telegram must not send it again and again
    assert [p.update_id for p in h.engine.store.parked_updates()] == [9]
    assert "anna.rossi" not in caplog.text


# -- replies: tried for minutes, in order, kept over a stop --------------------------------------


async def test_a_reply_outlasts_an_outage_and_the_next_answer_waits_behind_it(
    start: Starter,  # noqa: F811
) -> None:
    h = await start()
    await h.say(ANN, "/start")
    before = len(h.fake.sent(ANN))
    # more failures than an ordinary call's attempts (3 in this harness): only patience helps
    h.fake.fail("sendMessage", 502, times=6, chat_id=ANN)
    first = h.fake.message(ANN, "/help")
    second = h.fake.message(ANN, "/privacy")
    await h.handled(first, second, timeout=20)
    sent = h.fake.sent(ANN)[before:]
    texts = [c.text for c in sent]
    help_text = h.engine.text("common.help", "en")[:20]
    assert any(help_text[:20] in t for t in texts)
    # /help's answer before /privacy's: the second turn waited for the first's replies
    helps = [i for i, t in enumerate(texts) if help_text[:20] in t]
    assert helps and helps[0] == 0
    assert h.engine.store.kept_updates() == []


async def test_a_stop_keeps_a_reply_still_waiting_for_telegram(
    start: Starter,  # noqa: F811
) -> None:
    h = await start()
    await h.say(ANN, "/start")
    h.fake.fail("sendMessage", 502, times=1000, chat_id=ANN)  # down until further notice
    waiting = h.fake.message(ANN, "/help")
    await h.until(lambda: h.fake.count("sendMessage", chat_id=ANN, status=502) >= 2, "retries")
    h.bot.sender.stop()  # SIGTERM: request_stop
    await h.handled(waiting, timeout=5)
    kept = [u for u, _ in h.engine.store.kept_updates()]
    assert kept == [waiting]  # not lost: answered at the next start
    conv = h.engine.store.load(f"tg:{ANN}")
    assert conv is not None and conv.memory.get("unsent")


async def test_a_pausing_reply_goes_as_soon_as_telegram_answers_another_call() -> None:
    sender = Sender(attempts=2, backoff=10.0, patience=60.0)  # a 10 s pause, unless woken
    tries: list[float] = []

    async def flaky() -> str:
        tries.append(time.monotonic())
        if len(tries) == 1:
            raise NetworkError("Bad Gateway")
        return "sent"

    async def other() -> str:
        return "ok"

    started = time.monotonic()
    waiting = asyncio.create_task(sender.call("sendMessage", flaky, patient=True))
    await asyncio.sleep(0.05)  # the first try failed: pausing
    assert len(tries) == 1 and not waiting.done()
    assert await sender.call("sendMessage", other) == "ok"  # Telegram is back
    assert await asyncio.wait_for(waiting, 2) == "sent"
    assert time.monotonic() - started < 2  # not the 10 s pause


async def test_a_stop_ends_a_patient_pause_at_once() -> None:
    sender = Sender(attempts=2, backoff=10.0, patience=60.0)

    async def down() -> str:
        raise NetworkError("Bad Gateway")

    waiting = asyncio.create_task(sender.call("sendMessage", down, patient=True))
    await asyncio.sleep(0.05)
    sender.stop()
    with pytest.raises(Abandoned):
        await asyncio.wait_for(waiting, 2)
