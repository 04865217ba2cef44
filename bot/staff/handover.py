"""A person from the agency takes over a prospect's chat, until they hand it back.

The handover lives in the store (``open_handover`` and friends), not in memory, so a restart
changes nothing: a staff member's reply still finds the prospect through the message it
answers, the prospect's messages still go to the staff, and the quiet-time expiry still runs.
While a handover is open the engine decides what goes to the staff (``bot.core.relay``: what
the prospect writes, not their commands and taps) and the front-end passes it on (``relay``).

Transport-free: the rules (open, relay, reply, close, expiry) talk to the ports only —
``ConversationStore``, ``OutboundSender`` and a ``Clock`` that drives the expiry, so tests move
time instead of sleeping. The Telegram adapter turns updates into these calls; a web page for
staff can call the same ones.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.core.commands import read_command
from bot.core.ports import (
    Clock,
    ConversationStore,
    DeliveryError,
    MessageRef,
    OutboundSender,
    utc_now,
)
from bot.core.records import OutboxItem
from bot.core.relay import TEAM_PREFIX

log = logging.getLogger(__name__)

ERASED = "🗑 Questo cliente ha cancellato i suoi dati · This prospect erased their data."

Texts = Callable[[str, str], str]
"""(locale key, language) -> the prospect-facing text (``Engine.text``)."""


class HandoverService:
    def __init__(
        self,
        store: ConversationStore,
        sender: OutboundSender,
        staff_ids: Sequence[int],
        texts: Texts,
        *,
        default_lang: str = "en",
        clock: Clock = utc_now,
        timeout: timedelta = timedelta(minutes=60),
    ) -> None:
        self.store = store
        self.sender = sender
        self.staff_ids = tuple(staff_ids)
        self.texts = texts
        self.default_lang = default_lang
        self.clock = clock
        self.timeout = timeout

    def now(self) -> datetime:
        return self.clock()

    async def is_open(self, user_id: str) -> bool:
        return await self.store.call(self.store.handover, user_id) is not None

    # -- opening: the request reached the staff ---------------------------------------------------

    async def opened(self, item: OutboxItem, messages: list[MessageRef]) -> None:
        """A request was delivered: from now on a person answers this prospect."""
        if (
            not item.user_id
            or not messages
            or await self.store.call(self.store.load, item.user_id) is None
        ):
            return
        await self.store.call(self.store.open_handover, item.user_id, self.now(), messages)
        log.info("handover open user=%s staff messages=%d", item.user_id, len(messages))

    async def tell_if_queued(self, user_id: str) -> bool:
        """The prospect was just told the team has their request; if no staff member could
        in fact be reached, say so honestly (``handover.queued``). True when it was said."""
        store = self.store
        waiting = await store.call(store.undelivered_outbox)
        if not any(item.kind == "human" and item.user_id == user_id for _, item in waiting):
            return False
        conv = await store.call(store.load, user_id)
        text = self.texts("handover.queued", conv.lang if conv else self.default_lang)
        if not text or await store.call(store.unreachable, user_id):
            return False
        try:
            await self.sender.to_prospect(user_id, text)
        except DeliveryError as exc:
            log.warning("queued notice user=%s not sent: %s", user_id, exc.reason[:80])
            return False
        return True

    # -- the prospect's side --------------------------------------------------------------------

    async def from_prospect(
        self, user_id: str, text: str, media: str | None = None, origin: MessageRef | None = None
    ) -> bool:
        """Keep and relay what the prospect sent to the staff instead of answering it; False
        if no handover is open or it is a command (the engine answers as usual). ``media``: the
        kind of a non-text message (``"photo"``…), passed on as it is from ``origin``.
        (The Telegram adapter lets the engine decide and keep it, then calls ``relay``.)"""
        if not media and read_command(text):
            return False
        described = f"[{media}]" if media else text
        if not await self.store.call(
            self.store.handover_message, user_id, self.now(), "in", described
        ):
            return False  # no handover is open
        await self.relay(user_id, text, media, origin)
        return True

    async def relay(
        self, user_id: str, text: str, media: str | None = None, origin: MessageRef | None = None
    ) -> None:
        """Pass what the prospect sent (already kept: the engine's turn, ``from_prospect``) on
        to every staff member, linked so that a reply to it finds the prospect."""
        described = f"[{media}]" if media else text
        conv = await self.store.call(self.store.load, user_id)
        name = html.escape((conv.first_name if conv else None) or "?")
        head = f"💬 <b>{name}</b> · {self.sender.prospect_link(user_id)}"
        body = f"<i>{html.escape(described)}</i>" if media else html.escape(text)
        sent: list[MessageRef] = []
        for staff in self.staff_ids:
            try:
                sent.extend(await self.sender.to_staff(staff, f"{head}\n{body}"))
                if media and origin is not None:  # the staff see the original
                    copy = await self.sender.copy(origin, staff)
                    if copy is not None:
                        sent.append(copy)
            except DeliveryError as exc:
                log.warning("relay user=%s staff=%s failed: %s", user_id, staff, exc.reason[:80])
        await self.store.call(self.store.link_handover_messages, user_id, self.now(), sent)
        log.info("handover relay user=%s -> %d staff message(s)", user_id, len(sent))

    # -- the staff's side -----------------------------------------------------------------------

    async def prospect_of(self, staff_id: int, message_id: int) -> str | None:
        """The prospect a staff member's message (a request, a relayed message) is about."""
        return await self.store.call(self.store.handover_user, staff_id, message_id)

    async def staff_reply(
        self,
        staff_id: int,
        user_id: str | None,
        text: str,
        media: str | None = None,
        origin: MessageRef | None = None,
    ) -> None:
        """A staff member's answer to a prospect (``user_id`` None: they have since erased
        themselves). Reopens a closed handover. Failures are told to that staff member."""
        conv = await self.store.call(self.store.load, user_id) if user_id else None
        if user_id is None or conv is None:
            await self.note(staff_id, ERASED)
            return
        # answering a closed request reopens it
        if await self.store.call(self.store.handover, user_id) is None:
            await self.store.call(self.store.open_handover, user_id, self.now())
        prefix = self.texts("handover.from_team", conv.lang)
        described = f"[{media}] {text}" if media else text
        try:
            if media and origin is not None:
                await self.sender.to_prospect(user_id, prefix or "…")
                await self.sender.copy(origin, user_id)
            else:
                await self.sender.to_prospect(
                    user_id, f"{prefix}\n{html.escape(text, quote=False)}"
                )
        except DeliveryError as exc:
            log.warning("handover reply user=%s failed: %s", user_id, exc.reason[:80])
            await self.note(staff_id, f"⚠️ Non consegnato · Not delivered: {exc.reason}.")
            return
        await self.store.call(
            self.store.handover_message,
            user_id,
            self.now(),
            "out",
            f"{TEAM_PREFIX} {described.strip()}",
        )
        log.info("handover reply staff=%s -> user=%s", staff_id, user_id)

    async def done(self, staff_id: int, user_id: str | None, who: str) -> bool:
        """``/done``: hand ``user_id`` back to the bot; the staff member hears what happened."""
        if user_id is None:
            await self.note(
                staff_id,
                "Rispondi a una richiesta con /done, oppure /done &lt;id&gt; · "
                "Reply to a request with /done, or send /done &lt;id&gt;.",
            )
            return False
        closed = await self.close(user_id, f"admin:{staff_id}", who)
        if not closed:
            await self.note(
                staff_id,
                f"Nessuna chat aperta con {html.escape(user_id)} · No open chat with them.",
            )
        return closed

    # -- closing ----------------------------------------------------------------------------------

    async def close(self, user_id: str, by: str, who: str, timed_out: bool = False) -> bool:
        """Hand the prospect back to the bot and tell them what happens next; False when no
        handover was open (closed twice)."""
        conv = await self.store.call(self.store.load, user_id)
        key = "handover.timed_out" if timed_out else "handover.closed"
        text = self.texts(key, conv.lang if conv else self.default_lang)
        if conv is not None:
            await self.store.call(self.store.handover_message, user_id, self.now(), "out", text)
        if await self.store.call(self.store.close_handover, user_id, self.now(), by) is None:
            return False
        log.info("handover closed user=%s by=%s", user_id, by)
        blocked = conv is not None and await self.store.call(self.store.unreachable, user_id)
        if conv is not None and text and not blocked:
            try:
                await self.sender.to_prospect(user_id, text)
            except DeliveryError as exc:
                log.warning("handover close user=%s not told: %s", user_id, exc.reason[:80])
        name = html.escape((conv.first_name if conv else None) or "?")
        link = self.sender.prospect_link(user_id)
        if timed_out:
            minutes = round(self.timeout.total_seconds() / 60, 1)
            note = (
                f"⏱ Chat con <b>{name}</b> ({link}) chiusa dopo {minutes:g} min "
                f"di silenzio · closed after {minutes:g} quiet minutes."
            )
        else:
            note = (
                f"✅ Chat con <b>{name}</b> ({link}) chiusa da "
                f"{html.escape(who)} · closed by {html.escape(who)}."
            )
        for staff in self.staff_ids:
            await self.note(staff, note)
        return True

    async def expire(self) -> int:
        """Close every handover quiet for longer than the timeout; how many were closed."""
        now = self.now()
        closed = 0
        for handover in await self.store.call(self.store.open_handovers):
            if now - handover.last_activity >= self.timeout and await self.close(
                handover.user_id, "timeout", "timeout", timed_out=True
            ):
                closed += 1
        return closed

    async def run_expiry(self) -> None:
        """The background loop behind ``expire``: a few checks per timeout, at most a minute."""
        every = min(max(self.timeout.total_seconds() / 4, 0.05), 60.0)
        while True:
            await asyncio.sleep(every)
            try:
                await self.expire()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad row or a network blip must not end the loop
                log.exception("handover expiry failed")

    async def note(self, staff_id: int, text: str) -> None:
        try:
            await self.sender.to_staff(staff_id, text)
        except DeliveryError as exc:
            log.warning("note to staff=%s failed: %s", staff_id, exc.reason[:80])
