"""``python -m bot review``: staff turn the messages the bot did not understand into examples.

The work is done by ``bot.staff.review.ReviewService``; this module only asks and prints.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bot.cli.common import content_option, db_option, existing_store
from bot.config import load_settings

if TYPE_CHECKING:  # imported when the command runs: the other commands start without it
    from bot.staff.review import AddedExamples, ReviewError, ReviewGroup, ReviewService

KEYS = "a = accept, r = reassign, i = ignore, s = skip, q = quit"
LIVE = (
    "A bot running on this folder (python -m bot run) picks them up by itself within about ten "
    "seconds: it watches dialogs/ and reloads valid content. A `chat` started earlier needs "
    "restarting."
)


@click.command()
@click.option("--list", "as_list", is_flag=True, help="List the groups to review and stop.")
@click.option("--json", "as_json", is_flag=True, help="With --list: the groups as JSON.")
@click.option(
    "--accept", "accept_id", metavar="GROUP", help="Add this group's messages as examples."
)
@click.option(
    "--as",
    "intent",
    metavar="INTENT",
    help="With --accept: the intent they go to (default: the suggested one; out_of_scope too).",
)
@click.option("--ignore", "ignore_id", metavar="GROUP", help="Never list this group again.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only messages written on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Groups listed."
)
@db_option
@content_option
def review(
    as_list: bool,
    as_json: bool,
    accept_id: str | None,
    intent: str | None,
    ignore_id: str | None,
    since: datetime | None,
    limit: int,
    db_path: Path | None,
    root: Path | None,
) -> None:
    """Teach the bot: go through what prospects wrote that it did not understand (or answered
    unsure), grouped, and accept each group as examples of an intent, reassign it or ignore it.

    Without options it asks, group by group; --list, --accept and --ignore do one thing each,
    for scripts."""
    if intent is not None and accept_id is None:
        raise click.UsageError("--as goes with --accept GROUP")
    if accept_id is not None and ignore_id is not None:
        raise click.UsageError("--accept and --ignore: one at a time")
    if as_json and (accept_id or ignore_id):
        raise click.UsageError("--json goes with --list")
    from bot.staff.review import ReviewError

    service = _service(db_path, root)
    try:
        if accept_id is not None:
            added = service.accept(accept_id, intent)
            _tell_added(added)
            _tell_live([added])
        elif ignore_id is not None:
            group = service.group(ignore_id, since)
            service.ignore(group)
            click.echo(
                f"Group {group.id} ignored: its {group.count} message(s) won't be listed again."
            )
        elif as_list or as_json:
            groups = service.groups(since, limit)
            if as_json:
                click.echo(json.dumps([g.to_json() for g in groups], ensure_ascii=False, indent=2))
            else:
                _list(groups)
        else:
            _interactive(service, service.groups(since, limit))
    except ReviewError as err:
        _fail(err)


def _service(db_path: Path | None, root: Path | None) -> ReviewService:
    """The review over the bot's database and content, or exit 1 saying what is wrong."""
    from bot.app import build_understanding, load_content
    from bot.content.loader import INTENTS_FILE
    from bot.staff.review import ReviewService
    from bot.storage.sqlite import Store

    settings = load_settings()
    settings = replace(settings, content_dir=root or settings.content_dir)
    folder = settings.content_dir
    store = existing_store(db_path)
    if not isinstance(store, Store):  # the review's table and reads are the SQLite store's
        click.echo(f"The review needs the SQLite store, not {type(store).__name__}.", err=True)
        sys.exit(1)
    loaded = load_content(folder)
    if loaded.content is None:
        click.echo(loaded.problems.report(), err=True)
        click.echo("Fix these first: the review reads the content as the bot does.", err=True)
        sys.exit(1)
    understanding = build_understanding(loaded.content)
    if understanding is None:
        click.echo(f"There is no dialogs/{INTENTS_FILE} in {folder}: nothing to teach.", err=True)
        sys.exit(1)
    return ReviewService(
        store,
        understanding,
        folder / "dialogs" / INTENTS_FILE,
        check=lambda: load_content(folder).problems,
    )


def _fail(err: ReviewError) -> NoReturn:
    click.echo(str(err), err=True)
    sys.exit(1)


# -- showing -------------------------------------------------------------------------------------


def _state(group: ReviewGroup) -> str:
    return "answered, unsure" if group.low_confidence else "not understood"


def _suggestion(group: ReviewGroup) -> str:
    if group.suggestion is None:
        return "no intent is near"
    return f"nearest intent: {group.suggestion} ({group.confidence:.2f})"


def _show(group: ReviewGroup, header: str = "") -> None:
    lang = f" · {group.lang}" if group.lang else ""
    click.echo(
        click.style(
            f"{header}{group.id} · {group.count} message(s){lang} · {_state(group)}", bold=True
        )
    )
    for message in group.messages:
        click.echo(f"   {message.count}× {message.text}")
    click.echo(f"   {_suggestion(group)}")


def _list(groups: list[ReviewGroup]) -> None:
    if not groups:
        click.echo(
            "Nothing to review: the bot understood every message, or staff went through them."
        )
        return
    total = sum(g.count for g in groups)
    click.echo(f"{len(groups)} group(s) to review, {total} message(s):")
    for group in groups:
        click.echo("")
        _show(group)
    click.echo("")
    click.echo(
        "Accept one: python -m bot review --accept GROUP [--as INTENT]; "
        "ignore one: --ignore GROUP; or go through them: python -m bot review"
    )


def _tell_added(added: AddedExamples) -> None:
    where = ", ".join(
        f"{n} to {intent} ({lang})" for (intent, lang), n in sorted(added.where().items())
    )
    if added.written:
        click.echo(f"Added {len(added.added)} example(s): {where}.")
    for text, why in added.skipped:
        click.echo(f"   not added, {why}: {text}")
    if not added.written:
        click.echo("Nothing was written.")


def _tell_live(results: list[AddedExamples]) -> None:
    written = [r for r in results if r.written]
    if not written:
        return
    blocked = next((r.blocked for r in reversed(written) if r.blocked), None)
    if blocked:
        click.echo(
            "Not live yet: the content has an error elsewhere, and the running bot keeps the "
            f"previous version until it is fixed: {blocked}"
        )
    else:
        click.echo(LIVE)


# -- asking --------------------------------------------------------------------------------------


def _ask_intent(service: ReviewService) -> str | None:
    """An intent typed by staff (did-you-mean on typos); None to go back."""
    from bot.staff.review import UnknownIntent

    click.echo("Intents: " + ", ".join(service.intents()))
    while True:
        try:
            typed = click.prompt(
                "Which intent? (out_of_scope: something the bot does not handle; empty: back)",
                default="",
                show_default=False,
            ).strip()
        except click.Abort:
            return None
        if not typed:
            return None
        try:
            return service.resolve_intent(typed)
        except UnknownIntent as err:
            hint = f" {err.hint[0].upper()}{err.hint[1:]}" if err.hint else ""
            click.echo(f"There is no intent {typed!r}.{hint}")


def _interactive(service: ReviewService, groups: list[ReviewGroup]) -> None:
    """Group by group; a file that cannot be written stops it, what was done so far kept."""
    from bot.staff.review import ReviewError

    if not groups:
        click.echo(
            "Nothing to review: the bot understood every message, or staff went through them."
        )
        return
    click.echo(f"{len(groups)} group(s) to review. Keys: {KEYS}.")
    results: list[AddedExamples] = []
    ignored = 0
    for number, group in enumerate(groups, 1):
        click.echo("")
        _show(group, f"[{number}/{len(groups)}] ")
        choice = _choose(group)
        if choice == "q":
            break
        if choice == "s":
            continue
        if choice == "i":
            service.ignore(group)
            ignored += 1
            click.echo("Ignored: it won't be listed again.")
            continue
        target = group.suggestion if choice == "a" and group.suggestion else None
        if target is None:
            target = _ask_intent(service)
            if target is None:
                continue
        try:
            added = service.accept(group, target)
        except ReviewError as err:
            click.echo(str(err), err=True)
            _tell_live(results)
            sys.exit(1)
        _tell_added(added)
        results.append(added)
    click.echo("")
    count = sum(len(r.added) for r in results)
    click.echo(f"Done: {count} example(s) added, {ignored} group(s) ignored.")
    _tell_live(results)


def _choose(group: ReviewGroup) -> str:
    accept = f"accept as {group.suggestion}" if group.suggestion else "accept (asks the intent)"
    try:
        return str(
            click.prompt(
                f"a = {accept}, r = reassign, i = ignore, s = skip, q = quit",
                type=click.Choice(["a", "r", "i", "s", "q"], case_sensitive=False),
                show_choices=False,
            )
        ).lower()
    except click.Abort:  # end of input (Ctrl-D): leave, keeping what was done
        click.echo("")
        return "q"
