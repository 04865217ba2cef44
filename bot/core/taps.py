"""A tapped button as the staff read it in the transcript: by its label, stale taps once.

The transcript line of a tap is ``[tapped: ✍️ Leave your details]``: the label of the button on
the current step (or of /delete's yes and no), else the label the front-end read off the pressed
message (``Input.label``: an old keyboard's). Taps on old keyboards are written once per step:
ten taps on a passed menu are one line, not ten, in the "last messages" of a note to staff.
``Conversation.memory["stale_noted"]`` is the step whose stale tap was written.

What a tap presses (``pressed``) is read from its data: ``"<step>.<digest>.<version>"``, the
digest of the button's stable id (``bot.content.button_ids``), matched against the current
step's buttons or options wherever they now are; a keyboard sent before stable ids says
``"<step>.<index>"``, a position. A tap on a button of the current step that a reload removed
is answered by ``gone_tap``: a word, and the step's buttons as they are now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.button_ids import option_id, tap_digest
from bot.content.machines import DialogMachine
from bot.content.model import StateSpec
from bot.core.commands import CONFIRM, CONFIRMATIONS
from bot.core.messages import Input
from bot.core.repetition import reprompt
from bot.core.turn import Turn, current_spec
from bot.core.voice import Voice

BUTTON = re.compile(r"(\d{1,9})\.(\d{1,2})")  # before stable ids: "<step>.<index>"
TAP = re.compile(r"(\d{1,9})\.([a-z2-7]{6})\.([a-z2-7]{4})")  # "<step>.<digest>.<version>"
STALE_NOTED = "stale_noted"
GONE_TEXT = "common.button_gone"  # "that button is no longer there: here are today's choices"

# What a tap at the current step presses (``Pressed.kind``)
PRESS_BUTTON = "button"  # the state's button ``index``
PRESS_OPTION = "option"  # the question's option ``index`` (``Voice.options``)
PRESS_GONE = "gone"  # a button or option that a reload removed
PRESS_NOTHING = "nothing"  # none that is shown now (``back`` with nowhere to go, a bad index)


@dataclass(frozen=True)
class Pressed:
    """What a tap on a keyboard of the current step presses."""

    kind: str
    index: int = -1  # of the button or option (-1: gone)


def pressed(t: Turn, spec: StateSpec | None, voice: Voice, data: str) -> Pressed | None:
    """What the button data ``data`` presses at the current step ``spec``: a button or an
    option by its stable id, wherever it now is (by position for ``"<step>.<index>"``); None
    when it is no keyboard of this step (an old one, or data we never sent)."""
    if spec is None:
        return None
    old = BUTTON.fullmatch(data)
    if old is not None:
        return _by_position(t, spec, voice, int(old.group(2))) if _here(t, old) else None
    tap = TAP.fullmatch(data)
    if tap is None or not _here(t, tap):
        return None
    # the id is matched whatever the version: a button that moved still does what it says
    digest = tap.group(2)
    if spec.buttons:
        for index, button in enumerate(spec.buttons):
            if tap_digest(button.stable_id) == digest:
                shown = voice.available(t, spec, index)
                return Pressed(PRESS_BUTTON if shown else PRESS_NOTHING, index)
        return Pressed(PRESS_GONE)
    for index, (value, _key) in enumerate(voice.options(spec)):
        if tap_digest(option_id(value)) == digest:
            return Pressed(PRESS_OPTION, index)
    return Pressed(PRESS_GONE)


def _here(t: Turn, match: re.Match[str]) -> bool:
    return int(match.group(1)) == t.conv.step


def _by_position(t: Turn, spec: StateSpec, voice: Voice, index: int) -> Pressed:
    """A keyboard sent before stable ids: the button at ``index``, as it always was."""
    if spec.buttons and index < len(spec.buttons) and voice.available(t, spec, index):
        return Pressed(PRESS_BUTTON, index)
    if spec.ask is not None and index < len(voice.options(spec)):
        return Pressed(PRESS_OPTION, index)
    return Pressed(PRESS_NOTHING, index)


def gone_tap(t: Turn, spec: StateSpec, voice: Voice, data: str) -> None:
    """A tap on a button of the current step that a reload removed: said briefly (the tap's
    notice too, ``Turn.notice``), then the step's buttons as they are now."""
    t.event("button_gone", (data or "")[:64])
    t.notice = voice.label(t, GONE_TEXT) or None
    voice.say(t, GONE_TEXT)
    reprompt(t, spec, voice)


def tap_label(t: Turn, machines: dict[str, DialogMachine], voice: Voice, inp: Input) -> str | None:
    """The words of the button ``inp`` pressed, read before the turn moves on; None unknown."""
    data = inp.button or ""
    spec = current_spec(machines, t.conv)
    found = pressed(t, spec, voice, data)
    if found is not None and spec is not None and found.index >= 0:
        if spec.buttons and found.index < len(spec.buttons):
            return voice.label(t, spec.buttons[found.index].text.key) or inp.label
        labels = voice.option_labels(t, spec) if spec.ask is not None else []
        if found.index < len(labels):
            return labels[found.index] or inp.label
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
