"""A prospect waiting for a person: the pending request, and what the bot says meanwhile.

``request_human`` (an action providing ``PERSON_REQUESTED``) asks the agency for a person; the
time it did is kept in ``Conversation.memory[PERSON_REQUESTED]`` (ISO) until a staff member
closes the handover or ``human_wait`` passes. Meanwhile "ciao?", "anyone there?" or asking for
a person again is answered with where the request is and when the team answers (office hours,
``bot.core.office_hours``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.content.model import Content, StateSpec
from bot.core.actions import ActionRegistry
from bot.core.digressions import intent_answer, is_small_talk
from bot.core.office_hours import waiting_values
from bot.core.ports import ConversationStore
from bot.core.records import read_time
from bot.core.repetition import last_sent, reprompt
from bot.core.turn import Turn
from bot.core.voice import Voice

PERSON_REQUESTED = "human_requested"  # the value request_human sets; kept while staff answer
HUMAN_WAIT = timedelta(days=3)  # a request for a person nobody closed is pending this long


def note_request(t: Turn, values: Mapping[str, Any]) -> None:
    """An action's ``values`` say a person was asked for: remember when (this turn's time)."""
    if values.get(PERSON_REQUESTED):
        t.conv.memory[PERSON_REQUESTED] = t.now.isoformat(timespec="seconds")


def waiting_for_person(t: Turn, store: ConversationStore, human_wait: timedelta) -> bool:
    """A person was asked for and the staff have not answered yet: no ``handover_closed`` event
    in ``store`` since, and less than ``human_wait`` ago. A request no longer pending is
    forgotten."""
    memory = t.conv.memory
    asked = read_time(memory.get(PERSON_REQUESTED))
    if asked is None or t.now - asked > human_wait:
        memory.pop(PERSON_REQUESTED, None)
        return False
    for event in store.events(t.conv.user_id, kind="handover_closed"):
        if event.at is not None and event.at >= asked:  # a person answered and closed
            memory.pop(PERSON_REQUESTED, None)
            return False
    return True


def requests_person(state: StateSpec, actions: ActionRegistry) -> bool:
    """The state runs an action that asks the agency for a person."""
    for name, _pos in state.do:
        action = actions.get(name)
        if action is not None and PERSON_REQUESTED in action.provides:
            return True
    return False


def offers_person(content: Content, actions: ActionRegistry, target: tuple[str, str]) -> bool:
    """The state ``target`` asks the agency for a person (``do: request_human``), or keeps the
    prospect there (``return: false``) to offer one a move away (``main.human``)."""
    state = content.state(*target)
    if state is None:
        return False
    if requests_person(state, actions):
        return True
    if state.returns is not False:
        return False
    for move in state.moves():
        nxt = content.state(*move.resolve(target[0]))
        if nxt is not None and requests_person(nxt, actions):
            return True
    return False


def asks_after_person(analysis: Any, content: Content, actions: ActionRegistry) -> bool:
    """What the prospect said fits a prospect waiting for a person: nothing understood, small
    talk, or asking for a person again; not a real question ("how much is it?")."""
    intent = getattr(analysis, "intent", None)
    if not intent:
        return True
    target = intent_answer(content, intent)
    if target is None:
        return False
    return is_small_talk(content.state(*target)) or offers_person(content, actions, target)


def say_waiting(t: Turn, spec: StateSpec | None, voice: Voice) -> None:
    """Where the request is and when the team answers (``human.waiting``); said again right
    away, in other words (``human.still_waiting``). Under it the buttons of the current state
    ``spec`` when it asks nothing, else the question again."""
    t.event("human_waiting")
    t.values.update(waiting_values(voice.content, t.now, t.conv.lang))
    last = last_sent(t)
    again = last is not None and last == voice.text(t, "human.waiting")
    key = "human.still_waiting" if again else "human.waiting"
    if spec is not None and spec.ask is None:  # its buttons under this line, no repeat
        voice.say(t, key, buttons=voice.buttons_for(t, spec))
        return
    voice.say(t, key)
    reprompt(t, spec, voice)
