"""A failed ``getUpdates`` said as what it means: one line, no traceback, once a minute.

python-telegram-bot 22 polls in a retry loop (``telegram.ext._utils.networkloop``). A 429 and a
timeout it waits out by itself, at DEBUG; every other ``TelegramError`` of ``getUpdates`` goes
to ``Updater.start_polling(error_callback=...)``, which ``Application.run_polling`` turns into
``process_error(update=None)``: our ``TelegramBot.on_error``, which hands it to
``PollingTrouble.report``. (Without an error callback, PTB logs each one with
``logging.exception``: an ERROR and a traceback per failure, a few a minute while Telegram is
down.)

- A transient failure — Telegram or the network down (5xx, a closed connection, a refused
  one), a timeout, a 429 — is a WARNING, once a minute at most, with how many more there were.
- 409 Conflict is no outage: another process polls with the same token (or set a webhook), and
  each ``getUpdates`` of one cuts the other's short, so updates go to either bot at random. It is
  an ERROR line, without a traceback, once a minute while it lasts.

An error page instead of JSON (nginx's HTML "502 Bad Gateway", what Telegram's front servers
send during an outage) also makes python-telegram-bot log the whole body with a traceback
(``BaseRequest.parse_json_payload``) before it raises the failure we report; and a broken
``getUpdates`` answer would put prospects' messages in the log the same way. ``QuietBodies``
drops that record: the failure still reaches us, said in one line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram.error import Conflict, RetryAfter, TelegramError, TimedOut

from bot.adapters.telegram.send import retry_seconds

log = logging.getLogger(__name__)

EVERY = 60.0  # seconds between two lines about the same kind of trouble
PTB_REQUEST_LOGGER = "telegram.request.BaseRequest"
INVALID_JSON = "Can not load invalid JSON data"  # how that logger starts the record we drop


class QuietBodies(logging.Filter):
    """Drops python-telegram-bot's "Can not load invalid JSON data: <the body>" records."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(INVALID_JSON)


def quiet_bodies() -> None:
    """Install ``QuietBodies`` on python-telegram-bot's request logger (once)."""
    logger = logging.getLogger(PTB_REQUEST_LOGGER)
    if not any(isinstance(f, QuietBodies) for f in logger.filters):
        logger.addFilter(QuietBodies())


def describe(error: TelegramError) -> str:
    """A failure in a few words: "Bad Gateway (502)", "timed out", "429 Too Many Requests:
    retry after 3 s"; never the body of an error page."""
    if isinstance(error, RetryAfter):
        return f"429 Too Many Requests: retry after {retry_seconds(error):g} s"
    if isinstance(error, TimedOut):
        return "timed out"
    text = str(error.message).split(". Parsing the server response", 1)[0]
    return " ".join(text.split())[:160] or type(error).__name__


class PollingTrouble:
    """Says what a failed ``getUpdates`` means (``report``), each kind at most once every
    ``every`` seconds on ``clock`` (monotonic seconds); the failures not said are counted in
    the next line. Installs ``QuietBodies``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, every: float = EVERY) -> None:
        self.clock = clock
        self.every = every
        self._told: dict[str, float] = {}  # kind -> when it was last said
        self._unsaid: dict[str, int] = {}  # kind -> failures since then
        quiet_bodies()

    def report(self, error: BaseException | None) -> bool:
        """Log a failed ``getUpdates``; False, logging nothing, when ``error`` is no Telegram
        error (a bug, for the caller's traceback)."""
        if not isinstance(error, TelegramError):
            return False
        if isinstance(error, Conflict):
            more = self._due("conflict")
            if more is not None:
                log.error(
                    "Telegram refused getUpdates (409 Conflict: %s): another process is using "
                    "this bot's token%s. Two bots on one token take turns at the updates, so "
                    "prospects are answered twice or not at all: stop the other one (or delete "
                    "its webhook). This bot goes on trying.",
                    describe(error),
                    more,
                )
            return True
        more = self._due("transient")
        if more is not None:
            log.warning("getUpdates failed (%s)%s; polling goes on trying", describe(error), more)
        return True

    def _due(self, kind: str) -> str | None:
        """ " (N more since the last line)" (or "") when ``kind`` may be said now, else None
        (the failure is counted)."""
        now = self.clock()
        told = self._told.get(kind)
        if told is not None and now - told < self.every:
            self._unsaid[kind] = self._unsaid.get(kind, 0) + 1
            return None
        self._told[kind] = now
        unsaid = self._unsaid.pop(kind, 0)
        return f" ({unsaid} more since the last line)" if unsaid else ""
