"""Each kind of typed answer, with the ways prospects really write it."""

from __future__ import annotations

import pytest

from bot.base.money import Money
from bot.base.problems import Pos
from bot.content.model import AskSpec, Option, TextRef
from bot.core.slot_types import DEFAULT_SLOT_TYPES, parse_answer

P = Pos("t.yaml", 1, 1)


def spec(kind: str, **kw: object) -> AskSpec:
    return AskSpec(slot="x", type=kind, pos=P, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("10k", "it", 10000),
        ("10.000", "it", 10000),
        ("10,000", "en", 10000),
        ("10.000", "en", 10000),
        ("1,5 mln", "it", 1500000),
        ("1.2M", "en", 1200000),
        ("diecimila", "it", 10000),
        ("un milione", "it", 1000000),
        ("800", "it", 800),
        ("circa 800 follower", "it", 800),
        ("twenty thousand", "en", 20000),
        ("0", "en", 0),
    ],
)
def test_numbers(text: str, lang: str, value: int) -> None:
    assert parse_answer(spec("number"), text, lang) == value


@pytest.mark.parametrize("text", ["boh", "", "tanti", "-5", "+39 333 1234567"])
def test_not_numbers(text: str) -> None:
    assert parse_answer(spec("number"), text, "it") is None


def test_number_bounds() -> None:
    bounded = spec("number", minimum=1, maximum=100)
    assert parse_answer(bounded, "50", "en") == 50
    assert parse_answer(bounded, "500", "en") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("€ 300", 300),
        ("300 euro", 300),
        ("300/mese", 300),
        ("300 al mese", 300),
        ("300", 300),
        ("1.500 €", 1500),
        ("zero", 0),
        ("niente", 0),
        ("duecento euro", 200),
    ],
)
def test_money(text: str, value: int) -> None:
    assert parse_answer(spec("money"), text, "it") == value


@pytest.mark.parametrize("text", ["boh", "dipende", "a lot"])
def test_not_money(text: str) -> None:
    assert parse_answer(spec("money"), text, "it") is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("anna@example.com", True),
        (" a.b+c@shop.it ", True),
        ("anna@", False),
        ("anna example.com", False),
        ("<x@y.z>", False),
        ("a@b", False),
    ],
)
def test_email(text: str, ok: bool) -> None:
    assert (parse_answer(spec("email"), text, "it") is not None) is ok


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+39 333 123 4567", "+393331234567"),
        ("333-1234567", "3331234567"),
        ("12", None),
        ("call me", None),
        ("1" * 20, None),
    ],
)
def test_phone(text: str, value: str | None) -> None:
    assert parse_answer(spec("phone"), text, "it") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sì", True),
        ("si", True),
        ("Yes!", True),
        ("va bene", True),
        ("no", False),
        ("No grazie", False),
        ("nope", False),
        ("forse", None),
    ],
)
def test_yesno(text: str, value: bool | None) -> None:
    assert parse_answer(spec("yesno"), text, "it") is value


def test_choice_by_value_label_number_and_typo() -> None:
    options = (
        Option("instagram", TextRef("p.ig", P), P),
        Option("facebook", TextRef("p.fb", P), P),
    )
    choice = spec("choice", options=options)
    labels = ["📸 Instagram", "Facebook"]
    assert parse_answer(choice, "Instagram", "it", labels) == "instagram"
    assert parse_answer(choice, "2", "it", labels) == "facebook"
    assert parse_answer(choice, "facebok", "it", labels) == "facebook"
    assert parse_answer(choice, "tiktok", "it", labels) is None


def test_text_is_cleaned_and_bounded() -> None:
    assert parse_answer(spec("text"), "  Anna\u0000 ", "it") == "Anna"
    assert len(parse_answer(spec("text"), "x" * 5000, "it")) == 300
    assert parse_answer(spec("text"), "   ", "it") is None


def test_money_is_kept_with_its_currency_and_period() -> None:
    value = parse_answer(spec("money"), "€ 300 al mese", "it")
    assert isinstance(value, Money)
    assert (value.amount, value.currency, value.period) == (300, "EUR", "month")
    assert parse_answer(spec("money", maximum=100), "1200 euro all'anno", "it") == 100
    assert parse_answer(spec("money", maximum=99), "1200 euro all'anno", "it") is None


def test_question_buttons_come_from_the_registry() -> None:
    assert DEFAULT_SLOT_TYPES.options(spec("yesno")) == [(True, "common.yes"), (False, "common.no")]
    assert DEFAULT_SLOT_TYPES.options(spec("number")) == []
