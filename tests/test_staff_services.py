"""The staff services (bot.staff) driven without Telegram: a real SQLite store, a recording
``OutboundSender`` standing in for any front-end, and a clock the test moves (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.base.money import Money
from bot.core.ports import DeliveryError, MessageRef, StaffAction
from bot.core.records import Event, Handover, LeadField, LeadRecord, OutboxItem, TranscriptLine
from bot.core.state import Conversation, TurnRecord
from bot.growth.plugin import GROWTH
from bot.staff.commands import NO_LEADS, StaffCommands
from bot.staff.handover import ERASED, HandoverService
from bot.staff.outbox import CLOSE_HANDOVER, LEAD_HANDLED, SENT, SKIPPED, LeadNotes, note_html
from bot.staff.reports import lead_rows
from bot.storage.sqlite import Store

STAFF = (900, 901)
ANN, BOB = "web:ann", "web:bob"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Outbound:
    """Records every call; ``refuse`` makes one recipient fail (permanently or not)."""

    reply_hint = "<i>answer here</i>"

    def __init__(self) -> None:
        self.staff: list[tuple[int, str, StaffAction | None]] = []
        self.prospects: list[tuple[str, str]] = []
        self.copies: list[tuple[MessageRef, int | str]] = []
        self.refuse: dict[int | str, bool] = {}  # recipient -> permanent
        self._next = 0

    def _ref(self, chat: int) -> MessageRef:
        self._next += 1
        return (chat, self._next)

    async def to_staff(
        self, staff_id: int, html: str, action: StaffAction | None = None
    ) -> list[MessageRef]:
        if staff_id in self.refuse:
            raise DeliveryError("refused", permanent=self.refuse[staff_id])
        self.staff.append((staff_id, html, action))
        return [self._ref(staff_id)]

    async def to_prospect(self, user_id: str, html: str) -> list[MessageRef]:
        if user_id in self.refuse:
            raise DeliveryError("they left", permanent=True)
        self.prospects.append((user_id, html))
        return [self._ref(0)]

    async def copy(self, origin: MessageRef, to: int | str) -> MessageRef | None:
        self.copies.append((origin, to))
        return self._ref(to) if isinstance(to, int) else None

    def prospect_link(self, user_id: str) -> str:
        return f"[{user_id}]"


def texts(key: str, lang: str) -> str:
    return f"{key}@{lang}"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "bot.db")


def ask(store: Store, user_id: str, kind: str, clock: Clock, **lead: object) -> None:
    """A turn that saved a lead (``kind`` "contact") or asked for a person ("human")."""
    conv = store.load(user_id) or Conversation(user_id, "it", "main", "menu", first_name="Ann")
    record = LeadRecord(kind=kind, name="Ann <b>", contact="ann@example.com", **lead)  # type: ignore[arg-type]
    note = OutboxItem(
        kind="human" if kind == "human" else "lead",
        user_id=user_id,
        lead=record,
        recent=("hello", "a person please"),
        source="spring",
    )
    store.save_turn(
        TurnRecord(conv, clock(), events=[Event("asked")], leads=[record], outbox=[note])
    )


def services(store: Store, clock: Clock) -> tuple[Outbound, HandoverService, LeadNotes]:
    out = Outbound()
    handovers = HandoverService(
        store, out, STAFF, texts, clock=clock, timeout=timedelta(minutes=30)
    )
    notes = LeadNotes(store, out, STAFF, handovers, GROWTH.lead_fields, clock=clock)
    return out, handovers, notes


async def test_a_lead_note_reaches_every_staff_member_once(store: Store) -> None:
    clock = Clock()
    out, _, notes = services(store, clock)
    ask(store, ANN, "contact", clock, data={"current_followers": 800})
    assert await notes.deliver() == 1
    assert await notes.deliver() == 0  # delivered: never twice
    assert [s for s, _, _ in out.staff] == list(STAFF)
    (lead,) = store.leads()
    _, html, action = out.staff[0]
    assert action == StaffAction(LEAD_HANDLED, str(lead.id))
    assert "Ann &lt;b&gt;" in html and "[web:ann]" in html and "followers now 800" in html
    assert lead.data == {"current_followers": 800} and lead.source is None
    assert await notes.mark_handled(lead.id or 0) and store.leads()[0].status == "handled"
    assert not await notes.mark_handled(999) and not await notes.mark_handled("x")


async def test_one_staff_member_receiving_it_is_enough(store: Store) -> None:
    clock = Clock()
    out, _, notes = services(store, clock)
    ask(store, ANN, "contact", clock)
    out.refuse[901] = True  # this one cannot be reached (never pressed Start)
    assert await notes.deliver() == 1
    assert [s for s, _, _ in out.staff] == [900]
    assert store.pending_outbox() == []


async def test_a_note_nobody_received_stays_and_is_retried_with_backoff(store: Store) -> None:
    """The issue's case: every admin refuses ("chat not found": the admin never pressed
    Start). The note is not marked sent, no handover opens, and it is tried again later,
    each wait longer, until someone can take it; then it arrives once."""
    clock = Clock()
    out, handovers, notes = services(store, clock)
    ask(store, ANN, "human", clock)
    out.refuse.update({900: True, 901: True})
    assert await notes.deliver() == 0
    ((_, item),) = store.pending_outbox()
    assert item.attempts == 1 and "refused" in (item.last_error or "")
    assert not await handovers.is_open(ANN)  # nobody has it: no handover
    assert await notes.deliver() == 0 and store.pending_outbox()[0][1].attempts == 1  # not due
    waits = []
    for _ in range(6):
        due = store.next_outbox_try()
        assert due is not None
        waits.append((due - clock.now).total_seconds())
        clock.now = due
        assert await notes.deliver() == 0
    assert waits == [30, 60, 120, 240, 480, 900]  # doubling, at most 15 min
    del out.refuse[901]  # the admin pressed Start
    clock.advance(minutes=15)
    assert await notes.deliver() == 1
    assert [s for s, _, _ in out.staff] == [901]
    assert await handovers.is_open(ANN)
    assert await notes.deliver() == 0 and store.pending_outbox() == []


async def test_once_one_note_gets_through_the_waiting_ones_follow_at_once(store: Store) -> None:
    clock = Clock()
    out, _, notes = services(store, clock)
    out.refuse.update({900: True, 901: False})
    ask(store, ANN, "contact", clock)
    assert await notes.deliver() == 0  # Ann's waits 30 s for its next try
    out.refuse.clear()
    ask(store, BOB, "contact", clock)
    assert await notes.deliver() == 2  # Bob's got through, so Ann's goes now too
    assert len(out.staff) == 4 and store.pending_outbox() == []


async def test_an_overdue_note_is_reported_loudly_once(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    out, _, notes = services(store, clock)
    commands = StaffCommands(store, clock)
    ask(store, ANN, "contact", clock)
    out.refuse.update({900: True, 901: True})
    await notes.deliver()
    assert await notes.overdue() == [] and "NOT delivered" not in await commands.stats()
    clock.advance(minutes=31)
    out.refuse[901] = False  # still failing, but an alert is tried to everyone
    with caplog.at_level("WARNING", logger="bot.staff.outbox"):
        await notes.deliver()
    assert any("undelivered for over 30 min" in r.getMessage() for r in caplog.records)
    assert [len(await notes.overdue())] == [1]
    stats = await commands.stats()
    assert "1 note(s) for the agency NOT delivered" in stats and "refused" in stats
    caplog.clear()
    clock.advance(minutes=30)
    with caplog.at_level("WARNING", logger="bot.staff.outbox"):
        await notes.deliver()
    assert not any("undelivered for over" in r.getMessage() for r in caplog.records)  # once


async def test_a_note_about_someone_erased_is_dropped(store: Store) -> None:
    clock = Clock()
    out, _, notes = services(store, clock)
    ask(store, ANN, "contact", clock)
    store.db.execute("delete from conversations")  # erased, but the note stayed (older data)
    store.db.conn.commit()
    assert await notes.deliver() == 0
    assert out.staff == []
    (row,) = store.db.query("select sent from outbox")
    assert row["sent"] == SKIPPED


async def test_handover_open_relay_reply_and_expiry(store: Store) -> None:
    clock = Clock()
    out, handovers, notes = services(store, clock)
    ask(store, ANN, "human", clock)
    assert await notes.deliver() == 1
    assert out.staff[0][2] == StaffAction(CLOSE_HANDOVER, ANN)
    assert out.staff[0][1].endswith("<i>answer here</i>")
    assert await handovers.is_open(ANN)
    (row,) = store.db.query("select sent from outbox")
    assert row["sent"] == SENT

    # the prospect writes: relayed to every staff member, linked so a reply finds them
    assert await handovers.from_prospect(ANN, "are you there?")
    relayed = [s for s in out.staff if "are you there?" in s[1]]
    assert len(relayed) == 2
    assert await handovers.prospect_of(900, 2 + 1) == ANN  # the relay to staff 900 was message 3
    # commands are the bot's, never relayed as text
    for command in ("/delete", "/menu", "/start", "/start@SomeBot src"):
        assert not await handovers.from_prospect(ANN, command)

    # a photo: described in the transcript, the original copied as it is
    assert await handovers.from_prospect(ANN, "", media="photo", origin=(7, 70))
    assert [(o, to) for o, to in out.copies] == [((7, 70), 900), ((7, 70), 901)]
    assert ("in", "[photo]") in [(r.direction, r.text) for r in store.transcript(ANN)]

    # a staff member answers
    await handovers.staff_reply(900, ANN, "Hi <Ann>")
    assert out.prospects[-1] == (ANN, "handover.from_team@it\nHi &lt;Ann&gt;")

    # 29 quiet minutes: open; 30: closed, the prospect and the staff told
    clock.advance(minutes=29)
    assert await handovers.expire() == 0
    clock.advance(minutes=1)
    assert await handovers.expire() == 1
    assert not await handovers.is_open(ANN)
    assert out.prospects[-1] == (ANN, "handover.timed_out@it")
    assert "closed after 30 quiet minutes" in out.staff[-1][1]
    clock.advance(hours=5)
    assert await handovers.expire() == 0
    (closed,) = store.events(ANN, kind="handover_closed")
    assert closed.detail == "timeout"


async def test_done_and_replies_that_cannot_arrive(store: Store) -> None:
    clock = Clock()
    out, handovers, notes = services(store, clock)
    ask(store, ANN, "human", clock)
    await notes.deliver()

    out.refuse[ANN] = True
    await handovers.staff_reply(901, ANN, "hello?")
    assert out.staff[-1][0] == 901 and "Not delivered: they left" in out.staff[-1][1]
    await handovers.staff_reply(900, None, "hello?")
    assert out.staff[-1] == (900, ERASED, None)

    assert not await handovers.done(900, None, "Marco")  # nobody named: told how
    assert "/done" in out.staff[-1][1]
    assert await handovers.done(900, ANN, "Marco")
    assert "closed by Marco" in out.staff[-1][1]
    assert not await handovers.done(900, ANN, "Marco")  # closed twice: told so
    assert "No open chat" in out.staff[-1][1]

    # answering a closed request reopens it
    del out.refuse[ANN]
    await handovers.staff_reply(900, ANN, "one more thing")
    assert await handovers.is_open(ANN)


async def test_commands_without_a_transport(store: Store) -> None:
    clock = Clock()
    commands = StaffCommands(store, clock)
    assert await commands.leads_csv() is None and NO_LEADS
    ask(store, ANN, "contact", clock, data={"projection_summary": "instagram 800→10000"})
    ask(store, BOB, "human", clock)
    csv_file = await commands.leads_csv()
    assert csv_file is not None and csv_file.rows == 2
    assert csv_file.name == "leads-2026-03-01.csv" and "2 contatti" in csv_file.caption
    assert "instagram 800→10000" in csv_file.data.decode("utf-8-sig")
    assert "Funnel" in await commands.stats() and "· 7 d" in await commands.stats("7")
    assert "Reload is not available" in (await commands.reload() or "")


def test_the_note_text_is_the_same_for_a_stored_payload() -> None:
    item = OutboxItem("lead", ANN, LeadRecord(name="Ann", consent=True), ("hi",), "spring")
    assert note_html(item) == note_html(item.to_json())
    assert "<b>Consent:</b> yes" in note_html(item)


def test_a_note_shows_the_answers_it_is_given_labels_for_else_every_one() -> None:
    data = {
        "current_followers": 800,
        "budget": Money(100, "EUR", "month"),
        "consent": True,
        "projection_summary": "instagram 800→10000",
    }
    item = OutboxItem("lead", ANN, LeadRecord(name="Ann", data=data, lang="it"))
    labelled = note_html(item, fields=GROWTH.lead_fields)
    assert "<b>Answers:</b> followers now 800, ads € 100/month\n" in labelled
    assert "<b>Projection:</b> instagram 800→10000" in labelled
    assert "consent" not in labelled  # not one of the fields given
    plain = note_html(item)
    assert "current_followers 800, budget € 100/month, consent yes" in plain
    assert "projection_summary instagram 800→10000" in plain
    english = OutboxItem("lead", ANN, LeadRecord(data={"budget": Money("99.5", "USD", "year")}))
    shown = note_html(english, fields=[LeadField("budget", "budget")])
    assert "$99.50/year" in shown and "USD" not in shown  # never converted, never repr


def test_money_in_a_lead_is_stored_and_read_back_as_money(store: Store) -> None:
    clock = Clock()
    budget = Money(100, "EUR", "month")
    ask(store, ANN, "contact", clock, data={"budget": budget, "current_followers": 800})
    (lead,) = store.leads()
    assert lead.data == {"budget": budget, "current_followers": 800}
    assert isinstance(lead.data["budget"], Money)
    ((_, item),) = store.pending_outbox()
    assert item.lead is not None and item.lead.data["budget"] == budget
    assert item.lead.lang == "it"  # the prospect's, as the lead row has it
    (row,) = lead_rows(store, GROWTH.lead_fields)
    assert row["budget"] == "€ 100/month" and row["current_followers"] == "800"
    assert "projection" in row and row["projection"] is None  # the column the plug-in named
    assert "projection_summary" not in lead_rows(store)[0]  # no fields: only answers seen


async def test_the_store_returns_typed_rows(store: Store) -> None:
    clock = Clock()
    _, handovers, notes = services(store, clock)
    ask(store, ANN, "human", clock)
    await notes.deliver()
    opened = store.handover(ANN)
    assert isinstance(opened, Handover) and opened.is_open and opened.user_id == ANN
    assert opened.opened == opened.last_activity == clock.now
    assert opened.opened.tzinfo is not None
    assert store.open_handovers() == [opened]
    clock.advance(minutes=5)
    assert await handovers.from_prospect(ANN, "still there?")
    assert store.handover(ANN) == Handover(
        opened.id, ANN, opened.opened, clock.now, closed=None, closed_by=None
    )
    (line,) = store.transcript(ANN)
    assert line == TranscriptLine(clock.now, "in", "still there?")
    clock.advance(minutes=1)
    closed = store.close_handover(ANN, clock.now, "admin:900")
    assert closed is not None and closed.closed == clock.now and closed.closed_by == "admin:900"
    assert not closed.is_open and store.handover(ANN) is None and store.open_handovers() == []
    asked, opened_event, closed_event = store.events(ANN)
    assert asked == Event("asked", "main", "menu", None, ANN, opened.opened)
    assert (opened_event.kind, closed_event.kind) == ("handover_opened", "handover_closed")
    assert closed_event.detail == "admin:900" and closed_event.at == clock.now


def test_a_reload_with_many_warnings_shows_a_few_and_counts_the_rest() -> None:
    from bot.staff.commands import MAX_WARNINGS_SHOWN, reloaded_text
    from bot.staff.reload import ReloadOutcome

    lines = [f"dialogs/agency.yaml:{n}:7: warning: still a placeholder" for n in range(1, 23)]
    text = reloaded_text(ReloadOutcome(ok=True, report="\n".join(lines), summary="2 dialogs"))
    assert lines[0] in text and lines[MAX_WARNINGS_SHOWN - 1] in text
    assert lines[MAX_WARNINGS_SHOWN] not in text
    assert f"and {22 - MAX_WARNINGS_SHOWN} more warnings" in text
    few = reloaded_text(ReloadOutcome(ok=True, report="\n".join(lines[:3]), summary="2 dialogs"))
    assert all(line in few for line in lines[:3]) and "more warnings" not in few


def test_the_command_line_names_notes_no_admin_received(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    db = tmp_path / "bot.db"
    store = Store(db)
    long_ago = Clock()  # 2026-03-01: far past BOT_OUTBOX_ALERT_MINUTES
    ask(store, ANN, "contact", long_ago)
    ((row_id, _),) = store.pending_outbox()
    store.outbox_failed(row_id, long_ago.now, "900: Telegram: Chat not found")
    ask(store, BOB, "contact", Clock())
    store.mark_outbox(2, SENT, long_ago.now)  # Bob's reached an admin
    store.close()
    runner = CliRunner()
    listed = runner.invoke(cli, ["leads", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    assert "1 note(s) for the agency NOT delivered to any admin" in listed.output
    assert "Chat not found" in listed.output and "Leads: 1." in listed.output
    stats = runner.invoke(cli, ["stats", "--db", str(db)])
    assert "1 note(s) for the agency NOT delivered" in stats.output


async def test_the_note_is_marked_sent_as_soon_as_the_first_staff_member_has_it(
    store: Store,
) -> None:
    """A crash while the other staff members are tried must not send it to the first one
    again after the restart (found by the soak run)."""
    clock = Clock()
    out, _, notes = services(store, clock)
    ask(store, ANN, "contact", clock)
    first = out.to_staff

    async def crash_on_the_second(staff_id: int, html: str, action: object = None) -> object:
        if staff_id == STAFF[1]:
            raise KeyboardInterrupt  # the process dies here
        return await first(staff_id, html, action)  # type: ignore[arg-type]

    out.to_staff = crash_on_the_second  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        await notes.deliver()
    assert store.pending_outbox() == []  # the first one had it: it is not sent again
