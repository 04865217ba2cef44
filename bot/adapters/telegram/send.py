"""Sending to Telegram so that a reply survives a bad moment: 429s, 5xx, dropped connections.

AIORateLimiter (installed on the Application) paces requests and retries 429s itself; this layer
adds retries with backoff for server and network errors, which the limiter does not touch, and
a plain-text fallback for HTML Telegram refuses, so a typo in a locale file never costs a reply.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.adapters.telegram.format import MAX_CAPTION, build_keyboard, split_html, utf16_len, visible
from bot.adapters.telegram.timing import network
from bot.core.messages import Media, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; both are handled
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Sender:
    """Every outgoing call of the adapter goes through ``call`` (or ``quietly``)."""

    def __init__(self, attempts: int = 4, backoff: float = 0.5) -> None:
        self.attempts = max(1, attempts)
        self.backoff = backoff

    async def call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Retry transient failures: 429 after the delay Telegram asks, 5xx/network with backoff.

        A 429 reaches us only if it outlasted the limiter's own retries. A request that timed
        out may still have reached Telegram, so a retried send can, rarely, arrive twice.
        """
        with network():  # Telegram's time, not the bot's own (bot.adapters.telegram.timing)
            return await self._retrying(what, call)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        attempt = 1
        while True:
            try:
                return await call()
            except RetryAfter as exc:
                if attempt >= self.attempts:
                    raise
                delay, error = retry_seconds(exc) + 0.1, type(exc).__name__
            except BadRequest:  # our fault (or the user's), not the network's: retrying won't help
                raise
            except NetworkError as exc:  # 5xx, timeouts, connection errors
                if attempt >= self.attempts:
                    raise
                delay, error = self.backoff * 2 ** (attempt - 1), type(exc).__name__
            log.warning(
                "%s failed (%s), retry %d/%d in %.1fs",
                what,
                error,
                attempt,
                self.attempts - 1,
                delay,
            )
            await asyncio.sleep(delay)
            attempt += 1

    async def quietly(self, what: str, call: Callable[[], Awaitable[Any]]) -> None:
        """For the niceties (typing, edits, answers): log a failure, never raise it."""
        try:
            await self.call(what, call)
        except TelegramError as exc:
            log.debug("%s skipped: %s", what, exc)

    async def reply(self, bot: Any, chat_id: int, reply: Reply) -> Message | None:
        """Send one engine reply; returns the message carrying its keyboard (the last part).

        A photo takes the text as caption when it fits in 1024 units; otherwise the text
        follows, split under 4096 units, with the keyboard on the last part.
        """
        markup = build_keyboard(reply.buttons)
        parts = split_html(reply.text) if reply.text else []
        last: Message | None = None
        media = reply.media
        image = _read(media, chat_id) if media is not None and media.kind == "photo" else None
        if image is not None:
            caption = parts[0] if len(parts) == 1 and utf16_len(parts[0]) <= MAX_CAPTION else None
            if caption is not None:
                parts = []
            last = await self.photo(bot, chat_id, image, caption, None if parts else markup)
        for i, part in enumerate(parts):
            last = await self.text(bot, chat_id, part, markup if i == len(parts) - 1 else None)
        if last is None and markup is not None:  # buttons with nothing to hang them on
            last = await self.text(bot, chat_id, "…", markup)
        return last

    async def text(
        self, bot: Any, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        try:
            return await self.call(
                "sendMessage",
                lambda: bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                ),
            )
        except BadRequest as exc:
            if "entit" not in str(exc).lower() and "parse" not in str(exc).lower():
                raise
            # broken HTML in the content: the words matter more than the bold
            log.error("chat=%s: HTML refused by Telegram (%s), sending plain text", chat_id, exc)
            return await self.call(
                "sendMessage",
                lambda: bot.send_message(
                    chat_id, visible(text), parse_mode=None, reply_markup=markup
                ),
            )

    async def photo(
        self,
        bot: Any,
        chat_id: int,
        image: tuple[str, bytes],
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> Message:
        name, data = image  # bytes, not a file object: a retry must send the whole file again
        return await self.call(
            "sendPhoto",
            lambda: bot.send_photo(
                chat_id,
                data,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                filename=name,
            ),
        )


def _read(media: Media, chat_id: int) -> tuple[str, bytes] | None:
    """A missing chart loses the picture, not the words: the text is still sent."""
    path = Path(media.path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.error("chat=%s: media %s unreadable: %s", chat_id, path.name, type(exc).__name__)
        return None
    if media.owned:
        # the bytes travel with every retry; a file the engine made for this reply (a chart)
        # was only the hand-over, and keeping one per prospect would fill the disk. Media the
        # engine does not own (the content's own pictures) stays where it is.
        path.unlink(missing_ok=True)
    return path.name, data
