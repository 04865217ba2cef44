"""Issue 17, point 5's smaller holes: a forwarded command is not a command, a destructive press
is honoured only when the confirmation it answers was just shown, and a failed ``getUpdates``
is one log line, not a traceback.

Telegram-level tests run the real python-telegram-bot Application against the fake Bot API
(``tests/fakebotapi.py``; the handover harness of ``tests/test_handover.py``); the polling test
runs ``Application.run_polling`` itself, as ``python -m bot run`` does.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.bot import TelegramBot
from bot.adapters.telegram.format import visible
from bot.adapters.telegram.handover import DONE_PREFIX
from bot.adapters.telegram.notes import HANDLED_PREFIX
from bot.adapters.telegram.polling import PollingTrouble, describe
from bot.app import prepare
from bot.config import Settings
from bot.core.commands import CONFIRMING
from bot.core.engine import Engine
from bot.core.messages import Input
from tests.conftest import MINI, Chat, build_engine
from tests.fakebotapi import NOW, FakeBotAPI, user
from tests.test_handover import Launcher, ask_for_a_person, done_button, launcher, texts
from tests.test_telegram_e2e import ADMIN, ANN, BOB, MENU_HUMAN, Harness

__all__ = ["launcher"]  # the handover harness's fixture, used below

LANGS = ["it", "en"]


def from_someone_else(uid: int = BOB) -> dict[str, Any]:
    """Telegram's forward header of a message first sent by ``uid``."""
    return {"type": "user", "date": NOW - 60, "sender_user": user(uid, "Bob")}


async def forward(h: Harness, uid: int, text: str, lang: str = "en", **kw: Any) -> int:
    """``uid`` forwards to the bot a message someone else wrote; waits until it is handled."""
    update_id = h.fake.message(
        uid, text, language_code=lang, forward_origin=from_someone_else(), **kw
    )
    await h.handled(update_id)
    return update_id


def confirmations(h: Harness, uid: int, since: int = 0) -> list[str]:
    """The callback data of /delete's confirmation buttons sent to ``uid`` since ``since``."""
    return [
        b["callback_data"]
        for c in h.fake.sent(uid)[since:]
        for b in c.buttons
        if b["callback_data"].startswith("del.")
    ]


def inbound(h: Harness, uid: int) -> list[str]:
    return [line.text for line in h.engine.store.transcript(f"tg:{uid}") if line.direction == "in"]


# -- 1. a forwarded command is not a command ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", ["/delete", "/restart", "/start spring_promo", "/lang"])
async def test_a_forwarded_command_is_not_carried_out(
    launcher: Launcher, lang: str, command: str
) -> None:
    h = await launcher()
    await h.say(ANN, "/start", language_code=lang)
    before = h.engine.store.load(f"tg:{ANN}")
    assert before is not None
    sent = len(h.fake.sent(ANN))

    await forward(h, ANN, command, lang)

    after = h.engine.store.load(f"tg:{ANN}")
    assert after is not None  # nothing erased, nothing restarted, nothing switched
    assert (after.dialog, after.state, after.lang, after.source) == (
        before.dialog,
        before.state,
        before.lang,
        None,
    )
    assert confirmations(h, ANN, sent) == []  # not even "are you sure?"
    # said once, plainly, and the step is there again with its buttons
    said = texts(h.fake, ANN, sent)
    assert said[0].startswith(visible(h.engine.text("common.forwarded_command", lang)))
    assert h.fake.sent(ANN)[-1].buttons
    # the staff read it as someone else's words
    assert inbound(h, ANN)[-1] == f"[forwarded] {command}"


@pytest.mark.parametrize("lang", LANGS)
async def test_a_forwarded_yes_does_not_answer_delete(launcher: Launcher, lang: str) -> None:
    h = await launcher()
    await h.say(ANN, "/start", language_code=lang)
    await h.say(ANN, "/delete", language_code=lang)
    await forward(h, ANN, "sì" if lang == "it" else "yes", lang)
    assert h.engine.store.load(f"tg:{ANN}") is not None


async def test_a_new_prospect_forwarding_a_start_link_is_welcomed_without_its_campaign(
    launcher: Launcher,
) -> None:
    h = await launcher()
    await forward(h, ANN, "/start spring_promo")
    conv = h.engine.store.load(f"tg:{ANN}")
    assert conv is not None and conv.source is None  # the campaign is Bob's, not Ann's
    assert h.state(ANN) == "menu" and h.last_keyboard(ANN).buttons  # the welcome, as usual
    await forward(h, BOB + 10, "/delete")  # a first message that is a forwarded /delete
    assert h.engine.store.load(f"tg:{BOB + 10}") is not None
    assert confirmations(h, BOB + 10) == []


async def test_forwarded_text_is_read_like_text_the_prospect_shared(launcher: Launcher) -> None:
    h = await launcher()
    for uid in (ANN, BOB):
        await h.say(uid, "/start")
    await forward(h, ANN, "how much does it cost?")
    await h.say(BOB, "how much does it cost?")
    assert h.state(ANN) == h.state(BOB) != "menu"  # answered as if typed
    assert texts(h.fake, ANN)[-1] == texts(h.fake, BOB)[-1]
    assert inbound(h, ANN)[-1] == "[forwarded] how much does it cost?"


async def test_a_reply_quoting_a_command_is_not_that_command(launcher: Launcher) -> None:
    h = await launcher()
    await h.say(ANN, "/start")
    sent = len(h.fake.sent(ANN))
    quoted = {"text": "/delete", "position": 0}
    await h.handled(h.fake.message(ANN, "what does this do?", quote=quoted))
    assert confirmations(h, ANN, sent) == [] and h.engine.store.load(f"tg:{ANN}") is not None


async def test_a_forwarded_command_during_a_handover_goes_to_the_team(
    launcher: Launcher,
) -> None:
    h = await launcher()
    await ask_for_a_person(h)
    admin_before, sent = len(h.fake.sent(ADMIN)), len(h.fake.sent(ANN))
    await forward(h, ANN, "/delete")
    assert h.engine.store.load(f"tg:{ANN}") is not None
    assert confirmations(h, ANN, sent) == []
    assert any("/delete" in visible(c.text) for c in h.fake.sent(ADMIN)[admin_before:])


async def test_an_admin_forwarding_a_staff_command_runs_nothing(launcher: Launcher) -> None:
    h = await launcher()
    await ask_for_a_person(h)
    ann_before = len(h.fake.sent(ANN))
    await forward(h, ADMIN, f"/done {ANN}")
    assert h.engine.store.handover(f"tg:{ANN}") is not None  # still open
    assert texts(h.fake, ANN, ann_before) == []  # Ann was told nothing
    await h.say(ADMIN, f"/done {ANN}")  # typed by the admin: it closes
    assert h.engine.store.handover(f"tg:{ANN}") is None


# -- 2. a destructive press answers the confirmation just shown ----------------------------------


async def test_a_forged_delete_press_erases_nothing(launcher: Launcher) -> None:
    h = await launcher()
    await h.say(ANN, "/start")
    menu = h.last_keyboard(ANN)
    conv = h.engine.store.load(f"tg:{ANN}")
    assert conv is not None
    # a modified client sends /delete's "yes" for the current step: no question was asked
    await h.handled(h.fake.press(ANN, f"del.yes.{conv.step}", menu.message_id))
    assert h.engine.store.load(f"tg:{ANN}") is not None
    toast = h.fake.calls_to("answerCallbackQuery")[-1].params.get("text")
    assert toast == visible(h.engine.text("common.stale_button", "en"))  # an old button's

    # asked, then answered "no": its "yes" pressed afterwards is old too, same step or not
    await h.say(ANN, "/delete")
    confirm = h.last_keyboard(ANN)
    await h.press(ANN, "no")
    yes = next(b["callback_data"] for b in confirm.buttons if ".yes." in b["callback_data"])
    await h.handled(h.fake.press(ANN, yes, confirm.message_id))
    assert h.engine.store.load(f"tg:{ANN}") is not None

    # asked and pressed at once: erased
    await h.say(ANN, "/delete")
    await h.press(ANN, "yes")
    assert h.engine.store.load(f"tg:{ANN}") is None


async def test_a_prospect_cannot_press_the_admins_buttons(launcher: Launcher) -> None:
    h = await launcher()
    request = await ask_for_a_person(h)
    assert done_button(request).startswith(DONE_PREFIX)
    last = h.fake.sent(ANN)[-1].message_id
    for data in (done_button(request), f"{DONE_PREFIX}tg:{ANN}", f"{HANDLED_PREFIX}1"):
        await h.handled(h.fake.press(ANN, data, last))
    assert h.engine.store.handover(f"tg:{ANN}") is not None  # still with the team
    assert len([c for c in h.fake.sent(ADMIN) if "closed" in c.text.lower()]) == 0
    await h.handled(h.fake.press(ADMIN, done_button(request), request.message_id))
    assert h.engine.store.handover(f"tg:{ANN}") is None  # the admin's press closes it


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(MINI, tmp_path / "bot.db")


@pytest.mark.parametrize("between", ["/help", "No", "forwarded", "Plan"])
async def test_a_delete_press_answers_only_the_question_just_asked(
    engine: Engine, between: str
) -> None:
    """Between the question and the press, /help (the step stays), its own "No", a forwarded
    message or a move: the press is an old button's."""
    chat = Chat(engine)
    await chat.say("/start")
    await chat.say("/delete")
    confirm = chat.last
    assert confirm is not None
    if between == "No":
        await chat.press("No")
    elif between == "forwarded":
        await engine.turn(Input("u1", text="hello there", forwarded=True))
    else:
        await chat.say(between)
    chat.last = confirm
    result = await chat.press("Yes, delete")
    assert engine.store.load("u1") is not None
    assert result.notice == "That button is old."


async def test_an_asked_confirmation_is_kept_with_the_conversation(
    engine: Engine, tmp_path: Path
) -> None:
    """Asked before a restart, answered after it: the question is saved with the
    conversation, so the press is honoured by the next process."""
    chat = Chat(engine)
    await chat.say("/start")
    await chat.say("/delete")
    conv = engine.store.load("u1")
    assert conv is not None and conv.memory[CONFIRMING] == f"del.{conv.step}"
    engine.store.close()
    restarted = build_engine(MINI, tmp_path / "bot.db")
    again = Chat(restarted)
    again.last = chat.last
    await again.press("Yes, delete")
    assert restarted.store.load("u1") is None


async def test_a_typed_yes_needs_the_question_just_asked(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("/start")
    await chat.say("/delete")
    await chat.say("/help")  # the confirmation's keyboard is no longer the last one asked
    await chat.say("yes")
    assert engine.store.load("u1") is not None
    await chat.say("/delete")
    await chat.say("yes")
    assert engine.store.load("u1") is None


# -- 3. a failed getUpdates is a line, not a traceback -------------------------------------------


def test_polling_trouble_is_one_line_a_minute_per_kind(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as `run` sets it: no deprecation warning
    now = [0.0]
    trouble = PollingTrouble(clock=lambda: now[0])
    for error in (NetworkError("Bad Gateway"), TimedOut(), RetryAfter(timedelta(seconds=3))):
        assert trouble.report(error)
    assert trouble.report(Conflict("Conflict: terminated by other getUpdates request"))
    assert trouble.report(Conflict("Conflict: terminated by other getUpdates request"))
    assert not trouble.report(ValueError("a bug"))  # for on_error's traceback
    now[0] = 61.0
    assert trouble.report(NetworkError("Internal Server Error"))
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == ["WARNING", "ERROR", "WARNING"]
    assert "Bad Gateway" in lines[0][1] and "more since" not in lines[0][1]
    assert "another process is using this bot's token" in lines[1][1]
    assert "Internal Server Error" in lines[2][1] and "(2 more since the last line)" in lines[2][1]
    assert all(r.exc_info is None for r in caplog.records)
    # each kind in a few words, never an error page's body
    assert describe(RetryAfter(timedelta(seconds=3))) == "429 Too Many Requests: retry after 3 s"
    assert describe(TimedOut()) == "timed out"
    page = NetworkError(f"Bad Gateway (502). Parsing the server response b'{NGINX_502}' failed")
    assert describe(page) == "Bad Gateway (502)"


NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)


def test_failed_polls_are_warnings_and_a_conflict_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``run_polling`` as ``python -m bot run`` calls it, against a Bot API whose getUpdates
    fails: an HTML error page (a 502 from Telegram's front servers), Telegram's JSON 502, a
    409 Conflict. One WARNING line for the outage, one ERROR line naming the other process,
    no traceback, no error page in the log; then the bot answers as usual."""
    caplog.set_level(logging.INFO)
    fake = FakeBotAPI().start()
    fake.fail("getUpdates", 502, page=NGINX_502)
    fake.fail("getUpdates", 502)
    fake.fail("getUpdates", 409, CONFLICT)
    engine = build_engine(MINI, tmp_path / "bot.db")
    settings = Settings(token=fake.token, api_base_url=fake.base_url, admin_ids=(ADMIN,))
    bot = TelegramBot(engine, settings, prepare=prepare, send_attempts=2, backoff=0.05)
    app = bot.build()
    loops: list[asyncio.AbstractEventLoop] = []
    ready = threading.Event()
    post_init = app.post_init
    assert post_init is not None

    async def started(application: Any) -> None:
        loops.append(asyncio.get_running_loop())
        await post_init(application)
        ready.set()

    app.post_init = started
    polling = threading.Thread(
        target=app.run_polling,
        kwargs={"timeout": timedelta(seconds=1), "stop_signals": None, "close_loop": True},
        daemon=True,
    )
    polling.start()
    try:
        assert ready.wait(30), "the bot did not start"
        failed = [("getUpdates", 502), ("getUpdates", 502), ("getUpdates", 409)]
        assert fake.wait_for(
            lambda f: (
                [(c.method, c.status) for c in f.calls if c.status != 200] == failed
                and f.count("getUpdates") >= 1
            ),
            timeout=30,
        ), "getUpdates did not fail three times, then succeed"
        fake.message(ANN, "/start")
        assert fake.wait_for(lambda f: bool(f.sent(ANN)), timeout=15), "no answer after it"
    finally:
        if loops:
            loops[0].call_soon_threadsafe(app.stop_running)
        polling.join(30)
        engine.store.close()
        fake.stop()
    assert not polling.is_alive()

    assert [r for r in caplog.records if r.exc_info or r.exc_text] == []  # no traceback
    assert "<html>" not in caplog.text and "nginx" not in caplog.text
    ours = [r for r in caplog.records if r.name == "bot.adapters.telegram.polling"]
    assert [r.levelname for r in ours] == ["WARNING", "ERROR"]
    assert "Bad Gateway (502)" in ours[0].getMessage()
    assert "another process is using this bot's token" in ours[1].getMessage()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [ours[1]]


async def test_the_menu_still_works_after_a_forwarded_message(launcher: Launcher) -> None:
    """A forwarded message takes a turn like any other: the next press of the step's own
    keyboard still works."""
    h = await launcher()
    await h.say(ANN, "/start")
    await forward(h, ANN, "/menu")
    await h.press(ANN, MENU_HUMAN)
    assert h.state(ANN) == "human"
