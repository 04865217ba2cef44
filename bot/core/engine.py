"""One turn of a conversation: load, understand, move, act, render, save.

The engine is plain async Python. It never imports ``telegram``, never reads the clock or the
environment (both are passed in), and keeps nothing per user in memory between turns: the
conversation lives in the ``ConversationStore`` (``bot.core.ports``). The adapters (Telegram,
console, tests) all drive this.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.base.money import Money
from bot.content.machines import ADVANCE, ANSWER, GIVE_UP, PRESS, DialogMachine, build_machines
from bot.content.model import BACK, MOVES, RESUME, Content, LocaleText, StateSpec
from bot.content.templates import Renderer, format_money, format_number, strip_tags
from bot.core.actions import ActionContext, ActionRegistry, core_actions
from bot.core.messages import Button, Input, Media, Reply, TurnResult
from bot.core.office_hours import waiting_values
from bot.core.ports import (
    Clock,
    ConversationStore,
    InProcessTurnLock,
    TurnLock,
    Understanding,
    utc_now,
)
from bot.core.records import Event
from bot.core.slot_types import (
    DEFAULT_SLOT_TYPES,
    Note,
    SlotTypeRegistry,
    fold,
    parse_yesno,
)
from bot.core.state import Conversation, TurnRecord
from bot.languages import LanguageRegistry
from bot.understanding.labels import match_label
from bot.understanding.yesno import read_acknowledgement

log = logging.getLogger(__name__)

MAX_HOPS = 30  # a loop of `next:` between states must not hang a turn
MAX_INPUT = 4096  # Telegram's own limit; anything longer is cut before any processing
SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DELETE = re.compile(r"^del\.(yes|no)\.(\d{1,9})$")
# Confirmations the engine asks itself, by the name in their buttons' data ("del.yes.<step>",
# "del.no.<step>"): the label keys of the yes and the no button. While the bot's last message is
# one of them, a typed yes or no (or the label's words) presses its button.
CONFIRMATIONS: dict[str, tuple[str, str]] = {"del": ("common.delete_yes", "common.no")}
CONFIRM = re.compile(r"^([a-z]{1,16})\.(yes|no)\.(\d{1,9})$")
RECENT_INPUTS = 50  # update ids remembered per prospect to drop redeliveries
PERSON_REQUESTED = "human_requested"  # the value request_human sets; kept while staff answer
HUMAN_WAIT = timedelta(days=3)  # a request for a person nobody closed is pending this long
SHORT_REPROMPTS = 2  # short re-prompts in a row before the question is asked in full again
SENT_REMEMBERED = 3  # texts of the last turn kept with the conversation, against repeats
SWITCH_CONFIDENCE = 0.55  # an intent this sure (0.5 = just understood) may switch the language
HISTORY = 12  # questions remembered per prospect, for "back"
COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)


SlotFiller = Callable[[Any, str, dict[str, Any], str], list[str]]
"""``(analysis, text, slots, dialog) -> names of the slots it filled`` from a free-text question."""


_Version = tuple[Content, dict[str, DialogMachine], Understanding | None]
_KEEP: Any = object()  # ``Engine.load`` without ``understanding``: keep the current one


@dataclass
class _Turn:
    """Working memory of one turn; becomes a ``TurnRecord`` when saved."""

    conv: Conversation
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    record: TurnRecord | None = None
    recent: list[str] | None = None  # the prospect's last messages, read only if an action runs
    forget: bool = False  # the prospect confirmed /delete: erase them instead of saving
    photos: list[str] = field(default_factory=list)  # made by actions, sent after the texts
    entered: set[tuple[str, str]] = field(default_factory=set)
    # slots answered along with a choice this turn (``fills:``): their questions are skipped
    prefilled: set[str] = field(default_factory=set)
    phone_lang: str | None = None  # the language of the prospect's phone: a prior, no more
    notice: str | None = None  # a short word for the adapter (a tap on an old keyboard)
    keyboard_used: bool = False  # the prospect tapped the keyboard on screen: it is gone
    short: list[int] | None = None  # [step, how many in a row]: a short re-prompt was said
    typed: bool = False  # the prospect wrote something: they get an answer, even a repeated one

    def __post_init__(self) -> None:
        self.record = TurnRecord(self.conv, self.now)

    @property
    def rec(self) -> TurnRecord:
        assert self.record is not None
        return self.record

    def event(self, kind: str, detail: str | None = None) -> None:
        self.rec.events.append(Event(kind, self.conv.dialog, self.conv.state, detail))


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

        Raises:
            ValueError: the content asks an answer type ``slot_types`` does not have.
        """
        self.store = store
        self.human_wait = human_wait
        self.slot_types = slot_types if slot_types is not None else DEFAULT_SLOT_TYPES
        self.slot_fillers: list[SlotFiller] = list(slot_fillers)
        self.files_dir = files_dir
        self.clock = clock
        self.languages = languages if languages is not None else content.languages
        self.default_lang = self.languages.choose(default_lang)
        self.actions = actions if actions is not None else core_actions()
        self.renderer = Renderer(languages=self.languages)
        self.lock: TurnLock = lock if lock is not None else InProcessTurnLock()
        # the version a running turn started with: a reload during its awaits must not mix two
        self._pinned: ContextVar[_Version | None] = ContextVar(f"engine{id(self)}", default=None)
        self.load(content, understanding=understanding)

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
            understanding = current[2] if current else None
        self._current: _Version = (content, machines, understanding)

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
        return self._version()[2]

    @understanding.setter
    def understanding(self, value: Understanding | None) -> None:
        content, machines, _old = self._current
        self._current = (content, machines, value)

    def _version(self) -> _Version:
        return self._pinned.get() or self._current

    def text(self, key: str, lang: str, **values: Any) -> str:
        """A locale text rendered outside a conversation (adapters' own notices)."""
        entry = self._lookup(self.content, key, lang)
        return self.renderer.render(entry.source, values, lang) if entry else ""

    def _lookup(self, content: Content, key: str, lang: str) -> LocaleText | None:
        """The text ``key`` in ``lang``, else along its fallbacks, then the default language."""
        for code in self.languages.fallbacks(lang, self.default_lang):
            entry = content.texts.get(code, {}).get(key)
            if entry is not None:
                return entry
        return None

    @property
    def content(self) -> Content:
        return self._version()[0]

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
        content, machines, _understanding = self._version()
        now = self.clock()
        conv = self.store.load(inp.user_id)
        fresh = conv is None
        if conv is None:
            conv = self._new_conversation(content, inp)
        if inp.input_id is not None:
            if inp.input_id in conv.recent_inputs:  # delivered twice (a retry after a crash)
                return TurnResult(
                    [], conv.lang, conv.dialog, conv.state, dict(conv.slots), duplicate=True
                )
            conv.recent_inputs = [*conv.recent_inputs, inp.input_id][-RECENT_INPUTS:]
        if inp.first_name:
            conv.first_name = inp.first_name[:64]
        t = _Turn(conv, now, phone_lang=self.languages.match(inp.language_code))
        # a state removed by a content reload: back to the menu with a word of explanation
        if content.state(conv.dialog, conv.state) is None:
            t.event("state_missing", f"{conv.dialog}.{conv.state}")
            conv.dialog, conv.state = self._menu(content)
            self._say_key(t, "common.flow_changed")
            fresh = True
        text = (inp.text or "")[:MAX_INPUT]
        t.typed = inp.button is None and inp.media is None and bool(text.strip())
        t.rec.transcript.append(("in", self._describe_input(inp, text)))
        if fresh and not text.startswith("/start"):
            t.event("started")
            await self._enter(t, machines, conv.dialog, conv.state)
            if text.strip() and not inp.button:
                await self._text(t, machines, text)
        else:
            await self._dispatch(t, machines, inp, text)
        if t.forget:
            self.store.forget(conv.user_id)
            return TurnResult(t.replies, conv.lang, conv.dialog, conv.state, {})
        self._drop_repeats(t)
        for reply in t.replies:
            t.rec.transcript.append(("out", reply.text))
        self.store.save_turn(t.rec)
        return TurnResult(
            t.replies,
            conv.lang,
            conv.dialog,
            conv.state,
            dict(conv.slots),
            outbox=list(t.rec.outbox),
            notice=t.notice,
        )

    def _new_conversation(self, content: Content, inp: Input) -> Conversation:
        lang = self.languages.match(inp.language_code) or self.default_lang
        start = content.main_dialog.start.resolve(content.main)
        return Conversation(
            user_id=inp.user_id,
            lang=lang,
            dialog=start[0],
            state=start[1],
            first_name=(inp.first_name or None),
            is_new=True,
        )

    @staticmethod
    def _describe_input(inp: Input, text: str) -> str:
        if inp.button is not None:
            return f"[button {inp.button[:64]}]"
        if inp.media is not None:
            return f"[{inp.media[:32]}]"
        return text

    # -- dispatching ---------------------------------------------------------------------------

    async def _dispatch(
        self, t: _Turn, machines: dict[str, DialogMachine], inp: Input, text: str
    ) -> None:
        if inp.media is not None:
            t.event("unsupported", inp.media[:32])
            self._say_key(t, "common.unsupported")
            self._reprompt(t, machines)
            return
        confirm = DELETE.match(inp.button or self._typed_confirmation(t, text) or "")
        if confirm is not None and int(confirm.group(2)) == t.conv.step:
            if confirm.group(1) == "yes":
                t.forget = True
                self._say_key(t, "common.deleted")
            else:
                self._say_key(t, "common.delete_cancelled")
                self._reprompt(t, machines)
            return
        if inp.button is not None:
            await self._button(t, machines, inp.button)
            return
        command = COMMAND.match(text.strip())
        if command:
            await self._command(t, machines, command.group(1).lower(), (command.group(2) or ""))
            return
        if not text.strip():
            self._reprompt(t, machines)
            return
        await self._text(t, machines, text)

    def _typed_confirmation(self, t: _Turn, text: str) -> str | None:
        """The button a typed message presses when the bot's last message was a confirmation
        (``CONFIRMATIONS``: a yes and a no button, as /delete asks): the label's words ("Sì,
        cancella tutto", "cancella"), else any yes or no as people say it ("sì", "yes", "non
        adesso"). None otherwise, and for a command: the message is then read as usual."""
        if not text.strip() or COMMAND.match(text.strip()):
            return None
        last = str(t.conv.memory.get("buttons") or "")  # the data of the last message's buttons
        shown = [m for m in (CONFIRM.match(data) for data in last.split("|")) if m is not None]
        if len(shown) != 2 or last.count("|") != 1:  # a yes and a no, nothing else
            return None
        name = shown[0].group(1)
        data = {m.group(2): m.group(0) for m in shown if m.group(1) == name}
        if name not in CONFIRMATIONS or set(data) != {"yes", "no"}:
            return None
        labels = [strip_tags(self._text_of(t, key)) for key in CONFIRMATIONS[name]]
        folded = fold(text)
        index = next((i for i, label in enumerate(labels) if fold(label) == folded), None)
        if index is None:
            index = match_label(text, labels, t.conv.lang, self.content.packs)
        if index is None:
            answer = parse_yesno(text, t.conv.lang, self.content.packs)
            index = None if answer is None else (0 if answer else 1)
        if index is None:
            return None
        t.event("typed_confirmation", name)
        return data["yes" if index == 0 else "no"]

    async def _command(
        self, t: _Turn, machines: dict[str, DialogMachine], name: str, args: str
    ) -> None:
        content = self.content
        conv = t.conv
        args = args.strip()
        if name == "start":
            if args and SOURCE.match(args) and not conv.source:
                conv.source = args
            t.event("started", args[:64] or None)
            await self._enter(t, machines, *content.main_dialog.start.resolve(content.main))
        elif name == "menu":
            self._keep_for_later(t, machines)
            await self._enter(t, machines, *self._menu(content))
        elif name == "help":
            self._say_key(t, "common.help")
            self._reprompt(t, machines, full=True)  # help is asked for: the question in full
        elif name == "restart":
            conv.slots.clear()
            conv.history, conv.resume = [], None
            t.event("restarted")
            self._say_key(t, "common.restarted")
            await self._enter(t, machines, *content.main_dialog.start.resolve(content.main))
        elif name == "privacy":
            target = (content.main, "privacy")
            if content.state(*target) is not None:
                await self._enter(t, machines, *target)
            else:
                self._reprompt(t, machines)
        elif name in ("delete", "cancella"):
            t.event("delete_asked")
            self._say_key(
                t,
                "common.delete_confirm",
                buttons=tuple(
                    Button(strip_tags(self._text_of(t, key)), f"del.{answer}.{conv.step}")
                    for answer, key in zip(("yes", "no"), CONFIRMATIONS["del"], strict=True)
                ),
            )
        elif name in ("lang", "language", "lingua"):
            # "/lang en", "/lang english"; without (or with an unknown) language: the next one
            named = next(iter(fold(args or "").split()), None)
            wanted = self.languages.find(named) or self.languages.next_after(conv.lang)
            conv.lang = wanted
            conv.lang_locked = True
            t.event("lang", wanted)
            self._say_key(t, "common.lang_switched")
            self._reprompt(t, machines)
        else:
            t.event("unknown_command", name)
            self._say_key(t, "common.not_understood")
            self._reprompt(t, machines)

    def _menu(self, content: Content) -> tuple[str, str]:
        main = content.main_dialog
        target = main.menu or main.start
        return target.resolve(main.id)

    async def _button(self, t: _Turn, machines: dict[str, DialogMachine], data: str) -> None:
        conv = t.conv
        spec = self._spec(machines, conv)
        match = re.fullmatch(r"(\d{1,9})\.(\d{1,2})", data or "")
        if match is None or spec is None or int(match.group(1)) != conv.step:
            self._stale(t, machines, data)
            return
        t.keyboard_used = True  # the adapter takes a pressed keyboard off the screen
        index = int(match.group(2))
        if spec.buttons and index < len(spec.buttons) and self._available(t, spec, index):
            await self._press(t, machines, spec, index)
            return
        options = self._options(spec)
        if spec.ask is not None and index < len(options):
            await self._accept(t, machines, spec, options[index][0])
            return
        self._stale(t, machines, data)

    def _stale(self, t: _Turn, machines: dict[str, DialogMachine], data: str) -> None:
        """A tap on a keyboard whose step has passed (or on data we never sent): a short notice
        for the tap itself, and the current step shown again once per step — ten taps on an
        old keyboard are one re-prompt, not ten (nor twenty messages)."""
        t.event("stale_button", (data or "")[:64])
        t.notice = strip_tags(self._text_of(t, "common.stale_button")) or None
        memory = t.conv.memory
        if memory.get("stale_step") == t.conv.step:
            return
        spec = self._spec(machines, t.conv)
        sent = memory.get("sent") or []
        if spec is not None and spec.say and sent:
            live = bool(memory.get("buttons")) or not self._buttons_for(t, spec)
            if live and sent[-1] == self._text_of(t, spec.say[-1].key):
                return  # the step is the last message, its keyboard live: nothing to show
        memory["stale_step"] = t.conv.step
        self._reprompt(t, machines)

    async def _press(
        self, t: _Turn, machines: dict[str, DialogMachine], spec: StateSpec, index: int
    ) -> None:
        conv = t.conv
        t.event("button", spec.buttons[index].text.key)
        moved = machines[conv.dialog].move(conv.state, PRESS.format(index), self._values(t))
        if moved is None:
            self._reprompt(t, machines)
            return
        if self._offers_person(moved) and self._waiting_for_person(t):
            self._say_waiting(t, machines)  # "talk to a person" again: it is already asked
            return
        await self._enter(t, machines, *moved)

    # -- a prospect waiting for a person ----------------------------------------------------------

    def _waiting_for_person(self, t: _Turn) -> bool:
        """A person was asked for (``request_human``) and the staff have not answered yet: no
        handover closed since, and less than ``human_wait`` ago."""
        memory = t.conv.memory
        raw = memory.get(PERSON_REQUESTED)
        try:
            asked = datetime.fromisoformat(str(raw)) if raw else None
        except ValueError:
            asked = None
        if asked is None or t.now - asked > self.human_wait:
            memory.pop(PERSON_REQUESTED, None)
            return False
        for event in self.store.events(t.conv.user_id, kind="handover_closed"):
            if event.at is not None and event.at >= asked:  # a person answered and closed
                memory.pop(PERSON_REQUESTED, None)
                return False
        return True

    def _still_waiting(self, t: _Turn, machines: dict[str, DialogMachine], analysis: Any) -> bool:
        """While a person is awaited, "ciao?", "c'è qualcuno?", "anyone there?" or asking for a
        person again is answered with where the request is and when the team answers; a real
        question ("how much is it?") is answered as usual. True when it was."""
        intent = getattr(analysis, "intent", None)
        if intent:
            target = self._intent_answer(intent)
            answer = self.content.state(*target) if target else None
            small_talk = (
                answer is not None
                and answer.returns is True
                and not answer.waits
                and not answer.do
                and answer.ask is None
            )
            if target is None or not (small_talk or self._offers_person(target)):
                return False
        if not self._waiting_for_person(t):
            return False
        self._say_waiting(t, machines)
        return True

    def _offers_person(self, target: tuple[str, str]) -> bool:
        """A state that asks the agency for a person (``do: request_human``), or that keeps the
        prospect there (``return: false``) to offer one a move away (``main.human``)."""
        state = self.content.state(*target)
        if state is None:
            return False
        if self._requests_person(state):
            return True
        if state.returns is not False:
            return False
        for move in state.moves():
            nxt = self.content.state(*move.resolve(target[0]))
            if nxt is not None and self._requests_person(nxt):
                return True
        return False

    def _requests_person(self, state: StateSpec) -> bool:
        for name, _pos in state.do:
            action = self.actions.get(name)
            if action is not None and PERSON_REQUESTED in action.provides:
                return True
        return False

    def _say_waiting(self, t: _Turn, machines: dict[str, DialogMachine]) -> None:
        """Where the request is and when the team answers; said again right away, in other
        words (``human.still_waiting``)."""
        t.event("human_waiting")
        t.values.update(waiting_values(self.content, t.now, t.conv.lang))
        sent = t.conv.memory.get("sent") or []
        again = bool(sent) and sent[-1] == self._text_of(t, "human.waiting")
        key = "human.still_waiting" if again else "human.waiting"
        spec = self._spec(machines, t.conv)
        if spec is not None and spec.ask is None:  # its buttons under this line, no repeat
            self._say_key(t, key, buttons=self._buttons_for(t, spec))
            return
        self._say_key(t, key)
        self._reprompt(t, machines)

    async def _text(self, t: _Turn, machines: dict[str, DialogMachine], text: str) -> None:
        conv = t.conv
        analysis = self._analyse(t, text)
        spec = self._spec(machines, conv)
        if spec is None:
            return
        move = self._move_word(t, text)
        # a button's own label wins ("Not now"); a question's answer never is one of the words
        typed_move = move is not None and (
            spec.ask is not None or self._match_button(t, spec, text) is None
        )
        if typed_move and spec.ask is not None and self._closed_answer(t, spec, text):
            typed_move = False  # "not now" to a yes/no question is its answer: no
        if typed_move and await self._typed_move(t, machines, spec, str(move)):
            return
        if spec.ask is not None:
            free = getattr(self.slot_types.get(spec.ask.type), "free_text", False)
            if free and "?" in text and analysis is not None and analysis.intent:
                # a free-text question accepts anything, but "can your staff follow us?" typed
                # at "what's your business?" is a question to answer, not a business name
                self._follow_language(t, analysis)
                await self._digress(t, machines, analysis)
                return
            if free and self._acknowledge(t, machines, text):
                return  # "grazie" at "what's your business?" is no business's name
            if await self._choice_with_value(t, machines, spec, text):
                return
            labels = [strip_tags(self._text_of(t, key)) for _, key in self._options(spec)]
            parsed = self.slot_types.parse(
                spec.ask, text, conv.lang, labels, packs=self.content.packs
            )
            if parsed.value is not None:
                await self._accept(t, machines, spec, parsed.value, parsed.note)
                return
            self._follow_language(t, analysis)
            if parsed.retry is None and self._still_waiting(t, machines, analysis):
                return
            if parsed.retry is None and self._acknowledge(t, machines, text):
                return
            # the type's own reason ("two addresses: which one?") wins over a question's words
            if parsed.retry is None and analysis is not None and analysis.intent:
                await self._digress(t, machines, analysis)
                return
            await self._retry(t, machines, spec, text, parsed.retry)
            return
        if spec.buttons and not self._only_thanks(t, spec, text):
            index = self._match_button(t, spec, text)
            if index is not None:
                await self._press(t, machines, spec, index)
                return
        self._follow_language(t, analysis)
        if self._still_waiting(t, machines, analysis):
            return
        if self._acknowledge(t, machines, text):
            return
        if analysis is not None and analysis.intent:
            await self._digress(t, machines, analysis)
            return
        t.event("not_understood", text[:500])
        self._say_key(t, "common.not_understood")
        self._reprompt(t, machines)

    def _only_thanks(self, t: _Turn, spec: StateSpec, text: str) -> bool:
        """A "thank you" or "ok" on its own is not a button's words ("thank you" is not «Leave
        your details»), unless it is a label exactly."""
        if read_acknowledgement(text, t.conv.lang, self.content.packs) is None:
            return False
        labels = [fold(strip_tags(self._text_of(t, b.text.key))) for b in spec.buttons]
        return fold(text) not in labels

    def _closed_answer(self, t: _Turn, spec: StateSpec, text: str) -> bool:
        """``text`` answers the question (a yes/no, a number, a choice: not free text, which
        takes anything): then the answer wins over words that would move the conversation."""
        assert spec.ask is not None
        if getattr(self.slot_types.get(spec.ask.type), "free_text", False):
            return False
        labels = [strip_tags(self._text_of(t, key)) for _, key in self._options(spec)]
        parsed = self.slot_types.parse(
            spec.ask, text, t.conv.lang, labels, packs=self.content.packs
        )
        return parsed.value is not None

    def _acknowledge(self, t: _Turn, machines: dict[str, DialogMachine], text: str) -> bool:
        """A "grazie", "ok", "perfetto", "👍" said on its own where it answers nothing: a short
        reply in kind and the step again, instead of "not understood". The reply is a line of
        ``common.ack.thanks`` or ``common.ack.ok`` (one line per variant), the one after the
        line said last, so the same line does not come twice in a row. False for any other
        message, or when the language has no such text."""
        kind = read_acknowledgement(text, t.conv.lang, self.content.packs)
        if kind is None:
            return False
        lines = [line.strip() for line in self._text_of(t, f"common.ack.{kind}").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            return False
        said = [*(t.conv.memory.get("sent") or []), *(r.text for r in t.replies)]
        last = next((lines.index(s) for s in reversed(said) if s in lines), -1)
        t.event("acknowledged", kind)
        t.replies.append(Reply(lines[(last + 1) % len(lines)]))
        self._reprompt(t, machines)
        return True

    async def _choice_with_value(
        self, t: _Turn, machines: dict[str, DialogMachine], spec: StateSpec, text: str
    ) -> bool:
        """A choice answered with the answer to the question one of its options leads to
        (``fills:``): "mario@x.it" at "email, phone or Telegram?" is the option `email` and the
        address, and the question asking for the address is skipped. Only when exactly one
        option's question takes the text."""
        assert spec.ask is not None
        folded = fold(text)
        if folded.isdigit() and 1 <= int(folded) <= len(spec.ask.options):
            return False  # a button's number, as typed in the console
        asks = {
            s.ask.slot: s.ask
            for s in self.content.dialogs[t.conv.dialog].states.values()
            if s.ask is not None
        }
        found: list[tuple[str, str, Any, Note | None]] = []
        for option in spec.ask.options:
            ask = asks.get(option.fills or "")
            if ask is None:
                continue
            parsed = self.slot_types.parse(ask, text, t.conv.lang, packs=self.content.packs)
            if parsed.value is not None:
                found.append((option.value, ask.slot, parsed.value, parsed.note))
        if len(found) != 1:
            return False
        value, slot, filled, note = found[0]
        t.conv.slots[slot] = filled
        t.prefilled.add(slot)
        t.event("answer", slot)
        await self._accept(t, machines, spec, value, note)
        t.prefilled.discard(slot)
        return True

    def _analyse(self, t: _Turn, text: str) -> Any:
        if self.understanding is None:
            return None
        try:
            analysis = self.understanding.analyse(text, t.conv.lang, t.now.date())
        except Exception:  # understanding must never cost the prospect their answer
            log.exception("understanding failed")
            return None
        return analysis

    def _follow_language(self, t: _Turn, analysis: Any) -> None:
        """Answer in the language the prospect writes — but only for what they *say*: a name
        or a business typed as an answer ("Pasticceria Bianchi") tells nothing about it.

        Only between languages the understanding can tell apart: it reads a message in any
        other (German, say) as one of those, so a conversation in German stays in German."""
        lang = getattr(analysis, "lang", None)
        if not isinstance(lang, str) or lang not in self.languages:
            return
        detectable: frozenset[str] = getattr(self.understanding, "languages", frozenset())
        if lang not in detectable or t.conv.lang not in detectable:
            return
        if lang != t.conv.lang and not t.conv.lang_locked:
            if not self._clearly_switched(t, analysis, lang):
                t.event("lang_kept", lang)
                return
            t.conv.lang = lang
            t.event("lang_detected", lang)

    @staticmethod
    def _clearly_switched(t: _Turn, analysis: Any, lang: str) -> bool:
        """Strong evidence that the prospect now writes ``lang``: a full sentence clearly in it,
        or a question understood with good confidence that has its function words ("how much
        is it?"; one is enough when the phone speaks ``lang`` too). Never a short message the
        bot did not understand, a loanword ("brand awareness", "coffee shop"), a proper noun,
        "ok": those keep the conversation's language."""
        if getattr(analysis, "lang_sentence", False):
            return True
        understood = bool(getattr(analysis, "intent", None)) and (
            float(getattr(analysis, "confidence", 0.0)) >= SWITCH_CONFIDENCE
        )
        needed = 1 if t.phone_lang == lang else 2
        return understood and int(getattr(analysis, "lang_markers", 0)) >= needed

    def _match_button(self, t: _Turn, spec: StateSpec, text: str) -> int | None:
        """A button's label typed instead of pressed (or its number, as in the console)."""
        folded = fold(text)
        shown = [i for i in range(len(spec.buttons)) if self._available(t, spec, i)]
        if folded.isdigit() and 1 <= int(folded) <= len(shown):
            return shown[int(folded) - 1]
        said = [strip_tags(self._text_of(t, spec.buttons[i].text.key)) for i in shown]
        labels = [fold(label) for label in said]
        if folded in labels:
            return shown[labels.index(folded)]
        # "fai i conti", "regole", "next": the label's own words (one label, not two alike)
        by_words = match_label(text, said, t.conv.lang, self.content.packs)
        if by_words is not None:
            return shown[by_words]
        best = process.extractOne(folded, labels, scorer=fuzz.ratio, score_cutoff=85)
        return shown[best[2]] if best else None

    async def _accept(
        self,
        t: _Turn,
        machines: dict[str, DialogMachine],
        spec: StateSpec,
        value: Any,
        note: Note | None = None,
    ) -> None:
        conv = t.conv
        assert spec.ask is not None
        conv.slots[spec.ask.slot] = value
        conv.tries = 0
        t.event("answer", spec.ask.slot)
        self._say_note(t, note)
        moved = machines[conv.dialog].move(conv.state, ANSWER, self._values(t))
        if moved is None:
            t.event("stuck", "no move after answer")
            await self._enter(t, machines, *self._menu(self.content))
            return
        await self._enter(t, machines, *moved)

    async def _retry(
        self,
        t: _Turn,
        machines: dict[str, DialogMachine],
        spec: StateSpec,
        text: str,
        instead: Note | None = None,
    ) -> None:
        """Ask again; ``instead`` is the slot type's own reason, said instead of the retry text
        ("$300": we count in euros)."""
        conv = t.conv
        assert spec.ask is not None
        conv.tries += 1
        t.event("input_rejected", f"{spec.ask.slot}: {text[:200]}")
        if conv.tries >= spec.ask.tries:
            conv.tries = 0
            t.event("gave_up", spec.ask.slot)
            self._keep_for_later(t, machines)
            self._say_key(t, "common.give_up")
            moved = machines[conv.dialog].move(conv.state, GIVE_UP, self._values(t))
            await self._enter(t, machines, *(moved or self._give_up_target(self.content)))
            return
        t.values["tries_left"] = spec.ask.tries - conv.tries
        if instead is not None:
            t.values.update(instead.values)
            key = instead.key
        elif spec.ask.retry:
            key = spec.ask.retry.key
        else:
            key = self.slot_types.retry_key(spec.ask.type)
        self._say_key(t, key, buttons=self._buttons_for(t, spec))

    async def _digress(self, t: _Turn, machines: dict[str, DialogMachine], analysis: Any) -> None:
        """Answer a question asked mid-conversation, then bring the prospect back."""
        content = self.content
        conv = t.conv
        target = self._intent_answer(analysis.intent)
        t.event("intent", f"{analysis.intent} {analysis.confidence:.2f}")
        notes: list[Note] = []
        for filler in self.slot_fillers:
            filled = filler(analysis, analysis.text, conv.slots, conv.dialog)
            if filled:
                t.event("slots_from_text", ",".join(filled))
                notes += self._fit_filled(t, content, filled)
        before = len(t.replies)
        try:
            await self._answer_intent(t, machines, analysis, target)
        finally:
            # "€ 1.200 l'anno, cioè circa € 100 al mese" goes after the flow's first message
            # ("Facciamo due conti…"), before its next question
            self._say_notes_at(t, notes, min(before + 1, len(t.replies)))

    async def _answer_intent(
        self,
        t: _Turn,
        machines: dict[str, DialogMachine],
        analysis: Any,
        target: tuple[str, str] | None,
    ) -> None:
        content = self.content
        conv = t.conv
        if target is None or content.state(*target) is None:
            self._say_key(t, "common.not_understood")
            self._reprompt(t, machines)
            return
        answer = content.state(*target)
        assert answer is not None
        moves = {m.resolve(target[0]) for m in answer.moves()}
        if target in t.entered or (not answer.waits and moves and moves <= t.entered):
            return  # "ciao" as the very first message: the welcome has just said it all
        at_rest = (conv.dialog, conv.state) in (
            self._menu(content),
            content.main_dialog.start.resolve(content.main),
        )
        # An answer that starts a flow of its own (a question, an action, a sequence of
        # messages) takes the prospect there; a short answer is a digression and comes back.
        starts_a_flow = (
            bool(answer.do) or answer.ask is not None or not answer.waits
            if answer.returns is None
            else not answer.returns
        )
        here = (conv.dialog, conv.state) == target
        current = self._spec(machines, conv)
        if here and current is not None and self._on_screen(t, current):
            # asked again what is on screen right now: point at it rather than say it twice
            t.event("already_said", f"{target[0]}.{target[1]}")
            self._say_key(t, "common.see_above")
            self._reprompt(t, machines)
            return
        if at_rest or starts_a_flow or here:
            if starts_a_flow and not here:  # a question left for another flow: resumable
                self._keep_for_later(t, machines)
            await self._enter(t, machines, *target)
            return
        for ref in answer.say:
            self._say_key(t, ref.key)
        self._say_key(t, "common.back_to_flow")
        self._reprompt(t, machines)

    def _fit_filled(self, t: _Turn, content: Content, filled: Sequence[str]) -> list[Note]:
        """Slots a filler read from a typed question, made to fit the questions that ask for
        them (money per month); the lines to say about them, as for a typed answer. A value its
        question would refuse ("$300") is dropped, so the question is asked later."""
        notes: list[Note] = []
        asks = {
            state.ask.slot: state.ask
            for dialog in content.dialogs.values()
            for state in dialog.states.values()
            if state.ask is not None
        }
        for name in filled:
            ask = asks.get(name)
            slot_type = self.slot_types.get(ask.type) if ask is not None else None
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

    def _say_notes_at(self, t: _Turn, notes: Sequence[Note], index: int) -> None:
        """Say ``notes`` as replies placed at ``index`` among this turn's replies."""
        for note in notes:
            end = len(t.replies)
            self._say_note(t, note)
            said = t.replies[end:]
            del t.replies[end:]
            t.replies[index:index] = said
            index += len(said)

    def _say_note(self, t: _Turn, note: Note | None) -> None:
        """A slot type's line about an answer, with its values ("€ 1.200 l'anno, cioè…")."""
        if note is None:
            return
        t.values.update(note.values)
        self._say_key(t, note.key)

    def _intent_answer(self, intent: str) -> tuple[str, str] | None:
        intents = self.content.intents
        answers = getattr(intents, "answers", None) or {}
        entry = answers.get(intent)
        if entry is None:
            return None
        ref = entry[0] if isinstance(entry, tuple) else entry
        if not ref:
            return None
        dialog, _, state = str(ref).partition(".")
        return (dialog, state) if state else (self.content.main, dialog)

    # -- entering states -----------------------------------------------------------------------

    async def _enter(
        self, t: _Turn, machines: dict[str, DialogMachine], dialog: str, state: str
    ) -> None:
        conv = t.conv
        for _hop in range(MAX_HOPS):
            if state in MOVES:  # "back" / "resume": a place in this prospect's conversation
                place = self._place(t, state, take=True)
                t.event(state, ".".join(place) if place else None)
                dialog, state = place or self._menu(self.content)
            machine = machines.get(dialog)
            spec = machine.state(state) if machine else None
            if machine is None or spec is None:
                t.event("stuck", f"missing {dialog}.{state}")
                dialog, state = self._menu(self.content)
                machine = machines[dialog]
                spec = machine.state(state)
                assert spec is not None
            conv.dialog, conv.state = dialog, state
            t.event("enter")
            t.entered.add((dialog, state))
            for name, _pos in spec.forget:
                conv.slots.pop(name, None)
            await self._run_actions(t, spec)
            if spec.ask is not None and spec.ask.slot in t.prefilled:
                # answered already, with the choice that led here ("mario@x.it" at "how?")
                t.prefilled.discard(spec.ask.slot)
                skipped = machine.move(state, ANSWER, self._values(t))
                if skipped is not None:
                    dialog, state = skipped
                    continue
            if spec.waits:
                # a new step: buttons sent before this one now count as old
                conv.step += 1
                conv.tries = 0
            if spec.ask is not None:
                self._asked(t, spec)
            for i, ref in enumerate(spec.say):
                last = i == len(spec.say) - 1
                self._say_key(t, ref.key, buttons=self._buttons_for(t, spec) if last else ())
            if spec.say or spec.waits:  # a picture goes out after the text that explains it
                t.replies.extend(Reply("", media=Media(p, owned=True)) for p in t.photos)
                t.photos.clear()
            if spec.waits:
                return
            moved = machine.move(state, ADVANCE, self._values(t))
            if moved is None:
                t.event("stuck", "no condition matched")
                dialog, state = self._menu(self.content)
                if (dialog, state) == (conv.dialog, conv.state):
                    return
                continue
            dialog, state = moved
        t.event("stuck", "too many moves without a question")
        log.warning("dialog loop at %s.%s", dialog, state)

    async def _run_actions(self, t: _Turn, spec: StateSpec) -> None:
        conv = t.conv
        if spec.do and t.recent is None:
            said = self.store.transcript(conv.user_id, 10)
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
                text=lambda key, t=t: self._text_of(t, key),  # type: ignore[misc]
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
            if ctx.values.get(PERSON_REQUESTED):
                conv.memory[PERSON_REQUESTED] = t.now.isoformat(timespec="seconds")

    # -- going back, leaving, resuming ------------------------------------------------------------

    def _move_word(self, t: _Turn, text: str) -> str | None:
        """``back``, ``cancel`` or ``resume`` when the whole message is one of the language
        packs' words for it ("indietro", "lascia perdere", "riprendi"), in any language."""
        folded = fold(text)
        if not folded or len(folded) > 60:
            return None
        packs = self.content.packs
        order = [t.conv.lang, *(code for code in packs if code != t.conv.lang)]
        for code in order:
            pack = packs.get(code)
            if pack is None:
                continue
            for name in ("cancel", BACK, RESUME):
                if folded in _folded_words(getattr(pack, name)):
                    return name
        return None

    async def _typed_move(
        self, t: _Turn, machines: dict[str, DialogMachine], spec: StateSpec, move: str
    ) -> bool:
        """Act on a typed "indietro" / "lascia perdere" / "riprendi"; False: not applicable
        here (the message is then read as usual)."""
        conv = t.conv
        if move == "cancel":
            if spec.ask is None:  # only a question can be left; elsewhere the words are read
                return False
            t.event("left", spec.ask.slot)
            self._keep_for_later(t, machines)
            self._say_key(t, "common.left")
            await self._enter(t, machines, *self._menu(self.content))
            return True
        if self._place(t, move) is None:
            if move == RESUME or spec.ask is None:
                return False
            self._say_key(t, "common.no_back")
            self._reprompt(t, machines)
            return True
        await self._enter(t, machines, conv.dialog, move)
        return True

    def _keep_for_later(self, t: _Turn, machines: dict[str, DialogMachine]) -> None:
        """Leaving a question unanswered: remember it, so a ``resume`` brings the prospect back."""
        spec = self._spec(machines, t.conv)
        if spec is not None and spec.ask is not None:
            t.conv.resume = f"{t.conv.dialog}.{t.conv.state}"

    def _give_up_target(self, content: Content) -> tuple[str, str]:
        main = content.main_dialog
        return main.give_up.resolve(main.id) if main.give_up is not None else self._menu(content)

    def _place(self, t: _Turn, move: str, take: bool = False) -> tuple[str, str] | None:
        """Where ``back`` (the question before this one) or ``resume`` (the question left
        unfinished) leads now; None when nowhere. ``take``: the prospect goes there now."""
        conv = t.conv
        content = self.content
        here = f"{conv.dialog}.{conv.state}"

        def known(ref: str | None) -> tuple[str, str] | None:
            dialog, _, state = (ref or "").partition(".")
            spec = content.state(dialog, state)
            return (dialog, state) if spec is not None and spec.ask is not None else None

        if move == RESUME:
            place = known(conv.resume) if conv.resume != here else None
            if take:
                conv.resume = None
            return place
        history = [ref for ref in conv.history if known(ref) is not None]
        if history and history[-1] == here:
            history.pop()  # at a question, "back" is the one before it
        if not history:
            return None
        if take:
            conv.history = history
        return known(history[-1])

    def _asked(self, t: _Turn, spec: StateSpec) -> None:
        """A question is asked: remember it for "back", and say what was answered before."""
        conv = t.conv
        assert spec.ask is not None
        here = f"{conv.dialog}.{conv.state}"
        if not conv.history or conv.history[-1] != here:
            conv.history = [*conv.history, here][-HISTORY:]
        if conv.resume == here:
            conv.resume = None
        if spec.ask.slot in conv.slots and spec.say:
            t.values["previous"] = self._shown(t, spec, conv.slots[spec.ask.slot])
            self._say_key(t, "common.you_said")

    def _shown(self, t: _Turn, spec: StateSpec, value: Any) -> str:
        """An answer as the prospect would read it: a button's label, «€ 200», «10.000»."""
        for option, key in self._options(spec):
            if option == value:
                return strip_tags(self._text_of(t, key))
        lang = t.conv.lang
        if isinstance(value, Money):
            return format_money(value, lang, languages=self.languages)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_number(value, lang, 2, languages=self.languages)
        return str(value)

    def _available(self, t: _Turn, spec: StateSpec, index: int) -> bool:
        """A button leading to ``back``/``resume`` is shown only when there is somewhere to go."""
        move = spec.buttons[index].go.move
        return move is None or self._place(t, move) is not None

    # -- rendering -----------------------------------------------------------------------------

    def _values(self, t: _Turn) -> dict[str, Any]:
        conv = t.conv
        return {
            **conv.slots,
            "first_name": conv.first_name or "",
            "source": conv.source or "",
            **t.values,
        }

    def _text_of(self, t: _Turn, key: str) -> str:
        entry = self._lookup(self.content, key, t.conv.lang)
        if entry is None:
            log.error("missing text %s", key)
            return ""
        return self.renderer.render(entry.source, self._values(t), t.conv.lang)

    def _say_key(self, t: _Turn, key: str, buttons: tuple[Button, ...] = ()) -> None:
        text = self._text_of(t, key)
        if text or buttons:
            t.replies.append(Reply(text or "…", buttons))

    def _options(self, spec: StateSpec) -> list[tuple[Any, str]]:
        """(value, label key) of the buttons a question shows: its options, or yes/no."""
        if spec.ask is None:
            return []
        return self.slot_types.options(spec.ask)

    def _buttons_for(self, t: _Turn, spec: StateSpec) -> tuple[Button, ...]:
        step = t.conv.step
        if spec.buttons:
            return tuple(
                Button(strip_tags(self._text_of(t, b.text.key)), f"{step}.{i}")
                for i, b in enumerate(spec.buttons)
                if self._available(t, spec, i)
            )
        return tuple(
            Button(strip_tags(self._text_of(t, key)), f"{step}.{i}")
            for i, (_value, key) in enumerate(self._options(spec))
        )

    def _reprompt(self, t: _Turn, machines: dict[str, DialogMachine], full: bool = False) -> None:
        """Show the current question again, with its buttons, without moving.

        When the question was the last thing the prospect got, it is still on screen: after a
        line of this turn ("not understood", "back to where we were") only its buttons come
        again, under that line; its words are not repeated."""
        spec = self._spec(machines, t.conv)
        if spec is None or not spec.say:
            return
        buttons = self._buttons_for(t, spec)
        last = t.replies[-1] if t.replies else None
        # only a question with buttons: a typed one is asked in full, for its words are the
        # only thing that says what to type
        if (
            not full
            and buttons
            and last is not None
            and not last.buttons
            and last.media is None
            and last.text
            and self._on_screen(t, spec)
        ):
            t.event("reprompt_short")
            before = t.conv.memory.get("short")
            count = before[1] if isinstance(before, list) and before[:1] == [t.conv.step] else 0
            t.short = [t.conv.step, int(count) + 1]
            t.replies[-1] = replace(last, buttons=buttons)
            return
        self._say_key(t, spec.say[-1].key, buttons=buttons)

    def _on_screen(self, t: _Turn, spec: StateSpec) -> bool:
        """The current question is still in view: it was the last message the prospect got,
        or the last turn ended with its short re-prompt (at most ``SHORT_REPROMPTS`` in a row,
        then it is asked in full again, before it scrolls out of sight)."""
        if not spec.say:
            return False
        memory = t.conv.memory
        sent = memory.get("sent") or []
        if sent and sent[-1] == self._text_of(t, spec.say[-1].key):
            return True
        short = memory.get("short")
        return (
            isinstance(short, list)
            and len(short) == 2
            and short[0] == t.conv.step
            and int(short[1]) < SHORT_REPROMPTS
        )

    def _drop_repeats(self, t: _Turn) -> None:
        """Never the same text twice in a row: a reply equal to the one just before it (in this
        turn, or the last of the previous one) is dropped, unless it brings a new keyboard.
        Then remember what went out, with the conversation."""
        memory = t.conv.memory
        sent = memory.get("sent") or []
        last_text: str | None = sent[-1] if sent else None
        last_keys: str | None = None if t.keyboard_used else memory.get("buttons")
        kept: list[Reply] = []
        dropped: Reply | None = None
        for reply in t.replies:
            keys = "|".join(b.data for b in reply.buttons)
            same = reply.media is None and reply.text == last_text
            if same and (not reply.buttons or keys == last_keys):
                dropped = reply
                continue
            kept.append(reply)
            last_text = reply.text if reply.media is None else None
            last_keys = keys
        if not kept and dropped is not None and t.typed:
            kept = [dropped]  # silence would be worse: whoever writes gets an answer
            last_keys = "|".join(b.data for b in dropped.buttons)
        elif dropped is not None:
            t.event("repeat_dropped", dropped.text[:64])
        t.replies[:] = kept
        if kept:
            memory["sent"] = [r.text for r in kept if r.media is None][-SENT_REMEMBERED:]
            memory["buttons"] = last_keys or ""
            if t.short is not None:
                memory["short"] = t.short
            else:
                memory.pop("short", None)
        elif t.keyboard_used:
            memory["buttons"] = ""

    @staticmethod
    def _spec(machines: dict[str, DialogMachine], conv: Conversation) -> StateSpec | None:
        machine = machines.get(conv.dialog)
        return machine.state(conv.state) if machine else None


@lru_cache(maxsize=64)
def _folded_words(words: frozenset[str]) -> frozenset[str]:
    """A pack's word list folded once, not on every message."""
    return frozenset(fold(w) for w in words)
