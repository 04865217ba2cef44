"""A prospect's business named in a sentence.

"Di cosa si occupa la tua attività?" is answered "ho una pasticceria a catania", "abbiamo un
b&b a cefalù", "I run a gelato shop in Siracusa"; and a business comes unasked too: "I'm Luca
Ferro, I own a wine bar in Noto". After one of the language packs' ``business_frames`` ("ho
una", "gestisco un", "I run a", "my business is") the business is what follows, to the end of
the clause (punctuation, or one of ``business_breaks``: "e vorrei", "but"), tidied: its first
letter up, a place after one of ``place_words`` with capitals ("a catania" -> "a Catania").
A business typed bare ("B&B Il Gelso", "Sono Io srl") has no frame: the slot type keeps it as
typed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from functools import lru_cache

from bot.understanding.lang import LanguagePack
from bot.understanding.text import fold_accents, spaced

MAX_WORDS = 12  # longer than this, a "business" picked out of any message is a sentence
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_WORD = re.compile(r"[^\W_]+(?:['’&][^\W_]+)*", re.UNICODE)
AND = frozenset({"e", "ed", "and"})  # a frame after one starts a new clause
_CLAUSE_END = re.compile(r"[,;!?:()\[\]\n]|\.(?:\s|$)|\s[-–—]\s")


def _folded(text: str) -> str:
    """``text`` lowercased, apostrophes plain and accents off, one character for one (so that
    positions in it are positions in ``text``)."""
    lowered = text.lower().translate(_APOSTROPHES)
    if lowered.isascii():  # nothing to fold: most messages
        return lowered
    return "".join(_fold_char(char) for char in lowered)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character without its accent ("è" → "e"), still one character."""
    plain = fold_accents(char)
    return plain[:1] if len(plain) >= 1 else char


@lru_cache(maxsize=32)
def _phrase_pattern(phrases: frozenset[str], ends_word: bool) -> re.Pattern[str] | None:
    """One pattern for ``phrases`` (longest first) as whole words of folded text; with
    ``ends_word`` a phrase must be followed by a word (an apostrophe joins it: "un'enoteca")."""
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = _folded(phrase).split()
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        if ends_word:
            body += r"\s*(?=[^\W_])" if body.endswith("'") else r"\s+(?=[^\W_])"
        else:
            body += r"(?![\w'])"
        parts.append(body)
    if not parts:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + ")")


def _joined(packs: Iterable[LanguagePack], attr: str) -> frozenset[str]:
    every: frozenset[str] = frozenset()
    for pack in packs:
        every |= getattr(pack, attr)
    return every


def _lead_words(packs: tuple[LanguagePack, ...]) -> frozenset[str]:
    """Words that may come before a frame in the same clause: greetings and connectors ("ciao,
    ho un bar", "e ho un bar", "hi, we run a B&B")."""
    words: set[str] = {"e", "ed", "and", "anche", "also", "poi", "then", "comunque", "anyway"}
    for pack in packs:
        for phrase in pack.name_intros - pack.name_frames - pack.name_frames_weak:
            words.update(_folded(phrase).split())
        words.update(_folded(w) for w in pack.clause_breaks)
        for greeting in pack.greetings:
            words.update(_folded(greeting).split())
    return frozenset(words)


_WORDS: dict[tuple[int, ...], tuple[tuple[LanguagePack, ...], frozenset[str], frozenset[str]]] = {}


def _words(packs: tuple[LanguagePack, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(``_lead_words``, the folded ``business_not``) of ``packs``: worked out once per set of
    packs (~0.8 ms each time otherwise), known by identity, since a pack is immutable and a
    content reload brings new ones (they are not hashable: a pack holds mappings)."""
    key = tuple(id(pack) for pack in packs)
    found = _WORDS.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], packs, strict=True)):
        return found[1], found[2]
    lead = _lead_words(packs)
    unwanted = frozenset(_folded(w) for w in _joined(packs, "business_not"))
    if len(_WORDS) >= 16:  # a few reloads' worth: the packs of the past are let go
        _WORDS.clear()
    _WORDS[key] = (packs, lead, unwanted)  # the packs kept alive: their ids stay theirs
    return lead, unwanted


def _clause_start(folded: str, at: int, lead: frozenset[str]) -> bool:
    """Position ``at`` starts a clause: nothing but greetings or connectors since the start of
    the message or the last punctuation."""
    before = folded[:at]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    words = _WORD.findall(before[cut:])
    if words and words[-1] in AND:  # "sono Marco e ho un bar"
        return True
    return all(word in lead for word in words)


def _tidy(business: str, packs: tuple[LanguagePack, ...]) -> str:
    """First letter up; "b&b" -> "B&B"; a place typed in lower case after a place word gets
    capitals ("pasticceria a catania" -> "Pasticceria a Catania")."""
    words = business.split(" ")
    places = {_folded(w) for w in _joined(packs, "place_words")}
    not_places = {_folded(w) for w in _joined(packs, "place_not")}
    for index, word in enumerate(words):
        if re.fullmatch(r"[^\W\d_]&[^\W\d_]", word):
            words[index] = word.upper()
    for index in range(len(words) - 1):
        if _folded(words[index]) not in places or index == 0:
            continue
        tail = words[index + 1 :]
        if not tail or _folded(tail[0]) in not_places or not all(w.islower() for w in tail):
            continue
        if len(tail) > 3:
            continue
        words[index + 1 :] = [w[:1].upper() + w[1:] for w in tail]
        break
    tidied = " ".join(words)
    return tidied[:1].upper() + tidied[1:]


def find_business(
    text: str, packs: Iterable[LanguagePack], *, anywhere: bool = False
) -> str | None:
    """The business a sentence names after a frame ("ho una pasticceria a catania" ->
    "Pasticceria a Catania"); None when no frame starts a clause.

    A frame followed by one of the packs' ``business_not`` words ("ho una domanda", "I have a
    question") names no business; with ``anywhere`` (a message about anything, for a
    ``capture:``) nor does one followed by a long sentence or a number.
    """
    packs = tuple(packs)
    cleaned = spaced(text)
    folded = _folded(cleaned)
    frames = _phrase_pattern(_joined(packs, "business_frames"), True)
    if frames is None:
        return None
    lead, unwanted = _words(packs)
    breaks = _phrase_pattern(_joined(packs, "business_breaks"), False)
    for match in frames.finditer(folded):
        if not _clause_start(folded, match.start(), lead):
            continue
        start = match.end()
        end = len(cleaned)
        clause = _CLAUSE_END.search(folded, start)
        if clause is not None:
            end = clause.start()
        cut = breaks.search(folded, start, end) if breaks is not None else None
        if cut is not None:
            end = cut.start()
        business = cleaned[start:end].strip(" .,;:!?-'\"«»")
        words = _WORD.findall(_folded(business))
        if not words or not any(c.isalpha() for c in business):
            continue
        if any(w in unwanted for w in words):
            continue
        if anywhere and (len(words) > MAX_WORDS or words[0][:1].isdigit()):
            continue
        return _tidy(re.sub(r"\s+", " ", business), packs)
    return None
