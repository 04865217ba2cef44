"""A turn's replies composed into as few messages as the content allows.

The engine's replies are what the bot says, one per text (the transcript keeps them so, for
staff); a front-end sends them composed (``bot.adapters.telegram``, the console chat, the
conversation tests' ``--stats``).

Telegram lets a bot make about 30 sending calls a second in all and advises about one message
a second per chat, so every message a turn sends costs throughput and the prospect's patience
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). Texts that
follow each other with no buttons between them are one message in paragraphs: "Ciao!", "We
manage the socials of…" and "What would you like to know?" with the menu become one bubble.

What stays apart:
- a reply with a picture (its own message: a photo with a caption has other limits);
- a reply marked ``separate`` (a state's ``separate: true``): it starts a new message;
- buttons end a message: the text after a keyboard is a new one;
- a message would grow past ``MAX_CHARS`` (Telegram's 4096, counted on the HTML as sent, so
  the adapter never has to split what was just joined).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Reply

MAX_CHARS = 4096
"""Telegram's limit for one message's text, in UTF-16 code units (the HTML is what is counted
here: never less than Telegram counts)."""

PARAGRAPH = "\n\n"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def compose(replies: Sequence[Reply]) -> list[Reply]:
    """``replies`` with each run of plain texts joined to the next text (with its buttons, if
    it has any) as paragraphs; order and every word kept. Pure: same input, same output."""
    return [message for message, _ in compose_counted(replies)]


def compose_counted(replies: Sequence[Reply]) -> list[tuple[Reply, int]]:
    """The messages of ``compose``, each with how many of ``replies`` are sent once it is
    (``replies[:n]``): what a front-end records as sent, so that after a crash only the
    replies not yet sent go out, composed the same way."""
    out: list[Reply] = []
    ends: list[int] = []
    open_text: Reply | None = None  # the message being composed: a text without buttons yet
    for n, reply in enumerate(replies, 1):
        joinable = (
            open_text is not None
            and reply.media is None
            and not reply.separate
            and reply.text.strip() != ""
            and _units(open_text.text) + len(PARAGRAPH) + _units(reply.text) <= MAX_CHARS
        )
        if joinable:
            assert open_text is not None
            joined = Reply(
                open_text.text + PARAGRAPH + reply.text, reply.buttons, separate=open_text.separate
            )
            out[-1], ends[-1] = joined, n
            open_text = None if reply.buttons else joined
            continue
        out.append(reply)
        ends.append(n)
        can_grow = reply.media is None and not reply.buttons and reply.text.strip() != ""
        open_text = reply if can_grow else None
    return list(zip(out, ends, strict=True))
