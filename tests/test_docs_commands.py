"""The docs show commands that work as written (issue 14): every ``expectations-bot …`` or
``python -m bot …`` in the README files and docs/ names a command the program has, with options
it takes; the systemd unit of README's "Deploying" passes ``systemd-analyze verify``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from bot.cli import cli
from tests.conftest import ROOT

DOCS = [
    ROOT / "README.md",
    ROOT / "dialogs" / "README.md",
    ROOT / "dialogs" / "tests" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
# a command as the docs write it, up to the end of the code span, the line, or a comment
# (not the service's folder, /opt/expectations-bot, or its user)
COMMAND = re.compile(
    r"(?<![\w-])(?<!/opt/)(?:python -m bot|expectations-bot)[ \t]+([a-z][a-z-]*)([^`\n#|]*)"
)
OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")
UNIT = ROOT / "docs" / "deploy" / "expectations-bot.service"


def commands_in_docs() -> list[tuple[str, str, str]]:
    """(where, command, the rest of the line) for each command written in the docs."""
    found = []
    for path in DOCS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in COMMAND.finditer(line):
                where = f"{path.relative_to(ROOT)}:{number}"
                found.append((where, match.group(1), match.group(2)))
    return found


def test_the_docs_name_commands_the_program_has_with_their_options() -> None:
    found = commands_in_docs()
    assert len(found) > 40  # the scan reads the docs
    context = click.Context(cli)
    wrong = []
    for where, name, rest in found:
        command = cli.get_command(context, name)
        if command is None:
            wrong.append(f"{where}: no command `{name}`")
            continue
        known = {"--help"}
        for param in command.params:
            known.update(getattr(param, "opts", []))
            known.update(getattr(param, "secondary_opts", []))
        for option in OPTION.findall(rest):
            if option.startswith("--") and option not in known:
                wrong.append(f"{where}: `{name}` has no option {option}")
    assert wrong == []


def test_every_command_takes_the_content_folder_the_same_way() -> None:
    context = click.Context(cli)
    without = [
        name
        for name in cli.list_commands(context)
        if name not in {"init", "leads", "stats", "prune"}  # the database's, not the content's
        and "--content" not in {o for p in cli.get_command(context, name).params for o in p.opts}
    ]
    assert without == []


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    # `verify` checks that ExecStart is an executable: the unit's folder, made here
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "agency").mkdir()
    program = tmp_path / "venv" / "bin" / "expectations-bot"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    unit = tmp_path / "expectations-bot.service"
    unit.write_text(
        UNIT.read_text(encoding="utf-8").replace("/opt/expectations-bot", str(tmp_path))
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no key ignored, no warning
