"""The growth benchmarks staff can edit (``dialogs/benchmarks.yaml``), loaded and checked.

The projection must never run on a half-broken file: every mistake becomes a located problem in
plain words (staff are not programmers) and the loader returns ``None`` instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.base.problems import Pos, Problems, did_you_mean
from bot.base.yamlpos import Source, is_list, is_mapping, load_yaml

BENCHMARKS_FILE = Path(__file__).resolve().parents[2] / "dialogs" / "benchmarks.yaml"

PLATFORMS: tuple[str, ...] = ("instagram", "facebook", "tiktok", "linkedin")
"""The platforms the dialogs know; a new one needs texts too, so the file cannot add one alone."""

_RANGE_KEYS = ("low", "mid", "high")
_BAND_KEYS = ("min", "max")
_PLATFORM_KEYS = (
    "organic_pct_month",
    "cpf_eur",
    "baseline_posts_per_week",
    "max_useful_posts_per_week",
)
_PLATFORM_OPTIONAL = ("largest_account", "min_ad_budget_eur_month")
_POSTING_KEYS = ("one_per_week", "in_band", "at_max_useful", "loss_per_post_over_max")
_OLD_POSTING_KEYS = ("under_1_per_week", "below_band", "in_band", "above_band", "over_max")
"""The step table used before posting had negative returns; such a file still loads."""
_RETIRED_POSTING_KEYS: Mapping[str, tuple[str | None, str]] = {
    "below_band": ("one_per_week", "now `one_per_week`, the multiplier at one post a week"),
    "above_band": ("at_max_useful", "now `at_max_useful`, the peak at the useful maximum"),
    "over_max": (
        "loss_per_post_over_max",
        "replaced by `loss_per_post_over_max` (e.g. 0.05): over-posting now loses followers",
    ),
    "under_1_per_week": (None, "no longer used (`one_per_week` covers it): remove it"),
}
_PAID_KEYS = (
    "diminishing_above_eur_month",
    "cpf_multiplier_above",
    "seasonal_cpf_multiplier",
    "seasonal_months",
)
_PAID_OPTIONAL = ("empty_page_multiplier",)
_LIMITS_KEYS = ("max_budget_eur_month", "max_posts_per_week")
_TYPICAL_KEYS = ("current", "budget_eur_month", "posts_per_week")
_HORIZON_KEYS = ("realistic_within_months", "max_months")
_TOP_REQUIRED = (
    "platforms",
    "floor_followers_month",
    "churn_pct_month",
    "posting_multipliers",
    "account_size_multipliers",
    "paid",
    "horizon",
)
_TOP_OPTIONAL = ("sector_multipliers", "likely_range", "limits", "typical_account")

MAX_HORIZON_MONTHS = 1200
"""A century: beyond it a projection says nothing a person can act on."""

PEOPLE_ON_EARTH = 8_000_000_000
"""UN World Population Prospects 2024 gives about 8.2 billion: no account can have more
followers than there are people, so no setting may say otherwise."""

DAYS_PER_MONTH = 30.4
"""365 / 12, rounded: how a platform's minimum daily ad budget becomes a monthly one."""

# Settings added after the first version of the file: a file written before them keeps loading
# with these (the shipped figures, sourced in dialogs/benchmarks.yaml) and says so once.
DEFAULT_LARGEST_ACCOUNT: Mapping[str, int] = {
    "instagram": 698_000_000,
    "facebook": 188_000_000,
    "tiktok": 160_400_000,
    "linkedin": 39_000_000,
}
DEFAULT_MIN_AD_BUDGET_EUR_MONTH: Mapping[str, float] = {
    "instagram": 30.4,
    "facebook": 30.4,
    "tiktok": 608.0,
    "linkedin": 304.0,
}
DEFAULT_EMPTY_PAGE_MULTIPLIER = 0.25
DEFAULT_LOSS_PER_POST_OVER_MAX = 0.05
DEFAULT_LIKELY_RANGE = 0.25


@dataclass(frozen=True)
class Range:
    """Three values for the three scenarios; always ``low <= mid <= high``."""

    low: float
    mid: float
    high: float


@dataclass(frozen=True)
class PlatformBenchmarks:
    organic_pct_month: Range
    """Net follower growth, % of followers per month, when posting inside the baseline band."""
    cpf_eur: Range
    """Euro of ad spend per interested follower; the cautious scenario uses ``high``."""
    band_min_posts_week: float
    band_max_posts_week: float
    max_useful_posts_week: float
    """Organic growth peaks here; each post a week beyond it costs some (over-posting is the top
    reason to unfollow)."""
    largest_account: int
    """Followers of the most-followed account on the platform: no projection goes beyond it."""
    min_ad_budget_eur_month: float
    """The platform's minimum daily ad budget × 30.4: less cannot run as a campaign."""


@dataclass(frozen=True)
class PostingMultipliers:
    """The organic growth multiplier by posts a week (zero posts is always 0: no content).

    It rises from 0 through ``one_per_week`` (1 a week) and ``in_band`` (the bottom of the
    platform's baseline band) to ``at_max_useful`` (at ``max_useful_posts_per_week``), straight
    between those points, then falls by ``loss_per_post_over_max`` for each post beyond.
    """

    one_per_week: float
    in_band: float
    at_max_useful: float
    loss_per_post_over_max: float


@dataclass(frozen=True)
class PaidBenchmarks:
    diminishing_above_eur_month: float
    cpf_multiplier_above: float
    """Each euro above the threshold buys followers at ``cpf × this`` (audience saturation)."""
    seasonal_cpf_multiplier: float
    seasonal_months: frozenset[int]
    empty_page_multiplier: float
    """Share of the ad followers kept with no posts at all (visitors leave an empty page); it
    rises to 1 at the bottom of the baseline band."""


@dataclass(frozen=True)
class Limits:
    """Answers beyond these are read as a typo or a joke and asked again (agency policy)."""

    max_budget_eur_month: float
    max_posts_per_week: float


@dataclass(frozen=True)
class TypicalAccount:
    """The account a first straight answer assumes before the prospect gave their numbers."""

    current: int
    budget_eur_month: float
    posts_per_week: float


DEFAULT_LIMITS = Limits(max_budget_eur_month=50_000, max_posts_per_week=70)
DEFAULT_TYPICAL = TypicalAccount(current=500, budget_eur_month=150, posts_per_week=3)


@dataclass(frozen=True)
class Benchmarks:
    platforms: Mapping[str, PlatformBenchmarks]
    floor_followers_month: Range
    """Minimum organic followers per month at baseline posting, so tiny accounts still move."""
    churn_pct_month: float
    posting: PostingMultipliers
    account_size: tuple[tuple[int, float], ...]
    """``(from_followers, multiplier)`` ascending from 0; applied per slice, like tax brackets."""
    paid: PaidBenchmarks
    sectors: Mapping[str, float]
    realistic_within_months: int
    horizon_months: int
    likely_range: float
    """How far the likely band reaches from the likely scenario towards each extreme (0-1)."""
    limits: Limits
    typical: TypicalAccount


def load_benchmarks(path: Path, problems: Problems) -> Benchmarks | None:
    """Read and check the file; any problem is recorded in ``problems`` and gives ``None``."""
    before = len(problems.errors)  # a number YAML misread is reported while loading
    source = load_yaml(path, problems)
    if source is None:
        return None
    result = _Reader(source, problems).benchmarks()
    if len(problems.errors) > before:
        return None
    return result


class _Reader:
    """Walks the parsed file once, recording every problem rather than stopping at the first."""

    def __init__(self, source: Source, problems: Problems) -> None:
        self.src = source
        self.problems = problems
        self.defaulted: list[str] = []
        """Newer settings the file lacks, so their shipped default is used (one warning)."""

    # -- generic checks ------------------------------------------------------------------------

    def _keys(
        self,
        mapping: Any,
        where: Pos,
        what: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        example: str = "",
        retired: Mapping[str, tuple[str | None, str]] | None = None,
    ) -> None:
        """Report missing and unknown keys; unknown ones get a did-you-mean, retired ones say
        what replaced them. One mistake, one message: a misspelt or renamed key is not also
        reported as the key it stands for missing."""
        required = tuple(required)
        known = (*required, *tuple(optional))
        present = {str(k) for k in mapping}
        meant: set[str] = set()
        for key in mapping:
            name = str(key)
            if name in known:
                continue
            if retired and name in retired:
                target, hint = retired[name]
            else:
                close = did_you_mean(name, known)
                target = close.split("`")[1] if close else None
                hint = close or "remove it; known: " + ", ".join(known)
            if target is not None and target not in present:
                meant.add(target)
            self.problems.add(
                self.src.at_key(mapping, key), f"unknown setting `{key}` in {what}", hint
            )
        for key in required:
            if key not in present and key not in meant:
                self.problems.add(
                    where, f"{what} has no `{key}`", f"add `{key}:`{example} inside {what}"
                )

    def _mapping(self, parent: Any, key: str, what: str) -> Any | None:
        value = parent.get(key)
        if is_mapping(value):
            return value
        self.problems.add(
            self.src.at_value(parent, key),
            f"`{key}` should be a block of settings, not {_show(value)}",
            f"indent the settings of {what} under `{key}:`",
        )
        return None

    def _number(
        self,
        mapping: Any,
        key: Any,
        name: str,
        *,
        positive: bool = False,
        at_least: float | None = None,
        at_most: float | None = None,
        whole: bool = False,
        whole_example: str = "round it, e.g. 36",
    ) -> float | None:
        value = mapping.get(key)
        # An empty value has no place of its own (ruamel gives the next line): point at the key.
        pos = self.src.at_key(mapping, key) if value is None else self.src.at_value(mapping, key)
        if self.problems.covers(pos):  # misread as written (`1.000`, `1,50`): already reported
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problems.add(
                pos, f"`{name}` must be a number, not {_show(value)}", _number_hint(value)
            )
            return None
        number = float(value)
        if not math.isfinite(number):
            self.problems.add(pos, f"`{name}` must be an ordinary number", "write e.g. 1.5")
            return None
        if whole and not number.is_integer():
            self.problems.add(pos, f"`{name}` must be a whole number, not {value}", whole_example)
            return None
        if number < 0:
            self.problems.add(
                pos,
                f"`{name}` cannot be negative (it is {value})",
                "rates, costs and counts are 0 or more: remove the minus sign",
            )
            return None
        if positive and number == 0:
            self.problems.add(
                pos,
                f"`{name}` must be more than 0",
                "a zero here would mean followers for free or a division by zero",
            )
            return None
        if at_least is not None and number < at_least:
            self.problems.add(pos, f"`{name}` must be at least {at_least:g} (it is {value})")
            return None
        if at_most is not None and number > at_most:
            self.problems.add(pos, f"`{name}` must be at most {at_most:g} (it is {value})")
            return None
        return number

    def _range(
        self, parent: Any, key: str, name: str, *, positive: bool = False, cost: bool = False
    ) -> Range | None:
        block = parent.get(key)
        if not is_mapping(block):
            self.problems.add(
                self.src.at_value(parent, key),
                f"`{name}` needs three values, not {_show(block)}",
                "write it as `{low: …, mid: …, high: …}`",
            )
            return None
        self._keys(block, self.src.at_key(parent, key), f"`{name}`", _RANGE_KEYS)
        values: dict[str, float] = {}
        for part in _RANGE_KEYS:
            if part in block:
                number = self._number(block, part, f"{name}.{part}", positive=positive)
                if number is not None:
                    values[part] = number
        if len(values) < 3:
            return None
        low, mid, high = values["low"], values["mid"], values["high"]
        pairs = (("low", low, "mid", mid), ("mid", mid, "high", high))
        for a, va, b, vb in pairs:
            if va > vb:
                why = (
                    "for costs `low` is the cheapest (good scenario) and `high` the dearest"
                    if cost
                    else "`low` feeds the cautious scenario and `high` the good one"
                )
                self.problems.add(
                    self.src.at_value(block, a),
                    f"`{name}`: {a} ({va:g}) is above {b} ({vb:g})",
                    f"keep low ≤ mid ≤ high; {why}",
                )
                return None
        return Range(low, mid, high)

    # -- sections ------------------------------------------------------------------------------

    def benchmarks(self) -> Benchmarks | None:
        data = self.src.data
        if not is_mapping(data):
            self.problems.add(
                self.src.top(),
                "the file should be a list of settings (`platforms:`, `paid:` …)",
                "start from the version in git and change only the numbers",
            )
            return None
        self._keys(data, self.src.top(), "the file", _TOP_REQUIRED, _TOP_OPTIONAL)
        platforms = self._platforms(data) if "platforms" in data else None
        floor = (
            self._range(data, "floor_followers_month", "floor_followers_month")
            if "floor_followers_month" in data
            else None
        )
        churn = (
            self._number(data, "churn_pct_month", "churn_pct_month", at_most=99)
            if "churn_pct_month" in data
            else None
        )
        posting = self._posting(data) if "posting_multipliers" in data else None
        size = self._account_size(data) if "account_size_multipliers" in data else None
        paid = self._paid(data) if "paid" in data else None
        sectors = self._sectors(data)
        horizon = self._horizon(data) if "horizon" in data else None
        likely_range = self._likely_range(data)
        limits = self._limits(data, platforms)
        typical = self._typical(data, limits)
        if self.defaulted:
            self.problems.add(
                self.src.top(),
                "this file predates some settings, so their usual figures are used: "
                + ", ".join(self.defaulted),
                "copy them, with their sources, from the shipped dialogs/benchmarks.yaml",
                severity="warning",
            )
        if (
            platforms is None
            or floor is None
            or churn is None
            or posting is None
            or size is None
            or paid is None
            or sectors is None
            or horizon is None
            or likely_range is None
            or limits is None
            or typical is None
        ):
            return None
        return Benchmarks(
            platforms=platforms,
            floor_followers_month=floor,
            churn_pct_month=churn,
            posting=posting,
            account_size=size,
            paid=paid,
            sectors=sectors,
            realistic_within_months=horizon[0],
            horizon_months=horizon[1],
            likely_range=likely_range,
            limits=limits,
            typical=typical,
        )

    def _platforms(self, data: Any) -> dict[str, PlatformBenchmarks] | None:
        block = self._mapping(data, "platforms", "each platform")
        if block is None:
            return None
        self._keys(
            block,
            self.src.at_key(data, "platforms"),
            "`platforms`",
            PLATFORMS,
            example=" with its four settings (copy another platform's block)",
        )
        result: dict[str, PlatformBenchmarks] = {}
        for name in PLATFORMS:
            if name in block:
                platform = self._platform(block, name)
                if platform is not None:
                    result[name] = platform
        return result if len(result) == len(PLATFORMS) else None

    def _platform(self, platforms: Any, name: str) -> PlatformBenchmarks | None:
        block = self._mapping(platforms, name, f"`{name}`")
        if block is None:
            return None
        self._keys(
            block,
            self.src.at_key(platforms, name),
            f"`{name}`",
            _PLATFORM_KEYS,
            _PLATFORM_OPTIONAL,
        )
        organic = (
            self._range(block, "organic_pct_month", f"{name}.organic_pct_month")
            if "organic_pct_month" in block
            else None
        )
        if organic is not None and organic.high > 100:
            self.problems.add(
                self.src.at_value(block, "organic_pct_month"),
                f"`{name}.organic_pct_month` above 100 % a month is not a benchmark",
                "write percentages as 1.5 for 1.5 %, not 150",
            )
            organic = None
        cpf = (
            self._range(block, "cpf_eur", f"{name}.cpf_eur", positive=True, cost=True)
            if "cpf_eur" in block
            else None
        )
        band = self._band(block, name) if "baseline_posts_per_week" in block else None
        useful = (
            self._number(block, "max_useful_posts_per_week", f"{name}.max_useful_posts_per_week")
            if "max_useful_posts_per_week" in block
            else None
        )
        if band is not None and useful is not None and useful < band[1]:
            self.problems.add(
                self.src.at_value(block, "max_useful_posts_per_week"),
                f"`{name}.max_useful_posts_per_week` ({useful:g}) is below the top of "
                f"`baseline_posts_per_week` ({band[1]:g})",
                "make it at least the baseline maximum",
            )
            useful = None
        largest = (
            self._followers(block, "largest_account", f"{name}.largest_account")
            if "largest_account" in block
            else self._default(f"{name}.largest_account", DEFAULT_LARGEST_ACCOUNT[name])
        )
        minimum = (
            self._number(block, "min_ad_budget_eur_month", f"{name}.min_ad_budget_eur_month")
            if "min_ad_budget_eur_month" in block
            else self._default(
                f"{name}.min_ad_budget_eur_month", DEFAULT_MIN_AD_BUDGET_EUR_MONTH[name]
            )
        )
        if (
            organic is None
            or cpf is None
            or band is None
            or useful is None
            or largest is None
            or minimum is None
        ):
            return None
        return PlatformBenchmarks(
            organic_pct_month=organic,
            cpf_eur=cpf,
            band_min_posts_week=band[0],
            band_max_posts_week=band[1],
            max_useful_posts_week=useful,
            largest_account=int(largest),
            min_ad_budget_eur_month=minimum,
        )

    def _default(self, name: str, value: float) -> float:
        self.defaulted.append(f"{name} = {value:g}")
        return value

    def _followers(self, mapping: Any, key: str, name: str) -> int | None:
        """A whole number of followers, 1 or more, no more than there are people."""
        value = mapping.get(key)
        if self.problems.covers(self.src.at_value(mapping, key)):
            return None  # misread as written (`1.000.000`): already reported
        if isinstance(value, str) and value.replace(".", "").replace(",", "").strip().isdigit():
            digits = value.replace(".", "").replace(",", "").strip()
            self.problems.add(
                self.src.at_value(mapping, key),
                f"`{name}` must be a number, not {_show(value)}",
                f"write follower counts without dots or quotes: {digits}",
            )
            return None
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            self.problems.add(
                self.src.at_value(mapping, key),
                f"`{name}` must be a whole number of followers, not {value}",
                f"did you mean {round(value * 1000)}? write follower counts without dots",
            )
            return None
        number = self._number(
            mapping, key, name, positive=True, whole=True, at_most=PEOPLE_ON_EARTH
        )
        return None if number is None else int(number)

    def _band(self, block: Any, name: str) -> tuple[float, float] | None:
        what = f"{name}.baseline_posts_per_week"
        band = block.get("baseline_posts_per_week")
        if not is_mapping(band):
            self.problems.add(
                self.src.at_value(block, "baseline_posts_per_week"),
                f"`{what}` needs two values, not {_show(band)}",
                "write it as `{min: 3, max: 5}`",
            )
            return None
        self._keys(band, self.src.at_key(block, "baseline_posts_per_week"), f"`{what}`", _BAND_KEYS)
        low = self._number(band, "min", f"{what}.min") if "min" in band else None
        high = self._number(band, "max", f"{what}.max") if "max" in band else None
        if low is None or high is None:
            return None
        if low > high:
            self.problems.add(
                self.src.at_value(band, "min"),
                f"`{what}`: min ({low:g}) is above max ({high:g})",
                "swap the two numbers",
            )
            return None
        return low, high

    def _posting(self, data: Any) -> PostingMultipliers | None:
        block = self._mapping(data, "posting_multipliers", "`posting_multipliers`")
        if block is None:
            return None
        keys = {str(key) for key in block}
        if keys == set(_OLD_POSTING_KEYS):
            return self._old_posting(data, block)
        self._keys(
            block,
            self.src.at_key(data, "posting_multipliers"),
            "`posting_multipliers`",
            _POSTING_KEYS,
            retired=_RETIRED_POSTING_KEYS,
        )
        values: dict[str, float] = {}
        for key in _POSTING_KEYS[:3]:
            number = (
                self._number(block, key, f"posting_multipliers.{key}", at_most=10)
                if key in block
                else None
            )
            if number is not None:
                values[key] = number
        loss_key = "loss_per_post_over_max"
        loss = (
            self._number(block, loss_key, f"posting_multipliers.{loss_key}", at_most=0.9)
            if loss_key in block
            else None
        )
        if loss is not None and loss == 0:
            self.problems.add(
                self.src.at_value(block, loss_key),
                f"`posting_multipliers.{loss_key}` must be more than 0",
                "posting far too much loses followers (Nielsen Norman Group 2021): "
                "write a small share, e.g. 0.05 for 5 % less per extra post",
            )
            loss = None
        if len(values) < 3 or loss is None:
            return None
        rising = ("one_per_week", "in_band", "at_max_useful")
        for lower, higher in pairwise(rising):
            if values[lower] > values[higher]:
                # in_band is the reference (1.0 by definition): point at the other one
                culprit = higher if lower == "in_band" else lower
                self.problems.add(
                    self.src.at_value(block, culprit),
                    f"`posting_multipliers.{lower}` ({values[lower]:g}) is above "
                    f"`{higher}` ({values[higher]:g})",
                    "up to the useful maximum more posts never grow slower: "
                    "keep one_per_week ≤ in_band ≤ at_max_useful",
                )
                return None
        return PostingMultipliers(loss_per_post_over_max=loss, **values)

    def _old_posting(self, data: Any, block: Any) -> PostingMultipliers | None:
        """The step table of the first version: read on, and say once how it was read."""
        values: dict[str, float] = {}
        for key in ("below_band", "in_band", "above_band"):
            number = self._number(block, key, f"posting_multipliers.{key}", at_most=10)
            if number is not None:
                values[key] = number
        if len(values) < 3:
            return None
        self.problems.add(
            self.src.at_key(data, "posting_multipliers"),
            "`posting_multipliers` is written the old way (steps, no loss for over-posting); "
            f"read as one_per_week = below_band ({values['below_band']:g}), at_max_useful = "
            f"above_band ({values['above_band']:g}) and loss_per_post_over_max = "
            f"{DEFAULT_LOSS_PER_POST_OVER_MAX:g}; under_1_per_week and over_max are not used",
            "rename below_band to one_per_week and above_band to at_max_useful, and replace "
            "under_1_per_week and over_max with `loss_per_post_over_max: 0.05`",
            severity="warning",
        )
        if not values["below_band"] <= values["in_band"] <= values["above_band"]:
            self.problems.add(
                self.src.at_key(data, "posting_multipliers"),
                "`posting_multipliers`: below_band ≤ in_band ≤ above_band does not hold",
                "up to the useful maximum more posts never grow slower",
            )
            return None
        return PostingMultipliers(
            one_per_week=values["below_band"],
            in_band=values["in_band"],
            at_max_useful=values["above_band"],
            loss_per_post_over_max=DEFAULT_LOSS_PER_POST_OVER_MAX,
        )

    def _account_size(self, data: Any) -> tuple[tuple[int, float], ...] | None:
        block = self._mapping(data, "account_size_multipliers", "the account-size brackets")
        if block is None:
            return None
        brackets: list[tuple[int, float]] = []
        ok = True
        for key in block:
            pos = self.src.at_key(block, key)
            if isinstance(key, float) and not isinstance(key, bool):
                hint = (
                    f"did you mean {round(key * 1000)}? write follower counts without dots"
                    if key != int(key) or key < 1000
                    else "write it without a decimal point"
                )
                self.problems.add(pos, f"`{key}` is not a whole number of followers", hint)
                ok = False
                continue
            if isinstance(key, bool) or not isinstance(key, int) or key < 0:
                self.problems.add(
                    pos,
                    f"`{key}` should be a number of followers (0 or more)",
                    "each line reads `followers-from: multiplier`, e.g. `10000: 0.8`",
                )
                ok = False
                continue
            number = self._number(block, key, f"account_size_multipliers.{key}", at_most=10)
            if number is None:
                ok = False
                continue
            brackets.append((int(key), number))
        if ok and not any(start == 0 for start, _ in brackets):
            self.problems.add(
                self.src.at_key(data, "account_size_multipliers"),
                "`account_size_multipliers` has no line for accounts from 0 followers",
                "add `0: 1.0` as the first line",
            )
            ok = False
        return tuple(sorted(brackets)) if ok else None

    def _paid(self, data: Any) -> PaidBenchmarks | None:
        block = self._mapping(data, "paid", "`paid`")
        if block is None:
            return None
        self._keys(block, self.src.at_key(data, "paid"), "`paid`", _PAID_KEYS, _PAID_OPTIONAL)
        threshold = (
            self._number(block, "diminishing_above_eur_month", "paid.diminishing_above_eur_month")
            if "diminishing_above_eur_month" in block
            else None
        )
        above = (
            self._number(
                block, "cpf_multiplier_above", "paid.cpf_multiplier_above", at_least=1, at_most=100
            )
            if "cpf_multiplier_above" in block
            else None
        )
        seasonal = (
            self._number(
                block,
                "seasonal_cpf_multiplier",
                "paid.seasonal_cpf_multiplier",
                positive=True,
                at_most=100,
            )
            if "seasonal_cpf_multiplier" in block
            else None
        )
        months = self._months(block) if "seasonal_months" in block else None
        empty = (
            self._number(block, "empty_page_multiplier", "paid.empty_page_multiplier", at_most=1)
            if "empty_page_multiplier" in block
            else self._default("paid.empty_page_multiplier", DEFAULT_EMPTY_PAGE_MULTIPLIER)
        )
        if (
            threshold is None
            or above is None
            or seasonal is None
            or months is None
            or empty is None
        ):
            return None
        return PaidBenchmarks(threshold, above, seasonal, months, empty)

    def _months(self, block: Any) -> frozenset[int] | None:
        months = block.get("seasonal_months")
        if months is None:
            return frozenset()
        if not is_list(months):
            self.problems.add(
                self.src.at_value(block, "seasonal_months"),
                f"`paid.seasonal_months` should be a list of months, not {_show(months)}",
                "write e.g. `[10, 11, 12]` for October to December",
            )
            return None
        result: set[int] = set()
        ok = True
        for index, month in enumerate(months):
            if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
                self.problems.add(
                    self.src.at_item(months, index),
                    f"`{month}` is not a month number",
                    "use 1 for January … 12 for December",
                )
                ok = False
            else:
                result.add(int(month))
        return frozenset(result) if ok else None

    def _sectors(self, data: Any) -> dict[str, float] | None:
        block = data.get("sector_multipliers")
        if block is None:
            return {}
        if not is_mapping(block):
            self.problems.add(
                self.src.at_value(data, "sector_multipliers"),
                "`sector_multipliers` should be a block of `sector: multiplier`, "
                f"not {_show(block)}",
                "write e.g. `food: 1.1` on its own indented line, or `{}` for none",
            )
            return None
        result: dict[str, float] = {}
        ok = True
        for key in block:
            number = self._number(
                block, key, f"sector_multipliers.{key}", positive=True, at_most=10
            )
            if number is None:
                ok = False
            else:
                result[str(key).strip().lower()] = number
        return result if ok else None

    def _horizon(self, data: Any) -> tuple[int, int] | None:
        block = self._mapping(data, "horizon", "`horizon`")
        if block is None:
            return None
        self._keys(block, self.src.at_key(data, "horizon"), "`horizon`", _HORIZON_KEYS)
        realistic = (
            self._number(
                block,
                "realistic_within_months",
                "horizon.realistic_within_months",
                whole=True,
                at_least=1,
                at_most=MAX_HORIZON_MONTHS,
            )
            if "realistic_within_months" in block
            else None
        )
        cap = (
            self._number(
                block,
                "max_months",
                "horizon.max_months",
                whole=True,
                at_least=12,
                at_most=MAX_HORIZON_MONTHS,
            )
            if "max_months" in block
            else None
        )
        if realistic is None or cap is None:
            return None
        if realistic > cap:
            self.problems.add(
                self.src.at_value(block, "realistic_within_months"),
                f"`horizon.realistic_within_months` ({realistic:g}) is beyond "
                f"`horizon.max_months` ({cap:g})",
                "the realistic window must fit inside the simulated horizon",
            )
            return None
        return int(realistic), int(cap)

    def _likely_range(self, data: Any) -> float | None:
        if "likely_range" not in data:
            return self._default("likely_range", DEFAULT_LIKELY_RANGE)
        return self._number(data, "likely_range", "likely_range", at_most=1)

    def _limits(
        self, data: Any, platforms: Mapping[str, PlatformBenchmarks] | None
    ) -> Limits | None:
        if "limits" not in data:
            self.defaulted.append(
                f"limits (max_budget_eur_month = {DEFAULT_LIMITS.max_budget_eur_month:g}, "
                f"max_posts_per_week = {DEFAULT_LIMITS.max_posts_per_week:g})"
            )
            return DEFAULT_LIMITS
        block = self._mapping(data, "limits", "`limits`")
        if block is None:
            return None
        self._keys(block, self.src.at_key(data, "limits"), "`limits`", _LIMITS_KEYS)
        budget = (
            self._number(
                block, "max_budget_eur_month", "limits.max_budget_eur_month", positive=True
            )
            if "max_budget_eur_month" in block
            else None
        )
        posts = (
            self._number(block, "max_posts_per_week", "limits.max_posts_per_week", positive=True)
            if "max_posts_per_week" in block
            else None
        )
        if budget is None or posts is None:
            return None
        if platforms:
            useful = max(p.max_useful_posts_week for p in platforms.values())
            if posts < useful:
                self.problems.add(
                    self.src.at_value(block, "max_posts_per_week"),
                    f"`limits.max_posts_per_week` ({posts:g}) is below a platform's "
                    f"`max_useful_posts_per_week` ({useful:g})",
                    "the bot would refuse a pace the projection calls useful: raise it",
                )
                return None
            dearest = max(p.min_ad_budget_eur_month for p in platforms.values())
            if budget < dearest:
                self.problems.add(
                    self.src.at_value(block, "max_budget_eur_month"),
                    f"`limits.max_budget_eur_month` ({budget:g}) is below a platform's "
                    f"`min_ad_budget_eur_month` ({dearest:g})",
                    "the bot would refuse every budget that platform can run: raise it",
                )
                return None
        return Limits(max_budget_eur_month=budget, max_posts_per_week=posts)

    def _typical(self, data: Any, limits: Limits | None) -> TypicalAccount | None:
        if "typical_account" not in data:
            typical = DEFAULT_TYPICAL
            self.defaulted.append(
                f"typical_account (current = {typical.current}, budget_eur_month = "
                f"{typical.budget_eur_month:g}, posts_per_week = {typical.posts_per_week:g})"
            )
            return typical
        block = self._mapping(data, "typical_account", "`typical_account`")
        if block is None:
            return None
        where = self.src.at_key(data, "typical_account")
        self._keys(block, where, "`typical_account`", _TYPICAL_KEYS)
        current = (
            self._number(
                block,
                "current",
                "typical_account.current",
                whole=True,
                whole_example="write a whole number of followers, e.g. 500",
                at_most=PEOPLE_ON_EARTH,
            )
            if "current" in block
            else None
        )
        budget = (
            self._number(block, "budget_eur_month", "typical_account.budget_eur_month")
            if "budget_eur_month" in block
            else None
        )
        posts = (
            self._number(block, "posts_per_week", "typical_account.posts_per_week")
            if "posts_per_week" in block
            else None
        )
        if current is None or budget is None or posts is None:
            return None
        if limits is not None:
            for key, value, limit in (
                ("budget_eur_month", budget, limits.max_budget_eur_month),
                ("posts_per_week", posts, limits.max_posts_per_week),
            ):
                if value > limit:
                    self.problems.add(
                        self.src.at_value(block, key),
                        f"`typical_account.{key}` ({value:g}) is above the `limits` ({limit:g})",
                        "a typical account is well inside what the bot accepts: lower it",
                    )
                    return None
        return TypicalAccount(current=int(current), budget_eur_month=budget, posts_per_week=posts)


def _show(value: Any) -> str:
    """How a wrong value is quoted back to staff: short, and saying what kind of thing it is."""
    if value is None:
        return "empty"
    if is_mapping(value):
        return "a block of settings"
    if is_list(value):
        return "a list"
    if isinstance(value, str):
        text = value if len(value) <= 30 else value[:27] + "..."
        return f"the text '{text}'"
    return f"`{value}`"


def _number_hint(value: Any) -> str:
    if isinstance(value, str):
        cleaned = value.strip().replace("€", "").replace("%", "").strip()
        if "," in cleaned:
            try:
                float(cleaned.replace(".", "").replace(",", "."))
            except ValueError:
                pass
            else:
                return "use a dot for decimals and no quotes, e.g. 1.5 rather than 1,5"
        try:
            float(cleaned)
        except ValueError:
            return "write a plain number, e.g. 1.5"
        return "write only the number, without quotes, € or %"
    if value is None:
        return "write a number after the colon"
    return "write a plain number, e.g. 1.5"
