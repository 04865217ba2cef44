"""The shipped conversation, walked through every state in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.messages import Input, TurnResult
from bot.growth.actions import GROWTH_SLOTS
from tests.conftest import ROOT, Chat, build_engine

BY_SLOT = {"current_followers": "800", "target_followers": "10k", "posts_per_week": "3"}
SAMPLES = {
    "number": "5000",
    "money": "€ 300",
    "text": "Anna",
    "business": "ho una pasticceria a Catania",
    "name": "mi chiamo Anna",
    "email": "anna@example.com",
    "phone": "+39 333 123 4567",
}
# a second answer to a question of numbers, for the branches its `when:` takes on nothing at all
# (README's example: `if: budget > 0` / else): so a state staff add there is walked too
ZERO = "0"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def replay(engine: Engine, user: str, lang: str, path: list[tuple[str, str]]) -> TurnResult:
    """Start afresh as ``user`` and repeat a path of (kind, value) steps."""
    result = await engine.turn(Input(user, text="/start", language_code=lang))
    for kind, value in path:
        if kind == "text":
            result = await engine.turn(Input(user, text=value, language_code=lang))
        else:
            data = [b.data for r in result.replies for b in r.buttons][int(value)]
            result = await engine.turn(Input(user, button=data, language_code=lang))
    return result


def check_replies(result: TurnResult) -> None:
    assert result.replies
    for reply in result.replies:
        assert reply.text.strip() or reply.media
        assert "{{" not in reply.text and "{%" not in reply.text
        for button in reply.buttons:
            assert 0 < len(button.label) <= 40
            assert len(button.data.encode()) <= 64


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_every_state_is_reached_and_renders(engine: Engine, lang: str) -> None:
    content = engine.content
    queue: list[list[tuple[str, str]]] = [[]]
    seen: set[tuple[str, str, bool]] = set()
    asked = set(GROWTH_SLOTS)  # the projection's numbers
    users = 0
    while queue:
        path = queue.pop(0)
        users += 1
        result = await replay(engine, f"{lang}-{users}", lang, path)
        check_replies(result)
        # a state is walked once before and once after every question was answered: some
        # states change with the answers (a second projection offers to reuse the numbers)
        key = (result.dialog, result.state, asked <= result.slots.keys())
        if key in seen:
            continue
        seen.add(key)
        spec = content.state(result.dialog, result.state)
        assert spec is not None
        buttons = [b for r in result.replies for b in r.buttons]
        for i in range(len(buttons)):
            queue.append([*path, ("button", str(i))])
        if spec.ask is not None and spec.ask.type in SAMPLES:
            sample = BY_SLOT.get(spec.ask.slot, SAMPLES[spec.ask.type])
            queue.append([*path, ("text", sample)])
            if spec.ask.type in ("number", "money"):
                queue.append([*path, ("text", ZERO)])
        if spec.ask is not None and spec.ask.type in ("number", "money"):
            # too many answers it cannot read: the give-up step (main.yaml's `give_up:`)
            queue.append([*path, *[("text", "boh")] * spec.ask.tries])
        if spec.buttons and result.state == content.main_dialog.menu.ref:  # type: ignore[union-attr]
            # an address typed where nothing asks for it: the form offered (``capture:``)
            queue.append([*path, ("text", "mario.rossi@example.com")])
    # money for us in a growth question: asked whether it was meant for ads (walked on its own,
    # so that its shortcut does not stand in for the questions it skips in the walk above)
    fee = "se vi pago 300 euro al mese in quanto tempo arrivo a 5000 follower su instagram?"
    result = await replay(engine, f"{lang}-fee", lang, [("text", fee), ("text", "800")])
    check_replies(result)
    assert (result.dialog, result.state) == ("projection", "fee_or_ads")
    seen.add((result.dialog, result.state, False))
    every = {(d.id, s) for d in content.dialogs.values() for s in d.states}
    # states that only answer typed questions are walked in test_intent_answers
    answers = {tuple(ref.split(".", 1)) for ref, _pos in content.intents.answers.values()}
    transient = {
        (d.id, s) for d in content.dialogs.values() for s, st in d.states.items() if not st.waits
    }
    missing = every - transient - answers - {(d, s) for d, s, _ in seen}
    assert not missing, sorted(missing)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_lead_capture_to_the_end(engine: Engine, lang: str) -> None:
    chat = Chat(engine, "lead", language_code=lang)
    await chat.say("/start")
    await chat.press_id("menu.contact")  # leave your contacts
    await chat.press_id("lead.start_button")
    await chat.say("Giulia Bianchi")
    await chat.say("Pasticceria a Catania")
    await chat.press_id("instagram")
    await chat.press_id("email")
    await chat.say("giulia@example.it")
    result = await chat.press_id("yes")  # consent
    assert result.state == "lead_save"
    assert "Giulia!" in chat.texts[0]  # thanked by her first name
    [lead] = engine.store.leads()
    assert lead.name == "Giulia Bianchi" and lead.platform == "instagram"
    assert lead.contact == "giulia@example.it" and lead.consent is True
    assert lead.lang == lang


async def test_refusing_consent_keeps_no_contacts(engine: Engine) -> None:
    chat = Chat(engine, "shy", language_code="it")
    await chat.say("/start")
    await chat.press_id("menu.contact")
    await chat.press_id("lead.start_button")
    await chat.say("Marco")
    await chat.say("Bar")
    await chat.say("tiktok")
    await chat.say("telefono")
    await chat.say("333 1234567")
    result = await chat.say("no")
    assert result.state == "lead_no_consent"
    assert engine.store.leads() == []
    assert "phone" not in result.slots and "name" not in result.slots


async def test_talk_to_a_person_tells_the_agency(engine: Engine) -> None:
    chat = Chat(engine, "h", language_code="en")
    await chat.say("/start")
    await chat.press_id("menu.human")
    result = await chat.press_id("human.write_here")
    assert result.state == "human_here"
    assert [item.kind for item in result.outbox] == ["human"]
    assert engine.store.leads()[0].kind == "human"


async def test_a_first_hello_is_answered_once(engine: Engine) -> None:
    result = await engine.turn(Input("new", text="ciao", language_code="it"))
    assert result.state == "menu"
    start = await engine.turn(Input("other", text="/start", language_code="it"))
    # welcome, what we do, the menu, as /start says them: no second hello
    assert [r.text for r in result.replies] == [r.text for r in start.replies]
    assert len(result.replies) >= 2


async def test_a_hello_mid_flow_comes_back_to_the_question(engine: Engine) -> None:
    chat = Chat(engine, "mid", language_code="it")
    await chat.say("/start")
    await chat.press_id("menu.rules")  # the rules of the game
    shown = chat.buttons
    result = await chat.say("ciao")
    assert result.state == "rules_game"
    assert chat.texts[0].startswith("Ciao") and chat.buttons == shown  # the same question again
    assert engine.text("rules.schedule_button", "it") in shown


async def test_asking_for_a_person_mid_flow_stays_with_the_person(engine: Engine) -> None:
    chat = Chat(engine, "p", language_code="it")
    await chat.say("/start")
    await chat.press_id("menu.mistakes")  # the three mistakes
    result = await chat.say("voglio parlare con una persona")
    assert result.state == "human"
    # details, a message here, a call, the menu
    keys = ("human.leave_contacts", "human.write_here", "call.book_button", "common.back_to_menu")
    assert all(engine.text(key, "it") in chat.buttons for key in keys), chat.buttons
