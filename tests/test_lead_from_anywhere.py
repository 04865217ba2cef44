"""Issue 10, everyday answers: nothing a prospect gave is ever lost.

Details typed where no question asks for them (``capture:``) are kept and the contact form is
offered, skipping what is known and still asking consent; "lascio i contatti" / "can you get
back to me?" lead to the form; a typed yes or no presses the button that ``means:`` it; a new
value typed at the projection's result (``updates:``) changes that answer and runs it again.
Every example in Italian and in English.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import load_content
from bot.base.problems import Pos
from bot.content.model import AskSpec
from bot.core.slot_types import DEFAULT_SLOT_TYPES
from bot.understanding.contacts import find_introduced_name
from bot.understanding.lang import BUILTIN_PACKS
from tests.conftest import ROOT, Chat, build_engine

P = Pos("t.yaml", 1, 1)
PACKS = list(BUILTIN_PACKS.values())

GROWTH_QUESTION = {
    "it": "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?",
    "en": "I have 800 followers on instagram, how long to reach 10k with 200 euros a month?",
}


def spot(kind: str, text: str, lang: str = "it") -> object:
    ask = AskSpec(slot="x", type=kind, pos=P)
    return DEFAULT_SLOT_TYPES.spot(ask, text, lang).value


# -- reading details out of any message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("mi chiamo rosaria la rosa", "Rosaria La Rosa"),
        ("scusate, mi chiamo Rosaria La Rosa", "Rosaria La Rosa"),
        ("Mi chiami al 333 1234567, sono Marco Ferrara", "Marco Ferrara"),
        ("Ciao, sono Marco e ho un bar", "Marco"),
        ("ho 800 follower, il mio nome è Luca Bruno", "Luca Bruno"),
        ("hi I'm Sarah Jones", "Sarah Jones"),
        ("my name is sarah jones and I run a studio", "Sarah Jones"),
        ("Call me on 07700 900123, I'm Mark Ferris", "Mark Ferris"),
        ("hello, this is Emma Watts", "Emma Watts"),
    ],
)
def test_a_name_introduced_as_one_is_found_in_any_message(text: str, name: str) -> None:
    assert find_introduced_name(text, PACKS) == name


@pytest.mark.parametrize(
    "text",
    [
        "pasticceria dolce vita",
        "si certo va bene",
        "sono interessata",  # "sono" needs a name typed with a capital
        "sono di Palermo",
        "sono a 800 follower",
        "scrivetemi a rosaria.larosa@gmail.com",
        "I'm interested",
        "I'm The owner",
        "I am 30",
        "you can email me at sarah@yogasea.com",
    ],
)
def test_no_name_where_none_is_introduced(text: str) -> None:
    assert find_introduced_name(text, PACKS) is None


def test_emails_and_phones_are_spotted_only_when_unmistakable() -> None:
    assert spot("email", "scrivetemi a rosaria.larosa@gmail.com") == "rosaria.larosa@gmail.com"
    assert spot("email", "you can email me at sarah@yogasea.com", "en") == "sarah@yogasea.com"
    assert spot("email", "a@b.it oppure c@d.it") is None  # two: the form will ask
    assert spot("phone", "Mi chiami al 333 1234567, sono Marco") == "3331234567"
    assert spot("phone", "call me on +44 7700 900123", "en") == "+447700900123"
    assert spot("phone", "ho 100000 follower") is None  # a count, not a phone
    assert spot("phone", "from 800 to 10000 followers", "en") is None
    assert spot("text", "pasticceria dolce vita") is None  # free text is never spotted
    assert spot("name", "pasticceria dolce vita") is None


# -- details typed where nothing asks for them ------------------------------------------------


async def at_projection_result(tmp_path: Path, lang: str) -> Chat:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.say(GROWTH_QUESTION[lang])
    result = await chat.say("3")
    assert result.state == "offer", chat.texts
    return chat


@pytest.mark.parametrize(
    ("lang", "name_msg", "name", "email_msg", "email", "said", "go_on"),
    [
        (
            "it",
            "mi chiamo rosaria la rosa",
            "Rosaria La Rosa",
            "scrivetemi a rosaria.larosa@gmail.com",
            "rosaria.larosa@gmail.com",
            "Segnato: {} 👍",
            "si certo va bene",
        ),
        (
            "en",
            "hi I'm Sarah Jones",
            "Sarah Jones",
            "you can email me at sarah@yogasea.com",
            "sarah@yogasea.com",
            "Got it: {} 👍",
            "sure",
        ),
    ],
)
async def test_details_at_the_result_are_kept_and_the_form_skips_them(
    tmp_path: Path,
    lang: str,
    name_msg: str,
    name: str,
    email_msg: str,
    email: str,
    said: str,
    go_on: str,
) -> None:
    chat = await at_projection_result(tmp_path, lang)
    result = await chat.say(name_msg)
    assert said.format(name) in chat.texts
    assert result.state == "lead_offer"
    assert result.slots["name"] == name
    assert result.outbox == []  # nothing goes to the agency without consent
    result = await chat.say(email_msg)
    assert said.format(email) in chat.texts
    assert result.slots["email"] == email and result.slots["contact_via"] == "email"
    assert result.state == "lead_offer"
    result = await chat.say(go_on)
    assert result.state == "lead_business"  # the name is known: not asked again
    await chat.say("Pasticceria Dolce Vita" if lang == "it" else "Yoga by the Sea")
    result = await chat.press("Instagram")
    assert result.state == "lead_consent"  # the address is known: "how?" is skipped
    assert result.outbox == []
    result = await chat.say("sì" if lang == "it" else "yes")
    assert result.state == "lead_save"
    assert [item.kind for item in result.outbox] == ["lead"]


@pytest.mark.parametrize(
    ("lang", "button", "message", "phone", "name", "said"),
    [
        (
            "it",
            "🙋 Parla con una persona",
            "Mi chiami al 333 1234567, sono Marco Ferrara",
            "3331234567",
            "Marco Ferrara",
            "Segnato: 3331234567, Marco Ferrara 👍",
        ),
        (
            "en",
            "🙋 Talk to a person",
            "Call me on 07700 900123, I'm Mark Ferris",
            "07700900123",
            "Mark Ferris",
            "Got it: 07700900123, Mark Ferris 👍",
        ),
    ],
)
async def test_a_number_and_a_name_at_the_talk_to_a_person_step(
    tmp_path: Path, lang: str, button: str, message: str, phone: str, name: str, said: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.press(button)
    result = await chat.say(message)
    assert said in chat.texts
    assert result.state == "lead_offer"
    assert result.slots["phone"] == phone
    assert result.slots["contact_via"] == "phone"
    assert result.slots["name"] == name
    assert result.outbox == []
    result = await chat.say("no")  # not now: back to the step, the details kept
    assert result.state == "human"
    assert result.slots["phone"] == phone


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_details_typed_at_a_question_are_kept_and_the_question_asked_again(
    tmp_path: Path, lang: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.say("ho 800 follower su instagram" if lang == "it" else "I have 800 followers")
    result = chat.last
    assert result is not None
    text = "scrivetemi a anna@bar.it" if lang == "it" else "email me at anna@bar.co.uk"
    result = await chat.say(text)
    assert result.slots["email"] in ("anna@bar.it", "anna@bar.co.uk")
    assert result.state.startswith("ask_")  # the same question again, not the form
    assert result.outbox == []


# -- asking to leave contacts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "lascio i contatti"),
        ("it", "vorrei lasciare i miei contatti"),
        ("it", "vorrei essere ricontattata"),
        ("it", "potete ricontattarmi?"),
        ("en", "I'd like to leave my details"),
        ("en", "can you get back to me?"),
        ("en", "contact me"),
    ],
)
async def test_asking_to_be_contacted_leads_to_the_form(
    tmp_path: Path, lang: str, text: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.press(
        "📈 Quanti follower, e quando?" if lang == "it" else "📈 How fast will we grow?"
    )
    result = await chat.say(text)
    assert result.state == "lead_intro", chat.texts


# -- a typed yes or no presses the button that means it ---------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "state"),
    [
        ("it", "ok", "lead_name"),
        ("it", "va bene", "lead_name"),
        ("it", "sì", "lead_name"),
        ("it", "no", "menu"),
        ("it", "non ora", "menu"),
        ("it", "per ora no", "menu"),
        ("en", "ok", "lead_name"),
        ("en", "yes", "lead_name"),
        ("en", "sure", "lead_name"),
        ("en", "no", "menu"),
        ("en", "not now", "menu"),
        ("en", "I'd rather not", "menu"),
    ],
)
async def test_yes_and_no_typed_at_the_lead_intro(
    tmp_path: Path, lang: str, text: str, state: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.press("✍️ Lascia i tuoi contatti" if lang == "it" else "✍️ Leave your details")
    result = await chat.say(text)
    assert result.state == state, chat.texts


# -- new values typed at the projection's result ---------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "slot", "value", "shown"),
    [
        ("it", "1200 l anno", "budget", 100, "con € 100 al mese"),
        ("en", "1200 a year", "budget", 100, "with €100 a month"),
        ("it", "ogni giorno", "posts_per_week", 7, "7 post a settimana"),
        ("en", "every day", "posts_per_week", 7, "7 posts a week"),
        ("it", "e se usassi tiktok?", "platform", "tiktok", "su TikTok"),
        ("en", "what if I used tiktok?", "platform", "tiktok", "on TikTok"),
        ("it", "3 a settimana e basta", "posts_per_week", 3, "3 post a settimana"),
        ("it", "20.000 follower", None, None, None),  # now or target? asked
    ],
)
async def test_a_new_value_at_the_result_runs_the_numbers_again(
    tmp_path: Path, lang: str, text: str, slot: str | None, value: object, shown: str | None
) -> None:
    chat = await at_projection_result(tmp_path, lang)
    result = await chat.say(text)
    if slot is None:
        assert result.state == "change_what"
        return
    assert result.state == "offer"
    kept = result.slots[slot]
    assert (kept["amount"] if isinstance(kept, dict) else getattr(kept, "amount", kept)) == value
    assert shown is not None and any(shown in t for t in chat.texts), chat.texts


@pytest.mark.parametrize(
    ("lang", "text", "state"),
    [
        ("it", "cambia il budget", "change_budget"),
        ("en", "change the budget", "change_budget"),
        ("it", "la piattaforma", "change_platform"),
        ("en", "the platform", "change_platform"),
        ("it", "l'obiettivo", "change_target"),
        ("en", "the target", "change_target"),
    ],
)
async def test_naming_an_answer_at_the_result_opens_its_question(
    tmp_path: Path, lang: str, text: str, state: str
) -> None:
    chat = await at_projection_result(tmp_path, lang)
    result = await chat.say(text)
    assert result.state == state, chat.texts


@pytest.mark.parametrize(
    ("lang", "said", "button", "shown"),
    [
        ("it", "Ricevuto: «500»", "👥 Cambia i follower attuali", "Da 500 a 10.000 follower"),
        ("en", "Got it: “500”", "👥 Change current followers", "From 500 to 10,000 followers"),
    ],
)
async def test_a_plain_number_that_fits_several_answers_is_asked_about_and_kept(
    tmp_path: Path, lang: str, said: str, button: str, shown: str
) -> None:
    chat = await at_projection_result(tmp_path, lang)
    result = await chat.say("500")
    assert result.state == "change_what"
    assert any(said in t for t in chat.texts), chat.texts
    result = await chat.press(button)
    assert result.state == "offer"  # the question is answered by the 500 typed before
    assert result.slots["current_followers"] == 500
    assert any(shown in t for t in chat.texts), chat.texts


async def test_a_kept_value_is_dropped_by_any_other_step(tmp_path: Path) -> None:
    chat = await at_projection_result(tmp_path, "it")
    await chat.say("500")
    await chat.press("⬅️ Indietro")
    await chat.press("✏️ Cambia un dato")
    result = await chat.press("💶 Cambia il budget")
    assert result.state == "change_budget"  # asked: the 500 was not meant for it


# -- staff mistakes in the declarations ------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", target / "dialogs")
    shutil.copytree(ROOT / "locales", target / "locales")
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def report(root: Path) -> str:
    return load_content(root).problems.report()


def test_capture_of_a_free_text_slot_is_refused_where_written(shipped_copy: Path) -> None:
    main = shipped_copy / "dialogs" / "main.yaml"
    edit(main, "slots: [email, phone, name, business]", "slots: [email, business]")
    edit(main, "      type: business", "      type: text")
    line = line_of(main, "slots: [email, business]")
    out = report(shipped_copy)
    assert f"dialogs/main.yaml:{line}:18: `capture` names `business`, asked as text" in out
    assert "capture only slots asked as business, name, email, phone" in out
    assert "for free text, ask `business` as `type: business`" in out


def test_capture_of_an_unknown_slot_suggests_one(shipped_copy: Path) -> None:
    main = shipped_copy / "dialogs" / "main.yaml"
    edit(main, "slots: [email, phone, name, business]", "slots: [emial]")
    line = line_of(main, "slots: [emial]")
    assert (
        f"dialogs/main.yaml:{line}:11: `capture` names `emial`, which no question asks "
        "— did you mean `email`?"
    ) in report(shipped_copy)


def test_means_must_be_yes_or_no_and_once_per_state(shipped_copy: Path) -> None:
    main = shipped_copy / "dialogs" / "main.yaml"
    edit(main, 'means: no  # "no", "non ora", "not now"', "means: maybe")
    line = line_of(main, "means: maybe")
    out = report(shipped_copy)
    assert f"dialogs/main.yaml:{line}:16: `means: maybe` of a button of state `lead_intro`" in out
    edit(main, "means: maybe", "means: yes")
    out = report(shipped_copy)
    assert "two buttons of state `lead_intro` say `means: yes`" in out


def test_updates_name_asked_slots_and_need_buttons(shipped_copy: Path) -> None:
    projection = shipped_copy / "dialogs" / "projection.yaml"
    text = projection.read_text(encoding="utf-8")
    projection.write_text(
        text.replace(
            "slots: [platform, current_followers, target_followers, budget, posts_per_week]",
            "slots: [platform, budgett]",
            1,
        ),
        encoding="utf-8",
    )
    line = line_of(projection, "budgett")
    assert (
        f"dialogs/projection.yaml:{line}:25: `updates` of state `offer` names `budgett`, which "
        "no question asks — did you mean `budget`?"
    ) in report(shipped_copy)


def test_the_texts_the_declarations_say_are_required(shipped_copy: Path) -> None:
    common = shipped_copy / "locales" / "en" / "common.yaml"
    text = common.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.strip().startswith("captured:")]
    common.write_text("\n".join(kept) + "\n", encoding="utf-8")
    out = report(shipped_copy)
    assert "the text `common.captured` is missing in locales/en" in out
    assert "because of `capture:`" in out


def test_other_names_of_an_answer_are_lists_in_words_yaml(shipped_copy: Path) -> None:
    words = shipped_copy / "locales" / "en" / "words.yaml"
    edit(words, "  platform: [platform, social, network, channel]", "  platform: platform")
    line = line_of(words, "  platform: platform")
    assert (
        f"locales/en/words.yaml:{line}:13: `platform:` under `slots:` must be a list of words"
    ) in report(shipped_copy)
