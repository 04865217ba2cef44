"""Updates kept before Telegram is told they arrived: a ``kill -9`` loses none.

With long polling, Telegram forgets an update once the next ``getUpdates`` names a higher
offset, and python-telegram-bot asks again as soon as it has queued a batch — before the batch
is handled. A process killed in between loses the batch. So the ``getUpdates`` connection here
writes each batch to the store's inbox (``ConversationStore.keep_updates``) before that next
request; an update leaves the inbox once answered (``turn_answered``); at start-up what is still
there is handled again, and the engine's record of update ids answers each once.

python-telegram-bot's own persistence (``BasePersistence``) keeps conversation data, not
updates, so it cannot do this; its request class is the documented seam for the connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

Keep = Callable[[list[tuple[int, str | None, str]]], Awaitable[None]]
"""Writes (update id, user id, raw JSON) of a batch durably; raises if it could not."""

_SENDERS = ("message", "edited_message", "callback_query", "my_chat_member", "channel_post")


def update_user(raw: dict[str, Any]) -> str | None:
    """``tg:<id>`` of whoever caused a raw update (so /delete can erase it), else None."""
    for kind in _SENDERS:
        part = raw.get(kind)
        if isinstance(part, dict):
            sender = part.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return f"tg:{sender['id']}"
    return None


def batch_rows(payload: bytes) -> list[tuple[int, str | None, str]]:
    """(update id, user id, raw JSON) of each update in a ``getUpdates`` answer body."""
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return []
    results = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    rows: list[tuple[int, str | None, str]] = []
    for raw in results if isinstance(results, list) else ():
        if isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
            # ASCII escapes: a lone surrogate (valid JSON, not UTF-8) must not stop polling
            rows.append((raw["update_id"], update_user(raw), json.dumps(raw)))
    return rows


class KeptUpdates(HTTPXRequest):
    """The ``getUpdates`` connection (``ApplicationBuilder.get_updates_request``).

    A batch goes to python-telegram-bot at once, so its turns start (and a slow database shows
    "typing…" rather than silence); it is kept by ``keep`` before the NEXT ``getUpdates``, the
    request whose offset tells Telegram the batch arrived. If keeping fails (the database is
    locked past its patience), that request fails too and python-telegram-bot tries it again
    later: Telegram keeps the updates meanwhile."""

    def __init__(self, keep: Keep, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._keep = keep
        self._unkept: list[tuple[int, str | None, str]] = []

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        polling = url.endswith("/getUpdates")
        if polling and self._unkept:
            await self._keep(self._unkept)  # raises: this request is not made
            self._unkept = []
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if polling and status == 200:
            self._unkept = batch_rows(payload)
        return status, payload
