"""Where a prospect may go besides forward: the menu, back, resume, the give-up target, a way out.

``back`` leads to the question before this one (``Conversation.history``), ``resume`` to the
question left unfinished (``Conversation.resume``); ``cancel`` ("lascia perdere") leaves a
question for the menu. Pure functions of the conversation and the content: the engine enters
the places they name.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from bot.content.model import BACK, RESUME, Content, StateSpec
from bot.core.slot_types import fold
from bot.core.state import Conversation
from bot.understanding.lang import LanguagePack
from bot.understanding.phrasing import move_in

HISTORY = 12  # questions remembered per prospect, for "back"
CANCEL = "cancel"  # the way-out words: leave the question for the menu


def start_target(content: Content) -> tuple[str, str]:
    """(dialog, state) where a conversation starts: the main dialog's ``start``."""
    return content.main_dialog.start.resolve(content.main)


def menu_target(content: Content) -> tuple[str, str]:
    """(dialog, state) of the menu: the main dialog's ``menu``, else its ``start``."""
    main = content.main_dialog
    target = main.menu or main.start
    return target.resolve(main.id)


def give_up_target(content: Content) -> tuple[str, str]:
    """(dialog, state) after too many failed answers: the main dialog's ``give_up``, else the
    menu."""
    main = content.main_dialog
    return main.give_up.resolve(main.id) if main.give_up is not None else menu_target(content)


def move_word(text: str, lang: str, packs: Mapping[str, LanguagePack]) -> str | None:
    """``cancel``, ``back`` or ``resume`` when the whole message is one of the language packs'
    words for it ("lascia perdere", "indietro", "riprendi"), in any language (``lang``'s pack
    first), or says it with only hesitations around ("no aspetta, ho sbagliato, torna
    indietro", "wait, I made a mistake": ``phrasing.move_in``); None otherwise."""
    folded = fold(text)
    if not folded or len(folded) > 60:
        return None
    order = [lang, *(code for code in packs if code != lang)]
    for code in order:
        pack = packs.get(code)
        if pack is None:
            continue
        for name in (CANCEL, BACK, RESUME):
            if folded in _folded_words(getattr(pack, name)):
                return name
    return move_in(text, lang, packs)


@lru_cache(maxsize=64)
def _folded_words(words: frozenset[str]) -> frozenset[str]:
    """A pack's word list folded once, not on every message."""
    return frozenset(fold(w) for w in words)


def place(
    conv: Conversation, content: Content, move: str, take: bool = False
) -> tuple[str, str] | None:
    """Where ``back`` (the question before this one) or ``resume`` (the question left
    unfinished) leads now, as (dialog, state); None when nowhere. ``take``: the prospect goes
    there now, so the history or the resume point is used up."""
    here = f"{conv.dialog}.{conv.state}"

    def known(ref: str | None, steps: bool = False) -> tuple[str, str] | None:
        dialog, _, state = (ref or "").partition(".")
        spec = content.state(dialog, state)
        if spec is None or not (spec.ask is not None or (steps and spec.waits)):
            return None
        return dialog, state

    if move == RESUME:
        # a step with buttons too: the one left for a form offered on the way (``capture:``)
        found = known(conv.resume, steps=True) if conv.resume != here else None
        if take:
            conv.resume = None
        return found
    history = [ref for ref in conv.history if known(ref) is not None]
    if history and history[-1] == here:
        history.pop()  # at a question, "back" is the one before it
    if not history:
        return None
    if take:
        conv.history = history
    return known(history[-1])


def remember_question(conv: Conversation) -> None:
    """The current state asks a question: remember it for "back" (the last ``HISTORY``), and
    it is no longer left unfinished."""
    here = f"{conv.dialog}.{conv.state}"
    if not conv.history or conv.history[-1] != here:
        conv.history = [*conv.history, here][-HISTORY:]
    if conv.resume == here:
        conv.resume = None


def keep_for_later(conv: Conversation, spec: StateSpec | None) -> None:
    """Leaving the current state: when it is a question left unanswered, remember it, so a
    ``resume`` brings the prospect back."""
    if spec is not None and spec.ask is not None:
        conv.resume = f"{conv.dialog}.{conv.state}"


def button_available(conv: Conversation, content: Content, spec: StateSpec, index: int) -> bool:
    """A button leading to ``back``/``resume`` is shown only when there is somewhere to go."""
    move = spec.buttons[index].go.move
    return move is None or place(conv, content, move) is not None
