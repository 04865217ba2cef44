"""What goes into the engine and what comes out: plain data, no Telegram, no terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.records import OutboxItem


@dataclass(frozen=True)
class Input:
    """One thing a prospect did: typed ``text``, pressed a ``button``, or sent ``media``.

    Commands are text starting with ``/``. ``input_id`` (Telegram's update id) lets the engine
    ignore an update delivered twice after a crash. ``label``: the pressed button's words as the
    front-end showed them (an old keyboard's too), for the transcript the staff read.
    ``forwarded``: someone else's message the prospect passed on (Telegram's forward header):
    read as text they shared, never as their command or their answer to a confirmation.
    """

    user_id: str
    text: str = ""
    button: str | None = None
    media: str | None = None
    language_code: str | None = None
    first_name: str | None = None
    input_id: int | None = None
    label: str | None = None
    forwarded: bool = False


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Media:
    """A file sent with a reply. ``owned``: the engine made it for this one reply (a chart), so
    the adapter deletes it once sent; media it does not own (content's images) stays put."""

    path: str
    kind: str = "photo"
    owned: bool = False


@dataclass(frozen=True)
class Reply:
    """One message: ``text`` is Telegram-style HTML; ``buttons`` go under it; ``media`` over it."""

    text: str
    buttons: tuple[Button, ...] = ()
    media: Media | None = None
    separate: bool = False
    """Starts a message of its own (a state's ``separate: true``): ``bot.core.compose`` never
    joins it to the text before it when a front-end composes the turn's replies."""

    def to_json(self) -> dict[str, Any]:
        """A plain dict (JSON-ready), read back by ``from_json``: how replies not yet sent are
        kept with the turn that made them."""
        media = self.media
        return {
            "text": self.text,
            "buttons": [[b.label, b.data] for b in self.buttons],
            "media": [media.path, media.kind, media.owned] if media is not None else None,
            **({"separate": True} if self.separate else {}),
        }

    @classmethod
    def from_json(cls, raw: Any) -> Reply | None:
        """The reply of ``to_json``; None for anything else (a row written by hand)."""
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            return None
        buttons = tuple(
            Button(str(b[0]), str(b[1]))
            for b in raw.get("buttons") or ()
            if isinstance(b, list) and len(b) == 2
        )
        media = raw.get("media")
        kept = None
        if isinstance(media, list) and len(media) == 3:
            kept = Media(str(media[0]), str(media[1]), bool(media[2]))
        return cls(raw["text"], buttons, kept, separate=raw.get("separate") is True)


@dataclass
class TurnResult:
    replies: list[Reply]
    lang: str
    dialog: str
    state: str
    slots: dict[str, Any] = field(default_factory=dict)
    duplicate: bool = False
    outbox: list[OutboxItem] = field(default_factory=list)
    notice: str | None = None
    """A short word for the prospect that is not a message: the answer to a tap on an old
    keyboard (Telegram shows it as the tap's pop-up, ``answerCallbackQuery``; the console
    prints it as a line). Plain text."""
    relay: bool = False
    """A person from the agency has taken over this chat (``bot.core.relay``): the front-end
    passes what the prospect sent on to the team; ``replies`` hold at most a word that the team
    has it."""
