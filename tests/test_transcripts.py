"""Conversation tests written by staff: broken ones must fail with their file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import load_content, transcript_runner
from bot.base.problems import Problems, relpath
from bot.cli.transcripts import test as run_command
from bot.staff.transcripts import TranscriptRunner, _same, load_transcripts
from tests.conftest import ROOT

GOOD = """\
name: Pricing from the menu
lang: en
steps:
  - send: /start
  - press: "💶 What does it cost?"
    expect:
      text_contains: "It depends on the project"
      state: main.pricing
"""

WRONG_TEXT = """\
name: Wrong on purpose
lang: it
steps:
  - send: /start
  - press: "✍️ Lascia i tuoi contatti"
  - press: Iniziamo
  - send: Giulia
    expect:
      state: main.lead_business
      text_contains: "Piacere, Giulia Rossi"
"""


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> TranscriptRunner:
    return transcript_runner(ROOT, tmp_path_factory.mktemp("runs"))


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    problems = Problems()
    content = load_content(ROOT).content
    load_transcripts(path, problems, content)
    return [str(p) for p in sorted(problems)]


async def test_a_good_transcript_passes(runner: TranscriptRunner, tmp_path: Path) -> None:
    report = await runner.run_file(write(tmp_path, GOOD))
    assert not report.failed
    assert [o.status for o in report.outcomes] == ["passed"]
    assert report.lines()[0].startswith("✓ ")


async def test_a_broken_transcript_fails_at_its_line(
    runner: TranscriptRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, WRONG_TEXT)
    report = await runner.run_file(path)
    assert report.failed
    [outcome] = report.outcomes
    assert outcome.failure is not None
    lines = report.lines()
    assert lines[0] == f"✗ {relpath(path)}: Wrong on purpose"
    # line 10 is the `text_contains` that fails; the state check above it held
    assert lines[1].strip().startswith(f"{relpath(path)}:10:7: step 4 (send «Giulia»)")
    assert "Piacere, Giulia Rossi" in lines[1]
    text = "\n".join(lines)
    assert "the bot wrote: «Piacere, Giulia!" in text  # what it actually said
    assert "now at: main.lead_business" in text


async def test_a_missing_button_names_the_buttons(runner: TranscriptRunner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: x\nlang: it\nsteps:\n  - send: /start\n  - press: Lascia i contatti\n",
    )
    report = await runner.run_file(path)
    text = "\n".join(report.lines())
    assert f"{relpath(path)}:5:12: step 2 (press «Lascia i contatti»)" in text
    assert "did you mean `✍️ Lascia i tuoi contatti`?" in text
    assert "buttons: «📈 Quanti follower, e quando?»" in text


async def test_slot_and_lead_failures_show_what_was_kept(
    runner: TranscriptRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """\
name: x
lang: en
steps:
  - send: /start
  - press: Leave your details
  - press: Let's go
  - send: Sarah
    expect:
      slot: {name: Sara}
""",
    )
    text = "\n".join((await runner.run_file(path)).lines())
    assert "expected slot `name` to be «Sara», but it is «Sarah»" in text
    assert "slots: name=Sarah" in text

    path = write(tmp_path, GOOD.replace("state: main.pricing", "lead_saved: yes"), "lead.yaml")
    text = "\n".join((await runner.run_file(path)).lines())
    assert "expected a lead (contact) to be saved" in text
    assert "leads saved: none" in text


async def test_pending_tests_do_not_fail_the_run(runner: TranscriptRunner, tmp_path: Path) -> None:
    failing = WRONG_TEXT.replace("lang: it\n", 'lang: it\npending: "known bug"\n')
    report = await runner.run_file(write(tmp_path, failing))
    assert not report.failed
    assert report.outcomes[0].status == "pending"
    assert report.lines()[0].startswith("~ ") and "known bug" in report.lines()[0]

    passing = GOOD.replace("lang: en\n", 'lang: en\npending: "fixed since"\n')
    report = await runner.run_file(write(tmp_path, passing, "fixed.yaml"))
    assert not report.failed
    assert report.outcomes[0].status == "fixed"
    assert "remove `pending:`" in report.lines()[0]


def test_malformed_yaml_gives_a_located_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: x\nlang: it\nsteps:\n  - send: /start\n    expect:\n      state: main.menu\n"
        "     buttons: []\n",
    )
    [problem] = problems_of(path)
    assert problem.startswith(f"{relpath(path)}:7:6: YAML syntax")


def test_mistakes_in_a_test_file_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
tests:
  - name: bad
    lang: fr
    steps:
      - send: /start
        expect:
          stat: main.menu
          state: main.mneu
          picture: maybe
      - press: 10.5
      - sned: ciao
  - name: no steps
    lang: it
""",
    )
    where = relpath(path)
    problems = problems_of(path)
    assert f"{where}:3:11: unknown language `fr` — use it or en" in problems
    assert f"{where}:7:11: unknown key `stat` in `expect` — did you mean `state`?" in problems
    assert f"{where}:8:18: there is no state `main.mneu` — did you mean `main.menu`?" in problems
    assert f"{where}:9:20: `picture` is yes or no" in problems
    assert f"{where}:10:16: put the button's label in quotes" in problems
    assert any(p.startswith(f"{where}:11:9: unknown key `sned`") for p in problems)
    assert f"{where}:12:5: test «no steps» has no `steps:`" in problems


def test_a_first_step_must_do_something(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nlang: it\nsteps:\n  - expect:\n      state: main.menu\n")
    [problem] = problems_of(path)
    assert problem.startswith(f"{relpath(path)}:4:5: the first step has nothing to check yet")


def test_the_command_reports_and_exits_1(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, WRONG_TEXT, "bad.yaml")
    broken = write(tmp_path, "name: [unclosed\n", "broken.yaml")
    run = CliRunner().invoke(
        run_command, ["--content", str(ROOT), str(good), str(bad), str(broken)]
    )
    assert run.exit_code == 1, run.output
    assert f"✓ {relpath(good)}: Pricing from the menu" in run.output
    assert f"✗ {relpath(bad)}: Wrong on purpose" in run.output
    assert f"{relpath(bad)}:10:7:" in run.output
    assert f"✗ {relpath(broken)}: the file cannot be run" in run.output
    assert f"{relpath(broken)}:2:1: YAML syntax" in run.output
    assert "1 passed, 1 failed, 1 file(s) with mistakes." in run.output
    assert "Traceback" not in run.output

    run = CliRunner().invoke(run_command, ["--content", str(ROOT), str(good)])
    assert run.exit_code == 0, run.output
    assert run.output.strip().endswith("1 passed, 0 failed.")


def test_the_command_names_a_missing_file(tmp_path: Path) -> None:
    run = CliRunner().invoke(run_command, [str(tmp_path / "nope.yaml")])
    assert run.exit_code == 1
    assert "nope.yaml: no such file or folder" in run.output


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        (10000, 10000, True),
        (10000, 10000.0, True),
        ("10000", 10000, True),
        (True, 1, True),
        ("yes", True, True),
        ("no", False, True),
        ("sì", True, True),
        (None, None, True),
        (None, "x", False),
        ("Giulia", "giulia", True),
        ("Giulia", "Giulio", False),
        ("+393331234567", "+393331234567", True),
        (800, "800 follower", False),
    ],
)
def test_expected_values_compare_as_staff_mean_them(
    expected: object, actual: object, same: bool
) -> None:
    assert _same(expected, actual) is same


def test_a_buttons_failure_names_the_button_that_differs() -> None:
    from bot.staff.transcripts import _buttons_diff

    assert _buttons_diff(["A", "B", "New"], ["A", "B"]) == (
        "; not expected: «New» (a button added on purpose? add it to the test too)"
    )
    assert _buttons_diff(["A"], ["A", "Gone"]) == "; missing: «Gone»"
    assert _buttons_diff(["B", "A"], ["A", "B"]) == "; the same buttons in another order"
