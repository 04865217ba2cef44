"""Shared test helpers: content trees on disk, engines on a real SQLite file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import app
from bot.content.button_ids import tap_digest
from bot.content.model import Content
from bot.core.commands import CONFIRM
from bot.core.engine import Engine
from bot.core.messages import Input, TurnResult
from bot.core.ports import Understanding
from bot.core.taps import TAP

ROOT = Path(__file__).resolve().parent.parent
# trained intent classifiers are cached here, not in the user's cache folder; kept between runs
# (keyed by the examples, so a changed intents file is retrained, never read stale)
os.environ["BOT_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "expectations-bot-tests")
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def fixed_clock() -> datetime:
    return datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


_UNDERSTANDING: dict[Path, Understanding | None] = {}
_CONTENT: dict[Path, Content] = {}
PRISTINE = (ROOT, MINI)  # folders no test writes to: their content is read once per run


def load_checked(root: Path) -> Content:
    """The content of ``root`` through ``bot.app``, asserting it is valid; read once per run for
    the shipped content and the fixture (about 0.4 s each time otherwise)."""
    cached = _CONTENT.get(root)
    if cached is not None:
        return cached
    loaded = app.load_content(root)
    assert loaded.content is not None, loaded.problems.report()
    if root in PRISTINE:
        _CONTENT[root] = loaded.content
    return loaded.content


def read_once(root: Path) -> None:
    """From now on, read the content of ``root`` once per run, like the shipped content: for a
    copy set up once (a module's fixture) that no test writes to."""
    _CONTENT[root] = load_checked(root)


def build_engine(root: Path, db: Path, **kwargs: object) -> Engine:
    """The real engine as ``python -m bot`` builds it (``bot.app``), on a fresh SQLite file."""
    content = load_checked(root)
    if "understanding" not in kwargs:
        # building the matcher loads lemma dictionaries (~1 s): once per content folder
        if root not in _UNDERSTANDING:
            _UNDERSTANDING[root] = app.build_understanding(content)
        kwargs["understanding"] = _UNDERSTANDING[root]
    kwargs.setdefault("files_dir", db.parent / "charts")
    return app.build_engine(
        content,
        app.open_store(db),
        clock=fixed_clock,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content, for tests that break it."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def mini_engine(tmp_path: Path) -> Engine:
    return build_engine(MINI, tmp_path / "bot.db")


def presses(data: str, name: str) -> bool:
    """Whether a button's callback data presses the button or option called ``name`` (its
    stable name, ``bot.content.button_ids``): ``<step>.<digest>.<version>`` carries the name's
    digest; /delete's confirmation (``del.yes.<step>``) says ``yes`` or ``no``."""
    tap = TAP.fullmatch(data)
    if tap is not None:
        return tap.group(2) == tap_digest(name)
    confirm = CONFIRM.fullmatch(data)
    return confirm is not None and confirm.group(2) == name


def data_of(shown: Iterable[tuple[str, str]], name: str) -> str:
    """The callback data of the one button among ``shown`` (label, data) called ``name``: tests
    press buttons by their stable name, never by their position, so that a button staff add or
    move does not make them press another one."""
    shown = list(shown)
    found = [data for _label, data in shown if presses(data, name)]
    labels = [label for label, _data in shown]
    assert len(found) == 1, f"{len(found)} buttons called {name!r}; buttons are {labels}"
    return found[0]


class Chat:
    """Drives one user through an engine the way an adapter would."""

    def __init__(self, engine: Engine, user: str = "u1", language_code: str | None = "en") -> None:
        self.engine = engine
        self.user = user
        self.language_code = language_code
        self.last: TurnResult | None = None

    async def say(self, text: str) -> TurnResult:
        self.last = await self.engine.turn(
            Input(self.user, text=text, language_code=self.language_code, first_name="Ann")
        )
        return self.last

    async def press(self, label: str) -> TurnResult:
        """Press the button with this label in the last replies."""
        assert self.last is not None
        for reply in self.last.replies:
            for button in reply.buttons:
                if button.label == label:
                    self.last = await self.engine.turn(Input(self.user, button=button.data))
                    return self.last
        labels = [b.label for r in self.last.replies for b in r.buttons]
        raise AssertionError(f"no button {label!r}; buttons are {labels}")

    async def press_id(self, name: str) -> TurnResult:
        """Press the button called ``name`` in the last replies, wherever it is shown: a
        state's button by its ``id:`` or text key (``menu.contact``), an option by its value
        (``instagram``), a yes/no answer by ``yes`` or ``no`` (``bot.content.button_ids``)."""
        assert self.last is not None
        shown = [(b.label, b.data) for r in self.last.replies for b in r.buttons]
        self.last = await self.engine.turn(Input(self.user, button=data_of(shown, name)))
        return self.last

    @property
    def texts(self) -> list[str]:
        assert self.last is not None
        return [r.text for r in self.last.replies]

    @property
    def buttons(self) -> list[str]:
        assert self.last is not None
        return [b.label for r in self.last.replies for b in r.buttons]


ChatFactory = Callable[..., Chat]
