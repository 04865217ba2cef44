"""Webhook mode with a durable inbox: Telegram hears "200 OK" only once the update is written.

Telegram sends each update in a POST and sends it again, later, until one is answered with a
2xx. python-telegram-bot's own webhook server answers 200 as soon as the update is queued in
memory, so a ``kill -9`` right after loses it; it also reads the whole body before it checks
the secret, and logs an update it cannot decode with its contents. This server (tornado, which
python-telegram-bot's ``webhooks`` extra installs):

- checks the ``X-Telegram-Bot-Api-Secret-Token`` header and the declared length before a byte
  of the body is read (403 and 413, the connection closed), and caps any body at ``MAX_BODY``;
- writes the update to the store's inbox (``TelegramBot.keep_updates``) and only then answers
  200; if the write fails (the database locked past its patience) it answers 503, and Telegram
  delivers the update again;
- sets aside an update python-telegram-bot cannot decode (``TelegramBot.park_updates``) and
  answers 200, so Telegram does not send it again and again.

The updates then go through the same ``Application`` queue as in polling: the same handlers,
the same per-chat order, the same record of update ids that answers each once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import tornado.web
from tornado.httpserver import HTTPServer

from bot.adapters.telegram.inbox import decode, update_row
from bot.config import Settings

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.adapters.telegram.bot import TelegramBot

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes: Telegram's largest updates are a few KB
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """The local path the server listens on: the public URL's, so a reverse proxy passes
    requests through as they are (``https://bot.example.com/tg/hook`` → ``/tg/hook``)."""
    return "/" + urlsplit(url).path.strip("/")


class DurableWebhook:
    """The HTTP side of webhook mode: ``start`` listens, ``register`` tells Telegram where
    (``setWebhook``), ``stop`` closes. ``port`` overrides ``settings.webhook_port`` (tests)."""

    def __init__(
        self,
        bot: TelegramBot,
        app: Application,
        settings: Settings,
        *,
        port: int | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        if not settings.webhook_url or not settings.webhook_secret:
            raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
        self.bot = bot
        self.app = app
        self.settings = settings
        self.url = settings.webhook_url
        self.secret = settings.webhook_secret
        self.port = settings.webhook_port if port is None else port
        self.max_body = max_body
        routes = [(rf"{webhook_path(self.url).rstrip('/')}/?", _UpdateHandler, {"hook": self})]
        self._server = HTTPServer(
            tornado.web.Application(routes, log_function=_quiet),
            max_body_size=max_body,
            idle_connection_timeout=60,
        )

    async def start(self) -> None:
        self._server.listen(self.port, address=self.settings.webhook_listen)
        log.info("webhook: listening on %s:%s", self.settings.webhook_listen, self.port)

    async def register(self) -> None:
        """``setWebhook``: one connection at a time keeps Telegram's order per chat (the engine
        drops an update id older than the last one it saw); updates not yet answered stay."""
        from bot.adapters.telegram.bot import ALLOWED_UPDATES

        await self.bot.sender.call(
            "setWebhook",
            lambda: self.app.bot.set_webhook(
                self.url,
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                max_connections=1,
            ),
        )

    async def stop(self) -> None:
        self._server.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.close_all_connections(), 5)

    def secret_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.secret.encode())

    async def accept(self, body: bytes) -> int:
        """The HTTP status for one update's body: 200 once it is written (or set aside), 400
        for what is not an update, 503 when it could not be written (Telegram sends it again)."""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 400
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return 400
        row = update_row(raw)
        update, error = decode(raw, self.app.bot)
        try:
            if error is not None:
                await self.bot.park_updates([(*row, error)])
            else:
                await self.bot.keep_updates([row])
        except Exception as exc:  # not written: not acknowledged, so Telegram tries again
            log.warning(
                "webhook: update=%s not kept (%s), answered 503", row[0], type(exc).__name__
            )
            return 503
        if update is not None:
            await self.app.update_queue.put(update)
        return 200


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One POST from Telegram. ``prepare`` runs on the headers alone (``stream_request_body``):
    a request with a wrong secret or too long a body is refused before its body is read."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, hook: DurableWebhook) -> None:
        self.hook = hook
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        if not self.hook.secret_ok(self.request.headers.get(SECRET_HEADER)):
            self._refuse(403)
            return
        length = self.request.headers.get("Content-Length", "")
        if not length.isdigit():
            self._refuse(411)
        elif int(length) > self.hook.max_body:
            self._refuse(413)

    def _refuse(self, status: int) -> None:
        self.set_status(status)
        self.finish()  # the body is never read; tornado closes the connection

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self._size += len(chunk)
        if self._size > self.hook.max_body:
            self._refuse(413)
            return
        self._chunks.append(chunk)

    async def post(self) -> None:
        if self._finished:
            return
        self.set_status(await self.hook.accept(b"".join(self._chunks)))
        self.finish()


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """No access log: the bot logs each turn itself, and a line per POST says nothing more."""


async def serve_webhook(bot: TelegramBot, app: Application) -> None:
    """Run the bot in webhook mode until SIGINT or SIGTERM: the ``Application`` started, the
    server listening, the webhook registered; then a clean stop (replies still waiting for
    Telegram are kept for the next start, ``Sender.stop``)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    hook = DurableWebhook(bot, app, bot.settings)
    await app.initialize()
    try:
        await bot.post_init(app)
        await app.start()
        await hook.start()
        await hook.register()
        await stopping.wait()
        log.info("stopping")
    finally:
        bot.sender.stop()
        await hook.stop()
        if app.running:
            await app.stop()
        await bot.post_stop(app)
        await app.shutdown()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
