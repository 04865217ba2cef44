"""Yes and no as people say them, and "thanks" / "ok" on their own (``bot.understanding.yesno``)."""

from __future__ import annotations

import pytest

from bot.core.slot_types import parse_yesno
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack, with_words
from bot.understanding.yesno import read_acknowledgement, read_yesno, tokens

YES_IT = [
    "sì",
    "si certo",
    "sì, va bene",
    "certo che sì",
    "sì sì",
    "ok va bene",
    "Sìììì!",
    "vabbè",
    "d'accordo",
    "direi di sì",
    "assolutamente sì",
    "non c'è problema",
    "non ce problema",
    "nessun problema",
    "perché no?",
    "sì, non vedo l'ora",
    "sì grazie, procedete pure",
    "👍",
    "👍🏻",
]
NO_IT = [
    "no",
    "non adesso",
    "non ora",
    "nn ora",
    "no grazie",
    "meglio di no",
    "per ora no",
    "preferisco di no",
    "non direi di sì",
    "non ho detto di sì",
    "assolutamente no",
    "certo che no",
    "manco per sogno",
    "no, non adesso",
    "noooo",
    "mai",
]
NEITHER_IT = [
    "forse",
    "dipende",
    "sì e no",
    "boh",
    "non lo so",
    "non so",
    "non saprei",
    "non ho capito",
    "sì, ma no",
    "sì ma quanto costa?",
    "no, quanto costa?",
    "sì ma prima voglio sapere come usate i miei dati",
    "Pasticceria Bianchi",
    "",
]
YES_EN = [
    "yes",
    "yes, that's fine",
    "sure, go ahead",
    "yeah ok",
    "Yesss",
    "yep!",
    "of course",
    "absolutely",
    "no problem",
    "not a problem",
    "no worries",
    "why not",
    "why not?",
    "I don't mind",
    "i dont mind",
    "sounds good",
    "k",
    "y",
]
NO_EN = [
    "no",
    "not really",
    "not now",
    "I'd rather not",
    "I’d rather not",
    "no thanks",
    "nope",
    "nah",
    "absolutely not",
    "of course not",
    "definitely not",
    "not ok",
    "no way",
    "not at the moment",
    "n",
]
NEITHER_EN = [
    "maybe",
    "perhaps",
    "it depends",
    "yes and no",
    "I don't know",
    "idk",
    "dunno",
    "I'm not sure",
    "not sure",
    "yes, but not now",
    "yes but how much is it?",
    "what do you mean?",
    "my business is a bakery in Bath",
]


@pytest.mark.parametrize("text", YES_IT)
def test_italian_yes(text: str) -> None:
    assert read_yesno(text, "it") is True


@pytest.mark.parametrize("text", NO_IT)
def test_italian_no(text: str) -> None:
    assert read_yesno(text, "it") is False


@pytest.mark.parametrize("text", NEITHER_IT)
def test_italian_neither(text: str) -> None:
    assert read_yesno(text, "it") is None


@pytest.mark.parametrize("text", YES_EN)
def test_english_yes(text: str) -> None:
    assert read_yesno(text, "en") is True


@pytest.mark.parametrize("text", NO_EN)
def test_english_no(text: str) -> None:
    assert read_yesno(text, "en") is False


@pytest.mark.parametrize("text", NEITHER_EN)
def test_english_neither(text: str) -> None:
    assert read_yesno(text, "en") is None


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("yes, that's fine", "it", True),  # English typed in an Italian conversation
        ("not now", "it", False),
        ("no problem", "it", True),  # the reading that knows every word wins: English, a yes
        ("sì, va bene", "en", True),
        ("non adesso", "en", False),
        ("non c'è problema", "en", True),
        ("forse", "en", None),
    ],
)
def test_any_language_the_prospect_writes(text: str, lang: str, value: bool | None) -> None:
    assert read_yesno(text, lang) is value


def test_no_inside_a_yes_phrase_and_yes_after_a_negation() -> None:
    # the phrase wins over its own words: "non" and "no" here are not a no
    assert read_yesno("non c'è problema", "it") is True
    assert read_yesno("no problem", "en") is True
    # a negation turns around the yes after it, in the same clause only
    assert read_yesno("non direi di sì", "it") is False
    assert read_yesno("non ok", "it") is False
    assert read_yesno("not, yes", "en") is None  # a no, then a yes: neither
    # with nothing after it, a negation is a no on its own
    assert read_yesno("non", "it") is False
    assert read_yesno("absolutely not", "en") is False


def test_longest_phrase_wins_wherever_it_starts() -> None:
    # "i do" (yes) starts first, but "do not mind" is longer and overlaps it
    assert read_yesno("i do not mind", "en") is True
    assert read_yesno("i do", "en") is True


def test_staff_words_are_phrases_too() -> None:
    packs = {
        **BUILTIN_PACKS,
        "it": with_words(BUILTIN_PACKS["it"], yes=["sì dai"], no=["manco morto"]),
    }
    assert parse_yesno("sì dai", "it", packs) is True
    assert parse_yesno("ok, sì dai!", "it", packs) is True
    assert parse_yesno("manco morto", "it", packs) is False
    assert parse_yesno("guarda, manco morto", "it", packs) is False
    assert parse_yesno("manco morto", "it") is False  # "manco" is a negation anyway
    assert parse_yesno("sì dai", "it") is True  # "sì" + an unknown word


def test_a_third_language_pack_and_the_others() -> None:
    xx = LanguagePack("xx", yes=frozenset({"jawohl", "na klar"}), no=frozenset({"nixda"}))
    packs = {**BUILTIN_PACKS, "xx": xx}
    assert read_yesno("na klar!", "xx", packs) is True
    assert read_yesno("nixda", "xx", packs) is False
    assert read_yesno("sì, va bene", "xx", packs) is True  # Italian, from the Italian pack
    assert read_yesno("jawohl", "it", packs) is True


def test_tokens() -> None:
    en = BUILTIN_PACKS["en"]
    assert tokens("I don't know, c'è 👍🏻", en) == ["i", "do", "not", "know", "<,>", "ce", "👍"]
    assert tokens("Yesss!!", en) == ["yes", "<,>", "<,>"]
    assert tokens("y", en) == ["y"]  # an answer word is never read as a chat spelling ("why")
    assert tokens("nn ora", BUILTIN_PACKS["it"]) == ["non", "ora"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("grazie", "thanks"),
        ("grazie mille!", "thanks"),
        ("ok grazie 😊", "thanks"),
        ("thanks", "thanks"),
        ("thank you so much", "thanks"),
        ("thx", "thanks"),
        ("🙏", "thanks"),
        ("ok", "ok"),
        ("perfetto", "ok"),
        ("ottimo", "ok"),
        ("bene", "ok"),
        ("great", "ok"),
        ("cool", "ok"),
        ("got it", "ok"),
        ("👍", "ok"),
        ("ok?", None),
        ("grazie, quanto costa?", None),
        ("ok ciao", None),
        ("no", None),
        ("", None),
    ],
)
def test_acknowledgements(text: str, kind: str | None) -> None:
    assert read_acknowledgement(text, "it") == kind
    assert read_acknowledgement(text, "en") == kind
