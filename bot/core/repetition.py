"""Not saying the same thing twice: the conversation's memory of what went out, short re-prompts,
repeats dropped, taps on old keyboards.

The memory lives in ``Conversation.memory``: ``"sent"`` the texts of the last turn's replies (the
last ``SENT_REMEMBERED``), ``"buttons"`` the data of the last reply's buttons joined by ``|``,
``"short"`` ``[step, count]`` of short re-prompts in a row, ``"stale_step"`` the step whose stale
taps were already answered.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content.model import StateSpec
from bot.core.messages import Reply
from bot.core.turn import Turn
from bot.core.voice import Voice

SHORT_REPROMPTS = 2  # short re-prompts in a row before the question is asked in full again
SENT_REMEMBERED = 3  # texts of the last turn kept with the conversation, against repeats


def last_sent(t: Turn) -> str | None:
    """The text of the last message the prospect got (last turn), None when unknown."""
    sent = t.conv.memory.get("sent") or []
    return sent[-1] if sent else None


def on_screen(t: Turn, spec: StateSpec, voice: Voice) -> bool:
    """The state's question is still in view: it was the last message the prospect got, or the
    last turn ended with its short re-prompt (at most ``SHORT_REPROMPTS`` in a row, then it is
    asked in full again, before it scrolls out of sight)."""
    if not spec.say:
        return False
    memory = t.conv.memory
    sent = memory.get("sent") or []
    if sent and sent[-1] == voice.text(t, spec.say[-1].key):
        return True
    short = memory.get("short")
    return (
        isinstance(short, list)
        and len(short) == 2
        and short[0] == t.conv.step
        and int(short[1]) < SHORT_REPROMPTS
    )


def reprompt(t: Turn, spec: StateSpec | None, voice: Voice, full: bool = False) -> None:
    """Show the state ``spec`` (the current one) again, with its buttons, without moving.

    When its question was the last thing the prospect got, it is still on screen: after a
    line of this turn ("not understood", "back to where we were") only its buttons come again,
    under that line; its words are not repeated. ``full``: the question in full regardless."""
    if spec is None or not spec.say:
        return
    buttons = voice.buttons_for(t, spec)
    last = t.replies[-1] if t.replies else None
    # only a question with buttons: a typed one is asked in full, for its words are the only
    # thing that says what to type
    if (
        not full
        and buttons
        and last is not None
        and not last.buttons
        and last.media is None
        and last.text
        and on_screen(t, spec, voice)
    ):
        t.event("reprompt_short")
        before = t.conv.memory.get("short")
        count = before[1] if isinstance(before, list) and before[:1] == [t.conv.step] else 0
        t.short = [t.conv.step, int(count) + 1]
        t.replies[-1] = replace(last, buttons=buttons)
        return
    voice.say(t, spec.say[-1].key, buttons=buttons)


def stale_tap(t: Turn, spec: StateSpec | None, voice: Voice, data: str) -> None:
    """A tap on a keyboard whose step has passed (or on data we never sent): a short notice
    for the tap itself (``Turn.notice``), and the current step ``spec`` shown again once per
    step — ten taps on an old keyboard are one re-prompt, not ten (nor twenty messages)."""
    t.event("stale_button", (data or "")[:64])
    t.notice = voice.label(t, "common.stale_button") or None
    memory = t.conv.memory
    if memory.get("stale_step") == t.conv.step:
        return
    sent = memory.get("sent") or []
    if spec is not None and spec.say and sent:
        live = bool(memory.get("buttons")) or not voice.buttons_for(t, spec)
        if live and sent[-1] == voice.text(t, spec.say[-1].key):
            return  # the step is the last message, its keyboard live: nothing to show
    memory["stale_step"] = t.conv.step
    reprompt(t, spec, voice)


def said_once(t: Turn) -> None:
    """A reply said twice in one turn (the menu after the welcome, then again after "sorry, I
    didn't catch that") is kept only where it comes last, with its keyboard."""
    seen: set[tuple[str, str]] = set()
    kept: list[Reply] = []
    for reply in reversed(t.replies):
        key = (reply.text, "|".join(b.data for b in reply.buttons))
        if reply.media is None and key in seen:
            continue
        seen.add(key)
        kept.append(reply)
    t.replies[:] = kept[::-1]


def drop_repeats(t: Turn) -> None:
    """Never the same text twice in a row: a reply equal to the one just before it (in this
    turn, or the last of the previous one) is dropped, unless it brings a new keyboard.
    Then remember what went out, with the conversation."""
    memory = t.conv.memory
    sent = memory.get("sent") or []
    last_text: str | None = sent[-1] if sent else None
    last_keys: str | None = None if t.keyboard_used else memory.get("buttons")
    kept: list[Reply] = []
    dropped: Reply | None = None
    for reply in t.replies:
        keys = "|".join(b.data for b in reply.buttons)
        same = reply.media is None and reply.text == last_text
        if same and (not reply.buttons or keys == last_keys):
            dropped = reply
            continue
        kept.append(reply)
        last_text = reply.text if reply.media is None else None
        last_keys = keys
    if not kept and dropped is not None and t.typed:
        kept = [dropped]  # silence would be worse: whoever writes gets an answer
        last_keys = "|".join(b.data for b in dropped.buttons)
    elif dropped is not None:
        t.event("repeat_dropped", dropped.text[:64])
    t.replies[:] = kept
    if kept:
        memory["sent"] = [r.text for r in kept if r.media is None][-SENT_REMEMBERED:]
        memory["buttons"] = last_keys or ""
        if t.short is not None:
            memory["short"] = t.short
        else:
            memory.pop("short", None)
    elif t.keyboard_used:
        memory["buttons"] = ""
