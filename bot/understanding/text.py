"""Turning what people type on a phone into comparable words, in Italian and English.

Prospects write "perche", "ciaooo", "xke", "nn", "kosa", "10k", "u", "ur", "follow4follow", even
Sicilian ("quantu custa?"): every step here exists so that such a message and a
tidy example written by staff end up as the same list of lemmas.
Lemmas come from simplemma (offline dictionaries shipped with the package); lookups are cached
because the same few hundred words come back in every conversation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

from bot.understanding.lang import BUILTIN_PACKS, NLU_LANGUAGES, pack_for, spell_word, wordset

LANGS: tuple[str, ...] = NLU_LANGUAGES
NUM = "#"  # every number ("10k", "10.000", "mille") becomes this token, so examples generalise
CLOCK = "@"  # a time of day ("alle 7", "at 2am", "7 di mattina"): posting times, not quantities

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# English contractions first ("can't" -> "can not"), then any apostrophe left is an Italian
# elision ("l'agenzia", "c'è", "po'") and becomes a space.
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"\bcan't\b", "can not"),
        (r"\bwon't\b", "will not"),
        (r"\bshan't\b", "shall not"),
        (r"(?<=[a-z])n't\b", " not"),
        (r"(?<=[a-z])'re\b", " are"),
        (r"(?<=[a-z])'ve\b", " have"),
        (r"(?<=[a-z])'ll\b", " will"),
        (r"\bi'm\b", "i am"),
        (r"(?<=[a-z])'d\b", " would"),  # "i'd", "we'd" (or "had": both say nothing here)
        (r"(?<=[a-z])'s\b", ""),
    )
)


_TOKEN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_DIGIT = re.compile(r"\d")
_FOUR_FOR = re.compile(r"(?<=[a-z]{3})4(?=[a-z]{3})")
_NUMBER_WORD = re.compile(r"^(?:\w+mila|\w+cento|\w+milioni?)$")
_CLOCK_TOKEN = re.compile(r"^\d{1,2}(?:am|pm|h)$")
_LAUGHTER = re.compile(r"^(?:a?(?:ha|he|ah|eh){2,}h?|lol+|lmao|rofl|x+d+)$")
_BEFORE_CLOCK = frozenset({"alle", "all", "dalle", "verso", "ore", "at", "around", "by"})
_LINKS = frozenset({"di", "del", "della", "in", "the"})  # "7 di mattina", "7 in the morning"
_AFTER_CLOCK = frozenset({"am", "pm", "mattina", "morning", "sera", "evening", "notte", "night"})

NUMBER_WORDS: frozenset[str] = wordset(
    """
    due tre quattro cinque sette otto nove dieci venti trenta quaranta cinquanta cento mille mila
    milione milioni miliardo miliardi
    two three four five six seven eight nine ten twenty thirty forty fifty hundred hundreds
    thousand thousands million millions billion k m
    """
)

# Chat spellings that stand for a word. Platform nicknames are the same in both languages;
# "k" means "che" in Italian and "ok" in English, hence the per-language tables (in the packs,
# ``bot.understanding.lang``, written out by ``spell_word`` as every reader does).
_SHARED_ABBREVIATIONS: dict[str, str] = {
    "insta": "instagram",
    "ig": "instagram",
    "fb": "facebook",
    "yt": "youtube",
    "tik": "tiktok",
    "f4f": "follow for follow",
    "l4l": "like for like",
    "fxf": "follow for follow",
}

# Words that say nothing about what someone wants. Question words ("quanto", "how", "when",
# "why") are deliberately absent: they are what tells "how long" from "how much".
STOPWORDS: dict[str, frozenset[str]] = {code: BUILTIN_PACKS[code].stopwords for code in LANGS}

# Content words that frame a question without saying what it is about ("why not?", "how?",
# "posso?"): they help tell intents apart but are not a topic by themselves.
FRAME_WORDS: dict[str, frozenset[str]] = {code: BUILTIN_PACKS[code].frame_words for code in LANGS}

_ACCENTED_FINALS = {"a": "à", "e": "èé", "i": "ì", "o": "ò", "u": "ù"}


def fold_accents(text: str) -> str:
    """'perché' and 'perche' must compare equal: people skip accents on phones."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spaced(text: str) -> str:
    """``text`` (NFC) with control characters, separators and emoji as single spaces, trimmed:
    what is left of a sentence once a value typed in it is read as typed."""
    plain = "".join(
        " " if unicodedata.category(c)[0] in "CZ" or unicodedata.category(c) == "So" else c
        for c in unicodedata.normalize("NFC", text)
    )
    return _SPACES.sub(" ", plain).strip()


def _collapse(match: re.Match[str]) -> str:
    return match.group(1)


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return any(simplemma.is_known(word, lang) for lang in LANGS)


@lru_cache(maxsize=65536)
def unelongate(word: str) -> str:
    """'ciaooo' -> 'ciao', 'folllowers' -> 'followers': keep doubles only when they make a word."""
    if not _ELONGATED.search(word):
        return word
    single = _ELONGATED.sub(_collapse, word)
    double = _ELONGATED.sub(lambda m: m.group(1) * 2, word)
    if _known(single) or not _known(double):
        return single
    return double


def clean(text: str) -> str:
    """Lowercase, unify apostrophes, expand English contractions, drop Italian elisions."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    if "4" in text:
        text = _FOUR_FOR.sub(" for ", text)  # "follow4follow", "like4like"
    if "'" in text:
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
        text = text.replace("'", " ")
    return text


def words(text: str) -> list[str]:
    """The words of a message, lowercase, accents kept (the lemmatiser needs them), no emoji."""
    return [unelongate(token) for token in _TOKEN.findall(clean(text))]


def is_number(token: str) -> bool:
    return bool(_DIGIT.search(token)) or token in NUMBER_WORDS or bool(_NUMBER_WORD.match(token))


_HOW_LONG = frozenset({"tra", "fra", "dopo"})
_NAMED = frozenset({("mi", "chiamo"), ("ti", "chiami"), ("si", "chiama"), ("vi", "chiamate")})


def expand(tokens: list[str], lang: str | None) -> list[str]:
    """Spell out chat abbreviations; numbers become NUM, times of day CLOCK (runs count once)."""
    pack = pack_for(lang) if lang in LANGS else None
    spelled: list[str] = []
    for token in tokens:
        if _LAUGHTER.match(token):
            token = "haha"  # "ahahah", "lol", "xD": a stopword in both languages
        for part in _SHARED_ABBREVIATIONS.get(token, token).split():
            # the packs' chat spellings ("nn", "xke", "cmq"), as every reader writes them out
            replacement = spell_word(part, pack) if pack is not None else part
            spelled.extend(replacement.split())
    if lang == "it":
        # "mi chiamo Anna", "come ti chiami?": a name, not a phone call ("chiamatemi")
        spelled = [
            "nome" if index and (spelled[index - 1], token) in _NAMED else token
            for index, token in enumerate(spelled)
        ]
        # "tra quanto arriviamo a 1000?" asks how long: say so, as "in quanto tempo" does
        for index in range(len(spelled) - 1, 0, -1):
            asks_how_long = spelled[index] == "quanto" and spelled[index - 1] in _HOW_LONG
            if asks_how_long and spelled[index + 1 : index + 2] != ["tempo"]:
                spelled.insert(index + 1, "tempo")
    out: list[str] = []
    for index, token in enumerate(spelled):
        if _CLOCK_TOKEN.match(token):
            kind = CLOCK
        elif is_number(token):
            before = spelled[index - 1] if index else ""
            after = [w for w in spelled[index + 1 : index + 4] if w not in _LINKS][:1]
            near_clock = before in _BEFORE_CLOCK or bool(after and after[0] in _AFTER_CLOCK)
            kind = CLOCK if near_clock and token.isdigit() and int(token) <= 24 else NUM
        else:
            out.append(token)
            continue
        if not out or out[-1] != kind:
            out.append(kind)
    return out


def _other(lang: str) -> str:
    return "en" if lang == "it" else "it"


# Italian past participles that simplemma reads as adjectives ("perso" = lost, not "perso"
# the adjective): complaints and self-posting questions are told in the past tense. Also verb
# forms it reads as nouns: "quanto costa?" asks a price, it is not about the coast.
_IT_PARTICIPLES = {
    "costa": "costare",
    "perso": "perdere",
    "persi": "perdere",
    "messo": "mettere",
    "messa": "mettere",
    "messi": "mettere",
    "fatto": "fare",
    "fatti": "fare",
    "visto": "vedere",
    "preso": "prendere",
    "speso": "spendere",
    "chiesto": "chiedere",
    "promesso": "promettere",
    "scritto": "scrivere",
}


_EN_FIXES = {"growing": "grow"}  # simplemma says "growe"
_ING_NOUNS = frozenset({"morning", "evening", "during", "wedding", "ceiling", "pudding"})


def _english_ing(token: str) -> str | None:
    """'buying' -> 'buy', 'growing' -> 'grow': simplemma keeps some -ing forms as nouns."""
    if not token.endswith("ing") or len(token) < 6 or token in _ING_NOUNS:
        return None
    stem = token[:-3]
    vowels = "aeiou"
    cvc = (
        len(stem) >= 3
        and stem[-1] not in vowels + "wxy"
        and stem[-2] in vowels
        and stem[-3] not in vowels
    )
    candidates = [stem + "e", stem] if cvc else [stem, stem + "e"]  # "closing", "posting"
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.insert(0, stem[:-1])  # "shopping" -> "shop"
    for candidate in candidates:
        if simplemma.is_known(candidate, "en"):
            return candidate
    return None


# Not "friend", "like", "real"; and "monthly" stays a rate, apart from "a month".
_LY_WORDS: frozenset[str] = wordset(
    "friendly lonely likely lovely really hourly daily weekly monthly yearly"
)


def _english_ly(token: str) -> str | None:
    """'organically' -> 'organic', 'quickly' -> 'quick': simplemma keeps adverbs apart."""
    if token in _LY_WORDS:
        return None
    for stem in (token[:-2], token[:-4] if token.endswith("ally") else ""):
        if len(stem) >= 4 and simplemma.is_known(stem, "en"):
            return stem
    return None


_SUPERLATIVE = re.compile(r"issim[oaie]$")


def _italian_superlative(token: str) -> str | None:
    """The adjective under an absolute superlative, which simplemma knows only for some."""
    stem = token[: -len("issimo")]
    if stem.endswith(("ch", "gh")):
        stem = stem[:-1]
    for candidate in (stem + "o", stem + "e"):
        if simplemma.is_known(candidate, "it"):
            return fold_accents(simplemma.lemmatize(candidate, "it").lower())
    return None


# Chat Italian writes "k" for the hard c: "ke", "kiamate", "kosa", "kuanto", "qualkuno".
_K_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"k(?=[ei])"), "ch"),
    (re.compile(r"ku(?=[aeio])"), "qu"),
    (re.compile(r"k"), "c"),
)


def _k_as_italian(token: str) -> str:
    for pattern, repl in _K_SPELLINGS:
        token = pattern.sub(repl, token)
    return token


@lru_cache(maxsize=65536)
def lemma(token: str, lang: str) -> str:
    """Dictionary form without accents; tries the other language for loanwords ("followers").

    Italian words typed without their final accent ("puo", "perche") are looked up with it.
    Unknown words stay as they are, so staff can predict what the matcher compares.
    """
    if token in (NUM, CLOCK):
        return token
    if lang == "it" and token in _IT_PARTICIPLES:
        return _IT_PARTICIPLES[token]
    if lang == "en" and token.endswith("ing"):
        found = _EN_FIXES.get(token) or simplemma.lemmatize(token, "en").lower()
        if found == token:
            found = _english_ing(token) or found
        return fold_accents(found)
    if lang == "en" and token.endswith("ly"):
        adjective = _english_ly(token)
        if adjective:
            return adjective
    if simplemma.is_known(token, lang):
        return fold_accents(simplemma.lemmatize(token, lang).lower())
    if lang == "it" and token[-1:] in _ACCENTED_FINALS:
        for accent in _ACCENTED_FINALS[token[-1]]:
            variant = token[:-1] + accent
            if simplemma.is_known(variant, lang):
                return fold_accents(simplemma.lemmatize(variant, lang).lower())
    if lang == "it" and _SUPERLATIVE.search(token):
        base = _italian_superlative(token)  # "lentissima" -> "lento", "pochissimi" -> "poco"
        if base:
            return base
    if lang == "it" and "k" in token:
        spelled = _k_as_italian(token)
        if simplemma.is_known(spelled, lang):
            return fold_accents(simplemma.lemmatize(spelled, lang).lower())
    guess = simplemma.lemmatize(token, lang).lower()
    if guess != token:  # simplemma's rules, e.g. Italian clitics: "seguirci" -> "seguire"
        return fold_accents(guess)
    other = _other(lang)
    if simplemma.is_known(token, other):
        return fold_accents(simplemma.lemmatize(token, other).lower())
    return fold_accents(token)


def is_stopword(lemma_: str, lang: str | None) -> bool:
    if lang is None:
        return any(lemma_ in STOPWORDS[code] for code in LANGS)
    return lemma_ in STOPWORDS[lang]


def normalise(text: str) -> str:
    """A key for "is this the same sentence?": case, accents, punctuation and emoji ignored."""
    return " ".join(fold_accents(word) for word in words(text))


def lemmas(text: str, lang: str) -> list[str]:
    """Every lemma of a message in one language (stopwords included)."""
    return [lemma(token, lang) for token in expand(words(text), lang)]


def content_lemmas(text: str, lang: str) -> list[str]:
    """The lemmas that carry meaning: what the matcher compares."""
    return [lem for lem in lemmas(text, lang) if not is_stopword(lem, lang)]
