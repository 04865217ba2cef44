"""Numbers and money as prospects type them on phones, in Italian and English."""

from __future__ import annotations

import math

import pytest

from bot.understanding.numbers import (
    find_money,
    find_numbers,
    parse_money,
    parse_number,
)

LANGS = [None, "it", "en"]


def values(text: str, lang: str | None = None) -> list[float]:
    return [m.value for m in find_numbers(text, lang)]


# --- single quantities, every written form ----------------------------------------------------

FORMS = [
    ("10k", 10_000),
    ("10K", 10_000),
    ("1k", 1_000),
    ("2.5k", 2_500),
    ("10.000", 10_000),
    ("10,000", 10_000),
    ("10 000", 10_000),
    ("10\u00a0000", 10_000),
    ("1.250.000", 1_250_000),
    ("1,250,000", 1_250_000),
    ("1 000 000", 1_000_000),
    ("1,5 mln", 1_500_000),
    ("1.5 mln", 1_500_000),
    ("1,5 milioni", 1_500_000),
    ("1.2M", 1_200_000),
    ("1.2m", 1_200_000),
    ("2 milioni", 2_000_000),
    ("2 milioni e mezzo", 2_500_000),
    ("1 milione e mezzo", 1_500_000),
    ("10mila", 10_000),
    ("10 mila", 10_000),
    ("3mila", 3_000),
    ("1,5", 1.5),
    ("1.5", 1.5),
    ("0,500", 0.5),
    ("1.000,50", 1000.5),
    ("1,234.56", 1234.56),
    ("800", 800),
    ("diecimila", 10_000),
    ("dieci mila", 10_000),
    ("cinquemila", 5_000),
    ("un milione", 1_000_000),
    ("mezzo milione", 500_000),
    ("un milione e mezzo", 1_500_000),
    ("duecentocinquantamila", 250_000),
    ("uno virgola cinque milioni", 1_500_000),
    ("twenty thousand", 20_000),
    ("a million", 1_000_000),
    ("one million", 1_000_000),
    ("one and a half million", 1_500_000),
    ("a million and a half", 1_500_000),
    ("half a million", 500_000),
    ("two point five million", 2_500_000),
    ("a hundred", 100),
    ("twenty-five", 25),
    ("zero", 0),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_each_written_form_is_one_number(text: str, expected: float, lang: str | None) -> None:
    found = find_numbers(text, lang)
    assert [m.value for m in found] == [pytest.approx(expected)]
    assert found[0].text == text  # the whole form, suffix and all, is the mention


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_each_written_form_answers_how_many(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ho 800 follower e ne voglio 5000", [800, 5000]),
        ("ho ottocento follower e ne voglio cinquemila", [800, 5000]),
        ("I have 800 followers and want 10k", [800, 10_000]),
        ("da 10.000 a 20.000", [10_000, 20_000]),
        ("10.000-20.000", [10_000, 20_000]),
        ("10k-20k", [10_000, 20_000]),
        ("tre o quattro", [3, 4]),
        ("nel 2025 avevo 300 follower", [2025, 300]),
        ("dieci, venti, trenta", [10, 20, 30]),
        ("siamo a 1,2k, vorremmo 1.5M", [1200, 1_500_000]),
    ],
)
def test_several_numbers_come_back_in_order(text: str, expected: list[float]) -> None:
    assert values(text) == expected


def test_mentions_point_into_the_original_text() -> None:
    text = "Ciao! Ho 2.500 follower, ne vorrei diecimila 🙏"
    found = find_numbers(text)
    assert [(m.value, m.text) for m in found] == [(2500, "2.500"), (10_000, "diecimila")]
    for m in found:
        assert text[m.start : m.end] == m.text


# --- words that only look like numbers --------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "text",
    [
        "ciao",
        "un post al giorno",
        "ne pubblico una a settimana",
        "sei bravo",
        "sei tu il responsabile?",
        "secondo me è difficile",
        "grazie mille",
        "one post a day",
        "no one knows",
        "a month",
        "in a second",
        "1st place",
    ],
)
def test_stray_words_are_not_numbers(text: str, lang: str | None) -> None:
    assert find_numbers(text, lang) == []
    assert parse_number(text, lang) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in sei mesi", [6]),
        ("sei", [6]),
        ("grazie mille, ho 800 follower", [800]),
        ("tre o quattro", [3, 4]),
        ("il 10 per cento", [10]),
    ],
)
def test_context_decides_for_ambiguous_words(text: str, expected: list[float]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "+39 333 1234567",
        "+393331234567",
        "0039 333 1234567",
        "333 1234567",
        "333-1234567",
        "3331234567",
        "(02) 1234 5678",
        "chiamami al 333 123 4567",
        "12/05/2025",
        "alle 10:30",
        "at 7am",
        "at 7 pm",
    ],
)
def test_phone_numbers_dates_and_times_are_not_counts(text: str) -> None:
    assert find_numbers(text) == []
    assert parse_number(text) is None
    assert parse_money(text) is None


def test_a_phone_next_to_a_count_leaves_the_count() -> None:
    assert parse_number("ho 800 follower, chiamami al +39 333 1234567") == 800
    assert parse_number("ho 800 follower, chiamami al 333 1234567") == 800


def test_round_long_numbers_are_not_phones() -> None:
    assert values("1000000000") == [1_000_000_000]
    assert values("10000-20000") == [10_000, 20_000]


# --- parse_number: the typed answer to "how many followers do you have?" --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("circa 800 follower", 800),
        ("about 800 followers", 800),
        ("ne ho 10k", 10_000),
        ("più o meno diecimila", 10_000),
        ("800 su instagram", 800),
        ("800... sì 800", 800),
        ("ho 800 follower dal 2019", 800),
        ("ho 800 follower, engagement 5%", 800),
        ("800 follower in 2 anni", 800),
        ("ho 800 follower e spendo 50 € al mese", 800),
        ("nessuno", 0),
        ("zero", 0),
        ("none yet", 0),
        ("0", 0),
    ],
)
def test_parse_number_finds_the_one_count(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ciao",
        "non lo so",
        "tra 800 e 900",
        "800-900",
        "ne ho 800 su instagram e 200 su tiktok",
        "ho 800 follower e ne voglio 5000",
        "3 mesi",
        "tre o quattro mesi",
        "il 5%",
        "nel 2025",
        "300 €",
    ],
)
def test_parse_number_gives_up_when_absent_or_ambiguous(text: str) -> None:
    assert parse_number(text) is None


# --- money ------------------------------------------------------------------------------------

MONEY = [
    ("€ 300", 300, "EUR", None),
    ("€300", 300, "EUR", None),
    ("300€", 300, "EUR", None),
    ("300 €", 300, "EUR", None),
    ("300 euro", 300, "EUR", None),
    ("300 eur", 300, "EUR", None),
    ("300 EUR", 300, "EUR", None),
    ("300 euros", 300, "EUR", None),
    ("EUR 300", 300, "EUR", None),
    ("1.500,00 €", 1500, "EUR", None),
    ("€1,5k", 1500, "EUR", None),
    ("5k€", 5000, "EUR", None),
    ("$15", 15, "USD", None),
    ("15$", 15, "USD", None),
    ("15 dollari", 15, "USD", None),
    ("15 dollars", 15, "USD", None),
    ("£20", 20, "GBP", None),
    ("20 sterline", 20, "GBP", None),
    ("20 pounds", 20, "GBP", None),
    ("duecento euro", 200, "EUR", None),
    ("two hundred dollars", 200, "USD", None),
    ("un milione di euro", 1_000_000, "EUR", None),
    ("300 al mese", 300, "EUR", "month"),
    ("300/mese", 300, "EUR", "month"),
    ("300 € al mese", 300, "EUR", "month"),
    ("300€/mese", 300, "EUR", "month"),
    ("200 euro al mese", 200, "EUR", "month"),
    ("300 euro x mese", 300, "EUR", "month"),
    ("300 euro mensili", 300, "EUR", "month"),
    ("cento euro al mese", 100, "EUR", "month"),
    ("300 a settimana", 300, "EUR", "week"),
    ("50 € alla settimana", 50, "EUR", "week"),
    ("1000 all'anno", 1000, "EUR", "year"),
    ("1000 all’anno", 1000, "EUR", "year"),
    ("1000 euro l'anno", 1000, "EUR", "year"),
    ("10 euro al giorno", 10, "EUR", "day"),
    ("300 a month", 300, "EUR", "month"),
    ("300 per month", 300, "EUR", "month"),
    ("300/month", 300, "EUR", "month"),
    ("$500 a month", 500, "USD", "month"),
    ("$500 monthly", 500, "USD", "month"),
    ("£100 per week", 100, "GBP", "week"),
    ("$20 a day", 20, "USD", "day"),
    ("$5000 a year", 5000, "USD", "year"),
    ("budget mensile di 300 euro", 300, "EUR", "month"),
    ("monthly budget: $500", 500, "USD", "month"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("text", "amount", "currency", "period"), MONEY)
def test_find_money_reads_amount_currency_and_period(
    text: str, amount: float, currency: str, period: str | None, lang: str | None
) -> None:
    found = find_money(text, lang)
    assert [(m.amount, m.currency, m.period) for m in found] == [(amount, currency, period)]
    assert text[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(("text", "amount", "currency", "period"), MONEY)
def test_parse_money_agrees_with_find_money(
    text: str, amount: float, currency: str, period: str | None
) -> None:
    money = parse_money(text)
    assert money is not None
    assert (money.amount, money.currency, money.period) == (amount, currency, period)


@pytest.mark.parametrize(
    "text",
    [
        "300",
        "ho 800 follower",
        "3 post al giorno",
        "100 follower al mese",
        "il 10%",
        "ciao",
        "+39 333 1234567",
    ],
)
def test_bare_numbers_and_counts_are_not_money(text: str) -> None:
    assert find_money(text) == []


def test_money_and_span_in_one_sentence() -> None:
    found = find_money("300 € al mese per 6 mesi")
    assert [(m.amount, m.period, m.text) for m in found] == [(300, "month", "300 € al mese")]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("300", 300),
        ("circa 300", 300),
        ("1.000", 1000),
        ("1k", 1000),
        ("mille", 1000),
        ("zero", 0),
        ("0", 0),
        ("niente", 0),
        ("nulla", 0),
        ("nothing", 0),
        ("none", 0),
        ("per ora niente", 0),
        ("non ho budget", 0),
        ("no budget", 0),
    ],
)
def test_parse_money_bare_answers_are_euro(text: str, amount: float) -> None:
    money = parse_money(text)
    assert money is not None
    assert (money.amount, money.currency, money.period) == (amount, "EUR", None)
    assert text[money.start : money.end] == money.text


@pytest.mark.parametrize(
    "text",
    ["", "non lo so", "tra 200 e 300 euro", "100-200", "300 euro o forse 400", "3 post al giorno"],
)
def test_parse_money_gives_up_when_absent_or_ambiguous(text: str) -> None:
    assert parse_money(text) is None


# --- robustness -------------------------------------------------------------------------------

ODD = [
    "",
    " ",
    "\n\n",
    "🎉🎉🎉 10k 🚀",
    "مرحبا ١٢٣ ٤٥٦",
    "שלום 300 שקל",
    "\u202e10k\u202c",
    "１０ｋ",
    "\x00\x01 10k",
    "\ud800 dieci",
    "1" * 5000,
    "1" + "0" * 400,
    "9" * 30,
    "a " * 2500,
    "e mezzo " * 300,
    "10k " * 500,
    ".,.,.,," * 300,
    "+" * 50 + "1" * 50,
    "0.0.0.0",
    "1,,,,2",
    "€€€$$$£££",
    "k k M m mln",
    "per cento per cento",
    "and a half and a half million",
]


@pytest.mark.parametrize("lang", [None, "it", "en", "fr", "IT-it", ""])
@pytest.mark.parametrize("text", ODD)
def test_odd_input_never_raises(text: str, lang: str | None) -> None:
    for m in find_numbers(text, lang):
        assert math.isfinite(m.value)
        assert text[m.start : m.end] == m.text
    for money in find_money(text, lang):
        assert math.isfinite(money.amount)
    parse_number(text, lang)
    parse_money(text, lang)


def test_huge_digit_runs_are_not_counts() -> None:
    assert parse_number("1" * 5000) is None
    assert parse_number("1" + "0" * 400) is None
