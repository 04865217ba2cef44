"""Issue 10, everyday answers: names and contacts inside a sentence, buttons by their words.

A name given as "mi chiamo Giuseppe Russo" keeps only the name; an address or a number inside a
sentence is found; the address typed at "email, phone or Telegram?" answers both questions; a
button or an option is pressed by the main words of its label, in both languages.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import app
from bot.base.problems import Pos
from bot.content.model import AskSpec, Option, TextRef
from bot.core.slot_types import DEFAULT_SLOT_TYPES, Answer, match_option, parse_answer
from bot.understanding.contacts import extract_name, find_emails, find_phones
from bot.understanding.labels import match_label
from bot.understanding.lang import BUILTIN_PACKS
from tests.conftest import ROOT, Chat, build_engine

P = Pos("t.yaml", 1, 1)
PACKS = list(BUILTIN_PACKS.values())


def spec(kind: str, **kw: object) -> AskSpec:
    return AskSpec(slot="x", type=kind, pos=P, **kw)  # type: ignore[arg-type]


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("mi chiamo Giuseppe Russo", "it", "Giuseppe Russo"),
        ("Mi chiamo giuseppe russo", "it", "Giuseppe Russo"),
        ("sono Giuseppe Russo", "it", "Giuseppe Russo"),
        ("io sono Anna", "it", "Anna"),
        ("il mio nome è Mario Rossi", "it", "Mario Rossi"),
        ("Giuseppe, piacere", "it", "Giuseppe"),
        ("piacere, Giuseppe", "it", "Giuseppe"),
        ("ciao! mi chiamo giuseppe russo 😊", "it", "Giuseppe Russo"),
        ("Ciao, sono Giuseppe e ho un bar a Palermo", "it", "Giuseppe"),
        ("Giuseppe Russo, titolare del B&B", "it", "Giuseppe Russo"),
        ("nome: Giuseppe", "it", "Giuseppe"),
        ("anna d'angelo", "it", "Anna D'Angelo"),
        ("GIUSEPPE RUSSO", "it", "Giuseppe Russo"),
        ("Giuseppe de Luca", "it", "Giuseppe de Luca"),
        ("Giulia Bianchi", "it", "Giulia Bianchi"),
        ("my name is Sarah Jones", "en", "Sarah Jones"),
        ("I'm Tom", "en", "Tom"),
        ("I’m Sarah from Bloom Florists", "en", "Sarah"),
        ("hi, this is Emma Watts.", "en", "Emma Watts"),
        ("call me Dave", "en", "Dave"),
        ("Sarah, nice to meet you", "en", "Sarah"),
        ("sarah o'neill", "en", "Sarah O'Neill"),
        ("G. Russo", "en", "G. Russo"),
        ("Sarah Jones", "en", "Sarah Jones"),
        # an okay, a yes or a thanks in front (persona test: "va bene mi chiamo Salvo Russo …"
        # kept only the phone)
        ("va bene mi chiamo Salvo Russo", "it", "Salvo Russo"),
        ("sì, sono Marco Ferrara", "it", "Marco Ferrara"),
        ("grazie, mi chiamo Anna", "it", "Anna"),
        ("ok my name is Linda Harris", "en", "Linda Harris"),
    ],
)
def test_a_name_in_a_sentence_keeps_only_the_name(text: str, lang: str, name: str) -> None:
    assert parse_answer(spec("name"), text, lang) == name
    assert extract_name(text, PACKS) == name


@pytest.mark.parametrize("text", ["sono", "piacere", "ciao", "my name is", "hi", "🙂", "..."])
def test_framing_words_alone_are_no_name(text: str) -> None:
    assert parse_answer(spec("name"), text, "it") is None
    assert parse_answer(spec("name"), text, "en") is None


@pytest.mark.parametrize("text", ["Sono Io srl", "B&B Il Gelso", "Mi Chiamo Pizza"])
def test_a_business_is_kept_as_typed(text: str) -> None:
    assert parse_answer(spec("text"), text, "it") == text


# -- emails and phones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "email"),
    [
        ("mario.rossi@gmail.com", "it", "mario.rossi@gmail.com"),
        ("la mia mail è mario.rossi@gmail.com", "it", "mario.rossi@gmail.com"),
        ("scrivimi a mario@x.it grazie", "it", "mario@x.it"),
        ("email: mario.rossi@gmail.com.", "it", "mario.rossi@gmail.com"),
        ("<mario@x.it>", "it", "mario@x.it"),
        ("my email is tom.smith@example.co.uk", "en", "tom.smith@example.co.uk"),
        ("sure, it's sarah@bloom.com thanks", "en", "sarah@bloom.com"),
        ("tom@x.com, TOM@X.COM", "en", "tom@x.com"),
    ],
)
def test_an_email_inside_a_sentence(text: str, lang: str, email: str) -> None:
    assert parse_answer(spec("email"), text, lang) == email


@pytest.mark.parametrize(
    ("text", "lang", "phone"),
    [
        ("+39 333 1234567", "it", "+393331234567"),
        ("chiamami al 333 123 4567 dopo le 18", "it", "3331234567"),
        ("il mio numero è 333-1234567", "it", "3331234567"),
        ("cell. 333 1234567", "it", "3331234567"),
        ("my number is +39 333 1234567", "en", "+393331234567"),
        ("call me on (020) 7946 0018 after 6", "en", "02079460018"),
        ("mobile: 07700 900123, thanks", "en", "07700900123"),
    ],
)
def test_a_phone_inside_a_sentence(text: str, lang: str, phone: str) -> None:
    assert parse_answer(spec("phone"), text, lang) == phone


@pytest.mark.parametrize(
    "text", ["ho 100.000 follower", "il 12/05/2026", "dopo le 18", "alle 18:30", "trecento"]
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert find_phones(text) == []
    assert parse_answer(spec("phone"), text, "it") is None


@pytest.mark.parametrize(
    ("kind", "text", "found"),
    [
        ("email", "a@b.it oppure c@d.com", ["a@b.it", "c@d.com"]),
        ("email", "either a@b.com or c@d.com", ["a@b.com", "c@d.com"]),
        ("phone", "333 1234567 oppure 091 123456", ["3331234567", "091123456"]),
        ("phone", "07700 900123 or 020 7946 0018", ["07700900123", "02079460018"]),
    ],
)
def test_two_different_contacts_are_asked_about(kind: str, text: str, found: list[str]) -> None:
    parsed = DEFAULT_SLOT_TYPES.get(kind).parse(Answer(text, "it", spec(kind)))  # type: ignore[union-attr]
    assert parsed.value is None
    assert parsed.retry is not None
    assert parsed.retry.key == f"common.which.{kind}"
    assert parsed.retry.values["found"] == found


def test_finders_keep_order_and_drop_repeats() -> None:
    assert find_emails("a@b.it, c@d.it e di nuovo a@b.it") == ["a@b.it", "c@d.it"]
    assert find_phones("333 1234567 o +39 333 7654321") == ["3331234567", "+393337654321"]


# -- buttons and options by their words ---------------------------------------------------------

MENU_IT = [
    "📈 Quanti follower, e quando?",
    "⚠️ I tre errori più comuni",
    "🎯 Le regole del gioco",
    "💶 Quanto costa?",
    "✍️ Lascia i tuoi contatti",
    "🙋 Parla con una persona",
]
MENU_EN = [
    "📈 How fast will we grow?",
    "⚠️ The three classic mistakes",
    "🎯 The rules of the game",
    "💶 What does it cost?",
    "✍️ Leave your details",
    "🙋 Talk to a person",
]
OFFER_IT = ["💶 Cambia il budget", "🎯 Cambia l'obiettivo", "Torna al menu"]
OFFER_EN = ["💶 Change the budget", "🎯 Change the target", "Back to menu"]


@pytest.mark.parametrize(
    ("text", "labels", "lang", "index"),
    [
        ("regole", MENU_IT, "it", 2),
        ("la regola", MENU_IT, "it", 2),
        ("regol", MENU_IT, "it", 2),
        ("contatti", MENU_IT, "it", 4),
        ("lasciare i contatti", MENU_IT, "it", 4),
        ("errori", MENU_IT, "it", 1),
        ("voglio parlare con una persona", MENU_IT, "it", 5),
        ("fai i conti", ["🧮 Fai i conti con i miei numeri", "Torna al menu"], "it", 0),
        ("prossimo", ["Il prossimo errore", "Torna al menu"], "it", 0),
        ("budget", OFFER_IT, "it", 0),
        ("obiettivo", OFFER_IT, "it", 1),
        ("rules", MENU_EN, "en", 2),
        ("the rules", MENU_EN, "en", 2),
        ("details", MENU_EN, "en", 4),
        ("mistakes", MENU_EN, "en", 1),
        ("a person", MENU_EN, "en", 5),
        ("run my numbers", ["🧮 Run my numbers", "Back to menu"], "en", 0),
        ("next", ["Next mistake", "Back to menu"], "en", 0),
        ("target", OFFER_EN, "en", 1),
    ],
)
def test_a_button_by_its_words(text: str, labels: list[str], lang: str, index: int) -> None:
    assert match_label(text, labels, lang) == index


@pytest.mark.parametrize(
    ("text", "labels", "lang"),
    [
        ("cambia", OFFER_IT, "it"),  # two buttons alike: not ours to choose
        ("change", OFFER_EN, "en"),
        ("non voglio parlare con una persona", MENU_IT, "it"),
        ("i don't want to talk to a person", MENU_EN, "en"),
        ("ok", MENU_IT, "it"),
        ("grazie", MENU_IT, "it"),
        ("thanks", MENU_EN, "en"),
        ("ho 800 follower su instagram, quanto ci metto?", MENU_IT, "it"),
    ],
)
def test_no_button_when_unsure(text: str, labels: list[str], lang: str) -> None:
    assert match_label(text, labels, lang) is None


def _contact_spec() -> AskSpec:
    options = tuple(
        Option(value, TextRef(f"lead.via_{value}", P), P) for value in ("email", "phone", "tg")
    )
    return spec("choice", options=options)


@pytest.mark.parametrize(
    ("text", "labels", "lang", "value"),
    [
        ("per telefono", ["Email", "Telefono", "Qui su Telegram"], "it", "phone"),
        ("su telegram", ["Email", "Telefono", "Qui su Telegram"], "it", "tg"),
        ("by phone please", ["Email", "Phone", "Here on Telegram"], "en", "phone"),
        ("telegram", ["Email", "Phone", "Here on Telegram"], "en", "tg"),
    ],
)
def test_an_option_by_its_words(text: str, labels: list[str], lang: str, value: str) -> None:
    assert match_option(_contact_spec(), text, labels, lang) == value


# -- validation of `fills:` ----------------------------------------------------------------------


def _with_fills(root: Path, fills: str) -> str:
    dialog = root / "dialogs" / "main.yaml"
    text = dialog.read_text(encoding="utf-8")
    old = "        - value: instagram\n          text: platform.instagram\n"
    assert old in text
    dialog.write_text(text.replace(old, old + f"          fills: {fills}\n"), encoding="utf-8")
    line = dialog.read_text(encoding="utf-8").splitlines().index(f"          fills: {fills}") + 1
    return f"dialogs/main.yaml:{line}:"


def test_fills_naming_a_question_of_the_dialog_is_valid(mini_copy: Path) -> None:
    _with_fills(mini_copy, "email")
    assert "fills" not in app.load_content(mini_copy).problems.report()


def test_fills_with_a_typo_is_located_with_a_suggestion(mini_copy: Path) -> None:
    where = _with_fills(mini_copy, "emial")
    report = app.load_content(mini_copy).problems.report()
    assert f"{where}18: `fills: emial`: no question in dialog `main` asks the slot" in report
    assert "email" in report.split(where, 1)[1].splitlines()[0]


def test_fills_of_a_free_text_question_is_refused(mini_copy: Path) -> None:
    where = _with_fills(mini_copy, "name")
    report = app.load_content(mini_copy).problems.report()
    assert f"{where}18: `fills: name`: the state `ask_name` asks it as text" in report


# -- whole conversations -------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_engine(ROOT, tmp_path / "bot.db")


async def _to_lead(chat: Chat, lang: str) -> None:
    await chat.say("/start")
    await chat.press("✍️ Lascia i tuoi contatti" if lang == "it" else "✍️ Leave your details")
    await chat.press("Iniziamo" if lang == "it" else "Let's go")


@pytest.mark.parametrize(
    ("lang", "said", "echo"),
    [
        ("it", "mi chiamo Giuseppe Russo", "Piacere, Giuseppe!"),  # called by the first name
        ("it", "Giuseppe, piacere", "Piacere, Giuseppe!"),
        ("en", "my name is Sarah Jones", "Nice to meet you, Sarah!"),
        ("en", "I'm Sarah, nice to meet you", "Nice to meet you, Sarah!"),
    ],
)
async def test_the_name_question_keeps_the_name(engine, lang: str, said: str, echo: str) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(engine, language_code=lang)
    await _to_lead(chat, lang)
    result = await chat.say(said)
    assert result.state == "lead_business"
    assert any(echo in text for text in chat.texts), chat.texts
    await chat.say("Sono Io srl")
    assert chat.last is not None and chat.last.slots["business"] == "Sono Io srl"


@pytest.mark.parametrize(
    ("lang", "typed", "via", "slot", "value"),
    [
        ("it", "la mia mail è mario.rossi@gmail.com", "email", "email", "mario.rossi@gmail.com"),
        ("it", "scrivimi a mario@x.it grazie", "email", "email", "mario@x.it"),
        ("it", "chiamami al 333 123 4567 dopo le 18", "phone", "phone", "3331234567"),
        ("it", "333 1234567", "phone", "phone", "3331234567"),
        ("en", "my email is tom@example.com", "email", "email", "tom@example.com"),
        ("en", "my number is +39 333 1234567", "phone", "phone", "+393331234567"),
        ("en", "+44 7700 900123", "phone", "phone", "+447700900123"),
    ],
)
async def test_the_address_typed_at_how_to_contact_answers_both(  # type: ignore[no-untyped-def]
    engine, lang: str, typed: str, via: str, slot: str, value: str
) -> None:
    chat = Chat(engine, language_code=lang)
    await _to_lead(chat, lang)
    await chat.say("Giuseppe Russo")
    await chat.say("Pasticceria")
    result = await chat.say("instagram")
    assert result.state == "lead_contact_how"
    result = await chat.say(typed)
    assert result.slots["contact_via"] == via
    assert result.slots[slot] == value
    assert result.state == "lead_consent"  # the address question is skipped
    assert not result.outbox  # a number is not a request for a person


@pytest.mark.parametrize(
    ("lang", "state_button", "typed", "slot", "value"),
    [
        ("it", "Email", "la mia mail è mario.rossi@gmail.com", "email", "mario.rossi@gmail.com"),
        ("it", "Telefono", "il mio numero è 333 1234567", "phone", "3331234567"),
        ("en", "Email", "sure, it's sarah@bloom.com", "email", "sarah@bloom.com"),
        ("en", "Phone", "my number is +39 333 1234567", "phone", "+393331234567"),
    ],
)
async def test_the_address_question_finds_it_in_a_sentence(  # type: ignore[no-untyped-def]
    engine, lang: str, state_button: str, typed: str, slot: str, value: str
) -> None:
    chat = Chat(engine, language_code=lang)
    await _to_lead(chat, lang)
    await chat.say("Giuseppe Russo")
    await chat.say("Pasticceria")
    await chat.say("instagram")
    await chat.press(state_button)
    result = await chat.say(typed)
    assert result.slots[slot] == value
    assert result.state == "lead_consent"


@pytest.mark.parametrize(
    ("lang", "typed", "asked", "then", "value"),
    [
        ("it", "a@b.it oppure c@d.it", "quale usiamo?", "c@d.it", "c@d.it"),
        ("en", "a@b.com or c@d.com", "which one should we use?", "the second, c@d.com", "c@d.com"),
    ],
)
async def test_two_addresses_are_asked_about(  # type: ignore[no-untyped-def]
    engine, lang: str, typed: str, asked: str, then: str, value: str
) -> None:
    chat = Chat(engine, language_code=lang)
    await _to_lead(chat, lang)
    await chat.say("Giuseppe Russo")
    await chat.say("Pasticceria")
    await chat.say("instagram")
    await chat.press("Email")
    result = await chat.say(typed)
    assert result.state == "lead_email"
    assert any(asked in text for text in chat.texts), chat.texts
    result = await chat.say(then)
    assert result.slots["email"] == value


@pytest.mark.parametrize(
    ("lang", "typed", "state"),
    [
        ("it", "regole", "rules_game"),
        ("it", "contatti", "lead_intro"),
        ("it", "errori", "mistake_staff"),
        ("en", "rules", "rules_game"),
        ("en", "details", "lead_intro"),
        ("en", "mistakes", "mistake_staff"),
    ],
)
async def test_menu_buttons_by_their_words(engine, lang: str, typed: str, state: str) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    result = await chat.say(typed)
    assert result.state == state


@pytest.mark.parametrize(
    ("lang", "path", "typed", "state"),
    [
        ("it", ["📈 Quanti follower, e quando?"], "fai i conti", "projection"),
        ("it", ["⚠️ I tre errori più comuni"], "prossimo", "mistake_budget"),
        ("en", ["📈 How fast will we grow?"], "run my numbers", "projection"),
        ("en", ["⚠️ The three classic mistakes"], "next", "mistake_budget"),
    ],
)
async def test_step_buttons_by_their_words(  # type: ignore[no-untyped-def]
    engine, lang: str, path: list[str], typed: str, state: str
) -> None:
    chat = Chat(engine, language_code=lang)
    await chat.say("/start")
    for label in path:
        await chat.press(label)
    result = await chat.say(typed)
    assert state in (result.dialog, result.state)


def test_a_bare_phone_is_no_request_for_a_person() -> None:
    loaded = app.load_content(ROOT)
    assert loaded.content is not None
    understanding = app.build_understanding(loaded.content)
    assert understanding is not None
    for text, lang in (
        ("333 123 4567", "it"),
        ("+39 333 1234567", "it"),
        ("3331234567", "it"),
        ("tel 3331234567", "it"),
        ("+44 7700 900123", "en"),
        ("phone: +44 7700 900123", "en"),
    ):
        analysis = understanding.analyse(text, lang, date(2026, 3, 1))
        assert analysis.intent != "talk_to_human", text


@pytest.mark.parametrize(
    "text",
    [
        "1000000000000 followers tomorrow",
        "voglio 2000000000 di follower",
        "100000000 euro al mese",
        "ho 1200 follower voglio 1200000000",
    ],
)
def test_a_big_quantity_is_never_a_phone_number(text: str) -> None:
    from bot.understanding.contacts import find_phones

    assert find_phones(text) == []


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("chiara.fotografia@gmail.com", "chiara.fotografia@gmail.com"),
        ("rosaria.greco@gmail.com", "rosaria.greco@gmail.com"),
        ("tom.baker@gmail.com", "tom.baker@gmail.com"),
    ],
)
def test_a_name_is_never_read_out_of_an_email(typed: str, email: str) -> None:
    """Typed at "what's your name?", an address is an address: kept whole, and the name is
    asked again (persona test: "chiara.fotografia@gmail.com" was saved as ".fotografia@…",
    the lead unreachable, and she was greeted as Chiara)."""
    from bot.understanding.contacts import contacts_as_breaks, extract_name, find_emails
    from bot.understanding.lang import BUILTIN_PACKS

    packs = tuple(BUILTIN_PACKS.values())
    assert extract_name(typed, packs) is None
    assert find_emails(typed) == [email]
    assert extract_name(f"Chiara Rossi, {typed}", packs) == "Chiara Rossi"
    assert extract_name("Marco, 333 1234567", packs) == "Marco"
    assert "@" not in contacts_as_breaks(f"scrivimi a {typed}")


@pytest.mark.parametrize(
    ("lang", "yes"), [("it", "si"), ("it", "sì certo"), ("en", "yes"), ("en", "ok")]
)
async def test_a_bare_yes_is_never_a_name_nor_a_business(engine, lang: str, yes: str) -> None:  # type: ignore[no-untyped-def]
    """Persona test: "si" typed at "what does your business do?" was saved as the business."""
    chat = Chat(engine, language_code=lang)
    await _to_lead(chat, lang)
    result = await chat.say(yes)
    assert result.state == "lead_name" and "name" not in result.slots
    result = await chat.say("Giulia Bianchi")
    assert result.state == "lead_business"
    result = await chat.say(yes)
    assert result.state == "lead_business" and "business" not in result.slots
    if yes != "ok":  # an okay is acknowledged and the question asked again, also fine
        said = " ".join(chat.texts)
        assert ("risposta alla domanda" if lang == "it" else "the answer itself") in said
    result = await chat.say("Pasticceria a Noto")
    assert result.slots["business"] == "Pasticceria a Noto"


async def test_the_lead_keeps_the_way_the_prospect_chose(engine) -> None:  # type: ignore[no-untyped-def]
    """Final persona test: an email given first, then "text me 07700 900123" at "how shall we
    reach you?": the bot promised the phone, and the lead kept the email."""
    chat = Chat(engine, language_code="en")
    await _to_lead(chat, "en")
    await chat.say("jess.photo@outlook.com")
    await chat.say("Jess")
    await chat.say("freelance photographer")
    await chat.press("Instagram")
    await chat.say("text me 07700 900123")
    result = await chat.say("yes")
    assert "07700900123" in " ".join(chat.texts), chat.texts  # what the bot promised
    assert result.slots["email"] == "jess.photo@outlook.com"
    (lead,) = engine.store.leads()
    assert lead.contact == "07700900123"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("va bene mi chiamo Salvo Russo e il mio numero è 347 123 4567", "Salvo Russo"),
        ("ok my name is Linda Harris, +39 333 555 1234", "Linda Harris"),
        ("perfetto, sono Carmela Privitera", "Carmela Privitera"),
    ],
)
def test_a_name_introduced_after_an_okay_is_found_in_any_message(text: str, name: str) -> None:
    from bot.understanding.contacts import find_introduced_name

    assert find_introduced_name(text, PACKS) == name
