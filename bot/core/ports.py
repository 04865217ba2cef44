"""The seams of the engine: what it needs from the outside world, as protocols.

Each port has a default implementation (``bot.storage.sqlite.SQLiteStore``,
``InProcessTurnLock`` below, ``bot.understanding.nlu.Understanding``, ``utc_now``) and may get a
second one (PostgreSQL, a lock across processes, a web page for staff) without the engine or the
staff services changing: they only ever see these protocols, in the manner of
python-telegram-bot's ``BasePersistence`` and Rasa's tracker and lock stores.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any, Protocol, runtime_checkable

from bot.core.records import Funnel
from bot.core.state import Conversation, TurnRecord


class Clock(Protocol):
    """The current time, timezone-aware (UTC). Injected so tests never sleep."""

    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    """The default ``Clock``: the machine's time in UTC."""
    return datetime.now(UTC)


@runtime_checkable
class Analysis(Protocol):
    """What the understanding made of one utterance."""

    text: str
    lang: str | None
    intent: str | None
    confidence: float
    entities: Any


class Understanding(Protocol):
    """Free text → language, intent and entities (``bot.understanding.nlu.Understanding``)."""

    def analyse(
        self, text: str, lang_prior: str | None = None, today: date | None = None
    ) -> Any: ...


class TurnLock(Protocol):
    """Turns of one prospect never overlap; turns of different prospects run freely."""

    def hold(self, user_id: str) -> Any:
        """An async context manager held for the whole turn of ``user_id``."""
        ...


class InProcessTurnLock:
    """The default ``TurnLock``: one ``asyncio.Lock`` per prospect, forgotten when unused."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @asynccontextmanager
    async def hold(self, user_id: str) -> AsyncIterator[None]:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        async with lock:
            yield


class ConversationStore(Protocol):
    """Where conversations, transcripts, leads, events, the outbox and handovers are kept.

    Every write is atomic: a crash leaves either all of a call's changes or none. Times are
    timezone-aware ``datetime``; rows come back as plain dicts keyed by column name.
    """

    # -- the engine's part ---------------------------------------------------------------------
    def load(self, user_id: str) -> Conversation | None:
        """The prospect's place in the conversation, or None for someone new."""
        ...

    def save_turn(self, turn: TurnRecord) -> None:
        """Write everything one turn changed, in one transaction."""
        ...

    def forget(self, user_id: str) -> None:
        """Erase everything about one prospect (the ``/delete`` command)."""
        ...

    def transcript(self, user_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The last ``limit`` messages to and from the prospect, oldest first."""
        ...

    # -- staff's part --------------------------------------------------------------------------
    def leads(self) -> list[dict[str, Any]]: ...

    def events(
        self, user_id: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]: ...

    def iter_users(self) -> Iterator[dict[str, Any]]: ...

    def mark_lead(self, lead_id: int, status: str) -> bool: ...

    def pending_outbox(self, limit: int = 50) -> list[tuple[int, dict[str, Any]]]: ...

    def mark_outbox(self, row_id: int, status: int) -> None: ...

    def open_handover(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]] = ()
    ) -> int: ...

    def handover(self, user_id: str) -> dict[str, Any] | None: ...

    def open_handovers(self) -> list[dict[str, Any]]: ...

    def handover_user(self, chat_id: int, message_id: int) -> str | None: ...

    def link_handover_messages(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]]
    ) -> None: ...

    def handover_message(self, user_id: str, now: datetime, direction: str, text: str) -> bool: ...

    def close_handover(self, user_id: str, now: datetime, by: str) -> dict[str, Any] | None: ...

    def funnel(self, since: datetime | None = None, source: str | None = None) -> Funnel:
        """Figures of the prospects who started on or after ``since``, from ``source``."""
        ...

    def close(self) -> None: ...


class OutboundSender(Protocol):
    """How staff services reach the agency's people (Telegram chats today, a web page next).

    ``send`` delivers one HTML message to one staff member and returns a handle of the sent
    message (``(chat_id, message_id)``) or None when it could not be delivered.
    """

    async def send(
        self, chat_id: int, html: str, buttons: tuple[tuple[str, str], ...] = ()
    ) -> tuple[int, int] | None: ...
