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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.understanding.lang import LanguagePack, built_for_packs, built_once
from bot.understanding.numbers import (
    TIME_UNITS,
    MoneyMention,
    Tok,
    analyse,
    half_after,
    money_from_tokens,
    money_ranges,
    percents_from_tokens,
)
from bot.understanding.numbers.clock import (
    DAY_PARTS,
    Phrases,
    TimeOfDay,
    build_phrases,
    match_phrase,
    times_from_tokens,
)
from bot.understanding.numbers.lexer import lex
from bot.understanding.numbers.number_words import COUNTABLE

__all__ = [
    "DAY_PARTS",
    "HOLIDAYS",
    "PLATFORM_NAMES",
    "SEASONS",
    "Entities",
    "TimeOfDay",
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
    """A duration or deadline, in months from now; ``start``/``end`` index the original text.

    ``days`` is the same span in days when days are its honest unit: said in days or weeks
    ("7 giorni" 7, "tra due settimane" 14, "a couple of weeks" 14), a deadline on a date
    (the days from ``today`` to it: "entro natale"), or under a month however said ("mezzo
    mese" 15); None for a span said in months or years ("in 6 mesi")."""

    months: float
    text: str
    start: int
    end: int
    days: float | None = None


def _plain(value: float) -> int | float:
    """10000 rather than 10000.0 in JSON: people and prompts read these numbers."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Entities:
    """What one message says; ``numbers`` holds only quantities not already read as money,
    time spans, percentages or times of day, so "300 € al mese" does not also look like 300
    followers, nor "alle 21" like 21."""

    numbers: list[float]
    money: list[MoneyMention]
    platforms: list[str]
    spans: list[TimeSpan]
    times: list[TimeOfDay] = field(default_factory=list)
    """Times of day, in order ("alle 2 di notte" 2:00 ``night``, "9pm" 21:00, "tutto alle 7" 7:00
    ``ambiguous``, "la sera tardi": part ``night`` and no hour); see ``TimeOfDay``."""
    percents: list[float] = field(default_factory=list)
    """Percentages, in percent, in order ("il 30%" 30, "thirty percent" 30, "+20%" 20, "-5%"
    -5; "10-20%" gives 10 and 20)."""

    def to_json(self) -> dict[str, Any]:
        """A plain dict for logs, storage and prompts (integers print as integers):
        ``numbers`` [float], ``money`` [{amount, currency, period, to_agency}], ``platforms``
        [id], ``time_spans`` [{months, text, days (only when known, see ``TimeSpan``)}],
        ``times`` [{hour 0-23 | null, minute 0-59 | null, part | null, ambiguous, text}],
        ``percents`` [percent]."""
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
            "time_spans": [_span_json(s) for s in self.spans],
            "times": [t.to_json() for t in self.times],
            "percents": [_plain(v) for v in self.percents],
        }


def _span_json(span: TimeSpan) -> dict[str, Any]:
    data: dict[str, Any] = {"months": _plain(span.months), "text": span.text}
    if span.days is not None:
        data["days"] = _plain(span.days)
    return data


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
# Only these make "quest'anno" a deadline: "entro quest'anno" is one, "a quest'anno" is not;
# and "per domani" one, "a domani" (see you tomorrow) not.
_FIRM_TRIGGERS = {"entro", "per", "prima", "fino", "by", "before", "until", "till", "within"}
_FILLERS = {"la", "il", "lo", "l", "'", "di", "del", "dell", "della", "d", "the", "of", "-"}
_QUALIFIERS = {"quest", "questo", "questa", "this", "next", "prossimo", "prossima", "l", "il", "la"}
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
_NEXT = {"next", "prossimo", "prossima"}
_LAST = {"scorso", "scorsa", "passato", "passata", "last", "past"}
_YEAR_WORDS = {"anno", "year"}
_MONTH_WORDS = {"mese", "month"}
_WEEK_WORDS = {"settimana", "week"}
# "il mese prossimo", "next month", "la settimana prossima": a deadline with no trigger
_NEXT_STARTS = {"il", "l", "la", "lo", "the"} | _NEXT
# The words a deadline may start with (and anything at the start: "giugno", "15 marzo")
_DEADLINE_STARTS = frozenset(_TRIGGERS | set(_WHERE) | _NEXT_STARTS | _YEAR_WORDS)
_ORDINALS = {"st", "nd", "rd", "th", "°", "º"}
_OF = {"di", "de", "of", "del"}
_DATE_TEXT = re.compile(
    r"^(?:(?P<d>[0-9]{1,2})[./\-](?P<m>[0-9]{1,2})[./\-](?P<y>[0-9]{4}|[0-9]{2})"
    r"|(?P<iy>[0-9]{4})-(?P<im>[0-9]{1,2})-(?P<id>[0-9]{1,2}))$"
)

SEASONS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "spring": ((3, 21), (6, 20)),
    "summer": ((6, 21), (9, 22)),
    "autumn": ((9, 23), (12, 20)),
    "winter": ((12, 21), (3, 20)),
}
"""Each season's astronomical first and last day, (month, day); the packs' ``season_names``
name them ("estate", "summer" -> ``summer``)."""


def _easter(year: int) -> datetime.date:
    """Western Easter Sunday. python-dateutil is installed already (matplotlib and sqlite-utils,
    both dependencies, require it) and its ``easter`` is the Gregorian computus, tested; a
    copy of the algorithm here would be one more thing to get wrong. Imported when Easter is
    named, so it costs nothing at start-up."""
    from dateutil.easter import easter

    return easter(year)


def _fourth_thursday_of_november(year: int) -> datetime.date:
    first = datetime.date(year, 11, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 21)


HOLIDAYS: dict[str, Callable[[int], datetime.date]] = {
    "christmas": lambda year: datetime.date(year, 12, 25),
    "easter": _easter,
    "new_year": lambda year: datetime.date(year, 12, 31),
    "epiphany": lambda year: datetime.date(year, 1, 6),
    "valentine": lambda year: datetime.date(year, 2, 14),
    "ferragosto": lambda year: datetime.date(year, 8, 15),
    "halloween": lambda year: datetime.date(year, 10, 31),
    "thanksgiving": _fourth_thursday_of_november,
    "black_friday": lambda year: _fourth_thursday_of_november(year) + datetime.timedelta(days=1),
}
"""The holidays the packs' ``holidays`` may name, each as its date in a given year ("entro
capodanno", "by new year": December 31; "black friday": the day after Thanksgiving)."""


@dataclass(frozen=True)
class _DateWords:
    months: Mapping[str, int]
    seasons: Mapping[str, str]
    holidays: Phrases
    relative_days: Mapping[str, int]


def _date_words(packs: Mapping[str, LanguagePack] | None) -> _DateWords:
    """The packs' month names, seasons, holidays and days from today, every language's at once
    (prospects mix them); built once per set of packs."""
    return built_for_packs(packs, "date_words", _build_date_words)


def _build_date_words(chosen: tuple[LanguagePack, ...]) -> _DateWords:
    return _DateWords(
        months={w.lower(): int(m) for p in chosen for w, m in p.month_names.items()},
        seasons={w.lower(): s for p in chosen for w, s in p.season_names.items() if s in SEASONS},
        holidays=build_phrases(
            (w, h) for p in chosen for w, h in p.holidays.items() if h in HOLIDAYS
        ),
        relative_days={w.lower(): int(d) for p in chosen for w, d in p.relative_days.items()},
    )


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
    (first_month, first_day), (last_month, last_day) = SEASONS[name]
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


def _day_number(t: Tok) -> int | None:
    """A day of the month, 1-31, as typed ("15", "15th", "quindici"), else None."""
    if t.kind == "skip" and t.low.isdigit():
        value = float(t.low)
    elif t.kind == "num" and t.scale == 1:
        value = t.value
    else:
        return None
    return int(value) if value.is_integer() and 1 <= value <= 31 else None


def _past_ordinal(toks: list[Tok], j: int) -> int:
    """``j``, or past the ordinal suffix there ("15th", "1°")."""
    if j < len(toks) and toks[j].low in _ORDINALS and toks[j].start == toks[j - 1].end:
        return j + 1
    return j


def _day_then_month(toks: list[Tok], k: int, months: Mapping[str, int]) -> tuple[int, int, int]:
    """(day, month, index past them) for "15 marzo", "15th of March", "15/03" at ``toks[k]``;
    (0, 0, k) when there is no such date."""
    day = _day_number(toks[k])
    if day is None:
        return 0, 0, k
    j = _past_ordinal(toks, k + 1)
    if j < len(toks) and toks[j].low in _OF:
        j += 1
    if j < len(toks) and toks[j].low in months:
        return day, months[toks[j].low], j + 1
    if (  # "15/03": day and month, the year left out
        toks[k].kind == "num"
        and j + 1 < len(toks)
        and toks[j].low in ("/", ".")
        and toks[j].start == toks[k].end
        and toks[j + 1].kind == "num"
        and toks[j + 1].value.is_integer()
        and 1 <= toks[j + 1].value <= 12
        and toks[j + 1].start == toks[j].end
    ):
        return day, int(toks[j + 1].value), j + 2
    return 0, 0, k


def _on_date(
    year: int, month: int, day: int, today: datetime.date, fixed_year: bool
) -> datetime.date | None:
    """The date ``day``/``month`` next reached from ``today`` (this year, else the next one;
    February 29 in the next leap year), or in ``year`` when ``fixed_year``; None if none."""
    for y in [year] if fixed_year else range(year, year + 9):
        try:
            target = datetime.date(y, month, day)
        except ValueError:
            continue
        if fixed_year or target >= today:
            return target
    return None


def _is_year(t: Tok) -> bool:
    return t.kind == "num" and not t.spelled and t.value.is_integer() and 2000 <= t.value <= 2100


def _bare_date(toks: list[Tok], i: int, months: Mapping[str, int]) -> bool:
    """The whole message is a month or a date ("giugno", "15 marzo", "march 15th"): an answer
    to "by when?"."""
    if len(toks) > 5 or (toks[i].low not in months and _day_number(toks[i]) is None):
        return False
    allowed = _ORDINALS | _OF
    return i == 0 and all(t.kind != "word" or t.low in months or t.low in allowed for t in toks)


def _deadline(
    toks: list[Tok], i: int, today: datetime.date, words: _DateWords
) -> tuple[datetime.date, int] | None:
    """Deadlines ("entro giugno", "by the end of the year", "fine 2026", "entro il 15 marzo",
    "per pasqua", "il mese prossimo"): the date meant, and the index past the phrase."""
    n = len(toks)
    first = toks[i].low
    months = words.months
    if first in _YEAR_WORDS:  # "year end", "year-end"
        j = i + 2 if i + 1 < n and toks[i + 1].low == "-" else i + 1
        if j < n and toks[j].low == "end":
            return datetime.date(today.year, 12, 31), j + 1
        return None
    triggered = first in _TRIGGERS
    bare = not triggered and _bare_date(toks, i, months)
    only_next = not (triggered or bare or first in _WHERE)  # "il mese prossimo", "next week"
    if only_next and first not in _NEXT_STARTS:
        return None
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
    ahead = 1 if any(t.low in _NEXT for t in toks[i:k]) else 0
    if end < n and toks[end].low in _NEXT:
        ahead, end = 1, end + 1
    elif end < n and toks[end].low in _LAST:
        return None
    if only_next and not (ahead and core.low in _YEAR_WORDS | _MONTH_WORDS | _WEEK_WORDS):
        return None
    firm = first in _FIRM_TRIGGERS
    month, day = 0, 0
    if core.low in months:
        month = months[core.low]
        if not ahead and end < n and not _is_year(toks[end]) and (d := _day_number(toks[end])):
            after = toks[end + 1].low if end + 1 < n else ""
            if after not in COUNTABLE and after != ":":  # "by march 15", not "june 20 posts"
                day, end = d, _past_ordinal(toks, end + 1)
    else:
        day, month, end_of_date = _day_then_month(toks, k, months)
        end = end_of_date if day else end
    explicit_year = end < n and _is_year(toks[end])
    target: datetime.date | None
    if month:
        if not (triggered or where or bare or explicit_year):
            return None
        if any(t.low in _LAST for t in toks[end : end + 5]):
            return None  # "a giugno dell'anno scorso", "in June last year"
        year = int(toks[end].value) if explicit_year else today.year
        end += 1 if explicit_year else 0
        if day:
            target = _on_date(year, month, day, today, explicit_year)
        else:
            target = _day_in(year, month, where or "end")
            if target < today and not explicit_year:
                target = _day_in(year + 1, month, where or "end")
    elif core.kind == "skip" and (dated := _DATE_TEXT.match(core.low)) and (triggered or where):
        target = _written_date(dated)  # "entro il 15/03/2027"
    elif core.low in _YEAR_WORDS and (where or ahead or (firm and qualified)):
        target = _in_year(today.year + ahead, where)
    elif core.low in _MONTH_WORDS and (where or ahead or (firm and qualified)):
        year, index = divmod(today.month - 1 + ahead, 12)
        target = _day_in(today.year + year, index + 1, where or "end")
    elif core.low in _WEEK_WORDS and (where or ahead or (firm and qualified)):
        monday = today - datetime.timedelta(days=today.weekday() - 7 * ahead)
        target = monday + datetime.timedelta(days={"start": 0, "mid": 3}.get(where, 6))
    elif core.low in words.seasons and (where or firm):
        target = _season(words.seasons[core.low], where, today)  # "entro l'estate"
    elif core.low in words.relative_days and firm:  # "entro domani", not "a domani"
        target = today + datetime.timedelta(days=words.relative_days[core.low])
    elif (holiday := match_phrase(toks, k, words.holidays)) is not None and (where or triggered):
        end = holiday[1]  # "per natale", "by easter", "entro san valentino"
        date_of = HOLIDAYS[str(holiday[0])]
        target = date_of(today.year)
        if target < today:
            target = date_of(today.year + 1)
    elif _is_year(core) and (where or triggered):
        target = _in_year(int(core.value), where)
    else:
        return None
    if target is None or target < today:
        return None
    return target, end


def _written_date(match: re.Match[str]) -> datetime.date | None:
    """The date of "15/03/2027", "15.03.27", "2027-03-15" (day first, as in Italy and most of
    Europe), None when it does not exist."""
    if match.group("iy"):
        year, month, day = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    else:
        day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
        year += 2000 if year < 100 else 0
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


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
    its months and the index past it (``clock.match_phrase``: an apostrophe is skipped)."""
    found = match_phrase(toks, i, table)
    return (float(found[0]), found[1]) if found is not None else None


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
    words = _date_words(packs) if today is not None else None
    i, n = 0, len(toks)
    while i < n:
        months: list[float]
        days: list[float | None]
        deadline = (
            _deadline(toks, i, today, words)
            if today and words and (i == 0 or toks[i].low in _DEADLINE_STARTS)
            else None
        )
        if (phrase := _horizon_phrase(toks, i, table)) is not None:
            months, end = [phrase[0]], phrase[1]
            days = [_days_under_a_month(phrase[0])]
        elif deadline is not None and today is not None:
            end = deadline[1]
            months, days = [_months_until(today, deadline[0])], [(deadline[0] - today).days]
        else:
            if (half := _half_unit(toks, i)) is not None:
                months, end = [half[0]], half[1]
            elif (quantity := _quantity(toks, i)) is not None:
                months, end = quantity
            else:
                i += 1
                continue
            in_days = any(TIME_UNITS.get(toks[k].low, 1.0) < 1.0 for k in range(i, end))
            days = [
                round(m * DAYS_PER_MONTH, 1) if in_days else _days_under_a_month(m) for m in months
            ]
        start_char, end_char = toks[i].start, toks[end - 1].end
        said = text[start_char:end_char]
        for value, in_days_value in zip(months, days, strict=True):
            spans.append(TimeSpan(round(value, 2), said, start_char, end_char, in_days_value))
        used.update(k for k in range(i, end) if toks[k].kind == "num")
        i = end
    return spans, used


def _days_under_a_month(months: float) -> float | None:
    """A span under a month in whole days ("mezzo mese" 15), None for a month or more."""
    return float(round(months * DAYS_PER_MONTH)) if months < 1.0 else None


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
    the built-in ones) give the fee and ads cues, the span phrases and the words of dates and
    times of day, staff's words included when the content's packs are passed. Deadlines
    ("entro giugno", "per pasqua") are counted from ``today``, and skipped without it."""
    toks = money_ranges(analyse(text, lang))
    money = money_from_tokens(text, toks, packs)
    spans, used = spans_from_tokens(text, toks, today, packs)
    percents, in_percents = percents_from_tokens(toks)
    taken = used | in_percents  # the number tokens read as something else
    if money:
        in_money = [(m.start, m.end) for m in money]
        taken.update(
            k
            for k, t in enumerate(toks)
            if t.kind == "num" and any(s <= t.start and t.end <= e for s, e in in_money)
        )
    times, in_times = times_from_tokens(text, toks, taken, packs)
    taken |= in_times
    numbers = [t.value for k, t in enumerate(toks) if t.kind == "num" and k not in taken]
    return Entities(numbers, money, find_platforms(text), spans, times, percents)


def horizon_months(entities: Entities) -> int | None:
    """The horizon a message asks about ("quanti follower in un anno?" -> 12): its first time
    span in whole months, rounded to the nearest and at least 1 ("in 2 settimane" -> 1);
    None when it names none. A period attached to money or a frequency ("300 al mese", "3 a
    settimana", "1200 a year") is no span, so it never gives a horizon."""
    if not entities.spans:
        return None
    return max(1, int(entities.spans[0].months + 0.5))
