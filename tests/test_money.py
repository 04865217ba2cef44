"""Money keeps its currency and period from the prospect's words to the projection.

"1200 euro all'anno" is € 100 a month for the projection, and the bot says so; "$300" is never
taken for euros; a made-up slot type added by a plug-in is read, validated and asked through
the same paths as the built-in ones.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bot import app
from bot.base.money import Money
from bot.base.problems import Pos
from bot.config import Settings
from bot.content.model import AskSpec
from bot.content.templates import Renderer, format_money
from bot.core.engine import Engine
from bot.core.plugins import Plugin
from bot.core.slot_types import (
    DEFAULT_SLOT_TYPES,
    Answer,
    Parsed,
    SlotType,
    default_slot_types,
    parse_answer,
)
from bot.growth.actions import budget_eur_month
from bot.understanding.numbers import parse_money
from tests.conftest import ROOT, Chat, build_engine

GROWTH_NO_BUDGET = {
    "it": "ho 800 follower su instagram, voglio arrivare a 10mila",
    "en": "I have 800 followers on instagram, I want to get to 10k",
}


# -- Money itself --------------------------------------------------------------------------------


def test_per_converts_between_periods_with_the_documented_factors() -> None:
    assert Money(1200, "EUR", "year").per("month") == Money(Decimal(100), "EUR", "month")
    assert Money(5, "EUR", "day").per("month").amount == Decimal("152.19")  # 5 × 30.4375
    assert Money(300, "EUR", "week").per("month").amount == Decimal("1304.46")  # 300 × 30.4375 / 7
    assert Money(100, "EUR", "month").per("year").amount == 1200
    assert Money(7, "EUR", "week").per("day").amount == 1
    assert Money(300, "EUR", "month").per("month") == Money(300, "EUR", "month")


def test_per_without_a_period_is_returned_as_it_is() -> None:
    once = Money(300, "EUR")
    assert once.per("month") is once


def test_currency_is_never_converted() -> None:
    dollars = Money(300, "usd", "year").per("month")
    assert dollars.currency == "USD" and dollars.amount == 25


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((1, "EURO", "month"), ValueError),
        ((1, "EUR", "fortnite"), ValueError),
        (("lots", "EUR", None), ValueError),
        ((True, "EUR", None), TypeError),
    ],
)
def test_invalid_money_is_refused(args: tuple[object, str, str | None], error: type) -> None:
    with pytest.raises(error):
        Money(*args)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(1, "EUR", "month").per("lustrum")


def test_amount_is_decimal_and_floats_keep_their_written_value() -> None:
    assert Money(1.1, "EUR").amount == Decimal("1.1")


def test_json_round_trip_and_old_plain_numbers() -> None:
    for money in (Money(1200, "EUR", "year"), Money("152.19", "EUR", "month"), Money(3, "GBP")):
        data = json.loads(json.dumps(money.to_json()))
        assert Money.is_json(data)
        back = Money.from_json(data)
        assert back == money and back.period == money.period and back.currency == money.currency
    # what the budget slot held before it kept currency and period: euros per month
    assert Money.from_json(300) == Money(300, "EUR", "month")
    assert Money.from_json(99.5).period == "month"
    with pytest.raises(ValueError):
        Money.from_json({"currency": "EUR"})
    with pytest.raises(ValueError):
        Money.from_json([1, 2])


def test_comparisons_with_numbers_and_money() -> None:
    budget = Money(300, "EUR", "month")
    assert budget > 0 and budget >= 300 and budget < 300.5 and budget <= 300 and budget == 300
    assert not Money(0, "EUR", "month") and budget
    assert Money(1200, "EUR", "year") == Money(1200, "EUR", "year")
    assert Money(1200, "EUR", "year") != Money(100, "EUR", "month")  # equal means same words
    assert Money(1200, "EUR", "year") <= Money(100, "EUR", "month")  # but they order by value
    assert Money(1300, "EUR", "year") > Money(100, "EUR", "month")
    assert budget != Money(300, "USD", "month")
    with pytest.raises(TypeError):
        _ = budget < Money(300, "USD", "month")
    assert hash(budget) == hash(300)


def test_conditions_in_dialogs_compare_money_with_numbers() -> None:
    renderer = Renderer()
    assert renderer.evaluate("budget > 0", {"budget": Money(300, "EUR", "month")})
    assert not renderer.evaluate("budget > 0", {"budget": Money(0, "EUR", "month")})
    assert renderer.evaluate("budget >= 100 and budget < 200", {"budget": Money(150, "EUR")})


def test_money_filter_shows_money_in_its_own_currency() -> None:
    assert format_money(Money(1200, "EUR", "year"), "it") == "€ 1.200"
    assert format_money(Money(1200, "EUR", "year"), "en") == "€1,200"
    assert format_money(Money("152.19", "EUR", "month"), "it") == "€ 152,19"
    assert "€" not in format_money(Money(300, "USD"), "en")
    assert "300" in format_money(Money(300, "USD"), "en")
    assert format_money(300, "it") == "€ 300"  # plain numbers as before
    rendered = Renderer().render(
        "{{ budget|money }} {{ budget|number }}", {"budget": Money(1500)}, "it"
    )
    assert rendered == "€ 1.500 1.500"


def test_projection_reads_the_budget_in_euros_per_month() -> None:
    assert budget_eur_month(Money(1200, "EUR", "year")) == 100.0
    assert budget_eur_month(Money(100, "EUR", "month")) == 100.0
    assert budget_eur_month(250) == 250.0  # a row saved by the old code
    assert budget_eur_month(None) == 0.0
    with pytest.raises(ValueError):
        budget_eur_month(Money(300, "USD", "month"))


# -- the money slot type -------------------------------------------------------------------------

SPEC = AskSpec(slot="budget", type="money", pos=Pos("t.yaml", 1, 1))


@pytest.mark.parametrize(
    ("text", "lang", "said", "counted"),
    [
        ("1200 euro all'anno", "it", Money(1200, "EUR", "year"), 100),
        ("5 euro al giorno", "it", Money(5, "EUR", "day"), 152),
        ("300 a week", "en", Money(300, "EUR", "week"), 1304),
    ],
)
def test_other_periods_are_converted_and_noted(
    text: str, lang: str, said: Money, counted: int
) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, text, lang)
    assert parsed.value == Money(counted, "EUR", "month")
    assert parsed.note is not None and parsed.note.key == "common.money.converted"
    assert parsed.note.values["money_said"] == said


@pytest.mark.parametrize("text", ["300 al mese", "300", "€ 300", "300 euro"])
def test_monthly_or_bare_amounts_have_no_note(text: str) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, text, "it")
    assert parsed == Parsed(Money(300, "EUR", "month"))


@pytest.mark.parametrize("text", ["$300", "300 dollari al mese", "£300 a month", "300 USD"])
def test_other_currencies_are_not_taken_as_euros(text: str) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, text, "it")
    assert parsed.value is None
    assert parsed.retry is not None and parsed.retry.key == "common.money.other_currency"
    assert parsed.retry.values["money_said"].currency in ("USD", "GBP")


@pytest.mark.parametrize("text", ["-100", "- 100 euro", "meno cento", "minus 300", "−50"])
def test_negative_amounts_are_refused(text: str) -> None:
    assert parse_answer(SPEC, text, "it") is None


# -- through the real engine ---------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def _at_budget_question(engine: Engine, lang: str, user: str) -> Chat:
    chat = Chat(engine, user, language_code=lang)
    await chat.say("/start")
    result = await chat.say(GROWTH_NO_BUDGET[lang])
    assert (result.dialog, result.state) == ("projection", "ask_budget")
    return chat


async def test_yearly_budget_reaches_the_projection_per_month_and_is_said_back(
    engine: Engine,
) -> None:
    chat = await _at_budget_question(engine, "it", "year-it")
    result = await chat.say("1200 euro all'anno")
    assert chat.texts[0] == "€ 1.200 l'anno, cioè € 100 al mese."
    assert result.state == "ask_posts"
    assert result.slots["budget"] == Money(100, "EUR", "month")
    await chat.say("3")
    assert "con € 100 al mese di sponsorizzate" in "\n".join(chat.texts)
    assert "€100/month" in str(engine.store.load("year-it").slots["projection_summary"])  # type: ignore[union-attr]


async def test_daily_budget_is_about_152_a_month(engine: Engine) -> None:
    chat = await _at_budget_question(engine, "it", "day-it")
    result = await chat.say("5 euro al giorno")
    assert chat.texts[0] == "€ 5 al giorno, cioè circa € 152 al mese."
    assert result.slots["budget"] == 152


async def test_weekly_budget_in_english(engine: Engine) -> None:
    chat = await _at_budget_question(engine, "en", "week-en")
    result = await chat.say("300 a week")
    assert chat.texts[0] == "€300 a week, so about €1,304 a month."
    assert result.slots["budget"] == 1304
    await chat.say("3")
    assert "with €1,304 a month on sponsored posts" in "\n".join(chat.texts)


@pytest.mark.parametrize("answer", ["300 al mese", "300"])
async def test_monthly_budget_says_no_conversion(engine: Engine, answer: str) -> None:
    chat = await _at_budget_question(engine, "it", f"month-{answer}")
    result = await chat.say(answer)
    assert result.state == "ask_posts" and result.slots["budget"] == 300
    assert not any("cioè" in text for text in chat.texts)
    assert chat.texts == ["Quanti post pubblichi (o vorresti pubblicare) a settimana?"]


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_dollars_are_not_taken_as_euros(engine: Engine, lang: str) -> None:
    chat = await _at_budget_question(engine, lang, f"usd-{lang}")
    result = await chat.say("$300")
    assert result.state == "ask_budget" and "budget" not in result.slots
    [text] = chat.texts
    assert "300" in text and ("euro" in text) and "€" not in text
    result = await chat.say("250")
    assert result.state == "ask_posts" and result.slots["budget"] == Money(250, "EUR", "month")


@pytest.mark.parametrize("answer", ["meno cento", "-100", "€ -300", "-€300"])
async def test_negative_budget_is_refused(engine: Engine, answer: str) -> None:
    chat = await _at_budget_question(engine, "it", f"neg-{answer}")
    result = await chat.say(answer)
    assert result.state == "ask_budget" and "budget" not in result.slots
    assert chat.texts[0].startswith("Un budget sotto zero non esiste")  # the retry says why


async def test_a_yearly_budget_in_a_growth_question_is_said_back_too(engine: Engine) -> None:
    chat = Chat(engine, "q-year", language_code="it")
    await chat.say("/start")
    result = await chat.say(
        "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 1200 euro all'anno?"
    )
    assert result.state == "ask_posts"
    assert result.slots["budget"] == Money(100, "EUR", "month")
    # the straight answer first, then what was understood, then the next question
    assert chat.texts[0].startswith("10.000 follower?")
    assert chat.texts[1] == "€ 1.200 l'anno, cioè € 100 al mese."
    assert chat.texts[2].startswith("Quanti post")


async def test_dollars_in_a_growth_question_leave_the_budget_to_ask(engine: Engine) -> None:
    chat = Chat(engine, "q-usd", language_code="en")
    await chat.say("/start")
    result = await chat.say("I have 800 followers on instagram, how long to 10k with $300 a month?")
    assert "budget" not in result.slots
    assert result.state == "ask_budget"


async def test_money_is_stored_and_read_back(engine: Engine, tmp_path: Path) -> None:
    chat = await _at_budget_question(engine, "en", "stored")
    await chat.say("1200 euros a year")
    conv = engine.store.load("stored")
    assert conv is not None
    budget = conv.slots["budget"]
    assert isinstance(budget, Money) and budget == Money(100, "EUR", "month")
    # a second engine on the same file (a restart) carries on from the stored Money
    again = build_engine(ROOT, tmp_path / "bot.db")
    chat2 = Chat(again, "stored", language_code="en")
    await chat2.say("3")
    assert "with €100 a month on sponsored posts" in "\n".join(chat2.texts)


async def test_old_rows_with_a_plain_budget_still_project(engine: Engine) -> None:
    chat = await _at_budget_question(engine, "it", "old-row")
    await chat.say("200")
    store = engine.store
    # what the old code saved: the bare amount, meaning euros per month
    store.db.execute(  # type: ignore[attr-defined]
        "update conversations set slots = ? where user_id = ?",
        [
            json.dumps(
                {
                    "platform": "instagram",
                    "current_followers": 800,
                    "target_followers": 10000,
                    "budget": 200,
                }
            ),
            "old-row",
        ],
    )
    conv = store.load("old-row")
    assert conv is not None and conv.slots["budget"] == 200
    await chat.say("3")
    assert "con € 200 al mese di sponsorizzate" in "\n".join(chat.texts)


# -- the registry is the one source of slot types -----------------------------------------------


class PostcodeType(SlotType):
    """An Italian postcode (CAP): five digits."""

    name = "postcode"

    def parse(self, answer: Answer) -> Parsed:
        digits = answer.text.replace(" ", "")
        return Parsed(digits if len(digits) == 5 and digits.isdigit() else None)


def _add_postcode_question(root: Path) -> None:
    main = root / "dialogs" / "main.yaml"
    text = main.read_text()
    text = text.replace(
        "      - text: menu.info\n        go: info\n",
        "      - text: menu.info\n        go: info\n      - text: menu.cap\n        go: ask_cap\n",
    )
    text += (
        "  ask_cap:\n"
        "    say: ask.cap\n"
        "    ask:\n"
        "      slot: cap\n"
        "      type: postcode\n"
        "    next: menu\n"
    )
    main.write_text(text)
    for lang, words in (("en", ("Postcode", "Your postcode?")), ("it", ("CAP", "Il tuo CAP?"))):
        texts = root / "locales" / lang / "cap.yaml"
        texts.write_text(f"menu:\n  cap: {words[0]}\nask:\n  cap: {words[1]}\n")


def _add_postcode_retry(root: Path) -> None:
    for lang, words in (("en", "Five digits, please."), ("it", "Cinque cifre, per favore.")):
        path = root / "locales" / lang / "cap.yaml"
        path.write_text(path.read_text() + f"common:\n  retry:\n    postcode: {words}\n")


POSTAL = Plugin("postal", slot_types=(PostcodeType(),))
"""A plug-in that adds one answer type, as a domain package would."""


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


async def test_a_plugins_slot_type_is_validated_and_asked(mini_copy: Path, tmp_path: Path) -> None:
    _add_postcode_question(mini_copy)
    main = mini_copy / "dialogs" / "main.yaml"
    # without the plug-in: the type is unknown, named where it is written, with the types known
    report = app.load_content(mini_copy).problems.report()
    known = ", ".join(app.build_slot_types().names())
    line = _line_of(main, "type: postcode")
    assert f"dialogs/main.yaml:{line}:13: unknown answer type `postcode` — use one of: {known}" in (
        report
    )

    plugins = (*app.PLUGINS, POSTAL)
    assert app.build_slot_types(plugins).names() == (*default_slot_types().names(), "postcode")
    with pytest.raises(ValueError, match="`postcode` is registered twice"):
        app.build_slot_types((*plugins, POSTAL))
    # with it: known, and its question has no `retry:`, so the type's retry text is needed,
    # once per language, at the question
    report = app.load_content(mini_copy, plugins=plugins).problems.report()
    ask = _line_of(main, "slot: cap") - 1  # the `ask:` line
    assert (
        f"dialogs/main.yaml:{ask}:5: the text `common.retry.postcode` is missing in locales/en"
        " — add `common.retry.postcode` to a file in locales/en/, or give the question its own"
        " `retry:`"
    ) in report
    assert report.count("common.retry.postcode` is missing") == 2, report

    _add_postcode_retry(mini_copy)
    assert app.load_content(mini_copy).content is None  # still unknown without the plug-in
    loaded = app.load_content(mini_copy, plugins=plugins)
    assert loaded.content is not None, loaded.problems.report()
    # an engine without the plug-in refuses the content rather than read postcodes as text
    with pytest.raises(ValueError, match=r"`main\.ask_cap` asks a `postcode` answer"):
        app.build_engine(loaded.content, app.open_store(tmp_path / "no.db"))
    engine = app.build_engine(loaded.content, app.open_store(tmp_path / "cap.db"), plugins=plugins)
    chat = Chat(engine, language_code="en")
    await chat.say("/start")
    await chat.press("Postcode")
    assert chat.texts == ["Your postcode?"]
    await chat.say("9012")
    assert chat.texts == ["Five digits, please."]
    result = await chat.say("90 133")
    assert result.slots["cap"] == "90133" and result.state == "menu"


def test_the_app_builds_one_registry_for_content_engine_and_reload(
    mini_copy: Path, tmp_path: Path
) -> None:
    _add_postcode_question(mini_copy)
    _add_postcode_retry(mini_copy)
    settings = Settings(content_dir=mini_copy, db_path=tmp_path / "bot.db")
    plugins = (*app.PLUGINS, POSTAL)
    with pytest.raises(app.ContentError):
        app.build_runtime(settings)
    runtime = app.build_runtime(settings, plugins=plugins)
    try:
        assert runtime.engine.slot_types.get("postcode") is not None
        prepared = runtime.prepare()  # a reload checks with the engine's own registry
        assert prepared.content is not None and prepared.errors == 0, prepared.report
    finally:
        runtime.close()
    runner = app.transcript_runner(mini_copy, tmp_path / "runs", plugins=plugins)
    assert runner is not None


def test_a_types_texts_are_needed_only_when_a_question_asks_it(mini_copy: Path) -> None:
    # number is asked with its own `retry:`, phone never: neither retry text is needed
    for lang, number, phone in (
        ("en", "A number please.", "A phone please."),
        ("it", "Un numero, per favore.", "Un telefono, per favore."),
    ):
        texts = mini_copy / "locales" / lang / "texts.yaml"
        text = texts.read_text()
        for line in (f"    number: {number}\n", f"    phone: {phone}\n"):
            assert line in text
            text = text.replace(line, "")
        texts.write_text(text)
    loaded = app.load_content(mini_copy, plugins=(*app.PLUGINS, POSTAL))  # postcode: unasked
    assert loaded.content is not None, loaded.problems.report()
    # a money question says the conversion line, so it is needed once money is asked
    en = mini_copy / "locales" / "en" / "texts.yaml"
    en.write_text(
        "\n".join(line for line in en.read_text().splitlines() if "converted:" not in line)
    )
    ask = _line_of(mini_copy / "dialogs" / "main.yaml", "slot: budget") - 1
    assert (
        f"dialogs/main.yaml:{ask}:5: the text `common.money.converted` is missing in locales/en"
        " — add `common.money.converted` to a file in locales/en/: the bot says it about money"
        " answers"
    ) in app.load_content(mini_copy).problems.report()


def test_registry_answers_what_the_content_layer_asks() -> None:
    registry = default_slot_types()
    assert registry.names()[:2] == ("number", "money") and "postcode" not in registry.names()
    assert registry.takes_options("choice") and not registry.takes_options("yesno")
    assert not registry.accepts_buttons("choice") and not registry.accepts_buttons("yesno")
    assert registry.accepts_buttons("money")
    assert registry.retry_key("email") == "common.retry.email"
    assert "`number`" in registry.suggestion("numbr")
    assert registry.texts("money") == (
        "common.money.converted",
        "common.money.other_currency",
        "common.money.range",
        "common.money.negative",
        "common.money.to_agency",
    )
    assert registry.takes_period("money") and registry.takes_period("number")
    assert not registry.takes_period("choice") and not registry.takes_period("postcode")
    assert registry.texts("text") == () and registry.texts("postcode") == ()
    assert registry.texts("email") == ("common.which.email",)  # two addresses: which one?
    assert {"money_said", "money_counted"} <= registry.values()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("1200 euro all anno", "year"),  # the apostrophe a phone keyboard skipped
        ("1200 euro l anno", "year"),
        ("5€ al dì", "day"),
        ("5 euro al di", "day"),
        ("20 euro alla giornata", "day"),
        ("300 al mese", "month"),
    ],
)
def test_periods_as_phones_type_them(text: str, period: str) -> None:
    money = parse_money(text, "it")
    assert money is not None
    assert money.period == period


@pytest.mark.parametrize(
    ("text", "lang", "period", "monthly"),
    [
        ("50 x sett", "it", "week", "217"),
        ("50 ogni sett", "it", "week", "217"),
        ("50 per wk", "en", "week", "217"),
        ("100 ogni 15 giorni", "it", "fortnight", "217"),
        ("100 every two weeks", "en", "fortnight", "217"),
        ("200 a trimestre", "it", "quarter", "67"),
        ("600 quarterly", "en", "quarter", "200"),
        ("600 a semestre", "it", "half_year", "100"),
    ],
)
def test_shorthand_and_longer_periods_are_converted_and_said(
    text: str, lang: str, period: str, monthly: str
) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, text, lang)
    assert isinstance(parsed.value, Money)
    assert parsed.value.period == "month"
    assert parsed.value.amount == Decimal(monthly)
    assert parsed.note is not None
    assert parsed.note.values["money_said"].period == period


def test_zero_in_another_currency_is_zero() -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, "£0", "en")
    assert parsed.value == Money(0, "EUR", "month")
    assert parsed.retry is None


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("200 a trimestre", "it", "€ 200 a trimestre, cioè circa € 67 al mese."),
        ("100 every two weeks", "en", "€100 a fortnight, so about €217 a month."),
    ],
)
def test_the_longer_periods_read_naturally(text: str, lang: str, said: str) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(SPEC, text, lang)
    assert parsed.note is not None
    loaded = app.load_content(Path(__file__).resolve().parent.parent)
    assert loaded.content is not None
    entry = loaded.content.texts[lang][parsed.note.key]
    assert Renderer().render(entry.source, dict(parsed.note.values), lang) == said


async def test_a_yearly_budget_stays_money_in_the_lead_and_the_staff_note(engine: Engine) -> None:
    """Stored with the lead and the agency's note as money (not its text), read back as one,
    and shown to staff in the prospect's language."""
    from bot.staff.outbox import note_html

    chat = await _at_budget_question(engine, "it", "lead-it")
    await chat.say("1200 euro all'anno")
    await chat.say("3")
    await chat.press_id("menu.contact")  # leave your contacts
    await chat.press_id("lead.start_button")  # let's start
    await chat.say("Giulia")
    await chat.say("Pasticceria")
    await chat.press_id("instagram")
    await chat.press_id("telegram")  # here on Telegram
    await chat.press_id("yes")  # consent
    (lead,) = engine.store.leads()
    assert lead.data["budget"] == Money(100, "EUR", "month")
    assert isinstance(lead.data["budget"], Money)
    ((_, item),) = engine.store.pending_outbox()
    assert item.lead is not None and item.lead.data["budget"] == Money(100, "EUR", "month")
    assert item.lead.lang == "it"
    note = note_html(item, fields=app.lead_fields())
    assert "ads € 100/month" in note
    assert "EUR" not in note and "EUR" not in note_html(item)  # labelled or not


@pytest.mark.parametrize(
    ("lang", "answer"),
    [("it", "2 volte a settimana"), ("it", "una volta al mese"), ("en", "twice a week")],
)
async def test_how_often_is_not_an_amount_of_money(engine: Engine, lang: str, answer: str) -> None:
    chat = await _at_budget_question(engine, lang, f"often-{answer}")
    result = await chat.say(answer)
    assert result.state == "ask_budget" and "budget" not in result.slots
