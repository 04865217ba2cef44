"""The composition root: the one place that knows which parts make the bot.

Everything that needs a running bot — the command line (chat, run, test), the Telegram
adapter's reload, the tests and the benchmarks — builds it here, from ``Settings`` or from
explicit paths. Library code below raises typed errors; only ``bot.cli`` turns them into
messages and exit codes.

Plug-ins are listed in ``PLUGINS`` and installed explicitly; nothing registers itself by being
imported. Heavy libraries stay out: matplotlib loads when a chart is drawn and the Telegram
stack only in ``bot.adapters.telegram``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.agency.plugin import AGENCY
from bot.base.problems import Problems
from bot.config import Settings
from bot.content.catalog import ContentFile
from bot.content.loader import Loaded
from bot.content.loader import load_content as _load_content
from bot.content.model import Content
from bot.core.actions import ActionRegistry, core_actions
from bot.core.engine import Engine, SlotFiller
from bot.core.office_hours import OFFICE_HOURS
from bot.core.plugins import Plugin
from bot.core.ports import Clock, ConversationStore, Understanding, utc_now
from bot.core.records import LeadField
from bot.core.slot_types import SlotTypeRegistry, default_slot_types
from bot.growth.plugin import GROWTH
from bot.languages import DEFAULT, LanguageRegistry
from bot.staff.reload import Prepared
from bot.storage.retention import retention_value
from bot.understanding.lang import LanguagePack

if TYPE_CHECKING:
    from bot.staff.transcripts import TranscriptRunner
    from bot.storage.sqlite import Store

PLUGINS: tuple[Plugin, ...] = (GROWTH, AGENCY)
"""The domains this bot is made of, beyond the core."""


class ContentError(Exception):
    """The content folder has errors; ``problems`` says where, ``report()`` in staff's words."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors)} error(s) in the content")
        self.problems = problems

    def report(self) -> str:
        return self.problems.report()


class StoreError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class SettingsError(Exception):
    """A setting cannot be used as it is; the message names it and says what to write."""


def build_actions(
    plugins: Sequence[Plugin] = PLUGINS, settings: Settings | None = None
) -> ActionRegistry:
    """The core actions plus every plug-in's, and the named value ``retention`` (the days
    ``settings`` keep messages and leads, for ``/privacy``; default: the defaults).

    Raises:
        ValueError: two plug-ins register the same action name.
    """
    registry = core_actions()
    for plugin in plugins:
        if plugin.register_actions is not None:
            plugin.register_actions(registry)
    registry.add_value("retention", retention_value(settings))
    return registry


def content_files(plugins: Sequence[Plugin] = PLUGINS) -> tuple[ContentFile, ...]:
    return tuple(f for plugin in plugins for f in plugin.content_files)


def slot_fillers(plugins: Sequence[Plugin] = PLUGINS) -> tuple[SlotFiller, ...]:
    return tuple(f for plugin in plugins for f in plugin.slot_fillers)


def lead_fields(plugins: Sequence[Plugin] = PLUGINS) -> tuple[LeadField, ...]:
    """The lead answers staff see in notes and lead lists, labelled: every plug-in's, in order
    (give them to ``TelegramBot``, ``LeadNotes``, ``StaffCommands``, ``reports.lead_rows``)."""
    return tuple(f for plugin in plugins for f in plugin.lead_fields)


def build_slot_types(plugins: Sequence[Plugin] = PLUGINS) -> SlotTypeRegistry:
    """The built-in answer types plus every plug-in's, in one new registry.

    Build it once and give the same registry to ``load_content`` and ``build_engine``: the
    engine refuses content asking a type its registry lacks.

    Raises:
        ValueError: two plug-ins (or a plug-in and the built-ins) name the same type.
    """
    registry = default_slot_types()
    for plugin in plugins:
        for slot_type in plugin.slot_types:
            registry.register(slot_type)
    return registry


def load_content(
    root: Path,
    *,
    plugins: Sequence[Plugin] = PLUGINS,
    check: bool = True,
    languages: LanguageRegistry = DEFAULT,
    packs: Mapping[str, LanguagePack] | None = None,
    slot_types: SlotTypeRegistry | None = None,
) -> Loaded:
    """Read and check a content folder with this app's actions and plug-in files.

    ``languages`` are the languages it must have texts for (``locales/<code>/``), ``packs``
    their word packs (default: ``bot.understanding.lang.BUILTIN_PACKS``); the content keeps
    both, and an engine built on it speaks those languages. ``slot_types`` are the answer types
    questions may have (default: ``build_slot_types(plugins)``; give an engine built on it the
    same registry, see ``build_engine``).
    Never raises on staff mistakes: they are in ``Loaded.problems``, located.
    """
    return _load_content(
        Path(root),
        actions=build_actions(plugins),
        extra_files=(OFFICE_HOURS, *content_files(plugins)),
        check=check,
        languages=languages,
        packs=packs,
        slot_types=slot_types if slot_types is not None else build_slot_types(plugins),
    )


def require_content(
    root: Path,
    *,
    plugins: Sequence[Plugin] = PLUGINS,
    slot_types: SlotTypeRegistry | None = None,
) -> Loaded:
    """The loaded content (warnings in ``problems``), or ``ContentError`` when it has errors.

    Raises:
        ContentError: the folder has at least one error; the bot must not start on it.
    """
    loaded = load_content(root, plugins=plugins, slot_types=slot_types)
    if loaded.content is None:
        raise ContentError(loaded.problems)
    return loaded


def build_understanding(content: Content) -> Understanding | None:
    """The NLU for the content's intents, or None when there is no intents file."""
    if content.intents is None:
        return None
    from bot.understanding.intents import IntentSet
    from bot.understanding.nlu import Understanding as NLU

    assert isinstance(content.intents, IntentSet)
    return NLU(content.intents, packs=content.packs)


def open_store(db_path: Path, *, wait: float | None = None) -> Store:
    """The default ``ConversationStore``: the SQLite file at ``db_path`` (created if missing,
    upgraded in place by the pending migrations). ``wait``: seconds a lock held by another
    program is waited for, opening included, before ``StoreBusy`` (the command line's readers);
    None: the bot's own patience (10 minutes).

    sqlite-utils is imported here, not at the top: ``validate`` and ``graph`` never open a
    database and start faster without it (it pulls in numpy when installed).

    Raises:
        StoreError: the file was upgraded by a newer version of the bot, or is not a database.
        StoreBusy: another program kept the file locked past the wait.
    """
    import sqlite3

    from bot.storage.migrations import SchemaTooNew
    from bot.storage.sqlite import Store

    try:
        if wait is not None:
            return Store(db_path, busy_timeout=min(wait, 2.0), patience=wait)
        return Store(db_path)
    except SchemaTooNew as err:
        raise StoreError(str(err)) from err
    except sqlite3.DatabaseError as err:
        raise StoreError(
            f"{db_path} cannot be opened as the bot's database ({err}). "
            "Check BOT_DB_PATH: it must name an SQLite file the bot made, or a new one."
        ) from err


def build_engine(
    content: Content,
    store: ConversationStore,
    *,
    understanding: Understanding | None = None,
    default_lang: str | None = None,
    clock: Clock = utc_now,
    files_dir: Path | None = None,
    plugins: Sequence[Plugin] = PLUGINS,
    languages: LanguageRegistry | None = None,
    slot_types: SlotTypeRegistry | None = None,
    settings: Settings | None = None,
) -> Engine:
    """An engine with this app's actions and slot fillers over ``content`` and ``store``.
    ``settings``: what the texts say of them (the retention, in ``/privacy``).

    ``languages`` default to the content's (those it was loaded for); ``default_lang`` to the
    registry's default; ``slot_types`` to ``build_slot_types(plugins)`` (pass the registry the
    content was loaded with).

    Raises:
        ValueError: the content asks an answer type ``slot_types`` does not have.
    """
    return Engine(
        content,
        store,
        clock=clock,
        default_lang=default_lang,
        languages=languages,
        understanding=understanding,
        actions=build_actions(plugins, settings),
        slot_fillers=slot_fillers(plugins),
        forget_hooks=tuple(h for plugin in plugins for h in plugin.forget_hooks),
        files_dir=files_dir,
        slot_types=slot_types if slot_types is not None else build_slot_types(plugins),
    )


def prepare(
    root: Path,
    plugins: Sequence[Plugin] = PLUGINS,
    slot_types: SlotTypeRegistry | None = None,
) -> Prepared:
    """Read, check and build the understanding for ``root`` (slow: run it off the event loop).

    ``slot_types``: the running engine's registry (default: ``build_slot_types(plugins)``).
    """
    loaded = load_content(root, plugins=plugins, slot_types=slot_types)
    report = loaded.problems.report() if loaded.problems else ""
    if loaded.content is None:
        return Prepared(None, None, report, max(len(loaded.problems.errors), 1))
    return Prepared(loaded.content, build_understanding(loaded.content), report, 0)


@dataclass
class Runtime:
    """A built bot: its settings, checked content (with warnings), store and engine."""

    settings: Settings
    loaded: Loaded
    store: Store
    engine: Engine
    plugins: tuple[Plugin, ...] = field(default=PLUGINS)

    @property
    def content(self) -> Content:
        assert self.loaded.content is not None
        return self.loaded.content

    def prepare(self, root: Path | None = None) -> Prepared:
        """What a reload of the content folder would swap in (see ``bot.staff.reload``),
        checked against the answer types the engine reads."""
        return prepare(root or self.settings.content_dir, self.plugins, self.engine.slot_types)

    @property
    def lead_fields(self) -> tuple[LeadField, ...]:
        return lead_fields(self.plugins)

    def close(self) -> None:
        from bot.growth.chart import shutdown_charts  # light: matplotlib only loads to draw

        self.store.close()
        shutdown_charts()  # the chart process, if one was started


def build_runtime(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    plugins: Sequence[Plugin] = PLUGINS,
) -> Runtime:
    """The whole bot from settings: content, understanding, store, actions, engine.

    Charts go to ``charts/`` beside the database.

    Raises:
        SettingsError: ``BOT_DEFAULT_LANG`` names a language the bot does not speak.
        ContentError: the content folder has errors (nothing was opened).
        StoreError: the database cannot be used.
    """
    languages = DEFAULT  # the languages ``load_content`` reads the content for
    if settings.default_lang is not None and settings.default_lang not in languages:
        raise SettingsError(
            f"BOT_DEFAULT_LANG={settings.default_lang} is not a language this bot speaks; "
            f"use one of: {', '.join(languages.codes)}"
        )
    slot_types = build_slot_types(plugins)
    loaded = require_content(settings.content_dir, plugins=plugins, slot_types=slot_types)
    assert loaded.content is not None
    store = open_store(settings.db_path)
    engine = build_engine(
        loaded.content,
        store,
        understanding=build_understanding(loaded.content),
        default_lang=settings.default_lang,
        clock=clock,
        files_dir=Path(settings.db_path).parent / "charts",
        plugins=plugins,
        slot_types=slot_types,
        settings=settings,
    )
    return Runtime(settings, loaded, store, engine, tuple(plugins))


def transcript_runner(
    root: Path, workdir: Path, *, plugins: Sequence[Plugin] = PLUGINS
) -> TranscriptRunner:
    """Conversation tests over ``root``: each on a fresh database in ``workdir``, clock fixed.

    Raises:
        ContentError: the content folder has errors.
    """
    from bot.staff.transcripts import TranscriptRunner, fixed_clock

    slot_types = build_slot_types(plugins)
    loaded = require_content(root, plugins=plugins, slot_types=slot_types)
    content = loaded.content
    assert content is not None
    understanding = build_understanding(content)

    def new_engine(db: Path) -> Engine:
        return build_engine(
            content,
            open_store(db),
            understanding=understanding,
            clock=fixed_clock,
            files_dir=db.parent / "charts",
            plugins=plugins,
            slot_types=slot_types,
        )

    return TranscriptRunner(content, new_engine, workdir)
