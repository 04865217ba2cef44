"""``python -m bot init [FOLDER]``: the agency's own copy of the shipped conversations.

Like ``rasa init``: the bot ships working conversations (``dialogs/``, ``locales/``); the agency
copies them out once, edits its copy, and every command run inside that folder (or given it
with ``--content`` / ``BOT_CONTENT_DIR``) reads the copy. Nothing is ever overwritten.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from bot.config import shipped_content

COPIED = ("dialogs", "locales")
ENV_EXAMPLE = (".env.example", "env.example")  # in a checkout, in an installed package


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder: Path) -> None:
    """Copy the shipped conversations into FOLDER (default: here) for the agency to edit.

    FOLDER gets dialogs/, locales/ and .env.example. Existing files are never overwritten: a
    folder that already has dialogs/ or locales/ is left as it is (exit 1).
    """
    source = shipped_content()
    taken = [name for name in COPIED if (folder / name).exists()]
    if taken:
        click.echo(
            f"{folder / taken[0]} already exists: nothing was copied, so nothing of yours is "
            "overwritten. Pick an empty folder (expectations-bot init NEW_FOLDER).",
            err=True,
        )
        sys.exit(1)
    if not (source / "dialogs").is_dir():
        click.echo(f"The shipped conversations are missing from {source}: reinstall.", err=True)
        sys.exit(1)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            shutil.copytree(
                source / name, folder / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        example = next((source / n for n in ENV_EXAMPLE if (source / n).is_file()), None)
        if example is not None and not (folder / ".env.example").exists():
            shutil.copy2(example, folder / ".env.example")
    except OSError as err:
        click.echo(f"Cannot write in {folder}: {err.strerror}.", err=True)
        sys.exit(1)
    here = folder.resolve() == Path.cwd().resolve()
    click.echo(
        f"Copied the conversations into {folder}: dialogs/, locales/ and .env.example.\n"
        "Next:\n"
        + ("" if here else f"  cd {folder}\n")
        + "  expectations-bot validate     check your edits (file:line for each mistake)\n"
        "  expectations-bot chat         talk to the bot in this terminal\n"
        "  expectations-bot test         replay the conversation tests in dialogs/tests/\n"
        "  cp .env.example .env          then put the token from @BotFather in it, and:\n"
        "  expectations-bot run          the bot on Telegram"
    )
