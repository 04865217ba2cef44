"""Everyday turns of phrase at a step: the greeting a prospect opened with, a prospect leaving
politely, a message not understood (in other words each time, then a person offered), and a
value suggested to a prospect who does not know the answer to a number question.

The words are the language packs' (``bot.understanding.phrasing``); the texts are the locales':
``common.goodbye``, ``common.not_understood`` (one variant per line), ``common.not_understood_
again``, and a question's ``unsure:`` text (else ``common.unsure.<type>``). Each is optional:
content without it keeps the behaviour it had.
"""

from __future__ import annotations

from typing import Any

from bot.content.model import StateSpec
from bot.core.answers import closed_answer, match_button
from bot.core.messages import Button
from bot.core.turn import Turn, render_values
from bot.core.voice import SUGGESTED, Voice
from bot.understanding.phrasing import greeting_said, is_goodbye
from bot.understanding.yesno import read_yesno

MISSES_BEFORE_OFFER = 2  # messages not understood in a row at one step before a person is offered


def greet_in_kind(t: Turn, voice: Voice, text: str) -> None:
    """Remember how the message greets ("Buongiorno, …" -> ``morning``) as the value
    ``greeting_said``, so that texts greet back in kind; "" for none or a plain "ciao"."""
    kind = greeting_said(text, t.conv.lang, voice.content.packs) if text else None
    t.values["greeting_said"] = kind or ""


def goodbye(t: Turn, spec: StateSpec | None, voice: Voice, text: str) -> bool:
    """A prospect leaving politely ("non mi interessa", "basta ciao", "no thanks, bye"): a short
    goodbye, and the conversation stays where it is, every answer kept, so that a word later
    picks it up. False, saying nothing, when the message is no goodbye, answers the question
    ("no grazie" to a yes/no), names a button, or the content has no ``common.goodbye``."""
    if not is_goodbye(text, t.conv.lang, voice.content.packs):
        return False
    if voice.lookup("common.goodbye", t.conv.lang) is None:
        return False
    if spec is not None:
        if spec.ask is not None and closed_answer(t, spec, voice, text):
            return False
        if spec.ask is None and spec.buttons and match_button(t, spec, voice, text) is not None:
            return False
    t.event("goodbye", text[:200])
    t.conv.tries = 0
    voice.say(t, "common.goodbye")
    return True


def not_understood(t: Turn, voice: Voice, at_menu: bool) -> bool:
    """Say that a message was not understood, in a different line from the one said last
    (``common.not_understood`` holds one variant per line; the menu is not suggested to a
    prospect who is at it: the value ``at_menu``). True on the ``MISSES_BEFORE_OFFER``-th miss
    in a row at the same step: then ``common.not_understood_again`` is said instead, and the
    caller offers a person and the menu."""
    conv = t.conv
    missed = conv.memory.get("missed")
    count = 0
    if isinstance(missed, list) and len(missed) == 2 and missed[0] == conv.step:
        count = int(missed[1])
    count += 1
    conv.memory["missed"] = [conv.step, count]
    t.values["at_menu"] = at_menu
    if count >= MISSES_BEFORE_OFFER and voice.lookup("common.not_understood_again", conv.lang):
        conv.memory.pop("missed", None)
        t.event("offered_person", str(count))
        voice.say(t, "common.not_understood_again")
        return True
    voice.say_one(t, "common.not_understood")
    return False


def off_topic(t: Turn, voice: Voice, at_menu: bool) -> bool:
    """Say that a message asks something the bot does not handle ("what is 17 times 23", a
    wrong chat, a job application): ``common.off_topic``, one variant per line. Not a miss:
    the run of misses that offers a person is not advanced. False when the content has no
    such text (the caller then says it was not understood)."""
    if not voice.lookup("common.off_topic", t.conv.lang):
        return False
    t.event("off_topic")
    t.values["at_menu"] = at_menu
    voice.say_one(t, "common.off_topic")
    return True


def forget_misses(t: Turn) -> None:
    """A turn that was understood (or a tap) breaks a run of misses."""
    if not any(e.kind == "not_understood" for e in t.rec.events):
        t.conv.memory.pop("missed", None)


# -- a value suggested to a prospect who does not know --------------------------------------------


def unsure_help(
    t: Turn, spec: StateSpec, voice: Voice, key: str, buttons: tuple[Button, ...]
) -> tuple[str, tuple[Button, ...]]:
    """The text and keyboard for "boh" / "no idea" at a question: the question's ``unsure:``
    text (else ``common.unsure.<type>``, else the retry ``key``), and, when the question says
    ``suggest:`` and its value fits, that value as a button (the value ``suggested`` for the
    text), remembered for this step so that a typed "sì" takes it too."""
    ask = spec.ask
    assert ask is not None
    if ask.unsure is not None:
        key = ask.unsure.key
    elif voice.lookup(f"common.unsure.{ask.type}", t.conv.lang) is not None:
        key = f"common.unsure.{ask.type}"
    t.values["suggested"] = None
    value, raw = _suggestion(t, spec, voice)
    if value is None:
        t.conv.memory.pop("suggested", None)
        return key, buttons
    t.values["suggested"] = value
    t.conv.memory["suggested"] = [t.conv.step, raw]
    label = voice.shown(t, spec, value)
    return key, (Button(label, f"{t.conv.step}.{SUGGESTED}"), *buttons)


def _suggestion(t: Turn, spec: StateSpec, voice: Voice) -> tuple[Any, Any]:
    """(the value as the slot keeps it, the raw number) of the question's ``suggest:``."""
    ask = spec.ask
    slot_type = voice.slot_types.get(ask.type) if ask is not None else None
    if ask is None or ask.suggest is None or slot_type is None:
        return None, None
    raw = voice.renderer.value(ask.suggest, render_values(t))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = slot_type.suggestion(raw, ask)
    return (value, raw) if value is not None else (None, None)


def propose(t: Turn, spec: StateSpec, voice: Voice) -> None:
    """A choice question that says ``suggest:`` is asked: remember the value it suggests (its
    option becomes the first button, ``Voice.proposed``, and a typed "sì" takes it); nothing
    is kept until the prospect picks it."""
    ask = spec.ask
    if ask is None or ask.suggest is None or not voice.slot_types.proposes(ask.type):
        return
    value, raw = _suggestion(t, spec, voice)
    if value is None:
        t.conv.memory.pop("suggested", None)
        return
    t.conv.memory["suggested"] = [t.conv.step, raw]


def suggestion_tapped(t: Turn, spec: StateSpec | None, voice: Voice, data: str) -> Any:
    """The suggested value when ``data`` is its button at this step; None otherwise."""
    if data != f"{t.conv.step}.{SUGGESTED}":
        return None
    return voice.pending_suggestion(t, spec)


def suggestion_taken(t: Turn, spec: StateSpec | None, voice: Voice, text: str) -> Any:
    """The suggested value when the prospect types a yes to it ("sì", "ok, proviamo"); None
    otherwise."""
    value = voice.pending_suggestion(t, spec)
    if value is None or read_yesno(text, t.conv.lang, voice.content.packs) is not True:
        return None
    return value
