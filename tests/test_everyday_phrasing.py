"""Everyday turns of phrase at questions and content steps (issue 10), in both languages.

Corrections inside an answer ("200 al mese, non 300", "3, anzi 5", "wait, I made a mistake, go
back"); a prospect who does not know ("boh", "no idea") gets help and a value to tap; leaving
politely ("non mi interessa", "bye") gets a goodbye, never an answer about buying followers; a
greeting in front of a question answers the question, and a formal greeting is returned in
kind; messages not understood are answered in other words, then with a person offered; the
wording native speakers asked for (ranges, exact conversions, first names, notices).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import app
from bot.base.problems import Pos
from bot.content.model import AskSpec, Option, TextRef
from bot.core.engine import Engine
from bot.core.slot_types import DEFAULT_SLOT_TYPES
from bot.understanding.phrasing import corrected, greeting_said, is_goodbye, is_unsure, move_in
from tests.conftest import ROOT, Chat, build_engine

LANGS = ["it", "en"]
POS = Pos("t.yaml", 1, 1)
W = {
    "it": {
        "growth": "📈 Quanti follower, e quando?",
        "math": "🧮 Fai i conti con i miei numeri",
        "menu": "Torna al menu",
        "person": "🙋 Parla con una persona",
        "next": "Il prossimo errore",
        "mistakes": "⚠️ I tre errori più comuni",
    },
    "en": {
        "growth": "📈 How fast will we grow?",
        "math": "🧮 Run my numbers",
        "menu": "Back to menu",
        "person": "🙋 Talk to a person",
        "next": "Next mistake",
        "mistakes": "⚠️ The three classic mistakes",
    },
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def _at(chat: Chat, lang: str, state: str) -> None:
    """Walk the projection to ``state`` (ask_current … ask_posts), on Instagram, 800 -> 10k,
    € 200."""
    w = W[lang]
    await chat.say("/start")
    await chat.press(w["growth"])
    await chat.press(w["math"])
    result = await chat.press("Instagram")
    for answer, reached in (("800", "ask_target"), ("10000", "ask_budget"), ("200", "ask_posts")):
        if result.state == state:
            return
        result = await chat.say(answer)
        assert result.state == reached, chat.texts
    assert result.state == state


# --- the readers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "settled"),
    [
        ("200 al mese, non 300", "it", "200 al mese"),
        ("non 300 ma 200", "it", "200"),
        ("3, anzi 5", "it", "5"),
        ("anzi no ogni giorno", "it", "ogni giorno"),
        ("instagram, anzi no, facebook", "it", "facebook"),
        ("no aspetta, 300", "it", "300"),
        ("not 300, 200", "en", "200"),
        ("300 not 200", "en", "300"),
        ("sorry, I mean 5", "en", "5"),
        ("3, actually every day", "en", "every day"),
        ("not Instagram, Facebook", "en", "facebook"),
    ],
)
def test_a_correction_keeps_what_the_prospect_settled_on(
    text: str, lang: str, settled: str
) -> None:
    assert corrected(text, lang) == settled


@pytest.mark.parametrize("text", ["300", "non lo so", "not sure", "ogni giorno", "mario@x.it"])
def test_an_answer_without_a_correction_is_left_alone(text: str) -> None:
    assert corrected(text, "it") is None and corrected(text, "en") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("no aspetta, ho sbagliato, torna indietro", "it"),
        ("ho sbagliato", "it"),
        ("scusa, torna indietro per favore", "it"),
        ("wait, I made a mistake", "en"),
        ("sorry, go back", "en"),
        ("oops, go back please", "en"),
    ],
)
def test_back_said_in_a_sentence(text: str, lang: str) -> None:
    assert move_in(text, lang) == "back"


@pytest.mark.parametrize(
    "text", ["ho sbagliato il numero dei follower", "come torno indietro?", "go back to what?"]
)
def test_back_words_in_another_message_are_not_a_move(text: str) -> None:
    assert move_in(text, "it") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("nn mi interessa", "it"),
        ("non mi interessa", "it"),
        ("basta", "it"),
        ("basta ciao", "it"),
        ("no grazie, ciao", "it"),
        ("grazie, ciao", "it"),
        ("arrivederci", "it"),
        ("not interested", "en"),
        ("bye", "en"),
        ("that's all", "en"),
        ("no thanks, bye", "en"),
        ("thanks, see you", "en"),
        # thinking it over is leaving for now, not a question off topic
        ("grazie ci penso", "it"),
        ("va bene grazie ci penso e vi faccio sapere", "it"),
        ("ok thanks, I'll think about it", "en"),
        ("thanks, let me think about it", "en"),
    ],
)
def test_leaving_politely(text: str, lang: str) -> None:
    assert is_goodbye(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ciao", "it"),
        ("no grazie", "it"),
        ("non mi interessa comprare follower?", "it"),
        ("hi", "en"),
        ("no thanks", "en"),
        ("bye bye fake followers, how much?", "en"),
    ],
)
def test_a_hello_a_no_or_a_question_is_no_goodbye(text: str, lang: str) -> None:
    assert not is_goodbye(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("boh", "it"),
        ("nn so", "it"),
        ("non lo so", "it"),
        ("il più possibile", "it"),
        ("I don't know", "en"),
        ("no idea", "en"),
        ("not sure", "en"),
        ("as many as possible", "en"),
        ("idk", "en"),
    ],
)
def test_not_knowing(text: str, lang: str) -> None:
    assert is_unsure(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("Buongiorno, ho un B&B", "it", "morning"),
        ("buona sera", "it", "evening"),
        ("Salve", "it", "formal"),
        ("ciao", "it", None),
        ("Good morning!", "en", "morning"),
        ("good evening all", "en", "evening"),
        ("hi", "en", None),
    ],
)
def test_the_greeting_a_message_opens_with(text: str, lang: str, kind: str | None) -> None:
    assert greeting_said(text, lang) == kind


def _ask(kind: str, per: str | None = None, **kw: object) -> AskSpec:
    return AskSpec(slot="x", type=kind, pos=POS, per=per, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "per", "text", "lang", "value"),
    [
        ("number", None, "5.000, anzi 6.000", "it", 6000),
        ("number", None, "5000 non 6000", "it", 5000),
        ("number", "week", "3, anzi no, ogni giorno", "it", 7),
        ("number", "week", "non 3 ma 5", "it", 5),
        ("number", None, "5,000, I mean 6,000", "en", 6000),
        ("number", "week", "3, actually every day", "en", 7),
        ("yesno", None, "sì, anzi no", "it", False),
        ("yesno", None, "no, anzi sì", "it", True),
        ("yesno", None, "yes, actually no", "en", False),
    ],
)
def test_slot_types_read_corrections(
    kind: str, per: str | None, text: str, lang: str, value: object
) -> None:
    assert DEFAULT_SLOT_TYPES.parse(_ask(kind, per), text, lang).value == value


def test_a_choice_reads_corrections() -> None:
    options = tuple(
        Option(v, TextRef(f"platforms.{v}", POS), POS) for v in ("instagram", "facebook")
    )
    spec = _ask("choice", options=options)
    assert DEFAULT_SLOT_TYPES.parse(spec, "instagram, anzi no, facebook", "it").value == "facebook"
    assert DEFAULT_SLOT_TYPES.parse(spec, "not Instagram, Facebook", "en").value == "facebook"


def test_free_text_is_kept_as_typed() -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("text"), "Pizzeria Anzi, non solo pizza", "it")
    assert parsed.value == "Pizzeria Anzi, non solo pizza"


@pytest.mark.parametrize(("text", "lang"), [("boh", "it"), ("no idea", "en")])
def test_an_unsure_answer_is_told_apart(text: str, lang: str) -> None:
    for kind in ("number", "money"):
        parsed = DEFAULT_SLOT_TYPES.parse(_ask(kind), text, lang)
        assert parsed.value is None and parsed.unsure
    assert not DEFAULT_SLOT_TYPES.parse(_ask("number"), "banana", lang).unsure


# --- 1. corrections in a conversation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "200 al mese, non 300"),
        ("it", "non 300 ma 200"),
        ("en", "not 300, 200 a month"),
        ("en", "200 a month, not 300"),
    ],
)
async def test_a_corrected_budget_is_the_budget(engine: Engine, lang: str, text: str) -> None:
    chat = Chat(engine, f"cb-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_budget")
    result = await chat.say(text)
    assert result.state == "ask_posts", chat.texts
    assert result.slots["budget"].amount == 200
    assert not any("convincono" in t or "not happy" in t.lower() for t in chat.texts)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "anzi no ogni giorno"),
        ("it", "3, anzi no, ogni giorno"),
        ("en", "actually, every day"),
        ("en", "3, sorry, I mean every day"),
    ],
)
async def test_a_corrected_count_is_the_count(engine: Engine, lang: str, text: str) -> None:
    chat = Chat(engine, f"cc-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_posts")
    result = await chat.say(text)
    assert result.state == "offer", chat.texts
    assert result.slots["posts_per_week"] == 7


@pytest.mark.parametrize(
    ("lang", "text", "said_before"),
    [
        ("it", "no aspetta, ho sbagliato, torna indietro", "Prima avevi risposto: 800."),
        ("it", "scusa, torna indietro", "Prima avevi risposto: 800."),
        ("en", "wait, I made a mistake", "Earlier you said: 800."),
        ("en", "sorry, go back", "Earlier you said: 800."),
    ],
)
async def test_back_in_a_sentence_goes_back(
    engine: Engine, lang: str, text: str, said_before: str
) -> None:
    chat = Chat(engine, f"bk-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_target")
    result = await chat.say(text)
    assert result.state == "ask_current", chat.texts
    assert said_before in chat.texts


# --- 2. not knowing ------------------------------------------------------------------------------

UNSURE_CURRENT = {
    "it": "Lo vedi sul profilo, sotto il nome: anche a occhio va bene, per esempio 500.",
    "en": "You'll find it on your profile, under your name. A rough number is fine, e.g. 500.",
}


@pytest.mark.parametrize(
    ("lang", "texts"),
    [("it", ["boh", "nn so", "non lo so"]), ("en", ["I don't know", "no idea", "not sure"])],
)
async def test_not_knowing_the_followers_gets_help_not_the_retry(
    engine: Engine, lang: str, texts: list[str]
) -> None:
    chat = Chat(engine, f"uc-{lang}", language_code=lang)
    await _at(chat, lang, "ask_current")
    result = await chat.say(texts[0])
    assert result.state == "ask_current"
    assert chat.texts == [UNSURE_CURRENT[lang]]
    result = await chat.say("500")
    assert result.state == "ask_target" and result.slots["current_followers"] == 500
    for text in texts[1:]:  # each of them is read the same way
        other = Chat(engine, f"uc-{lang}-{text}", language_code=lang)
        await _at(other, lang, "ask_current")
        await other.say(text)
        assert other.texts == [UNSURE_CURRENT[lang]]


@pytest.mark.parametrize(
    ("lang", "text", "line", "button"),
    [
        ("it", "il più possibile", "proviamo col doppio: 1.600?", "1.600"),
        ("it", "boh", "proviamo col doppio: 1.600?", "1.600"),
        ("en", "as many as possible", "shall we try double: 1,600?", "1,600"),
        ("en", "no idea", "shall we try double: 1,600?", "1,600"),
    ],
)
async def test_not_knowing_the_target_suggests_double_as_a_button(
    engine: Engine, lang: str, text: str, line: str, button: str
) -> None:
    chat = Chat(engine, f"ut-{lang}-{text}", language_code=lang)
    await _at(chat, lang, "ask_target")
    await chat.say(text)
    assert line in chat.texts[0]
    assert chat.buttons == [button]
    result = await chat.press(button)
    assert result.state == "ask_budget" and result.slots["target_followers"] == 1600


@pytest.mark.parametrize(("lang", "yes"), [("it", "sì"), ("it", "ok, proviamo"), ("en", "yes")])
async def test_a_typed_yes_takes_the_suggestion(engine: Engine, lang: str, yes: str) -> None:
    chat = Chat(engine, f"uy-{lang}-{yes}", language_code=lang)
    await _at(chat, lang, "ask_target")
    await chat.say("boh" if lang == "it" else "no idea")
    result = await chat.say(yes)
    assert result.state == "ask_budget" and result.slots["target_followers"] == 1600


@pytest.mark.parametrize(
    ("lang", "text", "button"), [("it", "boh", "€ 150"), ("en", "no idea", "€150")]
)
async def test_not_knowing_the_budget_or_the_posts_suggests_a_start(
    engine: Engine, lang: str, text: str, button: str
) -> None:
    chat = Chat(engine, f"ub-{lang}", language_code=lang)
    await _at(chat, lang, "ask_budget")
    await chat.say(text)
    assert chat.buttons == [button]
    result = await chat.press(button)
    assert result.state == "ask_posts" and result.slots["budget"].amount == 150
    await chat.say(text)
    assert chat.buttons == ["3"]
    result = await chat.press("3")
    assert result.state == "offer" and result.slots["posts_per_week"] == 3


async def test_an_old_suggestion_is_a_stale_tap(engine: Engine) -> None:
    chat = Chat(engine, "us-old", language_code="it")
    await _at(chat, "it", "ask_target")
    await chat.say("boh")
    old = chat.last
    await chat.say("5000")
    assert chat.last is not None and chat.last.state == "ask_budget"
    chat.last = old
    result = await chat.press("1.600")
    assert result.state == "ask_budget" and result.slots["target_followers"] == 5000


# --- 3. leaving politely -------------------------------------------------------------------------

GOODBYE = {
    "it": "Va bene, nessun problema: se cambi idea siamo qui. Ciao!",
    "en": "No problem at all — if you change your mind, we're right here. Bye!",
}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "nn mi interessa"),
        ("it", "non mi interessa"),
        ("it", "basta"),
        ("it", "basta ciao"),
        ("it", "no grazie, ciao"),
        ("en", "not interested"),
        ("en", "bye"),
        ("en", "that's all"),
        ("en", "no thanks, bye"),
    ],
)
async def test_leaving_gets_a_goodbye_and_keeps_the_answers(
    engine: Engine, lang: str, text: str
) -> None:
    chat = Chat(engine, f"bye-{lang}-{text}", language_code=lang)
    await chat.say("/start")
    result = await chat.say(text)
    assert chat.texts == [GOODBYE[lang]]
    assert result.state == "menu"
    # at a question: the goodbye, the answers kept, and the question still open
    await _at(chat, lang, "ask_target")
    result = await chat.say(text)
    assert chat.texts == [GOODBYE[lang]]
    assert result.state == "ask_target" and result.slots["current_followers"] == 800
    assert not any("follower" in t.lower() and "No" in t for t in chat.texts)
    result = await chat.say("10000")
    assert result.state == "ask_budget"


@pytest.mark.parametrize("lang", LANGS)
async def test_a_hello_is_still_a_hello(engine: Engine, lang: str) -> None:
    chat = Chat(engine, f"hi-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.say("ciao" if lang == "it" else "hi")
    assert chat.texts[0] in ("Ciao Ann! 👋", "Hi Ann! 👋")


@pytest.mark.parametrize("text", ["nn mi interessa", "non mi interessa", "not interested"])
def test_not_interested_is_no_question_about_buying_followers(engine: Engine, text: str) -> None:
    assert engine.understanding is not None
    analysis = engine.understanding.analyse(text, "it" if "non" in text else "en")
    assert analysis.intent != "buy_followers"


# --- 4. a greeting in front of a question ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "it",
            "Buongiorno, ho un B&B a Cefalu e vorrei capire quanti follower potrei ottenere su "
            "Facebook",
        ),
        (
            "en",
            "Good morning, I run a B&B in Cefalu and I'd like to know how many followers I could "
            "get on Facebook",
        ),
    ],
)
async def test_a_greeting_in_front_of_a_question_answers_the_question(
    engine: Engine, lang: str, text: str
) -> None:
    chat = Chat(engine, f"gq-{lang}", language_code=lang)
    await chat.say("/start")
    result = await chat.say(text)
    assert (result.dialog, result.state) == ("projection", "ask_current"), chat.texts
    assert result.slots["platform"] == "facebook"


@pytest.mark.parametrize(
    ("lang", "text", "reply"),
    [
        ("it", "Buongiorno", "Buongiorno Ann! 👋"),
        ("it", "buonasera!", "Buonasera Ann! 👋"),
        ("it", "Salve", "Salve Ann! 👋"),
        ("en", "Good morning", "Good morning, Ann! 👋"),
        ("en", "good evening", "Good evening, Ann! 👋"),
    ],
)
async def test_a_formal_greeting_is_returned_in_kind(
    engine: Engine, lang: str, text: str, reply: str
) -> None:
    chat = Chat(engine, f"gk-{lang}-{text}", language_code=lang)
    await chat.say("/start")
    await chat.say(text)
    assert chat.texts[0] == reply
    first = Chat(engine, f"gf-{lang}-{text}", language_code=lang)
    await first.say(text)  # the very first message: the welcome greets in kind
    assert first.texts[0].startswith(reply[:-2])


# --- 5. not understood twice ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_a_second_miss_offers_a_person_and_the_menu(engine: Engine, lang: str) -> None:
    w = W[lang]
    chat = Chat(engine, f"nu-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.say("asdf qwerty zxcv")
    first = chat.texts[0]
    assert "/menu" not in first  # at the menu already
    result = await chat.say("lorem ipsum dolor")
    assert result.state == "gave_up"
    assert first not in chat.texts
    assert w["person"] in chat.buttons and w["menu"] in chat.buttons


@pytest.mark.parametrize("lang", LANGS)
async def test_misses_are_said_in_other_words(engine: Engine, lang: str) -> None:
    w = W[lang]
    chat = Chat(engine, f"nv-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.press(w["mistakes"])
    said = []
    for _ in range(3):
        await chat.say("asdf qwerty zxcv")
        said.append(chat.texts[0])
        await chat.press(w["next"]) if chat.last and w["next"] in chat.buttons else None
    assert len(set(said)) == 3, said
    assert "/menu" in said[0]  # not at the menu: /menu is worth a mention


# --- 6. wording ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "state", "text", "line"),
    [
        ("it", "ask_posts", "2-3", "Diciamo tra 2 e 3 a settimana: nei conti usiamo 2,5."),
        ("en", "ask_posts", "2-3", "Let's say 2 to 3 a week — I'll use 2.5 in the sums."),
        ("it", "ask_posts", "ogni giorno", "Ogni giorno, cioè 7 a settimana."),
        ("en", "ask_posts", "every day", "Every day — so 7 a week."),
        ("it", "ask_budget", "1200 euro l'anno", "€ 1.200 l'anno, cioè € 100 al mese."),
        ("en", "ask_budget", "1200 a year", "€1,200 a year, so €100 a month."),
        ("it", "ask_budget", "300 a settimana", "€ 300 a settimana, cioè circa € 1.304 al mese."),
        ("en", "ask_budget", "300 a week", "€300 a week, so about €1,304 a month."),
    ],
)
async def test_how_answers_are_said_back(
    engine: Engine, lang: str, state: str, text: str, line: str
) -> None:
    chat = Chat(engine, f"w-{lang}-{text}", language_code=lang)
    await _at(chat, lang, state)
    await chat.say(text)
    assert line in chat.texts, chat.texts


@pytest.mark.parametrize(
    ("lang", "name", "hello", "thanks"),
    [
        ("it", "mi chiamo rosaria la rosa", "Piacere, Rosaria!", "Grazie, Rosaria!"),
        ("en", "Priya Shah", "Nice to meet you, Priya!", "Thanks, Priya!"),
    ],
)
async def test_the_prospect_is_called_by_their_first_name(
    engine: Engine, lang: str, name: str, hello: str, thanks: str
) -> None:
    chat = Chat(engine, f"fn-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.press_id("menu.contact")  # leave your details
    await chat.press_id("lead.start_button")
    await chat.say(name)
    assert chat.texts[0].startswith(hello)
    await chat.say("B&B")
    await chat.press("Instagram")
    await chat.press_id("telegram")  # on Telegram
    await chat.press_id("yes")  # consent
    assert chat.texts[0].startswith(thanks)
    [lead] = engine.store.leads()
    assert lead.name is not None and " " in lead.name  # the full name is kept for the team


@pytest.mark.parametrize("lang", LANGS)
async def test_back_to_the_flow_never_leaves_buttons_alone(engine: Engine, lang: str) -> None:
    w = W[lang]
    back = engine.text("common.back_to_flow", lang)
    pricing = "quanto costa?" if lang == "it" else "how much do you charge?"
    # at a step that asks nothing: the answer with its own buttons, no "where were we…"
    chat = Chat(engine, f"bf-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.press(w["mistakes"])
    await chat.say(pricing)
    assert back not in chat.texts
    assert chat.last is not None and chat.last.replies[-1].buttons
    assert chat.last.state == "pricing" and w["next"] not in chat.buttons
    assert w["menu"] in chat.buttons
    # at a question: "where were we…", then the question itself with its buttons
    chat = Chat(engine, f"bq-{lang}", language_code=lang)
    await _at(chat, lang, "ask_current")
    await chat.say("boh")
    await chat.say("123")
    await chat.say("boh")  # the target question, with its suggestion
    question = engine.text("projection.ask_target", lang)
    await chat.say(pricing)
    index = chat.texts.index(back)
    assert chat.texts[index + 1] == question
    assert chat.last is not None and not chat.last.replies[index].buttons


def test_the_stale_button_notice_in_english(engine: Engine) -> None:
    assert engine.text("common.stale_button", "en") == (
        "That button is from an earlier message — please use the ones below the latest."
    )


# --- staff mistakes ------------------------------------------------------------------------------


def _report(tmp_path: Path, old: str, new: str) -> str:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    path = root / "dialogs" / "projection.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return app.load_content(root).problems.report()


def test_suggest_names_a_slot_no_question_asks(tmp_path: Path) -> None:
    report = _report(tmp_path, "suggest: current_followers * 2", "suggest: curent_followers * 2")
    assert "dialogs/projection.yaml:" in report
    assert "`suggest` uses `curent_followers`, which no question provides" in report
    assert "current_followers" in report


def test_suggest_on_a_choice_names_an_answer_given_elsewhere(tmp_path: Path) -> None:
    # a choice may propose an answer (tests/test_answers_with_details.py); its names are checked
    old = "      slot: platform\n      type: choice\n"
    report = _report(tmp_path, old, old + "      suggest: platfrom\n")
    assert "only makes sense" not in report
    assert "`suggest` uses `platfrom`, which no question provides" in report


def test_an_unsure_text_must_exist(tmp_path: Path) -> None:
    report = _report(tmp_path, "unsure: projection.unsure_current", "unsure: projection.unsur")
    assert "projection.unsur" in report and "missing" in report
