"""Every number in a text, and the one quantity a typed answer gives: ``parse_number`` ("how
many followers?"), ``parse_money`` ("what budget?"); None when the answer is unclear (two
different numbers, none at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.understanding.lang import BUILTIN_PACKS, LanguagePack, built_once, spell_word
from bot.understanding.numbers.fees import find_cues, governing_cue
from bot.understanding.numbers.lexer import Tok, lex
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


_CONTRACTED = {"don": "do", "doesn": "does", "didn": "did", "won": "will", "can": "can"}


def _phrase_words(toks: list[Tok], pack: LanguagePack) -> list[tuple[str, int]]:
    """The words of ``toks`` with their token index, chat spellings written out with ``pack``
    ("nn" -> "non") and "don't" read as "do not", to find the pack's phrases in them."""
    out: list[tuple[str, int]] = []
    for i, t in enumerate(toks):
        if t.kind not in ("word", "num"):
            continue
        if t.low == "t" and out and i > 0 and toks[i - 1].low == "'" and out[-1][0][-1:] == "n":
            word = out[-1][0]
            out[-1] = (_CONTRACTED.get(word, word[:-1]), out[-1][1])
            out.append(("not", i))
            continue
        out.extend((w, i) for w in spell_word(t.low, pack).split())
    return out


def _zero_phrases(pack: LanguagePack) -> list[tuple[str, ...]]:
    """The pack's ``zero_phrases`` as word tuples, longest first (built once per pack)."""
    return built_once(pack, "zero_phrases", _build_zero_phrases)


def _build_zero_phrases(pack: LanguagePack) -> list[tuple[str, ...]]:
    phrases = {tuple(w for w, _i in _phrase_words(lex(p.lower()), pack)) for p in pack.zero_phrases}
    return sorted(phrases, key=len, reverse=True)


def zero_phrase(toks: list[Tok]) -> tuple[int, int] | None:
    """(first, last) token index of a phrase saying there is no money to spend ("non ho
    budget", "nn ho soldi", "I don't have a budget"; the packs' ``zero_phrases``), else None."""
    for pack in BUILTIN_PACKS.values():
        words = _phrase_words(toks, pack)
        plain = [w for w, _i in words]
        for phrase in _zero_phrases(pack):
            n = len(phrase)
            for k in range(len(plain) - n + 1):
                if tuple(plain[k : k + n]) == phrase:
                    return words[k][1], words[k + n - 1][1]
    return None


def parse_money(
    text: str, lang: str | None = None, packs: Mapping[str, LanguagePack] | None = None
) -> MoneyMention | None:
    """The budget a typed answer gives: a bare "300" is euro, "niente" is 0; None if unclear.
    ``to_agency`` when a fee cue of ``packs`` governs it ("pagandovi 400")."""
    return money_in(text, analyse(text, lang), packs)


def money_in(
    text: str, toks: list[Tok], packs: Mapping[str, LanguagePack] | None = None
) -> MoneyMention | None:
    """The one budget ``toks`` (of ``text``) give, as ``parse_money`` reads it; None if unclear."""
    nothing = zero_phrase(toks)
    if nothing is not None and not any(  # "non ho un euro": no number outside the phrase
        t.kind == "num" and not nothing[0] <= i <= nothing[1] for i, t in enumerate(toks)
    ):
        start, end = toks[nothing[0]].start, toks[nothing[1]].end
        return MoneyMention(0.0, "EUR", None, start, end, text[start:end])
    money = money_from_tokens(text, toks, packs)
    in_money = [(m.start, m.end) for m in money]
    loose = [
        (i, t, is_year)
        for i, t, is_year in count_candidates(text, toks)
        if not any(s <= t.start and t.end <= e for s, e in in_money)
        and not followed_by(toks, i, _NOT_MONEY_AFTER)
    ]
    values = {m.amount for m in money} | {t.value for _, t, is_year in loose if not is_year}
    if len(values) > 1:
        # "150 a voi e 100 di pubblicità": the one amount for ads, when the others are ours
        ads = [m for m in money if not m.to_agency]
        if len(ads) == 1 and len(ads) < len(money) and not loose:
            return ads[0]
        # "£400, so about €460": the one amount in euro, when the others are in another currency
        euros = [m for m in money if m.currency == "EUR"]
        if len(euros) == 1 and len(money) > 1 and not loose and _said_currency(text, euros[0]):
            return euros[0]
        return None
    if money:
        return money[0]
    best = single(loose)
    if best is not None:
        start, end = best.start, best.end
        at = next(i for i, t in enumerate(toks) if t is best)
        to_agency = governing_cue(toks, at, at, find_cues(toks, packs)) is True
        return MoneyMention(best.value, "EUR", None, start, end, text[start:end], to_agency)
    if any(t.kind == "num" for t in toks):
        return None
    zero = zero_answer(toks)
    if zero is not None:
        return MoneyMention(0.0, "EUR", None, zero.start, zero.end, text[zero.start : zero.end])
    return None


def _said_currency(text: str, mention: MoneyMention) -> bool:
    """The euro amount was written as euro ("€460", "460 eur"), not just taken as euro."""
    said = text[mention.start : mention.end].lower()
    return "€" in said or "eur" in said
