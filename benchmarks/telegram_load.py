"""The same load against the bot and against a bare python-telegram-bot echo bot, on a fake
Bot API server (tests/fakebotapi.py, 127.0.0.1): what the bot costs per turn, and how many
prospects a second it serves at Telegram's limit.

    .venv/bin/python benchmarks/telegram_load.py                  # the table (~2-3 min)
    .venv/bin/python benchmarks/telegram_load.py --profile        # cProfile top 15 instead
    .venv/bin/python benchmarks/telegram_load.py --rss-prospects 100000 --only rss  # ~10 min
    .venv/bin/python benchmarks/telegram_load.py --engine-rss 100000 --only rss

Each bot runs in a process of its own, pinned to one core (the driver and the fake server
have the other): the real python-telegram-bot ``Application`` and our adapter as ``python -m
bot run`` builds them (the shipped content, an SQLite file in a temporary folder, the log at
INFO to a file), or the echo bot (same python-telegram-bot, same fake, one ``reply_text`` per
message, an answer and a ``reply_text`` per button). The driver pushes updates into the fake,
hears from each bot process when an update was handled, and counts the calls the fake got.

Runs, each against a fresh fake server and a fresh bot process:
- **limited**: with ``AIORateLimiter`` as in production: turns per second at Telegram's 30
  sending calls a second, for a campaign burst (``--burst`` new prospects, one message each:
  /start or a typed first question, Italian and English) and conversations (``--talkers``
  prospects at once, each writing a typed question, pressing the first button, asking a growth
  question and answering a number, one after the other as a person does);
- **unlimited**: the same loads without the limiter (own CPU: process CPU seconds per turn),
  and the conversations once more one prospect at a time (``serial``): the bot's own
  processing per turn, measured inside the adapter (``bot.adapters.telegram.timing``: update
  received -> replies handed to the sender, less the Bot API calls awaited on the way), with no
  other prospect waiting on the loop. Under load the same figure includes waiting for the
  loop and the database thread behind other prospects' turns;
- **rss**: peak resident memory after ``--rss-prospects`` distinct prospects (full stack, no
  limiter; the echo bot's too with ``--rss-echo``), and with ``--engine-rss N`` after N
  prospects through the engine and the store alone (no Telegram);
- **cold**: from spawning ``python -m bot run`` (and the echo bot) to the fake receiving the
  first ``getUpdates``, the median of ``--cold-runs``.

``--repeat N`` runs the loads N times and prints medians (a busy machine); ``--tree DIR``
measures the bot of another copy of the sources (an older one, to compare: run both in turn).

Time and memory are measured apart: no tracemalloc anywhere, RSS from the kernel
(``ru_maxrss``, ``/proc/self/statm``). ``--profile`` runs the unlimited loads under cProfile
(the loop's thread; the database thread is not profiled) and prints the top 15 functions by
own time: its timings are inflated by the profiler and are not mixed with the table's.
``--without-sniffio`` makes ``import sniffio`` fail in the bot process as it did before the
package was declared (httpcore tries it on every request), to show what that cost.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TREE = "TELEGRAM_LOAD_TREE"
"""The environment variable naming the source tree under test (``--tree``): its ``bot`` package
and its content; this checkout when unset."""
CODE = Path(os.environ.get(TREE) or ROOT)
sys.path.insert(0, str(CODE))

KINDS = ("bot", "echo")
SEND = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage")
POLL_TIMEOUT = 10  # seconds of the bot's long poll (production: 30; the fake answers at once)
WAIT = 120.0  # seconds an update may take before the run is declared stuck
PRESS = "<press the first button>"
# a new prospect's first message: half /start, half a typed question; Italian and English
FIRST = {
    "it": ("/start", "ciao, quanto costa?"),
    "en": ("/start", "how much does it cost?"),
}
# a conversation: a typed question, a menu press, a growth question, a number
TALK = {
    "it": (
        "quanto costa?",
        PRESS,
        "ho 800 follower su instagram, in quanto tempo arrivo a 10mila?",
        "200",
    ),
    "en": (
        "how much does it cost?",
        PRESS,
        "I have 800 followers on instagram, how long to get to 10k?",
        "200",
    ),
}


def lang_of(uid: int) -> str:
    return "it" if uid % 2 else "en"


def first_message(uid: int) -> str:
    return FIRST[lang_of(uid)][(uid // 2) % 2]


# -- the bot process ---------------------------------------------------------------------------


class Control:
    """The bot process's side: commands on stdin, one line on stdout per handled update."""

    def __init__(self, profile: Path | None) -> None:
        self.profile_path = profile
        self.profiler: Any = None
        self.own: list[float] = []
        self.own_cpu: list[float] = []
        self.own_by_update: dict[int, float] = {}
        self.charts = 0
        self.cpu = 0.0
        self.loop: Any = None
        self.stop: Callable[[], None] = lambda: None

    def started(self, stop: Callable[[], None]) -> None:
        import asyncio

        self.loop = asyncio.get_running_loop()
        self.stop = stop
        threading.Thread(target=self._read, daemon=True, name="control").start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.loop.call_soon_threadsafe(self.command, line.strip())
        self.loop.call_soon_threadsafe(self.command, "quit")

    def write(self, line: str) -> None:
        os.write(1, (line + "\n").encode())

    def done(self, update_id: int) -> None:
        self.write(f"d {update_id}")

    def timed(self, timing: Any) -> None:
        own = timing.own
        if own is None:
            return
        if timing.chart:
            self.charts += 1
        else:
            self.own.append(own)
            self.own_cpu.append(timing.own_cpu)
            if timing.update_id is not None:
                self.own_by_update[timing.update_id] = own

    def command(self, line: str) -> None:
        if line == "mark":
            self.own, self.own_cpu, self.own_by_update, self.charts = [], [], {}, 0
            self.cpu = _cpu()
            if self.profile_path is not None:
                import cProfile

                self.profiler = cProfile.Profile()
                self.profiler.enable()
            self.write("m")
        elif line == "report":
            cpu = _cpu() - self.cpu
            if self.profiler is not None:
                self.profiler.disable()
                assert self.profile_path is not None
                self.profiler.dump_stats(str(self.profile_path))
                self.profiler = None
            report = {
                "cpu": cpu,
                "own": self.own,
                "own_cpu": self.own_cpu,
                "by_update": self.own_by_update,
                "charts": self.charts,
                "rss": _rss_now(),
                "peak": _rss_peak(),
            }
            self.write("r " + json.dumps(report))
        elif line == "quit":
            self.stop()


def _cpu() -> float:
    """CPU seconds of this process, every thread, user and system."""
    times = os.times()
    return times.user + times.system


def _rss_now() -> int:
    """Resident memory now, bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _rss_peak() -> int:
    """The process's peak resident memory, bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _hide_sniffio() -> None:
    """``import sniffio`` fails as for a package not installed, after the same search."""
    import importlib.abc
    import importlib.machinery

    class Missing(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
            if name != "sniffio":
                return None
            importlib.machinery.PathFinder.find_spec("sniffio_not_installed", path)
            raise ModuleNotFoundError("No module named 'sniffio'", name=name)

    sys.modules.pop("sniffio", None)
    sys.meta_path.insert(0, Missing())


def serve(kind: str, limiter: bool, profile: Path | None, pool: int | None) -> int:
    """Run one bot until stdin closes or says ``quit`` (``--serve``)."""
    from datetime import timedelta

    os.environ.setdefault("PTB_TIMEDELTA", "1")
    control = Control(profile)
    if kind == "bot":
        app, close, updates = _bot_app(control, limiter, pool)
    else:
        app, close, updates = _echo_app(control, limiter)
    try:
        app.run_polling(
            timeout=timedelta(seconds=POLL_TIMEOUT),
            allowed_updates=updates,
            drop_pending_updates=False,
        )
    finally:
        close()
    return 0


def _bot_app(control: Control, limiter: bool, pool: int | None) -> tuple[Any, Any, Any]:
    """The application as ``python -m bot run`` builds it, from the same environment."""
    from bot.adapters.telegram import bot as telegram_bot
    from bot.cli.common import start_runtime
    from bot.cli.run import setup_logging
    from bot.config import load_settings

    if pool is not None:
        telegram_bot.CONNECTION_POOL = pool
    settings = load_settings()
    setup_logging(False)
    runtime = start_runtime(settings)
    bot = telegram_bot.TelegramBot(
        runtime.engine,
        settings,
        prepare=runtime.prepare,
        background=True,
        lead_fields=runtime.lead_fields,
    )
    app = bot.build(rate_limit=limiter)
    bot.on_turn_timed = control.timed
    finished = bot.processor.finished
    assert finished is not None

    async def finished_and_told(update_id: int) -> None:
        await finished(update_id)
        control.done(update_id)

    bot.processor.finished = finished_and_told
    post_init = app.post_init
    assert post_init is not None

    async def started(application: Any) -> None:
        await post_init(application)
        control.started(application.stop_running)

    app.post_init = started
    return app, runtime.close, telegram_bot.ALLOWED_UPDATES


def _echo_app(control: Control, limiter: bool) -> tuple[Any, Any, Any]:
    """A bare python-telegram-bot echo bot, as concurrent as ours (256 updates at once)."""
    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        ApplicationBuilder,
        BaseUpdateProcessor,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    class Told(BaseUpdateProcessor):
        async def do_process_update(self, update: object, coroutine: Any) -> None:
            await coroutine
            if isinstance(update, Update):
                control.done(update.update_id)

        async def initialize(self) -> None:
            pass

        async def shutdown(self) -> None:
            pass

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text is not None:
            await update.message.reply_text(update.message.text)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        if query.message is not None:
            await context.bot.send_message(query.message.chat.id, query.data or "?")

    async def started(application: Any) -> None:
        control.started(application.stop_running)

    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(Told(256))
        .post_init(started)
    )
    if limiter:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    return app, lambda: None, ["message", "callback_query"]


def engine_rss(prospects: int) -> int:
    """``--engine-rss``: N new prospects through the engine and the store alone; prints JSON."""
    import asyncio

    from bot.app import build_engine, build_understanding, load_content
    from bot.core.messages import Input
    from bot.storage.sqlite import Store

    loaded = load_content(ROOT)
    assert loaded.content is not None, loaded.problems.report()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(
            loaded.content,
            Store(Path(tmp) / "bench.db"),
            understanding=build_understanding(loaded.content),
            files_dir=Path(tmp) / "charts",
        )

        async def run() -> dict[str, float]:
            async def one(uid: int) -> None:
                text = first_message(uid)
                await engine.turn(Input(f"tg:{uid}", text=text, language_code=lang_of(uid)))

            await one(0)
            base = _rss_now()
            started = time.perf_counter()
            for uid in range(1, prospects + 1):
                await one(uid)
            return {
                "base": base,
                "rss": _rss_now(),
                "peak": _rss_peak(),
                "seconds": time.perf_counter() - started,
            }

        print(json.dumps(asyncio.run(run())))
    return 0


# -- the driver --------------------------------------------------------------------------------


@dataclass
class Report:
    cpu: float
    own: list[float]
    own_cpu: list[float]
    by_update: dict[int, float]
    charts: int
    rss: int
    peak: int


class Served:
    """A bot process against its own fake server."""

    def __init__(
        self,
        kind: str,
        workdir: Path,
        *,
        limiter: bool,
        profile: Path | None = None,
        pool: int | None = None,
        without_sniffio: bool = False,
        cpu: int | None = None,
    ) -> None:
        from tests.fakebotapi import FAKE_TOKEN, FakeBotAPI

        self.kind = kind
        self.fake = FakeBotAPI().start()
        self.done_at: dict[int, float] = {}
        self.pushed_at: dict[int, float] = {}
        self.said: dict[int, str] = {}  # update id -> what the prospect wrote (or PRESS)
        self.finished: queue.Queue[int] = queue.Queue()
        self._replies: queue.Queue[str] = queue.Queue()
        self._cond = threading.Condition()
        run = workdir / f"{kind}-{'limited' if limiter else 'unlimited'}-{time.monotonic_ns()}"
        run.mkdir(parents=True)
        self.log = run / "bot.log"
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
            "TELEGRAM_API_BASE_URL": self.fake.base_url,
            "BOT_DB_PATH": str(run / "bot.db"),
            "BOT_CONTENT_DIR": str(CODE),
            "PYTHONPATH": str(CODE),
            "BOT_CACHE_DIR": str(workdir / "cache"),
            "BOT_ADMIN_IDS": "",
            "PTB_TIMEDELTA": "1",
        }
        args = [sys.executable, __file__, "--serve", kind]
        args += ["--limiter"] if limiter else []
        args += ["--profile-to", str(profile)] if profile else []
        args += ["--pool", str(pool)] if pool else []
        args += ["--without-sniffio"] if without_sniffio else []
        args += ["--cpu", str(cpu)] if cpu is not None else []
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=run,
                env=env,
                text=True,
                bufsize=1,
            )
        threading.Thread(target=self._read, daemon=True).start()
        self.calls_seen = 0
        if not self.fake.wait_for(lambda f: f.count("getUpdates") > 0, timeout=120):
            raise RuntimeError(f"{kind} never polled; see {self.log}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            now = time.monotonic()
            tag, _, rest = line.rstrip("\n").partition(" ")
            if tag == "d":
                update_id = int(rest)
                with self._cond:
                    self.done_at[update_id] = now
                    self._cond.notify_all()
                self.finished.put(update_id)
            else:
                self._replies.put(line)

    def _ask(self, command: str, tag: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self._replies.get(timeout=WAIT)
        assert line.startswith(tag), line
        return line[len(tag) :].strip()

    def mark(self) -> None:
        self.calls_seen = len(self.fake.calls)
        self._ask("mark", "m")

    def report(self) -> Report:
        data = json.loads(self._ask("report", "r"))
        by_update = {int(k): v for k, v in data["by_update"].items()}
        return Report(
            data["cpu"],
            data["own"],
            data["own_cpu"],
            by_update,
            data["charts"],
            data["rss"],
            data["peak"],
        )

    def calls_since_mark(self) -> list[Any]:
        return [c for c in self.fake.calls[self.calls_seen :] if c.method != "getUpdates"]

    def say(self, uid: int, text: str) -> int:
        if text == PRESS:
            update_id = self._press(uid)
        else:
            update_id = self.fake.message(uid, text, language_code=lang_of(uid))
        self.pushed_at[update_id] = time.monotonic()
        self.said[update_id] = text
        return update_id

    def _press(self, uid: int) -> int:
        sent = self.fake.sent(uid)
        if self.kind == "echo":  # the echo bot has no keyboards: a tap on its last message
            return self.fake.press(uid, "menu", sent[-1].message_id)
        keyboard = [c for c in sent if c.buttons][-1]
        data = keyboard.buttons[0]["callback_data"]
        return self.fake.press(uid, data, keyboard.message_id)

    def wait(self, update_ids: Iterable[int]) -> None:
        wanted = list(update_ids)
        deadline = time.monotonic() + WAIT
        with self._cond:
            while not all(u in self.done_at for u in wanted):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"{self.kind}: updates not handled; see {self.log}")
                self._cond.wait(left)

    def close(self) -> None:
        try:
            if self.proc.poll() is None and self.proc.stdin is not None:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.proc.kill()
            self.proc.wait()
        finally:
            self.fake.stop()


@dataclass
class Phase:
    kind: str
    load: str
    turns: int
    seconds: float
    latencies: list[float]
    report: Report
    calls: Counter[str] = field(default_factory=Counter)
    by_message: dict[str, list[float]] = field(default_factory=dict)
    """Own processing (seconds) by what the prospect wrote."""

    @property
    def per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def calls_per_turn(self) -> float:
        return sum(self.calls.values()) / self.turns

    @property
    def messages_per_turn(self) -> float:
        return sum(self.calls[m] for m in SEND) / self.turns

    @property
    def cpu_per_turn(self) -> float:
        return self.report.cpu / self.turns


def burst(served: Served, prospects: int, first_uid: int, load: str = "burst") -> Phase:
    """``prospects`` new prospects write at once, one message each."""
    served.mark()
    ids = [served.say(uid, first_message(uid)) for uid in range(first_uid, first_uid + prospects)]
    served.wait(ids)
    return _phase(served, load, ids)


def conversations(served: Served, prospects: int, at_once: int, first_uid: int, load: str) -> Phase:
    """``prospects`` prospects, ``at_once`` of them at a time, each writing the ``TALK`` script
    and waiting for the bot's answer before the next message."""
    served.mark()
    step: dict[int, int] = {}  # prospect -> index of the message in flight
    owner: dict[int, int] = {}  # update id -> prospect
    waiting = list(range(first_uid, first_uid + prospects))
    ids: list[int] = []

    def send(uid: int) -> None:
        update_id = served.say(uid, TALK[lang_of(uid)][step[uid]])
        owner[update_id] = uid
        ids.append(update_id)

    def begin() -> None:
        uid = waiting.pop(0)
        step[uid] = 0
        send(uid)

    for _ in range(min(at_once, len(waiting))):
        begin()
    active = len(step)
    while active:
        update_id = served.finished.get(timeout=WAIT)
        uid = owner.pop(update_id, None)
        if uid is None:
            continue
        step[uid] += 1
        if step[uid] < len(TALK[lang_of(uid)]):
            send(uid)
            continue
        active -= 1
        if waiting:
            begin()
            active += 1
    served.wait(ids)
    return _phase(served, load, ids)


def _phase(served: Served, load: str, ids: Sequence[int]) -> Phase:
    report = served.report()
    calls = Counter(c.method for c in served.calls_since_mark())
    latencies = sorted(served.done_at[u] - served.pushed_at[u] for u in ids)
    start = min(served.pushed_at[u] for u in ids)
    end = max(served.done_at[u] for u in ids)
    by_message: dict[str, list[float]] = {}
    for update_id, own in report.by_update.items():
        by_message.setdefault(served.said.get(update_id, "?"), []).append(own)
    return Phase(served.kind, load, len(ids), end - start, latencies, report, calls, by_message)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of sorted ``values``; nan for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# -- the runs ----------------------------------------------------------------------------------


@dataclass
class Options:
    burst: int
    talkers: int
    talks: int
    serial: int
    rss_prospects: int
    engine_rss: int
    rss_echo: bool
    cold_runs: int
    repeat: int
    only: set[str]
    pool: int | None
    without_sniffio: bool
    cpus: tuple[int | None, int | None]


def loads(kind: str, work: Path, opts: Options, limiter: bool) -> list[Phase]:
    served = Served(
        kind,
        work,
        limiter=limiter,
        pool=opts.pool,
        without_sniffio=opts.without_sniffio,
        cpu=opts.cpus[1],
    )
    suffix = "" if limiter else ", no limiter"
    try:
        # warm-up: the first turns load lazily imported code and prepare statements
        conversations(served, 4, 4, 900_000, "warm-up")
        phases = [
            burst(served, opts.burst, 100_000, f"burst{suffix}"),
            conversations(served, opts.talks, opts.talkers, 200_000, f"talk{suffix}"),
        ]
        if not limiter:
            phases.append(conversations(served, opts.serial, 1, 300_000, "talk, serial"))
        return phases
    finally:
        served.close()


def rss(kind: str, work: Path, opts: Options) -> tuple[int, int, int, float]:
    """(RSS before, RSS after, peak RSS, seconds) for ``rss_prospects`` new prospects."""
    served = Served(kind, work, limiter=False, pool=opts.pool, cpu=opts.cpus[1])
    try:
        conversations(served, 4, 4, 900_000, "warm-up")
        served.mark()
        before = served.report().rss
        started = time.monotonic()
        wave = 500
        for first in range(0, opts.rss_prospects, wave):
            count = min(wave, opts.rss_prospects - first)
            ids = [served.say(uid, first_message(uid)) for uid in range(first, first + count)]
            served.wait(ids)
        seconds = time.monotonic() - started
        report = served.report()
        return before, report.rss, report.peak, seconds
    finally:
        served.close()


def cold_start(kind: str, work: Path) -> float:
    """Seconds from spawning the bot to the fake's first ``getUpdates``."""
    import signal

    from tests.fakebotapi import FAKE_TOKEN, FakeBotAPI

    fake = FakeBotAPI().start()
    run = work / f"cold-{kind}-{time.monotonic_ns()}"
    run.mkdir()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "BOT_DB_PATH": str(run / "bot.db"),
        "BOT_CONTENT_DIR": str(CODE),
        "PYTHONPATH": str(CODE),
        "BOT_CACHE_DIR": str(work / "cache"),
        "BOT_ADMIN_IDS": "",
    }
    args = (
        [sys.executable, "-m", "bot", "run"]
        if kind == "bot"
        else [sys.executable, __file__, "--serve", "echo", "--limiter"]
    )
    try:
        with open(run / "bot.log", "wb") as log:
            started = time.monotonic()
            proc = subprocess.Popen(
                args, cwd=run, env=env, stdout=log, stderr=log, stdin=subprocess.PIPE
            )
            if not fake.wait_for(lambda f: f.count("getUpdates") > 0, timeout=120):
                raise RuntimeError(f"{kind} never polled; see {run / 'bot.log'}")
            polled = fake.calls_to("getUpdates")[0].at - started
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return polled
    finally:
        fake.stop()


def engine_only_rss(prospects: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--engine-rss-child", str(prospects)],
        capture_output=True,
        text=True,
        check=True,
        cwd=CODE,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the table ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def mib(size: float) -> str:
    return f"{size / 2**20:.0f}"


def table(rows: list[list[str]], head: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def figures(p: Phase) -> dict[str, float]:
    own = p.report.own if p.kind == "bot" else []
    return {
        "turns": p.turns,
        "per_second": p.per_second,
        "messages": p.messages_per_turn,
        "calls": p.calls_per_turn,
        "p50": percentile(p.latencies, 50),
        "p95": percentile(p.latencies, 95),
        "p99": percentile(p.latencies, 99),
        "cpu": p.cpu_per_turn,
        "own50": percentile(own, 50),
        "own99": percentile(own, 99),
        "cpu50": percentile(p.report.own_cpu if p.kind == "bot" else [], 50),
        "cpu99": percentile(p.report.own_cpu if p.kind == "bot" else [], 99),
    }


def phase_rows(phases: list[Phase]) -> list[list[str]]:
    """One row per bot and load: with ``--repeat``, the median of each figure over the runs."""
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    for p in phases:
        runs.setdefault((p.kind, p.load), []).append(figures(p))
    rows = []
    for (kind, load), found in runs.items():
        f = {key: statistics.median(run[key] for run in found) for key in found[0]}
        own = f"{ms(f['own50'])}/{ms(f['own99'])}" if kind == "bot" else "-"
        alone = kind == "bot" and load == "talk, serial"  # nothing else ran meanwhile
        own_cpu = f"{ms(f['cpu50'])}/{ms(f['cpu99'])}" if alone else "-"
        rows.append(
            [
                kind,
                load,
                str(int(f["turns"])),
                f"{f['per_second']:.1f}",
                f"{f['messages']:.2f}",
                f"{f['calls']:.2f}",
                f"{ms(f['p50'])}/{ms(f['p95'])}/{ms(f['p99'])}",
                ms(f["cpu"]),
                own,
                own_cpu,
            ]
        )
    return rows


PHASE_HEAD = [
    "bot",
    "load",
    "turns",
    "turns/s",
    "msgs/turn",
    "calls/turn",
    "latency p50/p95/p99 ms",
    "CPU ms/turn",
    "own p50/p99 ms",
    "own CPU p50/p99 ms",
]


def by_message(phases: list[Phase]) -> str:
    """The bot's own processing by message in the serial conversations (every run pooled)."""
    pooled: dict[str, list[float]] = {}
    for p in phases:
        if p.kind == "bot" and p.load == "talk, serial":
            for message, owns in p.by_message.items():
                pooled.setdefault(message, []).extend(owns)
    if not pooled:
        return ""
    rows = [
        [
            message[:48],
            "",
            str(len(owns)),
            ms(percentile(owns, 50)),
            ms(percentile(owns, 99)),
            ms(max(owns)),
        ]
        for message, owns in pooled.items()
    ]
    head = ["bot's own processing, talk serial", "", "turns", "p50 ms", "p99 ms", "max ms"]
    return "\n" + table(rows, head)


LEGEND = """
turns/s: turns / (last handled - first pushed). latency: update pushed -> handled (every reply
sent). CPU ms/turn: the bot process's CPU seconds, every thread, / turns. own: update received
-> replies handed to the sender, less the Bot API calls awaited (bot only; turns that drew a
chart left out); under load it includes waiting for the loop and the database behind other
turns. own CPU: the process's CPU over the same span (serial only: nothing else runs), which a
busy machine does not inflate as it does wall time."""


def run(opts: Options) -> int:
    with tempfile.TemporaryDirectory(prefix="telegram_load_") as tmp:
        work = Path(tmp)
        phases: list[Phase] = []
        other: list[list[str]] = []
        if "cold" in opts.only:
            cold_start("bot", work)  # warms the classifier cache in BOT_CACHE_DIR, not timed
            times: dict[str, list[float]] = {k: [] for k in KINDS}
            for _ in range(opts.cold_runs):
                for kind in KINDS:  # interleaved: a busy moment hurts both
                    times[kind].append(cold_start(kind, work))
            for kind in KINDS:
                other.append(
                    [
                        kind,
                        "cold start to first getUpdates",
                        f"{statistics.median(times[kind]):.2f} s",
                    ]
                )
        for _ in range(opts.repeat):  # bot and echo in turn: a busy moment hurts both
            for limiter in (True, False):
                if ("limited" if limiter else "unlimited") not in opts.only:
                    continue
                for kind in KINDS:
                    phases.extend(loads(kind, work, opts, limiter))
        if "rss" in opts.only and opts.rss_prospects:
            for kind in KINDS if opts.rss_echo else ("bot",):
                before, after, peak, seconds = rss(kind, work, opts)
                other.append(
                    [
                        kind,
                        f"RSS after {opts.rss_prospects:,} prospects (full stack)",
                        f"{mib(before)} -> {mib(after)} MiB, peak {mib(peak)} MiB "
                        f"({seconds:.0f} s)",
                    ]
                )
        if "rss" in opts.only and opts.engine_rss:
            found = engine_only_rss(opts.engine_rss)
            other.append(
                [
                    "bot",
                    f"RSS after {opts.engine_rss:,} prospects (engine + store only)",
                    f"{mib(found['base'])} -> {mib(found['rss'])} MiB, peak "
                    f"{mib(found['peak'])} MiB ({found['seconds']:.0f} s)",
                ]
            )
        print()
        if phases:
            print(table(phase_rows(phases), PHASE_HEAD))
            print(by_message(phases))
        if other:
            print()
            print(table(other, ["bot", "what", "figure"]))
        print(LEGEND)
    return 0


def profile(opts: Options, keep: Path | None, top: int = 15) -> int:
    """The unlimited loads under cProfile, per bot: the top functions by own time, and own
    time by package; ``keep``: a folder for the ``.prof`` files (pstats, snakeviz)."""
    import pstats

    with tempfile.TemporaryDirectory(prefix="telegram_load_") as tmp:
        work = Path(tmp)
        for kind in KINDS:
            path = (keep or work) / f"{kind}.prof"
            served = Served(
                kind,
                work,
                limiter=False,
                profile=path,
                pool=opts.pool,
                without_sniffio=opts.without_sniffio,
                cpu=opts.cpus[1],
            )
            try:
                conversations(served, 4, 4, 900_000, "warm-up")
                served.mark()
                ids = [
                    served.say(u, first_message(u)) for u in range(100_000, 100_000 + opts.burst)
                ]
                served.wait(ids)
                talk = conversations(served, opts.talks, opts.talkers, 200_000, "talk")
                turns = len(ids) + talk.turns
            finally:
                served.close()
            stats = pstats.Stats(str(path))
            _print_top(kind, stats, turns, top)
    return 0


def _print_top(kind: str, stats: Any, turns: int, top: int) -> None:
    entries = stats.stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    total = sum(v[2] for v in entries.values())
    ranked = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    print(
        f"\n{kind}: {turns} turns, {total:.2f} s profiled on the loop's thread "
        f"({total / turns * 1000:.2f} ms a turn, cProfile-inflated)"
    )
    rows = []
    for (file, line, name), (_, calls, tottime, cumtime, _) in ranked:
        where = f"{_short(file)}:{line}({name})"
        rows.append(
            [
                where[-70:],
                f"{calls / turns:.1f}",
                f"{tottime / turns * 1e6:.0f}",
                f"{tottime / total * 100:.1f}",
                f"{cumtime / turns * 1e6:.0f}",
            ]
        )
    print(table(rows, ["function", "calls/turn", "own µs/turn", "own %", "cum µs/turn"]))
    packages: Counter[str] = Counter()
    for (file, _, _), value in entries.items():
        packages[_package(file)] += value[2]
    print(
        "own time by package: "
        + ", ".join(f"{name} {t / total * 100:.0f}%" for name, t in packages.most_common(10))
    )


def _package(file: str) -> str:
    """``httpcore``, ``bot.growth``, ``asyncio``…: where a profiled function lives."""
    short = _short(file)
    if short == file:
        return "builtins" if file == "~" else "other"
    parts = short.split("/")
    if parts[0] == "bot" and len(parts) > 2:
        return f"bot.{parts[1]}"
    return parts[0].removesuffix(".py")


def _short(file: str) -> str:
    tree = os.environ.get(TREE) or str(ROOT)
    for marker in ("site-packages/", "lib/python3.11/", tree + "/", str(ROOT) + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=300, help="new prospects in the burst")
    parser.add_argument("--talkers", type=int, default=30, help="prospects talking at once")
    parser.add_argument("--talks", type=int, default=60, help="prospects who talk (4 messages)")
    parser.add_argument("--serial", type=int, default=30, help="prospects talking alone")
    parser.add_argument("--rss-prospects", type=int, default=10_000)
    parser.add_argument("--engine-rss", type=int, default=0, help="e.g. 100000 (engine+store)")
    parser.add_argument("--rss-echo", action="store_true", help="the echo bot's RSS too (+40 s)")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run the loads N times: medians (a busy machine)"
    )
    parser.add_argument(
        "--tree", type=Path, help="measure the bot of another source tree (e.g. an older copy)"
    )
    parser.add_argument(
        "--only",
        default="cold,limited,unlimited,rss",
        help="comma-separated: cold, limited, unlimited, rss",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile top 15 instead")
    parser.add_argument("--profile-out", type=Path, help="keep the .prof files in this folder")
    parser.add_argument("--pool", type=int, help="override the bot's connection pool size")
    parser.add_argument("--without-sniffio", action="store_true")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the bots to a core")
    # the bot process's own options
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--limiter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine-rss-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tree is not None:  # the bot processes read it (``CODE``)
        os.environ[TREE] = str(args.tree.resolve())
    if args.cpu is not None:  # a bot process: on its own core, every thread it starts too
        os.sched_setaffinity(0, {args.cpu})
    if args.without_sniffio and args.serve:
        _hide_sniffio()
    if args.serve:
        return serve(args.serve, args.limiter, args.profile_to, args.pool)
    if args.engine_rss_child:
        return engine_rss(args.engine_rss_child)
    cpus = sorted(os.sched_getaffinity(0))
    pinned = not args.no_pin and len(cpus) >= 2
    if pinned:
        os.sched_setaffinity(0, {cpus[0]})  # the driver and the fake server
    opts = Options(
        burst=args.burst,
        talkers=args.talkers,
        talks=args.talks,
        serial=args.serial,
        rss_prospects=args.rss_prospects,
        engine_rss=args.engine_rss,
        rss_echo=args.rss_echo,
        cold_runs=args.cold_runs,
        repeat=args.repeat,
        only=set(args.only.split(",")),
        pool=args.pool,
        without_sniffio=args.without_sniffio,
        cpus=(cpus[0], cpus[1]) if pinned else (None, None),
    )
    return profile(opts, args.profile_out) if args.profile else run(opts)


if __name__ == "__main__":
    sys.exit(main())
