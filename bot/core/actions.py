"""Named actions that dialogs can run with ``do:`` — the only Python staff can reach, by name.

An action gets a ``ActionContext`` and changes it: slots, extra template values, leads to save,
messages for the agency. Nothing is written to disk here; the engine saves the whole turn at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.base.problems import did_you_mean
from bot.core.office_hours import WAITING_VALUES, waiting_values
from bot.core.records import CONTACT_SLOTS, LEAD_FIELDS, LEAD_SOURCES, Event, LeadRecord, OutboxItem

log = logging.getLogger(__name__)


@dataclass
class ActionContext:
    user_id: str
    lang: str
    now: datetime
    slots: dict[str, Any]
    values: dict[str, Any]  # extra template values, for this turn only
    first_name: str | None = None
    source: str | None = None
    recent: list[str] = field(default_factory=list)  # the prospect's last messages
    leads: list[LeadRecord] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    outbox: list[OutboxItem] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)  # files made for this prospect, sent once
    content: Any = None  # the loaded Content, for actions that need its data (benchmarks)
    text: Callable[[str], str] | None = None  # renders a locale text in the prospect's language
    files_dir: Path | None = None  # where actions may write files (charts)


ActionFunc = Callable[[ActionContext], Awaitable[None] | None]
ValuesFunc = Callable[[Any], Any]
"""``(content) -> value``: a value every text and condition may read, worked out from the
loaded content (``limits`` from the growth plug-in's benchmarks)."""


@dataclass(frozen=True)
class Action:
    name: str
    func: ActionFunc
    provides: tuple[str, ...] = ()  # template values it sets, so validation knows they exist
    needs: tuple[str, ...] = ()  # slots it reads
    description: str = ""


class ActionRegistry:
    """The named actions dialogs may run (``do:``), and the named values every text and
    condition may read (``add_value``): the only Python staff can reach, by name."""

    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}
        self._values: dict[str, ValuesFunc] = {}
        self._slots: set[str] = set()

    def register(
        self,
        name: str,
        *,
        provides: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
        description: str = "",
    ) -> Callable[[ActionFunc], ActionFunc]:
        def decorate(func: ActionFunc) -> ActionFunc:
            self.add(name, func, provides=provides, needs=needs, description=description)
            return func

        return decorate

    def add(
        self,
        name: str,
        func: ActionFunc,
        *,
        provides: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
        description: str = "",
    ) -> None:
        """Register ``func`` as the action ``name``; a second one with that name is an error.

        Raises:
            ValueError: ``name`` is already registered (two plug-ins claiming one name).
        """
        if name in self._actions:
            raise ValueError(f"action {name!r} is registered twice")
        self._actions[name] = Action(name, func, provides, needs, description)

    def add_value(self, name: str, func: ValuesFunc) -> None:
        """Offer ``func(content)`` to every text and condition as ``name`` (a check like
        ``value > limits.max_budget``).

        Raises:
            ValueError: ``name`` is already offered.
        """
        if name in self._values:
            raise ValueError(f"value {name!r} is registered twice")
        self._values[name] = func

    def add_slots(self, *names: str) -> None:
        """Slots filled outside any question (by a plug-in's slot fillers or actions), so the
        dialogs may test, show and ``forget:`` them ("horizon_months" from "in un anno")."""
        self._slots.update(names)

    def values(self, content: Any) -> dict[str, Any]:
        """The named values for ``content``; a value that cannot be worked out is left out
        (the texts and conditions reading it see it as missing)."""
        found: dict[str, Any] = {}
        for name, func in self._values.items():
            try:
                value = func(content)
            except Exception:  # a plug-in's value must never cost a prospect their turn
                log.exception("the value %s could not be worked out", name)
                continue
            if value is not None:
                found[name] = value
        return found

    def get(self, name: str) -> Action | None:
        return self._actions.get(name)

    def names(self) -> list[str]:
        return sorted(self._actions)

    def provided(self) -> set[str]:
        provides = {value for a in self._actions.values() for value in a.provides}
        return provides | set(self._values) | self._slots

    def suggestion(self, name: str) -> str:
        return did_you_mean(name, self._actions) or "known actions: " + ", ".join(self.names())


def _lead_summary(ctx: ActionContext, kind: str) -> LeadRecord:
    lead = {
        f: next((ctx.slots[s] for s in LEAD_SOURCES.get(f, (f,)) if ctx.slots.get(s)), None)
        for f in LEAD_FIELDS
    }
    in_columns = set(LEAD_FIELDS).union(*LEAD_SOURCES.values())
    if not lead["name"]:
        lead["name"] = ctx.first_name
    if not lead["contact"]:
        # how to reach them: the way they chose (the bot told them so), else what they typed,
        # else Telegram itself (we have their chat)
        chosen = ctx.slots.get(str(ctx.slots.get("contact_via") or ""))
        lead["contact"] = chosen or ctx.slots.get("email") or ctx.slots.get("phone") or "telegram"
    text = {k: (str(v) if v is not None else None) for k, v in lead.items()}
    return LeadRecord(
        kind=kind,
        name=text["name"],
        business=text["business"],
        platform=text["platform"],
        contact=text["contact"],
        consent=bool(ctx.slots.get("consent")),
        data={k: v for k, v in ctx.slots.items() if k not in in_columns},
    )


def _tell_agency(ctx: ActionContext, lead_kind: str, note_kind: str, event: str) -> None:
    """A lead row and, in the same turn, a note for the agency's admins (the outbox)."""
    lead = _lead_summary(ctx, lead_kind)
    ctx.leads.append(lead)
    ctx.events.append(Event(event))
    ctx.outbox.append(
        OutboxItem(
            kind=note_kind,
            user_id=ctx.user_id,
            lead=lead,
            recent=tuple(ctx.recent[-5:]),
            source=ctx.source,
        )
    )


def save_lead(ctx: ActionContext) -> None:
    if not ctx.slots.get("consent"):
        ctx.values["lead_saved"] = False
        ctx.events.append(Event("lead_declined"))
        return
    ctx.values["lead_saved"] = True
    _tell_agency(ctx, lead_kind="contact", note_kind="lead", event="lead_saved")


def request_human(ctx: ActionContext) -> None:
    ctx.values["human_requested"] = True
    # when the team will answer (dialogs/office_hours.yaml), for the texts that say so
    ctx.values.update(waiting_values(ctx.content, ctx.now, ctx.lang))
    _tell_agency(ctx, lead_kind="human", note_kind="human", event="human_requested")


def forget_contacts(ctx: ActionContext) -> None:
    for slot in (*CONTACT_SLOTS, "contact_via", "consent"):
        ctx.slots.pop(slot, None)


def clear_slots(ctx: ActionContext) -> None:
    ctx.slots.clear()


def register_core_actions(registry: ActionRegistry) -> None:
    """The actions every bot has: leads, handover requests, forgetting answers."""
    registry.add(
        "save_lead",
        save_lead,
        provides=("lead_saved",),
        needs=("name", "business", "business_platform", "contact", "consent"),
        description="Keep the prospect's contacts for the agency, only with consent.",
    )
    registry.add(
        "request_human",
        request_human,
        provides=("human_requested", *WAITING_VALUES),
        description="Tell the agency that this prospect wants to talk to a person.",
    )
    registry.add(
        "forget_contacts",
        forget_contacts,
        description="Drop the contact answers when the prospect says no to consent.",
    )
    registry.add(
        "clear_slots", clear_slots, description="Forget the answers given so far (start afresh)."
    )


def core_actions() -> ActionRegistry:
    """A new registry holding the core actions only; plug-ins add theirs (``bot.app``)."""
    registry = ActionRegistry()
    register_core_actions(registry)
    return registry
