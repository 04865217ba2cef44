"""Issue 11, the understanding under "honest numbers", in Italian and English:

1. amounts as people say them ("ten grand", "un paio di migliaia", "a few grand") read the same
   in free text (``find_numbers``, ``extract_entities``) and in answers (``read_count``,
   ``read_money``);
2. money that may be the agency's fee ("se vi pago 300", "your fee of 300") marked
   ``to_agency``, money clearly for ads ("vi pago 300 di sponsorizzate") not;
3. horizons ("in un anno", "by this time next year") as time spans in months, never a period
   attached to money or a frequency; ``horizon_months``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from bot.base.problems import Problems
from bot.content.words import load_words
from bot.understanding.entities import (
    Entities,
    TimeSpan,
    extract_entities,
    find_time_spans,
    horizon_months,
)
from bot.understanding.lang import BUILTIN_PACKS, with_money_cues
from bot.understanding.nlu import Understanding
from bot.understanding.numbers import (
    find_money,
    find_numbers,
    parse_money,
    read_count,
    read_money,
)

TODAY = datetime.date(2026, 3, 10)


def numbers(text: str, lang: str | None = None) -> list[float]:
    return [m.value for m in find_numbers(text, lang)]


# --- 1. amounts as people say them --------------------------------------------------------------

# Every form, alone: free text and answers agree. Before: "ten grand", "10 grand", "5 mil",
# "10 thou" were 10, 10, 5, 10 in free text; "un paio di migliaia", "a few grand" nothing (or
# 1,000); "un paio di mila" 2 in answers; "un migliaio" nothing anywhere.
AMOUNTS = [
    ("ten grand", 10_000),
    ("10 grand", 10_000),
    ("twenty grand", 20_000),
    ("a hundred grand", 100_000),
    ("a grand", 1_000),
    ("half a grand", 500),
    ("half a million", 500_000),
    ("half a mil", 500_000),
    ("5 mil", 5_000_000),
    ("10 thou", 10_000),
    ("mezzo milione", 500_000),
    ("mezzo migliaio", 500),
    ("un milione e mezzo", 1_500_000),
    ("one and a half million", 1_500_000),
    ("1,5 mln", 1_500_000),
    ("1.5 million", 1_500_000),
    ("2.5m", 2_500_000),
    ("2,5 milioni", 2_500_000),
    ("10 K", 10_000),
    ("10k", 10_000),
    ("10mila", 10_000),
    ("10 mila", 10_000),
    ("dieci mila", 10_000),
    ("diecimila", 10_000),
    ("ten thousand", 10_000),
    ("cinquemila", 5_000),
    ("five thousand", 5_000),
    ("quindicimila", 15_000),
    ("fifteen thousand", 15_000),
    ("un paio di migliaia", 2_000),
    ("un paio di mila", 2_000),
    ("a couple of thousand", 2_000),
    ("a couple thousand", 2_000),
    ("a couple grand", 2_000),
    ("una decina di migliaia", 10_000),
    ("un migliaio", 1_000),
    ("un migliaio e mezzo", 1_500),
    ("a grand and a half", 1_500),
    ("1.5 grand", 1_500),
    ("un paio di k", 2_000),
    ("un centinaio", 100),
    ("un centone", 100),
    ("3 centoni", 300),
    ("un paio di centinaia", 200),
    ("a couple hundred", 200),
    ("un miliardo", 1_000_000_000),
    ("a billion", 1_000_000_000),
    ("1 billion", 1_000_000_000),
    ("3 milioni", 3_000_000),
    ("3 million", 3_000_000),
    ("un paio di milioni", 2_000_000),
    ("a couple of million", 2_000_000),
    ("un paio di centinaia di migliaia", 200_000),
]


@pytest.mark.parametrize(("text", "value"), AMOUNTS)
def test_an_amount_reads_the_same_in_free_text_and_in_answers(text: str, value: float) -> None:
    assert numbers(text) == [value]
    assert extract_entities(text).numbers == [value]
    count = read_count(text)
    assert count is not None and count.value == value and not count.is_range
    money = read_money(text)
    assert money is not None and money.value == value and money.currency == "EUR"


# "a few grand": about 3,000, and an answer says both ends back (2,000 to 4,000) through the
# range note, so the prospect sees what was counted; never read as 1,000 (before: "a few grand"
# and "a few thousand" were 1,000, "qualche migliaio" nothing).
VAGUE = [
    ("a few grand", 3_000, 2_000, 4_000),
    ("a few thousand", 3_000, 2_000, 4_000),
    ("a few hundred", 300, 200, 400),
    ("few thousand", 3_000, 2_000, 4_000),
    ("several thousand", 4_500, 3_000, 6_000),
    ("qualche migliaio", 3_000, 2_000, 4_000),
    ("poche migliaia", 3_000, 2_000, 4_000),
    ("alcune migliaia", 3_000, 2_000, 4_000),
    ("qualche centinaio", 300, 200, 400),
    ("diverse migliaia", 4_500, 3_000, 6_000),
    ("qualche milione", 3_000_000, 2_000_000, 4_000_000),
    ("a few million", 3_000_000, 2_000_000, 4_000_000),
    ("a few k", 3_000, 2_000, 4_000),
    ("qualche k", 3_000, 2_000, 4_000),
]


@pytest.mark.parametrize(("text", "middle", "low", "high"), VAGUE)
def test_a_few_is_about_three_said_back_as_a_range(
    text: str, middle: float, low: float, high: float
) -> None:
    assert numbers(text) == [middle]
    for amount in (read_money(text), read_count(text)):
        assert amount is not None
        assert (amount.value, amount.low, amount.high) == (middle, low, high)
        assert amount.is_range


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        ("we have ten grand a month for ads", 10_000, "month"),
        ("abbiamo diecimila euro al mese", 10_000, "month"),
        ("a few grand a month", 3_000, "month"),
        ("qualche migliaio di euro al mese", 3_000, "month"),
        ("3 grand a year", 3_000, "year"),
        ("3 centoni al mese", 300, "month"),
        ("un paio di migliaia di euro l'anno", 2_000, "year"),
        ("a couple of thousand euros a year", 2_000, "year"),
        ("half a mil a year", 500_000, "year"),
        ("mezzo milione di euro l'anno", 500_000, "year"),
        ("about a grand a month", 1_000, "month"),
        ("un centone a settimana", 100, "week"),
    ],
)
def test_slang_and_counted_amounts_are_money_in_a_question(
    text: str, amount: float, period: str
) -> None:
    found = extract_entities(text)
    assert [(m.amount, m.period) for m in found.money] == [(amount, period)]
    assert found.numbers == []
    said = read_money(text)
    assert said is not None and (said.value, said.period) == (amount, period)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ho un migliaio di follower su instagram", 1_000),
        ("I have a couple of thousand followers", 2_000),
        ("vorrei arrivare a un paio di migliaia di follower", 2_000),
        ("we want ten grand followers", 10_000),
        ("siamo a qualche migliaio di follower", 3_000),
        ("we're at a few thousand followers", 3_000),
        ("voglio mezzo milione di follower", 500_000),
        ("we want half a million followers", 500_000),
    ],
)
def test_counted_amounts_are_follower_numbers_in_a_question(text: str, value: float) -> None:
    assert extract_entities(text).numbers == [value]


@pytest.mark.parametrize(
    "text",
    [
        "a grand opening",  # an adjective, not money
        "un grand hotel",
        "migliaia di follower",  # plural scales alone are vague, not a number
        "thousands of followers",
        "millions",
        "tens of thousands",
        "un paio di domande",  # counts alone stay answer-only
        "a couple of questions",
        "qualche domanda",
        "a few posts",
        "pochi follower",
        "alcuni mesi fa",
    ],
)
def test_words_that_only_sound_like_amounts_give_no_number(text: str) -> None:
    assert numbers(text) == []
    found = extract_entities(text, today=TODAY)
    assert found.numbers == [] and found.money == []


# --- 2. money that may be the agency's fee ------------------------------------------------------

# (text, amount, period): each is the agency's fee, or may be. Before: none was marked; "il
# vostro compenso è 300", "your fee of 300", "pagandovi 400" were a bare 300/400 in free text,
# i.e. a stray follower number.
TO_AGENCY = [
    ("se vi pago 300 euro al mese quanti follower faccio su instagram in un anno?", 300, "month"),
    (
        "if we pay you 300 a month how many followers do we get on instagram in a year?",
        300,
        "month",
    ),
    ("il vostro compenso è 300?", 300, None),
    ("is your fee 300?", 300, None),
    ("con 500 euro a voi", 500, None),
    ("with 500 euros to you", 500, None),
    ("pagandovi 400 al mese", 400, "month"),
    ("paying you 400 a month", 400, "month"),
    ("vi diamo 200 euro", 200, None),
    ("we give you 200 euros", 200, None),
    ("your fee of 300", 300, None),
    ("la vostra parcella di 300", 300, None),
    ("if I give you 250 a month", 250, "month"),
    ("se ti do 250 al mese", 250, "month"),
    ("for your management fee of 300", 300, None),
    ("per la gestione 300 euro al mese", 300, "month"),
    ("300 euro al mese per la gestione", 300, "month"),
    ("300 a month for management", 300, "month"),
    ("a retainer of 800 a month", 800, "month"),
    ("un canone di 800 al mese", 800, "month"),
    ("la vostra tariffa è 300 al mese?", 300, "month"),
    ("your rate is 300 a month?", 300, "month"),
    ("se vi pagassi 1000 euro al mese", 1000, "month"),
    ("if we hired you for 1000 a month", 1000, "month"),
    ("vi pago 300, quanto metto in ads?", 300, None),
    ("we pay you 300, how much should go on ads?", 300, None),
    ("ti pago 300 senza sponsorizzate", 300, None),
    ("I pay you 300 without ads", 300, None),
    ("we can pay you guys ten grand a month", 10_000, "month"),
    ("vi pago un paio di migliaia al mese", 2_000, "month"),
]


@pytest.mark.parametrize(("text", "amount", "period"), TO_AGENCY)
def test_money_governed_by_paying_the_agency_is_to_agency(
    text: str, amount: float, period: str | None
) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(m.amount, m.period, m.to_agency) for m in found.money] == [(amount, period, True)]
    assert found.numbers == []  # never also a follower number
    said = read_money(text)
    assert said is not None and said.to_agency and said.value == amount


# Money clearly for ads, even with "vi pago" before it; and money nobody says is for anyone.
NOT_TO_AGENCY = [
    ("vi pago 300 di sponsorizzate", 300, None),
    ("I pay you 300 for sponsored posts", 300, None),
    ("vi pago 300 euro al mese per le sponsorizzate", 300, "month"),
    ("we pay you 300 a month on ads", 300, "month"),
    ("vi pago 300 per la pubblicità", 300, None),
    ("I give you 300 for advertising", 300, None),
    ("300 euro di ads", 300, None),
    ("300 on ads", 300, None),
    ("300 in sponsorizzate", 300, None),
    ("300 for sponsored posts", 300, None),
    ("budget pubblicitario di 300 euro", 300, None),
    ("ad budget of 300 euros", 300, None),
    ("ho 300 euro al mese", 300, "month"),
    ("I have 300 a month", 300, "month"),
    ("300 al mese", 300, "month"),
    ("300 a month", 300, "month"),
    ("grazie a voi, 300 euro al mese", 300, "month"),  # thanks, not a fee
    ("thanks to you, 300 a month", 300, "month"),
]


@pytest.mark.parametrize(("text", "amount", "period"), NOT_TO_AGENCY)
def test_money_for_ads_or_for_nobody_in_particular_is_not_to_agency(
    text: str, amount: float, period: str | None
) -> None:
    found = extract_entities(text)
    assert [(m.amount, m.period, m.to_agency) for m in found.money] == [(amount, period, False)]
    said = read_money(text)
    assert said is not None and not said.to_agency and said.value == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300 euro in sponsorizzate e 200 a voi", [(300, False), (200, True)]),
        ("300 on ads and 200 to you", [(300, False), (200, True)]),
        ("vi pago 300 e metto 200 in ads", [(300, True), (200, False)]),
        ("if we paid you 500 a month and spent 200 on ads", [(500, True), (200, False)]),
        ("300 per la gestione e 200 di sponsorizzate", [(300, True), (200, False)]),
        ("300 for management and 200 for ads", [(300, True), (200, False)]),
    ],
)
def test_each_amount_gets_its_own_cue(text: str, expected: list[tuple[float, bool]]) -> None:
    found = extract_entities(text)
    assert [(m.amount, m.to_agency) for m in found.money] == expected
    # at a budget question, the one amount for ads is the answer; ours is not
    said = read_money(text)
    ads = [amount for amount, ours in expected if not ours]
    assert said is not None and not said.to_agency and [said.value] == ads


@pytest.mark.parametrize(
    ("text", "money", "count"),
    [
        ("quanti follower con 300 di sponsorizzate se parto da 800?", [300], [800]),
        ("how many followers with 300 on ads if we start from 800?", [300], [800]),
        ("3 ads a settimana", [], [3]),  # how many ads, not money for them
        ("3 ads a week", [], [3]),
        ("ho 800 follower e vi pago 300 al mese", [300], [800]),
        ("we have 800 followers and pay you 300 a month", [300], [800]),
    ],
)
def test_a_cue_makes_a_bare_number_money_only_right_next_to_it(
    text: str, money: list[float], count: list[float]
) -> None:
    found = extract_entities(text)
    assert [m.amount for m in found.money] == money
    assert found.numbers == count


def test_find_money_and_parse_money_say_it_too() -> None:
    [mention] = find_money("se vi pago 300 euro al mese")
    assert mention.to_agency and mention.text == "300 euro al mese"
    parsed = parse_money("pagandovi 400")
    assert parsed is not None and parsed.to_agency
    plain = parse_money("400")
    assert plain is not None and not plain.to_agency


def test_to_json_says_whether_money_is_for_the_agency() -> None:
    data = extract_entities("se vi pago 300 euro al mese", "it").to_json()
    assert data["money"] == [
        {"amount": 300, "currency": "EUR", "period": "month", "to_agency": True}
    ]
    data = extract_entities("300 on ads", "en").to_json()
    assert data["money"][0]["to_agency"] is False
    json.dumps(data)


def test_staff_cues_from_the_packs_passed_in() -> None:
    text = "il pacchetto da 300 euro al mese"
    assert [m.to_agency for m in extract_entities(text).money] == [False]
    packs = dict(BUILTIN_PACKS)
    packs["it"] = with_money_cues(packs["it"], fee=["Pacchetto"], ads=["reclame"])
    assert [m.to_agency for m in extract_entities(text, "it", packs=packs).money] == [True]
    said = read_money(text, "it", packs)
    assert said is not None and said.to_agency
    # an ads cue of staff's wins after the amount, as the built-in ones do
    mixed = extract_entities("vi pago 300 di reclame", "it", packs=packs)
    assert [m.to_agency for m in mixed.money] == [False]


def test_words_yaml_fee_and_ads_reach_the_pack(tmp_path: Path) -> None:
    folder = tmp_path / "locales" / "it"
    folder.mkdir(parents=True)
    (folder / "words.yaml").write_text("fee: [pacchetto]\nads: [reclame]\n", encoding="utf-8")
    problems = Problems()
    pack = load_words(folder, BUILTIN_PACKS["it"], problems, tmp_path)
    assert not problems.errors
    assert "pacchetto" in pack.fee_cues and "reclame" in pack.ads_cues
    assert "vi pag*" in pack.fee_cues  # the built-in cues stay


def test_words_yaml_fee_must_be_a_list(tmp_path: Path) -> None:
    folder = tmp_path / "locales" / "it"
    folder.mkdir(parents=True)
    (folder / "words.yaml").write_text("fee: pacchetto\n", encoding="utf-8")
    problems = Problems()
    load_words(folder, BUILTIN_PACKS["it"], problems, tmp_path)
    [problem] = problems.errors
    assert "`fee:` must be a list of words" in problem.message
    assert problem.pos.line == 1


def test_the_understanding_reads_with_the_packs_it_was_given() -> None:
    from bot.understanding.intents import IntentSet

    packs = dict(BUILTIN_PACKS)
    packs["it"] = with_money_cues(packs["it"], fee=["pacchetto"])
    nlu = Understanding(IntentSet({}), packs=packs)
    analysis = nlu.analyse("il pacchetto da 300 euro al mese", "it", TODAY)
    assert [m.to_agency for m in analysis.entities.money] == [True]


# --- 3. horizons --------------------------------------------------------------------------------

HORIZONS = [
    ("in un anno", 12),
    ("tra un anno", 12),
    ("entro un anno", 12),
    ("fra un anno", 12),
    ("in 6 mesi", 6),
    ("fra sei mesi", 6),
    ("tra 6 mesi", 6),
    ("tra un mese", 1),
    ("in un anno e mezzo", 18),
    ("in un annetto", 12),
    ("in un paio d'anni", 24),
    ("nel giro di un anno", 12),
    ("nel prossimo anno", 12),
    ("a quest'ora l'anno prossimo", 12),
    ("entro 12 mesi", 12),
    ("in dodici mesi", 12),
    ("in a year", 12),
    ("within a year", 12),
    ("in 18 months", 18),
    ("a year from now", 12),
    ("in two years' time", 24),
    ("by this time next year", 12),
    ("this time next year", 12),
    ("over the next year", 12),
    ("in the next year", 12),
    ("within six months", 6),
    ("in a year and a half", 18),
    ("in a couple of years", 24),
    ("in half a year", 6),
    ("in mezz'anno", 6),
    ("in 2 settimane", 1),  # whole months, at least 1
    ("in 2 weeks", 1),
]


@pytest.mark.parametrize(("text", "months"), HORIZONS)
def test_horizons_are_spans_in_months(text: str, months: int) -> None:
    for today in (None, TODAY):  # none of these needs a clock
        found = extract_entities(text, today=today)
        assert horizon_months(found) == months, today
        assert found.numbers == [] and found.money == []


# A period attached to money or a frequency is no span, and gives no horizon.
RATES = [
    ("300 euro l'anno", "money"),
    ("1200 all'anno", "money"),
    ("300 al mese", "money"),
    ("300 a month", "money"),
    ("1200 a year", "money"),
    ("I can spend 1200 a year", "money"),
    ("3 a settimana", "money"),
    ("3 post a settimana", "count"),
    ("3 posts a week", "count"),
    ("una volta al mese", "none"),
    ("once a month", "none"),
    ("twice a year", "none"),
    ("ogni anno", "none"),
    ("every year", "none"),
]


@pytest.mark.parametrize(("text", "kind"), RATES)
def test_a_period_attached_to_money_or_a_frequency_is_no_span(text: str, kind: str) -> None:
    found = extract_entities(text, today=TODAY)
    assert found.spans == []
    assert horizon_months(found) is None
    assert bool(found.money) == (kind == "money")


@pytest.mark.parametrize(
    ("text", "money", "months"),
    [
        ("spendo 300 al mese per un anno", (300, "month"), 12),
        ("I spend 300 a month for a year", (300, "month"), 12),
        ("100 € a settimana per 6 mesi", (100, "week"), 6),
        ("100 a week for 6 months", (100, "week"), 6),
        ("1200 l'anno, quanti follower in 18 mesi?", (1200, "year"), 18),
        ("1200 a year, how many followers in 18 months?", (1200, "year"), 18),
    ],
)
def test_money_with_a_period_and_a_horizon_are_both_read(
    text: str, money: tuple[float, str], months: int
) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(m.amount, m.period) for m in found.money] == [money]
    assert horizon_months(found) == months


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("se vi pago 300 euro al mese quanti follower faccio su instagram in un anno?", "it"),
        ("if we pay you 300 a month how many followers will we get on instagram in a year?", "en"),
    ],
)
def test_the_fee_question_of_the_issue(text: str, lang: str) -> None:
    found = extract_entities(text, lang, TODAY)
    assert [(m.amount, m.currency, m.period, m.to_agency) for m in found.money] == [
        (300, "EUR", "month", True)
    ]
    assert found.platforms == ["instagram"]
    assert [s.months for s in found.spans] == [12]
    assert horizon_months(found) == 12
    assert found.numbers == []  # no stray number


@pytest.mark.parametrize(
    ("text", "today", "months"),
    [
        ("entro l'estate", datetime.date(2026, 3, 10), 3.38),  # 21 June: its start
        ("by summer", datetime.date(2026, 3, 10), 3.38),
        ("per l'estate", datetime.date(2026, 3, 10), 3.38),
        ("entro la fine dell'estate", datetime.date(2026, 3, 10), 6.44),  # 22 September
        ("by the end of summer", datetime.date(2026, 3, 10), 6.44),
        ("entro l'estate", datetime.date(2026, 7, 10), 2.43),  # in it: its end
        ("by summer", datetime.date(2026, 10, 1), 8.64),  # past it: next year's
        ("entro l'inverno", datetime.date(2026, 6, 10), 6.37),  # 21 December
        ("entro l'inverno", datetime.date(2026, 3, 10), 0.33),  # in it: 20 March
        ("by winter", datetime.date(2026, 1, 10), 2.27),
        ("a metà estate", datetime.date(2026, 3, 10), 4.9),  # 6 August
    ],
)
def test_seasons_are_deadlines_with_a_clock(text: str, today: datetime.date, months: float) -> None:
    found = extract_entities(text, today=today)
    assert [s.months for s in found.spans] == [months]
    assert horizon_months(found) == max(1, int(months + 0.5))


@pytest.mark.parametrize("text", ["entro l'estate", "by summer", "in estate", "next year"])
def test_what_needs_a_clock_or_is_no_deadline_gives_no_horizon_without_one(text: str) -> None:
    assert find_time_spans(text, today=None) == []
    assert horizon_months(extract_entities(text)) is None


def test_in_summer_is_no_deadline() -> None:
    assert find_time_spans("in estate posto di più", today=TODAY) == []
    assert find_time_spans("in summer we post more", today=TODAY) == []


def test_horizon_months_takes_the_first_span_rounded() -> None:
    def entities(*months: float) -> Entities:
        return Entities([], [], [], [TimeSpan(m, "x", 0, 1) for m in months])

    assert horizon_months(entities()) is None
    assert horizon_months(entities(9.72)) == 10
    assert horizon_months(entities(9.4, 18)) == 9
    assert horizon_months(entities(0.2)) == 1
    assert horizon_months(extract_entities("tra 6 e 12 mesi")) == 6  # a range: its first end


@pytest.mark.parametrize(
    "text",
    [
        "a few " * 500 + "grand",
        "un paio di " * 300,
        "vi pago " * 500 + "300",
        "300 euro a voi " * 300,
        "this time next " * 300,
        "a grand " * 500,
        "mezzo migliaio " * 300,
        "entro l'estate " * 200,
    ],
)
def test_odd_input_never_raises_and_stays_quick(text: str) -> None:
    found = extract_entities(text, None, TODAY)
    json.dumps(found.to_json())
    read_money(text)
    read_count(text)
    for s in found.spans:
        assert text[s.start : s.end] == s.text
    for m in found.money:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize("text", ["£400 is about €460", "its £400, so roughly 460 eur"])
def test_the_amount_said_in_euro_is_the_answer_next_to_another_currency(text: str) -> None:
    said = read_money(text, "en")
    assert said is not None and said.currency == "EUR" and said.value == 460
