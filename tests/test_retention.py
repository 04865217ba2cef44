"""Retention (issue 18, point 4): what is older than BOT_RETENTION_DAYS goes, by the running bot
once a day and by ``python -m bot prune``; leads and their consent stay as the agency decides;
``/privacy`` says how long.

Every kind of row is checked on a real SQLite file: what goes, and what must stay (a lead kept,
its consent, a note not yet delivered, an open handover, a message not yet answered, a
prospect who wrote recently).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.cli.run import check_settings
from bot.config import Settings, load_settings, retention_problem
from bot.core.messages import Input
from bot.core.ports import PRUNED_TABLES, PruneCounts
from bot.core.records import Event, LeadRecord, OutboxItem
from bot.core.state import Conversation, TurnRecord
from bot.storage.retention import Retention, prune_once, run_retention
from bot.storage.sqlite import Store
from tests.conftest import ROOT, build_engine
from tests.sqlite_lock import hold_write_lock

DAY = timedelta(days=1)
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
OLD = NOW - 200 * DAY  # older than the default retention (180 days)
BEFORE = NOW - 180 * DAY


def turn(
    store: Store,
    user: str,
    at: datetime,
    *,
    texts: Iterable[str] = ("hello", "Hi! What would you like to know?"),
    events: Iterable[str] = ("enter",),
    leads: Iterable[LeadRecord] = (),
    outbox: Iterable[OutboxItem] = (),
) -> None:
    """One turn of ``user`` saved at ``at``, as the engine saves it."""
    conv = store.load(user) or Conversation(user, "en", "main", "menu")
    store.save_turn(
        TurnRecord(
            conv,
            at,
            [("in" if i == 0 else "out", t) for i, t in enumerate(texts)],
            [Event(kind) for kind in events],
            list(leads),
            list(outbox),
        )
    )


def lead(contact: str) -> LeadRecord:
    return LeadRecord(name="Ann", contact=contact, consent=True, data={"followers": 800})


def populate(store: Store, now: datetime = NOW) -> None:
    """One prospect of each kind retention must tell apart, written in time order as a bot
    writes: first what happened 200 days before ``now``, then the recent."""
    old = now - 200 * DAY
    turn(store, "tg:old", old)  # silent for 200 days: goes entirely
    # left a lead 200 days ago; the note reached the staff
    contact = lead("lead@example.com")
    turn(store, "tg:lead", old, leads=[contact], outbox=[OutboxItem("lead", "tg:lead", contact)])
    for row_id, item in store.pending_outbox():
        if item.user_id == "tg:lead":
            store.mark_outbox(row_id, 1, old)
    # a lead whose note no staff member has received yet
    waiting = lead("waiting@example.com")
    turn(store, "tg:waiting", old, leads=[waiting], outbox=[OutboxItem("lead", "tg:waiting")])
    # a person of the agency is talking to them (opened long ago, never closed)
    turn(store, "tg:talking", old)
    store.open_handover("tg:talking", old, [(900, 1)])
    # a message received and not answered yet (the bot stopped in between)
    turn(store, "tg:inflight", old)
    store.keep_updates([(77, "tg:inflight", "{}")], old)
    # wrote 200 days ago and again yesterday (below): the old lines go, the prospect stays
    turn(store, "tg:active", old, texts=("old question", "old answer"))
    # a handover long closed, with the staff's message linked to it
    turn(store, "tg:closed", old)
    store.open_handover("tg:closed", old, [(900, 2)])
    store.close_handover("tg:closed", old + timedelta(hours=1), "Anna")
    # silent for 200 days, but a person of the agency wrote to them two days ago (below)
    turn(store, "tg:spoken", old)
    store.ignore_review("g1", ["digest"], old)

    store.open_handover("tg:spoken", now - 3 * DAY)
    store.handover_message("tg:spoken", now - 2 * DAY, "staff", "Are you still interested?")
    store.close_handover("tg:spoken", now - 2 * DAY, "Anna")
    turn(store, "tg:active", now - DAY, texts=("new question", "new answer"), events=["intent"])


def snapshot(store: Store) -> dict[str, set[str]]:
    """Per table, what is in it: the prospects' ids (the transcript: their lines' texts)."""
    db = store.db
    return {
        "transcript": {f"{u}:{t}" for u, t in db.execute("select user_id, text from transcript")},
        "events": {f"{u}:{k}" for u, k in db.execute("select user_id, kind from events")},
        "conversations": {u for (u,) in db.execute("select user_id from conversations")},
        "users": {u for (u,) in db.execute("select id from users")},
        "leads": {f"{u}:{c}" for u, c in db.execute("select user_id, consent from leads")},
        "outbox": {f"{u}:{s}" for u, s in db.execute("select user_id, sent from outbox")},
        "handovers": {
            f"{u}:{'open' if c is None else 'closed'}"
            for u, c in db.execute("select user_id, closed from handovers")
        },
        "handover_messages": {u for (u,) in db.execute("select user_id from handover_messages")},
        "inbox": {str(u) for (u,) in db.execute("select user_id from inbox")},
        "review_ignored": {d for (d,) in db.execute("select digest from review_ignored")},
    }


def users_in(rows: set[str]) -> set[str]:
    return {row.split(":")[1] for row in rows}


@pytest.fixture
def store(tmp_path: Path) -> Iterable[Store]:
    store = Store(tmp_path / "bot.db")
    populate(store)
    yield store
    store.close()


def test_prune_deletes_what_is_old_and_keeps_every_kind_that_must_stay(store: Store) -> None:
    before, rows_before = snapshot(store), table_counts(store.path)
    counts = store.prune(BEFORE)
    after, rows_after = snapshot(store), table_counts(store.path)

    # the counts are the rows that went, table by table
    assert dict(counts.items()) == {t: rows_before[t] - rows_after[t] for t in PRUNED_TABLES}
    gone = {t: users_in(before[t] - after[t]) for t in ("transcript", "events")}
    # old lines went for everyone not in the middle of something, recent ones stayed
    assert gone["transcript"] == {"old", "lead", "active", "closed", "spoken"}
    assert "tg:active:new question" in after["transcript"]
    assert "tg:active:old question" not in after["transcript"]
    assert "tg:spoken:Are you still interested?" in after["transcript"]  # two days old
    assert gone["events"] == {"old", "lead", "active", "closed", "spoken"}
    assert {"tg:spoken:handover_closed", "tg:active:intent"} <= after["events"]
    for kept in ("waiting", "talking", "inflight"):  # a note, a person, a message pending
        assert kept in users_in(after["transcript"]) and kept in users_in(after["events"])
        assert f"tg:{kept}" in after["conversations"] and f"tg:{kept}" in after["users"]
    # prospects silent for longer than the retention: their conversation goes; the prospect
    # too, unless a lead of theirs is kept
    assert before["conversations"] - after["conversations"] == {"tg:old", "tg:lead", "tg:closed"}
    assert before["users"] - after["users"] == {"tg:old", "tg:closed"}
    assert {"tg:active", "tg:spoken", "tg:lead"} <= after["users"]
    # leads and their consent are the agency's to keep: none went
    assert after["leads"] == before["leads"] == {"tg:lead:1", "tg:waiting:1"}
    # the delivered note went, the one still waiting for the staff stayed
    assert before["outbox"] - after["outbox"] == {"tg:lead:1"}
    assert after["outbox"] == {"tg:waiting:0"}
    # the closed handover and its message link went; the open one stayed, the recent one too
    assert after["handovers"] == {"tg:talking:open", "tg:spoken:closed"}
    assert after["handover_messages"] == {"tg:talking"}
    # not retention's: the updates in flight, what staff chose to ignore in the review
    assert after["inbox"] == before["inbox"] == {"tg:inflight"}
    assert after["review_ignored"] == {"digest"}
    assert store.prune(BEFORE) == PruneCounts()  # pruning again changes nothing


def test_leads_go_after_their_own_retention_with_their_consent(store: Store) -> None:
    counts = store.prune(BEFORE, leads_before=BEFORE)
    after = snapshot(store)
    assert counts.leads == 1
    # the lead that went took its consent with it, and the prospect row with nothing left
    assert after["leads"] == {"tg:waiting:1"}  # a note still to deliver keeps its lead
    assert "tg:lead" not in after["users"]
    # a recent lead stays
    turn(store, "tg:new", NOW - 10 * DAY, leads=[lead("new@example.com")])
    assert store.prune(NOW - 180 * DAY, leads_before=NOW - 30 * DAY).leads == 0
    assert "tg:new:1" in snapshot(store)["leads"]


def test_nothing_goes_when_everything_is_kept(store: Store) -> None:
    before = snapshot(store)
    assert store.prune(None, None) == PruneCounts()
    assert store.prunable(None, None) == PruneCounts()
    assert snapshot(store) == before


def test_a_dry_run_counts_exactly_what_batches_then_delete(tmp_path: Path) -> None:
    """``prunable`` changes nothing and says what ``prune`` does; pruning a row at a time
    (``limit``) ends where one big transaction does."""
    whole, batched = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    for s in (whole, batched):
        populate(s)
    expected = whole.prunable(BEFORE, BEFORE)
    assert snapshot(whole) == snapshot(batched)  # counting deleted nothing
    assert expected == whole.prune(BEFORE, BEFORE)
    total, calls = PruneCounts(), 0
    while True:
        counts = batched.prune(BEFORE, BEFORE, limit=1)
        assert all(n <= 1 for _, n in counts.items())
        total, calls = total + counts, calls + 1
        if not counts.full(1):
            break
    assert total == expected and calls > 5
    assert snapshot(whole) == snapshot(batched)
    whole.close()
    batched.close()


def test_a_row_written_out_of_time_order_is_never_deleted_early(tmp_path: Path) -> None:
    """The transcript is read in rowid order to find the old rows without an index: a line
    written later with an older time (a clock set back) is still compared by its time."""
    store = Store(tmp_path / "bot.db")
    turn(store, "tg:a", NOW - DAY, texts=("recent",))
    turn(store, "tg:b", OLD, texts=("old, written after",))
    turn(store, "tg:c", NOW - 2 * DAY, texts=("recent too",))
    store.prune(BEFORE)
    texts = {t for (t,) in store.db.execute("select text from transcript")}
    # never early; the old line written late waits until the lines before it are old too
    assert texts == {"recent", "old, written after", "recent too"}
    assert store.prune(NOW - DAY - timedelta(hours=1)).transcript == 0
    assert store.prune(NOW).transcript == 3
    store.close()


# -- the job of the running bot ------------------------------------------------------------


class ManualClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_the_job_prunes_at_start_then_every_day_with_its_clock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "bot.db")
    clock = ManualClock(OLD + 10 * DAY)
    turn(store, "tg:old", OLD)
    waits: list[float] = []

    async def wait(seconds: float) -> None:  # a day passes in no time; the third stops it
        waits.append(seconds)
        if len(waits) == 3:
            raise asyncio.CancelledError
        clock.now += 100 * DAY

    with (
        caplog.at_level(logging.INFO, logger="bot.retention"),
        pytest.raises(asyncio.CancelledError),
    ):
        await run_retention(store, Retention(180), clock, wait=wait, batch=1)
    assert waits == [86400.0] * 3
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.retention"]
    assert len(lines) == 3
    assert all(r.levelname == "INFO" for r in caplog.records if r.name == "bot.retention")
    # at start the data is 10 days old, 110 days a "day" later, 210 days the next
    assert lines[0].startswith("retention: pruned 0 row(s)")
    assert lines[1].startswith("retention: pruned 0 row(s)")
    assert lines[2].startswith("retention: pruned 5 row(s) (messages kept 180 days")
    assert "transcript=2 events=1 conversations=1 users=1" in lines[2]
    assert store.load("tg:old") is None
    store.close()


async def test_a_failed_run_is_logged_and_the_job_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "bot.db")
    store.close()  # every call fails now
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise asyncio.CancelledError

    with (
        caplog.at_level(logging.INFO, logger="bot.retention"),
        pytest.raises(asyncio.CancelledError),
    ):
        await run_retention(store, Retention(30), ManualClock(NOW), wait=wait)
    failed = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(failed) == 2 and "pruning failed" in failed[0].getMessage()


async def test_a_job_that_keeps_everything_does_not_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "bot.db")
    populate(store)

    async def never(seconds: float) -> None:
        raise AssertionError("no timer when nothing is ever pruned")

    with caplog.at_level(logging.INFO, logger="bot.retention"):
        await run_retention(store, Retention(0, 0), ManualClock(NOW), wait=never)
    assert "everything is kept" in caplog.text
    assert await prune_once(store, Retention(0, 0), NOW) == PruneCounts()
    store.close()


async def test_the_telegram_bot_prunes_when_it_starts(tmp_path: Path) -> None:
    """Under ``run`` (background tasks on) the bot prunes at start, off the event loop."""
    from tests.test_handover import ManualClock as HarnessClock
    from tests.test_handover import launch, stop

    db = tmp_path / "bot.db"
    seeded = Store(db)
    populate(seeded, NOW)
    seeded.close()
    clock = HarnessClock()
    clock.now = NOW
    h = await launch(tmp_path, db=db, background=True, clock=clock)
    try:
        store = h.engine.store
        await h.until(lambda: store.load("tg:old") is None, "the retention job at start", 5.0)
        assert store.load("tg:active") is not None
        assert {lead.contact for lead in store.leads()} == {
            "lead@example.com",
            "waiting@example.com",
        }
    finally:
        await stop(h)


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def seeded_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database as a bot 200 days into its life leaves it; the command runs in an empty
    folder (no .env) with no retention setting in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_RETENTION_DAYS", "BOT_LEAD_RETENTION_DAYS", "BOT_DB_PATH"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "bot.db"
    store = Store(db)
    populate(store, datetime.now(UTC))
    store.close()
    return db


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in PRUNED_TABLES}


def printed(output: str) -> dict[str, int]:
    """{table: rows} from the command's lines ``  transcript   10 deleted: …``."""
    found = re.findall(r"^\s+(\w+)\s+([\d,]+) (?:deleted|would go):", output, re.M)
    return {table: int(n.replace(",", "")) for table, n in found}


def test_the_command_prints_what_it_deleted_table_by_table(seeded_db: Path) -> None:
    before = table_counts(seeded_db)
    dry = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing is changed" in dry.output
    assert table_counts(seeded_db) == before  # nothing deleted
    would = printed(dry.output)
    assert list(would) == list(PRUNED_TABLES) and would["transcript"] == 10

    done = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db)])
    assert done.exit_code == 0, done.output
    deleted = printed(done.output)
    assert deleted == would  # the dry run said exactly what happened
    after = table_counts(seeded_db)
    assert {t: before[t] - after[t] for t in PRUNED_TABLES} == deleted
    assert "messages kept 180 days, leads kept until erased" in done.output
    assert "free for new rows" in done.output  # the file keeps its size, says so

    again = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db), "--vacuum"])
    assert again.exit_code == 0 and set(printed(again.output).values()) == {0}
    assert "free for new rows" not in again.output  # vacuumed: no free pages left


def test_days_on_the_command_line_win_over_the_setting(
    seeded_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_RETENTION_DAYS", "not a number")
    refused = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db)])
    assert refused.exit_code == 1
    assert refused.output.strip().count("\n") == 0 and "BOT_RETENTION_DAYS=not a number" in (
        refused.output
    )
    wide = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db), "--days", "365"])
    assert wide.exit_code == 0, wide.output
    assert set(printed(wide.output).values()) == {0}  # nothing is a year old
    keep = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db), "--days", "0"])
    assert keep.exit_code == 0 and "nothing to do" in keep.output


def test_the_command_says_in_one_line_when_it_cannot_use_the_file(
    tmp_path: Path, seeded_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = CliRunner().invoke(cli, ["prune", "--db", str(tmp_path / "nowhere.db")])
    assert missing.exit_code == 1 and "No database at" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    # opening an up-to-date file takes no lock: the deleting waits, for a second here
    monkeypatch.setattr("bot.cli.prune.PATIENCE", 1.0)
    holder = hold_write_lock(seeded_db, 30)
    try:
        locked = CliRunner().invoke(cli, ["prune", "--db", str(seeded_db)])
    finally:
        holder.kill()
        holder.wait()
    # what it was about to do (stdout), then why it could not (one line on stderr)
    assert locked.exit_code == 1 and "locked" in locked.stderr
    assert len(locked.stderr.strip().splitlines()) == 1 and "Traceback" not in locked.output


# -- the settings --------------------------------------------------------------------------


def test_the_settings_and_their_mistakes() -> None:
    default = load_settings({})
    assert (default.retention_days, default.lead_retention_days) == (180, 0)
    assert retention_problem(default) is None
    chosen = load_settings({"BOT_RETENTION_DAYS": " 90 ", "BOT_LEAD_RETENTION_DAYS": "730"})
    assert (chosen.retention_days, chosen.lead_retention_days) == (90, 730)
    assert load_settings({"BOT_RETENTION_DAYS": "0"}).retention_days == 0  # keep everything
    assert load_settings({"BOT_RETENTION_DAYS": ""}).retention_days == 180  # empty: default

    for raw in ("six months", "-5", "1.5", "99999999"):
        settings = load_settings({"BOT_RETENTION_DAYS": raw})
        problem = retention_problem(settings) or ""
        assert problem.startswith(f"BOT_RETENTION_DAYS={raw[:20]}: write a whole number")
        assert "\n" not in problem
    assert check_settings(Settings(token="1:x", retention_invalid=("X=y",))) is not None

    # a lead kept for less time than the messages: the transcript would outlive its contacts
    short = load_settings({"BOT_RETENTION_DAYS": "180", "BOT_LEAD_RETENTION_DAYS": "30"})
    assert "BOT_LEAD_RETENTION_DAYS=30 is shorter" in (retention_problem(short) or "")
    forever = load_settings({"BOT_RETENTION_DAYS": "0", "BOT_LEAD_RETENTION_DAYS": "30"})
    assert "for ever" in (retention_problem(forever) or "")
    run_problem = check_settings(Settings(token="1:x", retention_days=180, lead_retention_days=30))
    assert run_problem is not None and "\n" not in run_problem


def test_cutoffs_follow_the_days() -> None:
    assert Retention(180, 0).cutoffs(NOW) == (NOW - 180 * DAY, None)
    assert Retention(180, 365).cutoffs(NOW) == (NOW - 180 * DAY, NOW - 365 * DAY)
    assert Retention(0, 0).cutoffs(NOW) == (None, None)


# -- what prospects are told ---------------------------------------------------------------


async def privacy(
    tmp_path: Path, lang: str, retention_days: int = 180, lead_retention_days: int = 0
) -> str:
    """What ``/privacy`` answers in ``lang`` with these settings."""
    settings = Settings(retention_days=retention_days, lead_retention_days=lead_retention_days)
    db = tmp_path / f"{lang}-{retention_days}-{lead_retention_days}.db"
    engine = build_engine(ROOT, db, settings=settings)
    result = await engine.turn(Input("u1", text="/privacy", language_code=lang))
    engine.store.close()
    return "\n".join(reply.text for reply in result.replies)


async def test_privacy_says_how_long_in_both_languages(tmp_path: Path) -> None:
    it = await privacy(tmp_path, "it")
    en = await privacy(tmp_path, "en")
    assert "dopo 180 giorni" in it and "finché non ci chiedi di toglierli" in it
    assert "after 180 days" in en and "until you ask us to remove them" in en

    it = await privacy(tmp_path, "it", retention_days=365, lead_retention_days=1095)
    en = await privacy(tmp_path, "en", retention_days=365, lead_retention_days=1095)
    assert "dopo 365 giorni, i tuoi contatti dopo 1.095." in it
    assert "after 365 days, and your contact details after 1,095." in en

    it = await privacy(tmp_path, "it", retention_days=0)
    en = await privacy(tmp_path, "en", retention_days=0)
    assert "Li teniamo finché non ci chiedi di cancellarli." in it and "giorni" not in it
    assert "We keep it until you ask us to remove it." in en and "days" not in en
