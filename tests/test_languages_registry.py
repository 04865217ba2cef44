"""Languages are data: a third, made-up language works with no change to the code.

The language "xx" is registered in a registry of its own (with a real Babel locale, ``de_DE``:
a made-up code has no number formats of its own), with a word pack of its own; its texts are the
mini fixture's English ones with an "XX " prefix, written next to a copy of the fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from bot import app
from bot.cli import cli
from bot.core.engine import Engine
from bot.languages import DEFAULT, Language, LanguageRegistry
from bot.understanding.intents import IntentSet
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack
from bot.understanding.nlu import Understanding
from tests.conftest import MINI, Chat, fixed_clock

XX = Language("xx", "de_DE", "Madeup", "Xxisch")
LANGUAGES = LanguageRegistry([*DEFAULT, XX], default="en")
XX_PACK = LanguagePack("xx", yes=frozenset({"jawohl"}), no=frozenset({"nixda"}))
PACKS = {**BUILTIN_PACKS, "xx": XX_PACK}


def _prefixed(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _prefixed(value) for key, value in node.items()}
    return f"XX {node}"


def xx_content(root: Path, words: str | None = "yes: [klaro]\n") -> Path:
    """The mini fixture plus ``locales/xx/``: every English text, prefixed."""
    target = root / "content"
    shutil.copytree(MINI, target)
    yaml = YAML(typ="safe")
    folder = target / "locales" / "xx"
    folder.mkdir()
    for source in sorted((target / "locales" / "en").glob("*.yaml")):
        data = yaml.load(source.read_text(encoding="utf-8"))
        with (folder / source.name).open("w", encoding="utf-8") as out:
            YAML().dump(_prefixed(data), out)
    if words is not None:
        (folder / "words.yaml").write_text(words, encoding="utf-8")
    return target


def xx_engine(tmp_path: Path, content_root: Path) -> Engine:
    loaded = app.load_content(content_root, languages=LANGUAGES, packs=PACKS)
    assert loaded.content is not None, loaded.problems.report()
    return app.build_engine(
        loaded.content, app.open_store(tmp_path / "bot.db"), clock=fixed_clock, files_dir=None
    )


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return xx_engine(tmp_path, xx_content(tmp_path))


async def test_a_phone_in_the_third_language_walks_the_dialog_in_it(engine: Engine) -> None:
    chat = Chat(engine, language_code="xx")
    result = await chat.say("/start")
    assert result.lang == "xx"
    assert chat.texts == ["XX Hello Ann!", "XX What next?"]
    assert chat.buttons == ["XX Plan", "XX Contact", "XX Info"]
    await chat.press("XX Plan")
    assert chat.texts == ["XX How many followers?"]
    await chat.say("10000")
    await chat.say("300")
    # the language's Babel locale formats numbers and money (de_DE: "300,00 €", "10.000")
    assert chat.texts == ["XX With 300,00\xa0€ a month.", "XX Which platform?"]
    await chat.say("XX Instagram")  # a label typed instead of pressed
    assert chat.texts == ["XX 10.000 on instagram."]


async def test_a_sentence_typed_in_the_third_language_keeps_it(tmp_path: Path) -> None:
    # the understanding tells only Italian from English: German reads as English to it
    understanding = Understanding(IntentSet({}))
    said = "hallo, ich bin Anna und mein Laden ist super"
    assert understanding.analyse(said, "xx").lang == "en"
    assert "xx" not in understanding.languages
    engine = xx_engine(tmp_path, xx_content(tmp_path))
    engine.understanding = understanding
    chat = Chat(engine, language_code="xx")
    await chat.say("/start")
    result = await chat.say(said)  # at the menu: not understood, but in the prospect's language
    # the menu is still the last message: its buttons come again under "Sorry?", not its words
    assert result.lang == "xx" and chat.texts == ["XX Sorry?"]
    assert "XX Plan" in chat.buttons
    await chat.press("XX Plan")
    result = await chat.say("Wir haben ein kleines Restaurant in Berlin")  # not a number
    assert result.lang == "xx" and chat.texts == ["XX A number please (1 tries left)."]
    await chat.say("10000")
    await chat.say("300")
    assert chat.texts == ["XX With 300,00\xa0€ a month.", "XX Which platform?"]
    # between the languages it does tell apart, the conversation still follows the prospect
    other = Chat(engine, user="u2", language_code="en")
    await other.say("/start")
    result = await other.say("ciao, vorrei sapere quanto costa il vostro servizio")
    assert result.lang == "it"


async def test_yes_no_in_the_third_language_uses_its_pack(engine: Engine) -> None:
    for user, answer in (("u1", "jawohl"), ("u2", "Klaro!"), ("u3", "sì")):
        chat = Chat(engine, user=user, language_code="xx-YY")
        await chat.say("/start")
        await chat.press("XX Contact")
        await chat.say("Ann")
        await chat.say("ann@example.com")
        assert chat.texts == ["XX May we contact you?"]
        result = await chat.say(answer)  # the pack's, staff's words.yaml, another language's
        assert result.slots["consent"] is True, answer
        assert chat.texts == ["XX Thanks Ann."]
    chat = Chat(engine, user="u4", language_code="xx")
    await chat.say("/start")
    await chat.press("XX Contact")
    await chat.say("Ann")
    await chat.say("ann@example.com")
    result = await chat.say("nixda")
    assert result.slots["consent"] is False and result.state == "menu"


async def test_lang_command_switches_to_and_cycles_through_the_third_language(
    engine: Engine,
) -> None:
    chat = Chat(engine, language_code="en")
    await chat.say("/start")
    assert chat.texts[0] == "Hello Ann!"
    result = await chat.say("/lang xx")
    assert result.lang == "xx" and chat.texts == ["XX English it is.", "XX What next?"]
    result = await chat.say("/lang madeup")  # by the language's name too
    assert result.lang == "xx"
    result = await chat.say("/lang")  # the next registered language, after the last: the first
    assert result.lang == "it" and chat.texts[0] == "Ok, in italiano."
    result = await chat.say("/lang")
    assert result.lang == "en"
    result = await chat.say("/lang")
    assert result.lang == "xx"


async def test_the_default_registry_does_not_know_the_third_language(tmp_path: Path) -> None:
    root = xx_content(tmp_path)
    loaded = app.load_content(root)  # it and en only: locales/xx is simply not read
    assert loaded.content is not None and set(loaded.content.texts) == {"it", "en"}
    engine = app.build_engine(loaded.content, app.open_store(tmp_path / "b.db"), files_dir=None)
    chat = Chat(engine, language_code="xx")
    result = await chat.say("/start")
    assert result.lang == "en"
    result = await chat.say("/lang xx")  # unknown: the next language
    assert result.lang == "it"


def test_a_missing_text_in_the_third_language_is_located(tmp_path: Path) -> None:
    root = xx_content(tmp_path)
    texts = root / "locales" / "xx" / "texts.yaml"
    texts.write_text(texts.read_text(encoding="utf-8").replace("  plan: XX Plan\n", ""), "utf-8")
    loaded = app.load_content(root, languages=LANGUAGES, packs=PACKS)
    assert loaded.content is None
    assert "the text `menu.plan` exists in it but not in xx" in loaded.problems.report()


def test_a_registered_language_needs_its_locales_folder(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    loaded = app.load_content(root, languages=LANGUAGES, packs=PACKS)
    assert loaded.content is None
    # said once, not once more for every text the folder would hold
    assert loaded.problems.report() == (
        "locales/xx:1:1: there is no `locales/xx` folder — create it with the Madeup texts"
    )


def test_a_language_without_a_pack_still_loads(tmp_path: Path) -> None:
    loaded = app.load_content(xx_content(tmp_path, words=None), languages=LANGUAGES)
    assert loaded.content is not None, loaded.problems.report()
    assert loaded.content.packs["xx"] == LanguagePack("xx")
    # a warning, at the language's folder: typed words are understood less well
    assert loaded.problems.report() == (
        "locales/xx:1:1: warning: Madeup has no language pack, so the bot understands fewer "
        "words typed in it (yes and no, numbers written in words) — add yes/no words in "
        "locales/xx/words.yaml; a developer can add a pack in bot/understanding/lang/"
    )
    with_pack = app.load_content(xx_content(tmp_path / "2"), languages=LANGUAGES, packs=PACKS)
    assert not with_pack.problems, with_pack.problems.report()


async def test_a_missing_text_follows_the_languages_fallback(tmp_path: Path) -> None:
    # xx falls back to Italian, though English is the default language
    languages = LanguageRegistry(
        [*DEFAULT, Language("xx", "de_DE", "Madeup", "Xxisch", fallback="it")], default="en"
    )
    loaded = app.load_content(xx_content(tmp_path), languages=languages, packs=PACKS)
    assert loaded.content is not None, loaded.problems.report()
    for key in ("common.help", "telegram.flood"):
        del loaded.content.texts["xx"][key]  # as if a reload lost them
    engine = app.build_engine(loaded.content, app.open_store(tmp_path / "bot.db"))
    it_texts = loaded.content.texts["it"]
    assert engine.text("telegram.flood", "xx") == it_texts["telegram.flood"].source
    chat = Chat(engine, language_code="xx")
    await chat.say("/start")
    await chat.say("/help")
    assert chat.texts == [it_texts["common.help"].source, "XX What next?"]


def test_an_unknown_default_language_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    result = CliRunner().invoke(
        cli,
        ["chat", "--content", str(MINI), "--db", str(db)],
        env={"BOT_DEFAULT_LANG": "fr"},
        input="",
    )
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "BOT_DEFAULT_LANG=fr is not a language this bot speaks; use one of: it, en\n"
    )
    assert not db.exists()  # nothing was opened


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            "yes: [ok]\nmaybe: [boh]\n",
            "words.yaml knows only `yes:`, `no:`, `back:`, `cancel:`, `resume:`, `slots:`, "
            "`fee:`, `ads:`, not `maybe`",
        ),
        ("yes: klaro\n", "`yes:` must be a list of words"),
        ("no: [nope, 3]\n", "every `no:` word must be text"),
        ("- klaro\n", "words.yaml holds lists of words"),
    ],
)
def test_staff_words_file_mistakes_are_located(tmp_path: Path, words: str, message: str) -> None:
    root = xx_content(tmp_path, words=words)
    loaded = app.load_content(root, languages=LANGUAGES, packs=PACKS)
    report = loaded.problems.report()
    assert message in report and "locales/xx/words.yaml:" in report, report
    assert loaded.content is None


def test_staff_words_extend_the_shipped_pack(tmp_path: Path) -> None:
    root = xx_content(tmp_path)
    (root / "locales" / "it" / "words.yaml").write_text("yes: [sicuro]\nno: [giammai]\n", "utf-8")
    loaded = app.load_content(root, languages=LANGUAGES, packs=PACKS)
    assert loaded.content is not None, loaded.problems.report()
    packs = loaded.content.packs
    assert {"sicuro", "certo"} <= packs["it"].yes and "giammai" in packs["it"].no
    assert "sicuro" not in BUILTIN_PACKS["it"].yes  # the shipped pack is left alone
    assert packs["xx"].yes == {"jawohl", "klaro"}


def test_registry() -> None:
    assert DEFAULT.codes == ("it", "en") and DEFAULT.default == "en"
    assert LANGUAGES.match("xx-YY") == "xx" and LANGUAGES.match("de") is None
    assert LANGUAGES.find("Xxisch") == "xx" and LANGUAGES.find("ita") == "it"
    assert LANGUAGES.next_after("xx") == "it" and LANGUAGES.next_after("zz") == "it"
    assert LANGUAGES.fallbacks("xx") == ("xx", "en", "it")
    assert LANGUAGES.locale("xx") == "de_DE" and LANGUAGES.locale("zz") == "en_GB"
    assert LANGUAGES.choose("zz") == "en" and LANGUAGES.choose("zz", "xx") == "xx"
    with pytest.raises(ValueError, match="twice"):
        LANGUAGES.register(XX)
    with pytest.raises(ValueError, match="lowercase"):
        LanguageRegistry([Language("X1", "de_DE", "Bad", "Bad")])
