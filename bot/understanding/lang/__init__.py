"""Language packs: the words the bot needs to know per language, as data.

One module per language (``it.py``, ``en.py``) defines a ``LanguagePack``: the yes/no words typed
answers are checked against, the markers that tell which language a message is in, the
stopwords, frame words and chat abbreviations of the understanding, and the language text2num
reads number words in. ``BUILTIN_PACKS`` lists them by language code (``bot.languages``).

A language without a pack still works: ``pack_for`` returns an empty pack, so the bot
understands buttons, digits and the other languages' yes/no words. Staff may add yes/no words
per language in ``locales/<code>/words.yaml`` (``bot.content.words``), merged with ``with_words``.

The morphology in ``bot.understanding.text`` (Italian participles, English "-ing") and the
intent matcher (examples per language in ``intents.yaml``) are code, not word lists: they stay
for the languages simplemma and the intents file cover (``NLU_LANGUAGES``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from bot.understanding.lang import en, it
from bot.understanding.lang.pack import (
    MOVE_WORDS,
    LanguagePack,
    built_once,
    spell_out,
    spell_word,
    with_money_cues,
    with_move_words,
    with_slot_words,
    with_words,
    wordset,
)

__all__ = [
    "BUILTIN_PACKS",
    "MOVE_WORDS",
    "NLU_LANGUAGES",
    "LanguagePack",
    "built_for_packs",
    "built_once",
    "pack_for",
    "packs_first",
    "spell_out",
    "spell_word",
    "with_money_cues",
    "with_move_words",
    "with_slot_words",
    "with_words",
    "wordset",
]

BUILTIN_PACKS: Mapping[str, LanguagePack] = MappingProxyType(
    {pack.code: pack for pack in (it.PACK, en.PACK)}
)
"""The packs shipped with the bot, by language code. List a new language's pack here."""

NLU_LANGUAGES: tuple[str, ...] = ("it", "en")
"""The languages of the free-text understanding: simplemma's lemmas, the morphology rules in
``bot.understanding.text`` and the examples of ``intents.yaml``. Other registered languages are
spoken (texts, buttons, typed answers) but free text in them is read as one of these."""


def pack_for(code: str | None, packs: Mapping[str, LanguagePack] | None = None) -> LanguagePack:
    """The pack of ``code`` in ``packs`` (default: the built-in ones), or an empty one."""
    found = (BUILTIN_PACKS if packs is None else packs).get(code or "")
    return found if found is not None else LanguagePack(code or "")


def packs_first(lang: str, packs: Mapping[str, LanguagePack] | None = None) -> list[LanguagePack]:
    """The pack of ``lang``, then the others of ``packs`` (default: the built-in ones): readers
    try the conversation's language first, then the others, for prospects mix them."""
    table = BUILTIN_PACKS if packs is None else packs
    return [pack_for(lang, table), *(p for code, p in table.items() if code != lang)]


_T = TypeVar("_T")
_FOR_PACKS: dict[tuple[str, tuple[int, ...]], tuple[tuple[LanguagePack, ...], Any]] = {}


def built_for_packs(
    packs: Mapping[str, LanguagePack] | None,
    name: str,
    build: Callable[[tuple[LanguagePack, ...]], _T],
) -> _T:
    """``build(packs)`` for a set of packs (default: the built-in ones), computed once per set
    and ``name``: the readers' tables and patterns made of the words of every language (a
    content reload makes new packs, and so a new build)."""
    chosen = tuple((BUILTIN_PACKS if packs is None else packs).values())
    key = (name, tuple(map(id, chosen)))
    found = _FOR_PACKS.get(key)
    if found is not None and all(map(operator.is_, found[0], chosen)):
        return found[1]
    value = build(chosen)
    if len(_FOR_PACKS) > 64:  # content reloads make new packs; keep the cache small
        _FOR_PACKS.clear()
    _FOR_PACKS[key] = (chosen, value)
    return value
