"""The growth benchmarks staff can edit (``dialogs/benchmarks.yaml``), loaded and checked.

The projection must never run on a half-broken file: every mistake becomes a located problem in
plain words (staff are not programmers) and the loader returns ``None`` instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
_POSTING_KEYS = ("under_1_per_week", "below_band", "in_band", "above_band", "over_max")
_PAID_KEYS = (
    "diminishing_above_eur_month",
    "cpf_multiplier_above",
    "seasonal_cpf_multiplier",
    "seasonal_months",
)
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
_TOP_OPTIONAL = ("sector_multipliers",)

MAX_HORIZON_MONTHS = 1200
"""A century: beyond it a projection says nothing a person can act on."""


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
    """Above this, more posts add nothing (over-posting is the top reason to unfollow)."""


@dataclass(frozen=True)
class PostingMultipliers:
    """Multipliers on organic growth by posting frequency; zero posts is always 0 (no content)."""

    under_1_per_week: float
    below_band: float
    in_band: float
    above_band: float
    over_max: float


@dataclass(frozen=True)
class PaidBenchmarks:
    diminishing_above_eur_month: float
    cpf_multiplier_above: float
    """Each euro above the threshold buys followers at ``cpf × this`` (audience saturation)."""
    seasonal_cpf_multiplier: float
    seasonal_months: frozenset[int]


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


def load_benchmarks(path: Path, problems: Problems) -> Benchmarks | None:
    """Read and check the file; any problem is recorded in ``problems`` and gives ``None``."""
    source = load_yaml(path, problems)
    if source is None:
        return None
    before = len(problems)
    result = _Reader(source, problems).benchmarks()
    if len(problems) > before:
        return None
    return result


class _Reader:
    """Walks the parsed file once, recording every problem rather than stopping at the first."""

    def __init__(self, source: Source, problems: Problems) -> None:
        self.src = source
        self.problems = problems

    # -- generic checks ------------------------------------------------------------------------

    def _keys(
        self,
        mapping: Any,
        where: Pos,
        what: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        example: str = "",
    ) -> None:
        """Report missing and unknown keys; unknown ones get a did-you-mean."""
        required = tuple(required)
        known = (*required, *tuple(optional))
        for key in mapping:
            if str(key) not in known:
                hint = did_you_mean(str(key), known) or "remove it; known: " + ", ".join(known)
                self.problems.add(
                    self.src.at_key(mapping, key), f"unknown setting `{key}` in {what}", hint
                )
        present = {str(k) for k in mapping}
        for key in required:
            if key not in present:
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
    ) -> float | None:
        value = mapping.get(key)
        # An empty value has no place of its own (ruamel gives the next line): point at the key.
        pos = self.src.at_key(mapping, key) if value is None else self.src.at_value(mapping, key)
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
            self.problems.add(
                pos, f"`{name}` must be a whole number, not {value}", "round it, e.g. 36"
            )
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
        if (
            platforms is None
            or floor is None
            or churn is None
            or posting is None
            or size is None
            or paid is None
            or sectors is None
            or horizon is None
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
        self._keys(block, self.src.at_key(platforms, name), f"`{name}`", _PLATFORM_KEYS)
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
        if organic is None or cpf is None or band is None or useful is None:
            return None
        return PlatformBenchmarks(organic, cpf, band[0], band[1], useful)

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
        self._keys(
            block,
            self.src.at_key(data, "posting_multipliers"),
            "`posting_multipliers`",
            _POSTING_KEYS,
        )
        values: dict[str, float] = {}
        for key in _POSTING_KEYS:
            number = (
                self._number(block, key, f"posting_multipliers.{key}", at_most=10)
                if key in block
                else None
            )
            if number is not None:
                values[key] = number
        if len(values) < len(_POSTING_KEYS):
            return None
        return PostingMultipliers(**values)

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
        self._keys(block, self.src.at_key(data, "paid"), "`paid`", _PAID_KEYS)
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
        if threshold is None or above is None or seasonal is None or months is None:
            return None
        return PaidBenchmarks(threshold, above, seasonal, months)

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
