"""The growth domain as a plug-in of the engine: ``project_growth``, its slots, its parameters."""

from __future__ import annotations

from bot.content.catalog import ContentFile
from bot.core.actions import ActionRegistry
from bot.core.plugins import Plugin
from bot.core.records import LeadField
from bot.growth.actions import (
    GROWTH_SLOTS,
    PLATFORM_NAMES,
    budget_from_fee,
    forget_chart,
    growth_limits,
    project_growth,
    quick_estimate,
)
from bot.growth.parameters import load_benchmarks
from bot.growth.slot_filling import fill_growth_slots

BENCHMARKS = ContentFile(name="benchmarks.yaml", key="benchmarks", load=load_benchmarks)


def register_actions(registry: ActionRegistry) -> None:
    registry.add(
        "project_growth",
        project_growth,
        provides=("projection",),
        needs=GROWTH_SLOTS,
        description="Project followers month by month in three scenarios and draw the chart.",
    )
    registry.add(
        "quick_estimate",
        quick_estimate,
        provides=("estimate",),
        description="The straight answer to a growth question: what the prospect said, and a "
        "typical small business's numbers for the rest.",
    )
    registry.add(
        "budget_from_fee",
        budget_from_fee,
        needs=("fee_said",),
        description="The amount said as a payment to us was meant for ads: it becomes the budget.",
    )
    registry.add_value("limits", growth_limits)
    # filled by ``fill_growth_slots`` from a typed question, never asked as such
    registry.add_slots("horizon_months", "fee_said", "budget_from_text", "budget_other")
    registry.add_slots("projection_runs")  # how many projections this prospect has seen
    registry.add_value("platform_names", lambda _content: dict(PLATFORM_NAMES))


# what staff see of a lead's growth answers: «followers now 800, target 10000, ads € 200/month,
# posts/week 3» and the projection the prospect saw, on its own line
LEAD_FIELDS = (
    LeadField("current_followers", "followers now"),
    LeadField("target_followers", "target"),
    LeadField("budget", "ads"),
    LeadField("posts_per_week", "posts/week"),
    LeadField("projection_summary", "Projection", own_line=True, column="projection"),
)

GROWTH = Plugin(
    name="growth",
    register_actions=register_actions,
    slot_fillers=(fill_growth_slots,),
    content_files=(BENCHMARKS,),
    lead_fields=LEAD_FIELDS,
    forget_hooks=(forget_chart,),
)
