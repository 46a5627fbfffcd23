"""Declared random quantities: a plain number or ``{dist: NAME, ...}``.

Every random quantity of a scenario is declared in the file, so a run is a pure
function of the scenario and the seed.  Draws always come from a
:class:`numpy.random.Generator` handed in by the caller; this module holds no
random state.

Parameters are bounded (:data:`~simulator.model.limits.MAX_DISTRIBUTION_PARAMETER`,
:data:`~simulator.model.limits.MAX_LOG_SIGMA`) so no draw overflows.  A day-valued
quantity has a valid range (:class:`~simulator.model.limits.DayRange`); the
validator refuses a distribution whose :func:`support` leaves it.  Only the
unbounded distributions (normal, log-normal) may instead say ``truncate: true``:
their draws then come from the distribution truncated to the valid range
(inverse-CDF sampling, one uniform per draw), never clipped.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from simulator.model.limits import MAX_DISTRIBUTION_PARAMETER, MAX_LOG_SIGMA, DayRange

__all__ = [
    "Choice",
    "Distribution",
    "Fixed",
    "LogNormal",
    "Normal",
    "RandomQuantity",
    "Triangular",
    "Uniform",
    "draw",
    "draw_days",
    "draw_days_ahead",
    "expected",
    "lower_bound",
    "range_issue",
    "support",
    "truncated",
]

Parameter = Annotated[float, Field(ge=-MAX_DISTRIBUTION_PARAMETER, le=MAX_DISTRIBUTION_PARAMETER)]
"""A location parameter or bound: a number of magnitude at most 1e15."""

Scale = Annotated[float, Field(gt=0, le=MAX_DISTRIBUTION_PARAMETER)]
"""A positive scale parameter, at most 1e15."""


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Fixed(_Dist):
    """Always ``value``."""

    dist: Literal["fixed"]
    value: Parameter

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.value)

    def mean(self) -> float:
        return float(self.value)


class Uniform(_Dist):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: Parameter
    high: Parameter

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.high:
            raise ValueError(f"expected low <= high, found low={self.low}, high={self.high}")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        # rng.uniform(low, high) is low + (high - low) * rng.random(), the same
        # draw, but its argument handling costs more than the draw.
        low = float(self.low)
        return low + (float(self.high) - low) * rng.random()

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: Parameter
    mode: Parameter
    high: Parameter

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                "expected low <= mode <= high, found "
                f"low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    def sample(self, rng: np.random.Generator) -> float:
        if self.low == self.high:
            return float(self.low)
        return float(rng.triangular(self.low, self.mode, self.high))

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Normal(_Dist):
    """Normal(``mean``, ``sd``), truncated to ``[low, high]`` when bounds are given.

    With ``truncate: true`` it is also truncated to the valid range of the
    quantity it stands for (e.g. lead times of at least one day).
    """

    dist: Literal["normal"]
    mean_: Parameter = Field(alias="mean")
    sd: Scale
    low: Parameter | None = None
    high: Parameter | None = None
    truncate: bool = Field(False, description="Truncate draws to the quantity's valid range.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, strict=True)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"expected low < high, found low={self.low}, high={self.high}")
        return self

    def bounds(self) -> tuple[float, float]:
        """``[low, high]`` as given, infinite where not given."""
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        return low, high

    def _truncated(self, low: float, high: float) -> tuple[float, float]:
        return (low - self.mean_) / self.sd, (high - self.mean_) / self.sd

    def sample(self, rng: np.random.Generator, within: tuple[float, float] | None = None) -> float:
        low, high = self.bounds()
        if within is not None:
            low, high = max(low, within[0]), min(high, within[1])
        if math.isinf(low) and math.isinf(high):
            return float(rng.normal(self.mean_, self.sd))
        # Inverse-CDF sampling keeps one uniform draw per value whatever the bounds.
        from scipy import stats  # imported here: slow to import, rarely needed

        a, b = self._truncated(low, high)
        u = rng.uniform()
        return float(stats.truncnorm.ppf(u, a, b, loc=self.mean_, scale=self.sd))

    def mean(self) -> float:
        from scipy import stats

        a, b = self._truncated(*self.bounds())
        return float(stats.truncnorm.mean(a, b, loc=self.mean_, scale=self.sd))


class LogNormal(_Dist):
    """Log-normal with the given ``median`` (> 0) and log-scale ``sigma`` (> 0).

    With ``truncate: true`` it is truncated to the valid range of the quantity
    it stands for.
    """

    dist: Literal["lognormal"]
    median: Scale
    sigma: float = Field(gt=0, le=MAX_LOG_SIGMA)
    truncate: bool = Field(False, description="Truncate draws to the quantity's valid range.")

    def sample(self, rng: np.random.Generator, within: tuple[float, float] | None = None) -> float:
        mu = math.log(self.median)
        if within is None:
            return float(rng.lognormal(mu, self.sigma))
        from scipy import stats

        low, high = within
        a = -math.inf if low <= 0 else (math.log(low) - mu) / self.sigma
        b = math.inf if math.isinf(high) else (math.log(high) - mu) / self.sigma
        z = float(stats.truncnorm.ppf(rng.uniform(), a, b))
        return math.exp(mu + self.sigma * z)

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Choice(_Dist):
    """One of ``values``, with ``weights`` (equal when omitted) that sum to 1."""

    dist: Literal["choice"]
    values: list[Parameter] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Self:
        if self.weights is None:
            return self
        if len(self.weights) != len(self.values):
            raise ValueError(
                f"expected one weight per value ({len(self.values)}), "
                f"found {len(self.weights)} weights"
            )
        if any(w < 0 for w in self.weights):
            raise ValueError(f"expected weights >= 0, found {self.weights}")
        if not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
            raise ValueError(f"expected weights summing to 1, found sum {sum(self.weights)}")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        p = None if self.weights is None else np.asarray(self.weights)
        return float(self.values[int(rng.choice(len(self.values), p=p))])

    def mean(self) -> float:
        w = self.weights or [1 / len(self.values)] * len(self.values)
        return float(sum(v * p for v, p in zip(self.values, w, strict=True)))


Distribution = Annotated[
    Fixed | Uniform | Triangular | Normal | LogNormal | Choice, Field(discriminator="dist")
]
"""A named distribution, chosen by its ``dist`` key."""


def _number_or_distribution(value: Any) -> str:
    if isinstance(value, dict):
        return "distribution"
    if isinstance(value, BaseModel):
        return "distribution"
    return "number"


RandomQuantity = Annotated[
    Annotated[Parameter, Tag("number")] | Annotated[Distribution, Tag("distribution")],
    Discriminator(_number_or_distribution),
]
"""A number, or a distribution drawn once per replication.

Written as a number (``45``) or a mapping with a ``dist`` key
(``{dist: triangular, low: 30, mode: 45, high: 90}``).  Validation errors name
only the branch the user meant, so a bad distribution is never reported as
"expected a number".
"""


def support(quantity: RandomQuantity) -> tuple[float, float]:
    """The smallest and largest values ``quantity`` can take (infinite when unbounded).

    A log-normal's support is ``(0, inf)``; a normal's is its ``[low, high]``.
    """
    if isinstance(quantity, int | float):
        return float(quantity), float(quantity)
    if isinstance(quantity, Fixed):
        return quantity.value, quantity.value
    if isinstance(quantity, Uniform | Triangular):
        return quantity.low, quantity.high
    if isinstance(quantity, Normal):
        return quantity.bounds()
    if isinstance(quantity, LogNormal):
        return 0.0, math.inf
    return float(min(quantity.values)), float(max(quantity.values))


def lower_bound(quantity: RandomQuantity) -> float | None:
    """The smallest value ``quantity`` can take, or None when unbounded below.

    A log-normal's support is ``(0, inf)``: its bound is 0.
    """
    low = support(quantity)[0]
    return None if math.isinf(low) else low


def truncated(quantity: RandomQuantity) -> bool:
    """Whether ``quantity`` asks for its draws to be truncated to the valid range."""
    return isinstance(quantity, Normal | LogNormal) and quantity.truncate


def range_issue(quantity: RandomQuantity, valid: DayRange) -> str | None:
    """Why ``quantity`` may take a value outside ``valid``, or None when it cannot.

    A number must lie in ``valid``; a distribution's :func:`support` too,
    unless it says ``truncate: true`` (then its support need only meet
    ``valid``).  The message says what was expected and what was found.
    """
    low, high = support(quantity)
    if valid.contains(low, high):
        return None
    expected = f"expected {valid.describe()}"
    if isinstance(quantity, int | float):
        return f"{expected}, found {quantity:g}"
    found = f"found a {quantity.dist} distribution whose draws range over [{low:g}, {high:g}]"
    if not isinstance(quantity, Normal | LogNormal):
        return f"{expected}; {found}"
    if not quantity.truncate:
        return f"{expected}; {found} (add truncate: true to draw within the valid range)"
    if max(low, valid.low) < min(high, valid.high):
        return None
    return f"{expected}; {found}, which truncation cannot bring within it"


def draw(quantity: RandomQuantity, rng: np.random.Generator) -> float:
    """One draw of ``quantity`` (a plain number is returned as is, with no draw)."""
    if isinstance(quantity, int | float):
        return float(quantity)
    return quantity.sample(rng)


def draw_days(quantity: RandomQuantity, rng: np.random.Generator | None, valid: DayRange) -> int:
    """One draw of a day-valued ``quantity``, in whole days within ``valid``.

    Validation has made sure the support lies within ``valid`` or that the
    quantity says ``truncate: true``; then the draw comes from the
    distribution truncated to ``valid``.  Rounding to whole days stays within
    ``valid``, whose bounds are whole numbers.  A plain number needs no
    generator (``rng`` may be None).
    """
    if isinstance(quantity, int | float):
        value = float(quantity)
    elif rng is None:
        raise ValueError("a random quantity needs a generator")
    elif isinstance(quantity, Normal | LogNormal) and quantity.truncate:
        value = quantity.sample(rng, within=(valid.low, valid.high))
    else:
        value = quantity.sample(rng)
    return int(min(max(round(value), valid.low), valid.high))


def draw_days_ahead(
    quantity: RandomQuantity, rng: np.random.Generator | None, valid: DayRange, count: int
) -> list[int]:
    """``count`` draws of :func:`draw_days`, the same as drawn one by one, in order.

    A uniform quantity draws its ``count`` uniform numbers ``u`` at once,
    each then ``low + (high - low) * u`` as one by one.
    """
    if isinstance(quantity, Uniform) and rng is not None:
        low = float(quantity.low)
        span = float(quantity.high) - low
        return [
            int(min(max(round(low + span * u), valid.low), valid.high))
            for u in rng.random(count).tolist()
        ]
    return [draw_days(quantity, rng, valid) for _ in range(count)]


def expected(quantity: RandomQuantity) -> float:
    """The mean of ``quantity``."""
    if isinstance(quantity, int | float):
        return float(quantity)
    return quantity.mean()
