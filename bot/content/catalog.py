"""What the code offers to the content, as the content layer sees it.

Validation must know which actions exist and which template values they provide, which answer
types a question may have, and which extra files a plug-in reads from ``dialogs/``; those live
in layers above this one (core, growth). The app hands them in through these protocols, so
content never imports upward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.base.problems import Problems


class ActionCatalog(Protocol):
    """The named actions a dialog may run with ``do:`` (``bot.core.actions.ActionRegistry``)."""

    def get(self, name: str) -> object | None:
        """The action called ``name``, or None when there is none."""
        ...

    def names(self) -> list[str]:
        """The names of the actions, sorted."""
        ...

    def provided(self) -> set[str]:
        """Template values the actions set, named values, and slots filled outside any
        question, so that texts and conditions may use them."""
        ...

    def suggestion(self, name: str) -> str:
        """A hint for staff who typed an unknown action ``name``."""
        ...

    def values(self, content: Any) -> dict[str, Any]:
        """The named values every text and condition may read, worked out from ``content``."""
        ...


class SlotTypeCatalog(Protocol):
    """The answer types an ``ask:`` may name (``bot.core.slot_types.SlotTypeRegistry``)."""

    def names(self) -> tuple[str, ...]:
        """Every type, in the order staff see them listed."""
        ...

    def suggestion(self, name: str) -> str:
        """A hint for staff who typed an unknown type ``name``."""
        ...

    def takes_options(self, name: str) -> bool:
        """Whether the question lists ``options:`` (a choice)."""
        ...

    def takes_period(self, name: str) -> bool:
        """Whether the question may say the period it counts in (``per: week``)."""
        ...

    def accepts_buttons(self, name: str) -> bool:
        """Whether a state asking it may also have its own ``buttons:`` (not when the
        question's own answers are the buttons: choice, yes/no)."""
        ...

    def free_text(self, name: str) -> bool:
        """Whether any short text fits (text, name): such a question cannot be answered along
        with a choice (``fills:``), since every answer would fit it."""
        ...

    def spots(self, name: str) -> bool:
        """Whether a value of type ``name`` can be picked out of a message about anything (an
        email, a phone number, a name introduced as one): only such slots may be captured."""
        ...

    def retry_key(self, name: str) -> str:
        """The text said when an answer does not fit and the question names no ``retry:``."""
        ...

    def suggests(self, name: str) -> bool:
        """Whether a question of type ``name`` may offer a value to a prospect who does not
        know (``suggest:``: number, money)."""
        ...

    def texts(self, name: str) -> tuple[str, ...]:
        """The texts a question of type ``name`` may make the bot say besides its retry text
        (notes about an answer): needed in every language once a question asks the type."""
        ...

    def values(self) -> set[str]:
        """Template values the types' notes give their texts."""
        ...


@dataclass(frozen=True)
class ContentFile:
    """A plug-in's own file in ``dialogs/`` (``benchmarks.yaml`` for the growth plug-in).

    ``load(path, problems)`` reads and checks the file, adding located problems; it returns the
    value kept in ``Content.extras[key]``, or None when the file is unusable.
    """

    name: str
    key: str
    load: Callable[[Path, Problems], object | None]
