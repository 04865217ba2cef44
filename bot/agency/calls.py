"""A call asked for with its day and time in the same message ("can we book a call friday
3pm?", "possiamo sentirci giovedì pomeriggio?"): the time is kept as said, so the bot does not
ask "when?" again. A slot filler of the engine (``bot.core.engine.SlotFiller``).

The words are the language packs' (``LanguagePack.call_days``, ``call_day_parts``,
``call_clock_words``, ``call_clock_suffixes``), of every language at once: prospects mix them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.understanding.lang import BUILTIN_PACKS, LanguagePack
from bot.understanding.text import fold_accents

CALL_INTENT = "book_call"
CALL_SLOT = "call_when"
"""The answer to "when shall we call you?", kept as the prospect said it ("martedì pomeriggio")."""

_JOIN = re.compile(r"^[\s,]*(?:\w+[\s,]+){0,3}$")  # a few words between two parts of one time
_WHENS: dict[tuple[int, ...], tuple[tuple[LanguagePack, ...], re.Pattern[str]]] = {}


def when_pattern(packs: Mapping[str, LanguagePack] | None = None) -> re.Pattern[str]:
    """A day, a part of the day or an hour, in the words of all ``packs`` (default: the
    built-in ones), to match on text with its accents folded; built once per set of packs (a
    content reload makes new ones)."""
    chosen = tuple((BUILTIN_PACKS if packs is None else packs).values())
    key = tuple(map(id, chosen))
    found = _WHENS.get(key)
    if found is not None and all(map(operator.is_, found[0], chosen)):
        return found[1]

    def words(*names: str) -> str:
        return _alternation(
            fold_accents(w.lower())
            for pack in chosen
            for name in names
            for w in getattr(pack, name)
        )

    hour = r"\d{1,2}(?:[:.]\d{2})?"
    suffix = words("call_clock_suffixes")
    # whole words only: "con 3 amici" is no "3 am", "palle 3" no "alle 3"
    end = r"(?![\w])"
    clock = (
        rf"\b{hour}\s*(?:{suffix}){end}|\b\d{{1,2}}[:.]\d{{2}}\b|"
        rf"\b(?:{words('call_clock_words')})\s+{hour}(?:\s*(?:{suffix}){end})?"
    )
    pattern = re.compile(rf"\b(?:{words('call_days', 'call_day_parts')})\b|{clock}", re.IGNORECASE)
    if len(_WHENS) > 32:
        _WHENS.clear()
    _WHENS[key] = (chosen, pattern)
    return pattern


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases``, longest first, their words apart by any spaces; a
    never-matching pattern when there are none."""
    found = {r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases} - {""}
    return "|".join(sorted(found, key=lambda p: (-len(p), p))) or "(?!)"


def call_time(text: str, packs: Mapping[str, LanguagePack] | None = None) -> str | None:
    """The day and time a message names for a call ("friday 3pm", "giovedì pomeriggio verso
    le 4"), as written; None when it names none. The words are those of all ``packs``
    (default: the built-in ones)."""
    folded = fold_accents(text)
    if len(folded) != len(text):  # positions must map back to what the prospect wrote
        folded = text
    found = list(when_pattern(packs).finditer(folded))
    if not found:
        return None
    start, end = found[0].start(), found[0].end()
    for match in found[1:]:
        if not _JOIN.match(folded[end : match.start()]):
            break
        end = match.end()
    return text[start:end].strip(" ,.?!") or None


def fill_call_time(
    analysis: Any,
    text: str,
    slots: dict[str, Any],
    dialog: str,
    packs: Mapping[str, LanguagePack] | None = None,
) -> list[str]:
    """A request for a call that says when fills ``call_when``; nothing else is touched."""
    if getattr(analysis, "intent", None) != CALL_INTENT:
        return []
    said = call_time(text, packs)
    if said is None:
        return []
    slots[CALL_SLOT] = said
    return [CALL_SLOT]
