"""Everyday answers to number, money and choice questions, in the question's own terms.

"3 a settimana", "twice a week", "ogni giorno" and "2-3" answer "how many posts a week?";
"3 centoni al mese", "a grand a year" and "200-300" answer "how much a month?"; "ig", "fb" and
"tik tok" answer "which platform?", "youtube" is told it is not offered, and "instagram e
facebook" is asked which first. Each in both languages.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.app import load_content
from bot.base.money import Money, per_period
from bot.base.problems import Pos
from bot.content.model import AskSpec, Option, TextRef
from bot.core.engine import Engine
from bot.core.slot_types import DEFAULT_SLOT_TYPES, Note
from bot.understanding.entities import extract_entities
from bot.understanding.numbers import read_count, read_money
from tests.conftest import ROOT, Chat, build_engine

POS = Pos("t.yaml", 1, 1)

# --- the readers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("3 a settimana", 3, "week"),
        ("4 a settimana", 4, "week"),
        ("3 volte a settimana", 3, "week"),
        ("3 post alla settimana", 3, "week"),
        ("2 a week", 2, "week"),
        ("2 per week", 2, "week"),
        ("3 times a week", 3, "week"),
        ("twice a week", 2, "week"),
        ("ogni giorno", 1, "day"),
        ("tutti i giorni", 1, "day"),
        ("uno al giorno", 1, "day"),
        ("un post al giorno", 1, "day"),
        ("every day", 1, "day"),
        ("daily", 1, "day"),
        ("one a day", 1, "day"),
        ("una volta al mese", 1, "month"),
        ("once a month", 1, "month"),
        ("3 al mese", 3, "month"),
        ("3 a month", 3, "month"),
        ("ogni 2 settimane", 1, "fortnight"),
        ("un paio a settimana", 2, "week"),
        ("a couple a week", 2, "week"),
        ("3", 3, None),
        ("tre", 3, None),
        ("zero", 0, None),
        ("circa 800", 800, None),
    ],
)
def test_counts_keep_the_period_they_are_said_in(text: str, value: float, period: str) -> None:
    amount = read_count(text)
    assert amount is not None and not amount.negative
    assert (amount.value, amount.period) == (value, period)


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("2-3", 2, 3, None),
        ("2 - 3", 2, 3, None),
        ("tra 2 e 3", 2, 3, None),
        ("fra 3 e 2", 2, 3, None),
        ("da 2 a 3", 2, 3, None),
        ("2 o 3", 2, 3, None),
        ("2 or 3", 2, 3, None),
        ("between 2 and 3", 2, 3, None),
        ("2 to 3 a week", 2, 3, "week"),
        ("2/3 a settimana", 2, 3, "week"),
        ("una o due volte a settimana", 1, 2, "week"),
        ("tra 800 e 1000 follower", 800, 1000, None),
        ("10-20k", 10000, 20000, None),
    ],
)
def test_a_range_is_its_middle(text: str, low: float, high: float, period: str | None) -> None:
    amount = read_count(text)
    assert amount is not None and amount.is_range
    assert (amount.low, amount.high, amount.period) == (low, high, period)
    assert amount.value == (low + high) / 2


@pytest.mark.parametrize("text", ["-2", "- 3", "meno due", "minus 3", "negative 4", "−5"])
def test_a_negative_count_is_negative_never_positive(text: str) -> None:
    amount = read_count(text)
    assert amount is not None and amount.negative and amount.value < 0


@pytest.mark.parametrize("text", ["2 anni", "boh", "2 a settimana, 5 al mese", "meno di 100"])
def test_what_is_not_one_count(text: str) -> None:
    amount = read_count(text)
    assert amount is None or (not amount.negative and amount.period is None)


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("3 centoni al mese", 300, "month"),
        ("un centone a settimana", 100, "week"),
        ("2 centoni", 200, None),
        ("a fiver a day", 5, "day"),
        ("a tenner a week", 10, "week"),
        ("a grand a year", 1000, "year"),
        ("2 grand a month", 2000, "month"),
        ("a couple hundred", 200, None),
        ("un paio di centinaia", 200, None),
        ("1'200 all'anno", 1200, "year"),
        ("1’200 l'anno", 1200, "year"),
        ("300 pm", 300, "month"),
        ("300 al mese", 300, "month"),
        ("30k pa", 30000, "year"),
        ("zilch", 0, None),
        ("niente", 0, None),
        ("nada", 0, None),
    ],
)
def test_money_as_prospects_type_it(text: str, value: float, period: str | None) -> None:
    amount = read_money(text)
    assert amount is not None and not amount.negative
    assert (amount.value, amount.period, amount.currency) == (value, period, "EUR")


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("200-300 al mese", 250, "month"),
        ("tra 200 e 300", 250, None),
        ("between 200 and 300", 250, None),
        ("€200-300 a month", 250, "month"),
        ("200€ - 300€", 250, None),
        ("da 200 a 300 euro al mese", 250, "month"),
    ],
)
def test_money_ranges(text: str, value: float, period: str | None) -> None:
    amount = read_money(text)
    assert amount is not None and amount.is_range
    assert (amount.value, amount.period) == (value, period)


@pytest.mark.parametrize("text", ["meno cento", "-100", "€ -300", "-€300", "minus 300"])
def test_negative_money_is_never_made_positive(text: str) -> None:
    amount = read_money(text)
    assert amount is not None and amount.negative and amount.value < 0


@pytest.mark.parametrize(
    ("text", "numbers", "money"),
    [
        ("arrivo a 10mila con 200-300 euro al mese?", [10000], 250),
        ("da 800 a 10000 follower con tra 200 e 300 euro al mese", [800, 10000], 250),
        ("from 800 to 10000 with €200-300 a month", [800, 10000], 250),
        ("da 800 a 10000 follower", [800, 10000], None),
    ],
)
def test_a_typed_question_keeps_a_money_range_whole(
    text: str, numbers: list[float], money: float | None
) -> None:
    found = extract_entities(text)
    assert found.numbers == numbers
    assert [m.amount for m in found.money] == ([money] if money is not None else [])


def test_a_clock_time_is_not_a_monthly_amount() -> None:
    assert read_money("3 pm") is None


def test_one_source_of_period_lengths() -> None:
    assert per_period(Decimal(1), "day", "week") == 7
    assert per_period(Decimal(12), "year", "month") == 1
    assert per_period(Decimal(3), "week", "week") == 3
    assert Money(1200, "EUR", "year").per("month") == Money(100, "EUR", "month")
    with pytest.raises(ValueError):
        per_period(Decimal(1), "day", "decade")


# --- the slot types --------------------------------------------------------------------------


def _ask(kind: str, per: str | None = None, **kw: object) -> AskSpec:
    return AskSpec(slot="x", type=kind, pos=POS, per=per, **kw)  # type: ignore[arg-type]


PLATFORMS = tuple(
    Option(value, TextRef(f"platforms.{value}", POS), POS, aliases=aliases)
    for value, aliases in (
        ("instagram", ("ig", "insta")),
        ("facebook", ("fb", "face")),
        ("tiktok", ("tik tok",)),
        ("linkedin", ("linked in",)),
    )
)
LABELS = ("Instagram", "Facebook", "TikTok", "LinkedIn")


@pytest.mark.parametrize(
    ("text", "lang", "value", "note"),
    [
        ("3 a settimana", "it", 3, None),
        ("2 per week", "en", 2, None),
        ("ogni giorno", "it", 7, "common.number.converted"),
        ("every day", "en", 7, "common.number.converted"),
        ("3 al mese", "it", 0.7, "common.number.converted"),
        ("once a month", "en", 0.2, "common.number.converted"),
        ("2-3", "it", 2.5, "common.number.range"),
        ("2 or 3", "en", 2.5, "common.number.range"),
        ("2-3 al giorno", "it", 18, "common.number.range"),
    ],
)
def test_a_number_question_per_week(text: str, lang: str, value: float, note: str | None) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("number", "week"), text, lang)
    assert parsed.value == value
    assert (parsed.note.key if parsed.note else None) == note


def test_the_conversion_line_gets_what_it_needs() -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("number", "week"), "3 al mese", "it")
    assert parsed.note is not None
    assert parsed.note.values["number_said"] == 3
    assert parsed.note.values["number_said_per"] == "month"
    assert parsed.note.values["number_per"] == "week"
    assert parsed.note.values["number_about"] is True


def test_a_plain_count_question_refuses_a_rate() -> None:
    assert DEFAULT_SLOT_TYPES.parse(_ask("number"), "3 al mese", "it").value is None
    ranged = DEFAULT_SLOT_TYPES.parse(_ask("number"), "tra 800 e 1000", "it")
    assert ranged.value == 900 and ranged.note == Note(
        "common.number.range",
        {
            "number_said": 900,
            "number_said_per": None,
            "number_counted": 900,
            "number_per": None,
            "number_about": False,
            "number_low": 800,
            "number_high": 1000,
            "number_text": "",
        },
    )


@pytest.mark.parametrize("kind", ["number", "money"])
@pytest.mark.parametrize("text", ["meno cento", "-100", "minus 100"])
def test_negative_is_refused_and_says_why(kind: str, text: str) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask(kind), text, "it")
    assert parsed.value is None
    assert parsed.retry is not None and parsed.retry.key == f"common.{kind}.negative"


def test_a_range_respects_the_bounds() -> None:
    assert (
        DEFAULT_SLOT_TYPES.parse(_ask("number", "week", maximum=100), "20 al giorno", "it").value
        is None
    )


def test_money_per_month_by_default_and_per_what_the_question_says() -> None:
    monthly = DEFAULT_SLOT_TYPES.parse(_ask("money"), "a grand a year", "en")
    assert monthly.value == Money(83, "EUR", "month")
    assert monthly.note is not None and monthly.note.key == "common.money.converted"
    weekly = DEFAULT_SLOT_TYPES.parse(_ask("money", "week"), "100 al mese", "it")
    assert weekly.value == Money(23, "EUR", "week")
    assert DEFAULT_SLOT_TYPES.parse(_ask("money", "year"), "zilch", "en").value == Money(
        0, "EUR", "year"
    )


def test_a_money_range_says_the_middle() -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("money"), "200-300 al mese", "it")
    assert parsed.value == Money(250, "EUR", "month")
    assert parsed.note is not None and parsed.note.key == "common.money.range"
    assert parsed.note.values["money_low"] == Money(200, "EUR", "month")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ig", "instagram"),
        ("insta", "instagram"),
        ("IG", "instagram"),
        ("su insta", "instagram"),
        ("fb", "facebook"),
        ("face", "facebook"),
        ("tiktok", "tiktok"),
        ("tik tok", "tiktok"),
        ("linkedin", "linkedin"),
        ("linked in", "linkedin"),
        ("mostly on linked in", "linkedin"),
    ],
)
def test_platforms_by_short_names(text: str, value: str) -> None:
    spec = _ask("choice", options=PLATFORMS)
    assert DEFAULT_SLOT_TYPES.parse(spec, text, "it", LABELS).value == value


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("instagram e facebook", ["Instagram", "Facebook"]),
        ("instagram and tiktok", ["Instagram", "TikTok"]),
        ("fb e ig", ["Facebook", "Instagram"]),
    ],
)
def test_two_options_in_one_answer_ask_which_first(text: str, named: list[str]) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("choice", options=PLATFORMS), text, "it", LABELS)
    assert parsed.value is None
    assert parsed.retry == Note("common.choice.which_first", {"choice_named": named})


@pytest.mark.parametrize(
    ("text", "name"),
    [("youtube", "YouTube"), ("su YouTube", "YouTube"), ("twitter", "X (Twitter)")],
)
def test_a_platform_not_offered_is_said_so(text: str, name: str) -> None:
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("choice", options=PLATFORMS), text, "en", LABELS)
    assert parsed.value is None
    assert parsed.retry == Note("common.choice.not_offered", {"choice_said": name})


def test_not_offered_only_where_the_options_are_platforms() -> None:
    options = tuple(Option(v, TextRef(f"c.{v}", POS), POS) for v in ("email", "phone", "telegram"))
    parsed = DEFAULT_SLOT_TYPES.parse(_ask("choice", options=options), "youtube", "it")
    assert parsed.value is None and parsed.retry is None


# --- staff's YAML ------------------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_per_is_read_and_a_wrong_one_is_located(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(dialog, "      type: money\n", "      type: money\n      per: wek\n")
    problems = load_content(mini_copy).problems
    [problem] = problems.errors
    line = dialog.read_text(encoding="utf-8").splitlines().index("      per: wek") + 1
    assert (problem.pos.file, problem.pos.line) == ("dialogs/main.yaml", line)
    assert "`per: wek`" in problem.message and "not a period" in problem.message
    hint = problem.suggestion or ""
    assert "`week`" in hint and "day, week, fortnight" in hint


def test_per_only_for_numbers_and_money(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(dialog, "      type: choice\n", "      type: choice\n      per: week\n")
    [problem] = load_content(mini_copy).problems.errors
    assert "only makes sense for a number or an amount of money" in problem.message


def test_a_good_per_reaches_the_question(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(dialog, "      type: number\n", "      type: number\n      per: week\n")
    loaded = load_content(mini_copy)
    assert loaded.content is not None, loaded.problems.report()
    ask = loaded.content.dialogs["main"].states["ask_followers"].ask
    assert ask is not None and ask.per == "week"


def test_aliases_are_read_and_one_alias_for_two_options_is_located(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(
        dialog,
        "          text: platform.instagram\n",
        "          text: platform.instagram\n          aliases: [ig, insta]\n",
    )
    _edit(
        dialog,
        "          text: platform.facebook\n",
        "          text: platform.facebook\n          aliases: [fb, Insta]\n",
    )
    [problem] = load_content(mini_copy).problems.errors
    lines = dialog.read_text(encoding="utf-8").splitlines()
    line = [i for i, text in enumerate(lines, 1) if "[fb, Insta]" in text]
    assert problem.pos.line == line[0]
    assert "`Insta` would answer two options" in problem.message
    assert "`instagram`" in (problem.suggestion or "")


def test_an_alias_must_be_a_word(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(
        dialog,
        "          text: platform.instagram\n",
        "          text: platform.instagram\n          aliases: [ig, {a: b}]\n",
    )
    [problem] = load_content(mini_copy).problems.errors
    assert "must be a word" in problem.message


def test_aliases_reach_the_options(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    _edit(
        dialog,
        "          text: platform.instagram\n",
        "          text: platform.instagram\n          aliases: ig\n",
    )
    loaded = load_content(mini_copy)
    assert loaded.content is not None, loaded.problems.report()
    ask = loaded.content.dialogs["main"].states["ask_platform"].ask
    assert ask is not None and ask.options[0].aliases == ("ig",)


# --- conversations -----------------------------------------------------------------------------

QUESTION = {
    "it": "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?",
    "en": "I have 800 followers on instagram, how long to reach 10k with 200 euros a month?",
}
NO_BUDGET = {
    "it": "ho 800 follower su instagram, in quanto tempo arrivo a 10mila?",
    "en": "I have 800 followers on instagram, how long until I reach 10k?",
}
NO_PLATFORM = {"it": "quanti follower posso fare?", "en": "how many followers can I get?"}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def _at(engine: Engine, lang: str, user: str, question: str, state: str) -> Chat:
    chat = Chat(engine, user, language_code=lang)
    await chat.say("/start")
    result = await chat.say(question)
    assert (result.dialog, result.state) == ("projection", state), chat.texts
    return chat


@pytest.mark.parametrize(
    ("lang", "answer", "posts", "line"),
    [
        ("it", "3 a settimana", 3, None),
        ("it", "4 a settimana", 4, None),
        ("it", "ogni giorno", 7, "Ogni giorno, cioè 7 a settimana."),
        ("it", "tutti i giorni", 7, "Tutti i giorni, cioè 7 a settimana."),
        ("it", "uno al giorno", 7, "Uno al giorno, cioè 7 a settimana."),
        ("it", "una volta al mese", 0.2, "Una volta al mese, cioè circa 0,2 a settimana."),
        ("it", "3 al mese", 0.7, "3 al mese, cioè circa 0,7 a settimana."),
        ("it", "2-3", 2.5, "Diciamo tra 2 e 3 a settimana: nei conti usiamo 2,5."),
        ("it", "tra 2 e 3", 2.5, "Diciamo tra 2 e 3 a settimana: nei conti usiamo 2,5."),
        ("it", "2 o 3", 2.5, "Diciamo tra 2 e 3 a settimana: nei conti usiamo 2,5."),
        ("en", "2 a week", 2, None),
        ("en", "2 per week", 2, None),
        ("en", "twice a week", 2, None),
        ("en", "every day", 7, "Every day — so 7 a week."),
        ("en", "one a day", 7, "One a day — so 7 a week."),
        ("en", "3 a month", 0.7, "3 a month — so about 0.7 a week."),
        ("en", "2-3", 2.5, "Let's say 2 to 3 a week — I'll use 2.5 in the sums."),
        ("en", "between 2 and 3", 2.5, "Let's say 2 to 3 a week — I'll use 2.5 in the sums."),
    ],
)
async def test_posts_per_week_in_everyday_words(
    engine: Engine, lang: str, answer: str, posts: float, line: str | None
) -> None:
    chat = await _at(engine, lang, f"posts-{answer}", QUESTION[lang], "ask_posts")
    result = await chat.say(answer)
    assert result.state == "offer" and result.slots["posts_per_week"] == posts
    if line is None:
        assert not any("Diciamo" in t or "Let's say" in t for t in chat.texts)
    else:
        assert chat.texts[0] == line
    shown = {"it": f"{posts:g} post a settimana".replace(".", ","), "en": f"{posts:g} posts a week"}
    assert any(shown[lang] in t for t in chat.texts)  # the projection shows the same number


@pytest.mark.parametrize(("lang", "answer"), [("it", "2 per week"), ("en", "2 per week")])
async def test_an_answer_that_fits_wins_over_a_typed_question(
    engine: Engine, lang: str, answer: str
) -> None:
    """ "2 per week" looks like the 2 a.m. rule to the intents; at the posts question it is 2."""
    chat = await _at(engine, lang, f"win-{lang}", QUESTION[lang], "ask_posts")
    result = await chat.say(answer)
    assert result.slots["posts_per_week"] == 2 and result.state == "offer"


@pytest.mark.parametrize(
    ("lang", "answer", "why"),
    [
        ("it", "meno due", "Sotto lo zero non si va"),
        ("it", "-3", "Sotto lo zero non si va"),
        ("en", "minus 2", "That can't go below zero"),
        ("en", "-3", "That can't go below zero"),
    ],
)
async def test_negative_posts_are_refused_with_the_reason(
    engine: Engine, lang: str, answer: str, why: str
) -> None:
    chat = await _at(engine, lang, f"neg-{answer}", QUESTION[lang], "ask_posts")
    result = await chat.say(answer)
    assert result.state == "ask_posts" and "posts_per_week" not in result.slots
    assert chat.texts[0].startswith(why)


@pytest.mark.parametrize(
    ("lang", "answer", "budget", "line"),
    [
        ("it", "3 centoni al mese", 300, None),
        ("it", "un centone a settimana", 435, "€ 100 a settimana, cioè circa € 435 al mese."),
        ("it", "1'200 all'anno", 100, "€ 1.200 l'anno, cioè € 100 al mese."),
        (
            "it",
            "200-300 al mese",
            250,
            "Diciamo tra € 200 e € 300 al mese: nei conti usiamo € 250.",
        ),
        ("it", "tra 200 e 300", 250, "Diciamo tra € 200 e € 300 al mese: nei conti usiamo € 250."),
        ("en", "a fiver a day", 152, "€5 a day, so about €152 a month."),
        ("en", "a grand a year", 83, "€1,000 a year, so about €83 a month."),
        ("en", "a couple hundred", 200, None),
        ("en", "300 pm", 300, None),
        ("en", "zilch", 0, None),
        (
            "en",
            "between 200 and 300",
            250,
            "Let's say €200 to €300 a month — I'll use €250 in the sums.",
        ),
        (
            "en",
            "200-300 a week",
            1087,
            "Let's say €200 to €300 a week — I'll use about €1,087 a month in the sums.",
        ),
    ],
)
async def test_budgets_in_everyday_words(
    engine: Engine, lang: str, answer: str, budget: int, line: str | None
) -> None:
    chat = await _at(engine, lang, f"money-{answer}", NO_BUDGET[lang], "ask_budget")
    result = await chat.say(answer)
    assert result.state == "ask_posts", chat.texts
    assert result.slots["budget"] == Money(budget, "EUR", "month")
    if line is not None:
        assert chat.texts[0] == line


@pytest.mark.parametrize(
    ("lang", "answer", "why"),
    [("it", "meno cento", "Un budget sotto zero"), ("en", "minus 100", "A budget can't go below")],
)
async def test_a_negative_budget_says_why(engine: Engine, lang: str, answer: str, why: str) -> None:
    chat = await _at(engine, lang, f"negm-{lang}", NO_BUDGET[lang], "ask_budget")
    result = await chat.say(answer)
    assert result.state == "ask_budget" and "budget" not in result.slots
    assert chat.texts[0].startswith(why)


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize(
    ("answer", "platform"),
    [
        ("ig", "instagram"),
        ("insta", "instagram"),
        ("fb", "facebook"),
        ("face", "facebook"),
        ("tiktok", "tiktok"),
        ("tik tok", "tiktok"),
        ("linkedin", "linkedin"),
        ("linked in", "linkedin"),
    ],
)
async def test_platform_by_short_name(
    engine: Engine, lang: str, answer: str, platform: str
) -> None:
    chat = await _at(engine, lang, f"pl-{answer}", NO_PLATFORM[lang], "ask_platform")
    result = await chat.say(answer)
    assert result.slots["platform"] == platform and result.state == "ask_current"


@pytest.mark.parametrize(
    ("lang", "line", "buttons"),
    [
        (
            "it",
            "YouTube purtroppo non lo seguiamo.",
            ["Instagram", "Facebook", "TikTok", "LinkedIn"],
        ),
        ("en", "We don't cover YouTube, sorry.", ["Instagram", "Facebook", "TikTok", "LinkedIn"]),
    ],
)
async def test_a_platform_we_do_not_cover(
    engine: Engine, lang: str, line: str, buttons: list[str]
) -> None:
    chat = await _at(engine, lang, f"yt-{lang}", NO_PLATFORM[lang], "ask_platform")
    result = await chat.say("youtube")
    assert result.state == "ask_platform" and "platform" not in result.slots
    assert chat.texts[0].startswith(line) and chat.buttons == buttons
    result = await chat.say("insta")
    assert result.slots["platform"] == "instagram"


@pytest.mark.parametrize(
    ("lang", "answer", "line"),
    [
        ("it", "instagram e facebook", "Hai scritto Instagram e Facebook:"),
        ("en", "instagram and tiktok", "You mentioned Instagram and TikTok:"),
    ],
)
async def test_two_platforms_ask_which_first(
    engine: Engine, lang: str, answer: str, line: str
) -> None:
    chat = await _at(engine, lang, f"two-{lang}", NO_PLATFORM[lang], "ask_platform")
    buttons = chat.buttons
    result = await chat.say(answer)
    assert result.state == "ask_platform" and chat.texts[0].startswith(line)
    assert chat.buttons == buttons and len(buttons) >= 4  # every platform offered again
    result = await chat.say("facebook")
    assert result.slots["platform"] == "facebook"


async def _at_lead_platform(engine: Engine, lang: str, user: str) -> Chat:
    chat = Chat(engine, user, language_code=lang)
    await chat.say("/start")
    await chat.press({"it": "✍️ Lascia i tuoi contatti", "en": "✍️ Leave your details"}[lang])
    await chat.press_id("lead.start_button")
    await chat.say("Giulia Bianchi")
    result = await chat.say("Pasticceria Bianchi")
    assert result.state == "lead_platform", chat.texts
    return chat


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_the_lead_form_knows_short_names_and_what_we_do_not_cover(
    engine: Engine, lang: str
) -> None:
    chat = await _at_lead_platform(engine, lang, f"lead-{lang}")
    result = await chat.say("youtube")
    assert result.state == "lead_platform"
    assert "YouTube" in chat.texts[0] and len(chat.buttons) == 5
    result = await chat.say("fb")
    assert result.state != "lead_platform"
    assert "facebook" in result.slots.values()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mi chiamate domani alle 17?", "it"),
        ("sentiamoci alle 9 di sera", "it"),
        ("call me at 5pm", "en"),
        ("tomorrow at 10:30 works", "en"),
    ],
)
def test_a_time_of_day_is_no_count(text: str, lang: str) -> None:
    assert read_count(text, lang) is None
