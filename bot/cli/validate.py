"""``python -m bot validate``: check the content folder as staff edit it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.app import load_content
from bot.cli.common import content_option, content_root


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=None, required=False)
@content_option
@click.option(
    "--todo",
    is_flag=True,
    help="List every fact still to fill in (the TODO: placeholders), not just how many.",
)
def validate(path: Path | None, root: Path | None, todo: bool) -> None:
    """Check dialogs/ and locales/ under PATH (the same as --content). Exit 1 on any error."""
    loaded = load_content(content_root(path or root))
    if loaded.problems:
        # more than a few placeholders are one line at the end: they would bury the rest
        click.echo(loaded.problems.report(fold={} if todo else None))
    errors = len(loaded.problems.errors)
    warnings = len(loaded.problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s).", err=True)
        sys.exit(1)
    content = loaded.content
    assert content is not None
    states = sum(len(d.states) for d in content.dialogs.values())
    keys = len(content.texts.get(content.languages.default, {}))
    click.echo(
        f"OK: {len(content.dialogs)} dialog(s), {states} states, {keys} texts per language"
        + (f", {warnings} warning(s)" if warnings else "")
        + "."
    )
