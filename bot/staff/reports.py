"""Lead lists for the agency: a readable table in the terminal, or CSV for a spreadsheet.

The columns are a lead's own (``LEAD_COLUMNS``) then its other answers: those of the
plug-ins' ``lead_fields`` (``bot.app.lead_fields``), one column each (``LeadField.header``), or,
without them, every answer any lead has, under its slot's name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.core.ports import ConversationStore as Store
from bot.core.records import LeadField
from bot.staff.outbox import answer_text

LEAD_COLUMNS = (
    "id",
    "created",
    "kind",
    "status",
    "name",
    "business",
    "platform",
    "contact",
    "consent",
    "lang",
    "source",
)


def lead_rows(store: Store, fields: Sequence[LeadField] | None = None) -> list[dict[str, Any]]:
    """One dict a lead, every one with the same keys: ``LEAD_COLUMNS`` then the answers'."""
    leads = store.leads()
    if fields is None:
        fields = [
            LeadField(str(k), str(k)) for k in dict.fromkeys(k for x in leads for k in x.data)
        ]
    columns = {f.header: f.slot for f in fields if f.header not in LEAD_COLUMNS}
    rows = []
    for lead in leads:
        row: dict[str, Any] = {col: getattr(lead, col) for col in LEAD_COLUMNS}
        row["consent"] = int(lead.consent)
        for header, slot in columns.items():
            row[header] = answer_text(lead.data.get(slot), lead.lang) or None
        rows.append(row)
    return rows


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    rows = list(rows)
    fieldnames = list(rows[0]) if rows else list(LEAD_COLUMNS)
    writer = csv.DictWriter(out, fieldnames=fieldnames, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        # a cell starting with = + - @ would be run as a formula by spreadsheets
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
        count += 1
    return count


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def format_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No leads yet."
    cols = ("id", "created", "kind", "name", "business", "platform", "contact", "source")
    widths = {c: min(28, max(len(c), *(len(str(r.get(c) or "")) for r in rows))) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    for row in rows:
        lines.append("  ".join(str(row.get(c) or "")[: widths[c]].ljust(widths[c]) for c in cols))
    return "\n".join(lines)


def export(store: Store, path: Path, fields: Sequence[LeadField] | None = None) -> int:
    """Write every lead to ``path`` as CSV; how many. UTF-8 with a BOM, so Excel shows
    accents and € as they are. Raises ``OSError`` when the file cannot be written."""
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        return write_csv(lead_rows(store, fields), out)
