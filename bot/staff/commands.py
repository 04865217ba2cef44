"""The agency's own commands, transport-free: /stats, /leads, /reload and their answers.

A front-end (Telegram's ``StaffDesk`` today, a staff web page next) parses the request, calls
these and shows the answer: HTML notes of the Telegram subset, a CSV file as bytes. Admin-facing
words are in Italian and English at once, like the lead notes.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.core.ports import Clock, ConversationStore, utc_now
from bot.core.records import LeadField
from bot.staff.outbox import ALERT_AFTER
from bot.staff.reload import Reloader, ReloadOutcome
from bot.staff.reports import lead_rows, write_csv
from bot.staff.stats import compute, format_report

ADMIN_COMMANDS = {
    "stats": "Statistiche · Funnel summary",
    "leads": "Contatti in CSV · Leads as CSV",
    "reload": "Ricarica dialoghi e testi · Reload the content",
    "done": "Chiudi una chat · Hand a chat back to the bot",
}
NO_LEADS = "Nessun contatto per ora · No leads yet."
NO_RELOAD = "Ricarica non disponibile · Reload is not available."


@dataclass(frozen=True)
class CsvFile:
    name: str
    data: bytes
    rows: int

    @property
    def caption(self) -> str:
        return f"{self.rows} contatti · leads"


class StaffCommands:
    """``lead_fields``: the lead answers the CSV has columns for (None: every one found)."""

    def __init__(
        self,
        store: ConversationStore,
        clock: Clock = utc_now,
        reloader: Reloader | None = None,
        lead_fields: Sequence[LeadField] | None = None,
        alert_after: timedelta = ALERT_AFTER,
    ) -> None:
        self.store = store
        self.clock = clock
        self.reloader = reloader
        self.lead_fields = tuple(lead_fields) if lead_fields is not None else None
        self.alert_after = alert_after

    async def stats(self, args: str = "") -> str:
        """``/stats``, ``/stats 7`` (prospects of the last 7 days), ``/stats <campaign>``."""
        args = args.strip()
        since, source, scope = None, None, ""
        if args.isdigit():
            since = self.clock() - timedelta(days=int(args))
            scope = f" · {int(args)} d"
        elif args:
            source, scope = args[:64], f" · {args[:64]}"
        overdue = self.clock() - self.alert_after
        store = self.store
        funnel = await store.call(compute, store, since, source, overdue)
        report = format_report(funnel)
        return f"<b>📊 Funnel{html.escape(scope)}</b>\n<pre>{html.escape(report)}</pre>"

    async def leads_csv(self) -> CsvFile | None:
        """Every lead as a CSV file for a spreadsheet; None when there is none yet."""
        buffer = io.StringIO()
        store = self.store
        count = write_csv(await store.call(lead_rows, store, self.lead_fields), buffer)
        if not count:
            return None
        data = buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read accents right
        return CsvFile(f"leads-{self.clock():%Y-%m-%d}.csv", data, count)

    async def reload(self) -> str | None:
        """Reload the content; the answer, or None when a failure was already reported to
        every admin (the reloader's ``on_problems``)."""
        if self.reloader is None:
            return NO_RELOAD
        outcome = await self.reloader.reload()
        return reloaded_text(outcome) if outcome.ok else None


def problems_text(outcome: ReloadOutcome) -> str:
    files = f"\n<i>{html.escape(', '.join(outcome.changed))}</i>" if outcome.changed else ""
    return (
        "⚠️ <b>Modifiche NON caricate</b>: il bot continua con la versione di prima. "
        "Correggi questi punti e salva di nuovo (oppure /reload).\n"
        "⚠️ <b>Changes NOT loaded</b>: the bot keeps running the previous version. "
        f"Fix these and save again (or /reload).{files}\n"
        f"<pre>{html.escape(outcome.report or 'unknown problem')}</pre>"
    )


MAX_WARNINGS_SHOWN = 5
"""A reload's warnings shown to admins; the rest are counted (placeholders still to fill in
would otherwise fill the chat at every save)."""


def reloaded_text(outcome: ReloadOutcome) -> str:
    files = f"\n<i>{html.escape(', '.join(outcome.changed))}</i>" if outcome.changed else ""
    warnings = (
        f"\n<pre>{html.escape(_first_warnings(outcome.report))}</pre>" if outcome.report else ""
    )
    return (
        f"✅ <b>Modifiche caricate · Changes are live</b>: {html.escape(outcome.summary)}."
        f"{files}{warnings}"
    )


def _first_warnings(report: str) -> str:
    lines = [line for line in report.splitlines() if line.strip()]
    if len(lines) <= MAX_WARNINGS_SHOWN:
        return report
    more = len(lines) - MAX_WARNINGS_SHOWN
    return "\n".join(
        [
            *lines[:MAX_WARNINGS_SHOWN],
            f"… e altri {more} avvisi · and {more} more warnings: python -m bot validate",
        ]
    )
