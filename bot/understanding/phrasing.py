"""Everyday turns of phrase around an answer: corrections, "go back" in a sentence, not knowing,
leaving politely, and the greeting a message opens with.

- ``corrected``: "200 al mese, non 300", "non 300 ma 200", "3, anzi 5", "sorry, I mean 5": the
  part of the answer the prospect settled on (``LanguagePack.corrections``; with ``negated``, a
  clause that starts with a negation is what they did *not* mean).
- ``read_corrections``: the same, with what was taken back ("300 non 200": 200) and whether the
  message opens with a correction word ("anzi 300", "sorry, 300"): the engine corrects an earlier
  answer with it (``bot.core.amends``).
- ``move_in``: "no aspetta, ho sbagliato, torna indietro", "wait, I made a mistake": one of the
  pack's ``back`` / ``cancel`` / ``resume`` phrases with nothing else but hesitations ("aspetta",
  "sorry") and small words around it.
- ``is_unsure``: "boh", "nn so", "I don't know", "as many as possible": no number, and the pack's
  ``unsure`` or ``vague_amounts`` words.
- ``is_goodbye``: "non mi interessa", "basta ciao", "no grazie, ciao", "not interested", "bye",
  "that's all" (``goodbyes``; ``weak_goodbyes`` such as "ciao" only next to thanks, an okay or a
  no, for a "ciao" on its own is a hello).
- ``greeting_said``: "Buongiorno, …" -> ``morning``; texts greet back in kind.

Every reader takes the content's language packs (staff's words included) and tries the
conversation's language first, then the others: prospects mix them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.understanding.lang import LanguagePack, built_once, packs_first, spell_out
from bot.understanding.phrases import take_phrases
from bot.understanding.text import fold_accents
from bot.understanding.yesno import phrase_table, tokens

__all__ = [
    "Correction",
    "corrected",
    "greeting_said",
    "is_goodbye",
    "is_unsure",
    "move_in",
    "read_corrections",
]

BREAK, QUESTION = "<,>", "<?>"  # what ``yesno.tokens`` makes of a comma and a question mark
MAX_WORDS = 14  # a longer message is about something else
MOVES = ("back", "cancel", "resume")
GOODBYE, WEAK, THANKS, OKAY, NO, FILLER, OTHER, UNSURE = (
    "goodbye",
    "weak",
    "thanks",
    "ok",
    "no",
    "filler",
    "other",
    "unsure",
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _fold(text: str) -> str:
    """Lowercase, plain apostrophes, accents off, single spaces: how corrections are compared."""
    return " ".join(fold_accents(text.lower().translate(_APOSTROPHES)).split())


def _segment(words: Sequence[str], table: Mapping[tuple[str, ...], str]) -> list[str]:
    """``words`` as kinds: the longest phrases first, wherever they are; a word in no phrase is
    ``OTHER``; commas are dropped, a question mark kept."""
    taken = take_phrases(words, table)
    kinds: list[str] = []
    i = 0
    while i < len(words):
        if i in taken:
            size, kind = taken[i]
            kinds.append(kind)
            i += size
            continue
        if words[i] == QUESTION:
            kinds.append(QUESTION)
        elif words[i] != BREAK:
            kinds.append(OTHER)
        i += 1
    return kinds


class _Tables:
    """One pack's phrase tables, built once per pack (packs are frozen)."""

    def __init__(self, pack: LanguagePack) -> None:
        small = [*pack.stopwords, *pack.hesitations, *pack.negations]
        self.moves = phrase_table(
            pack, [(FILLER, small), *((name, getattr(pack, name)) for name in MOVES)]
        )
        self.goodbyes = phrase_table(
            pack,
            [
                (FILLER, [*pack.stopwords, *pack.hesitations]),
                (NO, pack.no),
                (OKAY, pack.okays),
                (THANKS, pack.thanks),
                (WEAK, pack.weak_goodbyes),
                (GOODBYE, pack.goodbyes),
            ],
        )
        self.unsure = phrase_table(pack, [(UNSURE, [*pack.unsure, *pack.vague_amounts])])
        self.greetings = {
            tuple(tokens(phrase, pack)): kind for phrase, kind in pack.greetings.items()
        }


def _tables(pack: LanguagePack) -> _Tables:
    return built_once(pack, "tables", _Tables)


def move_in(text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None) -> str | None:
    """``back``, ``cancel`` or ``resume`` when the message says one of those moves in a sentence
    ("no aspetta, ho sbagliato, torna indietro", "wait, I made a mistake") with nothing else
    but hesitations and small words; None otherwise (a question, another topic, two moves)."""
    for pack in packs_first(lang, packs):
        words = tokens(text, pack)
        if not words or len(words) > MAX_WORDS:
            continue
        kinds = _segment(words, _tables(pack).moves)
        if OTHER in kinds or QUESTION in kinds:
            continue
        found = {k for k in kinds if k in MOVES}
        if len(found) == 1:
            return found.pop()
    return None


def is_goodbye(text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None) -> bool:
    """The prospect is leaving, politely: "non mi interessa", "basta ciao", "no grazie, ciao",
    "not interested", "bye", "that's all". Not a "ciao" on its own (a hello), nor a question."""
    for pack in packs_first(lang, packs):
        words = tokens(text, pack)
        if not words or len(words) > MAX_WORDS:
            continue
        kinds = _segment(words, _tables(pack).goodbyes)
        if OTHER in kinds or QUESTION in kinds:
            continue
        if GOODBYE in kinds or (WEAK in kinds and {THANKS, OKAY, NO} & set(kinds)):
            return True
    return False


def is_unsure(text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None) -> bool:
    """The answer says the prospect does not know, or wants "as many as possible": one of the
    packs' ``unsure`` or ``vague_amounts`` phrases is in it ("boh", "nn so", "no idea")."""
    for pack in packs_first(lang, packs):
        words = [w for w in tokens(text, pack) if w not in (BREAK, QUESTION)]
        if take_phrases(words, _tables(pack).unsure):
            return True
    return False


def greeting_said(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> str | None:
    """The kind of greeting a message opens with (``morning``, ``afternoon``, ``evening``,
    ``formal``: the packs' ``greetings``), None for a plain "ciao" or none."""
    for pack in packs_first(lang, packs):
        words = tokens(text, pack)[:3]
        table = _tables(pack).greetings
        for size in (3, 2, 1):
            kind = table.get(tuple(words[:size]))
            if kind is not None:
                return kind
    return None


# -- corrections ---------------------------------------------------------------------------------


def _alternatives(phrases: Iterable[str]) -> str | None:
    """``phrases`` (folded) as one regex alternation, longest first, a comma allowed between
    their words; None for no phrase."""
    folded = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    if not folded:
        return None
    return "|".join(r"[\s,]+".join(map(re.escape, p.split())) for p in folded)


def _markers(pack: LanguagePack) -> re.Pattern[str] | None:
    return built_once(pack, "markers", _build_markers)


def _build_markers(pack: LanguagePack) -> re.Pattern[str] | None:
    alternatives = _alternatives(pack.corrections)
    if alternatives is None:
        return None
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _clause_split(pack: LanguagePack) -> re.Pattern[str]:
    return built_once(pack, "clauses", _build_clause_split)


def _build_clause_split(pack: LanguagePack) -> re.Pattern[str]:
    words = sorted(
        {fold_accents(w.lower()) for w in (*pack.clause_breaks, *pack.negations) if " " not in w},
        key=len,
        reverse=True,
    )
    alternatives = "|".join(map(re.escape, words)) or "(?!)"
    return re.compile(rf"\s*[,;]\s*|\s+-\s+|\s+(?=(?:{alternatives})(?!\w))")


def _negations(pack: LanguagePack) -> frozenset[str]:
    return built_once(
        pack, "negations", lambda p: frozenset(fold_accents(w.lower()) for w in p.negations)
    )


def _hesitations(pack: LanguagePack) -> list[str]:
    """The pack's hesitations and clause breaks (folded), longest first."""
    return built_once(pack, "hesitations", _build_hesitations)


def _build_hesitations(pack: LanguagePack) -> list[str]:
    words = {fold_accents(h.lower()) for h in (*pack.hesitations, *pack.clause_breaks)}
    return sorted(words, key=len, reverse=True)


def _negated(clause: str, pack: LanguagePack) -> bool:
    first = (clause.split() or [""])[0].strip(".,;:!?")
    return first in _negations(pack)


def _trim(text: str, pack: LanguagePack) -> str:
    """``text`` without the punctuation and hesitations around it."""
    hesitations = _hesitations(pack)
    text = text.strip(" ,.;:!-")
    changed = True
    while changed and text:
        changed = False
        for word in hesitations:
            if text == word:
                return ""
            if text.startswith(word + " ") or text.startswith(word + ","):
                text = text[len(word) :].strip(" ,.;:!-")
                changed = True
    return text


def corrected(
    text: str,
    lang: str,
    packs: Mapping[str, LanguagePack] | None = None,
    *,
    negated: bool = True,
) -> str | None:
    """The part of an answer the prospect settled on, None when the answer corrects nothing.

    After a correction word the answer is what follows ("3, anzi no, 5" -> "5"; "sorry, I mean
    5" -> "5"). With ``negated`` (number, money, choice…; not yes/no, where "no, va bene" is
    its own answer), clauses that start with a negation are what the prospect did not mean:
    "200 al mese, non 300" -> "200 al mese", "not Instagram, Facebook" -> "facebook". Lowercase,
    accents folded; the caller reads it as the answer and falls back to the whole text.
    """
    folded = _fold(text)
    for pack in packs_first(lang, packs):
        typed = spell_out(folded, pack)  # "nn 300 ma 200"
        rest = typed
        markers = _markers(pack)
        if markers is not None:
            for found in reversed(list(markers.finditer(rest))):
                tail = _trim(rest[found.end() :], pack)
                if not tail and " " in found.group():
                    # "sì, anzi no": the marker ends with the answer itself
                    tail = found.group().split(None, 1)[1]
                if tail:
                    rest = tail
                    break
        if negated:
            clauses = [c for c in _clause_split(pack).split(rest) if c and c.strip(" ,.;:!-")]
            kept = [c for c in clauses if _trim(c, pack) and not _negated(_trim(c, pack), pack)]
            if kept and len(kept) < len(clauses):
                rest = ", ".join(_trim(c, pack) or c for c in kept)
        if rest != typed:
            return rest
    return None


@dataclass(frozen=True)
class Correction:
    """One reading of a message that corrects an answer (``read_corrections``).

    ``said``: what the prospect settled on ("300"); ``denied``: what they took back ("200"
    in "300 non 200", "not 200, 300", "200, anzi 300"), without the negation; ``opener``: the
    message opens with one of the pack's ``correction_openers`` ("anzi 300", "scusa, 300",
    "wait, 300"), so it may be about the answer given just before. Lowercase, accents folded,
    chat spellings written out.
    """

    said: str
    denied: tuple[str, ...] = ()
    opener: bool = False


def _openers(pack: LanguagePack) -> re.Pattern[str] | None:
    return built_once(pack, "openers", _build_openers)


def _build_openers(pack: LanguagePack) -> re.Pattern[str] | None:
    alternatives = _alternatives(pack.correction_openers)
    if alternatives is None:
        return None
    return re.compile(rf"^(?:{alternatives})(?!\w)[\s,.;:!-]*")


def read_corrections(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> list[Correction]:
    """The ways ``text`` reads as a correction, in the conversation's language first, then the
    others (one reading per pack, the same one once); none when it corrects nothing.

    "no aspetta 300 non 200" -> said "300", denied ("200",), opener; "300 not 200" -> "300",
    ("200",); "200, anzi 300" -> "300", ("200",); "anzi 300", "correggi: 300", "sorry, 300"
    -> "300" with the opener and nothing denied. Commas are optional: a negation or a
    correction word starts a new clause by itself.
    """
    folded = _fold(text)
    found: list[Correction] = []
    for pack in packs_first(lang, packs):
        rest = spell_out(folded, pack)
        opener = _openers(pack)
        opened = opener.match(rest) if opener is not None else None
        if opened is not None:
            rest = rest[opened.end() :]
        denied: list[str] = []
        markers = _markers(pack)
        for marker in reversed(list(markers.finditer(rest)) if markers is not None else []):
            tail = _trim(rest[marker.end() :], pack)
            if tail:
                before = _trim(rest[: marker.start()], pack)
                if before:
                    denied.append(before)
                rest = tail
                break
        kept: list[str] = []
        for clause in _clause_split(pack).split(rest):
            trimmed = _trim(clause, pack)
            if not trimmed:
                continue
            if _negated(trimmed, pack):
                taken_back = _trim(trimmed.split(None, 1)[1] if " " in trimmed else "", pack)
                if taken_back:
                    denied.append(taken_back)
            else:
                kept.append(trimmed)
        said = ", ".join(kept)
        if said and (opened is not None or denied):
            reading = Correction(said, tuple(denied), opened is not None)
            if reading not in found:
                found.append(reading)
    return found
