"""Everyday answers in the shipped conversation, both languages: consent in the prospect's own
words, "grazie" / "great" at a step with buttons, a typed answer to /delete's confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from tests.conftest import ROOT, Chat, build_engine

LEAD = {
    "it": ("✍️ Lascia i tuoi contatti", "Iniziamo", "Instagram", "Qui su Telegram"),
    "en": ("✍️ Leave your details", "Let's go", "Instagram", "Here on Telegram"),
}
NOT_UNDERSTOOD = {"it": "Scusa, questa ci è sfuggita", "en": "Sorry, I didn't quite catch that"}
ACK = {
    "it": {
        "thanks": ("Figurati! 😊", "Di niente, è un piacere."),
        "ok": ("Bene! 🙂", "D'accordo!"),
    },
    "en": {
        "thanks": ("You're welcome! 😊", "No problem at all."),
        "ok": ("Great! 🙂", "Sounds good."),
    },
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def at_consent(engine: Engine, lang: str, user: str) -> Chat:
    chat = Chat(engine, user=user, language_code=lang)
    await chat.say("/start")
    contact, start, platform, how = LEAD[lang]
    await chat.press(contact)
    await chat.press(start)
    await chat.say("Giulia Bianchi")
    await chat.say("Pasticceria a Palermo" if lang == "it" else "A bakery in Bath")
    await chat.press(platform)
    result = await chat.press(how)
    assert result.state == "lead_consent", chat.texts
    return chat


YES = {
    "it": ["si certo", "sì, va bene", "certo che sì", "sì sì", "ok va bene", "non c'è problema"],
    "en": ["yes, that's fine", "sure, go ahead", "yeah ok", "no problem", "why not", "ok"],
}
NO = {
    "it": ["non adesso", "non ora", "no grazie", "meglio di no", "per ora no", "non direi di sì"],
    "en": ["not really", "not now", "no thanks", "I'd rather not", "absolutely not", "nope"],
}
NEITHER = {"it": ["forse", "dipende", "sì e no"], "en": ["maybe", "it depends", "yes and no"]}


@pytest.mark.parametrize(("lang", "answer"), [(k, a) for k, v in YES.items() for a in v])
async def test_consent_in_everyday_words_saves_the_lead(
    engine: Engine, lang: str, answer: str
) -> None:
    chat = await at_consent(engine, lang, "u1")
    result = await chat.say(answer)
    assert result.slots.get("consent") is True and result.state == "lead_save", chat.texts
    leads = engine.store.leads()
    assert len(leads) == 1 and leads[0].consent and leads[0].name == "Giulia Bianchi"


@pytest.mark.parametrize(("lang", "answer"), [(k, a) for k, v in NO.items() for a in v])
async def test_consent_declined_in_everyday_words_saves_nothing(
    engine: Engine, lang: str, answer: str
) -> None:
    chat = await at_consent(engine, lang, "u1")
    result = await chat.say(answer)
    assert result.state == "lead_no_consent", chat.texts
    assert engine.store.leads() == []


@pytest.mark.parametrize(("lang", "answer"), [(k, a) for k, v in NEITHER.items() for a in v])
async def test_an_unsure_answer_is_asked_again(engine: Engine, lang: str, answer: str) -> None:
    chat = await at_consent(engine, lang, "u1")
    result = await chat.say(answer)
    assert result.state == "lead_consent" and "consent" not in result.slots
    assert engine.store.leads() == []
    result = await chat.say("sì" if lang == "it" else "yes")
    assert result.slots["consent"] is True and len(engine.store.leads()) == 1


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_thanks_at_the_menu_is_acknowledged_and_the_menu_stays(
    engine: Engine, lang: str
) -> None:
    chat = Chat(engine, language_code=lang)
    start = await chat.say("/start")
    menu = [b.label for r in start.replies for b in r.buttons]
    for typed, kind, line in (
        ("grazie" if lang == "it" else "thanks", "thanks", 0),
        ("grazie mille!" if lang == "it" else "thank you!", "thanks", 1),  # not the same line
        ("perfetto" if lang == "it" else "great", "ok", 0),
        ("👍", "ok", 1),
    ):
        result = await chat.say(typed)
        assert result.state == "menu"
        assert chat.texts[0] == ACK[lang][kind][line], chat.texts
        assert not any(NOT_UNDERSTOOD[lang] in text for text in chat.texts)
        assert chat.buttons == menu


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_ok_after_the_projection_shows_the_next_step_again(engine: Engine, lang: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    question = (
        "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?"
        if lang == "it"
        else "I have 800 followers on instagram, how long to reach 10k with 200 euros a month?"
    )
    await chat.say(question)
    result = await chat.say("3")
    assert result.state == "offer", chat.texts
    offer = chat.buttons
    for typed in ("ottimo", "ok", "grazie") if lang == "it" else ("cool", "ok", "thanks"):
        result = await chat.say(typed)
        assert result.state == "offer" and chat.buttons == offer
        assert not any(NOT_UNDERSTOOD[lang] in text for text in chat.texts)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_ok_at_a_yes_no_question_is_a_yes(engine: Engine, lang: str) -> None:
    chat = await at_consent(engine, lang, "u1")
    result = await chat.say("ok")
    assert result.slots["consent"] is True


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_thanks_at_a_question_is_not_its_answer(engine: Engine, lang: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    contact, start, _platform, _how = LEAD[lang]
    await chat.press(contact)
    await chat.press(start)
    result = await chat.say("grazie" if lang == "it" else "thanks")
    assert result.state == "lead_name" and "name" not in result.slots
    assert chat.texts[0] == ACK[lang]["thanks"][0]
    result = await chat.say("Giulia")
    assert result.slots["name"] == "Giulia"
    chat = await at_consent(engine, lang, "u2")
    result = await chat.say("grazie" if lang == "it" else "thanks")
    assert result.state == "lead_consent" and "consent" not in result.slots
    assert chat.texts[0] == ACK[lang]["thanks"][0]


CONFIRM = {
    "it": {
        "yes": ["sì", "Sì, cancella tutto", "cancella tutto", "si certo", "yes"],
        "no": ["no", "non adesso", "no grazie", "No"],
    },
    "en": {
        "yes": ["yes", "Yes, erase it all", "erase it all", "sure, go ahead", "sì"],
        "no": ["no", "not now", "no thanks", "I'd rather not"],
    },
}


@pytest.mark.parametrize(("lang", "answer"), [(k, a) for k, v in CONFIRM.items() for a in v["yes"]])
async def test_delete_confirmed_by_typing(engine: Engine, lang: str, answer: str) -> None:
    chat = await at_consent(engine, lang, "u1")
    await chat.say("sì" if lang == "it" else "yes")
    assert len(engine.store.leads()) == 1
    await chat.say("/delete")
    result = await chat.say(answer)
    assert result.slots == {}, chat.texts
    assert engine.store.load("u1") is None and engine.store.leads() == []


@pytest.mark.parametrize(("lang", "answer"), [(k, a) for k, v in CONFIRM.items() for a in v["no"]])
async def test_delete_cancelled_by_typing(engine: Engine, lang: str, answer: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    await chat.say("/delete")
    result = await chat.say(answer)
    cancelled = "non cancelliamo niente" if lang == "it" else "nothing's been deleted"
    assert any(cancelled in text for text in chat.texts), chat.texts
    assert result.state == "menu" and engine.store.load("u1") is not None


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_yes_later_does_not_answer_an_old_confirmation(engine: Engine, lang: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    await chat.say("/delete")
    await chat.say("quanto costa?" if lang == "it" else "how much does it cost?")
    await chat.say("sì" if lang == "it" else "yes")
    assert engine.store.load("u1") is not None
    # the confirmation's own buttons still work while its step lasts
    await chat.say("/delete")
    await chat.press_id("yes")
    assert engine.store.load("u1") is None


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_typed_words_at_ordinary_buttons_still_press_them(engine: Engine, lang: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    contact, start, _platform, _how = LEAD[lang]
    await chat.press(contact)
    result = await chat.say(start)
    assert result.state == "lead_name"


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_ok_at_a_number_question_is_no_wrong_answer(engine: Engine, lang: str) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    question = (
        "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?"
        if lang == "it"
        else "I have 800 followers on instagram, how long to reach 10k with 200 euros a month?"
    )
    result = await chat.say(question)
    assert result.state == "ask_posts", chat.texts
    for typed in ("ok", "grazie", "👍", "ok") if lang == "it" else ("ok", "thanks", "👍", "ok"):
        result = await chat.say(typed)  # three wrong answers would give up: these are not
        assert result.state == "ask_posts" and chat.texts[0] in {
            *ACK[lang]["ok"],
            *ACK[lang]["thanks"],
            "Ottimo, allora." if lang == "it" else "Perfect, then.",
        }, chat.texts
    result = await chat.say("3")
    assert result.state == "offer"
