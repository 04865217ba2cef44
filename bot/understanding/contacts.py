"""Names, email addresses and phone numbers given inside a sentence.

Prospects rarely answer "what's your name?" with the name alone: they write "mi chiamo Giuseppe
Russo", "Giuseppe, piacere", "hi, I'm Sarah"; an address comes as "la mia mail è
mario@gmail.com" and a number as "chiamami al 333 123 4567 dopo le 18". These readers find the
value in the sentence; the framing phrases come from the language packs
(``bot.understanding.lang``: ``name_intros``, ``name_outros``, ``name_breaks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.understanding.lang import LanguagePack
from bot.understanding.text import fold_accents, spaced

MAX_NAME = 100

# an address inside a sentence; the whole answer is checked with the slot type's own pattern
_EMAIL_IN_TEXT = re.compile(
    r"(?<![^\s<(\[\"'«:,;])[^\s@<>()\[\]\"'«»,;:]{1,64}@[^\s@<>()\[\]\"'«»,;:]{1,255}"
    r"\.[A-Za-z]{2,24}(?![\w@])"
)
# a run of digits with the separators people type in numbers: "+39 333 123 4567", "(091) 12-34"
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-/]{4,24}\d(?!\w)")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # "100.000" followers, not a phone
# what follows a quantity, never a phone number ("2000000000 di follower", "100000000 euro")
_A_QUANTITY = re.compile(
    r"\s*(?:di\s+|of\s+)?(?:follower|followers|seguaci|iscritti|fan|fans|euro|eur|€|"
    r"dollari|dollars|post|posts|like|likes|visualizzazioni|views)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$")  # "12/05/2026"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def find_emails(text: str) -> list[str]:
    """The different email addresses in ``text``, in order (compared ignoring case)."""
    found: list[str] = []
    for match in _EMAIL_IN_TEXT.finditer(text):
        address = match.group(0).rstrip(".").strip("<>")
        if address.startswith("@") or ".." in address:
            continue
        if address.casefold() not in (f.casefold() for f in found):
            found.append(address)
    return found


def find_phones(text: str) -> list[str]:
    """The different phone numbers (6 to 15 digits, ``+`` kept) in ``text``, in order, as
    digits only: "+39 333 123 4567" -> "+393331234567"."""
    found: list[str] = []
    for match in _PHONE_IN_TEXT.finditer(text):
        raw = match.group(0).strip()
        if _THOUSANDS.match(raw) or _DATE.match(raw):
            continue
        digits = re.sub(r"\D", "", raw)
        if not 6 <= len(digits) <= 15:
            continue
        if _A_QUANTITY.match(text, match.end()) or (
            digits.endswith("00000") and not raw.startswith("+")
        ):
            continue  # "2000000000 di follower", "1000000000000": a quantity, not a phone
        number = ("+" if raw.startswith("+") else "") + digits
        if number not in found:
            found.append(number)
    return found


def without_contacts(text: str) -> str:
    """``text`` with its email addresses blanked: their letters are no words of a language."""
    return _EMAIL_IN_TEXT.sub(" ", text) if "@" in text else text


# -- names -----------------------------------------------------------------------------------


def _fold(word: str) -> str:
    return fold_accents(word.lower().translate(_APOSTROPHES))


@lru_cache(maxsize=16)
def _phrases(words: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """Phrases as folded word tuples, longest first (so "io sono" wins over "sono")."""
    split = {tuple(_fold(w) for w in _WORD.findall(p)) for p in words}
    return tuple(sorted((p for p in split if p), key=len, reverse=True))


def _joined(packs: Iterable[LanguagePack], attr: str) -> tuple[tuple[str, ...], ...]:
    every: frozenset[str] = frozenset()
    for pack in packs:
        every |= getattr(pack, attr)
    return _phrases(every)


def _openers(packs: tuple[LanguagePack, ...]) -> tuple[tuple[str, ...], ...]:
    """What may come before a name in the same breath: the packs' ``name_intros`` ("ciao",
    "mi chiamo"), and an okay, a yes, a thanks or a hesitation ("va bene mi chiamo Salvo
    Russo", "ok my name is Linda", "sì, sono Marco"), longest first."""
    every: frozenset[str] = frozenset()
    for pack in packs:
        every |= pack.name_intros | pack.okays | pack.yes | pack.thanks | pack.hesitations
    return _phrases(every)


def _starts_with(tokens: list[str], phrase: tuple[str, ...], at: int = 0) -> bool:
    return tuple(tokens[at : at + len(phrase)]) == phrase


def _tidy_case(name: str) -> str:
    """ "giuseppe russo" -> "Giuseppe Russo", "GIUSEPPE RUSSO" too; a name typed with capitals
    of its own ("Giuseppe de Luca", "McNeil") keeps them, first letter up."""
    letters = [c for c in name if c.isalpha()]
    if letters and (all(c.islower() for c in letters) or all(c.isupper() for c in letters)):
        return re.sub(
            r"(^|[\s'’\-])([^\W\d_])([^\s'’\-]*)",
            lambda m: m.group(1) + m.group(2).upper() + m.group(3).lower(),
            name,
        )
    return name[:1].upper() + name[1:]


def extract_name(text: str, packs: Iterable[LanguagePack]) -> str | None:
    """The name in an answer to "what's your name?", without the words around it; None when
    there is none ("sono", "piacere").

    Drops greetings and introductions at the start ("ciao, mi chiamo", "my name is"), stops at
    the end of the clause (a comma, a full stop after a word, "e", "and", "from") and drops
    courtesies at the end ("piacere", "nice to meet you"). The rest is kept as typed, tidied:
    emoji out, spaces collapsed, capitals for a name typed all in lower (or upper)
    case.
    """
    packs = tuple(packs)
    intros = _openers(packs)
    outros = _joined(packs, "name_outros")
    breaks = {p[0] for p in _joined(packs, "name_breaks") if len(p) == 1}
    cleaned = spaced(contacts_as_breaks(text))
    spans = [(m.start(), m.end()) for m in _WORD.finditer(cleaned)]
    tokens = [_fold(cleaned[a:b]) for a, b in spans]
    start = 0
    moved = True
    while moved and start < len(tokens):  # "ciao, allora, mi chiamo …": peel them one by one
        moved = False
        for phrase in intros:
            if _starts_with(tokens, phrase, start) and start + len(phrase) < len(tokens):
                start += len(phrase)
                moved = True
                break
    if start >= len(tokens) or tuple(tokens[start:]) in intros + outros:
        return None  # "sono", "ciao", "piacere": no name yet
    begin = spans[start][0]
    end = len(cleaned)
    for index in range(start, len(tokens)):
        a, b = spans[index]
        if index > start and tokens[index] in breaks:
            end = spans[index - 1][1]
            break
        gap = cleaned[b : spans[index + 1][0]] if index + 1 < len(spans) else cleaned[b:]
        # a clause ends at , ; ! ? or a full stop after a whole word ("G. Russo" goes on)
        if re.search(r"[,;!?:()\[\]]|\s[-–—]", gap) or ("." in gap and b - a > 1):
            end = b
            break
    last = next((i for i, (a, _b) in enumerate(spans) if a >= end), len(spans)) - 1
    while last > start:  # "Giuseppe Russo piacere", "Sarah, nice to meet you"
        kept = tokens[start : last + 1]
        outro = next(
            (p for p in outros if len(p) < len(kept) and tuple(kept[-len(p) :]) == p), None
        )
        if outro is None:
            break
        last -= len(outro)
        end = spans[last][1]
    name = cleaned[begin:end].strip(" .,;:!?-'’\"«»")
    name = re.sub(r"\s+", " ", name)[:MAX_NAME].strip()
    if not any(c.isalpha() for c in name):
        return None
    return _tidy_case(name)


def contacts_as_breaks(text: str) -> str:
    """``text`` with each email address and phone number replaced by a clause break: a name
    is never read out of "chiara.fotografia@gmail.com" or "333 1234567"."""
    for pattern in (_EMAIL_IN_TEXT, _PHONE_IN_TEXT):
        text = pattern.sub(" , ", text)
    return text


def find_introduced_name(text: str, packs: Iterable[LanguagePack]) -> str | None:
    """The speaker's name, when a message about anything introduces it ("scusate, mi chiamo
    Rosaria La Rosa", "Mi chiami al 333 1234567, sono Marco Ferrara", "hi I'm Sarah Jones");
    None otherwise.

    The phrase must start a clause (the message, or after punctuation or a greeting). After
    the packs' ``name_frames`` ("mi chiamo", "my name is") any name counts; after their
    ``name_frames_weak`` ("sono", "I'm") only one typed with a capital, since "sono di Palermo"
    and "I'm interested" are no names. The name itself is read as ``extract_name`` reads it.
    """
    packs = tuple(packs)
    strong = _joined(packs, "name_frames")
    weak = _joined(packs, "name_frames_weak")
    greetings = set(_openers(packs)) - set(strong) - set(weak)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    tokens = [_fold(text[a:b]) for a, b in spans]
    for index in range(len(tokens)):
        if not _clause_start(text, spans, tokens, index, greetings):
            continue
        for phrase, needs_capital in [(p, False) for p in strong] + [(p, True) for p in weak]:
            after = index + len(phrase)
            if not _starts_with(tokens, phrase, index) or after >= len(tokens):
                continue
            first = text[spans[after][0] : spans[after][1]]
            if needs_capital and not first[:1].isupper():
                continue
            if any(c.isdigit() or c == "@" for c in first):
                continue
            if needs_capital and any(tokens[after] in p.stopwords for p in packs):
                continue  # "Sono Io srl", "I'm The owner": a word, not a name
            name = extract_name(text[spans[index][0] :], packs)
            if name is not None and name.split()[0].casefold() == first.casefold():
                return name
    return None


def _clause_start(
    text: str,
    spans: list[tuple[int, int]],
    tokens: list[str],
    index: int,
    greetings: set[tuple[str, ...]],
) -> bool:
    """Token ``index`` starts a clause: the first word, the first after punctuation, or the
    first after greetings only ("ciao, sono…", "hi I'm…")."""
    if index == 0 or re.search(r"[,;.!?:()\-–—]", text[spans[index - 1][1] : spans[index][0]]):
        return True
    at = 0
    while at < index:
        phrase = next((p for p in greetings if _starts_with(tokens, p, at)), None)
        if phrase is None or at + len(phrase) > index:
            return False
        at += len(phrase)
    return at == index
