"""A person takes over a chat: the relay between a prospect and the admins, end to end through
the real PTB Application and the fake Bot API server on 127.0.0.1.

Also home of ``launch``/``stop``, the harness the reload and admin-command tests share: like the
e2e one, plus a content folder, a database path, a reusable fake server (restarts) and the
background tasks ``python -m bot run`` starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import app
from bot.adapters.telegram.format import visible
from bot.adapters.telegram.handover import DONE_PREFIX
from bot.config import Settings
from bot.core.ports import utc_now
from bot.storage.sqlite import Store
from tests.fakebotapi import Call, FakeBotAPI
from tests.test_telegram_e2e import (
    ADMIN,
    ANN,
    BOB,
    HUMAN_WRITE_HERE,
    MENU_HUMAN,
    Harness,
    serve,
    shipped_engine,
)

# -- the shared harness ------------------------------------------------------------------------


async def launch(
    tmp_path: Path,
    *,
    root: Path | None = None,
    db: Path | None = None,
    fake: FakeBotAPI | None = None,
    admin_ids: tuple[int, ...] = (ADMIN,),
    timeout_minutes: float = 60.0,
    background: bool = False,
    clock: Callable[[], datetime] = utc_now,
    **bot_kwargs: Any,
) -> Harness:
    """The adapter polling a fake server. ``root``: a content folder (default: the shipped one,
    loaded once); with ``background`` the watcher and the expiry run, as under ``run``;
    ``clock``: the engine's (and so the handovers') time, the real one by default."""
    fake = fake or FakeBotAPI().start()
    if root is None:
        shipped = shipped_engine()
        content, understanding = shipped.content, shipped.understanding
    else:
        loaded = app.load_content(root)
        assert loaded.content is not None, loaded.problems.report()
        content, understanding = loaded.content, app.build_understanding(loaded.content)
    engine = app.build_engine(
        content,
        Store(db or tmp_path / "bot.db"),
        default_lang="en",
        understanding=understanding,
        files_dir=tmp_path / "charts",
        clock=clock,
    )
    settings = Settings(
        token=fake.token,
        api_base_url=fake.base_url,
        admin_ids=admin_ids,
        content_dir=root or tmp_path / "no-content",  # nothing to watch unless asked
        handover_timeout_minutes=timeout_minutes,
    )
    return await serve(fake, engine, settings, background=background, **bot_kwargs)


async def stop(h: Harness, *, keep_fake: bool = False) -> None:
    """Stop like ``run`` does (updater, app, background tasks); safe to call twice."""
    if h.app.updater is not None and h.app.updater.running:
        await h.app.updater.stop()
    if h.app.running:
        await h.app.stop()
    await h.bot.post_stop(h.app)
    await h.app.shutdown()
    h.engine.store.close()
    if not keep_fake:
        h.fake.stop()


Launcher = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def launcher(tmp_path: Path) -> AsyncIterator[Launcher]:
    running: list[Harness] = []

    async def _launch(**kwargs: Any) -> Harness:
        h = await launch(tmp_path, **kwargs)
        running.append(h)
        return h

    yield _launch
    for h in running:
        await stop(h)


def texts(fake: FakeBotAPI, chat_id: int, since: int = 0) -> list[str]:
    return [c.text for c in fake.sent(chat_id)[since:]]


async def ask_for_a_person(h: Harness, uid: int = ANN, words: str | None = None) -> Call:
    """The prospect asks for a person (the menu button, or ``words``), then "write to me here";
    returns the request the admin got."""
    await h.say(uid, "/start")
    if words is None:
        await h.press(uid, MENU_HUMAN)
    else:
        await h.say(uid, words)
    assert h.state(uid) == "human"
    await h.press(uid, HUMAN_WRITE_HERE)
    assert h.state(uid) == "human_here"
    await h.until(lambda: any(c.buttons for c in h.fake.sent(ADMIN)), "the request to the admin")
    return [c for c in h.fake.sent(ADMIN) if c.buttons][-1]


def done_button(request: Call) -> str:
    (button,) = request.buttons
    return str(button["callback_data"])


class ManualClock:
    """A clock that stands still until the test moves it: quiet time without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# -- the tests -----------------------------------------------------------------------------------


async def test_a_person_takes_over_and_hands_back(launcher: Launcher) -> None:
    """Request with Done → reply relayed → prospect relayed, bot silent → Done → bot again."""
    h = await launcher()
    fake, store = h.fake, h.engine.store
    request = await ask_for_a_person(h)
    assert done_button(request) == f"{DONE_PREFIX}tg:{ANN}"
    assert "Done" in request.buttons[0]["text"] and "Chiudi" in request.buttons[0]["text"]
    assert store.handover(f"tg:{ANN}") is not None

    # the admin answers with Telegram's reply: Ann gets it, escaped, after "From the team:"
    before = len(fake.sent(ANN))
    await h.handled(fake.reply(ADMIN, "Hi Ann, I'm Marco <the boss> & co", request.message_id))
    (relayed,) = fake.sent(ANN)[before:]
    assert relayed.params["parse_mode"] == "HTML"
    assert "&lt;the boss&gt; &amp; co" in str(relayed.params["text"])
    prefix = visible(h.engine.text("handover.from_team", "en"))
    assert visible(relayed.text) == f"{prefix}\nHi Ann, I'm Marco <the boss> & co"

    # Ann writes: the admins get it, the engine stays quiet and Ann stays where she was
    admin_before, ann_before = len(fake.sent(ADMIN)), len(fake.sent(ANN))
    await h.say(ANN, "Can we talk tomorrow at 10?")
    (to_admin,) = fake.sent(ADMIN)[admin_before:]
    assert "Can we talk tomorrow at 10?" in to_admin.text and f"tg:{ANN}" in to_admin.text
    assert len(fake.sent(ANN)) == ann_before
    assert h.state(ANN) == "human_here"
    lines = [(r.direction, r.text) for r in store.transcript(f"tg:{ANN}", 6)]
    assert ("in", "Can we talk tomorrow at 10?") in lines
    assert any(d == "out" and "Marco" in t for d, t in lines)

    # a button pressed meanwhile does what it says ("Back to menu"), after a word that the team
    # still has the request; the handover stays open for the team (tests/test_handover_everyday)
    await h.press(ANN, "common.back_to_menu")
    assert h.state(ANN) == "menu" and len(fake.sent(ANN)) > ann_before
    assert store.handover(f"tg:{ANN}") is not None

    # the admin may also reply to the relayed message, not only to the request
    await h.handled(fake.reply(ADMIN, "Yes, 10 is fine.", to_admin.message_id or 0))
    assert "Yes, 10 is fine." in fake.sent(ANN)[-1].text

    # Done: Ann is told what happens next, the admin's keyboard goes, the handover is closed
    ann_before = len(fake.sent(ANN))
    await h.handled(fake.press(ADMIN, done_button(request), request.message_id))
    assert texts(fake, ANN, ann_before) == [h.engine.text("handover.closed", "en")]
    assert store.handover(f"tg:{ANN}") is None
    assert "reply_markup" not in fake.messages[(ADMIN, request.message_id or 0)]
    assert any("closed by" in c.text for c in fake.sent(ADMIN))

    # and the bot answers Ann again
    await h.say(ANN, "/menu")
    assert h.state(ANN) == "menu" and h.last_keyboard(ANN).buttons


async def test_done_command_and_who_may_use_it(launcher: Launcher) -> None:
    h = await launcher()
    fake, store = h.fake, h.engine.store
    request = await ask_for_a_person(h)

    # a prospect's /done is just an unknown command, and closes nothing
    await h.say(BOB, "/start")
    before = len(fake.sent(BOB))
    await h.say(BOB, f"/done {ANN}")
    not_understood = h.engine.text("common.not_understood", "en", at_menu=True).splitlines()
    assert texts(fake, BOB, before)[0] in not_understood  # one of its lines, which take turns
    assert store.handover(f"tg:{ANN}") is not None

    # the admin's bare /done (not a reply) says how to use it
    admin_before = len(fake.sent(ADMIN))
    await h.say(ADMIN, "/done")
    assert "/done" in fake.sent(ADMIN)[admin_before].text
    assert store.handover(f"tg:{ANN}") is not None

    # /done as a reply to the request closes it; a second /done <user> finds nothing open
    ann_before = len(fake.sent(ANN))
    await h.handled(fake.reply(ADMIN, "/done", request.message_id or 0))
    assert texts(fake, ANN, ann_before) == [h.engine.text("handover.closed", "en")]
    admin_before = len(fake.sent(ADMIN))
    await h.say(ADMIN, f"/done tg:{ANN}")
    assert "No open chat" in fake.sent(ADMIN)[admin_before].text

    # answering a closed request reopens it: the admin's words must reach the prospect
    await h.handled(fake.reply(ADMIN, "One more thing!", request.message_id or 0))
    assert "One more thing!" in fake.sent(ANN)[-1].text
    assert store.handover(f"tg:{ANN}") is not None
    await h.say(ADMIN, f"/done {ANN}")
    assert store.handover(f"tg:{ANN}") is None


async def test_a_prospect_can_still_erase_themselves_during_a_handover(launcher: Launcher) -> None:
    h = await launcher()
    request = await ask_for_a_person(h)
    await h.say(ANN, "/delete")
    await h.press(ANN, "yes")  # yes, erase me
    store = h.engine.store
    assert store.load(f"tg:{ANN}") is None and store.handover(f"tg:{ANN}") is None
    assert store.handover_user(ADMIN, request.message_id or 0) is None
    before, admin_before = len(h.fake.sent(ANN)), len(h.fake.sent(ADMIN))
    await h.handled(h.fake.reply(ADMIN, "Hello?", request.message_id or 0))
    assert len(h.fake.sent(ANN)) == before  # nothing goes to someone who erased themselves
    (note,) = h.fake.sent(ADMIN)[admin_before:]
    assert "erased" in note.text
    assert h.engine.store.load(f"tg:{ADMIN}") is None  # and the bot did not answer the admin


async def test_a_handover_survives_a_restart(tmp_path: Path) -> None:
    """A new Application on the same database: relay, reply and Done still work."""
    fake = FakeBotAPI().start()
    db = tmp_path / "same.db"
    first = await launch(tmp_path, db=db, fake=fake)
    try:  # asked in words this time: the talk_to_human intent leads to the same request
        request = await ask_for_a_person(first, words="Can I talk to a real person please?")
    finally:
        await stop(first, keep_fake=True)

    second = await launch(tmp_path, db=db, fake=fake)
    try:
        admin_before, ann_before = len(fake.sent(ADMIN)), len(fake.sent(ANN))
        await second.say(ANN, "Still there?")
        assert "Still there?" in fake.sent(ADMIN)[admin_before].text
        # the bot only says, once, that the team has it (bot.core.relay), after a restart too
        assert len(fake.sent(ANN)) == ann_before + 1
        await second.say(ANN, "Hello?")
        assert len(fake.sent(ANN)) == ann_before + 1

        await second.handled(fake.reply(ADMIN, "Yes! Writing now.", request.message_id or 0))
        assert "Yes! Writing now." in fake.sent(ANN)[-1].text

        await second.handled(fake.press(ADMIN, done_button(request), request.message_id))
        assert fake.sent(ANN)[-1].text == second.engine.text("handover.closed", "en")
        assert second.engine.store.handover(f"tg:{ANN}") is None
    finally:
        await stop(second)


async def test_a_quiet_handover_closes_itself(launcher: Launcher) -> None:
    """BOT_HANDOVER_TIMEOUT_MINUTES of silence: the prospect is told, the bot answers again."""
    clock = ManualClock()
    h = await launcher(timeout_minutes=30, clock=clock)
    fake, store, handovers = h.fake, h.engine.store, h.bot.handovers
    await ask_for_a_person(h)

    # any message of the handover restarts the quiet time
    clock.advance(minutes=20)
    assert await handovers.expire(h.app.bot) == 0
    await h.say(ANN, "Anyone there?")
    clock.advance(minutes=29, seconds=59)
    assert await handovers.expire(h.app.bot) == 0
    assert store.handover(f"tg:{ANN}") is not None

    # 30 minutes without a word: closed, the prospect told, the admins too
    clock.advance(seconds=1)
    assert await handovers.expire(h.app.bot) == 1
    assert fake.sent(ANN)[-1].text == h.engine.text("handover.timed_out", "en")
    assert store.handover(f"tg:{ANN}") is None
    (row,) = store.events(f"tg:{ANN}", kind="handover_closed")
    assert row.detail == "timeout"
    assert "closed after 30 quiet minutes" in fake.sent(ADMIN)[-1].text
    await h.say(ANN, "/menu")
    assert h.state(ANN) == "menu"

    # another round of the expiry, however much later, changes nothing
    clock.advance(hours=5)
    assert await handovers.expire(h.app.bot) == 0
    assert len(store.events(f"tg:{ANN}", kind="handover_closed")) == 1


async def test_the_expiry_runs_in_the_background(launcher: Launcher) -> None:
    """Under ``run`` nobody calls ``expire``: a background loop does, a few times a timeout."""
    clock = ManualClock()
    # 0.06 s of timeout: the loop checks every 50 ms (its floor); the clock decides what is quiet
    h = await launcher(timeout_minutes=0.001, clock=clock, background=True)
    await ask_for_a_person(h)
    assert h.engine.store.handover(f"tg:{ANN}") is not None  # the clock stood still
    clock.advance(minutes=1)
    await h.until(lambda: h.engine.store.handover(f"tg:{ANN}") is None, "the expiry loop", 2.0)
    timed_out = h.engine.text("handover.timed_out", "en")
    await h.until(lambda: h.fake.sent(ANN)[-1].text == timed_out, "the timeout notice", 2.0)


async def test_media_from_the_prospect_reaches_the_admins_as_a_copy(launcher: Launcher) -> None:
    h = await launcher()
    await ask_for_a_person(h)
    before = len(h.fake.calls_to("copyMessage"))
    photo = [{"file_id": "P", "file_unique_id": "p", "width": 90, "height": 90}]
    await h.handled(h.fake.message(ANN, None, photo=photo, caption="our feed"))
    (copy,) = h.fake.calls_to("copyMessage")[before:]
    assert copy.chat_id == ADMIN and int(copy.params["from_chat_id"]) == ANN
    assert h.state(ANN) == "human_here"
    assert h.engine.store.events(f"tg:{ANN}", kind="unsupported") == []  # the engine never saw it


async def test_no_admins_no_handover(launcher: Launcher) -> None:
    """Nobody to answer: the request waits in the outbox and the bot keeps answering."""
    h = await launcher(admin_ids=())
    await h.say(ANN, "/start")
    await h.press(ANN, MENU_HUMAN)
    await h.press(ANN, HUMAN_WRITE_HERE)
    assert h.engine.store.handover(f"tg:{ANN}") is None
    await h.say(ANN, "/menu")
    assert h.state(ANN) == "menu"


async def test_the_admin_hears_when_a_reply_could_not_be_delivered(launcher: Launcher) -> None:
    h = await launcher()
    request = await ask_for_a_person(h)
    before = len(h.fake.sent(ADMIN))
    h.fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await h.handled(h.fake.reply(ADMIN, "Are you there?", request.message_id or 0))
    (note,) = h.fake.sent(ADMIN)[before:]
    assert "Not delivered" in note.text and "blocked" in note.text
    lines = [r.text for r in h.engine.store.transcript(f"tg:{ANN}", 5)]
    assert not any("Are you there?" in line for line in lines)  # not sent, not recorded as sent
