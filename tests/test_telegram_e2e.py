"""The real python-telegram-bot Application, our adapter and the shipped content, against a fake
Bot API server on 127.0.0.1 (tests/fakebotapi.py) over real HTTP.

Assertions are about structure (keyboards, states in the store, who got which call), never about
the wording of the shipped texts, which staff change.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import Application, TypeHandler

from bot import app
from bot.adapters.telegram.bot import (
    ALLOWED_UPDATES,
    COMMANDS,
    TelegramBot,
)
from bot.adapters.telegram.webhook import DurableWebhook
from bot.app import lead_fields, prepare
from bot.config import Settings
from bot.core.engine import Engine
from bot.core.messages import Button, Input, Media, Reply, TurnResult
from bot.storage.sqlite import Store
from tests.conftest import data_of
from tests.fakebotapi import Call, FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]  # the shipped dialogs/ and locales/
ADMIN = 999_001
ANN, BOB = 4201, 4202

# Buttons of dialogs/main.yaml by their stable names (bot.content.button_ids), never by their
# position: staff add and move buttons.
MENU_GROWTH, MENU_CONTACT, MENU_HUMAN = "menu.growth", "menu.contact", "menu.human"
HUMAN_WRITE_HERE = "human.write_here"
LEAD_START = "lead.start_button"
PLATFORM_INSTAGRAM = "instagram"
VIA_EMAIL = "email"
YES = "yes"


@dataclass
class Harness:
    fake: FakeBotAPI
    bot: TelegramBot
    app: Application  # type: ignore[type-arg]
    engine: Engine
    done: list[int] = field(default_factory=list)
    hook: DurableWebhook | None = None  # webhook mode's server

    async def until(self, condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def handled(self, *update_ids: int, timeout: float = 5.0) -> None:
        """Wait until PTB finished every handler for these updates."""
        await self.until(
            lambda: all(u in self.done for u in update_ids), f"updates {update_ids}", timeout
        )

    async def say(self, uid: int, text: str, **kw: Any) -> int:
        update_id = self.fake.message(uid, text, **kw)
        await self.handled(update_id)
        return update_id

    async def press(self, uid: int, name: str) -> int:
        """Press the button called ``name`` (its stable name: ``menu.contact``, ``instagram``,
        ``yes``) on the last keyboard ``uid`` was sent."""
        call = self.last_keyboard(uid)
        update_id = self.fake.press(uid, keyboard_data(call, name), call.message_id)
        await self.handled(update_id)
        return update_id

    def last_keyboard(self, uid: int) -> Call:
        with_buttons = [c for c in self.fake.sent(uid) if c.buttons]
        assert with_buttons, f"chat {uid} was never sent a keyboard"
        return with_buttons[-1]

    def state(self, uid: int) -> str:
        conv = self.engine.store.load(f"tg:{uid}")
        assert conv is not None
        return conv.state


def keyboard_data(call: Call, name: str) -> str:
    """The callback data of the button called ``name`` on the keyboard the fake Bot API recorded
    in ``call`` (``tests.conftest.data_of``)."""
    return data_of(((b["text"], b["callback_data"]) for b in call.buttons), name)


async def serve(fake: FakeBotAPI, engine: Engine, settings: Settings, **bot_kwargs: Any) -> Harness:
    """The adapter running against ``fake`` (webhook when settings have a URL, else polling),
    with every finished update recorded so tests can wait for it. The staff see the lead
    answers of the shipped plug-ins, as ``python -m bot run`` shows them."""
    bot_kwargs.setdefault("lead_fields", lead_fields())
    bot = TelegramBot(
        engine, settings, prepare=prepare, send_attempts=3, backoff=0.05, **bot_kwargs
    )
    app = bot.build()
    h = Harness(fake, bot, app, engine)

    async def record(update: object, context: Any) -> None:
        if isinstance(update, Update):
            h.done.append(update.update_id)

    app.add_handler(TypeHandler(object, record), group=99)
    await app.initialize()
    await bot.post_init(app)
    assert app.updater is not None
    if settings.webhook_url:  # as `run` serves it (bot.adapters.telegram.webhook)
        port = int(str(settings.webhook_url).split(":")[2].split("/")[0])
        h.hook = DurableWebhook(bot, app, settings, port=port)
        await app.start()
        await h.hook.start()
        await h.hook.register()
    else:
        await app.updater.start_polling(
            timeout=timedelta(seconds=1), allowed_updates=ALLOWED_UPDATES
        )
        await app.start()
    return h


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Starter = Callable[..., Awaitable[Harness]]


@functools.cache
def shipped_engine() -> Engine:
    """The shipped content built by ``bot.app``, as ``python -m bot run`` builds it."""
    scratch = Path(tempfile.mkdtemp(prefix="tg-e2e-"))
    loaded = app.require_content(ROOT)
    assert loaded.content is not None
    return app.build_engine(
        loaded.content,
        app.open_store(scratch / "unused.db"),
        understanding=app.build_understanding(loaded.content),
    )


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Starter]:
    """Start fake server + Application (polling, or webhook with ``webhook=True``)."""
    running: list[tuple[Harness, bool]] = []

    async def _start(
        *, webhook: bool = False, admin_ids: tuple[int, ...] = (ADMIN,), **bot_kwargs: Any
    ) -> Harness:
        fake = FakeBotAPI().start()
        shipped = shipped_engine()  # content and understanding loaded once, a fresh database
        engine = app.build_engine(
            shipped.content,
            Store(tmp_path / f"bot{len(running)}.db"),
            default_lang="en",
            understanding=shipped.understanding,
            files_dir=tmp_path / "charts",
        )
        settings = Settings(
            token=fake.token,
            api_base_url=fake.base_url,
            admin_ids=admin_ids,
            webhook_url=f"http://127.0.0.1:{free_port()}/hook" if webhook else None,
            webhook_secret="s3cret-Token_1" if webhook else None,
        )
        h = await serve(fake, engine, settings, **bot_kwargs)
        running.append((h, webhook))
        return h

    yield _start
    for h, _ in running:
        if h.hook is not None:
            await h.hook.stop()
        if h.app.updater is not None and h.app.updater.running:
            await h.app.updater.stop()
        if h.app.running:
            await h.app.stop()
        await h.bot.post_stop(h.app)  # as run_polling does: background tasks end first
        await h.app.shutdown()
        h.engine.store.close()
        h.fake.stop()


def slow_turns(
    h: Harness, monkeypatch: pytest.MonkeyPatch, delay: Callable[[Input], float]
) -> None:
    """Make the engine take ``delay(inp)`` seconds before each turn."""
    original = h.engine.turn

    async def turn(inp: Input) -> TurnResult:
        await asyncio.sleep(delay(inp))
        return await original(inp)

    monkeypatch.setattr(h.engine, "turn", turn)


async def test_full_conversation_through_buttons_and_typed_text(
    start: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    """/start, menu buttons, typed answers, choices, consent: a lead reaches the admin."""
    caplog.set_level(logging.DEBUG)
    h = await start()
    fake = h.fake

    # commands registered in it, en and a default, all seven each (admins get their own menu)
    commands = [c for c in fake.calls_to("setMyCommands") if "scope" not in c.params]
    assert sorted(str(c.params.get("language_code")) for c in commands) == ["None", "en", "it"]
    assert all(len(c.json("commands")) == len(COMMANDS) == 7 for c in commands)

    await h.say(ANN, "/start")
    menu = h.last_keyboard(ANN)
    assert len(menu.buttons) >= 5 and all(b["text"] for b in menu.buttons)
    assert all(len(b["callback_data"].encode()) <= 64 for b in menu.buttons)
    assert menu.params["parse_mode"] == "HTML" and menu.text.strip()
    # a quick turn spends no call on "typing…" (a slow one does: test_faults.py)
    assert fake.calls_to("sendChatAction") == []

    await h.press(ANN, MENU_CONTACT)
    assert h.state(ANN) == "lead_intro"
    await h.press(ANN, LEAD_START)
    assert h.state(ANN) == "lead_name"
    await h.say(ANN, "Ann <Shop> & Co")
    assert h.state(ANN) == "lead_business"
    await h.say(ANN, "Pizzeria da Ann")
    assert h.state(ANN) == "lead_platform"
    platforms = h.last_keyboard(ANN)  # every shipped platform is offered (staff may add more)
    assert all(keyboard_data(platforms, p) for p in ("instagram", "facebook", "tiktok", "linkedin"))
    await h.press(ANN, PLATFORM_INSTAGRAM)
    await h.press(ANN, VIA_EMAIL)
    assert h.state(ANN) == "lead_email"
    await h.say(ANN, "ann@example.com")
    assert h.state(ANN) == "lead_consent"
    await h.press(ANN, YES)
    assert h.state(ANN) == "lead_save"

    # every press answered; every pressed keyboard taken away with a ✓ of the choice
    assert len(fake.calls_to("answerCallbackQuery")) == 5
    edits = fake.calls_to("editMessageText")
    assert len(edits) == 5
    assert all("✓" in e.text and "reply_markup" not in e.params for e in edits)

    # the lead is stored and the admin got an escaped summary; the outbox row is marked sent
    (lead,) = h.engine.store.leads()
    assert lead.name == "Ann <Shop> & Co" and lead.platform == "instagram"
    (note,) = fake.sent(ADMIN)
    assert "Ann &lt;Shop&gt; &amp; Co" in note.text and "ann@example.com" in note.text
    assert note.params["parse_mode"] == "HTML"
    rows = list(h.engine.store.db.query("select sent from outbox"))
    assert [r["sent"] for r in rows] == [1]

    # contact details went to the admin's chat, never to the logs
    assert "ann@example.com" not in caplog.text and "Pizzeria" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_deep_link_source_is_stored(start: Starter) -> None:
    h = await start()
    await h.say(ANN, "/start spring_promo")
    conv = h.engine.store.load(f"tg:{ANN}")
    assert conv is not None and conv.source == "spring_promo"
    assert h.last_keyboard(ANN).buttons


async def test_delete_erases_the_prospect_and_their_undelivered_admin_notes(
    start: Starter,
) -> None:
    h = await start(admin_ids=())  # no admins yet: the "talk to a person" note stays queued
    await h.say(ANN, "/start")
    await h.press(ANN, MENU_HUMAN)
    await h.press(ANN, HUMAN_WRITE_HERE)
    assert [r["sent"] for r in h.engine.store.db.query("select sent from outbox")] == [0]

    await h.say(ANN, "/delete")
    confirm = h.last_keyboard(ANN)
    assert len(confirm.buttons) == 2
    await h.press(ANN, "yes")  # yes, erase me
    assert h.engine.store.load(f"tg:{ANN}") is None
    assert h.engine.store.leads() == []

    h.bot.outbox.admin_ids = (ADMIN,)  # an admin is configured later: nothing about Ann is sent
    assert await h.bot.outbox.deliver(h.app.bot) == 0
    assert h.fake.sent(ADMIN) == []
    # /delete erased the queued note itself: no name or contact of Ann is left behind
    assert list(h.engine.store.db.query("select * from outbox")) == []


async def test_stale_and_forged_buttons_are_answered_and_reshow_the_current_step(
    start: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    h = await start()
    await h.say(ANN, "/start")
    old_menu = h.last_keyboard(ANN)
    await h.press(ANN, MENU_GROWTH)
    assert h.state(ANN) == "growth_honest"
    before = len(h.fake.sent(ANN))

    # a button of the menu pressed again, long after its step passed
    stale = h.fake.press(ANN, keyboard_data(old_menu, MENU_CONTACT), old_menu.message_id)
    # data the bot never sent, on a message that does not exist
    forged = h.fake.press(ANN, "x" * 64, 1)
    await h.handled(stale, forged)

    assert h.state(ANN) == "growth_honest"
    answers = h.fake.calls_to("answerCallbackQuery")
    assert len(answers) == 3
    # the old taps are told so in their pop-up; the real one gets a plain answer
    assert [bool(c.params.get("text")) for c in answers] == [False, True, True]
    assert len(h.fake.calls_to("editMessageText")) == 1  # only the real choice got its ✓
    # the current step is the last message, its keyboard still live: nothing sent again
    assert h.fake.sent(ANN)[before:] == []
    assert h.last_keyboard(ANN).buttons
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_sticker_gets_a_polite_answer(start: Starter) -> None:
    h = await start()
    await h.say(ANN, "/start")
    before = len(h.fake.sent(ANN))
    sticker = {
        "file_id": "S",
        "file_unique_id": "s",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await h.handled(h.fake.message(ANN, None, sticker=sticker))
    replies = h.fake.sent(ANN)[before:]
    assert replies and all(r.text.strip() for r in replies)
    assert replies[-1].buttons  # and the question it was waiting on
    assert h.state(ANN) == "menu"
    (event,) = h.engine.store.events(f"tg:{ANN}", kind="unsupported")
    assert event.detail == "sticker"


async def test_other_hostile_input_is_answered_or_ignored_never_crashes(
    start: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    h = await start()
    fake = h.fake
    await h.say(ANN, "/start")
    photo = [{"file_id": "P", "file_unique_id": "p", "width": 90, "height": 90}]
    media = [
        fake.message(ANN, None, photo=photo, caption="<b>look</b>"),
        fake.message(ANN, None, voice={"file_id": "V", "file_unique_id": "v", "duration": 2}),
        fake.message(ANN, None, location={"latitude": 45.46, "longitude": 9.19}),
        fake.message(ANN, None, document={"file_id": "D", "file_unique_id": "d"}),
    ]
    await h.handled(*media)
    kinds = [e.detail for e in h.engine.store.events(f"tg:{ANN}", kind="unsupported")]
    assert kinds == ["photo", "voice", "location", "document"]

    before = len(fake.sent(ANN))
    silent = [
        fake.message(ANN, "/start", edited=True),  # an edit is not a second message
        fake.push(
            "my_chat_member",
            {
                "chat": {"id": ANN, "type": "private"},
                "from": {"id": ANN, "is_bot": False, "first_name": "Ann"},
                "date": 1,
                "old_chat_member": {
                    "status": "member",
                    "user": {"id": 1, "is_bot": True, "first_name": "B"},
                },
                "new_chat_member": {
                    "status": "kicked",
                    "until_date": 0,
                    "user": {"id": 1, "is_bot": True, "first_name": "B"},
                },
            },
        ),
        fake.push(
            "poll",
            {
                "id": "p1",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            },
        ),
        fake.push("update_from_a_future_bot_api", {"anything": [1, 2, 3]}),
        fake.message(ANN, None, new_chat_title="service message"),
    ]
    await h.handled(*silent)
    assert len(fake.sent(ANN)) == before

    oddities = [
        "x" * 4096,
        "🙂" * 2048,  # 4096 UTF-16 units
        "\u202eevil\u200b\u200d\ufeff <b>not a tag</b> &amp; \U0001f9d1\u200d\U0001f4bb",
        "\ud800 lone surrogate",
        "   ",
    ]
    await h.handled(*[fake.message(ANN, text) for text in oddities])
    assert len(fake.sent(ANN)) > before
    assert all(len(c.text.encode("utf-16-le")) // 2 <= 4096 for c in fake.sent(ANN))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_group_message_gets_one_bilingual_notice_then_the_bot_leaves(start: Starter) -> None:
    h = await start()
    group = {"id": -100555, "type": "supergroup", "title": "Agency fans"}
    first = h.fake.message(ANN, "hello bot", chat=group)
    second = h.fake.message(BOB, "/start", chat=group)
    await h.handled(first, second)
    (notice,) = h.fake.sent(-100555)
    assert "🇮🇹" in notice.text and "🇬🇧" in notice.text and "@test_bot" in notice.text
    assert [c.chat_id for c in h.fake.calls_to("leaveChat")] == [-100555]
    assert h.engine.store.load(f"tg:{ANN}") is None  # nothing reached the engine


@pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")  # PTB's own, on every 429
async def test_429_retry_after_is_waited_out_and_the_reply_arrives(start: Starter) -> None:
    h = await start()
    h.fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await h.say(ANN, "/start")
    attempts = h.fake.calls_to("sendMessage", ok_only=False)
    assert attempts[0].status == 429
    assert h.last_keyboard(ANN).buttons  # the whole reply arrived, keyboard included
    assert attempts[1].at - attempts[0].at >= 1.0  # after the delay Telegram asked for


async def test_5xx_once_then_ok_loses_nothing(start: Starter) -> None:
    h = await start()
    h.fake.fail("sendMessage", 502, "Bad Gateway")
    await h.say(ANN, "/start")
    attempts = h.fake.calls_to("sendMessage", ok_only=False)
    assert [c.status for c in attempts[:2]] == [502, 200]
    assert attempts[0].text == attempts[1].text  # the same message, resent
    assert h.last_keyboard(ANN).buttons
    assert h.state(ANN) == "menu"


async def test_two_users_interleaved_each_see_only_their_own_conversation(
    start: Starter, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await start()
    await asyncio.gather(h.say(ANN, "/start"), h.say(BOB, "/start", first_name="Bob"))
    await asyncio.gather(h.press(ANN, MENU_CONTACT), h.press(BOB, MENU_GROWTH))
    await h.press(ANN, LEAD_START)

    # Ann's turns are slow: Bob must not wait for them
    slow_turns(h, monkeypatch, lambda inp: 0.8 if inp.user_id == f"tg:{ANN}" else 0.0)
    ann = h.fake.message(ANN, "Alice")
    bob = h.fake.message(BOB, "/menu", first_name="Bob")
    await h.handled(bob)
    assert ann not in h.done  # Bob was answered while Ann's turn was still running
    await h.handled(ann)

    conv_ann = h.engine.store.load(f"tg:{ANN}")
    conv_bob = h.engine.store.load(f"tg:{BOB}")
    assert conv_ann is not None and conv_bob is not None
    assert (conv_ann.state, conv_ann.slots.get("name")) == ("lead_business", "Alice")
    assert conv_bob.state == "menu" and "name" not in conv_bob.slots
    sent_to = {c.chat_id for c in h.fake.sent()}
    assert sent_to == {ANN, BOB}


async def test_one_users_burst_is_processed_in_order(
    start: Starter, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await start()
    await h.say(ANN, "/start")
    rng = random.Random(7)
    slow_turns(h, monkeypatch, lambda inp: rng.uniform(0, 0.03))
    texts = [f"burst {i:02d}" for i in range(12)]
    await h.handled(*[h.fake.message(ANN, t) for t in texts])
    seen = [r.text for r in h.engine.store.transcript(f"tg:{ANN}") if r.direction == "in"]
    assert seen[-len(texts) :] == texts


async def test_flood_one_warning_then_silence_until_calm(start: Starter) -> None:
    clock = {"now": 1000.0}
    h = await start()
    h.bot.flood.clock = lambda: clock["now"]
    ids = [h.fake.message(ANN, f"spam {i}") for i in range(25)]
    await h.until(
        lambda: (
            len(h.fake.sent(ANN)) > 0
            and all(u in h.done for u in ids[:20])
            and h.bot.processor.chats_in_flight == 0
        ),
        "the burst",
        timeout=20,
    )
    await asyncio.sleep(0.2)
    warnings = [c for c in h.fake.sent(ANN) if c.text == h.engine.text("telegram.flood", "en")]
    assert len(warnings) == 1
    handled = [r for r in h.engine.store.transcript(f"tg:{ANN}", 1000) if r.direction == "in"]
    assert len(handled) == 20

    clock["now"] += 11  # calm again
    await h.say(ANN, "/menu")
    assert h.last_keyboard(ANN).buttons
    assert h.state(ANN) == "menu"


async def test_webhook_rejects_a_wrong_secret_and_accepts_the_right_one(start: Starter) -> None:
    h = await start(webhook=True)
    hook = h.fake.webhook
    assert hook is not None and hook["secret_token"] == "s3cret-Token_1"
    assert hook["max_connections"] == "1"  # in order, as the engine expects
    url = hook["url"]
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": ANN, "type": "private"},
            "from": {"id": ANN, "is_bot": False, "first_name": "Ann"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with httpx.AsyncClient() as client:
        missing = await client.post(url, json=update)
        wrong = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert (missing.status_code, wrong.status_code) == (403, 403)
        await asyncio.sleep(0.1)
        assert h.done == [] and h.fake.sent() == []
        right = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
        )
        assert right.status_code == 200
    await h.handled(1)
    assert h.last_keyboard(ANN).buttons


async def test_token_never_appears_in_logs(
    start: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h = await start()
    caplog.set_level(logging.DEBUG, logger="httpx")  # the loudest: every URL holds the token
    h.fake.fail("sendMessage", 502, f"Bad Gateway for /bot{h.fake.token}/sendMessage")
    await h.say(ANN, "/start")
    h.fake.fail("sendMessage", 400, "Bad Request: chat not found", times=5)
    await h.handled(h.fake.message(ANN, "/help"))  # refused: logged as what it means
    assert any("reply not delivered" in r.getMessage() for r in caplog.records)

    async def boom(update: object, context: Any) -> None:  # an error nobody expected
        if isinstance(update, Update) and update.message and update.message.text == "boom":
            raise RuntimeError(f"failed calling {h.fake.base_url}{h.fake.token}/getMe")

    h.app.add_handler(TypeHandler(Update, boom), group=-1)
    await h.handled(h.fake.message(ANN, "boom"))
    secret = h.fake.token.split(":")[1]
    assert "HTTP Request" in caplog.text and "<redacted>" in caplog.text
    assert secret not in caplog.text
    assert all(secret not in r.getMessage() for r in caplog.records)
    assert any("unexpected error in update" in r.getMessage() for r in caplog.records)


async def test_photo_caption_and_long_texts_respect_telegram_limits(
    start: Starter, tmp_path: Path
) -> None:
    h = await start()
    png = tmp_path / "chart.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    ok = (Button("OK", "1.0"),)
    chart = Media(str(png), owned=True)  # made by the engine for this reply
    await h.bot.sender.reply(h.app.bot, ANN, Reply("<b>Your chart</b>", ok, media=chart))
    (photo,) = h.fake.sent(ANN)
    assert photo.method == "sendPhoto" and photo.params["caption"] == "<b>Your chart</b>"
    assert photo.params["photo"]["size"] == 108 and photo.buttons
    assert not png.exists()  # the chart file was only the hand-over: no pile-up on disk

    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    long = "\n\n".join(f"<b>Paragraph {i}</b> " + "parola " * 150 for i in range(12))
    await h.bot.sender.reply(h.app.bot, BOB, Reply(long, ok, media=Media(str(png))))
    assert png.exists()  # not the engine's to give away: the adapter leaves it where it is
    calls = h.fake.sent(BOB)
    assert calls[0].method == "sendPhoto" and "caption" not in calls[0].params
    texts = calls[1:]
    assert len(texts) >= 3 and all(len(c.text) <= 4096 for c in texts)
    assert [bool(c.buttons) for c in texts] == [False] * (len(texts) - 1) + [True]


async def test_shutdown_processes_every_fetched_update(
    start: Starter, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await start()
    slow_turns(h, monkeypatch, lambda inp: 0.2)
    ids = [h.fake.message(uid, "/start") for uid in (ANN, BOB, 4203, 4204) for _ in range(2)]
    # fetched and acknowledged (the next poll's offset): Telegram will not send them again
    await h.until(lambda: h.fake.pending == 0, "the updates to be acknowledged")
    assert not set(ids) <= set(h.done)  # still being processed when the stop comes
    assert h.app.updater is not None
    await h.app.updater.stop()
    await h.app.stop()  # as on SIGTERM: drains the queue and waits for running updates
    assert set(ids) <= set(h.done)
    for uid in (ANN, BOB, 4203, 4204):
        assert h.state(uid) == "menu"
        assert h.fake.sent(uid)[-1].buttons
