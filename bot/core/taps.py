"""A tapped button as the staff read it in the transcript: by its label, stale taps once.

The transcript line of a tap is ``[tapped: ✍️ Leave your details]``: the label of the button on
the current step (or of /delete's yes and no), else the label the front-end read off the pressed
message (``Input.label``: an old keyboard's). Taps on old keyboards are written once per step:
ten taps on a passed menu are one line, not ten, in the "last messages" of a note to staff.
``Conversation.memory["stale_noted"]`` is the step whose stale tap was written.
"""

from __future__ import annotations

import re

from bot.content.machines import DialogMachine
from bot.core.commands import CONFIRM, CONFIRMATIONS
from bot.core.messages import Input
from bot.core.turn import Turn, current_spec
from bot.core.voice import Voice

BUTTON = re.compile(r"(\d{1,9})\.(\d{1,2})")  # a state's button data: "<step>.<index>"
STALE_NOTED = "stale_noted"


def tap_label(t: Turn, machines: dict[str, DialogMachine], voice: Voice, inp: Input) -> str | None:
    """The words of the button ``inp`` pressed, read before the turn moves on; None unknown."""
    data = inp.button or ""
    spec = current_spec(machines, t.conv)
    match = BUTTON.fullmatch(data)
    if match is not None and spec is not None and int(match.group(1)) == t.conv.step:
        index = int(match.group(2))
        if spec.buttons and index < len(spec.buttons):
            return voice.label(t, spec.buttons[index].text.key) or inp.label
        labels = voice.option_labels(t, spec) if spec.ask is not None else []
        if index < len(labels):
            return labels[index] or inp.label
    confirm = CONFIRM.match(data)
    if confirm is not None and confirm.group(1) in CONFIRMATIONS:
        yes, no = CONFIRMATIONS[confirm.group(1)]
        return voice.label(t, yes if confirm.group(2) == "yes" else no) or inp.label
    return inp.label


def note_tap(t: Turn, line: tuple[str, str], label: str | None) -> None:
    """Rewrite the transcript ``line`` of this turn's tap with its ``label``; a stale tap on a
    step whose stale tap is already written is left out."""
    transcript = t.rec.transcript
    at = next((i for i, item in enumerate(transcript) if item is line), None)
    if at is None:
        return
    stale = any(event.kind == "stale_button" for event in t.rec.events)
    if stale:
        if t.conv.memory.get(STALE_NOTED) == t.conv.step:
            del transcript[at]
            return
        t.conv.memory[STALE_NOTED] = t.conv.step
    if label:
        transcript[at] = ("in", f"[tapped: {' '.join(label.split())[:64]}]")
    elif stale:
        transcript[at] = ("in", "[tapped an old button]")
