"""The command line: ``python -m bot chat | validate | run | nlu | nlu-eval``.

Click keeps each command small and documented; ``--help`` on any of them says what it does.
"""

from __future__ import annotations

import sys

import click

from bot.cli.common import program_name


@click.group()
@click.version_option(package_name="expectations-bot")
def cli() -> None:
    """expectations-bot: honest answers about social-media growth, in Italian and English."""


def _register() -> None:
    """One module per verb family; `run` and `nlu` only where their libraries are installed."""
    from bot.cli.chat import chat
    from bot.cli.init import init
    from bot.cli.prune import prune
    from bot.cli.reports import leads, stats
    from bot.cli.validate import validate

    for command in (init, validate, chat, leads, stats, prune):
        cli.add_command(command)
    try:
        from bot.cli.run import run
    except ImportError:  # without python-telegram-bot, `chat` and `validate` still work
        pass
    else:
        cli.add_command(run)
    from bot.cli.graph import graph
    from bot.cli.review import review
    from bot.cli.transcripts import test

    cli.add_command(graph)
    cli.add_command(test)
    cli.add_command(review)
    try:
        from bot.cli.nlu import nlu, nlu_eval
    except ImportError:
        return
    cli.add_command(nlu)
    cli.add_command(nlu_eval)


_register()


def main() -> None:
    """The program as it was called: ``expectations-bot`` (the installed script) or
    ``python -m bot``; messages that name a command use the same words (``common.program``)."""
    cli(prog_name=program_name(sys.argv[0]))
