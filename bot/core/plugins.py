"""Plug-ins of the engine: a domain adds its actions, slot fillers, slot types and files.

A ``Plugin`` is data, and nothing registers itself by being imported: ``bot.app`` lists the
plug-ins it wants (``PLUGINS``) and reads each one's parts when it builds the bot
(``build_actions``, ``slot_fillers``, ``build_slot_types``, ``content_files``). The growth
domain (``bot.growth.plugin.GROWTH``) is one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.catalog import ContentFile
from bot.core.actions import ActionRegistry
from bot.core.engine import ForgetHook, SlotFiller
from bot.core.records import LeadField
from bot.core.slot_types import SlotType


@dataclass(frozen=True)
class Plugin:
    """What one domain adds to the engine.

    ``register_actions(registry)`` adds its named actions; ``slot_fillers`` read its slots
    from free-text questions; ``content_files`` are its own files in ``dialogs/``;
    ``slot_types`` are answer types its dialogs' questions may ask (``type:`` of an ``ask:``),
    added to the built-in ones; ``lead_fields`` are its answers kept with a lead
    (``LeadRecord.data``) that staff see in notes and lead lists, with their labels;
    ``forget_hooks`` erase what it keeps about a prospect outside the store (files it wrote in
    the engine's ``files_dir``) when they confirm /delete.
    """

    name: str
    register_actions: Callable[[ActionRegistry], None] | None = None
    slot_fillers: tuple[SlotFiller, ...] = ()
    content_files: tuple[ContentFile, ...] = ()
    slot_types: tuple[SlotType, ...] = ()
    lead_fields: tuple[LeadField, ...] = ()
    forget_hooks: tuple[ForgetHook, ...] = ()
