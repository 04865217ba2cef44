"""Leads and "talk to a person" requests for the admins: the Telegram side of
``bot.staff.outbox.LeadNotes`` (which items go to whom, delivered or dropped, lives there).

Here: the "Handled" button's press, and handing the connected ``Bot`` to the sender.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.adapters.telegram.outbound import (
    HANDLED_LABEL,
    HANDLED_PREFIX,
    TelegramOutbound,
    handled_markup,
)
from bot.adapters.telegram.send import Sender
from bot.staff.outbox import BATCH, PENDING, SENT, SKIPPED, LeadNotes

__all__ = [
    "BATCH",
    "HANDLED_LABEL",
    "HANDLED_PREFIX",
    "PENDING",
    "SENT",
    "SKIPPED",
    "AdminOutbox",
    "handled_markup",
]

log = logging.getLogger(__name__)


class AdminOutbox:
    def __init__(self, notes: LeadNotes, outbound: TelegramOutbound, sender: Sender) -> None:
        self.notes = notes
        self.outbound = outbound
        self.sender = sender

    @property
    def admin_ids(self) -> tuple[int, ...]:
        return self.notes.staff_ids

    @admin_ids.setter
    def admin_ids(self, ids: Sequence[int]) -> None:
        self.notes.staff_ids = tuple(ids)

    async def deliver(self, bot: Any = None, everything: bool = False) -> int:
        """Send the pending items that are due, or all of them (``LeadNotes.deliver``); how
        many went out."""
        if bot is not None:
            self.outbound.bot = bot
        return await self.notes.deliver(everything)

    async def handled_pressed(self, bot: Any, query: Any) -> None:
        """An admin marks a lead as handled: stored on the lead, the button disappears."""
        done = await self.notes.mark_handled((query.data or "")[len(HANDLED_PREFIX) :])
        toast = "✅ Segnato come gestito · Marked handled" if done else "Contatto non trovato"
        await self.sender.quietly("answerCallbackQuery", lambda: query.answer(toast))
        message = query.message
        if done and message is not None and getattr(message, "reply_markup", None) is not None:
            await self.sender.quietly(
                "editMessageReplyMarkup",
                lambda: bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                ),
            )
        log.info("lead handled by admin=%s: %s", query.from_user.id, done)
