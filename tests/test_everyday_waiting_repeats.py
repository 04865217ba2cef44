"""Issue 10, kinds 7, 8 and 12: the language stays put unless the prospect really switched; no
text twice in a row (digressions, a question asked again, stale taps); a prospect waiting for a
person is told where the request is and when the team answers (``dialogs/office_hours.yaml``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import app
from bot.base.problems import Problems
from bot.core.engine import Engine
from bot.core.messages import Input
from bot.core.office_hours import OfficeHours, load_office_hours, waiting_values
from tests.conftest import ROOT, Chat, build_engine
from tests.test_telegram_e2e import ANN, MENU_CONTACT, MENU_GROWTH, Starter, keyboard_data, start

__all__ = ["start"]  # the Telegram harness's fixture, used below

SUNDAY = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # 11:00 in Rome: the office is closed
MONDAY_MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # 10:30 in Rome: open
MONDAY_EVENING = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 20:00 in Rome: closed till Tuesday


def shipped(tmp_path: Path, clock: Callable[[], datetime] | None = None) -> Engine:
    if clock is None:
        return build_engine(ROOT, tmp_path / "bot.db")
    probe = build_engine(ROOT, tmp_path / "probe.db")  # the understanding, built once
    return app.build_engine(
        probe.content,
        app.open_store(tmp_path / "bot.db"),
        clock=clock,
        understanding=probe.understanding,
        files_dir=tmp_path / "charts",
    )


# -- 7. the language stays put ---------------------------------------------------------------

ITALIAN_CHAT_KEEPS = [
    "quant cost?",
    "brand awareness",
    "personal trainer",
    "digital marketing",
    "coffee shop",
    "mario at gmail",
    "ok",
    "social media manager",
    "anyone there?",
    "not sure",
]
ENGLISH_CHAT_KEEPS = [
    "quanto cost?",
    "pizzeria da Mario",
    "trattoria",
    "ok",
    "Marco Rossi",
    "ciao",
    "social media manager",
    "c'è qualcuno?",
    "boh",
]


@pytest.mark.parametrize("text", ITALIAN_CHAT_KEEPS)
async def test_an_italian_chat_stays_italian_on_loanwords_and_short_messages(
    tmp_path: Path, text: str
) -> None:
    chat = Chat(shipped(tmp_path), language_code="it")
    await chat.say("/start")
    result = await chat.say(text)
    assert result.lang == "it", chat.texts


@pytest.mark.parametrize("text", ENGLISH_CHAT_KEEPS)
async def test_an_english_chat_stays_english_on_loanwords_and_short_messages(
    tmp_path: Path, text: str
) -> None:
    chat = Chat(shipped(tmp_path), language_code="en")
    await chat.say("/start")
    result = await chat.say(text)
    assert result.lang == "en", chat.texts


@pytest.mark.parametrize(
    ("phone", "sentence", "lang"),
    [
        ("it", "Hi, how much does it cost to manage our Instagram?", "en"),
        ("it", "I would like to talk to a person about our page", "en"),
        ("en", "Ciao, quanto costa gestire il nostro Instagram?", "it"),
        ("en", "Vorrei parlare con una persona della vostra agenzia", "it"),
    ],
)
async def test_a_whole_sentence_in_the_other_language_switches(
    tmp_path: Path, phone: str, sentence: str, lang: str
) -> None:
    chat = Chat(shipped(tmp_path), language_code=phone)
    await chat.say("/start")
    result = await chat.say(sentence)
    assert result.lang == lang


async def test_a_loanword_answer_to_a_typed_question_keeps_the_language(tmp_path: Path) -> None:
    for phone, answer in (("it", "Coffee Shop Bianchi"), ("en", "Pasticceria Bianchi")):
        chat = Chat(shipped(tmp_path / phone), language_code=phone)
        await chat.say("/start")
        await chat.say("/menu")
        await chat.press_id("menu.contact")  # leave your details
        await chat.press_id("lead.start_button")  # start
        result = await chat.say(answer)
        assert result.lang == phone


# -- 8. no repetition ------------------------------------------------------------------------


def no_text_twice_in_a_row(said: list[str]) -> None:
    for before, after in itertools.pairwise(said):
        assert before != after, f"said twice in a row: {after[:60]!r}"


@pytest.mark.parametrize(
    ("phone", "pricing", "questions"),
    [
        (
            "it",
            "quanto costa?",
            ["e le sponsorizzate?", "ma i follower li comprate?", "posso pubblicare io?"],
        ),
        (
            "en",
            "how much does it cost?",
            ["what about ads?", "do you buy followers?", "can I post myself?"],
        ),
    ],
)
async def test_digressions_do_not_repeat_the_question_on_screen(
    tmp_path: Path, phone: str, pricing: str, questions: list[str]
) -> None:
    engine = shipped(tmp_path)
    chat = Chat(engine, language_code=phone)
    await chat.say("/start")
    said: list[str] = [r.text for r in (chat.last.replies if chat.last else [])]
    await chat.say(pricing)
    said += chat.texts
    question = chat.texts[-1]
    # the same question again, while its answer is right there: pointed at, not repeated
    await chat.say(pricing)
    assert chat.texts == [engine.text("common.see_above", phone)]
    assert chat.buttons  # its keyboard comes again under the pointer
    said += chat.texts
    for text in questions:
        await chat.say(text)
        said += chat.texts
        assert chat.buttons, "the step's buttons always come back"
    no_text_twice_in_a_row(said)
    assert said.count(question) <= 2, "the question was repeated after every digression"


@pytest.mark.parametrize("phone", ["it", "en"])
async def test_ten_taps_on_an_old_keyboard_are_one_reprompt_at_most(
    tmp_path: Path, phone: str
) -> None:
    engine = shipped(tmp_path)
    chat = Chat(engine, language_code=phone)
    await chat.say("/start")
    old = chat.last
    await chat.press_id("menu.growth")
    chat.last = old
    replies = 0
    for _ in range(10):
        result = await chat.press_id("menu.pricing")  # from the passed menu
        chat.last = old
        assert result.notice == engine.text("common.stale_button", phone)
        assert result.state == "growth_honest"
        replies += len(result.replies)
    assert replies <= 1


async def test_stale_taps_after_a_message_reprompt_once_per_step(tmp_path: Path) -> None:
    engine = shipped(tmp_path)
    chat = Chat(engine, language_code="it")
    await chat.say("/start")
    old = chat.last
    await chat.press_id("menu.growth")
    await chat.say("blablabla")  # not understood: the question is no longer the last message
    counts = []
    for _ in range(5):
        chat.last = old
        counts.append(len((await chat.press_id("menu.pricing")).replies))
    assert counts == [1, 0, 0, 0, 0]


# -- 12. waiting for a person ----------------------------------------------------------------


async def ask_for_a_person(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press_id("menu.human")  # talk to a person
    await chat.press_id("human.write_here")
    assert chat.last is not None and chat.last.state == "human_here"


@pytest.mark.parametrize(
    ("phone", "pings", "closed_words", "open_words"),
    [
        (
            "it",
            ["ciao?", "c'è qualcuno?", "voglio parlare con una persona"],
            "domattina dalle 9:00",
            "entro oggi",
        ),
        (
            "en",
            ["hello?", "anyone there?", "I want to talk to a person"],
            "tomorrow morning from 9:00",
            "later today",
        ),
    ],
)
async def test_a_prospect_waiting_for_a_person_hears_when_the_team_answers(
    tmp_path: Path, phone: str, pings: list[str], closed_words: str, open_words: str
) -> None:
    now = [SUNDAY]
    engine = shipped(tmp_path, clock=lambda: now[0])
    chat = Chat(engine, language_code=phone)
    await ask_for_a_person(chat)
    assert closed_words in chat.texts[0]  # the confirmation says when, too
    offer = engine.text("human.offer", phone)
    said: list[str] = []
    for ping in pings:
        result = await chat.say(ping)
        assert result.state == "human_here"
        assert offer not in chat.texts, "a person offered again"
        assert any(closed_words in text for text in chat.texts), chat.texts
        said += chat.texts
    no_text_twice_in_a_row(said)
    # the menu's "talk to a person" while waiting: not a second request
    await chat.say("/menu")
    result = await chat.press_id("menu.human")
    assert offer not in chat.texts and result.state == "menu"
    assert len(engine.store.events(chat.user, kind="human_requested")) == 1
    # during office hours: "today"
    now[0] = MONDAY_MORNING
    await chat.say(pings[0])
    assert any(open_words in text for text in chat.texts), chat.texts
    # a real question is still answered
    await chat.say("quanto costa?" if phone == "it" else "how much does it cost?")
    assert chat.last is not None and chat.last.state == "pricing"


async def test_the_wait_ends_when_staff_close_it_or_after_a_while(tmp_path: Path) -> None:
    now = [MONDAY_EVENING]
    engine = shipped(tmp_path, clock=lambda: now[0])
    chat = Chat(engine, language_code="it")
    await ask_for_a_person(chat)
    await chat.say("ci sei?")
    assert any("domattina dalle 9:00" in text for text in chat.texts)
    # the staff handled it (a handover opened and closed): asking again offers a person again
    engine.store.open_handover(chat.user, now[0])
    engine.store.close_handover(chat.user, now[0], "admin:1")
    await chat.say("c'è qualcuno?")
    # no longer waiting: no "we answer tomorrow at 9"; the question is read as any other (the
    # understanding takes it as asking for a person, and offers one afresh)
    assert not any("fuori ufficio" in text or "domattina" in text for text in chat.texts)
    # nobody closed it: after the wait, "talk to a person" is offered again
    chat2 = Chat(engine, user="u2", language_code="it")
    await ask_for_a_person(chat2)
    now[0] = MONDAY_EVENING.replace(day=9)
    await chat2.say("voglio parlare con una persona")
    assert engine.text("human.offer", "it") in chat2.texts


async def test_the_handover_relay_is_not_the_engines_business(tmp_path: Path) -> None:
    """While a person has taken over, the adapter relays (tests/test_handover.py); the engine
    never sees those messages, and after it is closed it answers as usual."""
    engine = shipped(tmp_path, clock=lambda: SUNDAY)
    chat = Chat(engine, language_code="en")
    await ask_for_a_person(chat)
    await engine.turn(Input(chat.user, text="/menu"))
    result = await chat.say("how much does it cost?")
    assert result.state == "pricing"


# -- office hours ------------------------------------------------------------------------------

WEEKDAYS = {d: ((datetime(2026, 1, 1, 9).time(), datetime(2026, 1, 1, 13).time()),) for d in (0, 4)}


def test_office_hours_open_closed_and_next_opening() -> None:
    hours = OfficeHours("Europe/Rome", WEEKDAYS)  # Monday and Friday, 9 to 13
    assert hours.is_open(MONDAY_MORNING)
    assert not hours.is_open(SUNDAY)
    assert hours.next_opening(SUNDAY) == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert hours.values(SUNDAY, "it")["open_day"] == "tomorrow"
    assert hours.values(SUNDAY, "it")["open_morning"] is True
    monday_late = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    values = hours.values(monday_late, "it")
    assert values["open_day"] == "later" and values["open_weekday"] == "venerdì"
    assert values["open_time"] == "9:00"
    assert hours.values(monday_late, "en")["open_time"].replace("\u202f", " ") == "9:00 AM"
    assert hours.values(MONDAY_MORNING, "en")["team_in"] is True
    assert OfficeHours("Europe/Rome", {}).next_opening(SUNDAY) is None


def test_waiting_values_without_the_file_promise_nothing() -> None:
    values = waiting_values(object(), SUNDAY, "it")
    assert values["team_in"] is False and values["open_day"] == ""


def test_the_shipped_office_hours_load() -> None:
    problems = Problems()
    hours = load_office_hours(ROOT / "dialogs" / "office_hours.yaml", problems)
    assert not problems.errors and hours is not None
    assert hours.timezone == "Europe/Rome" and set(hours.days) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('timezone: Europe/Roma\nhours:\n  mon: "9-13"\n', ":1:11:", "not a time zone"),
        ('hours:\n  mom: "9-13"\n', ":2:3:", "did you mean"),
        ('hours:\n  mon: "13-9"\n', ":2:8:", "ends before it starts"),
        ('hours:\n  mon: "9-13, 12-18"\n', ":2:8:", "overlaps"),
        ('hours:\n  mon: "nine to one"\n', ":2:8:", "not an opening time"),
        ('hour:\n  mon: "9-13"\n', ":1:1:", "unknown setting"),
    ],
)
def test_office_hours_mistakes_are_located(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = tmp_path / "office_hours.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    assert load_office_hours(path, problems) is None
    report = problems.report()
    assert where in report and words in report.lower(), report


# -- on Telegram: taps on an old keyboard --------------------------------------------------------


async def test_ten_taps_on_an_old_keyboard_on_telegram(start: Starter) -> None:
    """Ten taps on an old keyboard: ten pop-ups, at most one message (Telegram allows about
    one message a second in a chat)."""
    h = await start()
    await h.say(ANN, "/start")
    old_menu = h.last_keyboard(ANN)
    await h.press(ANN, MENU_GROWTH)
    await h.say(ANN, "blablabla")  # the step is no longer the last message: one re-prompt
    sent, answers = len(h.fake.sent(ANN)), len(h.fake.calls_to("answerCallbackQuery"))
    data = keyboard_data(old_menu, MENU_CONTACT)
    taps = [h.fake.press(ANN, data, old_menu.message_id) for _ in range(10)]
    await h.handled(*taps)
    assert len(h.fake.sent(ANN)) - sent <= 1
    popups = h.fake.calls_to("answerCallbackQuery")[answers:]
    assert len(popups) == 10
    notice = h.engine.text("common.stale_button", "en")
    assert all(c.params.get("text") == notice for c in popups)
    assert h.state(ANN) == "growth_honest"
