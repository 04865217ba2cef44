"""Protection around the Telegram adapter: per-chat ordering, flood control, log redaction.

Each piece keeps memory bounded: a chat's lock exists only while one of its updates is in
flight, the flood counters forget users who went quiet, and redaction needs no state per record.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import re
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


class Verdict(enum.Enum):
    OK = "ok"
    WARN = "warn"  # the first update over the limit: say so once
    DROP = "drop"  # further updates while flooding: silence


@dataclass
class _Sender:
    times: deque[float]
    warned: bool = False


class FloodGuard:
    """More than ``limit`` updates within ``window`` seconds: one warning, then ignore until calm.

    Calm means the sender's last ``limit + 1`` updates no longer fit in the window (ignored ones
    count, so someone who keeps hammering stays muted). Senders idle for a window are forgotten,
    and at most ``max_users`` are remembered, least recently active dropped first.
    """

    def __init__(
        self,
        limit: int = 20,
        window: float = 10.0,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_users = max_users
        self.clock = clock
        self._senders: OrderedDict[int | str, _Sender] = OrderedDict()

    def __len__(self) -> int:
        return len(self._senders)

    def hit(self, key: int | str) -> Verdict:
        now = self.clock()
        self._evict(now)
        sender = self._senders.get(key)
        if sender is None:
            sender = _Sender(deque(maxlen=self.limit + 1))
            self._senders[key] = sender
        else:
            self._senders.move_to_end(key)
        sender.times.append(now)
        flooding = len(sender.times) > self.limit and now - sender.times[0] < self.window
        if not flooding:
            sender.warned = False
            return Verdict.OK
        if sender.warned:
            return Verdict.DROP
        sender.warned = True
        return Verdict.WARN

    def _evict(self, now: float) -> None:
        while self._senders:
            key, oldest = next(iter(self._senders.items()))
            if len(self._senders) < self.max_users and now - oldest.times[-1] < self.window:
                return
            del self._senders[key]


@dataclass
class _ChatLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


FloodCallback = Callable[[Update], Awaitable[None]]
FinishedCallback = Callable[[int], Awaitable[None]]
"""Called with an update's id once it was handled, answered or deliberately ignored."""
SEEN = 10_000  # update ids remembered to handle each once (a kept update Telegram re-sends)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the user for chat-less updates such as inline queries)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatProcessor(BaseUpdateProcessor):
    """Different chats run concurrently; one chat's updates run one at a time, in arrival order.

    Flood control is applied here, at arrival, so a flooding sender's ignored updates never
    queue for the chat lock or reach the engine. Python 3.11's semaphore and lock are FIFO, and
    PTB starts one task per update in arrival order, so arrival order is processing order.

    An update id seen before in this process is not handled again (an update kept across a
    crash, ``bot.adapters.telegram.inbox``, that Telegram also sends again); ``finished`` hears
    of every update once it is done with, so the inbox can let it go.
    """

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        guard: FloodGuard | None = None,
        on_flood: FloodCallback | None = None,
        finished: FinishedCallback | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.guard = guard
        self.on_flood = on_flood
        self.finished = finished
        self._locks: dict[int, _ChatLock] = {}
        self._seen: OrderedDict[int, None] = OrderedDict()

    @property
    def chats_in_flight(self) -> int:
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is not None:
            if update_id in self._seen:
                _discard(coroutine)
                log.debug("update %s already handled: ignored", update_id)
                return
            self._seen[update_id] = None
            while len(self._seen) > SEEN:
                self._seen.popitem(last=False)
        try:
            await self._process(update, coroutine)
        finally:
            if update_id is not None and self.finished is not None:
                try:
                    await self.finished(update_id)
                except Exception as exc:  # it stays kept: handled again at the next start
                    log.warning("update %s not released: %s", update_id, type(exc).__name__)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        verdict = self._verdict(update)
        if verdict is Verdict.DROP:
            _discard(coroutine)
            log.debug("flood: update %s ignored", getattr(update, "update_id", None))
            return
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        slot = self._locks.get(key)
        if slot is None:
            slot = self._locks[key] = _ChatLock()
        slot.users += 1
        try:
            async with slot.lock:
                if verdict is Verdict.WARN and isinstance(update, Update):
                    _discard(coroutine)
                    await self._warn(update)
                else:
                    await coroutine
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._locks[key]

    def _verdict(self, update: object) -> Verdict:
        """Taps and messages are counted apart: a burst of taps on an old keyboard (each
        answered by a pop-up, the engine re-asks once per step) must not swallow the real
        message that follows it."""
        if self.guard is None or not isinstance(update, Update):
            return Verdict.OK
        user = update.effective_user
        if user is None or update.channel_post is not None:
            return Verdict.OK
        if update.callback_query is not None:
            return self.guard.hit(f"{user.id}:taps")
        return self.guard.hit(user.id)

    async def _warn(self, update: Update) -> None:
        user = update.effective_user
        log.info("flood: user=%s update=%s warned", user.id if user else None, update.update_id)
        if self.on_flood is None:
            return
        try:
            await self.on_flood(update)
        except Exception:  # a failed warning must not take the processor down
            log.exception("flood warning failed for update %s", update.update_id)

    async def initialize(self) -> None:
        """Nothing to allocate: locks are created per update."""

    async def shutdown(self) -> None:
        """Nothing to free: locks disappear with their last update."""


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close an update's coroutine we decided not to run, so Python does not warn about it."""
    close = getattr(coroutine, "close", None)
    if callable(close):
        close()


# -- log redaction -------------------------------------------------------------------------------

REDACTED = "<redacted>"
# Any bot token, even one we were not told about (e.g. a typo'd one in an error message).
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, text)


def install_redaction(*secrets: str | None) -> None:
    """Scrub the given secrets (and anything shaped like a bot token) from every log record.

    A record factory, unlike a handler filter, sees every record whichever logger or handler
    (pytest's caplog included) it goes to. httpx logs each request URL, which holds the token:
    it is also turned down to WARNING. PTB logs every update and request body at DEBUG (the
    prospect's words, contacts in admin notes): ``telegram`` is kept at INFO at most.
    """
    global _installed
    _secrets.update(s for s in secrets if s and len(s) >= 6)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ptb = logging.getLogger("telegram")
    if ptb.level < logging.INFO:
        ptb.setLevel(logging.INFO)
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    logging.setLogRecordFactory(factory)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is the logging module's problem, not ours
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact(text)
