"""The projection model: properties the bot's honesty depends on, edge cases, sanity numbers."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.base.problems import Problems
from bot.growth.parameters import BENCHMARKS_FILE, PLATFORMS, Benchmarks, load_benchmarks
from bot.growth.projection import (
    CHART_MAX_MONTHS,
    PEOPLE_ON_EARTH,
    SCENARIOS,
    Advice,
    Projection,
    ProjectionInput,
    follower_path,
    project,
)


def _load() -> Benchmarks:
    problems = Problems()
    benchmarks = load_benchmarks(BENCHMARKS_FILE, problems)
    assert benchmarks is not None, problems.report()
    return benchmarks


PARAMS = _load()
HORIZON = PARAMS.horizon_months


def _never(months: int | None) -> float:
    return math.inf if months is None else months


inputs = st.builds(
    ProjectionInput,
    platform=st.sampled_from(PLATFORMS),
    current=st.integers(0, 2_000_000),
    target=st.integers(0, 20_000_000),
    budget_eur_month=st.floats(0, 50_000, allow_nan=False),
    posts_per_week=st.floats(0, 40, allow_nan=False),
    start_month=st.none() | st.integers(1, 12),
)
budgets = st.floats(0, 50_000, allow_nan=False)
PROPERTY = settings(max_examples=60, deadline=None)


# -- properties ---------------------------------------------------------------------------------


@PROPERTY
@given(inp=inputs, horizon=st.none() | st.integers(1, HORIZON))
def test_what_a_projection_says_is_read_off_the_whole_curve(
    inp: ProjectionInput, horizon: int | None
) -> None:
    """``project`` stops simulating once it has what it reads (the arrival, the chart's months,
    the horizon): every figure is still the one the whole 50-year curve gives."""
    inp = dataclasses.replace(inp, horizon_months=horizon)
    result = project(inp, PARAMS)
    for name in SCENARIOS:
        whole = follower_path(inp, PARAMS, name, HORIZON)
        scenario = result.scenarios[name]
        arrival = next((m for m, f in enumerate(whole) if f >= (inp.target or 0)), None)
        assert scenario.months_to_target == arrival
        assert scenario.months == whole[: len(scenario.months)]
        assert (scenario.after_1_year, scenario.after_3_years) == (whole[12], whole[36])
        if horizon is not None:
            assert result.at_horizon is not None and result.at_horizon[name] == whole[horizon]


@PROPERTY
@given(inp=inputs, budget_a=budgets, budget_b=budgets)
def test_more_budget_never_slows_growth(
    inp: ProjectionInput, budget_a: float, budget_b: float
) -> None:
    less, more = sorted((budget_a, budget_b))
    low = project(dataclasses.replace(inp, budget_eur_month=less), PARAMS)
    high = project(dataclasses.replace(inp, budget_eur_month=more), PARAMS)
    for name in SCENARIOS:
        assert _never(high.scenarios[name].months_to_target) <= _never(
            low.scenarios[name].months_to_target
        )
        path_low = follower_path(dataclasses.replace(inp, budget_eur_month=less), PARAMS, name, 120)
        path_high = follower_path(
            dataclasses.replace(inp, budget_eur_month=more), PARAMS, name, 120
        )
        assert all(a <= b for a, b in zip(path_low, path_high, strict=True))


@PROPERTY
@given(inp=inputs, other_target=st.integers(0, 20_000_000))
def test_a_higher_target_never_arrives_sooner(inp: ProjectionInput, other_target: int) -> None:
    assert inp.target is not None  # the strategy always gives one
    lower, higher = sorted((inp.target, other_target))
    near = project(dataclasses.replace(inp, target=lower), PARAMS)
    far = project(dataclasses.replace(inp, target=higher), PARAMS)
    for name in SCENARIOS:
        assert _never(near.scenarios[name].months_to_target) <= _never(
            far.scenarios[name].months_to_target
        )


@PROPERTY
@given(inp=inputs)
def test_zero_budget_and_zero_posts_is_the_slowest_curve(inp: ProjectionInput) -> None:
    idle = dataclasses.replace(inp, budget_eur_month=0, posts_per_week=0)
    for name in SCENARIOS:
        slowest = follower_path(idle, PARAMS, name, 120)
        path = follower_path(inp, PARAMS, name, 120)
        assert all(a <= b for a, b in zip(slowest, path, strict=True))
    assert _never(project(inp, PARAMS).scenarios["likely"].months_to_target) <= _never(
        project(idle, PARAMS).scenarios["likely"].months_to_target
    )


@PROPERTY
@given(inp=inputs)
def test_cautious_likely_good_are_ordered_every_month(inp: ProjectionInput) -> None:
    result = project(inp, PARAMS)
    cautious, likely, good = (result.scenarios[name] for name in SCENARIOS)
    for c, m, g in zip(cautious.months, likely.months, good.months, strict=True):
        assert c <= m <= g
    paths = [follower_path(inp, PARAMS, name, HORIZON) for name in SCENARIOS]
    for c, m, g in zip(*paths, strict=True):
        assert c <= m <= g
    assert _never(good.months_to_target) <= _never(likely.months_to_target)
    assert _never(likely.months_to_target) <= _never(cautious.months_to_target)


@PROPERTY
@given(inp=inputs)
def test_shape_of_every_projection(inp: ProjectionInput) -> None:
    result = project(inp, PARAMS)
    lengths = {len(s.months) for s in result.scenarios.values()}
    assert len(lengths) == 1
    assert 13 <= lengths.pop() <= CHART_MAX_MONTHS + 1
    assert 0 <= result.paid_share <= 1
    for scenario in result.scenarios.values():
        assert scenario.months[0] == inp.current
        if scenario.months_to_target is None:
            assert scenario.years_to_target is None
        else:
            assert 0 <= scenario.months_to_target <= HORIZON
            assert scenario.years_to_target == scenario.months_to_target / 12
    assert result.reachable == (
        result.scenarios["likely"].months_to_target is not None
        and result.scenarios["likely"].months_to_target <= PARAMS.realistic_within_months
    )


@settings(max_examples=25, deadline=None)
@given(inp=inputs)
def test_the_budget_needed_is_enough(inp: ProjectionInput) -> None:
    result = project(inp, PARAMS)
    if result.budget_needed_eur_month is None:
        return
    assert not result.reachable
    assert result.budget_needed_eur_month > inp.budget_eur_month
    enough = project(
        dataclasses.replace(inp, budget_eur_month=result.budget_needed_eur_month), PARAMS
    )
    assert enough.reachable


# -- sanity numbers -----------------------------------------------------------------------------


def _ig(current: int, target: int, budget: float, posts: float) -> Projection:
    return project(ProjectionInput("instagram", current, target, budget, posts), PARAMS)


def test_sanity_small_instagram_account_with_a_modest_budget() -> None:
    result = _ig(800, 10_000, 200, 3)
    months = {name: result.scenarios[name].months_to_target for name in SCENARIOS}
    assert months == {"cautious": 92, "likely": 36, "good": 15}
    assert result.reachable
    assert result.advice == ()
    assert 0.7 < result.paid_share < 0.95  # a small account grows mostly through ads


def test_sanity_a_million_without_ads_takes_decades() -> None:
    result = _ig(800, 1_000_000, 0, 3)
    good = result.scenarios["good"].years_to_target
    likely = result.scenarios["likely"].years_to_target
    assert good is not None and 20 <= good <= 30
    assert likely is None or likely >= 40
    assert result.scenarios["cautious"].months_to_target is None  # "not within 50 years"
    assert not result.reachable
    assert result.paid_share == 0
    assert result.advice == (Advice.CLOSER_TARGET, Advice.ADD_BUDGET, Advice.NO_ADS_IS_RECKLESS)
    assert result.budget_needed_eur_month is not None
    assert 10_000 <= result.budget_needed_eur_month <= 100_000


def test_the_chart_runs_a_little_past_the_likely_arrival() -> None:
    result = _ig(800, 10_000, 200, 3)
    assert len(result.scenarios["likely"].months) - 1 == 36 + 9


# -- edge cases ---------------------------------------------------------------------------------


def test_target_already_reached() -> None:
    result = _ig(10_000, 10_000, 100, 3)
    assert result.already_there and result.reachable
    assert all(s.months_to_target == 0 for s in result.scenarios.values())
    assert result.advice == ()
    assert len(result.scenarios["likely"].months) == 13  # one year, to show the trend


def test_target_below_current() -> None:
    result = _ig(5_000, 1_000, 100, 3)
    assert result.already_there
    assert result.advice == (Advice.TARGET_BELOW_CURRENT,)
    assert result.budget_needed_eur_month is None


def test_zero_everything() -> None:
    nothing = _ig(0, 0, 0, 0)
    assert nothing.already_there
    assert all(set(s.months) == {0} for s in nothing.scenarios.values())
    stuck = _ig(0, 100, 0, 0)
    assert all(s.months_to_target is None for s in stuck.scenarios.values())
    assert all(set(s.months) == {0} for s in stuck.scenarios.values())
    assert Advice.NO_ADS_IS_RECKLESS in stuck.advice
    assert Advice.POST_MORE in stuck.advice


def test_no_posts_no_ads_slowly_shrinks() -> None:
    result = _ig(800, 10_000, 0, 0)
    likely = result.scenarios["likely"]
    assert likely.shrinking
    assert 700 < likely.after_1_year < 800
    assert list(likely.months) == sorted(likely.months, reverse=True)


def test_absurd_numbers_do_not_break_anything() -> None:
    largest = PARAMS.platforms["instagram"].largest_account
    result = _ig(0, 10**12, 10**9, 1000)
    assert Advice.IMPOSSIBLE_TARGET in result.advice
    assert Advice.TOO_MANY_POSTS in result.advice
    assert result.budget_needed_eur_month is None
    for scenario in result.scenarios.values():
        assert scenario.months_to_target is None
        assert all(0 <= n <= largest for n in scenario.months)
    # the most-followed account is the ceiling: a billion is out of reach at any budget...
    beyond = _ig(0, 10**9, 10**9, 3)
    assert not beyond.reachable
    assert Advice.IMPOSSIBLE_TARGET in beyond.advice
    # ...and an absurd budget reaches the ceiling, never more
    fast = _ig(0, largest, 10**9, 3)
    assert fast.reachable
    assert fast.scenarios["good"].months_to_target is not None
    tiktok = PARAMS.platforms["tiktok"].largest_account
    huge = project(ProjectionInput("tiktok", tiktok, 10**30, 1e300, 1e6), PARAMS)
    assert huge.scenarios["good"].after_3_years == tiktok
    assert tiktok < PEOPLE_ON_EARTH


@pytest.mark.parametrize(
    "field, value",
    [
        ("current", -1),
        ("target", -5),
        ("budget_eur_month", -0.01),
        ("posts_per_week", -1),
        ("budget_eur_month", math.nan),
        ("budget_eur_month", math.inf),
        ("posts_per_week", math.inf),
        ("current", 1.5),
        ("current", True),
        ("current", PEOPLE_ON_EARTH + 1),
        ("platform", "myspace"),
        ("start_month", 13),
        ("start_month", 0),
        ("start_month", True),
    ],
)
def test_impossible_inputs_are_rejected_not_clamped(field: str, value: Any) -> None:
    inp = dataclasses.replace(ProjectionInput("instagram", 800, 10_000, 200, 3), **{field: value})
    with pytest.raises(ValueError):
        project(inp, PARAMS)


def test_follower_path_rejects_unknown_scenario() -> None:
    with pytest.raises(ValueError):
        follower_path(ProjectionInput("instagram", 1, 2, 0, 0), PARAMS, "optimistic", 12)


# -- levers and advice --------------------------------------------------------------------------


def test_posting_in_the_band_beats_posting_rarely() -> None:
    rare = _ig(5_000, 20_000, 0, 0.5).scenarios["likely"].after_3_years
    some = _ig(5_000, 20_000, 0, 2).scenarios["likely"].after_3_years
    band = _ig(5_000, 20_000, 0, 4).scenarios["likely"].after_3_years
    assert rare < some < band


def test_big_accounts_grow_slower_in_percent() -> None:
    small = _ig(5_000, 10**9, 0, 4).scenarios["likely"]
    big = _ig(5_000_000, 10**9, 0, 4).scenarios["likely"]
    assert big.after_1_year / 5_000_000 < small.after_1_year / 5_000


def test_tiny_accounts_still_move_thanks_to_the_floor() -> None:
    result = _ig(10, 1_000, 0, 3)
    assert result.scenarios["likely"].after_1_year >= 10 + 12 * 15


def test_spend_above_the_threshold_buys_followers_at_a_higher_cost() -> None:
    def paid_gain(budget: float) -> int:
        inp = ProjectionInput("facebook", 0, 10**9, budget, 0)
        return follower_path(inp, PARAMS, "likely", 1)[1]

    below = paid_gain(1_000) / 1_000
    above = (paid_gain(3_000) - paid_gain(1_500)) / 1_500
    assert above == pytest.approx(below / 1.2, rel=0.01)


def test_the_fourth_quarter_is_dearer_for_ads() -> None:
    def year_one(start: int | None) -> int:
        inp = ProjectionInput("facebook", 0, 10**9, 500, 0, start_month=start)
        return follower_path(inp, PARAMS, "likely", 3)[3]

    assert year_one(10) < year_one(None) < year_one(1)


def test_unknown_sector_is_ignored_and_a_configured_one_is_used() -> None:
    base = ProjectionInput("instagram", 800, 10_000, 0, 3)
    plain = project(base, PARAMS).scenarios["likely"].after_3_years
    unknown = project(dataclasses.replace(base, sector="Pizzeria"), PARAMS)
    assert unknown.scenarios["likely"].after_3_years == plain
    boosted = dataclasses.replace(PARAMS, sectors={"food": 2.0})
    food = project(dataclasses.replace(base, sector=" Food "), boosted)
    assert food.scenarios["likely"].after_3_years > plain


def test_all_ads_and_no_content_is_flagged() -> None:
    result = _ig(800, 10_000, 500, 0.5)
    assert Advice.ALL_ADS_NO_STRATEGY in result.advice
    assert Advice.POST_MORE in result.advice
    assert Advice.NO_ADS_IS_RECKLESS not in result.advice


def test_linkedin_is_expensive_so_the_bot_suggests_more_budget() -> None:
    result = project(ProjectionInput("linkedin", 800, 10_000, 200, 3), PARAMS)
    assert not result.reachable
    # € 200 a month is also below the € 10 a day LinkedIn needs to run a campaign at all
    assert result.advice == (
        Advice.CLOSER_TARGET,
        Advice.ADD_BUDGET,
        Advice.BUDGET_BELOW_PLATFORM_MINIMUM,
    )
    assert result.budget_needed_eur_month is not None
    assert result.budget_needed_eur_month > 200


def test_advice_codes_are_plain_strings_for_the_dialogs() -> None:
    assert "add_budget" in _ig(800, 1_000_000, 0, 3).advice
    assert {a.value for a in Advice} == {
        "target_below_current",
        "impossible_target",
        "closer_target",
        "add_budget",
        "no_ads_is_reckless",
        "all_ads_no_strategy",
        "post_more",
        "too_many_posts",
        "budget_below_platform_minimum",
    }


def test_projection_is_pure_and_repeatable() -> None:
    inp = ProjectionInput("tiktok", 1_234, 50_000, 300, 5, sector="fashion", start_month=11)
    assert project(inp, PARAMS) == project(inp, PARAMS)
