"""Soak run of issue 12 ("Leads never lost"): many prospects, Telegram misbehaving, a locked
database and a ``kill -9``; afterwards nothing lost, nothing twice.

Run: .venv/bin/python benchmarks/soak_leads.py [--prospects 200 --messages 10 --seed 1]

What runs, all on 127.0.0.1:

- the fake Bot API (``tests/fakebotapi.py``) in this process;
- the bot as a real subprocess, ``python -m bot run`` (long polling), configured from the
  environment as in production: ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL`` (the fake),
  ``BOT_DB_PATH`` (a fresh file in a temporary folder), ``BOT_CONTENT_DIR`` (this repository)
  and ``BOT_ADMIN_IDS``: two admins, the first reachable all along, the second answering
  400 "chat not found" (never pressed Start) until half the notes for the agency expected
  (leads, requests for a person) reached the first: the first half of the notes;
- N prospects (``--prospects``) writing M messages each (``--messages``), half with an Italian
  phone, half English. Each has a script: ``/start``, questions (typed, or a menu button
  pressed), contact details with consent (name and email typed in one message, "✍️ finish",
  the business, the platform, "yes") and a request for a person ("message me here"); which
  parts a prospect does depends on its index and on M (see ``script``). Buttons are pressed
  by reading the keyboard the fake recorded for that chat (still on screen: not edited away);
  a button that is not there is typed instead, as a person would. Like a person, a prospect
  writes again only once the bot's whole answer is there, or after ``--timeout`` seconds. The
  whole answer: as many messages after theirs as the replies of the update's turn, which the
  bot logs (``turn user=tg:… update=… replies=N``, once the turn is saved, before sending);
  under load one answer's messages arrive seconds apart (Telegram's 30 calls/s for the whole
  bot, which PTB's rate limiter keeps), so "the first message, then a quiet moment" would let
  the prospect answer the first message of three and the answers drift behind the questions.

Faults: ``fake.chaos(0.05, kinds=("429", "500", "502", "drop"))`` on every send/edit/answer
call (429 with ``retry_after=1``), the second admin unreachable for the first half of the notes
for the agency, a write lock
held for ``--lock`` seconds (default 5) on the SQLite file by another process when 40% of the
updates are pushed, and one ``kill -9`` of the bot at a random moment (seeded: between 20% and
80% of the updates), followed at once by a restart of the same command on the same database.

At the end the run waits for the outbox to drain (the bot's retry timer waits 30 s, then 60 s,
…: ``--drain`` seconds at most), stops the bot with SIGTERM and checks, from the database and
the fake's records:

- **answered**: the messages Telegram accepted (``sendMessage``/``sendPhoto``/…) for a chat
  between one of its updates and the prospect's next are that update's answer; an update with
  none is *unanswered* (only possible when the prospect's wait ran out), and the bot's log then
  says whether its turn ever ran. The bot's own view is checked too: the transcript's incoming
  lines per chat against the updates pushed (fewer: a message lost; more: kept twice).
- **answered in part**: an answer with fewer distinct messages than its turn made replies
  (the bot's log): a reply lost, a kill -9 in the middle of an answer, say;
- **answered twice**: the same message (same method and parameters) accepted twice within
  one update's answer, or as the first message of the next update's answer when that answer
  holds more messages than its turn made replies (a resend lands before the next turn's own
  replies: one chat's turns run in order; the bot saying the same thing again in its next
  turn, which it does, is not a resend). Also counted: a turn the bot's log shows run twice
  for one update (not flagged "duplicate");
- **leads**: one ``contact`` lead per prospect whose script gave details with consent, one
  ``human`` lead per request for a person, never two rows for one prospect and kind;
- **notes to the agency**: each lead note (button ``lead:done:<lead id>``) and each request
  for a person (button ``ho:done:tg:<user>``) accepted exactly once in the reachable admin's
  chat; every outbox row sent; ``fake.duplicates()`` empty.

The figures table follows; the exit code is 1 when a check fails (the run's folder, with the
bot's logs, its database, ``pushed.jsonl`` and ``calls.jsonl``, is kept and named then), 0
otherwise. ``tests/test_soak.py`` runs a
small version of the same (``run(SoakConfig(...))``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the fake lives in tests/
    sys.path.insert(0, str(ROOT))

from tests.fakebotapi import SEND_METHODS, Call, FakeBotAPI  # noqa: E402
from tests.sqlite_lock import hold_write_lock  # noqa: E402

ADMIN, LATE_ADMIN = 990_001, 990_002  # reachable all along; unreachable for the first half
FIRST_PROSPECT = 71_000_000
LEAD_NOTE_PREFIX, REQUEST_PREFIX = "lead:done:", "ho:done:tg:"  # the admins' buttons
TURN_LINE = re.compile(r"turn user=tg:(\d+) update=(\d+) .*?replies=(\d+)(.*)$")


@dataclass(frozen=True)
class SoakConfig:
    prospects: int = 200
    messages: int = 10
    seed: int = 1
    chaos: float = 0.05  # share of send/edit/answer calls failing at random
    chaos_kinds: tuple[str, ...] = ("429", "500", "502", "drop")  # FakeBotAPI.chaos's kinds
    late_admin: bool = True  # the second admin unreachable until half the notes reached the first
    lock_seconds: float = 5.0  # the other process's write lock, at 40% of the updates
    kill: bool = True  # one kill -9 and restart, between 20% and 80% of the updates
    answer_timeout: float = 90.0  # a prospect waits this long for an answer, then writes on
    quiet: float = 0.3  # after the whole answer, the chat silent this long (edits done)
    think: tuple[float, float] = (0.2, 1.0)  # seconds a prospect takes to write again
    ramp: float = 10.0  # prospects arrive over this many seconds
    drain_timeout: float = 240.0  # the outbox must be empty by then (retries wait 30 s, 60 s…)
    workdir: Path | None = None  # default: a fresh temporary folder, named after ``name``
    name: str = "soak-leads"
    keep: bool = False  # keep the folder even when every check passes


# -- the prospects' scripts ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    text: str  # what is typed; also typed when ``press`` finds no button
    press: tuple[str, ...] = ()  # press the button whose label contains one of these


@dataclass
class Plan:
    uid: int
    lang: str
    first_name: str
    steps: list[Step]
    lead: bool  # gives details with consent: a ``contact`` lead and a lead note expected
    human: bool  # asks for a person: a ``human`` lead and a request to the admin expected


NAMES = {
    "en": ["Sarah Jones", "Tom Reed", "Emma Clarke", "James Hall", "Olivia Bennett", "Harry Wood"],
    "it": [
        "Marco Bianchi",
        "Giulia Rossi",
        "Salvatore Greco",
        "Francesca Lombardo",
        "Giuseppe Russo",
        "Chiara Ferrara",
    ],
}
BUSINESSES = {
    "en": ["A bakery in Bath", "Plumbing in Leeds", "Yoga studio in Brighton", "Vintage shop"],
    "it": ["Pizzeria a Palermo", "B&B a Cefalù", "Parrucchiere a Catania", "Enoteca a Marsala"],
}
PLATFORMS = ["Instagram", "Facebook", "TikTok", "LinkedIn"]
# questions with distinct answers (two in a row never get the same message: see "answered twice")
FILLERS: dict[str, list[tuple[str, Step]]] = {
    "en": [
        ("cost", Step("how much does it cost?", ("What does it cost",))),
        ("rules", Step("tell me about the rules of the game", ("rules of the game",))),
        ("where", Step("where are you based?")),
        ("how", Step("how does it work?")),
        ("help", Step("/help")),
        ("privacy", Step("/privacy")),
        ("mistakes", Step("the three classic mistakes", ("three classic mistakes",))),
        ("menu", Step("/menu")),
    ],
    "it": [
        ("cost", Step("quanto costa?", ("Quanto costa",))),
        ("rules", Step("le regole del gioco", ("regole del gioco",))),
        ("where", Step("dove siete?")),
        ("how", Step("come funziona?")),
        ("help", Step("/help")),
        ("privacy", Step("/privacy")),
        ("mistakes", Step("i tre errori più comuni", ("tre errori",))),
        ("menu", Step("/menu")),
    ],
}


def lead_steps(lang: str, name: str, business: str, platform: str, typed: bool) -> list[Step]:
    """Details with consent, from wherever the prospect is: 5 messages."""
    email = name.split()[0].lower() + "@example." + ("it" if lang == "it" else "com")
    if lang == "it":
        return [
            Step(f"ciao, sono {name}, scrivetemi a {email}"),
            Step("sì", ("Completiamo",)),
            Step(business),
            Step(platform.lower(), () if typed else (platform,)),
            Step("sì, va bene", () if typed else ("Sì",)),
        ]
    return [
        Step(f"hi, I'm {name}, you can email me at {email}"),
        Step("sure", ("Let's finish",)),
        Step(business),
        Step(platform.lower(), () if typed else (platform,)),
        Step("yes please", () if typed else ("Yes",)),
    ]


def human_steps(lang: str, variant: int) -> list[Step]:
    """A request for a person, answered "message me here": 2 messages."""
    if lang == "it":
        ask = ("vorrei parlare con una persona", "posso parlare con qualcuno del team?")[variant]
        return [Step(ask), Step("scrivetemi qui su telegram", ("Scrivetemi qui su Telegram",))]
    ask = ("can I talk to a person?", "I'd like to speak to someone from the team")[variant]
    return [Step(ask), Step("message me here on Telegram", ("Message me on Telegram",))]


def script(index: int, messages: int, rng: random.Random) -> Plan:
    """Prospect ``index``'s ``messages`` messages: ``/start``, then by ``index % 3`` details and
    a person (0), details only (1) or a person only (2), questions filling the rest (before
    them). Parts that do not fit are left out (details before a person)."""
    lang = "it" if index % 2 else "en"
    name = NAMES[lang][index % len(NAMES[lang])]
    kind = index % 3
    wants_lead, wants_human = kind in (0, 1), kind in (0, 2)
    room = messages - 1
    lead = wants_lead and room >= 5
    room -= 5 if lead else 0
    human = wants_human and room >= 2
    room -= 2 if human else 0
    fillers: list[Step] = []
    previous = "start"
    pool = FILLERS[lang]
    for _ in range(room):
        choices = [
            (key, step)
            for key, step in pool
            if key != previous and not (key == "menu" and previous == "start")
        ]
        previous, step = rng.choice(choices)
        fillers.append(step)
    steps = [Step("/start"), *fillers]
    if lead:
        business = BUSINESSES[lang][index % len(BUSINESSES[lang])]
        platform = PLATFORMS[index % len(PLATFORMS)]
        steps += lead_steps(lang, name, business, platform, typed=index // 2 % 2 == 1)
    if human:
        steps += human_steps(lang, index // 2 % 2)
    uid = FIRST_PROSPECT + index
    return Plan(uid, lang, name.split()[0], steps[:messages], lead, human)


# -- the bot process -------------------------------------------------------------------------


class BotProcess:
    """``python -m bot run`` against the fake, restartable on the same database."""

    def __init__(self, fake: FakeBotAPI, workdir: Path) -> None:
        self.workdir = workdir
        self.db = workdir / "bot.db"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_", "WEBHOOK_", "TELEGRAM_"))
        }
        self.env.update(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=fake.base_url,
            BOT_DB_PATH=str(self.db),
            BOT_CONTENT_DIR=str(ROOT),
            BOT_ADMIN_IDS=f"{ADMIN},{LATE_ADMIN}",
            PYTHONPATH=str(ROOT),
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.logs: list[Path] = []
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        log_path = self.workdir / f"bot-{len(self.logs) + 1}.log"
        self.logs.append(log_path)
        self._log = log_path.open("wb")
        # cwd: the run's folder, so no .env of the developer's is read
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._close_log()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (the bot finishes what it fetched); SIGKILL if it is still there after
        ``timeout`` seconds. Its exit code (-9: it did not stop by itself)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._close_log()
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# -- what the prospects see ------------------------------------------------------------------


class Watch:
    """What the prospects can see, refreshed as it comes: the fake's calls indexed by chat
    (the accepted messages, the time of the last call addressed to each chat) and, from the
    bot's log, how many replies each update's turn made (``turn user=… update=… replies=N``,
    logged once the turn is saved and before its replies go out)."""

    def __init__(self, fake: FakeBotAPI, logs: list[Path]) -> None:
        self.fake = fake
        self.logs = logs  # the bot's log files, one per start (the list grows at a restart)
        self.seen = 0
        self.sends: dict[int, list[Call]] = defaultdict(list)
        self.activity: dict[int, float] = {}
        self.replies: dict[int, int] = {}  # update id -> replies of its (first) turn
        self._read: dict[Path, int] = {}  # log file -> bytes parsed

    def refresh(self) -> None:
        new = self.fake.calls[self.seen :]  # appended only: a slice is a consistent snapshot
        self.seen += len(new)
        for call in new:
            chat = call.chat_id
            if chat is None:
                continue
            self.activity[chat] = max(self.activity.get(chat, 0.0), call.at)
            if call.method in SEND_METHODS and call.status == 200:
                self.sends[chat].append(call)
        for path in list(self.logs):
            self._follow(path)

    def _follow(self, path: Path) -> None:
        done = self._read.get(path, 0)
        try:
            with path.open("rb") as log:
                log.seek(done)
                chunk = log.read()
        except FileNotFoundError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits
        self._read[path] = done + len(complete)
        for line in complete.decode(errors="replace").splitlines():
            match = TURN_LINE.search(line)
            if match and "duplicate" not in match.group(4):
                self.replies.setdefault(int(match.group(2)), int(match.group(3)))

    async def run(self) -> None:
        while True:
            self.refresh()
            await asyncio.sleep(0.02)

    def after(self, chat: int, since: float) -> list[Call]:
        """The messages ``chat`` received after ``since``."""
        sends = self.sends.get(chat, [])
        i = len(sends)
        while i and sends[i - 1].at > since:
            i -= 1
        return sends[i:]

    def notes_to(self, admin: int) -> int:
        """Lead notes and requests for a person (their buttons) ``admin`` received."""
        return sum(
            1
            for call in self.sends.get(admin, ())
            if any(
                str(b.get("callback_data", "")).startswith((LEAD_NOTE_PREFIX, REQUEST_PREFIX))
                for b in call.buttons
            )
        )

    def keyboard_after(self, chat: int, since: float) -> Call | None:
        """The last message with buttons sent to ``chat`` after ``since`` whose buttons are
        still on screen (the bot takes a step's keyboard away when the next step comes)."""
        for call in reversed(self.after(chat, since)):
            shown = self.fake.messages.get((chat, call.message_id or 0)) or {}
            if call.buttons and shown.get("reply_markup"):
                return call
        return None


@dataclass
class Pushed:
    uid: int
    update_id: int
    at: float
    step: Step
    pressed: bool
    label: str = ""  # the label of the button pressed
    answered_at: float | None = None  # the first message after it
    complete_at: float | None = None  # the last message of its turn's answer


@dataclass
class Run:
    config: SoakConfig
    fake: FakeBotAPI
    bot: BotProcess
    watch: Watch
    pushed: list[Pushed] = field(default_factory=list)
    typed_instead: list[str] = field(default_factory=list)  # no such button on screen: typed
    timeouts: int = 0
    killed_with: int = 0  # updates awaiting an answer when the bot was killed (every kill)
    kills: list[float] = field(default_factory=list)  # when the bot was killed (monotonic)
    events: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, what: str) -> None:
        self.events.append(f"{time.monotonic() - self.started:7.1f}s  {what}")


async def prospect(run: Run, plan: Plan, rng: random.Random) -> None:
    cfg, fake, watch = run.config, run.fake, run.watch
    await asyncio.sleep(rng.uniform(0, cfg.ramp))
    since = 0.0  # the previous update's push: its answer is what the prospect sees
    for k, step in enumerate(plan.steps):
        if k:
            await asyncio.sleep(rng.uniform(*cfg.think))
        button = None
        keyboard = watch.keyboard_after(plan.uid, since) if step.press else None
        if keyboard is not None:
            button = next(
                (
                    b
                    for b in keyboard.buttons
                    if any(w.lower() in str(b.get("text", "")).lower() for w in step.press)
                    and "callback_data" in b
                ),
                None,
            )
        if step.press and button is None:
            run.typed_instead.append(f"tg:{plan.uid} «{step.text}»")
        at = time.monotonic()
        if button is not None and keyboard is not None:
            update_id = fake.press(
                plan.uid, button["callback_data"], keyboard.message_id, language_code=plan.lang
            )
        else:
            update_id = fake.message(
                plan.uid, step.text, language_code=plan.lang, first_name=plan.first_name
            )
        label = str(button.get("text", "")) if button is not None else ""
        record = Pushed(plan.uid, update_id, at, step, button is not None, label)
        run.pushed.append(record)
        since = at
        # like a person, the next message only once the whole answer is there: as many
        # messages as the turn's replies (the bot's log), or the wait runs out
        deadline = at + cfg.answer_timeout
        while True:
            got = watch.after(plan.uid, at)
            if got and record.answered_at is None:
                record.answered_at = got[0].at
            expected = watch.replies.get(update_id)
            # distinct messages: a resend of the previous answer does not count as this one's
            if expected is not None and len({key_of(c) for c in got}) >= max(expected, 1):
                record.complete_at = got[-1].at
                break
            if time.monotonic() > deadline:
                run.timeouts += 1
                break
            await asyncio.sleep(0.05)
        quiet_until = time.monotonic() + 5  # and the chat quiet a moment (a keyboard edited)
        while record.complete_at is not None and time.monotonic() < quiet_until:
            silent = time.monotonic() - watch.activity.get(plan.uid, 0.0)
            if silent >= cfg.quiet:
                break
            await asyncio.sleep(cfg.quiet - silent)


async def faults(run: Run, total: int, notes: int, rng: random.Random) -> None:
    """The lock at 40% of the updates, the kill at a random point between 20% and 80%, the
    second admin reachable once half the ``notes`` expected reached the first (notes come late
    in a conversation: half the updates would be too early for any), or when all is pushed."""
    cfg, fake, bot, watch = run.config, run.fake, run.bot, run.watch
    kill_at = int(total * rng.uniform(0.2, 0.8)) if cfg.kill else None
    lock_at = int(total * 0.4) if cfg.lock_seconds > 0 else None
    reachable_at: int | None = notes // 2
    released: asyncio.Future[int] | None = None
    loop = asyncio.get_running_loop()
    while any(x is not None for x in (kill_at, lock_at, reachable_at)):
        done = len(run.pushed)
        if lock_at is not None and done >= lock_at:
            lock_at = None
            run.note(f"write lock taken by another process for {cfg.lock_seconds:g} s")
            lock = await loop.run_in_executor(None, hold_write_lock, bot.db, cfg.lock_seconds)
            released = loop.run_in_executor(None, lock.wait)
            released.add_done_callback(lambda _: run.note("write lock released"))
        delivered = watch.notes_to(ADMIN)
        if reachable_at is not None and (delivered >= reachable_at or done >= total):
            reachable_at = None
            fake.reachable(LATE_ADMIN)
            run.note(
                f"admin {LATE_ADMIN} reachable (pressed Start), {delivered} notes of "
                f"{notes} delivered to {ADMIN}"
            )
        if kill_at is not None and done >= kill_at:
            kill_at = None
            kill_and_restart(run, total)
        await asyncio.sleep(0.05)
    if released is not None:
        await released


def kill_and_restart(run: Run, total: int) -> None:
    """``kill -9`` of the bot, noted with what was in flight, and a restart at once of the same
    command on the same database."""
    bot, fake = run.bot, run.fake
    waiting = sum(1 for p in run.pushed if p.complete_at is None)
    run.note(
        f"kill -9 of the bot (pid {bot.proc.pid if bot.proc else '?'}) at update "
        f"{len(run.pushed)} of {total}: {waiting} pushed and not yet wholly answered, "
        f"{fake.pending} not yet confirmed to Telegram"
    )
    run.killed_with += waiting
    run.kills.append(time.monotonic())
    bot.kill()
    bot.start()
    run.note("bot restarted on the same database")


Injector = Callable[[Run, int, int, random.Random], Coroutine[Any, Any, None]]
"""The faults of a run: (the run, updates to push, notes for the agency expected, its own
random source); returns once its last fault is over."""


async def drive(
    run: Run, plans: list[Plan], rng: random.Random, injector: Injector = faults
) -> None:
    watcher = asyncio.create_task(run.watch.run())
    total = sum(len(p.steps) for p in plans)
    try:
        rngs = [random.Random(rng.random()) for _ in plans]
        notes = sum(p.lead + p.human for p in plans)
        injecting = asyncio.create_task(injector(run, total, notes, random.Random(rng.random())))
        await asyncio.gather(*(prospect(run, p, r) for p, r in zip(plans, rngs, strict=True)))
        run.note("every prospect done")
        await injecting
    finally:
        watcher.cancel()


def wait_for_outbox(db: Path, timeout: float) -> int:
    """Poll the database until no outbox row is pending; the pending count at the end."""
    deadline = time.monotonic() + timeout
    pending = -1
    while True:
        try:
            with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
                pending = conn.execute("select count(*) from outbox where sent = 0").fetchone()[0]
        except sqlite3.OperationalError:
            pending = -1
        if pending == 0 or time.monotonic() > deadline:
            return pending
        time.sleep(0.5)


# -- afterwards --------------------------------------------------------------------------------


@dataclass
class Report:
    figures: list[tuple[str, str]]
    failures: list[str]
    details: list[str]
    workdir: Path
    title: str = "Soak run (issue 12)"

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        width = max(len(k) for k, _ in self.figures)
        lines = ["", f"{self.title}: figures", ""]
        lines += [f"  {k.ljust(width)}  {v}" for k, v in self.figures]
        lines += ["", "Checks: " + ("all passed" if self.ok else f"{len(self.failures)} FAILED")]
        lines += [f"  ✗ {f}" for f in self.failures]
        if self.details:
            lines += ["", "Details:"] + [f"  {d}" for d in self.details]
        return "\n".join(lines)


def key_of(call: Call) -> str:
    return call.method + repr(sorted((k, repr(v)) for k, v in call.params.items()))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def turns_logged(logs: list[Path]) -> dict[int, list[tuple[int, bool, int]]]:
    """update id -> [(process number, duplicate, replies)] from the bot's ``turn`` log lines."""
    turns: dict[int, list[tuple[int, bool, int]]] = defaultdict(list)
    for n, path in enumerate(logs, 1):
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            match = TURN_LINE.search(line)
            if match:
                turns[int(match.group(2))].append(
                    (n, "duplicate" in match.group(4), int(match.group(3)))
                )
    return turns


def replies_of(turns: dict[int, list[tuple[int, bool, int]]], update_id: int) -> int | None:
    """The replies the update's turn made (its first run, not a redelivery), if logged."""
    return next((r for _, dup, r in turns.get(update_id, []) if not dup), None)


def accepted_sends(calls: list[Call]) -> dict[int, list[Call]]:
    """chat -> the sends (``SEND_METHODS``) Telegram accepted for it, in order."""
    sends_by_chat: dict[int, list[Call]] = defaultdict(list)
    for call in calls:
        if call.method in SEND_METHODS and call.status == 200 and call.chat_id is not None:
            sends_by_chat[call.chat_id].append(call)
    return sends_by_chat


def answer_windows(
    pushed: list[Pushed], sends_by_chat: dict[int, list[Call]]
) -> dict[int, tuple[list[Pushed], list[list[Call]]]]:
    """chat -> (its updates in the order pushed, each one's answer): the messages Telegram
    accepted for the chat between the update and the chat's next update."""
    by_chat: dict[int, list[Pushed]] = defaultdict(list)
    for p in sorted(pushed, key=lambda p: p.at):
        by_chat[p.uid].append(p)
    out: dict[int, tuple[list[Pushed], list[list[Call]]]] = {}
    for uid, updates in by_chat.items():
        sends = sends_by_chat.get(uid, [])
        windows: list[list[Call]] = []
        for i, p in enumerate(updates):
            end = updates[i + 1].at if i + 1 < len(updates) else float("inf")
            windows.append([c for c in sends if p.at < c.at < end])
        out[uid] = (updates, windows)
    return out


def analyse(
    run: Run, plans: list[Plan], wall: float, pending: int, exit_code: int | None
) -> Report:
    fake, cfg = run.fake, run.config
    failures: list[str] = []
    details: list[str] = []
    calls = list(fake.calls)
    sends_by_chat = accepted_sends(calls)

    # answered, unanswered, answered twice -----------------------------------------------------
    turns = turns_logged(run.bot.logs)
    unanswered: list[Pushed] = []
    partly: list[tuple[Pushed, int, int]] = []  # (update, messages received, replies made)
    twice: list[tuple[Pushed, str, float, float]] = []  # (update, text, first at, again at)
    latencies: list[float] = []
    for updates, windows in answer_windows(run.pushed, sends_by_chat).values():
        for i, (p, window) in enumerate(zip(updates, windows, strict=True)):
            if not window:
                unanswered.append(p)
                continue
            latencies.append(window[0].at - p.at)
            keys = [key_of(c) for c in window]
            made_here = replies_of(turns, p.update_id)
            if made_here is not None and len(set(keys)) < made_here:
                partly.append((p, len(set(keys)), made_here))
            again = [c for c, k in zip(window, keys, strict=True) if keys.count(k) > 1]
            # sent again after the prospect moved on: a resend comes before the next turn's own
            # answer (one chat's turns run in order), and makes that answer longer than the
            # replies its turn made; the bot saying the same thing again is not one
            after = windows[i + 1] if i + 1 < len(windows) else []
            made = replies_of(turns, updates[i + 1].update_id) if after else None
            if after and key_of(after[0]) in keys and (made is None or len(after) > made):
                again.append(after[0])
            if again:
                near = window + (windows[i + 1] if i + 1 < len(windows) else [])
                copies = [c for c in near if key_of(c) == key_of(again[0])]
                first, second = copies[0], copies[1]
                twice.append((p, first.text[:60], first.at - run.started, second.at - run.started))
    engine_twice = {
        u: runs for u, runs in turns.items() if sum(1 for _, dup, _ in runs if not dup) > 1
    }

    # the database ----------------------------------------------------------------------------
    conn = sqlite3.connect(run.bot.db, timeout=30)
    conn.row_factory = sqlite3.Row
    integrity = conn.execute("pragma integrity_check").fetchone()[0]
    leads = list(conn.execute("select id, user_id, kind from leads order by id"))
    outbox = list(conn.execute("select id, user_id, kind, sent, attempts from outbox"))
    ins = Counter(
        r["user_id"] for r in conn.execute("select user_id from transcript where direction = 'in'")
    )
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    inbox_left = (
        conn.execute("select count(*) from inbox").fetchone()[0] if "inbox" in tables else None
    )
    conn.close()
    pushed_per_chat = Counter(p.uid for p in run.pushed)
    transcript_twice = [uid for uid, n in pushed_per_chat.items() if ins.get(f"tg:{uid}", 0) > n]
    transcript_short = {
        uid: (n, ins.get(f"tg:{uid}", 0))
        for uid, n in pushed_per_chat.items()
        if ins.get(f"tg:{uid}", 0) < n
    }

    lead_rows = Counter((r["user_id"], r["kind"]) for r in leads)
    doubled_leads = {k: n for k, n in lead_rows.items() if n > 1}
    missing_leads: list[str] = []
    for plan in plans:
        user = f"tg:{plan.uid}"
        if plan.lead and not lead_rows.get((user, "contact")):
            missing_leads.append(f"{user} contact")
        if plan.human and not lead_rows.get((user, "human")):
            missing_leads.append(f"{user} human")

    # what the admins received ------------------------------------------------------------------
    when: dict[str, list[float]] = defaultdict(list)  # button -> times sent to ADMIN

    def buttons_to(admin: int) -> Counter[str]:
        got: Counter[str] = Counter()
        for call in sends_by_chat.get(admin, []):
            for b in call.buttons:
                data = str(b.get("callback_data", ""))
                if data.startswith((LEAD_NOTE_PREFIX, REQUEST_PREFIX)):
                    got[data] += 1
                    if admin == ADMIN:
                        when[data].append(call.at - run.started)
        return got

    to_admin, to_late = buttons_to(ADMIN), buttons_to(LATE_ADMIN)
    refused_late = sum(
        1 for c in calls if c.chat_id == LATE_ADMIN and c.fault == "unreachable" and c.buttons
    )
    notes_expected = [f"{LEAD_NOTE_PREFIX}{r['id']}" for r in leads if r["kind"] == "contact"]
    requests_expected = sorted(
        {f"{REQUEST_PREFIX}{r['user_id'][3:]}" for r in leads if r["kind"] == "human"}
    )
    notes_once = sum(1 for k in notes_expected if to_admin[k] == 1)
    notes_missing = [k for k in notes_expected if to_admin[k] == 0]
    notes_twice = [k for k in notes_expected if to_admin[k] > 1]
    requests_once = sum(1 for k in requests_expected if to_admin[k] == 1)
    requests_missing = [k for k in requests_expected if to_admin[k] == 0]
    requests_twice = [k for k in requests_expected if to_admin[k] > 1]
    unsent = [r for r in outbox if r["sent"] != 1]
    duplicates = fake.duplicates()

    # faults ------------------------------------------------------------------------------------
    injected: Counter[str] = Counter()
    for call in calls:
        if call.fault == "chaos":
            injected["chaos " + ("drop" if call.status == 0 else str(call.status))] += 1
        elif call.fault:
            injected[f"{call.fault} ({call.status})"] += 1
    delivered = fake.delivered
    redelivered = len(delivered) - len(set(delivered))

    # checks ------------------------------------------------------------------------------------
    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    check(not unanswered, f"{len(unanswered)} update(s) unanswered")
    check(not partly, f"{len(partly)} update(s) answered in part (replies missing)")
    check(not twice, f"{len(twice)} update(s) answered twice")
    check(not engine_twice, f"{len(engine_twice)} update(s) whose turn ran twice (bot log)")
    check(not transcript_twice, f"{len(transcript_twice)} chat(s) with a message kept twice")
    check(not transcript_short, f"{len(transcript_short)} chat(s) with a message not kept")
    check(not doubled_leads, f"{len(doubled_leads)} lead(s) stored twice")
    check(not missing_leads, f"{len(missing_leads)} expected lead(s) missing")
    check(not notes_missing, f"{len(notes_missing)} lead note(s) never reached admin {ADMIN}")
    check(not notes_twice, f"{len(notes_twice)} lead note(s) reached admin {ADMIN} twice")
    check(not requests_missing, f"{len(requests_missing)} request(s) never reached {ADMIN}")
    check(not requests_twice, f"{len(requests_twice)} request(s) reached admin {ADMIN} twice")
    check(not unsent and pending == 0, f"{len(unsent)} outbox row(s) not sent")
    check(not duplicates, f"{len(duplicates)} message(s) sent twice in a row (fake.duplicates)")
    check(integrity == "ok", f"database integrity: {integrity}")
    check(
        exit_code == 0,
        f"the bot did not stop cleanly on SIGTERM (exit code {exit_code}; -9: still running "
        "30 s later)",
    )

    # details for a failed check ------------------------------------------------------------
    for p in unanswered[:40]:
        runs = turns.get(p.update_id, [])
        if not runs:
            why = "no turn in the bot's log (the update never reached the engine)"
        else:
            why = "turns logged: " + ", ".join(
                f"process {n}{' duplicate' if dup else ''} replies={r}" for n, dup, r in runs
            )
        details.append(f"unanswered update {p.update_id} tg:{p.uid} «{p.step.text}»: {why}")
    for p, got, made in partly[:20]:
        details.append(
            f"answered in part: update {p.update_id} tg:{p.uid} «{p.step.text}»: {got} of "
            f"{made} replies"
        )
    for p, text, first_at, again_at in twice[:40]:
        details.append(
            f"answered twice: update {p.update_id} tg:{p.uid} (pushed at "
            f"{p.at - run.started:.1f}s): «{text}» sent at {first_at:.1f}s and {again_at:.1f}s"
        )
    for update_id, runs in list(engine_twice.items())[:20]:
        details.append(f"turn ran twice: update {update_id}: {runs}")
    for uid, (n, kept) in list(transcript_short.items())[:20]:
        details.append(f"tg:{uid}: {n} updates pushed, {kept} kept in the transcript")
    details += [f"lead stored twice: {k}" for k in list(doubled_leads)[:20]]
    details += [f"lead missing: {k}" for k in missing_leads[:20]]
    details += [f"not delivered: {k}" for k in (notes_missing + requests_missing)[:20]]
    details += [
        f"delivered twice to {ADMIN}: {k} at " + ", ".join(f"{t:.1f}s" for t in when[k])
        for k in (notes_twice + requests_twice)[:20]
    ]
    details += [
        f"outbox row {r['id']} {r['kind']} {r['user_id']}: sent={r['sent']} "
        f"attempts={r['attempts']}"
        for r in unsent[:20]
    ]
    details += [f"fake.duplicates: chat {c} «{t[:60]}»" for c, t in duplicates[:20]]

    kills = [k - run.started for k in run.kills]
    across = sum(1 for _, _, a, b in twice if any(a < k < b for k in kills))
    answered = len(run.pushed) - len(unanswered)
    whole = [p.complete_at - p.at for p in run.pushed if p.complete_at is not None]
    contact = sum(1 for r in leads if r["kind"] == "contact")
    human = sum(1 for r in leads if r["kind"] == "human")
    figures = [
        (
            "prospects",
            f"{len(plans)} ({sum(p.lang == 'it' for p in plans)} it, "
            f"{sum(p.lang == 'en' for p in plans)} en)",
        ),
        ("messages per prospect", str(cfg.messages)),
        (
            "updates pushed",
            f"{len(run.pushed)} ({sum(p.pressed for p in run.pushed)} presses; "
            f"{len(run.typed_instead)} presses typed, button not on screen)",
        ),
        ("answered", f"{answered} ({len(partly)} only in part: replies missing)"),
        (
            "answered twice",
            f"{len(twice)} ({across} first sent by the killed process, again after the "
            f"restart; turn run twice per the bot's log: {len(engine_twice)})",
        ),
        (
            "unanswered",
            f"{len(unanswered)} (a prospect's wait for a whole answer ran out: {run.timeouts})",
        ),
        (
            "transcript lines in, short/extra",
            f"{sum(ins.values())} ({len(transcript_short)} chats short, "
            f"{len(transcript_twice)} with extra)",
        ),
        ("updates handed over again", str(redelivered)),
        (
            "leads",
            f"{len(leads)}: {contact} contact, {human} human "
            f"(expected {sum(p.lead for p in plans)} + {sum(p.human for p in plans)}; "
            f"stored twice {len(doubled_leads)}, missing {len(missing_leads)})",
        ),
        (
            "lead notes to admin",
            f"{notes_once} once, {len(notes_twice)} twice, "
            f"{len(notes_missing)} never (of {len(notes_expected)})",
        ),
        (
            "requests for a person to admin",
            f"{requests_once} once, {len(requests_twice)} twice, "
            f"{len(requests_missing)} never (of {len(requests_expected)})",
        ),
        (
            "notes to the late admin",
            f"{refused_late} refused (chat not found), {sum(to_late.values())} received",
        ),
        (
            "outbox rows",
            f"{len(outbox)}, {len(unsent)} not sent, "
            f"{sum(1 for r in outbox if r['attempts'])} needed a retry",
        ),
        ("inbox rows left", "no inbox table" if inbox_left is None else str(inbox_left)),
        ("fake.duplicates()", str(len(duplicates))),
        ("faults injected", ", ".join(f"{k}: {n}" for k, n in sorted(injected.items())) or "none"),
        (
            "other faults",
            f"db write lock {cfg.lock_seconds:g} s × "
            f"{1 if cfg.lock_seconds > 0 else 0}, kill -9 × {len(kills)}"
            + (f" ({run.killed_with} updates awaiting an answer)" if kills else ""),
        ),
        ("Bot API calls", str(len(calls))),
        ("wall time", f"{wall:.1f} s"),
        (
            "answer latency, first message",
            f"p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
            f"max {max(latencies, default=0):.2f} s",
        ),
        (
            "answer latency, whole answer",
            f"p50 {percentile(whole, 0.5):.2f} s, p95 {percentile(whole, 0.95):.2f} s, "
            f"max {max(whole, default=0):.2f} s",
        ),
    ]
    details = run.events + details
    details += [f"typed, the button was not on screen: {t}" for t in run.typed_instead[:10]]
    return Report(figures, failures, details, run.bot.workdir)


def save_records(run: Run) -> None:
    """What the prospects pushed and every Bot API call, one JSON object a line, in the run's
    folder (``pushed.jsonl``, ``calls.jsonl``; times in seconds since the start): to look at a
    failed check afterwards."""
    with (run.bot.workdir / "pushed.jsonl").open("w") as out:
        for p in run.pushed:
            answered = p.answered_at - run.started if p.answered_at is not None else None
            row = {
                "t": round(p.at - run.started, 3),
                "chat": p.uid,
                "update": p.update_id,
                "text": p.step.text,
                "pressed": p.pressed,
                "answered": round(answered, 3) if answered is not None else None,
                "complete": round(p.complete_at - run.started, 3) if p.complete_at else None,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (run.bot.workdir / "calls.jsonl").open("w") as out:
        for c in list(run.fake.calls):
            row = {
                "t": round(c.at - run.started, 3),
                "method": c.method,
                "chat": c.chat_id,
                "status": c.status,
                "fault": c.fault,
                "dropped": c.dropped,
                "message_id": c.message_id,
                "text": c.text[:80],
                "buttons": [b.get("callback_data") for b in c.buttons],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# -- the whole run -----------------------------------------------------------------------------


Script = Callable[[int, int, random.Random], Plan]
"""Prospect (index, messages, random source) -> its plan: ``script`` or one built on it."""
Analysis = Callable[[Run, list[Plan], float, int, int | None], Report]
"""(the run, the plans, wall time, outbox rows pending, the bot's exit code) -> the report:
``analyse`` or one built on it."""


def run(
    config: SoakConfig | None = None,
    *,
    script_of: Script = script,
    injector: Injector = faults,
    analysis: Analysis = analyse,
) -> Report:
    """One soak run: the fake started and armed (chaos; the late admin unreachable if
    ``config.late_admin``), the bot started, the prospects of ``script_of`` driven while
    ``injector`` does its faults, the outbox drained, the bot stopped, the records saved and
    ``analysis`` made. The run's folder is removed when every check passed (unless kept)."""
    cfg = config or SoakConfig()
    rng = random.Random(cfg.seed)
    workdir = cfg.workdir or Path(tempfile.mkdtemp(prefix=f"{cfg.name}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    fake = FakeBotAPI().start()
    bot = BotProcess(fake, workdir)
    report: Report | None = None
    try:
        plans = [script_of(i, cfg.messages, rng) for i in range(cfg.prospects)]
        if cfg.late_admin:
            fake.unreachable(LATE_ADMIN)
        fake.chaos(cfg.chaos, kinds=cfg.chaos_kinds, seed=cfg.seed, retry_after=1)
        the_run = Run(cfg, fake, bot, Watch(fake, bot.logs))
        bot.start()
        asyncio.run(drive(the_run, plans, rng, injector))
        the_run.note("waiting for the outbox to drain")
        pending = wait_for_outbox(bot.db, cfg.drain_timeout)
        the_run.note(f"outbox pending: {pending}")
        time.sleep(1.0)  # the last notes' follow-ups (a handover opened)
        fake.chaos(0)
        exit_code = bot.stop()
        the_run.note(f"bot stopped (exit code {exit_code})")
        wall = time.monotonic() - the_run.started
        save_records(the_run)
        report = analysis(the_run, plans, wall, pending, exit_code)
        return report
    finally:
        if bot.alive():
            bot.stop()
        fake.stop()
        if report is not None and report.ok and not cfg.keep and cfg.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--prospects", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chaos", type=float, default=0.05, help="share of calls failing")
    parser.add_argument("--lock", type=float, default=5.0, help="seconds of the write lock")
    parser.add_argument("--no-kill", action="store_true", help="no kill -9 and restart")
    parser.add_argument("--timeout", type=float, default=90.0, help="a prospect's patience")
    parser.add_argument("--drain", type=float, default=240.0, help="wait for the outbox")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder")
    args = parser.parse_args(argv)
    config = SoakConfig(
        prospects=args.prospects,
        messages=args.messages,
        seed=args.seed,
        chaos=args.chaos,
        lock_seconds=args.lock,
        kill=not args.no_kill,
        answer_timeout=args.timeout,
        drain_timeout=args.drain,
        keep=args.keep,
    )
    report = run(config)
    print(report.text())
    if not report.ok or args.keep:
        print(f"\nThe run's folder (bot logs, database): {report.workdir}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
