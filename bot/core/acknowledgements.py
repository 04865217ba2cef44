"""A "grazie", "ok", "perfetto", "👍" said on its own: a short reply in kind, then the step again.

The replies are the lines of ``common.ack.thanks`` and ``common.ack.ok`` (one line per variant),
said in turn so that the same line never comes twice in a row.
"""

from __future__ import annotations

from bot.content.model import StateSpec
from bot.core.messages import Reply
from bot.core.repetition import reprompt
from bot.core.turn import Turn
from bot.core.voice import Voice
from bot.understanding.yesno import read_acknowledgement


def acknowledge(t: Turn, spec: StateSpec | None, voice: Voice, text: str) -> bool:
    """Answer ``text`` when it is a thanks or an okay on its own where it answers nothing: a line
    of ``common.ack.<kind>`` (the one after the line said last) and the current step ``spec``
    again, instead of "not understood". False, saying nothing, for any other message, or when
    the language has no such text."""
    kind = read_acknowledgement(text, t.conv.lang, voice.content.packs)
    if kind is None:
        return False
    lines = [line.strip() for line in voice.text(t, f"common.ack.{kind}").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return False
    said = [*(t.conv.memory.get("sent") or []), *(r.text for r in t.replies)]
    last = next((lines.index(s) for s in reversed(said) if s in lines), -1)
    t.event("acknowledged", kind)
    t.replies.append(Reply(lines[(last + 1) % len(lines)]))
    reprompt(t, spec, voice)
    return True
