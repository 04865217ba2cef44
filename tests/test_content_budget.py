"""Staff content that passes `validate` cannot freeze or exhaust the bot (issue 17, point 3).

Rendering: every text, condition and value runs under a budget (sizes worked out before a value
is made, steps, CPU time, characters made); a hostile text is refused alone, fast and small,
and ``validate`` finds it first, at its line. Reading: the YAML reader refuses anchors (an
alias bomb), files over a size, anything but an ordinary file (a FIFO under ``locales/``), and
gives up on a drive that does not answer without holding up a reload or the bot's stopping.

Memory is measured with tracemalloc's peak; time only as a generous guard against a hang.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.app import load_content, prepare
from bot.base.problems import Problems
from bot.base.yamlpos import (
    MAX_FILE_BYTES,
    ReadTimeout,
    hanging_reads,
    load_yaml,
    read_staff_text,
    within,
)
from bot.cli import cli
from bot.content.sandbox import MAX_OUTPUT
from bot.content.templates import Renderer
from bot.staff.reload import Prepared, Reloader, ReloadOutcome
from tests.conftest import ROOT, build_engine

HANG_GUARD = 2.0  # seconds: a hostile text that is not stopped would take minutes, or forever
SMALL = 16_000_000  # bytes: what any refused text may allocate at its peak (compiling included)
VALUES = {"first_name": "Anna", "current_followers": 800}


def measured(work: Callable[[], Any]) -> tuple[Any, float, int]:
    """``work()``'s result, its wall time and its allocation peak (tracemalloc)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = work()
        return result, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- rendering ---------------------------------------------------------------------------------

REPLACE_CHAIN = (
    "{% set a = 'xxxxxxxxxx' %}{% set b = a.replace('x', a) %}{% set c = b.replace('x', b) %}"
    "{% set d = c.replace('x', c) %}{{ d|length }}"
)
HOSTILE = {
    # numbers: every operand small, the result huge
    "power tower": "{{ (((10**64)**64)**64)**64 }}",
    "product of powers": "{{ 2**4000 * 2**4000 }}",
    "to_bytes": "{{ (1).to_bytes(10**9, 'big') }}",
    # padding and widths
    "center": "{{ first_name.center(1000000000) }}",
    "ljust": "{{ first_name.ljust(10**9) }}",
    "rjust": "{{ first_name.rjust(10**9) }}",
    "zfill": "{{ '7'.zfill(10**9) }}",
    "center filter": "{{ first_name|center(10**9) }}",
    "indent filter": "{{ first_name|indent(10**9) }}",
    "wordwrap filter": "{{ 'a b c d'|wordwrap(1, wrapstring='x' * 10000) }}",
    "tojson indent": "{{ [1, 2]|tojson(indent=10**9) }}",
    "expandtabs": "{{ ('\t' * 1000).expandtabs(10000) }}",
    # formats
    "format width": "{{ '{:>1000000000}'.format(1) }}",
    "format nested width": "{{ '{:{}}'.format(1, 10**9) }}",
    "format_map width": "{{ '{n:>1000000000}'.format_map({'n': 1}) }}",
    "format many fields": "{{ ('{0:15000}' * 10).format(1) }}",
    "percent star": "{{ '%*d' % (10**9, 1) }}",
    "percent width": "{{ '%0999999999d' % 1 }}",
    "format filter star": "{{ '%*d'|format(10**9, 1) }}",
    # growth by repetition, replacement, joining
    "repeat list": "{% set s = 'x' * 20000 %}{{ [s] * 1000 }}",
    "sum of texts": "{% set s = 'x' * 10000 %}{{ s + s + s }}",
    "concat": "{% set s = 'x' * 20000 %}{{ s ~ s }}",
    "concat doubling": (
        "{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    "replace chain": REPLACE_CHAIN,
    "replace filter chain": REPLACE_CHAIN.replace(".replace(", "|replace("),
    "translate": "{{ ('x' * 100).translate({120: 'y' * 20000}) }}",
    "join of padded": "{{ range(1000)|map('string')|map('center', 20000)|join }}",
    "str join of padded": "{{ ''.join(range(1000)|map('string')|map('center', 20000)) }}",
    "list of padded": "{{ range(1000)|map('string')|map('center', 20000)|list|length }}",
    "batch fill": "{{ [1]|batch(10**9, 'x')|list }}",
    "slice count": "{{ [1]|slice(10**9)|list|length }}",
    "literal list": "{% set s = 'x' * 20000 %}{{ [s, s, s, s, s, s, s, s] }}",
    # loops, macros and blocks
    "nested loops": (
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    ),
    "macro recursion with loops": (
        "{% macro m(n) %}{% for i in range(1000) %}{% endfor %}{{ m(n) }}{{ m(n) }}"
        "{% endmacro %}{{ m(0) }}"
    ),
    "deep macro recursion": (
        "{% macro m(n) %}{% for i in range(10) %}{{ m(n + 1) }}{% endfor %}{% endmacro %}{{ m(0) }}"
    ),
    "recursive loop": "{% for i in range(1000) recursive %}{{ loop(range(1000)) }}{% endfor %}",
    "set block": (
        "{% set s %}{% for i in range(1000) %}{% for j in range(100) %}{{ 'y' * 2000 }}"
        "{% endfor %}{% endfor %}{% endset %}{{ s|length }}"
    ),
    "filter block": (
        "{% filter upper %}{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}{% endfilter %}"
    ),
    "long range": "{% for x in range(100000) %}{% endfor %}",
}


@pytest.mark.parametrize("template", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_text_is_refused_alone_small_and_fast(template: str) -> None:
    renderer = Renderer()
    out, seconds, peak = measured(lambda: renderer.render(template, VALUES, "it"))
    assert out == ""  # refused: the message goes on without it
    assert seconds < HANG_GUARD
    assert peak < SMALL, f"{peak:,} bytes"
    # and validate would have said why, in words
    reason = renderer.over_budget(template, VALUES, "it")
    assert reason, "validate says nothing"


def test_the_output_is_cut_while_it_is_made_not_after() -> None:
    """A million x's: the text stops at MAX_OUTPUT characters; nothing near a million is ever
    held (the old render built it whole, then sliced)."""
    template = "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}"
    renderer = Renderer()
    out, seconds, peak = measured(lambda: renderer.render(template, VALUES, "en"))
    assert out == "x" * MAX_OUTPUT
    assert seconds < HANG_GUARD and peak < 2_000_000
    assert "20,000" in (renderer.over_budget(template, VALUES, "en") or "")


def test_the_deadline_is_checked_inside_loops_and_calls() -> None:
    """With a clock that jumps a second at each reading, a render is stopped at its second
    look at the clock, inside the loop: the time budget, not the steps, ends it."""
    ticks = iter(range(10**6))
    looked: list[int] = []

    def clock() -> float:
        looked.append(1)
        return float(next(ticks))

    renderer = Renderer(clock=clock)
    template = "{% for i in range(1000) %}{{ i }}{% endfor %}"
    assert renderer.render(template, {}, "en") == ""
    assert len(looked) == 2
    assert renderer.over_budget(template, {}, "en") == "more than 0.25 s of work"
    # the same text, with time to spare
    assert Renderer().render(template, {}, "en").startswith("012345")


def test_a_budget_is_per_render() -> None:
    """A text that spent its budget leaves none of it behind: the next one is said in full."""
    renderer = Renderer()
    assert renderer.render(HOSTILE["nested loops"], {}, "it") == ""
    assert renderer.render("Ciao {{ first_name }}!", VALUES, "it") == "Ciao Anna!"
    many = "{% for i in range(900) %}.{% endfor %}"
    assert renderer.render(many, {}, "it") == "." * 900


def test_ordinary_templates_keep_working() -> None:
    """What staff write (loops, macros, formats, joins, filters) renders as before."""
    renderer = Renderer()
    cases = {
        "{% for p in ['ig', 'fb'] %}{{ loop.index }}/{{ loop.length }} {{ p }}"
        "{% if not loop.last %}, {% endif %}{% endfor %}": "1/2 ig, 2/2 fb",
        "{% macro b(x) %}<b>{{ x }}</b>{% endmacro %}{{ b(first_name) }}": "<b>Anna</b>",
        "{{ '%s ha %d follower'|format(first_name, current_followers) }}": "Anna ha 800 follower",
        "{{ '{} ha {:,} follower'.format(first_name, 12000) }}": "Anna ha 12,000 follower",
        "{{ '%05.1f' % 2.5 }} {{ 'ab'.center(6, '*') }}": "002.5 **ab**",
        "{{ [first_name, 'Bo']|join(', ') }} {{ first_name ~ '!' }}": "Anna, Bo Anna!",
        "{{ (current_followers * 2)|number }} {{ 2**10 }}": "1.600 1024",
        "{% set t %}{{ first_name|upper }}{% endset %}{{ t|replace('N', 'n') }}": "AnnA",
        "{% for a, b in {'x': 1}|dictsort %}{{ a }}={{ b }}{% endfor %}": "x=1",
    }
    for template, said in cases.items():
        assert renderer.render(template, VALUES, "it") == said, template
        assert renderer.over_budget(template, VALUES, "it") is None


def test_conditions_and_values_have_the_same_bounds() -> None:
    renderer = Renderer()

    def both() -> tuple[bool, Any, Any]:
        return (
            renderer.evaluate("(((10**64)**64)**64)**64 > 0", {}),
            renderer.value("first_name.center(10**9)", VALUES),
            renderer.value("'x' * current_followers * 10**6", VALUES),
        )

    (truth, padded, repeated), seconds, peak = measured(both)
    assert truth is False and padded is None and repeated is None
    assert seconds < HANG_GUARD and peak < SMALL
    assert renderer.value("current_followers * 2", VALUES) == 1600
    assert renderer.evaluate("current_followers > 100", VALUES) is True
    why = renderer.over_budget("10**64**64", {}, expression=True)
    assert why is not None and "digits" in why


def test_a_failed_text_is_logged_once_without_the_prospects_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renderer = Renderer()
    secret = {"first_name": "Mürgenthaler", "email": "secret@example.com"}
    with caplog.at_level(logging.DEBUG, logger="bot.content.templates"):
        for _ in range(3):  # an exception whose message would quote the value
            assert renderer.render("{{ first_name.encode('ascii') }}", secret, "it") == ""
        for _ in range(3):
            assert renderer.render("{{ email.center(10**9) }}", secret, "it") == ""
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, [r.getMessage() for r in warnings]  # once per text
    assert "too costly: size" in warnings[1].getMessage()
    for record in caplog.records:
        text = record.getMessage()
        assert "Mürgenthaler" not in text and "secret@" not in text
        assert record.exc_info is None  # a line, not a traceback


# -- validate ----------------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    for folder in ("dialogs", "locales"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def test_validate_says_every_text_and_condition_over_budget_at_its_line(mini_copy: Path) -> None:
    texts = mini_copy / "locales" / "it" / "texts.yaml"
    lines = texts.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("info:"))
    lines[at] = 'info: "{{ (((10**64)**64)**64)**64 }}"'
    texts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    main = mini_copy / "dialogs" / "main.yaml"
    source = main.read_text(encoding="utf-8")
    assert "- if: budget > 0" in source
    source = source.replace("- if: budget > 0", "- if: budget * 10**9 * 'x'")
    main.write_text(source, encoding="utf-8")
    condition_line = next(i for i, line in enumerate(source.splitlines()) if "10**9" in line)

    problems = load_content(mini_copy).problems
    errors = [str(p) for p in problems.errors]
    text_error = f"locales/it/texts.yaml:{at + 1}:7: the text `info` costs too much to say: "
    assert any(e.startswith(text_error) and "digits" in e for e in errors), errors
    assert any(
        f"dialogs/main.yaml:{condition_line + 1}:" in e and "costs too much to work out" in e
        for e in errors
    ), errors

    result = CliRunner().invoke(cli, ["validate", str(mini_copy)])
    assert result.exit_code == 1 and "costs too much to say" in result.output


def test_the_shipped_texts_are_within_budget() -> None:
    problems = load_content(ROOT).problems
    assert not [p for p in problems.errors if "costs too much" in p.message]


# -- reading YAML ------------------------------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A "billion laughs" as a locale file: each group of texts holds ``width`` aliases of the
    group before it, so reading its keys makes ``width ** levels`` texts (9**9: 387 million)."""

    def group(value: str) -> str:
        return "{" + ", ".join(f"k{i}: {value}" for i in range(width)) + "}"

    lines = ["bomb:", f"  a: &a {group('lol')}"]
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"  {name}: &{name} {group('*' + previous)}")
        previous = name
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_anchor_without_growing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 1_000
    problems = Problems()
    source, seconds, peak = measured(lambda: load_yaml(bomb, problems, "locales/it/bomb.yaml"))
    assert source is None and peak < 2_000_000 and seconds < HANG_GUARD
    (problem,) = problems.errors
    assert str(problem).startswith("locales/it/bomb.yaml:2:6: `&a` is a YAML anchor")
    assert problem.suggestion is not None and "in full" in problem.suggestion


def test_an_alias_bomb_in_the_locales_stops_validate_at_its_line(shipped_copy: Path) -> None:
    (shipped_copy / "locales" / "it" / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(shipped_copy)])
    assert result.exit_code == 1
    assert "locales/it/bomb.yaml:2:6: `&a` is a YAML anchor" in result.output.splitlines()[0]


@pytest.mark.parametrize(
    ("written", "col"),
    [
        ("title: &Co. Rossi e figli\n", 8),  # a text that starts with "&": the anchor eats a word
        ("base: &base {a: 1}\nother:\n  <<: *base\n", 7),  # a merge of a mapping
    ],
    ids=["ampersand-text", "merge-key"],
)
def test_every_anchor_is_refused_where_it_is_written(
    tmp_path: Path, written: str, col: int
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(written, encoding="utf-8")
    problems = Problems()
    assert load_yaml(path, problems, "x.yaml") is None
    assert str(problems.errors[0]).startswith(f"x.yaml:1:{col}: `&")


def test_a_text_starting_with_a_star_is_still_a_quoting_mistake(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("title: *bold* offer\n", encoding="utf-8")
    problems = Problems()
    assert load_yaml(path, problems, "x.yaml") is None
    assert problems.errors[0].suggestion == "put the text in quotes"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to write, nothing to read
    problems = Problems()
    source, _seconds, peak = measured(lambda: load_yaml(big, problems, "locales/en/big.yaml"))
    assert source is None and peak < 1_000_000
    (problem,) = problems.errors
    assert str(problem).startswith("locales/en/big.yaml:1:1: the file is 1,000,001 bytes")
    assert "1,000,000 bytes (1 MB)" in problem.message
    assert problem.suggestion is not None and "split it" in problem.suggestion


def finished_within(seconds: float, work: Callable[[], Any]) -> Any:
    """``work()`` in a daemon thread, joined for ``seconds``: a hang fails the test, not the run."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "it hung"
    return result[0]


def test_a_fifo_under_locales_is_refused_without_being_opened(shipped_copy: Path) -> None:
    fifo = shipped_copy / "locales" / "it" / "pipe.yaml"
    os.mkfifo(fifo)
    (shipped_copy / "locales" / "en" / "folder.yaml").mkdir()
    problems = finished_within(20, lambda: load_content(shipped_copy).problems)
    errors = [str(p) for p in problems.errors]
    assert (
        "locales/en/folder.yaml:1:1: this is a folder, not an ordinary file: the bot reads only "
        "ordinary files here — move it out of the folder"
    ) in errors
    assert (
        "locales/it/pipe.yaml:1:1: this is a named pipe (FIFO), not an ordinary file: the bot "
        "reads only ordinary files here — move it out of the folder"
    ) in errors


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe; whatever still waits to read it is let go at the end."""
    path = tmp_path / "slow.yaml"
    os.mkfifo(path)
    yield path
    for thread in threading.enumerate():
        if thread.name == "staff-file-read":
            with _writer(path):
                pass
            thread.join(5)
    assert hanging_reads() == 0


class _writer:
    """The write end of a FIFO, opened without waiting: a blocked reader then reads its end."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        try:
            self.fd: int | None = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader waits
            self.fd = None

    def __exit__(self, *_: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def test_a_read_that_hangs_is_given_up_and_the_next_refused_at_once(fifo: Path) -> None:
    """A drive that does not answer, as a blocking open of a FIFO stands for it: the read is
    given up after its time, left in a daemon thread, and no other read is started until it
    comes back."""

    def blocking_read() -> bytes:
        with fifo.open("rb") as handle:  # blocks until someone writes
            return handle.read()

    with pytest.raises(ReadTimeout, match=r"did not finish reading within 0\.05 s"):
        within(0.05, blocking_read)
    assert hanging_reads() == 1
    stuck = [t for t in threading.enumerate() if t.name == "staff-file-read"]
    assert stuck and all(t.daemon for t in stuck)
    with pytest.raises(ReadTimeout, match="reading another file has hung"):
        read_staff_text(ROOT / "dialogs" / "main.yaml")
    with _writer(fifo):  # the drive answers again
        pass
    for thread in stuck:
        thread.join(5)
    assert hanging_reads() == 0
    assert "states:" in read_staff_text(ROOT / "dialogs" / "main.yaml")


def test_line_ends_are_read_as_python_reads_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"a: 1\r\nb: 2\rc: 3\n")
    assert read_staff_text(path) == path.read_text(encoding="utf-8") == "a: 1\nb: 2\nc: 3\n"
    assert read_staff_text(path, keep_line_ends=True) == "a: 1\r\nb: 2\rc: 3\n"


# -- reloading ---------------------------------------------------------------------------------


class Reports:
    def __init__(self) -> None:
        self.outcomes: list[ReloadOutcome] = []

    async def __call__(self, outcome: ReloadOutcome) -> None:
        self.outcomes.append(outcome)


async def test_a_reload_with_a_fifo_under_locales_is_refused_at_the_line(
    mini_copy: Path, tmp_path: Path
) -> None:
    engine = build_engine(mini_copy, tmp_path / "r.db")
    reports = Reports()
    reloader = Reloader(engine, mini_copy, reports, prepare=prepare)
    os.mkfifo(mini_copy / "locales" / "en" / "more.yaml")
    outcome = await asyncio.wait_for(reloader.reload(), 20)
    assert not outcome.ok and reports.outcomes == [outcome]
    assert "locales/en/more.yaml:1:1: this is a named pipe (FIFO)" in outcome.report


async def test_a_reload_that_hangs_is_refused_in_time_and_the_next_waits_for_it(
    mini_copy: Path, tmp_path: Path
) -> None:
    """``prepare`` stuck on a drive: the reload is refused after ``prepare_seconds``, the
    reading goes on alone in a daemon thread, a second reload is refused at once, and once the
    drive answers the next reload works."""
    engine = build_engine(mini_copy, tmp_path / "r.db")
    release = threading.Event()

    def stuck_prepare(root: Path) -> Prepared:
        release.wait(30)
        return prepare(root)

    reports = Reports()
    reloader = Reloader(engine, mini_copy, reports, prepare=stuck_prepare, prepare_seconds=0.1)
    before = engine.content
    first = await reloader.reload()
    assert not first.ok and "was not read within 0.1 s" in first.report
    (reading,) = [t for t in threading.enumerate() if t.name == "content-reload"]
    assert reading.daemon
    second = await reloader.reload()
    assert not second.ok and "has not finished yet" in second.report
    assert engine.content is before
    release.set()
    reading.join(30)
    reloader.prepare_seconds = 60
    assert (await reloader.reload()).ok


STOPPING = """
import asyncio, sys, threading
from pathlib import Path
from bot.staff.reload import Reloader

started, never = threading.Event(), threading.Event()

def prepare(root):
    started.set()
    never.wait()

async def report(outcome):
    pass

async def main():
    reloader = Reloader(None, Path("."), report, prepare=prepare)
    task = asyncio.create_task(reloader.reload())
    await asyncio.to_thread(started.wait)
    task.cancel()  # the bot stops (SIGTERM) while a reading hangs

asyncio.run(main())
print("stopped")
"""


def test_the_bot_stops_while_a_reading_hangs(tmp_path: Path) -> None:
    """Before, the reading ran in the event loop's worker threads, which Python waits for on
    exit: a FIFO under locales/ meant a bot that SIGTERM no longer stopped."""
    done = subprocess.run(
        [sys.executable, "-c", STOPPING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "stopped", done.stderr


def test_validate_says_a_long_text_is_long_and_to_shorten_it(mini_copy: Path) -> None:
    """A plain text of 30,000 characters has nothing to simplify: the fix is to shorten it."""
    texts = mini_copy / "locales" / "it" / "texts.yaml"
    lines = texts.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("info:"))
    lines[at] = "info: " + "parole " * 4300
    texts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = load_content(mini_copy).problems
    found = [p for p in problems.errors if "characters long" in p.message]
    assert found and found[0].suggestion == "shorten it, or split it into several texts"
    assert str(found[0]).startswith(f"locales/it/texts.yaml:{at + 1}:")
