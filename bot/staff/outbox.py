"""Leads and "talk to a person" requests, delivered to the agency's staff.

The engine writes each item to the store's outbox in the same transaction as the turn, so
delivery reads from there: an item a crash, an outage or an unreachable admin held back stays
there and is tried again on a timer until a staff member has it, instead of being lost.
Contact details go to the staff's chats and nowhere else: the log lines here carry row ids and
user ids only.

Transport-free: it talks to the ports (``ConversationStore``, ``OutboundSender``), so any
front-end (Telegram today, a web page for staff next) delivers through the same rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.base.money import Money
from bot.content.templates import format_money
from bot.core.ports import (
    Clock,
    ConversationStore,
    DeliveryError,
    MessageRef,
    OutboundSender,
    StaffAction,
    utc_now,
)
from bot.core.records import LeadField, LeadRecord, OutboxItem

log = logging.getLogger(__name__)

SENT, PENDING, SKIPPED = 1, 0, -1
BATCH = 100
CLOSE_HANDOVER, LEAD_HANDLED = "close_handover", "lead_handled"


RETRY_FIRST = timedelta(seconds=30)
"""The wait before a note that reached nobody is tried again; it doubles at each failed try."""
RETRY_MOST = timedelta(minutes=15)
"""The longest wait between two tries of one note."""
ALERT_AFTER = timedelta(minutes=30)
"""A note still undelivered after this long is reported loudly (``BOT_OUTBOX_ALERT_MINUTES``)."""


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min… at most 15 min."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MOST)


class HandoverOpener(Protocol):
    """What a delivered "talk to a person" request starts (``bot.staff.handover``)."""

    async def opened(self, item: OutboxItem, messages: list[MessageRef]) -> None: ...


class LeadNotes:
    """Delivers the outbox to the agency's staff, and keeps trying until someone has it.

    An item is delivered when at least one staff member received it. Until then it stays in the
    outbox and is tried again with a growing wait (``retry_delay``): after each turn that wrote
    a note, and on the timer of ``run`` — never depending on what was sent to the prospect.
    Past ``alert_after`` it is reported loudly: a warning in the log, a line in ``/stats`` and
    ``python -m bot leads`` (``overdue``), and a note to any staff member who can be reached.

    ``lead_fields``: which of a lead's other answers the notes show, with their labels (the
    plug-ins', ``bot.app.lead_fields``); None shows every answer by its slot name."""

    def __init__(
        self,
        store: ConversationStore,
        sender: OutboundSender,
        staff_ids: Sequence[int],
        handover: HandoverOpener | None = None,
        lead_fields: Sequence[LeadField] | None = None,
        *,
        clock: Clock = utc_now,
        alert_after: timedelta = ALERT_AFTER,
    ) -> None:
        self.store = store
        self.sender = sender
        self.staff_ids = tuple(staff_ids)
        self.handover = handover
        self.lead_fields = tuple(lead_fields) if lead_fields is not None else None
        self.clock = clock
        self.alert_after = alert_after
        self._lock = asyncio.Lock()  # two chats finishing together must not send a row twice
        self._wake = asyncio.Event()

    async def deliver(self, everything: bool = False) -> int:
        """Send every item that is due (``everything``: every undelivered one, as at
        start-up: an admin may have pressed Start meanwhile); how many reached someone.

        A row becomes SENT when at least one staff member got it, SKIPPED when the prospect
        has since erased themselves with /delete; otherwise it stays PENDING with its failed
        try counted and the next one scheduled. Once a note gets through, those waiting for
        their next try are tried at once: whoever was unreachable may be back. With no staff
        nothing is sent.
        """
        if not self.staff_ids:
            return 0
        delivered = 0
        async with self._lock:
            now = self.clock()
            delivered = await self._pass(now, due=None if everything else now)
            if delivered and not everything:
                delivered += await self._pass(now, due=None)
            await self._alert(now)
        self._wake.set()  # the timer of ``run`` looks again at when the next try is due
        return delivered

    def wake(self) -> None:
        """A turn wrote a note: ``run`` delivers it now rather than at its next tick."""
        self._wake.set()

    async def run(self, tick: float = 60.0) -> None:
        """The background loop: deliver what is due, then sleep until the next try is due (at
        most ``tick`` seconds) or ``wake`` is called. Never raises but ``CancelledError``."""
        store = self.store
        while True:
            try:
                await self.deliver()
                self._wake.clear()  # its own wake-up: only later ones cut the sleep short
                due = await store.call(store.next_outbox_try)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad row or a broken connection must not end the loop
                log.exception("outbox delivery failed")
                due = None
            wait = tick
            if due is not None:
                wait = min(max((due - self.clock()).total_seconds(), 0.5), tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def mark_handled(self, lead_id: int | str) -> bool:
        """A staff member dealt with a lead; False when there is no such lead."""
        raw, store = str(lead_id), self.store
        done = raw.isdigit() and await store.call(store.mark_lead, int(raw), "handled")
        log.info("lead=%s handled: %s", raw[:12], bool(done))
        return bool(done)

    async def overdue(self) -> list[tuple[int, OutboxItem]]:
        """The items no staff member has received after ``alert_after``, oldest first."""
        store = self.store
        return await store.call(store.undelivered_outbox, self.clock() - self.alert_after)

    async def _pass(self, now: datetime, due: datetime | None) -> int:
        store, delivered = self.store, 0
        for row_id, item in await store.call(store.pending_outbox, BATCH, due):
            if not item.user_id or await store.call(store.load, item.user_id) is None:
                await store.call(store.mark_outbox, row_id, SKIPPED)
                continue
            item = await self._with_latest_words(item, now)
            errors = await self._to_staff(item, row_id, now)
            if errors is None:  # marked sent already, as soon as the first one had it
                delivered += 1
                continue
            wait = retry_delay(item.attempts + 1)
            reason = "; ".join(errors) or "no staff member"
            tries = await store.call(store.outbox_failed, row_id, now + wait, reason)
            log.warning(
                "outbox=%s kind=%s reached no staff member (try %d), next in %ds: %s",
                row_id,
                item.kind,
                tries,
                wait.total_seconds(),
                reason[:160],
            )
        return delivered

    async def _with_latest_words(self, item: OutboxItem, now: datetime) -> OutboxItem:
        """A note that waited (nobody could be reached) carries what the prospect wrote
        meanwhile ("ci siete? è urgente"): the staff read it with the request, not never."""
        if not item.attempts or not item.created:
            return item
        store, since = self.store, datetime.fromisoformat(item.created)
        lines = await store.call(store.transcript, item.user_id, 20)
        later = [line.text for line in lines if line.direction == "in" and line.at >= since]
        recent = tuple(dict.fromkeys([*item.recent, *later]))[-_RECENT_LINES:]
        return dataclasses.replace(item, recent=recent)

    async def _to_staff(self, item: OutboxItem, row_id: int, now: datetime) -> list[str] | None:
        """Send one item to every staff member: None when at least one received it, else the
        reasons each one did not. The row is marked sent the moment the first one has it, so
        a crash while the others are tried never sends it again to that first one."""
        hook = self.handover if item.kind == "human" else None
        summary = note_html(item, self.sender.prospect_link, self.lead_fields)
        if item.attempts and item.created:
            summary = f"{late_html(item, self.clock())}\n{summary}"
        text = (
            f"{summary}\n\n{self.sender.reply_hint}" if hook and self.sender.reply_hint else summary
        )
        action = None
        if hook is not None:
            action = StaffAction(CLOSE_HANDOVER, item.user_id)
        elif item.kind == "lead" and item.lead_id:
            action = StaffAction(LEAD_HANDLED, str(item.lead_id))
        errors: list[str] = []
        sent: list[MessageRef] = []  # a reply to any of them finds the prospect
        for staff in self.staff_ids:
            try:
                got = await self.sender.to_staff(staff, text, action)
                if got and not sent:
                    store = self.store
                    await store.call(store.mark_outbox, row_id, SENT, now)
                sent.extend(got)
            except DeliveryError as exc:
                log.warning("outbox=%s staff=%s not delivered: %s", row_id, staff, exc.reason[:80])
                errors.append(f"{staff}: {exc.reason}")
        if hook is not None and sent:
            try:
                await hook.opened(item, sent)
            except Exception:  # the request reached the staff; the relay is a bonus
                log.exception("outbox=%s: handover not opened", row_id)
        log.info(
            "outbox=%s kind=%s user=%s delivered=%s", row_id, item.kind, item.user_id, bool(sent)
        )
        return None if sent else errors

    async def _alert(self, now: datetime) -> None:
        """Items undelivered past ``alert_after``, told once: to the log and to whoever of the
        staff can be reached (a note may fail for one and not for another)."""
        store = self.store
        late = await store.call(store.outbox_to_alert, now - self.alert_after)
        if not late:
            return
        minutes = round(self.alert_after.total_seconds() / 60)
        reasons = "; ".join(dict.fromkeys(item.last_error or "?" for _, item in late))
        log.warning(
            "%d note(s) for the agency undelivered for over %d min (%s). Check BOT_ADMIN_IDS: "
            "each admin must have pressed Start in a chat with the bot.",
            len(late),
            minutes,
            reasons[:300],
        )
        text = overdue_html(len(late), minutes, reasons)
        for staff in self.staff_ids:
            with contextlib.suppress(DeliveryError):  # the log line above is the loud part
                await self.sender.to_staff(staff, text)
        await store.call(store.outbox_alerted, [row_id for row_id, _ in late])


def late_html(item: OutboxItem, now: datetime) -> str:
    """The first line of a note that could not be delivered at once: since when it waited."""
    created = datetime.fromisoformat(item.created or now.isoformat())
    minutes = max(round((now - created).total_seconds() / 60), 1)
    return (
        f"⏱ <i>In ritardo di {minutes} min (scritto alle {created:%H:%M} UTC): nessun admin "
        f"raggiungibile · {minutes} min late (written at {created:%H:%M} UTC): no admin could "
        "be reached</i>"
    )


def overdue_html(count: int, minutes: int, reasons: str) -> str:
    """The alert to staff about notes nobody received for ``minutes``."""
    return (
        f"⚠️ <b>{count} note non consegnate da più di {minutes} min · {count} note(s) "
        f"undelivered for over {minutes} min</b>\n{html.escape(reasons[:500])}\n"
        "<i>Il bot riprova da solo; controllate BOT_ADMIN_IDS · The bot keeps trying; check "
        "BOT_ADMIN_IDS.</i>"
    )


# -- the note ------------------------------------------------------------------------------------

_KIND_TITLES = {
    "lead": "🆕 Nuovo contatto · New lead",
    "human": "🙋 Vuole parlare con una persona · Wants a person",
}
_FIELDS = (
    ("name", "Name"),
    ("business", "Business"),
    ("platform", "Platform"),
    ("contact", "Contact"),
)
_RECENT_MAX = 200  # characters per quoted message
_RECENT_LINES = 8  # messages quoted at most


def note_html(
    item: OutboxItem | Mapping[str, Any],
    link: Callable[[str], str] = html.escape,
    fields: Sequence[LeadField] | None = None,
) -> str:
    """A short HTML note for the agency's staff; every value the prospect typed is escaped.

    ``link`` names the prospect (a front-end's link to their chat); ``fields`` are the lead's
    other answers to show, labelled (None: every one, by its slot name)."""
    if not isinstance(item, OutboxItem):
        item = OutboxItem.from_json(item)
    lead = item.lead or LeadRecord(kind="")
    lines = [f"<b>{html.escape(_KIND_TITLES.get(item.kind, item.kind))}</b>"]
    for key, label in _FIELDS:
        value = getattr(lead, key)
        if value not in (None, ""):
            lines.append(f"<b>{label}:</b> {html.escape(str(value))}")
    if item.lead is not None:
        lines.append(f"<b>Consent:</b> {'yes' if lead.consent else 'no'}")
    lines.extend(_answers(lead, fields))
    lines.append(f"<b>Source:</b> {html.escape(item.source) if item.source else '—'}")
    if item.user_id:
        lines.append(f"<b>Chat:</b> {link(item.user_id)}")
    recent = [m for m in item.recent if m.strip()]
    if recent:
        lines.append("<b>Last messages:</b>")
        lines.extend(f"• {html.escape(_shorten(m))}" for m in recent)
    return "\n".join(lines)


def _answers(lead: LeadRecord, fields: Sequence[LeadField] | None) -> list[str]:
    """The lead's other answers (a plug-in's numbers, its projection): those of ``fields`` on
    one line, each after its label, and those marked ``own_line`` on lines of their own."""
    data = lead.data
    if fields is None:
        fields = [LeadField(str(key), str(key)) for key in data]
    shown = [(f, answer_text(data[f.slot], lead.lang)) for f in fields if f.slot in data]
    shown = [(f, text) for f, text in shown if text]
    inline = [f"{f.label} {text}" for f, text in shown if not f.own_line]
    lines = [f"<b>Answers:</b> {html.escape(', '.join(inline))}"] if inline else []
    lines.extend(
        f"<b>{html.escape(f.label)}:</b> {html.escape(text)}" for f, text in shown if f.own_line
    )
    return lines


def answer_text(value: Any, lang: str | None) -> str:
    """One answer as staff read it: money in the prospect's language («€ 100/month»), yes/no,
    numbers as typed (no thousands separators), anything else as text; "" for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        period = f"/{value.period.replace('_', ' ')}" if value.period else ""
        return format_money(value, lang or "") + period
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _RECENT_MAX else text[: _RECENT_MAX - 1] + "…"
