"""``python -m bot leads | stats``: what the bot has gathered, for the agency."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from bot.cli.common import db_option, existing_store
from bot.config import load_settings
from bot.core.ports import ConversationStore


@click.command()
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the leads to this CSV file instead of printing them.",
)
@db_option
def leads(csv_path: Path | None, db_path: Path | None) -> None:
    """List the prospects who left their contacts or asked for a person."""
    from bot.app import lead_fields
    from bot.staff.reports import export, format_table, lead_rows

    store = existing_store(db_path)
    if csv_path is not None:
        try:
            count = export(store, csv_path, lead_fields())
        except OSError as err:
            click.echo(cannot_write(csv_path, err), err=True)
            sys.exit(1)
        click.echo(f"{count} lead(s) written to {csv_path}.")
    else:
        click.echo(format_table(lead_rows(store, lead_fields())))
    _warn_undelivered(store)


def _warn_undelivered(store: ConversationStore) -> None:
    """The notes no admin received past ``BOT_OUTBOX_ALERT_MINUTES``: one line on stderr,
    naming the leads, so whoever reads the list knows the agency was not told of them."""
    from bot.staff.stats import undelivered_line

    late = [item for _, item in store.undelivered_outbox(overdue_before())]
    line = undelivered_line(late)
    if line:
        ids = ", ".join(str(i.lead_id) for i in late if i.lead_id is not None)
        click.echo(line + (f" Leads: {ids}." if ids else ""), err=True)
        return
    waiting = store.undelivered_outbox()
    if waiting:
        click.echo(
            f"{len(waiting)} note(s) for the agency waiting for an admin right now: the bot "
            "keeps trying (see the log for why).",
            err=True,
        )


def cannot_write(path: Path, err: OSError) -> str:
    return (
        f"Cannot write {path}: {err.strerror or err}. Check that the folder exists and that "
        "you may write there, or choose another path."
    )


def overdue_before() -> datetime:
    """Notes written before this are overdue (``BOT_OUTBOX_ALERT_MINUTES`` ago)."""
    return datetime.now(UTC) - timedelta(minutes=load_settings().outbox_alert_minutes)


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only prospects who started on or after this day (YYYY-MM-DD).",
)
@click.option("--source", default=None, help="Only prospects from this deep-link campaign.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the figures to this CSV file.",
)
@db_option
def stats(
    since: datetime | None, source: str | None, csv_path: Path | None, db_path: Path | None
) -> None:
    """The funnel: prospects, where they stop, leads by campaign, what was not understood."""
    from bot.staff.stats import compute, format_report, write_csv

    funnel = compute(existing_store(db_path), since, source, overdue_before())
    click.echo(format_report(funnel))
    if csv_path is not None:
        try:
            with csv_path.open("w", newline="", encoding="utf-8-sig") as out:
                write_csv(funnel, out)
        except OSError as err:
            click.echo(cannot_write(csv_path, err), err=True)
            sys.exit(1)
        click.echo(f"Figures written to {csv_path}.")
