"""The SQLite file: users, conversations, transcript, leads, events.

One row per user holds where their conversation is, so memory never grows with the number of
prospects. Each turn is written in one transaction (``Database.atomic``): a crash at any moment
leaves either the whole turn or none of it, so nobody loses their place and no lead is doubled.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

SCHEMA_VERSION = 1


def _int_list(raw: Any) -> list[int]:
    try:
        value = json.loads(raw or "[]")
    except (TypeError, json.JSONDecodeError):
        return []
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


@dataclass
class Conversation:
    """One prospect's place in the conversation, as stored between turns."""

    user_id: str
    lang: str
    dialog: str
    state: str
    slots: dict[str, Any] = field(default_factory=dict)
    step: int = 0
    tries: int = 0
    lang_locked: bool = False
    recent_inputs: list[int] = field(default_factory=list)
    first_name: str | None = None
    source: str | None = None
    is_new: bool = False


@dataclass
class TurnRecord:
    """Everything one turn changes; saved all together or not at all."""

    conversation: Conversation
    now: datetime
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (direction, text)
    events: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # The adapters run turns from one event loop; the lock keeps a thread-pooled caller safe.
        self._lock = threading.Lock()
        self.db = sqlite_utils.Database(
            str(path) if str(path) != ":memory:" else None, memory=str(path) == ":memory:"
        )
        if str(path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self._create()

    def _create(self) -> None:
        db = self.db
        with db.atomic():
            db.table("users").create(
                {
                    "id": str,
                    "lang": str,
                    "first_name": str,
                    "language_code": str,
                    "source": str,
                    "first_seen": str,
                    "last_seen": str,
                },
                pk="id",
                if_not_exists=True,
            )
            db.table("conversations").create(
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
                pk="user_id",
                if_not_exists=True,
            )
            db.table("transcript").create(
                {"id": int, "user_id": str, "at": str, "direction": str, "text": str},
                pk="id",
                if_not_exists=True,
            )
            db.table("leads").create(
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
                pk="id",
                if_not_exists=True,
            )
            db.table("events").create(
                {
                    "id": int,
                    "user_id": str,
                    "at": str,
                    "kind": str,
                    "dialog": str,
                    "state": str,
                    "detail": str,
                },
                pk="id",
                if_not_exists=True,
            )
            db.table("outbox").create(
                {
                    "id": int,
                    "user_id": str,
                    "created": str,
                    "kind": str,
                    "payload": str,
                    "sent": int,
                },
                pk="id",
                if_not_exists=True,
            )
            db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
            db.table("meta").upsert(
                {"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key"
            )
        for table, cols in (
            ("transcript", ["user_id"]),
            ("events", ["user_id"]),
            ("events", ["kind"]),
            ("leads", ["user_id"]),
        ):
            db.table(table).create_index(cols, if_not_exists=True)

    # -- reading -------------------------------------------------------------------------------

    def load(self, user_id: str) -> Conversation | None:
        rows = list(
            self.db.query(
                "select c.*, u.lang, u.first_name, u.source from conversations c "
                "join users u on u.id = c.user_id where c.user_id = ?",
                [user_id],
            )
        )
        if not rows:
            return None
        row = rows[0]
        try:
            slots = json.loads(row["slots"] or "{}")
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
            first_name=row["first_name"],
            source=row["source"],
        )

    def leads(self) -> list[dict[str, Any]]:
        return list(self.db.query("select * from leads order by id"))

    def events(self, user_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        where, args = [], []
        if user_id is not None:
            where.append("user_id = ?")
            args.append(user_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "select * from events" + (" where " + " and ".join(where) if where else "")
        return list(self.db.query(sql + " order by id", args))

    def transcript(self, user_id: str, limit: int = 50) -> list[dict[str, Any]]:
        rows = list(
            self.db.query(
                "select * from transcript where user_id = ? order by id desc limit ?",
                [user_id, limit],
            )
        )
        return rows[::-1]

    def iter_users(self) -> Iterator[dict[str, Any]]:
        yield from self.db.query("select * from users order by first_seen")

    # -- writing -------------------------------------------------------------------------------

    def save_turn(self, turn: TurnRecord) -> None:
        conv, now = turn.conversation, turn.now.isoformat(timespec="seconds")
        with self._lock, self.db.atomic():
            users = self.db.table("users")
            if conv.is_new:
                users.upsert(
                    {
                        "id": conv.user_id,
                        "lang": conv.lang,
                        "first_name": conv.first_name,
                        "source": conv.source,
                        "first_seen": now,
                        "last_seen": now,
                    },
                    pk="id",
                )
            else:
                users.upsert(
                    {
                        "id": conv.user_id,
                        "lang": conv.lang,
                        "first_name": conv.first_name,
                        "source": conv.source,
                        "last_seen": now,
                    },
                    pk="id",
                )
            self.db.table("conversations").upsert(
                {
                    "user_id": conv.user_id,
                    "dialog": conv.dialog,
                    "state": conv.state,
                    "slots": json.dumps(conv.slots, ensure_ascii=False),
                    "step": conv.step,
                    "tries": conv.tries,
                    "lang_locked": int(conv.lang_locked),
                    "recent_inputs": json.dumps(conv.recent_inputs),
                    "updated": now,
                },
                pk="user_id",
            )
            if turn.transcript:
                self.db.table("transcript").insert_all(
                    {"user_id": conv.user_id, "at": now, "direction": d, "text": t}
                    for d, t in turn.transcript
                )
            if turn.events:
                self.db.table("events").insert_all(
                    {
                        "user_id": conv.user_id,
                        "at": now,
                        "kind": e["kind"],
                        "dialog": e.get("dialog", conv.dialog),
                        "state": e.get("state", conv.state),
                        "detail": e.get("detail"),
                    }
                    for e in turn.events
                )
            for lead in turn.leads:
                self.db.table("leads").insert(
                    {
                        "user_id": conv.user_id,
                        "created": now,
                        "source": conv.source,
                        "lang": conv.lang,
                        "status": "new",
                        **lead,
                    }
                )
            for item in turn.outbox:
                self.db.table("outbox").insert(
                    {
                        "created": now,
                        "user_id": conv.user_id,
                        "kind": item["kind"],
                        "payload": json.dumps(item, ensure_ascii=False),
                        "sent": 0,
                    }
                )

    def forget(self, user_id: str) -> None:
        """Erase everything about one prospect (the `/delete` command)."""
        with self._lock, self.db.atomic():
            for table, col in (
                ("transcript", "user_id"),
                ("events", "user_id"),
                ("leads", "user_id"),
                ("outbox", "user_id"),
                ("conversations", "user_id"),
                ("users", "id"),
            ):
                self.db.execute(f"delete from [{table}] where [{col}] = ?", [user_id])

    # -- messages for the agency ----------------------------------------------------------------

    def pending_outbox(self, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        """(row id, item) of messages for the agency not yet delivered, oldest first."""
        rows = self.db.query(
            "select id, payload from outbox where sent = 0 order by id limit ?", [limit]
        )
        out = []
        for row in rows:
            try:
                item = json.loads(row["payload"])
            except (TypeError, json.JSONDecodeError):
                item = {}
            out.append((int(row["id"]), item if isinstance(item, dict) else {}))
        return out

    def mark_outbox(self, row_id: int, status: int) -> None:
        """1 = delivered, -1 = dropped (e.g. the prospect erased themselves)."""
        with self._lock, self.db.atomic():
            self.db.execute("update outbox set sent = ? where id = ?", [status, row_id])

    def close(self) -> None:
        self.db.close()
