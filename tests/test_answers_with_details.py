"""Issue 10, everyday answers: details in the same message as an answer are kept.

At any question, once the asked slot is read, the rest of the message goes through the
``capture:`` of the other slots (the phone after a name, a name after an address), so that the
questions asking them are skipped, and one line says what else was kept. A business comes in a
sentence ("ho una pasticceria a catania", "I own a wine bar in Noto"): its framing phrase is
dropped, everywhere. A choice question may propose the answer given elsewhere (``suggest:``):
the contact form's platform offers the projection's. Every example in Italian and in English.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import load_content
from bot.base.problems import Pos
from bot.content.model import AskSpec
from bot.core.slot_types import DEFAULT_SLOT_TYPES
from bot.understanding.business import find_business
from bot.understanding.lang import BUILTIN_PACKS
from tests.conftest import ROOT, Chat, build_engine

PACKS = list(BUILTIN_PACKS.values())
P = Pos("t.yaml", 1, 1)
BUSINESS = AskSpec(slot="business", type="business", pos=P)
GOT = {"it": "Segnato: {} 👍", "en": "Got it: {} 👍"}
LEAVE = {"it": "✍️ Lascia i tuoi contatti", "en": "✍️ Leave your details"}
START = {"it": "Iniziamo", "en": "Let's go"}
GROWTH_QUESTION = {
    "it": "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?",
    "en": "I have 800 followers on instagram, how long to reach 10k with 200 euros a month?",
}


async def at_name_question(tmp_path: Path, lang: str) -> Chat:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.press(LEAVE[lang])
    result = await chat.press(START[lang])
    assert result.state == "lead_name", chat.texts
    return chat


# -- 1. details after the answer -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message", "name", "slot", "value", "via"),
    [
        ("en", "I'm Tom Hardy, call me on +44 7700 900123", "Tom Hardy", "phone",
         "+447700900123", "phone"),
        ("it", "mi chiamo Tom Hardy, chiamami al +39 333 123 4567", "Tom Hardy", "phone",
         "+393331234567", "phone"),
        ("it", "mi chiamo anna bruno, scrivimi a anna@bruno.it", "Anna Bruno", "email",
         "anna@bruno.it", "email"),
        ("en", "my name is anna bruno, email me at anna@bruno.co.uk", "Anna Bruno", "email",
         "anna@bruno.co.uk", "email"),
    ],
)  # fmt: skip
async def test_a_contact_given_with_the_name_is_kept_and_not_asked_again(
    tmp_path: Path, lang: str, message: str, name: str, slot: str, value: str, via: str
) -> None:
    chat = await at_name_question(tmp_path, lang)
    result = await chat.say(message)
    assert result.slots["name"] == name
    assert result.slots[slot] == value and result.slots["contact_via"] == via
    assert GOT[lang].format(value) in chat.texts  # the extra detail only: not the name
    assert not any(name in text and text.startswith(GOT[lang][:5]) for text in chat.texts)
    assert result.state == "lead_business"
    await chat.say("Bar Ferro")
    result = await chat.press("Instagram")
    assert result.state == "lead_consent"  # "what number / which address?" skipped
    result = await chat.say("sì" if lang == "it" else "yes")
    assert [item.kind for item in result.outbox] == ["lead"]
    assert result.slots[slot] == value


@pytest.mark.parametrize(
    ("lang", "message", "email", "name"),
    [
        ("it", "anna@bruno.it, sono Anna Bruno", "anna@bruno.it", "Anna Bruno"),
        ("en", "anna@bruno.co.uk, I'm Anna Bruno", "anna@bruno.co.uk", "Anna Bruno"),
    ],
)
async def test_a_name_given_with_an_address_at_a_later_question_is_kept(
    tmp_path: Path, lang: str, message: str, email: str, name: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.say("scrivetemi a x@y.it" if lang == "it" else "email me at x@y.com")
    result = await chat.say(message)
    assert result.slots["email"] == email
    assert result.slots["name"] == name


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_free_text_answer_kept_whole_captures_nothing_twice(
    tmp_path: Path, lang: str
) -> None:
    chat = await at_name_question(tmp_path, lang)
    await chat.say("Anna Bruno")
    typed = "Bar Ferro di mi chiamo Mario" if lang == "it" else "Sono Io srl"
    result = await chat.say(typed)
    assert result.slots["business"] == typed
    assert result.slots["name"] == "Anna Bruno"
    assert not any(text.startswith(GOT[lang][:5]) for text in chat.texts)


async def test_a_number_answer_keeps_a_contact_in_the_same_message(tmp_path: Path) -> None:
    for lang, message in (
        ("it", "800, e scrivetemi a anna@bar.it"),
        ("en", "800, and email me at anna@bar.it"),
    ):
        chat = Chat(build_engine(ROOT, tmp_path / f"{lang}.db"), language_code=lang)
        await chat.say("/start")
        await chat.say("ho 800 follower su instagram" if lang == "it" else "I have 800 followers")
        asked = chat.last
        assert asked is not None and asked.state.startswith("ask_")
        result = await chat.say(message)
        assert result.slots["email"] == "anna@bar.it"
        assert GOT[lang].format("anna@bar.it") in chat.texts


# -- 2. a business in a sentence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "business"),
    [
        ("ho una pasticceria a catania", "Pasticceria a Catania"),
        ("abbiamo un b&b a cefalu", "B&B a Cefalu"),
        ("gestisco un'enoteca a noto, e vorrei crescere", "Enoteca a Noto"),
        ("Ciao, sono Marco e ho un bar", "Bar"),
        ("lavoro come fotografa a ragusa", "Fotografa a Ragusa"),
        ("I run a gelato shop in Siracusa", "Gelato shop in Siracusa"),
        ("I'm Luca Ferro, I own a wine bar in Noto", "Wine bar in Noto"),
        ("we run a b&b near palermo and we want more bookings", "B&B near Palermo"),
        ("my business is a yoga studio", "Yoga studio"),
    ],
)
def test_a_business_is_read_after_its_framing_phrase(text: str, business: str) -> None:
    assert find_business(text, PACKS, anywhere=True) == business


@pytest.mark.parametrize(
    "text",
    [
        "ho una domanda",
        "ho un budget di 200 euro",
        "ho 800 follower",
        "ho una pagina instagram",
        "I have a question about prices",
        "I have a page with 800 followers",
        "B&B Il Gelso",
        "Sono Io srl",
    ],
)
def test_no_business_where_none_is_introduced(text: str) -> None:
    assert find_business(text, PACKS, anywhere=True) is None


@pytest.mark.parametrize(
    ("lang", "text", "kept"),
    [
        ("it", "ho una pasticceria a catania", "Pasticceria a Catania"),
        ("it", "abbiamo un b&b a cefalu", "B&B a Cefalu"),
        ("it", "B&B Il Gelso", "B&B Il Gelso"),
        ("it", "Sono Io srl", "Sono Io srl"),
        ("en", "I run a gelato shop in Siracusa", "Gelato shop in Siracusa"),
        ("en", "we're a family-run bakery", "Family-run bakery"),
        ("en", "Yoga by the Sea", "Yoga by the Sea"),
    ],
)
def test_at_the_business_question_the_lead_in_is_dropped(lang: str, text: str, kept: str) -> None:
    assert DEFAULT_SLOT_TYPES.parse(BUSINESS, text, lang).value == kept


@pytest.mark.parametrize(
    ("lang", "message", "business"),
    [
        ("it", "ho una pasticceria a catania", "Pasticceria a Catania"),
        ("en", "I run a gelato shop in Siracusa", "Gelato shop in Siracusa"),
    ],
)
async def test_a_business_at_the_offer_is_kept_and_not_asked_again(
    tmp_path: Path, lang: str, message: str, business: str
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    result = await chat.say("scrivetemi a anna@bruno.it" if lang == "it" else "email me at a@b.com")
    # the address is kept either way; "email me at …" also reads as asking to leave details
    assert result.state in ("lead_offer", "lead_intro")
    result = await chat.say(message)
    assert GOT[lang].format(business) in chat.texts
    assert result.slots["business"] == business
    assert result.state == "lead_offer"
    await chat.press_id("lead.finish_button")  # finish the details
    result = await chat.say("Anna Bruno")
    assert result.state == "lead_platform"  # the business is known: not asked again


@pytest.mark.parametrize(
    ("lang", "message", "name", "business"),
    [
        ("it", "Sono Luca Ferro, ho un wine bar a Noto", "Luca Ferro", "Wine bar a Noto"),
        ("en", "I'm Luca Ferro, I own a wine bar in Noto", "Luca Ferro", "Wine bar in Noto"),
    ],
)
async def test_a_business_with_the_name_skips_the_business_question(
    tmp_path: Path, lang: str, message: str, name: str, business: str
) -> None:
    chat = await at_name_question(tmp_path, lang)
    result = await chat.say(message)
    assert result.slots["name"] == name and result.slots["business"] == business
    assert GOT[lang].format(business) in chat.texts
    assert result.state == "lead_platform"


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_question_is_no_business(tmp_path: Path, lang: str) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    result = await chat.say("ho una domanda" if lang == "it" else "I have a question")
    assert "business" not in result.slots


# -- 3. the platform of the projection proposed in the form -----------------------------------

PROPOSED = {"it": "Instagram, come nei conti", "en": "Instagram, same as before"}


async def at_lead_platform_after_projection(tmp_path: Path, lang: str) -> Chat:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.say(GROWTH_QUESTION[lang])
    result = await chat.say("3")
    assert result.state == "offer"
    await chat.press(LEAVE[lang].replace("✍️ ", "✍️ "))
    await chat.press(START[lang])
    await chat.say("Anna Bruno")
    result = await chat.say("Bar Ferro")
    assert result.state == "lead_platform"
    return chat


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_the_form_proposes_the_projections_platform(tmp_path: Path, lang: str) -> None:
    chat = await at_lead_platform_after_projection(tmp_path, lang)
    assert chat.buttons[0] == PROPOSED[lang]  # the proposal comes first
    assert "business_platform" not in chat.last.slots  # type: ignore[union-attr]
    result = await chat.press(PROPOSED[lang])
    assert result.slots["business_platform"] == "instagram"
    assert result.slots["platform"] == "instagram"
    assert result.state == "lead_contact_how"


@pytest.mark.parametrize(("lang", "yes"), [("it", "sì"), ("en", "yes")])
async def test_a_typed_yes_takes_the_proposed_platform(tmp_path: Path, lang: str, yes: str) -> None:
    chat = await at_lead_platform_after_projection(tmp_path, lang)
    result = await chat.say(yes)
    assert result.slots["business_platform"] == "instagram"
    assert result.state == "lead_contact_how"


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_another_platform_is_taken_and_the_projections_kept(
    tmp_path: Path, lang: str
) -> None:
    chat = await at_lead_platform_after_projection(tmp_path, lang)
    result = await chat.press("Facebook")
    assert result.slots["business_platform"] == "facebook"
    assert result.slots["platform"] == "instagram"  # never overwritten


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_no_proposal_without_a_projection(tmp_path: Path, lang: str) -> None:
    chat = await at_name_question(tmp_path, lang)
    await chat.say("Anna Bruno")
    result = await chat.say("Bar Ferro")
    assert result.state == "lead_platform"
    assert "Instagram" in chat.buttons and PROPOSED[lang] not in chat.buttons
    result = await chat.say("sì" if lang == "it" else "yes")
    assert result.state == "lead_platform"  # a yes to nothing is no answer


# -- staff mistakes ------------------------------------------------------------------------------


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


def test_suggest_on_a_free_text_question_is_refused_where_written(shipped_copy: Path) -> None:
    main = shipped_copy / "dialogs" / "main.yaml"
    edit(main, "      type: business  #", "      suggest: platform\n      type: business  #")
    line = line_of(main, "      suggest: platform")
    out = load_content(shipped_copy).problems.report()
    assert (
        f"dialogs/main.yaml:{line}:7: `suggest` in state `lead_business` only makes sense "
        "for a number, an amount of money or a choice"
    ) in out


def test_a_choice_suggestion_needs_its_label_in_every_language(shipped_copy: Path) -> None:
    common = shipped_copy / "locales" / "en" / "common.yaml"
    edit(common, '    choice: "{{ suggested }}, same as before"\n', "")
    main = shipped_copy / "dialogs" / "main.yaml"
    line = line_of(main, "suggest: platform")
    out = load_content(shipped_copy).problems.report()
    assert f"dialogs/main.yaml:{line}:16: the text `common.suggest.choice` is missing" in out
    assert "because of `suggest:` of a choice" in out
