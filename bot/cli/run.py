"""``python -m bot run``: the bot on Telegram, by long polling or behind a webhook.

``run_polling``/``run_webhook`` own the event loop and stop cleanly on SIGINT/SIGTERM: updates
already fetched are processed and their replies sent before the process exits, and updates not
yet fetched stay with Telegram (their offset is never confirmed) for the next start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import content_option, program
from bot.config import Settings, load_settings, retention_problem

if TYPE_CHECKING:
    from bot.storage.lease import InstanceLease

log = logging.getLogger("bot.run")

NO_TOKEN = """\
TELEGRAM_BOT_TOKEN is not set, so there is no bot to run.

  1. In Telegram, open @BotFather, send /newbot and follow the two questions.
  2. Copy the token it gives you into a .env file next to this project:
       TELEGRAM_BOT_TOKEN=123456789:AA...
     (see .env.example for every setting), or export it in your shell.
  3. Run `{program} run` again.

Just want to try the conversation? `{program} chat` runs it in this terminal, no token needed.
"""
# Telegram's rule for secret_token: 1-256 characters, A-Z a-z 0-9 _ -
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def check_settings(settings: Settings) -> str | None:
    """What stops the bot from starting, in words for whoever deploys it; None if nothing."""
    if not settings.token:
        return NO_TOKEN.format(program=program())
    if settings.admin_ids_invalid:
        bad = ", ".join(f"'{part}'" for part in settings.admin_ids_invalid)
        return (
            f"BOT_ADMIN_IDS must be numeric Telegram chat ids, separated by commas; {bad} is "
            "not one (a @username cannot be used). Ask each admin to send /start to the bot: "
            "the log line 'turn user=tg:<id>' shows their id."
        )
    retention = retention_problem(settings)
    if retention:
        return retention
    if settings.webhook_url:
        official = settings.api_base_url.startswith(Settings.api_base_url)
        if official and not settings.webhook_url.startswith("https://"):
            return "WEBHOOK_URL must be a public https:// address (Telegram refuses plain http)."
        if not settings.webhook_secret:
            return (
                "Webhook mode needs WEBHOOK_SECRET, so only Telegram can post updates.\n"
                'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        if not SECRET.match(settings.webhook_secret):
            return "WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (at most 256)."
    return None


def setup_logging(verbose: bool) -> None:
    from telegram.error import InvalidToken, NetworkError

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # transitions narrates every state change at INFO: the engine's own turn line is enough.
    logging.getLogger("transitions").setLevel(logging.WARNING)

    def no_traceback_for_known_causes(record: logging.LogRecord) -> bool:
        """A refused token or an unreachable Telegram is a person's matter, said in one line
        by ``startup_problem``: python-telegram-bot's own report of it keeps its line, not a
        traceback."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, InvalidToken | NetworkError):
            record.exc_info, record.exc_text = None, None
        return True

    for handler in logging.getLogger().handlers:
        handler.addFilter(no_traceback_for_known_causes)


@click.command("run")
@click.option("--verbose", is_flag=True, help="Log our own debug messages too.")
@content_option
def run(verbose: bool, root: Path | None) -> None:
    """Run the bot on Telegram (polling; webhook when WEBHOOK_URL is set). Ctrl-C stops it."""
    settings = load_settings()
    if root is not None:
        settings = replace(settings, content_dir=root)
    problem = check_settings(settings)
    if problem:
        click.echo(problem, err=True)
        sys.exit(2)
    setup_logging(verbose)
    # PTB 22 warns on every 429 until time periods are timedeltas; opt in to the future now.
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    from bot.adapters.telegram.bot import ALLOWED_UPDATES, TelegramBot
    from bot.adapters.telegram.webhook import serve_webhook
    from bot.cli.common import start_runtime

    lease = hold_lease(settings)  # one bot per database: a second one stops here
    try:
        runtime = start_runtime(settings)
    except SystemExit:  # the content or a setting: said, and the lease given back
        lease.release()
        raise
    engine = runtime.engine
    # content watching and handover expiry run in the background
    bot = TelegramBot(
        engine,
        settings,
        prepare=runtime.prepare,
        background=True,
        lead_fields=runtime.lead_fields,
    )
    app = bot.build(updater=not settings.webhook_url)
    failure: str | None = None
    try:
        if settings.webhook_url:
            log.info("starting: webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
            # our own server: an update is written before Telegram hears 200 (webhook.py)
            asyncio.run(serve_webhook(bot, app))
        else:
            log.info("starting: long polling")
            bot.stop_signals = True  # a stop gives up waiting replies at once (request_stop)
            app.run_polling(
                timeout=timedelta(seconds=30),
                bootstrap_retries=3,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                stop_signals=None,
            )
    except Exception as exc:  # each known cause gets its own plain line
        failure = startup_problem(exc, settings)
        if failure is None:  # a bug: its traceback, through the log (the token scrubbed)
            log.exception("the bot stopped on an unexpected error")
            failure = "The bot stopped on an unexpected error (see the log above)."
    finally:
        runtime.close()  # the store, and the chart process if one was started
        lease.release()  # the next start need not take it over
        log.info("stopped")
    if failure is not None:
        click.echo(failure, err=True)
        sys.exit(1)


def hold_lease(settings: Settings) -> InstanceLease:
    """The database's lease (``bot.storage.lease``), taken and renewed from now on; exit 1
    with one line naming the other bot when one is running on the same database (before
    anything else is loaded: the refusal is quick and says only that). A holder gone
    (killed, crashed, its machine down) is taken over at once, with a log line."""
    from bot.app import StoreError, open_store
    from bot.core.ports import StoreBusy
    from bot.storage.lease import LeaseHeld, SqliteLease

    try:
        open_store(settings.db_path).close()  # created or upgraded: it has the lease table
        lease = SqliteLease(settings.db_path)
    except (StoreError, StoreBusy) as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    try:
        lease.acquire()
    except (LeaseHeld, StoreBusy) as err:
        lease.release()
        click.echo(str(err), err=True)
        sys.exit(1)
    # the lease taken over by another bot (this one was frozen): a clean stop, as on SIGTERM
    lease.keep(on_lost=lambda holder: os.kill(os.getpid(), signal.SIGTERM))
    return lease


def startup_problem(exc: BaseException, settings: Settings) -> str | None:
    """One plain line for what people get wrong when starting the bot (never the token);
    None for anything else."""
    from telegram.error import InvalidToken, NetworkError

    if isinstance(exc, InvalidToken):
        return (
            "Telegram refused the token (401 Unauthorized): copy it again from @BotFather "
            "(/mybots → your bot → API Token) into TELEGRAM_BOT_TOKEN."
        )
    if isinstance(exc, NetworkError):
        where = settings.api_base_url.split("/bot")[0]
        return (
            f"Telegram cannot be reached at {where} ({type(exc).__name__}): check this "
            "machine's internet connection, or TELEGRAM_API_BASE_URL if you set it."
        )
    return None
