"""The quick soak run of issue 17 (benchmarks/soak_inbox.py --quick): ``python -m bot run`` as a
real process against the fake Bot API, 10 prospects writing 8 to 10 messages each, 10% of the
calls failing (429, 5xx, dropped connections, lost responses), three ``kill -9`` and restarts,
a 5 s outage of ``sendMessage``: every update processed once, every reply delivered once, no
lead lost or doubled. About 30 s, like tests/test_soak.py's small run of issue 12.

The full run (50 prospects, 10 kills, a 20 s outage for every chat) is
``.venv/bin/python benchmarks/soak_inbox.py``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType, SimpleNamespace

from tests.fakebotapi import Call

ROOT = Path(__file__).resolve().parents[1]


def soak_module() -> ModuleType:
    path = ROOT / "benchmarks" / "soak_inbox.py"
    spec = importlib.util.spec_from_file_location("soak_inbox", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_prospects_write_eight_to_ten_messages_with_details_and_requests() -> None:
    soak = soak_module()
    plans = [soak.script_of(i, 10, random.Random(i)) for i in range(9)]
    assert sorted({len(p.steps) for p in plans}) == [8, 9, 10]
    assert all(p.lead or p.human for p in plans)
    assert any(p.lead and p.human for p in plans)


def pushed(soak: ModuleType, *texts: str) -> list[object]:
    step = soak.script(0, 1, random.Random(0)).steps[0]
    return [
        soak.Pushed(1, 1000 + i, float(i), replace(step, text=t), False)
        for i, t in enumerate(texts)
    ]


def test_transcript_lines_are_matched_to_updates_in_order() -> None:
    soak = soak_module()
    updates = pushed(soak, "/start", "/help", "quanto costa?", "/help", "sì")
    # all kept once
    assert soak.transcript_counts(updates, ["/start", "/help", "quanto costa?", "/help", "sì"]) == (
        [1, 1, 1, 1, 1],
        0,
    )
    # one kept twice in a row, two lost, one line of no update
    assert soak.transcript_counts(updates, ["/start", "/start", "/help", "boh", "sì"]) == (
        [2, 1, 0, 0, 1],
        1,
    )
    tapped = soak.Pushed(1, 2000, 9.0, updates[0].step, True, "  💶 Quanto\ncosta? ")
    assert soak.expected_line(tapped) == "[tapped: 💶 Quanto costa?]"


def test_replies_are_counted_per_chat_late_ones_too_and_copies_apart() -> None:
    soak = soak_module()

    def sent(at: float, text: str, chat: int = 1) -> Call:
        return Call("sendMessage", {"chat_id": str(chat), "text": text}, at=at)

    def delivery(calls: list[Call], made: list[int]) -> object:
        updates = pushed(soak, *(f"u{i}" for i in range(len(made))))
        for i, p in enumerate(updates):
            p.at = i * 10.0
        turns = {p.update_id: [(1, False, n)] for p, n in zip(updates, made, strict=True)}
        run = SimpleNamespace(pushed=updates, fake=SimpleNamespace(calls=calls))
        return soak.deliveries(run, turns)

    # the second update's reply comes after the third update: late, not lost
    late = delivery([sent(1, "A"), sent(21, "B"), sent(22, "C"), sent(23, "D")], [1, 1, 2])
    assert (late.made, late.delivered, late.copies, late.late) == (4, 4, 0, 1)
    # one never comes
    lost = delivery([sent(1, "A"), sent(21, "C")], [1, 1, 1])
    assert (lost.made, lost.delivered, lost.copies) == (3, 2, 0)
    # the same message twice in one answer; the previous answer sent again before this one's
    twice = delivery([sent(1, "A"), sent(2, "A"), sent(11, "A"), sent(12, "B")], [1, 1])
    assert (twice.made, twice.delivered, twice.copies, twice.extra) == (2, 2, 2, 0)
    # a resend the prospect took for the answer to their next message: the rest comes late
    behind = delivery([sent(1, "A"), sent(11, "A"), sent(21, "B"), sent(31, "C")], [1, 1, 1])
    assert (behind.made, behind.delivered, behind.copies, behind.late) == (3, 3, 1, 1)
    # saying again what was said last turn, within what the turn made, is not a copy
    again = delivery([sent(1, "A"), sent(2, "B"), sent(11, "A")], [2, 1])
    assert (again.delivered, again.copies) == (3, 0)
    # a turn whose log line a kill cut off: its "duplicate" run says what it made
    assert soak.replies_made({5: [(2, True, 3)]}, 5) == 3
    assert soak.replies_made({5: [(1, False, 2), (2, True, 1)]}, 5) == 2
    assert soak.replies_made({}, 5) is None


def test_copies_in_a_row_are_told_apart_by_what_came_before() -> None:
    soak = soak_module()

    def sent(at: float, text: str, chat: int, dropped: bool = False) -> Call:
        return Call("sendMessage", {"chat_id": str(chat), "text": text}, at=at, dropped=dropped)

    calls = [
        sent(1, "A", 1, dropped=True),  # Telegram acted, the answer was lost
        sent(2, "A", 1),
        sent(3, "B", 2),
        sent(6, "B", 2),  # the bot was killed at 5 s
        sent(7, "C", 2),
        sent(8, "C", 2),
        sent(9, "A", 2),  # not in a row
    ]
    run = SimpleNamespace(fake=SimpleNamespace(calls=calls), kills=[5.0])
    assert soak.duplicate_causes(run) == {"a lost response": 1, "a kill -9": 1, "other": 1}


def test_a_quick_soak_run_loses_nothing_and_copies_only_what_the_api_cannot_tell(
    tmp_path: Path,
) -> None:
    soak = soak_module()
    report = soak.run(replace(soak.QUICK, seed=2, workdir=tmp_path / "soak"))
    figures = dict(report.figures)
    assert report.ok, report.text()
    total = int(figures["updates pushed"].split()[0])
    assert 80 <= total <= 100
    assert figures["processed exactly once"].startswith(f"{total} of {total} ")
    # the faults really happened
    assert figures["kill -9 and restart"].startswith("3 ")
    assert int(figures["sendMessage outage"].split(": ")[1].split()[0]) > 0
    assert "chaos drop" in figures["faults injected"]
