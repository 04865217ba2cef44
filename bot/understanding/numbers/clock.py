"""Times of day on the token stream: "alle 2 di notte", "2am", "21:30", "alle 9 e mezza", "a
mezzanotte", "half past 9", "la sera tardi", "tonight at 8".

A number is an hour only when something says so: a clock format ("21:30", "9pm", "21h"), a
clock word before it ("alle", "at"), a part of the day after it ("7 di mattina") or a word like
"in punto" / "o'clock". Even then a countable noun after it makes it a count ("alle 2 persone",
"at 5 posts a week"). A part of the day said without an hour ("la sera tardi", "late at night")
is a time of day too, with no hour. The words are the language packs' (``day_parts``,
``clock_words``, ``clock_names``, ``clock_minutes``, ``not_times``…), of every language at
once: prospects mix them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.understanding.lang import LanguagePack, built_for_packs
from bot.understanding.numbers.lexer import Tok, lex
from bot.understanding.numbers.number_words import COUNTABLE, SCALE_WORDS, TIME_UNITS

__all__ = [
    "DAY_PARTS",
    "Phrases",
    "TimeOfDay",
    "build_phrases",
    "match_phrase",
    "part_of_hour",
    "phrase_words",
    "times_from_tokens",
]

DAY_PARTS = ("morning", "midday", "afternoon", "evening", "night")
"""The parts of the day a ``TimeOfDay`` may name, in the packs' ``day_parts`` too."""

_V = TypeVar("_V")
Phrases = dict[str, list[tuple[tuple[str, ...], Any]]]


@dataclass(frozen=True)
class TimeOfDay:
    """A time of day said in a message.

    ``hour`` 0-23 and ``minute`` 0-59 on a 24-hour clock, both None when only a part of the day
    is said ("la sera tardi"); ``part`` is one of ``DAY_PARTS``: the one said ("alle 9 di
    sera" ``evening``), else the one a certain hour falls in ("21:30" ``evening``), else None;
    ``ambiguous`` is True when the hour could be morning or evening and nothing says which
    ("tutto alle 7": hour 7, maybe 19). ``text``/``start``/``end`` locate it in the message."""

    hour: int | None
    minute: int | None
    part: str | None
    ambiguous: bool
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        """``{"hour": 2, "minute": 0, "part": "night", "ambiguous": false, "text": "…"}``."""
        return {
            "hour": self.hour,
            "minute": self.minute,
            "part": self.part,
            "ambiguous": self.ambiguous,
            "text": self.text,
        }


def part_of_hour(hour: int) -> str:
    """The part of the day an hour falls in: 5-11 morning, 12-13 midday, 14-17 afternoon,
    18-21 evening, 22-4 night."""
    if 5 <= hour <= 11:
        return "morning"
    if hour in (12, 13):
        return "midday"
    if 14 <= hour <= 17:
        return "afternoon"
    if 18 <= hour <= 21:
        return "evening"
    return "night"


def _with_part(hour: int, part: str) -> int:
    """A 12-hour ``hour`` as the part of the day said makes it ("le 9 di sera" 21, "le 2 di
    notte" 2, "le 11 di notte" 23, "mezzanotte": 12 at night is 0); 13-23 stay as they are."""
    if hour > 12:
        return hour
    if part == "morning":
        return hour
    if part == "midday":
        return hour + 12 if 1 <= hour <= 5 else hour
    if part == "night":
        return 0 if hour == 12 else hour + 12 if 6 <= hour <= 11 else hour
    return 0 if hour == 12 and part == "evening" else hour + 12 if hour < 12 else hour


# --- the packs' words, as token phrases ---------------------------------------------------------


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase's words as the lexer cuts them (apostrophes dropped: "all'una" -> all, una)."""
    return tuple(t.low for t in lex(phrase.lower()) if t.kind in ("word", "num"))


def build_phrases(items: Iterable[tuple[str, _V]]) -> Phrases:
    """Phrases by first word, longest first, each with its value."""
    table: Phrases = {}
    for phrase, value in items:
        words = phrase_words(phrase)
        if words:
            table.setdefault(words[0], []).append((words, value))
    for rows in table.values():
        rows.sort(key=lambda row: -len(row[0]))
    return table


def match_phrase(toks: list[Tok], i: int, table: Phrases) -> tuple[Any, int] | None:
    """The value of the longest phrase of ``table`` starting at ``toks[i]``, and the index past
    it; an apostrophe in the text is skipped, as in the phrase."""
    if i >= len(toks) or toks[i].kind not in ("word", "num"):
        return None
    for words, value in table.get(toks[i].low, ()):
        k, matched = i, 0
        while k < len(toks) and matched < len(words):
            if toks[k].kind == "punct" and toks[k].low == "'":
                k += 1
                continue
            if toks[k].low != words[matched]:
                break
            matched, k = matched + 1, k + 1
        if matched == len(words):
            return value, k
    return None


@dataclass(frozen=True)
class _Tables:
    parts: Phrases
    clock_words: Phrases
    hour_words: Mapping[str, int]
    names: Phrases
    minutes_after: Phrases
    minutes_before: Phrases
    after: Phrases
    not_times: Phrases
    nouns: frozenset[str]
    starts: frozenset[str]  # the words a time may start with: the rest is skipped at once


# Quantities a number before them counts: "alle 2 persone", "at 5 posts", "alle 3 foto".
_NOUNS = {"persone", "people", "foto", "photos", "pics", "like", "likes", "commenti"} | {
    "comments",
    "visualizzazioni",
    "views",
    "ragazzi",
    "ragazze",
    "dipendenti",
    "employees",
    "negozi",
    "shops",
    "stores",
    "percent",
    "percento",
    "anni",
    "ore",
    "hours",
    "minuti",
    "minutes",
    "pagine",
    "pages",
    "account",
    "accounts",
    "profili",
    "profiles",
    "prodotti",
    "products",
}


def _tables(packs: Mapping[str, LanguagePack] | None) -> _Tables:
    return built_for_packs(packs, "clock", _build_tables)


def _build_tables(chosen: tuple[LanguagePack, ...]) -> _Tables:
    def merged(name: str) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for pack in chosen:
            words = getattr(pack, name)
            out.extend(words.items() if isinstance(words, Mapping) else ((w, None) for w in words))
        return out

    nouns = set(COUNTABLE) | set(TIME_UNITS) | set(SCALE_WORDS) | _NOUNS
    for pack in chosen:
        for name in ("follower_words", "posting_words", "content_words", "times_words"):
            nouns |= {w.rstrip("*") for w in getattr(pack, name)}
        nouns |= {w + "s" for w in pack.follower_words if w.endswith("*")}
        nouns |= set(pack.month_names)
    parts = build_phrases(merged("day_parts"))
    clock_words = build_phrases(merged("clock_words"))
    names = build_phrases(merged("clock_names"))
    minutes_before = build_phrases(merged("clock_minutes_before"))
    return _Tables(
        parts=parts,
        clock_words=clock_words,
        hour_words={w: int(v) for pack in chosen for w, v in pack.clock_hour_words.items()},
        names=names,
        minutes_after=build_phrases(merged("clock_minutes")),
        minutes_before=minutes_before,
        after=build_phrases(merged("clock_after")),
        not_times=build_phrases(merged("not_times")),
        nouns=frozenset(nouns),
        starts=frozenset(parts)
        | frozenset(clock_words)
        | frozenset(names)
        | frozenset(minutes_before),
    )


# --- reading -----------------------------------------------------------------------------------

_CLOCK_TEXT = re.compile(
    r"^(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2})(?::[0-9]{2})?)?\s*(?:(?P<ap>[ap])\.?\s*m\.?)?$"
)
_DECIMAL_CLOCK = re.compile(r"^(?P<h>[0-9]{1,2})[.,](?P<m>[0-9]{2})$")
_MERIDIEM = {"am": "a", "pm": "p"}
# Words between an hour and its part of the day: "le 9 di sera", "9 in the evening".
_PART_LINKS = {"di", "del", "della", "dell", "la", "il", "nel", "nella", "in", "the", "at", "of"}
# Words between two hours of a range: "dalle 7 alle 9", "tra le 7 e le 9", "7-9pm".
_RANGE_LINKS = {"-", "–", "e", "a", "to", "and", "till", "until", "/"}


@dataclass
class _Hour:
    """An hour as read, before the part of the day settles it."""

    hour: int
    minute: int
    meridiem: str | None  # "a" or "p" when "am"/"pm" is said
    explicit: bool  # a clock format or word says it is a time ("21:30", "9pm", "in punto")
    zero_led: bool  # "07:30": a 24-hour clock, so not ambiguous
    minute_said: bool  # "21:30", "9.30", "21h30": no "e mezza" after
    first: int  # token indices: the first of the mention, the hour's, and past the end
    at: int
    end: int
    part: str | None = None


def _glued(toks: list[Tok], i: int) -> bool:
    return i > 0 and i < len(toks) and toks[i].start == toks[i - 1].end


def _two_digits(t: Tok) -> int | None:
    if t.kind in ("num", "skip") and len(t.low) == 2 and t.low.isdigit():
        return int(t.low)
    return None


def _spelled_minutes(t: Tok) -> bool:
    return t.kind == "num" and t.spelled and t.value.is_integer() and 10 <= t.value <= 59


def _read_hour(toks: list[Tok], k: int, tables: _Tables, cued: bool) -> _Hour | None:
    """The hour at ``toks[k]`` with its minutes and am/pm, if ``toks[k]`` can be one; ``cued``
    when a clock word comes just before (then "alle sei" and "at seven thirty" are read)."""
    n = len(toks)
    t = toks[k]
    minute, meridiem, explicit, minute_said = 0, None, False, False
    j = k + 1
    if t.kind == "skip":
        m = _CLOCK_TEXT.match(t.low.lower().strip())
        if m is None or (m.group("m") is None and m.group("ap") is None):
            return None
        hour, explicit = int(m.group("h")), True
        minute, minute_said = int(m.group("m") or 0), m.group("m") is not None
        meridiem = m.group("ap")
    elif t.kind == "num" and not t.spelled and (dec := _DECIMAL_CLOCK.match(t.low)):
        hour, minute = int(dec.group("h")), int(dec.group("m"))  # "9.30", "21,30"
        minute_said = True
    elif t.kind == "num" and t.value.is_integer() and 0 <= t.value <= 24 and t.scale == 1:
        hour = int(t.value)
        if not t.spelled and j + 1 < n and toks[j].low == ":" and _glued(toks, j):
            mm = _two_digits(toks[j + 1])  # "7:30pm", which the lexer leaves unmasked
            if mm is None or not _glued(toks, j + 1):
                return None
            minute, explicit, minute_said, j = mm, True, True, j + 2
        elif not t.spelled and j < n and toks[j].low == "h" and _glued(toks, j):
            explicit, j = True, j + 1  # "21h", "21h30"
            if j < n and _glued(toks, j) and (mm := _two_digits(toks[j])) is not None:
                minute, minute_said, j = mm, True, j + 1
        elif t.spelled and cued and j < n and _spelled_minutes(toks[j]):
            minute, minute_said, j = int(toks[j].value), True, j + 1  # "at seven thirty"
    elif t.kind == "word" and cued and t.low in tables.hour_words:
        hour = tables.hour_words[t.low]  # "alle sei"
    else:
        return None
    if meridiem is None and j < n and toks[j].low in _MERIDIEM:
        meridiem, explicit, j = _MERIDIEM[toks[j].low], True, j + 1
    elif meridiem is None and [t.low for t in toks[j : j + 3]] in (
        ["a", ".", "m"],
        ["p", ".", "m"],
    ):
        meridiem, explicit, j = toks[j].low, True, j + 3  # "7 a.m", which the lexer leaves
        if j < n and toks[j].low == "." and _glued(toks, j):
            j += 1
    zero_led = t.low[:1] == "0" and len(t.low) > 1
    return _Hour(hour, minute, meridiem, explicit, zero_led, minute_said, k, k, j)


def _minutes_after(toks: list[Tok], h: _Hour, tables: _Tables) -> None:
    """ "e mezza", "meno un quarto", "e 30" after the hour, when no minutes were said."""
    if h.minute_said:
        return
    said = match_phrase(toks, h.end, tables.minutes_after)
    if said is not None:
        h.minute, h.minute_said, h.end = int(said[0]), True, said[1]
        return
    j = h.end
    if j + 1 < len(toks) and toks[j].low in ("e", "and") and toks[j + 1].kind == "num":
        value = toks[j + 1].value
        after = toks[j + 2].low if j + 2 < len(toks) else ""
        if value.is_integer() and 0 <= value <= 59 and after not in tables.nouns:
            h.minute, h.minute_said, h.end = int(value), True, j + 2


def _part_after(toks: list[Tok], j: int, tables: _Tables, blocked: set[int]) -> tuple[str, int]:
    """The part of the day said right after an hour ("di sera", "in the morning"), and the
    index past it; ("", j) when none."""
    k = j
    while k < len(toks) and k < j + 3 and (toks[k].low in _PART_LINKS or toks[k].low == "'"):
        k += 1
    if k in blocked:
        return "", j
    said = match_phrase(toks, k, tables.parts)
    return (str(said[0]), said[1]) if said is not None else ("", j)


def _blocked(toks: list[Tok], tables: _Tables) -> set[int]:
    """Indices of the tokens inside a ``not_times`` phrase ("buona sera", "we're at")."""
    blocked: set[int] = set()
    if not tables.not_times:
        return blocked
    for i, t in enumerate(toks):
        if t.low in tables.not_times and (said := match_phrase(toks, i, tables.not_times)):
            blocked.update(range(i, said[1]))
    return blocked


def _settle(h: _Hour) -> tuple[int, int, bool] | None:
    """(hour, minute, ambiguous) on a 24-hour clock, or None when no such time exists."""
    hour, minute = h.hour, h.minute
    if h.meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if h.meridiem == "p" else 0)
        ambiguous = False
    elif h.part:
        hour, ambiguous = _with_part(hour, h.part), False
    else:
        ambiguous = 1 <= hour <= 11 and not h.zero_led
    if hour == 24 and minute == 0:
        hour = 0
    if not (0 <= hour <= 23 and -59 <= minute <= 59):
        return None
    if minute < 0:  # "alle 9 meno un quarto": 8:45
        hour, minute = (hour - 1) % 24, 60 + minute
    return hour, minute, ambiguous


def _mention(text: str, toks: list[Tok], h: _Hour) -> TimeOfDay | None:
    settled = _settle(h)
    if settled is None:
        return None
    hour, minute, ambiguous = settled
    part = h.part or (None if ambiguous else part_of_hour(hour))
    start, end = toks[h.first].start, toks[h.end - 1].end
    return TimeOfDay(hour, minute, part, ambiguous, text[start:end], start, end)


def _hour_at(
    toks: list[Tok], i: int, tables: _Tables, blocked: set[int], taken: set[int]
) -> _Hour | None:
    """An hour mentioned from ``toks[i]`` on: a clock word and an hour, "half past" and an
    hour, an hour by name ("mezzanotte"), or an hour a format or the words after make one."""
    n = len(toks)
    h: _Hour | None = None
    cue = None if i in blocked else match_phrase(toks, i, tables.clock_words)
    before = match_phrase(toks, i, tables.minutes_before)
    if before is not None and before[1] < n:
        h = _read_hour(toks, before[1], tables, True)
        if h is not None and not h.minute_said:
            h.minute, h.minute_said, h.explicit = int(before[0]), True, True  # "quarter to 9"
        else:
            h = None
    if h is None and cue is not None and cue[1] < n:
        named = None if cue[1] in blocked else match_phrase(toks, cue[1], tables.names)
        if named is not None:  # "verso mezzanotte" as "alle mezzanotte"
            h = _Hour(int(named[0]), 0, None, True, False, False, cue[1], cue[1], named[1])
        else:
            h = _read_hour(toks, cue[1], tables, True)
        cued = h is not None
    else:
        cued = False
    if h is None and i not in blocked and (named := match_phrase(toks, i, tables.names)):
        h = _Hour(int(named[0]), 0, None, True, False, False, i, i, named[1])
    if h is None:
        h = _read_hour(toks, i, tables, False)
        if h is None:
            return None
    if any(k in taken for k in range(h.at, h.end)):
        return None
    h.first = i
    _minutes_after(toks, h, tables)
    after = match_phrase(toks, h.end, tables.after)
    if after is not None:
        h.explicit, h.end = True, after[1]
    part, past = _part_after(toks, h.end, tables, blocked)
    if not (h.explicit or cued or part):
        return None
    nxt = toks[h.end] if h.end < n else None
    if not h.explicit and not part and nxt is not None and nxt.low in tables.nouns:
        return None  # "alle 2 persone", "at 5 posts"
    if part:
        h.part, h.end = part, past
    return h


def _said_on_twelve(h: _Hour) -> bool:
    """The hour was said on a 12-hour clock and settled by words ("9pm", "le 9 di sera"), so
    the earlier end of a range may take the same half of the day; "21" says nothing of it."""
    return h.hour <= 12 and (h.meridiem is not None or h.part is not None)


def _closest_before(hour: int, later: TimeOfDay) -> int | None:
    """A 12-hour ``hour`` as the earlier end of a range whose later end is ``later``: the
    reading fewest hours before it ("dalle 7 alle 9 di sera": 19; "from 10 to 2pm": 10)."""
    if later.hour is None or not 1 <= hour <= 12:
        return None
    best = None
    for candidate in {hour % 12, hour % 12 + 12}:
        gap = (later.hour - candidate) % 24
        if 0 < gap <= 12 and (best is None or gap < best[0]):
            best = (gap, candidate)
    return best[1] if best is not None else None


def _links_only(toks: list[Tok], start: int, end: int) -> bool:
    """Only the words of a range between two hours ("alle", "e le", "-", "to")."""
    return end > start and all(
        t.low in _RANGE_LINKS or t.low in ("le", "the", "alle") for t in toks[start:end]
    )


def _range_earlier_end(
    text: str,
    toks: list[Tok],
    found: list[tuple[TimeOfDay, int, int]],
    h: _Hour,
    later: TimeOfDay,
    taken: set[int],
    used: set[int],
) -> None:
    """The earlier end of a range whose later end says its half of the day takes it: "dalle 7
    alle 9 di sera" (7 read, ambiguous: 19), "7-9pm", "between 7 and 9pm" (7 bare: 19)."""
    if found and found[-1][0].ambiguous and _links_only(toks, found[-1][2], h.at):
        earlier, first, end = found[-1]
        hour = _closest_before(earlier.hour or 0, later)
        if hour is not None:
            found[-1] = (
                TimeOfDay(
                    hour,
                    earlier.minute,
                    part_of_hour(hour),
                    False,
                    earlier.text,
                    earlier.start,
                    earlier.end,
                ),
                first,
                end,
            )
        return
    k = h.first - 2
    if k < 0 or k in taken or toks[k + 1].low not in _RANGE_LINKS:
        return
    a = toks[k]
    if a.kind != "num" or not a.value.is_integer() or a.scale != 1:
        return
    hour = _closest_before(int(a.value), later)
    if hour is not None:
        time = TimeOfDay(hour, 0, part_of_hour(hour), False, text[a.start : a.end], a.start, a.end)
        found.append((time, k, k + 1))
        used.add(k)


def times_from_tokens(
    text: str,
    toks: list[Tok],
    taken: set[int] | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> tuple[list[TimeOfDay], set[int]]:
    """The times of day in an analysed stream, in order, and the indices of the number tokens
    they used; ``taken`` are tokens already read as something else (money, spans,
    percentages). ``packs`` give the words (default: the built-in packs)."""
    taken = taken or set()
    tables = _tables(packs)
    blocked = _blocked(toks, tables)
    found: list[tuple[TimeOfDay, int, int]] = []  # each time, its first and past-end token
    used: set[int] = set()
    i, n = 0, len(toks)
    starts = tables.starts
    while i < n:
        kind = toks[i].kind
        if kind == "punct" or (kind == "word" and toks[i].low not in starts) or i in taken:
            i += 1
            continue
        h = _hour_at(toks, i, tables, blocked, taken)
        if h is not None:
            prev = found[-1] if found else None
            merged = prev is not None and prev[0].hour is None and prev[2] == h.first
            if prev is not None and merged and not h.part:
                h.part, h.first = prev[0].part, prev[1]  # "stasera alle 9", "tonight at 8"
            time = _mention(text, toks, h)
            if time is not None:
                if merged and h.first != i:
                    found.pop()
                if _said_on_twelve(h):
                    _range_earlier_end(text, toks, found, h, time, taken | used, used)
                found.append((time, h.first, h.end))
                used.update(k for k in range(h.first, h.end) if toks[k].kind == "num")
            i = max(h.end, i + 1)
            continue
        said = None if i in blocked else match_phrase(toks, i, tables.parts)
        if said is not None:
            start, end = toks[i].start, toks[said[1] - 1].end
            part_only = TimeOfDay(None, None, str(said[0]), False, text[start:end], start, end)
            found.append((part_only, i, said[1]))
            i = said[1]
            continue
        i += 1
    return [time for time, _, _ in found], used
