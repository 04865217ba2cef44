"""``OutboundSender`` on Telegram: how the staff services (``bot.staff``) reach people here.

Staff are admin chats (``BOT_ADMIN_IDS``), prospects are ``tg:<id>`` users; a ``StaffAction``
becomes an inline button, a failure a ``DeliveryError`` with words for the admins.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.format import chat_link, split_html
from bot.adapters.telegram.send import Sender
from bot.core.ports import DeliveryError, MessageRef, StaffAction
from bot.staff.outbox import CLOSE_HANDOVER, LEAD_HANDLED

DONE_PREFIX = "ho:done:"  # + the prospect's user id, e.g. ho:done:tg:4201
DONE_LABEL = "✅ Done / Chiudi"
HANDLED_PREFIX = "lead:done:"  # + the lead's id
HANDLED_LABEL = "✅ Gestito · Handled"
REPLY_HINT = (
    "<i>↩️ Rispondi a questo messaggio per scrivere al cliente · Reply to this message to write "
    "to them. /done per chiudere · to close.</i>"
)


def prospect_chat(user_id: str) -> int | None:
    """The private chat of a Telegram prospect (``tg:<id>``); None for other adapters."""
    if user_id.startswith("tg:") and user_id[3:].isdigit():
        return int(user_id[3:])
    return None


def done_markup(user_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(DONE_LABEL, callback_data=f"{DONE_PREFIX}{user_id}"[:64])]]
    )


def handled_markup(lead_id: int | str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(HANDLED_LABEL, callback_data=f"{HANDLED_PREFIX}{lead_id}")]]
    )


def action_markup(action: StaffAction | None) -> InlineKeyboardMarkup | None:
    if action is None:
        return None
    if action.kind == CLOSE_HANDOVER:
        return done_markup(action.target)
    if action.kind == LEAD_HANDLED:
        return handled_markup(action.target)
    return None


def delivery_error(exc: TelegramError) -> DeliveryError:
    if isinstance(exc, Forbidden):
        reason, permanent = "il cliente ha bloccato il bot · the prospect blocked the bot", True
    elif isinstance(exc, BadRequest):
        reason, permanent = f"Telegram: {html.escape(str(exc))[:200]}", True
    else:
        reason, permanent = "rete · network; riprova · try again", False
    error = DeliveryError(reason, permanent=permanent)
    error.__cause__ = exc
    return error


class TelegramOutbound:
    """Implements ``bot.core.ports.OutboundSender`` with the adapter's ``Sender``.

    ``bot`` is PTB's ``Bot``, set once connected (``TelegramBot.post_init``)."""

    reply_hint = REPLY_HINT

    def __init__(self, sender: Sender, bot: Any = None) -> None:
        self.sender = sender
        self.bot = bot

    def prospect_link(self, user_id: str) -> str:
        return chat_link(user_id)

    async def to_staff(
        self, staff_id: int, html: str, action: StaffAction | None = None
    ) -> list[MessageRef]:
        return await self._text(staff_id, html, action_markup(action))

    async def to_prospect(self, user_id: str, html: str) -> list[MessageRef]:
        chat = prospect_chat(user_id)
        if chat is None:
            raise DeliveryError(f"not a Telegram user: {user_id}", permanent=True)
        return await self._text(chat, html, None)

    async def copy(self, origin: MessageRef, to: int | str) -> MessageRef | None:
        chat = to if isinstance(to, int) else prospect_chat(to)
        if chat is None:
            return None
        try:
            copied = await self.sender.call(
                "copyMessage", functools.partial(self.bot.copy_message, chat, *origin)
            )
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return (chat, copied.message_id)

    async def _text(
        self, chat: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> list[MessageRef]:
        parts = split_html(text)
        sent: list[MessageRef] = []
        try:
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                message = await self.sender.text(self.bot, chat, part, markup if last else None)
                sent.append((chat, message.message_id))
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return sent
