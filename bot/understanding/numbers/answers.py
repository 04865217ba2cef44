"""A quantity typed as the answer to a question, in the question's own terms: ``read_count``
("3 a settimana", "twice a week", "2-3") and ``read_money`` ("a grand a year", "200-300 al
mese"), each an ``Amount`` with its period, currency, range ends or sign; and
``money_ranges``, ranges of money made one amount (used by ``entities`` too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.understanding.lang import LanguagePack
from bot.understanding.numbers.clock import times_from_tokens
from bot.understanding.numbers.lexer import Tok
from bot.understanding.numbers.money import CURRENCY_AFTER, CURRENCY_BEFORE, period_at
from bot.understanding.numbers.number_words import (
    analyse,
    followed_by,
    is_percent,
    pack_map,
    pack_set,
)
from bot.understanding.numbers.parse import (
    NOT_A_COUNT_AFTER,
    count_candidates,
    money_in,
    single,
    zero_answer,
)


@dataclass(frozen=True)
class Amount:
    """A quantity typed as the answer to a question: ``value`` per ``period``.

    ``period`` is one of ``bot.base.money.PERIODS`` or None when unsaid; ``currency`` is set for
    money (EUR when unsaid). A range ("2-3", "tra 200 e 300") gives its middle as ``value`` and
    its ends as ``low``/``high``; so does a vague amount ("a few grand": 3,000, 2,000 to
    4,000). ``negative``: the prospect wrote a negative amount ("-100", "meno cento"); ``value``
    is then below zero, never the same amount made positive. ``to_agency`` (money only): the
    amount is governed by paying the agency ("vi pago 300", "your fee is 300"), so it may be
    the agency's fee rather than ad budget (``MoneyMention.to_agency``).
    """

    value: float
    period: str | None = None
    currency: str | None = None
    low: float | None = None
    high: float | None = None
    negative: bool = False
    to_agency: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None


_COUNT_WORDS = pack_map("count_words")
_FREQUENCY_WORDS = pack_map("frequency_words")
_AMOUNT_WORDS = pack_map("amount_words")
_TIMES_WORDS = pack_set("times_words")
_MINUS_WORDS = pack_set("minus_words")
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
                or period_at(toks, i + 1) is not None
                or (nxt.low in _RANGE_WORDS and after is not None and after.kind == "num")
                or (nxt.kind == "word" and period_at(toks, i + 2) is not None)
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
    end ("10-20k"). A vague amount ("a few grand", ``Tok.ends``) is a range too."""
    out: list[Tok] = []
    ends: dict[int, tuple[float, float]] = {t.start: t.ends for t in toks if t.ends is not None}
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.kind == "num" and t.ends is None:
            opener = out[-1].low if out and out[-1].low in _RANGE_OPENERS else ""
            j = i + 1
            if j + 1 < n and toks[j].low in CURRENCY_AFTER and toks[j].kind != "num":
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
                (after is not None and after.low in CURRENCY_AFTER and after.kind != "num")
                or period_at(merged, k + 1) is not None
                or (before is not None and before.low in CURRENCY_BEFORE and before.kind != "num")
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
        if i > 0 and toks[i - 1].low in CURRENCY_BEFORE and toks[i - 1].kind != "num":
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
                    or (before.low in CURRENCY_AFTER and k > 1 and toks[k - 2].kind == "num")
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
        found = period_at(toks, j)
        if found is not None:
            return found[0]
        t = toks[j]
        if t.kind != "word" or t.low in NOT_A_COUNT_AFTER or t.low in CURRENCY_AFTER:
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
    # a time of day is no count: "mi chiamate domani alle 17?" answers no "how many?"
    _times, hours = times_from_tokens(text, toks)
    toks = [t for k, t in enumerate(toks) if k not in hours]
    negative = _negative(toks)
    if negative is not None:
        return Amount(-negative.value, negative=True)
    toks, ends = _ranges(toks)
    rated: dict[tuple[float, str], Tok] = {}
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i) or followed_by(toks, i, set(CURRENCY_AFTER)):
            continue
        period = _period_after(toks, i)
        if period is not None:
            rated.setdefault((t.value, period), t)
    if rated:
        if len(rated) != 1:
            return None
        (((_value, period), tok),) = rated.items()
        return _amount(tok, ends, period=period)
    best = single(count_candidates(text, toks))
    if best is not None:
        return _amount(best, ends)
    if "?" in text:
        return None  # "quanto volete al mese?" asks something: no "once a month" in it
    periods: set[str] = set()
    i = 0
    while i < len(toks):  # "ogni giorno", "weekly": once per period, when no number is said
        found = period_at(toks, i)
        if found is not None:
            periods.add(found[0])
            i = found[1]
            continue
        if toks[i].kind == "num":
            return None
        i += 1
    if len(periods) == 1:
        return Amount(1.0, period=periods.pop())
    if not periods and zero_answer(toks) is not None:
        return Amount(0.0)
    return None


def read_money(
    text: str, lang: str | None = None, packs: Mapping[str, LanguagePack] | None = None
) -> Amount | None:
    """An amount of money typed as an answer: ``parse_money``, plus what only answers say
    ("3 centoni al mese", "a grand a year", "a couple hundred", "zilch"), ranges ("200-300 al
    mese" -> 250 a month, "a few grand" -> 3,000 between 2,000 and 4,000) and negative amounts
    (refused by the caller, never made positive). ``to_agency`` when a fee cue of ``packs``
    (default: the built-in packs) governs it: "vi pago 300" is maybe the agency's fee."""
    raw = analyse(text, lang)
    if any(t.kind == "word" and (t.low in _TIMES_WORDS or t.low in _FREQUENCY_WORDS) for t in raw):
        return None  # "2 volte a settimana", "twice a week": how often, not how much
    toks = _answer_words(raw)
    negative = _negative(toks)
    if negative is not None:
        return Amount(-negative.value, currency="EUR", negative=True)
    toks, ends = _ranges(toks)
    mention = money_in(text, toks, packs)
    if mention is None:
        return None
    low, high = next(
        (v for start, v in ends.items() if mention.start <= start < mention.end), (None, None)
    )
    return Amount(
        mention.amount, mention.period, mention.currency, low, high, to_agency=mention.to_agency
    )
