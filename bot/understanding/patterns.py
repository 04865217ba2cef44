"""Regular expressions made of the language packs' words ("vi pag*", "verso le")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.understanding.text import fold_accents


def phrase_alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases`` (longest first): the words of a phrase apart by any
    spaces, a trailing "*" any ending, a word with accents also without; a never-matching
    pattern when there are none."""
    found: set[str] = set()
    for phrase in phrases:
        for variant in {phrase.lower(), fold_accents(phrase.lower())}:
            found.add(
                r"\s+".join(
                    re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
                    for w in variant.split()
                )
            )
    found.discard("")
    return "|".join(sorted(found, key=lambda p: (-len(p), p))) or "(?!)"
