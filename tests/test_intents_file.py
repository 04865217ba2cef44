"""``bot.content.intents_file``: examples added to dialogs/intents.yaml, the file undisturbed.

Every test writes to a copy of the shipped intents file in tmp_path, never to the shipped one.
The review that decides what to add, and the command line around it: tests/test_review.py.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from bot.base.problems import Pos, Problems
from bot.content.intents_file import (
    MAX_EXAMPLE_CHARS,
    IntentsFile,
    IntentsFileError,
    InvalidIntents,
    LayoutError,
    example_text,
)
from bot.understanding.intents import OUT_OF_SCOPE, IntentSet, load_intents
from bot.understanding.text import normalise
from tests.conftest import ROOT

# Sentences the shipped intents do not have (each test that needs it checks it still is so).
DOSH = "how much dosh do you lot want"
DOSH_TOO = "how much dosh do u want"
COMMENT = "# What prospects ask the bot, and how it recognises each question."


def intents_of(path: Path) -> IntentSet:
    """The intents file at ``path`` (or ``path/dialogs/intents.yaml``), asserting it is valid."""
    if path.is_dir():
        path = path / "dialogs" / "intents.yaml"
    problems = Problems()
    intents = load_intents(path, problems)
    assert intents is not None and not problems.errors, problems.report()
    return intents


def examples(intents: IntentSet, label: str, lang: str) -> list[str]:
    if label == OUT_OF_SCOPE:
        return [p.text for p in intents.out_of_scope.get(lang, ())]
    return [p.text for p in intents.intents[label].examples.get(lang, ())]


def only_added(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` changed."""
    added: list[str] = []
    a, b = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: {a[i1:i2]} -> {b[j1:j2]}"
        if tag == "insert":
            added.extend(b[j1:j2])
    return added


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A copy of the shipped intents file."""
    target = tmp_path / "dialogs" / "intents.yaml"
    target.parent.mkdir()
    shutil.copyfile(ROOT / "dialogs" / "intents.yaml", target)
    return target


def test_examples_are_added_at_the_end_of_their_list_keeping_comments_and_layout(
    path: Path,
) -> None:
    before = path.read_text(encoding="utf-8")
    assert normalise(DOSH) not in IntentsFile(path).sentences(), "pick another sentence"
    written = IntentsFile(path).add("pricing", [(DOSH, "en"), (DOSH_TOO, "en")])
    assert written.added == (("en", DOSH), ("en", DOSH_TOO))
    assert written.skipped == () and written.blocked is None
    after = path.read_text(encoding="utf-8")
    assert COMMENT in after.splitlines()
    assert only_added(before, after) == [f"        - {DOSH}", f"        - {DOSH_TOO}"]
    assert examples(intents_of(path), "pricing", "en")[-2:] == [DOSH, DOSH_TOO]
    assert not list(path.parent.glob(".*"))  # no temporary file left behind


def test_the_labels_and_the_sentences_of_the_file(path: Path) -> None:
    file = IntentsFile(path)
    shipped = intents_of(path)
    assert file.labels() == [*shipped.ids(), OUT_OF_SCOPE]
    sentences = file.sentences()
    first = examples(shipped, "pricing", "it")[0]
    assert normalise(first) in sentences and first.upper() not in sentences
    assert normalise(examples(shipped, OUT_OF_SCOPE, "en")[0]) in sentences
    assert "" not in sentences


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    missing = IntentsFile(tmp_path / "intents.yaml")
    with pytest.raises(IntentsFileError, match="cannot read"):
        missing.labels()
    with pytest.raises(IntentsFileError, match="cannot read"):
        missing.add("pricing", [(DOSH, "en")])


def test_the_blank_line_after_a_list_stays_after_the_new_example(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    written = IntentsFile(path).add("leave_contacts", [("you can write to me whenever", "en")])
    assert written.added
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("        - you can write to me whenever")
    assert lines[at + 1] == "" and lines[at + 2] == "  privacy:"
    assert only_added(before, "\n".join(lines)) == ["        - you can write to me whenever"]


def test_a_note_at_the_end_of_the_last_line_stays_there(path: Path) -> None:
    last = examples(intents_of(path), "leave_contacts", "en")[-1]
    text = path.read_text(encoding="utf-8").replace(
        f"        - {last}\n", f"        - {last}  # from the survey\n", 1
    )
    path.write_text(text, encoding="utf-8")
    IntentsFile(path).add("leave_contacts", [("you can write to me whenever", "en")])
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f"        - {last}  # from the survey")
    assert lines[at + 1 : at + 4] == ["        - you can write to me whenever", "", "  privacy:"]


def test_windows_line_ends_are_kept(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    IntentsFile(path).add("pricing", [(DOSH, "en")])
    after = path.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n") == before.count(b"\r\n") + 1
    assert f"        - {DOSH}\r\n".encode() in after


def test_a_sentence_already_in_the_file_is_not_added_twice(path: Path) -> None:
    file = IntentsFile(path)
    existing = examples(intents_of(path), "pricing", "it")[0]
    first = file.add("pricing", [(DOSH, "en"), (DOSH.title() + "!", "en")])
    assert [text for _, text in first.added] == [DOSH]
    assert first.skipped == ((DOSH.title() + "!", "already in intents.yaml"),)
    again = file.add("pricing", [(DOSH, "en")])
    # anywhere in the file: under another intent, in any language, as any spelling
    elsewhere = file.add("ad_budget", [(existing.upper(), "it"), (existing, "en")])
    assert not again.added and not elsewhere.added
    assert {why for _, why in elsewhere.skipped} == {"already in intents.yaml"}
    text = path.read_text(encoding="utf-8")
    assert text.count(f"- {DOSH}\n") == 1
    intents_of(path)  # still valid: the loader rejects a duplicate


HOSTILE = [
    'prezzi: quanto? # davvero "tanto"',
    "l'agenzia's 'quotes' and \"doubles\"",
    "🚀🚀 quanto costa il pacchetto 👍",
    "{{ agency.name }} {% if x %} quanto costa",
    "- a dash first",
    "? a question mark first",
    "& anchor * alias ! tag | pipe > fold % directive @ at ` tick",
    "yes",
    "  lots   of\n\nlines\r\nand\ttabs\u2028here  ",
    "zero\u200bwidth and \u202eright-to-left\u202c and a bell\a",
    "word " * 120,
]


def test_yaml_hostile_messages_are_written_as_plain_one_line_strings(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    written = IntentsFile(path).add(OUT_OF_SCOPE, [(text, "it") for text in HOSTILE])
    assert not written.skipped, written.skipped
    after = path.read_text(encoding="utf-8")
    new = only_added(before, after)
    assert len(new) == len(HOSTILE)  # one line each
    assert all(line.startswith("      - ") for line in new)
    read_back = examples(intents_of(path), OUT_OF_SCOPE, "it")[-len(HOSTILE) :]
    assert read_back == [text for _, text in written.added]
    assert read_back[0] == HOSTILE[0] and read_back[3] == HOSTILE[3]
    assert read_back[7] == "yes"  # a string, not a boolean
    assert read_back[8] == "lots of lines and tabs here"
    assert read_back[9] == "zerowidth and right-to-left and a bell"
    assert len(read_back[10]) <= MAX_EXAMPLE_CHARS and not read_back[10].endswith(" ")
    assert example_text("word " * 120) == read_back[10]


def test_an_example_is_one_trimmed_line_cut_at_a_word() -> None:
    assert example_text("  quanto\ncosta\t al mese?  ") == "quanto costa al mese?"
    long = "parola " * 40
    cut = example_text(long)
    assert len(cut) <= MAX_EXAMPLE_CHARS and long.startswith(cut) and cut.endswith("parola")
    assert example_text("\u200bquanto\u202e costa\a") == "quanto costa"


def test_contact_details_and_wordless_messages_are_not_written(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    written = IntentsFile(path).add(
        "leave_contacts",
        [
            ("scrivetemi a anna.rossi@example.com", "it"),
            ("chiamatemi al 333 123 4567", "it"),
            ("👍👍", "it"),
            ("hello there", "fr"),
            ("hello there", None),
        ],
    )
    assert not written.added
    reasons = [why for _, why in written.skipped]
    assert "email or a phone number" in reasons[0] and "email or a phone number" in reasons[1]
    assert reasons[2] == "it has no words in it" and "language" in reasons[3]
    assert "language" in reasons[4]
    assert path.read_text(encoding="utf-8") == before


def test_an_out_of_scope_section_is_made_when_the_file_has_none(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "intents:\n"
        "  pricing:\n"
        "    description: What we charge\n"
        "    answer: main.pricing\n"
        "    examples:\n"
        "      it:\n"
        "        - quanto costate\n"
        "      en:\n"
        "        - how much do you charge\n",
        encoding="utf-8",
    )
    written = IntentsFile(path).add(OUT_OF_SCOPE, [("che tempo fa domani", "it")])
    assert written.added == (("it", "che tempo fa domani"),)
    assert examples(intents_of(path), OUT_OF_SCOPE, "it") == ["che tempo fa domani"]


def test_a_broken_intents_file_is_left_as_it_was_with_the_located_error(path: Path) -> None:
    broken = path.read_text(encoding="utf-8").replace(
        "    answer: main.pricing", "    answer: main.pricing\n    answr: oops", 1
    )
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InvalidIntents) as err:
        IntentsFile(path).add("pricing", [(DOSH, "en")])
    assert "intents.yaml:" in err.value.error and "answr" in err.value.error
    assert str(err.value).endswith("\nintents.yaml was left as it was.")
    assert path.read_text(encoding="utf-8") == broken


def test_a_layout_the_round_trip_would_change_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    # a one-line list: the new example would rewrite the line staff wrote
    path.write_text(
        "intents:\n"
        "  pricing:\n"
        "    description: What we charge\n"
        "    answer: main.pricing\n"
        "    examples:\n"
        "      it: [quanto costate, quali sono i prezzi]\n"
        "      en: [how much do you charge]\n",
        encoding="utf-8",
    )
    before = path.read_text(encoding="utf-8")
    with pytest.raises(LayoutError, match=r"intents\.yaml:7: adding the examples would change"):
        IntentsFile(path).add("pricing", [(DOSH, "en")])
    # three spaces per level: no writer gives the file back line for line
    path.write_text(before.replace("  ", "   "), encoding="utf-8")
    with pytest.raises(LayoutError, match="re-indent the file"):
        IntentsFile(path).add("pricing", [(DOSH, "en")])
    assert path.read_text(encoding="utf-8") == before.replace("  ", "   ")


def test_an_error_the_whole_check_finds_in_the_file_puts_it_back(path: Path) -> None:
    before = path.read_text(encoding="utf-8")

    def check() -> Problems:
        problems = Problems()
        problems.add(Pos(str(path), 3, 1), "something only the whole content shows")
        return problems

    with pytest.raises(InvalidIntents) as err:
        IntentsFile(path).add("pricing", [(DOSH, "en")], check=check)
    assert ":3:1: something only the whole content shows" in err.value.error
    assert path.read_text(encoding="utf-8") == before


def test_an_error_elsewhere_keeps_the_examples_and_says_the_bot_waits(path: Path) -> None:
    def check() -> Problems:
        problems = Problems()
        problems.add(Pos("locales/en/menu.yaml", 7, 3), "a text with no end")
        problems.add(Pos("locales/it/menu.yaml", 9, 1), "another one")
        return problems

    written = IntentsFile(path).add("pricing", [(DOSH, "en")], check=check)
    assert written.added
    assert written.blocked == "locales/en/menu.yaml:7:3: a text with no end (and 1 more)"
    assert DOSH in examples(intents_of(path), "pricing", "en")


def test_a_long_example_without_spaces_is_cut_to_the_limit() -> None:
    from bot.content.intents_file import MAX_EXAMPLE_CHARS, example_text

    assert len(example_text("x" * 300)) == MAX_EXAMPLE_CHARS
    assert len(example_text("parola " * 60)) <= MAX_EXAMPLE_CHARS
