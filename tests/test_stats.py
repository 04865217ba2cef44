"""The funnel on a database seeded through the real engine gives exact counts."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from bot.staff.stats import compute, format_report
from tests.conftest import MINI, Chat, build_engine


async def seed(db: Path) -> None:
    engine = build_engine(MINI, db)
    a = Chat(engine, "a", language_code="it")
    await a.say("/start ads1")
    await a.press("Contatti")
    await a.say("Anna")
    await a.say("anna@example.com")
    await a.say("sì")
    b = Chat(engine, "b", language_code="en")
    await b.say("/start ads1")
    await b.say("asdf qwerty")
    await b.say("ASDF qwerty ")
    c = Chat(engine, "c", language_code="en")
    await c.say("/start")
    await c.press("Plan")
    d = Chat(engine, "d", language_code="en")
    await d.say("/start ads2")
    await d.say("what?")
    engine.store.close()


async def test_exact_counts(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    await seed(db)
    from bot.storage.sqlite import Store

    funnel = compute(Store(db))
    assert funnel.started == 4
    assert funnel.languages == {"en": 3, "it": 1}
    assert funnel.leads == 1 and funnel.handovers == 0
    assert funnel.by_source == {
        "ads1": {"started": 2, "leads": 1},
        "(direct)": {"started": 1, "leads": 0},
        "ads2": {"started": 1, "leads": 0},
    }
    assert funnel.reached["main.menu"] == 4
    assert funnel.reached["main.ask_name"] == 1
    assert funnel.reached["main.ask_followers"] == 1
    assert funnel.stopped == {"main.saved": 1, "main.menu": 2, "main.ask_followers": 1}
    assert funnel.not_understood == {"asdf qwerty": 2, "what?": 1}
    only_ads1 = compute(Store(db), source="ads1")
    assert only_ads1.started == 2 and only_ads1.leads == 1
    assert compute(Store(db), since=datetime(2030, 1, 1)).started == 0
    report = format_report(funnel)
    assert "Leads: 1 (25%)" in report and "2× asdf qwerty" in report


async def test_cli_and_csv(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    await seed(db)
    out = tmp_path / "funnel.csv"
    result = CliRunner().invoke(cli, ["stats", "--db", str(db), "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert "Prospects started: 4" in result.output
    rows = {
        (r["section"], r["key"]): r["value"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))
    }
    assert rows[("total", "leads")] == "1"
    assert rows[("source_started", "ads1")] == "2"
    missing = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "No database" in missing.output
