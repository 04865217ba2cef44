"""A call asked for with its day and time in the same message ("can we book a call friday
3pm?", "possiamo sentirci giovedì pomeriggio?"): the time is kept as said, so the bot does not
ask "when?" again. A slot filler of the engine (``bot.core.engine.SlotFiller``).

The words are the language packs' (``LanguagePack.call_days``, ``call_day_parts``,
``call_clock_words``, ``call_clock_suffixes``), of every language at once: prospects mix them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.understanding.lang import LanguagePack
from bot.understanding.when import call_time, when_pattern

__all__ = ["CALL_INTENT", "CALL_SLOT", "call_time", "fill_call_time", "when_pattern"]

CALL_INTENT = "book_call"
CALL_SLOT = "call_when"
"""The answer to "when shall we call you?", kept as the prospect said it ("martedì pomeriggio")."""


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
