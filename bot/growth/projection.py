"""How many followers, how fast: a month-by-month projection in three scenarios.

Pure (no I/O, no clock) so the same inputs always give the same honest answer, and so the
properties the bot relies on (more budget never slows growth, cautious <= likely <= good) can be
checked exhaustively in tests.

One month, for follower count F (all rates from ``dialogs/benchmarks.yaml``)::

    content = m_posts * max(floor, (g + churn) * S(F))   # g is a NET benchmark: add churn back
    ads     = effective_spend(budget) / (cpf * season)   # dearer above the spend threshold
    F'      = min(PEOPLE_ON_EARTH, F - churn * F + content + ads)

``S(F)`` weighs each slice of followers by its account-size multiplier (like tax brackets), so
F' only ever grows with F; together with ordered low/mid/high settings this is what makes every
property above hold month by month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from bot.growth.parameters import PLATFORMS, Benchmarks, PlatformBenchmarks

SCENARIOS: tuple[str, ...] = ("cautious", "likely", "good")

CHART_MAX_MONTHS = 60
"""The chart never spans more than five years: a phone screen cannot show more usefully."""

PEOPLE_ON_EARTH = 8_000_000_000
"""UN World Population Prospects 2024 gives about 8.2 billion; no account can have more
followers than there are people, so the simulation stops there (it also keeps floats finite)."""

_BUDGET_SEARCH_LIMIT = 1e12


class Advice(StrEnum):
    """Machine-readable advice; the dialogs turn each code into words."""

    TARGET_BELOW_CURRENT = "target_below_current"
    IMPOSSIBLE_TARGET = "impossible_target"
    CLOSER_TARGET = "closer_target"
    ADD_BUDGET = "add_budget"
    NO_ADS_IS_RECKLESS = "no_ads_is_reckless"
    ALL_ADS_NO_STRATEGY = "all_ads_no_strategy"
    POST_MORE = "post_more"
    TOO_MANY_POSTS = "too_many_posts"


@dataclass(frozen=True)
class ProjectionInput:
    platform: str
    current: int
    target: int
    budget_eur_month: float
    """Ad budget only; the agency fee is never part of it."""
    posts_per_week: float
    sector: str | None = None
    start_month: int | None = None
    """Calendar month (1-12) the plan starts, for Q4 ad prices; ``None`` averages over a year."""


@dataclass(frozen=True)
class Scenario:
    name: str
    months: tuple[int, ...]
    """Followers at month 0, 1, … as drawn on the chart (same length in every scenario)."""
    months_to_target: int | None
    """First month with at least ``target`` followers; ``None`` if not within the horizon."""
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
    """The likely scenario arrives within ``realistic_within_months``."""
    paid_share: float
    """Share of the likely scenario's new followers in year 1 that came from ads (0-1)."""
    advice: tuple[Advice, ...]
    budget_needed_eur_month: float | None
    """Ad budget for the likely scenario to arrive within the realistic window at the same
    posting pace; ``None`` when already reachable or not reachable at any budget."""
    realistic_within_months: int
    horizon_months: int


@dataclass(frozen=True)
class _Rates:
    """One scenario's numbers, resolved once so the monthly step is plain arithmetic."""

    gross_pct: float
    floor: float
    posting: float
    cpf: float
    churn: float
    brackets: tuple[tuple[float, float, float], ...]
    season: tuple[float, ...]
    """CPF multiplier for simulated month 0, 1, …, 11 (repeats yearly)."""
    threshold: float
    above: float


def project(inp: ProjectionInput, params: Benchmarks) -> Projection:
    """Project the three scenarios; raises ``ValueError`` on impossible inputs (never clamps)."""
    _check(inp)
    platform = params.platforms[inp.platform]
    horizon = params.horizon_months
    realistic = params.realistic_within_months
    rates = {name: _rates(inp, params, platform, name) for name in SCENARIOS}

    paths: dict[str, list[int]] = {}
    paid_share = 0.0
    for name in SCENARIOS:
        floats, content, ads = _simulate(
            inp.current, inp.budget_eur_month, rates[name], max(horizon, 36)
        )
        paths[name] = [_round(x) for x in floats]
        if name == "likely":
            paid_share = ads / (ads + content) if ads + content > 0 else 0.0

    already_there = inp.current >= inp.target
    arrivals = {name: _arrival(paths[name][: horizon + 1], inp.target) for name in SCENARIOS}
    likely = arrivals["likely"]
    reachable = likely is not None and likely <= realistic
    span = _chart_span(likely, already_there)

    scenarios = {
        name: _scenario(name, paths[name], arrivals[name], span, inp.current) for name in SCENARIOS
    }
    needed = (
        None
        if reachable or inp.target > PEOPLE_ON_EARTH
        else _budget_needed(
            inp.current, inp.target, inp.budget_eur_month, rates["likely"], realistic
        )
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
    )


def follower_path(
    inp: ProjectionInput, params: Benchmarks, scenario: str, months: int
) -> tuple[int, ...]:
    """Followers at month 0..``months`` in one scenario: the whole curve, not the chart's cut."""
    _check(inp)
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {SCENARIOS}")
    if months < 0:
        raise ValueError(f"months cannot be negative, got {months}")
    rates = _rates(inp, params, params.platforms[inp.platform], scenario)
    path = _simulate(inp.current, inp.budget_eur_month, rates, months)[0]
    return tuple(_round(followers) for followers in path)


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
    """Organic growth multiplier for a posting pace; no posts means no content to follow."""
    table = params.posting
    if posts_per_week <= 0:
        return 0.0
    if posts_per_week < 1:
        return table.under_1_per_week
    if posts_per_week < platform.band_min_posts_week:
        return table.below_band
    if posts_per_week <= platform.band_max_posts_week:
        return table.in_band
    if posts_per_week <= platform.max_useful_posts_week:
        return table.above_band
    return table.over_max


def _check(inp: ProjectionInput) -> None:
    """Reject, never clamp: a silently "fixed" number would answer a question nobody asked."""
    if inp.platform not in PLATFORMS:
        raise ValueError(f"unknown platform {inp.platform!r}; expected one of {PLATFORMS}")
    for name in ("current", "target"):
        value = getattr(inp, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number of followers, got {value!r}")
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    if inp.current > PEOPLE_ON_EARTH:
        raise ValueError(f"current ({inp.current}) is more followers than there are people")
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
    index = SCENARIOS.index(scenario)
    organic = platform.organic_pct_month
    growth = (organic.low, organic.mid, organic.high)[index]
    cpf = (platform.cpf_eur.high, platform.cpf_eur.mid, platform.cpf_eur.low)[index]
    floor = params.floor_followers_month
    sector = params.sectors.get((inp.sector or "").strip().lower(), 1.0)
    churn = params.churn_pct_month / 100
    return _Rates(
        gross_pct=growth * sector / 100 + churn,
        floor=(floor.low, floor.mid, floor.high)[index],
        posting=posting_multiplier(inp.posts_per_week, platform, params),
        cpf=cpf,
        churn=churn,
        brackets=_brackets(params.account_size),
        season=_season(params, inp.start_month),
        threshold=params.paid.diminishing_above_eur_month,
        above=params.paid.cpf_multiplier_above,
    )


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


def _sized(followers: float, brackets: tuple[tuple[float, float, float], ...]) -> float:
    """Followers weighted by their slice's multiplier: big accounts grow slower in %."""
    total = 0.0
    for start, end, multiplier in brackets:
        if followers <= start:
            break
        total += (min(followers, end) - start) * multiplier
    return total


def _ads(budget: float, rates: _Rates, month: int) -> float:
    spend = min(budget, rates.threshold) + max(0.0, budget - rates.threshold) / rates.above
    return spend / (rates.cpf * rates.season[month % 12])


def _step(followers: float, budget: float, rates: _Rates, month: int) -> tuple[float, float, float]:
    """One month: (followers after, gained from content, gained from ads)."""
    content = rates.posting * max(rates.floor, rates.gross_pct * _sized(followers, rates.brackets))
    ads = _ads(budget, rates, month)
    after = followers - rates.churn * followers + content + ads
    return min(PEOPLE_ON_EARTH, after), content, ads


def _simulate(
    current: int, budget: float, rates: _Rates, months: int
) -> tuple[list[float], float, float]:
    """Followers at month 0..months, plus year-1 gains from content and from ads."""
    path = [float(current)]
    content_year1 = ads_year1 = 0.0
    followers = float(current)
    for month in range(months):
        followers, content, ads = _step(followers, budget, rates, month)
        path.append(followers)
        if month < 12:
            content_year1 += content
            ads_year1 += ads
    return path, content_year1, ads_year1


def _round(followers: float) -> int:
    """Half-up rounding: monotone, so rounding never reorders scenarios or budgets."""
    return math.floor(followers + 0.5)


def _arrival(path: list[int], target: int) -> int | None:
    for month, followers in enumerate(path):
        if followers >= target:
            return month
    return None


def _chart_span(likely_arrival: int | None, already_there: bool) -> int:
    """Up to the likely arrival plus a margin, so the crossing is visible but not squeezed."""
    if already_there:
        return 12
    if likely_arrival is None:
        return CHART_MAX_MONTHS
    margin = max(3, math.ceil(likely_arrival / 4))
    return min(CHART_MAX_MONTHS, max(12, likely_arrival + margin))


def _arrives_within(current: int, target: int, budget: float, rates: _Rates, months: int) -> bool:
    followers = float(current)
    for month in range(months):
        followers = _step(followers, budget, rates, month)[0]
        if _round(followers) >= target:
            return True
    return current >= target


def _budget_needed(
    current: int, target: int, budget: float, rates: _Rates, months: int
) -> float | None:
    """Smallest monthly budget (rounded up to 2 significant digits) that arrives in time.

    Arrival is monotone in budget, so a doubling search then bisection is exact enough.
    """
    low = budget
    high = max(100.0, budget * 2)
    while not _arrives_within(current, target, high, rates, months):
        low = high
        high *= 2
        if high > _BUDGET_SEARCH_LIMIT:
            return None
    while high - low > max(1.0, high * 0.001):
        middle = (low + high) / 2
        if _arrives_within(current, target, middle, rates, months):
            high = middle
        else:
            low = middle
    return _round_up(high)


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
    if inp.target < inp.current:
        return (Advice.TARGET_BELOW_CURRENT,)
    if already_there:
        return ()
    advice: list[Advice] = []
    if inp.target > PEOPLE_ON_EARTH:
        advice.append(Advice.IMPOSSIBLE_TARGET)
    if not reachable:
        advice.append(Advice.CLOSER_TARGET)
        if needed is not None:
            advice.append(Advice.ADD_BUDGET)
    if inp.budget_eur_month == 0:
        advice.append(Advice.NO_ADS_IS_RECKLESS)
    elif inp.posts_per_week < 1:
        advice.append(Advice.ALL_ADS_NO_STRATEGY)
    if inp.posts_per_week < platform.band_min_posts_week:
        advice.append(Advice.POST_MORE)
    elif inp.posts_per_week > platform.max_useful_posts_week:
        advice.append(Advice.TOO_MANY_POSTS)
    return tuple(advice)
