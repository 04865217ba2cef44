"""Whom an amount of money is for: the agency, as its fee, or ads.

Prospects mix the two (mistake no. 2 of the guidance: "we pay you, so all of it goes into
ads"): "se vi pago 300 euro al mese quanti follower faccio?" is the agency's fee, "300 di
sponsorizzate" is ads, "vi pago 300 di sponsorizzate" is ads too. The cue words are the
language packs' ``fee_cues`` and ``ads_cues`` (staff add more in ``words.yaml``); this module
only says which cue governs an amount:

- a cue right after the amount, within a few words, wins ("300 di sponsorizzate", "300 per la
  gestione", "500 euro a voi"); the first one found decides, so "vi pago 300 di sponsorizzate"
  is ads;
- else the nearest cue before it, within a few words ("se vi pago 300", "your fee of 300");
- a cue never reaches past another number, a sentence end, an "and"/"but" or a question word
  ("vi pago 300 e 200 li metto io" leaves the 200 alone), nor, after the amount, past a comma
  ("vi pago 300, quanto metto in ads?" is the fee); an ads cue after "senza"/"without" is no
  ads cue, a fee cue after thanks ("grazie a voi") no fee cue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.understanding.lang import LanguagePack, built_for_packs, built_once
from bot.understanding.numbers.lexer import Tok, lex

_CLAUSE_END = {".", "!", "?", ";"}
_SOFT_PUNCT = {"'", "-", ","}  # inside a phrase ("all'agenzia") or a pause ("300, a voi")
_JOINS = {"e", "ed", "and", "o", "or", "ma", "but", "però", "pero", "oppure", "mentre", "while"} | {
    "quanto",
    "quanti",
    "quante",
    "quanta",
    "how",
    "what",
    "come",
}
_NOT_ADS = {"senza", "without", "no", "niente", "nessuna", "nessun", "zero", "non", "not"}
_THANKS = {"grazie", "thanks", "thank", "merito"}
_BLOCK = "\x00"  # a number or a sentence end in the word list: no phrase spans it

WIDE_AFTER, WIDE_BEFORE = 4, 5  # words between a money amount and its cue
TIGHT = 2  # for a bare number ("il vostro compenso è 300"): the cue must be right there


@dataclass(frozen=True)
class Cue:
    """A fee or ads phrase found in the token stream, by token index (``first``..``last``)."""

    first: int
    last: int
    fee: bool


def _phrases(pack: LanguagePack, name: str) -> list[tuple[str, ...]]:
    """The pack's cue phrases of ``name`` as word tuples, longest first (built once per pack);
    a word ending in "*" matches any word it begins."""
    return built_once(pack, name, lambda p: _build(getattr(p, name)))


def _build(phrases: frozenset[str]) -> list[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for phrase in phrases:
        words: list[str] = []
        for piece in phrase.lower().split():
            star = piece.endswith("*")
            sub = [t.low for t in lex(piece.rstrip("*")) if t.kind in ("word", "num")]
            if star and sub:
                sub[-1] += "*"
            words.extend(sub)
        if words:
            found.add(tuple(words))
    return sorted(found, key=len, reverse=True)


def _matches(phrase: tuple[str, ...], words: list[tuple[str, int]], k: int) -> bool:
    if k + len(phrase) > len(words):
        return False
    for want, (got, _i) in zip(phrase, words[k : k + len(phrase)], strict=False):
        if want.endswith("*"):
            if not (got.startswith(want[:-1]) and got != _BLOCK):
                return False
        elif want != got:
            return False
    return True


_Row = tuple[tuple[str, ...], bool]
_Table = tuple[dict[str, list[_Row]], list[_Row]]


def _table(packs: Mapping[str, LanguagePack] | None) -> _Table:
    """The cue phrases of all ``packs`` by first word (and those starting with a "*" word),
    longest first; built once per set of packs (a content reload makes new ones)."""
    return built_for_packs(packs, "money_cues", _build_table)


def _build_table(chosen: tuple[LanguagePack, ...]) -> _Table:
    rows: list[_Row] = []
    for pack in chosen:
        rows.extend((p, True) for p in _phrases(pack, "fee_cues"))
        rows.extend((p, False) for p in _phrases(pack, "ads_cues"))
    rows.sort(key=lambda row: -len(row[0]))
    by_first: dict[str, list[_Row]] = {}
    starred: list[_Row] = []
    for row in rows:
        if row[0][0].endswith("*"):
            starred.append(row)
        else:
            by_first.setdefault(row[0][0], []).append(row)
    return by_first, starred


def find_cues(toks: list[Tok], packs: Mapping[str, LanguagePack] | None = None) -> list[Cue]:
    """Every fee and ads phrase of ``packs`` (default: the built-in ones; all of them, for
    prospects mix languages) in ``toks``, in order, the longest at each place."""
    by_first, starred = _table(packs)
    if not by_first and not starred:
        return []
    words: list[tuple[str, int]] = []
    for i, t in enumerate(toks):
        if t.kind == "word":
            words.append((t.low, i))
        elif not (t.kind == "punct" and t.low in _SOFT_PUNCT):
            words.append((_BLOCK, i))
    cues: list[Cue] = []
    k = 0
    while k < len(words):
        candidates = [*by_first.get(words[k][0], ()), *starred] if words[k][0] != _BLOCK else []
        hit = next((row for row in candidates if _matches(row[0], words, k)), None)
        if hit is None:
            k += 1
            continue
        size = len(hit[0])
        cues.append(Cue(words[k][1], words[k + size - 1][1], hit[1]))
        k += size
    return cues


def _negated(toks: list[Tok], cue: Cue) -> bool:
    """A cue that says nothing of the money: an ads cue said as "senza sponsorizzate",
    "without ads", "no ads"; a fee cue said as thanks ("grazie a voi", "thanks to you")."""
    k = cue.first - 1
    while k >= 0 and toks[k].kind == "word" and toks[k].low in ("le", "la", "i", "gli", "any"):
        k -= 1
    return k >= 0 and toks[k].low in (_THANKS if cue.fee else _NOT_ADS)


def _stops(t: Tok) -> bool:
    return t.kind in ("num", "skip") or (t.kind == "punct" and t.low in _CLAUSE_END)


def governing_cue(
    toks: list[Tok], first: int, last: int, cues: list[Cue], *, tight: bool = False
) -> bool | None:
    """Whom the amount in tokens ``first``..``last`` is for: True the agency, False ads, None
    when no cue governs it. ``tight``: the cue must be within two words (a bare number)."""
    if not cues:
        return None
    starts = {c.first: c for c in cues}
    ends = {c.last: c for c in cues}
    limit = TIGHT if tight else WIDE_AFTER
    seen = 0
    p = last + 1
    while p < len(toks):
        cue = starts.get(p)
        if cue is not None:
            if tight and seen == 0 and not cue.fee:
                break  # "3 ads a settimana" counts ads; "300 in ads" is money for them
            if not _negated(toks, cue):
                return cue.fee
            p = cue.last + 1
            continue
        t = toks[p]
        if _stops(t) or t.low == "," or (t.kind == "word" and t.low in _JOINS):
            break  # after the amount a comma ends its phrase: "300, quanto metto in ads?"
        if t.kind == "word":
            seen += 1
            if seen > limit:
                break
        p += 1
    limit = TIGHT if tight else WIDE_BEFORE
    seen = 0
    p = first - 1
    while p >= 0:
        cue = ends.get(p)
        if cue is not None:
            if not _negated(toks, cue):
                return cue.fee
            p = cue.first - 1
            continue
        t = toks[p]
        if _stops(t) or (t.kind == "word" and t.low in _JOINS):
            break
        if t.kind == "word":
            seen += 1
            if seen > limit:
                break
        p -= 1
    return None
