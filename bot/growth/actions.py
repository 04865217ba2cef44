"""The actions behind the reality check: project growth from the prospect's own numbers.

Registered in the app's action registry by the growth plug-in (``bot.growth.plugin``); the chart
(matplotlib) is imported only when a chart is drawn.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from bot.base.money import Money
from bot.core.actions import ActionContext
from bot.core.records import Event
from bot.growth.parameters import PLATFORMS, Benchmarks
from bot.growth.projection import (
    BAND,
    SCENARIOS,
    Projection,
    ProjectionInput,
    project,
    round_followers,
)
from bot.languages import DEFAULT

log = logging.getLogger(__name__)

GROWTH_SLOTS = ("platform", "current_followers", "target_followers", "budget", "posts_per_week")
DEFAULT_PLATFORM = "instagram"  # the straight answer's platform when none was said: the most asked
PLATFORM_NAMES = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
}  # brand names: the same in every language
MAX_FOLLOWERS = 10**12  # beyond this the question is a joke; the model still answers honestly


def projection_values(result: Projection, params: Benchmarks | None = None) -> dict[str, Any]:
    """What the texts may show, as plain numbers (the templates format them).

    ``<scenario>_months`` is the month each of the five scenarios reaches the target (None:
    not within the horizon); ``soonest``/``latest`` the likely range's ends (the hopeful end of
    the band arrives first); ``<scenario>_at_horizon`` the followers at ``horizon`` months,
    rounded to 2 significant figures (an estimate shows no false precision).
    """
    inp = result.input
    platform = params.platforms.get(inp.platform) if params is not None else None
    values: dict[str, Any] = {
        "already_there": result.already_there,
        "reachable": result.reachable,
        "advice": [str(a) for a in result.advice],
        "budget_needed": result.budget_needed_eur_month,
        "paid_share": round(result.paid_share, 2),
        "current": inp.current,
        "target": inp.target,
        "horizon": inp.horizon_months,
        "budget": inp.budget_eur_month,
        "posts": inp.posts_per_week,
        "platform": inp.platform,
        "platform_name": PLATFORM_NAMES.get(inp.platform, inp.platform),
        "realistic_months": result.realistic_within_months,
        "min_ad_budget": _sayable(platform.min_ad_budget_eur_month) if platform else None,
        "max_useful_posts": platform.max_useful_posts_week if platform else None,
        "largest_account": platform.largest_account if platform else None,
    }
    for name in (*SCENARIOS, *BAND):
        scenario = result.scenarios.get(name)
        if scenario is None:
            continue
        values[f"{name}_months"] = scenario.months_to_target
        values[f"{name}_years"] = (
            round(scenario.years_to_target, 1) if scenario.years_to_target is not None else None
        )
        values[f"{name}_after_1_year"] = round_followers(scenario.after_1_year)
        if result.at_horizon is not None and name in result.at_horizon:
            values[f"{name}_at_horizon"] = round_followers(result.at_horizon[name])
    values["soonest"] = values.get("likely_high_months")
    values["latest"] = values.get("likely_low_months")
    return values


def _sayable(euros: float) -> int:
    """An amount to say with "about": € 608 is «circa € 600», € 30.40 «circa € 30»."""
    step = 50 if euros >= 100 else 5
    return max(step, round(euros / step) * step)


def _benchmarks(ctx: ActionContext) -> Benchmarks | None:
    params = ctx.content.extras.get("benchmarks") if ctx.content is not None else None
    return params if isinstance(params, Benchmarks) else None


def growth_limits(content: Any) -> dict[str, Any] | None:
    """``limits``, for the questions' ``checks:`` and their texts: per platform the most
    followers any account has (``largest_account``) and the smallest ad budget it runs
    (``min_ad_budget``, € a month); ``max_budget`` (€ a month) and ``max_posts`` (a week),
    beyond which an answer is read as a slip; ``organic_pct`` per platform, the likely organic
    growth in % a month. From ``dialogs/benchmarks.yaml``."""
    params = content.extras.get("benchmarks") if content is not None else None
    if not isinstance(params, Benchmarks):
        return None
    return {
        "largest_account": {p: b.largest_account for p, b in params.platforms.items()},
        "min_ad_budget": {p: b.min_ad_budget_eur_month for p, b in params.platforms.items()},
        "max_budget": params.limits.max_budget_eur_month,
        "max_posts": params.limits.max_posts_per_week,
        # the likely organic growth, % a month, for texts that quote it ("about 1.5% a month")
        "organic_pct": {p: b.organic_pct_month.mid for p, b in params.platforms.items()},
        # the typical small business (``typical_account``): what unsure prospects are offered
        "typical": {
            "current": params.typical.current,
            "budget": params.typical.budget_eur_month,
            "posts": params.typical.posts_per_week,
        },
    }


def budget_eur_month(value: Any) -> float:
    """The ad budget slot as euros per month, the unit the projection works in.

    The slot holds a ``Money`` (the money question keeps euros per month); rows saved before
    it did hold a plain number, which meant euros per month too. Nothing is converted between
    currencies: a budget in another currency is refused, never read as euros.

    Raises:
        ValueError: the budget is in another currency, negative, or not an amount at all.
    """
    if value is None or value == "":
        return 0.0
    money = Money.from_json(value)
    if money.currency != "EUR":
        raise ValueError(f"the budget is in {money.currency}, not in euro")
    if money.period is not None:
        money = money.per("month")
    if money.amount < 0:
        raise ValueError("a negative budget")
    return float(money.amount)


def _count(value: Any) -> int | None:
    """A follower count from a slot (None when unsaid or unreadable), at most ``MAX_FOLLOWERS``."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(min(float(value), MAX_FOLLOWERS))
    except (TypeError, ValueError, OverflowError):
        return None


def _horizon(value: Any) -> int | None:
    count = _count(value)
    return count if count is not None and count > 0 else None


async def project_growth(ctx: ActionContext) -> None:
    """The projection from the prospect's own answers (``projection`` for the texts, the
    chart as a photo); ``projection`` is None when the answers cannot give one."""
    params = _benchmarks(ctx)
    platform = str(ctx.slots.get("platform") or "")
    if params is None or platform not in PLATFORMS:
        ctx.values["projection"] = None
        ctx.events.append(Event("projection_skipped", detail=platform or "no platform"))
        return
    horizon = _horizon(ctx.slots.get("horizon_months"))
    target = _count(ctx.slots.get("target_followers"))
    try:
        inp = ProjectionInput(
            platform=platform,
            current=_count(ctx.slots.get("current_followers")) or 0,
            target=target if target is not None or horizon is not None else 0,
            budget_eur_month=budget_eur_month(ctx.slots.get("budget")),
            posts_per_week=float(ctx.slots.get("posts_per_week") or 0),
            start_month=ctx.now.month,
            horizon_months=horizon,
        )
        result = project(inp, params)
    except (ValueError, OverflowError, TypeError) as err:
        ctx.values["projection"] = None
        ctx.events.append(Event("projection_failed", detail=str(err)[:200]))
        return
    values = projection_values(result, params)
    values["fee_note"] = bool(ctx.slots.get("budget_from_text"))
    # what is said of every projection (bought followers never count) is said with the first
    runs = ctx.slots.get("projection_runs")
    runs = runs if isinstance(runs, int) and not isinstance(runs, bool) else 0
    values["first_run"] = runs == 0
    ctx.slots["projection_runs"] = runs + 1
    ctx.values["projection"] = values
    ctx.slots["projection_summary"] = _summary(result)
    ctx.events.append(Event("projection", detail=ctx.slots["projection_summary"]))
    await _draw(ctx, result)


def _summary(result: Projection) -> str:
    """One line for staff: what was computed and the likely answer."""
    inp = result.input
    likely = result.scenarios["likely"]
    said = f"{inp.platform} {inp.current}→{inp.target if inp.target is not None else '?'}"
    line = f"{said}, €{inp.budget_eur_month:g}/month, {inp.posts_per_week:g} posts/week: likely "
    if inp.target is not None:
        line += (
            f"{likely.months_to_target} months"
            if likely.months_to_target is not None
            else "not within 50 years"
        )
    if result.at_horizon is not None and inp.horizon_months is not None:
        if inp.target is not None:
            line += "; "
        line += f"{result.at_horizon['likely']} followers in {inp.horizon_months} months"
    return line


async def _draw(ctx: ActionContext, result: Projection) -> None:
    if ctx.files_dir is None or ctx.text is None:
        return
    from bot.growth.chart import ChartLabels, draw_chart  # matplotlib: only when drawing

    text = ctx.text
    labels = ChartLabels(
        locale=getattr(ctx.content, "languages", DEFAULT).locale(ctx.lang),
        title=text("projection.chart.title"),
        subtitle=text("projection.chart.subtitle"),
        x_axis=text("projection.chart.x_axis"),
        y_axis=text("projection.chart.y_axis"),
        cautious=text("projection.chart.cautious"),
        likely=text("projection.chart.likely"),
        good=text("projection.chart.good"),
        band=text("projection.chart.band"),
        arrival=text("projection.chart.arrival"),
        target=text("projection.chart.target"),
        footnote=text("projection.chart.footnote") or None,
    )
    # one file per prospect, replaced by their next chart: the disk does not fill up over time
    path = chart_path(ctx.files_dir, ctx.user_id)
    try:
        ctx.files_dir.mkdir(parents=True, exist_ok=True)
        # matplotlib is CPU-bound: drawn in another process, the event loop stays free
        await draw_chart(result, labels, path)
    except Exception:  # a chart is a bonus; the numbers already went out as text
        log.exception("chart rendering failed")
        ctx.events.append(Event("chart_failed"))
        return
    ctx.photos.append(str(path))


async def quick_estimate(ctx: ActionContext) -> None:
    """The straight answer to a growth question, before the prospect gave all their numbers:
    what they said (platform, followers, target, budget, posts, a horizon like "in a year"),
    and for the rest a typical small business (``typical_account`` in benchmarks.yaml). Sets
    ``estimate`` (None when nothing can be said): the projection's values plus, for each of
    ``platform``, ``current``, ``budget``, ``posts``, whether the prospect said it
    (``<name>_said``), ``impossible`` (a target beyond the platform's largest account) and
    ``refused``: figures said that the questions would refuse (``budget``, ``posts``,
    ``current``), left out of the estimate; ``budget_other``: a budget said in another
    currency ("£200"), not used (a typical one is), which the text says."""
    params = _benchmarks(ctx)
    if params is None:
        ctx.values["estimate"] = None
        return
    slots, typical = ctx.slots, params.typical
    platform = str(slots.get("platform") or "")
    platform_said = platform in PLATFORMS
    platform = platform if platform_said else DEFAULT_PLATFORM
    current = _count(slots.get("current_followers"))
    target = _count(slots.get("target_followers"))
    horizon = _horizon(slots.get("horizon_months"))
    try:
        budget: float | None = (
            budget_eur_month(slots["budget"]) if slots.get("budget") not in (None, "") else None
        )
    except ValueError:
        budget = None
    posts = slots.get("posts_per_week")
    posts_value = float(posts) if isinstance(posts, int | float) and posts >= 0 else None
    # figures the questions would refuse are named, not computed with (see the `checks:`)
    refused: dict[str, float] = {}
    if budget is not None and budget > params.limits.max_budget_eur_month:
        refused["budget"], budget = budget, None
    if posts_value is not None and posts_value > params.limits.max_posts_per_week:
        refused["posts"], posts_value = posts_value, None
    if current is not None and current > params.platforms[platform].largest_account:
        refused["current"], current = current, None
    start = current if current is not None else typical.current
    if current is None and target is not None and target <= start:
        start = 0  # "how long to 300 followers?": a page just opened, not a typical one
    if target is not None and target <= start:
        target = None  # "ne ho 5.000 e ne voglio 3.000": asked again; the estimate says why
    if target is None and horizon is None:
        horizon = 12  # no target, no time: what a year brings
    try:
        result = project(
            ProjectionInput(
                platform=platform,
                current=start,
                target=target,
                budget_eur_month=budget if budget is not None else typical.budget_eur_month,
                posts_per_week=posts_value if posts_value is not None else typical.posts_per_week,
                start_month=ctx.now.month,
                horizon_months=horizon,
            ),
            params,
        )
    except (ValueError, OverflowError, TypeError) as err:
        ctx.values["estimate"] = None
        ctx.events.append(Event("estimate_failed", detail=str(err)[:200]))
        return
    values = projection_values(result, params)
    said_target = _count(slots.get("target_followers"))
    values.update(
        platform_said=platform_said,
        current_said=current is not None,
        budget_said=budget is not None,
        posts_said=posts_value is not None,
        said_target=said_target,
        target_not_above=said_target is not None and said_target <= start,
        impossible=target is not None and target > params.platforms[platform].largest_account,
        refused=refused,
        # "£200 a month": not converted (no exchange rate guessed), a typical budget used
        budget_other=slots.get("budget_other") if budget is None else None,
    )
    ctx.values["estimate"] = values
    ctx.events.append(Event("estimate", detail=_summary(result)[:200]))


def budget_from_fee(ctx: ActionContext) -> None:
    """ "Se vi pago 300 al mese": the prospect confirmed the amount was meant for ads, so it
    becomes the ad budget (it was kept apart until they said which it was)."""
    said = ctx.slots.get("fee_said")
    if said not in (None, ""):
        ctx.slots["budget"] = said


def chart_path(files_dir: Path, user_id: str) -> Path:
    """The prospect's chart: one file each, replaced by their next one."""
    safe_user = re.sub(r"[^A-Za-z0-9_-]", "_", user_id)[:40]
    return files_dir / f"{safe_user}.png"


def forget_chart(user_id: str, files_dir: Path | None) -> None:
    """/delete: the prospect's chart goes too (a chart not yet sent, or one a front-end that
    does not delete sent media left behind)."""
    if files_dir is not None:
        chart_path(files_dir, user_id).unlink(missing_ok=True)
