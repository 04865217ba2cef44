"""What the commands share: building the bot or exiting with the reason, common options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bot.app import ContentError, Runtime, SettingsError, StoreError, build_runtime, open_store
from bot.config import Settings, load_settings
from bot.core.ports import StoreBusy

if TYPE_CHECKING:
    from bot.core.ports import ConversationStore


def content_failure(err: ContentError) -> NoReturn:
    """Print the located problems and exit 1: the bot never starts on broken content."""
    click.echo(err.report(), err=True)
    errors = len(err.problems.errors)
    click.echo(
        f"The bot cannot start until the {'error' if errors == 1 else 'errors'} above "
        f"{'is' if errors == 1 else 'are'} fixed (warnings don't stop it).",
        err=True,
    )
    sys.exit(1)


def start_runtime(settings: Settings) -> Runtime:
    """The bot built from ``settings``, warnings printed; exit 1 on content errors, a setting
    it cannot use or a database it cannot open (one line saying which and what to do)."""
    try:
        runtime = build_runtime(settings)
    except ContentError as err:
        content_failure(err)
    except (SettingsError, StoreError) as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    if runtime.loaded.problems:
        click.echo(short_report(runtime.loaded.problems.report()), err=True)
    return runtime


SCRIPT = "expectations-bot"


def program_name(argv0: str) -> str:
    """``expectations-bot`` when run as the installed script, else ``python -m bot``."""
    return SCRIPT if Path(argv0).name.startswith(SCRIPT) else "python -m bot"


def program() -> str:
    """How the running command was called, to name other commands the same way in messages."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    # a command invoked on its own (a test's CliRunner) has its own name at the root
    called = root is not None and isinstance(root.command, click.Group)
    return (root.info_name if called and root else None) or "python -m bot"


WARNINGS_SHOWN = 3
"""Warnings printed when the bot starts; `validate` lists them all (placeholders still to fill
in would otherwise bury the conversation at every start)."""


def short_report(report: str) -> str:
    """The first ``WARNINGS_SHOWN`` lines of a warnings-only report, and how many more."""
    lines = report.splitlines()
    if len(lines) <= WARNINGS_SHOWN:
        return report
    more = len(lines) - WARNINGS_SHOWN
    return "\n".join(
        [*lines[:WARNINGS_SHOWN], f"… and {more} more warning(s): {program()} validate"]
    )


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    default=None,
    help="SQLite file (default: BOT_DB_PATH or data/bot.db).",
)
content_option = click.option(
    "--content",
    "root",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder with dialogs/ and locales/ (default: BOT_CONTENT_DIR, else this folder if it "
    "has dialogs/, else the conversations the bot ships).",
)


def content_root(root: Path | None) -> Path:
    """The content folder a command works on: ``--content``, else ``BOT_CONTENT_DIR``, else
    this folder if it has ``dialogs/``, else the shipped conversations (``bot.config``)."""
    return root if root is not None else load_settings().content_dir


READER_WAIT = 30.0
"""Seconds a command waits for the database when another program (the bot under load, a
backup) holds its lock, before it gives up with one line (``--wait``)."""


def locked_line(path: Path, err: Exception, wait: float | None = None) -> str:
    """One plain line for a database that stayed locked past the wait (``wait``: the
    command's ``--wait``, which can be made longer)."""
    longer = ", or wait longer with --wait SECONDS" if wait is not None else ""
    return (
        f"{path} stayed locked by another program ({err}). Nothing was changed: try again in "
        f"a moment{longer}."
    )


def existing_store(db_path: Path | None, wait: float | None = None) -> ConversationStore:
    """The database the bot has been writing, or exit 1 with a plain explanation. A lock
    held by another program is waited for up to ``wait`` seconds (``READER_WAIT`` for the
    readers), by the opening and by the store's calls after it; None: the store's default.

    Opening it applies the pending migrations; one line on stderr names them, if any."""
    path = db_path or load_settings().db_path
    if not path.exists():
        click.echo(
            f"No database at {path.resolve()}: nobody has talked to the bot here yet. Run the "
            "command in the bot's folder (where it keeps data/bot.db), or name the file with "
            "--db or BOT_DB_PATH.",
            err=True,
        )
        sys.exit(1)
    try:
        store = open_store(path, wait=wait)
    except StoreError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    except StoreBusy as err:
        click.echo(locked_line(path, err, wait), err=True)
        sys.exit(1)
    if store.migrated:
        click.echo(f"Upgraded the database: {', '.join(store.migrated)}", err=True)
    return store
