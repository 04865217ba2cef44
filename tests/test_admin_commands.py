"""The admins' commands on Telegram (/stats, /leads, and their own command menu), through the
real PTB Application and the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.adapters.telegram.bot import COMMANDS
from bot.adapters.telegram.format import visible
from bot.adapters.telegram.staff import ADMIN_COMMANDS
from bot.core.records import LeadRecord
from bot.staff.reports import lead_rows
from bot.staff.stats import compute, format_report
from bot.storage.sqlite import Conversation, TurnRecord
from tests.test_handover import Launcher, launcher  # noqa: F401  (the fixture)
from tests.test_telegram_e2e import (
    ADMIN,
    ANN,
    BOB,
    HUMAN_WRITE_HERE,
    LEAD_START,
    MENU_CONTACT,
    MENU_HUMAN,
    PLATFORM_INSTAGRAM,
    YES,
)

OTHER_ADMIN = 999_002


async def test_stats_go_to_admins_and_are_an_unknown_command_for_anyone_else(
    launcher: Launcher,  # noqa: F811
) -> None:
    h = await launcher()
    fake = h.fake
    await h.say(ANN, "/start")
    await h.say(BOB, "/start")
    await h.press(BOB, MENU_HUMAN)

    before = len(fake.sent(ADMIN))
    await h.say(ADMIN, "/stats")
    parts = fake.sent(ADMIN)[before:]
    assert parts and all(p.params["parse_mode"] == "HTML" for p in parts)
    shown = "\n".join(visible(p.text) for p in parts)
    assert format_report(compute(h.engine.store)).splitlines()[0] in shown
    assert "Prospects started: 2" in shown  # the admin's own /stats started no conversation
    assert h.engine.store.load(f"tg:{ADMIN}") is None

    # for a prospect /stats does not exist: answered as any unknown command (one of the
    # "not understood" lines, which take turns)
    lines = h.engine.text("common.not_understood", "en", at_menu=True).splitlines()
    before = len(fake.sent(ANN))
    await h.say(ANN, "/stats")
    answer = [c.text for c in fake.sent(ANN)[before:]]
    await h.say(ANN, "/nosuchcommand")
    again = [c.text for c in fake.sent(ANN)[before + len(answer) :]]
    assert visible(answer[0]) in lines and visible(again[0]) in lines
    assert not any("Prospects started" in t for t in answer)
    for command in ("/leads", "/reload", "/done 4202"):
        await h.say(ANN, command)
    assert fake.calls_to("sendDocument") == []
    assert h.engine.store.handover(f"tg:{BOB}") is None  # nothing happened to anyone
    assert not any("Prospects" in c.text or "tg:" in c.text for c in fake.sent(ANN))


async def test_stats_can_be_narrowed_to_recent_days_or_a_campaign(
    launcher: Launcher,  # noqa: F811
) -> None:
    h = await launcher()
    await h.say(ANN, "/start spring")
    await h.say(BOB, "/start")
    before = len(h.fake.sent(ADMIN))
    await h.say(ADMIN, "/stats spring")
    assert "Prospects started: 1" in visible(h.fake.sent(ADMIN)[before].text)
    await h.say(ADMIN, "/stats 7")
    assert "Prospects started: 2" in visible(h.fake.sent(ADMIN)[-1].text)


async def test_leads_arrive_as_a_csv_document_matching_the_store(
    launcher: Launcher,  # noqa: F811
) -> None:
    h = await launcher()
    fake, store = h.fake, h.engine.store
    before = len(fake.sent(ADMIN))
    await h.say(ADMIN, "/leads")
    assert "No leads" in fake.sent(ADMIN)[before].text and not fake.calls_to("sendDocument")

    await h.say(ANN, "/start spring")
    await h.press(ANN, MENU_HUMAN)
    await h.press(ANN, HUMAN_WRITE_HERE)  # a "human" lead
    conv = store.load(f"tg:{BOB}") or Conversation(f"tg:{BOB}", "it", "main", "menu", is_new=True)
    lead = LeadRecord(name="=SUM(A1)", business="Bar Ciàò", platform="tiktok", consent=True)
    store.save_turn(TurnRecord(conv, datetime.now(UTC), leads=[lead]))

    await h.say(ADMIN, "/leads")
    (doc,) = fake.calls_to("sendDocument")
    assert doc.chat_id == ADMIN and "2" in doc.text
    upload = doc.params["document"]
    assert upload["filename"].startswith("leads-") and upload["filename"].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(upload["content"].decode("utf-8-sig"))))
    expected = lead_rows(store)
    assert [r["id"] for r in rows] == [str(e["id"]) for e in expected]
    assert [r["kind"] for r in rows] == ["human", "contact"]
    assert rows[0]["source"] == "spring" and rows[0]["name"] == "Ann"
    assert rows[1]["name"] == "'=SUM(A1)"  # a spreadsheet must not run it as a formula
    assert rows[1]["business"] == "Bar Ciàò"
    assert fake.sent(ANN) and all("document" not in c.params for c in fake.sent(ANN))


async def test_admins_get_their_own_command_menu(launcher: Launcher) -> None:  # noqa: F811
    h = await launcher(admin_ids=(ADMIN, OTHER_ADMIN))
    calls = h.fake.calls_to("setMyCommands")
    default = [c for c in calls if "scope" not in c.params]
    scoped = [c for c in calls if "scope" in c.params]
    assert sorted(str(c.params.get("language_code")) for c in default) == ["None", "en", "it"]
    for call in default:  # what prospects see: no admin command
        assert [c["command"] for c in call.json("commands")] == list(COMMANDS)
    assert sorted(c.json("scope")["chat_id"] for c in scoped) == [ADMIN, OTHER_ADMIN]
    for call in scoped:
        assert call.json("scope")["type"] == "chat"
        names = [c["command"] for c in call.json("commands")]
        assert names == [*COMMANDS, *ADMIN_COMMANDS]
        assert all(c["description"] for c in call.json("commands"))


async def test_a_second_admin_has_the_commands_too_and_a_group_never_does(
    launcher: Launcher,  # noqa: F811
) -> None:
    h = await launcher(admin_ids=(ADMIN, OTHER_ADMIN))
    await h.say(ANN, "/start")
    await h.say(OTHER_ADMIN, "/stats")
    assert "Prospects started: 1" in visible(h.fake.sent(OTHER_ADMIN)[-1].text)
    group = {"id": -100, "type": "group", "title": "Team"}
    before = len(h.fake.sent(-100))
    await h.handled(h.fake.message(ADMIN, "/stats", chat=group))
    assert not any("Prospects" in c.text for c in h.fake.sent(-100)[before:])


async def test_a_lead_note_carries_the_numbers_and_can_be_marked_handled(
    launcher: Launcher,  # noqa: F811
) -> None:
    h = await launcher()
    fake, store = h.fake, h.engine.store
    await h.say(ANN, "/start spring")
    await h.say(ANN, "ho 800 follower su instagram, in quanto tempo arrivo a 10mila con 200 euro?")
    await h.say(ANN, "3")
    assert fake.calls_to("sendPhoto"), "the projection chart goes out as a photo"
    offer = h.last_keyboard(ANN)
    await h.press(ANN, MENU_CONTACT)  # leave your contacts
    assert h.last_keyboard(ANN).message_id != offer.message_id
    await h.press(ANN, LEAD_START)  # let's start
    await h.say(ANN, "Giulia")
    await h.say(ANN, "Pasticceria")
    await h.press(ANN, PLATFORM_INSTAGRAM)
    await h.press(ANN, "telegram")  # here on Telegram
    await h.press(ANN, YES)  # consent
    [lead] = store.leads()
    note = h.last_keyboard(ADMIN)
    text = visible(note.text)
    assert "Giulia" in text and "spring" in text
    assert "followers now 800" in text and "target 10000" in text and "ads € 200/month" in text
    assert "EUR" not in text  # the budget is money in the prospect's language, not its repr
    assert "Projection:" in text and "instagram 800→10000" in text

    # a prospect forging the admin's button changes nothing
    fake.press(ANN, note.buttons[0]["callback_data"], note.message_id)
    await h.say(ANN, "/help")
    assert store.leads()[0].status == "new"

    update = fake.press(ADMIN, note.buttons[0]["callback_data"], note.message_id)
    await h.handled(update)
    assert store.leads()[0].status == "handled" and lead.id == store.leads()[0].id
    assert any(
        str(c.params.get("message_id")) == str(note.message_id)
        for c in fake.calls_to("editMessageReplyMarkup")
    )
