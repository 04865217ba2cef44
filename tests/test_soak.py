"""A small soak run (benchmarks/soak_leads.py): ``python -m bot run`` as a real process against
the fake Bot API, prospects writing and pressing buttons in both languages while 5% of the
calls fail, an admin cannot be reached, another process locks the database and the bot is
killed with SIGKILL and started again. Nothing lost, nothing twice.

The full run (200 prospects × 10 messages) is ``.venv/bin/python benchmarks/soak_leads.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def soak_module() -> ModuleType:
    path = ROOT / "benchmarks" / "soak_leads.py"
    spec = importlib.util.spec_from_file_location("soak_leads", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_scripts_give_details_and_ask_for_a_person_in_both_languages() -> None:
    soak = soak_module()
    import random

    plans = [soak.script(i, 10, random.Random(i)) for i in range(6)]
    assert {p.lang for p in plans} == {"it", "en"}
    assert all(len(p.steps) == 10 and p.steps[0].text == "/start" for p in plans)
    assert [(p.lead, p.human) for p in plans[:3]] == [(True, True), (True, False), (False, True)]
    short = [soak.script(i, 6, random.Random(i)) for i in range(3)]
    assert [(p.lead, p.human) for p in short] == [(True, False), (True, False), (False, True)]


def test_a_small_soak_run_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    soak = soak_module()
    config = soak.SoakConfig(
        prospects=20,
        messages=6,
        seed=3,
        lock_seconds=2.0,
        answer_timeout=40.0,  # losses are the point, not latency: a busy 2-core CI box is slow
        ramp=3.0,
        think=(0.1, 0.4),
        drain_timeout=60.0,
        workdir=tmp_path / "soak",
    )
    report = soak.run(config)
    figures = dict(report.figures)
    assert report.ok, report.text()
    assert figures["updates pushed"].startswith("120 ")
    assert figures["answered"].split()[0] == "120"
    # the faults really happened
    assert "chaos" in figures["faults injected"]
    assert int(figures["notes to the late admin"].split()[0]) > 0  # refused while unreachable
    assert any("kill -9" in line for line in report.details)
    assert any("write lock taken" in line for line in report.details)
