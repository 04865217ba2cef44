"""Checking a typed answer against the kind of question asked.

Each parser returns the value to keep, or ``None`` when the answer does not fit (the engine then
asks again with the state's ``retry`` text). Numbers and money come from the understanding
package so that "10k", "diecimila" and "€ 300" mean the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from rapidfuzz import fuzz, process

from bot.base.money import Money, per_period
from bot.base.problems import did_you_mean
from bot.content.model import AskSpec
from bot.content.templates import strip_tags
from bot.understanding.business import find_business
from bot.understanding.contacts import (
    extract_name,
    find_emails,
    find_introduced_name,
    find_phones,
)
from bot.understanding.entities import PLATFORM_NAMES, find_platforms
from bot.understanding.labels import match_label
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack, pack_for
from bot.understanding.numbers import Amount, read_count, read_money
from bot.understanding.numbers.money import CURRENCY_AFTER, CURRENCY_BEFORE
from bot.understanding.phrasing import corrected, is_unsure
from bot.understanding.text import fold_accents
from bot.understanding.yesno import read_acknowledgement, read_yesno

EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[A-Za-z]{2,24}$")
PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{6,24}$")
MAX_TEXT = 300
MIN_SPOTTED_PHONE = 8  # digits of a phone number picked out of a message about anything
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lowercase, without accents or surrounding punctuation: how people type on phones."""
    text = fold_accents(text.strip().lower())
    return re.sub(r"\s+", " ", text).strip(" .!?,;:")


def parse_yesno(
    text: str, lang: str, packs: Mapping[str, LanguagePack] | None = None
) -> bool | None:
    """True or False for a yes/no answer, None when it is neither.

    Read as people say it ("sì, va bene", "non adesso", "no problem"; see
    ``bot.understanding.yesno``) with the language packs' words (plus staff's ``words.yaml``
    when ``packs`` are the content's), in the conversation's language and the others, since a
    prospect may answer "ok" or "sure" in any language.
    """
    return read_yesno(text, lang, packs)


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


def match_option(
    spec: AskSpec,
    text: str,
    labels: Sequence[str],
    lang: str | None = None,
    packs: Mapping[str, LanguagePack] | None = None,
) -> str | None:
    """A choice typed rather than pressed: by number, by value, by label, by the label's words
    ("telefono" for «Per telefono», with ``lang``), or nearly so."""
    folded = fold(text)
    values = [o.value for o in spec.options]
    if folded.isdigit() and 1 <= int(folded) <= len(values):
        return values[int(folded) - 1]
    candidates: dict[str, str] = {}
    for value, label in zip(values, list(labels) + [""] * len(values), strict=False):
        candidates[fold(value)] = value
        for alias in next((o.aliases for o in spec.options if o.value == value), ()):
            candidates[fold(alias)] = value
        if label:
            candidates[fold(strip_tags(label))] = value
    if folded in candidates:
        return candidates[folded]
    if lang is not None and labels:
        index = match_label(text, [strip_tags(label) for label in labels], lang, packs)
        if index is not None and index < len(values):
            return values[index]
    best = process.extractOne(folded, list(candidates), scorer=fuzz.WRatio, score_cutoff=86)
    return candidates[best[0]] if best else None


def options_named(spec: AskSpec, text: str) -> list[str]:
    """The options a sentence names, in the order it names them: by value or alias as whole
    words ("su insta e fb"), and platforms by any of their names ("IG", "tik tok")."""
    folded = " " + " ".join(WORD.findall(fold(text))) + " "
    first: dict[str, int] = {}
    for option in spec.options:
        for word in (option.value, *option.aliases):
            words = " ".join(WORD.findall(fold(str(word))))
            at = folded.find(f" {words} ") if words else -1
            if at >= 0:
                first[option.value] = min(at, first.get(option.value, at))
    values = {o.value for o in spec.options}
    for m_index, platform in enumerate(find_platforms(text)):
        if platform in values:
            first.setdefault(platform, len(folded) + m_index)
    return sorted(first, key=lambda v: first[v])


def not_offered(spec: AskSpec, text: str) -> str | None:
    """The name of a platform the answer names that is not among the options, when the
    options are platforms ("YouTube" where Instagram, Facebook… are offered); else None."""
    values = {o.value for o in spec.options}
    if not values & set(PLATFORM_NAMES):
        return None
    others = [p for p in find_platforms(text) if p not in values]
    return PLATFORM_NAMES.get(others[0], others[0]) if others else None


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
    # the prospect does not know ("boh", "no idea"): the question's ``unsure:`` help is said
    unsure: bool = False


NOT_AN_ANSWER = Parsed(None)
UNSURE = Parsed(None, unsure=True)


class SlotType(ABC):
    """One kind of answer. Subclasses set ``name`` and override ``parse`` (and ``options``).

    ``takes_options``: the question lists ``options:`` in the dialog (choice).
    ``accepts_buttons``: a state asking it may also have its own ``buttons:`` (false when the
    question's own answers are the buttons). ``free_text``: any short text fits (text, name), so
    a question typed there is answered rather than kept. ``texts``: locale keys the type may
    say besides its retry text, required in every language once a question asks the type (the
    retry text only when such a question has no ``retry:`` of its own); ``values``: names its
    notes give those texts.
    """

    name: ClassVar[str] = ""
    takes_options: ClassVar[bool] = False
    accepts_buttons: ClassVar[bool] = True
    free_text: ClassVar[bool] = False
    takes_period: ClassVar[bool] = False
    spots: ClassVar[bool] = False
    texts: ClassVar[tuple[str, ...]] = ()
    values: ClassVar[tuple[str, ...]] = ()
    # "3, anzi 5" / "sorry, I mean 5": the part after a correction is the answer; with
    # ``drops_negated`` also "200, non 300" (not for yes/no: "no, va bene" is its own answer)
    reads_corrections: ClassVar[bool] = True
    drops_negated: ClassVar[bool] = True
    # a question may offer a value to a prospect who does not know (``suggest:``)
    suggests: ClassVar[bool] = False
    # the value ``suggest:`` offers is a button from the start, not only to the unsure (choice:
    # "Instagram, same as before")
    proposes: ClassVar[bool] = False

    @property
    def retry_key(self) -> str:
        """The text said when an answer does not fit and the question names no ``retry:``."""
        return f"common.retry.{self.name}"

    @abstractmethod
    def parse(self, answer: Answer) -> Parsed:
        """A typed answer (stripped, not empty) as the value to keep, or ``NOT_AN_ANSWER``."""

    def fit(self, value: Any, spec: AskSpec) -> Parsed:
        """A value found elsewhere (a typed question read by a slot filler) made to fit the
        question that would have asked for it; as it is by default."""
        return Parsed(value)

    def spot(self, answer: Answer) -> Parsed:
        """The value for this type inside a message about something else (``spots`` types
        only: an email address, a phone number, a name introduced as one), for a ``capture:``;
        ``NOT_AN_ANSWER`` when there is none, or more than one."""
        return NOT_AN_ANSWER

    def magnitude(self, value: Any) -> float | None:
        """How big a kept value is, to tell which of several answers a typed value is closest
        to (``updates:``); None for values that are no quantity."""
        return None

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        """(value, label text key) of the buttons the question shows."""
        return []

    def suggestion(self, value: Any, spec: AskSpec) -> Any:
        """The value a question's ``suggest:`` worked out (a number), as this type keeps it,
        or None when it does not fit the question (``suggests`` types only)."""
        return None


def _suggested_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() and number >= 0 else None


ECHO_WORDS = 4  # an answer this short is said back in the prospect's words ("ogni giorno")


def _echo(said: str) -> str:
    """The answer as the prospect typed it, tidied, when short and without digits (digits are
    said back formatted: "1.000"); "" otherwise."""
    words = said.strip(" .!,;").split()
    if not words or len(words) > ECHO_WORDS or any(c.isdigit() or c in "?<>" for c in said):
        return ""
    return " ".join(words).lower()


def _tidy_count(value: Decimal) -> float | int:
    """A converted count as people say it: whole from 10 up, else one decimal (two when one
    would round it away: once a year is 0.02 a week)."""
    if value == value.to_integral_value() or abs(value) >= 10:
        return int(value.to_integral_value())
    places = 1 if round(value, 1) else 2
    return float(round(value, places))


class NumberType(SlotType):
    """A count. A question with ``per:`` (``per: week`` for posts) takes a count said per
    another period and converts it ("ogni giorno" -> 7 a week), saying so in one line
    (``common.number.converted``); a range takes its middle and says so
    (``common.number.range``); a negative count is refused with its reason
    (``common.number.negative``). Without ``per:`` a count said per a period is refused."""

    name = "number"
    takes_period = True
    suggests = True
    texts = ("common.number.converted", "common.number.range", "common.number.negative")
    values = (
        "number_said",
        "number_said_per",
        "number_counted",
        "number_per",
        "number_about",
        "number_low",
        "number_high",
        "number_text",
    )

    def parse(self, answer: Answer) -> Parsed:
        amount = read_count(answer.text, answer.lang)
        if amount is None:
            return UNSURE if is_unsure(answer.text, answer.lang, answer.packs) else NOT_AN_ANSWER
        if amount.negative:
            return Parsed(None, retry=Note(self.texts[2]))
        money = read_money(answer.text, answer.lang, answer.packs)
        if (
            money is not None
            and money.value == amount.value
            and (money.to_agency or _currency_written(answer.text))
        ):
            # "I pay you 1,000 a month", "£200 a month": money (ours, or written as money),
            # never a count of posts or followers
            return NOT_AN_ANSWER
        return self.counted(amount, answer.spec, answer.text)

    def suggestion(self, value: Any, spec: AskSpec) -> Any:
        number = _suggested_number(value)
        return None if number is None else _bounded(_tidy_count(number), spec)

    def counted(self, amount: Amount, spec: AskSpec, said: str = "") -> Parsed:
        """``amount`` in the question's terms, with the line that says how it was read;
        ``said`` is the answer as typed, echoed by that line when it is short ("ogni giorno")."""
        per = spec.per
        if amount.period is not None and per is None:
            return NOT_AN_ANSWER  # "3 al mese" where a plain count was asked
        said_per = amount.period or per
        exact = Decimal(str(amount.value))
        counted = per_period(exact, said_per, per) if said_per and per else exact
        value = _tidy_count(counted)
        if _bounded(value, spec) is None:
            return NOT_AN_ANSWER
        values = {
            "number_said": _tidy(amount.value),
            "number_said_per": said_per,
            "number_counted": value,
            "number_per": per,
            "number_about": Decimal(str(value)) != counted,
            "number_low": amount.low,
            "number_high": amount.high,
            "number_text": _echo(said),
        }
        if amount.is_range:
            return Parsed(value, note=Note(self.texts[1], values))
        if said_per != per:
            return Parsed(value, note=Note(self.texts[0], values))
        return Parsed(value)

    def magnitude(self, value: Any) -> float | None:
        try:
            return float(value)
        except (TypeError, ValueError):
            return None


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
    period = "month"  # what the money questions ask unless they say ``per:``
    takes_period = True
    suggests = True
    texts = (
        "common.money.converted",
        "common.money.other_currency",
        "common.money.range",
        "common.money.negative",
        "common.money.to_agency",
    )
    values = ("money_said", "money_counted", "money_low", "money_high", "money_about")

    def parse(self, answer: Answer) -> Parsed:
        said = read_money(answer.text, answer.lang, answer.packs)
        if said is None:
            return UNSURE if is_unsure(answer.text, answer.lang, answer.packs) else NOT_AN_ANSWER
        if said.negative:  # "meno cento" is refused with its reason, never read as 100
            return Parsed(None, retry=Note(self.texts[3]))
        currency = said.currency or self.currency
        amount = Decimal(str(said.value))  # through str: 1.1 stays 1.1
        if getattr(said, "to_agency", False):
            # "vi pago 300": our fee, never the ad budget; asked again, with why
            said_money = Money(amount, currency, said.period)
            return Parsed(None, retry=Note(self.texts[4], {"money_said": said_money}))
        parsed = self.fit(Money(amount, currency, said.period), answer.spec)
        if not said.is_range or parsed.value is None:
            return parsed
        period = said.period or answer.spec.per or self.period
        values = {
            "money_said": Money(amount, currency, period),
            "money_counted": parsed.value,
            "money_low": Money(Decimal(str(said.low)), currency, period),
            "money_high": Money(Decimal(str(said.high)), currency, period),
            "money_about": parsed.note is not None and bool(parsed.note.values.get("money_about")),
        }
        return Parsed(parsed.value, note=Note(self.texts[2], values))

    def suggestion(self, value: Any, spec: AskSpec) -> Any:
        number = _suggested_number(value)
        if number is None:
            return None
        return self.fit(Money(number.quantize(Decimal(1)), self.currency, None), spec).value

    def fit(self, value: Any, spec: AskSpec) -> Parsed:
        try:
            said = Money.from_json(value)
        except ValueError:
            return NOT_AN_ANSWER
        if said.amount < 0:
            return NOT_AN_ANSWER
        per = spec.per or self.period
        if said.amount == 0:  # nothing is nothing in any currency, over any period
            return Parsed(Money(Decimal(0), self.currency, per))
        if said.currency != self.currency:
            return Parsed(None, retry=Note(self.texts[1], {"money_said": said}))
        note = None
        if said.period is None:
            counted = Money(said.amount, said.currency, per)
        else:
            counted = said.per(per)
            if counted.period != said.period:
                # "about": whole units, unless that would round a small amount away
                exact = counted.amount
                counted = counted.rounded(0 if counted.amount >= 10 else 2)
                values = {
                    "money_said": said,
                    "money_counted": counted,
                    "money_about": counted.amount != exact,  # € 1.200 l'anno is € 100 al mese
                }
                note = Note(self.texts[0], values)
        if _bounded(float(counted.amount), spec) is None:
            return NOT_AN_ANSWER
        amount = counted.amount
        if amount == amount.to_integral_value():
            counted = Money(amount.to_integral_value(), counted.currency, counted.period)
        return Parsed(counted, note=note)

    def magnitude(self, value: Any) -> float | None:
        try:
            return float(Money.from_json(value).amount)
        except (TypeError, ValueError):
            return None


class ChoiceType(SlotType):
    name = "choice"
    takes_options = True
    accepts_buttons = False
    suggests = True
    proposes = True

    texts = ("common.choice.which_first", "common.choice.not_offered")
    values = ("choice_named", "choice_said")

    def parse(self, answer: Answer) -> Parsed:
        spec = answer.spec
        named = options_named(spec, answer.text)
        if len(named) > 1:  # "instagram e facebook": which one first?
            labels = dict(zip((o.value for o in spec.options), answer.labels, strict=False))
            shown = [strip_tags(labels.get(v) or v) for v in named]
            return Parsed(None, retry=Note(self.texts[0], {"choice_named": shown}))
        value = match_option(spec, answer.text, answer.labels, answer.lang, answer.packs)
        if value is not None:
            return Parsed(value)
        if named:
            return Parsed(named[0])
        other = not_offered(spec, answer.text)
        if other is not None:  # "youtube" where we offer Instagram, Facebook…
            return Parsed(None, retry=Note(self.texts[1], {"choice_said": other}))
        return NOT_AN_ANSWER

    def options(self, spec: AskSpec) -> list[tuple[Any, str]]:
        return [(o.value, o.text.key) for o in spec.options]

    def suggestion(self, value: Any, spec: AskSpec) -> Any:
        """The option whose value ``suggest:`` gave (the projection's ``platform``), or None
        when it names none of them (nothing known yet, or a value not offered here)."""
        if not isinstance(value, str) or not value.strip():
            return None
        return next((o.value for o in spec.options if fold(o.value) == fold(value)), None)


class TextType(SlotType):
    name = "text"
    free_text = True
    reads_corrections = False  # kept as typed

    def parse(self, answer: Answer) -> Parsed:
        # free text: keep it readable and bounded
        cleaned = "".join(c for c in answer.text if c == "\n" or unicodedata.category(c)[0] != "C")
        cleaned = cleaned.strip()
        return Parsed(cleaned[:MAX_TEXT] if cleaned else None)


NOT_YES = Parsed(None, retry=Note("common.retry.not_yes"))
"""A "sì" typed where a name or a business is asked: asked again, saying why."""


def _currency_written(text: str) -> bool:
    """Whether ``text`` writes a currency ("£200", "300 euro", "50 quid"): the words the money
    reader knows (``bot.understanding.numbers.money``)."""
    words = re.findall(r"[€£$]|[^\W\d_]+", text.lower())
    return any(w in CURRENCY_AFTER or w in CURRENCY_BEFORE for w in words)


def _only_yes_or_ok(answer: Answer) -> bool:
    """A bare yes, no or okay ("si", "sì certo", "no", "ok"): an answer to the bot, never a
    name or a business (persona test: "si" was saved as the business)."""
    words = answer.text.split()
    if not words or len(words) > 2:
        return False
    return (
        read_yesno(answer.text, answer.lang, answer.packs) is not None
        or read_acknowledgement(answer.text, answer.lang, answer.packs) is not None
    )


def _own_first(answer: Answer) -> tuple[LanguagePack, ...]:
    """The language packs, the conversation's language first."""
    table = BUILTIN_PACKS if answer.packs is None else answer.packs
    own = pack_for(answer.lang, table)
    return (own, *(p for code, p in table.items() if code != own.code))


class BusinessType(TextType):
    """What the prospect's business does, also when said in a sentence: "ho una pasticceria a
    catania" keeps "Pasticceria a Catania", "I run a gelato shop in Siracusa" "Gelato shop in
    Siracusa" (the framing phrases are the language packs' ``business_frames``; see
    ``bot.understanding.business``); a business typed bare ("B&B Il Gelso") is kept as typed.
    Introduced by such a phrase, it is picked out of any message too (``capture:``)."""

    name = "business"
    spots = True
    texts = ("common.retry.not_yes",)

    @property
    def retry_key(self) -> str:
        return "common.retry.text"  # free text: only an empty answer is asked again

    def parse(self, answer: Answer) -> Parsed:
        if _only_yes_or_ok(answer):
            return NOT_YES
        found = find_business(answer.text, _own_first(answer))
        return Parsed(found[:MAX_TEXT]) if found else super().parse(answer)

    def spot(self, answer: Answer) -> Parsed:
        """Only a business introduced as one: "I own a wine bar in Noto"."""
        found = find_business(answer.text, _own_first(answer), anywhere=True)
        return Parsed(found[:MAX_TEXT] if found else None)


class NameType(SlotType):
    """A person's name, also when given in a sentence: "mi chiamo Giuseppe Russo", "Giuseppe,
    piacere", "hi, I'm Sarah" keep only the name (``bot.understanding.contacts``; the framing
    phrases are the language packs', the conversation's language first), tidied ("giuseppe
    russo" -> "Giuseppe Russo")."""

    name = "name"
    free_text = True
    reads_corrections = False
    texts = ("common.retry.not_yes",)

    def parse(self, answer: Answer) -> Parsed:
        if _only_yes_or_ok(answer):
            return NOT_YES
        table = BUILTIN_PACKS if answer.packs is None else answer.packs
        own = pack_for(answer.lang, table)
        packs = (own, *(p for code, p in table.items() if code != own.code))
        return Parsed(extract_name(answer.text, packs))

    spots = True

    def spot(self, answer: Answer) -> Parsed:
        """Only a name introduced as one: "mi chiamo Rosaria", "sono Marco Ferrara"."""
        table = BUILTIN_PACKS if answer.packs is None else answer.packs
        own = pack_for(answer.lang, table)
        packs = (own, *(p for code, p in table.items() if code != own.code))
        return Parsed(find_introduced_name(answer.text, packs))


def _one_of(found: Sequence[str], which: str) -> Parsed:
    """The one value found in a sentence; two different ones are asked about (``which``)."""
    if len(found) == 1:
        return Parsed(found[0])
    if len(found) > 1:
        return Parsed(None, retry=Note(which, {"found": list(found[:2])}))
    return NOT_AN_ANSWER


class EmailType(SlotType):
    """An email address, alone or in a sentence ("la mia mail è mario@gmail.com"); two
    different ones: the bot asks which (``common.which.email``)."""

    name = "email"
    texts = ("common.which.email",)
    values = ("found",)

    spots = True

    def parse(self, answer: Answer) -> Parsed:
        candidate = answer.text.strip().strip("<>")
        if EMAIL.match(candidate):
            return Parsed(candidate)
        return _one_of(find_emails(answer.text), self.texts[0])

    def spot(self, answer: Answer) -> Parsed:
        found = find_emails(answer.text)
        return Parsed(found[0]) if len(found) == 1 else NOT_AN_ANSWER


class PhoneType(SlotType):
    """A phone number, alone or in a sentence ("chiamami al 333 123 4567 dopo le 18"); two
    different ones: the bot asks which (``common.which.phone``)."""

    name = "phone"
    texts = ("common.which.phone",)
    values = ("found",)

    def parse(self, answer: Answer) -> Parsed:
        text = answer.text
        if PHONE_CHARS.match(text):
            digits = re.sub(r"\D", "", text)
            if not 6 <= len(digits) <= 15:
                return NOT_AN_ANSWER
            return Parsed(("+" if text.startswith("+") else "") + digits)
        return _one_of(find_phones(text), self.texts[0])

    spots = True

    def spot(self, answer: Answer) -> Parsed:
        """A number of 8 digits or more (a phone, not "10000 follower" or "ho 800 follower
        e 300 euro"), and only one."""
        found = [p for p in find_phones(answer.text) if len(p.lstrip("+")) >= MIN_SPOTTED_PHONE]
        return Parsed(found[0]) if len(found) == 1 else NOT_AN_ANSWER


class YesNoType(SlotType):
    name = "yesno"
    accepts_buttons = False
    drops_negated = False  # "sì, anzi no" is a no; "no, va bene" is read whole

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

    def takes_period(self, name: str) -> bool:
        """Whether a question of type ``name`` may say ``per:`` (number, money)."""
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.takes_period

    def free_text(self, name: str) -> bool:
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.free_text

    def spots(self, name: str) -> bool:
        """Whether a value of type ``name`` can be picked out of any message (``capture:``)."""
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.spots

    def spot(
        self,
        spec: AskSpec,
        text: str,
        lang: str,
        *,
        packs: Mapping[str, LanguagePack] | None = None,
    ) -> Parsed:
        """The value for the question ``spec`` found inside ``text`` (see ``SlotType.spot``)."""
        slot_type = self._types.get(spec.type)
        if slot_type is None or not slot_type.spots or not text.strip():
            return NOT_AN_ANSWER
        return slot_type.spot(Answer(text.strip(), lang, spec, (), packs))

    def magnitude(self, name: str, value: Any) -> float | None:
        """How big ``value`` of type ``name`` is (see ``SlotType.magnitude``)."""
        slot_type = self._types.get(name)
        return slot_type.magnitude(value) if slot_type is not None else None

    def suggests(self, name: str) -> bool:
        """Whether a question of type ``name`` may say ``suggest:`` (number, money, choice)."""
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.suggests

    def proposes(self, name: str) -> bool:
        """Whether the value a question of type ``name`` suggests is a button as soon as the
        question is asked (choice), not only to a prospect who does not know."""
        slot_type = self._types.get(name)
        return slot_type is not None and slot_type.proposes

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
        if slot_type.reads_corrections:
            # "200 al mese, non 300", "3, anzi 5": the part the prospect settled on, if it fits
            settled = corrected(text, lang, packs, negated=slot_type.drops_negated)
            if settled:
                parsed = slot_type.parse(Answer(settled, lang, spec, tuple(labels), packs))
                if parsed.value is not None:
                    return parsed
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
            BusinessType(),
            NameType(),
            EmailType(),
            PhoneType(),
            YesNoType(),
        ]
    )


DEFAULT_SLOT_TYPES = default_slot_types()
