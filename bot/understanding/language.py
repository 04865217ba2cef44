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

from bot.understanding.text import LANGS, fold_accents, is_number, words, wordset

STRONG = 2.0
WEAK = 1.0
SWITCH_MARGIN = 2.0  # evidence the other language needs before we leave the prior

# Frequent words that (in a chat) belong to one language only. Accents are folded before lookup.
_MARKERS: dict[str, frozenset[str]] = {
    "it": wordset(
        """
        il lo la le gli di del della dei degli delle dello dell nel nella nei nelle sul sulla sui
        al alla ai agli alle dal dalla dai da che chi non per con sono sei siamo siete ho hai ha
        abbiamo avete hanno mi ti ci vi si io tu noi voi lui lei mio mia miei mie tuo tua vostro
        vostra vostri nostro nostra nostri anche ma perche quanto quanta quanti quante quando
        cosa dove questo questa quello quella piu molto tutto tutti niente nulla ogni solo ancora
        dopo prima gia sempre mai posso puoi puo possiamo potete voglio vuoi vorrei fate fare
        fatto grazie buongiorno buonasera buonanotte salve arrivederci ciao un una uno e o ed
        se qualcuno qualcosa allora quindi pero cioe boh mah tra fra su sto sta stai va vai vado
        x xke xk pke pk ke nn cmq qnd qnt sn anke ki qlc tvb grz buondi raga
        vulissi vogghiu parrari pirsuna quantu comu unni nenti nuddu sugnu semu picciotti chiossai
        """
    ),
    "en": wordset(
        """
        the of to and is are am was were be been do does did you your yours my we our us they
        their them he she his her it its this that these those there here what when why where who
        which how can could would should will shall have has had get got want need much many long
        fast not with for from at by on about just only please thanks thank hi hello hey morning
        evening afternoon good yes if or any some all too very an
        u ur pls plz thx ty wanna gonna dont didnt im ive cant wont whats idk tbh yo sup
        """
    ),
}
# A few markers are weak on their own: "ciao" and "hey" are said in both languages,
# "a"/"in"/"no" exist in both; these give no evidence at all.
_WEAK_MARKERS: dict[str, frozenset[str]] = {
    "it": frozenset({"ciao", "e", "o", "se", "su", "ma"}),
    "en": frozenset({"hey", "an"}),
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


@lru_cache(maxsize=65536)
def _word_evidence(word: str) -> tuple[float, float]:
    """(Italian, English) evidence carried by one lowercase word."""
    folded = fold_accents(word)
    if folded in _NEUTRAL or is_number(word):
        return (0.0, 0.0)
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
    """Total (Italian, English) evidence in a message."""
    it = en = 0.0
    for word in words(text):
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
