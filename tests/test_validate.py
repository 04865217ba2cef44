"""Every class of staff mistake is reported at its exact line, in plain words."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import load_content
from bot.cli import cli
from tests.conftest import MINI, ROOT


def report(root: Path) -> str:
    return load_content(root).problems.report()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_fixture_and_shipped_content_are_clean() -> None:
    assert load_content(MINI).problems.errors == []
    shipped = load_content(ROOT)
    assert shipped.problems.errors == [], shipped.problems.report()


def test_typo_in_a_state_name_gives_line_and_suggestion(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "go: ask_followers", "go: ask_folowers")
    line = line_of(dialog, "ask_folowers")
    assert (
        f"dialogs/main.yaml:{line}:13: a button leads to `ask_folowers`, but there is no such "
        "state — did you mean `ask_followers`?"
    ) in report(mini_copy)


def test_yaml_syntax_error(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "    say: info\n", "    say: [info\n")
    out = report(mini_copy)
    assert re.search(r"dialogs/main\.yaml:\d+:\d+: YAML syntax: ", out), out


def test_tab_indentation(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "    say: info\n", "\tsay: info\n")
    line = line_of(dialog, "\tsay: info")
    assert f"dialogs/main.yaml:{line}:1: this line is indented with a tab" in report(mini_copy)


def test_unknown_key_with_suggestion(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "    say: info\n    buttons:", "    say: info\n    butons:")
    line = line_of(dialog, "butons:")
    out = report(mini_copy)
    assert (
        f"dialogs/main.yaml:{line}:5: unknown key `butons` in state `info` — did you mean "
        "`buttons`?" in out
    )
    assert "the conversation stops dead at state `info`" in out


def test_duplicate_state(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "  no_budget:\n", "  with_budget:\n")
    line = [n for n, t in enumerate(dialog.read_text().splitlines(), 1) if t == "  with_budget:"][1]
    first = line_of(dialog, "  with_budget:")
    assert (
        f"dialogs/main.yaml:{line}:3: the key `with_budget` appears twice in this block (first "
        f"at line {first}); YAML would keep only one — rename or remove one"
    ) in report(mini_copy)


def test_unreachable_state(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "      - text: menu.info\n        go: info\n", "")
    line = line_of(dialog, "  info:")
    assert f"dialogs/main.yaml:{line}:3: no button or move ever leads to state `info`" in report(
        mini_copy
    )


def test_dead_end(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(
        dialog, "    say: result.no_budget\n    next: ask_platform\n", "    say: result.no_budget\n"
    )
    line = line_of(dialog, "  no_budget:")
    assert (
        f"dialogs/main.yaml:{line}:3: the conversation stops dead at state `no_budget`"
        in report(mini_copy)
    )


def test_unknown_action(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "do: save_lead", "do: save_leads")
    line = line_of(dialog, "do: save_leads")
    assert (
        f"dialogs/main.yaml:{line}:9: unknown action `save_leads` — did you mean `save_lead`?"
        in report(mini_copy)
    )


def test_unknown_slot_type(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "type: number", "type: numbr")
    line = line_of(dialog, "type: numbr")
    assert (
        f"dialogs/main.yaml:{line}:13: unknown answer type `numbr` — did you mean `number`?"
        in report(mini_copy)
    )


def test_text_missing_in_one_language(mini_copy: Path) -> None:
    it = mini_copy / "locales" / "it" / "texts.yaml"
    edit(it, "info: Qualche informazione.\n", "")
    dialog = mini_copy / "dialogs" / "main.yaml"
    line = line_of(dialog, "    say: info")
    out = report(mini_copy)
    # one mistake, one message: the missing translation, not also each place the text is used
    assert f"dialogs/main.yaml:{line}:10: the text `info` is missing" not in out
    en_line = line_of(mini_copy / "locales" / "en" / "texts.yaml", "info: Some")
    assert out.count("`info`") == 1
    assert f"locales/en/texts.yaml:{en_line}:7: the text `info` exists in en but not in it" in out


def test_text_missing_everywhere_is_one_message_where_first_used(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "    say: info\n", "    say: infos\n")
    line = line_of(dialog, "    say: infos")
    out = report(mini_copy)
    assert out.count("`infos`") == 1, out
    assert (
        f"dialogs/main.yaml:{line}:10: the text `infos` is missing in locales/it and "
        "locales/en — did you mean `info`?"
    ) in out


def test_text_defined_twice(mini_copy: Path) -> None:
    """Located at the copy saved last (the one just added), naming the other file."""
    more = mini_copy / "locales" / "en" / "more.yaml"
    more.write_text("back: Go back\n", encoding="utf-8")
    texts = mini_copy / "locales" / "en" / "texts.yaml"
    os.utime(texts, (texts.stat().st_atime, more.stat().st_mtime - 60))
    assert (
        "locales/en/more.yaml:1:1: the text `back` is written twice: here and in "
        "locales/en/texts.yaml at line 2 — keep only one of the two: the bot does not start "
        "while both are there"
    ) in report(mini_copy)
    os.utime(more, (more.stat().st_atime, texts.stat().st_mtime - 60))  # texts.yaml was edited
    assert (
        "locales/en/texts.yaml:2:1: the text `back` is written twice: here and in "
        "locales/en/more.yaml at line 1 — keep only one of the two: the bot does not start "
        "while both are there"
    ) in report(mini_copy)


def test_template_syntax_error(mini_copy: Path) -> None:
    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(en, 'saved: "Thanks {{ name }}."', 'saved: "Thanks {{ name }."')
    line = line_of(en, "saved:")
    assert f"locales/en/texts.yaml:{line}:8: the text `saved` has a template mistake" in report(
        mini_copy
    )


def test_template_variable_nobody_provides(mini_copy: Path) -> None:
    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(en, 'saved: "Thanks {{ name }}."', 'saved: "Thanks {{ nam }}."')
    line = line_of(en, "saved:")
    assert (
        f"locales/en/texts.yaml:{line}:8: the text `saved` uses `{{{{ nam }}}}`, but no "
        "question or action provides it — did you mean `name`?"
    ) in report(mini_copy)


def test_condition_on_unknown_slot(mini_copy: Path) -> None:
    dialog = mini_copy / "dialogs" / "main.yaml"
    edit(dialog, "if: budget > 0", "if: budjet > 0")
    line = line_of(dialog, "if: budjet")
    assert (
        f"dialogs/main.yaml:{line}:9: the condition uses `budjet`, which no question provides"
        " — did you mean `budget`?"
    ) in report(mini_copy)


def test_missing_engine_text(mini_copy: Path) -> None:
    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(en, "  help: Help text.\n", "")
    assert "the text `common.help` is missing; the bot needs it" in report(mini_copy)


@pytest.mark.parametrize(
    "garbage",
    [
        b"\xff\xfe\x00binary",
        b"",
        b"- just\n- a list\n",
        b"states: 3\nstart: x\n",
        b"!!python/object:os.system x\n",
        b"a: &a [*a]\n",
        b"start: [\n" * 50,
    ],
)
def test_garbage_files_never_crash(mini_copy: Path, garbage: bytes) -> None:
    (mini_copy / "dialogs" / "broken.yaml").write_bytes(garbage)
    result = CliRunner().invoke(cli, ["validate", str(mini_copy)])
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def test_cli_exit_status(mini_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(mini_copy)])
    assert ok.exit_code == 0 and ok.output.startswith("OK:")
    edit(mini_copy / "dialogs" / "main.yaml", "go: info", "go: inf")
    bad = runner.invoke(cli, ["validate", str(mini_copy)])
    assert bad.exit_code == 1
    assert "did you mean `info`?" in bad.output


def test_loop_inside_a_loop_is_refused(mini_copy: Path) -> None:
    en = mini_copy / "locales" / "en" / "texts.yaml"
    edit(
        en,
        "info: Some information.",
        'info: "{% for a in [1] %}{% for b in [2] %}x{% endfor %}{% endfor %}"',
    )
    line = line_of(en, 'info: "{%')
    assert f"locales/en/texts.yaml:{line}:7: the text `info` has a loop inside a loop" in report(
        mini_copy
    )


def test_a_file_that_cannot_be_read_gives_its_own_message_only(tmp_path: Path) -> None:
    """Indentation slips in a dialog and in a locale file: one located message each, not the
    dozens of "missing text" / "no such state" consequences."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    main = root / "dialogs" / "main.yaml"
    lines = main.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("type:"))
    lines[at] = " " + lines[at]
    main.write_text("\n".join(lines) + "\n", encoding="utf-8")
    growth = root / "locales" / "it" / "growth.yaml"
    lines = growth.read_text(encoding="utf-8").splitlines()
    lines[4] = " " + lines[4]
    growth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_content(root)
    assert loaded.content is None
    where = sorted(p.pos.file for p in loaded.problems.errors)
    assert where == ["dialogs/main.yaml", "locales/it/growth.yaml"], loaded.problems.report()
    assert loaded.problems.report().count("space more than the line above it") == 2


@pytest.mark.parametrize(
    ("text", "said", "fix"),
    [
        ("Per chi ha <1.000 follower", "“<” that is not a tag", "&lt;"),
        ("budget > € 200", "“>” that is not part of a tag", "&gt;"),
        ("Rossi & figli", "“&” on its own", "&amp;"),
        ("<b>Attenzione: leggi bene", "opens <b> and never closes it", "</b>"),
        ("riga uno<br>riga due", "<br>", "new line"),
        ("<h1>Titolo</h1>", "<h1>", "<b>"),
        ("   ", "is empty", "write the message"),
    ],
)
def test_html_that_telegram_refuses_is_one_located_error(text: str, said: str, fix: str) -> None:
    from bot.content.telegram_html import html_problems

    ((what, how),) = html_problems(text)
    assert said in what and fix in how


def test_html_telegram_accepts_passes() -> None:
    from bot.content.telegram_html import html_problems

    fine = (
        '<b>Ciao {{ first_name }}</b>, <a href="https://t.me/x">link</a> &amp; &lt;3 '
        "{% if budget > 100 %}<i>bene</i>{% endif %} &#128512;"
    )
    assert html_problems(fine) == []


def test_a_bare_lt_in_a_locale_is_named_where_it_is_with_the_fix(mini_copy: Path) -> None:
    texts = mini_copy / "locales" / "it" / "texts.yaml"
    edit(texts, "  timed_out: Chiusa per inattività.", '  timed_out: "Chiusa: <1 ora di silenzio."')
    line = line_of(texts, "<1 ora")
    said = report(mini_copy)
    assert f"locales/it/texts.yaml:{line}:" in said
    assert "the text `handover.timed_out` has a “<” that is not a tag" in said
    assert "&lt;" in said and said.count("error") <= 2


def test_a_button_label_a_phone_would_cut_is_a_located_warning(mini_copy: Path) -> None:
    texts = mini_copy / "locales" / "en" / "texts.yaml"
    long = "Tell me everything about your prices and your packages"
    line = line_of(texts, "  info: ")
    lines = texts.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = f"  info: {long}"
    texts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = load_content(mini_copy).problems
    (warning,) = [p for p in problems if "button label" in p.message]
    assert warning.severity == "warning" and warning.pos.file == "locales/en/texts.yaml"
    assert warning.pos.line == line
    assert f"`menu.info` is {len(long)} characters long" in warning.message
    assert "shorten it" in str(warning)
    assert not problems.errors  # Telegram shows it, cut: a warning, not a stop


def test_a_label_that_fits_is_not_questioned() -> None:
    from bot.content.telegram_html import LABEL_WIDTH, label_problem

    assert label_problem("📈 Quanti follower, e quando?") is None
    assert label_problem("x" * LABEL_WIDTH) is None
    assert label_problem("x" * (LABEL_WIDTH + 1)) is not None
    assert label_problem("<b>Ciao</b> {{ first_name }} &amp; co") is None


@pytest.mark.parametrize(
    ("written", "value", "offset", "expected"),
    [
        ('"a <b"', "a <b", 2, 3),
        ("a <b  # note", "a <b", 2, 2),
        ("'l''a <b'", "l'a <b", 4, 6),
        ('"\\"x\\" <"', '"x" <', 4, 7),
        ('"\\u00e8 <"', "è <", 2, 8),
        ("|-", "a <b", 2, None),  # a block text: its lines are elsewhere
        ('"a\\nb <"', "a\nb <", 4, None),  # on two lines once read
        ('"other <"', "a <b", 2, None),  # not what the file says: no column is a guess
    ],
)
def test_a_character_of_a_text_is_found_where_the_file_has_it(
    written: str, value: str, offset: int, expected: int | None
) -> None:
    from bot.base.yamlpos import offset_in

    assert offset_in(written, value, offset) == expected


def test_the_kind_of_a_problem_does_not_make_it_another_one() -> None:
    from bot.base.problems import Pos, Problem

    plain = Problem(Pos("f", 1, 1), "m", severity="warning")
    kinded = Problem(Pos("f", 1, 1), "m", severity="warning", kind="placeholder")
    assert plain == kinded and len({plain, kinded}) == 1 and sorted([kinded, plain])
