"""Hot reload: staff edits go live between two updates when valid, change nothing when not.

The engine-level tests use the small fixture content; the Telegram ones a copy of the shipped
content in tmp_path, the real PTB Application and the fake Bot API server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections import Counter
from pathlib import Path

from bot.adapters.telegram.format import visible
from bot.app import prepare
from bot.core.compose import compose
from bot.core.engine import Engine
from bot.core.messages import Input, TurnResult
from bot.staff.reload import Reloader, ReloadOutcome
from tests.conftest import Chat, build_engine, presses
from tests.test_handover import Launcher, launcher  # noqa: F401  (the fixture)
from tests.test_telegram_e2e import ADMIN, ANN, BOB, MENU_CONTACT, MENU_GROWTH, ROOT

LEAD_START, WHY_BUTTON = "lead.start_button", "growth.why_button"


def copy_content(target: Path) -> Path:
    for folder in ("dialogs", "locales"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


class Reports:
    def __init__(self) -> None:
        self.problems: list[ReloadOutcome] = []

    async def __call__(self, outcome: ReloadOutcome) -> None:
        self.problems.append(outcome)


# -- the engine and the reloader, no transport ---------------------------------------------------


async def test_reload_keeps_places_and_slots_and_explains_a_vanished_state(
    mini_copy: Path, tmp_path: Path
) -> None:
    engine = build_engine(mini_copy, tmp_path / "r.db")
    reports = Reports()
    reloader = Reloader(engine, mini_copy, reports, prepare=prepare)
    ann, bob = Chat(engine, "ann"), Chat(engine, "bob")
    await ann.say("/start")
    await ann.press("Plan")
    await ann.say("5000")
    assert engine.store.load("ann").state == "ask_budget"  # type: ignore[union-attr]
    await bob.say("/start")
    await bob.press("Info")

    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(en, 'with_budget: "With', 'with_budget: "From now on, with')
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "  info:\n", "  about:\n")
    edit(main, "go: info", "go: about")
    outcome = await reloader.reload()
    assert outcome.ok and not reports.problems, outcome.report

    # Ann's state still exists: she answers and the next message is the new text, slots kept
    await ann.say("300")
    assert ann.texts[0].startswith("From now on, with")
    conv = engine.store.load("ann")
    assert conv is not None and conv.slots["followers"] == 5000

    # Bob's state is gone: the menu, after a word of explanation
    await bob.say("hello")
    assert bob.texts[0] == engine.text("common.flow_changed", "en")
    assert engine.store.load("bob").state == "menu"  # type: ignore[union-attr]
    (missing,) = engine.store.events("bob", kind="state_missing")
    assert missing.detail == "main.info"


async def test_an_invalid_reload_changes_nothing_and_reports_where(
    mini_copy: Path, tmp_path: Path
) -> None:
    engine = build_engine(mini_copy, tmp_path / "r.db")
    before = (engine.content, engine._current)
    reports = Reports()
    reloader = Reloader(engine, mini_copy, reports, prepare=prepare)
    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(en, "info: Some information.", "info: Some information: broken")
    outcome = await reloader.reload()
    assert not outcome.ok and reports.problems == [outcome]
    assert f"locales/en/texts.yaml:{line_of(en, 'info: Some')}:" in outcome.report
    assert (engine.content, engine._current) == before


async def test_load_swaps_the_understanding_with_the_content(mini_engine: Engine) -> None:
    marker = object()
    content = mini_engine.content
    mini_engine.load(content, understanding=marker)
    assert mini_engine.understanding is marker
    mini_engine.load(content)  # without one: the current understanding stays
    assert mini_engine.understanding is marker and mini_engine.content is content
    mini_engine.load(content, understanding=None)
    assert mini_engine.understanding is None


# -- on Telegram -------------------------------------------------------------------------------


async def test_reload_command_with_an_invalid_file_keeps_the_running_version(
    launcher: Launcher,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = copy_content(tmp_path / "content")
    h = await launcher(root=root)
    running = h.engine.content
    await h.say(ANN, "/start")
    old_question = h.engine.text("menu.question", "en")

    edit(root / "locales" / "en" / "menu.yaml", old_question, "A question nobody approved")
    main = root / "dialogs" / "main.yaml"
    edit(main, "    say: menu.question", "    say: menu.questoin")  # a staff typo
    before = len(h.fake.sent(ADMIN))
    await h.say(ADMIN, "/reload", timeout=10)
    report = "\n".join(visible(c.text) for c in h.fake.sent(ADMIN)[before:])
    assert "NOT loaded" in report
    assert f"dialogs/main.yaml:{line_of(main, 'menu.questoin')}:" in report
    assert "menu.questoin" in report
    assert h.engine.content is running

    await h.say(ANN, "/menu")
    assert visible(h.last_keyboard(ANN).text) == visible(old_question)


async def test_a_valid_reload_changes_behaviour_mid_conversation(
    launcher: Launcher,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = copy_content(tmp_path / "content")
    h = await launcher(root=root)
    # Ann is halfway through leaving her details; Bob reads "why" in the growth branch
    await h.say(ANN, "/start")
    await h.press(ANN, MENU_CONTACT)
    await h.press(ANN, LEAD_START)
    await h.say(ANN, "Ann")
    assert h.state(ANN) == "lead_business"
    await h.say(BOB, "/start")
    await h.press(BOB, MENU_GROWTH)
    await h.press(BOB, WHY_BUTTON)
    assert h.state(BOB) == "growth_quality"

    lead = root / "locales" / "en" / "lead.yaml"
    edit(lead, "Which platform matters most to you?", "Where do your customers see you most?")
    edit(lead, 'instagram: "Instagram"', 'instagram: "Instagram 📸"')
    edit(root / "dialogs" / "main.yaml", "growth_quality", "growth_why")  # Bob's state is gone
    before = len(h.fake.sent(ADMIN))
    await h.say(ADMIN, "/reload", timeout=10)
    assert "Changes are live" in h.fake.sent(ADMIN)[before].text

    await h.say(ANN, "Pizzeria da Ann")
    question = h.last_keyboard(ANN)
    assert "Where do your customers see you most?" in visible(question.text)
    instagram = [b["text"] for b in question.buttons if presses(b["callback_data"], "instagram")]
    assert instagram == ["Instagram 📸"]
    conv = h.engine.store.load(f"tg:{ANN}")
    assert conv is not None and conv.slots["name"] == "Ann"  # her answers survived the reload

    before = len(h.fake.sent(BOB))
    await h.say(BOB, "ok")
    replies = h.fake.sent(BOB)[before:]
    # first (texts in a row go out as one message: bot.core.compose)
    assert visible(replies[0].text).startswith(visible(h.engine.text("common.flow_changed", "en")))
    assert h.state(BOB) == "menu" and replies[-1].buttons


async def test_the_file_watcher_picks_up_an_edit_within_seconds(
    launcher: Launcher,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = copy_content(tmp_path / "content")
    h = await launcher(root=root)
    reloader = h.bot.reloader
    # what `run` uses (``background``) groups a save's writes and reacts within seconds…
    assert reloader.debounce_ms + reloader.step_ms <= 2000
    # …here the same watcher looks every 50 ms, so the test waits for files, not for a timer
    reloader.debounce_ms, reloader.step_ms = 200, 50
    reloader.start()
    await asyncio.sleep(0)  # its task registers the watches before its first await
    menu = root / "locales" / "en" / "menu.yaml"
    old_question = h.engine.text("menu.question", "en")

    started = time.monotonic()
    edit(menu, old_question, "What shall we talk about?")
    await h.until(
        lambda: h.engine.text("menu.question", "en") == "What shall we talk about?",
        "the edit to go live",
        timeout=6.0,
    )
    elapsed = time.monotonic() - started
    assert elapsed < 4.0, f"took {elapsed:.1f}s"
    await h.until(lambda: any("live" in c.text for c in h.fake.sent(ADMIN)), "the admins' note")
    # a long note (warnings included) comes in several messages: read them all
    note = "\n".join(c.text for c in h.fake.sent(ADMIN) if c.text)
    assert "locales/en/menu.yaml" in note[note.rindex("live") :]

    # a broken save: the admins get the located report, the running version stays
    running = h.engine.content
    before = len(h.fake.sent(ADMIN))
    menu.write_text(menu.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")

    def sent_since() -> str:  # a long report (warnings included) comes in several messages
        return "\n".join(visible(c.text) for c in h.fake.sent(ADMIN)[before:])

    await h.until(lambda: "locales/en/menu.yaml:" in sent_since(), "the report", timeout=6.0)
    assert "NOT loaded" in sent_since()
    assert h.engine.content is running


async def test_no_update_is_lost_or_answered_twice_across_a_reload(
    launcher: Launcher,  # noqa: F811
    tmp_path: Path,
) -> None:
    old = copy_content(tmp_path / "a")
    new = copy_content(tmp_path / "b")
    h = await launcher(root=old)
    help_old = h.engine.text("common.help", "en")
    question_old = h.engine.text("menu.question", "en")
    edit(new / "locales" / "en" / "common.yaml", "We'll tell you, straight,", "NEW HELP:")
    edit(new / "locales" / "en" / "menu.yaml", question_old, "NEW MENU?")

    users = [5000 + i for i in range(12)]
    await h.handled(*(h.fake.message(uid, "/start") for uid in users), timeout=10)
    turns: list[tuple[Input, TurnResult]] = []
    original = h.engine.turn

    async def recording(inp: Input) -> TurnResult:
        result = await original(inp)
        turns.append((inp, result))
        return result

    h.engine.turn = recording  # type: ignore[method-assign]
    sent_before = {uid: len(h.fake.sent(uid)) for uid in users}

    def burst() -> list[int]:
        return [h.fake.message(uid, "/help") for uid in users]

    first = burst()
    h.bot.reloader.root = new
    reloading = asyncio.create_task(h.bot.reloader.reload())
    second = burst()  # pushed while the new content is being read and checked
    assert (await reloading).ok
    third = burst()
    update_ids = first + second + third
    await h.handled(*update_ids, timeout=20)

    assert all(Counter(h.done)[u] == 1 for u in update_ids)
    by_input = Counter(inp.input_id for inp, _ in turns)
    assert sorted(by_input) == sorted(update_ids) and set(by_input.values()) == {1}
    assert not any(result.duplicate for _, result in turns)
    versions = Counter()
    for inp, result in turns:
        texts = tuple(visible(r.text) for r in result.replies)
        if texts == (visible(help_old), visible(question_old)):
            versions["old"] += 1
            assert inp.input_id not in third
        else:
            assert texts[1] == "NEW MENU?" and texts[0].startswith("NEW HELP:"), texts
            versions["new"] += 1
    assert versions["new"] >= len(third)
    for uid in users:  # every reply sent, none twice
        # the two texts of each of the three turns go out as one message (bot.core.compose)
        messages = sum(len(compose(r.replies)) for i, r in turns if i.user_id == f"tg:{uid}")
        assert len(h.fake.sent(uid)) - sent_before[uid] == messages == 3
