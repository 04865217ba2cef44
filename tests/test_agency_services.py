"""What the agency offers and how its contract works (dialogs/agency.yaml `services:` and
`contract:`): placeholders are located warnings and never reach a prospect, filled ones are said
by the answers to «che servizi offrite?» and «garantite i risultati?», and a file without them
still loads without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.agency.facts import AgencyFacts
from bot.content.placeholders import contains_marker
from tests.conftest import ROOT, Chat, build_engine
from tests.test_agency import FILLED, LANGS, content_copy, read

# the shipped example with its two placeholders filled in: only the new ones can warn
FULL = FILLED.replace('"TODO: da scrivere"', '"3 social e sponsorizzate"').replace(
    '"TODO: un altro risultato"', '"B&B a Cefalù: il doppio delle prenotazioni"'
)
WITH_SERVICES = (
    FULL
    + """\
services:
  - it: "Gestione di Instagram e Facebook"
    en: "Instagram and Facebook management"
  - it: "Foto e video per i social"
    en: "TODO: in English"
contract:
  it: "Sei mesi, poi si disdice con un mese di preavviso."
  en: "Six months, then a month of notice to cancel."
"""
)

QUESTIONS = {
    "it": ("che servizi offrite?", "garantite i risultati?"),
    "en": ("what services do you offer?", "do you guarantee results?"),
}


def test_without_services_and_contract_nothing_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts, report = read(tmp_path, FULL, monkeypatch)
    assert isinstance(facts, AgencyFacts) and report == ""
    values = facts.values(LANGS)
    assert values["services"] == {"it": [], "en": []}
    assert values["contract"] == {"it": None, "en": None}


def test_services_and_contract_are_read_per_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts, report = read(tmp_path, WITH_SERVICES, monkeypatch)
    assert isinstance(facts, AgencyFacts)
    values = facts.values(LANGS)
    assert values["services"] == {
        "it": ["Gestione di Instagram e Facebook", "Foto e video per i social"],
        "en": ["Instagram and Facebook management"],
    }
    assert values["contract"]["en"] == "Six months, then a month of notice to cancel."
    # the one placeholder left is one warning, at its line and column
    lines = report.splitlines()
    assert len(lines) == 1, report
    assert lines[0].startswith("dialogs/agency.yaml:24:9: warning: service 2 (English)")


def test_a_misspelt_service_list_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts, report = read(tmp_path, FULL + 'services: "social"\n', monkeypatch)
    assert facts is None
    assert "dialogs/agency.yaml:20:1: `services` is a list" in report, report


@pytest.mark.parametrize("lang", LANGS)
async def test_the_shipped_placeholders_are_never_said(tmp_path: Path, lang: str) -> None:
    engine = build_engine(ROOT, tmp_path / "bot.db")
    said: list[str] = []
    for n, question in enumerate(QUESTIONS[lang]):
        chat = Chat(engine, f"s{n}-{lang}", language_code=lang)
        await chat.say("/start")
        await chat.say(question)
        said += chat.texts
    assert said and not any(contains_marker(text) for text in said), said
    honest = {"it": "te lo dà una persona del team", "en": "Someone from the team will give you"}
    assert any(honest[lang] in text for text in said), said


@pytest.mark.parametrize("lang", LANGS)
async def test_filled_services_and_contract_are_said(tmp_path: Path, lang: str) -> None:
    engine = build_engine(content_copy(tmp_path, WITH_SERVICES), tmp_path / "bot.db")
    services, guarantees = QUESTIONS[lang]
    chat = Chat(engine, f"f-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.say(services)
    said = "\n".join(chat.texts)
    assert not contains_marker(said), said
    if lang == "it":
        assert "• Gestione di Instagram e Facebook\n• Foto e video per i social" in said
    else:  # the second service has no English text yet: only the first is listed
        assert "• Instagram and Facebook management\nNeed something else?" in said
    await chat.say(guarantees)
    said = "\n".join(chat.texts)
    contract = {"it": "Sei mesi, poi si disdice", "en": "Six months, then a month of notice"}
    assert contract[lang] in said and not contains_marker(said), said
