"""The working memory of one turn, and the small helpers every part of a turn shares.

A ``Turn`` lives from an input to the saved ``TurnRecord``: the conversation it changes, the
replies said so far, the values texts may show, and what the turn noticed on the way. Nothing
here renders or moves: rendering and moving are the engine's (``bot.core.engine``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.content.machines import DialogMachine
from bot.content.model import StateSpec
from bot.core.messages import Input, Reply
from bot.core.records import Event
from bot.core.state import Conversation, TurnRecord


@dataclass
class Turn:
    """Working memory of one turn; becomes a ``TurnRecord`` when saved."""

    conv: Conversation
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    record: TurnRecord | None = None
    recent: list[str] | None = None  # the prospect's last messages, read only if an action runs
    forget: bool = False  # the prospect confirmed /delete: erase them instead of saving
    # "<name>.<step>" of the confirmation the last turn asked: this input alone may answer it
    confirming: str | None = None
    photos: list[str] = field(default_factory=list)  # made by actions, sent after the texts
    entered: set[tuple[str, str]] = field(default_factory=set)
    # slots answered along with a choice this turn (``fills:``): their questions are skipped
    prefilled: set[str] = field(default_factory=set)
    phone_lang: str | None = None  # the language of the prospect's phone: a prior, no more
    notice: str | None = None  # a short word for the adapter (a tap on an old keyboard)
    keyboard_used: bool = False  # the prospect tapped the keyboard on screen: it is gone
    short: list[int] | None = None  # [step, how many in a row]: a short re-prompt was said
    typed: bool = False  # the prospect wrote something: they get an answer, even a repeated one
    analysed: dict[str, Any] = field(default_factory=dict)  # text -> understanding, once a turn

    def __post_init__(self) -> None:
        self.record = TurnRecord(self.conv, self.now)

    @property
    def rec(self) -> TurnRecord:
        assert self.record is not None
        return self.record

    def event(self, kind: str, detail: str | None = None) -> None:
        """Record an event of ``kind`` at the conversation's current dialog and state."""
        self.rec.events.append(Event(kind, self.conv.dialog, self.conv.state, detail))


def render_values(t: Turn) -> dict[str, Any]:
    """What a text may show this turn: the slots, ``first_name``, ``source`` and the turn's own
    values (which win over a slot of the same name)."""
    conv = t.conv
    return {
        **conv.slots,
        "first_name": conv.first_name or "",
        "source": conv.source or "",
        **t.values,
    }


def current_spec(machines: dict[str, DialogMachine], conv: Conversation) -> StateSpec | None:
    """The state the conversation is at, None when its dialog or state is gone."""
    machine = machines.get(conv.dialog)
    return machine.state(conv.state) if machine else None


def describe_input(inp: Input, text: str) -> str:
    """The transcript line of an input: its text, ``[tapped: <label>]`` (the words the
    prospect saw; never the button's internal data, which staff could not read) or
    ``[<media kind>]``; a forwarded message starts ``[forwarded]``: someone else's words."""
    if inp.button is not None:
        label = " ".join((inp.label or "").split())[:64]
        return f"[tapped: {label}]" if label else "[tapped a button]"
    said = f"[{inp.media[:32]}]" if inp.media is not None else text
    return f"[forwarded] {said}" if inp.forwarded else said


def move_replies(t: Turn, start: int, index: int) -> int:
    """Move the replies from ``start`` on to position ``index`` among the turn's replies;
    the position after them."""
    said = t.replies[start:]
    del t.replies[start:]
    t.replies[index:index] = said
    return index + len(said)
