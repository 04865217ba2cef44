"""Staff edits to ``dialogs/`` and ``locales/`` go live while the bot runs, or not at all.

A reload reads and checks the whole content folder first (off the event loop, so chats keep
being answered meanwhile); only valid content is swapped into the engine, in one assignment
together with its understanding. Anything wrong keeps the running version and goes, located
line by line, to a callback: whoever runs us (the Telegram adapter) decides who reads it.

The reading runs in a daemon thread of its own, waited for ``PREPARE_SECONDS`` at most: a file
or folder on a drive that does not answer costs a refused reload, never a reload that never
ends, and never a bot that no longer stops on SIGTERM (Python waits for the event loop's
worker threads on exit, never for a daemon thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.model import Content
from bot.core.engine import Engine

log = logging.getLogger(__name__)

WATCHED = ("dialogs", "locales")
PREPARE_SECONDS = 120.0  # reading, checking and training on the content; it takes ~2 s
SUFFIXES = (".yaml", ".yml")


@dataclass
class ReloadOutcome:
    ok: bool
    report: str  # the located problems (`file:line:col: message`), warnings included
    errors: int = 0
    summary: str = ""  # what is running now, in a few words
    changed: list[str] = field(default_factory=list)  # files that triggered it, if the watcher


Report = Callable[[ReloadOutcome], Awaitable[None]]


@dataclass
class Prepared:
    """Content read and checked, ready to swap in; ``content`` is None when it has errors.

    ``report`` holds the located problems (warnings too), ``errors`` how many are errors.
    """

    content: Content | None
    understanding: Any
    report: str
    errors: int


Prepare = Callable[[Path], Prepared]
"""Reads and checks a content folder (slow; run in a thread): ``bot.app.prepare``."""


def describe(content: Content) -> str:
    states = sum(len(d.states) for d in content.dialogs.values())
    texts = len(content.texts.get(content.languages.default, {}))
    return f"{len(content.dialogs)} dialog(s), {states} states, {texts} texts per language"


def is_content_file(path: str) -> bool:
    name = Path(path).name
    return name.endswith(SUFFIXES) and not name.startswith(".")


class Reloader:
    """Validates then swaps content into one engine; optionally watches the files for edits."""

    def __init__(
        self,
        engine: Engine,
        root: Path,
        on_problems: Report,
        *,
        prepare: Prepare,
        on_reloaded: Report | None = None,
        debounce_ms: int = 1600,
        step_ms: int = 300,
        force_polling: bool | None = None,
        prepare_seconds: float = PREPARE_SECONDS,
    ) -> None:
        """``prepare_seconds``: how long a reload waits for ``prepare`` before it is refused
        (the reading goes on alone, in its daemon thread)."""
        self.engine = engine
        self.root = Path(root)
        self.on_problems = on_problems
        self.prepare = prepare
        self.on_reloaded = on_reloaded
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self.force_polling = force_polling
        self._lock = asyncio.Lock()  # a /reload and a file change must not swap out of order
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.prepare_seconds = prepare_seconds
        self._reading: threading.Thread | None = None  # the last ``prepare``, maybe still on

    async def reload(self, changed: list[str] | None = None) -> ReloadOutcome:
        """Check the folder; switch to it only if valid, else keep the running version."""
        async with self._lock:
            try:
                prepared = await self._prepared()
                content, understanding = prepared.content, prepared.understanding
                report, errors = prepared.report, prepared.errors
            except _NotRead as exc:
                log.warning("reload refused: %s", exc)
                content, understanding, errors = None, None, 1
                report = f"{self.root}: {exc}"
            except Exception as exc:  # a bug in a check must not take the running bot down
                log.exception("reload failed")
                content, understanding, errors = None, None, 1
                report = f"{self.root}: the content could not be read ({type(exc).__name__})"
            if content is None:
                outcome = ReloadOutcome(False, report, errors, changed=list(changed or []))
                log.warning("reload refused: %d error(s); the previous content stays", errors)
                await self._tell(self.on_problems, outcome)
                return outcome
            self.engine.load(content, understanding=understanding)
            outcome = ReloadOutcome(True, report, 0, describe(content), list(changed or []))
            log.info("content reloaded: %s", outcome.summary)
            return outcome

    async def _prepared(self) -> Prepared:
        """``prepare(root)``, run in a daemon thread and waited for ``prepare_seconds``.

        Raises:
            _NotRead: it took longer (it goes on alone; until it ends, a reload is refused at
                once rather than stacking another reading on the same drive).
            Whatever ``prepare`` raised.
        """
        if self._reading is not None and self._reading.is_alive():
            raise _NotRead(
                "the previous reading of the content has not finished yet: a file or folder "
                "under dialogs/ or locales/ does not answer (a network drive?); the running "
                "version stays"
            )
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Prepared] = loop.create_future()

        def settle(result: Prepared | None, error: Exception | None) -> None:
            if done.done():  # waited for no more
                return
            if error is not None:
                done.set_exception(error)
            else:
                assert result is not None
                done.set_result(result)

        def run() -> None:
            result, error = None, None
            try:
                result = self.prepare(self.root)
            except Exception as err:  # handed to the reload
                error = err
            with contextlib.suppress(RuntimeError):  # the loop closed: the bot stopped meanwhile
                loop.call_soon_threadsafe(settle, result, error)

        self._reading = threading.Thread(target=run, name="content-reload", daemon=True)
        self._reading.start()
        try:
            return await asyncio.wait_for(done, self.prepare_seconds)
        except TimeoutError:
            raise _NotRead(
                f"the content was not read within {self.prepare_seconds:g} s: a file or folder "
                "under dialogs/ or locales/ does not answer (a network drive?); the running "
                "version stays"
            ) from None

    # -- watching the files ---------------------------------------------------------------------

    def start(self) -> None:
        """Watch in the background (an asyncio task) until ``stop``."""
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.create_task(self.watch(), name="content-watcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()  # the watching thread checks it every step; no wait for a timeout
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=2.0)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:
            log.exception("content watcher failed while stopping")

    async def watch(self) -> None:
        """Reload after each burst of edits (an editor's save is often several writes)."""
        try:
            from watchfiles import awatch
        except ImportError:  # a pinned dependency; without it /reload still works
            log.warning("watchfiles is not installed: edits are picked up only by /reload")
            return
        folders = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
        if not folders:
            log.warning("nothing to watch under %s: no dialogs/ or locales/", self.root)
            return
        log.info("watching %s for content edits", ", ".join(str(f) for f in folders))
        async for changes in awatch(
            *folders,
            watch_filter=lambda _change, path: is_content_file(path),
            debounce=self.debounce_ms,
            step=self.step_ms,
            stop_event=self._stop,
            force_polling=self.force_polling,
        ):
            changed = sorted({_relative(path, self.root) for _change, path in changes})
            log.info("content edited: %s", ", ".join(changed))
            outcome = await self.reload(changed)
            if outcome.ok and self.on_reloaded is not None:
                await self._tell(self.on_reloaded, outcome)

    @staticmethod
    async def _tell(callback: Report, outcome: ReloadOutcome) -> None:
        try:
            await callback(outcome)
        except Exception:  # telling people is best effort; the reload itself is done
            log.exception("reload report could not be delivered")


class _NotRead(Exception):
    """The content folder could not be read in time; the message says so in plain words."""


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name
