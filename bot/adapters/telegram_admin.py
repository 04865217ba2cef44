"""Leads and "talk to a person" requests, forwarded to the agency's admins on Telegram.

The engine writes each item to the store's ``outbox`` table in the same transaction as the
turn, so delivery reads from there: an item a crash or an outage held back goes out with the
next one (or at the next start) instead of being lost. Contact details go to the admins' chats
and nowhere else: the log lines here carry row ids and user ids only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram_format import admin_summary, split_html
from bot.adapters.telegram_send import Sender
from bot.store import Store

log = logging.getLogger(__name__)

SENT, PENDING, SKIPPED = 1, 0, -1
BATCH = 100


class AdminOutbox:
    def __init__(self, store: Store, sender: Sender, admin_ids: Sequence[int]) -> None:
        self.store = store
        self.sender = sender
        self.admin_ids = tuple(admin_ids)
        self._lock = asyncio.Lock()  # two chats finishing together must not send a row twice

    async def deliver(self, bot: Any) -> int:
        """Send every pending item; returns how many went out.

        A row becomes SENT when every admin got it or refused it for good (wrong id, bot
        blocked), SKIPPED when the prospect has since erased themselves with /delete; network
        failures leave it PENDING for the next try. With no admins configured nothing is sent.
        """
        if not self.admin_ids:
            return 0
        delivered = 0
        async with self._lock:
            for row_id, item in self.store.pending_outbox(BATCH):
                user_id = str(item.get("user_id") or "")
                if not item or (user_id and self.store.load(user_id) is None):
                    self.store.mark_outbox(row_id, SKIPPED)
                    continue
                if await self._to_admins(bot, item, row_id):
                    self.store.mark_outbox(row_id, SENT)
                    delivered += 1
        return delivered

    async def _to_admins(self, bot: Any, item: dict[str, Any], row_id: int) -> bool:
        parts = split_html(admin_summary(item))
        done = True
        for admin in self.admin_ids:
            try:
                for part in parts:
                    await self.sender.text(bot, admin, part)
            except (BadRequest, Forbidden) as exc:
                log.error("outbox=%s admin=%s refused: %s", row_id, admin, type(exc).__name__)
            except TelegramError as exc:
                log.warning("outbox=%s admin=%s not yet: %s", row_id, admin, type(exc).__name__)
                done = False
        log.info(
            "outbox=%s kind=%s user=%s delivered=%s",
            row_id,
            item.get("kind"),
            item.get("user_id"),
            done,
        )
        return done
