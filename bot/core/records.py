"""Typed records that cross layers: what the stores return to the staff services.

Plain data, no I/O: a store (``bot.core.ports.ConversationStore``) builds them, the staff
services (``bot.staff``) read them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

NO_SOURCE = "(direct)"
"""The campaign of prospects who came without a deep link."""


@dataclass
class Funnel:
    started: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    reached: Counter[str] = field(default_factory=Counter)  # "dialog.state" -> prospects
    stopped: Counter[str] = field(default_factory=Counter)  # current state -> prospects
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    leads: int = 0
    handovers: int = 0
    not_understood: Counter[str] = field(default_factory=Counter)

    @property
    def conversion(self) -> float:
        return self.leads / self.started if self.started else 0.0
