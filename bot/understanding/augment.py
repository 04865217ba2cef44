"""More training sentences from staff's examples, written the way prospects really type.

Staff write tidy examples ("Quanto costa la gestione della pagina?"); prospects write "ciao
ragazzi, qnt costa la gestione dlla pagina", or two sentences about their shop before the
question. The classifier (``classifier.py``) learns those kinds from variants of each example:

- **typed on a phone**: lowercase, no accents or punctuation, the language pack's chat
  spellings ("per" -> "x", "non" -> "nn", "you" -> "u") and a dropped, swapped or doubled
  letter here and there;
- **after a hello**: one of the intent ``greeting``'s short examples in front ("ciao, …"), so a
  hello does not make a question a greeting, nor an off-topic request in scope;
- **after an introduction**: one of ``greeting``'s longer examples ("buongiorno, ho un
  ristorante a palermo") as a sentence in front, so a question keeps its intent in a long
  message.

Every variant keeps its example's label. Deterministic: the choices are seeded by the example's
own text, so the same examples always give the same training set (the classifier's cache
fingerprint covers ``VERSION`` and the packs' chat spellings).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping, Sequence

from bot.understanding.intents import OUT_OF_SCOPE
from bot.understanding.lang import LanguagePack
from bot.understanding.text import fold_accents

VERSION = 1  # change it when the variants change: cached classifiers are retrained
GREETING = "greeting"
SHORT_OPENER = 3  # a greeting example of at most this many words opens a message...
INTRO_WORDS = 4  # ...one of at least this many introduces the prospect
SPELLING_SHARE = 0.6  # a word with a chat spelling is written so this often
TYPO_SHARE = 0.25  # a word of TYPO_LETTERS or more letters gets a typo this often
TYPO_LETTERS = 5
_PUNCTUATION = re.compile(r"[^\w\s'€$%+]")


def chat_spellings(pack: LanguagePack) -> dict[str, str]:
    """word -> its chat spelling, from the pack's ``abbreviations`` (the shortest one of each
    single word: "perche" -> "xk"); accents folded."""
    spellings: dict[str, str] = {}
    for short, full in pack.abbreviations.items():
        word = fold_accents(full.lower())
        if " " in word or len(short) >= len(word):
            continue
        if word not in spellings or len(short) < len(spellings[word]):
            spellings[word] = short
    return spellings


def _typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter dropped, two swapped or one doubled (never the first)."""
    if len(word) < TYPO_LETTERS or not word.isalpha():
        return word
    at = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:at] + word[at + 1 :]
    if kind < 0.7:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + word[at] + word[at:]


def typed(text: str, spellings: Mapping[str, str], rng: random.Random) -> str:
    """``text`` as typed in a hurry on a phone (see the module's docstring)."""
    out: list[str] = []
    for word in _PUNCTUATION.sub(" ", fold_accents(text.lower())).split():
        if word in spellings and rng.random() < SPELLING_SHARE:
            out.append(spellings[word])
        elif rng.random() < TYPO_SHARE:
            out.append(_typo(word, rng))
        else:
            out.append(word)
    return " ".join(out)


def _rng(text: str) -> random.Random:
    return random.Random(hashlib.sha256(text.encode("utf-8")).digest())


def augmented(examples: Sequence[tuple[str, str]], pack: LanguagePack) -> list[tuple[str, str]]:
    """``examples`` ((label, text) in one language, ``out_of_scope`` included) followed by
    their variants, each with its example's label."""
    greetings = [text for label, text in examples if label == GREETING]
    openers = [g for g in greetings if len(g.split()) <= SHORT_OPENER]
    intros = [g.rstrip(" .!") for g in greetings if len(g.split()) >= INTRO_WORDS]
    spellings = chat_spellings(pack)
    out = list(examples)
    for label, text in examples:
        rng = _rng(text)
        out.append((label, typed(text, spellings, rng)))
        if label == GREETING:
            continue
        if openers:
            out.append((label, f"{rng.choice(openers)}, {text}"))
        if intros and label != OUT_OF_SCOPE:
            out.append((label, f"{rng.choice(intros)}. {text}"))
    return out
