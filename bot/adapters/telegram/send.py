"""Sending to Telegram so that a reply survives a bad moment: 429s, 5xx, dropped connections.

AIORateLimiter (installed on the Application) paces requests and retries 429s itself; this layer
adds retries with backoff for server and network errors, which the limiter does not touch, and
a plain-text fallback for HTML Telegram refuses, so a typo in a locale file never costs a reply.
"""

from __future__ import annotations

import asyncio
import logging
import time
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


MAX_PAUSE = 15.0  # seconds: the longest pause between two tries of a patient send


class Abandoned(NetworkError):
    """A patient send given up because the bot is stopping (``Sender.stop``), not because
    Telegram refused it: what it carried must be kept for the next start, not dropped."""


class Sender:
    """Every outgoing call of the adapter goes through ``call`` (or ``quietly``).

    ``attempts`` bounds the tries of an ordinary call (an admin note, which has its own
    outbox and timer; an edit); ``patience`` (seconds) bounds the tries of a prospect's
    replies (``reply``), which have no other way to arrive: an outage of a few minutes costs
    them time, not words. Pauses double from ``backoff`` up to ``MAX_PAUSE``, and end early
    once any other call gets through: Telegram is back, so the waiting replies go at once.
    """

    def __init__(self, attempts: int = 4, backoff: float = 0.5, patience: float = 900.0) -> None:
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.patience = patience
        self._stopping = asyncio.Event()
        self._back = asyncio.Event()  # set (then replaced) when a call gets through
        self._waiting = 0  # patient sends pausing now

    def stop(self) -> None:
        """The bot is stopping: patient sends waiting for their next try give up now
        (``Abandoned``), so a stop takes seconds, not the patience."""
        self._stopping.set()

    async def call(
        self, what: str, call: Callable[[], Awaitable[T]], *, patient: bool = False
    ) -> T:
        """Retry transient failures: 429 after the delay Telegram asks, 5xx/network with backoff;
        ``patient``: for up to ``patience`` seconds, else ``attempts`` tries.

        A 429 reaches us only if it outlasted the limiter's own retries. A request whose answer
        was lost (a read timeout, a dropped connection) may still have reached Telegram, and
        the Bot API has no way to ask whether it did (no idempotency key, no reading a chat's
        history), so a retried send can, rarely, arrive twice; a request that never left
        (the connection refused) cannot.
        """
        with network():  # Telegram's time, not the bot's own (bot.adapters.telegram.timing)
            return await self._retrying(what, call, patient)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]], patient: bool) -> T:
        attempt, started = 1, time.monotonic()
        while True:
            failure: TelegramError
            try:
                result = await call()
            except RetryAfter as exc:
                failure, delay = exc, retry_seconds(exc) + 0.1
            except BadRequest:  # our fault (or the user's), not the network's: retrying won't help
                raise
            except NetworkError as exc:  # 5xx, timeouts, connection errors
                failure, delay = exc, min(self.backoff * 2 ** (attempt - 1), MAX_PAUSE)
            else:
                if self._waiting:  # Telegram answers again: wake the sends pausing for it
                    self._back.set()
                    self._back = asyncio.Event()
                return result
            if patient:
                waited = time.monotonic() - started
                if waited + delay > self.patience:
                    raise failure
                left = f"for {self.patience - waited:.0f}s more"
            else:
                if attempt >= self.attempts:
                    raise failure
                left = f"{attempt}/{self.attempts - 1}"
            log.warning(
                "%s failed (%s), retry %s in %.1fs", what, type(failure).__name__, left, delay
            )
            if patient:
                await self._pause(delay)
                if self._stopping.is_set():
                    raise Abandoned(f"{what}: the bot is stopping") from failure
            else:
                await asyncio.sleep(delay)
            attempt += 1

    async def _pause(self, delay: float) -> None:
        """Wait ``delay`` seconds, or less: until the bot stops or another call gets through."""
        waits = [
            asyncio.ensure_future(self._stopping.wait()),
            asyncio.ensure_future(self._back.wait()),
        ]
        self._waiting += 1
        try:
            await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting -= 1
            for wait in waits:
                wait.cancel()

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
            last = await self.photo(
                bot, chat_id, image, caption, None if parts else markup, patient=True
            )
        for i, part in enumerate(parts):
            last = await self.text(
                bot, chat_id, part, markup if i == len(parts) - 1 else None, patient=True
            )
        if last is None and markup is not None:  # buttons with nothing to hang them on
            last = await self.text(bot, chat_id, "…", markup, patient=True)
        return last

    async def text(
        self,
        bot: Any,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        patient: bool = False,
    ) -> Message:
        try:
            return await self.call(
                "sendMessage",
                lambda: bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                ),
                patient=patient,
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
                patient=patient,
            )

    async def photo(
        self,
        bot: Any,
        chat_id: int,
        image: tuple[str, bytes],
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
        *,
        patient: bool = False,
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
            patient=patient,
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
