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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.content.machines import ADVANCE, ANSWER, GIVE_UP, PRESS, DialogMachine, build_machines
from bot.content.model import Content, LocaleText, StateSpec
from bot.content.templates import Renderer, strip_tags
from bot.core.actions import ActionContext, ActionRegistry, core_actions
from bot.core.messages import Button, Input, Media, Reply, TurnResult
from bot.core.ports import (
    Clock,
    ConversationStore,
    InProcessTurnLock,
    TurnLock,
    Understanding,
    utc_now,
)
from bot.core.records import Event
from bot.core.slot_types import DEFAULT_SLOT_TYPES, Note, SlotTypeRegistry, fold
from bot.core.state import Conversation, TurnRecord
from bot.languages import LanguageRegistry

log = logging.getLogger(__name__)

MAX_HOPS = 30  # a loop of `next:` between states must not hang a turn
MAX_INPUT = 4096  # Telegram's own limit; anything longer is cut before any processing
SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DELETE = re.compile(r"^del\.(yes|no)\.(\d{1,9})$")
RECENT_INPUTS = 50  # update ids remembered per prospect to drop redeliveries
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
    ) -> None:
        """An engine over valid ``content`` (see ``bot.app.build_runtime`` for the usual wiring).

        ``actions`` defaults to the core actions alone (no plug-ins); ``slot_fillers`` read
        slots from free-text questions (the growth plug-in gives one); ``files_dir`` is where
        actions may write files for a reply (charts), None for nowhere; ``lock`` keeps one
        prospect's turns in order (in-process by default). ``languages`` are those the bot speaks
        (default: the ones the content was loaded for); ``default_lang`` is for prospects whose
        phone's language is not one of them (default: the registry's default). ``slot_types``
        read typed answers (default: the built-in types; the content must have been validated
        with the same registry).

        Raises:
            ValueError: the content asks an answer type ``slot_types`` does not have.
        """
        self.store = store
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
        t = _Turn(conv, now)
        # a state removed by a content reload: back to the menu with a word of explanation
        if content.state(conv.dialog, conv.state) is None:
            t.event("state_missing", f"{conv.dialog}.{conv.state}")
            conv.dialog, conv.state = self._menu(content)
            self._say_key(t, "common.flow_changed")
            fresh = True
        text = (inp.text or "")[:MAX_INPUT]
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
        confirm = DELETE.match(inp.button or "")
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
            await self._enter(t, machines, *self._menu(content))
        elif name == "help":
            self._say_key(t, "common.help")
            self._reprompt(t, machines)
        elif name == "restart":
            conv.slots.clear()
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
                buttons=(
                    Button(
                        strip_tags(self._text_of(t, "common.delete_yes")), f"del.yes.{conv.step}"
                    ),
                    Button(strip_tags(self._text_of(t, "common.no")), f"del.no.{conv.step}"),
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
            t.event("stale_button", (data or "")[:64])
            self._say_key(t, "common.stale_button")
            self._reprompt(t, machines)
            return
        index = int(match.group(2))
        if spec.buttons and index < len(spec.buttons):
            await self._press(t, machines, spec, index)
            return
        options = self._options(spec)
        if spec.ask is not None and index < len(options):
            await self._accept(t, machines, spec, options[index][0])
            return
        t.event("stale_button", data[:64])
        self._say_key(t, "common.stale_button")
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
        await self._enter(t, machines, *moved)

    async def _text(self, t: _Turn, machines: dict[str, DialogMachine], text: str) -> None:
        conv = t.conv
        analysis = self._analyse(t, text)
        spec = self._spec(machines, conv)
        if spec is None:
            return
        if spec.ask is not None:
            if spec.ask.type == "text" and "?" in text and analysis is not None and analysis.intent:
                # a free-text question accepts anything, but "can your staff follow us?" typed
                # at "what's your business?" is a question to answer, not a business name
                self._follow_language(t, analysis)
                await self._digress(t, machines, analysis)
                return
            labels = [strip_tags(self._text_of(t, key)) for _, key in self._options(spec)]
            parsed = self.slot_types.parse(
                spec.ask, text, conv.lang, labels, packs=self.content.packs
            )
            if parsed.value is not None:
                await self._accept(t, machines, spec, parsed.value, parsed.note)
                return
            self._follow_language(t, analysis)
            if analysis is not None and analysis.intent:
                await self._digress(t, machines, analysis)
                return
            await self._retry(t, machines, spec, text, parsed.retry)
            return
        if spec.buttons:
            index = self._match_button(t, spec, text)
            if index is not None:
                await self._press(t, machines, spec, index)
                return
        self._follow_language(t, analysis)
        if analysis is not None and analysis.intent:
            await self._digress(t, machines, analysis)
            return
        t.event("not_understood", text[:500])
        self._say_key(t, "common.not_understood")
        self._reprompt(t, machines)

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
            t.conv.lang = lang
            t.event("lang_detected", lang)

    def _match_button(self, t: _Turn, spec: StateSpec, text: str) -> int | None:
        """A button's label typed instead of pressed (or its number, as in the console)."""
        folded = fold(text)
        if folded.isdigit() and 1 <= int(folded) <= len(spec.buttons):
            return int(folded) - 1
        labels = [fold(strip_tags(self._text_of(t, b.text.key))) for b in spec.buttons]
        if folded in labels:
            return labels.index(folded)
        best = process.extractOne(folded, labels, scorer=fuzz.ratio, score_cutoff=85)
        return best[2] if best else None

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
            self._say_key(t, "common.give_up")
            moved = machines[conv.dialog].move(conv.state, GIVE_UP, self._values(t))
            await self._enter(t, machines, *(moved or self._menu(self.content)))
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
        if at_rest or starts_a_flow or (conv.dialog, conv.state) == target:
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
            await self._run_actions(t, spec)
            if spec.waits:
                # a new step: buttons sent before this one now count as old
                conv.step += 1
                conv.tries = 0
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
            )
        return tuple(
            Button(strip_tags(self._text_of(t, key)), f"{step}.{i}")
            for i, (_value, key) in enumerate(self._options(spec))
        )

    def _reprompt(self, t: _Turn, machines: dict[str, DialogMachine]) -> None:
        """Show the current question again, with its buttons, without moving."""
        spec = self._spec(machines, t.conv)
        if spec is None or not spec.say:
            return
        self._say_key(t, spec.say[-1].key, buttons=self._buttons_for(t, spec))

    @staticmethod
    def _spec(machines: dict[str, DialogMachine], conv: Conversation) -> StateSpec | None:
        machine = machines.get(conv.dialog)
        return machine.state(conv.state) if machine else None
