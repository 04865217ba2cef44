"""Platforms, time spans and the other facts a prospect's message gives, in one pass.

"Voglio 10k su Instagram entro giugno con 300 € al mese" carries a target, a platform, a deadline
and a budget; the dialog needs all four to answer "how many followers, how fast?" honestly. Time
spans are measured in months because that is the unit growth estimates are made in. Dates
relative to "now" ("entro giugno") need ``today`` from the caller: reading the clock here would
make the extractor untestable and wrong for prospects in other time zones.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.understanding.lang import LanguagePack, built_for_packs, built_once
from bot.understanding.numbers import (
    TIME_UNITS,
    MoneyMention,
    Tok,
    analyse,
    half_after,
    is_percent,
    money_from_tokens,
    money_ranges,
)
from bot.understanding.numbers.lexer import lex

__all__ = [
    "PLATFORM_NAMES",
    "Entities",
    "TimeSpan",
    "extract_entities",
    "find_platforms",
    "find_time_spans",
    "horizon_months",
    "spans_from_tokens",
]

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class TimeSpan:
    """A duration or deadline, in months from now; ``start``/``end`` index the original text."""

    months: float
    text: str
    start: int
    end: int


def _plain(value: float) -> int | float:
    """10000 rather than 10000.0 in JSON: people and prompts read these numbers."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Entities:
    """What one message says; ``numbers`` holds only quantities not already read as money,
    time spans or percentages, so "300 € al mese" does not also look like 300 followers."""

    numbers: list[float]
    money: list[MoneyMention]
    platforms: list[str]
    spans: list[TimeSpan]

    def to_json(self) -> dict[str, Any]:
        """A plain dict for logs, storage and prompts (integers print as integers)."""
        return {
            "numbers": [_plain(v) for v in self.numbers],
            "money": [
                {
                    "amount": _plain(m.amount),
                    "currency": m.currency,
                    "period": m.period,
                    "to_agency": m.to_agency,
                }
                for m in self.money
            ],
            "platforms": list(self.platforms),
            "time_spans": [{"months": _plain(s.months), "text": s.text} for s in self.spans],
        }


# --- platforms ----------------------------------------------------------------------------------

_PLATFORM_PATTERNS: dict[str, str] = {
    "instagram": r"instagram\w*|instagr\w*|istagram\w*|instragram\w*|instgram\w*|insta|ig|igtv",
    "facebook": r"facebook\w*|facebok\w*|fb",
    "tiktok": r"tik[\s\-]?tok\w*|tic[\s\-]?toc|tictok|tiktoc",
    "linkedin": r"linked[\s\-]?in\w*|linkdin\w*|linkedln",
    "youtube": r"you[\s\-]?tube\w*|yt",
    "x": r"twitter\w*|x\.com",
    "pinterest": r"pinterest\w*",
    "snapchat": r"snapchat\w*|snap",
    "twitch": r"twitch",
}
PLATFORM_NAMES: dict[str, str] = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "x": "X (Twitter)",
    "pinterest": "Pinterest",
    "snapchat": "Snapchat",
    "twitch": "Twitch",
}
"""Each platform's name as the platform itself writes it (a brand, the same in every language)."""
_PLATFORMS = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PLATFORM_PATTERNS.items())
    + r")(?![^\W_])",
    re.IGNORECASE,
)


def find_platforms(text: str) -> list[str]:
    """Canonical platform ids in order of first mention ("IG", "insta" -> "instagram")."""
    found: list[str] = []
    for m in _PLATFORMS.finditer(text):
        name = m.lastgroup
        if name is not None and name not in found:
            found.append(name)
    return found


# --- time spans ---------------------------------------------------------------------------------

_IT_UNITS = {"mese", "mesi", "settimana", "settimane", "anno", "anni", "giorno", "giorni", "gg"} | {
    "mesetto",
    "mesetti",
    "annetto",
    "annetti",
}
_EN_UNITS = set(TIME_UNITS) - _IT_UNITS
_IT_ARTICLES = {"un", "uno", "una"}
_EN_ARTICLES = {"a", "an", "one"}
# "a month" is a span only after words like these; after "300" or "post" it is a rate.
_EN_SPAN_PREPS = {
    "in",
    "within",
    "for",
    "about",
    "around",
    "roughly",
    "approximately",
    "than",
    "over",
    "under",
    "after",
    "just",
    "only",
    "least",
    "most",
    "almost",
    "nearly",
    "like",
    "maybe",
    "perhaps",
    "max",
    "maximum",
}
_CLAUSE_PUNCT = {",", ".", "!", "?", ";", ":", "(", "-", "–", "…", "\n"}
_RANGE_LINKS = {"-", "–", "o", "or", "a", "to", "e", "and", "/"}
_NOT_AHEAD = {"ogni", "every", "each", "da", "since"}  # frequencies and elapsed time
_HAVE = {"ho", "hai", "ha", "abbiamo", "avete", "hanno"}  # "ho 25 anni" is an age
_PAST_AFTER = {"fa", "ago", "old"}

_MONTHS: dict[str, int] = {
    name: number
    for names in (
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre",
        "january february march april may june july august september october november december",
    )
    for number, name in enumerate(names.split(), start=1)
} | {
    "jan": 1,
    "feb": 2,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_TRIGGERS = {
    "entro",
    "per",
    "a",
    "ad",
    "in",
    "prima",
    "fino",
    "by",
    "before",
    "until",
    "till",
    "til",
    "for",
    "within",
}
# Only these make "quest'anno" a deadline: "entro quest'anno" is one, "a quest'anno" is not.
_FIRM_TRIGGERS = {"entro", "per", "prima", "fino", "by", "before", "until", "till", "within"}
_FILLERS = {"la", "il", "lo", "l", "'", "di", "del", "dell", "della", "d", "the", "of", "-"}
_QUALIFIERS = {"quest", "questo", "questa", "this", "next", "prossimo", "prossima", "l", "il"}
_WHERE = {
    "fine": "end",
    "end": "end",
    "late": "end",
    "inizio": "start",
    "beginning": "start",
    "start": "start",
    "early": "start",
    "metà": "mid",
    "meta": "mid",
    "mid": "mid",
    "middle": "mid",
}
_NEXT = {"next", "prossimo"}
_LAST = {"scorso", "passato", "last", "past"}
_YEAR_WORDS = {"anno", "year"}
_MONTH_WORDS = {"mese", "month"}
_CHRISTMAS = {"natale", "christmas", "xmas"}
# Seasons, by their astronomical first and last day; "entro l'estate", "by summer" need a clock.
_SPRING, _SUMMER, _AUTUMN, _WINTER = (
    ((3, 21), (6, 20)),
    ((6, 21), (9, 22)),
    ((9, 23), (12, 20)),
    (
        (12, 21),
        (3, 20),
    ),
)
_SEASONS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "primavera": _SPRING,
    "spring": _SPRING,
    "estate": _SUMMER,
    "summer": _SUMMER,
    "autunno": _AUTUMN,
    "autumn": _AUTUMN,
    "fall": _AUTUMN,
    "inverno": _WINTER,
    "winter": _WINTER,
}


def _day_in(year: int, month: int, where: str) -> datetime.date:
    last = calendar.monthrange(year, month)[1]
    day = {"start": 1, "mid": 15}.get(where, last)
    return datetime.date(year, month, day)


def _in_year(year: int, where: str) -> datetime.date:
    """The start, middle or (by default) end of a year, as "inizio/metà/fine 2026" mean."""
    return {"start": datetime.date(year, 1, 1), "mid": datetime.date(year, 6, 30)}.get(
        where, datetime.date(year, 12, 31)
    )


def _months_until(today: datetime.date, target: datetime.date) -> float:
    return round((target - today).days / DAYS_PER_MONTH, 2)


def _season(name: str, where: str, today: datetime.date) -> datetime.date:
    """The day a deadline on a season means: its start by default ("entro l'estate", "by
    summer": the cautious reading, and what a business getting ready for the season means),
    its middle or end when said ("a metà estate", "by the end of summer"); the season under
    way when today is in it (its end, once its start has passed), else the next one."""
    (first_month, first_day), (last_month, last_day) = _SEASONS[name]
    for year in (today.year - 1, today.year, today.year + 1):
        start = datetime.date(year, first_month, first_day)
        end = datetime.date(year + (last_month < first_month), last_month, last_day)
        if end < today or (where == "start" and start < today):
            continue
        if where == "mid" and start + (end - start) / 2 >= today:
            return start + (end - start) / 2
        if where != "end" and start >= today:
            return start
        return end
    return today  # not reached: next year's season always ends after today


def _deadline(toks: list[Tok], i: int, today: datetime.date) -> tuple[float, int] | None:
    """Deadlines ("entro giugno", "by the end of the year", "fine 2026"): months left, end."""
    n = len(toks)
    first = toks[i].low
    if first in _YEAR_WORDS:  # "year end", "year-end"
        j = i + 2 if i + 1 < n and toks[i + 1].low == "-" else i + 1
        if j < n and toks[j].low == "end":
            return _months_until(today, datetime.date(today.year, 12, 31)), j + 1
        return None
    if (  # without a trigger, a bare month only counts as the whole answer ("giugno")
        first not in _TRIGGERS
        and first not in _WHERE
        and (
            first not in _MONTHS
            or len(toks) > 3
            or any(t.kind == "word" and t.low not in _MONTHS for t in toks)
        )
    ):
        return None
    triggered = first in _TRIGGERS
    where, qualified, k = "", False, i
    limit = min(n, i + 8)  # "by the end of the": a few words at most, so long junk stays linear
    while k < limit and (
        toks[k].low in _TRIGGERS or toks[k].low in _FILLERS or toks[k].low in _WHERE
    ):
        where = _WHERE.get(toks[k].low, where)
        qualified = qualified or toks[k].low in _QUALIFIERS
        k += 1
    while k < limit and toks[k].low in _QUALIFIERS:  # "quest'anno", "the next year"
        qualified = True
        k += 1
        if k < n and toks[k].low == "'":
            k += 1
    if k >= n:
        return None
    core = toks[k]
    end = k + 1
    next_year = 1 if any(t.low in _NEXT for t in toks[i:k]) else 0
    if end < n and toks[end].low in _NEXT:
        next_year, end = 1, end + 1
    elif end < n and toks[end].low in _LAST:
        return None
    explicit_year = (
        end < n
        and toks[end].kind == "num"
        and not toks[end].spelled
        and toks[end].value.is_integer()
        and 2000 <= toks[end].value <= 2100
    )
    if core.low in _MONTHS:
        if not (triggered or where or end == n or explicit_year):
            return None
        if any(t.low in _LAST for t in toks[end : end + 5]):
            return None  # "a giugno dell'anno scorso", "in June last year"
        year = int(toks[end].value) if explicit_year else today.year
        target = _day_in(year, _MONTHS[core.low], where or "end")
        if target < today and not explicit_year:
            target = _day_in(year + 1, _MONTHS[core.low], where or "end")
        end += 1 if explicit_year else 0
    elif core.low in _YEAR_WORDS and (where or (first in _FIRM_TRIGGERS and qualified)):
        target = _in_year(today.year + next_year, where)
    elif core.low in _MONTH_WORDS and (where or (first in _FIRM_TRIGGERS and qualified)):
        target = _day_in(today.year, today.month, where or "end")
    elif core.low in _SEASONS and (where or first in _FIRM_TRIGGERS):
        target = _season(core.low, where, today)  # "entro l'estate", "by the end of summer"
    elif core.low in _CHRISTMAS and (where or triggered):
        target = datetime.date(today.year, 12, 25)
        if target < today:
            target = datetime.date(today.year + 1, 12, 25)
    elif (
        core.kind == "num"
        and not core.spelled
        and core.value.is_integer()
        and 2000 <= core.value <= 2100
        and (where or triggered)
    ):
        target = _in_year(int(core.value), where)
    else:
        return None
    if target < today:
        return None
    return _months_until(today, target), end


def _half_unit(toks: list[Tok], i: int) -> tuple[float, int] | None:
    """Half of the unit that follows: "mezz'anno", "mezzo anno", "half a year"."""
    n = len(toks)
    if toks[i].low not in ("mezzo", "mezz", "half"):
        return None
    j = i + 1
    if j < n and toks[j].low in ("'", "a", "an"):
        j += 1
    if j < n and toks[j].low in TIME_UNITS and toks[j].low.rstrip("s") == toks[j].low:
        return 0.5 * TIME_UNITS[toks[j].low], j + 1
    return None


def _is_range(toks: list[Tok], i: int) -> bool:
    j = i + 1
    return (
        toks[i].kind == "num"
        and j + 1 < len(toks)
        and toks[j].low in _RANGE_LINKS
        and toks[j + 1].kind == "num"
        and toks[j + 1].value > toks[i].value
    )


def _couple(toks: list[Tok], i: int) -> int | None:
    """Index just past "un paio di" / "a couple of", whose 2 is not a number word to text2num."""
    if toks[i].low not in ("un", "a"):
        return None
    words = [t.low for t in toks[i : i + 4]]
    if words[:2] in (["un", "paio"], ["a", "couple"]):
        if words[2:] == ["d", "'"]:  # "un paio d'anni"
            return i + 4
        return i + 3 if words[2:3] in (["di"], ["of"]) else i + 2
    return None


def _quantity(toks: list[Tok], i: int) -> tuple[list[float], int] | None:
    """Durations ("3 mesi", "un anno e mezzo", "a year"); a range gives one value per end."""
    n = len(toks)
    t = toks[i]
    prev = toks[i - 1] if i > 0 else None
    prev_low = prev.low if prev is not None else ""
    units: set[str] | None = None  # articles must match the unit's language
    last = i  # the quantity's last token
    couple = _couple(toks, i)
    if couple is not None:  # "un paio di mesi", "a couple of weeks"
        amounts, last = [2.0], couple - 1
    elif t.kind == "num" and t.value > 0:
        amounts = [t.value]
    elif t.kind == "word" and t.low in _IT_ARTICLES:
        amounts, units = [1.0], _IT_UNITS
    elif t.kind == "word" and t.low in _EN_ARTICLES:
        if t.low != "one" and not (
            prev is None or prev.low in _CLAUSE_PUNCT or prev_low in _EN_SPAN_PREPS
        ):
            return None
        amounts, units = [1.0], _EN_UNITS
    else:
        return None
    if prev_low in _NOT_AHEAD and not (prev_low == "da" and _is_range(toks, last)):
        return None
    j = last + 1
    if _is_range(toks, last):
        amounts.append(toks[j + 1].value)  # "3-6 mesi", "tra 3 e 6 mesi", "da 3 a 6 mesi"
        j += 2
    half = half_after(toks, j)
    extra = 0.5 if half is not None else 0.0
    j = half if half is not None else j
    if j >= n or toks[j].low not in TIME_UNITS or (units is not None and toks[j].low not in units):
        return None
    unit = toks[j].low
    j += 1
    if extra == 0.0 and (half := half_after(toks, j)) is not None:
        extra, j = 0.5, half  # "un anno e mezzo", "a year and a half"
    if j < n and toks[j].low in _PAST_AFTER:
        return None
    if TIME_UNITS[unit] == 12.0 and prev_low in _HAVE:
        return None
    return [(a + extra) * TIME_UNITS[unit] for a in amounts], j


_Phrases = dict[str, list[tuple[tuple[str, ...], float]]]


def _horizon_table(packs: Mapping[str, LanguagePack] | None) -> _Phrases:
    """The packs' ``horizon_phrases`` as word tuples by first word, longest first; built
    once per set of packs (a content reload makes new ones)."""
    return built_for_packs(packs, "horizon_phrases", _build_horizon_table)


def _build_horizon_table(chosen: tuple[LanguagePack, ...]) -> _Phrases:
    table: _Phrases = {}
    for pack in chosen:
        for words, months in built_once(pack, "horizon_phrases", _build_horizons):
            table.setdefault(words[0], []).append((words, months))
    for rows in table.values():
        rows.sort(key=lambda row: -len(row[0]))
    return table


def _build_horizons(pack: LanguagePack) -> list[tuple[tuple[str, ...], float]]:
    rows = []
    for phrase, months in pack.horizon_phrases.items():
        words = tuple(t.low for t in lex(phrase.lower()) if t.kind in ("word", "num"))
        if words:
            rows.append((words, float(months)))
    return rows


def _horizon_phrase(toks: list[Tok], i: int, table: _Phrases) -> tuple[float, int] | None:
    """A span said as a phrase at ``toks[i]`` ("this time next year", "nel prossimo anno"):
    its months and the index past it; an apostrophe in the text is skipped, as in the
    phrase."""
    rows = table.get(toks[i].low) if toks[i].kind in ("word", "num") else None
    for words, months in rows or ():
        k, matched = i, 0
        while k < len(toks) and matched < len(words):
            if toks[k].kind == "punct" and toks[k].low == "'":
                k += 1
                continue
            if toks[k].low != words[matched]:
                break
            matched, k = matched + 1, k + 1
        if matched == len(words):
            return months, k
    return None


def spans_from_tokens(
    text: str,
    toks: list[Tok],
    today: datetime.date | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> tuple[list[TimeSpan], set[int]]:
    """Time spans in an analysed stream, plus the indices of the number tokens they used;
    ``packs`` give the phrases that are spans on their own (default: the built-in packs)."""
    if isinstance(today, datetime.datetime):
        today = today.date()  # a datetime would not compare with the dates computed here
    spans: list[TimeSpan] = []
    used: set[int] = set()
    table = _horizon_table(packs)
    i, n = 0, len(toks)
    while i < n:
        months: list[float]
        deadline = _deadline(toks, i, today) if today is not None else None
        if (phrase := _horizon_phrase(toks, i, table)) is not None:
            months, end = [phrase[0]], phrase[1]
        elif deadline is not None:
            months, end = [deadline[0]], deadline[1]
        elif (half := _half_unit(toks, i)) is not None:
            months, end = [half[0]], half[1]
        elif (quantity := _quantity(toks, i)) is not None:
            months, end = quantity
        else:
            i += 1
            continue
        start_char, end_char = toks[i].start, toks[end - 1].end
        for value in months:
            spans.append(TimeSpan(round(value, 2), text[start_char:end_char], start_char, end_char))
        used.update(k for k in range(i, end) if toks[k].kind == "num")
        i = end
    return spans, used


def find_time_spans(
    text: str,
    lang: str | None = None,
    today: datetime.date | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> list[TimeSpan]:
    """Durations and deadlines in months; relative dates are skipped when ``today`` is None."""
    return spans_from_tokens(text, analyse(text, lang), today, packs)[0]


def extract_entities(
    text: str,
    lang: str | None = None,
    today: datetime.date | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> Entities:
    """Everything at once, from a single analysis of the text; never raises on odd input.
    A range of money ("200-300 euro al mese") is one amount, its middle. ``packs`` (default:
    the built-in ones) give the fee and ads cues and the span phrases, staff's words included
    when the content's packs are passed."""
    toks = money_ranges(analyse(text, lang))
    money = money_from_tokens(text, toks, packs)
    spans, used = spans_from_tokens(text, toks, today, packs)
    in_money = [(m.start, m.end) for m in money]
    numbers = [
        t.value
        for k, t in enumerate(toks)
        if t.kind == "num"
        and k not in used
        and not is_percent(toks, k)
        and not any(s <= t.start and t.end <= e for s, e in in_money)
    ]
    return Entities(numbers, money, find_platforms(text), spans)


def horizon_months(entities: Entities) -> int | None:
    """The horizon a message asks about ("quanti follower in un anno?" -> 12): its first time
    span in whole months, rounded to the nearest and at least 1 ("in 2 settimane" -> 1);
    None when it names none. A period attached to money or a frequency ("300 al mese", "3 a
    settimana", "1200 a year") is no span, so it never gives a horizon."""
    if not entities.spans:
        return None
    return max(1, int(entities.spans[0].months + 0.5))
