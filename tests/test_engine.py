"""The engine's moves on a small fixture dialog, through a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.core.messages import Input
from tests.conftest import MINI, Chat, build_engine


async def test_first_message_greets_and_shows_menu(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    result = await chat.say("/start")
    assert chat.texts == ["Hello Ann!", "What next?"]
    assert chat.buttons == ["Plan", "Contact", "Info"]
    assert result.state == "menu"


async def test_italian_phone_gets_italian(mini_engine: Engine) -> None:
    chat = Chat(mini_engine, language_code="it-IT")
    await chat.say("/start")
    assert chat.texts[0] == "Ciao Ann!"


async def test_other_language_falls_back_to_default(tmp_path: Path) -> None:
    engine = build_engine(MINI, tmp_path / "b.db", default_lang="it")
    chat = Chat(engine, language_code="de")
    await chat.say("/start")
    assert chat.texts[0] == "Ciao Ann!"


async def test_buttons_and_typed_inputs_walk_to_the_end(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Plan")
    assert chat.texts == ["How many followers?"]
    await chat.say("ne ho 10k")
    assert chat.texts == ["Monthly budget?"]
    result = await chat.say("€ 300 al mese")
    assert chat.texts == ["With €300 a month.", "Which platform?"]
    assert chat.buttons == ["Instagram", "Facebook"]
    await chat.press("Instagram")
    assert chat.texts == ["10,000 on instagram."]
    result = chat.last
    assert result is not None and result.slots == {
        "followers": 10000,
        "budget": 300,
        "platform": "instagram",
    }


async def test_condition_chooses_the_branch(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Plan")
    await chat.say("diecimila")
    await chat.say("zero")
    assert chat.texts[0] == "No budget."


async def test_typed_choice_and_label(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.say("plan")  # a button label typed instead of pressed
    assert chat.texts == ["How many followers?"]
    await chat.say("800")
    await chat.say("100 euro")
    result = await chat.say("facebok")  # a typo in a choice
    assert result.slots["platform"] == "facebook"


async def test_bad_input_is_asked_again_then_given_up(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Plan")
    result = await chat.say("boh")
    assert chat.texts == ["A number please (1 tries left)."]
    assert result.state == "ask_followers"
    result = await chat.say("non so")
    assert chat.texts[0] == "Let's go back."
    assert result.state == "menu"
    rejected = mini_engine.store.events("u1", "input_rejected")
    assert len(rejected) == 2


async def test_stale_and_forged_buttons_show_the_current_step(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    old = chat.last
    await chat.press("Info")
    assert chat.last is not None and chat.last.state == "info"
    chat.last = old
    result = await chat.press("Plan")  # from the menu message, which has passed
    # the step is the last message, its keyboard still live: a notice for the tap, no message
    assert chat.texts == [] and result.notice == "That button is old."
    assert result.state == "info"
    await chat.say("hmm")  # something else is said: the step is no longer the last message
    forged_taps = ["999.0", "x", "", "1.99", "999.abcdef.abcd", "🙂" * 100, "9" * 70]
    for i, forged in enumerate(forged_taps):
        result = await mini_engine.turn(Input("u1", button=forged))
        assert result.state == "info"
        assert result.notice == "That button is old."
        # the step shown again once, then the notice alone
        assert [r.text for r in result.replies] == (["Some information."] if i == 0 else [])


async def test_email_and_consent_save_one_lead(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Contact")
    await chat.say("Anna <b>Rossi</b>")
    await chat.say("not an email")
    assert chat.texts == ["An email please."]
    await chat.say("anna@example.com")
    assert chat.buttons == ["Yes", "No"]
    await chat.press("Yes")
    assert chat.texts == ["Thanks Anna &lt;b&gt;Rossi&lt;/b&gt;."]
    leads = mini_engine.store.leads()
    assert len(leads) == 1
    assert leads[0].name == "Anna <b>Rossi</b>"
    assert leads[0].contact == "anna@example.com"
    assert leads[0].consent is True


async def test_no_consent_saves_nothing(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Contact")
    await chat.say("Anna")
    await chat.say("anna@example.com")
    result = await chat.say("no")
    assert result.state == "menu"
    assert mini_engine.store.leads() == []


async def test_global_commands(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.press("Plan")
    await chat.say("/help")
    assert chat.texts == ["Help text.", "How many followers?"]
    await chat.say("/lang it")
    assert chat.texts == ["Ok, in italiano.", "Quanti follower hai?"]
    result = await chat.say("/menu")
    assert result.state == "menu" and chat.texts == ["E ora?"]
    await chat.say("/lang")  # toggles back
    assert chat.texts[0] == "English it is."
    await chat.say("/nonsense")
    assert chat.texts == ["Sorry?"] and chat.buttons  # the menu's words are right above
    result = await chat.say("/restart")
    assert chat.texts[0] == "Starting again." and result.state == "menu"


async def test_media_and_empty_input_are_answered_politely(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    result = await mini_engine.turn(Input("u1", media="sticker"))
    # the menu is still the last message: its buttons come under the answer, not its words
    assert [r.text for r in result.replies] == ["Text only, please."]
    assert [b.label for b in result.replies[0].buttons] == ["Plan", "Contact", "Info"]
    result = await mini_engine.turn(Input("u1", text="   "))
    assert [r.text for r in result.replies] == ["What next?"]


async def test_hostile_text_never_breaks_a_turn(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    for text in [
        "{{ 7*7 }}",
        "{% for x in range(10) %}x{% endfor %}",
        "<script>",
        "\u202e\u0000",
        "ل" * 5000,
        "/start " + "x" * 500,
        "/lang zz",
        "🙂" * 3000,
    ]:
        result = await chat.say(text)
        assert result.replies, text
        assert "49" not in "".join(r.text for r in result.replies)


async def test_duplicate_input_id_is_ignored(mini_engine: Engine) -> None:
    await mini_engine.turn(Input("u1", text="/start", input_id=10))
    first = await mini_engine.turn(Input("u1", text="Plan", input_id=11))
    again = await mini_engine.turn(Input("u1", text="Plan", input_id=11))
    assert first.state == "ask_followers"
    # a crash before the replies went: the same update gets them back, and moves nothing
    assert again.duplicate and again.replies == first.replies
    assert again.state == first.state
    store = mini_engine.store
    await store.call(store.turn_answered, "u1", 11)  # the front-end sent them
    third = await mini_engine.turn(Input("u1", text="Plan", input_id=11))
    assert third.duplicate and third.replies == []
    conv = store.load("u1")
    assert conv is not None and "unsent" not in conv.memory


async def test_after_a_crash_mid_sending_only_the_replies_not_sent_go(
    mini_engine: Engine,
) -> None:
    store = mini_engine.store
    first = await mini_engine.turn(Input("u1", text="/start", input_id=20))
    assert len(first.replies) >= 2
    await store.call(store.replies_sent, "u1", 20, 1)  # the crash came after the first
    again = await mini_engine.turn(Input("u1", text="/start", input_id=20))
    assert again.duplicate and again.replies == first.replies[1:]


async def test_deep_link_source_is_kept(mini_engine: Engine) -> None:
    await mini_engine.turn(Input("u1", text="/start spring_ads"))
    await mini_engine.turn(Input("u1", text="/start other"))  # the first source wins
    conv = mini_engine.store.load("u1")
    assert conv is not None and conv.source == "spring_ads"


async def test_users_do_not_see_each_other(mini_engine: Engine) -> None:
    a, b = Chat(mini_engine, "a"), Chat(mini_engine, "b")
    await a.say("/start")
    await b.say("/start")
    await a.press("Contact")
    await a.say("Alice")
    await b.press("Plan")
    result = await b.say("500")
    assert "name" not in result.slots
    assert mini_engine.store.load("a").slots == {"name": "Alice"}  # type: ignore[union-attr]


async def test_delete_erases_the_user(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.say("/delete")
    assert chat.buttons == ["Yes, delete", "No"]
    await chat.press("Yes, delete")
    assert chat.texts == ["Deleted."]
    assert mini_engine.store.load("u1") is None
    assert mini_engine.store.events("u1") == []


async def test_out_of_order_inputs_are_each_handled_once(mini_engine: Engine) -> None:
    await mini_engine.turn(Input("u1", text="/start", input_id=20))
    later = await mini_engine.turn(Input("u1", text="/help", input_id=22))
    earlier = await mini_engine.turn(Input("u1", text="/help", input_id=21))
    again = await mini_engine.turn(Input("u1", text="/help", input_id=21))
    assert later.replies and earlier.replies
    assert again.duplicate


async def test_an_old_delete_confirmation_erases_nothing(mini_engine: Engine) -> None:
    chat = Chat(mini_engine)
    await chat.say("/start")
    await chat.say("/delete")
    confirm = chat.last
    await chat.say("Plan")  # the prospect moved on instead of confirming
    chat.last = confirm
    result = await chat.press("Yes, delete")
    assert result.notice == "That button is old."
    assert result.replies == []  # the question asked is still the last message
    assert mini_engine.store.load("u1") is not None


async def test_a_tap_is_written_by_its_words_even_on_a_fresh_conversation(
    mini_engine: Engine,
) -> None:
    """A press from someone the bot does not know yet (a new database, after /delete): the
    staff read what they pressed, never the button's internal data."""
    await mini_engine.turn(Input("u9", button="8.2", label="📈 Plan my growth", input_id=1))
    lines = [line.text for line in mini_engine.store.transcript("u9") if line.direction == "in"]
    assert lines == ["[tapped: 📈 Plan my growth]"]
    await mini_engine.turn(Input("u8", button="8.2", input_id=2))
    lines = [line.text for line in mini_engine.store.transcript("u8") if line.direction == "in"]
    assert lines == ["[tapped a button]"]
