"""`checks:` on a question: answers readable but not believable are refused with a word of why,
wherever the answer is given; staff mistakes in them are caught by `validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import load_content
from bot.content.templates import Renderer
from tests.conftest import ROOT, Chat, build_engine

PROJECTION = Path("dialogs") / "projection.yaml"


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", target / "dialogs")
    shutil.copytree(ROOT / "locales", target / "locales")
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(root: Path) -> list[str]:
    return [str(p) for p in load_content(root).problems.errors]


def test_a_field_a_named_value_lacks_is_caught_in_a_condition(shipped_copy: Path) -> None:
    edit(shipped_copy / PROJECTION, "value > limits.max_budget", "value > limits.max_budget_eur")
    found = errors(shipped_copy)
    assert found, "a misspelt field must not pass"
    assert all("`limits` has no `max_budget_eur`" in f for f in found)
    assert "did you mean `max_budget`?" in found[0]
    assert found[0].startswith("dialogs/projection.yaml:")


def test_a_field_a_named_value_lacks_is_caught_in_a_text(shipped_copy: Path) -> None:
    path = shipped_copy / "locales" / "it" / "projection.yaml"
    edit(path, "{{ limits.largest_account[platform]|big }}", "{{ limits.min_budget|money }}")
    found = errors(shipped_copy)
    assert any(
        f.startswith("locales/it/projection.yaml:")
        and "uses `limits.min_budget`, but `limits` has no `min_budget`" in f
        for f in found
    ), found


def check_warnings(root: Path) -> set[str]:
    return {str(p) for p in load_content(root).problems if "check it differently" in str(p)}


def test_two_questions_asking_one_answer_must_check_it_alike(shipped_copy: Path) -> None:
    before = check_warnings(shipped_copy)  # none shipped; a dialog staff add may have its own
    edit(
        shipped_copy / PROJECTION,
        "      checks:\n        - if: value > limits.max_posts\n"
        "          say: projection.posts_too_many\n    next: calculate",
        "    next: calculate",
    )
    warnings = sorted(check_warnings(shipped_copy) - before)
    assert len(warnings) == 1, warnings
    assert "`projection.ask_posts` and `projection.change_posts` both ask" in warnings[0]
    assert load_content(shipped_copy).problems.errors == []


def test_a_missing_field_renders_blank_rather_than_no_reply() -> None:
    text = Renderer().render("Meno di {{ limits.min_budget|money }} al mese", {"limits": {}}, "it")
    assert text == "Meno di  al mese"


async def test_a_refused_answer_at_the_result_says_why_and_keeps_the_old_one(
    tmp_path: Path,
) -> None:
    chat = Chat(build_engine(ROOT, tmp_path / "bot.db"), language_code="it")
    for line in ("/start", "1", "1"):
        await chat.say(line)
    await chat.press("Instagram")
    for line in ("800", "5000", "200", "3"):
        await chat.say(line)
    assert chat.last is not None and chat.last.state == "offer"
    await chat.say("obiettivo un miliardo")
    assert any("Nessun account su Instagram ci è mai arrivato" in t for t in chat.texts)
    assert chat.last.slots["target_followers"] == 5000


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("value =< 10", "write `<=` instead of `=<`: `value <= 10`"),
        ("value = 10", "write two equals signs: `==`"),
        ("value < 10 euro", "write the number alone, without a unit"),
    ],
)
def test_a_condition_that_cannot_be_read_gets_a_hint_in_plain_words(
    shipped_copy: Path, written: str, hint: str
) -> None:
    edit(shipped_copy / PROJECTION, "value > limits.max_posts", written)
    found = errors(shipped_copy)
    assert len(found) == 1, found
    assert f"the condition `{written}` cannot be read — " in found[0] and hint in found[0]
