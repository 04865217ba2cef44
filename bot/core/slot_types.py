"""Checking a typed answer against the kind of question asked.

Each parser returns the value to keep, or ``None`` when the answer does not fit (the engine then
asks again with the state's ``retry`` text). Numbers and money come from the understanding
package so that "10k", "diecimila" and "€ 300" mean the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from rapidfuzz import fuzz, process

from bot.base.money import Money
from bot.base.problems import did_you_mean
from bot.content.model import AskSpec
from bot.content.templates import strip_tags
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack, pack_for
from bot.understanding.numbers import parse_money, parse_number
from bot.understanding.text import fold_accents

EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[A-Za-z]{2,24}$")
PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{6,24}$")
MAX_TEXT = 300


def fold(text: str) -> str:
    """Lowercase, without accents or surrounding punctuation: how people type on phones."""
    text = fold_accents(text.strip().lower())
    return re.sub(r"\s+", " ", text).strip(" .!?,;:")


@lru_cache(maxsize=64)
def _folded(words: frozenset[str]) -> frozenset[str]:
    """A pack's words folded once, not on every answer."""
    return frozenset(fold(w) for w in words)


def parse_yesno(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> bool | None:
    """True or False for a yes/no answer, None when it is neither.

    The words are the language packs' (``bot.understanding.lang``, plus staff's ``words.yaml``
    when ``packs`` are the content's): the conversation's language first, then every other
    pack, since a prospect may answer "ok" or "si" in any language.
    """
    folded = fold(text)
    table = BUILTIN_PACKS if packs is None else packs
    for pack in (pack_for(lang, table), *(p for code, p in table.items() if code != lang)):
        if folded in _folded(pack.yes):
            return True
        if folded in _folded(pack.no):
            return False
    return None


def parse_answer(
    spec: AskSpec,
    text: str,
    lang: str,
    option_labels: Sequence[str] = (),
    *,
    packs: Mapping[str, LanguagePack] | None = None,
) -> Any:
    """The value for ``spec.slot``, or None when the text is not a valid answer.

    ``packs`` are the language packs for yes/no words (the content's; default: built-in).
    """
    return DEFAULT_SLOT_TYPES.parse(spec, text, lang, option_labels, packs=packs).value


def match_option(spec: AskSpec, text: str, labels: Sequence[str]) -> str | None:
    """A choice typed rather than pressed: by number, by value, by label, or nearly so."""
    folded = fold(text)
    values = [o.value for o in spec.options]
    if folded.isdigit() and 1 <= int(folded) <= len(values):
        return values[int(folded) - 1]
    candidates: dict[str, str] = {}
    for value, label in zip(values, list(labels) + [""] * len(values), strict=False):
        candidates[fold(value)] = value
        if label:
            candidates[fold(strip_tags(label))] = value
    if folded in candidates:
        return candidates[folded]
    best = process.extractOne(folded, list(candidates), scorer=fuzz.WRatio, score_cutoff=86)
    return candidates[best[0]] if best else None


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _bounded(value: float | int, spec: AskSpec) -> float | int | None:
    if spec.minimum is not None and value < spec.minimum:
        return None
    if spec.maximum is not None and value > spec.maximum:
        return None
    return value


# -- the slot types ------------------------------------------------------------------------------
# One class per ``type:`` a dialog's ``ask:`` may name, collected in a ``SlotTypeRegistry`` (like
# click's ParamType): the parser of typed answers, the buttons a question shows, the text said
# when an answer does not fit. Adding a type is one class here and one line in
# ``default_slot_types``, or one class in a plug-in and one entry in its ``Plugin.slot_types``
# (``bot.app.build_slot_types`` makes the one registry the content and the engine share);
# reading and validating dialogs (``bot.content``) asks the registry through
# ``bot.content.catalog.SlotTypeCatalog``.


@dataclass(frozen=True)
class Note:
    """A text the engine says about an answer: ``key`` in locales, rendered with ``values``."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """One typed answer (stripped, not empty) to the question ``spec``, in ``lang``.

    ``labels`` are the option buttons' labels as the prospect saw them (choice), ``packs`` the
    content's language packs (yes/no words; None: the built-in ones).
    """

    text: str
    lang: str
    spec: AskSpec
    labels: tuple[str, ...] = ()
    packs: Mapping[str, LanguagePack] | None = None


@dataclass(frozen=True)
class Parsed:
    """What a slot type made of an answer.

    ``value`` is kept in the slot (None: the answer does not fit). ``note`` is said right after
    the answer is accepted ("€ 1.200 a year, so about € 100 a month"); ``retry``, for an answer
    that does not fit, is said instead of the question's usual retry text.
    """

    value: Any
    note: Note | None = None
    retry: Note | None = None


NOT_AN_ANSWER = Parsed(None)
# "-100", "− 5", "meno cento", "minus 300": refused, not read as 100 ("meno di 100" is vague,
# not negative, and goes to the number reader like any other answer)
NEGATIVE = re.compile(
    r"^\s*(?:[-\u2212\u2013]\s*\d|(?:meno|minus|negative|negativo)\b(?!\s+(?:di|than)\b))",
    re.IGNORECASE,
)


class SlotType:
    """One kind of answer. Subclasses set ``name`` and override ``parse`` (and ``options``).

    ``takes_options``: the question lists ``options:`` in the dialog (choice).
    ``accepts_buttons``: a state asking it may also have its own ``buttons:`` (false when the
    question's own answers are the buttons). ``texts``: locale keys the type may say besides its
    retry text, required in every language once a question asks the type (the retry text only
    when such a question has no ``retry:`` of its own); ``values``: names its notes give those
    texts.
    """

    name: ClassVar[str] = ""
    takes_options: ClassVar[bool] = False
    accepts_buttons: ClassVar[bool] = True
    texts: ClassVar[tuple[str, ...]] = ()
    values: ClassVar[tuple[str, ...]] = ()

    @property
    def retry_key(self) -> str:
        """The text said when an answer does not fit and the question names no ``retry:``."""
        return f"common.retry.{self.name}"

    def parse(self, answer: Answer) -> Parsed:
        """A typed answer (stripped, not empty) as the value to keep, or ``NOT_AN_ANSWER``."""
        raise NotImplementedError

    def fit(self, value: Any, spec: AskSpec) -> Parsed:
        """A value found elsewhere (a typed question read by a slot filler) made to fit the
        question that would have asked for it; as it is by default."""
        return Parsed(value)

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        """(value, label text key) of the buttons the question shows."""
        return []


class NumberType(SlotType):
    name = "number"

    def parse(self, answer: Answer) -> Parsed:
        if NEGATIVE.match(answer.text):
            return NOT_AN_ANSWER  # a negative count is a typo, not an answer
        value = parse_number(answer.text, answer.lang)
        if value is None or value < 0:
            return NOT_AN_ANSWER
        return Parsed(_bounded(_tidy(value), answer.spec))


class MoneyType(SlotType):
    """An amount of money, kept as a ``Money`` in euros per month.

    Money questions ask per month (the ad budget), so "1200 euro all'anno" or "5 euro al
    giorno" is converted to a month (``Money.per``) and said back in one line
    (``common.money.converted``); "300" or "300 al mese" is taken as it is, without a line.
    Another currency ("$300") is not converted: there is no exchange rate we could honestly
    use, so the prospect is asked for the amount in euros (``common.money.other_currency``).
    """

    name = "money"
    currency = "EUR"  # the benchmarks and the agency's numbers are in euro
    period = "month"  # what the money questions ask
    texts = ("common.money.converted", "common.money.other_currency")
    values = ("money_said", "money_counted")

    def parse(self, answer: Answer) -> Parsed:
        if NEGATIVE.match(answer.text):
            return NOT_AN_ANSWER  # a negative budget is a typo (or a joke), not an answer
        mention = parse_money(answer.text, answer.lang)
        if mention is None or mention.amount < 0:
            return NOT_AN_ANSWER
        amount = Decimal(str(mention.amount))  # through str: 1.1 stays 1.1
        return self.fit(Money(amount, mention.currency, mention.period), answer.spec)

    def fit(self, value: Any, spec: AskSpec) -> Parsed:
        try:
            said = Money.from_json(value)
        except ValueError:
            return NOT_AN_ANSWER
        if said.amount < 0:
            return NOT_AN_ANSWER
        if said.amount == 0:  # nothing is nothing in any currency, over any period
            return Parsed(Money(Decimal(0), self.currency, self.period))
        if said.currency != self.currency:
            return Parsed(None, retry=Note(self.texts[1], {"money_said": said}))
        note = None
        if said.period is None:
            counted = Money(said.amount, said.currency, self.period)
        else:
            counted = said.per(self.period)
            if counted.period != said.period:
                # "about": whole units, unless that would round a small amount away
                counted = counted.rounded(0 if counted.amount >= 10 else 2)
                note = Note(self.texts[0], {"money_said": said, "money_counted": counted})
        if _bounded(float(counted.amount), spec) is None:
            return NOT_AN_ANSWER
        amount = counted.amount
        if amount == amount.to_integral_value():
            counted = Money(amount.to_integral_value(), counted.currency, counted.period)
        return Parsed(counted, note=note)


class ChoiceType(SlotType):
    name = "choice"
    takes_options = True
    accepts_buttons = False

    def parse(self, answer: Answer) -> Parsed:
        return Parsed(match_option(answer.spec, answer.text, answer.labels))

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        return [(o.value, o.text.key) for o in spec.options]


class TextType(SlotType):
    name = "text"

    def parse(self, answer: Answer) -> Parsed:
        # free text: keep it readable and bounded
        cleaned = "".join(c for c in answer.text if c == "\n" or unicodedata.category(c)[0] != "C")
        cleaned = cleaned.strip()
        return Parsed(cleaned[:MAX_TEXT] if cleaned else None)


class EmailType(SlotType):
    name = "email"

    def parse(self, answer: Answer) -> Parsed:
        candidate = answer.text.strip().strip("<>")
        return Parsed(candidate if EMAIL.match(candidate) else None)


class PhoneType(SlotType):
    name = "phone"

    def parse(self, answer: Answer) -> Parsed:
        text = answer.text
        if not PHONE_CHARS.match(text):
            return NOT_AN_ANSWER
        digits = re.sub(r"\D", "", text)
        if not 6 <= len(digits) <= 15:
            return NOT_AN_ANSWER
        return Parsed(("+" if text.startswith("+") else "") + digits)


class YesNoType(SlotType):
    name = "yesno"
    accepts_buttons = False

    def parse(self, answer: Answer) -> Parsed:
        return Parsed(parse_yesno(answer.text, answer.lang, answer.packs))

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        return [(True, "common.yes"), (False, "common.no")]


class SlotTypeRegistry:
    """The slot types by name; satisfies ``bot.content.catalog.SlotTypeCatalog``."""

    def __init__(self, types: Sequence[SlotType] = ()) -> None:
        self._types: dict[str, SlotType] = {}
        for slot_type in types:
            self.register(slot_type)

    def register(self, slot_type: SlotType) -> None:
        """Add a type.

        Raises:
            ValueError: it has no name, or the name is taken.
        """
        if not slot_type.name:
            raise ValueError(f"{type(slot_type).__name__} has no name")
        if slot_type.name in self._types:
            raise ValueError(f"the slot type `{slot_type.name}` is registered twice")
        self._types[slot_type.name] = slot_type

    def get(self, name: str) -> SlotType | None:
        return self._types.get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def suggestion(self, name: str) -> str:
        """A hint for staff who typed an unknown type ``name``."""
        names = self.names()
        return did_you_mean(str(name), names) or "use one of: " + ", ".join(names)

    def takes_options(self, name: str) -> bool:
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.takes_options

    def accepts_buttons(self, name: str) -> bool:
        slot_type = self._types.get(name)
        return slot_type is None or slot_type.accepts_buttons

    def retry_key(self, name: str) -> str:
        slot_type = self._types.get(name)
        return slot_type.retry_key if slot_type is not None else f"common.retry.{name}"

    def texts(self, name: str) -> tuple[str, ...]:
        """The texts a question of type ``name`` may make the bot say besides its retry text
        (notes about an answer); none for an unknown type."""
        slot_type = self._types.get(name)
        return tuple(slot_type.texts) if slot_type is not None else ()

    def values(self) -> set[str]:
        """Template values the types' notes provide."""
        return {name for t in self._types.values() for name in t.values}

    def parse(
        self,
        spec: AskSpec,
        text: str,
        lang: str,
        labels: Sequence[str] = (),
        *,
        packs: Mapping[str, LanguagePack] | None = None,
    ) -> Parsed:
        """The answer ``text`` to the question ``spec``; an unknown type reads as free text
        (``parse_answer`` only: an ``Engine`` refuses content asking a type it lacks)."""
        text = text.strip()
        if not text:
            return NOT_AN_ANSWER
        slot_type = self._types.get(spec.type) or TextType()
        return slot_type.parse(Answer(text, lang, spec, tuple(labels), packs))

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        slot_type = self._types.get(spec.type)
        return slot_type.options(spec) if slot_type is not None else []


def default_slot_types() -> SlotTypeRegistry:
    """A new registry with the built-in types, in the order staff see them listed."""
    return SlotTypeRegistry(
        [
            NumberType(),
            MoneyType(),
            ChoiceType(),
            TextType(),
            EmailType(),
            PhoneType(),
            YesNoType(),
        ]
    )


DEFAULT_SLOT_TYPES = default_slot_types()
