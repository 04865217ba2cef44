"""The Telegram adapter: python-telegram-bot 22 on the outside, ``Engine.turn`` on the inside.

The engine saves each turn before we send anything, so a reply that fails after our retries
costs the prospect one message, never their place in the conversation. Everything else here is
about being a good Telegram citizen: one chat in order, many chats at once, Telegram's limits
respected, hostile input answered politely or not at all, and no token or contact in the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import signal
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.telegram.format import media_kind, pressed_label, visible, with_choice
from bot.adapters.telegram.guard import FloodGuard, PerChatProcessor, install_redaction
from bot.adapters.telegram.handover import DONE_PREFIX, TOAST_MAX, Handovers
from bot.adapters.telegram.inbox import KeptUpdates, decode, update_user
from bot.adapters.telegram.notes import HANDLED_PREFIX, AdminOutbox
from bot.adapters.telegram.outbound import TelegramOutbound
from bot.adapters.telegram.polling import PollingTrouble
from bot.adapters.telegram.send import Abandoned, Sender
from bot.adapters.telegram.staff import StaffDesk
from bot.adapters.telegram.timing import TurnTiming, handed_over, timing
from bot.config import Settings
from bot.core.compose import compose, compose_counted
from bot.core.engine import Engine
from bot.core.messages import Input, Reply, TurnResult
from bot.core.ports import StoreBusy
from bot.core.records import LeadField
from bot.staff.reload import Prepare, Reloader
from bot.staff.services import build_staff_services
from bot.storage.retention import Retention, run_retention

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

# fmt: off
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member",
                   "channel_post", "edited_channel_post"]
# fmt: on

COMMANDS = ("start", "menu", "help", "lang", "restart", "privacy", "delete")
CONNECTION_POOL = 16
"""HTTP connections to the Bot API at most. The rate limiter lets about 30 sending calls a
second through, and Telegram answers one in 0.1-0.3 s: 3 to 9 are in flight, plus the answers
to button taps (not limited). 16 keeps headroom for slow moments (30 a second at 0.5 s each),
while httpcore scans every open connection on each request: 64 made that scan 14-34% of
the bot's CPU in a burst without the limiter (issue 18). More requests wait for a free
connection (``pool_timeout``), as they would wait for the limiter anyway."""
PARK_AFTER = 3  # failed tries (one per start) before an update is set aside, not tried again


def user_key(user_id: int) -> str:
    return f"tg:{user_id}"


def api_urls(base_url: str) -> tuple[str, str]:
    """(base_url, base_file_url) for the official Bot API or a local Bot API server."""
    base = base_url.rstrip("/")
    if "{token}" in base:
        return base, base.replace("/bot{token}", "/file/bot{token}")
    if not base.endswith("/bot"):
        base += "/bot"
    return base, base[: -len("/bot")] + "/file/bot"


def clean_text(text: str) -> str:
    """Lone surrogates (possible in JSON, impossible in UTF-8) would break SQLite later."""
    return text.encode("utf-8", "replace").decode("utf-8")


class TelegramBot:
    """Handlers, sending and admin delivery around one ``Engine``; ``build()`` gives the app.

    ``lead_fields``: the lead answers the staff's notes and CSV show, labelled (the plug-ins',
    ``bot.app.lead_fields``); None shows every answer by its slot name."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        prepare: Prepare,
        send_attempts: int = 4,
        backoff: float = 0.5,
        reply_patience: float | None = None,
        flood: FloodGuard | None = None,
        max_concurrent_updates: int = 256,
        remembered_chats: int = 10_000,
        background: bool = False,
        lead_fields: Sequence[LeadField] | None = None,
        typing_after: float = 1.0,
        outbox_tick: float = 60.0,
    ) -> None:
        self.engine = engine
        self.settings = settings
        # a prospect's replies are tried for BOT_REPLY_RETRY_MINUTES, the rest ``send_attempts``
        patience = settings.reply_retry_minutes * 60 if reply_patience is None else reply_patience
        self.sender = Sender(send_attempts, backoff, patience)
        # the staff services (bot.staff) reach people through this; PTB's Bot joins it later
        self.outbound = TelegramOutbound(self.sender)
        services = build_staff_services(
            engine,
            self.outbound,
            staff_ids=settings.admin_ids,
            handover_timeout=timedelta(minutes=settings.handover_timeout_minutes),
            lead_fields=lead_fields,
            alert_after=timedelta(minutes=settings.outbox_alert_minutes),
        )
        self.handover_service = services.handover
        self.handovers = Handovers(self.handover_service, self.outbound, self.sender)
        self.lead_notes = services.notes
        self.outbox = AdminOutbox(self.lead_notes, self.outbound, self.sender)
        self.staff = StaffDesk(services.commands, self.sender, settings.admin_ids, self.handovers)
        self.reloader = Reloader(
            engine,
            settings.content_dir,
            self.staff.report_problems,
            prepare=prepare,
            on_reloaded=self.staff.report_reloaded,
        )
        self.staff.reloader = self.reloader
        # file watching and handover expiry: on for `run`, off where tests drive the app by hand
        self.background = background
        # `run` (polling) stops on SIGINT/SIGTERM through ``request_stop``, set up in post_init
        self.stop_signals = False
        self._tasks: list[asyncio.Task[None]] = []
        self.flood = flood if flood is not None else FloodGuard()  # an empty guard is falsy
        self.processor = PerChatProcessor(
            max_concurrent_updates, self.flood, self._on_flood, finished=self._finished
        )
        # updates ``_finished`` leaves alone: their turn released them from the inbox already,
        # or they stay there for the next start (the database stayed locked)
        self._released_elsewhere: set[int] = set()
        # update -> (the kind of error its handling raised, user id, raw JSON)
        self._failed: dict[int, tuple[str, str | None, str]] = {}
        self._remembered = remembered_chats
        self._keyboards: OrderedDict[int, int] = OrderedDict()  # chat -> message with buttons
        self._told_groups: OrderedDict[int, None] = OrderedDict()
        self._bot_username: str | None = None
        # a turn slower than this (a database locked by another program, a chart being drawn)
        # shows "typing…"; a quick one does not spend a call on it
        self.typing_after = typing_after
        self.outbox_tick = outbox_tick  # the longest sleep of the outbox's retry timer
        self.unreachable_admins: dict[int, str] = {}  # admin chat -> why (``check_admins``)
        self.polling = PollingTrouble()  # a failed getUpdates: one line a minute (on_error)
        # told each prospect update's own processing (``bot.adapters.telegram.timing``) when
        # set: the load benchmark does; None costs nothing
        self.on_turn_timed: Callable[[TurnTiming], None] | None = None
        install_redaction(settings.token, settings.webhook_secret)

    # -- building ------------------------------------------------------------------------------

    def build(self, *, updater: bool = True, rate_limit: bool = True) -> Application:
        """The Application; ``rate_limit=False`` leaves out Telegram's 30 calls a second (for
        the load benchmark's own-CPU runs, never for Telegram itself)."""
        if not self.settings.token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        base_url, base_file_url = api_urls(self.settings.api_base_url)
        builder: Any = (
            ApplicationBuilder()
            .token(self.settings.token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .concurrent_updates(self.processor)
            .get_updates_request(KeptUpdates(self.keep_updates, self.park_updates))
            .connection_pool_size(CONNECTION_POOL)
            .pool_timeout(10.0)
            .post_init(self.post_init)
            .post_stop(self.post_stop)
            .post_shutdown(self.post_stop)
        )
        if rate_limit:
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        if not updater:
            builder = builder.updater(None)
        app = builder.build()
        self.add_handlers(app)
        return app

    def add_handlers(self, app: Application) -> None:
        private = filters.ChatType.PRIVATE
        app.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & private, self._timed(self.on_message))
        )
        app.add_handler(CallbackQueryHandler(self._timed(self.on_callback)))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        app.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.GROUPS, self.on_group)
        )
        app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, self.on_channel))
        app.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(TypeHandler(object, self.on_other))  # last: whatever nothing else took
        app.add_error_handler(self.on_error)

    async def post_init(self, app: Application) -> None:
        """Once connected: menu commands per language, then any admin notes a crash held back."""
        self._bot_username = app.bot.username
        self.outbound.bot = app.bot
        for lang in (*self.engine.languages.codes, None):
            words = lang or self.engine.default_lang
            commands = [
                BotCommand(name, self.engine.text(f"telegram.commands.{name}", words)[:256] or name)
                for name in COMMANDS
            ]
            try:
                await self.sender.call(
                    "setMyCommands",
                    functools.partial(app.bot.set_my_commands, commands, language_code=lang),
                )
            except TelegramError as exc:
                log.warning("setMyCommands lang=%s failed: %s", lang, type(exc).__name__)
        ordinary = [
            BotCommand(n, self.engine.text(f"telegram.commands.{n}", self.engine.default_lang) or n)
            for n in COMMANDS
        ]
        await self.staff.set_commands(app.bot, ordinary)
        self.staff.bot = app.bot
        if self.stop_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.request_stop, app)
        await self.check_admins(app.bot)
        await self.replay_kept(app)
        await self.outbox.deliver(app.bot, everything=True)  # whatever waited, tried now
        # notes no admin received are tried again on a timer, whatever the prospects do
        self._tasks.append(
            asyncio.create_task(self.lead_notes.run(self.outbox_tick), name="outbox-delivery")
        )
        if self.background:
            self.reloader.start()
            self._tasks.append(
                asyncio.create_task(self.handovers.run_expiry(app.bot), name="handover-expiry")
            )
            # what is older than BOT_RETENTION_DAYS goes: now, then once a day
            retention = Retention.of(self.settings)
            self._tasks.append(
                asyncio.create_task(
                    run_retention(self.engine.store, retention, self.engine.clock),
                    name="retention",
                )
            )

    async def keep_updates(self, rows: list[tuple[int, str | None, str]]) -> None:
        """Write updates just received to the inbox, before Telegram is told they arrived."""
        store = self.engine.store
        await store.call(store.keep_updates, rows, self.engine.clock())

    async def park_updates(self, rows: list[tuple[int, str | None, str, str]]) -> None:
        """Updates that cannot be decoded: kept and set aside at once, with why (never what
        they say: a prospect's contacts must not reach the log)."""
        store = self.engine.store
        for update_id, user_id, payload, error in rows:
            await store.call(
                store.update_failed,
                update_id,
                error,
                self.engine.clock(),
                1,
                (user_id, payload),
            )
            log.warning("update=%s set aside (%s): see /stats", update_id, error)

    async def replay_kept(self, app: Application) -> int:
        """Queue the updates kept by a process that stopped before answering them (a
        ``kill -9``, a power cut); how many. The engine answers each once: a turn already
        saved gives back its replies if they were never sent, and nothing else."""
        store = self.engine.store
        kept = await store.call(store.kept_updates)
        for update_id, payload in kept:
            update, error = decode(json.loads(payload), app.bot)
            if update is None:  # unreadable: set aside, not retried for ever
                await store.call(store.update_failed, update_id, error, self.engine.clock(), 1)
                log.warning("kept update=%s set aside (%s): see /stats", update_id, error)
                continue
            await app.update_queue.put(update)
        if kept:
            log.info("%d update(s) kept from the last run: handled now", len(kept))
        return len(kept)

    async def _finished(self, update_id: int) -> None:
        """The update was handled: it leaves the inbox (a turn's own did already). One whose
        handling failed stays, to be tried again at the next start, and is set aside after
        ``PARK_AFTER`` failures (``on_error``)."""
        store = self.engine.store
        failed = self._failed.pop(update_id, None)
        if failed is not None:
            self._released_elsewhere.discard(update_id)
            error, user_id, payload = failed
            parked = await store.call(
                store.update_failed,
                update_id,
                error,
                self.engine.clock(),
                PARK_AFTER,
                (user_id, payload),
            )
            log.warning(
                "update=%s failed (%s): %s",
                update_id,
                error,
                "set aside, see /stats" if parked else "tried again at the next start",
            )
            return
        if update_id in self._released_elsewhere:
            self._released_elsewhere.discard(update_id)
            return
        await store.call(store.turn_answered, None, update_id)

    async def _turn_answered(self, user_id: str, update_id: int | None) -> None:
        """The turn's replies went out (or never will): forget them and the update."""
        if update_id is None:
            return
        store = self.engine.store
        await store.call(store.turn_answered, user_id, update_id)
        self._released_elsewhere.add(update_id)

    async def check_admins(self, bot: Any) -> dict[int, str]:
        """Ask Telegram about each admin chat (``getChat``) and say plainly in the log which
        ones the bot cannot write to, and why; the unreachable ones, with the reason."""
        self.unreachable_admins = {}
        if not self.settings.admin_ids:
            log.warning(
                "BOT_ADMIN_IDS is empty: leads and requests for a person are saved, but no "
                "admin is told. Add the admins' Telegram ids to BOT_ADMIN_IDS."
            )
        name = f"@{self._bot_username}" if self._bot_username else "the bot"
        link = f"https://t.me/{self._bot_username}" if self._bot_username else "the bot"
        reachable: list[int] = []
        for admin in self.settings.admin_ids:
            try:
                await self.sender.call("getChat", functools.partial(bot.get_chat, admin))
            except Forbidden as exc:
                self.unreachable_admins[admin] = f"they blocked {name} (Telegram: {exc.message})"
            except BadRequest as exc:
                self.unreachable_admins[admin] = (
                    f"they never pressed Start in a chat with {name} (Telegram: {exc.message})"
                )
            except TelegramError as exc:
                log.warning("admin %s not checked: %s", admin, type(exc).__name__)
            else:
                reachable.append(admin)
        meanwhile = (
            f"admin(s) {', '.join(map(str, reachable))} receive leads meanwhile"
            if reachable
            else "until one of them can be reached, leads and requests for a person wait "
            "in the outbox (the bot keeps trying)"
        )
        for admin, why in self.unreachable_admins.items():
            log.warning(
                "Admin %s cannot be reached: %s. Ask them to open %s and press Start; %s.",
                admin,
                why,
                link,
                meanwhile,
            )
        if reachable:
            log.info("admin(s) %s can be reached", ", ".join(map(str, reachable)))
        return dict(self.unreachable_admins)

    def request_stop(self, app: Application) -> None:
        """SIGINT/SIGTERM while polling: replies waiting to be tried again give up at once
        (kept for the next start), then python-telegram-bot stops cleanly; a stop takes
        seconds, not ``BOT_REPLY_RETRY_MINUTES``."""
        log.info("stopping")
        self.sender.stop()
        app.stop_running()

    async def post_stop(self, app: Application) -> None:
        """Stop watching files and expiring handovers (twice is harmless)."""
        self.sender.stop()
        await self.reloader.stop()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- handlers ------------------------------------------------------------------------------

    def _timed(
        self, handler: Callable[[Update, Context], Coroutine[Any, Any, None]]
    ) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        """``handler``, its own processing told to ``on_turn_timed`` when that is set."""

        @functools.wraps(handler)
        async def timed(update: Update, context: Context) -> None:
            listener = self.on_turn_timed
            if listener is None:
                await handler(update, context)
                return
            with timing(update.update_id) as timer:
                await handler(update, context)
            listener(timer)

        return timed

    async def on_message(self, update: Update, context: Context) -> None:
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot:
            return
        text = clean_text(message.text or "")
        media = None if message.text is not None else media_kind(message)
        if message.text is None and media is None:
            log.debug("update=%s ignored: service message", update.update_id)
            return
        # someone else's words passed on (Telegram's forward header): never a command, from
        # an admin either; the engine reads them as text the prospect shared (``Input``)
        forwarded = message.forward_origin is not None or bool(message.is_automatic_forward)
        if not forwarded and await self.staff.handle(context.bot, message):  # admin business
            return
        # a person talking to them: the engine keeps what they write for the admins (not their
        # commands), the adapter passes it on (``turn``)
        inp = Input(
            user_key(user.id),
            text=text,
            media=media,
            language_code=user.language_code,
            first_name=clean_text(user.first_name or ""),
            input_id=update.update_id,
            forwarded=forwarded,
        )
        await self.turn(context.bot, message.chat_id, inp, update.update_id, message)

    async def on_callback(self, update: Update, context: Context) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        if (query.data or "").startswith(HANDLED_PREFIX) and self.staff.is_admin(user.id):
            await self.outbox.handled_pressed(context.bot, query)
            return
        if (query.data or "").startswith(DONE_PREFIX) and self.staff.is_admin(user.id):
            await self.handovers.done_pressed(context.bot, query, clean_text(user.first_name))
            return
        message = query.message
        if message is None or message.chat.type != ChatType.PRIVATE:
            await self.sender.quietly("answerCallbackQuery", query.answer)
            return
        notice: str | None = None
        try:
            await self._close_keyboard(context.bot, query)
            markup = message.reply_markup if isinstance(message, Message) else None
            label = pressed_label(markup, query.data or "")
            inp = Input(
                user_key(user.id),
                button=clean_text(query.data or "")[:64],
                label=clean_text(label)[:64] if label else None,
                language_code=user.language_code,
                first_name=clean_text(user.first_name or ""),
                input_id=update.update_id,
            )
            result = await self.turn(context.bot, message.chat.id, inp, update.update_id)
            notice = result.notice if result is not None else None
        finally:
            # the tap's own answer: the engine's notice (an old keyboard) as its pop-up
            toast = visible(notice)[:TOAST_MAX] if notice else None
            await self.sender.quietly("answerCallbackQuery", lambda: query.answer(toast or None))

    async def on_edited(self, update: Update, context: Context) -> None:
        """An edit would answer the same question twice: the original was already handled."""
        log.debug("update=%s ignored: edited message", update.update_id)

    async def on_group(self, update: Update, context: Context) -> None:
        """Private chats only: say so once, in every language, and leave."""
        chat = update.effective_chat
        if chat is None or chat.id in self._told_groups:
            return
        self._remember(self._told_groups, chat.id, None)
        notice = "\n".join(
            self.engine.text("telegram.group_notice", lang, bot_username=self._bot_username or "")
            for lang in self.engine.languages.codes
        )
        log.info("group chat=%s update=%s: notice and leave", chat.id, update.update_id)
        await self.sender.quietly(
            "sendMessage",
            lambda: context.bot.send_message(chat.id, notice, parse_mode=ParseMode.HTML),
        )
        await self.sender.quietly("leaveChat", lambda: context.bot.leave_chat(chat.id))

    async def on_channel(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None or chat.id in self._told_groups:
            return
        self._remember(self._told_groups, chat.id, None)
        log.info("channel chat=%s update=%s: leaving", chat.id, update.update_id)
        await self.sender.quietly("leaveChat", lambda: context.bot.leave_chat(chat.id))

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """A prospect blocked the bot (``kicked``) or started it again (``member``)."""
        change, chat = update.my_chat_member, update.effective_chat
        if change is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        store = self.engine.store
        since = self.engine.clock() if status == "kicked" else None
        await store.call(store.set_unreachable, user_key(chat.id), since)
        log.info("user=tg:%s is now %s", chat.id, "unreachable" if since else "reachable")

    async def on_other(self, update: object, context: Context) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.debug("update=%s ignored: nothing to do for this kind", update_id)

    async def on_error(self, update: object, context: Context) -> None:
        """The last net: log with the update id, keep running. A failed ``getUpdates`` (what
        ``run_polling`` reports with no update) is not a bug: one line a minute says what it
        means, without a traceback (``PollingTrouble``)."""
        update_id = update.update_id if isinstance(update, Update) else None
        error = context.error
        if update is None and self.polling.report(error):
            return
        if isinstance(update, Update):  # ``_finished`` keeps it for another try, or sets it aside
            raw = update.to_dict()
            self._failed[update.update_id] = (
                type(error).__name__,
                update_user(raw),
                json.dumps(raw),
            )
        log.error(
            "unexpected error in update=%s: %s",
            update_id,
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )

    async def _on_flood(self, update: Update) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        store = self.engine.store
        conv = await store.call(store.load, user_key(user.id))
        languages = self.engine.languages
        lang = (
            conv.lang if conv else (languages.match(user.language_code) or self.engine.default_lang)
        )
        if update.callback_query is not None:
            await self.sender.quietly("answerCallbackQuery", update.callback_query.answer)
        await self.sender.quietly(
            "sendMessage",
            lambda: update.get_bot().send_message(
                chat.id, self.engine.text("telegram.flood", lang)
            ),
        )

    # -- one turn ------------------------------------------------------------------------------

    async def turn(
        self,
        bot: Any,
        chat_id: int,
        inp: Input,
        update_id: int | None,
        message: Message | None = None,
    ) -> TurnResult | None:
        """One turn of the engine and its replies sent; the result (None: a redelivery).
        ``message``: the prospect's, passed on to the admins when the engine says so.

        The notes for the agency the turn wrote go out beside the replies, not after them: a
        prospect who blocked the bot, or a reply Telegram keeps refusing, holds nothing back.
        """
        async with self._typing_while_slow(bot, chat_id):
            try:
                result = await self.engine.turn(inp)
            except StoreBusy as exc:
                if update_id is not None:  # still in the inbox: answered at the next start
                    self._released_elsewhere.add(update_id)
                log.error(
                    "user=%s update=%s: not answered, the database stayed locked (%s); the "
                    "message is kept and answered at the next start",
                    inp.user_id,
                    update_id,
                    exc,
                )
                return None
        log.info(
            "turn user=%s update=%s state=%s.%s lang=%s replies=%d outbox=%d%s",
            inp.user_id,
            update_id,
            result.dialog,
            result.state,
            result.lang,
            len(compose(result.replies)),  # the messages it sends
            len(result.outbox),
            " duplicate" if result.duplicate else "",
        )
        if result.duplicate:  # handled before a crash: its replies only if they never went
            if result.replies:
                log.info("update=%s: sending the replies a crash or a stop held back", update_id)
                if not await self._reply_to(bot, chat_id, inp.user_id, result, update_id):
                    return None  # held back by a stop: still in the inbox
            await self._turn_answered(inp.user_id, update_id)
            return None
        delivery = asyncio.create_task(self.outbox.deliver(bot)) if result.outbox else None
        try:
            if result.relay and message is not None:
                await self.handovers.relay(bot, message, inp.user_id, inp.text)
            if await self._reply_to(bot, chat_id, inp.user_id, result, update_id):
                await self._turn_answered(inp.user_id, update_id)
        finally:
            if delivery is not None:
                await delivery
        if any(item.kind == "human" for item in result.outbox):
            await self.handover_service.tell_if_queued(inp.user_id)
        return result

    async def _reply_to(
        self,
        bot: Any,
        chat_id: int,
        user_id: str,
        result: TurnResult,
        update_id: int | None = None,
    ) -> bool:
        """Send the turn's replies; what Telegram refuses is logged as what it means. With
        ``update_id``, each reply sent is recorded, so a crash in the middle resends only
        those that did not go (``ConversationStore.replies_sent``). False when a stop held
        them back: the update stays in the inbox and they go at the next start."""
        store = self.engine.store

        async def progress(sent: int) -> None:
            await store.call(store.replies_sent, user_id, update_id, sent)

        try:
            await self.send_replies(
                bot, chat_id, result, progress if update_id is not None else None
            )
        except Forbidden as exc:  # blocked the bot, or deleted their account: not our error
            log.info("user=%s cannot be written to (%s): marked unreachable", user_id, exc.message)
            store = self.engine.store
            await store.call(store.set_unreachable, user_id, self.engine.clock())
        except Abandoned:  # the bot is stopping: kept, sent at the next start
            if update_id is not None:
                self._released_elsewhere.add(update_id)
            log.info("user=%s: reply held back by the stop, sent at the next start", user_id)
            return False
        except TelegramError as exc:  # still failing after the sender's retries
            log.error(
                "user=%s: reply not delivered after retries (%s: %s)",
                user_id,
                type(exc).__name__,
                exc.message[:120],
            )
        return True

    @contextlib.asynccontextmanager
    async def _typing_while_slow(self, bot: Any, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" once if the body takes longer than ``typing_after``: a quick turn
        spends no call on it, and one is enough for the prospect to see the bot is on it
        (Telegram shows it for up to 5 s; every call counts against the 30 a second)."""

        async def typing() -> None:
            await asyncio.sleep(self.typing_after)
            await self.sender.quietly(
                "sendChatAction", lambda: bot.send_chat_action(chat_id, ChatAction.TYPING)
            )

        task = asyncio.create_task(typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def send_replies(
        self,
        bot: Any,
        chat_id: int,
        result: TurnResult | Sequence[Reply],
        progress: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        """Send the replies in order; ``progress(n)`` after the n-th went out (not after the
        last: the turn's own ``turn_answered`` records that)."""
        replies = result.replies if isinstance(result, TurnResult) else list(result)
        if not replies:
            return
        await self._drop_old_keyboard(bot, chat_id)
        handed_over(replies)  # the turn's own processing ends here (``on_turn_timed``)
        # as few messages as the content allows (bot.core.compose); progress counts replies
        for reply, sent in compose_counted(replies):
            message = await self.sender.reply(bot, chat_id, reply)
            if message is not None and reply.buttons:
                self._remember(self._keyboards, chat_id, message.message_id)
            if progress is not None and sent < len(replies):
                await progress(sent)

    # -- keyboards -----------------------------------------------------------------------------

    async def _close_keyboard(self, bot: Any, query: CallbackQuery) -> None:
        """Take the keyboard off the pressed message and note the choice under it."""
        message = query.message
        if not isinstance(message, Message):  # too old: Telegram no longer lets us touch it
            return
        current = self._keyboards.get(message.chat.id)
        if current == message.message_id:
            del self._keyboards[message.chat.id]
        # an older keyboard's press is stale (the engine re-asks): no ✓ for a choice not taken;
        # with nothing remembered (a restart), trust the press like the engine will check it
        fresh = current is None or current == message.message_id
        label = pressed_label(message.reply_markup, query.data or "") if fresh else None
        edited = with_choice(message.text_html, label) if label and message.text else None
        if edited is not None:
            await self.sender.quietly(
                "editMessageText",
                lambda: bot.edit_message_text(
                    edited,
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                ),
            )
        elif message.reply_markup is not None:
            await self.sender.quietly(
                "editMessageReplyMarkup",
                lambda: bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                ),
            )

    async def _drop_old_keyboard(self, bot: Any, chat_id: int) -> None:
        """A new step is coming: the keyboard of the previous one would only confuse."""
        message_id = self._keyboards.pop(chat_id, None)
        if message_id is not None:
            await self.sender.quietly(
                "editMessageReplyMarkup",
                lambda: bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=None
                ),
            )

    def _remember(self, memory: OrderedDict[int, Any], key: int, value: Any) -> None:
        memory[key] = value
        memory.move_to_end(key)
        while len(memory) > self._remembered:
            memory.popitem(last=False)
