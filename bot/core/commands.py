"""Slash commands (/start /menu /help /restart /privacy /delete /lang) and the confirmations the
engine asks itself (/delete's "are you sure?").

A confirmation's buttons carry ``<name>.yes.<step>`` and ``<name>.no.<step>``; while they are
the bot's last keyboard, a typed yes or no (or a label's words) presses one
(``typed_confirmation``). Commands say their lines here and return where the prospect goes,
for the engine to enter.

A confirmation is answered only by the input right after it: asking one records it with the
conversation (``CONFIRMING``), and every turn takes that record away as it starts
(``take_confirmation``). A press on a confirmation the bot did not just ask — data sent by a
modified client, an old keyboard, one already answered — is an old button, and erases nothing.
A command forwarded from someone else's chat is no command (``forwarded_command``).
"""

from __future__ import annotations

import re

from bot.content.model import StateSpec
from bot.core.messages import Button
from bot.core.navigation import keep_for_later, menu_target, start_target
from bot.core.repetition import reprompt
from bot.core.slot_types import fold, parse_yesno
from bot.core.turn import Turn
from bot.core.voice import Voice
from bot.languages import LanguageRegistry
from bot.understanding.labels import match_label

COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)
SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a /start payload kept as the prospect's source
DELETE = re.compile(r"^del\.(yes|no)\.(\d{1,9})$")
# Confirmations the engine asks itself, by the name in their buttons' data ("del.yes.<step>",
# "del.no.<step>"): the label keys of the yes and the no button. While the bot's last message is
# one of them, a typed yes or no (or the label's words) presses its button.
CONFIRMATIONS: dict[str, tuple[str, str]] = {"del": ("common.delete_yes", "common.no")}
CONFIRM = re.compile(r"^([a-z]{1,16})\.(yes|no)\.(\d{1,9})$")
CONFIRMING = "confirming"
"""``Conversation.memory`` key: ``"<name>.<step>"`` of the confirmation the bot asked in the
conversation's last turn, saved with it; the next turn takes it (``take_confirmation``)."""
FORWARDED_COMMAND = "common.forwarded_command"  # "a forwarded message: we don't run its command"


def read_command(text: str) -> tuple[str, str] | None:
    """(name in lower case, its arguments) of a message that is a command ("/lang en",
    "/start@MyBot src"), None for any other message."""
    command = COMMAND.match(text.strip())
    if command is None:
        return None
    return command.group(1).lower(), command.group(2) or ""


def take_confirmation(t: Turn) -> None:
    """At the start of a turn: the confirmation the last turn asked, if any, moves from the
    conversation to ``Turn.confirming``: this input may answer it, no later one."""
    pending = t.conv.memory.pop(CONFIRMING, None)
    t.confirming = pending if isinstance(pending, str) else None


def asked(t: Turn, name: str) -> bool:
    """Whether the confirmation ``name`` this input answers (``<name>.<yes|no>.<step>``) is the
    one the bot asked just before, at the current step."""
    return t.confirming == f"{name}.{t.conv.step}"


def typed_confirmation(t: Turn, voice: Voice, text: str) -> str | None:
    """The button data a typed message presses when the bot's last message was a confirmation
    (``CONFIRMATIONS``: a yes and a no button, as /delete asks): the label's words ("Sì,
    cancella tutto", "cancella"), else any yes or no as people say it ("sì", "yes", "non
    adesso"). None otherwise, and for a command: the message is then read as usual."""
    if t.confirming is None or not text.strip() or COMMAND.match(text.strip()):
        return None
    last = str(t.conv.memory.get("buttons") or "")  # the data of the last message's buttons
    shown = [m for m in (CONFIRM.match(data) for data in last.split("|")) if m is not None]
    if len(shown) != 2 or last.count("|") != 1:  # a yes and a no, nothing else
        return None
    name = shown[0].group(1)
    data = {m.group(2): m.group(0) for m in shown if m.group(1) == name}
    if name not in CONFIRMATIONS or set(data) != {"yes", "no"} or not asked(t, name):
        return None
    labels = [voice.label(t, key) for key in CONFIRMATIONS[name]]
    packs = voice.content.packs
    folded = fold(text)
    index = next((i for i, label in enumerate(labels) if fold(label) == folded), None)
    if index is None:
        index = match_label(text, labels, t.conv.lang, packs)
    if index is None:
        answer = parse_yesno(text, t.conv.lang, packs)
        index = None if answer is None else (0 if answer else 1)
    if index is None:
        return None
    t.event("typed_confirmation", name)
    return data["yes" if index == 0 else "no"]


def confirm_delete(t: Turn, spec: StateSpec | None, voice: Voice, data: str) -> bool:
    """Act on the answer to /delete when ``data`` answers the confirmation the bot asked just
    before (``asked``): a yes erases the prospect at the end of the turn (``Turn.forget``), a
    no says so and shows the step ``spec`` again. False, doing nothing, for any other data
    (then an old button's)."""
    confirm = DELETE.match(data)
    if confirm is None or int(confirm.group(2)) != t.conv.step or not asked(t, "del"):
        return False
    if confirm.group(1) == "yes":
        t.forget = True
        voice.say(t, "common.deleted")
    else:
        voice.say(t, "common.delete_cancelled")
        reprompt(t, spec, voice)
    return True


def forwarded_command(t: Turn, voice: Voice, text: str) -> bool:
    """A forwarded message that reads as a command ("/delete" someone else sent): it is not
    the prospect's, so it is not carried out; they are told so, once. False for any other
    text (read as text they shared)."""
    command = read_command(text)
    if command is None:
        return False
    t.event("forwarded_command", command[0][:32])
    voice.say(t, FORWARDED_COMMAND)
    return True


def run_command(
    t: Turn,
    spec: StateSpec | None,
    voice: Voice,
    languages: LanguageRegistry,
    name: str,
    args: str,
) -> tuple[str, str] | None:
    """Carry out the command ``name`` (lower case) with ``args`` at the current state ``spec``;
    returns the (dialog, state) the prospect goes to, for the engine to enter, or None when
    they stay (the step is shown again). An unknown command is "not understood"."""
    content = voice.content
    conv = t.conv
    args = args.strip()
    if name == "start":
        if args and SOURCE.match(args) and not conv.source:
            conv.source = args
        t.event("started", args[:64] or None)
        return start_target(content)
    if name == "menu":
        keep_for_later(conv, spec)
        return menu_target(content)
    if name == "help":
        voice.say(t, "common.help")
        reprompt(t, spec, voice, full=True)  # help is asked for: the question in full
        return None
    if name == "restart":
        conv.slots.clear()
        conv.history, conv.resume = [], None
        t.event("restarted")
        voice.say(t, "common.restarted")
        return start_target(content)
    if name == "privacy":
        target = (content.main, "privacy")
        if content.state(*target) is not None:
            return target
        reprompt(t, spec, voice)
        return None
    if name in ("delete", "cancella"):
        t.event("delete_asked")
        conv.memory[CONFIRMING] = f"del.{conv.step}"  # its answer must come next (``asked``)
        voice.say(
            t,
            "common.delete_confirm",
            buttons=tuple(
                Button(voice.label(t, key), f"del.{answer}.{conv.step}")
                for answer, key in zip(("yes", "no"), CONFIRMATIONS["del"], strict=True)
            ),
        )
        return None
    if name in ("lang", "language", "lingua"):
        # "/lang en", "/lang english"; without (or with an unknown) language: the next one
        named = next(iter(fold(args or "").split()), None)
        wanted = languages.find(named) or languages.next_after(conv.lang)
        conv.lang = wanted
        conv.lang_locked = True
        t.event("lang", wanted)
        voice.say(t, "common.lang_switched")
        reprompt(t, spec, voice)
        return None
    t.event("unknown_command", name)
    t.values["at_menu"] = (conv.dialog, conv.state) == menu_target(voice.content)
    voice.say_one(t, "common.not_understood")
    reprompt(t, spec, voice)
    return None
