"""The command line: ``python -m bot chat | validate | run | nlu | nlu-eval``.

Click keeps each command small and documented; ``--help`` on any of them says what it does.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.app import ContentError, Runtime, build_runtime, load_content
from bot.config import Settings, load_settings

if TYPE_CHECKING:
    from bot.storage.sqlite import Store


def start_runtime(settings: Settings) -> Runtime:
    """The bot built from ``settings``, warnings printed; exit 1 on content errors."""
    try:
        runtime = build_runtime(settings)
    except ContentError as err:
        click.echo(err.report(), err=True)
        click.echo("The bot cannot start until these problems are fixed.", err=True)
        sys.exit(1)
    if runtime.loaded.problems:
        click.echo(runtime.loaded.problems.report(), err=True)
    return runtime


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
    help="Folder with dialogs/ and locales/ (default: here).",
)


def existing_store(db_path: Path | None) -> Store:
    """The database the bot has been writing, or exit 1 with a plain explanation."""
    from bot.storage.sqlite import Store

    path = db_path or load_settings().db_path
    if not path.exists():
        click.echo(f"No database at {path} yet: nobody has talked to the bot.", err=True)
        sys.exit(1)
    return Store(path)


@click.group()
@click.version_option(package_name="expectations-bot")
def cli() -> None:
    """expectations-bot: honest answers about social-media growth, in Italian and English."""


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=".", required=False)
def validate(path: Path) -> None:
    """Check dialogs/ and locales/ under PATH (default: here). Exit 1 on any error."""
    loaded = load_content(path)
    if loaded.problems:
        click.echo(loaded.problems.report())
    errors = len(loaded.problems.errors)
    warnings = len(loaded.problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s).", err=True)
        sys.exit(1)
    content = loaded.content
    assert content is not None
    states = sum(len(d.states) for d in content.dialogs.values())
    keys = len(content.texts.get("it", {}))
    click.echo(
        f"OK: {len(content.dialogs)} dialog(s), {states} states, {keys} texts per language"
        + (f", {warnings} warning(s)" if warnings else "")
        + "."
    )


@cli.command()
@click.option(
    "--lang",
    type=click.Choice(["it", "en"]),
    default=None,
    help="Language to start in (default: from BOT_DEFAULT_LANG).",
)
@click.option(
    "--user",
    "user_id",
    default="console",
    show_default=True,
    help="Who you are; the same id continues the same conversation.",
)
@db_option
@content_option
def chat(lang: str | None, user_id: str, db_path: Path | None, root: Path | None) -> None:
    """Talk to the bot in this terminal. Numbers press buttons; /help, /menu, /lang en work."""
    from bot.adapters.console import ConsoleChat

    settings = load_settings()
    settings = replace(
        settings,
        content_dir=root or settings.content_dir,
        db_path=db_path or settings.db_path,
        default_lang=lang or settings.default_lang,
    )
    engine = start_runtime(settings).engine
    session = ConsoleChat(engine, f"console:{user_id}", lang=lang or settings.default_lang)
    click.echo(click.style("expectations-bot — console chat. Ctrl-D or /quit to leave.", bold=True))
    click.echo("")

    async def run() -> None:
        existing = engine.store.load(session.user_id)
        await session.send("/start" if existing is None else "", click.echo)
        if existing is not None and lang and existing.lang != lang:
            await session.send(f"/lang {lang}", click.echo)
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except (EOFError, KeyboardInterrupt):
                click.echo("")
                return
            if line.strip() in ("/quit", "/exit"):
                return
            await session.send(line, click.echo)

    asyncio.run(run())


@cli.command()
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the leads to this CSV file instead of printing them.",
)
@db_option
def leads(csv_path: Path | None, db_path: Path | None) -> None:
    """List the prospects who left their contacts or asked for a person."""
    from bot.staff.reports import export, format_table, lead_rows

    store = existing_store(db_path)
    if csv_path is not None:
        count = export(store, csv_path)
        click.echo(f"{count} lead(s) written to {csv_path}.")
    else:
        click.echo(format_table(lead_rows(store)))


@cli.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only prospects who started on or after this day (YYYY-MM-DD).",
)
@click.option("--source", default=None, help="Only prospects from this deep-link campaign.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the figures to this CSV file.",
)
@db_option
def stats(
    since: datetime | None, source: str | None, csv_path: Path | None, db_path: Path | None
) -> None:
    """The funnel: prospects, where they stop, leads by campaign, what was not understood."""
    from bot.staff.stats import compute, format_report, write_csv

    funnel = compute(existing_store(db_path), since=since, source=source)
    click.echo(format_report(funnel))
    if csv_path is not None:
        with csv_path.open("w", newline="", encoding="utf-8") as out:
            write_csv(funnel, out)
        click.echo(f"Figures written to {csv_path}.")


def _register_optional() -> None:
    """Commands that live with their own subsystem."""
    try:
        from bot.cli.run import run
    except ImportError:  # without python-telegram-bot, `chat` and `validate` still work
        pass
    else:
        cli.add_command(run)
    from bot.cli.graph import graph
    from bot.cli.transcripts import test

    cli.add_command(graph)
    cli.add_command(test)
    try:
        from bot.cli.nlu import nlu, nlu_eval
    except ImportError:
        return
    cli.add_command(nlu)
    cli.add_command(nlu_eval)


_register_optional()


def main() -> None:
    cli(prog_name="python -m bot")
