"""Reading one dialog file into a ``Dialog``, reporting every mistake with its place."""

from __future__ import annotations

import re
from typing import Any

from bot.base.money import PERIODS
from bot.base.problems import Pos, Problems, did_you_mean
from bot.base.yamlpos import Source, is_list, is_mapping
from bot.content.button_ids import ID, tap_digest
from bot.content.catalog import SlotTypeCatalog
from bot.content.model import (
    YES_NO,
    AskSpec,
    Branch,
    ButtonSpec,
    CaptureSpec,
    Check,
    Dialog,
    Option,
    StateSpec,
    Target,
    TextRef,
    UpdateSpec,
)
from bot.understanding.text import fold_accents

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TARGET = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
KEY = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")

DIALOG_KEYS = ("id", "start", "menu", "give_up", "capture", "states", "description")
CAPTURE_KEYS = ("slots", "then")
UPDATES_KEYS = ("slots", "then", "which")
STATE_KEYS = (
    "say",
    "buttons",
    "ask",
    "next",
    "when",
    "do",
    "forget",
    "on_give_up",
    "return",
    "note",
    "updates",
    "separate",
)
BUTTON_KEYS = ("text", "go", "means", "id")
ASK_KEYS = (
    "slot",
    "type",
    "retry",
    "tries",
    "options",
    "min",
    "max",
    "per",
    "unsure",
    "suggest",
    "checks",
)
CHECK_KEYS = ("if", "say")
OPTION_KEYS = ("value", "text", "fills", "aliases")
BRANCH_KEYS = ("if", "go")


class _Reader:
    """Walks one parsed file; each helper returns a typed value or None after adding a problem."""

    def __init__(
        self, src: Source, problems: Problems, slot_types: SlotTypeCatalog | None = None
    ) -> None:
        self.src = src
        self.problems = problems
        self.slot_types = slot_types

    def check_keys(self, mapping: Any, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if str(key) not in allowed:
                hint = did_you_mean(str(key), allowed) or "allowed here: " + ", ".join(allowed)
                self.problems.add(
                    self.src.at_key(mapping, key), f"unknown key `{key}` in {what}", hint
                )

    def string(self, mapping: Any, key: str, what: str) -> str | None:
        value = mapping.get(key)
        pos = self.src.at_value(mapping, key)
        if isinstance(value, bool) or value is None or is_mapping(value) or is_list(value):
            self.problems.add(pos, f"`{key}` of {what} must be a single word or text")
            return None
        return str(value).strip()

    def text_ref(self, mapping: Any, key: str, what: str) -> TextRef | None:
        value = self.string(mapping, key, what)
        if value is None:
            return None
        pos = self.src.at_value(mapping, key)
        if not KEY.match(value):
            self.problems.add(
                pos,
                f"`{value}` is not a text key; {what} needs the name of a text from locales/",
                "write a key like `menu.question`; the sentence goes in locales/it and locales/en",
            )
            return None
        return TextRef(value, pos)

    def target(self, mapping: Any, key: str, what: str) -> Target | None:
        value = self.string(mapping, key, what)
        if value is None:
            return None
        pos = self.src.at_value(mapping, key)
        if not TARGET.match(value):
            self.problems.add(
                pos,
                f"`{value}` is not a state name",
                "state names use lowercase letters, digits and _, like `ask_budget` "
                "(or `dialog.state` for another dialog)",
            )
            return None
        return Target(value, pos)


def read_dialog(
    src: Source, problems: Problems, default_id: str, slot_types: SlotTypeCatalog | None = None
) -> Dialog | None:
    """One dialog file; ``slot_types`` are the answer types an ``ask:`` may name (None: any
    name is read unchecked, and ``options:`` are read wherever they are written)."""
    r = _Reader(src, problems, slot_types)
    data = src.data
    if not is_mapping(data):
        problems.add(
            src.top(),
            "a dialog file must start with `start:` and `states:`",
            "see dialogs/README.md for a complete example",
        )
        return None
    r.check_keys(data, DIALOG_KEYS, "the dialog")
    dialog_id = default_id
    if "id" in data:
        dialog_id = r.string(data, "id", "the dialog") or default_id
    if not NAME.match(dialog_id):
        problems.add(
            src.at_value(data, "id") if "id" in data else src.top(),
            f"`{dialog_id}` cannot be a dialog id",
            "use lowercase letters, digits and _ (and name the file the same way)",
        )
    start = r.target(data, "start", "the dialog") if "start" in data else None
    if "start" not in data:
        problems.add(src.top(), "the dialog has no `start:`", "add `start: <first state>`")
    menu = r.target(data, "menu", "the dialog") if "menu" in data else None
    give_up = r.target(data, "give_up", "the dialog") if "give_up" in data else None
    states: dict[str, StateSpec] = {}
    raw_states = data.get("states")
    if not is_mapping(raw_states) or not raw_states:
        pos = src.at_key(data, "states") if "states" in data else src.top()
        problems.add(
            pos, "the dialog has no states", "add `states:` with at least one state below it"
        )
    else:
        for name, body in raw_states.items():
            state = read_state(r, raw_states, str(name), body)
            if state is not None:
                states[state.name] = state
    capture = read_capture(r, data) if "capture" in data else None
    if start is None:
        return None
    return Dialog(
        dialog_id, src.name, src.top(), start, menu, states, give_up=give_up, capture=capture
    )


def _slot_names(r: _Reader, body: Any, what: str) -> list[tuple[str, Pos]]:
    """``slots:`` of ``what``: a list of slot names (a single name is a list of one)."""
    src, problems = r.src, r.problems
    raw = body.get("slots")
    items = list(raw) if is_list(raw) else [raw]
    found: list[tuple[str, Pos]] = []
    for i, item in enumerate(items):
        pos = src.at_item(raw, i) if is_list(raw) else src.at_value(body, "slots")
        if isinstance(item, str) and NAME.match(item.strip()):
            if item.strip() not in (name for name, _ in found):
                found.append((item.strip(), pos))
        else:
            problems.add(
                pos,
                f"`slots` of {what} must name slots",
                "write the slot names in square brackets, like `slots: [email, phone]`",
            )
    return found


def read_capture(r: _Reader, data: Any) -> CaptureSpec | None:
    """The dialog's ``capture:``: ``slots:`` kept from any step, ``then:`` the state offered."""
    src, problems = r.src, r.problems
    raw = data["capture"]
    pos = src.at_key(data, "capture")
    what = "`capture`"
    if not is_mapping(raw) or "slots" not in raw or "then" not in raw:
        problems.add(
            pos,
            f"{what} needs `slots:` and `then:`",
            "write `slots: [email, phone, name]` and `then: <state offering the form>`",
        )
        return None
    r.check_keys(raw, CAPTURE_KEYS, what)
    slots = _slot_names(r, raw, what)
    then = r.target(raw, "then", what)
    if not slots or then is None:
        return None
    return CaptureSpec(tuple(slots), then, pos)


def read_updates(r: _Reader, body: Any, what: str) -> UpdateSpec | None:
    """A state's ``updates:``: the ``slots:`` a typed value may change, ``then:`` where to go
    after, ``which:`` (optional) where to ask which one."""
    src, problems = r.src, r.problems
    raw = body["updates"]
    pos = src.at_key(body, "updates")
    if not is_mapping(raw) or "slots" not in raw or "then" not in raw:
        problems.add(
            pos,
            f"`updates` of {what} needs `slots:` and `then:`",
            "write `slots: [budget, platform]` and `then: <state that uses them>`",
        )
        return None
    r.check_keys(raw, UPDATES_KEYS, f"`updates` of {what}")
    slots = _slot_names(r, raw, f"`updates` of {what}")
    then = r.target(raw, "then", f"`updates` of {what}")
    which = r.target(raw, "which", f"`updates` of {what}") if "which" in raw else None
    if not slots or then is None:
        return None
    return UpdateSpec(
        tuple(name for name, _ in slots), then, pos, which, tuple(p for _, p in slots)
    )


def read_state(r: _Reader, parent: Any, name: str, body: Any) -> StateSpec | None:
    src, problems = r.src, r.problems
    pos = src.at_key(parent, name)
    if not NAME.match(name):
        problems.add(
            pos,
            f"`{name}` cannot be a state name",
            "use lowercase letters, digits and _, like `ask_budget`",
        )
        return None
    if not is_mapping(body):
        problems.add(
            pos,
            f"state `{name}` is empty or not a block of keys",
            "give it at least `say:` and a way to move on (`buttons:`, `ask:` or `next:`)",
        )
        return None
    what = f"state `{name}`"
    r.check_keys(body, STATE_KEYS, what)
    say: list[TextRef] = []
    if "say" in body:
        raw = body["say"]
        if is_list(raw):
            for i, item in enumerate(raw):
                ipos = src.at_item(raw, i)
                if isinstance(item, str) and KEY.match(item.strip()):
                    say.append(TextRef(item.strip(), ipos))
                else:
                    problems.add(
                        ipos,
                        f"each line of `say` in {what} must be a text key",
                        "write a key like `menu.question`; the words go in locales/",
                    )
        else:
            ref = r.text_ref(body, "say", what)
            if ref:
                say.append(ref)
    buttons: list[ButtonSpec] = []
    id_places: list[tuple[Pos, int]] = []  # each button's id: where written, button number
    if "buttons" in body:
        raw = body["buttons"]
        if not is_list(raw) or not raw:
            problems.add(
                src.at_value(body, "buttons"),
                f"`buttons` of {what} must be a list",
                "write each button on its own line starting with `- text:`",
            )
        else:
            for i, item in enumerate(raw):
                bpos = src.at_item(raw, i)
                if not is_mapping(item):
                    problems.add(bpos, f"button {i + 1} of {what} needs `text:` and `go:`")
                    continue
                r.check_keys(item, BUTTON_KEYS, f"a button of {what}")
                text = r.text_ref(item, "text", "a button") if "text" in item else None
                go = r.target(item, "go", "a button") if "go" in item else None
                if "text" not in item:
                    problems.add(bpos, f"button {i + 1} of {what} has no `text:`")
                if "go" not in item:
                    problems.add(
                        bpos,
                        f"button {i + 1} of {what} has no `go:`",
                        "add `go: <state>` to say where the button leads",
                    )
                means = read_means(r, item, what) if "means" in item else None
                own_id = read_button_id(r, item, i, what) if "id" in item else None
                if text and go:
                    buttons.append(ButtonSpec(text, go, bpos, means=means, id=own_id))
                    id_places.append((src.at_value(item, "id") if own_id else bpos, i + 1))
    check_button_ids(r, buttons, id_places, what)
    ask = read_ask(r, body, what) if "ask" in body else None
    next_ = r.target(body, "next", what) if "next" in body else None
    give_up = r.target(body, "on_give_up", what) if "on_give_up" in body else None
    when: list[Branch] = []
    if "when" in body:
        raw = body["when"]
        if not is_list(raw) or not raw:
            problems.add(
                src.at_value(body, "when"), f"`when` of {what} must be a list of `- if: … go: …`"
            )
        else:
            for i, item in enumerate(raw):
                bpos = src.at_item(raw, i)
                if not is_mapping(item) or "go" not in item:
                    problems.add(
                        bpos,
                        f"line {i + 1} of `when` in {what} needs `go:`",
                        "write `- if: <condition>` and `go: <state>` (the last line may omit `if`)",
                    )
                    continue
                r.check_keys(item, BRANCH_KEYS, f"`when` of {what}")
                cond = r.string(item, "if", "a condition") if "if" in item else None
                go = r.target(item, "go", "a condition")
                if go:
                    when.append(Branch(cond, go, bpos))
    actions: list[tuple[str, Pos]] = []
    if "do" in body:
        raw = body["do"]
        items = list(raw) if is_list(raw) else [raw]
        for i, item in enumerate(items):
            apos = src.at_item(raw, i) if is_list(raw) else src.at_value(body, "do")
            if isinstance(item, str) and NAME.match(item.strip()):
                actions.append((item.strip(), apos))
            else:
                problems.add(apos, f"`do` of {what} must name an action, like `save_lead`")
    forget: list[tuple[str, Pos]] = []
    if "forget" in body:
        raw = body["forget"]
        items = list(raw) if is_list(raw) else [raw]
        for i, item in enumerate(items):
            fpos = src.at_item(raw, i) if is_list(raw) else src.at_value(body, "forget")
            if isinstance(item, str) and NAME.match(item.strip()):
                forget.append((item.strip(), fpos))
            else:
                problems.add(
                    fpos,
                    f"`forget` of {what} must name slots",
                    "write the slot names in square brackets, like `forget: [budget, platform]`",
                )
    if next_ and when:
        problems.add(
            src.at_key(body, "when"),
            f"{what} has both `next` and `when`",
            "keep one: `next` always goes to one state, `when` chooses by condition",
        )
    updates = read_updates(r, body, what) if "updates" in body else None
    if updates is not None and not buttons:
        problems.add(
            updates.pos,
            f"`updates` of {what} needs a state with `buttons:`",
            "put `updates:` under the step that shows the result and its buttons",
        )
        updates = None
    seen_means: dict[str, int] = {}
    for index, button in enumerate(buttons):
        if button.means is None:
            continue
        if button.means in seen_means:
            problems.add(
                button.pos,
                f"two buttons of {what} say `means: {button.means}`",
                f"keep it on one button only (button {seen_means[button.means] + 1} has it)",
            )
        seen_means.setdefault(button.means, index)
    returns: bool | None = None
    if "return" in body:
        if not isinstance(body["return"], bool):
            problems.add(src.at_value(body, "return"), "`return` must be yes/no (true or false)")
        else:
            returns = bool(body["return"])
    separate = False
    if "separate" in body:
        if not isinstance(body["separate"], bool):
            problems.add(
                src.at_value(body, "separate"),
                "`separate` must be yes/no (true or false)",
                "write `separate: true` to send this state's first text as a message of its own",
            )
        else:
            separate = bool(body["separate"])
    return StateSpec(
        returns=returns,
        separate=separate,
        name=name,
        pos=pos,
        say=tuple(say),
        buttons=tuple(buttons),
        ask=ask,
        next=next_,
        when=tuple(when),
        do=tuple(actions),
        on_give_up=give_up,
        forget=tuple(forget),
        updates=updates,
    )


def read_button_id(r: _Reader, item: Any, index: int, what: str) -> str | None:
    """A button's ``id:``: a short name of lowercase letters, digits and _ (``ID``)."""
    raw = item["id"]
    value = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not ID.match(value):
        r.problems.add(
            r.src.at_value(item, "id"),
            f"`id: {raw}` of button {index + 1} of {what} is not a button id",
            "use at most 32 lowercase letters, digits and _, like `id: rules`",
        )
        return None
    return value


def check_button_ids(
    r: _Reader, buttons: list[ButtonSpec], places: list[tuple[Pos, int]], what: str
) -> None:
    """Each button of a state has its own stable id (``id:``, else its text key), and no two
    ids share the short digest a keyboard carries: else a tap could press the wrong one.
    ``places``: where each button's id is written (its ``id:``, else the button) and the
    button's number in the state."""
    by_id: dict[str, int] = {}
    by_digest: dict[str, tuple[int, str]] = {}
    for button, (pos, number) in zip(buttons, places, strict=True):
        ident = button.stable_id
        if ident in by_id:
            first = by_id[ident]
            if button.id is None:  # the same text key twice
                message = f"buttons {first} and {number} of {what} both show `{ident}`"
                fix = "give one of them its own `id:` (lowercase letters, digits and _), like "
                fix += f"`id: {ident.rsplit('.', 1)[-1]}_{number}`, or another text"
            else:
                message = f"buttons {first} and {number} of {what} both have `id: {ident}`"
                fix = f"give button {number} another `id:`, like `id: {ident}_{number}`"
            r.problems.add(pos, f"{message}: a tap could not tell them apart", fix)
            continue
        by_id[ident] = number
        digest = tap_digest(ident)
        if digest in by_digest:
            first, other = by_digest[digest]
            r.problems.add(
                pos,
                f"the bot cannot tell buttons {first} and {number} of {what} apart "
                f"(`{other}` and `{ident}` have the same short code)",
                "give one of them another `id:`, like `id: rules_2`",
            )
            continue
        by_digest[digest] = (number, ident)


def check_option_ids(r: _Reader, options: list[Option], what: str) -> None:
    """No two options of a question share the short digest of their value that a keyboard
    carries (the same value twice is ``validate``'s "listed twice")."""
    by_digest: dict[str, Option] = {}
    for option in options:
        digest = tap_digest(option.stable_id)
        first = by_digest.get(digest)
        if first is not None and first.stable_id != option.stable_id:
            r.problems.add(
                option.pos,
                f"the bot cannot tell the options `{first.value}` and `{option.value}` of {what} "
                "apart (their values have the same short code)",
                f"change the value `{option.value}` a little, like `{option.value}_2`",
            )
            continue
        by_digest.setdefault(digest, option)


def read_means(r: _Reader, item: Any, what: str) -> str | None:
    """A button's ``means:``: ``yes`` or ``no``, the typed answer that presses it."""
    raw = item["means"]
    # YAML reads a bare yes / no as true / false
    value = {True: "yes", False: "no"}.get(raw, raw) if isinstance(raw, bool) else raw
    if not isinstance(value, str) or value.strip().lower() not in YES_NO:
        r.problems.add(
            r.src.at_value(item, "means"),
            f"`means: {raw}` of a button of {what} must be `yes` or `no`",
            "write `means: yes` on the go-ahead button, `means: no` on the not-now one",
        )
        return None
    return value.strip().lower()


def read_ask(r: _Reader, body: Any, what: str) -> AskSpec | None:
    src, problems = r.src, r.problems
    raw = body["ask"]
    apos = src.at_key(body, "ask")
    if not is_mapping(raw):
        problems.add(apos, f"`ask` of {what} needs `slot:` and `type:`")
        return None
    r.check_keys(raw, ASK_KEYS, f"`ask` of {what}")
    slot = r.string(raw, "slot", "`ask`") if "slot" in raw else None
    if "slot" not in raw:
        problems.add(
            apos,
            f"`ask` of {what} has no `slot:`",
            "add `slot: <name>` to say where the answer is kept",
        )
    elif slot and not NAME.match(slot):
        problems.add(
            src.at_value(raw, "slot"),
            f"`{slot}` cannot be a slot name",
            "use lowercase letters, digits and _, like `budget`",
        )
        slot = None
    kind = r.string(raw, "type", "`ask`") if "type" in raw else "text"
    types = r.slot_types
    if types is not None and kind not in types.names():
        problems.add(
            src.at_value(raw, "type"), f"unknown answer type `{kind}`", types.suggestion(str(kind))
        )
        kind = None
    retry = r.text_ref(raw, "retry", "`retry`") if "retry" in raw else None
    tries = 3
    if "tries" in raw:
        value = raw["tries"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            problems.add(src.at_value(raw, "tries"), "`tries` must be a whole number from 1 to 10")
        else:
            tries = int(value)
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in bounds:
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.add(src.at_value(raw, key), f"`{key}` must be a number")
            else:
                bounds[key] = float(value)
    options: list[Option] = []
    takes_options = (
        kind is not None and types.takes_options(kind) if types is not None else "options" in raw
    )
    if takes_options:
        opts = raw.get("options")
        if not is_list(opts) or not opts:
            problems.add(
                apos,
                f"a `{kind}` question in {what} needs `options:`",
                "list them as `- value: instagram` + `text: platforms.instagram`",
            )
        else:
            taken = {
                _folded(str(o.get("value"))): str(o.get("value")) for o in opts if is_mapping(o)
            }
            for i, item in enumerate(opts):
                opos = src.at_item(opts, i)
                if not is_mapping(item) or "value" not in item or "text" not in item:
                    problems.add(opos, f"option {i + 1} of {what} needs `value:` and `text:`")
                    continue
                r.check_keys(item, OPTION_KEYS, f"an option of {what}")
                value = r.string(item, "value", "an option")
                text = r.text_ref(item, "text", "an option")
                fills = r.string(item, "fills", "an option") if "fills" in item else None
                if fills is not None and not NAME.match(fills):
                    problems.add(
                        src.at_value(item, "fills"),
                        f"`fills: {fills}` must name a slot",
                        "write the slot of the question this option leads to, like `fills: email`",
                    )
                    fills = None
                aliases = read_aliases(r, item, what, taken) if "aliases" in item else ()
                if value and text:
                    fpos = src.at_value(item, "fills") if fills else None
                    options.append(
                        Option(value, text, opos, fills=fills, fills_pos=fpos, aliases=aliases)
                    )
    elif "options" in raw:
        problems.add(src.at_key(raw, "options"), "`options` only make sense with `type: choice`")
    check_option_ids(r, options, what)
    per = read_per(r, raw, kind, what) if "per" in raw else None
    unsure = r.text_ref(raw, "unsure", "`unsure`") if "unsure" in raw else None
    suggest = read_suggest(r, raw, kind, what) if "suggest" in raw else None
    checks = read_checks(r, raw, what) if "checks" in raw else ()
    if slot is None or kind is None:
        return None
    return AskSpec(
        slot=slot,
        type=kind,
        pos=apos,
        retry=retry,
        tries=tries,
        options=tuple(options),
        minimum=bounds["min"],
        maximum=bounds["max"],
        per=per,
        unsure=unsure,
        suggest=suggest,
        suggest_pos=src.at_value(raw, "suggest") if suggest is not None else None,
        checks=checks,
    )


def read_checks(r: _Reader, raw: Any, what: str) -> tuple[Check, ...]:
    """``checks:``, answers refused with a word of why: a list of ``- if: value > 1000000``
    + ``say: projection.budget_too_big``."""
    src, problems = r.src, r.problems
    items = raw["checks"]
    if not is_list(items) or not items:
        problems.add(
            src.at_key(raw, "checks"),
            f"`checks` of {what} must be a list",
            "write each check as `- if: value > 100` with `say: <text key>` under it",
        )
        return ()
    checks: list[Check] = []
    for i, item in enumerate(items):
        pos = src.at_item(items, i)
        if not is_mapping(item) or "if" not in item or "say" not in item:
            problems.add(
                pos,
                f"check {i + 1} of {what} needs `if:` and `say:`",
                "write it as `- if: value > 100` with `say: <text key>` under it",
            )
            continue
        r.check_keys(item, CHECK_KEYS, f"a check of {what}")
        condition = item["if"]
        if isinstance(condition, bool) or not isinstance(condition, (str, int, float)):
            problems.add(src.at_value(item, "if"), "`if` must be a condition like `value > 100`")
            continue
        say = r.text_ref(item, "say", "a check")
        if say is not None:
            checks.append(Check(str(condition), say, src.at_value(item, "if")))
    return tuple(checks)


def read_suggest(r: _Reader, raw: Any, kind: str | None, what: str) -> str | None:
    """``suggest:``, the value offered to a prospect who does not know: a number, or an
    expression of the slots (``current_followers * 2``, checked with the texts' values)."""
    src, problems = r.src, r.problems
    value = raw["suggest"]
    types = r.slot_types
    if kind is not None and types is not None and not types.suggests(kind):
        problems.add(
            src.at_key(raw, "suggest"),
            f"`suggest` in {what} only makes sense for a number, an amount of money or a choice",
            "remove `suggest:`, or ask `type: number`, `type: money` or `type: choice` "
            f"instead of `{kind}`",
        )
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, str))
        or not str(value).strip()
    ):
        problems.add(
            src.at_value(raw, "suggest"),
            f"`suggest` in {what} must be a number or an expression",
            "write it like `suggest: 3`, `suggest: current_followers * 2` or, for a choice, "
            "`suggest: platform`",
        )
        return None
    return str(value).strip()


def _folded(word: str) -> str:
    return " ".join(fold_accents(word.strip().lower()).split())


def read_aliases(r: _Reader, item: Any, what: str, taken: dict[str, str]) -> tuple[str, ...]:
    """An option's ``aliases:`` (a word or a list of words); ``taken`` maps the words already
    answering an option of the same question (values, earlier aliases) to that option."""
    src, problems = r.src, r.problems
    raw = item["aliases"]
    value = str(item.get("value"))
    items = list(raw) if is_list(raw) else [raw]
    found: list[str] = []
    for i, alias in enumerate(items):
        pos = src.at_item(raw, i) if is_list(raw) else src.at_value(item, "aliases")
        if isinstance(alias, bool) or not isinstance(alias, (str, int)) or not str(alias).strip():
            problems.add(
                pos,
                f"every alias of the option `{value}` in {what} must be a word",
                "list them in square brackets, like `aliases: [ig, insta]`",
            )
            continue
        key = _folded(str(alias))
        owner = taken.get(key)
        if owner is not None and owner != value:
            problems.add(
                pos,
                f"`{alias}` would answer two options of {what}: `{owner}` and `{value}`",
                f"keep it under one option only (it already means `{owner}`)",
            )
            continue
        taken[key] = value
        found.append(str(alias).strip())
    return tuple(found)


def read_per(r: _Reader, raw: Any, kind: str | None, what: str) -> str | None:
    """``per:``, the period a number or money question counts in; one of ``PERIODS``."""
    src, problems = r.src, r.problems
    per = raw["per"]
    pos = src.at_value(raw, "per")
    types = r.slot_types
    if kind is not None and types is not None and not types.takes_period(kind):
        problems.add(
            src.at_key(raw, "per"),
            f"`per` in {what} only makes sense for a number or an amount of money",
            f"remove `per:`, or ask `type: number` or `type: money` instead of `{kind}`",
        )
        return None
    if not isinstance(per, str) or per.strip() not in PERIODS:
        allowed = ", ".join(PERIODS)
        hint = did_you_mean(str(per), PERIODS) if isinstance(per, str) else None
        problems.add(
            pos,
            f"`per: {per}` in {what} is not a period",
            (hint + "; " if hint else "") + f"use one of: {allowed}",
        )
        return None
    return per.strip()
