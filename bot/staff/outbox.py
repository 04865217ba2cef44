"""Leads and "talk to a person" requests, delivered to the agency's staff.

The engine writes each item to the store's outbox in the same transaction as the turn, so
delivery reads from there: an item a crash or an outage held back goes out with the next one
(or at the next start) instead of being lost. Contact details go to the staff's chats and
nowhere else: the log lines here carry row ids and user ids only.

Transport-free: it talks to the ports (``ConversationStore``, ``OutboundSender``), so any
front-end (Telegram today, a web page for staff next) delivers through the same rules.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from bot.base.money import Money
from bot.content.templates import format_money
from bot.core.ports import ConversationStore, DeliveryError, MessageRef, OutboundSender, StaffAction
from bot.core.records import LeadField, LeadRecord, OutboxItem

log = logging.getLogger(__name__)

SENT, PENDING, SKIPPED = 1, 0, -1
BATCH = 100
CLOSE_HANDOVER, LEAD_HANDLED = "close_handover", "lead_handled"


class HandoverOpener(Protocol):
    """What a delivered "talk to a person" request starts (``bot.staff.handover``)."""

    def opened(self, item: OutboxItem, messages: list[MessageRef]) -> None: ...


class LeadNotes:
    """``lead_fields``: which of a lead's other answers the notes show, with their labels (the
    plug-ins', ``bot.app.lead_fields``); None shows every answer by its slot name."""

    def __init__(
        self,
        store: ConversationStore,
        sender: OutboundSender,
        staff_ids: Sequence[int],
        handover: HandoverOpener | None = None,
        lead_fields: Sequence[LeadField] | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.staff_ids = tuple(staff_ids)
        self.handover = handover
        self.lead_fields = tuple(lead_fields) if lead_fields is not None else None
        self._lock = asyncio.Lock()  # two chats finishing together must not send a row twice

    async def deliver(self) -> int:
        """Send every pending item; returns how many went out.

        A row becomes SENT when every staff member got it or refused it for good (wrong id,
        bot blocked), SKIPPED when the prospect has since erased themselves with /delete;
        passing failures leave it PENDING for the next try. With no staff nothing is sent.
        """
        if not self.staff_ids:
            return 0
        delivered = 0
        async with self._lock:
            for row_id, item in self.store.pending_outbox(BATCH):
                if not item.user_id or self.store.load(item.user_id) is None:
                    self.store.mark_outbox(row_id, SKIPPED)
                    continue
                if await self._to_staff(item, row_id):
                    self.store.mark_outbox(row_id, SENT)
                    delivered += 1
        return delivered

    def mark_handled(self, lead_id: int | str) -> bool:
        """A staff member dealt with a lead; False when there is no such lead."""
        raw = str(lead_id)
        done = raw.isdigit() and self.store.mark_lead(int(raw), "handled")
        log.info("lead=%s handled: %s", raw[:12], bool(done))
        return bool(done)

    async def _to_staff(self, item: OutboxItem, row_id: int) -> bool:
        hook = self.handover if item.kind == "human" else None
        summary = note_html(item, self.sender.prospect_link, self.lead_fields)
        text = (
            f"{summary}\n\n{self.sender.reply_hint}" if hook and self.sender.reply_hint else summary
        )
        action = None
        if hook is not None:
            action = StaffAction(CLOSE_HANDOVER, item.user_id)
        elif item.kind == "lead" and item.lead_id:
            action = StaffAction(LEAD_HANDLED, str(item.lead_id))
        done = True
        sent: list[MessageRef] = []  # a reply to any of them finds the prospect
        for staff in self.staff_ids:
            try:
                sent.extend(await self.sender.to_staff(staff, text, action))
            except DeliveryError as exc:
                if exc.permanent:
                    log.error("outbox=%s staff=%s refused: %s", row_id, staff, exc.reason[:80])
                else:
                    log.warning("outbox=%s staff=%s not yet: %s", row_id, staff, exc.reason[:80])
                    done = False
        if hook is not None and sent:
            try:
                hook.opened(item, sent)
            except Exception:  # the request reached the staff; the relay is a bonus
                log.exception("outbox=%s: handover not opened", row_id)
        log.info("outbox=%s kind=%s user=%s delivered=%s", row_id, item.kind, item.user_id, done)
        return done


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
