"""A call asked for with its day and time in the same message ("can we book a call friday
3pm?", "possiamo sentirci giovedì pomeriggio?"): the time is kept as said, so the bot does not
ask "when?" again. A slot filler of the engine (``bot.core.engine.SlotFiller``).

The words are the language packs' (``LanguagePack.call_days``, ``call_day_parts``,
``call_clock_words``, ``call_clock_suffixes``), of every language at once: prospects mix them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.understanding.lang import LanguagePack, built_for_packs
from bot.understanding.patterns import phrase_alternation
from bot.understanding.text import fold_accents

CALL_INTENT = "book_call"
CALL_SLOT = "call_when"
"""The answer to "when shall we call you?", kept as the prospect said it ("martedì pomeriggio")."""

_JOIN = re.compile(r"^[\s,]*(?:\w+[\s,]+){0,3}$")  # a few words between two parts of one time


def when_pattern(packs: Mapping[str, LanguagePack] | None = None) -> re.Pattern[str]:
    """A day, a part of the day or an hour, in the words of all ``packs`` (default: the
    built-in ones), to match on text with its accents folded; built once per set of packs (a
    content reload makes new ones)."""
    return built_for_packs(packs, "call_time", _build_when)


def _build_when(chosen: tuple[LanguagePack, ...]) -> re.Pattern[str]:
    def words(*names: str) -> str:
        return phrase_alternation(
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
    return re.compile(rf"\b(?:{words('call_days', 'call_day_parts')})\b|{clock}", re.IGNORECASE)


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
