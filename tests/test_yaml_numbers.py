"""Numbers written the Italian way in staff files: YAML reads ``1.000`` as 1 and the comma of
``1,50`` inside ``{…}`` as a separator, silently. Each is one located error with the fix, found
while loading any staff file (``bot.base.yamlpos``), and nothing that only follows from it is
reported as well (one mistake, one message)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.agency.facts import load_agency
from bot.app import load_content
from bot.base.problems import Pos, Problems
from bot.base.yamlpos import parse_yaml
from bot.growth.parameters import load_benchmarks
from bot.staff.transcripts import load_transcripts
from tests.test_agency import FILLED
from tests.test_parameters import COMPLETE

DOT = "in YAML a dot is the decimal point, never a thousands separator"
COMMA = "in YAML a comma separates values"


def _broken(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    file: str,
    content: str,
    load: Callable[[Path, Problems], object],
    old: str,
    new: str,
) -> str:
    """``content`` with ``old`` replaced by ``new``, loaded from ``file``: the report."""
    assert content.count(old) == 1, old
    monkeypatch.chdir(tmp_path)
    Path(file).write_text(content.replace(old, new), encoding="utf-8")
    problems = Problems()
    assert load(Path(file), problems) is None
    return problems.report()


def _benchmarks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> str:
    """dialogs/benchmarks.yaml with ``old`` replaced by ``new``: the report (file relative)."""
    return _broken(tmp_path, monkeypatch, "benchmarks.yaml", COMPLETE, load_benchmarks, old, new)


def _agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> str:
    return _broken(tmp_path, monkeypatch, "agency.yaml", FILLED, load_agency, old, new)


def _errors(report: str) -> list[str]:
    """The located errors (not the warnings, not the line saying other checks wait)."""
    return [
        line
        for line in report.splitlines()
        if ": warning: " not in line and not line.startswith("(the checks")
    ]


def _parsed(text: str) -> tuple[object, str]:
    problems = Problems()
    source = parse_yaml(text, "f.yaml", problems)
    return (source.data if source else None), problems.report()


# -- thousands with dots ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  current: 500\n",
            "  current: 1.000\n",
            f"benchmarks.yaml:56:12: `1.000` is read as 1, not 1000: {DOT} — write 1000 without "
            'the dot (or 1.0 if you mean one); if it is meant as text, put it in quotes: "1.000"',
        ),
        (  # a cost per follower where one euro is plausible: flagged, the fix gives both
            "cpf_eur: {low: 0.40, mid: 1.00, high: 2.50}",
            "cpf_eur: {low: 0.40, mid: 1.000, high: 2.50}",
            f"benchmarks.yaml:4:31: `1.000` is read as 1, not 1000: {DOT} — write 1000 without "
            'the dot (or 1.0 if you mean one); if it is meant as text, put it in quotes: "1.000"',
        ),
        (  # read as € 1.50 a month, which no check would refuse: only this message
            "  diminishing_above_eur_month: 1500\n",
            "  diminishing_above_eur_month: 1.500\n",
            f"benchmarks.yaml:42:32: `1.500` is read as 1.5, not 1500: {DOT} — write 1500 "
            "without the dot (or 1.5 if you mean decimals); if it is meant as text, put it in "
            'quotes: "1.500"',
        ),
        (  # 50 would be "below a platform's min_ad_budget_eur_month": not said as well
            "  max_budget_eur_month: 50000\n",
            "  max_budget_eur_month: 50.000\n",
            f"benchmarks.yaml:53:25: `50.000` is read as 50, not 50000: {DOT} — write 50000 "
            "without the dot (or 50.0 if you mean 50); if it is meant as text, put it in quotes: "
            '"50.000"',
        ),
        (  # 1.2 is not a whole number of months, nor at least 12: not said as well
            "  max_months: 600\n",
            "  max_months: 1.200\n",
            f"benchmarks.yaml:50:15: `1.200` is read as 1.2, not 1200: {DOT} — write 1200 "
            "without the dot (or 1.2 if you mean decimals); if it is meant as text, put it in "
            'quotes: "1.200"',
        ),
        (  # YAML keeps it as text; "must be a number" is not said as well
            "    largest_account: 39000000\n",
            "    largest_account: 39.000.000\n",
            f"benchmarks.yaml:28:22: `39.000.000` is read as text, not as the number 39000000: "
            f"{DOT} — write 39000000 without the dots; if it is meant as text, put it in quotes: "
            '"39.000.000"',
        ),
        (  # a key: "not a whole number of followers" is not said as well
            "  10000: 0.8\n",
            "  10.000: 0.8\n",
            f"benchmarks.yaml:40:3: `10.000` is read as 10, not 10000: {DOT} — write 10000 "
            "without the dot (or 10.0 if you mean ten); if it is meant as text, put it in quotes: "
            '"10.000"',
        ),
    ],
)
def test_dotted_thousands_in_the_benchmarks_are_one_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    assert _errors(_benchmarks(tmp_path, monkeypatch, old, new)) == [expected]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    from: 300\n",
            "    from: 1.000\n",
            f"agency.yaml:9:11: `1.000` is read as 1, not 1000: {DOT} — write 1000 without the "
            'dot (or 1.0 if you mean one); if it is meant as text, put it in quotes: "1.000"',
        ),
        (  # € 300 "down to € 1" is not said as well
            "    to: 500\n",
            "    to: 1.000\n",
            f"agency.yaml:10:9: `1.000` is read as 1, not 1000: {DOT} — write 1000 without the "
            'dot (or 1.0 if you mean one); if it is meant as text, put it in quotes: "1.000"',
        ),
        (  # "must be a whole number, not 1.5" is not said as well
            "    from: 800\n",
            "    from: 1.500\n",
            f"agency.yaml:13:11: `1.500` is read as 1.5, not 1500: {DOT} — write 1500 without "
            "the dot (or 1.5 if you mean decimals); if it is meant as text, put it in quotes: "
            '"1.500"',
        ),
        (
            "team_size: 6\n",
            "team_size: 12.000\n",
            f"agency.yaml:6:12: `12.000` is read as 12, not 12000: {DOT} — write 12000 without "
            'the dot (or 12.0 if you mean 12); if it is meant as text, put it in quotes: "12.000"',
        ),
    ],
)
def test_dotted_thousands_in_the_agency_facts_are_one_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    assert _errors(_agency(tmp_path, monkeypatch, old, new)) == [expected]


def test_each_dotted_number_in_a_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FILLED.replace("    from: 300\n", "    from: 1.000\n").replace(
        "    to: 500\n", "    to: 2.000\n"
    )
    errors = _errors(_agency(tmp_path, monkeypatch, FILLED, text))
    assert [e.split(": ")[0] for e in errors] == ["agency.yaml:9:11", "agency.yaml:10:9"]
    assert "`2.000` is read as 2, not 2000" in errors[1]
    assert "write 2000 without the dot (or 2.0 if you mean two)" in errors[1]


@pytest.mark.parametrize(
    "value",
    [
        "1.000",
        "12.500",
        "1.000.000",
        "-1.000",
        "{a: 1.000}",
        "[1.000, 2]",
    ],
)
def test_the_pattern_is_flagged_wherever_it_is_plain(value: str) -> None:
    data, report = _parsed(f"x: {value}\n")
    assert data is not None  # the file is still read: the readers go on with the rest
    assert len(report.splitlines()) == 1, report
    assert DOT in report


@pytest.mark.parametrize(
    "value",
    [
        "0.400",
        "0.001",
        "1.5",
        "2.50",
        "30.4",
        "10.00",
        "1.0000",
        "1000",
        "1000.000",
        '"1.000"',
        "'12.500'",
        "da 1.000 a 2.000 follower",
        "€ 1.500",
        "1.000 follower",
        "v1.000",
        "1,000",
        '{it: "3.000 follower", en: "3,000 followers"}',
        "[10, 11, 12]",
        "[10,11,12]",
        "[1,5]",
        "{0: 1,10000: 0.8}",
        "{low: 0.40, mid: 1.50, high: 2.50}",
    ],
)
def test_what_must_not_be_flagged(value: str) -> None:
    data, report = _parsed(f"x: {value}\n")
    assert data is not None
    assert report == ""


def test_numbers_inside_a_text_of_the_shipped_kind_are_not_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FILLED.replace(
        '  - it: "Pasticceria a Catania: da 800 a 3.000 follower in 10 mesi"\n',
        "  - it: Pasticceria a Catania, da 800 a 3.000 follower in 10 mesi\n",
    )
    assert text != FILLED
    monkeypatch.chdir(tmp_path)
    Path("agency.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    facts = load_agency(Path("agency.yaml"), problems)
    assert facts is not None and problems.errors == []
    assert facts.results[0]["it"] == "Pasticceria a Catania, da 800 a 3.000 follower in 10 mesi"


# -- a decimal comma in {…} or […] -------------------------------------------------------------


def test_a_decimal_comma_in_a_range_is_one_error_not_an_unknown_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _benchmarks(
        tmp_path,
        monkeypatch,
        "cpf_eur: {low: 0.40, mid: 1.00, high: 2.50}",
        "cpf_eur: {low: 0.40, mid: 1,50, high: 2.50}",
    )
    assert _errors(report) == [
        f"benchmarks.yaml:4:31: `1,50` is read as two values, 1 and 50: {COMMA} — "
        "use a dot for decimals: 1.50"
    ]
    assert "unknown setting" not in report


def test_decimal_commas_that_make_a_key_twice_are_reported_as_commas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _benchmarks(
        tmp_path,
        monkeypatch,
        "cpf_eur: {low: 0.40, mid: 1.00, high: 2.50}",
        "cpf_eur: {low: 0,40, mid: 1,50, high: 2,50}",
    )
    assert _errors(report) == [
        f"benchmarks.yaml:4:20: `0,40` is read as two values, 0 and 40: {COMMA} — "
        "use a dot for decimals: 0.40",
        f"benchmarks.yaml:4:31: `1,50` is read as two values, 1 and 50: {COMMA} — "
        "use a dot for decimals: 1.50",
        f"benchmarks.yaml:4:43: `2,50` is read as two values, 2 and 50: {COMMA} — "
        "use a dot for decimals: 2.50",
    ]
    assert "twice" not in report


def test_a_decimal_comma_in_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _benchmarks(
        tmp_path, monkeypatch, "seasonal_months: [10, 11, 12]", "seasonal_months: [1,5, 2]"
    )
    assert _errors(report) == [
        f"benchmarks.yaml:45:21: `1,5` is read as two values, 1 and 5: {COMMA} — use a dot for "
        "decimals: 1.5; for two values, put a space after the comma: 1, 5"
    ]


def test_a_list_written_without_spaces_is_a_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = COMPLETE.replace("seasonal_months: [10, 11, 12]", "seasonal_months: [10,11,12]")
    Path("benchmarks.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    benchmarks = load_benchmarks(Path("benchmarks.yaml"), problems)
    assert problems.report() == ""
    assert benchmarks is not None and benchmarks.paid.seasonal_months == {10, 11, 12}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "x: [1,5, 2]\n",
            f"f.yaml:1:5: `1,5` is read as two values, 1 and 5: {COMMA} — use a dot for "
            "decimals: 1.5; for two values, put a space after the comma: 1, 5",
        ),
        (
            "x: {mid: -1,25}\n",
            f"f.yaml:1:10: `-1,25` is read as two values, -1 and 25: {COMMA} — use a dot for "
            "decimals: -1.25",
        ),
        (  # three digits: thousands for some, decimals for others
            "x: {from: 1,500}\n",
            f"f.yaml:1:11: `1,500` is read as two values, 1 and 500: {COMMA} — write 1500 "
            "without the comma (or 1.5 if you mean decimals)",
        ),
        (
            "x: {from: 1,000}\n",
            f"f.yaml:1:11: `1,000` is read as two values, 1 and 000: {COMMA} — write 1000 "
            "without the comma (or 1.0 if you mean one)",
        ),
    ],
)
def test_decimal_comma_messages(text: str, expected: str) -> None:
    assert _parsed(text)[1] == expected


# -- every staff file, through the ordinary loaders ----------------------------------------------


def test_a_locale_text_and_a_dialog_setting_are_checked_too(mini_copy: Path) -> None:
    texts = mini_copy / "locales" / "it" / "texts.yaml"
    texts.write_text(
        texts.read_text(encoding="utf-8").replace("info: Qualche informazione.", "info: 10.000", 1),
        encoding="utf-8",
    )
    dialog = mini_copy / "dialogs" / "main.yaml"
    dialog.write_text(
        dialog.read_text(encoding="utf-8").replace("      tries: 2\n", "      tries: 2.000\n", 1),
        encoding="utf-8",
    )
    errors = _errors(load_content(mini_copy).problems.report())
    assert errors == [
        f"dialogs/main.yaml:28:14: `2.000` is read as 2, not 2000: {DOT} — write 2000 without "
        'the dot (or 2.0 if you mean two); if it is meant as text, put it in quotes: "2.000"',
        f"locales/it/texts.yaml:8:7: `10.000` is read as 10, not 10000: {DOT} — write 10000 "
        "without the dot (or 10.0 if you mean ten); if it is meant as text, put it in quotes: "
        '"10.000"',
    ]


def test_a_button_label_in_a_conversation_test(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("lang: it\nsteps:\n  - send: /start\n  - press: 10.000\n", encoding="utf-8")
    problems = Problems()
    assert load_transcripts(path, problems, name="case.yaml") == []
    assert [str(p) for p in problems] == [
        f"case.yaml:4:12: `10.000` is read as 10, not 10000: {DOT} — write 10000 without the "
        'dot (or 10.0 if you mean ten); if it is meant as text, put it in quotes: "10.000"'
    ]


# -- hints that fit the field -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "team_size: 5.5\n",
            "agency.yaml:6:12: how many people work at the agency must be a whole number, not "
            "5.5 — write only the number of people, e.g. 5",
        ),
        (
            'team_size: "sei"\n',
            "agency.yaml:6:12: how many people work at the agency must be a whole number, not "
            "“sei” — write only the digits, without quotes, e.g. 5 for five people",
        ),
    ],
)
def test_a_head_count_hint_speaks_of_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new: str, expected: str
) -> None:
    assert _errors(_agency(tmp_path, monkeypatch, "team_size: 6\n", new)) == [expected]


def test_a_fee_hint_speaks_of_euros(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _errors(_agency(tmp_path, monkeypatch, "    from: 300\n", "    from: 300.50\n"))
    assert errors == [
        "agency.yaml:9:11: the lowest monthly fee of price range 1 must be a whole number, "
        "not 300.5 — write it without dots or commas, e.g. 1500 for € 1.500"
    ]


def test_the_typical_account_hint_speaks_of_followers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _benchmarks(tmp_path, monkeypatch, "  current: 500\n", "  current: 500.5\n")
    assert _errors(report) == [
        "benchmarks.yaml:56:12: `typical_account.current` must be a whole number, not 500.5 — "
        "write a whole number of followers, e.g. 500"
    ]


# -- the mechanism ------------------------------------------------------------------------------


def test_a_covered_place_drops_later_problems_there_only() -> None:
    problems = Problems()
    problems.add(Pos("f.yaml", 2, 5), "the real mistake")
    problems.cover(Pos("f.yaml", 2, 5))
    problems.cover(Pos("f.yaml", 4, 3), Pos("f.yaml", 4, 30))
    assert problems.covers(Pos("f.yaml", 4, 12)) and not problems.covers(Pos("g.yaml", 4, 12))
    problems.add(Pos("f.yaml", 2, 5), "a consequence")
    problems.add(Pos("f.yaml", 4, 12), "another consequence", severity="warning")
    problems.add(Pos("f.yaml", 2, 6), "something else")
    problems.add(Pos("g.yaml", 2, 5), "another file")
    assert [p.message for p in problems] == ["the real mistake", "something else", "another file"]
    merged = Problems()
    merged.extend(problems)
    merged.add(Pos("f.yaml", 4, 12), "a consequence found later")
    assert len(merged) == 3


def test_a_file_read_twice_into_the_same_problems_still_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("agency.yaml").write_text(FILLED.replace("    to: 500\n", "    to: 1.000\n"), "utf-8")
    problems = Problems()
    assert load_agency(Path("agency.yaml"), problems) is None
    assert load_agency(Path("agency.yaml"), problems) is None
    assert len(_errors(problems.report())) == 1
