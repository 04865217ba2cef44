"""The agency's own commands on Telegram: /stats, /leads, /reload, /done.

Only the chats in BOT_ADMIN_IDS have them, and only they see them in Telegram's command menu;
for anyone else they do not exist, and the engine answers as it does any unknown command.
Admin-facing words are in Italian and English at once, like the lead notes.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Message
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.format import split_html
from bot.adapters.telegram.handover import Handovers
from bot.adapters.telegram.send import Sender
from bot.staff.commands import (
    ADMIN_COMMANDS,
    NO_LEADS,
    StaffCommands,
    problems_text,
    reloaded_text,
)
from bot.staff.reload import Reloader, ReloadOutcome

__all__ = ["ADMIN_COMMANDS", "StaffDesk", "parse_command", "problems_text", "reloaded_text"]

log = logging.getLogger(__name__)

COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@(\w+))?(?:\s+(.*))?$", re.S)


def parse_command(text: str | None, bot_username: str | None) -> tuple[str, str] | None:
    """(name, arguments) of a command meant for us (``/stats@other_bot`` is not)."""
    match = COMMAND.match((text or "").strip())
    if match is None:
        return None
    target = match.group(2)
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return match.group(1).lower(), (match.group(3) or "").strip()


class StaffDesk:
    def __init__(
        self,
        commands: StaffCommands,
        sender: Sender,
        admin_ids: Sequence[int],
        handovers: Handovers,
    ) -> None:
        self.commands = commands
        self.sender = sender
        self.admin_ids = tuple(admin_ids)
        self.handovers = handovers
        self.bot: Any = None  # set once connected, for reports nobody asked for (file edits)

    def is_admin(self, chat_id: int | None) -> bool:
        return chat_id is not None and chat_id in self.admin_ids

    async def handle(self, bot: Any, message: Message) -> bool:
        """True if this was staff business: an admin command, or a reply to a prospect."""
        if message.chat.type != ChatType.PRIVATE or not self.is_admin(message.chat_id):
            return False
        command = parse_command(message.text, getattr(bot, "username", None))
        if command is not None and command[0] in ADMIN_COMMANDS:
            name, args = command
            log.info("admin=%s /%s", message.chat_id, name)
            if name == "stats":
                await self.stats(bot, message.chat_id, args)
            elif name == "leads":
                await self.leads(bot, message.chat_id)
            elif name == "reload":
                await self.reload(bot, message.chat_id)
            else:
                await self.handovers.done_command(bot, message, args)
            return True
        return await self.handovers.admin_reply(bot, message)

    # -- the commands -----------------------------------------------------------------------------

    @property
    def reloader(self) -> Reloader | None:
        return self.commands.reloader

    @reloader.setter
    def reloader(self, reloader: Reloader | None) -> None:
        self.commands.reloader = reloader

    async def stats(self, bot: Any, chat_id: int, args: str) -> None:
        """``/stats``, ``/stats 7`` (prospects of the last 7 days), ``/stats <campaign>``."""
        await self._send(bot, chat_id, await self.commands.stats(args))

    async def leads(self, bot: Any, chat_id: int) -> None:
        csv_file = await self.commands.leads_csv()
        if csv_file is None:
            await self._send(bot, chat_id, NO_LEADS)
            return
        await self.sender.call(
            "sendDocument",
            functools.partial(
                bot.send_document,
                chat_id,
                csv_file.data,
                filename=csv_file.name,
                caption=csv_file.caption,
            ),
        )

    async def reload(self, bot: Any, chat_id: int) -> None:
        answer = await self.commands.reload()
        if answer is not None:  # a failure already went to every admin, this one included
            await self._send(bot, chat_id, answer)

    # -- reports from the reloader ----------------------------------------------------------------

    async def report_problems(self, outcome: ReloadOutcome) -> None:
        await self._to_admins(problems_text(outcome))

    async def report_reloaded(self, outcome: ReloadOutcome) -> None:
        await self._to_admins(reloaded_text(outcome))

    # -- the command menu -------------------------------------------------------------------------

    async def set_commands(self, bot: Any, ordinary: Sequence[BotCommand]) -> None:
        """Each admin's menu: the prospects' commands plus ours; everyone else keeps theirs."""
        commands = [*ordinary, *(BotCommand(n, d) for n, d in ADMIN_COMMANDS.items())]
        for admin in self.admin_ids:
            try:
                await self.sender.call(
                    "setMyCommands",
                    functools.partial(
                        bot.set_my_commands, commands, scope=BotCommandScopeChat(admin)
                    ),
                )
            except (BadRequest, Forbidden) as exc:  # never pressed Start: check_admins says it
                log.debug("setMyCommands admin=%s refused: %s", admin, exc.message)
            except TelegramError as exc:
                log.warning("setMyCommands admin=%s failed: %s", admin, type(exc).__name__)

    async def _to_admins(self, text: str) -> None:
        if self.bot is None:
            log.warning("no Telegram connection yet: admins not told")
            return
        for admin in self.admin_ids:
            await self._send(self.bot, admin, text)

    async def _send(self, bot: Any, chat_id: int, text: str) -> None:
        try:
            for part in split_html(text):
                await self.sender.text(bot, chat_id, part)
        except TelegramError as exc:
            log.warning("admin=%s not reached: %s", chat_id, type(exc).__name__)
