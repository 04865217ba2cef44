"""A button (or a choice's option) named by its words instead of pressed.

Prospects type "fai i conti" for «🧮 Fai i conti con i miei numeri», "regole" for «🎯 Le regole
del gioco», "next" for «Next mistake». Labels and message are compared by their content words:
emoji, articles and other stopwords of the language pack left out, each word also by its lemma
("regola" / "regole"), a typed word may be the start of a label's word ("regol"), and a word of
five letters or more may have a typo.

A label matches when every typed word is one of its words, or when every one of its words is in
a short message ("voglio i contatti"). The label covering most of what was typed wins; two equally
good labels are no answer (the engine then reads the message as a question, or asks again), and
so is a message with a negation ("non voglio parlare con una persona").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.understanding.lang import NLU_LANGUAGES, LanguagePack, pack_for
from bot.understanding.text import fold_accents, lemma, words

MIN_PREFIX = 3  # "reg" may start "regole"; "re" may not
MIN_TYPO = 5  # words this long may have a typo ("regolle")
TYPO_SCORE = 85
EXTRA_WORDS = 2  # a message naming all of a label's words may add this many of its own


@dataclass(frozen=True)
class _Word:
    folded: str
    lemma: str

    def same(self, other: _Word, *, prefix: bool = False) -> bool:
        if self.folded == other.folded or self.lemma == other.lemma:
            return True
        if prefix and len(self.folded) >= MIN_PREFIX and other.folded.startswith(self.folded):
            return True
        return (
            min(len(self.folded), len(other.folded)) >= MIN_TYPO
            and fuzz.ratio(self.folded, other.folded) >= TYPO_SCORE
        )


def _content(text: str, lang: str, pack: LanguagePack) -> list[_Word]:
    out: list[_Word] = []
    for token in words(text):
        folded = fold_accents(token)
        lem = lemma(token, lang) if lang in NLU_LANGUAGES else folded
        if folded in pack.stopwords or lem in pack.stopwords:
            continue
        out.append(_Word(folded, lem))
    return out


def match_label(
    text: str,
    labels: Sequence[str],
    lang: str,
    packs: Mapping[str, LanguagePack] | None = None,
) -> int | None:
    """The index of the one label ``text`` names by its words, or None (none, or two alike).

    ``packs`` are the language packs (default: the built-in ones) for the stopwords and the
    negations of ``lang``.
    """
    pack = pack_for(lang, packs)
    typed = _content(text, lang, pack)
    if not typed:
        return None
    negated = any(w.folded in pack.negations for w in typed)
    scored: list[tuple[float, int]] = []
    for index, label in enumerate(labels):
        own = _content(label, lang, pack)
        if not own:
            continue
        if all(any(w.same(o, prefix=True) for o in own) for w in typed):
            # every typed word is the label's: the more of the label it covers, the better
            covered = sum(any(w.same(o, prefix=True) for w in typed) for o in own)
            scored.append((1 + covered / len(own), index))
        elif (
            not negated
            and len(typed) <= len(own) + EXTRA_WORDS
            and all(any(o.same(w) for w in typed) for o in own)
        ):
            # every word of the label is in a short message: "voglio i contatti"
            scored.append((len(own) / len(typed), index))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None  # two buttons fit equally well: not ours to choose
    return scored[0][1]
