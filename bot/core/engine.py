"""One turn of a conversation: load, understand, move, act, render, save.

The engine is plain async Python. It never imports ``telegram``, never reads the clock or the
environment (both are passed in), and keeps nothing per user in memory between turns: the
conversation lives in the ``ConversationStore`` (``bot.core.ports``). The adapters (Telegram,
console, tests) all drive this.

The engine orchestrates; the parts of a turn are in their own modules: the turn's working
memory (``turn``), rendering (``voice``), commands and confirmations (``commands``), back,
resume and the way out (``navigation``), not repeating itself (``repetition``), reading a typed
message against the current state (``answers``), thanks and okays (``acknowledgements``),
questions asked mid-conversation (``digressions``), following the prospect's language
(``language_follow``), a prospect waiting for a person (``waiting``), one whose chat a person
took over (``relay``) and taps written by their labels (``taps``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from bot.content.machines import ADVANCE, ANSWER, GIVE_UP, PRESS, DialogMachine, build_machines
from bot.content.model import MOVES, RESUME, AskSpec, Content, StateSpec
from bot.content.templates import Renderer
from bot.core.acknowledgements import acknowledge
from bot.core.actions import ActionContext, ActionRegistry, core_actions
from bot.core.amends import amend, answered, say_amended
from bot.core.answers import (
    button_meant,
    choice_with_value,
    closed_answer,
    is_free_text,
    match_button,
    only_thanks,
)
from bot.core.capture import Captured, capture, rest_of, say_captured
from bot.core.commands import (
    confirm_delete,
    forwarded_command,
    read_command,
    run_command,
    take_confirmation,
    typed_confirmation,
)
from bot.core.digressions import (
    SlotFiller,
    answer_intent,
    fill_from_question,
    fit_filled,
    in_its_flow,
    intent_answer,
    is_small_talk,
    say_notes_at,
)
from bot.core.everyday import (
    forget_misses,
    goodbye,
    greet_in_kind,
    not_understood,
    off_topic,
    propose,
    suggestion_taken,
    suggestion_tapped,
    unsure_help,
)
from bot.core.language_follow import follow_language
from bot.core.messages import Input, Media, Reply, TurnResult
from bot.core.navigation import (
    CANCEL,
    give_up_target,
    keep_for_later,
    menu_target,
    move_word,
    place,
    remember_question,
    start_target,
)
from bot.core.office_hours import waiting_values
from bot.core.ports import (
    Clock,
    ConversationStore,
    InProcessTurnLock,
    TurnLock,
    Understanding,
    utc_now,
)
from bot.core.relay import acknowledge_now, leave, rejoin, relaying
from bot.core.repetition import drop_repeats, reprompt, said_once, stale_tap
from bot.core.slot_types import DEFAULT_SLOT_TYPES, Note, SlotTypeRegistry
from bot.core.state import Conversation
from bot.core.taps import (
    PRESS_BUTTON,
    PRESS_GONE,
    PRESS_OPTION,
    gone_tap,
    note_tap,
    pressed,
    tap_label,
)
from bot.core.turn import Turn, current_spec, describe_input, move_replies, render_values
from bot.core.updates import PENDING, UPDATE_VALUE, asking, named_question, read_update
from bot.core.voice import Voice
from bot.core.waiting import (
    HUMAN_WAIT,
    asks_after_person,
    note_request,
    offers_person,
    say_waiting,
    waiting_for_person,
)
from bot.languages import LanguageRegistry

__all__ = ["Engine", "ForgetHook", "SlotFiller"]

ForgetHook = Callable[[str, Path | None], None]
"""Erases what a plug-in keeps about a prospect outside the store (``(user_id, files_dir)``:
the growth plug-in's chart), when they confirm /delete."""

log = logging.getLogger(__name__)

MAX_HOPS = 30  # a loop of `next:` between states must not hang a turn
MAX_INPUT = 4096  # Telegram's own limit; anything longer is cut before any processing
RECENT_INPUTS = 50  # update ids remembered per prospect to drop redeliveries
UNSENT = "unsent"
"""``Conversation.memory`` key: the replies of the last turn with an ``input_id``, kept in the
turn's own transaction until the front-end says they were sent (``ConversationStore.
turn_answered``), so a crash between saving and sending costs no reply: the same update
delivered again gets them (``unsent_replies``)."""


def keep_unsent(conv: Conversation, input_id: int | None, replies: list[Reply]) -> None:
    if input_id is None:
        return
    if replies:
        conv.memory[UNSENT] = {"input": input_id, "replies": [r.to_json() for r in replies]}
    else:
        conv.memory.pop(UNSENT, None)


def unsent_replies(conv: Conversation, input_id: int) -> list[Reply]:
    """The replies of ``input_id``'s turn that were never marked sent; else none."""
    kept = conv.memory.get(UNSENT)
    if not isinstance(kept, dict) or kept.get("input") != input_id:
        return []
    raw, sent = kept.get("replies"), kept.get("sent")
    replies = [Reply.from_json(r) for r in raw] if isinstance(raw, list) else []
    skip = sent if isinstance(sent, int) and sent > 0 else 0  # those already sent
    return [r for r in replies[skip:] if r is not None]


Machines = dict[str, DialogMachine]


class _Version(NamedTuple):
    """One content version, swapped in one assignment: a turn sees the old or the new."""

    content: Content
    machines: Machines
    understanding: Understanding | None
    voice: Voice


_KEEP: Any = object()  # ``Engine.load`` without ``understanding``: keep the current one


class Engine:
    def __init__(
        self,
        content: Content,
        store: ConversationStore,
        *,
        clock: Clock = utc_now,
        default_lang: str | None = None,
        understanding: Understanding | None = None,
        actions: ActionRegistry | None = None,
        slot_fillers: Sequence[SlotFiller] = (),
        files_dir: Path | None = None,
        lock: TurnLock | None = None,
        languages: LanguageRegistry | None = None,
        slot_types: SlotTypeRegistry | None = None,
        human_wait: timedelta = HUMAN_WAIT,
        forget_hooks: Sequence[ForgetHook] = (),
    ) -> None:
        """An engine over valid ``content`` (see ``bot.app.build_runtime`` for the usual wiring).

        ``actions`` defaults to the core actions alone (no plug-ins); ``slot_fillers`` read
        slots from free-text questions (the growth plug-in gives one); ``files_dir`` is where
        actions may write files for a reply (charts), None for nowhere; ``lock`` keeps one
        prospect's turns in order (in-process by default). ``languages`` are those the bot speaks
        (default: the ones the content was loaded for); ``default_lang`` is for prospects whose
        phone's language is not one of them (default: the registry's default). ``slot_types``
        read typed answers (default: the built-in types; the content must have been validated
        with the same registry). ``human_wait``: how long a request for a person counts as
        pending when no staff member closes it (then "talk to a person" is offered again).
        ``forget_hooks`` erase the plug-ins' own files about a prospect who confirms /delete.

        Raises:
            ValueError: the content asks an answer type ``slot_types`` does not have.
        """
        self.store = store
        self.human_wait = human_wait
        self.forget_hooks: list[ForgetHook] = list(forget_hooks)
        self.slot_types = slot_types if slot_types is not None else DEFAULT_SLOT_TYPES
        self.slot_fillers: list[SlotFiller] = list(slot_fillers)
        self.files_dir = files_dir
        self.clock = clock
        self.languages = languages if languages is not None else content.languages
        self.default_lang = self.languages.choose(default_lang)
        self.actions = actions if actions is not None else core_actions()
        self._values_cache: tuple[Content, dict[str, Any]] | None = None
        self.renderer = Renderer(languages=self.languages)
        self.lock: TurnLock = lock if lock is not None else InProcessTurnLock()
        # the version a running turn started with: a reload during its awaits must not mix two
        self._pinned: ContextVar[_Version | None] = ContextVar(f"engine{id(self)}", default=None)
        self.load(content, understanding=understanding)

    # -- content versions ----------------------------------------------------------------------

    def load(self, content: Content, *, understanding: Any = _KEEP) -> None:
        """Switch to new content in one assignment, so a turn sees either the old or the new.

        ``understanding`` is swapped in the same assignment (intents live in the content);
        left out, the current one is kept.

        Raises:
            ValueError: the content asks an answer type the engine's ``slot_types`` lack.
        """
        self._check_slot_types(content)
        machines = build_machines(content, self.renderer)
        if understanding is _KEEP:
            current = getattr(self, "_current", None)
            understanding = current.understanding if current else None
        voice = Voice(content, self.renderer, self.languages, self.default_lang, self.slot_types)
        self._current = _Version(content, machines, understanding, voice)

    def _check_slot_types(self, content: Content) -> None:
        """Refuse content with a question this engine could not read: an unknown type would
        otherwise take any answer as free text."""
        for dialog in content.dialogs.values():
            for state in dialog.states.values():
                ask = state.ask
                if ask is not None and self.slot_types.get(ask.type) is None:
                    raise ValueError(
                        f"the state `{dialog.id}.{state.name}` asks a `{ask.type}` answer, but "
                        f"the engine's slot types are {', '.join(self.slot_types.names())}: "
                        "build it with the registry the content was loaded with "
                        "(bot.app.build_slot_types)"
                    )

    @property
    def understanding(self) -> Understanding | None:
        return self._version().understanding

    @understanding.setter
    def understanding(self, value: Understanding | None) -> None:
        self._current = self._current._replace(understanding=value)

    def _version(self) -> _Version:
        return self._pinned.get() or self._current

    @property
    def content(self) -> Content:
        return self._version().content

    @property
    def _voice(self) -> Voice:
        return self._version().voice

    def text(self, key: str, lang: str, **values: Any) -> str:
        """A locale text rendered outside a conversation (adapters' own notices); "" when the
        text is missing in ``lang``, its fallbacks and the default language."""
        entry = self._voice.lookup(key, lang)
        return self.renderer.render(entry.source, values, lang) if entry else ""

    # -- the public entry point --------------------------------------------------------------

    async def turn(self, inp: Input) -> TurnResult:
        """Handle one input for one user; turns of one user never overlap."""
        async with self.lock.hold(inp.user_id):
            token = self._pinned.set(self._current)
            try:
                return await self._turn(inp)
            finally:
                self._pinned.reset(token)

    async def _turn(self, inp: Input) -> TurnResult:
        version = self._version()
        content, machines = version.content, version.machines
        now = self.clock()
        store = self.store
        conv = await store.call(store.load, inp.user_id)
        fresh = conv is None
        if conv is None:
            conv = self._new_conversation(content, inp)
        if inp.input_id is not None:
            if inp.input_id in conv.recent_inputs:  # delivered twice (a retry after a crash)
                # its replies, if the crash came before they were all sent: never a new turn
                return TurnResult(
                    unsent_replies(conv, inp.input_id),
                    conv.lang,
                    conv.dialog,
                    conv.state,
                    dict(conv.slots),
                    duplicate=True,
                )
            conv.recent_inputs = [*conv.recent_inputs, inp.input_id][-RECENT_INPUTS:]
        if inp.first_name:
            conv.first_name = inp.first_name[:64]
        t = Turn(conv, now, phone_lang=self.languages.match(inp.language_code))
        take_confirmation(t)  # a confirmation asked last turn: this input alone answers it
        t.values.update(self._named_values(content))
        # a state removed by a content reload: back to the menu with a word of explanation
        if content.state(conv.dialog, conv.state) is None:
            t.event("state_missing", f"{conv.dialog}.{conv.state}")
            conv.dialog, conv.state = menu_target(content)
            self._voice.say(t, "common.flow_changed")
            fresh = True
        text = (inp.text or "")[:MAX_INPUT]
        t.typed = inp.button is None and inp.media is None and bool(text.strip())
        greet_in_kind(t, self._voice, text if t.typed else "")
        line = ("in", describe_input(inp, text))
        t.rec.transcript.append(line)
        relayed = False
        # a command in someone else's message the prospect forwarded is not theirs to act on
        shared_command = inp.forwarded and read_command(text) is not None
        if fresh and (inp.forwarded or not text.startswith("/start")):
            t.event("started")
            first = conv.is_new and t.typed and not shared_command
            if not (first and await self._first_question(t, machines, text)):
                await self._enter(t, machines, conv.dialog, conv.state)
                if text.strip() and not inp.button and not shared_command:
                    await self._text(t, machines, text)
                    said_once(t)  # the menu once, after "sorry, I didn't catch that"
        else:
            handover = await store.call(store.handover, conv.user_id)
            in_relay = relaying(t, handover)
            label = tap_label(t, machines, self._voice, inp) if inp.button is not None else None
            relayed = await self._dispatch(t, machines, inp, text, in_relay)
            if inp.button is not None:
                note_tap(t, line, label)
            if handover is not None and not relayed and not t.forget:
                self._around_relay(t, in_relay)
        if t.forget:
            await store.call(store.forget, conv.user_id)
            self._forget_files(conv.user_id)
            return TurnResult(t.replies, conv.lang, conv.dialog, conv.state, {})
        forget_misses(t)
        drop_repeats(t)
        for reply in t.replies:
            t.rec.transcript.append(("out", reply.text))
        keep_unsent(conv, inp.input_id, t.replies)
        await store.call(store.save_turn, t.rec)
        return TurnResult(
            t.replies,
            conv.lang,
            conv.dialog,
            conv.state,
            dict(conv.slots),
            outbox=list(t.rec.outbox),
            notice=t.notice,
            relay=relayed,
        )

    def _named_values(self, content: Content) -> dict[str, Any]:
        """The plug-ins' named values (``limits``…), worked out once per content version."""
        cached = self._values_cache
        if cached is None or cached[0] is not content:
            cached = self._values_cache = (content, self.actions.values(content))
        return cached[1]

    def _forget_files(self, user_id: str) -> None:
        for hook in self.forget_hooks:
            try:
                hook(user_id, self.files_dir)
            except Exception:  # the store is erased already; a file left over is logged
                log.exception("erasing a file of %s failed", user_id)

    def _new_conversation(self, content: Content, inp: Input) -> Conversation:
        lang = self.languages.match(inp.language_code) or self.default_lang
        start = start_target(content)
        return Conversation(
            user_id=inp.user_id,
            lang=lang,
            dialog=start[0],
            state=start[1],
            first_name=(inp.first_name or None),
            is_new=True,
        )

    # -- dispatching ---------------------------------------------------------------------------

    async def _dispatch(
        self, t: Turn, machines: Machines, inp: Input, text: str, in_relay: bool = False
    ) -> bool:
        """Handle the input; True when it goes to the team instead (``bot.core.relay``)."""
        voice = self._voice
        if inp.media is not None:
            if in_relay and await self._relay(t, machines):
                return True
            t.event("unsupported", inp.media[:32])
            voice.say(t, "common.unsupported")
            self._reprompt(t, machines)
            return False
        # forwarded: someone else's words, never the prospect's yes nor their command
        typed = None if inp.forwarded else typed_confirmation(t, voice, text)
        data = inp.button or typed or ""
        if confirm_delete(t, current_spec(machines, t.conv), voice, data):
            return False
        if inp.button is not None:
            await self._button(t, machines, inp.button)
            return False
        command = None if inp.forwarded else read_command(text)
        if command is not None:
            name, args = command
            spec = current_spec(machines, t.conv)
            target = run_command(t, spec, voice, self.languages, name, args)
            if target is not None:
                await self._enter(t, machines, *target)
            return False
        if in_relay and text.strip() and await self._relay(t, machines):
            return True
        if inp.forwarded and forwarded_command(t, voice, text):
            self._reprompt(t, machines)
            return False
        if not text.strip():
            self._reprompt(t, machines)
            return False
        await self._text(t, machines, text)
        return False

    # -- a person has taken over (``bot.core.relay``) ------------------------------------------

    async def _relay(self, t: Turn, machines: Machines) -> bool:
        """The prospect's message goes to the team: kept in the handover (its quiet time starts
        again), and once per quiet period they hear the team has it and when it answers.
        False when the handover closed meanwhile: the bot answers."""
        conv = t.conv
        line = t.rec.transcript[0]
        store = self.store
        if not await store.call(store.handover_message, conv.user_id, t.now, "in", line[1]):
            return False
        del t.rec.transcript[0]
        t.event("relayed")
        if await store.call(acknowledge_now, t, store):
            t.values.update(waiting_values(self.content, t.now, conv.lang), relayed=True)
            spec = current_spec(machines, conv)
            buttons = self._voice.buttons_for(t, spec) if spec and spec.ask is None else ()
            self._voice.say(t, "human.waiting", buttons=buttons)
        return True

    def _around_relay(self, t: Turn, in_relay: bool) -> None:
        """A handover is open and the bot handled the input: a move in the bot leaves the relay
        (said once, before the rest); asking for a person again goes back to it."""
        if in_relay and t.entered:
            leave(t)
            t.values.update(waiting_values(self.content, t.now, t.conv.lang))
            before = len(t.replies)
            self._voice.say(t, "handover.left")
            move_replies(t, before, 0)
        elif not in_relay and any(e.kind == "human_waiting" for e in t.rec.events):
            rejoin(t)

    async def _button(self, t: Turn, machines: Machines, data: str) -> None:
        conv = t.conv
        voice = self._voice
        spec = current_spec(machines, conv)
        suggested = suggestion_tapped(t, spec, voice, data)
        if suggested is not None and spec is not None:  # the value a question suggested
            t.keyboard_used = True
            await self._accept(t, machines, spec, suggested)
            return
        # by the button's stable id, never its position (``bot.core.taps``)
        tap = pressed(t, spec, voice, data or "")
        if tap is None or spec is None:
            stale_tap(t, spec, voice, data)
            return
        t.keyboard_used = True  # the adapter takes a pressed keyboard off the screen
        if tap.kind == PRESS_BUTTON:
            await self._press(t, machines, spec, tap.index)
        elif tap.kind == PRESS_OPTION:
            await self._accept(t, machines, spec, voice.options(spec)[tap.index][0])
        elif tap.kind == PRESS_GONE:  # removed by a reload: said, and the buttons of now
            gone_tap(t, spec, voice, data)
        else:
            stale_tap(t, spec, voice, data)

    async def _press(self, t: Turn, machines: Machines, spec: StateSpec, index: int) -> None:
        conv = t.conv
        t.event("button", spec.buttons[index].text.key)
        moved = machines[conv.dialog].move(conv.state, PRESS.format(index), render_values(t))
        if moved is None:
            self._reprompt(t, machines)
            return
        if offers_person(self.content, self.actions, moved) and await self._waiting_for_person(t):
            # "talk to a person" again: it is already asked
            say_waiting(t, current_spec(machines, conv), self._voice)
            return
        await self._enter(t, machines, *moved)

    # -- understanding a typed message ---------------------------------------------------------

    async def _text(self, t: Turn, machines: Machines, text: str) -> None:
        conv = t.conv
        voice = self._voice
        analysis = self._analyse(t, text)
        spec = current_spec(machines, conv)
        if spec is None:
            return
        move = move_word(text, conv.lang, self.content.packs)
        # a button's own label wins ("Not now"); a question's answer never is one of the words
        typed_move = move is not None and (
            spec.ask is not None or match_button(t, spec, voice, text) is None
        )
        if typed_move and spec.ask is not None and closed_answer(t, spec, voice, text):
            typed_move = False  # "not now" to a yes/no question is its answer: no
        if typed_move and await self._typed_move(t, machines, spec, str(move)):
            return
        if goodbye(t, spec, voice, text):  # "non mi interessa", "no thanks, bye"
            return
        if spec.ask is not None:
            amended = amend(t, spec, voice, text)
            if amended is not None:  # "no aspetta, 300 non 200": an earlier answer was 200
                refused = self._checked(t, amended.state.ask, amended.value)
                if refused is not None:
                    voice.say_note(t, refused)
                else:
                    say_amended(t, voice, amended)
                self._reprompt(t, machines)
                return
            free = is_free_text(spec, voice)
            if free and "?" in text and analysis is not None and analysis.intent:
                # a free-text question accepts anything, but "can your staff follow us?" typed
                # at "what's your business?" is a question to answer, not a business name
                self._follow_language(t, analysis)
                await self._digress(t, machines, analysis)
                return
            if free and acknowledge(t, spec, voice, text):
                return  # "grazie" at "what's your business?" is no business's name
            suggested = suggestion_taken(t, spec, voice, text)
            if suggested is not None:  # "sì" to "proviamo col doppio: 1.600?"
                await self._accept(t, machines, spec, suggested)
                return
            if await self._choice_with_value(t, machines, spec, text):
                return
            parsed = self.slot_types.parse(
                spec.ask,
                text,
                conv.lang,
                voice.option_labels(t, spec),
                packs=self.content.packs,
            )
            if parsed.value is not None:
                # "I'm Tom Hardy, call me on +44 7700 900123": the number is kept too
                rest = rest_of(text, parsed.value, free)
                got = capture(t, voice, rest, spec.ask.slot)
                if not free:  # "instagram, ne ho 1200 e ne voglio 5000": the others too
                    self._fill_along(t, spec, analysis, text, parsed.value)
                await self._accept(t, machines, spec, parsed.value, parsed.note, got)
                return
            if not free and parsed.retry is None:
                # "1200, postiamo 4 volte a settimana": the answer with another one, each kept
                own = self._fill_along(t, spec, analysis, text, None, also=True)
                if own is not None:
                    await self._accept(t, machines, spec, own)
                    return
            self._follow_language(t, analysis)
            if parsed.unsure:  # "boh", "no idea": help, not the same retry again
                await self._retry(t, machines, spec, text, unsure=True)
                return
            if parsed.retry is None and await self._capture(t, machines, spec, text, analysis):
                return
            if parsed.retry is None and await self._still_waiting(t, machines, analysis):
                return
            if parsed.retry is None and acknowledge(t, spec, voice, text):
                return
            # the type's own reason ("two addresses: which one?") wins over a question's words
            asks = parsed.retry is None and analysis is not None and analysis.intent
            if asks and not in_its_flow(self.content, analysis.intent, (conv.dialog, conv.state)):
                await self._digress(t, machines, analysis)
                return
            await self._retry(t, machines, spec, text, parsed.retry)
            return
        if spec.buttons and not only_thanks(t, spec, voice, text):
            index = match_button(t, spec, voice, text)
            if index is not None:
                await self._press(t, machines, spec, index)
                return
        if spec.buttons and await self._typed_at_buttons(t, machines, spec, text, analysis):
            return
        self._follow_language(t, analysis)
        if await self._still_waiting(t, machines, analysis):
            return
        if acknowledge(t, spec, voice, text):
            return
        if analysis is not None and analysis.intent:
            await self._digress(t, machines, analysis)
            return
        t.event("not_understood", text[:500])
        at_menu = (conv.dialog, conv.state) == menu_target(self.content)
        if getattr(analysis, "off_topic", False) and off_topic(t, voice, at_menu):
            self._reprompt(t, machines)  # said plainly; not a miss that leads to a person
            return
        if not_understood(t, voice, at_menu):  # twice in a row: a person, or the menu
            await self._enter(t, machines, *give_up_target(self.content))
            return
        self._reprompt(t, machines)

    async def _typed_at_buttons(
        self, t: Turn, machines: Machines, spec: StateSpec, text: str, analysis: Any
    ) -> bool:
        """A message at a step with buttons that no label names: a yes or a no where a button
        ``means:`` it, a new value for an answer the step ``updates:`` (or its name), details
        to ``capture:``. True when it was one of them and was acted on."""
        voice = self._voice
        index = button_meant(t, spec, voice, text)
        if index is not None:
            await self._press(t, machines, spec, index)
            return True
        amended = amend(t, spec, voice, text) if spec.updates is not None else None
        if amended is not None and spec.updates and amended.slot in spec.updates.slots:
            refused = self._checked(t, amended.state.ask, amended.value)
            if refused is not None:  # "anzi un miliardo": said why, the step stays
                voice.say_note(t, refused)
                self._reprompt(t, machines)
                return True
            say_amended(t, voice, amended)  # "300 non 200": that answer, and the result again
            await self._enter(t, machines, *spec.updates.then.resolve(t.conv.dialog))
            return True
        update = read_update(t, spec, voice, text)
        if update is not None and spec.updates is not None:
            refused = (
                self._checked(t, asking(self.content, update.slot, t.conv.dialog), update.value)
                if update.slot is not None
                else None
            )
            if refused is not None:  # a new value its question would refuse: said why
                voice.say_note(t, refused)
                self._reprompt(t, machines)
                return True
            if update.slot is not None:
                t.conv.slots[update.slot] = update.value
                t.event("answer", update.slot)
                voice.say_note(t, update.note)
                await self._enter(t, machines, *spec.updates.then.resolve(t.conv.dialog))
                return True
            if spec.updates.which is not None:  # "500": which answer is it?
                which = spec.updates.which.resolve(t.conv.dialog)
                t.conv.memory[PENDING] = {
                    "text": text[:200],
                    "slots": list(update.candidates),
                    "at": ".".join(which),
                }
                t.values[UPDATE_VALUE] = text.strip()[:60]
                voice.say(t, "common.update_which")
                await self._enter(t, machines, *which)
                return True
        named = named_question(t, spec, voice, text)
        if named is not None:
            await self._enter(t, machines, *named)
            return True
        if await self._answers_for_a_button(t, machines, spec, text, analysis):
            return True
        return await self._capture(t, machines, spec, text, analysis)

    async def _answers_for_a_button(
        self, t: Turn, machines: Machines, spec: StateSpec, text: str, analysis: Any
    ) -> bool:
        """Answers typed at a step whose button leads to the dialog that asks them ("su
        instagram ne ho 2300" where "🧮 Run my numbers" is offered): kept, and that button
        pressed, so its questions start from them instead of "sorry, we didn't catch that".
        The slot fillers read the message as given in the button's dialog; only the answers
        that dialog asks count. True when a button was pressed so."""
        if analysis is None or not self.slot_fillers or getattr(analysis, "intent", None):
            return False
        conv, voice = t.conv, self._voice
        for index, button in enumerate(spec.buttons):
            dialog = button.go.resolve(conv.dialog)[0]
            there = self.content.dialogs.get(dialog)
            if dialog == conv.dialog or there is None or not voice.available(t, spec, index):
                continue
            asks = {state.ask.slot for state in there.states.values() if state.ask is not None}
            scratch, filled = self._read_along(t, analysis, text, dialog=dialog)
            if not asks.intersection(filled):
                continue
            kept = [name for name in filled if name in scratch]
            for name in kept:
                conv.slots[name] = scratch[name]
            t.event("slots_for_button", ",".join(kept))
            for note in fit_filled(t, voice, kept):
                voice.say_note(t, note)
            await self._press(t, machines, spec, index)
            return True
        return False

    async def _capture(
        self, t: Turn, machines: Machines, spec: StateSpec, text: str, analysis: Any
    ) -> bool:
        """Details given where nothing asks for them (``capture:``): kept, said back in one
        line; then a question is asked again, a step with buttons offers the capture's
        ``then`` (a real question in the same message is answered instead). True when any
        were kept."""
        got = capture(t, self._voice, text, spec.ask.slot if spec.ask is not None else None)
        if not got.slots:
            return False
        say_captured(t, self._voice, got)
        here = (t.conv.dialog, t.conv.state)
        if spec.ask is not None or got.then is None or got.then == here:
            self._reprompt(t, machines)
            return True
        target = intent_answer(self.content, analysis.intent) if analysis is not None else None
        answer = self.content.state(*target) if target is not None else None
        if (
            target is not None
            and target != here
            and not is_small_talk(answer)
            and not offers_person(self.content, self.actions, target)
        ):
            await self._digress(t, machines, analysis)  # "…, quanto costa?": answered too
            return True
        t.conv.resume = ".".join(here)  # "not now" comes back to this step
        await self._enter(t, machines, *got.then)
        return True

    def _analyse(self, t: Turn, text: str) -> Any:
        if self.understanding is None:
            return None
        if text in t.analysed:
            return t.analysed[text]
        try:
            analysis = self.understanding.analyse(text, t.conv.lang, t.now.date())
        except Exception:  # understanding must never cost the prospect their answer
            log.exception("understanding failed")
            analysis = None
        t.analysed[text] = analysis
        return analysis

    def _read_along(
        self,
        t: Turn,
        analysis: Any,
        text: str,
        asking: str | None = None,
        dialog: str | None = None,
    ) -> tuple[dict[str, Any], list[str]]:
        """What the slot fillers read from an answer, as (values, names filled), without
        keeping anything: an answer is read for the values it gives, not for what it asks (no
        intent); as given in ``dialog`` (default: the conversation's)."""
        if analysis is None or not self.slot_fillers:
            return {}, []
        scratch = dict(t.conv.slots)
        filled: list[str] = []
        answer_only = SimpleNamespace(
            intent=None,
            entities=getattr(analysis, "entities", None),
            text=text,
            lang=getattr(analysis, "lang", None),
            asking=asking,  # the slot the question being answered asks
        )
        for filler in self.slot_fillers:
            filled += filler(answer_only, text, scratch, dialog or t.conv.dialog)
        return scratch, list(dict.fromkeys(filled))

    def _fill_along(
        self, t: Turn, spec: StateSpec, analysis: Any, text: str, answer: Any, *, also: bool = False
    ) -> Any:
        """Other answers of this dialog given with the one asked ("IG, we're at 12.5k and
        want 25k"): the slot fillers read them, so their questions are not asked. The answer
        just given, and a value equal to it (the same "800" read twice), are left alone; with
        ``also``, the asked answer read this way ("1200, postiamo 4 volte a settimana") is
        returned, fitted to its question (None when they did not read it)."""
        if spec.ask is None:
            return None
        conv = t.conv
        scratch, filled = self._read_along(t, analysis, text, spec.ask.slot)
        asked = spec.ask.slot
        taken = [
            name
            for name in filled
            # not the answer, nor its companions ("budget_from_text" with "budget")
            if name != asked
            and not name.startswith(f"{asked}_")
            and name in scratch
            and scratch[name] != answer
        ]
        own = None
        if also and asked in filled and asked in scratch:
            slot_type = self.slot_types.get(spec.ask.type)
            fitted = slot_type.fit(scratch[asked], spec.ask) if slot_type is not None else None
            own = fitted.value if fitted is not None else None
            if own is None:
                return None  # what they read is no answer to this question: keep nothing
        if taken:
            for name in taken:
                conv.slots[name] = scratch[name]
            t.event("slots_with_answer", ",".join(taken))
            for note in fit_filled(t, self._voice, taken):
                self._voice.say_note(t, note)
        return own

    async def _first_question(self, t: Turn, machines: Machines, text: str) -> bool:
        """A new prospect whose first message is a question ("how long to a million
        followers?") gets its answer as the first reply, not the welcome and the menu first;
        a greeting, small talk or anything not understood gets the welcome. True when the
        question was answered."""
        analysis = self._analyse(t, text)
        intent = getattr(analysis, "intent", None)
        target = intent_answer(self.content, intent) if intent else None
        answer = self.content.state(*target) if target is not None else None
        if target is None or answer is None or is_small_talk(answer):
            return False
        if target in (start_target(self.content), menu_target(self.content)):
            return False
        t.event("first_question", str(intent))
        t.conv.dialog, t.conv.state = menu_target(self.content)  # the menu, unsaid: at rest
        await self._text(t, machines, text)
        return True

    def _follow_language(self, t: Turn, analysis: Any) -> None:
        detectable: frozenset[str] = getattr(self.understanding, "languages", frozenset())
        follow_language(t, analysis, self.languages, detectable)

    async def _waiting_for_person(self, t: Turn) -> bool:
        store = self.store  # reads its events: on the store's thread, like every store call
        return await store.call(waiting_for_person, t, store, self.human_wait)

    async def _still_waiting(self, t: Turn, machines: Machines, analysis: Any) -> bool:
        """While a person is awaited, "ciao?", "c'è qualcuno?", "anyone there?" or asking for a
        person again is answered with where the request is and when the team answers; a real
        question ("how much is it?") is answered as usual. True when it was."""
        if not asks_after_person(analysis, self.content, self.actions):
            return False
        if not await self._waiting_for_person(t):
            return False
        say_waiting(t, current_spec(machines, t.conv), self._voice)
        return True

    async def _choice_with_value(
        self, t: Turn, machines: Machines, spec: StateSpec, text: str
    ) -> bool:
        """A choice answered with the answer to the question one of its options leads to
        (``fills:``): the option is taken, and the question asking for the value is skipped."""
        found = choice_with_value(t, spec, self._voice, text)
        if found is None:
            return False
        t.conv.slots[found.slot] = found.value
        t.prefilled.add(found.slot)
        t.event("answer", found.slot)
        await self._accept(t, machines, spec, found.choice, found.note)
        t.prefilled.discard(found.slot)
        return True

    async def _digress(self, t: Turn, machines: Machines, analysis: Any) -> None:
        """Answer a question asked mid-conversation, then bring the prospect back."""
        voice = self._voice
        target = intent_answer(self.content, analysis.intent)
        # "<intent> <confidence> <text>": the text too, for `python -m bot review` (staff only)
        t.event("intent", f"{analysis.intent} {analysis.confidence:.2f} {analysis.text[:500]}")
        notes = fill_from_question(t, analysis, self.slot_fillers, voice)
        before = len(t.replies)
        try:
            go = answer_intent(t, current_spec(machines, t.conv), voice, target)
            if go is not None:
                await self._enter(t, machines, *go)
        finally:
            # "€ 1.200 l'anno, cioè circa € 100 al mese" goes after the flow's first message
            # ("Facciamo due conti…"), before its next question
            say_notes_at(t, voice, notes, min(before + 1, len(t.replies)))

    async def _typed_move(self, t: Turn, machines: Machines, spec: StateSpec, move: str) -> bool:
        """Act on a typed "indietro" / "lascia perdere" / "riprendi"; False: not applicable
        here (the message is then read as usual)."""
        conv = t.conv
        if move == CANCEL:
            if spec.ask is None:  # only a question can be left; elsewhere the words are read
                return False
            t.event("left", spec.ask.slot)
            keep_for_later(conv, current_spec(machines, conv))
            self._voice.say(t, "common.left")
            await self._enter(t, machines, *menu_target(self.content))
            return True
        if place(conv, self.content, move) is None:
            if move == RESUME or spec.ask is None:
                return False
            self._voice.say(t, "common.no_back")
            self._reprompt(t, machines)
            return True
        await self._enter(t, machines, conv.dialog, move)
        return True

    # -- answers -------------------------------------------------------------------------------

    async def _accept(
        self,
        t: Turn,
        machines: Machines,
        spec: StateSpec,
        value: Any,
        note: Note | None = None,
        captured: Captured | None = None,
    ) -> None:
        """Keep the answer and move on; ``captured``: other details the same message gave
        (kept already, so that the questions asking them are skipped), said in one line."""
        conv = t.conv
        assert spec.ask is not None
        refused = self._checked(t, spec.ask, value)
        if refused is not None:  # readable, but not believable: say why and ask again
            if captured is not None and captured.slots:
                say_captured(t, self._voice, captured)  # the email given with it is kept
            await self._retry(t, machines, spec, str(value), instead=refused)
            return
        conv.slots[spec.ask.slot] = value
        conv.tries = 0
        t.event("answer", spec.ask.slot)
        self._voice.say_note(t, note)
        if captured is not None and captured.slots:
            say_captured(t, self._voice, captured)
        question = f"{conv.dialog}.{conv.state}"
        moved = machines[conv.dialog].move(conv.state, ANSWER, render_values(t))
        if moved is None:
            t.event("stuck", "no move after answer")
            await self._enter(t, machines, *menu_target(self.content))
            return
        await self._enter(t, machines, *moved)
        answered(conv, spec.ask.slot, question)  # "anzi 300" next corrects it (``amends``)

    def _checked(self, t: Turn, ask: AskSpec | None, value: Any) -> Note | None:
        """The first of the question's ``checks:`` the answer fails, as the note to say (with
        the answer as ``value``); None when it passes them all (or there is no question)."""
        if ask is None or not ask.checks:
            return None
        variables = {**render_values(t), "value": value}  # Money compares with numbers
        for check in ask.checks:
            if self.renderer.evaluate(check.condition, variables):
                t.event("answer_checked", f"{ask.slot}: {check.condition}"[:200])
                return Note(check.say.key, {"value": value})
        return None

    async def _retry(
        self,
        t: Turn,
        machines: Machines,
        spec: StateSpec,
        text: str,
        instead: Note | None = None,
        unsure: bool = False,
    ) -> None:
        """Ask again; ``instead`` is the slot type's own reason, said instead of the retry text
        ("$300": we count in euros); ``unsure``: the prospect does not know, so the question's
        help is said, with the value it suggests as a button (``everyday.unsure_help``)."""
        conv = t.conv
        voice = self._voice
        assert spec.ask is not None
        conv.tries += 1
        t.event("input_rejected", f"{spec.ask.slot}: {text[:200]}")
        if conv.tries >= spec.ask.tries:
            conv.tries = 0
            t.event("gave_up", spec.ask.slot)
            keep_for_later(conv, current_spec(machines, conv))
            voice.say(t, "common.give_up")
            moved = machines[conv.dialog].move(conv.state, GIVE_UP, render_values(t))
            await self._enter(t, machines, *(moved or give_up_target(self.content)))
            return
        t.values["tries_left"] = spec.ask.tries - conv.tries
        if instead is not None:
            t.values.update(instead.values)
            key = instead.key
        elif spec.ask.retry:
            key = spec.ask.retry.key
        else:
            key = self.slot_types.retry_key(spec.ask.type)
        buttons = voice.buttons_for(t, spec)
        if unsure:
            key, buttons = unsure_help(t, spec, voice, key, buttons)
        voice.say(t, key, buttons=buttons)

    # -- entering states -----------------------------------------------------------------------

    async def _enter(self, t: Turn, machines: Machines, dialog: str, state: str) -> None:
        conv = t.conv
        voice = self._voice
        for _hop in range(MAX_HOPS):
            if state in MOVES:  # "back" / "resume": a place in this prospect's conversation
                found = place(conv, self.content, state, take=True)
                t.event(state, ".".join(found) if found else None)
                dialog, state = found or menu_target(self.content)
            machine = machines.get(dialog)
            spec = machine.state(state) if machine else None
            if machine is None or spec is None:
                t.event("stuck", f"missing {dialog}.{state}")
                dialog, state = menu_target(self.content)
                machine = machines[dialog]
                spec = machine.state(state)
                assert spec is not None
            conv.dialog, conv.state = dialog, state
            t.event("enter")
            t.entered.add((dialog, state))
            for name, _pos in spec.forget:
                conv.slots.pop(name, None)
            await self._run_actions(t, spec)
            self._pending_update(t, spec)
            if spec.ask is not None and spec.ask.slot in t.prefilled:
                # answered already, with the choice that led here ("mario@x.it" at "how?")
                t.prefilled.discard(spec.ask.slot)
                skipped = machine.move(state, ANSWER, render_values(t))
                if skipped is not None:
                    dialog, state = skipped
                    continue
            if spec.waits:
                # a new step: buttons sent before this one now count as old
                conv.step += 1
                conv.tries = 0
            if spec.ask is not None:
                self._asked(t, spec)
                propose(t, spec, voice)  # "Instagram, same as before" as the first button
            first = len(t.replies)
            for i, ref in enumerate(spec.say):
                last = i == len(spec.say) - 1
                voice.say(t, ref.key, buttons=voice.buttons_for(t, spec) if last else ())
            if spec.separate and len(t.replies) > first:  # a bubble of its own (compose)
                t.replies[first] = replace(t.replies[first], separate=True)
            if spec.say or spec.waits:  # a picture goes out after the text that explains it
                t.replies.extend(Reply("", media=Media(p, owned=True)) for p in t.photos)
                t.photos.clear()
            if spec.waits:
                return
            moved = machine.move(state, ADVANCE, render_values(t))
            if moved is None:
                t.event("stuck", "no condition matched")
                dialog, state = menu_target(self.content)
                if (dialog, state) == (conv.dialog, conv.state):
                    return
                continue
            dialog, state = moved
        t.event("stuck", "too many moves without a question")
        log.warning("dialog loop at %s.%s", dialog, state)

    def _pending_update(self, t: Turn, spec: StateSpec) -> None:
        """A value typed where it could change several answers ("500") is kept until the
        prospect picks which: the question asking it takes it as its answer (and is skipped);
        any other step forgets it."""
        conv = t.conv
        pending = conv.memory.get(PENDING)
        if not isinstance(pending, dict) or not spec.waits:
            return
        if f"{conv.dialog}.{conv.state}" == pending.get("at"):
            return  # the step asking which one
        del conv.memory[PENDING]
        if spec.ask is None or spec.ask.slot not in (pending.get("slots") or ()):
            return
        voice = self._voice
        parsed = self.slot_types.parse(
            spec.ask,
            str(pending.get("text") or ""),
            conv.lang,
            voice.option_labels(t, spec),
            packs=self.content.packs,
        )
        if parsed.value is None:
            return
        refused = self._checked(t, spec.ask, parsed.value)
        if refused is not None:  # "un miliardo", then «l'obiettivo»: said why, and asked
            voice.say_note(t, refused)
            return
        conv.slots[spec.ask.slot] = parsed.value
        t.prefilled.add(spec.ask.slot)
        t.event("answer", spec.ask.slot)
        voice.say_note(t, parsed.note)

    def _asked(self, t: Turn, spec: StateSpec) -> None:
        """A question is asked: remember it for "back", and say what was answered before."""
        conv = t.conv
        assert spec.ask is not None
        remember_question(conv)
        if spec.ask.slot in conv.slots and spec.say:
            refused = self._checked(t, spec.ask, conv.slots[spec.ask.slot])
            if refused is not None:  # "90.000 al mese" in a question: why it is asked again
                del conv.slots[spec.ask.slot]
                self._voice.say_note(t, refused)
                return
            t.values["previous"] = self._voice.shown(t, spec, conv.slots[spec.ask.slot])
            self._voice.say(t, "common.you_said")

    async def _run_actions(self, t: Turn, spec: StateSpec) -> None:
        conv = t.conv
        voice = self._voice
        if spec.do and t.recent is None:
            said = await self.store.call(self.store.transcript, conv.user_id, 10)
            t.recent = [line.text for line in said if line.direction == "in"]
        for name, _pos in spec.do:
            action = self.actions.get(name)
            if action is None:
                continue
            ctx = ActionContext(
                user_id=conv.user_id,
                lang=conv.lang,
                now=t.now,
                slots=conv.slots,
                values=t.values,
                first_name=conv.first_name,
                source=conv.source,
                recent=t.recent or [],
                content=self.content,
                text=lambda key, t=t: voice.text(t, key),  # type: ignore[misc]
                files_dir=self.files_dir,
            )
            try:
                result = action.func(ctx)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("action %s failed", name)
                t.event("action_failed", name)
                continue
            t.rec.leads.extend(ctx.leads)
            t.rec.events.extend(ctx.events)
            t.rec.outbox.extend(ctx.outbox)
            t.photos.extend(ctx.photos)
            note_request(t, ctx.values)

    # -- rendering -----------------------------------------------------------------------------

    def _reprompt(self, t: Turn, machines: Machines, full: bool = False) -> None:
        """Show the current question again, with its buttons, without moving (see
        ``repetition.reprompt``)."""
        reprompt(t, current_spec(machines, t.conv), self._voice, full)
