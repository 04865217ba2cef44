"""Platforms, time spans and the combined extraction, in Italian and English."""

from __future__ import annotations

import datetime
import json

import pytest

from bot.understanding.entities import (
    Entities,
    TimeSpan,
    extract_entities,
    find_platforms,
    find_time_spans,
)
from bot.understanding.numbers import MoneyMention

TODAY = datetime.date(2026, 3, 1)  # a Sunday; end of June is 121 days away
LANGS = [None, "it", "en"]


def months(text: str, lang: str | None = None, today: datetime.date | None = TODAY) -> list[float]:
    return [s.months for s in find_time_spans(text, lang, today)]


# --- platforms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Instagram", ["instagram"]),
        ("su insta", ["instagram"]),
        ("IG", ["instagram"]),
        ("il mio profilo ig", ["instagram"]),
        ("sono un instagrammer", ["instagram"]),
        ("istagram", ["instagram"]),
        ("Facebook e Instagram", ["facebook", "instagram"]),
        ("fb", ["facebook"]),
        ("TikTok", ["tiktok"]),
        ("tik tok", ["tiktok"]),
        ("Tik-Tok", ["tiktok"]),
        ("LinkedIn", ["linkedin"]),
        ("linked in", ["linkedin"]),
        ("YouTube", ["youtube"]),
        ("twitter", ["x"]),
        ("x.com/agency", ["x"]),
        ("ig, tiktok, di nuovo IG e poi instagram", ["instagram", "tiktok"]),
        ("TikTok first, then LinkedIn and FB", ["tiktok", "linkedin", "facebook"]),
        ("https://www.instagram.com/agency", ["instagram"]),
    ],
)
def test_platforms_in_order_of_mention(text: str, expected: list[str]) -> None:
    assert find_platforms(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ciao",
        "instant noodles",
        "figo",
        "big news",
        "per x mese",  # Italian slang "x" = "per", not the platform
        "il face del prodotto",
        "la meta è vicina",
        "",
    ],
)
def test_no_platform_in_ordinary_words(text: str) -> None:
    assert find_platforms(text) == []


# --- durations --------------------------------------------------------------------------------

DURATIONS = [
    ("3 mesi", 3),
    ("tre mesi", 3),
    ("in 6 mesi", 6),
    ("in sei mesi", 6),
    ("un mese", 1),
    ("un anno", 12),
    ("2 anni", 24),
    ("una settimana", 7 / 30.4375),
    ("6 settimane", 42 / 30.4375),
    ("30 giorni", 30 / 30.4375),
    ("90 gg", 90 / 30.4375),
    ("un anno e mezzo", 18),
    ("tre mesi e mezzo", 3.5),
    ("mezz'anno", 6),
    ("mezzo anno", 6),
    ("fra 18 mesi", 18),
    ("two months", 2),
    ("6 weeks", 42 / 30.4375),
    ("a year", 12),
    ("in a month", 1),
    ("within a year", 12),
    ("one year", 12),
    ("2 years", 24),
    ("a year and a half", 18),
    ("one and a half years", 18),
    ("2 and a half months", 2.5),
    ("half a year", 6),
    ("18 months", 18),
    ("un paio di mesi", 2),
    ("a couple of weeks", 14 / 30.4375),
    ("a couple months", 2),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("text", "expected"), DURATIONS)
def test_durations_in_months(text: str, expected: float, lang: str | None) -> None:
    assert months(text, lang) == [pytest.approx(expected, abs=0.01)]
    assert months(text, lang, today=None) == [pytest.approx(expected, abs=0.01)]


def test_six_weeks_is_about_one_and_a_half_months() -> None:
    assert months("6 settimane") == [pytest.approx(1.4, abs=0.05)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-6 mesi", [3, 6]),
        ("tra 3 e 6 mesi", [3, 6]),
        ("da 3 a 6 mesi", [3, 6]),
        ("tre o quattro mesi", [3, 4]),
        ("3 to 6 months", [3, 6]),
        (
            "3 or 4 weeks",
            [pytest.approx(21 / 30.4375, abs=0.01), pytest.approx(28 / 30.4375, abs=0.01)],
        ),
    ],
)
def test_a_range_gives_both_ends(text: str, expected: list[float]) -> None:
    spans = find_time_spans(text)
    assert [s.months for s in spans] == expected
    assert len({(s.start, s.end) for s in spans}) == 1  # both point at the whole phrase


def test_span_text_and_offsets_match_the_message() -> None:
    text = "Vorrei 10k in 3 mesi, massimo un anno e mezzo"
    spans = find_time_spans(text)
    assert [(s.months, s.text) for s in spans] == [(3, "3 mesi"), (18, "un anno e mezzo")]
    for s in spans:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "text",
    [
        "ciao",
        "un post al giorno",
        "3 post al giorno",
        "300 al mese",
        "300 a month",
        "one post a day",
        "twice a week",
        "ne pubblico una a settimana",
        "ogni 3 mesi",
        "every 2 weeks",
        "3 mesi fa",
        "two years ago",
        "ho 25 anni",
        "I'm 25 years old",
        "sono su IG da 2 anni",
        "per anno",
        "entro giugno",  # a deadline needs today; see below
    ],
)
def test_rates_ages_and_past_are_not_spans(text: str) -> None:
    assert find_time_spans(text) == []


# --- deadlines (need today) -------------------------------------------------------------------

END_OF_JUNE = (datetime.date(2026, 6, 30) - TODAY).days / 30.4375
END_OF_YEAR = (datetime.date(2026, 12, 31) - TODAY).days / 30.4375


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entro giugno", END_OF_JUNE),
        ("entro fine giugno", END_OF_JUNE),
        ("per giugno", END_OF_JUNE),
        ("a giugno", END_OF_JUNE),
        ("giugno", END_OF_JUNE),
        ("giugno 2026", END_OF_JUNE),
        ("by June", END_OF_JUNE),
        ("by the end of June", END_OF_JUNE),
        ("before June", END_OF_JUNE),
        ("June", END_OF_JUNE),
        ("entro metà giugno", (datetime.date(2026, 6, 15) - TODAY).days / 30.4375),
        ("by mid-June", (datetime.date(2026, 6, 15) - TODAY).days / 30.4375),
        ("entro inizio luglio", (datetime.date(2026, 7, 1) - TODAY).days / 30.4375),
        ("entro fine anno", END_OF_YEAR),
        ("entro la fine dell'anno", END_OF_YEAR),
        ("a fine anno", END_OF_YEAR),
        ("entro quest'anno", END_OF_YEAR),
        ("entro l'anno", END_OF_YEAR),
        ("by the end of the year", END_OF_YEAR),
        ("by end of year", END_OF_YEAR),
        ("by year-end", END_OF_YEAR),
        ("fine 2026", END_OF_YEAR),
        ("entro il 2026", END_OF_YEAR),
        ("by the end of 2027", (datetime.date(2027, 12, 31) - TODAY).days / 30.4375),
        ("entro l'anno prossimo", (datetime.date(2027, 12, 31) - TODAY).days / 30.4375),
        ("by next year", (datetime.date(2027, 12, 31) - TODAY).days / 30.4375),
        ("entro fine mese", (datetime.date(2026, 3, 31) - TODAY).days / 30.4375),
        ("by the end of the month", (datetime.date(2026, 3, 31) - TODAY).days / 30.4375),
        ("entro natale", (datetime.date(2026, 12, 25) - TODAY).days / 30.4375),
        ("by Christmas", (datetime.date(2026, 12, 25) - TODAY).days / 30.4375),
        ("entro metà 2027", (datetime.date(2027, 6, 30) - TODAY).days / 30.4375),
        ("entro febbraio", (datetime.date(2027, 2, 28) - TODAY).days / 30.4375),  # next one
        ("entro marzo", (datetime.date(2026, 3, 31) - TODAY).days / 30.4375),  # this one
    ],
)
def test_deadlines_count_months_from_today(text: str, expected: float) -> None:
    assert months(text) == [pytest.approx(expected, abs=0.01)]


def test_end_of_june_is_about_four_months_from_march() -> None:
    assert months("entro giugno") == [pytest.approx(3.98, abs=0.01)]


def test_a_month_already_past_means_next_year() -> None:
    late_summer = datetime.date(2026, 8, 20)
    expected = (datetime.date(2027, 6, 30) - late_summer).days / 30.4375
    assert months("entro giugno", today=late_summer) == [pytest.approx(expected, abs=0.01)]
    assert months("by June", today=late_summer) == [pytest.approx(expected, abs=0.01)]


def test_christmas_just_past_means_next_christmas() -> None:
    boxing_day = datetime.date(2026, 12, 26)
    expected = (datetime.date(2027, 12, 25) - boxing_day).days / 30.4375
    assert months("entro natale", today=boxing_day) == [pytest.approx(expected, abs=0.01)]


def test_the_current_month_is_still_ahead() -> None:
    mid_june = datetime.date(2026, 6, 10)
    assert months("entro giugno", today=mid_june) == [pytest.approx(20 / 30.4375, abs=0.01)]


def test_a_datetime_works_as_today() -> None:
    now = datetime.datetime(2026, 3, 1, 10, 30)
    assert months("entro giugno", today=now) == [pytest.approx(3.98, abs=0.01)]


@pytest.mark.parametrize(
    "text",
    [
        "entro giugno",
        "by June",
        "entro fine anno",
        "by the end of the year",
        "entro natale",
        "fine 2026",
    ],
)
def test_deadlines_are_skipped_without_today(text: str) -> None:
    assert months(text, today=None) == []


@pytest.mark.parametrize(
    "text",
    [
        "entro giugno 2025",  # already past
        "alla fine dell'anno scorso",
        "I may grow",
        "you may",
        "nel 2025",
        "ho aperto a giugno dell'anno scorso",
        "we started in June last year",
        "a giugno scorso",
        "giugno è un bel mese per iniziare",
        "il palermo va in serie a quest'anno?",
    ],
)
def test_not_deadlines(text: str) -> None:
    assert find_time_spans(text, today=TODAY) == []


# --- everything at once -----------------------------------------------------------------------


def test_extract_entities_full_message_italian() -> None:
    text = "Ciao! Ho 800 follower su IG e TikTok, voglio 10k entro giugno, budget 300 € al mese"
    found = extract_entities(text, "it", TODAY)
    assert found.numbers == [800, 10_000]
    assert found.platforms == ["instagram", "tiktok"]
    assert [(m.amount, m.currency, m.period) for m in found.money] == [(300, "EUR", "month")]
    assert [s.text for s in found.spans] == ["entro giugno"]


def test_extract_entities_full_message_english() -> None:
    text = "We're at 1.2M on YouTube, want 2M within 18 months, $500 a month"
    found = extract_entities(text, "en", TODAY)
    assert found.numbers == [1_200_000, 2_000_000]
    assert found.platforms == ["youtube"]
    assert [(m.amount, m.currency, m.period) for m in found.money] == [(500, "USD", "month")]
    assert [(s.months, s.text) for s in found.spans] == [(18, "18 months")]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("ho 800 follower e ne voglio 5000", [800, 5000]),
        ("300 € al mese per 6 mesi", []),  # money and span, no loose count
        ("10k in 3 mesi", [10_000]),
        ("voglio 10k entro giugno 2026", [10_000]),  # the year belongs to the deadline
        ("engagement al 5%, 900 follower", [900]),
        ("un post al giorno", []),
        ("a month", []),
    ],
)
def test_numbers_leave_out_what_money_spans_and_percentages_took(
    text: str, numbers: list[float]
) -> None:
    assert extract_entities(text, today=TODAY).numbers == numbers


def test_a_month_is_a_span_not_a_follower_number() -> None:
    found = extract_entities("a month", "en")
    assert found.numbers == []
    assert [s.months for s in found.spans] == [1]


def test_to_json_prints_integers_as_integers() -> None:
    found = extract_entities(
        "ho 10.000 follower, budget 300 € al mese, in 6 settimane o 1,5 anni", "it", TODAY
    )
    data = found.to_json()
    assert data == {
        "numbers": [10000],
        "money": [{"amount": 300, "currency": "EUR", "period": "month", "to_agency": False}],
        "platforms": [],
        "time_spans": [
            {"months": 1.38, "text": "6 settimane", "days": 42},
            {"months": 18, "text": "1,5 anni"},
        ],
        "times": [],
        "percents": [],
    }
    dumped = json.dumps(data)
    assert "10000.0" not in dumped and '"amount": 300,' in dumped and '"months": 18,' in dumped
    assert isinstance(data["numbers"][0], int)


def test_to_json_keeps_fractions() -> None:
    data = Entities(
        [1.5], [MoneyMention(9.99, "EUR", None, 0, 4, "9,99")], [], [TimeSpan(0.5, "x", 0, 1)]
    ).to_json()
    assert data["numbers"] == [1.5]
    assert data["money"][0]["amount"] == 9.99
    assert data["time_spans"][0]["months"] == 0.5


def test_empty_message_gives_empty_entities() -> None:
    assert extract_entities("").to_json() == {
        "numbers": [],
        "money": [],
        "platforms": [],
        "time_spans": [],
        "times": [],
        "percents": [],
    }


@pytest.mark.parametrize("lang", [None, "it", "en", "fr"])
@pytest.mark.parametrize(
    "text",
    [
        "",
        "🎉🎉🎉",
        "مرحبا ١٢٣",
        "\u202eentro giugno\u202c",
        "\ud800",
        "x" * 5000,
        "entro " * 400,
        "the end of " * 300,
        "a " * 2000,
        "mezzo " * 500,
        "un anno e mezzo e mezzo e mezzo",
        "3-6-9-12 mesi",
        "giugno " * 200,
    ],
)
def test_odd_input_never_raises(text: str, lang: str | None) -> None:
    found = extract_entities(text, lang, TODAY)
    json.dumps(found.to_json())
    for s in found.spans:
        assert text[s.start : s.end] == s.text
