"""Every number in a text, and the one quantity a typed answer gives: ``parse_number`` ("how
many followers?"), ``parse_money`` ("what budget?"); None when the answer is unclear (two
different numbers, none at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.numbers.lexer import Tok
from bot.understanding.numbers.money import MoneyMention, money_from_tokens
from bot.understanding.numbers.number_words import (
    COUNTABLE,
    TIME_UNITS,
    analyse,
    followed_by,
    is_percent,
    pack_set,
)


@dataclass(frozen=True)
class NumberMention:
    """A number as written in the text; ``start``/``end`` index the original string."""

    value: float
    start: int
    end: int
    text: str


def find_numbers(text: str, lang: str | None = None) -> list[NumberMention]:
    """Every number in the text, in order (phone numbers, dates and clock times excluded)."""
    return [
        NumberMention(t.value, t.start, t.end, text[t.start : t.end])
        for t in analyse(text, lang)
        if t.kind == "num"
    ]


_YEAR_PREPS = {"nel", "dal", "del", "dall", "nell", "since", "in", "from", "il", "entro", "by"}


_ZERO_WORDS = {"zero", "niente", "nulla", "nothing", "none", "nessuno", "nada"} | pack_set(
    "zero_words"
)
NOT_A_COUNT_AFTER = set(TIME_UNITS) | {"volte", "times", "ore", "hours", "minuti", "am", "pm"}
_RANGE_LINKS = {"-", "–", "o", "or", "a", "to", "e", "and", "/"}
# Nouns that say a bare number is a count of something, so not a budget.
_NOT_MONEY_AFTER = COUNTABLE - {"euro", "mila", "milioni", "k"}


def count_candidates(text: str, toks: list[Tok]) -> list[tuple[int, Tok, bool]]:
    """Numbers that could answer "how many?": not money, not percentages, not durations."""
    money = money_from_tokens(text, toks)
    in_money = {(m.start, m.end) for m in money}
    found: list[tuple[int, Tok, bool]] = []
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i) or followed_by(toks, i, NOT_A_COUNT_AFTER):
            continue
        if (  # "tre o quattro mesi": the first end of a range of durations
            i + 3 < len(toks)
            and toks[i + 1].low in _RANGE_LINKS
            and toks[i + 2].kind == "num"
            and toks[i + 3].low in NOT_A_COUNT_AFTER
        ):
            continue
        if any(s <= t.start and t.end <= e for s, e in in_money):
            continue
        is_year = (
            not t.spelled
            and t.value.is_integer()
            and 1900 <= t.value <= 2100
            and i > 0
            and toks[i - 1].low in _YEAR_PREPS
        )
        found.append((i, t, is_year))
    return found


def single(candidates: list[tuple[int, Tok, bool]]) -> Tok | None:
    """The one value left once years ("800 follower dal 2019") are set aside, else None."""
    counts = [t for _, t, is_year in candidates if not is_year]
    if not counts or len({t.value for t in counts}) != 1:
        return None
    return counts[0]


def zero_answer(toks: list[Tok]) -> Tok | None:
    """The first word meaning none ("zero", "niente", "nothing"), else None."""
    return next((t for t in toks if t.kind == "word" and t.low in _ZERO_WORDS), None)


def parse_number(text: str, lang: str | None = None) -> float | None:
    """The one count a typed answer gives ("circa 800" -> 800); None if absent or ambiguous."""
    toks = analyse(text, lang)
    if any(t.kind == "num" for t in toks):
        best = single(count_candidates(text, toks))
        return best.value if best is not None else None
    return 0.0 if zero_answer(toks) is not None else None


_NO_BUDGET = re.compile(r"\b(?:no|non ho(?: un)?|nessun|zero|senza)\s+budget\b", re.IGNORECASE)


def parse_money(text: str, lang: str | None = None) -> MoneyMention | None:
    """The budget a typed answer gives: a bare "300" is euro, "niente" is 0; None if unclear."""
    return money_in(text, analyse(text, lang))


def money_in(text: str, toks: list[Tok]) -> MoneyMention | None:
    """The one budget ``toks`` (of ``text``) give, as ``parse_money`` reads it; None if unclear."""
    money = money_from_tokens(text, toks)
    in_money = [(m.start, m.end) for m in money]
    loose = [
        (i, t, is_year)
        for i, t, is_year in count_candidates(text, toks)
        if not any(s <= t.start and t.end <= e for s, e in in_money)
        and not followed_by(toks, i, _NOT_MONEY_AFTER)
    ]
    values = {m.amount for m in money} | {t.value for _, t, is_year in loose if not is_year}
    if len(values) > 1:
        return None
    if money:
        return money[0]
    best = single(loose)
    if best is not None:
        start, end = best.start, best.end
        return MoneyMention(best.value, "EUR", None, start, end, text[start:end])
    if any(t.kind == "num" for t in toks):
        return None
    zero = zero_answer(toks)
    if zero is None and (m := _NO_BUDGET.search(text)):
        return MoneyMention(0.0, "EUR", None, m.start(), m.end(), m.group())
    if zero is not None:
        return MoneyMention(0.0, "EUR", None, zero.start, zero.end, text[zero.start : zero.end])
    return None
