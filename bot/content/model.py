"""The typed model of staff content. Every value remembers where it was written (a ``Pos``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.base.problems import Pos
from bot.content.button_ids import VERSION_CHARS, option_id, short_digest
from bot.languages import DEFAULT, LanguageRegistry
from bot.understanding.lang import LanguagePack


@dataclass(frozen=True)
class TextRef:
    """A text key from ``locales/``, e.g. ``menu.question``."""

    key: str
    pos: Pos


BACK = "back"
RESUME = "resume"
MOVES = (BACK, RESUME)
"""Targets that are places in the prospect's own conversation rather than states: ``back``, the
question asked before the current one; ``resume``, the question left unfinished. A button that
leads to one is shown only when there is somewhere to go."""


@dataclass(frozen=True)
class Target:
    """Where a move leads: a state of the same dialog, or ``dialog.state`` in another one, or
    one of ``MOVES``."""

    ref: str
    pos: Pos

    @property
    def move(self) -> str | None:
        """``back`` or ``resume`` when the target is one of ``MOVES``, else None."""
        return self.ref if self.ref in MOVES else None

    def resolve(self, dialog: str) -> tuple[str, str]:
        if "." in self.ref:
            other, state = self.ref.split(".", 1)
            return other, state
        return dialog, self.ref


YES_NO = ("yes", "no")
"""What a typed yes or no may mean at a step with buttons (``means:`` of a button)."""


@dataclass(frozen=True)
class ButtonSpec:
    text: TextRef
    go: Target
    pos: Pos
    # the typed answer this button stands for: "yes" (a go-ahead: "ok", "sì", "sure") or "no"
    # (a not-now: "no", "non ora"); None: only its label, its words or its number press it
    means: str | None = None
    # its own `id:` (``bot.content.button_ids.ID``), when staff gave it one
    id: str | None = None

    @property
    def stable_id(self) -> str:
        """What a keyboard on screen calls this button across reloads: its ``id:``, else its
        text key (``menu.rules``); never its position."""
        return self.id or self.text.key


@dataclass(frozen=True)
class Option:
    """One allowed answer of a ``choice`` question; shown as a button too."""

    value: str
    text: TextRef
    pos: Pos
    # other words a prospect may type for it ("ig", "insta"), compared folded
    aliases: tuple[str, ...] = ()
    # the slot a typed answer may fill along with this option: "mario@x.it" typed at "email,
    # phone or Telegram?" is the option `email` and the answer to the question asking `email`
    fills: str | None = None
    fills_pos: Pos | None = None

    @property
    def stable_id(self) -> str:
        """What a keyboard on screen calls this option across reloads: its value."""
        return option_id(self.value)


@dataclass(frozen=True)
class Check:
    """One line of an ask's ``checks:``: an answer for which ``condition`` holds (``value`` is
    the answer, as a plain number for numbers and money) is not kept; ``say`` tells the
    prospect why and asks again ("a billion? more than any account has")."""

    condition: str
    say: TextRef
    pos: Pos


@dataclass(frozen=True)
class AskSpec:
    slot: str
    type: str
    pos: Pos
    retry: TextRef | None = None
    tries: int = 3
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    # the period a number or money question counts in ("week": posts a week); an answer said
    # per another period is converted (money: per month when unsaid)
    per: str | None = None
    # said instead of ``retry`` when the prospect does not know ("boh", "no idea")
    unsure: TextRef | None = None
    # a value to offer an unsure prospect, as a button: a number or an expression of the slots
    # ("current_followers * 2"); ``suggest_pos`` is where it is written
    suggest: str | None = None
    suggest_pos: Pos | None = None
    # answers that are readable but not believable, checked in order before one is kept
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Branch:
    """One line of a ``when`` list: go to ``go`` if the condition holds (none = otherwise)."""

    condition: str | None
    go: Target
    pos: Pos


@dataclass(frozen=True)
class UpdateSpec:
    """``updates:`` of a state with buttons: a value typed there for one of ``slots`` (the
    answer of the question asking it) replaces it and leads to ``then``; a value that could be
    more than one of them, or the name of one without a value, leads to ``which`` (a state whose
    buttons lead to the questions), the value kept for the question picked."""

    slots: tuple[str, ...]
    then: Target
    pos: Pos
    which: Target | None = None
    slot_pos: tuple[Pos, ...] = ()  # where each of ``slots`` is written


@dataclass(frozen=True)
class CaptureSpec:
    """``capture:`` of a dialog: details given at any step where no question asks for them
    (an email, a phone number, a name introduced as one) are kept in ``slots`` (each the slot of
    a question somewhere), said back in one line, and ``then`` is offered (from a step with
    buttons; at a question, the question is asked again)."""

    slots: tuple[tuple[str, Pos], ...]
    then: Target
    pos: Pos


@dataclass(frozen=True)
class StateSpec:
    name: str
    pos: Pos
    say: tuple[TextRef, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    ask: AskSpec | None = None
    next: Target | None = None
    when: tuple[Branch, ...] = ()
    do: tuple[tuple[str, Pos], ...] = ()
    on_give_up: Target | None = None
    # reached by a typed question mid-flow: go back to the earlier step (True) or stay (False);
    # None lets the shape decide (a question or an action stays, a plain answer returns)
    returns: bool | None = None
    # slots forgotten on entering, before ``do`` ("start the projection afresh")
    forget: tuple[tuple[str, Pos], ...] = ()
    # a value typed at this step may change an answer (see ``UpdateSpec``)
    updates: UpdateSpec | None = None
    # its first text starts a message of its own instead of joining the texts before it
    # (``bot.core.compose``: texts in a row are one message)
    separate: bool = False

    @property
    def waits(self) -> bool:
        """A state that waits for the prospect (a question or buttons) rather than moving on."""
        return bool(self.buttons) or self.ask is not None

    def moves(self) -> list[Target]:
        out = [b.go for b in self.buttons] + [b.go for b in self.when]
        if self.next is not None:
            out.append(self.next)
        if self.on_give_up is not None:
            out.append(self.on_give_up)
        if self.updates is not None:
            out.append(self.updates.then)
            if self.updates.which is not None:
                out.append(self.updates.which)
        return out


@dataclass(frozen=True)
class Dialog:
    id: str
    file: str
    pos: Pos
    start: Target
    menu: Target | None
    states: dict[str, StateSpec] = field(default_factory=dict)
    # where a question given up on leads when it has no ``on_give_up`` (main dialog; else menu)
    give_up: Target | None = None
    # details kept from any step of any dialog (see ``CaptureSpec``)
    capture: CaptureSpec | None = None


@dataclass(frozen=True)
class LocaleText:
    key: str
    lang: str
    source: str
    pos: Pos
    # the line from ``pos`` on as the file has it (quotes, escapes): ``validate`` points at a
    # character of a one-line text with it (``yamlpos.offset_in``); "" when not known
    written: str = field(default="", compare=False)


@dataclass
class Content:
    """Everything staff own, loaded and checked; the engine only ever sees a valid one."""

    dialogs: dict[str, Dialog]
    texts: dict[str, dict[str, LocaleText]]  # lang -> key -> text
    main: str = "main"
    intents: object | None = None  # bot.understanding.intents.IntentSet, when present
    # plug-ins' own files, by key (``benchmarks``: bot.growth.parameters.Benchmarks)
    extras: dict[str, object] = field(default_factory=dict)
    root_files: list[str] = field(default_factory=list)
    # the languages it was loaded for (``locales/<code>/`` each) and their word packs, with staff's
    # ``locales/<code>/words.yaml`` merged in; a language without a pack has an empty one
    languages: LanguageRegistry = field(default_factory=lambda: DEFAULT)
    packs: dict[str, LanguagePack] = field(default_factory=dict)

    def state(self, dialog: str, state: str) -> StateSpec | None:
        d = self.dialogs.get(dialog)
        return d.states.get(state) if d else None

    @cached_property
    def version(self) -> str:
        """A short digest of every state's buttons and options (their stable ids, text keys
        and targets, in order): it changes when staff add, remove, reorder or retarget one (not
        when they reword a label), and is the same across restarts with the same files.
        Keyboards carry it in their data; worked out once, when first asked."""
        lines: list[str] = []
        for dialog_id in sorted(self.dialogs):
            states = self.dialogs[dialog_id].states
            for name in sorted(states):
                spec = states[name]
                lines.append(f"{dialog_id}.{name}")
                lines += [f" b {b.stable_id} {b.text.key} {b.go.ref}" for b in spec.buttons]
                options = spec.ask.options if spec.ask is not None else ()
                lines += [f" o {o.stable_id} {o.text.key}" for o in options]
        return short_digest("\n".join(lines).encode("utf-8"), VERSION_CHARS, b"content")

    @property
    def main_dialog(self) -> Dialog:
        return self.dialogs[self.main]
