"""A new value typed at a step that shows a result: "1200 l'anno", "ogni giorno", "e se usassi
instagram?" at the projection's result changes that answer and runs it again.

A state's ``updates:`` (``bot.content.model.UpdateSpec``) names the slots a typed value may
change. The value is read by the question that asks each slot (its slot type, ``per:``,
options): when exactly one reads it, that slot changes. When several do, the reading closest
to its current answer wins if it is clearly closest (a third of the distance, in orders of
magnitude: € 100 a month rather than 23 posts a week for "1200 l'anno" when the budget was
€ 200 and the posts 3); a plain number that fits several as it is ("500") is asked about.
Naming an answer without a value ("cambia il budget", "la piattaforma") leads to its question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bot.content.model import AskSpec, Content, StateSpec
from bot.core.answers import match_button
from bot.core.slot_types import WORD, Note, fold
from bot.core.turn import Turn
from bot.core.voice import Voice

CLEARLY_CLOSER = math.log(3)  # the winning reading is this much closer (in log) than the next
PENDING = "pending_update"  # Conversation.memory: a value asked about, kept for its question
UPDATE_VALUE = "update_value"  # the template value of ``common.update_which``: what was typed


@dataclass(frozen=True)
class Update:
    """A typed value for ``slot`` (None: it could be several, ``candidates``)."""

    slot: str | None
    value: Any = None
    note: Note | None = None
    candidates: tuple[str, ...] = ()


def asking(content: Content, slot: str, dialog: str) -> AskSpec | None:
    """The question asking ``slot`` (in ``dialog`` first), None when none does."""
    found = _ask_for(content, dialog, slot)
    return found[1] if found is not None else None


def _ask_for(content: Content, dialog: str, slot: str) -> tuple[StateSpec, AskSpec] | None:
    """The question asking ``slot``, in ``dialog`` first."""
    order = [content.dialogs[dialog]] if dialog in content.dialogs else []
    order += [d for d in content.dialogs.values() if d.id != dialog]
    for d in order:
        for state in d.states.values():
            if state.ask is not None and state.ask.slot == slot:
                return state, state.ask
    return None


def read_update(t: Turn, spec: StateSpec, voice: Voice, text: str) -> Update | None:
    """The answer ``text`` changes, at a state with ``updates:``; None when it is no value for
    any of them."""
    if spec.updates is None:
        return None
    content = voice.content
    if _asks_an_amount(t, voice, text):
        return None  # "how much do I need to reach 25k?": a question, not a new value
    scaled = _scaled(t, spec, voice, text)
    if scaled is not None:  # "e se raddoppio il budget?"
        return scaled
    readings: list[tuple[str, Any, Note | None, AskSpec]] = []
    for slot in spec.updates.slots:
        found = _ask_for(content, t.conv.dialog, slot)
        if found is None:
            continue
        state, ask = found
        labels = voice.option_labels(t, state)
        parsed = voice.slot_types.parse(ask, text, t.conv.lang, labels, packs=content.packs)
        if parsed.value is not None:
            readings.append((slot, parsed.value, parsed.note, ask))
    if not readings:
        return None
    if len(readings) == 1:
        slot, value, note, _ask = readings[0]
        return Update(slot, value, note)
    named = _named_slots(t, voice, text) & {r[0] for r in readings}
    if len(named) == 1:  # "obiettivo 5mila", "e se il budget fosse 300?": the one it names
        slot, value, note, _ask = next(r for r in readings if r[0] in named)
        return Update(slot, value, note)
    closest = _closest(t, voice, readings)
    if closest is not None:
        slot, value, note, _ask = closest
        return Update(slot, value, note)
    return Update(None, candidates=tuple(r[0] for r in readings))


def _scaled(t: Turn, spec: StateSpec, voice: Voice, text: str) -> Update | None:
    """An answer changed by a factor ("e se raddoppio il budget?", "halve the posts"): the
    message names one answer (``slot_words``) and a factor (``factor_words``); None otherwise."""
    if spec.updates is None:
        return None
    typed = _words(text)
    packs = voice.content.packs.values()
    factors = {f for pack in packs for w, f in pack.factor_words.items() if _words(w) in typed}
    if len(factors) != 1:
        return None
    named = _named_slots(t, voice, text) & set(spec.updates.slots)
    if len(named) != 1:
        return None
    slot = named.pop()
    found = _ask_for(voice.content, t.conv.dialog, slot)
    slot_type = voice.slot_types.get(found[1].type) if found is not None else None
    if found is None or slot_type is None:
        return None
    old = slot_type.magnitude(t.conv.slots.get(slot))
    if old is None:
        return None
    value = slot_type.suggestion(old * factors.pop(), found[1])
    return Update(slot, value) if value is not None else None


def _asks_an_amount(t: Turn, voice: Voice, text: str) -> bool:
    """The message asks for an amount ("quanto devo spendere…?", "how much…?") in the
    conversation's language or any other (the language packs' ``amount_questions``)."""
    typed = _words(text)
    packs = voice.content.packs.values()
    return any(_words(w) in typed for pack in packs for w in pack.amount_questions)


def _named_slots(t: Turn, voice: Voice, text: str) -> set[str]:
    """The slots a message names by the language pack's other names for them (``slot_words``,
    staff's ``words.yaml``): «obiettivo» for ``target_followers``."""
    pack = voice.content.packs.get(t.conv.lang)
    words = getattr(pack, "slot_words", None) or {}
    typed = _words(text)
    return {slot for slot, names in words.items() if any(_words(n) in typed for n in names)}


def _closest(
    t: Turn, voice: Voice, readings: list[tuple[str, Any, Note | None, AskSpec]]
) -> tuple[str, Any, Note | None, AskSpec] | None:
    """The reading clearly closest to its slot's current answer, when the readings differ (a
    value said per a period or in a unit reads differently for each); None otherwise."""
    sized: list[tuple[float, float, tuple[str, Any, Note | None, AskSpec]]] = []
    for reading in readings:
        slot, value, _note, ask = reading
        new = voice.slot_types.magnitude(ask.type, value)
        old = voice.slot_types.magnitude(ask.type, t.conv.slots.get(slot))
        if new is None or old is None or new <= 0 or old <= 0:
            return None
        sized.append((abs(math.log(new / old)), new, reading))
    if len({round(new, 6) for _d, new, _r in sized}) == 1:
        return None  # "500": the same number for each, nothing tells them apart
    sized.sort(key=lambda s: s[0])
    if sized[1][0] - sized[0][0] < CLEARLY_CLOSER:
        return None
    return sized[0][2]


def named_question(t: Turn, spec: StateSpec, voice: Voice, text: str) -> tuple[str, str] | None:
    """(dialog, state) of the question a message names at a state with ``updates:`` and
    ``which:`` ("cambia il budget", "la piattaforma"): by the words of a ``which`` button
    leading to a question asking one of the slots, or by the language pack's other names for
    a slot (``slot_words``, staff's ``words.yaml``); None otherwise."""
    updates = spec.updates
    if updates is None or updates.which is None:
        return None
    content = voice.content
    dialog, name = updates.which.resolve(t.conv.dialog)
    which = content.state(dialog, name)
    if which is None:
        return None
    targets: dict[str, tuple[str, str]] = {}
    for button in which.buttons:
        target = button.go.resolve(dialog)
        asked = content.state(*target)
        if asked is not None and asked.ask is not None and asked.ask.slot in updates.slots:
            targets.setdefault(asked.ask.slot, target)
    index = match_button(t, which, voice, text) if which is not spec else None
    if index is not None:
        target = which.buttons[index].go.resolve(dialog)
        asked = content.state(*target)
        if asked is not None and asked.ask is not None and asked.ask.slot in updates.slots:
            return target
    named = _named_slots(t, voice, text) & set(targets)
    return targets[named.pop()] if len(named) == 1 else None


def _words(text: str) -> str:
    """``text`` folded to its words, with a space on either side, to find words in words."""
    return " " + " ".join(WORD.findall(fold(text))) + " "
