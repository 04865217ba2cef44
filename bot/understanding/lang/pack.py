"""The ``LanguagePack`` type (``bot.understanding.lang`` lists the packs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType


def wordset(text: str) -> frozenset[str]:
    """Word lists are written as plain text, a few per line, so they stay easy to read."""
    return frozenset(text.split())


@dataclass(frozen=True)
class LanguagePack:
    """The words of one language that the code (not the staff's texts) relies on."""

    code: str
    """The language's code in ``bot.languages``."""
    yes: frozenset[str] = frozenset()
    """Answers that mean yes to a yes/no question ("sì", "va bene"); compared folded."""
    no: frozenset[str] = frozenset()
    """Answers that mean no to a yes/no question ("no grazie"); compared folded."""
    markers: frozenset[str] = frozenset()
    """Frequent words (accents folded) that, in a chat, belong to this language only: language
    detection counts them."""
    weak_markers: frozenset[str] = frozenset()
    """Markers said in other languages too ("ciao", "hey"): weaker evidence."""
    stopwords: frozenset[str] = frozenset()
    """Lemmas that say nothing about what someone wants (question words deliberately absent)."""
    frame_words: frozenset[str] = frozenset()
    """Lemmas that frame a question without being its topic ("how", "posso")."""
    abbreviations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Chat spellings and what they stand for in this language ("nn" -> "non")."""
    number_language: str | None = None
    """The language text2num reads spelled numbers in ("diecimila"), None when it has none."""


def with_words(pack: LanguagePack, yes: Iterable[str] = (), no: Iterable[str] = ()) -> LanguagePack:
    """``pack`` with more yes/no words (staff's ``words.yaml``)."""
    return replace(pack, yes=pack.yes | frozenset(yes), no=pack.no | frozenset(no))
