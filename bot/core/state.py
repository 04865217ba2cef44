"""The state of one prospect's conversation, and everything one turn changes.

Plain data shared by the engine and the stores (``bot.core.ports.ConversationStore``): a store
keeps a ``Conversation`` between turns and writes a ``TurnRecord`` all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.records import Event, LeadRecord, OutboxItem


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
    # the questions asked, oldest first, as "dialog.state" (the last few), for "back"
    history: list[str] = field(default_factory=list)
    # the question left unfinished (given up on, or left with "never mind"), for "resume"
    resume: str | None = None
    # what the engine remembers between turns about what it said (``bot.core.repetition``):
    # "sent" the texts of the last turn's replies, "buttons" the last reply's button data,
    # "stale_step" the step whose stale taps were already answered with a re-prompt,
    # "human_requested" when (ISO) a person was asked for and staff have not answered yet
    # "confirming" the confirmation asked in the last turn, which only the next input may
    # answer (``bot.core.commands``)
    memory: dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnRecord:
    """Everything one turn changes; saved all together or not at all."""

    conversation: Conversation
    now: datetime
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (direction, text)
    events: list[Event] = field(default_factory=list)
    leads: list[LeadRecord] = field(default_factory=list)
    outbox: list[OutboxItem] = field(default_factory=list)
