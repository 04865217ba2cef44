"""How long the bot itself works on one update: its own processing, apart from Telegram's.

Own processing is the time from the handler's start (the update handed to us by
python-telegram-bot) to the turn's replies handed to the sender, less the Bot API calls the
handler awaited on the way (taking the keyboard off a pressed message, a relay to an admin).
It includes the engine, the database (its worker thread) and waiting for the event loop
when other prospects' turns run at the same time; a turn that drew a chart includes the wait
for the chart process and says so (``TurnTiming.chart``).

That is wall time. ``own_cpu`` is the process's CPU time over the same span, less the CPU of
those Bot API calls: every thread's (the database's too), so it is the turn's own only when
nothing else runs meanwhile (the load benchmark's one-at-a-time conversations); it does not
grow when the machine is busy with other programs, as wall time does.

Off unless ``TelegramBot.on_turn_timed`` is set (the load benchmark sets it): then each
handler costs four clock reads and a context variable, each Bot API call one check.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from bot.core.messages import Reply


@dataclass
class TurnTiming:
    """One update's timing; times in seconds (``time.perf_counter``)."""

    update_id: int | None
    received: float
    """When the handler started."""
    network: float = 0.0
    """Seconds awaited on Bot API calls (retries included) before the replies were handed over."""
    handed: float | None = None
    """When the replies were handed to the sender; None: the update had nothing to send."""
    chart: bool = False
    """A reply carries a picture the engine drew: ``own`` includes the wait for the chart."""
    task: asyncio.Task[object] | None = None
    cpu_received: float = field(default_factory=time.process_time)
    cpu_network: float = 0.0
    cpu_handed: float | None = None

    @property
    def own(self) -> float | None:
        """Seconds of own processing; None when nothing was handed to the sender."""
        if self.handed is None:
            return None
        return self.handed - self.received - self.network

    @property
    def own_cpu(self) -> float | None:
        """CPU seconds of the process over ``own``'s span, less the Bot API calls'."""
        if self.cpu_handed is None:
            return None
        return self.cpu_handed - self.cpu_received - self.cpu_network


_current: ContextVar[TurnTiming | None] = ContextVar("turn_timing", default=None)


@contextlib.contextmanager
def timing(update_id: int | None) -> Iterator[TurnTiming]:
    """Time the handler running inside this block (tasks it starts are not counted)."""
    timer = TurnTiming(update_id, time.perf_counter(), task=asyncio.current_task())
    token = _current.set(timer)
    try:
        yield timer
    finally:
        _current.reset(token)


def _mine() -> TurnTiming | None:
    """The timing of the update this task handles, while its replies are not handed over."""
    timer = _current.get()
    if timer is None or timer.handed is not None or timer.task is not asyncio.current_task():
        return None
    return timer


@contextlib.contextmanager
def network() -> Iterator[None]:
    """Around a Bot API call: its time is Telegram's, not the bot's."""
    timer = _mine()
    if timer is None:
        yield
        return
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        timer.network += time.perf_counter() - started
        timer.cpu_network += time.process_time() - cpu


def handed_over(replies: Sequence[Reply]) -> None:
    """The turn's replies go to the sender now: its own processing ends here."""
    timer = _mine()
    if timer is not None:
        timer.handed = time.perf_counter()
        timer.cpu_handed = time.process_time()
        timer.chart = any(r.media is not None and r.media.owned for r in replies)
