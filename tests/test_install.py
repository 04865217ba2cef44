"""Installed from its package into a fresh virtual environment, the bot works from any folder
(issue 14): the shipped conversations come with it, ``expectations-bot init`` hands the agency
its copy, and every command reads ``--content`` / ``BOT_CONTENT_DIR`` the same way.

The package is really built (``pip wheel``, running ``setup.py``'s ``build_py``) and really
installed (``pip install`` into a new venv, which writes the ``expectations-bot`` script). No
network: build isolation is off and the dependencies are this environment's (a ``.pth`` file in
the new venv points at them), so only the package under test is new.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ("bot", "dialogs", "locales", "pyproject.toml", "setup.py", "README.md", ".env.example")


def _run(
    args: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """(the venv's bin folder, an environment for it), the package built and installed."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "PYTHON"))}
    env["BOT_CACHE_DIR"] = os.environ.get("BOT_CACHE_DIR", str(base / "cache"))
    env["PIP_NO_INDEX"] = "1"  # never the network
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    wheels = base / "wheels"
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(source),
        ],
        base,
        env,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, env)
    assert made.returncode == 0, made.stderr
    site = next((venv / "lib").glob("python3*/site-packages"))
    # this environment's libraries, not its (editable) copy of the bot
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("expectations_bot-*.whl"))
    python = venv / "bin" / "python"
    done = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        base,
        env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    yield venv / "bin", env


def test_installed_it_talks_from_an_empty_folder(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    script = str(bin_dir / "expectations-bot")
    where = _run([str(bin_dir / "python"), "-c", "import bot; print(bot.__file__)"], tmp_path, env)
    assert "site-packages" in where.stdout, where  # the installed copy, not this checkout
    usage = _run([script, "--help"], tmp_path, env)
    assert usage.stdout.startswith("Usage: expectations-bot "), usage.stdout  # as it was called
    checked = _run([script, "validate"], tmp_path, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("OK: "), checked.stdout
    chat = _run(
        [script, "chat", "--lang", "en", "--db", str(tmp_path / "c.db")], tmp_path, env, "hi\n"
    )
    assert chat.returncode == 0, chat.stderr
    assert "Hi" in chat.stdout or "Hello" in chat.stdout, chat.stdout


def test_init_gives_the_agency_a_copy_every_command_reads(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    script = str(bin_dir / "expectations-bot")
    made = _run([script, "init", "agency"], tmp_path, env)
    assert made.returncode == 0, made.stderr
    agency = tmp_path / "agency"
    assert (agency / "dialogs" / "main.yaml").is_file()
    assert (agency / "locales" / "it" / "common.yaml").is_file()
    assert (agency / ".env.example").is_file()
    assert _run([script, "validate"], agency, env).returncode == 0

    again = _run([script, "init", "agency"], tmp_path, env)
    assert again.returncode == 1 and "nothing was copied" in again.stderr

    # the agency's copy is what is read, by folder, by --content and by BOT_CONTENT_DIR
    text = agency / "locales" / "en" / "common.yaml"
    text.write_text(text.read_text(encoding="utf-8") + "  broken: [\n", encoding="utf-8")
    inside = _run([script, "validate"], agency, env)
    by_option = _run([script, "validate", "--content", "agency"], tmp_path, env)
    by_env = _run([script, "validate"], tmp_path, {**env, "BOT_CONTENT_DIR": str(agency)})
    for result in (inside, by_option, by_env):
        assert result.returncode == 1
        assert result.stdout.startswith("locales/en/common.yaml:"), result.stdout
    for command in (["test"], ["graph", "main"], ["chat", "--db", "x.db"]):
        refused = _run([script, *command, "--content", "agency"], tmp_path, env, "hi\n")
        assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
        assert "locales/en/common.yaml" in refused.stdout + refused.stderr, command
    nlu = _run([script, "nlu", "--content", "agency", "quanto costa?"], tmp_path, env)
    assert nlu.returncode == 0 and "pricing" in nlu.stdout, nlu.stdout + nlu.stderr
