"""The lexer under every reading of numbers: text cut into words, punctuation, digit runs and
what is not a quantity at all (phone numbers, dates, clock times, glued junk).

Digit runs are read here ("10.000", "10,000", "1 250 000" are ten thousand and so on); number
words are read by ``number_words``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


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
    ends: tuple[float, float] | None = None  # a vague amount's likely range: "a few grand"


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


def lex(text: str) -> list[Tok]:
    """The text as tokens, in order: words, punctuation, digit runs read as numbers ("num"),
    and "skip" for phone numbers, dates and clock times; number words are not read yet."""
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
