"""``python -m bot leads | stats``: what the bot has gathered, for the agency."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from bot.cli.common import READER_WAIT, db_option, existing_store, locked_line
from bot.config import load_settings
from bot.core.ports import ConversationStore, StoreBusy
from bot.storage.sqlite import busy

wait_option = click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=READER_WAIT,
    show_default=True,
    help="Seconds to wait while the bot or another program holds the database's lock.",
)


@contextmanager
def patiently(db_path: Path | None, wait: float) -> Iterator[None]:
    """Exit 1 with one line, no traceback, when the database stayed locked past ``--wait``
    (the store waited and tried again until then)."""
    try:
        yield
    except (StoreBusy, sqlite3.OperationalError) as err:
        if isinstance(err, sqlite3.OperationalError) and not busy(err):
            raise
        click.echo(locked_line(db_path or load_settings().db_path, err, wait), err=True)
        sys.exit(1)


@click.command()
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the leads to this CSV file instead of printing them.",
)
@db_option
@wait_option
def leads(csv_path: Path | None, db_path: Path | None, wait: float) -> None:
    """List the prospects who left their contacts or asked for a person."""
    from bot.app import lead_fields
    from bot.staff.reports import export, format_table, lead_rows

    store = existing_store(db_path, wait)
    with patiently(db_path, wait):
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
@wait_option
def stats(
    since: datetime | None,
    source: str | None,
    csv_path: Path | None,
    db_path: Path | None,
    wait: float,
) -> None:
    """The funnel: prospects, where they stop, leads by campaign, what was not understood."""
    from bot.staff.stats import compute, format_report, write_csv

    store = existing_store(db_path, wait)
    with patiently(db_path, wait):
        funnel = compute(store, since, source, overdue_before())
    click.echo(format_report(funnel))
    if csv_path is not None:
        try:
            with csv_path.open("w", newline="", encoding="utf-8-sig") as out:
                write_csv(funnel, out)
        except OSError as err:
            click.echo(cannot_write(csv_path, err), err=True)
            sys.exit(1)
        click.echo(f"Figures written to {csv_path}.")
