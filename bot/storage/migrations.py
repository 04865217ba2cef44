"""Ordered, named schema migrations, recorded in the database they changed.

The design of Simon Willison's ``sqlite-migrate`` plug-in for sqlite-utils: each migration is a
named function taking the ``Database``; a table (here ``migrations``: ``name``, ``applied_at``)
records the ones applied; opening a store applies the pending ones in order, each in its own
transaction together with its record, so a crash leaves a migration either done and recorded or
not at all. Two processes opening one file at once are safe too: the transaction is taken with
``BEGIN IMMEDIATE`` and the list of applied names is read again inside it.

Rules for whoever adds one:

* append only, never reorder, rename or edit a migration that has shipped: a database in the
  field records its name and will not run it again;
* write it so it does what it says on any database that reaches it (``if not exists``);
* a database recording a migration this code does not know comes from a newer version of the
  bot: the store refuses to open it (``SchemaTooNew``) rather than write to a schema it does not
  understand.
* a table holding anything about a prospect has a ``user_id`` column: ``/delete`` erases the
  rows of every such table (``Store.forget``).

The ``migrations`` table is the one record of a file's schema version. Version 1's
``meta.schema_version`` row (always '1') is retired by ``0004_retire_schema_version``; the
``meta`` table itself stays, empty, for the files that have it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

MIGRATIONS_TABLE = "migrations"

MigrationFunc = Callable[[sqlite_utils.Database], None]


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of the bot than this one."""


@dataclass(frozen=True)
class Migration:
    name: str
    apply: MigrationFunc


class Migrations:
    """An ordered set of migrations; ``@migrations()`` registers a function under its name."""

    def __init__(self) -> None:
        self._items: list[Migration] = []

    def __call__(self, *, name: str | None = None) -> Callable[[MigrationFunc], MigrationFunc]:
        def register(func: MigrationFunc) -> MigrationFunc:
            self.add(name or func.__name__, func)
            return func

        return register

    def add(self, name: str, func: MigrationFunc) -> None:
        if any(m.name == name for m in self._items):
            raise ValueError(f"migration {name!r} is defined twice")
        self._items.append(Migration(name, func))

    @property
    def names(self) -> list[str]:
        return [m.name for m in self._items]

    def applied(self, db: sqlite_utils.Database) -> list[tuple[str, str]]:
        """(name, applied_at) of the migrations recorded in ``db``, in the order applied."""
        if not db[MIGRATIONS_TABLE].exists():
            return []
        rows = db.execute(f"select name, applied_at from [{MIGRATIONS_TABLE}] order by rowid")
        return [(str(name), str(at)) for name, at in rows.fetchall()]

    def pending(self, db: sqlite_utils.Database) -> list[str]:
        done = {name for name, _ in self.applied(db)}
        return [m.name for m in self._items if m.name not in done]

    def apply(
        self, db: sqlite_utils.Database, now: Callable[[], datetime] | None = None
    ) -> list[str]:
        """Apply the pending migrations in order; the names applied (none: up to date).

        Raises:
            SchemaTooNew: ``db`` records migrations this code does not know.
        """
        clock = now or (lambda: datetime.now(UTC))
        self._ensure_table(db)
        self._check_known(db)
        if not self.pending(db):  # up to date: no write lock (a reader waits for no writer)
            return []
        ran: list[str] = []
        for migration in self._items:
            conn = db.conn
            conn.execute("BEGIN IMMEDIATE")  # one writer: a second process waits, then sees it
            try:
                done = {name for name, _ in self.applied(db)}
                if migration.name in done:
                    conn.execute("COMMIT")
                    continue
                migration.apply(db)
                conn.execute(
                    f"insert into [{MIGRATIONS_TABLE}] (name, applied_at) values (?, ?)",
                    [migration.name, clock().isoformat(timespec="seconds")],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            ran.append(migration.name)
        return ran

    def _ensure_table(self, db: sqlite_utils.Database) -> None:
        db.execute(
            f"create table if not exists [{MIGRATIONS_TABLE}] "
            "(name text primary key, applied_at text not null)"
        )

    def _check_known(self, db: sqlite_utils.Database) -> None:
        known = set(self.names)
        unknown = [name for name, _ in self.applied(db) if name not in known]
        if unknown:
            raise SchemaTooNew(
                f"database {db_path(db)} was upgraded by a newer version of the bot "
                f"(unknown migration(s): {', '.join(unknown)}); this version cannot use it. "
                "Run the newer version, or restore a backup made before the upgrade."
            )


def db_path(db: sqlite_utils.Database) -> str:
    rows = db.execute("pragma database_list").fetchall()
    return str(rows[0][2] or ":memory:") if rows else "?"


# -- the migrations ----------------------------------------------------------------------------

migrations = Migrations()

# Version 1's schema as the bot created it before migrations existed (``meta.schema_version`` =
# 1), frozen: it must keep creating exactly that, whatever later migrations change. One line a
# column. ``handovers``: a person from the agency talking to a prospect instead of the bot (open
# while ``closed`` is null); ``handover_messages``: which message in an admin's chat is about
# which prospect, so that a reply finds them.
V1_TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...]]] = {
    "users": (
        {
            "id": str,
            "lang": str,
            "first_name": str,
            "language_code": str,
            "source": str,
            "first_seen": str,
            "last_seen": str,
        },
        "id",
    ),
    "conversations": (
        {
            "user_id": str,
            "dialog": str,
            "state": str,
            "slots": str,
            "step": int,
            "tries": int,
            "lang_locked": int,
            "recent_inputs": str,
            "updated": str,
        },
        "user_id",
    ),
    "transcript": (
        {"id": int, "user_id": str, "at": str, "direction": str, "text": str},
        "id",
    ),
    "leads": (
        {
            "id": int,
            "user_id": str,
            "created": str,
            "name": str,
            "business": str,
            "platform": str,
            "contact": str,
            "consent": int,
            "source": str,
            "lang": str,
            "kind": str,
            "data": str,
            "status": str,
        },
        "id",
    ),
    "events": (
        {
            "id": int,
            "user_id": str,
            "at": str,
            "kind": str,
            "dialog": str,
            "state": str,
            "detail": str,
        },
        "id",
    ),
    "outbox": (
        {"id": int, "user_id": str, "created": str, "kind": str, "payload": str, "sent": int},
        "id",
    ),
    "handovers": (
        {
            "id": int,
            "user_id": str,
            "opened": str,
            "last_activity": str,
            "closed": str,
            "closed_by": str,
        },
        "id",
    ),
    "handover_messages": (
        {"chat_id": int, "message_id": int, "user_id": str, "created": str},
        ("chat_id", "message_id"),
    ),
    "meta": ({"key": str, "value": str}, "key"),
}
V1_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("transcript", ("user_id",)),
    ("events", ("user_id",)),
    ("events", ("kind",)),
    ("leads", ("user_id",)),
    ("handovers", ("user_id",)),
    ("handover_messages", ("user_id",)),
)


@migrations(name="0001_initial")
def initial(db: sqlite_utils.Database) -> None:
    """Version 1 as it was; on a database made before migrations existed, a no-op."""
    for name, (columns, pk) in V1_TABLES.items():
        db.table(name).create(columns, pk=pk, if_not_exists=True)
    for table, cols in V1_INDEXES:
        db.table(table).create_index(list(cols), if_not_exists=True)
    db.execute(
        "insert into meta (key, value) values ('schema_version', '1') on conflict(key) do nothing"
    )


@migrations(name="0002_outbox_pending_index")
def outbox_pending_index(db: sqlite_utils.Database) -> None:
    """``pending_outbox`` runs after every turn with a note: ``where sent = 0 order by id``.

    A partial index holds only the undelivered rows, so it stays tiny however long the outbox
    grows, and the delivery never scans the delivered ones.
    """
    db.execute("create index if not exists idx_outbox_pending on outbox (id) where sent = 0")


@migrations(name="0003_users_first_seen_index")
def users_first_seen_index(db: sqlite_utils.Database) -> None:
    """``/stats 7`` (``funnel(since=…)``) picks prospects by ``first_seen``; the users list too."""
    db.table("users").create_index(["first_seen"], if_not_exists=True)


@migrations(name="0004_retire_schema_version")
def retire_schema_version(db: sqlite_utils.Database) -> None:
    """``meta.schema_version`` said '1' whatever was applied after: the ``migrations`` table is
    the one record of the version, so the row goes (the ``meta`` table stays)."""
    db.execute("delete from meta where key = 'schema_version'")


@migrations(name="0005_conversation_history")
def conversation_history(db: sqlite_utils.Database) -> None:
    """Where a prospect can go back to: ``history``, the questions asked (a JSON list of
    "dialog.state", the last few), for "back"; ``resume``, the question left unfinished (given up
    on, or left with "never mind"), for "resume"."""
    columns = {row[1] for row in db.execute("pragma table_info(conversations)").fetchall()}
    if "history" not in columns:
        db.execute("alter table conversations add column history text")
    if "resume" not in columns:
        db.execute("alter table conversations add column resume text")


@migrations(name="0006_conversation_memory")
def conversation_memory(db: sqlite_utils.Database) -> None:
    """``memory``: what the engine remembers about what it said (a JSON object: the last texts
    sent, so the same text never goes out twice in a row; stale taps already answered; a
    pending request for a person)."""
    columns = {row[1] for row in db.execute("pragma table_info(conversations)").fetchall()}
    if "memory" not in columns:
        db.execute("alter table conversations add column memory text")


@migrations(name="0007_delivery")
def delivery(db: sqlite_utils.Database) -> None:
    """What delivery to the agency and to prospects needs to know.

    ``outbox``: ``attempts`` (tries that reached nobody), ``next_try`` (ISO time of the next
    one: tries back off), ``last_error`` (why the last one failed, in staff's words),
    ``alerted`` (1 once staff were told it is overdue), ``delivered`` (ISO time it reached a
    staff member). ``users.unreachable``: ISO time the prospect blocked the bot (null while
    they can be written to; cleared when they write again).
    """
    outbox = {row[1] for row in db.execute("pragma table_info(outbox)").fetchall()}
    for column, kind in (
        ("attempts", "integer not null default 0"),
        ("next_try", "text"),
        ("last_error", "text"),
        ("alerted", "integer not null default 0"),
        ("delivered", "text"),
    ):
        if column not in outbox:
            db.execute(f"alter table outbox add column {column} {kind}")
    users = {row[1] for row in db.execute("pragma table_info(users)").fetchall()}
    if "unreachable" not in users:
        db.execute("alter table users add column unreachable text")


@migrations(name="0008_inbox")
def inbox(db: sqlite_utils.Database) -> None:
    """``inbox``: the updates Telegram handed over and the bot has not finished with, written
    before Telegram is told they arrived (the next ``getUpdates`` offset), so a ``kill -9``
    between the two loses none: they are handled at the next start. A row goes once its
    update is answered, so the table holds only the few in flight."""
    db.execute(
        "create table if not exists inbox (update_id integer primary key, user_id text, "
        "received text not null, payload text not null)"
    )
    db.execute("create index if not exists idx_inbox_user on inbox (user_id)")


@migrations(name="0009_review_ignored")
def review_ignored(db: sqlite_utils.Database) -> None:
    """``review_ignored``: the messages staff chose to ignore in ``python -m bot review``, so
    that they are not listed again. One row per message, keyed by a digest of its normalised
    text (``digest``), with the group it was ignored in (``group_id``) and when
    (``ignored_at``); no text and no prospect: ``/delete`` has nothing to erase here."""
    db.execute(
        "create table if not exists review_ignored (digest text primary key, "
        "group_id text not null, ignored_at text not null)"
    )


@migrations(name="0010_inbox_parked")
def inbox_parked(db: sqlite_utils.Database) -> None:
    """``inbox.attempts``: how many times handling the update failed; ``inbox.parked``: ISO
    time it was set aside (it could not be decoded, or failed ``PARK_AFTER`` times), with
    ``inbox.error``, the kind of failure (never the update's contents). A parked update is no
    longer handled at start-up; admins see it in ``/stats`` and ``python -m bot stats``."""
    columns = {row[1] for row in db.execute("pragma table_info(inbox)").fetchall()}
    for column, kind in (
        ("attempts", "integer not null default 0"),
        ("parked", "text"),
        ("error", "text"),
    ):
        if column not in columns:
            db.execute(f"alter table inbox add column {column} {kind}")


@migrations(name="0011_lease")
def lease(db: sqlite_utils.Database) -> None:
    """``lease``: the bot running on this file (``bot.storage.lease``), one row at most:
    ``host`` and ``pid`` of its process, ``token`` (random per run), ``acquired_at`` and
    ``renewed_at`` (ISO, UTC). A second ``python -m bot run`` finds it and refuses to start;
    a holder gone (its process dead, or not renewed for a minute) is taken over."""
    db.execute(
        "create table if not exists lease (id integer primary key check (id = 1), "
        "host text not null, pid integer not null, token text not null, "
        "acquired_at text not null, renewed_at text not null)"
    )


def migrate(
    db: sqlite_utils.Database,
    now: Callable[[], datetime] | None = None,
    chosen: Migrations | None = None,
) -> list[str]:
    """Bring ``db`` up to date; the names of the migrations applied now."""
    return (chosen or migrations).apply(db, now)
