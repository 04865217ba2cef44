"""`python -m bot review`: what the bot did not understand, grouped, taught back by staff.

Conversations run through the real engine on a real SQLite file; the intents file written is a
copy of dialogs/ in tmp_path, so the shipped one is never touched. How examples are written
into the file (layout, comments, refusals, checks): tests/test_intents_file.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot import app
from bot.cli import cli
from bot.content import intents_file
from bot.core.engine import Engine
from bot.staff.reload import Reloader, ReloadOutcome
from bot.staff.review import (
    LOW_CONFIDENCE,
    InvalidIntents,
    LayoutError,
    ReviewError,
    ReviewGroup,
    ReviewService,
    UnknownGroup,
    UnknownIntent,
    digest,
)
from bot.storage.sqlite import Store
from bot.understanding.intents import OUT_OF_SCOPE
from bot.understanding.nlu import Understanding
from bot.understanding.text import normalise
from tests.conftest import ROOT, Chat, build_engine
from tests.test_intents_file import HOSTILE, examples, intents_of, only_added

# Messages the shipped intents do not teach (each test checks it still is so): slang for money,
# and something the agency does not do at all.
DOSH = "how much dosh do you lot want"
DOSH_TOO = "how much dosh do u lot want"
METAVERSE = "voi lavorate col metaverso?"
COMMENT = "# What prospects ask the bot, and how it recognises each question."


def copy_content(target: Path) -> Path:
    for folder in ("dialogs", "locales"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """The shipped bot (its understanding built once per run) on a fresh database."""
    return build_engine(ROOT, tmp_path / "bot.db")


def service(engine: Engine, root: Path, **kwargs: Any) -> ReviewService:
    assert isinstance(engine.store, Store)
    return ReviewService(
        engine.store, engine.understanding, root / "dialogs" / "intents.yaml", **kwargs
    )


async def say(engine: Engine, user: str, *texts: str, lang: str = "en") -> None:
    chat = Chat(engine, user, language_code=lang)
    await chat.say("/start")
    for text in texts:
        await chat.say(text)


async def not_understood(engine: Engine) -> None:
    """Four prospects write what the bot does not understand; the messages are still new to
    the shipped intents (if one is taught one day, pick another)."""
    for text in (DOSH, DOSH_TOO, METAVERSE):
        analysis = engine.understanding.analyse(text, None)  # type: ignore[union-attr]
        assert analysis.intent is None, f"{text!r} is understood now: pick another message"
    await say(engine, "ann", DOSH)
    await say(engine, "bob", DOSH.upper() + "??")  # the same message, shouted
    await say(engine, "cat", DOSH_TOO)
    await say(engine, "dan", METAVERSE, lang="it")


# -- recording and grouping ----------------------------------------------------------------------


async def test_messages_not_understood_are_grouped_by_similarity_with_counts(
    engine: Engine, content: Path
) -> None:
    await not_understood(engine)
    recorded = [e.detail for e in engine.store.events(kind="not_understood")]
    assert DOSH in recorded and METAVERSE in recorded

    groups = service(engine, content).groups()
    dosh, metaverse = groups  # the biggest first
    assert dosh.count == 3 and metaverse.count == 1
    # the shouted one is the same message: counted with it, shown in its plainest spelling
    assert [(m.text, m.count) for m in dosh.messages] == [(DOSH, 2), (DOSH_TOO, 1)]
    assert dosh.text == DOSH  # the most frequent first
    assert dosh.lang == "en" and metaverse.lang == "it"
    assert dosh.suggestion == "pricing" and dosh.confidence > 0
    assert not dosh.low_confidence and not any(m.understood for m in dosh.messages)
    # the id is the representative's digest: the same in every run
    assert dosh.id == digest(normalise(DOSH))[:8]
    assert [g.id for g in service(engine, content).groups()] == [dosh.id, metaverse.id]
    assert json.loads(json.dumps(dosh.to_json()))["messages"][0]["count"] == 2


async def test_an_answer_given_with_low_confidence_is_recorded_and_listed(
    tmp_path: Path, content: Path
) -> None:
    real = build_engine(ROOT, tmp_path / "real.db").understanding
    assert real is not None
    unsure = Unsure(real, DOSH, "pricing", 0.55)
    engine = build_engine(ROOT, tmp_path / "bot.db", understanding=unsure)
    await say(engine, "ann", DOSH, "quanto costa la gestione di instagram?")

    details = [e.detail or "" for e in engine.store.events(kind="intent")]
    assert f"pricing 0.55 {DOSH}" in details  # the text is kept with the intent
    assert all(len(d.split(" ", 2)) == 3 for d in details)

    groups = service(engine, content, low_confidence=LOW_CONFIDENCE).groups()
    assert [g.text for g in groups] == [DOSH]  # the confident answer is not listed
    assert groups[0].low_confidence and groups[0].suggestion == "pricing"
    assert groups[0].confidence == pytest.approx(0.55)


async def test_without_a_classifier_the_matcher_suggests_the_nearest_intent(
    tmp_path: Path, content: Path
) -> None:
    matcher_only = Understanding(intents_of(ROOT), classifier=False)
    engine = build_engine(ROOT, tmp_path / "bot.db", understanding=matcher_only)
    await not_understood(engine)
    dosh, metaverse = service(engine, content).groups()
    assert dosh.suggestion == "pricing"  # the matcher's ranking (Understanding.ranked)
    nearest = [matcher_only.matcher.ranked(text, "en")[0] for text in (DOSH, DOSH_TOO)]
    assert dosh.confidence == max(conf for _, conf in nearest) < 0.5  # its surest message's
    assert metaverse.suggestion == matcher_only.ranked(METAVERSE, "it")[0][0]


class Unsure:
    """The real understanding, except that it answers one message unsure."""

    def __init__(self, real: Any, text: str, intent: str, confidence: float) -> None:
        self.real, self.text, self.intent, self.confidence = real, text, intent, confidence
        self.languages = real.languages

    def analyse(self, text: str, lang_prior: str | None = None, today: Any = None) -> Any:
        analysis = self.real.analyse(text, lang_prior, today)
        if text != self.text:
            return analysis
        return dataclasses.replace(analysis, intent=self.intent, confidence=self.confidence)


async def test_since_lists_only_newer_messages(engine: Engine, content: Path) -> None:
    await not_understood(engine)
    review = service(engine, content)
    at = engine.clock()
    assert len(review.groups(since=at)) == 2  # written at the engine's (fixed) time
    assert review.groups(since=at.replace(year=at.year + 1)) == []


# -- accepting -----------------------------------------------------------------------------------


async def test_accepting_writes_examples_keeping_comments_and_layout(
    engine: Engine, content: Path
) -> None:
    await not_understood(engine)
    path = content / "dialogs" / "intents.yaml"
    before = path.read_text(encoding="utf-8")
    review = service(engine, content)
    dosh = review.groups()[0]

    added = review.accept(dosh)  # the suggestion: pricing
    assert added.written and added.intent == "pricing" and added.blocked is None
    assert added.where() == {("pricing", "en"): 2}
    after = path.read_text(encoding="utf-8")
    assert COMMENT in after.splitlines()
    assert "      # saying no thanks and leaving: the bot says goodbye (no question to answer)" in (
        after.splitlines()
    )
    assert only_added(before, after) == [f"        - {DOSH}", f"        - {DOSH_TOO}"]
    assert examples(intents_of(content), "pricing", "en")[-2:] == [DOSH, DOSH_TOO]
    # accepted: no longer listed; the other group still is
    assert [g.text for g in review.groups()] == [METAVERSE]

    # reassigned to out_of_scope, after a typo in the intent's name
    with pytest.raises(UnknownIntent) as typo:
        review.accept(review.groups()[0], "out_of_scop")
    assert "did you mean `out_of_scope`" in str(typo.value)
    assert OUT_OF_SCOPE in typo.value.choices and "pricing" in typo.value.choices
    review.accept(review.groups()[0], "out_of_scope")
    assert METAVERSE in examples(intents_of(content), OUT_OF_SCOPE, "it")
    assert review.groups() == []
    only_added(before, path.read_text(encoding="utf-8"))


def test_the_intents_file_errors_reach_staff_as_review_errors(content: Path) -> None:
    path = content / "dialogs" / "intents.yaml"
    broken = path.read_text(encoding="utf-8").replace(
        "    answer: main.pricing", "    answer: main.pricing\n    answr: oops", 1
    )
    path.write_text(broken, encoding="utf-8")
    review = ReviewService(None, None, path)  # type: ignore[arg-type]
    with pytest.raises(InvalidIntents) as err:
        review.add_examples("pricing", [(DOSH, "en")])
    assert isinstance(err.value, ReviewError) and isinstance(err.value, intents_file.InvalidIntents)
    assert "answr" in err.value.error and str(err.value).endswith("was left as it was.")
    assert path.read_text(encoding="utf-8") == broken

    shipped = (ROOT / "dialogs" / "intents.yaml").read_text(encoding="utf-8")
    path.write_text(shipped.replace("  ", "   "), encoding="utf-8")  # unlike any writer's
    with pytest.raises(LayoutError, match="re-indent the file") as layout:
        review.add_examples("pricing", [(DOSH, "en")])
    assert isinstance(layout.value, intents_file.LayoutError)

    path.unlink()
    with pytest.raises(ReviewError, match="cannot read"):
        review.intents()


def test_the_whole_check_of_the_app_accepts_what_the_review_writes(content: Path) -> None:
    path = content / "dialogs" / "intents.yaml"
    check = lambda: app.load_content(content).problems  # noqa: E731
    review = ReviewService(None, None, path, check=check)  # type: ignore[arg-type]
    added = review.add_examples("pricing", [(DOSH, "en"), (HOSTILE[0], "it")])
    assert len(added.added) == 2 and added.blocked is None, added.blocked


# -- ignoring ------------------------------------------------------------------------------------


async def test_an_ignored_group_is_not_listed_again(engine: Engine, content: Path) -> None:
    await not_understood(engine)
    review = service(engine, content)
    metaverse = review.groups()[1]
    assert review.ignore(metaverse.id) == 1
    assert [g.text for g in review.groups()] == [review.groups()[0].text]
    assert metaverse.id not in [g.id for g in review.groups()]
    # said again by someone else: still not listed; what was ignored is no text, only digests
    await say(engine, "eve", METAVERSE, lang="it")
    assert metaverse.id not in [g.id for g in review.groups()]
    assert isinstance(engine.store, Store)
    rows = list(engine.store.db.query("select * from review_ignored"))
    assert [r["digest"] for r in rows] == [metaverse.messages[0].id]
    assert METAVERSE not in json.dumps(rows)
    with pytest.raises(UnknownGroup):
        review.ignore(metaverse.id)
    assert await review.aignore(metaverse) == 0  # from async code, through the store's thread
    assert [g.id for g in await review.agroups()] == [g.id for g in review.groups()]


def test_a_group_is_found_by_its_id_or_a_message_id() -> None:
    group = ReviewGroup("abcd1234", "x", (), "en", None, 0.0, False)
    assert group.names("abcd1234") and group.names("ABCD") and not group.names("ab")


# -- the command line ----------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> Any:
    result = CliRunner().invoke(cli, ["review", *args], input=input)
    return result


async def test_the_command_lists_accepts_and_ignores(engine: Engine, content: Path) -> None:
    await not_understood(engine)
    assert isinstance(engine.store, Store)
    where = ["--db", str(engine.store.path), "--content", str(content)]
    dosh_id = digest(normalise(DOSH))[:8]

    listed = run("--list", *where)
    assert listed.exit_code == 0, listed.output
    assert "2 group(s) to review, 4 message(s)" in listed.output
    assert f"{dosh_id} · 3 message(s) · en · not understood" in listed.output
    assert "   2× " in listed.output and "nearest intent: pricing" in listed.output

    as_json = run("--list", "--json", *where)
    groups = json.loads(as_json.output)
    assert [g["count"] for g in groups] == [3, 1] and groups[0]["suggestion"] == "pricing"
    metaverse_id = groups[1]["id"]

    wrong = run("--accept", dosh_id, "--as", "pricng", *where)
    assert wrong.exit_code == 1
    assert "no intent 'pricng'" in wrong.output and "did you mean `pricing`?" in wrong.output
    assert "the intents are: greeting, " in wrong.output
    assert run("--as", "pricing", *where).exit_code == 2  # --as needs --accept

    ignored = run("--ignore", metaverse_id, *where)
    assert ignored.exit_code == 0 and "won't be listed again" in ignored.output

    accepted = run("--accept", dosh_id, *where)
    assert accepted.exit_code == 0, accepted.output
    assert "Added 2 example(s): 2 to pricing (en)." in accepted.output
    assert "picks them up by itself within about ten seconds" in accepted.output
    assert normalise(DOSH) in {normalise(t) for t in examples(intents_of(content), "pricing", "en")}

    empty = run("--list", *where)
    assert "Nothing to review" in empty.output


async def test_the_command_asks_group_by_group(engine: Engine, content: Path) -> None:
    await not_understood(engine)
    assert isinstance(engine.store, Store)
    where = ["--db", str(engine.store.path), "--content", str(content)]
    result = run(*where, input="a\nq\n")
    assert result.exit_code == 0, result.output
    assert "[1/2]" in result.output and "a = accept as pricing" in result.output
    assert "Added 2 example(s): 2 to pricing (en)." in result.output
    assert "[2/2]" in result.output  # shown, then left with q
    assert "Done: 2 example(s) added, 0 group(s) ignored." in result.output
    assert METAVERSE not in examples(intents_of(content), OUT_OF_SCOPE, "it")


async def test_the_command_reassigns_with_did_you_mean_and_ignores(
    engine: Engine, content: Path
) -> None:
    await not_understood(engine)
    assert isinstance(engine.store, Store)
    where = ["--db", str(engine.store.path), "--content", str(content)]
    result = run(*where, input="r\nad budgt\nad_budget\ni\n")
    assert result.exit_code == 0, result.output
    assert "There is no intent 'ad budgt'. Did you mean `ad_budget`?" in result.output
    assert "Added 2 example(s): 2 to ad_budget (en)." in result.output
    assert "Ignored: it won't be listed again." in result.output
    assert "Done: 2 example(s) added, 1 group(s) ignored." in result.output
    assert examples(intents_of(content), "ad_budget", "en")[-2:] == [DOSH, DOSH_TOO]
    assert service(engine, content).groups() == []


def test_the_command_says_when_there_is_nothing_to_review(engine: Engine, content: Path) -> None:
    assert isinstance(engine.store, Store)
    engine.store.db.execute("select 1")  # the database exists, nobody was misunderstood
    result = run("--db", str(engine.store.path), "--content", str(content))
    assert result.exit_code == 0 and "Nothing to review" in result.output


# -- the acceptance ----------------------------------------------------------------------


class Reports:
    def __init__(self) -> None:
        self.outcomes: list[ReloadOutcome] = []

    async def __call__(self, outcome: ReloadOutcome) -> None:
        self.outcomes.append(outcome)


async def test_a_message_not_understood_is_taught_in_one_command_and_understood_after_reload(
    tmp_path: Path, content: Path
) -> None:
    """Done means: a not-understood message can be turned into an example by staff in one
    command and is understood after the reload (the running bot's own file watcher)."""
    db = tmp_path / "bot.db"
    engine = build_engine(content, db)
    problems = Reports()
    reloader = Reloader(engine, content, problems, prepare=app.prepare, debounce_ms=200, step_ms=50)
    ann = Chat(engine, "ann")
    await ann.say("/start")
    await ann.say(DOSH)
    assert [e.detail for e in engine.store.events("ann", "not_understood")] == [DOSH]
    not_understood_reply = ann.texts

    old = engine.understanding
    reloader.start()
    await asyncio.sleep(0)  # the watcher registers before its first await
    try:
        group = digest(normalise(DOSH))[:8]
        args = ["--accept", group, "--as", "pricing", "--db", str(db), "--content", str(content)]
        result = await asyncio.to_thread(run, *args)
        assert result.exit_code == 0, result.output
        assert "Added 1 example(s): 1 to pricing (en)." in result.output
        started = time.monotonic()
        while engine.understanding is old:  # retraining the classifier takes seconds
            assert time.monotonic() - started < 90, "the running bot did not reload"
            assert not problems.outcomes, problems.outcomes[0].report
            await asyncio.sleep(0.1)
    finally:
        await reloader.stop()

    analysis = engine.understanding.analyse(DOSH, "en")  # type: ignore[union-attr]
    assert analysis.intent == "pricing", analysis
    await ann.say("/menu")
    await ann.say(DOSH)
    intents = [e.detail or "" for e in engine.store.events("ann", "intent")]
    assert intents and intents[-1].startswith("pricing ") and intents[-1].endswith(DOSH)
    assert ann.texts != not_understood_reply
    assert [e.detail for e in engine.store.events("ann", "not_understood")] == [DOSH]
