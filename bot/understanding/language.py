"""Which language a single message is in: Italian or English.

Telegram's ``language_code`` is only a prior: an English phone can write Italian. We count
evidence word by word: frequent function words and chat spellings are strong markers (they are
what a three-word message has), dictionary membership from simplemma is weaker evidence (many
words exist in both: "social", "post", "budget"). simplemma's own ``langdetect`` takes about
100 µs and says nothing for "nn", "xke" or "pls"; this lexicon approach takes a few µs.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.understanding.contacts import without_contacts
from bot.understanding.lang import BUILTIN_PACKS
from bot.understanding.text import LANGS, fold_accents, is_number, words, wordset

STRONG = 2.0
WEAK = 1.0
SWITCH_MARGIN = 2.0  # evidence the other language needs before we leave the prior
SENTENCE_WORDS = 4  # a "full sentence": at least this many words...
SENTENCE_MARKERS = 2  # ...with at least this many of the language's own function words

# Frequent words that (in a chat) belong to one language only (accents folded), and those that
# are weak on their own ("ciao" and "hey" are said in both): the packs' ``markers`` and
# ``weak_markers`` (``bot.understanding.lang``). "a"/"in"/"no" exist in both: no evidence at all.
_MARKERS: dict[str, frozenset[str]] = {code: BUILTIN_PACKS[code].markers for code in LANGS}
_WEAK_MARKERS: dict[str, frozenset[str]] = {
    code: BUILTIN_PACKS[code].weak_markers for code in LANGS
}
_LONG_MARKERS: dict[str, list[str]] = {
    lang: sorted(word for word in markers if len(word) >= 5) for lang, markers in _MARKERS.items()
}
# Words both languages use: platforms and the social-media loanwords Italians type too.
_NEUTRAL = wordset(
    """
    a i in me so no ok okay social post posts like likes follower followers fan ads bot bots
    staff team budget feed reel reels story stories instagram insta ig facebook fb tiktok
    youtube linkedin whatsapp telegram meta google twitter gdpr privacy k
    """
)


_ITALIAN_ACCENTS = "àèìòù"


@lru_cache(maxsize=65536)
def _word_evidence(word: str) -> tuple[float, float]:
    """(Italian, English) evidence carried by one lowercase word."""
    folded = fold_accents(word)
    if folded in _NEUTRAL or is_number(word):
        return (0.0, 0.0)
    if any(mark in word for mark in _ITALIAN_ACCENTS):
        return (STRONG, 0.0)  # "è", "più", "perché", "città": English words never carry these
    scores = [0.0, 0.0]
    for index, lang in enumerate(LANGS):
        if folded in _MARKERS[lang]:
            scores[index] = WEAK if folded in _WEAK_MARKERS[lang] else STRONG
    if scores[0] or scores[1]:
        return (scores[0], scores[1])
    if len(word) <= 2:
        return (0.0, 0.0)
    known = [simplemma.is_known(word, lang) for lang in LANGS]
    if known[0] != known[1]:
        return (WEAK, 0.0) if known[0] else (0.0, WEAK)
    if not any(known) and len(folded) >= 5:
        # a typo of a long marker ("buonsera", "grazzie") still says which language it is
        for index, lang in enumerate(LANGS):
            if process.extractOne(folded, _LONG_MARKERS[lang], scorer=OSA.distance, score_cutoff=1):
                return (WEAK, 0.0) if index == 0 else (0.0, WEAK)
    return (0.0, 0.0)


def evidence(text: str) -> tuple[float, float]:
    """Total (Italian, English) evidence in a message (an email address in it is no evidence:
    "a@b.it" holds no English "a")."""
    it = en = 0.0
    for word in words(without_contacts(text)):
        word_it, word_en = _word_evidence(word)
        it += word_it
        en += word_en
    return it, en


def detect_language(text: str, prior: str | None = None) -> tuple[str | None, float]:
    """The language of one message and how sure we are (0..1).

    Short or ambiguous messages ("ok", "10k", "👍") keep the prior (the user's phone language or
    the language of the conversation so far); we only leave the prior on clear evidence, so a
    single "ciao" from an English speaker does not switch the conversation to Italian.
    Without a prior and without evidence the answer is ``None``.
    """
    prior = prior if prior in LANGS else None
    it, en = evidence(text)
    if it == en:
        return (prior, 0.5) if prior else (None, 0.0)
    best, margin = ("it", it - en) if it > en else ("en", en - it)
    # Decisive (no evidence for the other language) and plentiful (two strong words) -> 1.0.
    confidence = round(0.5 + 0.5 * (margin / (it + en)) * min(1.0, margin / (2 * STRONG)), 3)
    if prior and best != prior and margin < SWITCH_MARGIN:
        return prior, 0.5
    return best, confidence


def strong_markers(text: str) -> dict[str, int]:
    """How many of each language's strong markers (function words, chat spellings) a message
    has. Dictionary words do not count: "brand awareness", "coffee shop", "personal trainer"
    are English words Italians type every day, and say nothing about the language they speak."""
    counts = dict.fromkeys(LANGS, 0)
    for word in words(text):
        folded = fold_accents(word)
        if folded in _NEUTRAL:
            continue
        for lang in LANGS:
            if folded in _MARKERS[lang] and folded not in _WEAK_MARKERS[lang]:
                counts[lang] += 1
    return counts


def is_sentence_in(text: str, lang: str) -> bool:
    """Whether ``text`` is a full sentence clearly in ``lang``: several words, more than one of
    its function words, none of another language's ("Hi, how much does it cost to manage our
    Instagram?" is English; "mario at gmail" or "quant cost?" is not a sentence in anything)."""
    if lang not in LANGS or len(words(text)) < SENTENCE_WORDS:
        return False
    counts = strong_markers(text)
    others = sum(n for code, n in counts.items() if code != lang)
    return counts[lang] >= SENTENCE_MARKERS and others == 0
