"""The SQLite file: users, conversations, transcript, leads, events.

One row per user holds where their conversation is, so memory never grows with the number of
prospects. Each turn is written in one transaction (``Database.atomic``): a crash at any moment
leaves either the whole turn or none of it, so nobody loses their place and no lead is doubled.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlite_utils

from bot.base.money import Money
from bot.core.ports import PRUNED_TABLES, PruneCounts, StoreBusy
from bot.core.records import (
    NO_SOURCE,
    Event,
    Funnel,
    Handover,
    LeadRecord,
    OutboxItem,
    ParkedUpdate,
    TranscriptLine,
    money_hook,
)
from bot.core.state import Conversation, TurnRecord
from bot.storage.migrations import SchemaTooNew as SchemaTooNew  # what opening may raise
from bot.storage.migrations import migrate

# The schema is built and upgraded by ``bot.storage.migrations`` (ordered, named, recorded in
# the file's ``migrations`` table, the one record of the schema's version).
log = logging.getLogger("bot.storage")

LEAD_COLUMNS = (
    "user_id",
    "created",
    "name",
    "business",
    "platform",
    "contact",
    "consent",
    "source",
    "lang",
    "kind",
    "data",
    "status",
)


# Prospects in the middle of something, whom retention leaves alone whatever their age: a
# person of the agency is talking to them (open handover), a note about them has not reached
# the staff yet (undelivered outbox row), or a message of theirs is not answered yet (inbox).
_LIVE = (
    "(select user_id from handovers where closed is null and user_id is not null "
    "union select user_id from outbox where sent = 0 and user_id is not null "
    "union select user_id from inbox where user_id is not null)"
)


def _utc(moment: datetime) -> str:
    """A cut-off as the rows write their times (ISO, UTC, to the second); naive means UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


_LAST_ROWID = 2**63 - 1


def _older(table: str, column: str) -> str:
    """Rows of ``table`` whose ``column`` (an ISO time) is before the cut-off: two ``?``, both
    the cut-off. No index on the time: these tables are written in time order (the transcript
    and the events are appended, a conversation is written anew each turn), so their rowids
    follow time; the first row at or after the cut-off, found by reading from the oldest, bounds
    a rowid range. An index would cost every message about 40 bytes (a fifth more; see
    ``benchmarks/bench_storage.py``). A row written out of order (a clock set back) is still
    compared by its time: never deleted early, at worst as late as the clock went back."""
    first_kept = f"(select rowid from [{table}] where [{column}] >= ? order by rowid limit 1)"
    return f"rowid < coalesce({first_kept}, {_LAST_ROWID}) and [{column}] < ?"


def _retention_rules(
    before: datetime | None, leads_before: datetime | None
) -> list[tuple[str, str, list[Any]]]:
    """(table, where, arguments) of the rows retention deletes, in ``PRUNED_TABLES`` order.

    Each rule stands on its own (none depends on another's rows being gone), so counting them
    (``prunable``) says exactly what deleting them (``prune``) does, in any order of batches.
    """
    rules: list[tuple[str, str, list[Any]]] = []
    if before is not None:
        b = _utc(before)
        # a person of the agency who wrote to them since ``before`` keeps them from being idle
        spoken_to = (
            "(select user_id from handovers where last_activity >= ? and user_id is not null)"
        )
        kept_leads = "(select user_id from leads where user_id is not null"
        kept_args: list[Any] = []
        if leads_before is not None:
            kept_leads += " and created >= ?"
            kept_args.append(_utc(leads_before))
        kept_leads += ")"
        rules += [
            ("transcript", f"{_older('transcript', 'at')} and user_id not in {_LIVE}", [b, b]),
            (
                "events",
                f"{_older('events', 'at')} and (user_id is null or user_id not in {_LIVE})",
                [b, b],
            ),
            (
                "conversations",
                f"{_older('conversations', 'updated')} and user_id not in {_LIVE} "
                f"and user_id not in {spoken_to}",
                [b, b, b],
            ),
            (
                "users",
                f"last_seen < ? and id not in {_LIVE} and id not in {spoken_to} "
                f"and id not in {kept_leads}",
                [b, b, *kept_args],
            ),
        ]
    if leads_before is not None:
        rules.append(("leads", f"created < ? and user_id not in {_LIVE}", [_utc(leads_before)]))
    if before is not None:
        b = _utc(before)
        rules += [
            ("outbox", "sent != 0 and created < ?", [b]),
            ("handovers", "closed is not null and closed < ?", [b]),
            ("handover_messages", f"created < ? and user_id not in {_LIVE}", [b]),
        ]
    order = {table: i for i, table in enumerate(PRUNED_TABLES)}
    return sorted(rules, key=lambda rule: order[rule[0]])


def _int_list(raw: Any) -> list[int]:
    try:
        value = json.loads(raw or "[]")
    except (TypeError, json.JSONDecodeError):
        return []
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


def _str_list(raw: Any) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except (TypeError, json.JSONDecodeError):
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _dict(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except (TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _json_value(value: Any) -> Any:
    """Values JSON does not know: a ``Money`` as its small dict, anything else as text."""
    if isinstance(value, Money):
        return value.to_json()
    return str(value)


def _dumps(value: Any) -> str:
    """The JSON of slots, lead data and outbox payloads alike: a ``Money`` keeps its amount,
    currency and period (read back by ``bot.core.records.money_hook``)."""
    return json.dumps(value, ensure_ascii=False, default=_json_value)


P = ParamSpec("P")
T = TypeVar("T")


def busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection (a backup, ``bot stats``, a second bot
    by mistake) holds the lock we need; waiting helps, unlike any other operational error."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def when_free(method: Callable[P, T]) -> Callable[P, T]:
    """Run a write again while the database is locked by someone else, for up to the store's
    ``patience`` (seconds): a lock held by another process delays a turn, it never loses it.

    Each try is a whole transaction (the method's ``atomic`` block rolled back), so a retry
    writes everything once. Raises ``StoreBusy`` past the patience.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        store = args[0]
        assert isinstance(store, Store)
        started, delay, told = time.monotonic(), 0.05, False
        while True:
            try:
                return method(*args, **kwargs)
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if not busy(error):
                    raise
                if waited >= store.patience:
                    raise StoreBusy(
                        f"{store.path.name} stayed locked for {waited:.0f} s: {error}"
                    ) from error
                if not told:
                    log.warning(
                        "database %s is locked by another program: %s waits for it",
                        store.path.name,
                        method.__name__,
                    )
                    told = True
            time.sleep(min(delay, max(store.patience - waited, 0.0)))
            delay = min(delay * 2, 1.0)

    return wrapper


class Store:
    """The default ``ConversationStore``: one SQLite file (WAL), one connection.

    ``busy_timeout``: seconds SQLite itself waits for a lock before a write is tried again;
    ``patience``: seconds a write keeps trying (``when_free``) before it gives up.
    Called from the event loop, every method goes through ``call``, which runs it on the
    store's own worker thread: the loop never waits for the disk or for a lock.
    """

    def __init__(
        self, path: str | Path, *, busy_timeout: float = 2.0, patience: float = 600.0
    ) -> None:
        self.path = Path(path)
        memory = str(path) == ":memory:"
        if not memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # one user of the connection at a time: the worker thread, and a synchronous caller
        # (the command line, tests); re-entrant, as writes read inside their transaction
        self._lock = threading.RLock()
        self.patience = patience
        self._worker: ThreadPoolExecutor | None = None
        self._closed = False
        # the connection is used by the worker thread (``call``) and, between turns, by
        # synchronous callers (the command line, tests): ``_lock`` and the worker serialise them
        self._busy_timeout = busy_timeout
        conn = sqlite3.connect(
            ":memory:" if memory else str(path), timeout=busy_timeout, check_same_thread=False
        )
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        # what is deleted is overwritten with zeros, in the file and in the write-ahead log's
        # new pages: an erased prospect leaves no trace once ``forget`` empties the log
        self.db.execute("PRAGMA secure_delete=ON")
        # the log still holding erased data (``forget`` could not empty it yet): retried
        self._scrub_due: float | None = None
        self._scrub_timer: threading.Timer | None = None
        self._scrub_tries = 0
        self._create(wal=not memory)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` (one of this store's methods) on the store's worker thread, so the
        event loop goes on serving other prospects while the disk or a lock is slow.

        One thread, so calls run in the order they were made; a cancelled caller does not
        cancel a write already started (it completes, whole)."""
        if self._closed:
            raise RuntimeError(f"the store {self.path.name} is closed")
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="bot-store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(fn, *args))

    def _rows(self, sql: str, args: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """The rows of one query, read under the store's lock: the worker thread and a
        synchronous caller (the command line, a test) never interleave on the connection."""
        with self._lock:
            return list(self.db.query(sql, args if isinstance(args, dict) else list(args)))

    @when_free
    def _create(self, wal: bool = True) -> None:
        """Create or upgrade the schema in place (a database of any older version keeps its rows).
        Another program holding the write lock (a pending migration needs it) is waited for, up
        to ``patience``; an up-to-date file needs no lock at all.

        Raises:
            SchemaTooNew: a newer version of the bot has migrated this file.
            StoreBusy: the file stayed locked past the patience.
        """
        if wal:
            self.db.enable_wal()  # a no-op (and no lock) on a file already in WAL mode
        # the migrations applied now (none: it was up to date); `bot.cli` tells staff too
        fresh = not self.db.table_names()
        self.migrated = migrate(self.db)
        if self.migrated and fresh:
            log.info("database %s created", self.path)
        elif self.migrated:
            log.info("database %s upgraded: %s", self.path, ", ".join(self.migrated))

    # -- reading -------------------------------------------------------------------------------

    def load(self, user_id: str) -> Conversation | None:
        rows = list(
            self._rows(
                "select c.*, u.lang, u.first_name, u.source from conversations c "
                "join users u on u.id = c.user_id where c.user_id = ?",
                [user_id],
            )
        )
        if not rows:
            return None
        row = rows[0]
        try:
            slots = json.loads(row["slots"] or "{}", object_hook=money_hook)
        except json.JSONDecodeError:
            slots = {}
        return Conversation(
            user_id=user_id,
            lang=row["lang"],
            dialog=row["dialog"],
            state=row["state"],
            slots=slots if isinstance(slots, dict) else {},
            step=row["step"] or 0,
            tries=row["tries"] or 0,
            lang_locked=bool(row["lang_locked"]),
            recent_inputs=_int_list(row.get("recent_inputs")),
            history=_str_list(row.get("history")),
            resume=row.get("resume") or None,
            memory=_dict(row.get("memory")),
            first_name=row["first_name"],
            source=row["source"],
        )

    @when_free
    def leads(self) -> list[LeadRecord]:
        return [LeadRecord.from_json(row) for row in self._rows("select * from leads order by id")]

    def events(self, user_id: str | None = None, kind: str | None = None) -> list[Event]:
        where, args = [], []
        if user_id is not None:
            where.append("user_id = ?")
            args.append(user_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "select * from events" + (" where " + " and ".join(where) if where else "")
        return [Event.from_row(row) for row in self._rows(sql + " order by id", args)]

    def transcript(self, user_id: str, limit: int = 50) -> list[TranscriptLine]:
        rows = list(
            self._rows(
                "select at, direction, text from transcript where user_id = ? "
                "order by id desc limit ?",
                [user_id, limit],
            )
        )
        return [TranscriptLine.from_row(row) for row in reversed(rows)]

    def iter_users(self) -> Iterator[dict[str, Any]]:
        """Rows of ``users`` as dicts keyed by column, oldest first, for an export."""
        yield from self._rows("select * from users order by first_seen")

    # -- writing -------------------------------------------------------------------------------

    @when_free
    def save_turn(self, turn: TurnRecord) -> None:
        """Write the whole turn in one transaction.

        Plain prepared statements here rather than sqlite-utils' ``insert``/``upsert``: those
        introspect the schema on every call (~30 queries a turn, 5 ms); this is the hot path.
        """
        conv, now = turn.conversation, turn.now.isoformat(timespec="seconds")
        run = self.db.conn.execute
        with self._lock, self.db.atomic():
            run(
                "insert into users (id, lang, first_name, source, first_seen, last_seen) "
                "values (?, ?, ?, ?, ?, ?) on conflict(id) do update set lang = excluded.lang, "
                "first_name = excluded.first_name, source = excluded.source, "
                "last_seen = excluded.last_seen, unreachable = null",
                [conv.user_id, conv.lang, conv.first_name, conv.source, now, now],
            )
            run(
                "insert or replace into conversations (user_id, dialog, state, slots, step, "
                "tries, lang_locked, recent_inputs, history, resume, memory, updated) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    conv.user_id,
                    conv.dialog,
                    conv.state,
                    _dumps(conv.slots),
                    conv.step,
                    conv.tries,
                    int(conv.lang_locked),
                    json.dumps(conv.recent_inputs),
                    json.dumps(conv.history),
                    conv.resume,
                    json.dumps(conv.memory),
                    now,
                ],
            )
            self.db.conn.executemany(
                "insert into transcript (user_id, at, direction, text) values (?, ?, ?, ?)",
                [(conv.user_id, now, d, t) for d, t in turn.transcript],
            )
            self.db.conn.executemany(
                "insert into events (user_id, at, kind, dialog, state, detail) "
                "values (?, ?, ?, ?, ?, ?)",
                [
                    (
                        conv.user_id,
                        now,
                        e.kind,
                        e.dialog if e.dialog is not None else conv.dialog,
                        e.state if e.state is not None else conv.state,
                        e.detail,
                    )
                    for e in turn.events
                ],
            )
            lead_ids: dict[int, int] = {}  # id() of the record -> its row
            for lead in turn.leads:
                row = {
                    "user_id": conv.user_id,
                    "created": now,
                    "name": lead.name,
                    "business": lead.business,
                    "platform": lead.platform,
                    "contact": lead.contact,
                    "consent": int(lead.consent),
                    "source": conv.source,
                    "lang": conv.lang,
                    "kind": lead.kind,
                    "data": _dumps(lead.data),
                    "status": lead.status,
                }
                lead_ids[id(lead)] = int(
                    run(
                        f"insert into leads ({', '.join(LEAD_COLUMNS)}) "
                        f"values ({', '.join('?' * len(LEAD_COLUMNS))})",
                        [row[c] for c in LEAD_COLUMNS],
                    ).lastrowid
                    or 0
                )
            first_lead = next(iter(lead_ids.values()), None)
            self.db.conn.executemany(
                "insert into outbox (created, user_id, kind, payload, sent) values (?, ?, ?, ?, 0)",
                [
                    (
                        now,
                        conv.user_id,
                        item.kind,
                        # the agency's note points at its lead, so "handled" can be marked
                        _dumps(self._outbox_payload(item, lead_ids, first_lead, conv.lang)),
                    )
                    for item in turn.outbox
                ],
            )

    @staticmethod
    def _outbox_payload(
        item: OutboxItem, lead_ids: dict[int, int], first_lead: int | None, lang: str | None
    ) -> dict[str, Any]:
        payload = item.to_json()
        if item.lead_id is None:
            payload["lead_id"] = lead_ids.get(id(item.lead), first_lead)
        if item.lead is not None and payload["lead"] is not None:
            payload["lead"].setdefault("id", payload["lead_id"])
            payload["lead"].setdefault("lang", lang)  # as its row has it: money is shown in it
        return payload

    @when_free
    def forget(self, user_id: str) -> None:
        """Erase everything about one prospect (the ``/delete`` command, staff erasing them):
        the rows of every table with a ``user_id`` column (the rule for tables about
        prospects, ``bot.storage.migrations``) and their ``users`` row, in one transaction.

        Then nothing of theirs is left in the files either: the connection runs with
        ``secure_delete`` (deleted rows overwritten with zeros) and the write-ahead log, which
        still holds the rows as they were, is checkpointed and emptied (``scrub_wal``). When
        another program keeps the log from being emptied now (a reader, a writer), that is
        logged and retried until it succeeds (``scrub_pending``)."""
        with self._lock, self.db.atomic():
            tables = [
                table
                for table in self.db.table_names()
                if any(
                    row[1] == "user_id"
                    for row in self.db.execute(f"pragma table_info([{table}])").fetchall()
                )
            ]
            for table in tables:
                self.db.execute(f"delete from [{table}] where user_id = ?", [user_id])
            self.db.execute("delete from users where id = ?", [user_id])
        self.scrub_wal()

    # -- erased data out of the write-ahead log -------------------------------------------------

    SCRUB_RETRY = (1.0, 60.0)
    """Seconds before the first new try at emptying the log, and the most between two tries
    (doubling from one to the other)."""

    def scrub_wal(self, *, retry: bool = True) -> bool:
        """Copy the write-ahead log into the file and empty it (``wal_checkpoint(truncate)``),
        so rows deleted since (with ``secure_delete``: zeroed) are gone from every file. True
        when done; False when another connection reading or writing the file kept the log
        from being emptied: logged once, and tried again on a timer (1 s, doubling up to a
        minute) until it succeeds or the store closes (``retry=False``: no timer). Never waits
        for the other program."""
        if str(self.path) == ":memory:":
            return True
        with self._lock:
            self.db.execute("pragma busy_timeout=0")  # the other program is not waited for
            try:
                held = int(self.db.execute("pragma wal_checkpoint(truncate)").fetchone()[0])
            except sqlite3.OperationalError as error:  # a lock taken meanwhile: try again
                if not busy(error):
                    raise
                held = 1
            finally:
                self.db.execute(f"pragma busy_timeout={int(self._busy_timeout * 1000)}")
            if not held:
                if self._scrub_due is not None:
                    log.info(
                        "%s-wal emptied after %d more tries: the erased data is gone from it",
                        self.path.name,
                        self._scrub_tries,
                    )
                self._scrub_due, self._scrub_tries = None, 0
                return True
            first = self._scrub_due is None
            if not retry:
                self._scrub_due = self._scrub_due or time.monotonic()
                return False
            delay = min(self.SCRUB_RETRY[0] * 2**self._scrub_tries, self.SCRUB_RETRY[1])
            self._scrub_tries += 1
            self._scrub_due = time.monotonic() + delay
            if first:
                log.warning(
                    "%s-wal still holds erased data: another program is reading or writing "
                    "%s, so the log cannot be emptied now; trying again in %.0f s, and until "
                    "it works",
                    self.path.name,
                    self.path.name,
                    delay,
                )
            timer = threading.Timer(delay, self._scrub_again)
            timer.daemon = True
            if self._scrub_timer is not None:
                self._scrub_timer.cancel()
            self._scrub_timer = timer
            timer.start()
            return False

    @property
    def scrub_pending(self) -> bool:
        """True while erased data may still be in the write-ahead log (``scrub_wal``)."""
        return self._scrub_due is not None

    def _scrub_again(self) -> None:
        try:
            with self._lock:
                if not self._closed:  # ``close`` had the last try
                    self.scrub_wal()
        except Exception:  # the timer thread has no one to tell but the log
            log.exception("emptying %s-wal failed", self.path.name)

    # -- messages for the agency ----------------------------------------------------------------

    @when_free
    def mark_lead(self, lead_id: int, status: str) -> bool:
        """Staff's progress on a lead ("handled"); False when there is no such lead."""
        with self._lock, self.db.atomic():
            cursor = self.db.conn.execute(
                "update leads set status = ? where id = ?", [status, lead_id]
            )
        return cursor.rowcount > 0

    def pending_outbox(
        self, limit: int = 50, due: datetime | None = None
    ) -> list[tuple[int, OutboxItem]]:
        """(row id, item) of messages for the agency not yet delivered, oldest first; with
        ``due``, only those whose next try (``outbox_failed``) is not after it.

        A row whose payload cannot be read could never be delivered: it is marked dropped (-1)
        here rather than returned again and again.
        """
        where, args = "sent = 0", []
        if due is not None:
            where += " and (next_try is null or next_try <= ?)"
            args.append(due.isoformat(timespec="seconds"))
        return self._outbox_rows(where, args, limit)

    def undelivered_outbox(
        self, created_before: datetime | None = None
    ) -> list[tuple[int, OutboxItem]]:
        """Every item no staff member has received yet, oldest first, with its ``attempts``
        and ``last_error``; with ``created_before``, only those written before it (overdue)."""
        where, args = "sent = 0", []
        if created_before is not None:
            where += " and created < ?"
            args.append(created_before.isoformat(timespec="seconds"))
        return self._outbox_rows(where, args, None)

    def next_outbox_try(self) -> datetime | None:
        """When the earliest undelivered item is due again (None: nothing is waiting); an item
        never tried is due at once (its creation time)."""
        rows = list(
            self._rows("select min(coalesce(next_try, created)) as due from outbox where sent = 0")
        )
        due = rows[0]["due"] if rows else None
        return datetime.fromisoformat(due) if due else None

    def _outbox_rows(
        self, where: str, args: list[Any], limit: int | None
    ) -> list[tuple[int, OutboxItem]]:
        rows = self._rows(
            "select id, created, user_id, kind, payload, attempts, last_error from outbox "
            f"where {where} order by id" + (" limit ?" if limit is not None else ""),
            [*args, limit] if limit is not None else args,
        )
        out: list[tuple[int, OutboxItem]] = []
        unreadable: list[int] = []
        for row in rows:
            try:
                raw = json.loads(row["payload"])
            except (TypeError, json.JSONDecodeError):
                raw = None
            if not isinstance(raw, dict) or not raw:
                unreadable.append(int(row["id"]))
                continue
            raw.setdefault("user_id", row["user_id"])
            raw.setdefault("kind", row["kind"])
            item = OutboxItem.from_json(
                raw,
                created=row["created"],
                attempts=int(row["attempts"] or 0),
                last_error=row["last_error"],
            )
            out.append((int(row["id"]), item))
        for row_id in unreadable:
            self.mark_outbox(row_id, -1)
        return out

    @when_free
    def mark_outbox(self, row_id: int, status: int, now: datetime | None = None) -> None:
        """1 = delivered (at ``now``), -1 = dropped (e.g. the prospect erased themselves)."""
        at = now.isoformat(timespec="seconds") if now is not None and status == 1 else None
        with self._lock, self.db.atomic():
            self.db.execute(
                "update outbox set sent = ?, delivered = coalesce(?, delivered) where id = ?",
                [status, at, row_id],
            )

    @when_free
    def outbox_failed(self, row_id: int, next_try: datetime, error: str) -> int:
        """A try reached no staff member: count it, keep why, and when to try again. Returns
        the number of tries so far."""
        with self._lock, self.db.atomic():
            self.db.execute(
                "update outbox set attempts = attempts + 1, next_try = ?, last_error = ? "
                "where id = ?",
                [next_try.isoformat(timespec="seconds"), error[:300], row_id],
            )
            rows = list(self._rows("select attempts from outbox where id = ?", [row_id]))
        return int(rows[0]["attempts"]) if rows else 0

    @when_free
    def outbox_alerted(self, row_ids: Iterable[int]) -> None:
        """Staff were told these items are overdue: they are not told again."""
        with self._lock, self.db.atomic():
            self.db.conn.executemany(
                "update outbox set alerted = 1 where id = ?", [(i,) for i in row_ids]
            )

    def outbox_to_alert(self, created_before: datetime) -> list[tuple[int, OutboxItem]]:
        """Undelivered items written before ``created_before`` that staff were not told of."""
        return self._outbox_rows(
            "sent = 0 and alerted = 0 and created < ?",
            [created_before.isoformat(timespec="seconds")],
            None,
        )

    # -- updates in flight, replies not yet sent ------------------------------------------------

    @when_free
    def keep_updates(self, updates: Iterable[tuple[int, str | None, str]], now: datetime) -> None:
        """Write (update id, user id, raw JSON) of updates just received, before Telegram is
        told they arrived; one already kept is left as it is."""
        at = now.isoformat(timespec="seconds")
        with self._lock, self.db.atomic():
            self.db.conn.executemany(
                "insert or ignore into inbox (update_id, user_id, received, payload) "
                "values (?, ?, ?, ?)",
                [(update_id, user, at, payload) for update_id, user, payload in updates],
            )

    def kept_updates(self) -> list[tuple[int, str]]:
        """(update id, raw JSON) of updates received and not finished, oldest first."""
        return [
            (int(row["update_id"]), str(row["payload"]))
            for row in self._rows(
                "select update_id, payload from inbox where parked is null order by update_id"
            )
        ]

    @when_free
    def update_failed(
        self,
        update_id: int,
        error: str,
        now: datetime,
        park_after: int = 3,
        row: tuple[str | None, str] | None = None,
    ) -> bool:
        """Handling the update failed with ``error`` (the kind of failure, never its contents):
        one more attempt counted, and the update parked once ``park_after`` attempts failed
        (``park_after=1``: parked now). ``row`` (user id, raw JSON) keeps an update not kept
        yet. True when it is parked: no longer handled at start-up."""
        at = now.isoformat(timespec="seconds")
        with self._lock, self.db.atomic():
            if row is not None:
                self.db.execute(
                    "insert or ignore into inbox (update_id, user_id, received, payload) "
                    "values (?, ?, ?, ?)",
                    [update_id, row[0], at, row[1]],
                )
            self.db.execute(
                "update inbox set attempts = attempts + 1, error = ?, "
                "parked = case when attempts + 1 >= ? then ? else parked end "
                "where update_id = ?",
                [error[:200], park_after, at, update_id],
            )
            found = self.db.execute(
                "select parked from inbox where update_id = ?", [update_id]
            ).fetchone()
        return bool(found and found[0])

    def parked_updates(self) -> list[ParkedUpdate]:
        """The updates set aside (``update_failed``), oldest first."""
        return [
            ParkedUpdate(
                int(row["update_id"]),
                str(row["received"]),
                str(row["parked"]),
                str(row["error"] or ""),
                int(row["attempts"]),
            )
            for row in self._rows(
                "select update_id, received, parked, error, attempts from inbox "
                "where parked is not null order by update_id"
            )
        ]

    @when_free
    def turn_answered(self, user_id: str | None, update_id: int) -> None:
        """The update is finished with: its row leaves the inbox and, for a turn, the replies
        kept in case of a crash (``bot.core.engine.UNSENT``) go too."""
        with self._lock, self.db.atomic():
            self.db.execute("delete from inbox where update_id = ?", [update_id])
            if user_id is not None:
                self.db.execute(
                    "update conversations set memory = json_remove(memory, '$.unsent') "
                    "where user_id = ? and json_extract(memory, '$.unsent.input') = ?",
                    [user_id, update_id],
                )

    @when_free
    def replies_sent(self, user_id: str, update_id: int, count: int) -> None:
        """The first ``count`` replies kept for ``update_id``'s turn went out: a crash now
        resends only the rest."""
        with self._lock, self.db.atomic():
            self.db.execute(
                "update conversations set memory = json_set(memory, '$.unsent.sent', ?) "
                "where user_id = ? and json_extract(memory, '$.unsent.input') = ?",
                [count, user_id, update_id],
            )

    # -- prospects Telegram no longer lets us write to ----------------------------------------

    @when_free
    def set_unreachable(self, user_id: str, since: datetime | None) -> None:
        """The prospect blocked the bot at ``since`` (None: they can be written to again)."""
        at = since.isoformat(timespec="seconds") if since is not None else None
        with self._lock, self.db.atomic():
            self.db.execute("update users set unreachable = ? where id = ?", [at, user_id])

    def unreachable(self, user_id: str) -> bool:
        """True while the prospect has blocked the bot (as far as we know)."""
        rows = list(self._rows("select unreachable from users where id = ?", [user_id]))
        return bool(rows and rows[0]["unreachable"])

    # -- a person takes over --------------------------------------------------------------------

    @when_free
    def open_handover(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]] = ()
    ) -> int:
        """Open (or keep open) ``user_id``'s handover and link these (chat, message) of admins."""
        at = now.isoformat()
        with self._lock, self.db.atomic():
            row = self._open_handover(user_id)
            if row is None:
                table = self.db.table("handovers")
                table.insert({"user_id": user_id, "opened": at, "last_activity": at})
                handover_id = int(table.last_pk or 0)
                self._event(user_id, at, "handover_opened", None)
            else:
                handover_id = int(row["id"])
                self.db.execute(
                    "update handovers set last_activity = ? where id = ?", [at, handover_id]
                )
            self._link(user_id, at, messages)
        return handover_id

    def handover(self, user_id: str) -> Handover | None:
        """The prospect's open handover, if a person is talking to them now."""
        row = self._open_handover(user_id)
        return Handover.from_row(row) if row is not None else None

    def open_handovers(self) -> list[Handover]:
        return [
            Handover.from_row(row)
            for row in self._rows("select * from handovers where closed is null order by id")
        ]

    def handover_user(self, chat_id: int, message_id: int) -> str | None:
        """The prospect an admin's message is about (open handover or not)."""
        rows = list(
            self._rows(
                "select user_id from handover_messages where chat_id = ? and message_id = ?",
                [chat_id, message_id],
            )
        )
        return str(rows[0]["user_id"]) if rows else None

    @when_free
    def link_handover_messages(
        self, user_id: str, now: datetime, messages: Iterable[tuple[int, int]]
    ) -> None:
        with self._lock, self.db.atomic():
            self._link(user_id, now.isoformat(), messages)

    @when_free
    def handover_message(self, user_id: str, now: datetime, direction: str, text: str) -> bool:
        """Record a message of the handover in the transcript; False if none is open."""
        at = now.isoformat()
        with self._lock, self.db.atomic():
            row = self._open_handover(user_id)
            if row is None:
                return False
            self.db.execute(
                "update handovers set last_activity = ? where id = ?", [at, int(row["id"])]
            )
            self.db.table("transcript").insert(
                {"user_id": user_id, "at": at, "direction": direction, "text": text}
            )
        return True

    @when_free
    def close_handover(self, user_id: str, now: datetime, by: str) -> Handover | None:
        """Close the open handover; the closed row, or None if it was not open (closed twice)."""
        at = now.isoformat()
        with self._lock, self.db.atomic():
            row = self._open_handover(user_id)
            if row is None:
                return None
            self.db.execute(
                "update handovers set closed = ?, closed_by = ? where id = ?",
                [at, by[:64], int(row["id"])],
            )
            self._event(user_id, at, "handover_closed", by[:64])
        return Handover.from_row({**row, "closed": at, "closed_by": by[:64]})

    def _open_handover(self, user_id: str) -> dict[str, Any] | None:
        rows = list(
            self._rows(
                "select * from handovers where user_id = ? and closed is null "
                "order by id desc limit 1",
                [user_id],
            )
        )
        return rows[0] if rows else None

    def _link(self, user_id: str, at: str, messages: Iterable[tuple[int, int]]) -> None:
        self.db.table("handover_messages").upsert_all(
            (
                {"chat_id": chat, "message_id": mid, "user_id": user_id, "created": at}
                for chat, mid in messages
            ),
            pk=("chat_id", "message_id"),
        )

    def _event(self, user_id: str, at: str, kind: str, detail: str | None) -> None:
        conv = list(
            self._rows("select dialog, state from conversations where user_id = ?", [user_id])
        )
        where = conv[0] if conv else {"dialog": None, "state": None}
        self.db.table("events").insert(
            {"user_id": user_id, "at": at, "kind": kind, "detail": detail, **where}
        )

    # -- figures for staff ---------------------------------------------------------------------

    @when_free
    def funnel(self, since: datetime | None = None, source: str | None = None) -> Funnel:
        """Prospects who started on or after ``since``, from ``source`` (``NO_SOURCE``: none)."""
        where, args = ["1 = 1"], []
        if since is not None:
            where.append("u.first_seen >= ?")
            args.append(since.isoformat(timespec="seconds"))
        if source is not None:
            if source == NO_SOURCE:
                where.append("u.source is null")
            else:
                where.append("u.source = ?")
                args.append(source)
        users_sql = f"select u.* from users u where {' and '.join(where)}"
        funnel = Funnel()
        ids: list[str] = []
        for user in self._rows(users_sql, args):
            ids.append(user["id"])
            funnel.started += 1
            funnel.unreachable += 1 if user.get("unreachable") else 0
            funnel.languages[user["lang"] or "?"] += 1
            key = user["source"] or NO_SOURCE
            funnel.by_source.setdefault(key, {"started": 0, "leads": 0})["started"] += 1
        if not ids:
            return funnel
        chosen = f"select u.id from users u where {' and '.join(where)}"
        for row in self._rows(
            f"select dialog || '.' || state as place, count(distinct user_id) as n from events "
            f"where kind = 'enter' and user_id in ({chosen}) group by place",
            args,
        ):
            funnel.reached[row["place"]] = row["n"]
        for row in self._rows(
            f"select dialog || '.' || state as place, count(*) as n from conversations "
            f"where user_id in ({chosen}) group by place",
            args,
        ):
            funnel.stopped[row["place"]] = row["n"]
        for row in self._rows(
            f"select l.kind, coalesce(u.source, ?) as src, count(distinct l.user_id) as n "
            f"from leads l join users u on u.id = l.user_id where l.user_id in ({chosen}) "
            f"group by l.kind, src",
            [NO_SOURCE, *args],
        ):
            if row["kind"] == "human":
                funnel.handovers += row["n"]
            else:
                funnel.leads += row["n"]
                funnel.by_source.setdefault(row["src"], {"started": 0, "leads": 0})["leads"] += row[
                    "n"
                ]
        for row in self._rows(
            f"select lower(trim(detail)) as msg, count(*) as n from events "
            f"where kind = 'not_understood' and user_id in ({chosen}) group by msg",
            args,
        ):
            funnel.not_understood[row["msg"]] = row["n"]
        return funnel

    # -- retention -----------------------------------------------------------------------------

    @when_free
    def prune(
        self, before: datetime | None, leads_before: datetime | None = None, *, limit: int = 0
    ) -> PruneCounts:
        """Delete what is older than the retention, in one transaction (see
        ``ConversationStore.prune``): transcript lines and events written before ``before``;
        prospects whose conversation was last updated before it, with no person of the agency
        writing to them since (the ``conversations`` row; the ``users`` row too unless a lead
        of theirs is kept); delivered or dropped outbox rows, closed handovers and staff
        message links from before it; with ``leads_before``, the leads created before it.
        Prospects with an open handover, an undelivered note or an unanswered update are left
        whole. ``limit`` > 0: at most that many rows per table, the oldest first (a range of
        rowids, so each call is short). Rows deleted per table."""
        counts: dict[str, int] = {}
        with self._lock, self.db.atomic():
            for table, where, args in _retention_rules(before, leads_before):
                sql = f"delete from [{table}] where {where}"
                if limit > 0:
                    sql = (
                        f"delete from [{table}] where rowid in "
                        f"(select rowid from [{table}] where {where} limit {int(limit)})"
                    )
                counts[table] = max(self.db.conn.execute(sql, args).rowcount, 0)
        return PruneCounts(**counts)

    def prunable(
        self, before: datetime | None, leads_before: datetime | None = None
    ) -> PruneCounts:
        """What ``prune(before, leads_before)`` would delete, per table; nothing is deleted
        (a read: a bot writing to the file meanwhile is not held up)."""
        counts: dict[str, int] = {}
        for table, where, args in _retention_rules(before, leads_before):
            rows = self._rows(f"select count(*) as n from [{table}] where {where}", args)
            counts[table] = int(rows[0]["n"]) if rows else 0
        return PruneCounts(**counts)

    def size(self) -> tuple[int, int]:
        """(bytes the file takes, bytes of it free for reuse): pages × page size, and free
        pages × page size. Deleted rows free pages inside the file, which later rows reuse;
        only ``vacuum`` gives them back to the disk."""
        with self._lock:
            page = int(self.db.execute("pragma page_size").fetchone()[0])
            pages = int(self.db.execute("pragma page_count").fetchone()[0])
            free = int(self.db.execute("pragma freelist_count").fetchone()[0])
        return pages * page, free * page

    @when_free
    def vacuum(self) -> None:
        """Rewrite the file without its free pages (``VACUUM``), then empty the write-ahead
        log. Needs the file to itself for as long as it takes and as much free disk again as
        the file's size: for a stopped bot (``python -m bot prune --vacuum``), never run by
        the bot itself."""
        with self._lock:
            self.db.execute("vacuum")
            self.db.execute("pragma wal_checkpoint(truncate)")

    # -- what staff review (``bot.staff.review``) ----------------------------------------------

    def review_events(
        self, since: datetime | None = None, below: float = 1.0, limit: int = 5000
    ) -> list[tuple[Event, str | None]]:
        """Messages for staff to review, newest first (at most ``limit``), each with its
        prospect's language: every ``not_understood`` event (the text is its ``detail``) and
        the ``intent`` events answered with a confidence under ``below`` (``detail``: "intent
        confidence text"); with ``since``, only those from then on."""
        where, args = ["1 = 1"], []
        if since is not None:
            where.append("e.at >= ?")
            args.append(since.isoformat(timespec="seconds"))
        rows = self._rows(
            "select e.*, u.lang from events e left join users u on u.id = e.user_id "
            f"where {' and '.join(where)} and (e.kind = 'not_understood' or (e.kind = 'intent' "
            "and cast(substr(e.detail, instr(e.detail, ' ') + 1, 4) as real) < ?)) "
            "order by e.id desc limit ?",
            [*args, below, limit],
        )
        return [(Event.from_row(row), row.get("lang")) for row in rows]

    def ignored_reviews(self) -> set[str]:
        """The digests of the messages staff ignored in the review."""
        return {str(row["digest"]) for row in self._rows("select digest from review_ignored")}

    @when_free
    def ignore_review(self, group_id: str, digests: Iterable[str], now: datetime) -> int:
        """Remember that staff ignored these messages (digests of their normalised text), so
        the review does not list them again; how many were not ignored already."""
        at = now.isoformat(timespec="seconds")
        with self._lock, self.db.atomic():
            cursor = self.db.conn.executemany(
                "insert into review_ignored (digest, group_id, ignored_at) values (?, ?, ?) "
                "on conflict(digest) do nothing",
                [(digest, group_id, at) for digest in digests],
            )
        return max(cursor.rowcount, 0)

    def close(self) -> None:
        self._closed = True
        if self._worker is not None:
            self._worker.shutdown(wait=True)  # the writes already asked for finish first
            self._worker = None
        with self._lock:
            if self._scrub_timer is not None:
                self._scrub_timer.cancel()
                self._scrub_timer = None
            if self._scrub_due is not None and not self.scrub_wal(retry=False):
                log.warning(
                    "%s-wal still holds erased data as the bot stops: it is emptied when the "
                    "last program using %s closes it, or at the bot's next erasure",
                    self.path.name,
                    self.path.name,
                )
            self.db.close()
