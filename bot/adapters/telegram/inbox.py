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

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

Keep = Callable[[list[tuple[int, str | None, str]]], Awaitable[None]]
"""Writes (update id, user id, raw JSON) of a batch durably; raises if it could not."""
Park = Callable[[list[tuple[int, str | None, str, str]]], Awaitable[None]]
"""Sets aside (update id, user id, raw JSON, why) of updates that cannot be decoded."""

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


def update_row(raw: dict[str, Any]) -> tuple[int, str | None, str]:
    """(update id, user id, raw JSON) of one raw update that has an integer ``update_id``;
    ASCII escapes: a lone surrogate (valid JSON, not UTF-8) must not stop the bot."""
    return raw["update_id"], update_user(raw), json.dumps(raw)


def decode(raw: dict[str, Any], bot: Any = None) -> tuple[Update | None, str | None]:
    """The update python-telegram-bot makes of a raw one, or why it cannot (the kind of
    error, never the update's contents). Such an update would make ``getUpdates`` fail for
    the whole batch, again and again: polling would answer nobody."""
    try:
        return Update.de_json(raw, bot), None
    except Exception as exc:
        return None, f"undecodable: {type(exc).__name__}"


def read_batch(
    payload: bytes,
) -> tuple[list[tuple[int, str | None, str]], list[tuple[int, str | None, str, str]], bytes]:
    """A ``getUpdates`` answer body read: the rows to keep, the undecodable ones (row plus
    why), and the body to hand python-telegram-bot, in which each undecodable update is
    reduced to its bare ``update_id`` (an update of no kind, which it ignores) so that the
    next offset still moves past it. The body is unchanged when every update decodes."""
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return [], [], payload
    results = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    rows: list[tuple[int, str | None, str]] = []
    bad: list[tuple[int, str | None, str, str]] = []
    if not isinstance(results, list):
        return rows, bad, payload
    for i, raw in enumerate(results):
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            continue
        row = update_row(raw)
        error = decode(raw)[1]
        if error is None:
            rows.append(row)
        else:
            bad.append((*row, error))
            results[i] = {"update_id": raw["update_id"]}
    return rows, bad, (json.dumps(body).encode() if bad else payload)


class KeptUpdates(HTTPXRequest):
    """The ``getUpdates`` connection (``ApplicationBuilder.get_updates_request``).

    A batch goes to python-telegram-bot at once, so its turns start (and a slow database shows
    "typing…" rather than silence); it is kept by ``keep`` before the NEXT ``getUpdates``, the
    request whose offset tells Telegram the batch arrived. If keeping fails (the database is
    locked past its patience), that request fails too and python-telegram-bot tries it again
    later: Telegram keeps the updates meanwhile. An update python-telegram-bot could not
    decode is handed to ``park`` instead (kept, set aside, shown to the admins) and to
    python-telegram-bot as a bare id, so it neither stops polling nor gets lost."""

    def __init__(self, keep: Keep, park: Park | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._keep = keep
        self._park = park
        self._unkept: list[tuple[int, str | None, str]] = []
        self._unparked: list[tuple[int, str | None, str, str]] = []

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        polling = url.endswith("/getUpdates")
        if polling and (self._unkept or self._unparked):
            await self._keep(self._unkept)  # raises: this request is not made
            self._unkept = []
            if self._unparked and self._park is not None:
                await self._park(self._unparked)
            self._unparked = []
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if polling and status == 200:
            self._unkept, self._unparked, payload = read_batch(payload)
        return status, payload
