"""One mistake in a staff file gives one message, first, with the hint for that mistake (issue 14).

Each kind of slip staff make while editing a text or a dialog by hand, made in a copy of the
shipped content: the report's first line names the file, the line and the right fix (quotes,
tabs, indentation, duplicates each their own), no other error follows from it, and the
checks across files say they wait for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import load_content
from bot.base.yaml_quotes import quote_problem
from bot.cli import cli
from tests.conftest import ROOT


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    for folder in ("dialogs", "locales"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def replace_line(path: Path, needle: str, new: str) -> int:
    """Replace the first line containing ``needle`` with ``new``; its 1-based number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if needle in line:
            lines[number - 1] = new
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number
    raise AssertionError(needle)


def errors_of(root: Path) -> tuple[list[str], str]:
    problems = load_content(root).problems
    return [str(p) for p in problems.errors], problems.report()


NOT_UNDERSTOOD_AGAIN = "  not_understood_again:"


@pytest.mark.parametrize(
    ("value", "col", "words"),
    [
        ("'Scusa, non c'è verso di capirci.'", 38, ["apostrophe", "twice (c''è"]),
        ('"Scusa, continuiamo a non capirci.', 25, ['closing "']),
        ('"Scusa, "davvero" non ti capisco."', 33, ["double quote inside", '\\"']),
        ("'Scusa, continuiamo a non capirci.", 25, ["closing '"]),
    ],
    ids=["apostrophe-in-single-quotes", "unclosed-double", "inner-double", "unclosed-single"],
)
def test_a_quoting_mistake_is_named_at_its_line_with_the_quoting_fix(
    shipped_copy: Path, value: str, col: int, words: list[str]
) -> None:
    path = shipped_copy / "locales" / "it" / "common.yaml"
    line = replace_line(path, NOT_UNDERSTOOD_AGAIN, f"{NOT_UNDERSTOOD_AGAIN} {value}")
    errors, report = errors_of(shipped_copy)
    assert len(errors) == 1, report
    assert errors[0].startswith(f"locales/it/common.yaml:{line}:{col}: "), errors
    for word in words:
        assert word in errors[0]
    assert "indentation" not in errors[0]
    assert report.splitlines()[0] == errors[0]  # first, before any warning
    assert "wait until locales/it/common.yaml can be read" in report.splitlines()[1]


def test_a_tab_an_indentation_and_a_duplicate_each_have_their_own_hint(
    shipped_copy: Path,
) -> None:
    main = shipped_copy / "dialogs" / "main.yaml"
    original = main.read_text(encoding="utf-8")

    line = replace_line(
        main, "    say: [welcome.hello", "\tsay: [welcome.hello, welcome.what_we_do]"
    )
    errors, _ = errors_of(shipped_copy)
    assert errors == [
        f"dialogs/main.yaml:{line}:1: this line is indented with a tab — indent with spaces, "
        "not tabs"
    ]

    main.write_text(original, encoding="utf-8")
    line = replace_line(
        main, "    say: [welcome.hello", "     say: [welcome.hello, welcome.what_we_do]"
    )
    errors, _ = errors_of(shipped_copy)
    assert len(errors) == 1 and "indentation" in errors[0], errors
    assert errors[0].startswith(f"dialogs/main.yaml:{line + 1}:"), errors  # the line after it

    main.write_text(original.replace("\n  welcome:\n", "\n  welcome:\n    next: menu\n", 1))
    errors, _ = errors_of(shipped_copy)
    assert len(errors) == 1 and "appears twice" in errors[0], errors


def test_the_cli_prints_the_one_error_first(shipped_copy: Path) -> None:
    path = shipped_copy / "locales" / "en" / "common.yaml"
    replace_line(path, NOT_UNDERSTOOD_AGAIN, f"{NOT_UNDERSTOOD_AGAIN} 'We don't get each other.'")
    result = CliRunner().invoke(cli, ["validate", str(shipped_copy)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert ":" in first and "apostrophe" in first, result.output
    assert result.output.count(" error") == 1 or "1 error(s)" in result.output


@pytest.mark.parametrize(
    "text",
    [
        "a: 'it''s fine'\nb: \"she said \\\"hi\\\"\"\n",
        "a: \"{% if x == 'y' %}ok{% endif %}\"  # a comment\n",
        "list:\n  - 'one'\n  - \"two\"\nflow: ['a', \"b\"]\n",
        "plain: l'ultimo giorno\nkey: text with 'quotes' inside\n",
    ],
)
def test_right_quotes_are_never_questioned(text: str) -> None:
    assert quote_problem(text, until=text.count("\n") + 1) is None
