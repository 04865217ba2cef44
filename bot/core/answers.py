"""Reading a typed message against the current state: a button named by its label, its words or
its number; a question's closed answer; a choice answered with the value its option leads to.

Functions of the turn, the state and the ``Voice`` (for the labels as shown); they read and
never move. The engine acts on what they find.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot.content.model import StateSpec
from bot.core.slot_types import Note, fold
from bot.core.turn import Turn
from bot.core.voice import Voice
from bot.understanding.labels import match_label
from bot.understanding.yesno import read_acknowledgement, read_yesno


def match_button(t: Turn, spec: StateSpec, voice: Voice, text: str) -> int | None:
    """The index of the state's button whose label was typed instead of pressed (exactly, by
    its own words, or nearly: fuzzy ratio ≥ 85), or its number as in the console (1-based among
    the buttons shown); None when no button is meant."""
    folded = fold(text)
    shown = [i for i in range(len(spec.buttons)) if voice.available(t, spec, i)]
    if folded.isdigit() and 1 <= int(folded) <= len(shown):
        return shown[int(folded) - 1]
    said = [voice.label(t, spec.buttons[i].text.key) for i in shown]
    labels = [fold(label) for label in said]
    if folded in labels:
        return shown[labels.index(folded)]
    # "fai i conti", "regole", "next": the label's own words (one label, not two alike)
    by_words = match_label(text, said, t.conv.lang, voice.content.packs)
    if by_words is not None:
        return shown[by_words]
    best = process.extractOne(folded, labels, scorer=fuzz.ratio, score_cutoff=85)
    return shown[best[2]] if best else None


def button_meant(t: Turn, spec: StateSpec, voice: Voice, text: str) -> int | None:
    """The index of the button a typed yes or no stands for (``means: yes`` / ``means: no``):
    "ok", "va bene", "sure" press the go-ahead, "no", "non ora" the not-now; None when the
    state marks no such button, the message is neither, or the button is not shown."""
    if not any(b.means for b in spec.buttons):
        return None
    said = read_yesno(text, t.conv.lang, voice.content.packs)
    if said is None:
        return None
    meant = "yes" if said else "no"
    for index, button in enumerate(spec.buttons):
        if button.means == meant and voice.available(t, spec, index):
            return index
    return None


def only_thanks(t: Turn, spec: StateSpec, voice: Voice, text: str) -> bool:
    """A "thank you" or "ok" on its own is not a button's words ("thank you" is not «Leave
    your details»), unless it is a label exactly."""
    if read_acknowledgement(text, t.conv.lang, voice.content.packs) is None:
        return False
    labels = [fold(voice.label(t, b.text.key)) for b in spec.buttons]
    return fold(text) not in labels


def is_free_text(spec: StateSpec, voice: Voice) -> bool:
    """The state's question takes any text (a name of a business): nothing typed is wrong."""
    assert spec.ask is not None
    return voice.slot_types.free_text(spec.ask.type)


def closed_answer(t: Turn, spec: StateSpec, voice: Voice, text: str) -> bool:
    """``text`` answers the question (a yes/no, a number, a choice: not free text, which takes
    anything): then the answer wins over words that would move the conversation."""
    assert spec.ask is not None
    if is_free_text(spec, voice):
        return False
    parsed = voice.slot_types.parse(
        spec.ask, text, t.conv.lang, voice.option_labels(t, spec), packs=voice.content.packs
    )
    return parsed.value is not None


@dataclass(frozen=True)
class ChoiceWithValue:
    """A choice answered with its option's value: ``choice`` the option picked, ``slot`` the
    slot its question asks, ``value`` the answer read for it and ``note`` its slot type's line."""

    choice: str
    slot: str
    value: Any
    note: Note | None


def choice_with_value(t: Turn, spec: StateSpec, voice: Voice, text: str) -> ChoiceWithValue | None:
    """A choice answered with the answer to the question one of its options leads to
    (``fills:``): "mario@x.it" at "email, phone or Telegram?" is the option `email` and the
    address. Only when exactly one option's question takes the text, and never for a button's
    number; None otherwise."""
    assert spec.ask is not None
    folded = fold(text)
    if folded.isdigit() and 1 <= int(folded) <= len(spec.ask.options):
        return None  # a button's number, as typed in the console
    asks = {
        s.ask.slot: s.ask
        for s in voice.content.dialogs[t.conv.dialog].states.values()
        if s.ask is not None
    }
    found: list[ChoiceWithValue] = []
    for option in spec.ask.options:
        ask = asks.get(option.fills or "")
        if ask is None:
            continue
        parsed = voice.slot_types.parse(ask, text, t.conv.lang, packs=voice.content.packs)
        if parsed.value is not None:
            found.append(ChoiceWithValue(option.value, ask.slot, parsed.value, parsed.note))
    return found[0] if len(found) == 1 else None
