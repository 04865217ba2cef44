"""Typed records that cross layers: what the stores return to the staff services.

Plain data, no I/O: a store (``bot.core.ports.ConversationStore``) builds them, the staff
services (``bot.staff``) read them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from bot.base.money import Money

NO_SOURCE = "(direct)"
"""The campaign of prospects who came without a deep link."""


@dataclass
class Funnel:
    started: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    reached: Counter[str] = field(default_factory=Counter)  # "dialog.state" -> prospects
    stopped: Counter[str] = field(default_factory=Counter)  # current state -> prospects
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    leads: int = 0
    handovers: int = 0
    not_understood: Counter[str] = field(default_factory=Counter)
    unreachable: int = 0  # prospects who blocked the bot (no message reaches them)
    undelivered: list[OutboxItem] = field(default_factory=list)  # overdue notes for staff
    parked: list[ParkedUpdate] = field(default_factory=list)  # updates set aside (the inbox)

    @property
    def conversion(self) -> float:
        return self.leads / self.started if self.started else 0.0


# -- what a turn hands to the store, and the store back to staff -------------------------------

LEAD_FIELDS = ("name", "business", "platform", "contact")
"""The answers a lead keeps in columns of its own; the others go to ``LeadRecord.data``."""

LEAD_SOURCES: Mapping[str, tuple[str, ...]] = {"platform": ("business_platform", "platform")}
"""The slots a lead column is read from when it is not the slot of the same name, the first
filled one winning: the platform named in the lead form (``business_platform``), else the one the
projection was made for (``platform``; the two are separate slots, so neither overwrites the
other, and the projection's stays in its summary)."""

CONTACT_SLOTS = ("name", "business", "business_platform", "contact", "email", "phone")
"""The contact details ``forget_contacts`` drops when the prospect says no to consent."""


class LeadField(NamedTuple):
    """One of a lead's other answers (``LeadRecord.data``) as staff see it: the slot and its
    label in notes ("followers now"). A plug-in lists its own (``Plugin.lead_fields``);
    ``own_line`` puts it on a line of its own under ``label`` rather than among the numbers;
    ``column`` names its column in lead lists (CSV), the slot's name when empty."""

    slot: str
    label: str
    own_line: bool = False
    column: str = ""

    @property
    def header(self) -> str:
        return self.column or self.slot


def money_hook(obj: dict[str, Any]) -> Any:
    """``json.loads``' ``object_hook``: a ``Money`` stored as ``Money.to_json`` read back.

    Anything else stays as it is (older rows hold plain numbers: they stay numbers)."""
    if Money.is_json(obj):
        try:
            return Money.from_json(obj)
        except ValueError:
            return obj
    return obj


def revive_money(value: Any) -> Any:
    """``money_hook`` on JSON already parsed without it (an outbox payload's lead data)."""
    if isinstance(value, dict):
        return money_hook({k: revive_money(v) for k, v in value.items()})
    if isinstance(value, list):
        return [revive_money(v) for v in value]
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _data(value: Any) -> dict[str, Any]:
    """A lead's extra answers: a dict, or the JSON text of one as stored; anything else: {}.

    A ``Money`` (a budget) comes back as one, whichever of the two it was read from."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}", object_hook=money_hook)
        except json.JSONDecodeError:
            return {}
    if not isinstance(value, Mapping):
        return {}
    return {str(k): revive_money(v) for k, v in value.items()}


def read_time(value: Any) -> datetime | None:
    """A stored ISO 8601 time, timezone-aware (a time stored without a zone is UTC)."""
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value))
        except (TypeError, ValueError):
            return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The time of a row whose time cannot be read: as old as can be."""


@dataclass(frozen=True)
class LeadRecord:
    """One row of ``leads``: a prospect's contacts (``kind="contact"``) or a request to talk
    to a person (``kind="human"``). The store fills ``id`` … ``status`` when it saves one."""

    kind: str = "contact"
    name: str | None = None
    business: str | None = None
    platform: str | None = None
    contact: str | None = None
    consent: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # the other answers (numbers, projection)
    id: int | None = None
    user_id: str | None = None
    created: str | None = None  # ISO 8601, as stored
    source: str | None = None
    lang: str | None = None
    status: str = "new"

    def to_json(self) -> dict[str, Any]:
        """JSON-able values, ``data`` a dict (the outbox payload keeps it this way); a
        ``Money`` in ``data`` is left to the store's encoder (``Money.to_json``)."""
        return {
            "kind": self.kind,
            **{f: getattr(self, f) for f in LEAD_FIELDS},
            "consent": int(self.consent),
            "data": self.data,
            **{
                k: getattr(self, k)
                for k in ("id", "user_id", "created", "source", "lang", "status")
                if getattr(self, k) is not None
            },
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> LeadRecord:
        """From a row of ``leads`` or an outbox payload, old ones (``data`` as text) included."""
        lead_id = raw.get("id")
        return cls(
            kind=str(raw.get("kind") or "contact"),
            name=_text(raw.get("name")),
            business=_text(raw.get("business")),
            platform=_text(raw.get("platform")),
            contact=_text(raw.get("contact")),
            consent=bool(raw.get("consent")),
            data=_data(raw.get("data")),
            id=int(lead_id) if isinstance(lead_id, int) else None,
            user_id=_text(raw.get("user_id")),
            created=_text(raw.get("created")),
            source=_text(raw.get("source")),
            lang=_text(raw.get("lang")),
            status=str(raw.get("status") or "new"),
        )


@dataclass(frozen=True)
class ParkedUpdate:
    """An update set aside: it could not be decoded, or handling it failed again and again.
    Times are ISO 8601 (UTC); ``error`` names the kind of failure, never the update's words."""

    update_id: int
    received: str
    parked: str
    error: str
    attempts: int


@dataclass(frozen=True)
class OutboxItem:
    """A note for the agency's people: a new lead (``"lead"``) or a request for a person
    (``"human"``), with the prospect's last messages. Written in the turn's transaction,
    delivered later (``bot.staff.outbox``)."""

    kind: str
    user_id: str
    lead: LeadRecord | None = None
    recent: tuple[str, ...] = ()
    source: str | None = None
    lead_id: int | None = None  # set by the store: the lead saved in the same turn
    created: str | None = None  # ISO 8601, set by the store
    attempts: int = 0  # set by the store: tries that reached no staff member
    last_error: str | None = None  # set by the store: why the last try failed

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "user_id": self.user_id,
            "lead": self.lead.to_json() if self.lead is not None else None,
            "recent": list(self.recent),
            "source": self.source,
            "lead_id": self.lead_id,
        }

    @classmethod
    def from_json(
        cls,
        raw: Mapping[str, Any],
        created: str | None = None,
        attempts: int = 0,
        last_error: str | None = None,
    ) -> OutboxItem:
        lead, recent, lead_id = raw.get("lead"), raw.get("recent"), raw.get("lead_id")
        return cls(
            kind=str(raw.get("kind") or "lead"),
            user_id=str(raw.get("user_id") or ""),
            lead=LeadRecord.from_json(lead) if isinstance(lead, Mapping) else None,
            recent=tuple(str(m) for m in recent) if isinstance(recent, list | tuple) else (),
            source=_text(raw.get("source")),
            lead_id=int(lead_id) if isinstance(lead_id, int) else None,
            created=created,
            attempts=attempts,
            last_error=last_error,
        )


@dataclass(frozen=True)
class Event:
    """Something worth counting (``enter``, ``lead_saved``, ``not_understood``…). ``dialog``
    and ``state`` default to where the prospect is when the turn is saved. ``user_id`` and
    ``at`` are the store's: set on the events it returns, ignored on those a turn saves."""

    kind: str
    dialog: str | None = None
    state: str | None = None
    detail: str | None = None
    user_id: str | None = None
    at: datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Event:
        return cls(
            kind=str(row.get("kind") or ""),
            dialog=_text(row.get("dialog")),
            state=_text(row.get("state")),
            detail=_text(row.get("detail")),
            user_id=_text(row.get("user_id")),
            at=read_time(row.get("at")),
        )


@dataclass(frozen=True)
class TranscriptLine:
    """One message to (``direction`` "out") or from ("in") a prospect, as the store kept it."""

    at: datetime
    direction: str
    text: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TranscriptLine:
        return cls(
            at=read_time(row.get("at")) or EPOCH,
            direction=str(row.get("direction") or ""),
            text=str(row.get("text") or ""),
        )


@dataclass(frozen=True)
class Handover:
    """A person from the agency talking to a prospect instead of the bot; open while
    ``closed`` is None. ``last_activity`` is the last message either way (``opened`` at
    first); a time that cannot be read is ``EPOCH``, so the quiet-time expiry closes it."""

    id: int
    user_id: str
    opened: datetime
    last_activity: datetime
    closed: datetime | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Handover:
        opened = read_time(row.get("opened")) or EPOCH
        return cls(
            id=int(row.get("id") or 0),
            user_id=str(row.get("user_id") or ""),
            opened=opened,
            last_activity=read_time(row.get("last_activity")) or opened,
            closed=None if row.get("closed") is None else read_time(row.get("closed")) or EPOCH,
            closed_by=_text(row.get("closed_by")),
        )
