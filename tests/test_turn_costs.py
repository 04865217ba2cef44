"""Fewer messages and calls per turn (issue 18): the conversation tests' figures, and their count
checked against the calls the real adapter makes.

``python -m bot test --stats`` counts, for each turn of the shipped conversation tests, the
messages (the replies composed: ``bot.core.compose``) and the sending calls
(``bot.staff.turn_stats``). Here the same conversations also run through python-telegram-bot
and our adapter against the fake Bot API: the calls Telegram would receive are the count.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from bot.app import transcript_runner
from bot.base.problems import Problems
from bot.cli.transcripts import costs_of
from bot.core.compose import compose, compose_counted
from bot.core.messages import Button, Media, Reply
from bot.staff.transcripts import FileReport, find_test_files, load_transcripts
from bot.staff.turn_stats import turn_costs
from tests.conftest import ROOT
from tests.test_telegram_e2e import Harness, Starter, start  # noqa: F401

SENDING = (
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
)
SAMPLE = ("menu_en.yaml", "lead_capture_it.yaml", "corrections_en.yaml", "commands.yaml")


@pytest.fixture(scope="module")
def reports() -> list[FileReport]:
    import asyncio

    async def run() -> list[FileReport]:
        with tempfile.TemporaryDirectory() as workdir:
            runner = transcript_runner(ROOT, Path(workdir))
            files = find_test_files([ROOT / "dialogs" / "tests"])
            return [await runner.run_file(path) for path in files]

    return asyncio.run(run())


def test_the_shipped_conversations_take_one_message_and_two_calls_a_turn(
    reports: list[FileReport],
) -> None:
    summary = costs_of(reports)
    assert summary.turns > 500
    assert summary.messages_median <= 1.5, summary.lines()
    assert summary.calls_median <= 2, summary.lines()
    assert summary.messages_mean < 1.5, summary.lines()


def test_compose_joins_texts_in_a_row_and_keeps_every_word() -> None:
    menu = (Button("Prices", "1.aaaaaa.bbbb"),)
    photo = Reply("", media=Media("/tmp/chart.png"))
    replies = [
        Reply("Hello!"),
        Reply("We manage socials."),
        Reply("What next?", menu),
        Reply("After the keyboard."),
        photo,
        Reply("Explained."),
        Reply("On its own.", separate=True),
        Reply("Last.", menu),
    ]
    out = compose_counted(replies)
    assert [(r.text, n) for r, n in out] == [
        ("Hello!\n\nWe manage socials.\n\nWhat next?", 3),
        ("After the keyboard.", 4),
        ("", 5),
        ("Explained.", 6),
        ("On its own.\n\nLast.", 8),
    ]
    assert out[0][0].buttons == menu and out[2][0] is photo and out[4][0].buttons == menu
    # what a crash left unsent is composed the same way as the rest of the first try
    assert compose(replies[4:]) == [m for m, n in out if n > 4]


def test_compose_never_makes_a_message_telegram_would_refuse() -> None:
    long = Reply("x" * 3000)
    assert [len(r.text) for r in compose([long, Reply("y" * 2000)])] == [3000, 2000]
    assert compose([]) == []


async def test_the_count_is_what_the_real_adapter_sends(
    start: Starter,  # noqa: F811
    reports: list[FileReport],
) -> None:
    h = await start(typing_after=60.0)  # "typing…" is for slow turns, which a test cannot time
    uid = 7100
    compared = 0
    for report in reports:
        if Path(report.name).name not in SAMPLE:
            continue
        for outcome in report.outcomes:
            if outcome.failure is not None:
                continue
            uid += 1
            test = outcome.test
            expected = turn_costs(test.name, [(s.press is not None, r) for s, r in outcome.log])
            real: list[tuple[int, int]] = []
            for step, _result in outcome.log:
                before = len(h.fake.calls)
                if step.send is not None:
                    await h.say(uid, step.send, language_code=test.lang, first_name="Ann")
                else:
                    await press_label(h, uid, step.press or "")
                after = [c for c in h.fake.calls[before:] if c.chat_id == uid and c.ok]
                calls = sum(1 for c in after if c.method in SENDING)
                messages = sum(
                    1 for c in after if c.method.startswith("send") and "Action" not in c.method
                )
                real.append((messages, calls))
            assert real == [(c.messages, c.calls) for c in expected], (report.name, test.name)
            compared += len(real)
    assert compared > 40


async def press_label(h: Harness, uid: int, label: str) -> None:
    keyboard = h.last_keyboard(uid)
    wanted = " ".join(label.split()).casefold()
    for button in keyboard.buttons:
        if " ".join(button["text"].split()).casefold() == wanted:
            update_id = h.fake.press(uid, button["callback_data"], keyboard.message_id)
            await h.handled(update_id)
            return
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in keyboard.buttons]}")


def test_the_sample_files_exist() -> None:
    for name in SAMPLE:
        problems = Problems()
        assert load_transcripts(ROOT / "dialogs" / "tests" / name, problems), name


async def test_a_state_marked_separate_starts_a_message_of_its_own(mini_copy: Path) -> None:
    from tests.conftest import build_engine

    dialog = mini_copy / "dialogs" / "main.yaml"
    text = dialog.read_text(encoding="utf-8")
    dialog.write_text(
        text.replace(
            "  menu:\n    say: menu.question\n",
            "  menu:\n    separate: true\n    say: menu.question\n",
            1,
        )
    )
    engine = build_engine(mini_copy, mini_copy / "bot.db")
    from bot.core.messages import Input

    result = await engine.turn(Input("u1", text="/start", language_code="en"))
    messages = compose(result.replies)
    assert len(messages) == 2 and messages[1].buttons, [m.text for m in messages]

    dialog.write_text(
        text.replace(
            "  menu:\n    say: menu.question\n",
            "  menu:\n    separate: maybe\n    say: menu.question\n",
            1,
        )
    )
    from bot.app import load_content

    report = load_content(mini_copy).problems.report()
    assert "`separate` must be yes/no" in report
