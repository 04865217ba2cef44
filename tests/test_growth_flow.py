"""The reality check end to end: a typed growth question to a projection, a chart and a lead."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.core.engine import Engine
from tests.conftest import ROOT, Chat, build_engine

QUESTIONS = {
    "it": "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro al mese?",
    "en": "I have 800 followers on insta, how long to reach 10k with 200 euros a month?",
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_typed_growth_question_leads_to_a_projection(engine: Engine, lang: str) -> None:
    chat = Chat(engine, f"g-{lang}", language_code=lang)
    await chat.say("/start")
    result = await chat.say(QUESTIONS[lang])
    assert result.dialog == "projection" and result.state == "ask_posts"  # the only gap
    assert result.slots["current_followers"] == 800
    assert result.slots["target_followers"] == 10000
    assert result.slots["budget"] == 200
    assert result.slots["platform"] == "instagram"
    result = await chat.say("3")
    assert result.state == "offer"
    text = "\n".join(chat.texts)
    assert ("10.000" if lang == "it" else "10,000") in text
    assert ("€ 200" if lang == "it" else "€200") in text
    photos = [r.media for r in result.replies if r.media is not None]
    assert len(photos) == 1 and photos[0].owned and photos[0].kind == "photo"
    assert Path(photos[0].path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "months" in result.slots["projection_summary"]


async def test_out_of_reach_target_is_called_so(engine: Engine) -> None:
    chat = Chat(engine, "far", language_code="en")
    await chat.say("/start")
    await chat.say("how long to get a million followers on instagram? I have 800")
    await chat.say("0")
    await chat.say("3")
    text = "\n".join(chat.texts)
    assert "years" in text
    assert "petrol" in text  # no ads at all: the car without petrol


async def test_lead_after_projection_carries_it_to_the_agency(
    engine: Engine, tmp_path: Path
) -> None:
    chat = Chat(engine, "lead", language_code="it")
    await chat.say("/start")
    await chat.say(QUESTIONS["it"])
    await chat.say("3")
    await chat.press_id("menu.contact")  # leave your contacts
    await chat.press_id("lead.start_button")
    await chat.say("Giulia")
    await chat.say("Pasticceria")
    await chat.press_id("instagram")
    await chat.press_id("telegram")  # here on Telegram
    result = await chat.press_id("yes")  # consent
    [item] = result.outbox
    assert item.kind == "lead" and item.lead is not None and item.lead.name == "Giulia"
    out = tmp_path / "leads.csv"
    run = CliRunner().invoke(cli, ["leads", "--db", str(engine.store.path), "--csv", str(out)])
    assert run.exit_code == 0, run.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8-sig")))  # with the BOM Excel needs
    assert row["name"] == "Giulia" and row["platform"] == "instagram"
    assert "instagram 800→10000" in row["projection"]


@pytest.mark.parametrize(
    ("lang", "button", "typed", "slots"),
    [
        (
            "it",
            "📈 Quanti follower, e quando?",
            "su instagram ne ho 2300",
            {"platform": "instagram", "current_followers": 2300},
        ),
        ("en", "📈 How fast will we grow?", "instagram", {"platform": "instagram"}),
    ],
)
async def test_answers_typed_where_the_calculation_is_offered_start_it(
    tmp_path: Path, lang: str, button: str, typed: str, slots: dict[str, object]
) -> None:
    """Persona test: numbers typed at the honest answer, whose button offers to run them,
    were "not understood" twice and the bot gave up; they start the calculation instead."""
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    await chat.press(button)
    result = await chat.say(typed)
    assert result.dialog == "projection", (result.state, chat.texts)
    for name, value in slots.items():
        assert result.slots[name] == value
    assert result.state not in ("ask_platform",)  # what was typed is not asked again


@pytest.mark.parametrize(
    ("lang", "typed", "said"),
    [
        (
            "en",
            "i have 450 followers on instagram. how many in 6 months if i spend £200 a month",
            "You mentioned £200: we work in euros",
        ),
        (
            "it",
            "ho 450 follower su instagram, quanti in 6 mesi se spendo 200 sterline al mese?",
            "Ci hai scritto £ 200: noi ragioniamo in euro",
        ),
    ],
)
async def test_a_budget_in_another_currency_is_said_back_not_silently_replaced(
    tmp_path: Path, lang: str, typed: str, said: str
) -> None:
    """Persona test: "£200 a month" in a first question was replaced by the typical € 150 without
    a word. The estimate says so, and the budget question asks it in euros."""
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    result = await chat.say(typed)
    assert said in " ".join(chat.texts), chat.texts
    assert "budget" not in result.slots and result.state == "ask_budget"
    assert result.slots["current_followers"] == 450
