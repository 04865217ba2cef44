"""Schema migrations: a database made before they existed is upgraded in place, rows intact.

``fixtures/bot-v1.db`` was written by the Store as it was before migrations (``meta`` with
``schema_version`` = 1, no ``migrations`` table): two prospects, a lead and a "talk to a person"
request with their outbox rows (one delivered), a handover open with one admin message linked.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.storage.migrations import Migrations, SchemaTooNew, migrations
from bot.storage.sqlite import Store

V1 = Path(__file__).parent / "fixtures" / "bot-v1.db"


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    target = tmp_path / "bot.db"
    shutil.copyfile(V1, target)
    return target


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"select count(*) from [{table}]").fetchone()[0]
            for table in (
                "users",
                "conversations",
                "transcript",
                "leads",
                "events",
                "outbox",
                "handovers",
                "handover_messages",
            )
        }


def recorded(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("select name from migrations order by rowid")]


def test_the_fixture_is_a_version_1_database() -> None:
    with sqlite3.connect(V1) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    assert "migrations" not in tables and version == ("1",)


def test_a_version_1_database_is_upgraded_in_place(v1: Path) -> None:
    before = counts(v1)
    assert before["users"] == 2 and before["leads"] == 2 and before["outbox"] == 2
    store = Store(v1)
    assert store.migrated == migrations.names  # all recorded, the first one a no-op here
    assert counts(v1) == before
    conv = store.load("tg:4201")
    assert conv is not None and conv.first_name == "Anna" and conv.slots["name"] == "Anna"
    assert store.handover("tg:4202") is not None
    assert store.handover_user(900, 55) == "tg:4202"
    leads = store.leads()
    assert [lead.name for lead in leads] == ["Anna", "Bob"]
    assert leads[0].data == {"current_followers": 1200} and leads[0].status == "new"
    pending = store.pending_outbox()
    assert [(row, item.kind, item.user_id, item.lead_id) for row, item in pending] == [
        (1, "lead", "tg:4201", 1)
    ]
    assert pending[0][1].lead is not None and pending[0][1].lead.contact == "anna@example.com"
    store.close()
    assert recorded(v1) == migrations.names
    with sqlite3.connect(v1) as conn:
        indexes = {r[0] for r in conn.execute("select name from sqlite_master where type='index'")}
    assert {"idx_outbox_pending", "idx_users_first_seen", "idx_leads_user_id"} <= indexes


def test_a_second_open_applies_nothing(v1: Path) -> None:
    Store(v1).close()
    with sqlite3.connect(v1) as conn:
        first = conn.execute("select name, applied_at from migrations").fetchall()
    again = Store(v1)
    assert again.migrated == []
    again.close()
    with sqlite3.connect(v1) as conn:
        assert conn.execute("select name, applied_at from migrations").fetchall() == first


def test_a_new_database_gets_every_migration(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.db")
    assert store.migrated == migrations.names
    store.close()
    assert counts(tmp_path / "new.db")["users"] == 0


def test_a_database_from_a_newer_bot_is_refused(v1: Path) -> None:
    Store(v1).close()
    with sqlite3.connect(v1) as conn:
        conn.execute(
            "insert into migrations (name, applied_at) values ('0999_from_the_future', '2031')"
        )
    before = counts(v1)
    with pytest.raises(SchemaTooNew, match="0999_from_the_future") as refused:
        Store(v1)
    assert "newer version" in str(refused.value)
    assert counts(v1) == before


def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    chosen = Migrations()

    @chosen(name="first")
    def first(db: sqlite_utils.Database) -> None:
        db.execute("create table a (x)")

    @chosen(name="broken")
    def broken(db: sqlite_utils.Database) -> None:
        db.execute("create table b (x)")
        raise RuntimeError("half way")

    db = sqlite_utils.Database(tmp_path / "m.db")
    with pytest.raises(RuntimeError, match="half way"):
        chosen.apply(db, now=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    assert chosen.applied(db) == [("first", "2026-01-01T00:00:00+00:00")]
    assert db["a"].exists() and not db["b"].exists()
    assert chosen.pending(db) == ["broken"]


def test_migration_names_are_unique() -> None:
    chosen = Migrations()
    chosen.add("x", lambda db: None)
    with pytest.raises(ValueError, match="twice"):
        chosen.add("x", lambda db: None)


def test_the_command_line_explains_a_database_it_cannot_use(v1: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    with sqlite3.connect(v1) as conn:
        conn.execute("create table if not exists migrations (name text primary key, applied_at)")
        conn.execute("insert into migrations values ('9999_from_the_future', '2030-01-01')")
    newer = CliRunner().invoke(cli, ["leads", "--db", str(v1)])
    assert newer.exit_code == 1
    assert "newer version of the bot" in newer.output
    assert "Traceback" not in newer.output

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just text someone saved here" * 20)
    broken = CliRunner().invoke(cli, ["stats", "--db", str(junk)])
    assert broken.exit_code == 1
    assert "cannot be opened as the bot's database" in broken.output


def test_what_was_applied_is_logged_and_told_on_the_command_line(
    v1: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    with caplog.at_level("INFO", logger="bot.storage"):
        Store(v1).close()
    (record,) = [r for r in caplog.records if r.name == "bot.storage"]
    assert record.levelname == "INFO" and "0002_outbox_pending_index" in record.getMessage()
    caplog.clear()
    with caplog.at_level("INFO", logger="bot.storage"):
        Store(v1).close()  # up to date: nothing to say
    assert not [r for r in caplog.records if r.name == "bot.storage"]

    fresh = v1.parent / "fresh.db"
    shutil.copyfile(V1, fresh)
    upgraded = CliRunner().invoke(cli, ["stats", "--db", str(fresh)])
    assert upgraded.exit_code == 0, upgraded.output
    line = f"Upgraded the database: {', '.join(migrations.names)}"
    assert line in upgraded.stderr and line not in upgraded.stdout
    again = CliRunner().invoke(cli, ["leads", "--db", str(fresh)])
    assert again.exit_code == 0 and "Upgraded" not in again.output


def test_the_migrations_table_is_the_one_record_of_the_version(v1: Path, tmp_path: Path) -> None:
    for path in (v1, tmp_path / "new.db"):
        Store(path).close()
        with sqlite3.connect(path) as conn:
            assert conn.execute("select * from meta").fetchall() == []  # the table stays
        assert recorded(path) == migrations.names
