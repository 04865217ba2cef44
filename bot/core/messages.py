"""What goes into the engine and what comes out: plain data, no Telegram, no terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Input:
    """One thing a prospect did: typed ``text``, pressed a ``button``, or sent ``media``.

    Commands are text starting with ``/``. ``input_id`` (Telegram's update id) lets the engine
    ignore an update delivered twice after a crash.
    """

    user_id: str
    text: str = ""
    button: str | None = None
    media: str | None = None
    language_code: str | None = None
    first_name: str | None = None
    input_id: int | None = None


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """One message: ``text`` is Telegram-style HTML; ``buttons`` go under it."""

    text: str
    buttons: tuple[Button, ...] = ()
    photo: str | None = None


@dataclass
class TurnResult:
    replies: list[Reply]
    lang: str
    dialog: str
    state: str
    slots: dict[str, Any] = field(default_factory=dict)
    duplicate: bool = False
    outbox: list[dict[str, Any]] = field(default_factory=list)
