"""A call asked for with its day and time in the same message ("can we book a call friday
3pm?", "possiamo sentirci giovedì pomeriggio?"): the time is kept as said, so the bot does not
ask "when?" again. A slot filler of the engine (``bot.core.engine.SlotFiller``).

The words are those of the two shipped languages; like the growth cues they belong in the
language packs once a third language needs them.
"""

from __future__ import annotations

import re
from typing import Any

from bot.understanding.text import fold_accents

CALL_INTENT = "book_call"
CALL_SLOT = "call_when"
"""The answer to "when shall we call you?", kept as the prospect said it ("martedì pomeriggio")."""

_DAYS = (
    r"lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|lun|mar|mer|gio|ven|sab|dom|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|"
    r"thurs|fri|sat|sun|weekdays?|weekend|oggi|domani|dopodomani|stasera|stamattina|"
    r"today|tomorrow|tonight"
)
_PARTS = (
    r"mattina|mattinata|pomeriggio|sera|serata|pranzo|morning|afternoon|evening|lunchtime|"
    r"lunch|noon|mezzogiorno"
)
_CLOCK = (
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[:.]\d{2}|"
    r"(?:alle|verso le|dalle|at|around|after|before|dopo le|prima delle)\s+"
    r"\d{1,2}(?:[:.]\d{2})?(?:\s*(?:am|pm))?"
)
_WHEN = re.compile(rf"\b(?:{_DAYS}|{_PARTS})\b|{_CLOCK}", re.IGNORECASE)
_JOIN = re.compile(r"^[\s,]*(?:\w+[\s,]+){0,3}$")  # a few words between two parts of one time


def call_time(text: str) -> str | None:
    """The day and time a message names for a call ("friday 3pm", "giovedì pomeriggio verso
    le 4"), as written; None when it names none."""
    folded = fold_accents(text)
    if len(folded) != len(text):  # positions must map back to what the prospect wrote
        folded = text
    found = list(_WHEN.finditer(folded))
    if not found:
        return None
    start, end = found[0].start(), found[0].end()
    for match in found[1:]:
        if not _JOIN.match(folded[end : match.start()]):
            break
        end = match.end()
    return text[start:end].strip(" ,.?!") or None


def fill_call_time(analysis: Any, text: str, slots: dict[str, Any], dialog: str) -> list[str]:
    """A request for a call that says when fills ``call_when``; nothing else is touched."""
    if getattr(analysis, "intent", None) != CALL_INTENT:
        return []
    said = call_time(text)
    if said is None:
        return []
    slots[CALL_SLOT] = said
    return [CALL_SLOT]
