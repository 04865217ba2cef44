"""Lead lists for the agency: a readable table in the terminal, or CSV for a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from bot.core.ports import ConversationStore as Store

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
    "projection",
)


def lead_rows(store: Store) -> list[dict[str, Any]]:
    rows = []
    for lead in store.leads():
        row: dict[str, Any] = {
            col: getattr(lead, col) for col in LEAD_COLUMNS if col != "projection"
        }
        row["consent"] = int(lead.consent)
        row["projection"] = lead.data.get("projection_summary")
        rows.append(row)
    return rows


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(LEAD_COLUMNS), extrasaction="ignore")
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


def export(store: Store, path: Path) -> int:
    with path.open("w", newline="", encoding="utf-8") as out:
        return write_csv(lead_rows(store), out)
