"""``python -m bot test``: replay the conversation tests in ``dialogs/tests/``, say which pass."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import click

from bot.app import ContentError, transcript_runner
from bot.base.problems import relpath
from bot.cli.common import content_failure, content_option, content_root
from bot.staff.transcripts import FileReport, find_test_files
from bot.staff.turn_stats import CostSummary, summarise, turn_costs

TESTS_DIR = Path("dialogs") / "tests"


async def _run_all(root: Path, files: list[Path], workdir: Path) -> list[FileReport]:
    try:
        runner = transcript_runner(root, workdir)
    except ContentError as err:
        content_failure(err)
    return [await runner.run_file(path) for path in files]


def costs_of(reports: list[FileReport]) -> CostSummary:
    """Messages and sending calls per turn over every test that ran (``bot.staff.turn_stats``)."""
    costs = []
    for report in reports:
        for outcome in report.outcomes:
            where = f"{report.name}: {outcome.test.name}"
            turns = [(step.press is not None, result) for step, result in outcome.log]
            costs += turn_costs(where, turns)
    return summarise(costs)


def _failed(reports: list[FileReport]) -> list[str]:
    """One line per failed test (or unreadable file), with where its failure is."""
    lines = []
    for report in reports:
        if report.problems.errors:
            lines.append(f"{report.name}: the file cannot be run")
        for outcome in report.outcomes:
            if outcome.status == "failed" and outcome.failure is not None:
                lines.append(f"{outcome.failure.pos}: {outcome.test.name}")
    return lines


def _summary(reports: list[FileReport]) -> str:
    counts = {"passed": 0, "failed": 0, "pending": 0, "fixed": 0}
    for report in reports:
        for outcome in report.outcomes:
            counts[outcome.status] += 1
    broken = sum(1 for r in reports if r.problems.errors)
    parts = [f"{counts['passed'] + counts['fixed']} passed", f"{counts['failed']} failed"]
    if counts["pending"]:
        parts.append(f"{counts['pending']} pending (known bugs)")
    if broken:
        parts.append(f"{broken} file(s) with mistakes")
    return ", ".join(parts) + "."


@click.command("test")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@content_option
@click.option("-v", "--verbose", is_flag=True, help="Show every test's whole conversation.")
@click.option(
    "--stats",
    is_flag=True,
    help="Also say how many messages and Telegram calls each turn takes (median, mean, most).",
)
def test(files: tuple[Path, ...], root: Path | None, verbose: bool, stats: bool) -> None:
    """Replay the conversation tests in FILES (default: every dialogs/tests/*.yaml).

    Each test is a chat written in YAML: what the prospect types or presses, and what must
    follow. It runs offline through the real bot, on a fresh database, never on Telegram. A
    failure is shown as file:line:col with what the bot actually did. Exit 1 if any fails.
    See dialogs/tests/README.md for how to write one.
    """
    root = content_root(root)
    missing = [f for f in files if not f.exists()]
    if missing:
        for path in missing:
            click.echo(f"{relpath(path)}: no such file or folder", err=True)
        sys.exit(1)
    paths = find_test_files(files or [root / TESTS_DIR])
    if not paths:
        click.echo(f"No conversation tests found in {relpath(root / TESTS_DIR)}.", err=True)
        sys.exit(1)
    with tempfile.TemporaryDirectory(prefix="bot-test-") as workdir:
        reports = asyncio.run(_run_all(root, paths, Path(workdir)))
    for report in reports:
        for line in report.lines(verbose):
            click.echo(line)
    if stats:
        for line in costs_of(reports).lines():
            click.echo(line)
    failed = _failed(reports)
    if failed and len(failed) < sum(len(r.outcomes) for r in reports):
        click.echo("Failed:")  # the ✗ lines above may be far up the screen
        for line in failed:
            click.echo(f"  {line}")
    click.echo(_summary(reports))
    if any(r.failed for r in reports):
        sys.exit(1)
