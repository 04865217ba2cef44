"""The seams of the engine: what it needs from the outside world, as protocols.

Each port has a default implementation (``bot.storage.sqlite.Store``,
``InProcessTurnLock`` below, ``bot.understanding.nlu.Understanding``, ``utc_now``) and may get a
second one (PostgreSQL, a lock across processes, a web page for staff) without the engine or the
staff services changing: they only ever see these protocols, in the manner of
python-telegram-bot's ``BasePersistence`` and Rasa's tracker and lock stores.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from bot.core.records import (
    Event,
    Funnel,
    Handover,
    LeadRecord,
    OutboxItem,
    ParkedUpdate,
    TranscriptLine,
)
from bot.core.state import Conversation, TurnRecord

T = TypeVar("T")


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

    languages: frozenset[str]
    """The languages it can tell a message is in; a message in any other is read as one of
    these, so the engine does not follow a detection to or from a language outside them."""

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
    timezone-aware ``datetime``. What comes back is typed (``bot.core.records``): leads, outbox
    items, transcript lines, events and handovers; a ``Money`` in a lead's data or an outbox
    item stays a ``Money``. Only ``iter_users`` yields dicts keyed by column: it is for an
    export (CSV) that writes every column as it is; nothing in the bot reads it today.
    """

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` — one of this store's methods — away from the event loop and
        return its result: async code (the engine, the staff services, the adapters) calls
        every method this way, so a slow disk or a lock held by another program delays only
        the turns that need the store, never the loop. Synchronous callers (the command line)
        call the methods directly."""
        ...

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

    def transcript(self, user_id: str, limit: int = 50) -> list[TranscriptLine]:
        """The last ``limit`` messages to and from the prospect, oldest first."""
        ...

    # -- staff's part --------------------------------------------------------------------------
    def leads(self) -> list[LeadRecord]: ...

    def events(self, user_id: str | None = None, kind: str | None = None) -> list[Event]:
        """Events with their ``user_id`` and ``at``, oldest first."""
        ...

    def iter_users(self) -> Iterator[dict[str, Any]]:
        """Rows of the prospects as dicts keyed by column, oldest first, for an export."""
        ...

    def mark_lead(self, lead_id: int, status: str) -> bool: ...

    def pending_outbox(
        self, limit: int = 50, due: datetime | None = None
    ) -> list[tuple[int, OutboxItem]]:
        """Undelivered items, oldest first; with ``due``, those whose next try is not later."""
        ...

    def mark_outbox(self, row_id: int, status: int, now: datetime | None = None) -> None:
        """1 = delivered (at ``now``), -1 = dropped (the prospect erased themselves)."""
        ...

    def outbox_failed(self, row_id: int, next_try: datetime, error: str) -> int:
        """A try reached nobody: counted, ``error`` kept, retried at ``next_try``; the tries."""
        ...

    def next_outbox_try(self) -> datetime | None:
        """When the earliest undelivered item is due (None: none is waiting)."""
        ...

    def undelivered_outbox(
        self, created_before: datetime | None = None
    ) -> list[tuple[int, OutboxItem]]:
        """Items no staff member has received (written before ``created_before``)."""
        ...

    def outbox_to_alert(self, created_before: datetime) -> list[tuple[int, OutboxItem]]:
        """Undelivered items written before ``created_before`` staff were not yet told of."""
        ...

    def outbox_alerted(self, row_ids: Iterable[int]) -> None: ...

    # -- updates in flight (a front-end's inbox) ------------------------------------------------
    def keep_updates(self, updates: Iterable[tuple[int, str | None, str]], now: datetime) -> None:
        """Keep (update id, user id, raw JSON) of updates received and not yet answered."""
        ...

    def kept_updates(self) -> list[tuple[int, str]]:
        """(update id, raw JSON) of the updates kept and not answered, oldest first."""
        ...

    def turn_answered(self, user_id: str | None, update_id: int) -> None:
        """The update is answered: it leaves the inbox, and the replies its turn kept in case
        of a crash (``bot.core.engine.UNSENT``) are forgotten."""
        ...

    def replies_sent(self, user_id: str, update_id: int, count: int) -> None:
        """The first ``count`` replies kept for ``update_id``'s turn were sent."""
        ...

    def update_failed(
        self,
        update_id: int,
        error: str,
        now: datetime,
        park_after: int = 3,
        row: tuple[str | None, str] | None = None,
    ) -> bool:
        """Handling the update failed (``error``: its kind, never its contents); parked once
        ``park_after`` attempts failed, ``row`` (user id, raw JSON) kept first if not kept
        yet. True when parked: never handled again, shown to admins."""
        ...

    def parked_updates(self) -> list[ParkedUpdate]:
        """The updates set aside, oldest first."""
        ...

    def scrub_wal(self, *, retry: bool = True) -> bool:
        """Make rows just deleted (an erasure, a prune) unreadable in the store's files too
        (SQLite: empty its write-ahead log); True when done, False when it will be tried again
        later (``retry``). A store with nothing of the kind returns True."""
        ...

    def set_unreachable(self, user_id: str, since: datetime | None) -> None:
        """The prospect blocked the bot at ``since``; None: reachable again."""
        ...

    def unreachable(self, user_id: str) -> bool: ...

    def open_handover(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]] = ()
    ) -> int: ...

    def handover(self, user_id: str) -> Handover | None:
        """The prospect's open handover, or None when the bot is answering them."""
        ...

    def open_handovers(self) -> list[Handover]: ...

    def handover_user(self, chat_id: int, message_id: int) -> str | None: ...

    def link_handover_messages(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]]
    ) -> None: ...

    def handover_message(self, user_id: str, now: datetime, direction: str, text: str) -> bool: ...

    def close_handover(self, user_id: str, now: datetime, by: str) -> Handover | None:
        """Close the open handover; the closed one, or None when none was open."""
        ...

    def funnel(self, since: datetime | None = None, source: str | None = None) -> Funnel:
        """Figures of the prospects who started on or after ``since``, from ``source``."""
        ...

    # -- retention -----------------------------------------------------------------------------
    def prune(
        self, before: datetime | None, leads_before: datetime | None = None, *, limit: int = 0
    ) -> PruneCounts:
        """Delete what is older than the retention, in one transaction: transcript lines and
        events written before ``before``, prospects (their conversation) silent since before
        it, delivered notes and closed handovers from before it; leads created before
        ``leads_before`` (None: every lead is kept). Never touched: a prospect a person is
        talking to, one with a note not yet delivered or a message not yet answered. None for
        ``before`` keeps all but the leads. ``limit`` (> 0): at most that many rows per table
        in this call, so a caller can prune in short transactions until nothing is left
        (``PruneCounts.full``). The rows deleted, per table."""
        ...

    def prunable(
        self, before: datetime | None, leads_before: datetime | None = None
    ) -> PruneCounts:
        """What ``prune`` with the same cut-offs would delete, per table; deletes nothing."""
        ...

    def close(self) -> None: ...


PRUNED_TABLES = (
    "transcript",
    "events",
    "conversations",
    "users",
    "leads",
    "outbox",
    "handovers",
    "handover_messages",
)
"""What retention deletes from, in the order ``PruneCounts`` lists them."""


@dataclass(frozen=True)
class PruneCounts:
    """Rows deleted (or that would be) by ``ConversationStore.prune``, per table: transcript
    lines, events, conversations and users (prospects silent for longer than the retention),
    leads, outbox rows (delivered notes), handovers (closed ones) and handover_messages (the
    links from staff's messages to a prospect)."""

    transcript: int = 0
    events: int = 0
    conversations: int = 0
    users: int = 0
    leads: int = 0
    outbox: int = 0
    handovers: int = 0
    handover_messages: int = 0

    def items(self) -> list[tuple[str, int]]:
        """(table, rows) in ``PRUNED_TABLES`` order."""
        return [(table, int(getattr(self, table))) for table in PRUNED_TABLES]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.items())

    def full(self, limit: int) -> bool:
        """Some table gave ``limit`` rows (> 0): there may be more left for another call."""
        return limit > 0 and any(n >= limit for _, n in self.items())

    def __add__(self, other: PruneCounts) -> PruneCounts:
        return PruneCounts(**{t: n + getattr(other, t) for t, n in self.items()})

    def summary(self) -> str:
        """One line for a log: ``transcript=120 events=340 …`` (every table, zeros too)."""
        return " ".join(f"{table}={n}" for table, n in self.items())


MessageRef = tuple[int, int]
"""(chat, message) of a message a front-end showed to staff or got from a prospect: a staff
member's reply to it finds the prospect (``ConversationStore.handover_user``)."""


class StoreBusy(Exception):
    """The store stayed locked by another program past its patience: the call did nothing
    (its transaction rolled back). Whoever made it keeps what it was given for later."""


class DeliveryError(Exception):
    """A message could not be delivered. ``permanent``: trying again will not help (the
    recipient blocked the bot, the address is wrong); otherwise a later try may succeed.
    ``reason`` is a short explanation for staff, in the front-end's words."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class StaffAction:
    """A one-press action offered under a note to staff: ``"close_handover"`` (target: the
    prospect's user id) or ``"lead_handled"`` (target: the lead's id). Each front-end draws it
    its own way (an inline button on Telegram, a form on a web page)."""

    kind: str
    target: str


class OutboundSender(Protocol):
    """How staff services reach people: the agency's staff and, during a handover, a prospect.

    Telegram implements it today (``bot.adapters.telegram.outbound``), a web page for staff may
    next. Texts are HTML of the Telegram subset (``<b> <i> <a> <pre>``), the lingua franca of
    the notes. Every method raises ``DeliveryError`` when a message does not arrive.
    """

    reply_hint: str
    """A line under a "talk to a person" request: how to answer the prospect from here."""

    async def to_staff(
        self, staff_id: int, html: str, action: StaffAction | None = None
    ) -> list[MessageRef]:
        """Deliver a note to one staff member (split if long); the messages it became."""
        ...

    async def to_prospect(self, user_id: str, html: str) -> list[MessageRef]:
        """Deliver a message to a prospect (a person's words during a handover)."""
        ...

    async def copy(self, origin: MessageRef, to: int | str) -> MessageRef | None:
        """Pass on a message as it is (a photo, a voice note) to a staff member (``int``) or
        a prospect (``str`` user id); None when the front-end cannot."""
        ...

    def prospect_link(self, user_id: str) -> str:
        """HTML naming the prospect, a link to their chat where the front-end has one."""
        ...
