"""An edit staff are told they can make does not break the suite.

dialogs/README.md's "complete small example" (a `budget_check` dialog and its menu button) is
applied to a copy of the shipped content, under a name of its own (staff may have added it
already), with the button right after `menu.growth` so that every button after it moves;
conversations of the suite that press the shipped buttons then run on that copy. A test that
presses buttons by their position, not by their stable name (``Chat.press_id``), fails here:
staff add and move buttons.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.core.engine import Engine
from tests import test_everyday_phrasing, test_growth_flow, test_shipped_dialogs
from tests.conftest import ROOT, Chat, build_engine, load_checked, read_once

README = ROOT / "dialogs" / "README.md"
EXAMPLE, NAME = "budget_check", "readme_example"  # the README's dialog, and its name here
GROWTH = re.compile(r"^      - text: menu\.growth\n(?:        .*\n)*", re.M)  # with its lines
BLOCK = re.compile(
    r"\*\*(?:`(?P<file>[^`]+)`|In `(?P<into>[^`]+)`)\*\*.*?```yaml\n(?P<yaml>.*?)```", re.S
)


def add_the_readme_example(root: Path) -> None:
    """dialogs/README.md's "A complete small example", as staff would copy it: new files as they
    are written there, the menu button inserted into main.yaml's menu (after `menu.growth`)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## A complete small example")
    section = text[start : text.index("\n## ", start + 1)]
    blocks = list(BLOCK.finditer(section))
    assert len(blocks) == 4, "the README's example changed: update this test's reading of it"
    for block in blocks:
        yaml = block["yaml"].replace(EXAMPLE, NAME)
        if block["file"]:
            path = root / block["file"].replace(EXAMPLE, NAME)
            assert not path.exists(), path
            path.write_text(yaml, encoding="utf-8")
        else:
            main = root / block["into"]
            dialog = main.read_text(encoding="utf-8")
            growth = GROWTH.search(dialog)
            assert growth is not None, f"no `menu.growth` button in {main}"
            main.write_text(
                dialog[: growth.end()] + yaml + dialog[growth.end() :], encoding="utf-8"
            )


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staff-edit")
    for folder in ("dialogs", "locales"):
        shutil.copytree(ROOT / folder, root / folder)
    add_the_readme_example(root)
    read_once(root)
    return root


def test_the_readme_example_is_valid_and_moves_the_menu(edited: Path) -> None:
    menu = load_checked(edited).state("main", "menu")  # no errors (warnings are allowed)
    assert menu is not None
    names = [b.stable_id for b in menu.buttons]
    # the new button sits right after growth: every button after it moved one place down
    assert names.index(f"menu.{NAME}") == names.index("menu.growth") + 1


Flow = Callable[[Engine, Path], Awaitable[None]]
FLOWS: dict[str, Flow] = {
    "lead": lambda e, _: test_shipped_dialogs.test_lead_capture_to_the_end(e, "it"),
    "no consent": lambda e, _: test_shipped_dialogs.test_refusing_consent_keeps_no_contacts(e),
    "a person": lambda e, _: test_shipped_dialogs.test_talk_to_a_person_tells_the_agency(e),
    "hello mid-flow": lambda e, _: (
        test_shipped_dialogs.test_a_hello_mid_flow_comes_back_to_the_question(e)
    ),
    "a person mid-flow": lambda e, _: (
        test_shipped_dialogs.test_asking_for_a_person_mid_flow_stays_with_the_person(e)
    ),
    "lead after a projection": lambda e, tmp: (
        test_growth_flow.test_lead_after_projection_carries_it_to_the_agency(e, tmp)
    ),
    "first name": lambda e, _: (
        test_everyday_phrasing.test_the_prospect_is_called_by_their_first_name(
            e, "en", "Priya Shah", "Nice to meet you, Priya!", "Thanks, Priya!"
        )
    ),
}


@pytest.mark.parametrize("flow", FLOWS)
async def test_conversations_of_the_suite_still_pass_after_the_edit(
    edited: Path, tmp_path: Path, flow: str
) -> None:
    await FLOWS[flow](build_engine(edited, tmp_path / "bot.db"), tmp_path)


@pytest.mark.parametrize(
    ("lang", "budget", "state"), [("it", "0", "no_budget"), ("en", "€300", "has_budget")]
)
async def test_the_new_topic_is_reached_from_the_menu(
    edited: Path, tmp_path: Path, lang: str, budget: str, state: str
) -> None:
    chat = Chat(build_engine(edited, tmp_path / "bot.db"), language_code=lang)
    await chat.say("/start")
    result = await chat.press_id(f"menu.{NAME}")
    assert (result.dialog, result.state) == (NAME, "ask_budget")
    result = await chat.say(budget)
    assert (result.dialog, result.state) == (NAME, state)
    result = await chat.press_id("common.back_to_menu")
    assert result.state == "menu"
