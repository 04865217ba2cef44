"""Numbers and money in what prospects type on a phone, in Italian and English.

People write "10k", "10.000", "1,5 mln", "diecimila" or "one and a half million" for the same kind
of quantity, and "€ 300", "300 al mese" or "$15" for money. Everything here works on one token
stream (``analyse``) so that numbers, money and time spans (see ``entities``) agree on where each
number starts and ends. Number words are read by text2num; this module only adds what text2num
does not know (scale suffixes, "e mezzo", "mezzo milione") and removes what it over-reads
("un post", "sei bravo", "grazie mille").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import text_to_num

from bot.understanding.lang import BUILTIN_PACKS, pack_for

__all__ = [
    "TIME_UNITS",
    "Amount",
    "MoneyMention",
    "NumberMention",
    "Tok",
    "analyse",
    "find_money",
    "find_numbers",
    "half_after",
    "is_percent",
    "money_from_tokens",
    "money_ranges",
    "parse_money",
    "parse_number",
    "read_count",
    "read_money",
]


@dataclass(frozen=True)
class NumberMention:
    """A number as written in the text; ``start``/``end`` index the original string."""

    value: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money; ``period`` is "month", "week", "year", "day" or None when unsaid."""

    amount: float
    currency: str
    period: str | None
    start: int
    end: int
    text: str


class Tok(NamedTuple):
    """One lexical unit; a NamedTuple because hundreds are built per message and must be cheap."""

    kind: str  # "word", "punct", "num" or "skip" (phone numbers, dates, glued junk)
    start: int
    end: int
    low: str  # lowercased text with curly apostrophes straightened
    value: float = 0.0
    scale: float = 1.0  # the multiplier the wording ended in: 1000 for "10k" and "diecimila"
    spelled: bool = False
    nwords: int = 0  # words text2num read, so single stray words ("un", "sei") can be judged


# --- lexing -------------------------------------------------------------------------------------

_LEX = re.compile(
    r"""
    (?P<num>(?<![\w.,])(?:[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3}(?![0-9]))+(?:[.,][0-9]+)?
                          |[0-9]{1,3}(?:['\u2019][0-9]{3}(?![0-9]))+(?:[.,][0-9]+)?
                          |[0-9]+(?:[.,][0-9]+)*))
    |(?P<word>[^\W\d_]+)
    |(?P<junk>\w+)
    |(?P<punct>\S)
    """,
    re.VERBOSE,
)
_INTL_PHONE = re.compile(r"(?<![\w+.,])(?:\+|00)\s?[0-9]{1,4}(?:[\s.\-/]?\(?[0-9]{1,6}\)?){2,6}")
_DATE = re.compile(
    r"(?<![\w.,/\-])(?:[0-9]{1,2}[./\-][0-9]{1,2}[./\-](?:[0-9]{4}|[0-9]{2})"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?![\w/]|[.,\-][0-9])"
)
_TIME = re.compile(
    r"(?<![\w.,:])(?:[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?|[0-9]{1,2} ?(?:[ap]m|[ap]\.m\.))(?![\w:])",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\w.,+])\(?[0-9][0-9()]*(?:[ \u00a0.\-/]\(?[0-9][0-9()]*)*(?!\w)")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:([ \u00a0.,])[0-9]{3})(?:\1[0-9]{3})*(?:[.,][0-9]+)?$")
_HAS_DIGIT = re.compile(r"[0-9]")
_MAX_VALUE = Decimal(10) ** 15  # past this a digit run is an identifier, and floats get silly
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})

# Multipliers written after a number: "10k", "10 mila", "1,5 mln", "1.2M", "2 milioni".
SCALE_WORDS: dict[str, float] = {
    "k": 1e3,
    "mila": 1e3,
    "mille": 1e3,
    "thousand": 1e3,
    "thousands": 1e3,
    "m": 1e6,
    "mln": 1e6,
    "milione": 1e6,
    "milioni": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "mld": 1e9,
    "miliardo": 1e9,
    "miliardi": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
}
_NOT_SUFFIX = {"mille"}  # "2 mille" is not Italian; "mille" only scales inside number words
_HALF_WORDS = {"mezzo", "half"}
# Words text2num reads as a number on their own that, alone, are nearly always something else:
# articles ("un post", "a month"), "o" (Italian "or", English "oh"), vague plurals ("millions").
_STANDALONE_STOP = {
    "un",
    "uno",
    "una",
    "one",
    "a",
    "an",
    "o",
    "oh",
    "tens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
}
TIME_UNITS: dict[str, float] = {  # months per unit; 30.4375 days is an average month
    "mese": 1.0,
    "mesi": 1.0,
    "month": 1.0,
    "months": 1.0,
    "settimana": 7 / 30.4375,
    "settimane": 7 / 30.4375,
    "week": 7 / 30.4375,
    "weeks": 7 / 30.4375,
    "anno": 12.0,
    "anni": 12.0,
    "year": 12.0,
    "years": 12.0,
    "yr": 12.0,
    "yrs": 12.0,
    "giorno": 1 / 30.4375,
    "giorni": 1 / 30.4375,
    "gg": 1 / 30.4375,
    "day": 1 / 30.4375,
    "days": 1 / 30.4375,
}
# After "sei" (six, but also "you are") one of these must follow for it to count as a number.
_COUNTABLE = set(TIME_UNITS) | {
    "follower",
    "followers",
    "seguaci",
    "iscritti",
    "fan",
    "post",
    "reel",
    "video",
    "storie",
    "volte",
    "euro",
    "mila",
    "milioni",
    "k",
    "ore",
    "persone",
    "clienti",
}
_ENGLISH_BARE = {"hundred", "thousand", "million", "billion"}
_ORDINAL_SUFFIX = {"st", "nd", "rd", "th", "º", "ª", "°"}


class _T2NToken:
    """The token protocol text2num's find_numbers calls (all three methods, or it panics)."""

    __slots__ = ("_sep", "_text")

    def __init__(self, text: str, sep: bool) -> None:
        self._text = text
        self._sep = sep

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return self._sep


def _langs(lang: str | None) -> tuple[str, ...]:
    """The requested language's number words first, the other packs' as fallback: prospects
    mix languages (text2num languages come from the packs, ``bot.understanding.lang``)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-", 1)[0]
    own = pack_for(code).number_language
    others = (p.number_language for p in BUILTIN_PACKS.values() if p.number_language)
    return tuple(dict.fromkeys([*([own] if own else []), *others]))


def _digits_value(raw: str) -> Decimal | None:
    """Three digits after one separator mean thousands ("10.000", "10,000"), else a decimal."""
    s = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    s = s.replace("'", "").replace("\u2019", "")  # Swiss thousands: "1'200"
    seps = [c for c in s if c in ".,"]
    try:
        if not seps:
            return Decimal(s)
        parts = re.split(r"[.,]", s)
        if len(set(seps)) == 1:
            if len(seps) == 1:
                head, tail = parts
                if len(tail) == 3 and len(head) <= 3 and head.strip("0"):
                    return Decimal(head + tail)
                return Decimal(head + "." + tail)
            if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
                return Decimal("".join(parts))
            return None
        point = seps[-1]
        if s.count(point) != 1:
            return None
        whole, frac = s.split(point)
        groups = re.split(r"[.,]", whole)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        return Decimal("".join(groups) + "." + frac)
    except (InvalidOperation, ValueError):
        return None


def _is_phone(run: str) -> bool:
    """Phones (and other codes) are long digit runs that are neither tidy thousands nor round."""
    digits = sum(c.isdigit() for c in run)
    if digits < 9:
        return False
    pieces = [p for p in re.split(r"\s*[-/]\s*", run) if p]  # "10.000-20.000" is a range
    return not all(_GROUPED.match(p) or p.endswith("00") for p in pieces)


def _masks(text: str) -> list[tuple[int, int]]:
    """Spans that look like numbers but are identifiers: phones, dates, clock times."""
    spans: list[tuple[int, int]] = []
    for m in _INTL_PHONE.finditer(text):
        if 8 <= sum(c.isdigit() for c in m.group()) <= 15:
            spans.append(m.span())
    for pattern in (_DATE, _TIME):
        spans.extend(m.span() for m in pattern.finditer(text))
    for m in _DIGIT_RUN.finditer(text):
        if _is_phone(m.group()):
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _lex(text: str) -> list[Tok]:
    masks = _masks(text) if _HAS_DIGIT.search(text) else []
    toks: list[Tok] = []
    pos = 0
    for mstart, mend in [*masks, (len(text), len(text))]:
        for m in _LEX.finditer(text, pos, mstart):
            kind = m.lastgroup or "punct"
            start, end = m.span()
            low = m.group().lower().translate(_APOSTROPHES)
            if kind == "num":
                value = _digits_value(m.group())
                if value is None or value > _MAX_VALUE:
                    toks.append(Tok("skip", start, end, low))
                else:
                    toks.append(Tok("num", start, end, low, float(value)))
            elif kind == "junk":
                toks.append(Tok("skip", start, end, low))
            else:
                toks.append(Tok(kind, start, end, low))
        if mstart < mend:
            toks.append(Tok("skip", mstart, mend, text[mstart:mend]))
        pos = mend
    return toks


# --- number words -------------------------------------------------------------------------------


def _scale_of_word(low: str) -> float:
    if low.endswith(("mila", "mille", "thousand", "thousands")):
        return 1e3
    if low.endswith(("milione", "milioni", "million", "millions")):
        return 1e6
    if low.endswith(("miliardo", "miliardi", "billion", "billions")):
        return 1e9
    return 1.0


def _spelled(toks: list[Tok], langs: tuple[str, ...]) -> list[Tok]:
    """Replace runs of number words by one "num" token, asking text2num in each language."""
    if not any(t.kind == "word" for t in toks):
        return toks
    stream = [
        _T2NToken(t.low, False) if t.kind in ("word", "punct") else _T2NToken("|", True)
        for t in toks
    ]
    readings = []
    for lang in langs:
        try:
            readings.append(text_to_num.find_numbers(stream, lang, 0))
        except BaseException as exc:  # the Rust side panics (a BaseException) on odd input
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
    # A word any language reads as an ordinal is no count: Italian reads "second" as 2.
    taken = [False] * len(toks)
    for occurrences in readings:
        for occ in occurrences:
            if occ.is_ordinal:
                taken[int(occ.start) : int(occ.end)] = [True] * (int(occ.end) - int(occ.start))
    found: list[tuple[int, int, float]] = []
    for occurrences in readings:
        for occ in occurrences:
            s, e = int(occ.start), int(occ.end)
            if occ.is_ordinal or e <= s or any(taken[s:e]):
                continue
            if e - s == 1 and toks[s].low in ("o", "oh"):
                continue  # Italian "o" (or) and "oh" are not zero
            taken[s:e] = [True] * (e - s)
            found.append((s, e, float(occ.value)))
    if not found:
        return toks
    found.sort()
    out: list[Tok] = []
    i = 0
    for s, e, value in found:
        out.extend(toks[i:s])
        words = [t for t in toks[s:e] if t.kind == "word"]
        last = words[-1].low if words else ""
        scale = _scale_of_word(last)
        if any(w.low in ("virgola", "point", "punto") for w in words) and value < scale:
            value *= scale  # text2num reads "uno virgola cinque milioni" as 1.5
        low = " ".join(w.low for w in words)
        out.append(Tok("num", toks[s].start, toks[e - 1].end, low, value, scale, True, len(words)))
        i = e
    out.extend(toks[i:])
    return out


def half_after(toks: list[Tok], j: int) -> int | None:
    """Index just past "e mezzo" / "and a half" starting at j, else None."""
    n = len(toks)
    if j + 1 < n and toks[j].low == "e" and toks[j + 1].low == "mezzo":
        return j + 2
    if j + 2 < n and toks[j].low == "and" and toks[j + 1].low == "a" and toks[j + 2].low == "half":
        return j + 3
    return None


def _scale_token(t: Tok) -> float:
    """The multiplier a bare scale word stands for ("milione", "million", "mila"), else 0."""
    if t.low in _NOT_SUFFIX:
        return 0.0
    if t.kind == "word":
        return SCALE_WORDS.get(t.low, 0.0)
    if t.kind == "num" and t.spelled and t.nwords == 1 and t.low in SCALE_WORDS:
        return SCALE_WORDS[t.low]
    return 0.0


def _suffix_scale(num: Tok, nxt: Tok, text: str) -> float:
    """Scale written right after a number; a lowercase "m" only counts glued on ("1.2m")."""
    scale = _scale_token(nxt)
    if not scale or nxt.start - num.end > 2:
        return 0.0
    if nxt.low == "m" and text[nxt.start : nxt.end] == "m" and nxt.start != num.end:
        return 0.0
    return scale


def _combine(toks: list[Tok], text: str) -> list[Tok]:
    """Apply what text2num leaves out: scale suffixes, halves, "mezzo milione", "a million"."""
    out: list[Tok] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.kind == "word" and t.low in _HALF_WORDS:  # "mezzo milione", "half a million"
            j = i + 1
            if t.low == "half" and j < n and toks[j].low == "a":
                j += 1
            if j < n and (scale := _scale_token(toks[j])):
                out.append(Tok("num", t.start, toks[j].end, t.low, 0.5 * scale, scale, True, 9))
                i = j + 1
                continue
        if t.kind != "num":
            out.append(t)
            i += 1
            continue
        value, scale, start, end, nwords, j = t.value, t.scale, t.start, t.end, t.nwords, i + 1
        if t.spelled and t.low in _ENGLISH_BARE and out and out[-1].low in ("a", "an"):
            start = out.pop().start  # "a million", "a thousand"
        half = half_after(toks, j)
        if scale == 1 and half is not None and half < n and (s2 := _scale_token(toks[half])):
            value, scale, end, j, nwords = (value + 0.5) * s2, s2, toks[half].end, half + 1, 9
        elif scale == 1 and j < n and (s2 := _suffix_scale(t, toks[j], text)):
            value, scale, end, j, nwords = value * s2, s2, toks[j].end, j + 1, 9
        if scale > 1 and (half := half_after(toks, j)) is not None:
            value, end, j, nwords = value + 0.5 * scale, toks[half - 1].end, half, 9
        out.append(
            t._replace(value=round(value, 6), scale=scale, start=start, end=end, nwords=nwords)
        )
        i = j
    return out


def _filter(toks: list[Tok]) -> list[Tok]:
    """Turn number readings that context contradicts back into plain words."""
    out: list[Tok] = []
    n = len(toks)
    content = sum(1 for t in toks if t.kind in ("word", "num"))
    for i, t in enumerate(toks):
        prev = out[-1] if out else None
        nxt = toks[i + 1] if i + 1 < n else None
        glued = nxt is not None and nxt.start == t.end
        if t.kind == "num" and not t.spelled and glued and nxt and nxt.low in _ORDINAL_SUFFIX:
            out.append(t._replace(kind="skip"))  # "1st", "3°"
            continue
        if t.kind == "num" and t.spelled and t.nwords == 1:
            prev_low = prev.low if prev is not None else ""
            next_low = nxt.low if nxt is not None else ""
            demote = (
                t.low in _STANDALONE_STOP
                or (t.low == "sei" and content > 1 and next_low not in _COUNTABLE)
                or (t.low == "mille" and "grazie" in (prev_low, next_low))
                or (
                    t.low == "cento"
                    and prev_low == "per"
                    and len(out) > 1
                    and out[-2].kind == "num"
                )
            )
            if demote:
                out.append(t._replace(kind="word", value=0.0, spelled=False))
                continue
        out.append(t)
    return out


def analyse(text: str, lang: str | None = None) -> list[Tok]:
    """The token stream every extractor here and in ``entities`` reads; never raises."""
    if not text:
        return []
    toks = _lex(text)
    toks = _spelled(toks, _langs(lang))
    toks = _combine(toks, text)
    return _filter(toks)


# --- numbers ------------------------------------------------------------------------------------


def find_numbers(text: str, lang: str | None = None) -> list[NumberMention]:
    """Every number in the text, in order (phone numbers, dates and clock times excluded)."""
    return [
        NumberMention(t.value, t.start, t.end, text[t.start : t.end])
        for t in analyse(text, lang)
        if t.kind == "num"
    ]


_PERCENT_WORDS = {"percent", "percento", "%"}
_YEAR_PREPS = {"nel", "dal", "del", "dall", "nell", "since", "in", "from", "il", "entro", "by"}


def _pack_map(name: str) -> dict[str, float]:
    """One word list of every language pack, merged: prospects mix languages."""
    merged: dict[str, float] = {}
    for pack in BUILTIN_PACKS.values():
        merged.update(getattr(pack, name))
    return merged


def _pack_set(name: str) -> frozenset[str]:
    return frozenset(w for pack in BUILTIN_PACKS.values() for w in getattr(pack, name))


_ZERO_WORDS = {"zero", "niente", "nulla", "nothing", "none", "nessuno", "nada"} | _pack_set(
    "zero_words"
)
_NOT_A_COUNT_AFTER = set(TIME_UNITS) | {"volte", "times", "ore", "hours", "minuti", "am", "pm"}
_RANGE_LINKS = {"-", "–", "o", "or", "a", "to", "e", "and", "/"}
# Nouns that say a bare number is a count of something, so not a budget.
_NOT_MONEY_AFTER = _COUNTABLE - {"euro", "mila", "milioni", "k"}


def _followed_by(toks: list[Tok], i: int, words: set[str]) -> bool:
    return i + 1 < len(toks) and toks[i + 1].low in words


def is_percent(toks: list[Tok], i: int) -> bool:
    if _followed_by(toks, i, _PERCENT_WORDS):
        return True
    return i + 2 < len(toks) and toks[i + 1].low == "per" and toks[i + 2].low in ("cento", "cent")


def _count_candidates(text: str, toks: list[Tok]) -> list[tuple[int, Tok, bool]]:
    """Numbers that could answer "how many?": not money, not percentages, not durations."""
    money = money_from_tokens(text, toks)
    in_money = {(m.start, m.end) for m in money}
    found: list[tuple[int, Tok, bool]] = []
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i) or _followed_by(toks, i, _NOT_A_COUNT_AFTER):
            continue
        if (  # "tre o quattro mesi": the first end of a range of durations
            i + 3 < len(toks)
            and toks[i + 1].low in _RANGE_LINKS
            and toks[i + 2].kind == "num"
            and toks[i + 3].low in _NOT_A_COUNT_AFTER
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


def _single(candidates: list[tuple[int, Tok, bool]]) -> Tok | None:
    """The one value left once years ("800 follower dal 2019") are set aside, else None."""
    counts = [t for _, t, is_year in candidates if not is_year]
    if not counts or len({t.value for t in counts}) != 1:
        return None
    return counts[0]


def _zero_answer(toks: list[Tok]) -> Tok | None:
    return next((t for t in toks if t.kind == "word" and t.low in _ZERO_WORDS), None)


def parse_number(text: str, lang: str | None = None) -> float | None:
    """The one count a typed answer gives ("circa 800" -> 800); None if absent or ambiguous."""
    toks = analyse(text, lang)
    if any(t.kind == "num" for t in toks):
        best = _single(_count_candidates(text, toks))
        return best.value if best is not None else None
    return 0.0 if _zero_answer(toks) is not None else None


# --- money --------------------------------------------------------------------------------------

_CURRENCY_AFTER: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "euri": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollari": "USD",
    "dollaro": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "sterline": "GBP",
    "sterlina": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
}
_CURRENCY_BEFORE = {"€": "EUR", "eur": "EUR", "euro": "EUR", "$": "USD", "usd": "USD"} | {
    "£": "GBP",
    "gbp": "GBP",
}


def _period_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Period phrases as token sequences, indexed by first token so a lookup costs one dict hit."""
    rows: list[tuple[str, str]] = [
        ("al mese|a mese|ogni mese|x mese|per mese|/ mese|mensili|mensile|/ m|/ mo|/ mth", "month"),
        ("a month|per month|every month|each month|/ month|monthly|p / m|pm|pcm", "month"),
        ("tutti i mesi", "month"),
        ("a settimana|alla settimana|ogni settimana|x settimana|per settimana", "week"),
        ("/ settimana|/ sett|settimanali|settimanale", "week"),
        ("a sett|alla sett|ogni sett|x sett|per sett", "week"),  # phone shorthand
        ("a week|per week|every week|each week|/ week|/ wk|weekly|a wk|per wk|/ w|p / w", "week"),
        ("tutte le settimane|pw", "week"),
        # "bisettimanale"/"biweekly" are left out: people use them for "twice a week" too
        ("ogni 15 giorni|ogni quindici giorni|ogni 2 settimane|ogni due settimane", "fortnight"),
        ("ogni 14 giorni|a quindicina|alla quindicina", "fortnight"),
        ("a fortnight|per fortnight|every fortnight|every 2 weeks|every two weeks", "fortnight"),
        ("a trimestre|al trimestre|ogni trimestre|per trimestre|x trimestre", "quarter"),
        ("/ trimestre|trimestrali|trimestrale|ogni 3 mesi|ogni tre mesi", "quarter"),
        ("a quarter|per quarter|every quarter|quarterly", "quarter"),
        ("every 3 months|every three months", "quarter"),
        ("a semestre|al semestre|ogni semestre|per semestre|x semestre|/ semestre", "half_year"),
        ("semestrali|semestrale|ogni 6 mesi|ogni sei mesi", "half_year"),
        ("every 6 months|every six months|every half year|per half year|half yearly", "half_year"),
        # phones often drop the apostrophe: "all anno", "l anno"
        ("all ' anno|l ' anno|all anno|l anno|ogni anno|x anno|per anno|/ anno", "year"),
        ("annui|annuali|annuale", "year"),
        ("a year|per year|per annum|every year|each year|/ year|/ yr|yearly|annually", "year"),
        ("tutti gli anni|p / a|pa", "year"),
        ("al giorno|ogni giorno|x giorno|per giorno|/ giorno|/ gg|giornalieri|giornaliero", "day"),
        ("al dì|al di|ogni dì|al gg|a giornata|alla giornata", "day"),
        ("a day|per day|every day|each day|/ day|daily", "day"),
        ("tutti i giorni|tutti i santi giorni|giornalmente|quotidianamente", "day"),
    ]
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for alternatives, period in rows:
        for phrase in alternatives.split("|"):
            words = tuple(phrase.split())
            table.setdefault(words[0], []).append((words, period))
    for phrases in table.values():
        phrases.sort(key=lambda row: -len(row[0]))
    return table


_PERIODS = _period_table()
_PERIOD_ADJECTIVES = {
    "mensile": "month",
    "mensili": "month",
    "monthly": "month",
    "settimanale": "week",
    "weekly": "week",
    "annuale": "year",
    "annuo": "year",
    "annual": "year",
    "yearly": "year",
    "giornaliero": "day",
    "daily": "day",
    "trimestrale": "quarter",
    "quarterly": "quarter",
    "semestrale": "half_year",
}
_CLAUSE_END = {".", "!", "?", ";", "\n"}


def _period_at(toks: list[Tok], j: int) -> tuple[str, int] | None:
    """The period phrase starting at token j and the index just past it."""
    if j >= len(toks):
        return None
    for words, period in _PERIODS.get(toks[j].low, ()):
        k = j + len(words)
        if k <= len(toks) and all(toks[j + x].low == words[x] for x in range(1, len(words))):
            return period, k
    return None


def _period_before(toks: list[Tok], i: int) -> str | None:
    """A period adjective shortly before the amount, as in "budget mensile di 300 euro"."""
    for k in range(i - 1, max(-1, i - 5), -1):
        t = toks[k]
        if t.kind == "num" or t.low in _CLAUSE_END:
            return None
        if t.low in _PERIOD_ADJECTIVES:
            return _PERIOD_ADJECTIVES[t.low]
    return None


def money_from_tokens(text: str, toks: list[Tok]) -> list[MoneyMention]:
    """Money in an analysed token stream, so callers that analysed already do not lex twice."""
    found: list[MoneyMention] = []
    n = len(toks)
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i):
            continue
        start, j, currency = t.start, i + 1, None
        if i > 0 and toks[i - 1].low in _CURRENCY_BEFORE and toks[i - 1].kind != "num":
            currency, start = _CURRENCY_BEFORE[toks[i - 1].low], toks[i - 1].start
        if j < n and toks[j].low in _CURRENCY_AFTER:
            currency, j = currency or _CURRENCY_AFTER[toks[j].low], j + 1
        elif (  # "un milione di euro"
            t.scale >= 1e6
            and j + 1 < n
            and toks[j].low in ("di", "of")
            and toks[j + 1].low in _CURRENCY_AFTER
        ):
            currency, j = currency or _CURRENCY_AFTER[toks[j + 1].low], j + 2
        period_end = _period_at(toks, j)
        period = period_end[0] if period_end else None
        if currency is None and period is None:
            continue
        if period_end:
            j = period_end[1]
        elif currency is not None:
            period = _period_before(toks, i)
        end = toks[j - 1].end
        found.append(MoneyMention(t.value, currency or "EUR", period, start, end, text[start:end]))
    return found


def find_money(text: str, lang: str | None = None) -> list[MoneyMention]:
    """Amounts with a currency or a period ("300 al mese" is euro); bare numbers are not money."""
    return money_from_tokens(text, analyse(text, lang))


_NO_BUDGET = re.compile(r"\b(?:no|non ho(?: un)?|nessun|zero|senza)\s+budget\b", re.IGNORECASE)


def parse_money(text: str, lang: str | None = None) -> MoneyMention | None:
    """The budget a typed answer gives: a bare "300" is euro, "niente" is 0; None if unclear."""
    return _money_in(text, analyse(text, lang))


def _money_in(text: str, toks: list[Tok]) -> MoneyMention | None:
    money = money_from_tokens(text, toks)
    in_money = [(m.start, m.end) for m in money]
    loose = [
        (i, t, is_year)
        for i, t, is_year in _count_candidates(text, toks)
        if not any(s <= t.start and t.end <= e for s, e in in_money)
        and not _followed_by(toks, i, _NOT_MONEY_AFTER)
    ]
    values = {m.amount for m in money} | {t.value for _, t, is_year in loose if not is_year}
    if len(values) > 1:
        return None
    if money:
        return money[0]
    best = _single(loose)
    if best is not None:
        start, end = best.start, best.end
        return MoneyMention(best.value, "EUR", None, start, end, text[start:end])
    if any(t.kind == "num" for t in toks):
        return None
    zero = _zero_answer(toks)
    if zero is None and (m := _NO_BUDGET.search(text)):
        return MoneyMention(0.0, "EUR", None, m.start(), m.end(), m.group())
    if zero is not None:
        return MoneyMention(0.0, "EUR", None, zero.start, zero.end, text[zero.start : zero.end])
    return None


# --- answers: a quantity in the question's own terms -------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A quantity typed as the answer to a question: ``value`` per ``period``.

    ``period`` is one of ``bot.base.money.PERIODS`` or None when unsaid; ``currency`` is set for
    money (EUR when unsaid). A range ("2-3", "tra 200 e 300") gives its middle as ``value`` and
    its ends as ``low``/``high``. ``negative``: the prospect wrote a negative amount ("-100",
    "meno cento"); ``value`` is then below zero, never the same amount made positive.
    """

    value: float
    period: str | None = None
    currency: str | None = None
    low: float | None = None
    high: float | None = None
    negative: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None


_COUNT_WORDS = _pack_map("count_words")
_FREQUENCY_WORDS = _pack_map("frequency_words")
_AMOUNT_WORDS = _pack_map("amount_words")
_TIMES_WORDS = _pack_set("times_words")
_MINUS_WORDS = _pack_set("minus_words")
_ONE_WORDS = {"un", "uno", "una", "one"}  # demoted by ``_filter`` when alone; a count here
_ARTICLES = {"a", "an", "un", "uno", "una"}
_OF_WORDS = {"di", "of"}
_BARE_SCALES = {"hundred", "thousand", "cento", "mille", "mila"}
_PLURAL_SCALES = {"centinaia": 100.0, "hundreds": 100.0, "migliaia": 1e3, "thousands": 1e3}
_SIGNS = {"-", "\u2212", "\u2013"}
_RANGE_DASHES = {"-", "\u2013", "\u2014", "/"}
_RANGE_OPENERS = {"tra", "fra", "between", "da", "from"}


def _count_tok(first: Tok, last: Tok, value: float) -> Tok:
    low = first.low if first is last else f"{first.low} {last.low}"
    return Tok("num", first.start, last.end, low, float(value), 1.0, True, 9)


def _answer_words(toks: list[Tok]) -> list[Tok]:
    """The words that are amounts only in an answer, read as numbers: "a couple hundred",
    "twice", "uno al giorno", "3 centoni", "a grand"; "volte"/"times" after a count dropped.

    Only answers to a question get this (``read_count``, ``read_money``): in a free-text
    question "once I have 1000 followers" must not count a 1.
    """
    out: list[Tok] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < n else None
        if t.kind == "word" and t.low in _TIMES_WORDS and out and out[-1].kind == "num":
            i += 1  # "3 volte a settimana" reads as "3 a settimana"
            continue
        if t.kind == "word" and t.low in _COUNT_WORDS:
            first = out.pop() if out and out[-1].kind == "word" and out[-1].low in _ARTICLES else t
            value, last, j = _COUNT_WORDS[t.low], t, i + 1
            k = j + 1 if j < n and toks[j].low in _OF_WORDS else j
            if k < n and (
                (toks[k].kind == "num" and toks[k].low in _BARE_SCALES)
                or toks[k].low in _PLURAL_SCALES
            ):  # "a couple hundred", "un paio di centinaia"
                scale = toks[k].value if toks[k].kind == "num" else _PLURAL_SCALES[toks[k].low]
                value, last, j = value * scale, toks[k], k + 1
            out.append(_count_tok(first, last, value))
            i = j
            continue
        if t.kind == "word" and t.low in _AMOUNT_WORDS:
            value = _AMOUNT_WORDS[t.low]
            if out and out[-1].kind == "num":  # "3 centoni", "2 grand"
                prev = out.pop()
                out.append(_count_tok(prev, t, prev.value * value))
            else:  # "un centone", "a grand"
                first = out.pop() if out and out[-1].low in _ARTICLES else t
                out.append(_count_tok(first, t, value))
            i += 1
            continue
        if t.kind == "word" and t.low in _FREQUENCY_WORDS:
            out.append(_count_tok(t, t, _FREQUENCY_WORDS[t.low]))
            i += 1
            continue
        if t.kind == "word" and t.low in _ONE_WORDS and nxt is not None:
            after = toks[i + 2] if i + 2 < n else None
            if (
                nxt.low in _TIMES_WORDS
                or _period_at(toks, i + 1) is not None
                or (nxt.low in _RANGE_WORDS and after is not None and after.kind == "num")
                or (nxt.kind == "word" and _period_at(toks, i + 2) is not None)
            ):  # "una volta al mese", "one a day", "uno o due", "un post al giorno"
                out.append(_count_tok(t, t, 1.0))
                i += 1
                continue
        out.append(t)
        i += 1
    return out


_RANGE_WORDS = {"o", "or", "a", "to", "e", "and"}


def _range_link(opener: str, link: Tok) -> bool:
    """Whether ``link`` joins the two ends of a range opened by ``opener`` (a word or "")."""
    if link.kind == "punct":
        return link.low in _RANGE_DASHES
    if link.low in ("o", "or", "to"):
        return True
    if link.low == "a":
        return opener in ("da", "from")
    if link.low in ("e", "and"):
        return opener in ("tra", "fra", "between")
    return False


def _ranges(toks: list[Tok]) -> tuple[list[Tok], dict[int, tuple[float, float]]]:
    """Ranges ("2-3", "tra 2 e 3", "2 o 3", "between 200 and 300") made one number, their
    middle; the ends by the new token's start. A scale on the high end applies to a bare low
    end ("10-20k")."""
    out: list[Tok] = []
    ends: dict[int, tuple[float, float]] = {}
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.kind == "num":
            opener = out[-1].low if out and out[-1].low in _RANGE_OPENERS else ""
            j = i + 1
            if j + 1 < n and toks[j].low in _CURRENCY_AFTER and toks[j].kind != "num":
                j += 1  # "200€ - 300€"
            if j + 1 < n and toks[j + 1].kind == "num" and _range_link(opener, toks[j]):
                high = toks[j + 1]
                lo, hi = t.value, high.value
                if high.scale > 1 and t.scale == 1 and lo * high.scale <= hi:
                    lo *= high.scale
                if opener in ("tra", "fra", "between") and lo > hi:
                    lo, hi = hi, lo
                if 0 <= lo < hi:
                    middle = round((lo + hi) / 2, 6)
                    low = f"{t.low}-{high.low}"
                    merged = Tok("num", t.start, high.end, low, middle, 1, True, 9)
                    ends[merged.start] = (lo, hi)
                    out.append(merged)
                    i = j + 2
                    continue
        out.append(t)
        i += 1
    return out, ends


def money_ranges(toks: list[Tok]) -> list[Tok]:
    """Ranges of money ("200-300 euro al mese", "€200-300") made one amount, their middle, so
    a typed question keeps both ends' meaning; other ranges are left alone: "da 800 a 10000
    follower" is two numbers, where the prospect is and where they want to be."""
    merged, ends = _ranges(toks)
    if not ends:
        return toks
    out: list[Tok] = []
    for k, t in enumerate(merged):
        if t.start in ends and t.kind == "num":
            before = merged[k - 1] if k > 0 else None
            after = merged[k + 1] if k + 1 < len(merged) else None
            money = (
                (after is not None and after.low in _CURRENCY_AFTER and after.kind != "num")
                or _period_at(merged, k + 1) is not None
                or (before is not None and before.low in _CURRENCY_BEFORE and before.kind != "num")
            )
            if not money:
                out.extend(x for x in toks if t.start <= x.start and x.end <= t.end)
                continue
        out.append(t)
    return out


def _negative(toks: list[Tok]) -> Tok | None:
    """The first number written as negative: "-100", "€ -300", "-€300", "meno cento"."""
    for i, t in enumerate(toks):
        if t.kind != "num":
            continue
        back = [i - 1]
        if i > 0 and toks[i - 1].low in _CURRENCY_BEFORE and toks[i - 1].kind != "num":
            back.append(i - 2)
        for k in back:
            if k < 0:
                continue
            sign = toks[k]
            if sign.kind == "word" and sign.low in _MINUS_WORDS:
                return t
            if sign.kind == "punct" and sign.low in _SIGNS:
                before = toks[k - 1] if k > 0 else None
                after_number = before is not None and (
                    before.kind == "num"
                    or (before.low in _CURRENCY_AFTER and k > 1 and toks[k - 2].kind == "num")
                )
                if not after_number:
                    return t
    return None


def _period_after(toks: list[Tok], i: int) -> str | None:
    """The period said after the count at ``i``, a word or two apart at most ("3 post a
    settimana"); None when something else (a unit of time, a clause end) comes first."""
    j = i + 1
    for _skip in range(3):
        if j >= len(toks):
            return None
        found = _period_at(toks, j)
        if found is not None:
            return found[0]
        t = toks[j]
        if t.kind != "word" or t.low in _NOT_A_COUNT_AFTER or t.low in _CURRENCY_AFTER:
            return None
        j += 1
    return None


def _amount(tok: Tok, ends: dict[int, tuple[float, float]], **kw: object) -> Amount:
    low, high = ends.get(tok.start, (None, None))
    return Amount(tok.value, low=low, high=high, **kw)  # type: ignore[arg-type]


def read_count(text: str, lang: str | None = None) -> Amount | None:
    """A count typed as an answer, with the period it is per when one was said.

    "3" -> 3; "3 a settimana", "twice a week" -> 2 per week; "ogni giorno", "daily" -> 1 per
    day; "2-3" -> 2.5 (a range); "-2" -> negative; None when absent or ambiguous ("2 or 5 a
    week, 3 a month").
    """
    toks = _answer_words(analyse(text, lang))
    negative = _negative(toks)
    if negative is not None:
        return Amount(-negative.value, negative=True)
    toks, ends = _ranges(toks)
    rated: dict[tuple[float, str], Tok] = {}
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i) or _followed_by(toks, i, set(_CURRENCY_AFTER)):
            continue
        period = _period_after(toks, i)
        if period is not None:
            rated.setdefault((t.value, period), t)
    if rated:
        if len(rated) != 1:
            return None
        (((_value, period), tok),) = rated.items()
        return _amount(tok, ends, period=period)
    best = _single(_count_candidates(text, toks))
    if best is not None:
        return _amount(best, ends)
    periods: set[str] = set()
    i = 0
    while i < len(toks):  # "ogni giorno", "weekly": once per period, when no number is said
        found = _period_at(toks, i)
        if found is not None:
            periods.add(found[0])
            i = found[1]
            continue
        if toks[i].kind == "num":
            return None
        i += 1
    if len(periods) == 1:
        return Amount(1.0, period=periods.pop())
    if not periods and _zero_answer(toks) is not None:
        return Amount(0.0)
    return None


def read_money(text: str, lang: str | None = None) -> Amount | None:
    """An amount of money typed as an answer: ``parse_money``, plus what only answers say
    ("3 centoni al mese", "a grand a year", "a couple hundred", "zilch"), ranges ("200-300 al
    mese" -> 250 a month) and negative amounts (refused by the caller, never made positive)."""
    toks = _answer_words(analyse(text, lang))
    negative = _negative(toks)
    if negative is not None:
        return Amount(-negative.value, currency="EUR", negative=True)
    toks, ends = _ranges(toks)
    mention = _money_in(text, toks)
    if mention is None:
        return None
    low, high = next(
        (v for start, v in ends.items() if mention.start <= start < mention.end), (None, None)
    )
    return Amount(mention.amount, mention.period, mention.currency, low, high)
