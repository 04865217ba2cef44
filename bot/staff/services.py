"""The staff services of one bot, wired once, for any front-end.

The Telegram adapter builds them with its own ``OutboundSender``; a web page for staff would
call the same function with another sender and get the same rules (who is told about a lead,
when a handover closes, what ``/stats`` counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.core.engine import Engine
from bot.core.ports import OutboundSender
from bot.core.records import LeadField
from bot.staff.commands import StaffCommands
from bot.staff.handover import HandoverService
from bot.staff.outbox import ALERT_AFTER, LeadNotes


@dataclass
class StaffServices:
    """A person taking over (``handover``), notes about leads (``notes``), admin commands."""

    handover: HandoverService
    notes: LeadNotes
    commands: StaffCommands


def build_staff_services(
    engine: Engine,
    sender: OutboundSender,
    *,
    staff_ids: Sequence[int],
    handover_timeout: timedelta,
    lead_fields: Sequence[LeadField] | None = None,
    alert_after: timedelta = ALERT_AFTER,
) -> StaffServices:
    """The services over ``engine``'s store and clock, reaching people through ``sender``.

    ``staff_ids``: who receives leads and handovers; ``handover_timeout``: quiet time after
    which a person's chat with a prospect closes; ``lead_fields``: the plug-ins' labelled
    answers for notes and the CSV (``bot.app.lead_fields``; None: every answer by name);
    ``alert_after``: how long a note may stay undelivered before it is reported loudly.
    """
    handover = HandoverService(
        engine.store,
        sender,
        staff_ids,
        engine.text,
        default_lang=engine.default_lang,
        clock=lambda: engine.clock(),  # the engine's clock, swapped or not
        timeout=handover_timeout,
    )
    clock = lambda: engine.clock()  # noqa: E731 - the engine's clock, swapped or not
    notes = LeadNotes(
        engine.store,
        sender,
        staff_ids,
        handover,
        lead_fields,
        clock=clock,
        alert_after=alert_after,
    )
    commands = StaffCommands(engine.store, clock, lead_fields=lead_fields, alert_after=alert_after)
    return StaffServices(handover, notes, commands)
