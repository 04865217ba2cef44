"""The growth slot filler and the call-time reader read with the language packs' words.

Their word lists (today's count and the target, "40k more", what is posted and how often, days
and hours for a call) are ``LanguagePack`` fields in ``bot/understanding/lang/it.py`` and
``en.py``; the readers use the packs of every language at once, for prospects mix them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.agency.calls import call_time, fill_call_time, when_pattern
from bot.growth.slot_filling import GROWTH_INTENT, fill_growth_slots, growth_cues
from bot.understanding.entities import extract_entities
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack

READER_FIELDS = (
    "current_cues",
    "target_cues",
    "more_cues",
    "more_cues_before",
    "follower_words",
    "posting_words",
    "content_words",
    "posting_verbs",
    "posting_lead_words",
    "period_words",
    "period_links",
    "call_days",
    "call_day_parts",
    "call_clock_words",
)


class _Analysis:
    def __init__(self, text: str, lang: str, intent: str = GROWTH_INTENT) -> None:
        self.intent = intent
        self.text = text
        self.lang = lang
        self.entities = extract_entities(text, lang)


def _fill(text: str, lang: str, packs: Any = None) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    fill_growth_slots(_Analysis(text, lang), text, slots, "main", packs)
    return slots


@pytest.mark.parametrize("code", sorted(BUILTIN_PACKS))
@pytest.mark.parametrize("name", READER_FIELDS)
def test_every_built_in_language_has_the_readers_words(code: str, name: str) -> None:
    assert getattr(BUILTIN_PACKS[code], name), f"{code}.{name} is empty"


def test_the_hour_words_of_english_are_its_own() -> None:
    assert BUILTIN_PACKS["en"].call_clock_suffixes >= {"am", "pm"}
    assert not BUILTIN_PACKS["it"].call_clock_suffixes  # "alle 15", no am/pm in Italian


@pytest.mark.parametrize(
    ("text", "lang", "current", "target"),
    [
        # the cues of both languages in one message, whichever the conversation's
        ("ne ho 5000 and I want 3000", "it", 5000, 3000),
        ("I have 5000, ne voglio 3000", "en", 5000, 3000),
        ("ho 2000 follower, want 40k more", "it", 2000, 42000),
        ("got 2000 followers, ne voglio altri 40k", "en", 2000, 42000),
        ("ho 2000 follower e ne voglio 3000 in piu", "it", 2000, 5000),
        ("ho 2000 follower e ne voglio 3000 di più", "it", 2000, 5000),
    ],
)
def test_follower_cues_of_every_language(text: str, lang: str, current: int, target: int) -> None:
    slots = _fill(text, lang)
    assert (slots["current_followers"], slots["target_followers"]) == (current, target)


@pytest.mark.parametrize(
    ("text", "lang", "posts"),
    [
        ("we post 3 reel al giorno, got 800 followers, how long till 5k?", "en", 21),
        ("pubblichiamo twice a day, ho 800 follower, quando arrivo a 5000?", "it", 14),
        ("posto 2 times a week, ho 800 follower, quando arrivo a 5000?", "it", 2),
    ],
)
def test_posting_words_of_every_language(text: str, lang: str, posts: float) -> None:
    assert _fill(text, lang)["posts_per_week"] == posts


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("domani at 3pm?", "domani at 3pm"),
        ("friday pomeriggio verso le 4", "friday pomeriggio verso le 4"),
        ("giovedì 10:30", "giovedì 10:30"),
    ],
)
def test_call_words_of_every_language(text: str, said: str) -> None:
    assert call_time(text) == said


def _spanish() -> dict[str, LanguagePack]:
    """A third language, as a pack would add it: its words are read with no code change."""
    es = LanguagePack(
        "es",
        current_cues=frozenset({"tengo", "tenemos"}),
        target_cues=frozenset({"quiero", "llegar a"}),
        more_cues=frozenset({"más"}),
        posting_verbs=frozenset({"publico", "publicamos"}),
        posting_words=frozenset({"post", "posts"}),
        period_words={"semana": "week", "día": "day"},
        period_links=frozenset({"a la", "al", "cada"}),
        call_days=frozenset({"lunes", "miércoles", "mañana"}),
        call_day_parts=frozenset({"tarde"}),
        call_clock_words=frozenset({"a las"}),
    )
    return {**BUILTIN_PACKS, "es": es}


def test_a_new_language_is_read_from_its_pack_alone() -> None:
    packs = _spanish()
    assert call_time("el miercoles por la tarde a las 5", packs) == "miercoles por la tarde a las 5"
    assert call_time("el miércoles a las 5", packs) == "miércoles a las 5"
    assert call_time("el miércoles a las 5") is None  # not a built-in language's words
    slots = _fill("tengo 5000 y quiero 3000, publicamos 4 posts a la semana", "en", packs)
    assert (slots["current_followers"], slots["target_followers"]) == (5000, 3000)
    assert slots["posts_per_week"] == 4
    assert _fill("tengo 2000, quiero 3000 más", "en", packs)["target_followers"] == 5000


def test_the_call_filler_takes_packs_too() -> None:
    slots: dict[str, Any] = {}
    analysis = _Analysis("hablamos el lunes a las 5?", "en", intent="book_call")
    filled = fill_call_time(analysis, analysis.text, slots, "main", _spanish())
    assert filled == ["call_when"]
    assert slots == {"call_when": "lunes a las 5"}


def test_patterns_are_built_once_per_set_of_packs() -> None:
    assert growth_cues() is growth_cues(BUILTIN_PACKS)
    assert when_pattern() is when_pattern(BUILTIN_PACKS)
    # a content reload makes new packs (staff words): the patterns are built again
    reloaded = {code: replace(pack) for code, pack in BUILTIN_PACKS.items()}
    assert growth_cues(reloaded) is not growth_cues()
    assert when_pattern(reloaded).pattern == when_pattern().pattern  # the same words
    assert growth_cues(reloaded) is growth_cues(reloaded)


def test_no_packs_no_words() -> None:
    assert call_time("venerdì pomeriggio", {}) is None
    assert call_time("alle 15:30", {}) == "15:30"  # a clock time needs no words
    assert "posts_per_week" not in _fill("posto 3 volte a settimana, ho 800 follower", "it", {})
    said = "ne ho 5000 e ne voglio 3000"
    slots = _fill(said, "it", {})  # no cues: the smaller is today's
    assert (slots["current_followers"], slots["target_followers"]) == (3000, 5000)
    slots = _fill(said, "it")
    assert (slots["current_followers"], slots["target_followers"]) == (5000, 3000)
