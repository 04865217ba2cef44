"""Details a prospect gives where no question asks for them: kept, said back, the form offered.

A dialog's ``capture:`` (``bot.content.model.CaptureSpec``) names the slots a message may fill
at any step: "scrivetemi a rosaria.larosa@gmail.com" at the projection's result keeps the
address as the answer to the question asking ``email`` (and ``contact_via: email``, the option
of the choice that ``fills: email``); "mi chiamo Rosaria La Rosa" keeps the name. Each slot is
read by its question's slot type (``SlotType.spot``: an address or a phone number anywhere, a
name only when introduced as one). Nothing here saves a lead: the form still asks consent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.content.model import Content
from bot.core.turn import Turn
from bot.core.voice import Voice

CAPTURED = "captured"  # the template value listing what was kept, for ``common.captured``


@dataclass
class Captured:
    """What one message gave: the slots kept (new values only), their values as shown, and
    where the capture offers to go next."""

    slots: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    then: tuple[str, str] | None = None


def _chosen_with(content: Content, slot: str) -> tuple[str, str] | None:
    """(choice slot, option value) of the choice whose option ``fills:`` ``slot``: an address
    kept means "by email" was chosen too."""
    for dialog in content.dialogs.values():
        for state in dialog.states.values():
            ask = state.ask
            for option in ask.options if ask is not None else ():
                if option.fills == slot and ask is not None:
                    return ask.slot, option.value
    return None


def capture(t: Turn, voice: Voice, text: str, skip: str | None = None) -> Captured:
    """Keep the captured slots found in ``text`` (``skip``: the slot the current question asks,
    read as its answer instead). Only values new to the conversation count."""
    content = voice.content
    conv = t.conv
    got = Captured()
    asks = voice.asks
    for dialog in content.dialogs.values():
        spec = dialog.capture
        if spec is None:
            continue
        for name, _pos in spec.slots:
            found = asks.get(name)
            if name == skip or found is None:
                continue
            state, ask = found
            value: Any = voice.slot_types.spot(ask, text, conv.lang, packs=content.packs).value
            if value is None or conv.slots.get(name) == value:
                continue
            conv.slots[name] = value
            chosen = _chosen_with(content, name)
            if chosen is not None:
                conv.slots[chosen[0]] = chosen[1]
            t.event("captured", name)
            got.slots.append(name)
            got.shown.append(voice.shown(t, state, value))
            if got.then is None:
                got.then = spec.then.resolve(dialog.id)
    return got


def rest_of(text: str, value: Any, free_text: bool) -> str:
    """What ``text`` says besides the answer ``value`` read from it, for the capture of the
    other slots: a free-text answer ("Anna Bruno" out of "mi chiamo anna bruno, scrivimi a
    anna@bruno.it") leaves the rest of the message; one kept whole leaves nothing, so that no
    detail is kept twice. Any other answer (a number, a choice, an address) leaves the whole
    message, the capture never reading the slot just answered; but a message of digits only
    ("10000000" followers) is the answer alone, no phone number."""
    if not free_text:
        return text if any(c.isalpha() or c == "@" for c in text) else ""
    if not isinstance(value, str) or not value.strip():
        return ""
    at = text.casefold().find(value.casefold())
    if at < 0:
        return ""
    return (text[:at] + " , " + text[at + len(value) :]).strip(" ,")


def say_captured(t: Turn, voice: Voice, got: Captured) -> None:
    """One line saying what was kept (``common.captured``, ``{{ captured }}`` the values)."""
    t.values[CAPTURED] = got.shown
    voice.say(t, "common.captured")
