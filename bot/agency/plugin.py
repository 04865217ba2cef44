"""The agency's facts as a plug-in of the engine: ``dialogs/agency.yaml`` read with the content,
offered to every text as ``agency``, and the call a prospect booked shown to staff with the lead.
"""

from __future__ import annotations

from typing import Any

from bot.agency.calls import CALL_SLOT, fill_call_time
from bot.agency.facts import FILE, AgencyFacts, load_agency
from bot.content.catalog import ContentFile
from bot.core.actions import ActionRegistry
from bot.core.plugins import Plugin
from bot.core.records import LeadField
from bot.languages import DEFAULT

AGENCY_FILE = ContentFile(name=FILE, key="agency", load=load_agency)

# staff read a booked call in the lead's note: «Chiamata: martedì pomeriggio»
LEAD_FIELDS = (LeadField(CALL_SLOT, "Chiamata", own_line=True, column=CALL_SLOT),)


def agency_values(content: Any) -> dict[str, Any]:
    """``agency`` for the texts: the facts of ``dialogs/agency.yaml``, each None while it is a
    placeholder (or when there is no such file), see ``AgencyFacts.values``."""
    facts = getattr(content, "extras", {}).get("agency")
    if not isinstance(facts, AgencyFacts):
        facts = AgencyFacts()
    languages = getattr(content, "languages", None) or DEFAULT
    return facts.values(languages.codes)


def register_actions(registry: ActionRegistry) -> None:
    registry.add_value("agency", agency_values)


AGENCY = Plugin(
    name="agency",
    register_actions=register_actions,
    content_files=(AGENCY_FILE,),
    lead_fields=LEAD_FIELDS,
    slot_fillers=(fill_call_time,),  # "a call friday 3pm?": the time is not asked again
)
