"""Checking a typed answer against the kind of question asked.

Each parser returns the value to keep, or ``None`` when the answer does not fit (the engine then
asks again with the state's ``retry`` text). Numbers and money come from the understanding
package so that "10k", "diecimila" and "€ 300" mean the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, process

from bot.content.model import AskSpec
from bot.content.templates import strip_tags
from bot.understanding.numbers import parse_money, parse_number
from bot.understanding.text import fold_accents

EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[A-Za-z]{2,24}$")
PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{6,24}$")
MAX_TEXT = 300

YES = {
    "si",
    "sì",
    "s",
    "yes",
    "y",
    "yep",
    "yeah",
    "ok",
    "okay",
    "certo",
    "certamente",
    "va bene",
    "d'accordo",
    "daccordo",
    "volentieri",
    "sure",
    "of course",
    "absolutely",
    "acconsento",
    "accetto",
    "i agree",
    "agree",
    "sisi",
    "si grazie",
    "yes please",
    "👍",
}
NO = {
    "no",
    "n",
    "nope",
    "nah",
    "non",
    "no grazie",
    "no thanks",
    "no thank you",
    "non voglio",
    "preferisco di no",
    "rather not",
    "never",
    "mai",
    "👎",
}


def fold(text: str) -> str:
    """Lowercase, without accents or surrounding punctuation: how people type on phones."""
    text = fold_accents(text.strip().lower())
    return re.sub(r"\s+", " ", text).strip(" .!?,;:")


# folded once, not on every answer
_FOLDED_YES = frozenset(fold(w) for w in YES)
_FOLDED_NO = frozenset(fold(w) for w in NO)


def parse_answer(spec: AskSpec, text: str, lang: str, option_labels: Sequence[str] = ()) -> Any:
    """The value for ``spec.slot``, or None when the text is not a valid answer."""
    text = text.strip()
    if not text:
        return None
    kind = spec.type
    if kind in ("number", "money") and re.match(r"^-\s*\d", text):
        return None  # a negative count or budget is a typo, not an answer
    if kind == "number":
        value = parse_number(text, lang)
        if value is None or value < 0:
            return None
        return _bounded(_tidy(value), spec)
    if kind == "money":
        money = parse_money(text, lang)
        if money is None or money.amount < 0:
            return None
        return _bounded(_tidy(money.amount), spec)
    if kind == "email":
        candidate = text.strip().strip("<>")
        return candidate if EMAIL.match(candidate) else None
    if kind == "phone":
        if not PHONE_CHARS.match(text):
            return None
        digits = re.sub(r"\D", "", text)
        if not 6 <= len(digits) <= 15:
            return None
        return ("+" if text.startswith("+") else "") + digits
    if kind == "yesno":
        folded = fold(text)
        if folded in _FOLDED_YES:
            return True
        if folded in _FOLDED_NO:
            return False
        return None
    if kind == "choice":
        return match_option(spec, text, option_labels)
    # free text: keep it readable and bounded
    cleaned = "".join(c for c in text if c == "\n" or unicodedata.category(c)[0] != "C")
    cleaned = cleaned.strip()
    return cleaned[:MAX_TEXT] if cleaned else None


def match_option(spec: AskSpec, text: str, labels: Sequence[str]) -> str | None:
    """A choice typed rather than pressed: by number, by value, by label, or nearly so."""
    folded = fold(text)
    values = [o.value for o in spec.options]
    if folded.isdigit() and 1 <= int(folded) <= len(values):
        return values[int(folded) - 1]
    candidates: dict[str, str] = {}
    for value, label in zip(values, list(labels) + [""] * len(values), strict=False):
        candidates[fold(value)] = value
        if label:
            candidates[fold(strip_tags(label))] = value
    if folded in candidates:
        return candidates[folded]
    best = process.extractOne(folded, list(candidates), scorer=fuzz.WRatio, score_cutoff=86)
    return candidates[best[0]] if best else None


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _bounded(value: float | int, spec: AskSpec) -> float | int | None:
    if spec.minimum is not None and value < spec.minimum:
        return None
    if spec.maximum is not None and value > spec.maximum:
        return None
    return value
