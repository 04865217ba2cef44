"""A person from the agency takes over a chat: the Telegram side of ``bot.staff.handover``.

The rules (open, relay, reply, close, quiet-time expiry) live in ``HandoverService``; here are
only Telegram's specifics: which update is a reply to which message, the Done button and its
pop-up, copying a photo or a voice note as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Message

from bot.adapters.telegram.format import media_kind
from bot.adapters.telegram.outbound import (
    DONE_PREFIX,
    REPLY_HINT,
    TelegramOutbound,
    done_markup,
    prospect_chat,
)
from bot.adapters.telegram.send import Sender
from bot.staff.handover import HandoverService

__all__ = ["DONE_PREFIX", "REPLY_HINT", "Handovers", "parse_user"]

log = logging.getLogger(__name__)

TOAST_MAX = 200  # answerCallbackQuery text limit


def parse_user(arg: str) -> str | None:
    """``/done 4201`` or ``/done tg:4201``: the prospect's user id."""
    arg = arg.strip()
    if arg.isdigit():
        return f"tg:{arg}"
    return arg if prospect_chat(arg) is not None else None


class Handovers:
    hint = REPLY_HINT
    done_markup = staticmethod(done_markup)

    def __init__(
        self, service: HandoverService, outbound: TelegramOutbound, sender: Sender
    ) -> None:
        self.service = service
        self.outbound = outbound
        self.sender = sender

    @property
    def timeout(self) -> Any:
        return self.service.timeout

    def _use(self, bot: Any) -> None:
        if bot is not None:
            self.outbound.bot = bot

    # -- the prospect's side --------------------------------------------------------------------

    async def relay(self, bot: Any, message: Message, user_id: str, text: str) -> None:
        """Pass on to the admins what the prospect sent, which the engine kept for them
        (``TurnResult.relay``: a handover is open); a photo or a voice note as it is."""
        self._use(bot)
        media = None if message.text is not None else (media_kind(message) or "message")
        await self.service.relay(user_id, text, media, (message.chat_id, message.message_id))

    # -- the admin's side -----------------------------------------------------------------------

    async def admin_reply(self, bot: Any, message: Message) -> bool:
        """An admin's reply to a request (or to a relayed message) goes to that prospect."""
        self._use(bot)
        original = message.reply_to_message
        if original is None:
            return False
        user_id = await self.service.prospect_of(message.chat_id, original.message_id)
        if user_id is None and "tg:" not in (original.text or ""):
            return False  # an ordinary reply: the admin is chatting with the bot
        if user_id is not None and prospect_chat(user_id) is None:
            user_id = None
        if message.text is not None:
            text, media = message.text, None
        else:
            text, media = message.caption or "", media_kind(message) or "message"
        await self.service.staff_reply(
            message.chat_id, user_id, text, media, (message.chat_id, message.message_id)
        )
        return True

    async def done_pressed(self, bot: Any, query: CallbackQuery, admin_name: str) -> None:
        self._use(bot)
        user_id = (query.data or "")[len(DONE_PREFIX) :]
        closed = await self.service.close(user_id, f"admin:{query.from_user.id}", admin_name)
        toast = "✅ Chiusa · Closed" if closed else "Era già chiusa · Already closed"
        await self.sender.quietly("answerCallbackQuery", lambda: query.answer(toast))
        message = query.message
        if isinstance(message, Message) and message.reply_markup is not None:
            await self.sender.quietly(
                "editMessageReplyMarkup",
                lambda: bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                ),
            )

    async def done_command(self, bot: Any, message: Message, args: str) -> None:
        """``/done`` as a reply to a request, or ``/done <user>``."""
        self._use(bot)
        user_id = parse_user(args) if args.strip() else None
        if user_id is None and message.reply_to_message is not None:
            user_id = await self.service.prospect_of(
                message.chat_id, message.reply_to_message.message_id
            )
        name = message.from_user.first_name if message.from_user else "admin"
        await self.service.done(message.chat_id, user_id, name)

    # -- closing ----------------------------------------------------------------------------------

    async def expire(self, bot: Any = None) -> int:
        """Close every handover quiet for longer than the timeout (``HandoverService.expire``)."""
        self._use(bot)
        return await self.service.expire()

    async def run_expiry(self, bot: Any = None) -> None:
        self._use(bot)
        await self.service.run_expiry()
