"""Growth questions fill the projection's slots: "ho 800 follower e ne voglio 5000".

A slot filler of the engine (``bot.core.engine.SlotFiller``), given to it by the growth plug-in.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot.base.money import Money, per_period
from bot.growth.parameters import PLATFORMS
from bot.understanding.entities import horizon_months

CURRENT_CUES = re.compile(
    r"\b(ho|abbiamo|siamo a|sono a|conto|contiamo|partendo da|parto da|partiamo da|"
    r"starting from|starting at|have|got|we're at|i'm at|at|currently|"
    r"attualmente|adesso|ora|now)\b[^0-9]{0,25}$",
    re.IGNORECASE,
)
TARGET_CUES = re.compile(
    r"\b(arrivare|arrivo|arriviamo|raggiungere|voglio|vorrei|vogliamo|obiettivo|a quota|"
    r"fino a|reach|get to|hit|want|target|goal|to|till|until|til)\b[^0-9]{0,25}$",
    re.IGNORECASE,
)
# Posts a week in a question: a count, then what is posted and how often ("20 times a week",
# "3 post a settimana"), or a count after a posting verb ("we post 5 a week"). The words belong
# with these cues until they move to the language packs.
_PERIOD = (
    r"(?:a|per|al|alla|ogni|every|each|in\s+a|in\s+una?|at\s+the)?\s*"
    r"(?P<period>settimana|week|giorno|day|mese|month)\b"
)
POSTS_AFTER = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:post|posts|video|videos|reel|reels|contenuti|pubblicazioni|"
    r"storie|stories|times|time|volte|volta)\b\s*" + _PERIOD,
    re.IGNORECASE,
)
PERIOD_AFTER = re.compile(r"\s*" + _PERIOD, re.IGNORECASE)
POSTS_RIGHT_AFTER = re.compile(
    r"\s*(?:post|posts|reel|reels|video|videos)\b(?!\s*\w*\s*(?:al|a|per|ogni|every|each)\s)", re.I
)
POSTS_BEFORE = re.compile(
    r"\b(?:post|posts|posting|posted|pubblico|pubblichiamo|pubblicare|postiamo|posto)\b"
    r"(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)
POSTING_PHRASE = re.compile(
    r"\b(?:posto|postiamo|pubblico|pubblichiamo|post|posting|publish|publishing)\b"
    r"(?P<rest>(?:[^\w\n,.;?!]+\w+){1,5})",
    re.IGNORECASE,
)
PERIODS = {
    "settimana": "week",
    "week": "week",
    "giorno": "day",
    "day": "day",
    "mese": "month",
    "month": "month",
}
# "40k more", "altri 40k": added to today's count
MORE_BEFORE = re.compile(r"\b(?:altri|altre|another|an extra|additional)\s*$", re.I)
MORE_AFTER = re.compile(r"\s*(?:follower\w*\s+)?(?:more|in più|in piu|di più|di piu|extra)\b", re.I)
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
    # every number not inside an amount of money or a time ("in un anno")
    taken = [(m.start, m.end) for m in entities.money] + [(t.start, t.end) for t in entities.spans]
    mentions = [
        m
        for m in _mentions(text)
        if m.value >= 0 and not any(s <= m.start and m.end <= e for s, e in taken)
    ]
    posts = _posting(text, mentions) or _posting_said(text, getattr(analysis, "lang", None))
    if posts is not None:
        found["posts_per_week"], said = posts
        mentions = [m for m in mentions if m is not said]  # not a follower count too
    mentions = [m for m in mentions if m.value in entities.numbers]
    found.update(_followers(text, mentions, slots))
    if "target_followers" in found and horizon is None:
        slots.pop("horizon_months", None)  # "how long to 10k?" asks when, not how many by then
    filled = []
    for slot, value in found.items():
        slots[slot] = value  # a new question with new numbers replaces the old answers
        filled.append(slot)
    return filled


def _mentions(text: str) -> list[Any]:
    from bot.understanding.numbers import find_numbers

    return list(find_numbers(text))


def _posting(text: str, mentions: list[Any]) -> tuple[float, Any] | None:
    """Posts a week said in the question ("we post like 20 times a week", "3 post a
    settimana", "2 reel al giorno"), and the number that said it; None when none was."""
    for mention in mentions:
        after = POSTS_AFTER.match(text, mention.end)
        before = POSTS_BEFORE.search(text[: mention.start])
        period = after.group("period") if after else None
        if period is None:
            bare = PERIOD_AFTER.match(text, mention.end)
            period = bare.group("period") if bare and before else None
        if period is None and POSTS_RIGHT_AFTER.match(text, mention.end):
            period = "week"  # "3 post": the question's own unit
        if period is None:
            continue
        said = Decimal(str(mention.value))
        week = per_period(said, PERIODS[period.lower()], "week")
        return float(round(week, 2)), mention
    return None


def _posting_said(text: str, lang: str | None) -> tuple[float, Any] | None:
    """Posts a week said without a count of posts ("posto ogni giorno", "we post twice a
    day"): the words after a posting verb, read as an answer to "how many a week?"."""
    from bot.understanding.numbers import read_count

    for match in POSTING_PHRASE.finditer(text):
        amount = read_count(match.group("rest"), lang)
        if amount is None or amount.period is None or amount.value <= 0:
            continue
        week = per_period(Decimal(str(amount.value)), amount.period, "week")
        return float(round(week, 2)), None
    return None


def _followers(text: str, mentions: list[Any], slots: dict[str, Any]) -> dict[str, int]:
    """Current and target followers from the numbers left: by the words before each ("ho
    800", "till 100k"), else the smaller is today's; "40k more" adds to today's."""
    found: dict[str, int] = {}
    roles: dict[str, int] = {}
    more: int | None = None
    for mention in mentions:
        before = text[: mention.start]
        value = int(mention.value)
        if MORE_AFTER.match(text, mention.end) or MORE_BEFORE.search(before):
            more = value
        elif CURRENT_CUES.search(before) and not TARGET_CUES.search(before):
            roles.setdefault("current_followers", value)
        elif TARGET_CUES.search(before):
            roles.setdefault("target_followers", value)
    values = [int(m.value) for m in mentions]
    if more is not None:
        current = roles.get("current_followers")
        if current is None:
            current = next((v for v in values if v != more), None)
        if current is None and isinstance(slots.get("current_followers"), int | float):
            current = int(slots["current_followers"])
        if current is not None:
            return {"current_followers": current, "target_followers": current + more}
    if len(roles) == 2:
        return roles  # "ne ho 5000 e ne voglio 3000": as said (the target is then asked again)
    if len(values) >= 2:
        first, second = values[0], values[1]
        found["current_followers"], found["target_followers"] = (
            min(first, second),
            max(first, second),
        )
    elif len(values) == 1:
        found["current_followers" if "current_followers" in roles else "target_followers"] = values[
            0
        ]
    return found
