"""Soak run of issue 17 ("Nothing lost, nothing exhausted"): prospects mid-conversation, ten
``kill -9``, mixed send faults and a 20 s ``sendMessage`` outage; afterwards every update
processed exactly once, every reply delivered once, no lead lost or doubled.

Run: .venv/bin/python benchmarks/soak_inbox.py [--quick] [--prospects 50 --kills 10 --seed 1]

The machinery is ``benchmarks/soak_leads.py``'s (its docstring says how prospects write, wait
for an answer and press buttons, and how the bot runs as a real ``python -m bot run`` against
the fake Bot API on 127.0.0.1); this run changes the faults and adds the checks per update:

- **prospects**: ``--prospects`` (50), each writing 8 to 10 messages (``soak_leads.script``:
  ``/start``, questions, contact details with consent and/or a request for a person);
- **send faults**: ``--chaos`` (10%) of the send/edit/answer calls fail, as 429
  (``retry_after=1``), 500, 502, a dropped connection (nothing sent) or a lost response
  (Telegram acted, the answer never arrived: ``drop_after``), in turn at random;
- **kill -9**: ``--kills`` (10) times, at seeded random points between 5% and 95% of the
  updates pushed (never within ``MIN_UP`` seconds of the previous start), the bot is killed
  with SIGKILL and started again at once on the same database;
- **an outage**: once half the updates are pushed, every ``sendMessage`` fails (502 and dropped
  connections, in turn) for ``--outage`` seconds (20): for every chat, admins included; in
  ``--quick`` only the prospects' chats (a note that failed waits 30 s for its next try, longer
  than a quick run);
- **two admins**, both reachable all along (the late admin of ``soak_leads`` is not part of
  this run).

``--quick``: 10 prospects, 3 kills, a 5 s outage, a 30 s patience; about 30 s on a quiet
machine (``tests/test_soak_inbox.py`` runs it).

Afterwards, from the fake's records, the bot's logs (``turn user=tg:… update=… replies=N``,
one line per turn once it is saved, "duplicate" when an update came again) and the database:

- **processed exactly once**: each update has one incoming transcript line (the chat's lines
  matched in order to its updates: the text typed, or ``[tapped: <label>]``), and a turn in
  the bot's logs, never two not flagged "duplicate" (a kill between saving a turn and logging
  it leaves only the "duplicate" line of the update's second coming);
- **replies delivered**: per chat, the messages Telegram accepted, copies aside, against the
  replies its turns made (their log lines): a reply that came after the prospect wrote again
  (their wait ran out) is late, not lost; **replies duplicated**: a message accepted twice in a
  row in a chat, or twice in one update's answer, or an answer longer than its turn made
  repeating the previous answer (``deliveries``); the copies in a row are told apart by what
  came before them: a lost response, a kill (``duplicate_causes``);
- **leads**, **notes to the agency** and the rest: ``soak_leads.analyse``'s checks (answered
  twice, leads expected/stored/missing/doubled, lead notes and requests for a person not twice
  to the first admin, outbox sent, database integrity, a clean stop on SIGTERM; not its
  "unanswered" and "answered in part", which a late answer fails: the two above say whether
  it came; nor its "never reached" the first admin: a note is delivered once an admin has it),
  plus: every note reached an admin, none reached an admin twice, no update parked in the inbox.

The table follows, then the checks that failed, the run's events and the warnings and errors
of the bot's logs, counted. The exit code is 1 when a check fails (the run's folder is kept:
the bot's logs ``bot-N.log``, its database, ``pushed.jsonl``, ``calls.jsonl``), 0 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: soak_leads and the fake import from the root
    sys.path.insert(0, str(ROOT))

from benchmarks.soak_leads import (  # noqa: E402
    ADMIN,
    FIRST_PROSPECT,
    LATE_ADMIN,
    LEAD_NOTE_PREFIX,
    REQUEST_PREFIX,
    Plan,
    Pushed,
    Report,
    Run,
    SoakConfig,
    accepted_sends,
    analyse,
    answer_windows,
    key_of,
    kill_and_restart,
    replies_of,
    script,
    turns_logged,
)
from benchmarks.soak_leads import run as soak  # noqa: E402
from tests.fakebotapi import Call  # noqa: E402

MIN_UP = 1.0  # seconds a restarted bot runs at least before the next kill
# soak_leads.analyse's checks that do not fit this run, left out: a late answer fails the first
# two (an update's answer is its window only; here ``deliveries`` and "never processed" say
# whether every update was answered), and a note is delivered once one admin has it (the
# outbox's rule; soak_leads' second admin is unreachable, so there it must be the first):
# here "reached no admin" checks it
NOT_HERE = (
    " update(s) unanswered",
    " update(s) answered in part (replies missing)",
    f" lead note(s) never reached admin {ADMIN}",
    f" request(s) never reached {ADMIN}",
)
# soak_leads' checks of copies fail on any copy; here a copy is checked by its cause
# (``duplicate_causes``, ``_explained``): one after a lost response or a kill is allowed
COPIES = (
    " update(s) answered twice",
    f" lead note(s) reached admin {ADMIN} twice",
    f" request(s) reached admin {ADMIN} twice",
    " message(s) sent twice in a row (fake.duplicates)",
)
LOG_LINE = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) (\S+): (.*)$")


@dataclass(frozen=True)
class InboxSoakConfig(SoakConfig):
    prospects: int = 50
    messages: int = 10  # the most a prospect writes: 10, 9 or 8 (``script_of``)
    chaos: float = 0.10
    chaos_kinds: tuple[str, ...] = ("429", "500", "502", "drop", "drop_after")
    late_admin: bool = False
    lock_seconds: float = 0.0
    kill: bool = False  # soak_leads' single kill: this run has ``kills``
    kills: int = 10  # kill -9 and restart, at random points between 5% and 95% of the updates
    outage: float = 20.0  # seconds of sendMessage failing, from half the updates pushed
    outage_all_chats: bool = True  # False: the prospects' chats only
    answer_timeout: float = 90.0  # longer than the outage: a late answer is still its answer
    settle_timeout: float = 120.0  # after the last update, the inbox must be empty by then
    name: str = "soak-inbox"


QUICK = InboxSoakConfig(
    prospects=10,
    kills=3,
    outage=5.0,
    outage_all_chats=False,
    answer_timeout=30.0,
    ramp=3.0,
    think=(0.1, 0.4),
    drain_timeout=60.0,
    settle_timeout=60.0,
)


def script_of(index: int, messages: int, rng: random.Random) -> Plan:
    """``soak_leads.script`` with ``messages``, ``messages - 1`` or ``messages - 2`` messages,
    by ``index // 3`` (``index % 3`` already chooses details, a person or both)."""
    return script(index, messages - index // 3 % 3, rng)


# -- the faults --------------------------------------------------------------------------------


async def inbox_faults(run: Run, total: int, notes: int, rng: random.Random) -> None:
    """The kills at seeded random points, the outage from half the updates pushed; then, once
    every update is pushed, wait for the bot's inbox to empty (``settle_timeout``)."""
    cfg = run.config
    assert isinstance(cfg, InboxSoakConfig)
    fake = run.fake
    low, high = int(total * 0.05), max(int(total * 0.95), int(total * 0.05) + cfg.kills)
    kill_points = sorted(rng.sample(range(low, high), cfg.kills)) if cfg.kills else []
    outage_at: int | None = total // 2 if cfg.outage > 0 else None
    started = time.monotonic()
    while kill_points or outage_at is not None:
        done = len(run.pushed)
        if outage_at is not None and done >= outage_at:
            outage_at = None
            prospects = tuple(range(FIRST_PROSPECT, FIRST_PROSPECT + cfg.prospects))
            fake.outage(
                cfg.outage,
                methods=("sendMessage",),
                kinds=("502", "drop"),
                chat_ids=None if cfg.outage_all_chats else prospects,
            )
            run.note(
                f"outage: every sendMessage to {outage_chats(cfg)} fails for {cfg.outage:g} s, "
                f"from update {done} of {total}"
            )
        if kill_points and done >= kill_points[0] and time.monotonic() - started >= MIN_UP:
            kill_points.pop(0)
            kill_and_restart(run, total)
            started = time.monotonic()
        await asyncio.sleep(0.05)
    while len(run.pushed) < total:
        await asyncio.sleep(0.2)
    left = await asyncio.get_running_loop().run_in_executor(
        None, wait_for_inbox, run.bot.db, cfg.settle_timeout
    )
    run.note(f"every update pushed; inbox rows not parked: {left}")


def outage_chats(cfg: InboxSoakConfig) -> str:
    return "every chat" if cfg.outage_all_chats else "the prospects"


def wait_for_inbox(db: Path, timeout: float) -> int:
    """Poll the database until the inbox holds no update still to handle (parked ones aside);
    how many are left at the end (-1: the database could not be read)."""
    deadline = time.monotonic() + timeout
    while True:
        left = -1
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(db)) as conn:
            columns = {row[1] for row in conn.execute("pragma table_info(inbox)")}
            where = " where parked is null" if "parked" in columns else ""
            left = conn.execute(f"select count(*) from inbox{where}").fetchone()[0]
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


# -- afterwards --------------------------------------------------------------------------------


def expected_line(p: Pushed) -> str:
    """The transcript line the engine writes for the update (``bot.core.turn.describe_input``)."""
    return f"[tapped: {' '.join(p.label.split())[:64]}]" if p.pressed else p.step.text


def transcript_counts(updates: list[Pushed], lines: list[str]) -> tuple[list[int], int]:
    """How many of a chat's incoming transcript ``lines`` belong to each of its ``updates`` (in
    the order pushed), and how many lines belong to none. A line goes to the next update if it
    is that update's, else to the previous one (kept twice), else to the nearest later one (the
    updates skipped were not kept)."""
    counts = [0] * len(updates)
    stray = 0
    i = 0  # the next update expected
    for line in lines:
        if i < len(updates) and expected_line(updates[i]) == line:
            counts[i] += 1
            i += 1
        elif i > 0 and expected_line(updates[i - 1]) == line:
            counts[i - 1] += 1
        else:
            ahead = next(
                (k for k in range(i + 1, len(updates)) if expected_line(updates[k]) == line), None
            )
            if ahead is None:
                stray += 1
            else:
                counts[ahead] += 1
                i = ahead + 1
    return counts, stray


@dataclass
class Delivery:
    made: int = 0  # replies the turns made (their log lines)
    delivered: int = 0  # of those, accepted by Telegram (in their answer, or later)
    copies: int = 0  # messages accepted again (see ``deliveries``)
    extra: int = 0  # messages beyond what the turns made, not copies
    late: int = 0  # answers with fewer messages than their turn made: the rest came later, or never


def replies_made(turns: dict[int, list[tuple[int, bool, int]]], update_id: int) -> int | None:
    """The replies the update's turn made: its first run's log line, else (a ``kill -9`` cut
    that line off: the turn was saved, nothing sent) the first "duplicate" run's, which sends
    them all; None when no turn was logged."""
    made = replies_of(turns, update_id)
    return made if made is not None else next((r for _, _, r in turns.get(update_id, [])), None)


def deliveries(run: Run, turns: dict[int, list[tuple[int, bool, int]]]) -> Delivery:
    """Every turn's replies against what Telegram accepted, per chat.

    One chat's turns run in order, so a chat's replies are all there when the messages
    Telegram accepted for it, copies aside, are as many as its turns made (``replies_made``),
    even when one came after the prospect wrote again (its wait ran out, or a resend it took
    for the answer: a late answer, which ``soak_leads.analyse`` calls unanswered). A copy: the
    same message (method and parameters) as the one accepted just before it in the chat (as
    ``FakeBotAPI.duplicates``), or as one earlier in the same update's answer
    (``soak_leads.answer_windows``), or an answer longer than its turn made repeating the
    previous answer's messages (a resend of several; the bot saying again what it said last
    turn, within what the turn made, is not one)."""
    out = Delivery()
    windows = answer_windows(run.pushed, accepted_sends(list(run.fake.calls)))
    for updates, answers in windows.values():
        made = accepted = copies = 0
        previous: set[str] = set()
        last = ""
        for p, window in zip(updates, answers, strict=True):
            kept: list[str] = []  # this answer's messages, copies aside
            for call in window:
                key = key_of(call)
                if key == last or key in kept:
                    copies += 1
                else:
                    kept.append(key)
                last = key
            accepted += len(window)
            turn = replies_made(turns, p.update_id)
            if turn is not None:
                made += turn
                out.late += len(kept) < turn
                beyond = len(kept) - turn  # more than the turn made: a resend among them?
                copies += min(max(beyond, 0), len(set(kept) & previous))
            previous = set(kept)
        out.made += made
        out.delivered += min(made, accepted - copies)
        out.copies += copies
        out.extra += max(accepted - copies - made, 0)
    return out


def duplicate_causes(run: Run) -> Counter[str]:
    """Messages accepted twice in a row in a chat (``FakeBotAPI.duplicates``), by what came
    before the copy: "a lost response" (Telegram acted on the first, its answer never reached
    the bot), "a kill -9" (the bot was killed between the two), else "other"."""
    causes: Counter[str] = Counter()
    for sends in accepted_sends(list(run.fake.calls)).values():
        for first, again in itertools.pairwise(sends):
            if key_of(first) != key_of(again):
                continue
            if first.dropped:
                causes["a lost response"] += 1
            elif any(first.at < k < again.at for k in run.kills):
                causes["a kill -9"] += 1
            else:
                causes["other"] += 1
    return causes


def _explained(note: str, sends: dict[int, list[Call]], kills: list[float]) -> bool:
    """Whether a note an admin got twice ("<admin> <callback data>") was sent again after a
    lost response or across a kill -9, as ``duplicate_causes`` tells copies in a row apart."""
    admin, data = note.split(" ", 1)
    got = [
        c
        for c in sends.get(int(admin), [])
        if any(str(b.get("callback_data", "")) == data for b in c.buttons)
    ]
    return any(
        first.dropped or any(first.at < k < again.at for k in kills)
        for first, again in itertools.pairwise(got)
    )


def log_summary(logs: list[Path], most: int = 12) -> list[str]:
    """The bot's warnings and errors, counted by message (numbers masked), commonest first."""
    seen: Counter[str] = Counter()
    for path in logs:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            match = LOG_LINE.match(line)
            if match:
                level, name, message = match.groups()
                seen[f"{level} {name}: {re.sub(r'[0-9]+', 'N', message)[:110]}"] += 1
    return [f"{n:5d} × {what}" for what, n in seen.most_common(most)]


def analyse_inbox(
    run: Run, plans: list[Plan], wall: float, pending: int, exit_code: int | None
) -> Report:
    """``soak_leads.analyse``, with this run's checks per update and its faults first."""
    base = analyse(run, plans, wall, pending, exit_code)
    figures: defaultdict[str, str] = defaultdict(lambda: "?", base.figures)
    failures = [f for f in base.failures if not f.endswith(NOT_HERE + COPIES)]
    details: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    # processed exactly once: the bot's log, and the transcript ------------------------------
    turns = turns_logged(run.bot.logs)
    # a turn whose line a kill -9 cut off shows only as "duplicate" when the update came again
    ran = {
        p.update_id: sum(1 for _, dup, _ in turns.get(p.update_id, []) if not dup)
        for p in run.pushed
    }
    never = [p for p in run.pushed if not turns.get(p.update_id)]
    ran_twice = [p for p in run.pushed if ran[p.update_id] > 1]
    conn = sqlite3.connect(run.bot.db, timeout=30)
    lines: dict[str, list[str]] = defaultdict(list)
    for user, text in conn.execute(
        "select user_id, text from transcript where direction = 'in' order by id"
    ):
        lines[user].append(text)
    notes = [  # the buttons of each note for the agency: one per lead, as soak_leads'
        f"{LEAD_NOTE_PREFIX}{lead}" if kind == "contact" else f"{REQUEST_PREFIX}{user[3:]}"
        for lead, user, kind in conn.execute("select id, user_id, kind from leads order by id")
    ]
    columns = {row[1] for row in conn.execute("pragma table_info(inbox)")}
    parked = (
        conn.execute("select count(*) from inbox where parked is not null").fetchone()[0]
        if "parked" in columns
        else 0
    )
    conn.close()
    kept: dict[int, int] = {}
    stray = 0
    for uid, (updates, _) in answer_windows(run.pushed, {}).items():
        counts, extra = transcript_counts(updates, lines.get(f"tg:{uid}", []))
        kept.update((p.update_id, n) for p, n in zip(updates, counts, strict=True))
        stray += extra
    unkept = [p for p in run.pushed if kept.get(p.update_id, 0) == 0]
    kept_twice = [p for p in run.pushed if kept.get(p.update_id, 0) > 1]
    once = sum(
        1
        for p in run.pushed
        if turns.get(p.update_id) and ran[p.update_id] <= 1 and kept.get(p.update_id) == 1
    )
    check(not never, f"{len(never)} update(s) never processed (no turn in the bot's log)")
    check(not unkept, f"{len(unkept)} update(s) with no transcript line")
    check(not kept_twice, f"{len(kept_twice)} update(s) kept twice in the transcript")
    check(not parked, f"{parked} update(s) parked in the inbox")

    # replies ----------------------------------------------------------------------------------
    sent = deliveries(run, turns)
    causes = duplicate_causes(run)
    lost = sent.made - sent.delivered
    check(lost == 0, f"{lost} of {sent.made} replies never reached Telegram")
    # A copy after a lost response (Telegram acted, its answer never came) or across a kill
    # (accepted, the bot killed before it noted so) is what the Bot API allows: it has no
    # idempotency key and a bot cannot read a chat back, so the bot sends again rather than
    # risk losing a reply. Those copies are counted in the table; any other copy fails.
    unexplained = causes.get("other", 0)
    check(unexplained == 0, f"{unexplained} message(s) sent twice with no lost response or kill")

    # notes: each to an admin, never twice to one ------------------------------------------------
    sends = accepted_sends(list(run.fake.calls))
    got = {
        admin: Counter(
            str(b.get("callback_data", ""))
            for call in sends.get(admin, [])
            for b in call.buttons
            if str(b.get("callback_data", "")).startswith((LEAD_NOTE_PREFIX, REQUEST_PREFIX))
        )
        for admin in (ADMIN, LATE_ADMIN)
    }
    notes_twice = [f"{a} {data}" for a, seen in got.items() for data, n in seen.items() if n > 1]
    nowhere = [n for n in notes if not any(seen[n] for seen in got.values())]
    odd_twice = [n for n in notes_twice if not _explained(n, sends, run.kills)]
    check(not odd_twice, f"{len(odd_twice)} note(s) reached an admin twice, unexplained")
    check(not nowhere, f"{len(nowhere)} note(s) reached no admin")

    # details ------------------------------------------------------------------------------------
    for what, updates in (
        ("never processed", never),
        ("turn ran twice", ran_twice),
        ("no transcript line", unkept),
        ("kept twice in the transcript", kept_twice),
    ):
        details += [
            f"{what}: update {p.update_id} tg:{p.uid} «{expected_line(p)[:50]}» pushed at "
            f"{p.at - run.started:.1f}s"
            for p in updates[:15]
        ]
    details += [f"note twice: {n}" for n in notes_twice[:10]]
    details += [f"note to no admin: {n}" for n in nowhere[:10]]
    cfg = run.config
    assert isinstance(cfg, InboxSoakConfig)
    outage_failed = sum(1 for c in run.fake.calls if c.fault == "outage")
    headline = [
        ("updates pushed", figures["updates pushed"]),
        (
            "processed exactly once",
            f"{once} of {len(run.pushed)} (bot log: {len(never)} never, {len(ran_twice)} "
            f"twice; transcript: {len(unkept)} without a line, {len(kept_twice)} with 2+, "
            f"{stray} lines of no update)",
        ),
        (
            "replies delivered",
            f"{sent.delivered} of {sent.made} the turns made ({lost} lost; {sent.late} answers "
            f"short when the prospect wrote again: late or lost; {sent.extra} messages "
            "beyond the turns' replies)",
        ),
        (
            "replies duplicated",
            f"{sent.copies} (twice in a row in any chat, admins' too: "
            f"{sum(causes.values())}, after "
            + (", ".join(f"{what}: {n}" for what, n in causes.most_common()) or "nothing")
            + ")",
        ),
        ("leads", figures["leads"]),
        ("lead notes to admin", figures["lead notes to admin"]),
        ("requests for a person to admin", figures["requests for a person to admin"]),
        (
            "notes to the agency",
            f"{len(notes) - len(nowhere)} of {len(notes)} reached an admin; "
            f"{len(notes_twice)} reached one admin twice",
        ),
        ("inbox rows parked", str(parked)),
        ("kill -9 and restart", f"{len(run.kills)} ({run.killed_with} updates in flight)"),
        (
            "sendMessage outage",
            f"{cfg.outage:g} s, {outage_chats(cfg)}: {outage_failed} calls failed",
        ),
        ("send faults", f"{cfg.chaos:.0%} of calls: {', '.join(cfg.chaos_kinds)}"),
    ]
    shown = {k for k, _ in headline}
    rest = [(k, v) for k, v in base.figures if k not in shown]
    details = base.details + details + ["warnings and errors in the bot's logs:"]
    details += log_summary(run.bot.logs) or ["    none"]
    return replace(
        base,
        figures=headline + rest,
        failures=failures,
        details=details,
        title="Soak run (issue 17)",
    )


def run(config: InboxSoakConfig | None = None) -> Report:
    """One soak run with this module's prospects, faults and checks."""
    return soak(
        config or InboxSoakConfig(),
        script_of=script_of,
        injector=inbox_faults,
        analysis=analyse_inbox,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10 prospects, 3 kills, 5 s outage")
    parser.add_argument("--prospects", type=int)
    parser.add_argument("--kills", type=int)
    parser.add_argument("--outage", type=float, help="seconds of the sendMessage outage")
    parser.add_argument("--chaos", type=float, help="share of calls failing")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, help="a prospect's patience, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else InboxSoakConfig()
    given = {
        "prospects": args.prospects,
        "kills": args.kills,
        "outage": args.outage,
        "chaos": args.chaos,
        "answer_timeout": args.timeout,
    }
    config = replace(
        config,
        seed=args.seed,
        keep=args.keep,
        **{k: v for k, v in given.items() if v is not None},
    )
    report = run(config)
    print(report.text())
    if not report.ok or args.keep:
        print(f"\nThe run's folder (bot logs, database): {report.workdir}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
