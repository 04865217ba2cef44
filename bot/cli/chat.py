"""``python -m bot chat``: the conversation in this terminal, no token needed."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import click

from bot.cli.common import content_option, db_option, start_runtime
from bot.config import load_settings
from bot.languages import DEFAULT


@click.command()
@click.option(
    "--lang",
    type=click.Choice(DEFAULT.codes),
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
    runtime = start_runtime(settings)
    engine = runtime.engine
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

    try:
        asyncio.run(run())
    finally:
        runtime.close()
