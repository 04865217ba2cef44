"""The settings issue 11 added to dialogs/benchmarks.yaml: exposed typed for the dialogs and the
engine, each mistake located, and a file written before them still loading (with one warning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.base.problems import Problem, Problems
from bot.growth.parameters import (
    BENCHMARKS_FILE,
    DAYS_PER_MONTH,
    DEFAULT_EMPTY_PAGE_MULTIPLIER,
    DEFAULT_LARGEST_ACCOUNT,
    DEFAULT_LIKELY_RANGE,
    DEFAULT_LIMITS,
    DEFAULT_LOSS_PER_POST_OVER_MAX,
    DEFAULT_MIN_AD_BUDGET_EUR_MONTH,
    DEFAULT_TYPICAL,
    PLATFORMS,
    Benchmarks,
    Limits,
    TypicalAccount,
    load_benchmarks,
)
from tests.test_benchmarks_file import VALID

NEW_PLATFORM_LINES = {
    "instagram": "    largest_account: 698000000\n    min_ad_budget_eur_month: 30.4\n",
    "facebook": "    largest_account: 188000000\n    min_ad_budget_eur_month: 30.4\n",
    "tiktok": "    largest_account: 160400000\n    min_ad_budget_eur_month: 608\n",
    "linkedin": "    largest_account: 39000000\n    min_ad_budget_eur_month: 304\n",
}
NEW_TOP = """\
likely_range: 0.25
limits:
  max_budget_eur_month: 50000
  max_posts_per_week: 70
typical_account:
  current: 500
  budget_eur_month: 150
  posts_per_week: 3
"""


def _complete() -> str:
    """The old fixture with every new setting: what a file written today looks like."""
    text = VALID
    for platform, lines in NEW_PLATFORM_LINES.items():
        anchor = f"  {platform}:\n"
        start = text.index(anchor)
        end = text.index("max_useful_posts_per_week", start)
        end = text.index("\n", end) + 1
        text = text[:end] + lines + text[end:]
    text = text.replace(
        "  seasonal_months: [10, 11, 12]\n",
        "  seasonal_months: [10, 11, 12]\n  empty_page_multiplier: 0.25\n",
    )
    return text + NEW_TOP


COMPLETE = _complete()


def _load(tmp_path: Path, text: str) -> tuple[Benchmarks | None, list[Problem]]:
    path = tmp_path / "benchmarks.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return load_benchmarks(path, problems), list(problems)


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _error(tmp_path: Path, old: str, new: str) -> tuple[Problem, str]:
    assert COMPLETE.count(old) == 1, f"fixture fragment not unique: {old!r}"
    text = COMPLETE.replace(old, new)
    result, problems = _load(tmp_path, text)
    assert result is None
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, [str(p) for p in problems]
    return errors[0], text


# -- the real file ------------------------------------------------------------------------------


def test_the_real_file_exposes_the_sanity_bounds() -> None:
    problems = Problems()
    params = load_benchmarks(BENCHMARKS_FILE, problems)
    assert params is not None and not problems, problems.report()
    for platform in PLATFORMS:
        board = params.platforms[platform]
        assert 10_000_000 < board.largest_account < 1_000_000_000
        assert board.min_ad_budget_eur_month > 0
    assert params.platforms["instagram"].min_ad_budget_eur_month == pytest.approx(
        1 * DAYS_PER_MONTH
    )
    assert params.platforms["tiktok"].min_ad_budget_eur_month == pytest.approx(20 * DAYS_PER_MONTH)
    assert params.platforms["linkedin"].min_ad_budget_eur_month == pytest.approx(
        10 * DAYS_PER_MONTH
    )
    assert params.limits == Limits(max_budget_eur_month=50_000, max_posts_per_week=70)
    assert params.typical == TypicalAccount(current=500, budget_eur_month=150, posts_per_week=3)
    assert params.likely_range == 0.25
    assert params.paid.empty_page_multiplier == 0.25
    assert params.posting.loss_per_post_over_max == 0.05


def test_the_defaults_for_older_files_are_the_shipped_figures() -> None:
    params = load_benchmarks(BENCHMARKS_FILE, Problems())
    assert params is not None
    for platform in PLATFORMS:
        board = params.platforms[platform]
        assert board.largest_account == DEFAULT_LARGEST_ACCOUNT[platform]
        assert board.min_ad_budget_eur_month == DEFAULT_MIN_AD_BUDGET_EUR_MONTH[platform]
    assert params.limits == DEFAULT_LIMITS
    assert params.typical == DEFAULT_TYPICAL
    assert params.likely_range == DEFAULT_LIKELY_RANGE
    assert params.paid.empty_page_multiplier == DEFAULT_EMPTY_PAGE_MULTIPLIER
    assert params.posting.loss_per_post_over_max == DEFAULT_LOSS_PER_POST_OVER_MAX


# -- files written before these settings ----------------------------------------------------------


def test_a_complete_file_has_no_problems(tmp_path: Path) -> None:
    result, problems = _load(tmp_path, COMPLETE)
    assert problems == [], [str(p) for p in problems]
    assert result is not None
    assert result.platforms["tiktok"].largest_account == 160_400_000


def test_a_file_without_the_new_settings_loads_with_one_warning(tmp_path: Path) -> None:
    result, problems = _load(tmp_path, VALID)
    assert result is not None
    assert [(p.severity, p.pos.line) for p in problems] == [("warning", 1)]
    message = problems[0].message
    assert "instagram.largest_account = 6.98e+08" in message
    assert "linkedin.min_ad_budget_eur_month = 304" in message
    assert "likely_range" in message and "limits" in message and "typical_account" in message
    assert result.platforms["linkedin"].largest_account == DEFAULT_LARGEST_ACCOUNT["linkedin"]
    assert result.limits == DEFAULT_LIMITS


OLD_POSTING = """\
posting_multipliers:
  under_1_per_week: 0.3
  below_band: 0.6
  in_band: 1.0
  above_band: 1.15
  over_max: 1.0
"""


def test_the_old_posting_steps_still_load_and_say_how_they_were_read(tmp_path: Path) -> None:
    start = COMPLETE.index("posting_multipliers:")
    end = COMPLETE.index("account_size_multipliers:")
    text = COMPLETE[:start] + OLD_POSTING + COMPLETE[end:]
    result, problems = _load(tmp_path, text)
    assert result is not None
    assert len(problems) == 1
    warning = problems[0]
    assert warning.severity == "warning"
    assert warning.pos.line == _line(text, "posting_multipliers:")
    assert "old way" in warning.message
    assert warning.suggestion and "loss_per_post_over_max" in warning.suggestion
    posting = result.posting
    assert (posting.one_per_week, posting.in_band, posting.at_max_useful) == (0.6, 1.0, 1.15)
    assert posting.loss_per_post_over_max == DEFAULT_LOSS_PER_POST_OVER_MAX


def test_half_old_half_new_posting_names_what_replaced_the_old_key(tmp_path: Path) -> None:
    problem, text = _error(tmp_path, "  one_per_week: 0.5\n", "  below_band: 0.5\n")
    assert problem.message == "unknown setting `below_band` in `posting_multipliers`"
    assert problem.pos.line == _line(text, "below_band")
    assert problem.suggestion and "one_per_week" in problem.suggestion


# -- each new mistake, located --------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, fragment, hint",
    [
        (
            "    largest_account: 160400000\n",
            "    largest_account: 160.4\n",
            "whole number of followers",
            "160400",
        ),
        ("    largest_account: 39000000\n", "    largest_account: 0\n", "more than 0", None),
        (
            "    largest_account: 188000000\n",
            "    largest_account: 9000000000\n",
            "at most",
            None,
        ),
        (
            "    largest_account: 698000000\n",
            '    largest_account: "698.000.000"\n',
            "must be a number",
            "698000000",
        ),
        (
            "    min_ad_budget_eur_month: 608\n",
            "    min_ad_budget_eur_month: -20\n",
            "negative",
            None,
        ),
        (
            "  loss_per_post_over_max: 0.05\n",
            "  loss_per_post_over_max: 0\n",
            "more than 0",
            "0.05",
        ),
        ("  loss_per_post_over_max: 0.05\n", "  loss_per_post_over_max: 5\n", "at most 0.9", None),
        ("  one_per_week: 0.5\n", "  one_per_week: 1.5\n", "is above `in_band`", "≤"),
        (
            "  at_max_useful: 1.15\n",
            "  at_max_useful: 0.9\n",
            "`posting_multipliers.in_band` (1) is above",
            "≤",
        ),
        ("  empty_page_multiplier: 0.25\n", "  empty_page_multiplier: 2\n", "at most 1", None),
        ("likely_range: 0.25\n", "likely_range: 35\n", "at most 1", None),
        ("  max_posts_per_week: 70\n", "  max_posts_per_week: 10\n", "below a platform", "raise"),
        (
            "  max_budget_eur_month: 50000\n",
            "  max_budget_eur_month: 100\n",
            "below a platform",
            "raise",
        ),
        (
            "  max_budget_eur_month: 50000\n",
            "  max_budget: 50000\n",
            "unknown setting",
            "did you mean",
        ),
        ("  budget_eur_month: 150\n", "  budget_eur_month: 90000\n", "above the `limits`", "lower"),
        ("  current: 500\n", "  current: 500.5\n", "whole number", None),
    ],
)
def test_each_new_setting_mistake_is_located(
    tmp_path: Path, old: str, new: str, fragment: str, hint: str | None
) -> None:
    problem, text = _error(tmp_path, old, new)
    assert fragment in problem.message, str(problem)
    if hint is not None:
        assert problem.suggestion and hint in problem.suggestion, str(problem)
    key = new.split(":")[0].strip()
    assert problem.pos.line == _line(text, new.rstrip("\n")), (str(problem), key)
