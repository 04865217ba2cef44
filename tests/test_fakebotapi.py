"""The fake Bot API's faults, seen through the real python-telegram-bot ``Bot``: each one must
raise what Telegram's own answer raises in production, and the record must say what Telegram
really accepted (tests/fakebotapi.py)."""

from __future__ import annotations

import contextlib
import datetime as dtm
import socket
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from tests.fakebotapi import BLOCKED, CHAT_NOT_FOUND, FakeBotAPI

ANN, BOB, ADMIN = 4201, 4202, 999_001

# PTB 22.2+ warns, on every RetryAfter, that retry_after will become a timedelta
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI().start()
    yield server
    server.stop()


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    request = HTTPXRequest(connection_pool_size=8)
    async with Bot(fake.token, base_url=fake.base_url, request=request) as b:
        yield b


def seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB gives an int or (PTB_TIMEDELTA) a timedelta."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_a_failure_for_one_chat_leaves_the_others_alone(fake: FakeBotAPI, bot: Bot) -> None:
    fake.fail("sendMessage", 400, CHAT_NOT_FOUND, chat_id=ADMIN)
    await bot.send_message(ANN, "hello Ann")  # passes, and does not use the failure up
    await bot.send_message(BOB, "hello Bob")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(ADMIN, "a lead")
    await bot.send_message(ADMIN, "a lead")  # used up: the next one arrives
    assert [c.chat_id for c in fake.sent()] == [ANN, BOB, ADMIN]
    assert fake.count("sendMessage", chat_id=ADMIN, status=400) == 1
    assert fake.count("sendMessage", chat_id=ADMIN, status=None) == 2


async def test_a_failure_without_a_chat_hits_the_next_calls_in_order(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.fail("sendMessage", 502, "Bad Gateway", times=2)
    fake.fail("sendMessage", 403, BLOCKED, chat_id=BOB)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(BOB, "hi")
    with pytest.raises(Forbidden):
        await bot.send_message(BOB, "hi")
    await bot.send_message(BOB, "hi")
    statuses = [c.status for c in fake.calls_to("sendMessage", ok_only=False)]
    assert statuses == [502, 502, 403, 200]
    assert {c.fault for c in fake.calls_to("sendMessage", ok_only=False)[:3]} == {"fail"}


async def test_an_unreachable_chat_answers_chat_not_found_to_everything(
    fake: FakeBotAPI, bot: Bot
) -> None:
    menu = await bot.send_message(ADMIN, "menu")
    fake.unreachable(ADMIN)
    calls = [
        bot.send_message(ADMIN, "a lead"),
        bot.get_chat(ADMIN),
        bot.send_chat_action(ADMIN, "typing"),
        bot.copy_message(ADMIN, from_chat_id=ANN, message_id=1),
        bot.edit_message_text("new", chat_id=ADMIN, message_id=menu.message_id),
        bot.set_my_commands([BotCommand("stats", "s")], scope=BotCommandScopeChat(ADMIN)),
    ]
    for call in calls:
        with pytest.raises(BadRequest) as caught:
            await call
        assert caught.value.message == "Chat not found"
    await bot.send_message(ANN, "others are fine")
    assert fake.count("sendMessage", chat_id=ADMIN, status=400) == 1
    assert fake.calls_to("getChat", ok_only=False)[-1].fault == "unreachable"

    fake.reachable(ADMIN)  # the admin pressed Start
    await bot.send_message(ADMIN, "a lead")
    assert [c.text for c in fake.sent(ADMIN)] == ["menu", "a lead"]


async def test_a_custom_description_for_an_unreachable_chat(fake: FakeBotAPI, bot: Bot) -> None:
    fake.unreachable(-100555, "Bad Request: chat not found or bot is not a member")
    with pytest.raises(BadRequest, match="bot is not a member"):
        await bot.send_message(-100555, "hi")


async def test_a_blocked_chat_answers_forbidden(fake: FakeBotAPI, bot: Bot) -> None:
    fake.blocked(ANN)
    for call in (bot.send_message(ANN, "hi"), bot.send_chat_action(ANN, "typing")):
        with pytest.raises(Forbidden) as caught:
            await call
        assert caught.value.message == "Forbidden: bot was blocked by the user"
    await bot.send_message(BOB, "hi")
    fake.reachable(ANN)
    await bot.send_message(ANN, "welcome back")
    assert [c.chat_id for c in fake.sent()] == [BOB, ANN]
    assert fake.count("sendMessage", status=403) == 1


async def test_an_injected_failure_comes_before_the_standing_condition(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.blocked(ANN)
    fake.fail("sendMessage", 502, "Bad Gateway", chat_id=ANN)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(ANN, "hi")
    assert not isinstance(caught.value, Forbidden)
    with pytest.raises(Forbidden):
        await bot.send_message(ANN, "hi")


@pytest.mark.parametrize(("status", "words"), [(502, "Bad Gateway"), (500, "Internal")])
async def test_server_errors_are_network_errors(
    fake: FakeBotAPI, bot: Bot, status: int, words: str
) -> None:
    fake.fail("sendMessage", status)  # the default description is the HTTP phrase
    with pytest.raises(NetworkError, match=words):
        await bot.send_message(ANN, "hi")
    assert fake.sent() == []


async def test_429_says_how_long_to_wait(fake: FakeBotAPI, bot: Bot) -> None:
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ANN, "hi")
    assert seconds(caught.value) == 3
    assert fake.sent() == []


async def test_a_drop_is_a_network_error_and_nothing_was_sent(fake: FakeBotAPI, bot: Bot) -> None:
    fake.drop("sendMessage", chat_id=ANN)
    await bot.send_message(BOB, "not this one")
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(ANN, "hi")
    assert not isinstance(caught.value, (BadRequest, Forbidden, RetryAfter))
    (dropped,) = [c for c in fake.calls_to("sendMessage", ok_only=False) if c.dropped]
    assert (dropped.status, dropped.fault, dropped.accepted, dropped.message_id) == (
        0,
        "drop",
        False,
        None,
    )
    assert fake.sent(ANN) == [] and fake.count("sendMessage", chat_id=ANN, status=0) == 1
    assert not any(chat == ANN for chat, _ in fake.messages)
    await bot.send_message(ANN, "hi")  # the same client carries on with a new connection
    assert [c.text for c in fake.sent(ANN)] == ["hi"] and fake.duplicates() == []


async def test_a_drop_after_acting_raises_but_the_message_exists(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.drop_after("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(ANN, "your request reached us")
    (call,) = fake.sent(ANN)  # Telegram accepted it: the prospect has it
    assert call.dropped and call.accepted and not call.ok and call.fault == "drop_after"
    assert (ANN, call.message_id) in fake.messages
    assert fake.accepted(ANN) == fake.sent(ANN)
    assert fake.count("sendMessage", chat_id=ANN) == 1  # status 200: what Telegram did

    await bot.send_message(ANN, "your request reached us")  # a naive retry
    assert len(fake.sent(ANN)) == 2
    assert fake.duplicates() == [(ANN, "your request reached us")]
    assert fake.duplicates(BOB) == []


async def test_duplicates_are_identical_sends_in_a_row_per_chat(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(ANN, "one")
    await bot.send_message(BOB, "one")  # another chat does not break Ann's row
    await bot.send_message(ANN, "one")
    await bot.send_message(ANN, "two")
    await bot.send_message(ANN, "one")  # not in a row: not a duplicate
    await bot.send_message(BOB, "one", parse_mode="HTML")  # different parameters
    assert fake.duplicates() == [(ANN, "one")]
    assert fake.duplicates(ANN) == [(ANN, "one")] and fake.duplicates(BOB) == []


async def test_chaos_fails_about_the_rate_asked_with_every_kind(fake: FakeBotAPI, bot: Bot) -> None:
    fake.chaos(0.25, seed=7)
    failed: dict[str, int] = {}
    for i in range(240):
        try:
            await bot.send_message(ANN, f"message {i}")
        except RetryAfter as exc:
            assert seconds(exc) == 1
            failed["429"] = failed.get("429", 0) + 1
        except TelegramError as exc:
            failed[type(exc).__name__] = failed.get(type(exc).__name__, 0) + 1
    calls = fake.calls_to("sendMessage", ok_only=False)
    by_status = {s: sum(1 for c in calls if c.status == s) for s in (0, 429, 500, 502)}
    assert all(by_status.values()), by_status  # every default kind happened
    assert 0.15 <= sum(failed.values()) / 240 <= 0.35, failed
    assert sum(failed.values()) == sum(by_status.values()) == 240 - len(fake.sent())
    assert {c.fault for c in calls if c.status != 200} == {"chaos"}
    await bot.get_chat(ANN)  # not a chaos method: never fails
    assert all(c.ok for c in fake.calls_to("getChat", ok_only=False))

    fake.chaos(0)
    for i in range(20):
        await bot.send_message(ANN, f"calm {i}")


async def test_chaos_is_repeatable_and_limited_to_its_methods_and_kinds(
    fake: FakeBotAPI, bot: Bot
) -> None:
    async def run() -> list[int]:
        fake.calls.clear()
        fake.chaos(0.5, methods=("sendChatAction",), kinds=("502", "drop_after"), seed=3)
        for _ in range(40):
            with contextlib.suppress(NetworkError):
                await bot.send_chat_action(ANN, "typing")
            await bot.send_message(ANN, "never touched")
        return [c.status for c in fake.calls_to("sendChatAction", ok_only=False)]

    first = await run()
    assert first == await run()
    assert set(first) == {200, 502}  # drop_after acts: status 200, but dropped
    actions = fake.calls_to("sendChatAction", ok_only=False)
    assert any(c.dropped for c in actions) and not any(c.dropped for c in fake.sent())
    assert len(fake.sent()) == 40
    with pytest.raises(ValueError):
        fake.chaos(0.1, kinds=("timeout",))


def test_chaos_is_thread_safe(fake: FakeBotAPI) -> None:
    """The same number of draws gives the same number of faults, however threads interleave."""

    def failures(threads: int) -> int:
        fake.calls.clear()
        fake.chaos(0.1, kinds=("429", "500"), seed=11)
        per_thread = 2000 // threads

        def work() -> None:
            for _ in range(per_thread):
                fake.handle("sendChatAction", {"chat_id": str(ANN), "action": "typing"})

        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return fake.count("sendChatAction", status=429) + fake.count("sendChatAction", status=500)

    alone = failures(1)
    assert 100 <= alone <= 300
    assert failures(8) == alone and len(fake.calls) == 2000


async def test_get_chat_answers_a_chat_or_the_standing_error(fake: FakeBotAPI, bot: Bot) -> None:
    fake.message(ANN, "/start", first_name="Giulia")
    chat = await bot.get_chat(ANN)
    assert (chat.id, chat.type, chat.first_name) == (ANN, "private", "Giulia")
    stranger = await bot.get_chat(123)  # any private chat answers
    assert stranger.type == "private" and stranger.first_name
    group = await bot.get_chat(-100555)
    assert group.type == "supergroup" and group.title
    fake.blocked(ANN)
    with pytest.raises(Forbidden):
        await bot.get_chat(ANN)
    fake.clear_faults()
    assert (await bot.get_chat(ANN)).first_name == "Giulia"


async def test_an_outage_fails_its_chats_and_methods_between_two_times_only() -> None:
    now = [100.0]  # the fake's clock, moved by hand
    fake = FakeBotAPI(clock=lambda: now[0]).start()
    try:
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            down = fake.outage(20, chat_ids=(ANN, ADMIN), kinds=("502", "drop", "drop_after"))
            await bot.send_message(BOB, "another chat")  # not in the outage
            for text in ("one", "two", "three"):  # 502, dropped, answer lost: in turn
                with pytest.raises(NetworkError):
                    await bot.send_message(ANN, text)
            await bot.send_chat_action(ANN, "typing")  # not one of its methods
            assert [c.fault for c in fake.calls_to("sendMessage", ok_only=False)] == [
                "",
                "outage",
                "outage",
                "outage",
            ]
            # only the lost answer's message exists: Telegram acted on it
            assert [c.text for c in fake.sent(ANN)] == ["three"] and down.failed == 3
            now[0] = 120.0  # the outage is over
            await bot.send_message(ANN, "back")
            later = fake.outage(start=130.0, end=135.0, methods=("sendMessage",))
            await bot.send_message(ADMIN, "before it")
            now[0] = 131.0
            with pytest.raises(NetworkError):
                await bot.send_message(ADMIN, "during it")  # every chat
            assert [c.text for c in fake.sent(ADMIN)] == ["before it"] and later.failed == 1
            fake.clear_faults()
            await bot.send_message(ADMIN, "cleared")
            assert fake.sent(ADMIN)[-1].text == "cleared"
    finally:
        fake.stop()


def test_an_outage_needs_a_length_and_known_kinds(fake: FakeBotAPI) -> None:
    with pytest.raises(ValueError, match="seconds or end"):
        fake.outage()
    with pytest.raises(ValueError):
        fake.outage(5, kinds=("5O2",))


def test_a_request_cut_short_by_a_dying_client_is_not_acted_on(fake: FakeBotAPI) -> None:
    body = f"chat_id={ANN}&text=hello".encode()
    head = (
        f"POST /bot{fake.token}/sendMessage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body) + 50}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as conn:
        conn.sendall(head + body)
        conn.shutdown(socket.SHUT_WR)  # the client dies: its request ends here
        assert conn.recv(1024) == b""  # closed without an answer
    assert fake.calls == [] and fake.messages == {}
