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
    "MoneyMention",
    "NumberMention",
    "Tok",
    "analyse",
    "find_money",
    "find_numbers",
    "half_after",
    "is_percent",
    "money_from_tokens",
    "parse_money",
    "parse_number",
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
_ZERO_WORDS = {"zero", "niente", "nulla", "nothing", "none", "nessuno", "nada"}
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
        ("a month|per month|every month|each month|/ month|monthly|p / m", "month"),
        ("a settimana|alla settimana|ogni settimana|x settimana|per settimana", "week"),
        ("/ settimana|/ sett|settimanali|settimanale", "week"),
        ("a sett|alla sett|ogni sett|x sett|per sett", "week"),  # phone shorthand
        ("a week|per week|every week|each week|/ week|/ wk|weekly|a wk|per wk|/ w|p / w", "week"),
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
        ("al giorno|ogni giorno|x giorno|per giorno|/ giorno|/ gg|giornalieri|giornaliero", "day"),
        ("al dì|al di|ogni dì|al gg|a giornata|alla giornata", "day"),
        ("a day|per day|every day|each day|/ day|daily", "day"),
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
    toks = analyse(text, lang)
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
