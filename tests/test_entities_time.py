"""Times of day, percentages, spans in days and deadlines on dates, with the clock injected."""

from __future__ import annotations

import dataclasses
import datetime
import json
from types import MappingProxyType

import pytest

from bot.understanding.entities import (
    DAY_PARTS,
    HOLIDAYS,
    Entities,
    TimeSpan,
    extract_entities,
    find_time_spans,
    horizon_months,
)
from bot.understanding.lang import BUILTIN_PACKS

TODAY = datetime.date(2026, 3, 1)  # a Sunday
DAYS_PER_MONTH = 30.4375


def times(text: str, lang: str | None = None) -> list[tuple[int | None, int | None, str | None]]:
    return [(t.hour, t.minute, t.part) for t in extract_entities(text, lang, TODAY).times]


def until(target: datetime.date, today: datetime.date = TODAY) -> tuple[float, int]:
    """(months, days) from ``today`` to ``target``, as a deadline's span gives them."""
    days = (target - today).days
    return round(days / DAYS_PER_MONTH, 2), days


def deadline(text: str, today: datetime.date = TODAY) -> tuple[float, float | None]:
    [span] = find_time_spans(text, today=today)
    return span.months, span.days


# --- times of day -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [None, "it", "en"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alle 2 di notte", (2, 0, "night")),
        ("metteteli alle 2 di notte", (2, 0, "night")),
        ("alle due di notte", (2, 0, "night")),
        ("7 di mattina", (7, 0, "morning")),
        ("alle 7 del mattino", (7, 0, "morning")),
        ("alle 21", (21, 0, "evening")),
        ("postate tipo verso le 21", (21, 0, "evening")),
        ("alle 9 di sera", (21, 0, "evening")),
        ("alle 11 di notte", (23, 0, "night")),
        ("alle 3 del pomeriggio", (15, 0, "afternoon")),
        ("alle sei di sera", (18, 0, "evening")),
        ("21:30", (21, 30, "evening")),
        ("alle 21.30", (21, 30, "evening")),
        ("alle 21h30", (21, 30, "evening")),
        ("alle 9 e mezza di sera", (21, 30, "evening")),
        ("alle nove e mezza di sera", (21, 30, "evening")),
        ("alle 9 meno un quarto di sera", (20, 45, "evening")),
        ("a mezzanotte", (0, 0, "night")),
        ("a mezzanotte e mezza", (0, 30, "night")),
        ("a mezzogiorno", (12, 0, "midday")),
        ("stasera alle 9", (21, 0, "evening")),
        ("07:30", (7, 30, "morning")),
        ("alle 12", (12, 0, "midday")),
        ("alle 24", (0, 0, "night")),
        ("2am", (2, 0, "night")),
        ("2 a.m.", (2, 0, "night")),
        ("9pm", (21, 0, "evening")),
        ("9 pm", (21, 0, "evening")),
        ("at 7:30pm", (19, 30, "evening")),
        ("12am", (0, 0, "night")),
        ("12pm", (12, 0, "midday")),
        ("at noon", (12, 0, "midday")),
        ("at midnight", (0, 0, "night")),
        ("9 in the evening", (21, 0, "evening")),
        ("at 8 in the morning", (8, 0, "morning")),
        ("9 at night", (21, 0, "night")),
        ("quarter to ten in the evening", (21, 45, "evening")),
        ("half past 9 in the morning", (9, 30, "morning")),
        ("tonight at 8", (20, 0, "evening")),
        ("at 7 o'clock in the evening", (19, 0, "evening")),
    ],
)
def test_times_of_day(text: str, expected: tuple[int, int, str], lang: str | None) -> None:
    found = extract_entities(text, lang, TODAY)
    assert [(t.hour, t.minute, t.part) for t in found.times] == [expected]
    assert not found.times[0].ambiguous
    assert found.numbers == []  # an hour is not a count of followers


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("tutto alle 7", 7, 0),
        ("at 7", 7, 0),
        ("alle 9 e mezza", 9, 30),
        ("alle 9 meno un quarto", 8, 45),
        ("half past 9", 9, 30),
        ("at seven thirty", 7, 30),
        ("9:30", 9, 30),
        ("all'una", 1, 0),
        ("alle 7 in punto", 7, 0),
    ],
)
def test_a_bare_hour_is_flagged_ambiguous(text: str, hour: int, minute: int) -> None:
    [time] = extract_entities(text, None, TODAY).times
    assert (time.hour, time.minute, time.part, time.ambiguous) == (hour, minute, None, True)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("metteteli la sera tardi i post", "night"),
        ("la sera tardi", "night"),
        ("a notte fonda", "night"),
        ("late at night", "night"),
        ("we post in the morning", "morning"),
        ("di pomeriggio", "afternoon"),
        ("la mattina presto", "morning"),
        ("all'ora di pranzo", "midday"),
        ("in the evening", "evening"),
    ],
)
def test_a_part_of_the_day_without_an_hour(text: str, part: str) -> None:
    [time] = extract_entities(text, None, TODAY).times
    assert (time.hour, time.minute, time.part, time.ambiguous) == (None, None, part, False)
    assert time.part in DAY_PARTS


@pytest.mark.parametrize(
    "text",
    [
        "alle 2 persone",
        "2 post a settimana",
        "alle 3 foto",
        "per le 2 pagine",
        "I post at 5 posts a day",
        "we're at 20",
        "I'm at 7 followers",
        "at least 7",
        "at 10k",
        "buona sera, vorrei info",
        "buonasera",
        "good evening, how much?",
        "good night",
        "sei bravo",
        "ho 25 anni",
        "in 3 mesi",
        "le aziende del Mezzogiorno",
        "nel mezzogiorno d'Italia",
        "alle 25",
        "alle 25:99",
        "25:99",
        "13pm",
        "alle alle alle",
        "300 € al mese",
        "il 20%",
        "",
    ],
)
def test_not_times(text: str) -> None:
    assert extract_entities(text, None, TODAY).times == []


def test_counts_stay_numbers_next_to_a_time() -> None:
    found = extract_entities("ho 800 follower e posto alle 21, alle 2 persone", "it", TODAY)
    assert found.numbers == [800, 2]
    assert [(t.hour, t.text) for t in found.times] == [(21, "alle 21")]
    found = extract_entities("we're at 20, we post at 9pm", "en", TODAY)
    assert found.numbers == [20]
    assert [t.hour for t in found.times] == [21]


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("posto dalle 7 alle 9 di sera", [19, 21]),
        ("7-9pm", [19, 21]),
        ("between 7 and 9pm", [19, 21]),
        ("dalle 18 alle 20", [18, 20]),
        ("from 10 to 2pm", [10, 14]),
    ],
)
def test_a_range_of_hours_shares_its_half_of_the_day(text: str, hours: list[int]) -> None:
    found = extract_entities(text, None, TODAY).times
    assert [t.hour for t in found] == hours
    assert not any(t.ambiguous for t in found)


def test_a_list_of_hours_keeps_each_one_as_said() -> None:
    found = extract_entities("alle 7 e alle 21", "it", TODAY).times
    assert [(t.hour, t.ambiguous) for t in found] == [(7, True), (21, False)]
    found = extract_entities("tra le 7 e le 9", "it", TODAY).times
    assert [(t.hour, t.ambiguous) for t in found] == [(7, True), (9, True)]


def test_time_text_and_offsets_match_the_message() -> None:
    text = "Ciao! Metteteli alle 2 di notte, oppure la sera tardi"
    found = extract_entities(text, "it", TODAY).times
    assert [t.text for t in found] == ["alle 2 di notte", "sera tardi"]
    for t in found:
        assert text[t.start : t.end] == t.text


def test_staff_words_in_the_packs_are_used() -> None:
    packs = dict(BUILTIN_PACKS)
    it = packs["it"]
    packs["it"] = dataclasses.replace(
        it, day_parts=MappingProxyType({**it.day_parts, "all'alba": "morning"})
    )
    found = extract_entities("pubblicate all'alba", "it", TODAY, packs)
    assert [(t.hour, t.part) for t in found.times] == [(None, "morning")]
    assert extract_entities("pubblicate all'alba", "it", TODAY).times == []


# --- percentages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percents"),
    [
        ("il 30%", [30]),
        ("30 per cento", [30]),
        ("30 percento", [30]),
        ("thirty percent", [30]),
        ("trenta per cento", [30]),
        ("+20%", [20]),
        ("-5%", [-5]),
        ("un 10 %", [10]),
        ("0%", [0]),
        ("engagement al 4,5%", [4.5]),
        ("10-20%", [10, 20]),
        ("dal 10 al 20%", [20]),
        ("ho perso il 15 per cento dei follower", [15]),
        ("il 100% dei clienti", [100]),
        ("nessuna percentuale", []),
    ],
)
def test_percentages(text: str, percents: list[float]) -> None:
    found = extract_entities(text, None, TODAY)
    assert found.percents == percents
    assert not set(percents) & set(found.numbers)


def test_percentages_next_to_money_and_counts() -> None:
    found = extract_entities("ho 900 follower, 300 € al mese e un +20% di reach", "it", TODAY)
    assert found.numbers == [900]
    assert [m.amount for m in found.money] == [300]
    assert found.percents == [20]


# --- spans in days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("7 giorni", [7]),
        ("in 10 days", [10]),
        ("una settimana", [7]),
        ("tra due settimane", [14]),
        ("a couple of weeks", [14]),
        ("3 or 4 weeks", [21, 28]),
        ("6 settimane", [42]),
        ("90 gg", [90]),
        ("half a week", [3.5]),
        ("mezzo mese", [15]),
        ("in 6 mesi", [None]),
        ("un anno", [None]),
        ("in the next month", [None]),
    ],
)
def test_spans_keep_their_days(text: str, days: list[float | None]) -> None:
    spans = find_time_spans(text, today=TODAY)
    assert [s.days for s in spans] == days
    for s in spans:
        if s.days is not None:
            assert s.months == pytest.approx(s.days / DAYS_PER_MONTH, abs=0.01)


def test_seven_days_is_still_a_quarter_month_horizon_of_one() -> None:
    found = extract_entities("quanti follower in 7 giorni?", "it", TODAY)
    assert [(s.months, s.days) for s in found.spans] == [(0.23, 7)]
    assert horizon_months(found) == 1


def test_a_span_built_by_hand_needs_no_days() -> None:
    span = TimeSpan(3, "3 mesi", 0, 6)
    assert span.days is None
    assert Entities([], [], [], [span]).to_json()["time_spans"] == [{"months": 3, "text": "3 mesi"}]


# --- deadlines on dates (the clock injected) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("entro giugno", datetime.date(2026, 6, 30)),
        ("by june", datetime.date(2026, 6, 30)),
        ("mi servono 50k follower per giugno", datetime.date(2026, 6, 30)),
        ("per natale", datetime.date(2026, 12, 25)),
        ("entro natale", datetime.date(2026, 12, 25)),
        ("by christmas", datetime.date(2026, 12, 25)),
        ("per pasqua", datetime.date(2026, 4, 5)),
        ("by easter", datetime.date(2026, 4, 5)),
        ("entro fine anno", datetime.date(2026, 12, 31)),
        ("by the end of the year", datetime.date(2026, 12, 31)),
        ("entro l'estate", datetime.date(2026, 6, 21)),
        ("by summer", datetime.date(2026, 6, 21)),
        ("entro settembre 2027", datetime.date(2027, 9, 30)),
        ("by 15 march", datetime.date(2026, 3, 15)),
        ("by march 15th", datetime.date(2026, 3, 15)),
        ("by the 1st of may", datetime.date(2026, 5, 1)),
        ("entro il 15 marzo", datetime.date(2026, 3, 15)),
        ("entro il 15/03", datetime.date(2026, 3, 15)),
        ("entro il 15/03/2027", datetime.date(2027, 3, 15)),
        ("15 marzo", datetime.date(2026, 3, 15)),
        ("a fine mese", datetime.date(2026, 3, 31)),
        ("il mese prossimo", datetime.date(2026, 4, 30)),
        ("il prossimo mese", datetime.date(2026, 4, 30)),
        ("next month", datetime.date(2026, 4, 30)),
        ("by next month", datetime.date(2026, 4, 30)),
        ("entro inizio del mese prossimo", datetime.date(2026, 4, 1)),
        ("la settimana prossima", datetime.date(2026, 3, 8)),
        ("by next week", datetime.date(2026, 3, 8)),
        ("l'anno prossimo", datetime.date(2027, 12, 31)),
        ("entro domani", datetime.date(2026, 3, 2)),
        ("by tomorrow", datetime.date(2026, 3, 2)),
        ("per black friday", datetime.date(2026, 11, 27)),
        ("entro san valentino", datetime.date(2027, 2, 14)),
        ("entro capodanno", datetime.date(2026, 12, 31)),
        ("by new year's eve", datetime.date(2026, 12, 31)),
        ("entro ferragosto", datetime.date(2026, 8, 15)),
        ("by thanksgiving", datetime.date(2026, 11, 26)),
    ],
)
def test_deadlines_on_dates(text: str, target: datetime.date) -> None:
    assert deadline(text) == until(target)


def test_tra_due_settimane_is_a_duration() -> None:
    assert [(s.text, s.days) for s in find_time_spans("tra due settimane", today=None)] == [
        ("due settimane", 14)
    ]


def test_a_date_already_passed_this_year_means_next_year() -> None:
    today = datetime.date(2026, 8, 20)
    assert deadline("entro giugno", today) == until(datetime.date(2027, 6, 30), today)
    assert deadline("by 15 march", today) == until(datetime.date(2027, 3, 15), today)
    assert deadline("per pasqua", today) == until(datetime.date(2027, 3, 28), today)
    assert deadline("by easter", datetime.date(2026, 4, 6)) == until(
        datetime.date(2027, 3, 28), datetime.date(2026, 4, 6)
    )
    # Easter day itself is still ahead (0 days)
    assert deadline("per pasqua", datetime.date(2026, 4, 5)) == (0, 0)


def test_on_the_last_day_of_the_year() -> None:
    eve = datetime.date(2026, 12, 31)
    assert deadline("entro fine anno", eve) == (0, 0)
    assert deadline("by the end of the month", eve) == (0, 0)
    assert deadline("entro gennaio", eve) == until(datetime.date(2027, 1, 31), eve)
    assert deadline("next month", eve) == until(datetime.date(2027, 1, 31), eve)
    assert deadline("il mese prossimo", eve) == until(datetime.date(2027, 1, 31), eve)
    assert deadline("entro natale", eve) == until(datetime.date(2027, 12, 25), eve)
    assert deadline("entro domani", eve) == until(datetime.date(2027, 1, 1), eve)
    assert deadline("l'anno prossimo", eve) == until(datetime.date(2027, 12, 31), eve)


def test_leap_years() -> None:
    in_2028 = datetime.date(2028, 2, 10)
    assert deadline("entro febbraio", in_2028) == until(datetime.date(2028, 2, 29), in_2028)
    assert deadline("by 29 february", in_2028) == until(datetime.date(2028, 2, 29), in_2028)
    # from a year without February 29, the next one that has it
    assert deadline("entro il 29 febbraio") == until(datetime.date(2028, 2, 29))
    assert deadline("entro febbraio") == until(datetime.date(2027, 2, 28))
    assert find_time_spans("entro il 29 febbraio 2027", today=TODAY) == []
    assert find_time_spans("entro il 31 aprile", today=TODAY) == []


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)), (2038, (4, 25))],
)
def test_easter_dates(year: int, easter: tuple[int, int]) -> None:
    assert HOLIDAYS["easter"](year) == datetime.date(year, *easter)


@pytest.mark.parametrize(
    "text",
    [
        "a domani!",  # see you tomorrow
        "per domani",  # needs today: see below
        "la settimana scorsa",
        "il mese scorso",
        "ho aperto l'anno scorso",
        "3 post a settimana",
        "per settimana",
        "ho aperto il 15 marzo",
        "buon natale",
        "happy easter",
        "the june 2027 launch",
        "giugno 20 post",
    ],
)
def test_not_deadlines(text: str) -> None:
    today = None if text == "per domani" else TODAY
    assert find_time_spans(text, today=today) == []


def test_deadlines_need_today_and_durations_do_not() -> None:
    text = "voglio 10k entro pasqua, o al massimo in 6 mesi"
    assert [s.months for s in find_time_spans(text)] == [6]
    assert [s.text for s in find_time_spans(text, today=TODAY)] == ["entro pasqua", "6 mesi"]


def test_a_datetime_works_as_today() -> None:
    now = datetime.datetime(2026, 3, 1, 23, 59)
    [span] = find_time_spans("by easter", today=now)
    assert (span.months, span.days) == until(datetime.date(2026, 4, 5))


# --- the whole message, as JSON ---------------------------------------------------------------


def test_to_json_shapes() -> None:
    text = "ciao, 10k follower entro natale? postate alle 2 di notte, engagement al 30%"
    data = extract_entities(text, "it", TODAY).to_json()
    assert data["numbers"] == [10000]
    assert data["time_spans"] == [{"months": 9.82, "text": "entro natale", "days": 299}]
    assert data["times"] == [
        {"hour": 2, "minute": 0, "part": "night", "ambiguous": False, "text": "alle 2 di notte"}
    ]
    assert data["percents"] == [30]
    assert isinstance(data["percents"][0], int)
    json.dumps(data)


@pytest.mark.parametrize("lang", [None, "it", "en", "fr"])
@pytest.mark.parametrize(
    "text",
    [
        "🎉🕘🎉",
        "alle alle alle",
        "alle " * 1000,
        "25:99",
        "99:99 pm",
        "0%",
        "%%%%",
        "+-+-20%",
        "12:60",
        "0am",
        "a.m. p.m.",
        "half past",
        "quarter to",
        "e mezza",
        "entro il",
        "entro il 0 marzo",
        "entro il 32 marzo",
        "by the 99th of june",
        "entro il 15/13",
        "entro il 00/00/0000",
        "entro pasqua " * 200,
        "la sera tardi " * 300,
        "7-9pm-" * 300,
        "dalle 7 alle 9 " * 300,
        "x" * 20000,
    ],
)
def test_odd_input_never_raises(text: str, lang: str | None) -> None:
    for today in (TODAY, datetime.date(2028, 2, 29), datetime.date(2026, 12, 31), None):
        found = extract_entities(text, lang, today)
        json.dumps(found.to_json())
        for t in found.times:
            assert text[t.start : t.end] == t.text
            assert t.hour is None or (0 <= t.hour <= 23 and t.minute is not None)
        for s in found.spans:
            assert text[s.start : s.end] == s.text and s.months >= 0
