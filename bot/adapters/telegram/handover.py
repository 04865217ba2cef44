"""A person from the agency takes over a chat, on Telegram, until they hand it back.

The handover lives in SQLite (``Store.open_handover`` and friends), not in memory, so a restart
changes nothing: the admin's reply still finds the prospect through the message it answers,
the prospect's messages still go to the admins, and the quiet-time expiry still runs. While a
handover is open the engine does not answer that prospect at all.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.format import split_html, visible
from bot.adapters.telegram.send import Sender
from bot.core.engine import Engine

log = logging.getLogger(__name__)

DONE_PREFIX = "ho:done:"  # + the prospect's user id, e.g. ho:done:tg:4201
DONE_LABEL = "✅ Done / Chiudi"
REPLY_HINT = (
    "<i>↩️ Rispondi a questo messaggio per scrivere al cliente · Reply to this message to write "
    "to them. /done per chiudere · to close.</i>"
)
# a prospect may still erase themselves while a person is talking to them
PASS_THROUGH = ("/delete", "/cancella")
TOAST_MAX = 200  # answerCallbackQuery text limit


def prospect_chat(user_id: str) -> int | None:
    """The private chat of a Telegram prospect (``tg:<id>``); None for other adapters."""
    if user_id.startswith("tg:") and user_id[3:].isdigit():
        return int(user_id[3:])
    return None


def parse_user(arg: str) -> str | None:
    """``/done 4201`` or ``/done tg:4201``: the prospect's user id."""
    arg = arg.strip()
    if arg.isdigit():
        return f"tg:{arg}"
    return arg if prospect_chat(arg) is not None else None


class Handovers:
    hint = REPLY_HINT  # under each request the admins get

    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        admin_ids: Sequence[int],
        timeout: timedelta = timedelta(minutes=60),
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.admin_ids = tuple(admin_ids)
        self.timeout = timeout

    @property
    def store(self) -> Any:
        return self.engine.store

    def now(self) -> datetime:
        return self.engine.clock()

    # -- opening: the request reached the admins ---------------------------------------------------

    @staticmethod
    def done_markup(user_id: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(DONE_LABEL, callback_data=f"{DONE_PREFIX}{user_id}"[:64])]]
        )

    def opened(self, item: dict[str, Any], messages: list[tuple[int, int]]) -> None:
        """The AdminOutbox delivered a request: from now on a person answers this prospect."""
        user_id = str(item.get("user_id") or "")
        if not user_id or not messages or self.store.load(user_id) is None:
            return
        self.store.open_handover(user_id, self.now(), messages)
        log.info("handover open user=%s admin messages=%d", user_id, len(messages))

    # -- the prospect's side --------------------------------------------------------------------

    async def from_prospect(self, bot: Any, message: Message, user_id: str, text: str) -> bool:
        """Relay what the prospect sent to the admins instead of answering it; False if no
        handover is open (the engine answers as usual)."""
        if self.store.handover(user_id) is None:
            return False
        if text.strip().lower().split("@")[0].split(" ")[0] in PASS_THROUGH:
            return False
        media = None if message.text is not None else _media_kind(message)
        described = text if message.text is not None else f"[{media or 'message'}]"
        if not self.store.handover_message(user_id, self.now(), "in", described):
            return False
        conv = self.store.load(user_id)
        name = html.escape((conv.first_name if conv else None) or "?")
        head = f"💬 <b>{name}</b> · {_chat_link(user_id)}"
        body = html.escape(text) if message.text is not None else f"<i>{html.escape(described)}</i>"
        sent: list[tuple[int, int]] = []
        for admin in self.admin_ids:
            try:
                for part in split_html(f"{head}\n{body}"):
                    note = await self.sender.text(bot, admin, part)
                    sent.append((admin, note.message_id))
                if message.text is None:  # a photo, a voice note…: the admins see the original
                    copy = await self.sender.call(
                        "copyMessage",
                        functools.partial(
                            bot.copy_message, admin, message.chat_id, message.message_id
                        ),
                    )
                    sent.append((admin, copy.message_id))
            except TelegramError as exc:
                log.warning("relay user=%s admin=%s failed: %s", user_id, admin, type(exc).__name__)
        self.store.link_handover_messages(user_id, self.now(), sent)
        log.info("handover relay user=%s -> %d admin message(s)", user_id, len(sent))
        return True

    async def prospect_pressed(self, query: CallbackQuery, user_id: str) -> bool:
        """A button pressed while a person is talking: a short pop-up, nothing else."""
        data = query.data or ""
        if data.startswith("del.") or self.store.handover(user_id) is None:
            return False
        conv = self.store.load(user_id)
        toast = self.engine.text("handover.paused", conv.lang if conv else self.engine.default_lang)
        await self.sender.quietly(
            "answerCallbackQuery", lambda: query.answer(visible(toast)[:TOAST_MAX] or None)
        )
        return True

    # -- the admin's side -----------------------------------------------------------------------

    async def admin_reply(self, bot: Any, message: Message) -> bool:
        """An admin's reply to a request (or to a relayed message) goes to that prospect."""
        original = message.reply_to_message
        if original is None:
            return False
        user_id = self.store.handover_user(message.chat_id, original.message_id)
        if user_id is None and "tg:" not in (original.text or ""):
            return False  # an ordinary reply: the admin is chatting with the bot
        chat = prospect_chat(user_id or "")
        conv = self.store.load(user_id) if user_id else None
        if user_id is None or conv is None or chat is None:
            # a note about a prospect who has since erased themselves (links erased too)
            await self._note(
                bot,
                message.chat_id,
                "🗑 Questo cliente ha cancellato i suoi dati · This prospect erased their data.",
            )
            return True
        if self.store.handover(user_id) is None:  # answering a closed request reopens it
            self.store.open_handover(user_id, self.now())
        prefix = self.engine.text("handover.from_team", conv.lang)
        words = message.text if message.text is not None else (message.caption or "")
        described = words if message.text is not None else f"[{_media_kind(message)}] {words}"
        try:
            if message.text is not None:
                for part in split_html(f"{prefix}\n{html.escape(words, quote=False)}"):
                    await self.sender.text(bot, chat, part)
            else:
                await self.sender.text(bot, chat, prefix or "…")
                await self.sender.call(
                    "copyMessage",
                    lambda: bot.copy_message(chat, message.chat_id, message.message_id),
                )
        except TelegramError as exc:
            log.warning("handover reply user=%s failed: %s", user_id, type(exc).__name__)
            why = (
                "il cliente ha bloccato il bot · the prospect blocked the bot"
                if isinstance(exc, Forbidden)
                else f"Telegram: {html.escape(str(exc))[:200]}"
                if isinstance(exc, BadRequest)
                else "rete · network; riprova · try again"
            )
            await self._note(bot, message.chat_id, f"⚠️ Non consegnato · Not delivered: {why}.")
            return True
        self.store.handover_message(user_id, self.now(), "out", f"[team] {described.strip()}")
        log.info("handover reply admin=%s -> user=%s", message.chat_id, user_id)
        return True

    async def done_pressed(self, bot: Any, query: CallbackQuery, admin_name: str) -> None:
        user_id = (query.data or "")[len(DONE_PREFIX) :]
        closed = await self.close(bot, user_id, f"admin:{query.from_user.id}", admin_name)
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
        user_id = parse_user(args) if args.strip() else None
        if user_id is None and message.reply_to_message is not None:
            user_id = self.store.handover_user(message.chat_id, message.reply_to_message.message_id)
        if user_id is None:
            await self._note(
                bot,
                message.chat_id,
                "Rispondi a una richiesta con /done, oppure /done &lt;id&gt; · "
                "Reply to a request with /done, or send /done &lt;id&gt;.",
            )
            return
        name = message.from_user.first_name if message.from_user else "admin"
        closed = await self.close(bot, user_id, f"admin:{message.chat_id}", name)
        if not closed:
            await self._note(
                bot,
                message.chat_id,
                f"Nessuna chat aperta con {html.escape(user_id)} · No open chat with them.",
            )

    # -- closing ----------------------------------------------------------------------------------

    async def close(
        self, bot: Any, user_id: str, by: str, who: str, timed_out: bool = False
    ) -> bool:
        """Hand the prospect back to the bot and tell them what happens next."""
        conv = self.store.load(user_id)
        key = "handover.timed_out" if timed_out else "handover.closed"
        text = self.engine.text(key, conv.lang if conv else self.engine.default_lang)
        if conv is not None:
            self.store.handover_message(user_id, self.now(), "out", text)
        if self.store.close_handover(user_id, self.now(), by) is None:
            return False
        log.info("handover closed user=%s by=%s", user_id, by)
        chat = prospect_chat(user_id)
        if chat is not None and conv is not None and text:
            try:
                await self.sender.text(bot, chat, text)
            except TelegramError as exc:
                log.warning("handover close user=%s not told: %s", user_id, type(exc).__name__)
        name = html.escape((conv.first_name if conv else None) or "?")
        if timed_out:
            minutes = round(self.timeout.total_seconds() / 60, 1)
            note = (
                f"⏱ Chat con <b>{name}</b> ({_chat_link(user_id)}) chiusa dopo {minutes:g} min "
                f"di silenzio · closed after {minutes:g} quiet minutes."
            )
        else:
            note = (
                f"✅ Chat con <b>{name}</b> ({_chat_link(user_id)}) chiusa da "
                f"{html.escape(who)} · closed by {html.escape(who)}."
            )
        for admin in self.admin_ids:
            await self._note(bot, admin, note)
        return True

    async def expire(self, bot: Any) -> int:
        """Close every handover quiet for longer than the timeout; how many were closed."""
        now = self.now()
        closed = 0
        for row in self.store.open_handovers():
            try:
                last = datetime.fromisoformat(row["last_activity"] or row["opened"])
            except (TypeError, ValueError):
                last = now - self.timeout
            if now - last >= self.timeout and await self.close(
                bot, row["user_id"], "timeout", "timeout", timed_out=True
            ):
                closed += 1
        return closed

    async def run_expiry(self, bot: Any) -> None:
        """The background loop behind ``expire``: a few checks per timeout, at most a minute."""
        every = min(max(self.timeout.total_seconds() / 4, 0.05), 60.0)
        while True:
            await asyncio.sleep(every)
            try:
                await self.expire(bot)
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad row or a network blip must not end the loop
                log.exception("handover expiry failed")

    async def _note(self, bot: Any, chat_id: int, text: str) -> None:
        try:
            await self.sender.text(bot, chat_id, text)
        except TelegramError as exc:
            log.warning("note to admin=%s failed: %s", chat_id, type(exc).__name__)


def _chat_link(user_id: str) -> str:
    chat = prospect_chat(user_id)
    if chat is None:
        return html.escape(user_id)
    return f'<a href="tg://user?id={chat}">{html.escape(user_id)}</a>'


def _media_kind(message: Message) -> str:
    from bot.adapters.telegram.bot import media_kind

    return media_kind(message) or "message"
