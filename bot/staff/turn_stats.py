"""What each turn of the conversation tests costs on Telegram: messages and sending calls.

Telegram lets a bot make about 30 sending calls a second in all, so the calls a turn makes are
the bot's throughput (issue 18). Counted for each turn of a conversation test, as the Telegram
adapter (``bot.adapters.telegram``) makes them:

- **messages**: the turn's replies as the adapter sends them, composed (``bot.core.compose``:
  texts in a row are one message in paragraphs; a picture is one);
- **sending calls**: the messages, plus one edit when a keyboard is taken off the screen — the
  pressed message on a tap (its keyboard off, "✓ choice" under it), or, when the prospect
  types instead, the keyboard of the turn before. The "typing…" indicator goes out only when a
  turn takes longer than a second, which a test's turns never do;
- **taps answered**: ``answerCallbackQuery``, Telegram's required answer to a tap (it stops
  the button's spinner); not a message, counted apart.

``tests/test_turn_costs.py`` checks this count against the calls the real adapter makes on the
local fake Bot API.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.compose import compose
from bot.core.messages import TurnResult


@dataclass(frozen=True)
class TurnCost:
    """One turn: ``where`` (test and step), ``messages``, ``calls`` (sending), ``tapped``."""

    where: str
    messages: int
    calls: int
    tapped: bool


def turn_costs(where: str, turns: Sequence[tuple[bool, TurnResult]]) -> list[TurnCost]:
    """The cost of each turn of one conversation; ``turns`` are (a tap?, its result) in order."""
    costs = []
    keyboard_shown = False
    for tapped, result in turns:
        messages = len(compose(result.replies))
        edits = 1 if tapped or keyboard_shown else 0
        if messages == 0 and not tapped:
            edits = 0  # nothing sent: the adapter leaves the screen as it is
        costs.append(TurnCost(where, messages, messages + edits, tapped))
        if messages:
            keyboard_shown = any(reply.buttons for reply in result.replies)
        elif tapped:
            keyboard_shown = False
    return costs


@dataclass(frozen=True)
class CostSummary:
    """Medians and means over many turns; ``worst`` are the turns with the most messages."""

    turns: int
    messages_median: float
    messages_mean: float
    calls_median: float
    calls_mean: float
    taps: int
    worst: tuple[TurnCost, ...]

    def lines(self) -> list[str]:
        out = [
            f"Turns: {self.turns} ({self.taps} taps on a button)",
            f"Messages per turn: median {self.messages_median:g}, mean {self.messages_mean:.2f}",
            f"Sending calls per turn: median {self.calls_median:g}, mean {self.calls_mean:.2f} "
            "(messages, plus an edit when a keyboard is taken off; taps are also answered "
            "with answerCallbackQuery, not counted here)",
        ]
        if self.worst:
            out.append("Most messages in one turn:")
            out += [f"  {c.messages} messages, {c.calls} calls: {c.where}" for c in self.worst]
        return out


def summarise(costs: Iterable[TurnCost], worst: int = 5) -> CostSummary:
    """The summary of ``costs``; all zero when there are none."""
    every = list(costs)
    if not every:
        return CostSummary(0, 0, 0, 0, 0, 0, ())
    messages = [c.messages for c in every]
    calls = [c.calls for c in every]
    top = sorted(every, key=lambda c: -c.messages)[:worst]
    return CostSummary(
        turns=len(every),
        messages_median=statistics.median(messages),
        messages_mean=statistics.fmean(messages),
        calls_median=statistics.median(calls),
        calls_mean=statistics.fmean(calls),
        taps=sum(1 for c in every if c.tapped),
        worst=tuple(c for c in top if c.messages > 1),
    )
