"""A correction of an earlier answer, typed at a later question.

"no aspetta, 300 non 200" at "how many would you like to reach?", when the current followers
were answered 200, is about the current followers, not the target: what the prospect takes
back ("200") is compared with every answer given so far, each read by its own question's
slot type (numbers, amounts of money, options), and the one it matches is corrected to what
they settled on ("300", read by that same question, with its notes), said in one line
(``common.corrected``, the answer named by ``slot_names.<slot>`` in locales) before the current
question is asked again. "anzi 300", "scusa, 300", "I mean 300" (a message opening with one of
the language packs' ``correction_openers``) typed right after an answer corrects that answer
when the value fits its question. Anything else is left to the current question: "300 non 200"
where nothing was 200 answers it with 300, as before.

The readings of the message are ``bot.understanding.phrasing.read_corrections``; which question
was answered last is kept in ``Conversation.memory`` (``JUST_ANSWERED``) by ``answered``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.content.model import StateSpec
from bot.core.slot_types import Note
from bot.core.state import Conversation
from bot.core.turn import Turn
from bot.core.updates import read_update
from bot.core.voice import Voice
from bot.understanding.phrasing import read_corrections

JUST_ANSWERED = "just_answered"  # Conversation.memory: the last answer, and the step it led to
CORRECTED_TEXT = "common.corrected"  # "Corretto: follower attuali 300."
CORRECTED, CORRECTED_NAME = "corrected", "corrected_name"  # its template values
SLOT_NAMES = "slot_names"  # locale texts ``slot_names.<slot>``: an answer's name, for that line


@dataclass(frozen=True)
class Amend:
    """An earlier answer to change: ``slot`` of the question ``state`` becomes ``value``."""

    slot: str
    value: Any
    state: StateSpec
    note: Note | None = None


def answered(conv: Conversation, slot: str, question: str) -> None:
    """``slot`` was answered at ``question`` ("dialog.state") and the turn moved on: remember
    it with the step it led to, for a correction typed right after ("anzi 300")."""
    conv.memory[JUST_ANSWERED] = {
        "slot": slot,
        "at": question,
        "then": f"{conv.dialog}.{conv.state}",
        "step": conv.step,
    }


def _just(conv: Conversation) -> dict[str, Any] | None:
    """The answer given just before this message, when the prospect is still at the question
    it led to (and it is taken: only the next message may correct it by an opener alone)."""
    just = conv.memory.pop(JUST_ANSWERED, None)
    if not isinstance(just, dict):
        return None
    if just.get("then") != f"{conv.dialog}.{conv.state}" or just.get("step") != conv.step:
        return None
    return just


def _question(voice: Voice, ref: str) -> StateSpec | None:
    dialog, _, name = ref.partition(".")
    state = voice.content.state(dialog, name)
    return state if state is not None and state.ask is not None else None


def _answers(
    t: Turn, voice: Voice, current: str, just: dict[str, Any] | None
) -> Iterator[StateSpec]:
    """The questions whose answers a correction may be about, the most recent first: the one
    answered just before, the questions asked (newest first), then any other answered slot's
    question (in the current dialog first). Never the current question's own slot, nor free
    text (a name, a business: kept as typed)."""
    conv = t.conv
    content = voice.content
    refs = [str(just["at"])] if just is not None else []
    refs += list(reversed(conv.history))
    order = [conv.dialog, *(d for d in content.dialogs if d != conv.dialog)]
    refs += [f"{d}.{s}" for d in order for s in content.dialogs[d].states]
    seen = {current}
    for ref in refs:
        state = _question(voice, ref)
        if state is None or state.ask is None:
            continue
        slot = state.ask.slot
        if slot in seen or slot not in conv.slots:
            continue
        seen.add(slot)
        slot_type = voice.slot_types.get(state.ask.type)
        if slot_type is None or slot_type.free_text or not slot_type.reads_corrections:
            continue
        yield state


def _same(voice: Voice, kind: str, a: Any, b: Any) -> bool:
    """Whether two values of a slot type are the same answer (numbers and money by size)."""
    size_a = voice.slot_types.magnitude(kind, a)
    size_b = voice.slot_types.magnitude(kind, b)
    if size_a is not None and size_b is not None:
        return math.isclose(size_a, size_b, rel_tol=1e-9, abs_tol=1e-9)
    return a is not None and a == b


def _read(t: Turn, voice: Voice, state: StateSpec, text: str) -> Any:
    assert state.ask is not None
    labels = voice.option_labels(t, state)
    return voice.slot_types.parse(state.ask, text, t.conv.lang, labels, packs=voice.content.packs)


def amend(t: Turn, spec: StateSpec, voice: Voice, text: str) -> Amend | None:
    """The earlier answer ``text`` corrects, typed at the question ``spec`` (or at a step that
    ``updates:`` answers); None when it corrects none (the message is then read as usual)."""
    conv = t.conv
    current = spec.ask.slot if spec.ask is not None else ""
    just = _just(conv)
    readings = read_corrections(text, conv.lang, voice.content.packs)
    if not readings:
        return None
    for reading in readings:
        if reading.denied:  # "300 non 200": the answer that was 200
            for state in _answers(t, voice, current, just):
                assert state.ask is not None
                slot, kind = state.ask.slot, state.ask.type
                old = conv.slots.get(slot)
                if not any(
                    _same(voice, kind, _read(t, voice, state, y).value, old) for y in reading.denied
                ):
                    continue
                parsed = _read(t, voice, state, reading.said)
                if parsed.value is not None and not _same(voice, kind, parsed.value, old):
                    return _found(conv, just, Amend(slot, parsed.value, state, parsed.note))
        elif reading.opener and just is not None:  # "anzi 300" right after answering 200
            previous = _question(voice, str(just.get("at")))
            if previous is None or previous.ask is None or previous.ask.slot == current:
                continue
            if previous.ask.slot != just.get("slot"):
                continue
            parsed = _read(t, voice, previous, reading.said)
            old = conv.slots.get(previous.ask.slot)
            if parsed.note is not None and _another_answer(t, spec, voice, reading.said, previous):
                continue  # "anzi 300 al mese" after "3" posts: the budget, not 69 posts a week
            if parsed.value is not None and not _same(voice, previous.ask.type, parsed.value, old):
                return _found(
                    conv, just, Amend(previous.ask.slot, parsed.value, previous, parsed.note)
                )
    return None


def _another_answer(t: Turn, spec: StateSpec, voice: Voice, said: str, previous: StateSpec) -> bool:
    """Whether, at a step whose ``updates:`` read values, ``said`` is read as another answer
    than ``previous``'s: a value that fits the previous question only once converted (a note
    says how: "300 al mese, cioè circa 69 a settimana") is no correction of it then."""
    if spec.updates is None or previous.ask is None:
        return False
    update = read_update(t, spec, voice, said)
    return update is not None and update.slot is not None and update.slot != previous.ask.slot


def _found(conv: Conversation, just: dict[str, Any] | None, found: Amend) -> Amend:
    if just is not None:  # still right after that answer: "anzi 400" may follow
        conv.memory[JUST_ANSWERED] = just
    return found


def say_amended(t: Turn, voice: Voice, found: Amend) -> None:
    """Keep the corrected answer and say so in one line ("Corretto: follower attuali 300."),
    with the slot type's own note after it ("€ 1.200 l'anno, cioè € 100 al mese")."""
    t.conv.slots[found.slot] = found.value
    t.event("corrected", found.slot)
    name_key = f"{SLOT_NAMES}.{found.slot}"
    t.values[CORRECTED] = voice.shown(t, found.state, found.value)
    t.values[CORRECTED_NAME] = (
        voice.text(t, name_key) if voice.lookup(name_key, t.conv.lang) else ""
    )
    voice.say(t, CORRECTED_TEXT)
    voice.say_note(t, found.note)
