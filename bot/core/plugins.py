"""Plug-ins of the engine: a domain registers its actions, slot fillers and files explicitly.

Nothing registers itself by being imported. ``bot.app`` lists the plug-ins it wants and calls
``install`` on each; the growth domain (``bot.growth.plugin.GROWTH``) is one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.catalog import ContentFile
from bot.core.actions import ActionRegistry
from bot.core.engine import SlotFiller


@dataclass(frozen=True)
class Plugin:
    """What one domain adds to the engine.

    ``register_actions(registry)`` adds its named actions; ``slot_fillers`` read its slots
    from free-text questions; ``content_files`` are its own files in ``dialogs/``.
    """

    name: str
    register_actions: Callable[[ActionRegistry], None] | None = None
    slot_fillers: tuple[SlotFiller, ...] = ()
    content_files: tuple[ContentFile, ...] = ()
