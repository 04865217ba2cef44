"""Corrections of an earlier answer and chat spellings (issue 10), in both languages.

A correction typed at a later question is about the answer it names: "no aspetta, 300 non 200"
at the target question, when the current followers were 200, corrects the current followers,
says so in one line and asks the target again; "anzi 300", "sorry, 300" right after answering
200 corrects that answer; "300 non 500" where nothing was 500 answers the question asked.
Chat spellings ("nn", "x", "cmq", "qlc") are written out once (``lang.spell_word``) for every
reader: "nn ho budget", "x ora niente" at the budget question are € 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.understanding.lang import BUILTIN_PACKS, spell_out
from bot.understanding.numbers import parse_money, read_money
from bot.understanding.phrasing import Correction, corrected, read_corrections
from bot.understanding.text import expand, words
from bot.understanding.yesno import read_yesno
from tests.conftest import ROOT, Chat, build_engine

W = {
    "it": {
        "growth": "📈 Quanti follower, e quando?",
        "math": "🧮 Fai i conti con i miei numeri",
        "ask_target": "E a quanti vorresti arrivare?",
        "ask_budget": "Quanto potresti mettere in sponsorizzate ogni mese? Anche 0 va bene.",
        "ask_current": "Quanti follower hai adesso? Va bene anche a occhio.",
        "fixed_current": "Corretto: follower attuali {}.",
        "fixed_platform": "Corretto: social Facebook.",
        "fixed_budget": "Corretto: budget mensile € 100.",
    },
    "en": {
        "growth": "📈 How fast will we grow?",
        "math": "🧮 Run my numbers",
        "ask_target": "And how many would you like to reach?",
        "ask_budget": (
            "How much could you spend on sponsored posts each month? Zero is a fine answer."
        ),
        "ask_current": "How many followers do you have now? A rough guess is fine.",
        "fixed_current": "Fixed: current followers {}.",
        "fixed_platform": "Fixed: platform Facebook.",
        "fixed_budget": "Fixed: monthly budget €100.",
    },
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def _at(
    chat: Chat, lang: str, state: str, answers: tuple[str, ...] = ("200", "1000")
) -> None:
    """Walk the projection on Instagram to ``state``, answering ``answers`` on the way."""
    await chat.say("/start")
    await chat.press(W[lang]["growth"])
    result = await chat.press(W[lang]["math"])
    result = await chat.press("Instagram")
    for answer in answers:
        if result.state == state:
            break
        result = await chat.say(answer)
    assert result.state == state, chat.texts


# --- the readers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "reading"),
    [
        ("no aspetta, 300 non 200", "it", Correction("300", ("200",), True)),
        ("no aspetta 300 non 200", "it", Correction("300", ("200",), True)),
        ("scusa sono 300 non 200", "it", Correction("sono 300", ("200",), True)),
        ("correggi: 300", "it", Correction("300", (), True)),
        ("anzi 300", "it", Correction("300", (), True)),
        ("200, anzi 300", "it", Correction("300", ("200",), False)),
        ("nn 200 ma 300", "it", Correction("300", ("200",), False)),
        ("facebook non instagram", "it", Correction("facebook", ("instagram",), False)),
        ("no wait, 300 not 200", "en", Correction("300", ("200",), True)),
        ("no wait 300 not 200", "en", Correction("300", ("200",), True)),
        ("not 200, 300", "en", Correction("300", ("200",), False)),
        ("I mean 300", "en", Correction("300", (), True)),
        ("sorry, 300", "en", Correction("300", (), True)),
        ("actually 300", "en", Correction("300", (), True)),
    ],
)
def test_a_correction_says_what_it_takes_back(text: str, lang: str, reading: Correction) -> None:
    assert read_corrections(text, lang)[0] == reading


@pytest.mark.parametrize("text", ["300", "ogni giorno", "nn ho budget", "scusa", "I don't know"])
def test_a_plain_answer_corrects_nothing(text: str) -> None:
    assert read_corrections(text, "it") == read_corrections(text, "en") == []


@pytest.mark.parametrize(
    ("text", "lang", "spelled"),
    [
        ("nn ho budget x ora", "it", "non ho budget per ora"),
        ("cmq 300", "it", "comunque 300"),
        ("xke no", "it", "perché no"),
        ("qlc centinaio", "it", "qualche centinaio"),
        ("c'è qlcn?", "it", "c'è qualcuno?"),
        ("10k x mese, scrivi a x@y.it", "it", "10k per mese, scrivi a x@y.it"),
        ("idk tbh", "en", "i do not know honestly"),
    ],
)
def test_chat_spellings_are_written_out_in_one_place(text: str, lang: str, spelled: str) -> None:
    assert spell_out(text, BUILTIN_PACKS[lang]) == spelled


def test_every_reader_writes_chat_spellings_out() -> None:
    assert read_yesno("nn direi", "it") is False  # yes/no
    assert "non" in expand(words("nn ho budget"), "it")  # the intents' normalisation
    assert "qualche" in expand(words("qlc info"), "it")
    assert corrected("nn 300 ma 200", "it") == "200"  # corrections
    amount = read_money("nnt x ora", "it")  # numbers and money answers
    assert amount is not None and amount.value == 0
    amount = read_money("10 k", "it")  # a scale stays a scale
    assert amount is not None and amount.value == 10_000


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("nn ho budget", "it"),
        ("nn ho soldi", "it"),
        ("x ora niente", "it"),
        ("nessun budget x ora", "it"),
        ("non ho un euro", "it"),
        ("sono al verde", "it"),
        ("no budget rn", "en"),
        ("i dont have a budget", "en"),
        ("I don't have any money", "en"),
        ("not a penny tbh", "en"),
    ],
)
def test_no_money_is_a_budget_of_zero(text: str, lang: str) -> None:
    amount = read_money(text, lang)
    assert amount is not None and amount.value == 0
    mention = parse_money(text)  # in a typed question too, whatever the language
    assert mention is not None and mention.amount == 0


def test_an_amount_besides_no_money_is_the_amount() -> None:
    amount = read_money("non ho budget ma 50 euro sì", "it")
    assert amount is not None and amount.value == 50


# --- a correction of an earlier answer -----------------------------------------------------------

PREVIOUS = {
    "it": [
        "no aspetta, 300 non 200",
        "no aspetta 300 non 200",
        "scusa sono 300 non 200",
        "correggi: 300",
        "anzi 300",
        "scusa, 300",
        "ho sbagliato, sono 300",
    ],
    "en": [
        "no wait, 300 not 200",
        "no wait 300 not 200",
        "sorry it's 300 not 200",
        "not 200, 300",
        "I mean 300",
        "sorry, 300",
        "actually 300",
    ],
}


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, ts in PREVIOUS.items() for t in ts])
async def test_a_correction_of_the_previous_answer_corrects_it(
    engine: Engine, lang: str, text: str
) -> None:
    chat = Chat(engine, f"prev-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_target")
    result = await chat.say(text)
    assert result.state == "ask_target", chat.texts
    assert result.slots["current_followers"] == 300
    assert "target_followers" not in result.slots
    assert chat.texts == [W[lang]["fixed_current"].format(300), W[lang]["ask_target"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "no aspetta, 300 non 200"),
        ("it", "300 non 200"),
        ("en", "no wait, 300 not 200"),
        ("en", "300, not 200"),
    ],
)
async def test_a_correction_names_the_answer_it_is_about(
    engine: Engine, lang: str, text: str
) -> None:
    """At the budget question, two answers later: "not 200" is the current followers."""
    chat = Chat(engine, f"named-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_budget")
    result = await chat.say(text)
    assert result.state == "ask_budget", chat.texts
    assert result.slots["current_followers"] == 300
    assert result.slots["target_followers"] == 1000
    assert "budget" not in result.slots
    assert chat.texts == [W[lang]["fixed_current"].format(300), W[lang]["ask_budget"]]
    result = await chat.say("150")  # and the question goes on as usual
    assert result.state == "ask_posts"
    assert result.slots["budget"].amount == 150


@pytest.mark.parametrize(("lang", "text"), [("it", "300 non 500"), ("en", "300 not 500")])
async def test_a_correction_matching_no_answer_answers_the_question(
    engine: Engine, lang: str, text: str
) -> None:
    chat = Chat(engine, f"none-{lang}", language_code=lang)
    await _at(chat, lang, "ask_target")
    result = await chat.say(text)
    assert result.state == "ask_budget", chat.texts
    assert result.slots["current_followers"] == 200
    assert result.slots["target_followers"] == 300


@pytest.mark.parametrize(("lang", "text"), [("it", "anzi 300"), ("en", "sorry, 300")])
async def test_an_opener_alone_corrects_only_the_answer_just_given(
    engine: Engine, lang: str, text: str
) -> None:
    """After a message in between, "anzi 300" answers the question asked."""
    chat = Chat(engine, f"later-{lang}", language_code=lang)
    await _at(chat, lang, "ask_target")
    await chat.say("asdf qwerty")
    result = await chat.say(text)
    assert result.state == "ask_budget", chat.texts
    assert result.slots["current_followers"] == 200
    assert result.slots["target_followers"] == 300


@pytest.mark.parametrize(("lang", "text"), [("it", "scusa, 300"), ("en", "sorry, 300")])
async def test_an_opener_with_a_value_the_previous_question_cannot_take_answers_this_one(
    engine: Engine, lang: str, text: str
) -> None:
    """Right after the platform (a choice), "scusa, 300" are the current followers."""
    chat = Chat(engine, f"choice-{lang}", language_code=lang)
    await _at(chat, lang, "ask_current")
    result = await chat.say(text)
    assert result.state == "ask_target", chat.texts
    assert result.slots["current_followers"] == 300


@pytest.mark.parametrize(
    ("lang", "text"), [("it", "facebook non instagram"), ("en", "Facebook, not Instagram")]
)
async def test_a_choice_is_corrected_by_its_option(engine: Engine, lang: str, text: str) -> None:
    chat = Chat(engine, f"platform-{lang}", language_code=lang)
    await _at(chat, lang, "ask_current")
    result = await chat.say(text)
    assert result.state == "ask_current", chat.texts
    assert result.slots["platform"] == "facebook"
    assert chat.texts == [W[lang]["fixed_platform"], W[lang]["ask_current"]]


@pytest.mark.parametrize(
    ("lang", "text"), [("it", "1200 l'anno, non 200"), ("en", "1200 a year, not 200")]
)
async def test_a_corrected_amount_is_read_by_its_own_question(
    engine: Engine, lang: str, text: str
) -> None:
    """At the posts question, with the budget € 200 (and no count of 200): € 100 a month."""
    chat = Chat(engine, f"money-{lang}", language_code=lang)
    await _at(chat, lang, "ask_posts", ("800", "10000", "200"))
    result = await chat.say(text)
    assert result.state == "ask_posts", chat.texts
    assert result.slots["budget"].amount == 100
    assert chat.texts[0] == W[lang]["fixed_budget"]
    assert len(chat.texts) == 3  # the line, the type's own note (a year is 12 months), the question


@pytest.mark.parametrize(
    ("lang", "first", "then"), [("it", "anzi 300", "anzi 400"), ("en", "sorry, 300", "I mean 400")]
)
async def test_a_correction_may_be_corrected_again(
    engine: Engine, lang: str, first: str, then: str
) -> None:
    chat = Chat(engine, f"again-{lang}", language_code=lang)
    await _at(chat, lang, "ask_target")
    await chat.say(first)
    result = await chat.say(then)
    assert result.slots["current_followers"] == 400
    assert result.state == "ask_target"


# --- chat spellings at the budget question ------------------------------------------------------

ZERO = {
    "it": ["nn ho budget", "nn ho soldi", "x ora niente", "nessun budget x ora", "cmq nnt"],
    "en": ["no budget rn", "i dont have a budget", "no money tbh", "nothing atm"],
}


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, ts in ZERO.items() for t in ts])
async def test_no_money_in_chat_spelling_is_a_budget_of_zero(
    engine: Engine, lang: str, text: str
) -> None:
    chat = Chat(engine, f"zero-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_budget")
    result = await chat.say(text)
    assert result.state == "ask_posts", chat.texts
    assert result.slots["budget"].amount == 0
    assert not any("Errore n. 2" in t or "Mistake no. 2" in t for t in chat.texts)


@pytest.mark.parametrize(
    ("lang", "text", "slot", "value"),
    [
        ("it", "900 non 800", "current_followers", 900),
        ("it", "anzi 5", "posts_per_week", 5),
        ("en", "900, not 800", "current_followers", 900),
        ("en", "sorry, 5", "posts_per_week", 5),
    ],
)
async def test_a_correction_at_the_result_recalculates(
    engine: Engine, lang: str, text: str, slot: str, value: int
) -> None:
    """At the projection's result, which may change any answer (``updates:``)."""
    chat = Chat(engine, f"result-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "offer", ("800", "10000", "200", "3"))
    result = await chat.say(text)
    assert result.state == "offer", chat.texts
    assert result.slots[slot] == value
    assert chat.texts[0].startswith(("Corretto:", "Fixed:"))
    assert any(f" {value} " in t for t in chat.texts[1:]), chat.texts  # the numbers again
