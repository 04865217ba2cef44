"""Leads and "talk to a person" requests, forwarded to the agency's admins on Telegram.

The engine writes each item to the store's ``outbox`` table in the same transaction as the
turn, so delivery reads from there: an item a crash or an outage held back goes out with the
next one (or at the next start) instead of being lost. Contact details go to the admins' chats
and nowhere else: the log lines here carry row ids and user ids only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.format import admin_summary, split_html
from bot.adapters.telegram.send import Sender
from bot.core.ports import ConversationStore as Store

log = logging.getLogger(__name__)

SENT, PENDING, SKIPPED = 1, 0, -1
BATCH = 100


class HandoverHook(Protocol):
    """What a "talk to a person" request needs: a Done button, and where its messages went."""

    hint: str

    def done_markup(self, user_id: str) -> InlineKeyboardMarkup: ...

    def opened(self, item: dict[str, Any], messages: list[tuple[int, int]]) -> None: ...


HANDLED_PREFIX = "lead:done:"  # + the lead's id
HANDLED_LABEL = "✅ Gestito · Handled"


def handled_markup(lead_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(HANDLED_LABEL, callback_data=f"{HANDLED_PREFIX}{lead_id}")]]
    )


class AdminOutbox:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        admin_ids: Sequence[int],
        handover: HandoverHook | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.admin_ids = tuple(admin_ids)
        self.handover = handover
        self._lock = asyncio.Lock()  # two chats finishing together must not send a row twice

    async def deliver(self, bot: Any) -> int:
        """Send every pending item; returns how many went out.

        A row becomes SENT when every admin got it or refused it for good (wrong id, bot
        blocked), SKIPPED when the prospect has since erased themselves with /delete; network
        failures leave it PENDING for the next try. With no admins configured nothing is sent.
        """
        if not self.admin_ids:
            return 0
        delivered = 0
        async with self._lock:
            for row_id, item in self.store.pending_outbox(BATCH):
                user_id = str(item.get("user_id") or "")
                if not item or (user_id and self.store.load(user_id) is None):
                    self.store.mark_outbox(row_id, SKIPPED)
                    continue
                if await self._to_admins(bot, item, row_id):
                    self.store.mark_outbox(row_id, SENT)
                    delivered += 1
        return delivered

    async def handled_pressed(self, bot: Any, query: Any) -> None:
        """An admin marks a lead as handled: stored on the lead, the button disappears."""
        raw = (query.data or "")[len(HANDLED_PREFIX) :]
        done = raw.isdigit() and self.store.mark_lead(int(raw), "handled")
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
        log.info("lead=%s handled by admin=%s: %s", raw[:12], query.from_user.id, bool(done))

    async def _to_admins(self, bot: Any, item: dict[str, Any], row_id: int) -> bool:
        hook = self.handover if item.get("kind") == "human" and item.get("user_id") else None
        summary = admin_summary(item)
        parts = split_html(f"{summary}\n\n{hook.hint}" if hook else summary)
        markup = hook.done_markup(str(item["user_id"])) if hook else None
        if markup is None and item.get("kind") == "lead" and item.get("lead_id"):
            markup = handled_markup(int(item["lead_id"]))
        done = True
        sent: list[tuple[int, int]] = []  # (admin chat, message): a reply to any finds the prospect
        for admin in self.admin_ids:
            try:
                for i, part in enumerate(parts):
                    last = i == len(parts) - 1
                    message = await self.sender.text(bot, admin, part, markup if last else None)
                    sent.append((admin, message.message_id))
            except (BadRequest, Forbidden) as exc:
                log.error("outbox=%s admin=%s refused: %s", row_id, admin, type(exc).__name__)
            except TelegramError as exc:
                log.warning("outbox=%s admin=%s not yet: %s", row_id, admin, type(exc).__name__)
                done = False
        if hook is not None and sent:
            try:
                hook.opened(item, sent)
            except Exception:  # the request reached the admins; the relay is a bonus
                log.exception("outbox=%s: handover not opened", row_id)
        log.info(
            "outbox=%s kind=%s user=%s delivered=%s",
            row_id,
            item.get("kind"),
            item.get("user_id"),
            done,
        )
        return done
