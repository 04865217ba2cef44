"""Ships the conversations with the package: ``dialogs/`` and ``locales/`` (and ``.env.example``)
are copied into ``bot/shipped/`` of the built package, so an installed bot talks from any folder
and ``expectations-bot init`` can hand the agency its own copy.

Everything else about the package is in ``pyproject.toml``. The files stay at the top of the
repository because they are the staff's, not the programmers'; a custom ``build_py`` is the
setuptools way to place files from outside the package into it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("dialogs", "locales")


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout
            return
        target = Path(self.build_lib) / "bot" / "shipped"
        shutil.rmtree(target, ignore_errors=True)
        for folder in SHIPPED:
            shutil.copytree(
                HERE / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__")
            )
        shutil.copy2(HERE / ".env.example", target / "env.example")


setup(cmdclass={"build_py": BuildWithContent})
