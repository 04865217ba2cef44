"""dialogs/benchmarks.yaml: the real file is sound, and every staff mistake is located exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.base.problems import Problem, Problems
from bot.growth.parameters import BENCHMARKS_FILE, PLATFORMS, Benchmarks, load_benchmarks

VALID = """\
platforms:
  instagram:
    organic_pct_month: {low: 0.5, mid: 1.5, high: 3.0}
    cpf_eur: {low: 0.40, mid: 1.00, high: 2.50}
    baseline_posts_per_week: {min: 3, max: 5}
    max_useful_posts_per_week: 7
  facebook:
    organic_pct_month: {low: 0.1, mid: 0.4, high: 1.0}
    cpf_eur: {low: 0.15, mid: 0.50, high: 1.20}
    baseline_posts_per_week: {min: 3, max: 7}
    max_useful_posts_per_week: 7
  tiktok:
    organic_pct_month: {low: 1.0, mid: 3.0, high: 6.0}
    cpf_eur: {low: 0.15, mid: 0.40, high: 1.00}
    baseline_posts_per_week: {min: 3, max: 7}
    max_useful_posts_per_week: 14
  linkedin:
    organic_pct_month: {low: 0.5, mid: 1.5, high: 3.0}
    cpf_eur: {low: 3.00, mid: 8.00, high: 20.00}
    baseline_posts_per_week: {min: 2, max: 5}
    max_useful_posts_per_week: 7
floor_followers_month: {low: 5, mid: 20, high: 50}
churn_pct_month: 0.3
posting_multipliers:
  one_per_week: 0.5
  # the bottom of the baseline band
  in_band: 1.0
  at_max_useful: 1.15
  loss_per_post_over_max: 0.05
account_size_multipliers:
  0: 1.0
  10000: 0.8
paid:
  diminishing_above_eur_month: 1500
  cpf_multiplier_above: 1.2
  seasonal_cpf_multiplier: 1.3
  seasonal_months: [10, 11, 12]
sector_multipliers: {}
horizon:
  realistic_within_months: 36
  max_months: 600
"""


def _load(tmp_path: Path, text: str) -> tuple[Benchmarks | None, list[Problem]]:
    """The result and the errors; warnings (settings this fixture predates) are tested in
    tests/test_parameters.py."""
    path = tmp_path / "benchmarks.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return load_benchmarks(path, problems), problems.errors


def _broken(tmp_path: Path, old: str, new: str) -> list[Problem]:
    assert VALID.count(old) == 1, f"fixture fragment not unique: {old!r}"
    result, problems = _load(tmp_path, VALID.replace(old, new))
    assert result is None
    assert problems, "a broken file must produce at least one problem"
    return problems


def _one(problems: list[Problem], fragment: str) -> Problem:
    matching = [p for p in problems if fragment in p.message]
    assert len(matching) == 1, [str(p) for p in problems]
    return matching[0]


# -- the real file ------------------------------------------------------------------------------


def test_real_file_loads_without_problems() -> None:
    problems = Problems()
    benchmarks = load_benchmarks(BENCHMARKS_FILE, problems)
    assert not problems, problems.report()
    assert benchmarks is not None
    assert set(benchmarks.platforms) == set(PLATFORMS)
    assert benchmarks.horizon_months == 600
    assert benchmarks.realistic_within_months == 36


def test_real_file_matches_the_brief_defaults() -> None:
    benchmarks = load_benchmarks(BENCHMARKS_FILE, Problems())
    assert benchmarks is not None
    instagram = benchmarks.platforms["instagram"]
    assert (instagram.organic_pct_month.mid, instagram.cpf_eur.mid) == (1.5, 1.0)
    assert benchmarks.platforms["linkedin"].cpf_eur.high == 20.0
    assert benchmarks.floor_followers_month.mid == 20
    assert benchmarks.paid.diminishing_above_eur_month == 1500
    assert benchmarks.paid.cpf_multiplier_above == 1.2


def _comment_above(lines: list[str], index: int) -> str:
    block: list[str] = []
    for above in reversed(lines[:index]):
        if not above.strip().startswith("#"):
            break
        block.append(above.strip())
    return " ".join(block)


def _sources_missing(lines: list[str]) -> list[int]:
    """Setting lines with a number whose own comment (inline or just above) names no source;
    entries of a block with no comments of their own may rely on the block's comment."""
    sourced = re.compile(r"\b(19|20)\d\d\b|ASSUMPTION|policy|brief")
    setting = re.compile(r"^(\s*)[\w.]+:\s*(.*?)\s*(#.*)?$")
    missing = []
    for index, line in enumerate(lines):
        match = setting.match(line)
        if not match or not re.search(r"\d", match.group(2) or ""):
            continue
        comment = (match.group(3) or "") + " " + _comment_above(lines, index)
        if not comment.strip():
            indent = len(match.group(1))
            parent = next(
                i
                for i in range(index - 1, -1, -1)
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) < indent
            )
            comment = lines[parent] + " " + _comment_above(lines, parent)
        if not sourced.search(comment):
            missing.append(index + 1)
    return missing


def test_every_number_in_the_real_file_names_its_source() -> None:
    lines = BENCHMARKS_FILE.read_text(encoding="utf-8").splitlines()
    assert _sources_missing(lines) == []


def test_the_source_check_catches_an_unsourced_number() -> None:
    lines = ["paid:", "  # Superads 2025", "  a: 1", "  b: 2", "list:", "  # ASSUMPTION", "  0: 1"]
    assert _sources_missing(lines) == [4]


def test_the_fixture_itself_is_valid(tmp_path: Path) -> None:
    result, problems = _load(tmp_path, VALID)
    assert problems == []
    assert result is not None
    assert result.account_size == ((0, 1.0), (10000, 0.8))


# -- each problem class, with its exact line ---------------------------------------------------


def test_missing_platform_points_at_platforms_key(tmp_path: Path) -> None:
    linkedin_block = VALID[VALID.index("  linkedin:") : VALID.index("floor_followers_month")]
    problems = _broken(tmp_path, linkedin_block, "")
    problem = _one(problems, "`linkedin`")
    assert (problem.pos.line, problem.pos.col) == (1, 1)
    assert "has no `linkedin`" in problem.message
    assert problem.suggestion and "linkedin" in problem.suggestion


def test_misspelt_platform_gets_did_you_mean(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "  tiktok:\n", "  tiktock:\n")
    unknown = _one(problems, "unknown setting `tiktock`")
    assert unknown.pos.line == 12
    assert unknown.suggestion == "did you mean `tiktok`?"
    assert len(problems) == 1  # one mistake, one message: not also "has no `tiktok`"


def test_unknown_setting_gets_did_you_mean(tmp_path: Path) -> None:
    old = "    cpf_eur: {low: 0.15, mid: 0.50, high: 1.20}\n"
    problems = _broken(tmp_path, old, old.replace("cpf_eur", "cpf_euro"))
    unknown = _one(problems, "unknown setting `cpf_euro`")
    assert (unknown.pos.line, unknown.pos.col) == (9, 5)
    assert unknown.suggestion == "did you mean `cpf_eur`?"
    assert len(problems) == 1  # one mistake, one message: not also "has no `cpf_eur`"


def test_unknown_setting_without_close_match_lists_known_ones(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "churn_pct_month: 0.3\n", "churn_pct_month: 0.3\ncolour: blue\n")
    problem = _one(problems, "unknown setting `colour`")
    assert problem.pos.line == 24
    assert problem.suggestion and problem.suggestion.startswith("remove it; known:")


def test_missing_top_level_setting(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "churn_pct_month: 0.3\n", "")
    problem = _one(problems, "has no `churn_pct_month`")
    assert problem.pos.line == 1


def test_text_with_decimal_comma_where_a_number_is_needed(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "churn_pct_month: 0.3", 'churn_pct_month: "0,3"')
    problem = _one(problems, "must be a number")
    assert (problem.pos.line, problem.pos.col) == (23, 18)
    assert "the text '0,3'" in problem.message
    assert problem.suggestion and "dot" in problem.suggestion


def test_word_where_a_number_is_needed_inside_a_range(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "{low: 1.0, mid: 3.0, high: 6.0}", "{low: 1.0, mid: lots, high: 6.0}"
    )
    problem = _one(problems, "must be a number")
    assert problem.pos.line == 13
    assert "tiktok.organic_pct_month.mid" in problem.message
    assert problem.suggestion == "write a plain number, e.g. 1.5"


def test_empty_value_where_a_number_is_needed(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "  in_band: 1.0\n", "  in_band:\n")
    problem = _one(problems, "must be a number, not empty")
    assert problem.pos.line == 27  # the key itself, not the line after it


def test_negative_cost(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "{low: 3.00, mid: 8.00", "{low: -3.00, mid: 8.00")
    problem = _one(problems, "cannot be negative")
    assert problem.pos.line == 19
    assert "linkedin.cpf_eur.low" in problem.message
    assert problem.suggestion and "minus" in problem.suggestion


def test_zero_cost_per_follower(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "{low: 0.40, mid: 1.00", "{low: 0, mid: 1.00")
    problem = _one(problems, "must be more than 0")
    assert problem.pos.line == 4


def test_low_above_mid(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "{low: 0.1, mid: 0.4, high: 1.0}", "{low: 0.5, mid: 0.4, high: 1.0}"
    )
    problem = _one(problems, "is above")
    assert problem.pos.line == 8
    assert problem.message == "`facebook.organic_pct_month`: low (0.5) is above mid (0.4)"
    assert problem.suggestion and "low ≤ mid ≤ high" in problem.suggestion


def test_mid_above_high_for_costs_explains_cost_order(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "{low: 5, mid: 20, high: 50}", "{low: 5, mid: 60, high: 50}")
    problem = _one(problems, "is above")
    assert problem.pos.line == 22
    assert "mid (60) is above high (50)" in problem.message


def test_range_written_as_single_number(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "    cpf_eur: {low: 0.40, mid: 1.00, high: 2.50}", "    cpf_eur: 1.0"
    )
    problem = _one(problems, "needs three values")
    assert problem.pos.line == 4
    assert problem.suggestion and "{low: …, mid: …, high: …}" in problem.suggestion


def test_range_missing_a_part(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "{low: 5, mid: 20, high: 50}", "{low: 5, high: 50}")
    assert _one(problems, "has no `mid`").pos.line == 22


def test_band_min_above_max(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "{min: 2, max: 5}", "{min: 6, max: 5}")
    problem = _one(problems, "min (6) is above max (5)")
    assert problem.pos.line == 20


def test_useful_posts_below_band(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "    max_useful_posts_per_week: 14\n", "    max_useful_posts_per_week: 4\n"
    )
    assert _one(problems, "is below the top").pos.line == 16


def test_dotted_thousands_in_account_size(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "  10000: 0.8\n", "  10.000: 0.8\n")
    problem = _one(problems, "`10.000` is read as 10, not 10000")
    assert (problem.pos.line, problem.pos.col) == (32, 3)
    assert problem.suggestion and "10000" in problem.suggestion


def test_account_size_needs_a_line_from_zero(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "  0: 1.0\n", "")
    assert _one(problems, "from 0 followers").pos.line == 30


def test_bad_seasonal_month(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "[10, 11, 12]", "[10, 13, 12]")
    problem = _one(problems, "not a month number")
    assert (problem.pos.line, problem.pos.col) == (37, 25)


def test_cpf_multiplier_below_one(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "cpf_multiplier_above: 1.2", "cpf_multiplier_above: 0.8")
    assert _one(problems, "must be at least 1").pos.line == 35


def test_block_expected_but_number_given(tmp_path: Path) -> None:
    paid = VALID[VALID.index("paid:") : VALID.index("sector_multipliers")]
    problems = _broken(tmp_path, paid, "paid: 5\n")
    problem = _one(problems, "should be a block of settings")
    assert problem.pos.line == 33


def test_bad_sector_multiplier(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "sector_multipliers: {}\n", "sector_multipliers:\n  food: -1\n")
    assert _one(problems, "sector_multipliers.food").pos.line == 39


def test_realistic_window_beyond_horizon(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "realistic_within_months: 36", "realistic_within_months: 700")
    problem = _one(problems, "realistic_within_months")
    assert problem.pos.line == 40


def test_non_whole_months(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "max_months: 600", "max_months: 600.5")
    assert _one(problems, "must be a whole number").pos.line == 41


def test_organic_rate_as_whole_percent(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        "{low: 0.5, mid: 1.5, high: 3.0}\n    cpf_eur: {low: 0.40",
        ("{low: 50, mid: 150, high: 300}\n    cpf_eur: {low: 0.40"),
    )
    problem = _one(problems, "above 100 %")
    assert problem.pos.line == 3


def test_yaml_syntax_error_is_a_located_problem(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        "  loss_per_post_over_max: 0.05\n",
        "  loss_per_post_over_max: 0.05\n bad_indent: 2\n",
    )
    assert len(problems) == 1
    assert problems[0].pos.line in (29, 30)
    assert problems[0].message.startswith("YAML syntax")


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = (
        VALID.replace("churn_pct_month: 0.3", "churn_pct_month: -1")
        .replace("{min: 3, max: 5}", "{min: 9, max: 5}")
        .replace("[10, 11, 12]", "[0]")
    )
    result, problems = _load(tmp_path, text)
    assert result is None
    assert sorted(p.pos.line for p in problems) == [5, 23, 37]


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "42\n"])
def test_not_a_settings_file(tmp_path: Path, text: str) -> None:
    result, problems = _load(tmp_path, text)
    assert result is None
    assert len(problems) == 1
    assert problems[0].pos.line == 1


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    problems = Problems()
    assert load_benchmarks(tmp_path / "nope.yaml", problems) is None
    assert len(problems) == 1
