"""Each dialog as one ``transitions.Machine``, built once and shared by every prospect.

Prospects are never added to the machine as models (that costs memory per user and slows every
``add_model``); each turn drives the shared machine with a throwaway object holding the state read
from the database — the pattern measured in ``ptb-transitions-notes.md``. A move to another
dialog lands on a placeholder state named ``dialog.state`` that the engine follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine, MachineError

from bot.content.model import Branch, Content, Dialog, StateSpec, Target
from bot.content.templates import Renderer

PRESS = "press_{}"
ANSWER = "answer"
ADVANCE = "advance"
GIVE_UP = "give_up"


@dataclass
class Cursor:
    """The throwaway model: transitions reads and writes ``state`` on it."""

    state: str


class DialogMachine:
    def __init__(self, dialog: Dialog, renderer: Renderer) -> None:
        self.dialog = dialog
        self.renderer = renderer
        states = list(dialog.states)
        transitions: list[dict[str, Any]] = []
        external: set[str] = set()

        def dest(target: Target) -> str:
            if target.move is not None:  # "back"/"resume": a placeholder the engine follows
                external.add(target.move)
                return target.move
            other, state = target.resolve(dialog.id)
            if other == dialog.id:
                return state
            name = f"{other}.{state}"
            external.add(name)
            return name

        for spec in dialog.states.values():
            for i, button in enumerate(spec.buttons):
                transitions.append(
                    {"trigger": PRESS.format(i), "source": spec.name, "dest": dest(button.go)}
                )
            trigger = ANSWER if spec.ask is not None else ADVANCE
            if spec.next is not None:
                transitions.append(
                    {"trigger": trigger, "source": spec.name, "dest": dest(spec.next)}
                )
            for branch in spec.when:
                move: dict[str, Any] = {
                    "trigger": trigger,
                    "source": spec.name,
                    "dest": dest(branch.go),
                }
                if branch.condition is not None:
                    move["conditions"] = [self._condition(branch)]
                transitions.append(move)
            if spec.on_give_up is not None:
                transitions.append(
                    {"trigger": GIVE_UP, "source": spec.name, "dest": dest(spec.on_give_up)}
                )
        self.machine = Machine(
            model=None,
            states=states + sorted(external),
            transitions=transitions,
            initial=dialog.start.resolve(dialog.id)[1],
            auto_transitions=False,
            send_event=True,
        )

    def _condition(self, branch: Branch) -> Any:
        expression = branch.condition or "true"

        def holds(event: Any) -> bool:
            return self.renderer.evaluate(expression, event.kwargs.get("values", {}))

        holds.__name__ = f"if {expression}"
        return holds

    def move(self, state: str, trigger: str, values: Mapping[str, Any]) -> tuple[str, str] | None:
        """Where ``trigger`` leads from ``state`` as (dialog, state); None if nowhere."""
        event = self.machine.events.get(trigger)
        if event is None:
            return None
        cursor = Cursor(state)
        try:
            moved = event.trigger(cursor, values=values)
        except MachineError:
            return None
        if not moved:
            return None
        if "." in cursor.state:
            other, target = cursor.state.split(".", 1)
            return other, target
        return self.dialog.id, cursor.state

    def state(self, name: str) -> StateSpec | None:
        return self.dialog.states.get(name)


def build_machines(content: Content, renderer: Renderer) -> dict[str, DialogMachine]:
    return {d.id: DialogMachine(d, renderer) for d in content.dialogs.values()}
