"""Number words and scales on the token stream: "diecimila", "one and a half million", "10k",
"1,5 mln", "e mezzo"; and what text2num over-reads removed ("un post", "sei bravo", "grazie
mille"). ``analyse`` is the whole pipeline: lex, spelled numbers, scales, filter.

Number words are read by text2num; this module only adds what text2num does not know and
removes what it over-reads. Also the word lists the readers share (``TIME_UNITS``, the packs'
lists merged) and small predicates on the stream (``followed_by``, ``is_percent``).
"""

from __future__ import annotations

from functools import lru_cache

import text_to_num

from bot.understanding.lang import BUILTIN_PACKS, pack_for, spell_word
from bot.understanding.numbers.lexer import Tok, lex

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
# The packs' scale words and money slang ("grand", "mil", "migliaio", "centone"): nouns that
# multiply the number before them ("10 grand", "3 centoni") or, after an article, stand for
# one of themselves ("a grand", "un migliaio di follower"), in free text as in answers.
NOUN_SCALES: dict[str, float] = {
    word: float(value)
    for pack in BUILTIN_PACKS.values()
    for word, value in {**pack.amount_words, **pack.scale_words}.items()
}
_ALL_SCALES = SCALE_WORDS | NOUN_SCALES
# "un paio di migliaia", "a couple of thousand": counts before a scale, in free text too
_COUNTS: dict[str, float] = {
    word: float(value)
    for pack in BUILTIN_PACKS.values()
    for word, value in pack.count_words.items()
}
# "a few grand", "qualche migliaio": a small count with no number, as its likely range
_FEW: dict[str, tuple[float, float]] = {
    word: (float(lo), float(hi))
    for pack in BUILTIN_PACKS.values()
    for word, (lo, hi) in pack.few_words.items()
}
# Spelled scales a count or "few" multiplies: "a couple hundred", "a few hundred thousand".
_MAGNITUDE_WORDS = {"hundred", "hundreds", "cento", "thousand", "thousands", "mille"} | {
    "million",
    "millions",
    "milione",
    "milioni",
    "billion",
    "billions",
    "miliardo",
    "miliardi",
}
_ARTICLES = {"a", "an", "un", "uno", "una", "na"}
_OF = {"di", "of", "d"}
# What may follow "a grand" or "un migliaio" for it to be an amount ("a grand a month", "un
# migliaio di follower"), not a phrase that goes on ("a grand opening").
_AFTER_ARTICLE_SCALE = {
    "a",
    "al",
    "alla",
    "all",
    "ai",
    "per",
    "x",
    "on",
    "in",
    "into",
    "for",
    "of",
    "di",
    "da",
    "each",
    "every",
    "ogni",
    "and",
    "e",
    "or",
    "o",
    "to",
    "circa",
    "about",
    "tops",
    "max",
    "massimo",
    "monthly",
    "weekly",
    "yearly",
    "mensili",
    "settimanali",
    "annui",
    "euro",
    "euros",
    "eur",
    "dollars",
    "dollari",
    "bucks",
    "pounds",
    "quid",
    "sterline",
    "follower",
    "followers",
    "seguaci",
    "iscritti",
    "fan",
    "fans",
    "subscribers",
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
    "annetto": 12.0,  # "in un annetto": about a year
    "annetti": 12.0,
    "mesetto": 1.0,
    "mesetti": 1.0,
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
# "k" is no "che" in "10 k"
_KEEP_SPELLED = frozenset(_ALL_SCALES) | frozenset(TIME_UNITS)
# After "sei" (six, but also "you are") one of these must follow for it to count as a number.
COUNTABLE = set(TIME_UNITS) | {
    "follower",
    "followers",
    "seguaci",
    "iscritti",
    "fan",
    "post",
    "posts",
    "reel",
    "reels",
    "video",
    "videos",
    "storie",
    "stories",
    "contenuti",
    "volte",
    "times",
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


def _code(lang: str | None) -> str:
    """The base language code of ``lang`` ("en-GB" -> "en")."""
    return (lang or "").strip().lower().replace("_", "-").split("-", 1)[0]


@lru_cache(maxsize=64)
def _langs(lang: str | None) -> tuple[str, ...]:
    """The requested language's number words first, the other packs' as fallback: prospects
    mix languages (text2num languages come from the packs, ``bot.understanding.lang``)."""
    own = pack_for(_code(lang)).number_language
    others = (p.number_language for p in BUILTIN_PACKS.values() if p.number_language)
    return tuple(dict.fromkeys([*([own] if own else []), *others]))


def _chat_spellings(toks: list[Tok], lang: str | None) -> list[Tok]:
    """Chat spellings written out, as every reader does (``lang.spell_word``: "nn ho budget",
    "nnt x ora"), each word keeping the place of the one typed; scales and units ("10 k",
    "3 gg") stay as they are."""
    pack = BUILTIN_PACKS.get(_code(lang))
    if pack is None or not pack.abbreviations:
        return toks
    out: list[Tok] = []
    for t in toks:
        full = t.low
        if t.kind == "word" and t.low not in _KEEP_SPELLED:
            full = spell_word(t.low, pack)
        if full == t.low:
            out.append(t)
            continue
        out.extend(t._replace(low=word) for word in full.lower().split())
    return out


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
    """The multiplier a bare scale word stands for ("milione", "million", "mila", "grand"),
    else 0."""
    if t.low in _NOT_SUFFIX:
        return 0.0
    if t.kind == "word":
        return _ALL_SCALES.get(t.low, 0.0)
    if t.kind == "num" and t.spelled and t.nwords == 1 and t.low in SCALE_WORDS:
        return SCALE_WORDS[t.low]
    return 0.0


def _suffix_scale(num: Tok, nxt: Tok, text: str) -> float:
    """Scale written right after a number; a lowercase "m" only counts glued on ("1.2m")."""
    scale = _scale_token(nxt)
    if not scale or nxt.start - num.end > 2:
        return 0.0
    if num.spelled and num.low in _ARTICLES:  # "un migliaio": only as ``_article_scale`` reads it
        return 0.0
    if nxt.low == "m" and text[nxt.start : nxt.end] == "m" and nxt.start != num.end:
        return 0.0
    return scale


def _magnitude(t: Tok) -> float:
    """The scale a count or "few" multiplies ("migliaia", "thousand", "grand", "hundred
    thousand"), else 0."""
    words = t.low.split()
    if t.kind == "num" and t.spelled and words and all(w in _MAGNITUDE_WORDS for w in words):
        return t.value
    return _scale_token(t) if t.kind == "word" or t.nwords == 1 else 0.0


def _is_article(t: Tok) -> bool:
    return t.low in _ARTICLES and (t.kind == "word" or (t.spelled and t.nwords == 1))


def _article_scale(toks: list[Tok], i: int) -> tuple[Tok, int] | None:
    """ "a grand", "un migliaio", "un centone" ("e mezzo": one and a half): one of the scale
    word, when what follows goes on as an amount does ("a grand a month"; not "a grand
    opening"); and the index past it."""
    t = toks[i]
    if not _is_article(t) or i + 1 >= len(toks) or toks[i + 1].low not in NOUN_SCALES:
        return None
    after = toks[i + 2] if i + 2 < len(toks) else None
    if after is not None and after.kind == "word" and after.low not in _AFTER_ARTICLE_SCALE:
        return None
    scale = NOUN_SCALES[toks[i + 1].low]
    value, j = scale, i + 2
    if (half := half_after(toks, j)) is not None:  # "un migliaio e mezzo", "a grand and a half"
        value, j = 1.5 * scale, half
    low = f"{t.low} {toks[i + 1].low}"
    return Tok("num", t.start, toks[j - 1].end, low, value, scale, True, 9), j


def _counted_scale(toks: list[Tok], i: int, out: list[Tok]) -> tuple[Tok, int] | None:
    """ "un paio di migliaia", "a couple of thousand", "a few grand", "qualche milione": the
    count (or the middle of "few", with its range) times the scale; and the index past it.
    An article before is taken from ``out``."""
    t = toks[i]
    if t.kind != "word" or (t.low not in _COUNTS and t.low not in _FEW):
        return None
    n = len(toks)
    j = i + 1
    if j < n and toks[j].low in _OF:
        j += 2 if toks[j].low == "d" and j + 1 < n and toks[j + 1].low == "'" else 1
    scale = _magnitude(toks[j]) if j < n else 0.0
    if not scale:
        return None
    end = toks[j].end
    j += 1
    k = j + 1 if j < n and toks[j].low in _OF else j  # "centinaia di migliaia"
    if k < n and (more := _magnitude(toks[k])) > scale:
        scale, end, j = scale * more, toks[k].end, k + 1
    start = out.pop().start if out and _is_article(out[-1]) else t.start
    if t.low in _FEW:
        lo, hi = _FEW[t.low]
        value, ends = (lo + hi) / 2 * scale, (lo * scale, hi * scale)
    else:
        value, ends = _COUNTS[t.low] * scale, None
    tok = Tok("num", start, end, t.low, round(value, 6), scale, True, 9, ends)
    return tok, j


def _combine(toks: list[Tok], text: str) -> list[Tok]:
    """Apply what text2num leaves out: scale suffixes, halves, "mezzo milione", "a million",
    money slang ("10 grand", "a grand"), counts of a scale ("un paio di migliaia", "a few
    grand")."""
    out: list[Tok] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        counted = _counted_scale(toks, i, out)
        if counted is not None:
            out.append(counted[0])
            i = counted[1]
            continue
        if (one := _article_scale(toks, i)) is not None:
            out.append(one[0])
            i = one[1]
            continue
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
                or (t.low == "sei" and content > 1 and next_low not in COUNTABLE)
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
    toks = _chat_spellings(lex(text), lang)
    toks = _spelled(toks, _langs(lang))
    toks = _combine(toks, text)
    return _filter(toks)


_PERCENT_WORDS = {"percent", "percento", "%"}


def pack_map(name: str) -> dict[str, float]:
    """One word list of every language pack, merged: prospects mix languages."""
    merged: dict[str, float] = {}
    for pack in BUILTIN_PACKS.values():
        merged.update(getattr(pack, name))
    return merged


def pack_set(name: str) -> frozenset[str]:
    """One word set of every language pack, merged."""
    return frozenset(w for pack in BUILTIN_PACKS.values() for w in getattr(pack, name))


def followed_by(toks: list[Tok], i: int, words: set[str]) -> bool:
    """The token after ``toks[i]`` is one of ``words``."""
    return i + 1 < len(toks) and toks[i + 1].low in words


def is_percent(toks: list[Tok], i: int) -> bool:
    """The number ``toks[i]`` is a percentage ("20%", "20 percento", "20 per cento")."""
    if followed_by(toks, i, _PERCENT_WORDS):
        return True
    return i + 2 < len(toks) and toks[i + 1].low == "per" and toks[i + 2].low in ("cento", "cent")


_SIGNS = {"+": 1.0, "-": -1.0, "−": -1.0}
_PERCENT_RANGE_LINKS = {"-", "–", "o", "or", "a", "to", "e", "and", "/"}


def percents_from_tokens(toks: list[Tok]) -> tuple[list[float], set[int]]:
    """The percentages in an analysed stream, in percent and in order ("il 30%" 30, "trenta
    per cento" 30, "+20%" 20, "-5%" -5; "10-20%" gives both ends), and the indices of the
    number tokens they used."""
    values: list[float] = []
    used: set[int] = set()
    for k, t in enumerate(toks):
        if t.kind != "num" or not is_percent(toks, k):
            continue
        if (  # "10-20%", "10 o 20 per cento": the first end is a percentage too
            k >= 2
            and toks[k - 1].low in _PERCENT_RANGE_LINKS
            and toks[k - 2].kind == "num"
            and k - 2 not in used
            and toks[k - 2].value < t.value
        ):
            values.append(toks[k - 2].value)
            used.add(k - 2)
            sign = 1.0
        else:
            prev = toks[k - 1] if k > 0 else None
            glued_sign = prev is not None and prev.low in _SIGNS and prev.end == t.start
            sign = _SIGNS[prev.low] if prev is not None and glued_sign else 1.0
        values.append(sign * t.value)
        used.add(k)
    return values, used
