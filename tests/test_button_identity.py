"""Buttons keep their meaning across a hot reload: a keyboard's data names the button's stable id
(its `id:`, else its text key; an option's value) and the content version, never its position.

A keyboard already on the prospect's screen, after staff removed, reordered or added buttons or
options: a button that still exists does what its label says; one that is gone says so and shows
the step's buttons as they are now. Engine-level on a copy of the shipped content and of the
small fixture, and end to end through the real Telegram adapter and the fake Bot API.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot import app
from bot.adapters.telegram.format import visible
from bot.content.button_ids import tap_digest
from bot.content.model import Content
from bot.core.engine import Engine
from bot.core.messages import Input, TurnResult
from bot.core.taps import TAP
from tests.conftest import MINI, ROOT, Chat, build_engine
from tests.test_handover import Launcher, launcher  # noqa: F401  (the fixture)
from tests.test_reload import copy_content, edit, line_of
from tests.test_telegram_e2e import ADMIN, ANN, BOB

MISTAKES = "      - text: menu.mistakes\n        go: mistake_staff\n"
RULES = "      - text: menu.rules\n        go: rules_game\n"
PRICING = "      - text: menu.pricing\n        go: pricing\n"
# two ids whose short codes are the same (found by trying): the bot could not tell them apart
CLASH = ("b10106", "b11875")


def reload(engine: Engine, root: Path) -> Content:
    """What a hot reload does: read and check ``root``, then swap it in."""
    loaded = app.load_content(root)
    assert loaded.content is not None, loaded.problems.report()
    engine.load(loaded.content)
    return loaded.content


def label(engine: Engine, key: str, lang: str = "it") -> str:
    return visible(engine.text(key, lang))


def data_of(result: TurnResult, label: str) -> str:
    found = [b.data for r in result.replies for b in r.buttons if b.label == label]
    assert found, f"no button {label!r} in {[b.label for r in result.replies for b in r.buttons]}"
    return found[0]


async def tap(engine: Engine, user: str, data: str) -> TurnResult:
    return await engine.turn(Input(user, button=data, language_code="it"))


def tapped(engine: Engine, user: str) -> str:
    lines = [line.text for line in engine.store.transcript(user) if line.direction == "in"]
    return lines[-1]


async def menu_of(engine: Engine, user: str) -> TurnResult:
    chat = Chat(engine, user, language_code="it")
    return await chat.say("/start")


# -- the data -----------------------------------------------------------------------------------


async def test_keyboards_carry_stable_ids_and_the_content_version(tmp_path: Path) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    menu = await menu_of(engine, "ann")
    conv = engine.store.load("ann")
    assert conv is not None
    version = engine.content.version
    assert re.fullmatch(r"[a-z2-7]{4}", version)
    for reply in menu.replies:
        for button in reply.buttons:
            match = TAP.fullmatch(button.data)
            assert match is not None, button.data
            assert int(match.group(1)) == conv.step and match.group(3) == version
            assert len(button.data.encode()) <= 64
    rules = data_of(menu, label(engine, "menu.rules"))
    assert rules.split(".")[1] == tap_digest("menu.rules")


def test_the_version_follows_the_buttons_and_stays_across_restarts(tmp_path: Path) -> None:
    def version(root: Path) -> str:
        loaded = app.load_content(root)
        assert loaded.content is not None, loaded.problems.report()
        return loaded.content.version

    shipped = version(ROOT)
    assert version(ROOT) == shipped  # the same files: the same version, run after run
    root = copy_content(tmp_path / "c")
    edit(root / "locales" / "it" / "menu.yaml", "Le regole del gioco", "Le regole")
    assert version(root) == shipped  # new words on a button: the same buttons
    main = root / "dialogs" / "main.yaml"
    edit(main, RULES + PRICING, PRICING + RULES)
    reordered = version(root)
    assert reordered != shipped
    edit(main, MISTAKES, "")
    assert version(root) not in (shipped, reordered)


# -- after a reload: removed, reordered, added ----------------------------------------------------


async def test_a_button_still_there_does_what_its_label_says_after_one_is_removed(
    tmp_path: Path,
) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    before = engine.content.version
    menu = await menu_of(engine, "ann")
    root = copy_content(tmp_path / "c")
    edit(root / "dialogs" / "main.yaml", MISTAKES, "")  # the button before "rules" goes
    assert reload(engine, root).version != before

    result = await tap(engine, "ann", data_of(menu, label(engine, "menu.rules")))
    assert result.state == "rules_game" and result.notice is None
    assert tapped(engine, "ann") == f"[tapped: {label(engine, 'menu.rules')}]"


async def test_a_removed_button_says_so_and_shows_the_buttons_of_now(tmp_path: Path) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    menu = await menu_of(engine, "bob")
    root = copy_content(tmp_path / "c")
    edit(root / "dialogs" / "main.yaml", MISTAKES, "")
    reload(engine, root)

    mistakes = label(engine, "menu.mistakes")
    result = await tap(engine, "bob", data_of(menu, mistakes))
    gone = engine.text("common.button_gone", "it")
    assert result.state == "menu" and result.notice == gone
    assert result.replies[0].text == gone
    shown = [b.label for r in result.replies for b in r.buttons]
    assert mistakes not in shown and label(engine, "menu.rules") in shown
    assert len(shown) == len([b for r in menu.replies for b in r.buttons]) - 1
    (event,) = engine.store.events("bob", kind="button_gone")
    assert event.detail == data_of(menu, mistakes)
    # the keyboard of now works
    result = await tap(engine, "bob", data_of(result, label(engine, "menu.rules")))
    assert result.state == "rules_game"


async def test_reordered_buttons_keep_their_meaning(tmp_path: Path) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    ann, bob = await menu_of(engine, "ann"), await menu_of(engine, "bob")
    root = copy_content(tmp_path / "c")
    edit(root / "dialogs" / "main.yaml", RULES + PRICING, PRICING + RULES)
    reload(engine, root)

    assert (await tap(engine, "ann", data_of(ann, label(engine, "menu.rules")))).state == (
        "rules_game"
    )
    assert (await tap(engine, "bob", data_of(bob, label(engine, "menu.pricing")))).state == (
        "pricing"
    )
    assert tapped(engine, "bob") == f"[tapped: {label(engine, 'menu.pricing')}]"


async def at_platform(engine: Engine) -> Chat:
    """A prospect of the small fixture at "Which platform?" (options Instagram, Facebook)."""
    chat = Chat(engine)
    await chat.say("/start")
    await chat.press("Plan")
    await chat.say("5000")
    await chat.say("300")
    assert chat.buttons == ["Instagram", "Facebook"]
    return chat


def add_tiktok_first(root: Path) -> None:
    edit(
        root / "dialogs" / "main.yaml",
        "      options:\n        - value: instagram\n",
        "      options:\n        - value: tiktok\n          text: platform.tiktok\n"
        "        - value: instagram\n",
    )
    for lang in ("en", "it"):
        edit(root / "locales" / lang / "texts.yaml", "platform:\n", "platform:\n  tiktok: TikTok\n")


async def test_an_option_added_before_keeps_the_old_keyboard_right(
    mini_copy: Path, tmp_path: Path
) -> None:
    engine = build_engine(mini_copy, tmp_path / "bot.db")
    chat = await at_platform(engine)
    old = chat.last
    assert old is not None
    add_tiktok_first(mini_copy)
    reload(engine, mini_copy)

    result = await engine.turn(Input("u1", button=data_of(old, "Facebook")))
    assert result.state == "summary" and result.slots["platform"] == "facebook"
    assert tapped(engine, "u1") == "[tapped: Facebook]"


async def test_a_removed_option_says_so_and_asks_again(mini_copy: Path, tmp_path: Path) -> None:
    engine = build_engine(mini_copy, tmp_path / "bot.db")
    chat = await at_platform(engine)
    old = chat.last
    assert old is not None
    edit(
        mini_copy / "dialogs" / "main.yaml",
        "        - value: facebook\n          text: platform.facebook\n",
        "",
    )
    reload(engine, mini_copy)

    result = await engine.turn(Input("u1", button=data_of(old, "Facebook")))
    assert result.state == "ask_platform" and "platform" not in result.slots
    assert result.notice == "That button is gone."
    # the question is still on screen: the word, with the options of now under it
    assert [(r.text, [b.label for b in r.buttons]) for r in result.replies] == [
        ("That button is gone.", ["Instagram"])
    ]
    result = await engine.turn(Input("u1", button=data_of(old, "Instagram")))
    assert result.state == "summary" and result.slots["platform"] == "instagram"


async def test_yes_and_no_are_pressed_by_name(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Contact")
    await chat.say("Anna")
    result = await chat.say("anna@example.com")
    assert [b.data.split(".")[1] for r in result.replies for b in r.buttons] == [
        tap_digest("yes"),
        tap_digest("no"),
    ]
    assert (await chat.press("Yes")).state == "saved"


async def test_a_keyboard_sent_before_stable_ids_still_presses_by_position(
    tmp_path: Path,
) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    await menu_of(engine, "ann")
    conv = engine.store.load("ann")
    assert conv is not None
    spec = engine.content.state("main", "menu")
    assert spec is not None
    rules = [b.text.key for b in spec.buttons].index("menu.rules")  # its position
    result = await tap(engine, "ann", f"{conv.step}.{rules}")
    assert result.state == "rules_game"
    assert tapped(engine, "ann") == f"[tapped: {label(engine, 'menu.rules')}]"


async def test_a_tap_of_an_earlier_step_is_still_an_old_button(tmp_path: Path) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    menu = await menu_of(engine, "ann")
    await tap(engine, "ann", data_of(menu, label(engine, "menu.growth")))
    result = await tap(engine, "ann", data_of(menu, label(engine, "menu.rules")))
    assert result.state == "growth_honest"
    assert result.notice == visible(engine.text("common.stale_button", "it"))


async def test_an_own_id_keeps_a_button_whose_text_key_changed(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "c")
    main = root / "dialogs" / "main.yaml"
    edit(main, RULES, "      - text: menu.rules\n        id: rules\n        go: rules_game\n")
    engine = build_engine(root, tmp_path / "bot.db")
    menu = await menu_of(engine, "ann")
    assert data_of(menu, label(engine, "menu.rules")).split(".")[1] == tap_digest("rules")
    edit(main, "text: menu.rules\n", "text: menu.game\n")
    for lang in ("it", "en"):
        edit(root / "locales" / lang / "menu.yaml", "  rules:", "  game:")
    reload(engine, root)
    result = await tap(engine, "ann", data_of(menu, label(engine, "menu.game")))
    assert result.state == "rules_game"


# -- staff mistakes: one located error each, with the fix -----------------------------------------


def problems_of(root: Path) -> list[str]:
    loaded = app.load_content(root)
    assert loaded.content is None
    return [str(p) for p in loaded.problems.errors]


def test_a_bad_button_id_is_one_located_error(mini_copy: Path) -> None:
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "      - text: menu.info\n", "      - text: menu.info\n        id: Info Page\n")
    (problem,) = problems_of(mini_copy)
    assert problem.startswith(f"dialogs/main.yaml:{line_of(main, 'id: Info Page')}:")
    assert "`id: Info Page` of button 3 of state `menu`" in problem
    assert "lowercase letters, digits and _" in problem


def test_two_buttons_with_one_id_are_one_located_error(mini_copy: Path) -> None:
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "      - text: menu.plan\n", "      - text: menu.plan\n        id: same\n")
    edit(main, "      - text: menu.info\n", "      - text: menu.info\n        id: same\n")
    (problem,) = problems_of(mini_copy)
    lines = [i for i, text in enumerate(main.read_text().splitlines(), 1) if "id: same" in text]
    assert problem.startswith(f"dialogs/main.yaml:{lines[1]}:")
    assert "buttons 1 and 3 of state `menu` both have `id: same`" in problem
    assert "give button 3 another `id:`, like `id: same_3`" in problem


def test_two_buttons_with_one_text_and_no_id_are_one_located_error(mini_copy: Path) -> None:
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "      - text: menu.info\n", "      - text: menu.plan\n")
    (problem,) = problems_of(mini_copy)
    assert "buttons 1 and 3 of state `menu` both show `menu.plan`" in problem
    assert "give one of them its own `id:`" in problem and "`id: plan_3`" in problem


def test_ids_the_bot_cannot_tell_apart_are_one_located_error(mini_copy: Path) -> None:
    assert tap_digest(CLASH[0]) == tap_digest(CLASH[1])
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "      - text: menu.plan\n", f"      - text: menu.plan\n        id: {CLASH[0]}\n")
    edit(main, "      - text: menu.info\n", f"      - text: menu.info\n        id: {CLASH[1]}\n")
    (problem,) = problems_of(mini_copy)
    assert problem.startswith(f"dialogs/main.yaml:{line_of(main, CLASH[1])}:")
    assert "cannot tell buttons 1 and 3 of state `menu` apart" in problem


def test_option_values_the_bot_cannot_tell_apart_are_one_located_error(mini_copy: Path) -> None:
    main = mini_copy / "dialogs" / "main.yaml"
    edit(main, "value: instagram", f"value: {CLASH[0]}")
    edit(main, "value: facebook", f"value: {CLASH[1]}")
    (problem,) = problems_of(mini_copy)
    assert problem.startswith(f"dialogs/main.yaml:{line_of(main, CLASH[1])}:")
    assert f"options `{CLASH[0]}` and `{CLASH[1]}`" in problem


def test_the_fixture_and_the_shipped_content_have_no_clash() -> None:
    for root in (ROOT, MINI):
        assert app.load_content(root).content is not None


# -- on Telegram ---------------------------------------------------------------------------------


async def test_an_old_keyboard_after_a_reload_on_telegram(
    launcher: Launcher,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = copy_content(tmp_path / "content")
    h = await launcher(root=root)
    await h.say(ANN, "/start")
    await h.say(BOB, "/start")
    ann_menu, bob_menu = h.last_keyboard(ANN), h.last_keyboard(BOB)

    def data(call: object, key: str) -> str:
        wanted = label(h.engine, key, "en")
        buttons = call.buttons  # type: ignore[attr-defined]
        return next(str(b["callback_data"]) for b in buttons if b["text"] == wanted)

    edit(root / "dialogs" / "main.yaml", MISTAKES, "")
    before = len(h.fake.sent(ADMIN))
    await h.say(ADMIN, "/reload", timeout=10)
    assert "Changes are live" in h.fake.sent(ADMIN)[before].text

    # Ann's "rules" moved up one place: it still opens the rules
    await h.handled(h.fake.press(ANN, data(ann_menu, "menu.rules"), ann_menu.message_id))
    assert h.state(ANN) == "rules_game"

    # Bob's "mistakes" is gone: a pop-up and a word, with the menu's buttons of now
    popups = len(h.fake.calls_to("answerCallbackQuery"))
    sent = len(h.fake.sent(BOB))
    await h.handled(h.fake.press(BOB, data(bob_menu, "menu.mistakes"), bob_menu.message_id))
    gone = h.engine.text("common.button_gone", "en")
    (popup,) = h.fake.calls_to("answerCallbackQuery")[popups:]
    assert popup.params.get("text") == gone
    (reply,) = h.fake.sent(BOB)[sent:]
    assert visible(reply.text) == visible(gone)
    labels = [b["text"] for b in reply.buttons]
    assert label(h.engine, "menu.mistakes", "en") not in labels
    assert h.state(BOB) == "menu"
    await h.handled(h.fake.press(BOB, data(reply, "menu.rules"), reply.message_id))
    assert h.state(BOB) == "rules_game"
