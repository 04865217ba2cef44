"""Issue 10, a prospect in or waiting for a handover is never stuck and never ignored
(``bot.core.relay``): commands and taps are always the bot's, /menu and /start leave the relay
politely, a ping is relayed and answered once per quiet period with the office hours, taps are
shown to staff by their labels, stale taps do not swallow a real message, and /delete takes
the prospect's chart too.

Telegram-level tests run the real PTB Application against the fake Bot API
(``tests/fakebotapi.py``, harness in ``tests/test_handover.py``); both languages where the bot
says something.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.telegram.format import visible
from bot.adapters.telegram.guard import FloodGuard
from bot.core.engine import Engine
from bot.core.messages import Input
from bot.core.office_hours import waiting_values
from bot.core.relay import TEAM_LIVE
from bot.growth.actions import chart_path, forget_chart
from tests.conftest import Chat
from tests.test_everyday_waiting_repeats import SUNDAY, shipped
from tests.test_handover import Launcher, ManualClock, launcher, texts
from tests.test_telegram_e2e import (
    ADMIN,
    ANN,
    HUMAN_WRITE_HERE,
    MENU_CONTACT,
    MENU_GROWTH,
    MENU_HUMAN,
    Harness,
    keyboard_data,
)

__all__ = ["launcher"]  # the handover harness's fixture, used below

CLOSED = {"it": "domattina dalle 9:00", "en": "tomorrow morning from 9:00"}  # ManualClock: Sun
YES = {"it": "sì", "en": "yes"}
PRICING = {"it": "quanto costa?", "en": "how much does it cost?"}
PINGS = {
    "it": ["ciao?", "c'è qualcuno?", "allora??", "ce qualcuno?"],
    "en": ["hello?", "anyone there?", "is anyone there?", "hello??"],
}
LANGS = ["it", "en"]


def said(h: Harness, key: str, lang: str, **values: object) -> str:
    """The shipped text ``key`` as the prospect sees it, with the office hours of now."""
    now = h.engine.clock()
    hours = waiting_values(h.engine.content, now, lang)
    return visible(h.engine.text(key, lang, **{**hours, **values}))


async def request_person(h: Harness, lang: str, uid: int = ANN) -> int:
    """/start in ``lang``, "talk to a person", "write to me here": the admin's request id."""
    await h.say(uid, "/start", language_code=lang)
    await h.press(uid, MENU_HUMAN)
    await h.press(uid, HUMAN_WRITE_HERE)
    assert h.state(uid) == "human_here"
    await h.until(lambda: any(c.buttons for c in h.fake.sent(ADMIN)), "the request")
    assert h.engine.store.handover(f"tg:{uid}") is not None
    return [c for c in h.fake.sent(ADMIN) if c.buttons][-1].message_id or 0


def admin_got(h: Harness, since: int, words: str) -> bool:
    return any(words in visible(c.text) for c in h.fake.sent(ADMIN)[since:])


# -- 1. commands are the bot's ---------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_delete_and_a_typed_yes_during_a_handover_erase(
    launcher: Launcher, lang: str
) -> None:
    h = await launcher(clock=ManualClock())
    await request_person(h, lang)
    admin_before = len(h.fake.sent(ADMIN))
    # /delete, then "no" tapped: nothing erased, the relay goes on
    await h.say(ANN, "/delete")
    assert {b["callback_data"][:4] for b in h.last_keyboard(ANN).buttons} == {"del."}
    await h.press(ANN, "no")
    assert h.engine.store.load(f"tg:{ANN}") is not None
    await h.say(ANN, "una cosa" if lang == "it" else "one more thing")
    assert admin_got(h, admin_before, "una cosa" if lang == "it" else "one more thing")
    # /delete, then a typed yes: erased, and nothing of it reached the admins
    admin_before = len(h.fake.sent(ADMIN))
    await h.say(ANN, "/delete")
    await h.say(ANN, YES[lang])
    assert h.engine.store.load(f"tg:{ANN}") is None
    assert h.engine.store.handover(f"tg:{ANN}") is None
    assert h.fake.sent(ADMIN)[admin_before:] == []
    assert h.fake.sent(ANN)[-1].text == said(h, "common.deleted", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", ["/menu", "/start"])
async def test_menu_and_start_leave_the_relay_politely(
    launcher: Launcher, lang: str, command: str
) -> None:
    """The command is never forwarded; the prospect hears, once and first, that the team
    still has their request and when it answers; the handover stays open for the team, and
    when the team writes again what the prospect writes goes to the team again."""
    clock = ManualClock()
    h = await launcher(clock=clock)
    request = await request_person(h, lang)
    admin_before, ann_before = len(h.fake.sent(ADMIN)), len(h.fake.sent(ANN))
    clock.advance(minutes=1)
    await h.say(ANN, command)
    assert h.fake.sent(ADMIN)[admin_before:] == []
    new = texts(h.fake, ANN, ann_before)
    # first (texts in a row are one message: bot.core.compose)
    assert visible(new[0]).startswith(said(h, "handover.left", lang))
    assert CLOSED[lang] in visible(new[0])
    assert h.last_keyboard(ANN).buttons and h.state(ANN) == "menu"
    assert h.engine.store.handover(f"tg:{ANN}") is not None
    # the bot answers them now, nothing goes to the team, and the notice is not said again
    await h.say(ANN, PRICING[lang])
    assert h.state(ANN) == "pricing" and h.fake.sent(ADMIN)[admin_before:] == []
    await h.say(ANN, "/menu")
    assert said(h, "handover.left", lang) not in [visible(c.text) for c in h.fake.sent(ANN)[-2:]]
    # the team writes: the prospect's answer goes to the team again
    clock.advance(minutes=1)
    await h.handled(h.fake.reply(ADMIN, "Ciao Ann!", request))
    assert "Ciao Ann!" in h.fake.sent(ANN)[-1].text
    await h.say(ANN, "perfetto" if lang == "it" else "great")
    assert admin_got(h, admin_before, "perfetto" if lang == "it" else "great")


# -- 2. "Back to menu" does what it says -----------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_back_to_menu_during_a_handover_shows_the_menu(launcher: Launcher, lang: str) -> None:
    h = await launcher(clock=ManualClock())
    await request_person(h, lang)
    assert CLOSED[lang] in visible(h.fake.sent(ANN)[-1].text)  # "someone will write tomorrow…"
    answers, ann_before = len(h.fake.calls_to("answerCallbackQuery")), len(h.fake.sent(ANN))
    await h.press(ANN, "common.back_to_menu")
    assert h.state(ANN) == "menu"
    (popup,) = h.fake.calls_to("answerCallbackQuery")[answers:]
    assert not popup.params.get("text")  # no pop-up contradicting the office hours
    new = texts(h.fake, ANN, ann_before)
    # first (texts in a row are one message: bot.core.compose)
    assert visible(new[0]).startswith(said(h, "handover.left", lang))
    assert CLOSED[lang] in visible(new[0])  # the same hours as the confirmation
    # and the menu works: "talk to a person" again is not a second request, and what the
    # prospect writes then goes to the team again
    admin_before = len(h.fake.sent(ADMIN))
    await h.press(ANN, MENU_HUMAN)
    assert len(h.engine.store.events(f"tg:{ANN}", kind="human_requested")) == 1
    await h.say(ANN, "sono io" if lang == "it" else "it's me")
    assert admin_got(h, admin_before, "sono io" if lang == "it" else "it's me")


# -- 3. pings are relayed, and answered once per quiet period ------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_pings_during_a_handover_are_relayed_and_answered_once(
    launcher: Launcher, lang: str
) -> None:
    clock = ManualClock()
    h = await launcher(clock=clock)
    request = await request_person(h, lang)
    admin_before, ann_before = len(h.fake.sent(ADMIN)), len(h.fake.sent(ANN))
    for ping in PINGS[lang]:
        clock.advance(minutes=1)
        await h.say(ANN, ping)
        assert admin_got(h, admin_before, ping)
    (ack,) = texts(h.fake, ANN, ann_before)  # once, not once per ping
    assert visible(ack) == said(h, "human.waiting", lang, relayed=True)
    assert CLOSED[lang] in visible(ack)
    # a person is writing to them: no word from the bot
    await h.handled(h.fake.reply(ADMIN, "Eccomi!", request))
    ann_before = len(h.fake.sent(ANN))
    clock.advance(minutes=2)
    await h.say(ANN, PINGS[lang][0])
    assert len(h.fake.sent(ANN)) == ann_before
    # the team went quiet again: a new quiet period, one word again
    clock.advance(minutes=TEAM_LIVE.total_seconds() / 60 + 1)
    await h.say(ANN, PINGS[lang][1])
    await h.say(ANN, PINGS[lang][2])
    assert texts(h.fake, ANN, ann_before) == [ack]


@pytest.mark.parametrize("lang", LANGS)
async def test_waiting_before_a_handover_reads_every_ping_the_same(
    tmp_path: Path, lang: str
) -> None:
    """No handover yet (no admins, or not delivered): every ping, with or without its
    apostrophe, gets the same first answer, which claims no repetition and has the same
    office hours as the relayed one."""
    engine = shipped(tmp_path, clock=lambda: SUNDAY)
    variants = {
        "it": ["c'è qualcuno?", "ce qualcuno?", "c’è qualcuno?", "ciao?", "allora??"],
        "en": ["anyone there?", "anyone there", "is anyone there?", "hello?", "hello??"],
    }[lang]
    replies = []
    for i, ping in enumerate(variants):
        chat = Chat(engine, user=f"w{i}", language_code=lang)
        await chat.say("/start")
        await chat.press_id(MENU_HUMAN)
        await chat.press_id(HUMAN_WRITE_HERE)
        await chat.say(ping)
        replies.append(chat.texts[0])
    values = waiting_values(engine.content, SUNDAY, lang)
    expected = engine.text("human.waiting", lang, **values)
    assert replies == [expected] * len(variants)
    relayed = engine.text("human.waiting", lang, **values, relayed=True)
    assert CLOSED[lang] in expected and CLOSED[lang] in relayed
    assert expected.split(". ", 1)[1] == relayed.split(". ", 1)[1]  # the same hours, in words
    assert "ripeter" not in expected and "again" not in expected


# -- 4. staff read taps by their labels, stale ones once -------------------------------------------


def stale_tap(h: Harness, uid: int, snapshot: dict[str, object], data: str) -> int:
    """A tap on an old message whose keyboard is still on screen (``snapshot``, as it was)."""
    return h.fake.push(
        "callback_query",
        {
            "id": f"cbq-old-{time.monotonic_ns()}",
            "from": {"id": uid, "is_bot": False, "first_name": "Ann"},
            "chat_instance": f"ci{uid}",
            "data": data,
            "message": json.loads(json.dumps(snapshot)),
        },
    )


@pytest.mark.parametrize("lang", LANGS)
async def test_staff_notes_show_taps_by_label_and_stale_taps_once(
    launcher: Launcher, lang: str
) -> None:
    h = await launcher(clock=ManualClock())
    await h.say(ANN, "/start", language_code=lang)
    menu = h.last_keyboard(ANN)
    snapshot = h.fake.messages[(ANN, menu.message_id or 0)]
    snapshot = json.loads(json.dumps(snapshot))
    await h.press(ANN, MENU_GROWTH)
    data = keyboard_data(menu, MENU_CONTACT)
    await h.handled(*[stale_tap(h, ANN, snapshot, data) for _ in range(4)])
    await h.say(ANN, "/menu")
    await h.press(ANN, MENU_HUMAN)
    await h.press(ANN, HUMAN_WRITE_HERE)
    await h.until(lambda: any(c.buttons for c in h.fake.sent(ADMIN)), "the request")
    note = visible([c for c in h.fake.sent(ADMIN) if c.buttons][-1].text)
    contact = visible(h.engine.text("menu.contact", lang))
    assert note.count(f"[tapped: {contact}]") == 1, note
    assert f"[tapped: {visible(h.engine.text('menu.human', lang))}]" in note
    assert "[button" not in note


async def test_an_engine_tap_is_written_by_its_label(tmp_path: Path) -> None:
    engine = shipped(tmp_path)
    chat = Chat(engine, language_code="it")
    await chat.say("/start")
    await chat.press_id(MENU_GROWTH)
    lines = [line.text for line in engine.store.transcript(chat.user) if line.direction == "in"]
    assert lines[-1] == f"[tapped: {visible(engine.text('menu.growth', 'it'))}]"


# -- 5. a burst of stale taps does not swallow a real message -----------------------------------


@pytest.mark.parametrize("in_handover", [False, True])
async def test_a_real_message_after_a_burst_of_stale_taps_gets_through(
    launcher: Launcher, in_handover: bool
) -> None:
    h = await launcher(clock=ManualClock(), flood=FloodGuard(limit=5, window=60))
    await h.say(ANN, "/start", language_code="en")
    menu = h.last_keyboard(ANN)
    snapshot = json.loads(json.dumps(h.fake.messages[(ANN, menu.message_id or 0)]))
    if in_handover:
        await h.press(ANN, MENU_HUMAN)
        await h.press(ANN, HUMAN_WRITE_HERE)
        await h.until(lambda: h.engine.store.handover(f"tg:{ANN}") is not None, "handover")
    else:
        await h.press(ANN, MENU_GROWTH)
    data = keyboard_data(menu, MENU_CONTACT)
    flood = visible(h.engine.text("telegram.flood", "en"))
    for _ in range(12):  # over the limit: one warning, then the taps are ignored
        stale_tap(h, ANN, snapshot, data)
    await h.until(lambda: any(visible(c.text) == flood for c in h.fake.sent(ANN)), "warning")
    await h.until(lambda: h.bot.processor.chats_in_flight == 0, "the burst")
    admin_before, ann_before = len(h.fake.sent(ADMIN)), len(h.fake.sent(ANN))
    await h.say(ANN, "how much does it cost?")
    if in_handover:
        assert admin_got(h, admin_before, "how much does it cost?")
    else:  # answered (then back to where they were)
        fee = visible(h.engine.text("pricing.fee", "en"))
        assert fee in "\n\n".join(visible(t) for t in texts(h.fake, ANN, ann_before))
    assert sum(visible(c.text) == flood for c in h.fake.sent(ANN)) == 1  # the taps' one warning


# -- 6. /delete takes the chart too ----------------------------------------------------------------


async def test_delete_removes_the_prospects_chart(tmp_path: Path) -> None:
    engine: Engine = shipped(tmp_path, clock=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert engine.files_dir is not None
    chat = Chat(engine, language_code="it")
    await chat.say("/start")
    await chat.say(
        "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?"
    )
    await chat.say("3")
    chart = chart_path(engine.files_dir, chat.user)
    assert chart.exists()  # made for the reply; the console keeps it
    assert chat.last is not None
    assert any(r.media is not None and r.media.path == str(chart) for r in chat.last.replies)
    await chat.say("/delete")
    await chat.say("sì")
    assert engine.store.load(chat.user) is None
    assert not chart.exists()


async def test_delete_on_another_user_keeps_their_chart_and_a_failing_hook_is_logged(
    tmp_path: Path,
) -> None:
    engine = shipped(tmp_path)
    assert engine.files_dir is not None
    other = chart_path(engine.files_dir, "someone-else")
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"png")
    forget_chart("someone", engine.files_dir)
    forget_chart("someone", None)  # no folder: nothing to do
    assert other.exists()

    def broken(user_id: str, files_dir: Path | None) -> None:
        raise OSError("read-only")

    engine.forget_hooks.insert(0, broken)
    mine = chart_path(engine.files_dir, "u1")
    mine.write_bytes(b"png")
    await engine.turn(Input("u1", text="/start"))
    await engine.turn(Input("u1", text="/delete"))
    await engine.turn(Input("u1", text="yes"))
    assert engine.store.load("u1") is None and not mine.exists() and other.exists()
