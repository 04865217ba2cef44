"""An amount of money as prospects say it: how much, in which currency, over which period.

``Money(Decimal("1200"), "EUR", "year")`` is "€ 1.200 a year". It travels between the layers
(understanding reads it, slot types keep it, templates show it, the growth projection reads it
per month) so that the period and the currency said are never dropped on the way.

- ``amount`` is a ``Decimal``: money should not pick up binary noise (``0.1 + 0.2``), and a
  ``Decimal`` survives the JSON round-trip as a string, exactly. Floats and ints are accepted
  and converted through ``str`` (so ``1.1`` stays ``1.1``).
- ``currency`` is an ISO 4217 code ("EUR", "USD", "GBP"). Nothing here converts between
  currencies: there are no exchange rates, and a dollar amount stays in dollars.
- ``period`` is "day", "week", "fortnight", "month", "quarter", "half_year", "year", or None
  when nobody said one.

Comparing with a plain number compares the amount (``budget > 0`` in a dialog condition), and a
``Money`` is false when its amount is zero; two ``Money`` compare only in the same currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, get_args

__all__ = ["DAYS", "PERIODS", "Money", "Period", "per_period"]

Period = Literal["day", "week", "fortnight", "month", "quarter", "half_year", "year"]
PERIODS: tuple[str, ...] = get_args(Period)

# Length of each period in days, on the Julian-year convention (a year is 365.25 days, the
# average over leap years, as in the IAU's Julian year and the usual "average month" of
# 365.25 / 12 = 30.4375 days). A week is 7 days, a fortnight 14; a year is exactly 12 months,
# a quarter 3 and a half-year 6, so those convert to months by whole factors both ways.
DAYS: dict[str, Decimal] = {
    "day": Decimal(1),
    "week": Decimal(7),
    "fortnight": Decimal(14),
    "month": Decimal("365.25") / 12,
    "quarter": Decimal("365.25") / 4,
    "half_year": Decimal("365.25") / 2,
    "year": Decimal("365.25"),
}
CENT = Decimal("0.01")


def per_period(amount: Decimal, said: str, wanted: str) -> Decimal:
    """``amount`` per ``said`` period as an amount per ``wanted`` one, unrounded (3 a month is
    about 0.69 a week): the one place period lengths (``DAYS``) turn into factors, for money
    (``Money.per``) and for counts ("posts per week").

    Raises:
        ValueError: either period is not one of ``PERIODS``.
    """
    for period in (said, wanted):
        if period not in DAYS:
            raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    return amount if said == wanted else amount * DAYS[wanted] / DAYS[said]


def _decimal(value: Any) -> Decimal:
    """A Decimal from a Decimal, int, float or numeric string (floats through ``str``)."""
    if isinstance(value, bool):
        raise TypeError("a yes/no is not an amount of money")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as err:
            raise ValueError(f"not an amount: {value!r}") from err
        if not result.is_finite():
            raise ValueError(f"not an amount: {value!r}")
        return result
    raise TypeError(f"not an amount: {type(value).__name__}")


@dataclass(frozen=True, eq=False)
class Money:
    """``amount`` of ``currency`` per ``period`` (None: a one-off amount, or period unsaid)."""

    amount: Decimal
    currency: str = "EUR"
    period: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _decimal(self.amount))
        currency = str(self.currency).strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"not an ISO currency code: {self.currency!r}")
        object.__setattr__(self, "currency", currency)
        if self.period is not None and self.period not in PERIODS:
            raise ValueError(f"unknown period {self.period!r}; use one of {', '.join(PERIODS)}")

    # -- conversions --------------------------------------------------------------------------

    def per(self, period: str) -> Money:
        """The same spending over another ``period``, rounded to the cent.

        Factors come from ``DAYS`` (a month is 365.25/12 days, a week 7 days, a year 12
        months). An amount without a period is returned as it is: there is nothing to convert
        from, and guessing would be inventing. The currency never changes.

        Raises:
            ValueError: ``period`` is not one of ``PERIODS``.
        """
        if period not in DAYS:
            raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
        if self.period is None or self.period == period:
            return self
        amount = per_period(self.amount, self.period, period)
        return Money(amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency, period)

    def rounded(self, places: int = 0) -> Money:
        """The amount rounded half-up to ``places`` decimals (0: whole euros, for "about")."""
        step = Decimal(1).scaleb(-places)
        return Money(self.amount.quantize(step, rounding=ROUND_HALF_UP), self.currency, self.period)

    # -- storage ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """``{"amount": "1200", "currency": "EUR", "period": "year"}``; the amount as a string
        so that it reads back exactly."""
        return {"amount": str(self.amount), "currency": self.currency, "period": self.period}

    @classmethod
    def from_json(cls, data: Any) -> Money:
        """A ``Money`` from ``to_json``'s dict, or from a plain number as older rows stored it.

        A plain number is read as euros per month: that is what the budget slot meant before
        it kept the currency and the period.

        Raises:
            ValueError: ``data`` is neither (or holds an invalid amount, currency or period).
        """
        if isinstance(data, Money):
            return data
        if isinstance(data, dict):
            try:
                return cls(data["amount"], data.get("currency") or "EUR", data.get("period"))
            except (KeyError, TypeError) as err:
                raise ValueError(f"not money: {data!r}") from err
        try:
            return cls(_decimal(data), "EUR", "month")
        except TypeError as err:
            raise ValueError(f"not money: {data!r}") from err

    @staticmethod
    def is_json(data: Any) -> bool:
        """Whether ``data`` has the exact shape ``to_json`` writes (to read stored slots)."""
        return (
            isinstance(data, dict)
            and set(data) == {"amount", "currency", "period"}
            and isinstance(data["amount"], str | int | float)
        )

    # -- comparing ----------------------------------------------------------------------------

    def _other_amount(self, other: Any) -> Decimal | None:
        """The amount to compare with: a number as is, a Money in the same currency converted
        to this period; None when they cannot be compared."""
        if isinstance(other, Money):
            if other.currency != self.currency:
                return None
            if self.period is not None and other.period is not None:
                return other.per(self.period).amount
            return other.amount if other.period == self.period else None
        if isinstance(other, bool) or not isinstance(other, int | float | Decimal):
            return None
        try:
            return _decimal(other)
        except ValueError:  # nan, inf
            return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return (self.amount, self.currency, self.period) == (
                other.amount,
                other.currency,
                other.period,
            )
        value = self._other_amount(other)
        return value is not None and self.amount == value

    def __hash__(self) -> int:
        return hash(self.amount)  # equal to a number of the same amount, so the same hash

    def __lt__(self, other: Any) -> bool:
        value = self._other_amount(other)
        if value is None:
            return NotImplemented
        return self.amount < value

    def __le__(self, other: Any) -> bool:
        value = self._other_amount(other)
        if value is None:
            return NotImplemented
        return self.amount <= value

    def __gt__(self, other: Any) -> bool:
        value = self._other_amount(other)
        if value is None:
            return NotImplemented
        return self.amount > value

    def __ge__(self, other: Any) -> bool:
        value = self._other_amount(other)
        if value is None:
            return NotImplemented
        return self.amount >= value

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}" + (f"/{self.period}" if self.period else "")
