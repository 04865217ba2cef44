"""The agency's own facts (dialogs/agency.yaml): every placeholder is one located warning, a
placeholder never reaches a prospect, filled facts are said, and a booked call reaches the team."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot import app
from bot.agency.facts import AgencyFacts, PriceRange, load_agency
from bot.agency.plugin import CALL_SLOT, agency_values
from bot.base.problems import Problems
from bot.content.placeholders import contains_marker, is_placeholder
from bot.staff.outbox import note_html
from tests.conftest import ROOT, Chat, build_engine

AGENCY = ROOT / "dialogs" / "agency.yaml"
LANGS = ("it", "en")

FILLED = """\
name: "Agenzia Esempio"
city: Palermo
address: "Via Roma 1, 90133 Palermo"
map_link: "https://maps.example.com/agenzia"
website: "https://www.example.it"
team_size: 6
prices:
  - name: {it: "Un social", en: "One platform"}
    from: 300
    to: 500
    includes: {it: "3 post a settimana", en: "3 posts a week"}
  - name: {it: "Tutto compreso", en: "All in"}
    from: 800
    includes: {it: "TODO: da scrivere", en: "ads management included"}
results:
  - it: "Pasticceria a Catania: da 800 a 3.000 follower in 10 mesi"
    en: "Pastry shop in Catania: from 800 to 3,000 followers in 10 months"
  - it: "TODO: un altro risultato"
    en: "B&B in Cefalù: twice the bookings from Instagram"
"""


def placeholders(path: Path) -> list[tuple[int, int]]:
    """(line, column) of every value of the file that starts with "TODO:" (not comments)."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        match = re.search(r"""["']TODO:""", line)
        if match:
            found.append((number, match.start() + 1))
    return found


def content_copy(tmp_path: Path, agency: str | None) -> Path:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    if agency is not None:
        (root / "dialogs" / "agency.yaml").write_text(agency, encoding="utf-8")
    return root


def read(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, str]:
    """``load_agency`` on ``text`` written as dialogs/agency.yaml: (facts, report)."""
    (tmp_path / "dialogs").mkdir(exist_ok=True)
    (tmp_path / "dialogs" / "agency.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    problems = Problems()
    facts = load_agency(Path("dialogs/agency.yaml"), problems)
    return facts, problems.report()


# -- placeholders are warnings, one each, located ----------------------------------------------


def test_each_placeholder_is_one_located_warning_and_none_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    loaded = app.load_content(ROOT)
    assert loaded.content is not None, loaded.problems.report()
    found = [p for p in loaded.problems if p.pos.file == "dialogs/agency.yaml"]
    assert found and all(p.severity == "warning" for p in found), loaded.problems.report()
    expected = placeholders(AGENCY)
    assert len(expected) >= 15  # name, city, address, links, team, price ranges, results
    assert sorted((p.pos.line, p.pos.col) for p in found) == expected
    city = next(p for p in found if p.message.startswith("the agency's city"))
    line = city.pos.line
    assert str(city) == (
        f"dialogs/agency.yaml:{line}:7: warning: the agency's city is not filled in yet: "
        "meanwhile prospects read “our team will tell you” instead — write it in place of the "
        "whole “TODO: …” text"
    )
    assert "city: " in AGENCY.read_text(encoding="utf-8").splitlines()[line - 1]
    # the validate command says them (all with --todo; else in one line) and still starts the bot
    from click.testing import CliRunner

    from bot.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--todo", str(ROOT)])
    assert result.exit_code == 0 and "OK:" in result.output, result.output
    assert f"dialogs/agency.yaml:{line}:7: warning: the agency's city" in result.output


def test_a_filled_file_has_no_warnings_and_a_half_filled_one_warns_per_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = FILLED.replace('"TODO: da scrivere"', '"3 social e sponsorizzate"')
    full = full.replace(
        '"TODO: un altro risultato"', '"B&B a Cefalù: il doppio delle prenotazioni"'
    )
    facts, report = read(tmp_path, full, monkeypatch)
    assert report == "" and isinstance(facts, AgencyFacts)
    facts, report = read(tmp_path, FILLED, monkeypatch)
    assert isinstance(facts, AgencyFacts)
    lines = report.splitlines()
    assert [line.split(": warning:")[0] for line in lines] == [
        "dialogs/agency.yaml:14:20",
        "dialogs/agency.yaml:18:9",
    ]
    assert "what price range 2 includes (Italian)" in lines[0]
    assert "result example 2 (Italian)" in lines[1]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "team_size: 6",
            'team_size: "sei"',
            "dialogs/agency.yaml:6:12: how many people work at the agency must be a whole number, "
            "not “sei” — write only the digits",
        ),
        (
            "    from: 800",
            "    from: 800.50",
            "dialogs/agency.yaml:13:11: the lowest monthly fee of price range 2 must be a whole "
            "number, not 800.5 — write it without dots or commas, e.g. 1500 for € 1.500",
        ),
        (
            'website: "https://www.example.it"',
            "website: www.example.it",
            "dialogs/agency.yaml:5:10: the agency's website must be a whole web address, not "
            "“www.example.it” — copy it from the browser's address bar",
        ),
        (
            "    to: 500",
            "    to: 250",
            "dialogs/agency.yaml:10:9: price range 1 goes from € 300 down to € 250",
        ),
        (
            "city: Palermo",
            "citta: Palermo",
            "dialogs/agency.yaml:2:1: agency.yaml has no setting `citta` — did you mean `city`?",
        ),
        (
            '{it: "Un social", en: "One platform"}',
            '{it: "Un social", fr: "Un réseau"}',
            "dialogs/agency.yaml:8:29: `fr` is not a language the bot speaks",
        ),
    ],
)
def test_mistakes_are_located_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    assert old in FILLED
    facts, report = read(tmp_path, FILLED.replace(old, new, 1), monkeypatch)
    assert facts is None
    assert expected in report, report


def test_a_missing_language_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = FILLED.replace('{it: "Un social", en: "One platform"}', '{it: "Un social"}')
    facts, report = read(tmp_path, text, monkeypatch)
    assert isinstance(facts, AgencyFacts)
    assert (
        "dialogs/agency.yaml:8:11: warning: the name of price range 1 has no English text: "
        "English-speaking prospects read “our team will tell you” instead"
    ) in report
    assert facts.values(LANGS)["prices"]["en"][0]["name"] is None


def test_the_marker_is_recognised() -> None:
    assert is_placeholder("TODO: the city") and is_placeholder("  todo: x")
    assert not is_placeholder("Palermo") and not is_placeholder(6) and not is_placeholder(None)
    assert contains_marker("Via Roma 1 TODO: check the number")


def test_a_marker_inside_a_value_is_a_placeholder_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FILLED.replace("city: Palermo", 'city: "Palermo TODO: check"')
    facts, report = read(tmp_path, text, monkeypatch)
    assert isinstance(facts, AgencyFacts) and facts.city is None
    assert "the agency's city is not filled in yet" in report


# -- what the texts read --------------------------------------------------------------------


def test_the_values_the_texts_read() -> None:
    facts = AgencyFacts(
        city="Palermo",
        team_size=6,
        prices=(
            PriceRange(300, 500, {"it": "Un social", "en": None}, {"it": None, "en": "3 posts"}),
            PriceRange(None, 900, {"it": "Tutto", "en": "All"}),  # no lower end: not said
            PriceRange(800, 800),  # one amount: "from € 800"
        ),
        results=({"it": "Un risultato", "en": None}, {"it": None, "en": None}),
    )
    values = facts.values(LANGS)
    assert values["city"] == "Palermo" and values["name"] is None and values["team_size"] == 6
    assert values["prices"]["it"] == [
        {"name": "Un social", "low": 300, "high": 500, "includes": None},
        {"name": None, "low": 800, "high": None, "includes": None},
    ]
    assert values["prices"]["en"][0]["includes"] == "3 posts"
    assert values["results"] == {"it": ["Un risultato"], "en": []}


def test_without_the_file_every_fact_is_none(tmp_path: Path) -> None:
    root = content_copy(tmp_path, None)
    (root / "dialogs" / "agency.yaml").unlink()
    loaded = app.load_content(root)
    assert loaded.content is not None, loaded.problems.report()
    assert "agency.yaml" not in loaded.problems.report()
    values = agency_values(loaded.content)
    assert values["city"] is None and values["prices"] == {"it": [], "en": []}


# -- never shown to a prospect ------------------------------------------------------------------

WORDS = {
    "it": {
        "about": "🏢 Chi siamo",
        "how": "🗓 Come lavoriamo",
        "examples": "📊 Qualche risultato",
        "pricing": "💶 Quanto costa?",
        "back": "Torna al menu",
    },
    "en": {
        "about": "🏢 Who we are",
        "how": "🗓 How we work",
        "examples": "📊 Some results",
        "pricing": "💶 What does it cost?",
        "back": "Back to menu",
    },
}


async def walk(chat: Chat, lang: str) -> list[str]:
    """Every message of the steps that say the agency's facts."""
    w = WORDS[lang]
    said: list[str] = []
    await chat.say("/start")
    for step in ("about", "how", "examples", "back", "pricing"):
        await chat.press(w[step])
        said += chat.texts
    return said


@pytest.mark.parametrize("lang", LANGS)
async def test_placeholders_never_reach_a_prospect(tmp_path: Path, lang: str) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    said = await walk(Chat(engine, f"p-{lang}", language_code=lang), lang)
    assert said and not any(contains_marker(text) for text in said), said
    honest = {"it": "te lo dà una persona del team", "en": "Someone from the team will give"}
    assert any(honest[lang] in text for text in said)
    # and every text that reads the facts, rendered with them, says no marker either
    content = engine.content
    values = agency_values(content)
    for key, text in content.texts[lang].items():
        if "agency" in text.source:
            rendered = engine.renderer.render(text.source, {"agency": values}, lang)
            assert rendered and not contains_marker(rendered), key


@pytest.mark.parametrize("lang", LANGS)
async def test_filled_facts_are_said_and_the_rest_stays_honest(tmp_path: Path, lang: str) -> None:
    root = content_copy(tmp_path, FILLED)
    engine = build_engine(root, tmp_path / "bot.db")
    said = "\n".join(await walk(Chat(engine, f"f-{lang}", language_code=lang), lang))
    assert not contains_marker(said), said
    for fact in ("Agenzia Esempio", "Palermo", "Via Roma 1", "https://maps.example.com/agenzia"):
        assert fact in said
    expected = {
        "it": [
            "in squadra siamo in 6",
            "da € 300 a € 500",
            "da € 800 in su",
            "Pasticceria a Catania",
        ],
        "en": ["6 of us", "€300 to €500", "from €800", "Pastry shop", "B&amp;B in Cefalù"],
    }
    for words in expected[lang]:
        assert words in said, said
    if lang == "it":  # the second result and what "Tutto compreso" includes are placeholders
        assert "Tutto compreso</b>: da € 800 in su\n" in said
        assert said.count("• ") == 3  # two price ranges, one result


# -- a booked call reaches the team --------------------------------------------------------------


async def test_a_booked_call_reaches_the_team_with_the_lead(tmp_path: Path) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    chat = Chat(engine, "call", language_code="it")
    await chat.say("/start")
    await chat.press("🙋 Parla con una persona")
    await chat.press("📞 Prenota una chiamata")
    await chat.say("martedì pomeriggio")
    await chat.say("Giulia Bianchi")
    await chat.say("ho una pasticceria a catania")
    await chat.press("Instagram")
    await chat.press("Qui su Telegram")
    result = await chat.press("Sì")
    assert result.slots[CALL_SLOT] == "martedì pomeriggio"
    lead = engine.store.leads()[-1]
    assert lead.name == "Giulia Bianchi" and lead.consent
    assert lead.data[CALL_SLOT] == "martedì pomeriggio"
    [(_, item)] = engine.store.pending_outbox()
    note = note_html(item, fields=app.lead_fields())
    assert "<b>Chiamata:</b> martedì pomeriggio" in note


def test_a_placeholder_in_a_locale_text_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text has no honest line to fall back on: a placeholder there would be said as it is."""
    root = content_copy(tmp_path, None)
    menu = root / "locales" / "it" / "menu.yaml"
    text = menu.read_text(encoding="utf-8")
    menu.write_text(text.replace('about: "🏢 Chi siamo"', 'about: "TODO: chi siamo"'), "utf-8")
    line = next(
        n for n, row in enumerate(menu.read_text("utf-8").splitlines(), 1) if "TODO:" in row
    )
    monkeypatch.chdir(root)
    loaded = app.load_content(root)
    assert loaded.content is None
    assert (
        f"locales/it/menu.yaml:{line}:10: the text `menu.about` still holds a placeholder "
        "(“TODO: …”): prospects would read it as it is"
    ) in loaded.problems.report()
