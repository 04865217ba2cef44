"""Typed records that cross layers: what the stores return to the staff services.

Plain data, no I/O: a store (``bot.core.ports.ConversationStore``) builds them, the staff
services (``bot.staff``) read them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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

    @property
    def conversion(self) -> float:
        return self.leads / self.started if self.started else 0.0


# -- what a turn hands to the store, and the store back to staff -------------------------------

LEAD_FIELDS = ("name", "business", "platform", "contact")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _data(value: Any) -> dict[str, Any]:
    """A lead's extra answers: a dict, or the JSON text of one as stored; anything else: {}."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except json.JSONDecodeError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


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
        """Plain JSON-able values, ``data`` a dict (the outbox payload keeps it this way)."""
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
    def from_json(cls, raw: Mapping[str, Any], created: str | None = None) -> OutboxItem:
        lead, recent, lead_id = raw.get("lead"), raw.get("recent"), raw.get("lead_id")
        return cls(
            kind=str(raw.get("kind") or "lead"),
            user_id=str(raw.get("user_id") or ""),
            lead=LeadRecord.from_json(lead) if isinstance(lead, Mapping) else None,
            recent=tuple(str(m) for m in recent) if isinstance(recent, list | tuple) else (),
            source=_text(raw.get("source")),
            lead_id=int(lead_id) if isinstance(lead_id, int) else None,
            created=created,
        )


@dataclass(frozen=True)
class Event:
    """Something worth counting (``enter``, ``lead_saved``, ``not_understood``…). ``dialog``
    and ``state`` default to where the prospect is when the turn is saved."""

    kind: str
    dialog: str | None = None
    state: str | None = None
    detail: str | None = None
