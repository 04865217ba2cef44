"""The checks behind ``python -m bot validate``: everything that would go wrong in a chat.

Each check adds located problems in plain words. They run after loading, on the typed model, so
they can look across files: a button in one dialog, a text in two languages, an intent's answer.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jinja2 import TemplateSyntaxError

from bot.base.problems import Pos, Problems, closest, did_you_mean
from bot.base.yamlpos import offset_in
from bot.content.catalog import ActionCatalog, SlotTypeCatalog
from bot.content.model import MOVES, Content, LocaleText, StateSpec, Target, TextRef
from bot.content.placeholders import MARKER, contains_marker
from bot.content.sandbox import MAX_SOURCE
from bot.content.telegram_html import html_problems_at, label_problem
from bot.content.templates import Renderer

# Texts the engine itself says; every language must have them.
BUILTIN_TEXTS = (
    "common.help",
    "common.not_understood",
    "common.stale_button",
    "common.button_gone",
    "common.give_up",
    "common.lang_switched",
    "common.back_to_flow",
    "common.restarted",
    "common.unsupported",
    "common.yes",
    "common.no",
    "common.delete_confirm",
    "common.delete_yes",
    "common.deleted",
    "common.delete_cancelled",
    "common.forwarded_command",
    "common.flow_changed",
    "common.ack.thanks",
    "common.ack.ok",
    "common.left",
    "common.no_back",
    "common.you_said",
    "common.corrected",
    *(f"handover.{k}" for k in ("from_team", "closed", "timed_out", "left", "queued")),
    "telegram.group_notice",
    "telegram.flood",
    *(
        f"telegram.commands.{c}"
        for c in ("start", "menu", "help", "lang", "restart", "privacy", "delete")
    ),
)  # and, once a question asks a type, that type's texts (``_check_type_texts``)
# Values every template may use without a state providing them.
BUILTIN_VALUES = {"first_name", "lang", "tries_left", "source", "bot_username", "previous"}
# set by the engine for `human.waiting` when a person has taken over the chat (core.relay)
BUILTIN_VALUES |= {"relayed"}
# Texts a declaration makes the bot say: ``capture:`` the details it kept (``{{ captured }}``),
# ``updates:`` with ``which:`` a value that could change several answers (``{{ update_value }}``)
CAPTURE_TEXT, UPDATE_WHICH_TEXT = "common.captured", "common.update_which"
SUGGEST_CHOICE_TEXT = "common.suggest.choice"  # the label of a choice's suggested option
BUILTIN_VALUES |= {"captured", "update_value"}
# set by the engine for some texts: the greeting the prospect opened with ("morning"…), the
# value a question suggests to an unsure prospect, and whether the prospect is at the menu
BUILTIN_VALUES |= {"greeting_said", "suggested", "at_menu"}
# an earlier answer corrected at a later question (``core.amends``): its value and its name
BUILTIN_VALUES |= {"corrected", "corrected_name"}
# the answer a question's `checks:` refused, in the text that says why
BUILTIN_VALUES |= {"value"}


def validate(
    content: Content, problems: Problems, actions: ActionCatalog, slot_types: SlotTypeCatalog
) -> None:
    """Add every problem found in ``content`` to ``problems``; ``actions`` are the known ones,
    ``slot_types`` the answer types questions may have."""
    _check_targets(content, problems)
    _check_states(content, problems, actions, slot_types)
    _check_option_fills(content, problems, slot_types)
    _check_capture(content, problems, slot_types)
    _check_reachable(content, problems)
    provided = _slots_and_values(content, actions) | slot_types.values()
    named = _named_values(content, actions)
    _check_texts(content, problems, provided, named=named)
    _check_type_texts(content, problems, slot_types)
    _check_conditions(content, problems, provided, named)
    _check_checks_agree(content, problems)
    _check_suggestions(content, problems, provided)
    _check_intents(content, problems)
    _check_labels(content, problems)
    _check_costs(content, problems, actions)


def _check_labels(content: Content, problems: Problems) -> None:
    """A warning for each button or option label a phone would cut short, once per text and
    language (``telegram_html.label_problem``)."""
    keys = {ref.key for ref in _button_refs(content)}
    for lang in _languages(content):
        texts = content.texts.get(lang, {})
        for key in sorted(keys & set(texts)):
            found = label_problem(texts[key].source)
            if found is not None:
                what, fix = found
                problems.add(texts[key].pos, f"the button label `{key}` {what}", fix, "warning")


def _button_refs(content: Content) -> Iterable[TextRef]:
    """The texts shown on buttons: the states' buttons and the questions' options."""
    for _dialog, state in _all_states(content):
        for button in state.buttons:
            yield button.text
        if state.ask is not None:
            for option in state.ask.options:
                yield option.text


def _languages(content: Content) -> tuple[str, ...]:
    """The languages whose texts were read: one without its ``locales/<code>`` folder is
    reported once by the loader, not once per text."""
    return tuple(code for code in content.languages.codes if code in content.texts)


def _all_states(content: Content) -> Iterable[tuple[str, StateSpec]]:
    for dialog in content.dialogs.values():
        for state in dialog.states.values():
            yield dialog.id, state


def _resolve(
    content: Content, dialog: str, target: Target, problems: Problems, what: str
) -> tuple[str, str] | None:
    if target.move is not None:  # "back" / "resume": a place in the prospect's conversation
        return None
    other, state = target.resolve(dialog)
    # the names as they must be written here: `budget_check.ask_budget` from another dialog
    meant = [f"`{_written(dialog, target, m)}`" for m in _meant(content, dialog, target)]
    hint = f"did you mean {' or '.join(meant)}?" if meant else None
    if other not in content.dialogs:
        problems.add(
            target.pos,
            f"{what} leads to the dialog `{other}`, which does not exist",
            hint or did_you_mean(other, content.dialogs),
        )
        return None
    if state not in content.dialogs[other].states:
        problems.add(
            target.pos,
            f"{what} leads to `{target.ref}`, but there is no such state",
            hint or _states_hint(content, other, target),
        )
        return None
    return other, state


def _states_hint(content: Content, dialog: str, target: Target) -> str:
    """What to check when no state name is close to ``target``: the dialog's states, when few."""
    names = list(content.dialogs[dialog].states)
    if "." in target.ref and len(names) <= 10:
        return f"the dialog `{dialog}` has " + ", ".join(f"`{n}`" for n in names)
    return (
        "check the spelling against the state names (a state of another dialog is written "
        "with the dialog's name: `main.menu`)"
    )


def _meant(content: Content, dialog: str, target: Target) -> list[tuple[str, str]]:
    """The states a ``target`` leading nowhere most probably meant (a typo in its dialog or in
    its state; a state of another dialog written without the dialog's name): one, several
    equally close (``ask_budget`` in two other dialogs), or none when no name is close."""
    other, state = target.resolve(dialog)
    if "." in target.ref:
        if other in content.dialogs:
            found = closest(state, content.dialogs[other].states)
            return [(other, found)] if found is not None else []
        names = {f"{d.id}.{s}": (d.id, s) for d in content.dialogs.values() for s in d.states}
        found = closest(target.ref, names)
        return [names[found]] if found is not None else []
    found = closest(state, (s for d in content.dialogs.values() for s in d.states))
    if found is None:
        return []
    if dialog in content.dialogs and found in content.dialogs[dialog].states:
        return [(dialog, found)]
    return [(d.id, found) for d in content.dialogs.values() if found in d.states]


def _written(dialog: str, target: Target, meant: tuple[str, str]) -> str:
    """How ``meant`` is written in ``dialog``, as ``target`` was: with the dialog's name when
    it is another dialog's state, or when ``target`` had one."""
    if meant[0] == dialog and "." not in target.ref:
        return meant[1]
    return f"{meant[0]}.{meant[1]}"


def _unresolved(content: Content) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """Each target leading to no state: the dialog it names (None when it names none, or no
    such dialog: it may have meant any) and the state it most probably meant (None when no
    name is close)."""
    found: list[tuple[str | None, list[tuple[str, str]]]] = []
    for dialog in content.dialogs.values():
        targets = [t for t in (dialog.start, dialog.menu, dialog.give_up) if t is not None]
        if dialog.capture is not None:
            targets.append(dialog.capture.then)
        for state in dialog.states.values():
            targets += state.moves()
        for target in targets:
            if target.move is not None or content.state(*target.resolve(dialog.id)) is not None:
                continue
            named = target.resolve(dialog.id)[0] if "." in target.ref else None
            found.append(
                (named if named in content.dialogs else None, _meant(content, dialog.id, target))
            )
    return found


def _check_targets(content: Content, problems: Problems) -> None:
    for dialog in content.dialogs.values():
        for key, fixed in (
            ("start", dialog.start),
            ("menu", dialog.menu),
            ("give_up", dialog.give_up),
        ):
            if fixed is None:
                continue
            if fixed.move is not None:
                problems.add(
                    fixed.pos,
                    f"`{key}` of the dialog cannot be `{fixed.ref}`",
                    f"name a state; `{fixed.ref}` is only for buttons and moves inside states",
                )
                continue
            _resolve(content, dialog.id, fixed, problems, f"`{key}`")
        for name in dialog.states:
            if name in MOVES:
                problems.add(
                    dialog.states[name].pos,
                    f"`{name}` cannot be a state name: `go: {name}` means "
                    + (
                        "the previous question"
                        if name == "back"
                        else "the question left unfinished"
                    ),
                    f"call the state something else, like `{name}_step`",
                )
        for state in dialog.states.values():
            for button in state.buttons:
                _resolve(content, dialog.id, button.go, problems, "a button")
            for branch in state.when:
                _resolve(content, dialog.id, branch.go, problems, "a `when` line")
            if state.next is not None:
                _resolve(content, dialog.id, state.next, problems, "`next`")
            if state.on_give_up is not None:
                _resolve(content, dialog.id, state.on_give_up, problems, "`on_give_up`")
            if state.updates is not None:
                _resolve(content, dialog.id, state.updates.then, problems, "`updates: then:`")
                if state.updates.which is not None:
                    _resolve(content, dialog.id, state.updates.which, problems, "`updates: which:`")
        if dialog.capture is not None:
            _resolve(content, dialog.id, dialog.capture.then, problems, "`capture: then:`")


def _check_states(
    content: Content, problems: Problems, actions: ActionCatalog, slot_types: SlotTypeCatalog
) -> None:
    asked_as: dict[str, tuple[str, Pos]] = {}
    asked = {s.ask.slot for _d, s in _all_states(content) if s.ask is not None}
    for _dialog, state in _all_states(content):
        where = f"state `{state.name}`"
        if not state.waits and state.next is None and not state.when:
            problems.add(
                state.pos,
                f"the conversation stops dead at {where}",
                "add `buttons:`, an `ask:`, or `next: <state>` so the prospect can go on",
            )
        if state.waits and not state.say:
            problems.add(
                state.pos,
                f"{where} waits for an answer but says nothing",
                "add `say: <text key>` with the question",
            )
        if (
            state.buttons
            and state.ask is not None
            and not slot_types.accepts_buttons(state.ask.type)
        ):
            problems.add(
                state.pos,
                f"{where} has both `buttons` and a {state.ask.type} question",
                "keep one: the question's options already become buttons",
            )
        if (
            state.waits
            and state.buttons
            and (state.next is not None or state.when)
            and not state.ask
        ):
            key = "next" if state.next is not None else "when"
            problems.add(
                state.pos,
                f"{where} has buttons and `{key}`, so `{key}` is never used",
                "remove it: the buttons say where to go",
            )
        if state.ask is not None and state.next is None and not state.when:
            problems.add(
                state.ask.pos,
                f"{where} asks a question but says nowhere to go after it",
                "add `next: <state>` (or `when:`) for after a good answer",
            )
        if state.when and state.when[-1].condition is not None:
            problems.add(
                state.when[-1].pos,
                f"in {where}, if no condition holds the prospect is stuck",
                "add a last line with only `- go: <state>` for every other case",
                severity="warning",
            )
        for name, pos in state.do:
            if actions.get(name) is None:
                problems.add(pos, f"unknown action `{name}`", actions.suggestion(name))
        for name, pos in state.forget:
            if name not in asked and name not in actions.provided():
                problems.add(
                    pos,
                    f"`forget` of {where} names `{name}`, which no question asks",
                    did_you_mean(name, asked) or "name a slot that an `ask:` fills",
                    severity="warning",
                )
        if state.ask is not None:
            seen: dict[str, Pos] = {}
            for option in state.ask.options:
                if option.value in seen:
                    problems.add(
                        option.pos,
                        f"the option `{option.value}` is listed twice",
                        f"the first one is at line {seen[option.value].line}",
                    )
                seen[option.value] = option.pos
            previous = asked_as.get(state.ask.slot)
            if previous and previous[0] != state.ask.type:
                problems.add(
                    state.ask.pos,
                    f"the slot `{state.ask.slot}` is asked as "
                    f"{state.ask.type} here but as {previous[0]} at {previous[1]}",
                    "use one type for one slot, or give this one another name",
                )
            asked_as.setdefault(state.ask.slot, (state.ask.type, state.ask.pos))


def _check_option_fills(content: Content, problems: Problems, slot_types: SlotTypeCatalog) -> None:
    """``fills:`` of a choice's option names a slot a question of the same dialog asks, and one
    whose answers are recognisable (an email, a phone number, a number), not free text."""
    for dialog in content.dialogs.values():
        asks = {s.ask.slot: s for s in dialog.states.values() if s.ask is not None}
        for state in dialog.states.values():
            for option in state.ask.options if state.ask is not None else ():
                if option.fills is None or option.fills_pos is None:
                    continue
                asking = asks.get(option.fills)
                if asking is None or asking.ask is None:
                    problems.add(
                        option.fills_pos,
                        f"`fills: {option.fills}`: no question in dialog `{dialog.id}` asks "
                        f"the slot `{option.fills}`",
                        did_you_mean(option.fills, asks)
                        or "name the `slot:` of the question this option leads to",
                    )
                    continue
                kind = asking.ask.type
                if (
                    slot_types.free_text(kind)
                    or slot_types.takes_options(kind)
                    or not slot_types.accepts_buttons(kind)
                ):
                    problems.add(
                        option.fills_pos,
                        f"`fills: {option.fills}`: the state `{asking.name}` asks it as "
                        f"{kind}, and a {kind} answer can't be told apart from other answers",
                        "use `fills:` only for slots asked as email, phone, number or money",
                    )


def _check_capture(content: Content, problems: Problems, slot_types: SlotTypeCatalog) -> None:
    """``capture:`` names slots some question asks, as a type whose values can be picked out of
    any message (email, phone, a name introduced as one), each slot in one dialog only; a
    state's ``updates:`` names slots some question asks."""
    asks = {s.ask.slot: s.ask for _d, s in _all_states(content) if s.ask is not None}
    spotted = [n for n in slot_types.names() if slot_types.spots(n)]
    captured: dict[str, str] = {}
    reported: set[tuple[str, str]] = set()
    for dialog in content.dialogs.values():
        if dialog.capture is None:
            continue
        for name, pos in dialog.capture.slots:
            ask = asks.get(name)
            if ask is None:
                problems.add(
                    pos,
                    f"`capture` names `{name}`, which no question asks",
                    did_you_mean(name, asks) or "name the `slot:` of a question, like `email`",
                )
                continue
            if not slot_types.spots(ask.type):
                framed = [n for n in spotted if slot_types.free_text(n)]
                hint = "capture only slots asked as " + ", ".join(spotted)
                if slot_types.free_text(ask.type) and framed:
                    # free text is captured only when phrases introduce it ("ho una …")
                    hint += (
                        f"; for free text, ask `{name}` as "
                        + " or ".join(f"`type: {n}`" for n in framed)
                        + ", which knows the phrases that introduce it"
                    )
                problems.add(
                    pos,
                    f"`capture` names `{name}`, asked as {ask.type}: a {ask.type} answer can't "
                    "be picked out of a message about something else",
                    hint,
                )
                continue
            if name in captured and captured[name] != dialog.id:
                problems.add(
                    pos,
                    f"`{name}` is captured by the dialogs `{captured[name]}` and `{dialog.id}`",
                    "keep it in one `capture:` only",
                )
            captured.setdefault(name, dialog.id)
        _need_text(content, problems, CAPTURE_TEXT, dialog.capture.pos, "`capture:`", reported)
    for _dialog, state in _all_states(content):
        if state.updates is None:
            continue
        if state.updates.which is not None:
            why = "`updates: which:`"
            _need_text(content, problems, UPDATE_WHICH_TEXT, state.updates.pos, why, reported)
        positions = state.updates.slot_pos or (state.updates.pos,) * len(state.updates.slots)
        for name, pos in zip(state.updates.slots, positions, strict=False):
            if name not in asks:
                problems.add(
                    pos,
                    f"`updates` of state `{state.name}` names `{name}`, which no question asks",
                    did_you_mean(name, asks) or "name the `slot:` of a question, like `budget`",
                )


def _need_text(
    content: Content,
    problems: Problems,
    key: str,
    pos: Pos,
    why: str,
    reported: set[tuple[str, str]],
) -> None:
    """``key`` is said because of ``why`` (written at ``pos``): missing in a language is an
    error there, once per text and language (``reported``)."""
    for lang in _languages(content):
        if key not in content.texts[lang] and (key, lang) not in reported:
            problems.add(
                pos,
                f"the text `{key}` is missing in locales/{lang}",
                f"add `{key}` to a file in locales/{lang}/: the bot says it because of {why}",
            )
            reported.add((key, lang))


def _check_reachable(content: Content, problems: Problems) -> None:
    if "main" not in content.dialogs:
        return
    roots: list[tuple[str, str]] = []
    main = content.dialogs["main"]
    roots.append(main.start.resolve("main"))
    for dialog in content.dialogs.values():
        for fixed in (dialog.menu, dialog.give_up):
            if fixed is not None and fixed.move is None:
                roots.append(fixed.resolve(dialog.id))
        if dialog.capture is not None and dialog.capture.then.move is None:
            roots.append(dialog.capture.then.resolve(dialog.id))
    intents = content.intents
    for ref in getattr(intents, "answer_refs", lambda: [])():
        if "." in ref:
            d, s = ref.split(".", 1)
            roots.append((d, s))
    # a move leading nowhere is reported where it is written; the states it left unreached
    # only follow from it (one mistake, one message): those it most probably meant are taken
    # as reached, and when it meant none that is close, its dialog's (or all) are not reported
    waiting: set[str | None] = set()
    for named, meant in _unresolved(content):
        if meant:
            roots += meant
        else:
            waiting.add(named)
    seen: set[tuple[str, str]] = set()
    queue = deque(r for r in roots if content.state(*r) is not None)
    while queue:
        key = queue.popleft()
        if key in seen:
            continue
        seen.add(key)
        state = content.state(*key)
        for target in state.moves() if state is not None else ():
            nxt = target.resolve(key[0])
            if content.state(*nxt) is not None and nxt not in seen:
                queue.append(nxt)
    if None in waiting:
        return
    for dialog_id, state in _all_states(content):
        if (dialog_id, state.name) not in seen and dialog_id not in waiting:
            problems.add(
                state.pos,
                f"no button or move ever leads to state `{state.name}`",
                "link it from another state, or delete it",
            )


def _slots_and_values(content: Content, actions: ActionCatalog) -> set[str]:
    names = set(BUILTIN_VALUES) | actions.provided()
    for _dialog, state in _all_states(content):
        if state.ask is not None:
            names.add(state.ask.slot)
    return names


def _refs(content: Content) -> Iterable[TextRef]:
    for _dialog, state in _all_states(content):
        yield from state.say
        for button in state.buttons:
            yield button.text
        if state.ask is not None:
            if state.ask.retry is not None:
                yield state.ask.retry
            if state.ask.unsure is not None:
                yield state.ask.unsure
            for check in state.ask.checks:
                yield check.say
            for option in state.ask.options:
                yield option.text


def _named_values(content: Content, actions: ActionCatalog) -> dict[str, Mapping[str, Any]]:
    """The plug-ins' named values (``limits``, ``agency``…) that are tables of fields, worked
    out from this content, so a field that does not exist is caught before a prospect meets
    it."""
    values = getattr(actions, "values", None)
    if not callable(values):
        return {}
    try:
        found = values(content)
    except Exception:  # a plug-in that cannot work its values out is reported at run time
        return {}
    return {k: v for k, v in found.items() if isinstance(v, Mapping)}


def _check_fields(
    problems: Problems,
    pos: Pos,
    what: str,
    reads: Iterable[tuple[str, str]],
    named: Mapping[str, Mapping[str, Any]],
) -> None:
    for name, field_name in reads:
        table = named.get(name)
        if table is None or field_name in table:
            continue
        problems.add(
            pos,
            f"{what} uses `{name}.{field_name}`, but `{name}` has no `{field_name}`",
            did_you_mean(field_name, table) or f"`{name}` has: " + ", ".join(sorted(table)),
        )


def _check_texts(
    content: Content,
    problems: Problems,
    provided: set[str],
    needed: Iterable[str] = BUILTIN_TEXTS,
    *,
    named: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    renderer = Renderer(languages=content.languages)
    languages = _languages(content)
    all_keys = set().union(*(set(t) for t in content.texts.values())) if content.texts else set()
    # one message per missing text: where it is first used, naming every language it lacks;
    # a text written in one language only is reported once, below, as a missing translation
    reported: set[str] = set()
    for ref in _refs(content):
        if ref.key in reported or ref.key in all_keys:
            continue
        reported.add(ref.key)
        lacking = [lang for lang in languages if ref.key not in content.texts.get(lang, {})]
        if not lacking:
            continue
        where = " and ".join(f"locales/{lang}" for lang in lacking)
        problems.add(
            ref.pos,
            f"the text `{ref.key}` is missing in {where}",
            _missing_text_hint(content, ref.key, lacking, all_keys),
        )
    for key in needed:
        for lang in languages:
            if key not in content.texts.get(lang, {}):
                problems.add(
                    Pos(f"locales/{lang}", 1, 1),
                    f"the text `{key}` is missing; the bot needs it for every conversation",
                    f"add it to a file in locales/{lang}/",
                )
    for key in sorted(all_keys):
        present = [lang for lang in languages if key in content.texts.get(lang, {})]
        for lang in languages:
            if lang not in present and present:
                other = content.texts[present[0]][key]
                twin = other.pos.file.replace(f"locales/{present[0]}/", f"locales/{lang}/", 1)
                problems.add(
                    other.pos,
                    f"the text `{key}` exists in {present[0]} but not in {lang}",
                    f"translate it into {twin}"
                    if twin != other.pos.file
                    else f"translate it into locales/{lang}/",
                )
    for lang in languages:
        for key, text in content.texts.get(lang, {}).items():
            try:
                names = renderer.variables_of(text.source)
            except TemplateSyntaxError as err:
                line = text.pos.line + max((err.lineno or 1) - 1, 0)
                if text.source and "\n" in text.source and text.pos.line:
                    line += 0
                problems.add(
                    Pos(text.pos.file, line, text.pos.col),
                    f"the text `{key}` has a template mistake: {err.message}",
                    "check the {{ }} and {% %} pairs",
                )
                continue
            # Telegram would refuse the message: at the character, when it can be pointed at
            for what, fix, offset in html_problems_at(text.source):
                problems.add(_at_char(text, offset), f"the text `{key}` {what}", fix)
            if renderer.nested_loops(text.source):
                problems.add(
                    text.pos,
                    f"the text `{key}` has a loop inside a loop",
                    "keep messages simple: one {% for %} at most",
                )
            if contains_marker(text.source):  # a placeholder here would be said as it is
                problems.add(
                    text.pos,
                    f"the text `{key}` still holds a placeholder (“{MARKER} …”): prospects "
                    "would read it as it is",
                    "write the real sentence; a fact still unknown goes in dialogs/agency.yaml, "
                    "where a placeholder is never shown",
                )
            for name in sorted(names - provided):
                problems.add(
                    text.pos,
                    f"the text `{key}` uses `{{{{ {name} }}}}`, "
                    "but no question or action provides it",
                    did_you_mean(name, provided) or "ask for it with `ask: slot:` first",
                )
            if named:
                reads = renderer.fields_read(text.source, set(named))
                _check_fields(problems, text.pos, f"the text `{key}`", reads, named)


def _at_char(text: LocaleText, offset: int | None) -> Pos:
    """Where the character at ``offset`` of ``text`` is in its file, when the text is on one
    line and that place is certain; else where the text starts."""
    if offset is None or not text.written:
        return text.pos
    at = offset_in(text.written, text.source, offset)
    if at is None:
        return text.pos
    return Pos(text.pos.file, text.pos.line, text.pos.col + at)


def _missing_text_hint(
    content: Content, key: str, lacking: Sequence[str], all_keys: set[str]
) -> str:
    """How to fix a text a dialog names but no locale has: the near-typo of a text of the same
    group (``budget_check.goood`` → ``budget_check.good``); one of its texts when ``key`` is a
    group; else where to write it (the group's files, when the group exists)."""
    group, _, name = key.rpartition(".")
    siblings = sorted(k.rpartition(".")[2] for k in all_keys if k.rpartition(".")[0] == group)
    close = difflib.get_close_matches(name, siblings, n=1, cutoff=0.75)
    if close:
        return f"did you mean `{group + '.' if group else ''}{close[0]}`?"
    inside = sorted(k for k in all_keys if k.startswith(key + "."))
    if inside:
        return f"`{key}` is a group of texts: name one of them, e.g. `{inside[0]}`"
    files = []
    for lang in lacking:
        known = [
            t.pos.file for k, t in content.texts.get(lang, {}).items() if k.startswith(group + ".")
        ]
        files.append(known[0] if group and known else f"a file in locales/{lang}/")
    return f"write `{key}` in " + " and in ".join(files)


def _check_type_texts(content: Content, problems: Problems, slot_types: SlotTypeCatalog) -> None:
    """The texts the questions' answer types say, in every language: a type's retry text when a
    question asks it without a ``retry:`` of its own, its notes when any question asks it.
    Each missing text is reported once per language, at the first question that needs it."""
    needed: dict[str, tuple[Pos, str]] = {}
    known = set(slot_types.names())
    for _dialog, state in _all_states(content):
        ask = state.ask
        if ask is None or ask.type not in known:
            continue  # an unknown type is reported where it is named
        if ask.retry is None:
            needed.setdefault(
                slot_types.retry_key(ask.type), (ask.pos, ", or give the question its own `retry:`")
            )
        for key in slot_types.texts(ask.type):
            needed.setdefault(key, (ask.pos, f": the bot says it about {ask.type} answers"))
    for key, (pos, why) in needed.items():
        for lang in _languages(content):
            if key not in content.texts[lang]:
                problems.add(
                    pos,
                    f"the text `{key}` is missing in locales/{lang}",
                    f"add `{key}` to a file in locales/{lang}/{why}",
                )


def _check_suggestions(content: Content, problems: Problems, provided: set[str]) -> None:
    """``suggest:`` is a number or an expression of values some question or action provides;
    a choice's suggested option is labelled by ``common.suggest.choice``, needed then."""
    renderer = Renderer(languages=content.languages)
    reported: set[tuple[str, str]] = set()
    for _dialog, state in _all_states(content):
        ask = state.ask
        if ask is None or ask.suggest is None:
            continue
        pos = ask.suggest_pos or ask.pos
        if ask.options:
            why = "`suggest:` of a choice"
            _need_text(content, problems, SUGGEST_CHOICE_TEXT, pos, why, reported)
        try:
            names = renderer.expression_variables(ask.suggest)
        except TemplateSyntaxError as err:
            problems.add(
                pos,
                f"`suggest: {ask.suggest}` cannot be read: {err.message}",
                "write a number, or an expression like `current_followers * 2`",
            )
            continue
        for name in sorted(names - provided):
            problems.add(
                pos,
                f"`suggest` uses `{name}`, which no question provides",
                did_you_mean(name, provided) or "ask for it with `ask: slot:` first",
            )


def _check_conditions(
    content: Content,
    problems: Problems,
    provided: set[str],
    named: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    renderer = Renderer(languages=content.languages)
    for _dialog, state in _all_states(content):
        conditions = [(b.condition, b.pos, provided) for b in state.when if b.condition]
        if state.ask is not None:  # a check also reads the answer being checked: `value`
            conditions += [(c.condition, c.pos, provided | {"value"}) for c in state.ask.checks]
        for condition, pos, known in conditions:
            _check_condition(renderer, problems, condition, pos, known, named or {})


def _check_condition(
    renderer: Renderer,
    problems: Problems,
    condition: str,
    pos: Pos,
    known: set[str],
    named: Mapping[str, Mapping[str, Any]],
) -> None:
    try:
        names = renderer.expression_variables(condition)
    except TemplateSyntaxError:
        problems.add(
            pos,
            f"the condition `{condition}` cannot be read",
            _condition_hint(condition),
        )
        return
    for name in sorted(names - known - {"true", "false", "none", "True", "False"}):
        problems.add(
            pos,
            f"the condition uses `{name}`, which no question provides",
            did_you_mean(name, known),
        )
    reads = renderer.fields_read(condition, set(named), expression=True)
    _check_fields(problems, pos, "the condition", reads, named)


_OPERATOR_SLIPS = (
    ("=<", "<="),
    ("=>", ">="),
    ("≤", "<="),
    ("≥", ">="),
    ("<>", "!="),
    ("=!", "!="),
)


def _condition_hint(condition: str) -> str:
    """What to write instead, for the slips staff make in a condition."""
    for slip, right in _OPERATOR_SLIPS:
        if slip in condition:
            return f"write `{right}` instead of `{slip}`: `{condition.replace(slip, right)}`"
    if re.search(r"(?<![=!<>])=(?!=)", condition):
        return 'to compare, write two equals signs: `==` (like `platform == "tiktok"`)'
    if re.search(r"\d\s+[a-zA-Z€]", condition):
        return "write the number alone, without a unit: `value <= 10`, not `value <= 10 euro`"
    return "write it like `budget > 0`, `value <= 10` or `consent`"


def _check_checks_agree(content: Content, problems: Problems) -> None:
    """Two questions asking the same answer (``ask_budget`` and ``change_budget``) check it
    the same way: a check added to one only would let the other take what it refuses."""
    first: dict[str, tuple[str, StateSpec, set[tuple[str, str]]]] = {}
    told: set[tuple[str, str]] = set()  # (state, slot): one warning each, not one per pair
    for dialog, state in _all_states(content):
        ask = state.ask
        if ask is None:
            continue
        checks = {(c.condition, c.say.key) for c in ask.checks}
        if ask.slot not in first:
            first[ask.slot] = (dialog, state, checks)
            continue
        other_dialog, other, other_checks = first[ask.slot]
        if checks != other_checks:
            here, there = f"{dialog}.{state.name}", f"{other_dialog}.{other.name}"
            fewer, more = (state, there) if len(checks) < len(other_checks) else (other, here)
            fewer_name = here if fewer is state else there
            if (fewer_name, ask.slot) in told:
                continue
            told.add((fewer_name, ask.slot))
            problems.add(
                fewer.ask.pos if fewer.ask is not None else fewer.pos,
                f"`{fewer_name}` and `{more}` both ask `{ask.slot}`, but check it differently",
                f"give both the same `checks:` (copy them from `{more}`), or give this answer "
                "a name of its own if it means something else",
                severity="warning",
            )


def _check_intents(content: Content, problems: Problems) -> None:
    intents = content.intents
    if intents is None:
        return
    for intent_id, (ref, pos) in getattr(intents, "answers", {}).items():
        if ref is None:
            continue
        dialog, _, state = ref.partition(".")
        if not state:
            dialog, state = "main", dialog
        if content.state(dialog, state) is None:
            names = [f"{d.id}.{s}" for d in content.dialogs.values() for s in d.states]
            problems.add(
                pos,
                f"the intent `{intent_id}` is answered by `{ref}`, which is not a state",
                did_you_mean(ref, names),
            )


# -- what each text costs to say ----------------------------------------------------------------

# values a text is said with once, to weigh it: a question's own options or largest accepted
# answer when it has them, else one of these by the answer's type
_SAMPLE_BY_TYPE: dict[str, Any] = {"number": 10_000, "money": 500}
_SAMPLE_BUILTIN: dict[str, Any] = {"first_name": "Anna", "tries_left": 2, "value": 1_000}
_COST_FIX = (
    "a message needs no such sizes, loops or repetitions: simplify the {{ }} and {% %} parts "
    "(a developer can help)"
)


def _sample_values(content: Content, actions: ActionCatalog) -> dict[str, Any]:
    """What the texts are said with by ``_check_costs``: the plug-ins' named values (the
    agency's facts…), one answer per question's slot, and a few values the engine sets."""
    values: dict[str, Any] = dict(_SAMPLE_BUILTIN)
    for _dialog, state in _all_states(content):
        ask = state.ask
        if ask is None or ask.slot in values:
            continue
        if ask.options:
            values[ask.slot] = ask.options[0].value
        elif ask.maximum is not None:  # the largest answer the question accepts
            values[ask.slot] = int(ask.maximum) if ask.maximum.is_integer() else ask.maximum
        else:
            values[ask.slot] = _SAMPLE_BY_TYPE.get(ask.type, "Anna")
    named = getattr(actions, "values", None)
    if callable(named):
        # a plug-in that cannot work its values out is reported where the values are used
        with contextlib.suppress(Exception):
            values.update(named(content))
    return values


def _check_costs(content: Content, problems: Problems, actions: ActionCatalog) -> None:
    """Every text said once, and every condition and ``suggest:`` worked out once, with sample
    values (``_sample_values``) under the budget the running bot gives each of them
    (``Renderer``: time, steps, sizes): one that costs more is an error at its line. At run
    time such a text would be left out of the message (a condition: false), so it is caught
    here, before a prospect meets it."""
    renderer = Renderer(languages=content.languages)
    sample = _sample_values(content, actions)
    for lang in _languages(content):
        for key, text in content.texts.get(lang, {}).items():
            if len(text.source) > MAX_SOURCE:  # long as written: nothing to simplify
                problems.add(
                    text.pos,
                    f"the text `{key}` is {len(text.source):,} characters long, over the "
                    f"{MAX_SOURCE:,} a text may have",
                    "shorten it, or split it into several texts",
                )
                continue
            why = renderer.over_budget(text.source, sample, lang)
            if why is not None:
                problems.add(text.pos, f"the text `{key}` costs too much to say: {why}", _COST_FIX)
    for _dialog, state in _all_states(content):
        expressions = [(b.condition, b.pos) for b in state.when if b.condition]
        ask = state.ask
        if ask is not None:
            expressions += [(c.condition, c.pos) for c in ask.checks]
            if ask.suggest is not None:
                expressions.append((ask.suggest, ask.suggest_pos or ask.pos))
        for expression, pos in expressions:
            why = renderer.over_budget(expression, sample, expression=True)
            if why is not None:
                problems.add(pos, f"`{expression}` costs too much to work out: {why}", _COST_FIX)
