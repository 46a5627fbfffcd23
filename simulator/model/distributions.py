"""Declared random quantities: a plain number or ``{dist: NAME, ...}``.

Every random quantity of a scenario is declared in the file, so a run is a pure
function of the scenario and the seed.  Draws always come from a
:class:`numpy.random.Generator` handed in by the caller; this module holds no
random state.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

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
    "expected",
    "lower_bound",
]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fixed(_Dist):
    """Always ``value``."""

    dist: Literal["fixed"]
    value: float

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.value)

    def mean(self) -> float:
        return float(self.value)


class Uniform(_Dist):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.high:
            raise ValueError(f"expected low <= high, found low={self.low}, high={self.high}")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

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
    """Normal(``mean``, ``sd``), truncated to ``[low, high]`` when bounds are given."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean")
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"expected low < high, found low={self.low}, high={self.high}")
        return self

    def _truncated(self) -> tuple[float, float]:
        a = -math.inf if self.low is None else (self.low - self.mean_) / self.sd
        b = math.inf if self.high is None else (self.high - self.mean_) / self.sd
        return a, b

    def sample(self, rng: np.random.Generator) -> float:
        a, b = self._truncated()
        if math.isinf(a) and math.isinf(b):
            return float(rng.normal(self.mean_, self.sd))
        # Inverse-CDF sampling keeps one uniform draw per value whatever the bounds.
        from scipy import stats  # imported here: slow to import, rarely needed

        u = rng.uniform()
        return float(stats.truncnorm.ppf(u, a, b, loc=self.mean_, scale=self.sd))

    def mean(self) -> float:
        from scipy import stats

        a, b = self._truncated()
        return float(stats.truncnorm.mean(a, b, loc=self.mean_, scale=self.sd))


class LogNormal(_Dist):
    """Log-normal with the given ``median`` (> 0) and log-scale ``sigma`` (> 0)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.lognormal(math.log(self.median), self.sigma))

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Choice(_Dist):
    """One of ``values``, with ``weights`` (equal when omitted) that sum to 1."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
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
    Annotated[float, Tag("number")] | Annotated[Distribution, Tag("distribution")],
    Discriminator(_number_or_distribution),
]
"""A number, or a distribution drawn once per replication.

Written as a number (``45``) or a mapping with a ``dist`` key
(``{dist: triangular, low: 30, mode: 45, high: 90}``).  Validation errors name
only the branch the user meant, so a bad distribution is never reported as
"expected a number".
"""


def lower_bound(quantity: RandomQuantity) -> float | None:
    """The smallest value ``quantity`` can take, or None when unbounded below.

    A log-normal's support is ``(0, inf)``: its bound is 0.
    """
    if isinstance(quantity, int | float):
        return float(quantity)
    if isinstance(quantity, Fixed):
        return quantity.value
    if isinstance(quantity, Uniform | Triangular):
        return quantity.low
    if isinstance(quantity, Normal):
        return quantity.low
    if isinstance(quantity, LogNormal):
        return 0.0
    return float(min(quantity.values))


def draw(quantity: RandomQuantity, rng: np.random.Generator) -> float:
    """One draw of ``quantity`` (a plain number is returned as is, with no draw)."""
    if isinstance(quantity, int | float):
        return float(quantity)
    return quantity.sample(rng)


def expected(quantity: RandomQuantity) -> float:
    """The mean of ``quantity``."""
    if isinstance(quantity, int | float):
        return float(quantity)
    return quantity.mean()
