"""``python -m bot validate``: check the content folder as staff edit it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.app import load_content


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".", required=False)
def validate(path: Path) -> None:
    """Check dialogs/ and locales/ under PATH (default: here). Exit 1 on any error."""
    loaded = load_content(path)
    if loaded.problems:
        click.echo(loaded.problems.report())
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
