"""Nothing a prospect gave is lost: giving up, "never mind", "back", "resume", a second run of
the numbers, a change of any answer, and two flows that never overwrite each other's slots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import app
from bot.base.problems import Problems
from bot.core.engine import Engine
from bot.storage.sqlite import Store
from tests.conftest import ROOT, Chat, build_engine

WORDS = {
    "it": {
        "growth": "📈 Quanti follower, e quando?",
        "math": "🧮 Fai i conti con i miei numeri",
        "menu": "Torna al menu",
        "resume": "↩️ Riprendi da dove eri",
        "person": "🙋 Parla con una persona",
        "contacts": "✍️ Lascia i tuoi contatti",
        "start": "Iniziamo",
        "telegram": "Qui su Telegram",
        "yes": "Sì",
        "reuse": "✅ Sì, usa questi",
        "afresh": "🔄 Ricomincia da capo",
        "change": "✏️ Cambia un dato",
        "change_platform": "📱 Cambia il social",
        "you_said": "Prima avevi risposto: {}.",
        "ten_k": "10.000",
        "left": "lasciamo perdere questa domanda",
        "first": "Questa è la prima domanda",
    },
    "en": {
        "growth": "📈 How fast will we grow?",
        "math": "🧮 Run my numbers",
        "menu": "Back to menu",
        "resume": "↩️ Pick up where you left off",
        "person": "🙋 Talk to a person",
        "contacts": "✍️ Leave your details",
        "start": "Let's go",
        "telegram": "Here on Telegram",
        "yes": "Yes",
        "reuse": "✅ Yes, use these",
        "afresh": "🔄 Start from scratch",
        "change": "✏️ Change an answer",
        "change_platform": "📱 Change the platform",
        "you_said": "Earlier you said: {}.",
        "ten_k": "10,000",
        "left": "let's drop that question",
        "first": "This is the first question",
    },
}
BACK = {
    "it": ["indietro", "Torna indietro", "torniamo indietro!"],
    "en": ["back", "Go back", "previous"],
}
CANCEL = {
    "it": ["lascia perdere", "Annulla", "lascia stare", "esci"],  # «basta» is a goodbye
    "en": ["never mind", "cancel", "stop", "Forget it"],
}
RESUME = {"it": "riprendi", "en": "continue"}
LANGS = ["it", "en"]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return build_engine(ROOT, tmp_path / "bot.db")


async def _to_target(chat: Chat, w: dict[str, str], platform: str = "TikTok") -> None:
    await chat.say("/start")
    await chat.press(w["growth"])
    await chat.press(w["math"])
    await chat.press(platform)
    result = await chat.say("800")
    assert result.state == "ask_target"


async def _full_run(chat: Chat, w: dict[str, str], platform: str = "Instagram") -> None:
    await _to_target(chat, w, platform)
    await chat.say("10000")
    await chat.say("200")
    result = await chat.say("3")
    assert result.state == "offer"


@pytest.mark.parametrize("lang", LANGS)
async def test_giving_up_keeps_the_answers_and_offers_a_person_or_the_menu(
    engine: Engine, lang: str
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"gu-{lang}", language_code=lang)
    await _to_target(chat, w)
    for wrong in ("boh", "mah", "uffa"):
        result = await chat.say(wrong)
    assert (result.dialog, result.state) == ("main", "gave_up")
    assert result.slots == {"platform": "tiktok", "current_followers": 800}
    assert w["person"] in chat.buttons and w["menu"] in chat.buttons
    result = await chat.press(w["menu"])
    assert w["resume"] in chat.buttons
    result = await chat.press(w["resume"])
    assert (result.dialog, result.state) == ("projection", "ask_target")
    result = await chat.say("10000")
    assert result.state == "ask_budget" and result.slots["current_followers"] == 800
    # /menu at a question keeps it for later too
    await chat.say("/menu")
    assert w["resume"] in chat.buttons
    result = await chat.press(w["resume"])
    assert result.state == "ask_budget"
    await chat.say("/menu")
    await chat.press(w["resume"])
    await chat.say("200")
    await chat.say("/menu")  # at a question again (posts): that one is kept now
    result = await chat.press(w["resume"])
    assert result.state == "ask_posts"


@pytest.mark.parametrize("lang", LANGS)
async def test_the_person_after_a_give_up_receives_what_was_collected(
    engine: Engine, lang: str
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"gp-{lang}", language_code=lang)
    await _to_target(chat, w)
    for wrong in ("boh", "mah", "uffa"):
        await chat.say(wrong)
    result = await chat.press(w["person"])
    assert result.outbox, "the agency is told"
    lead = result.outbox[0].lead
    assert lead is not None and lead.platform == "tiktok"
    assert lead.data["current_followers"] == 800


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("index", range(4))
async def test_a_typed_way_out_leaves_the_question_and_keeps_the_answers(
    engine: Engine, lang: str, index: int
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"c{index}-{lang}", language_code=lang)
    await _to_target(chat, w)
    result = await chat.say(CANCEL[lang][index])
    assert (result.dialog, result.state) == ("main", "menu")
    assert w["left"] in chat.texts[0]
    assert result.slots == {"platform": "tiktok", "current_followers": 800}
    assert w["resume"] in chat.buttons
    result = await chat.say(RESUME[lang])
    assert (result.dialog, result.state) == ("projection", "ask_target")


@pytest.mark.parametrize("lang", LANGS)
async def test_a_way_out_word_is_not_taken_as_a_free_text_answer(engine: Engine, lang: str) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"ft-{lang}", language_code=lang)
    await chat.say("/start")
    await chat.press(w["contacts"])
    await chat.press(w["start"])
    result = await chat.say(CANCEL[lang][0])
    assert result.state == "menu" and "name" not in result.slots


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("index", range(3))
async def test_back_returns_to_the_previous_question_showing_its_answer(
    engine: Engine, lang: str, index: int
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"b{index}-{lang}", language_code=lang)
    await _to_target(chat, w)
    await chat.say("10000")
    result = await chat.say(BACK[lang][index])
    assert result.state == "ask_target"
    assert chat.texts[0] == w["you_said"].format(w["ten_k"])
    result = await chat.say("20000")
    assert result.state == "ask_budget" and result.slots["target_followers"] == 20000
    await chat.say(BACK[lang][index])
    result = await chat.say(BACK[lang][index])
    assert result.state == "ask_current"
    result = await chat.say(BACK[lang][index])
    assert result.state == "ask_platform"
    assert chat.texts[0] == w["you_said"].format("TikTok")
    result = await chat.say(BACK[lang][index])  # nothing before the first question
    assert result.state == "ask_platform"
    assert w["first"] in chat.texts[0]


@pytest.mark.parametrize("lang", LANGS)
async def test_back_is_kept_across_a_restart_of_the_process(tmp_path: Path, lang: str) -> None:
    w = WORDS[lang]
    db = tmp_path / "bot.db"
    chat = Chat(build_engine(ROOT, db), f"p-{lang}", language_code=lang)
    await _to_target(chat, w)
    chat = Chat(build_engine(ROOT, db), f"p-{lang}", language_code=lang)
    result = await chat.say(BACK[lang][0])
    assert result.state == "ask_current"
    assert chat.texts[0] == w["you_said"].format("800")


@pytest.mark.parametrize("lang", LANGS)
async def test_a_second_run_asks_before_reusing_the_numbers(engine: Engine, lang: str) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"r-{lang}", language_code=lang)
    await _full_run(chat, w)
    await chat.press(w["menu"])
    await chat.press(w["growth"])
    result = await chat.press(w["math"])
    assert result.state == "reuse"
    assert all(w[key] in chat.buttons for key in ("reuse", "change", "afresh")), chat.buttons
    assert w["ten_k"] in chat.texts[-1] and "Instagram" in chat.texts[-1]
    result = await chat.press(w["change"])
    result = await chat.press(w["change_platform"])
    assert result.state == "change_platform"
    assert chat.texts[0] == w["you_said"].format("Instagram")
    result = await chat.press("Facebook")
    assert result.state == "offer" and result.slots["platform"] == "facebook"
    assert result.slots["budget"] == 200 and result.slots["posts_per_week"] == 3
    await chat.press(w["menu"])
    await chat.press(w["growth"])
    await chat.press(w["math"])
    result = await chat.press(w["afresh"])
    assert result.state == "ask_platform"
    for name in ("platform", "current_followers", "target_followers", "budget", "posts_per_week"):
        assert name not in result.slots


@pytest.mark.parametrize("lang", LANGS)
async def test_the_lead_form_never_changes_the_projection_platform(
    engine: Engine, lang: str
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"l-{lang}", language_code=lang)
    await _full_run(chat, w, platform="TikTok")
    await chat.press(w["contacts"])
    await chat.press(w["start"])
    await chat.say("Anna Rossi")
    await chat.say("Bakery")
    result = await chat.press("Instagram")
    assert result.slots["platform"] == "tiktok"
    assert result.slots["business_platform"] == "instagram"
    await chat.press(w["telegram"])
    result = await chat.press(w["yes"])
    lead = engine.store.leads()[-1]
    assert lead.platform == "instagram"
    assert "tiktok" in str(lead.data["projection_summary"])
    assert result.slots["platform"] == "tiktok"


def test_staff_can_add_move_words(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "locales" / "it" / "words.yaml").write_text(
        "back: [torna su]\ncancel: [lascia cadere]\nresume: [rieccomi]\n", encoding="utf-8"
    )
    loaded = app.load_content(root)
    assert loaded.content is not None, loaded.problems.report()
    pack = loaded.content.packs["it"]
    assert "torna su" in pack.back and "lascia cadere" in pack.cancel
    assert "rieccomi" in pack.resume and "indietro" in pack.back


def _problems(tmp_path: Path, edit: tuple[str, str, str]) -> str:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    path = root / edit[0]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    assert edit[1] in text
    path.write_text(text.replace(edit[1], edit[2], 1), encoding="utf-8")
    loaded = app.load_content(root)
    problems: Problems = loaded.problems
    return problems.report()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("dialogs/main.yaml", "give_up: gave_up", "give_up: back"),
            "dialogs/main.yaml:6:10: `give_up` of the dialog cannot be `back`",
        ),
        (
            ("dialogs/main.yaml", "give_up: gave_up", "give_up: gave_upp"),
            "dialogs/main.yaml:6:10: `give_up` leads to `gave_upp`, but there is no such state",
        ),
        (
            ("dialogs/projection.yaml", "forget: [platform,", "forget: [platfrom,"),
            "`forget` of state `afresh` names `platfrom`, which no question asks",
        ),
        (
            ("dialogs/projection.yaml", "  afresh:", "  resume:"),
            "`resume` cannot be a state name",
        ),
        (
            ("locales/it/words.yaml", "", "bakc: [torna su]\n"),
            "locales/it/words.yaml:1:1: words.yaml knows only `yes:`, `no:`, `back:`, `cancel:`, "
            "`resume:`, `slots:`, `fee:`, `ads:`, not `bakc`",
        ),
    ],
)
def test_staff_mistakes_are_located(
    tmp_path: Path, edit: tuple[str, str, str], expected: str
) -> None:
    report = _problems(tmp_path, edit)
    assert expected in report, report


def test_the_history_and_resume_columns_are_added_to_an_old_database(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "bot-v1.db", db)
    store = Store(db)
    assert "0005_conversation_history" in store.migrated
    columns = {row[1] for row in store.db.execute("pragma table_info(conversations)")}
    assert {"history", "resume"} <= columns
    store.close()


PERSON = {"it": "voglio parlare con una persona", "en": "I want to talk to a person"}


@pytest.mark.parametrize("lang", LANGS)
async def test_a_typed_request_that_leaves_a_question_can_be_resumed(
    engine: Engine, lang: str
) -> None:
    w = WORDS[lang]
    chat = Chat(engine, f"d-{lang}", language_code=lang)
    await _to_target(chat, w)
    result = await chat.say(PERSON[lang])
    assert (result.dialog, result.state) == ("main", "human")
    await chat.press(w["menu"])
    result = await chat.press(w["resume"])
    assert (result.dialog, result.state) == ("projection", "ask_target")
    assert result.slots["current_followers"] == 800


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("posts", ["2 o 3", "2-3", "tipo 2 o 3", "2 or 3"])
async def test_a_range_of_posts_never_becomes_the_followers(
    engine: Engine, lang: str, posts: str
) -> None:
    """Persona test: "2 o 3" at the posts question was read as 2 → 3 followers as well."""
    chat = Chat(engine, language_code=lang)
    await _to_target(chat, WORDS[lang], "Instagram")
    await chat.say("10000")
    await chat.say("200")
    result = await chat.say(posts)
    assert result.state == "offer"
    assert result.slots["current_followers"] == 800
    assert result.slots["target_followers"] == 10000
    assert result.slots["posts_per_week"] == 2.5


@pytest.mark.parametrize(
    ("lang", "change"),
    [("it", "anzi facciamo 300 al mese"), ("en", "actually make it 300 a month")],
)
async def test_a_new_monthly_amount_after_the_posts_is_the_budget(
    engine: Engine, lang: str, change: str
) -> None:
    """Persona test: right after "3" posts, "anzi facciamo 300 al mese" corrected the posts
    to 69 a week instead of changing the budget to € 300."""
    chat = Chat(engine, language_code=lang)
    await _full_run(chat, WORDS[lang])
    result = await chat.say(change)
    assert result.slots["posts_per_week"] == 3
    budget = result.slots["budget"]
    assert int(getattr(budget, "amount", budget)) == 300
    # a correction in the posts' own unit still corrects the posts
    result = await chat.say("anzi 5 a settimana" if lang == "it" else "I mean 5 a week")
    assert result.slots["posts_per_week"] == 5


@pytest.mark.parametrize(("lang", "pace"), [("it", "3 a settimana"), ("it", "due a settimana")])
async def test_a_pace_with_no_currency_is_never_a_budget(
    engine: Engine, lang: str, pace: str
) -> None:
    """Final persona test: "3 a settimana" typed at the target question became € 3 a week of
    ads (€ 13 a month on the lead)."""
    chat = Chat(engine, language_code=lang)
    await _to_target(chat, WORDS[lang], "Instagram")
    result = await chat.say(pace)
    assert "budget" not in result.slots, result.slots


async def test_an_amount_written_as_money_is_never_a_count_of_posts(engine: Engine) -> None:
    """Final persona test: "£200 a month" at the posts question became 46 posts a week."""
    chat = Chat(engine, language_code="en")
    await _to_target(chat, WORDS["en"], "Instagram")
    await chat.say("10000")
    await chat.say("200")
    result = await chat.say("£200 a month")
    assert "posts_per_week" not in result.slots and result.state == "ask_posts"
