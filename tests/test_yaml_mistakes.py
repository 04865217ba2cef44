"""One mistake in a staff file gives one message, first, with the hint for that mistake (issue 14).

Each kind of slip staff make while editing a text or a dialog by hand, made in a copy of the
shipped content: the report's first line names the file, the line and the right fix (quotes,
tabs, indentation, duplicates each their own), no other error follows from it, and the
checks across files say they wait for it.
"""

from __future__ import annotations

import os
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
    # YAML stops at the line after it (`next:` at 4 spaces); the slip is this line, at 5
    assert errors == [
        f"dialogs/main.yaml:{line}:6: YAML syntax: this line has 1 space more than the line "
        "below it — line it up with the other keys of the block (4 spaces before it)"
    ]

    main.write_text(original.replace("\n  welcome:\n", "\n  welcome:\n    next: menu\n", 1))
    errors, _ = errors_of(shipped_copy)
    assert len(errors) == 1 and "the key `next` appears twice" in errors[0], errors


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
        '"yes": "Sì"\n"no": No\n\'maybe\': "Forse"\n',  # keys in quotes, as the README asks
    ],
)
def test_right_quotes_are_never_questioned(text: str) -> None:
    assert quote_problem(text, until=text.count("\n") + 1) is None


# -- a new dialog added by a staff member, as dialogs/README.md's example does ----------------

BUDGET_DIALOG = """\
# Asks the monthly ad budget; reached from the main menu.
start: ask_budget

states:
  ask_budget:
    say: budget_check.ask
    ask:
      slot: budget
      type: money
      min: 0
      max: 100000
      retry: budget_check.retry
    when:
      - if: budget > 0
        go: has_budget
      - go: no_budget
    on_give_up: main.menu

  has_budget:
    say: budget_check.good
    buttons:
      - text: menu.contact
        go: main.lead_intro
      - text: common.back_to_menu
        go: main.menu

  no_budget:
    say: [budget_check.zero, budget_check.petrol]
    buttons:
      - text: common.back_to_menu
        go: main.menu
"""
BUDGET_TEXTS = {
    "it": """\
menu:
  budget_check: "⛽ Il mio budget ads"

budget_check:
  ask: "Quanto pensi di investire in sponsorizzate ogni mese?"
  retry: "Scrivici solo la cifra in euro, per esempio 150 o € 300."
  good: "{{ budget|money }} al mese sono un buon punto di partenza. Ne parliamo con calma?"
  zero: "Capito, per ora niente budget per le sponsorizzate."
  petrol: "Ricordati però della macchina a metano: senza benzina non parte."
""",
    "en": """\
menu:
  budget_check: "⛽ My ad budget"

budget_check:
  ask: "How much are you thinking of spending on ads each month?"
  retry: "Just the amount in euros, please, e.g. 150 or €300."
  good: "{{ budget|money }} a month is a good place to start. Shall we talk it through?"
  zero: "Got it, no ad budget for now."
  petrol: "Just remember the methane car, though: without petrol it won't start."
""",
}
MENU_BUTTON = "      - text: menu.budget_check\n        go: budget_check.ask_budget\n"


@pytest.fixture
def with_budget(shipped_copy: Path) -> Path:
    """The shipped content with the README's example dialog added, valid."""
    (shipped_copy / "dialogs" / "budget_check.yaml").write_text(BUDGET_DIALOG, encoding="utf-8")
    for lang, text in BUDGET_TEXTS.items():
        path = shipped_copy / "locales" / lang / "budget_check.yaml"
        path.write_text(text, encoding="utf-8")
    main = shipped_copy / "dialogs" / "main.yaml"
    text = main.read_text(encoding="utf-8")
    about = "      - text: menu.about\n        go: about\n"
    assert about in text
    main.write_text(text.replace(about, about + MENU_BUTTON, 1), encoding="utf-8")
    errors, report = errors_of(shipped_copy)
    assert errors == [], report
    return shipped_copy


def one_error(root: Path) -> str:
    """The only error, which must also be the report's first line."""
    errors, report = errors_of(root)
    assert len(errors) == 1, report
    assert report.splitlines()[0] == errors[0]
    return errors[0]


MORE = "line it up with the other keys of the block"


@pytest.mark.parametrize(
    ("file", "needle", "new", "expected"),
    [
        (  # after a text in quotes: YAML said "expected <block end>, but found …"
            "locales/it/budget_check.yaml",
            "  zero:",
            '   zero: "Capito, per ora niente budget per le sponsorizzate."',
            f"4: YAML syntax: this line has 1 space more than the line above it — {MORE} "
            "(2 spaces before it)",
        ),
        (  # after a plain value: YAML said "mapping values are not allowed here", and quotes
            "dialogs/budget_check.yaml",
            "      retry: budget_check.retry",
            "       retry: budget_check.retry",
            f"8: YAML syntax: this line has 1 space more than the line above it — {MORE} "
            "(6 spaces before it)",
        ),
        (
            "dialogs/budget_check.yaml",
            "      retry: budget_check.retry",
            "     retry: budget_check.retry",
            f"6: YAML syntax: this line has 1 space fewer than the line above it — {MORE} "
            "(6 spaces before it)",
        ),
        (  # YAML stops at the line below it (`buttons:`): the slip is the first key, here
            "dialogs/budget_check.yaml",
            "    say: budget_check.good",
            "     say: budget_check.good",
            f"6: YAML syntax: this line has 1 space more than the line below it — {MORE} "
            "(4 spaces before it)",
        ),
        (  # a block further down would take it too (`ask:` then `when:`): the file's habit
            "dialogs/budget_check.yaml",
            "    when:",
            "     when:",
            "6: YAML syntax: this line has 1 space more than `ask:` on line 7, which it goes "
            f"with — {MORE} (4 spaces before it)",
        ),
        (
            "dialogs/budget_check.yaml",
            "      - text: common.back_to_menu",
            "       - text: common.back_to_menu",
            "8: YAML syntax: this line has 1 space more than `- text:` on line 22, which it "
            "goes with — line it up with the other `-` items of the list (6 spaces before it)",
        ),
    ],
    ids=["more-after-quoted", "more-after-plain", "fewer", "first-key", "key-of-parent", "item"],
)
def test_a_line_out_of_line_is_named_with_its_spaces(
    with_budget: Path, file: str, needle: str, new: str, expected: str
) -> None:
    line = replace_line(with_budget / file, needle, new)
    error = one_error(with_budget)
    assert error == f"{file}:{line}:{expected}", error
    assert "<block" not in error and "quotes" not in error


def test_a_text_with_a_colon_gets_the_quoting_hint_and_a_key_without_one_its_own(
    with_budget: Path,
) -> None:
    path = with_budget / "locales" / "it" / "budget_check.yaml"
    original = path.read_text(encoding="utf-8")
    line = replace_line(path, "  zero:", "  zero: Capito: per ora niente budget.")
    assert one_error(with_budget) == (
        f"locales/it/budget_check.yaml:{line}:9: YAML syntax: this text has “: ” inside, and "
        "without quotes YAML reads the words before it as a key — put the whole text in "
        'quotes: zero: "Capito: per ora niente budget."'
    )
    path.write_text(original, encoding="utf-8")
    line = replace_line(path, "  zero:", '  zero "Capito."')
    assert one_error(with_budget) == (
        f"locales/it/budget_check.yaml:{line}:3: YAML syntax: the key `zero` has no “:” after "
        'it — write it as zero: "Capito."'
    )
    path.write_text(original, encoding="utf-8")
    line = replace_line(path, "  zero:", "  zero: [Capito, niente")
    assert one_error(with_budget) == (
        f"locales/it/budget_check.yaml:{line}:9: YAML syntax: the list opened with “[” here is "
        "never closed with “]” — add “]” at the end of it, on the same line; a text that "
        "starts with “[” goes in quotes"
    )


def test_a_key_written_twice_names_the_key_and_both_places(with_budget: Path) -> None:
    path = with_budget / "locales" / "it" / "budget_check.yaml"
    first = replace_line(path, "  good:", '  good: "Ottimo."\n  zero: "Niente."\n  good: "Bene."')
    assert one_error(with_budget) == (
        f"locales/it/budget_check.yaml:{first + 2}:3: the key `good` appears twice in this "
        f"block (first at line {first}); YAML would keep only one — rename or remove one"
    )


def test_a_text_in_two_files_is_reported_at_the_one_saved_last_naming_the_other(
    with_budget: Path,
) -> None:
    """`menu.budget_check` in the new file and, later, in menu.yaml too."""
    mine = with_budget / "locales" / "it" / "budget_check.yaml"
    menu = with_budget / "locales" / "it" / "menu.yaml"
    added = '  about: "🏢 Chi siamo"\n  budget_check: "⛽ Budget"'
    line = replace_line(menu, "  about:", added) + 1
    os.utime(mine, (mine.stat().st_atime, menu.stat().st_mtime - 60))
    assert one_error(with_budget) == (
        f"locales/it/menu.yaml:{line}:3: the text `menu.budget_check` is written twice: here "
        "and in locales/it/budget_check.yaml at line 2 — keep only one of the two: the bot "
        "does not start while both are there"
    )
    # the new file saved last: that is where she looks
    os.utime(menu, (menu.stat().st_atime, mine.stat().st_mtime - 60))
    assert one_error(with_budget).startswith(
        "locales/it/budget_check.yaml:2:3: the text `menu.budget_check` is written twice: "
        f"here and in locales/it/menu.yaml at line {line}"
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("budget_check.ask_budgte", "`budget_check.ask_budget`"),
        ("budgte_check.ask_budget", "`budget_check.ask_budget`"),
        # the dialog's name forgotten: two dialogs have such a state
        ("ask_budget", "`budget_check.ask_budget` or `projection.ask_budget`"),
    ],
)
def test_a_typo_in_a_state_of_another_dialog_is_one_error_with_the_name_to_write(
    with_budget: Path, typed: str, meant: str
) -> None:
    main = with_budget / "dialogs" / "main.yaml"
    original = main.read_text(encoding="utf-8")
    line = replace_line(main, "go: budget_check.ask_budget", f"        go: {typed}")
    error = one_error(with_budget)  # not "no button or move ever leads to" its states
    assert error.startswith(f"dialogs/main.yaml:{line}:13: a button leads to "), error
    assert error.endswith(f"did you mean {meant}?"), error
    # following the hint literally fixes it
    fix = meant.split("`")[1]
    main.write_text(original.replace("budget_check.ask_budget", fix), encoding="utf-8")
    assert errors_of(with_budget)[0] == []


def test_a_state_nothing_leads_to_is_still_reported_beside_a_typo_elsewhere(
    with_budget: Path,
) -> None:
    main = with_budget / "dialogs" / "main.yaml"
    replace_line(main, "go: budget_check.ask_budget", "        go: budget_check.ask_budgte")
    dialog = with_budget / "dialogs" / "budget_check.yaml"
    orphan = "\n  orphan:\n    say: budget_check.zero\n    next: main.menu\n"
    dialog.write_text(BUDGET_DIALOG + orphan, encoding="utf-8")
    errors, report = errors_of(with_budget)
    assert len(errors) == 2, report
    assert "did you mean `budget_check.ask_budget`?" in report
    assert "no button or move ever leads to state `orphan`" in report


def test_placeholders_are_one_line_at_the_end_and_todo_lists_them(with_budget: Path) -> None:
    texts = with_budget / "locales" / "it" / "budget_check.yaml"
    long = "⛽ Il mio budget per le sponsorizzate del mese"
    replace_line(texts, '  budget_check: "', f'  budget_check: "{long}"')
    loaded = load_content(with_budget)
    placeholders = [p for p in loaded.problems if p.kind == "placeholder"]
    warnings = [p for p in loaded.problems if p.severity == "warning"]
    assert len(placeholders) > 3 and all(p.severity == "warning" for p in placeholders)
    lines = sorted(p.pos.line for p in placeholders)
    assert placeholders[0].pos.file.endswith("dialogs/agency.yaml")

    result = CliRunner().invoke(cli, ["validate", str(with_budget)])
    assert result.exit_code == 0, result.output
    output = result.output.splitlines()
    assert not any("TODO" in line for line in output), result.output
    # her own warning is among the few lines before the placeholders' one
    assert any(
        line.startswith("locales/it/budget_check.yaml:2:")
        and "button label `menu.budget_check`" in line
        for line in output[:-2]
    ), result.output
    assert output[-2] == (
        f"{len(placeholders)} facts about the agency still to fill in, in "
        f"{placeholders[0].pos.file} (lines {lines[0]}–{lines[-1]}): `validate --todo` lists them"
    )
    assert output[-1].endswith(f", {len(warnings)} warning(s).")  # every warning counted
    assert len(output) == len(warnings) - len(placeholders) + 2

    listed = CliRunner().invoke(cli, ["validate", "--todo", str(with_budget)])
    assert listed.exit_code == 0
    assert sum("TODO" in line for line in listed.output.splitlines()) == len(placeholders)
    assert "validate --todo" not in listed.output


def test_a_few_placeholders_are_listed_as_they_are() -> None:
    from bot.base.problems import Pos, Problems
    from bot.content.placeholders import KIND, folded, report_placeholder

    problems = Problems()
    for line in (3, 5):
        report_placeholder(problems, Pos("dialogs/agency.yaml", line, 7), "a fact", "a line")
    problems.add(Pos("dialogs/main.yaml", 9, 1), "broken")
    report = problems.report(fold={KIND: folded}).splitlines()
    assert report[0].startswith("dialogs/main.yaml:9:1: broken")  # errors first, as ever
    assert len(report) == 3 and "TODO" in report[1] and "TODO" in report[2]


@pytest.mark.parametrize(
    "written",
    [
        '"Capito: sotto i <1.000 euro non partiamo."',
        "Capito, sotto i <1.000 euro non partiamo.",
        "'L''anno scorso {{ budget|money }}, sotto i <1.000 euro no.'",
        '"Capito \\"davvero\\" {% if budget %}ok{% endif %}, \\u00e8 <1.000 euro."',
    ],
    ids=["double-quoted", "plain", "single-quoted-with-jinja", "escapes"],
)
def test_a_bare_lt_is_pointed_at_where_it_is(with_budget: Path, written: str) -> None:
    path = with_budget / "locales" / "it" / "budget_check.yaml"
    line = replace_line(path, "  zero:", f"  zero: {written}")
    col = f"  zero: {written}".index("<") + 1
    assert one_error(with_budget) == (
        f"locales/it/budget_check.yaml:{line}:{col}: the text `budget_check.zero` has a “<” "
        "that is not a tag: Telegram refuses the whole message — write &lt; for “<” (and "
        "&gt; for “>”), e.g. “&lt;1.000” for “<1.000”"
    )


def test_a_bare_lt_in_a_text_on_several_lines_is_pointed_at_the_text(with_budget: Path) -> None:
    path = with_budget / "locales" / "it" / "budget_check.yaml"
    line = replace_line(path, "  zero:", "  zero: |-\n    Capito.\n    Sotto i <1.000 euro no.")
    assert one_error(with_budget).startswith(f"locales/it/budget_check.yaml:{line}:9: ")


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("growth.evryone_asks", "did you mean `growth.everyone_asks`?"),
        ("growth", "`growth` is a group of texts: name one of them, e.g. `growth."),
        ("growth.great_news", "write `growth.great_news` in locales/it/growth.yaml and in"),
        ("brandnew.hello", "write `brandnew.hello` in a file in locales/it/ and in"),
    ],
)
def test_a_missing_text_gets_a_hint_that_fits(shipped_copy: Path, key: str, hint: str) -> None:
    """A near-typo gets its text; a new key gets where to write it, never an unrelated guess."""
    main = shipped_copy / "dialogs" / "main.yaml"
    text = main.read_text(encoding="utf-8")
    old = "    say: [growth.everyone_asks, growth.honest_answer]"
    assert old in text
    main.write_text(text.replace(old, f"    say: {key}", 1), encoding="utf-8")
    errors, _ = errors_of(shipped_copy)
    assert len(errors) == 1 and hint in errors[0], errors


def test_a_text_missing_in_one_language_names_the_file_to_write_it_in(
    shipped_copy: Path,
) -> None:
    path = shipped_copy / "locales" / "it" / "growth.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("  why_button:")]
    assert len(kept) == len(lines) - 1
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    errors, _ = errors_of(shipped_copy)
    assert len(errors) == 1, errors
    assert "`growth.why_button` exists in en but not in it" in errors[0]
    assert errors[0].endswith("translate it into locales/it/growth.yaml")
