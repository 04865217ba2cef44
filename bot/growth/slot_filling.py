"""Growth questions fill the projection's slots: "ho 800 follower e ne voglio 5000".

A slot filler of the engine (``bot.core.engine.SlotFiller``), given to it by the growth plug-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bot.base.money import Money, per_period
from bot.growth.parameters import PLATFORMS
from bot.understanding.entities import horizon_months
from bot.understanding.lang import LanguagePack, built_for_packs
from bot.understanding.patterns import phrase_alternation
from bot.understanding.text import fold_accents

GROWTH_INTENT = "growth_timeline"
GROWTH_DIALOG = "projection"  # dialogs/projection.yaml, which asks the numbers this reads


@dataclass(frozen=True)
class Cues:
    """The patterns the filler reads a growth question with, built from the packs' words
    (``LanguagePack.current_cues``, ``target_cues``, ``posting_words`` …) of every language
    at once: prospects mix them ("ho 8k followers, how long till 100k?")."""

    current: re.Pattern[str]
    """A current cue at the end of the text before a number ("ho circa "): today's count."""
    target: re.Pattern[str]
    """A target cue at the end of the text before a number ("voglio arrivare a ")."""
    more_before: re.Pattern[str]
    """"altri ", "another " at the end of the text before a number: an increase."""
    more_after: re.Pattern[str]
    """" more", " followers more", " in più" right after a number: an increase."""
    posts_after: re.Pattern[str]
    """" post a settimana", " times a week" right after a number: posts; group ``period``."""
    period_after: re.Pattern[str]
    """" a settimana", " every day" right after a number; group ``period``."""
    posts_right_after: re.Pattern[str]
    """" post", " reels" right after a number, no other period after them."""
    posts_before: re.Pattern[str]
    """A posting verb a few words before the end ("pubblichiamo tipo ")."""
    posting_phrase: re.Pattern[str]
    """A posting verb and the words after it (group ``rest``): "posto ogni giorno"."""
    periods: Mapping[str, str]
    """A period word, lowercase, and its period (``week``, ``day``, ``month``)."""
    things_after: re.Pattern[str]
    """" camere", " tables" right after a number: a count of something else, not followers."""


def growth_cues(packs: Mapping[str, LanguagePack] | None = None) -> Cues:
    """The patterns of the words of all ``packs`` (default: the built-in ones), built once per
    set of packs (a content reload makes new ones)."""
    return built_for_packs(packs, "growth_cues", _build_cues)


def _build_cues(packs: tuple[LanguagePack, ...]) -> Cues:
    def words(*names: str) -> str:
        return phrase_alternation(
            w for pack in packs for name in names for w in getattr(pack, name)
        )

    periods = {
        variant: period
        for pack in packs
        for word, period in pack.period_words.items()
        for variant in (word.lower(), fold_accents(word.lower()))
    }
    links = words("period_links")
    # "3 post" is a week's, unless a period follows that is not read ("3 post al dì", "3 posts
    # every other day"): one word of the links after them, at most a word away, says so
    link_words = phrase_alternation(
        w for pack in packs for w in pack.period_links if " " not in w.strip()
    )
    # Posts a week in a question: a count, then what is posted and how often ("20 times a
    # week", "3 post a settimana"), or a count after a posting verb ("we post 5 a week").
    period = rf"(?:{links})?\s*(?P<period>{phrase_alternation(periods)})\b"
    verbs, leads = words("posting_verbs"), words("posting_verbs", "posting_lead_words")
    flags = re.IGNORECASE
    return Cues(
        current=re.compile(rf"\b(?:{words('current_cues')})\b[^0-9]{{0,25}}$", flags),
        target=re.compile(rf"\b(?:{words('target_cues')})\b[^0-9]{{0,25}}$", flags),
        more_before=re.compile(rf"\b(?:{words('more_cues_before')})\s*$", flags),
        more_after=re.compile(
            rf"\s*(?:(?:{words('follower_words')})\s+)?(?:{words('more_cues')})\b", flags
        ),
        posts_after=re.compile(
            rf"\s*(?:\w+\s+){{0,2}}?(?:{words('posting_words', 'content_words', 'times_words')})"
            rf"\b\s*{period}",
            flags,
        ),
        period_after=re.compile(rf"\s*{period}", flags),
        posts_right_after=re.compile(
            rf"\s*(?:{words('posting_words')})\b(?!\s*\w*\s*(?:{link_words})\s)", flags
        ),
        posts_before=re.compile(rf"\b(?:{leads})\b(?:\s+\w+){{0,3}}\s*$", flags),
        posting_phrase=re.compile(rf"\b(?:{verbs})\b(?P<rest>(?:[^\w\n,.;?!]+\w+){{1,5}})", flags),
        periods=MappingProxyType(periods),
        things_after=re.compile(rf"\s*(?:{words('thing_words')})\b", flags),
    )


def fill_growth_slots(
    analysis: Any,
    text: str,
    slots: dict[str, Any],
    dialog: str,
    packs: Mapping[str, LanguagePack] | None = None,
) -> list[str]:
    """Numbers from a growth question fill the projection's slots, so nobody is asked twice.

    "ho 800 follower e ne voglio 5000" → current 800, target 5000; a platform and a monthly
    amount fill theirs (replacing older answers: the prospect just said the new numbers); "in
    un anno" fills ``horizon_months`` (the answer is then the followers at that time). Money
    that may be our fee ("se vi pago 300 al mese") is never the ad budget: it is kept as
    ``fee_said`` and the projection asks which it is (``fee_means``). A budget read here is
    marked ``budget_from_text``: the result then says once that our fee is apart. The words
    are those of all ``packs`` (default: the built-in ones; see ``growth_cues``).
    """
    intent = getattr(analysis, "intent", None)
    if intent != GROWTH_INTENT and not (intent is None and dialog == GROWTH_DIALOG):
        return []  # a growth question anywhere, or numbers given while the numbers are asked
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
    # "3 a settimana" with no currency and no word of money is a pace (posts), not a budget:
    # budgets are said per month, or with their currency
    paces = [m for m in entities.money if _bare_pace(text, m)]
    money = [m for m in entities.money if m.currency == "EUR" and m not in paces]
    ads = [m for m in money if not getattr(m, "to_agency", False)]
    fees = [m for m in money if getattr(m, "to_agency", False)]
    foreign = [
        m for m in entities.money if m.currency != "EUR" and not getattr(m, "to_agency", False)
    ]
    if foreign and not ads:  # "£200 a month": said back by the estimate, asked in euros
        said = foreign[0]
        found["budget_other"] = Money(Decimal(str(said.amount)), said.currency, said.period)
    if ads:
        said = ads[0]
        found["budget"] = Money(Decimal(str(said.amount)), said.currency, said.period)
        found["budget_from_text"] = True
        slots.pop("budget_other", None)
    elif fees:
        said = fees[0]
        found["fee_said"] = Money(Decimal(str(said.amount)), said.currency, said.period)
        slots.pop("fee_means", None)  # a new amount: asked again which it is
        slots.pop("budget", None)  # the old budget is not what they are asking about now
    horizon = horizon_months(entities)
    if horizon is not None:
        found["horizon_months"] = horizon
    # every number not inside an amount of money or a time ("in un anno")
    taken = [(m.start, m.end) for m in entities.money if m not in paces]
    taken += [(s.start, s.end) for s in entities.spans]
    mentions = [
        m
        for m in _mentions(text)
        if m.value >= 0 and not any(s <= m.start and m.end <= e for s, e in taken)
    ]
    cues = growth_cues(packs)
    lang = getattr(analysis, "lang", None)
    posts = _posting(text, mentions, cues) or _posting_said(text, lang, cues)
    if posts is not None:
        found["posts_per_week"], said = posts
        mentions = [m for m in mentions if m is not said]  # not a follower count too
    mentions = [m for m in mentions if m.value in entities.numbers]
    # "a B&B with 4 rooms, 800 followers": the rooms are no audience
    mentions = [m for m in mentions if not cues.things_after.match(text, m.end)]
    asking = getattr(analysis, "asking", None)
    if asking is None and horizon is not None:
        # "how many in 6 months? … 450 on insta": asked how many by then, a lone count is
        # what they have today (the answer is the count at the horizon, not a time); but a
        # count the horizon follows is what they want by then ("10k follower x l'estate")
        wanted = len(mentions) == 1 and _horizon_follows(text, mentions[0], entities.spans)
        asking = "target_followers" if wanted else "current_followers"
    found.update(_followers(text, mentions, slots, cues, asking))
    if "target_followers" in found and horizon is None:
        slots.pop("horizon_months", None)  # "how long to 10k?" asks when, not how many by then
    filled = []
    for slot, value in found.items():
        slots[slot] = value  # a new question with new numbers replaces the old answers
        filled.append(slot)
    return filled


def _horizon_follows(text: str, mention: Any, spans: list[Any]) -> bool:
    """Whether a time span comes right after a count, three words at most between them
    ("10k follower x l'estate", "5000 entro giugno", "2k by christmas")."""
    return any(
        span.start >= mention.end and len(text[mention.end : span.start].split()) <= 3
        for span in spans
    )


def _bare_pace(text: str, mention: Any) -> bool:
    """An amount read as euro only by its period ("3 a settimana", "2 al giorno"): no currency
    written, no fee or ads word around it, a period of a week or a day."""
    said = text[mention.start : mention.end].lower()
    signs = ("€", "eur", "£", "$", "gbp", "usd", "sterlin", "dollar")
    written = any(sign in said for sign in signs)
    return (
        not written
        and not getattr(mention, "to_agency", False)
        and getattr(mention, "period", None) in ("week", "day")
    )


def _mentions(text: str) -> list[Any]:
    from bot.understanding.numbers import find_numbers

    return list(find_numbers(text))


def _posting(text: str, mentions: list[Any], cues: Cues) -> tuple[float, Any] | None:
    """Posts a week said in the question ("we post like 20 times a week", "3 post a
    settimana", "2 reel al giorno"), and the number that said it; None when none was."""
    for mention in mentions:
        after = cues.posts_after.match(text, mention.end)
        before = cues.posts_before.search(text[: mention.start])
        period = after.group("period") if after else None
        if period is None:
            bare = cues.period_after.match(text, mention.end)
            period = bare.group("period") if bare and before else None
        if period is None and cues.posts_right_after.match(text, mention.end):
            period = "week"  # "3 post": the question's own unit
        if period is None:
            continue
        said = Decimal(str(mention.value))
        week = per_period(said, cues.periods[period.lower()], "week")
        return float(round(week, 2)), mention
    return None


def _posting_said(text: str, lang: str | None, cues: Cues) -> tuple[float, Any] | None:
    """Posts a week said without a count of posts ("posto ogni giorno", "we post twice a
    day"): the words after a posting verb, read as an answer to "how many a week?"."""
    from bot.understanding.numbers import read_count

    for match in cues.posting_phrase.finditer(text):
        amount = read_count(match.group("rest"), lang)
        if amount is None or amount.period is None or amount.value <= 0:
            continue
        week = per_period(Decimal(str(amount.value)), amount.period, "week")
        return float(round(week, 2)), None
    return None


FOLLOWER_SLOTS = ("current_followers", "target_followers")


def _followers(
    text: str,
    mentions: list[Any],
    slots: dict[str, Any],
    cues: Cues,
    asking: str | None = None,
) -> dict[str, int]:
    """Current and target followers from the numbers left: by the words before each ("ho
    800", "till 100k"), else the smaller is today's; "40k more" adds to today's. A lone
    number with no words of its own answers the question being asked (``asking``), if it
    asks for followers."""
    found: dict[str, int] = {}
    roles: dict[str, int] = {}
    more: int | None = None
    for mention in mentions:
        before = text[: mention.start]
        value = int(mention.value)
        if cues.more_after.match(text, mention.end) or cues.more_before.search(before):
            more = value
        elif cues.current.search(before) and not cues.target.search(before):
            roles.setdefault("current_followers", value)
        elif cues.target.search(before):
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
    if not roles and asking is not None and asking not in FOLLOWER_SLOTS:
        # bare numbers typed at another question ("2 o 3" posts a week) answer that question
        return found
    if len(values) >= 2:
        first, second = values[0], values[1]
        found["current_followers"], found["target_followers"] = (
            min(first, second),
            max(first, second),
        )
    elif len(values) == 1:
        if roles:
            slot = next(iter(roles))
        elif asking in ("current_followers", "target_followers"):
            slot = asking
        else:
            slot = "target_followers"
        found[slot] = values[0]
    return found
