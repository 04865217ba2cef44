"""Yes, no, "thanks" and "ok" as people type them.

A prospect answers a yes/no question the way they would answer a person: "sì, va bene", "certo
che sì", "sure, go ahead", "non adesso", "I'd rather not", "non c'è problema". The reader:

1. splits the message into words (accents folded, apostrophes dropped: "c'è" is "ce", "don't"
   is "dont"), commas and full stops as clause breaks, emoji kept as words; a chat spelling
   from the pack is expanded ("dont" -> "do not", "nn" -> "non", "vabbe" -> "va bene") unless
   it is an answer word itself ("y", "n"), and "siii", "nooo", "okkk" are read as "si", "no",
   "ok" when that is a word it knows;
2. finds the language pack's phrases in it, the longest first, so that "non c'è problema" and
   "no problem" are a yes before "non" or "no" are read on their own (``LanguagePack.yes``,
   ``no``, ``unsure``, ``negations``, ``clause_breaks``; staff add to ``yes`` and ``no`` in
   ``locales/<code>/words.yaml``);
3. reads each clause: a negation turns the yes or no after it into a no ("non direi di sì",
   "not ok"), and with nothing after it is a no on its own ("non adesso", "not really",
   "absolutely not"); the last answer in a clause wins ("certo che no", "yeah no");
4. and the message: every clause that answers must agree ("sì, ma no" is neither); anything
   unsure ("forse", "maybe", "dipende", "sì e no", "non so") makes it neither; so do more than
   ``MAX_OTHER`` words the reader does not know, or a question mark after any of them ("no, ma
   quanto costa?"): that is a message about something else, for the engine to read.

The message is read in every pack, and the reading that leaves the fewest words unknown wins
(the conversation's language on a tie): "no problem" in an Italian chat is English, a yes.

``read_acknowledgement`` uses the same words to tell a "grazie", "ok", "perfetto", "👍" said on
its own (``LanguagePack.thanks``, ``okays``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.understanding.lang import LanguagePack, built_once, packs_first, spell_word
from bot.understanding.phrases import take_phrases
from bot.understanding.text import fold_accents

__all__ = ["MAX_OTHER", "phrase_table", "read_acknowledgement", "read_yesno", "tokens"]

YES, NO, NEG, UNSURE, BREAK, QUESTION = "yes", "no", "neg", "unsure", "<,>", "<?>"
THANKS, OKAY, FILLER, OTHER = "thanks", "ok", "filler", "other"

MAX_OTHER = 4
"""Unknown words a yes/no answer may carry ("per ora no", "I'd rather not"); more, and the
message is about something else."""

_WORD = re.compile(r"[\w']+|[^\w\s]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_BREAKS = frozenset(",.;:!")
_REPEATS = (  # "siii", "nooo", "okkk", "graziee", "perfettoo": the word it stands for
    re.compile(r"(.)\1{2,}"),
    re.compile(r"(.)\1+$"),
    re.compile(r"(.)\1+"),
)


def _raw(text: str) -> list[str]:
    """Words (folded, without apostrophes), emoji, and ``BREAK``/``QUESTION`` for punctuation."""
    out: list[str] = []
    for token in _WORD.findall(fold_accents(text.lower().translate(_APOSTROPHES))):
        if token[0].isalnum() or token[0] in "_'":
            word = token.replace("'", "")
            if word:
                out.append(word)
        elif token == "?":
            out.append(QUESTION)
        elif token in _BREAKS:
            out.append(BREAK)
        elif unicodedata.category(token) in ("So", "Sm"):  # emoji; not skin tones or joiners
            out.append(token)
    return out


@dataclass(frozen=True)
class _Lexicon:
    yesno: Mapping[tuple[str, ...], str]
    acks: Mapping[tuple[str, ...], str]
    known: frozenset[str]  # single answer words: never read as a chat spelling
    longest: int
    fillers: frozenset[str]
    pack: LanguagePack  # its chat spellings, written out by ``lang.spell_word``

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for token in _raw(text):
            if token in self.known:
                out.append(token)
                continue
            full = spell_word(token, self.pack)
            if full != token:  # "nn", "dont", "vabbe"
                out.extend(_raw(full))
                continue
            if len(token) > 2:  # "siii", "nooo"; not "nn"
                for pattern in _REPEATS:
                    shorter = pattern.sub(r"\1", token)
                    if shorter in self.known:
                        token = shorter
                        break
            out.append(token)
        return out


def _table(
    lex: _Lexicon, groups: Iterable[tuple[str, Iterable[str]]]
) -> dict[tuple[str, ...], str]:
    """The groups' phrases as token tuples, as ``lex`` reads them (later groups win a phrase
    listed twice)."""
    found: dict[tuple[str, ...], str] = {}
    for kind, entries in groups:
        for entry in entries:
            words = tuple(w for w in lex.tokens(entry) if w not in (BREAK, QUESTION))
            if words:
                found[words] = kind
    return found


def _lexicon(pack: LanguagePack) -> _Lexicon:
    """The pack's phrases as token tuples, built once per pack (packs are frozen)."""
    return built_once(pack, "yesno", _build_lexicon)


def _build_lexicon(pack: LanguagePack) -> _Lexicon:
    answers = (pack.yes, pack.no, pack.unsure, pack.thanks, pack.okays)
    known = frozenset(
        words[0] for entries in answers for entry in entries if len(words := _raw(entry)) == 1
    )
    bare = _Lexicon({}, {}, known, 1, frozenset(), pack)
    yesno = _table(
        bare,
        [
            (NEG, pack.negations),
            (BREAK, pack.clause_breaks),
            (UNSURE, pack.unsure),
            (NO, pack.no),
            (YES, pack.yes),
        ],
    )
    acks = _table(bare, [(BREAK, pack.clause_breaks), (OKAY, pack.okays), (THANKS, pack.thanks)])
    longest = max((len(k) for k in (*yesno, *acks)), default=1)
    fillers = frozenset(w for entry in pack.stopwords for w in _raw(entry))
    return _Lexicon(yesno, acks, known, longest, fillers, pack)


def tokens(text: str, pack: LanguagePack) -> list[str]:
    """The words of ``text`` as the reader sees them (for tests and ``bot nlu``)."""
    return _lexicon(pack).tokens(text)


def phrase_table(
    pack: LanguagePack, groups: Iterable[tuple[str, Iterable[str]]]
) -> dict[tuple[str, ...], str]:
    """``{words: kind}`` for the phrases of ``groups`` (``(kind, phrases)``), read as
    ``tokens`` reads a message, for ``phrases.take_phrases``; later groups win a phrase listed
    twice."""
    return _table(_lexicon(pack), groups)


def _segment(
    words: Sequence[str], phrases: Mapping[tuple[str, ...], str], lex: _Lexicon
) -> list[str]:
    """``words`` as a list of kinds, one per phrase found, filler or other word.

    The longest phrases are taken first, wherever they are: in "i don't mind", "do not mind"
    (a yes) wins over "i do" (a yes too, but shorter) that overlaps it.
    """
    taken = take_phrases(words, phrases, lex.longest)
    kinds: list[str] = []
    i = 0
    while i < len(words):
        if i in taken:
            size, kind = taken[i]
            kinds.append(kind)
            i += size
            continue
        word = words[i]
        if word in (BREAK, QUESTION):
            kinds.append(word)
        else:
            kinds.append(FILLER if word in lex.fillers else OTHER)
        i += 1
    return kinds


def _answer(kinds: Sequence[str]) -> bool | None:
    """Yes, no or neither from the kinds of one message (see the module's rules)."""
    others = kinds.count(OTHER)
    if UNSURE in kinds or others > MAX_OTHER or (QUESTION in kinds and others):
        return None
    verdicts: set[bool] = set()
    negated, verdict = False, None
    for kind in (*kinds, BREAK):
        if kind in (BREAK, QUESTION):
            if negated:
                verdict = False  # "non adesso", "not really", "absolutely not"
            if verdict is not None:
                verdicts.add(verdict)
            negated, verdict = False, None
        elif kind == NEG:
            negated = True
        elif kind in (YES, NO):
            verdict = kind == YES and not negated  # "non direi di sì" is a no
            negated = False
    return verdicts.pop() if len(verdicts) == 1 else None


def read_yesno(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> bool | None:
    """True for a yes, False for a no, None for neither (ask again).

    ``packs`` are the content's language packs (with staff's ``words.yaml``; default: the
    built-in ones); ``lang`` is the conversation's, preferred when two readings tie.
    """
    best: tuple[int, bool | None] | None = None
    for pack in packs_first(lang, packs):
        lex = _lexicon(pack)
        kinds = _segment(lex.tokens(text), lex.yesno, lex)
        if not any(k in (YES, NO, NEG, UNSURE) for k in kinds):
            continue  # nothing this language would answer with
        others = kinds.count(OTHER)
        if best is None or others < best[0]:
            best = (others, _answer(kinds))
    return best[1] if best is not None else None


def read_acknowledgement(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> str | None:
    """``"thanks"`` for a thank-you said on its own ("grazie mille!", "thanks 🙏"), ``"ok"``
    for an acknowledgement ("ok", "perfetto", "great", "👍"), None for anything else (a word
    that is neither, or a question: "ok?")."""
    for pack in packs_first(lang, packs):
        lex = _lexicon(pack)
        kinds = _segment(lex.tokens(text), lex.acks, lex)
        if OTHER in kinds or QUESTION in kinds:
            continue
        if THANKS in kinds:
            return THANKS
        if OKAY in kinds:
            return OKAY
    return None
