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
from ruamel.yaml import YAML

from bot import app
from bot.core.engine import Engine
from bot.languages import DEFAULT, Language, LanguageRegistry
from bot.understanding.lang import BUILTIN_PACKS, LanguagePack
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
    assert "the text `menu.plan` is missing in locales/xx" in loaded.problems.report()


def test_a_registered_language_needs_its_locales_folder(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    loaded = app.load_content(root, languages=LANGUAGES, packs=PACKS)
    assert loaded.content is None
    assert "there is no `locales/xx` folder" in loaded.problems.report()


def test_a_language_without_a_pack_still_loads(tmp_path: Path) -> None:
    loaded = app.load_content(xx_content(tmp_path, words=None), languages=LANGUAGES)
    assert loaded.content is not None, loaded.problems.report()
    assert loaded.content.packs["xx"] == LanguagePack("xx")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("yes: [ok]\nmaybe: [boh]\n", "words.yaml knows only `yes:` and `no:`, not `maybe`"),
        ("yes: klaro\n", "`yes:` must be a list of words"),
        ("no: [nope, 3]\n", "every `no:` word must be text"),
        ("- klaro\n", "words.yaml has two lists"),
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
