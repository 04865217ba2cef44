"""How many followers, how fast: a month-by-month projection in five scenarios.

Pure (no I/O, no clock) so the same inputs always give the same honest answer, and so the
properties the bot relies on (more budget never slows growth; cautious <= likely_low <= likely
<= likely_high <= good; never beyond the platform's largest account) can be checked
exhaustively in tests.

One month, for follower count F (all rates from ``dialogs/benchmarks.yaml``)::

    content = m_posts * max(floor, (g + churn) * S(F))   # g is a NET benchmark: add churn back
    ads     = a_posts * effective_spend(budget) / (cpf * season)   # dearer above the threshold
    F'      = min(largest_account, F - churn * F + content + ads)

``m_posts`` rises with diminishing gains up to the platform's useful maximum of posts a week and
falls beyond it (over-posting drives unfollows); ``a_posts`` is the share of ad followers an
(almost) empty page keeps. ``S(F)`` weighs each slice of followers by its account-size
multiplier (like tax brackets), so F' only ever grows with F; together with ordered settings
this is what makes every property above hold month by month.

The five scenarios: ``cautious`` and ``good`` are the extremes (low and high settings), drawn
on the chart; ``likely`` is the middle; ``likely_low`` and ``likely_high`` sit ``likely_range``
of the way from the likely scenario towards each extreme: the range the bot says out loud
("most likely between 18 and 30 months": likely_high arrives first, likely_low last).

Months and follower counts are estimates: the model keeps them exact (so the properties can be
tested) and the texts round them with ``round_followers``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from bot.growth.parameters import (
    PEOPLE_ON_EARTH,
    PLATFORMS,
    Benchmarks,
    PlatformBenchmarks,
    Range,
)

SCENARIOS: tuple[str, ...] = ("cautious", "likely", "good")
"""The extremes and the middle: the curves drawn on the chart."""

BAND: tuple[str, ...] = ("likely_low", "likely_high")
"""The likely range said out loud: likely_low grows slower (arrives later), likely_high faster."""

ALL_SCENARIOS: tuple[str, ...] = ("cautious", "likely_low", "likely", "likely_high", "good")
"""Every scenario, slowest first: ``Projection.scenarios`` and ``at_horizon`` hold all five."""

_POSITION = {"cautious": -1.0, "likely": 0.0, "good": 1.0}
"""Where each scenario sits between the low (-1), mid (0) and high (+1) settings; the band
scenarios sit at -likely_range and +likely_range."""

CHART_MAX_MONTHS = 60
"""The chart never spans more than five years: a phone screen cannot show more usefully."""

__all__ = [
    "ALL_SCENARIOS",
    "BAND",
    "CHART_MAX_MONTHS",
    "PEOPLE_ON_EARTH",
    "SCENARIOS",
    "Advice",
    "Projection",
    "ProjectionInput",
    "Scenario",
    "ads_multiplier",
    "follower_path",
    "posting_multiplier",
    "project",
    "round_followers",
]


class Advice(StrEnum):
    """Machine-readable advice; the dialogs turn each code into words."""

    TARGET_BELOW_CURRENT = "target_below_current"
    IMPOSSIBLE_TARGET = "impossible_target"
    CLOSER_TARGET = "closer_target"
    ADD_BUDGET = "add_budget"
    NO_ADS_IS_RECKLESS = "no_ads_is_reckless"
    ALL_ADS_NO_STRATEGY = "all_ads_no_strategy"
    """Ads and under one post a week: they land on an (almost) empty page, which the model
    converts at ``paid.empty_page_multiplier`` (the texts already say visitors leave)."""
    POST_MORE = "post_more"
    TOO_MANY_POSTS = "too_many_posts"
    BUDGET_BELOW_PLATFORM_MINIMUM = "budget_below_platform_minimum"
    """0 < budget < the platform's minimum: the model still computes with it."""


@dataclass(frozen=True)
class ProjectionInput:
    platform: str
    current: int
    target: int | None
    """``None``: no target given (e.g. "how many in a year?"): no arrivals, no target advice."""
    budget_eur_month: float
    """Ad budget only; the agency fee is never part of it."""
    posts_per_week: float
    sector: str | None = None
    start_month: int | None = None
    """Calendar month (1-12) the plan starts, for Q4 ad prices; ``None`` averages over a year."""
    horizon_months: int | None = None
    """A question about a time ("how many in a year?" is 12): followers then, in
    ``Projection.at_horizon``; 1 to the simulated horizon (``horizon.max_months``)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    months: tuple[int, ...]
    """Followers at month 0, 1, … as drawn on the chart (same length in every scenario)."""
    months_to_target: int | None
    """First month with at least ``target`` followers; ``None`` if not within the simulated
    horizon, or when no target was given."""
    years_to_target: float | None
    after_1_year: int
    after_3_years: int
    shrinking: bool
    """Fewer followers after a year than today."""


@dataclass(frozen=True)
class Projection:
    input: ProjectionInput
    scenarios: dict[str, Scenario]
    already_there: bool
    reachable: bool
    """The likely scenario arrives within ``realistic_within_months`` (False without target)."""
    paid_share: float
    """Share of the likely scenario's new followers in year 1 that came from ads (0-1)."""
    advice: tuple[Advice, ...]
    budget_needed_eur_month: float | None
    """Ad budget for the likely scenario to arrive within the realistic window at the same
    posting pace: at least the platform's minimum, more than today's budget, 2 significant
    digits. ``None`` when already reachable, without a target, or when even
    ``limits.max_budget_eur_month`` would not do."""
    realistic_within_months: int
    """The window ``reachable`` and ``budget_needed_eur_month`` are about: the prospect's own
    deadline when they gave a target and a time ("20k in 18 months"), else
    ``horizon.realistic_within_months``."""
    horizon_months: int
    """How far the model simulates (``horizon.max_months``), not the question's horizon."""
    at_horizon: dict[str, int] | None = None
    """Followers at ``input.horizon_months`` in all five scenarios; ``None`` without one."""


@dataclass(frozen=True)
class _Rates:
    """One scenario's numbers, resolved once so the monthly step is plain arithmetic."""

    gross_pct: float
    floor: float
    posting: float
    ads_share: float
    """Share of ad followers kept, by posting pace (an empty page converts poorly)."""
    cpf: float
    churn: float
    brackets: tuple[tuple[float, float, float], ...]
    season: tuple[float, ...]
    """CPF multiplier for simulated month 0, 1, …, 11 (repeats yearly)."""
    threshold: float
    above: float
    cap: float
    """The platform's largest account: no curve goes beyond it."""


def project(inp: ProjectionInput, params: Benchmarks) -> Projection:
    """Project the five scenarios; raises ``ValueError`` on impossible inputs (never clamps)."""
    _check(inp, params)
    platform = params.platforms[inp.platform]
    horizon = params.horizon_months
    target = inp.target
    # "20k in 18 months?": the prospect's own deadline is the window the answer is about
    realistic = (
        inp.horizon_months
        if target is not None and inp.horizon_months is not None
        else params.realistic_within_months
    )
    rates = {name: _rates(inp, params, platform, name) for name in ALL_SCENARIOS}

    paths: dict[str, list[int]] = {}
    paid_share = 0.0
    # what is read of a path: up to the chart's longest span, 3 years, the horizon asked about,
    # and the arrival at the target (within ``horizon``); the months after it are not simulated
    read_up_to = max(CHART_MAX_MONTHS, 36, inp.horizon_months or 0)
    for name in ALL_SCENARIOS:
        floats, content, ads = _simulate(
            inp.current,
            inp.budget_eur_month,
            rates[name],
            max(horizon, 36) if target is not None else read_up_to,
            until=target,
            at_least=read_up_to,
        )
        paths[name] = [math.floor(x + 0.5) for x in floats]  # _round, without 600 calls
        if name == "likely":
            paid_share = ads / (ads + content) if ads + content > 0 else 0.0

    already_there = target is not None and inp.current >= target
    arrivals = {
        name: None if target is None else _arrival(paths[name][: horizon + 1], target)
        for name in ALL_SCENARIOS
    }
    likely = arrivals["likely"]
    reachable = likely is not None and likely <= realistic
    span = _chart_span(likely, already_there, target is not None, inp.horizon_months)

    scenarios = {
        name: _scenario(name, paths[name], arrivals[name], span, inp.current)
        for name in ALL_SCENARIOS
    }
    needed = (
        None
        if target is None or reachable or target > platform.largest_account
        else _budget_needed(
            inp.current,
            target,
            inp.budget_eur_month,
            rates["likely"],
            realistic,
            platform.min_ad_budget_eur_month,
            params.limits.max_budget_eur_month,
        )
    )
    at_horizon = (
        None
        if inp.horizon_months is None
        else {name: paths[name][inp.horizon_months] for name in ALL_SCENARIOS}
    )
    return Projection(
        input=inp,
        scenarios=scenarios,
        already_there=already_there,
        reachable=reachable,
        paid_share=paid_share,
        advice=_advice(inp, platform, already_there, reachable, needed),
        budget_needed_eur_month=needed,
        realistic_within_months=realistic,
        horizon_months=horizon,
        at_horizon=at_horizon,
    )


def follower_path(
    inp: ProjectionInput, params: Benchmarks, scenario: str, months: int
) -> tuple[int, ...]:
    """Followers at month 0..``months`` in one scenario: the whole curve, not the chart's cut."""
    _check(inp, params)
    if scenario not in ALL_SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {ALL_SCENARIOS}")
    if months < 0:
        raise ValueError(f"months cannot be negative, got {months}")
    rates = _rates(inp, params, params.platforms[inp.platform], scenario)
    path = _simulate(inp.current, inp.budget_eur_month, rates, months)[0]
    return tuple(_round(followers) for followers in path)


def round_followers(n: int) -> int:
    """A count as people say it: 2 significant figures, half up (2,813 → 2,800;
    67,012,345 → 67,000,000; 95 → 95). For the texts: the model itself stays exact."""
    if n < 0:
        return -round_followers(-n)
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return (n + step // 2) // step * step


def _scenario(name: str, path: list[int], arrival: int | None, span: int, current: int) -> Scenario:
    return Scenario(
        name=name,
        months=tuple(path[: span + 1]),
        months_to_target=arrival,
        years_to_target=None if arrival is None else arrival / 12,
        after_1_year=path[12],
        after_3_years=path[36],
        shrinking=path[12] < current,
    )


def posting_multiplier(
    posts_per_week: float, platform: PlatformBenchmarks, params: Benchmarks
) -> float:
    """Organic growth multiplier for a posting pace; no posts means no content to follow.

    Straight lines through (0, 0), (1, ``one_per_week``), (band minimum, ``in_band``) and
    (useful maximum, ``at_max_useful``), each step gaining less; beyond the useful maximum each
    extra post a week keeps ``1 - loss_per_post_over_max`` of it (over-posting loses people).
    """
    if posts_per_week <= 0:
        return 0.0
    table = params.posting
    band_min = platform.band_min_posts_week
    useful = platform.max_useful_posts_week
    points = [(0.0, 0.0)]
    if band_min > 1:
        points.append((1.0, table.one_per_week))
    points.append((band_min, table.in_band))
    if useful > band_min:
        points.append((useful, table.at_max_useful))
    if posts_per_week > useful:
        peak = points[-1][1]
        return peak * (1 - table.loss_per_post_over_max) ** (posts_per_week - useful)
    return _through(points, posts_per_week)


def ads_multiplier(
    posts_per_week: float, platform: PlatformBenchmarks, params: Benchmarks
) -> float:
    """Share of the followers ads bring that stay: ``empty_page_multiplier`` with no posts, in a
    straight line up to 1 at the bottom of the baseline band (and 1 above it)."""
    empty = params.paid.empty_page_multiplier
    band_min = platform.band_min_posts_week
    if posts_per_week >= band_min:
        return 1.0
    return empty + (1 - empty) * max(0.0, posts_per_week) / band_min


def _through(points: list[tuple[float, float]], x: float) -> float:
    """The straight-line curve through ``points`` (x ascending) at ``x``; two points at the same
    x (a band starting at 0) make a step up there."""
    for (x0, y0), (x1, y1) in pairwise(points):
        if x1 > x0 and x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _check(inp: ProjectionInput, params: Benchmarks) -> None:
    """Reject, never clamp: a silently "fixed" number would answer a question nobody asked."""
    if inp.platform not in PLATFORMS:
        raise ValueError(f"unknown platform {inp.platform!r}; expected one of {PLATFORMS}")
    for name in ("current", "target"):
        value = getattr(inp, name)
        if value is None and name == "target":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number of followers, got {value!r}")
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    largest = params.platforms[inp.platform].largest_account
    if inp.current > largest:
        raise ValueError(
            f"current ({inp.current}) is more followers than the most-followed account on "
            f"{inp.platform} has ({largest})"
        )
    horizon = inp.horizon_months
    if horizon is not None and (
        isinstance(horizon, bool)
        or not isinstance(horizon, int)
        or not 1 <= horizon <= params.horizon_months
    ):
        raise ValueError(
            f"horizon_months must be 1-{params.horizon_months} or None, got {horizon!r}"
        )
    for name in ("budget_eur_month", "posts_per_week"):
        value = getattr(inp, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number, 0 or more, got {value!r}")
    month = inp.start_month
    if month is not None and (
        isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12
    ):
        raise ValueError(f"start_month must be 1-12 or None, got {month!r}")


def _rates(
    inp: ProjectionInput, params: Benchmarks, platform: PlatformBenchmarks, scenario: str
) -> _Rates:
    if scenario in _POSITION:
        position = _POSITION[scenario]
    else:
        position = params.likely_range * (1.0 if scenario == "likely_high" else -1.0)
    growth = _at(platform.organic_pct_month, position)
    cpf = _at(platform.cpf_eur, -position)  # the good scenario pays the LOW cost
    sector = params.sectors.get((inp.sector or "").strip().lower(), 1.0)
    churn = params.churn_pct_month / 100
    return _Rates(
        gross_pct=growth * sector / 100 + churn,
        floor=_at(params.floor_followers_month, position),
        posting=posting_multiplier(inp.posts_per_week, platform, params),
        ads_share=ads_multiplier(inp.posts_per_week, platform, params),
        cpf=cpf,
        churn=churn,
        brackets=_brackets(params.account_size),
        season=_season(params, inp.start_month),
        threshold=params.paid.diminishing_above_eur_month,
        above=params.paid.cpf_multiplier_above,
        cap=float(platform.largest_account),
    )


def _at(values: Range, position: float) -> float:
    """The setting at ``position``: -1 low, 0 mid, +1 high, straight in between."""
    if position >= 0:
        return values.mid + position * (values.high - values.mid)
    return values.mid + position * (values.mid - values.low)


def _brackets(sizes: tuple[tuple[int, float], ...]) -> tuple[tuple[float, float, float], ...]:
    """(from, to, multiplier) slices; the last one is open-ended."""
    starts = [start for start, _ in sizes]
    ends = [*starts[1:], math.inf]
    return tuple((float(s), float(e), m) for (s, m), e in zip(sizes, ends, strict=True))


def _season(params: Benchmarks, start_month: int | None) -> tuple[float, ...]:
    paid = params.paid
    by_month = [
        paid.seasonal_cpf_multiplier if month in paid.seasonal_months else 1.0
        for month in range(1, 13)
    ]
    if start_month is None:
        # Average what a euro buys over the year, not the price: that is what adds up.
        average = 12 / sum(1 / m for m in by_month)
        return (average,) * 12
    return tuple(by_month[(start_month - 1 + t) % 12] for t in range(12))


def _simulate(
    current: int,
    budget: float,
    rates: _Rates,
    months: int,
    *,
    until: int | None = None,
    at_least: int = 0,
) -> tuple[list[float], float, float]:
    """Followers at month 0..months, plus year-1 gains from content and from ads.

    With ``until``, the path stops early: at the first month from ``at_least`` on when the
    (rounded) followers have reached ``until``.

    One month: followers weighted by their account-size slice (big accounts grow slower in %)
    give the organic gain, never below the floor, scaled by the posting pace; the ad budget
    (its part above the diminishing threshold buys less) buys followers at the month's cost
    per follower, the share an empty page keeps; churn is lost; no curve passes the
    platform's largest account. Written as one loop with no calls in it: this runs on the
    event loop, five scenarios of up to 600 months for each projection (~0.3-1.5 ms).
    """
    path = [float(current)]
    content_year1 = ads_year1 = 0.0
    followers = float(current)
    posting, floor, gross, churn, cap = (
        rates.posting,
        rates.floor,
        rates.gross_pct,
        rates.churn,
        rates.cap,
    )
    brackets = rates.brackets
    spend = min(budget, rates.threshold) + max(0.0, budget - rates.threshold) / rates.above
    paid = rates.ads_share * spend  # _ads: ads_share * spend / (cpf * season)
    price = [rates.cpf * season for season in rates.season]
    # _round(followers) >= until, for a whole ``until``: followers + 0.5 >= until
    reached = until is not None and followers + 0.5 >= until
    for month in range(months):
        if reached and month >= at_least:
            break
        sized = 0.0  # _sized
        for start, end, multiplier in brackets:
            if followers <= start:
                break
            sized += (min(followers, end) - start) * multiplier
        content = posting * max(floor, gross * sized)
        ads = paid / price[month % 12]
        followers = min(cap, followers - churn * followers + content + ads)
        path.append(followers)
        if month < 12:
            content_year1 += content
            ads_year1 += ads
        if until is not None and not reached:
            reached = followers + 0.5 >= until
    return path, content_year1, ads_year1


def _round(followers: float) -> int:
    """Half-up rounding: monotone, so rounding never reorders scenarios or budgets."""
    return math.floor(followers + 0.5)


def _arrival(path: list[int], target: int) -> int | None:
    for month, followers in enumerate(path):
        if followers >= target:
            return month
    return None


def _chart_span(
    likely_arrival: int | None, already_there: bool, has_target: bool, horizon: int | None
) -> int:
    """Up to the likely arrival plus a margin, so the crossing is visible but not squeezed, and
    at least up to the question's horizon (a year at least, five years at most)."""
    asked = 12 if horizon is None else min(CHART_MAX_MONTHS, max(12, horizon))
    if not has_target or already_there:
        return asked
    if likely_arrival is None:
        return CHART_MAX_MONTHS
    margin = max(3, math.ceil(likely_arrival / 4))
    return max(asked, min(CHART_MAX_MONTHS, max(12, likely_arrival + margin)))


def _arrives_within(current: int, target: int, budget: float, rates: _Rates, months: int) -> bool:
    """Whether the rounded followers reach ``target`` within ``months`` months (or already did)."""
    last = _simulate(current, budget, rates, months, until=target)[0][-1]
    return _round(last) >= target or current >= target


def _budget_needed(
    current: int,
    target: int,
    budget: float,
    rates: _Rates,
    months: int,
    minimum: float,
    maximum: float,
) -> float | None:
    """Smallest monthly budget (rounded up to 2 significant digits) that arrives in time, never
    below what the platform can run; ``None`` if even ``maximum`` (the sanity limit) would not.

    Arrival is monotone in budget, so a bisection between today's budget and the limit is
    exact enough; rounding up and the platform minimum only add budget, so it still arrives.
    """
    if budget >= maximum or not _arrives_within(current, target, maximum, rates, months):
        return None
    low, high = budget, maximum
    while high - low > max(1.0, high * 0.001):
        middle = (low + high) / 2
        if _arrives_within(current, target, middle, rates, months):
            high = middle
        else:
            low = middle
    return max(_round_up(high), _round_up(minimum))


def _round_up(amount: float) -> float:
    """A budget people can say out loud: 2 significant digits, never below what is needed."""
    if amount <= 0:
        return 0.0
    step = 10 ** max(0, math.floor(math.log10(amount)) - 1)
    return float(math.ceil(amount / step) * step)


def _advice(
    inp: ProjectionInput,
    platform: PlatformBenchmarks,
    already_there: bool,
    reachable: bool,
    needed: float | None,
) -> tuple[Advice, ...]:
    target = inp.target
    if target is not None and target < inp.current:
        return (Advice.TARGET_BELOW_CURRENT,)
    if already_there:
        return ()
    advice: list[Advice] = []
    if target is not None:
        if target > platform.largest_account:
            advice.append(Advice.IMPOSSIBLE_TARGET)
        if not reachable:
            advice.append(Advice.CLOSER_TARGET)
            if needed is not None:
                advice.append(Advice.ADD_BUDGET)
    if inp.budget_eur_month == 0:
        advice.append(Advice.NO_ADS_IS_RECKLESS)
    elif inp.posts_per_week < 1:
        advice.append(Advice.ALL_ADS_NO_STRATEGY)  # the ads land on an (almost) empty page
    if 0 < inp.budget_eur_month < platform.min_ad_budget_eur_month:
        advice.append(Advice.BUDGET_BELOW_PLATFORM_MINIMUM)
    if inp.posts_per_week < platform.band_min_posts_week:
        advice.append(Advice.POST_MORE)
    elif inp.posts_per_week > platform.max_useful_posts_week:
        advice.append(Advice.TOO_MANY_POSTS)
    return tuple(advice)
