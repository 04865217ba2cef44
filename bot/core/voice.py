"""How the bot says things: locale texts rendered for one turn, and the buttons under them.

A ``Voice`` is one content version seen through the engine's renderer, languages and slot types.
The engine makes one per content version (``Engine.load``); every part of a turn that speaks
takes it, rather than the engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.base.money import Money
from bot.content.button_ids import option_id, tap_digest
from bot.content.model import AskSpec, Content, LocaleText, StateSpec
from bot.content.templates import Renderer, format_money, format_number, strip_tags
from bot.core.messages import Button, Reply
from bot.core.navigation import button_available
from bot.core.slot_types import Note, SlotTypeRegistry
from bot.core.turn import Turn, render_values
from bot.languages import LanguageRegistry

log = logging.getLogger(__name__)

SUGGESTED = "s"  # button data "<step>.s": the value the question suggested
# A keyboard's data: "<step>.<digest of the button's stable id>.<content version>"
# (``bot.core.taps`` reads it back; keyboards sent before stable ids say "<step>.<index>")
SUGGEST_CHOICE = "common.suggest.choice"  # the label of a choice's suggested option


@dataclass(frozen=True)
class Voice:
    """Texts of ``content`` rendered in a conversation's language, with ``languages``'
    fallbacks down to ``default_lang``; answer options as ``slot_types`` offer them."""

    content: Content
    renderer: Renderer
    languages: LanguageRegistry
    default_lang: str
    slot_types: SlotTypeRegistry

    @cached_property
    def asks(self) -> dict[str, tuple[StateSpec, AskSpec]]:
        """The first question asking each slot (its type reads the value), found once per
        content version rather than on every message."""
        found: dict[str, tuple[StateSpec, AskSpec]] = {}
        for dialog in self.content.dialogs.values():
            for state in dialog.states.values():
                if state.ask is not None:
                    found.setdefault(state.ask.slot, (state, state.ask))
        return found

    def lookup(self, key: str, lang: str) -> LocaleText | None:
        """The text ``key`` in ``lang``, else along its fallbacks, then the default language."""
        for code in self.languages.fallbacks(lang, self.default_lang):
            entry = self.content.texts.get(code, {}).get(key)
            if entry is not None:
                return entry
        return None

    def text(self, t: Turn, key: str) -> str:
        """The text ``key`` rendered for the turn (its language and values); "" when missing
        (logged as an error)."""
        entry = self.lookup(key, t.conv.lang)
        if entry is None:
            log.error("missing text %s", key)
            return ""
        return self.renderer.render(entry.source, render_values(t), t.conv.lang)

    def label(self, t: Turn, key: str) -> str:
        """The text ``key`` as a button's label: rendered, without markup."""
        return strip_tags(self.text(t, key))

    def say(self, t: Turn, key: str, buttons: tuple[Button, ...] = ()) -> None:
        """Add the text ``key`` to the turn's replies, with ``buttons`` under it; nothing when
        the text is empty and there are no buttons ("…" when only the text is)."""
        text = self.text(t, key)
        if text or buttons:
            t.replies.append(Reply(text or "…", buttons))

    def say_one(self, t: Turn, key: str, buttons: tuple[Button, ...] = ()) -> None:
        """Say one line of the text ``key``, which holds one variant per line: the line after
        the one said last (this turn or the last), so that the same line never comes twice in
        a row ("Scusa, questa ci è sfuggita" / "Non siamo sicuri di aver capito" …)."""
        lines = [line.strip() for line in self.text(t, key).splitlines() if line.strip()]
        if not lines:
            self.say(t, key, buttons)
            return
        said = [*(t.conv.memory.get("sent") or []), *(r.text for r in t.replies)]
        turns = t.conv.memory.setdefault("variants", {})  # key -> the line said last time
        last = next((lines.index(s) for s in reversed(said) if s in lines), turns.get(key, -1))
        index = (int(last) + 1) % len(lines)
        turns[key] = index
        t.replies.append(Reply(lines[index], buttons))

    def say_note(self, t: Turn, note: Note | None) -> None:
        """A slot type's line about an answer, with its values ("€ 1.200 l'anno, cioè…")."""
        if note is None:
            return
        t.values.update(note.values)
        self.say(t, note.key)

    def options(self, spec: StateSpec) -> list[tuple[Any, str]]:
        """(value, label key) of the buttons a question shows: its options, or yes/no."""
        if spec.ask is None:
            return []
        return self.slot_types.options(spec.ask)

    def option_labels(self, t: Turn, spec: StateSpec) -> list[str]:
        """The labels of the question's options, as shown on its buttons."""
        return [self.label(t, key) for _, key in self.options(spec)]

    def available(self, t: Turn, spec: StateSpec, index: int) -> bool:
        """The state's button ``index`` is shown (a ``back``/``resume`` one only when there is
        somewhere to go)."""
        return button_available(t.conv, self.content, spec, index)

    def tap_data(self, t: Turn, stable_id: str) -> str:
        """The data of a keyboard button at this step: ``"<step>.<digest>.<version>"``, the
        digest of the button's (or option's) stable id and the content version; never its
        position, so that a reload that moves or removes buttons cannot remap it."""
        return f"{t.conv.step}.{tap_digest(stable_id)}.{self.content.version}"

    def buttons_for(self, t: Turn, spec: StateSpec) -> tuple[Button, ...]:
        """The keyboard of a state: its buttons (those available), else its question's options;
        data ``tap_data`` of each one's stable id."""
        if spec.buttons:
            return tuple(
                Button(self.label(t, b.text.key), self.tap_data(t, b.stable_id))
                for i, b in enumerate(spec.buttons)
                if self.available(t, spec, i)
            )
        return self.proposed(t, spec) + tuple(
            Button(self.label(t, key), self.tap_data(t, option_id(value)))
            for value, key in self.options(spec)
        )

    def proposed(self, t: Turn, spec: StateSpec) -> tuple[Button, ...]:
        """The button of the option a choice question suggests at this step (``suggest:``,
        remembered when the question was asked), labelled ``common.suggest.choice`` ("Instagram,
        same as before"); none when it suggests nothing."""
        if spec.ask is None or not self.slot_types.proposes(spec.ask.type):
            return ()
        value = self.pending_suggestion(t, spec)
        if value is None or self.lookup(SUGGEST_CHOICE, t.conv.lang) is None:
            return ()
        t.values["suggested"] = self.shown(t, spec, value)
        return (Button(self.label(t, SUGGEST_CHOICE), f"{t.conv.step}.{SUGGESTED}"),)

    def pending_suggestion(self, t: Turn, spec: StateSpec | None) -> Any:
        """The value the current question suggested at this step (remembered when it was
        suggested), None when none is pending."""
        found = t.conv.memory.get("suggested")
        if spec is None or spec.ask is None or not isinstance(found, list) or len(found) != 2:
            return None
        if found[0] != t.conv.step:
            return None
        slot_type = self.slot_types.get(spec.ask.type)
        return slot_type.suggestion(found[1], spec.ask) if slot_type is not None else None

    def shown(self, t: Turn, spec: StateSpec, value: Any) -> str:
        """An answer as the prospect would read it: a button's label, «€ 200», «10.000»."""
        for option, key in self.options(spec):
            if option == value:
                return self.label(t, key)
        lang = t.conv.lang
        if isinstance(value, Money):
            return format_money(value, lang, languages=self.languages)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_number(value, lang, 2, languages=self.languages)
        return str(value)
