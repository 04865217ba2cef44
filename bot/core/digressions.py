"""A question asked mid-conversation ("how much is it?"): where its answer is, whether it takes
the prospect there or is said on the way and the conversation comes back; and the slots a slot
filler reads from the question, with their notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.content.model import MOVES, Content, StateSpec
from bot.core.navigation import keep_for_later, menu_target, start_target
from bot.core.repetition import on_screen, reprompt
from bot.core.slot_types import Note
from bot.core.turn import Turn, move_replies
from bot.core.voice import Voice

SlotFiller = Callable[[Any, str, dict[str, Any], str], list[str]]
"""``(analysis, text, slots, dialog) -> names of the slots it filled`` from a free-text question."""


FLOW_STEPS = 30  # states followed from an answer to find the flow it starts


def flow_of(content: Content, start: tuple[str, str]) -> set[tuple[str, str]]:
    """The states of the flow ``start`` opens: followed forward by ``next``, ``when`` branches
    and the buttons that mean yes (the ones that go on: "Iniziamo", "Let's go"), never
    through the menu or a move such as ``resume``; at most ``FLOW_STEPS`` states."""
    menu = menu_target(content)
    seen: set[tuple[str, str]] = set()
    todo = [start]
    while todo and len(seen) < FLOW_STEPS:
        here = todo.pop()
        if here in seen:
            continue
        spec = content.state(*here)
        if spec is None:
            continue
        seen.add(here)
        ahead = [w.go for w in spec.when] + ([spec.next] if spec.next is not None else [])
        ahead += [b.go for b in spec.buttons if b.means == "yes"]  # "Iniziamo", "Let's go"
        for target in ahead:
            if target.ref in MOVES:
                continue
            found = target.resolve(here[0])
            if found != menu:
                todo.append(found)
    return seen


def in_its_flow(content: Content, intent: str, here: tuple[str, str]) -> bool:
    """The prospect at ``here`` asks for what they are already doing ("vorrei lasciare i
    contatti" typed inside the contact form): the answer to ``intent`` starts a flow that
    ``here`` belongs to, so it is no digression."""
    target = intent_answer(content, intent)
    return target is not None and here in flow_of(content, target)


def intent_answer(content: Content, intent: str) -> tuple[str, str] | None:
    """(dialog, state) answering ``intent`` (the content's ``answers:``; a bare state is in the
    main dialog), None when the intent has no answer."""
    answers = getattr(content.intents, "answers", None) or {}
    entry = answers.get(intent)
    if entry is None:
        return None
    ref = entry[0] if isinstance(entry, tuple) else entry
    if not ref:
        return None
    dialog, _, state = str(ref).partition(".")
    return (dialog, state) if state else (content.main, dialog)


def is_small_talk(answer: StateSpec | None) -> bool:
    """An answer said on the way that changes nothing: it comes back (``return: true``), waits
    for nothing, does nothing and asks nothing ("ciao", "are you a bot?")."""
    return (
        answer is not None
        and answer.returns is True
        and not answer.waits
        and not answer.do
        and answer.ask is None
    )


def starts_a_flow(answer: StateSpec) -> bool:
    """An answer that starts a flow of its own (a question, an action, a sequence of messages)
    takes the prospect there; a short one is a digression and comes back. ``return:`` decides
    when it is set."""
    if answer.returns is None:
        return bool(answer.do) or answer.ask is not None or not answer.waits
    return not answer.returns


def answer_intent(
    t: Turn, spec: StateSpec | None, voice: Voice, target: tuple[str, str] | None
) -> tuple[str, str] | None:
    """Answer a question whose answer is the state ``target``, asked at the current state
    ``spec``. Returns where the prospect goes (``target``, for the engine to enter), or None
    when it was answered here: said on the way with the step again, "see above" for what is on
    screen, nothing for what this turn has just said, "not understood" without a ``target``."""
    content = voice.content
    conv = t.conv
    answer = content.state(*target) if target is not None else None
    if target is None or answer is None:
        t.values["at_menu"] = (conv.dialog, conv.state) == menu_target(content)
        voice.say_one(t, "common.not_understood")
        reprompt(t, spec, voice)
        return None
    moves = {m.resolve(target[0]) for m in answer.moves()}
    if target in t.entered or (not answer.waits and moves and moves <= t.entered):
        return None  # "ciao" as the very first message: the welcome has just said it all
    at_rest = (conv.dialog, conv.state) in (menu_target(content), start_target(content))
    flow = starts_a_flow(answer)
    here = (conv.dialog, conv.state) == target
    if here and spec is not None and on_screen(t, spec, voice):
        # asked again what is on screen right now: point at it rather than say it twice
        t.event("already_said", f"{target[0]}.{target[1]}")
        voice.say(t, "common.see_above")
        reprompt(t, spec, voice)
        return None
    # at a step that asks nothing, the answer is a step of its own, with its own buttons: no
    # "Ma torniamo a noi…", and the step before is not said again (unless it says `return: true`)
    content_step = spec is not None and spec.ask is None and answer.returns is not True
    if at_rest or flow or here or content_step:
        if flow and not here:  # a question left for another flow: resumable
            keep_for_later(conv, spec)
        return target
    for ref in answer.say:
        voice.say(t, ref.key)
    if (
        spec is not None
        and spec.ask is None
        and voice.buttons_for(t, spec)
        and on_screen(t, spec, voice)
    ):
        # a step (not a question) still in view: its buttons come under the answer, with no
        # "Ma torniamo a noi…" followed by buttons alone
        reprompt(t, spec, voice)
        return None
    # "Ma torniamo a noi…", then the question itself
    voice.say(t, "common.back_to_flow")
    reprompt(t, spec, voice, full=True)
    return None


def fill_from_question(
    t: Turn, analysis: Any, fillers: Sequence[SlotFiller], voice: Voice
) -> list[Note]:
    """Run the slot fillers on a typed question (``analysis.text``); the notes to say about
    what they filled (see ``fit_filled``)."""
    conv = t.conv
    notes: list[Note] = []
    for filler in fillers:
        filled = filler(analysis, analysis.text, conv.slots, conv.dialog)
        if filled:
            t.event("slots_from_text", ",".join(filled))
            notes += fit_filled(t, voice, filled)
    return notes


def fit_filled(t: Turn, voice: Voice, filled: Sequence[str]) -> list[Note]:
    """Slots a filler read from a typed question, made to fit the questions that ask for them
    (money per month); the lines to say about them, as for a typed answer. A value its question
    would refuse ("$300") is dropped, so the question is asked later."""
    notes: list[Note] = []
    asks = {
        state.ask.slot: state.ask
        for dialog in voice.content.dialogs.values()
        for state in dialog.states.values()
        if state.ask is not None
    }
    for name in filled:
        ask = asks.get(name)
        slot_type = voice.slot_types.get(ask.type) if ask is not None else None
        if ask is None or slot_type is None or name not in t.conv.slots:
            continue
        parsed = slot_type.fit(t.conv.slots[name], ask)
        if parsed.value is None:
            del t.conv.slots[name]
            t.event("slot_refused", name)
            continue
        t.conv.slots[name] = parsed.value
        if parsed.note is not None:
            notes.append(parsed.note)
    return notes


def say_notes_at(t: Turn, voice: Voice, notes: Sequence[Note], index: int) -> None:
    """Say ``notes`` as replies placed at ``index`` among this turn's replies."""
    for note in notes:
        end = len(t.replies)
        voice.say_note(t, note)
        index = move_replies(t, end, index)
