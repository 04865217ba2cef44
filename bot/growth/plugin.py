"""The growth domain as a plug-in of the engine: ``project_growth``, its slots, its parameters."""

from __future__ import annotations

from bot.content.catalog import ContentFile
from bot.core.actions import ActionRegistry
from bot.core.plugins import Plugin
from bot.core.records import LeadField
from bot.growth.actions import GROWTH_SLOTS, forget_chart, project_growth
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
