"""Growth questions fill the projection's slots: "ho 800 follower e ne voglio 5000".

A slot filler of the engine (``bot.core.engine.SlotFiller``), given to it by the growth plug-in.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot.base.money import Money
from bot.growth.parameters import PLATFORMS
from bot.understanding.entities import horizon_months

CURRENT_CUES = re.compile(
    r"\b(ho|abbiamo|siamo a|sono a|conto|contiamo|have|got|we're at|i'm at|at|currently|"
    r"attualmente|adesso|ora|now)\b[^0-9]{0,25}$",
    re.IGNORECASE,
)
TARGET_CUES = re.compile(
    r"\b(arrivare|arrivo|arriviamo|raggiungere|voglio|vorrei|vogliamo|obiettivo|a quota|"
    r"reach|get to|hit|want|target|goal|to)\b[^0-9]{0,25}$",
    re.IGNORECASE,
)
GROWTH_INTENT = "growth_timeline"


def fill_growth_slots(analysis: Any, text: str, slots: dict[str, Any], dialog: str) -> list[str]:
    """Numbers from a growth question fill the projection's slots, so nobody is asked twice.

    "ho 800 follower e ne voglio 5000" → current 800, target 5000; a platform and a monthly
    amount fill theirs (replacing older answers: the prospect just said the new numbers); "in
    un anno" fills ``horizon_months`` (the answer is then the followers at that time). Money
    that may be our fee ("se vi pago 300 al mese") is never the ad budget: it is kept as
    ``fee_said`` and the projection asks which it is (``fee_means``). A budget read here is
    marked ``budget_from_text``: the result then says once that our fee is apart.
    """
    if getattr(analysis, "intent", None) != GROWTH_INTENT:
        return []
    entities = getattr(analysis, "entities", None)
    if entities is None:
        return []
    found: dict[str, Any] = {}
    platforms = [p for p in entities.platforms if p in PLATFORMS]
    if platforms:
        found["platform"] = platforms[0]
    # Only euros: "$300 al mese" is left for the budget question, which asks for euros rather
    # than invent an exchange rate. The amount keeps the period said ("1200 euro l'anno"); the
    # engine fits it to the money question (per month) and says the conversion back.
    money = [m for m in entities.money if m.currency == "EUR"]
    ads = [m for m in money if not getattr(m, "to_agency", False)]
    fees = [m for m in money if getattr(m, "to_agency", False)]
    if ads:
        said = ads[0]
        found["budget"] = Money(Decimal(str(said.amount)), said.currency, said.period)
        found["budget_from_text"] = True
    elif fees:
        said = fees[0]
        found["fee_said"] = Money(Decimal(str(said.amount)), said.currency, said.period)
        slots.pop("fee_means", None)  # a new amount: asked again which it is
        slots.pop("budget", None)  # the old budget is not what they are asking about now
    horizon = horizon_months(entities)
    if horizon is not None:
        found["horizon_months"] = horizon
    numbers = [n for n in entities.numbers if n >= 0]
    if len(numbers) >= 2:
        first, second = int(numbers[0]), int(numbers[1])
        if _said_as(text, numbers[0], CURRENT_CUES) and _said_as(text, numbers[1], TARGET_CUES):
            # "ne ho 5000 e ne voglio 3000": as said (the target question then asks again)
            found["current_followers"], found["target_followers"] = first, second
        else:
            found["current_followers"], found["target_followers"] = (
                min(first, second),
                max(first, second),
            )
    elif len(numbers) == 1:
        value = int(numbers[0])
        position = _position(text, numbers[0])
        before = text[:position] if position is not None else text
        if CURRENT_CUES.search(before) and not TARGET_CUES.search(before):
            found["current_followers"] = value
        else:
            found["target_followers"] = value
    if "target_followers" in found and horizon is None:
        slots.pop("horizon_months", None)  # "how long to 10k?" asks when, not how many by then
    filled = []
    for slot, value in found.items():
        slots[slot] = value  # a new question with new numbers replaces the old answers
        filled.append(slot)
    return filled


def _said_as(text: str, value: float, cues: re.Pattern[str]) -> bool:
    """The words just before ``value`` match ``cues`` ("ho 800": current)."""
    position = _position(text, value)
    return position is not None and bool(cues.search(text[:position]))


def _position(text: str, value: float) -> int | None:
    """Where a number was written, to read the words just before it."""
    from bot.understanding.numbers import find_numbers

    for mention in find_numbers(text):
        if mention.value == value:
            return mention.start
    return None
