"""The actions behind the reality check: project growth from the prospect's own numbers.

Registered in the app's action registry by the growth plug-in (``bot.growth.plugin``); the chart
(matplotlib) is imported only when a chart is drawn.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

from bot.base.money import Money
from bot.core.actions import ActionContext
from bot.core.records import Event
from bot.growth.parameters import PLATFORMS, Benchmarks
from bot.growth.projection import SCENARIOS, Projection, ProjectionInput, project
from bot.languages import DEFAULT

log = logging.getLogger(__name__)

GROWTH_SLOTS = ("platform", "current_followers", "target_followers", "budget", "posts_per_week")
PLATFORM_NAMES = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
}  # brand names: the same in every language
MAX_FOLLOWERS = 10**12  # beyond this the question is a joke; the model still answers honestly


def projection_values(result: Projection) -> dict[str, Any]:
    """What the texts may show, as plain numbers (the templates format them)."""
    values: dict[str, Any] = {
        "already_there": result.already_there,
        "reachable": result.reachable,
        "advice": [str(a) for a in result.advice],
        "budget_needed": result.budget_needed_eur_month,
        "paid_share": round(result.paid_share, 2),
        "current": result.input.current,
        "target": result.input.target,
        "budget": result.input.budget_eur_month,
        "posts": result.input.posts_per_week,
        "platform_name": PLATFORM_NAMES.get(result.input.platform, result.input.platform),
    }
    for name in SCENARIOS:
        scenario = result.scenarios[name]
        values[f"{name}_months"] = scenario.months_to_target
        values[f"{name}_years"] = (
            round(scenario.years_to_target, 1) if scenario.years_to_target is not None else None
        )
        values[f"{name}_after_1_year"] = scenario.after_1_year
    return values


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


async def project_growth(ctx: ActionContext) -> None:
    params = ctx.content.extras.get("benchmarks") if ctx.content is not None else None
    platform = str(ctx.slots.get("platform") or "")
    if not isinstance(params, Benchmarks) or platform not in PLATFORMS:
        ctx.values["projection"] = None
        ctx.events.append(Event("projection_skipped", detail=platform or "no platform"))
        return
    try:
        inp = ProjectionInput(
            platform=platform,
            current=int(min(float(ctx.slots.get("current_followers") or 0), MAX_FOLLOWERS)),
            target=int(min(float(ctx.slots.get("target_followers") or 0), MAX_FOLLOWERS)),
            budget_eur_month=budget_eur_month(ctx.slots.get("budget")),
            posts_per_week=float(ctx.slots.get("posts_per_week") or 0),
            start_month=ctx.now.month,
        )
        result = project(inp, params)
    except (ValueError, OverflowError) as err:
        ctx.values["projection"] = None
        ctx.events.append(Event("projection_failed", detail=str(err)[:200]))
        return
    values = projection_values(result)
    ctx.values["projection"] = values
    likely = result.scenarios["likely"]
    ctx.slots["projection_summary"] = (
        f"{inp.platform} {inp.current}→{inp.target}, €{inp.budget_eur_month:g}/month, "
        f"{inp.posts_per_week:g} posts/week: likely "
        + (
            f"{likely.months_to_target} months"
            if likely.months_to_target is not None
            else "not within 50 years"
        )
    )
    ctx.events.append(Event("projection", detail=ctx.slots["projection_summary"]))
    if ctx.files_dir is None or ctx.text is None:
        return
    from bot.growth.chart import ChartLabels, render_chart  # matplotlib: only when drawing

    text = ctx.text
    labels = ChartLabels(
        locale=getattr(ctx.content, "languages", DEFAULT).locale(ctx.lang),
        title=text("projection.chart.title"),
        x_axis=text("projection.chart.x_axis"),
        y_axis=text("projection.chart.y_axis"),
        cautious=text("projection.chart.cautious"),
        likely=text("projection.chart.likely"),
        good=text("projection.chart.good"),
        target=text("projection.chart.target"),
        footnote=text("projection.chart.footnote") or None,
    )
    # one file per prospect, replaced by their next chart: the disk does not fill up over time
    path = chart_path(ctx.files_dir, ctx.user_id)
    try:
        ctx.files_dir.mkdir(parents=True, exist_ok=True)
        # matplotlib is CPU-bound: keep the event loop free for other prospects
        await asyncio.to_thread(render_chart, result, labels, path)
    except Exception:  # a chart is a bonus; the numbers already went out as text
        log.exception("chart rendering failed")
        ctx.events.append(Event("chart_failed"))
        return
    ctx.photos.append(str(path))


def chart_path(files_dir: Path, user_id: str) -> Path:
    """The prospect's chart: one file each, replaced by their next one."""
    safe_user = re.sub(r"[^A-Za-z0-9_-]", "_", user_id)[:40]
    return files_dir / f"{safe_user}.png"


def forget_chart(user_id: str, files_dir: Path | None) -> None:
    """/delete: the prospect's chart goes too (a chart not yet sent, or one a front-end that
    does not delete sent media left behind)."""
    if files_dir is not None:
        chart_path(files_dir, user_id).unlink(missing_ok=True)
