"""When a call is wanted, as a message says it: a day, a part of the day or an hour
("friday 3pm", "giovedì pomeriggio verso le 4"), in the words of the language packs
(``LanguagePack.call_days``, ``call_day_parts``, ``call_clock_words``,
``call_clock_suffixes``), of every language at once: prospects mix them.

Read by the agency's call slot (``bot.agency.calls``) and by the understanding, where a request
to talk to someone that names a day is a call to book (``bot.understanding.nlu``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.understanding.lang import LanguagePack, built_for_packs
from bot.understanding.patterns import phrase_alternation
from bot.understanding.text import fold_accents

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
