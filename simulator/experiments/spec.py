"""The experiment file, validated: what a user writes to compare variants of a scenario.

An experiment names a base scenario (a path relative to the experiment file,
resolved with ``extends``), the *variants* to compare (overlays deep-merged
onto the base; ``null`` removes what the base had), an optional *sweep* of
parameter values (a grid, a Latin hypercube sample, or both crossed),
*uncertainties* drawn once per replication (the same draw for every variant:
common random numbers), the number of replications and the root seed.

Like the scenario models, every model here is frozen and forbids unknown keys,
so a misspelt key is a located error.  Checks that need the base scenario
(do the paths exist in every variant?) are made by :mod:`simulator.experiments.design`.

Examples
--------
>>> spec = Experiment.model_validate({
...     "name": "kj-pool-size", "scenario": "pooled-vs-national.yaml",
...     "sweep": {"grid": {"policies.joint_stockpiles.kj-pool.size_days": [0, 30]}}})
>>> spec.sweep.grid
{'policies.joint_stockpiles.kj-pool.size_days': [0, 30]}
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulator.model.distributions import RandomQuantity
from simulator.model.limits import MAX_REPLICATIONS, MAX_SWEEP_POINTS
from simulator.model.scenario import Whole

__all__ = ["MAX_SEED", "DataExclusions", "Experiment", "LatinHypercubeSample", "Sweep"]

MAX_SEED = 2**63 - 1
"""Largest root seed: seeds are stored in int64 columns."""

DottedPath = Annotated[str, Field(min_length=1)]
"""``shocks.ban.duration_days``: mapping keys, or list entries by their ``id``."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class LatinHypercubeSample(_Frozen):
    """``n`` points of a Latin hypercube over the ``ranges`` of continuous parameters.

    The design is ``scipy.stats.qmc.LatinHypercube`` seeded from the
    experiment's root seed, scaled to ``[low, high]`` per parameter, so the
    same file always gives the same points.
    """

    method: Literal["lhs"]
    n: Whole = Field(ge=1, le=MAX_SWEEP_POINTS, description="Number of sample points.")
    ranges: dict[DottedPath, Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        min_length=1, description="Dotted path → [low, high] of the values sampled."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        bad = [f"{path} [{lo}, {hi}]" for path, (lo, hi) in self.ranges.items() if not lo <= hi]
        if bad:
            raise ValueError(f"expected low <= high in every range, found {', '.join(bad)}")
        return self


class Sweep(_Frozen):
    """Parameter values to run every variant at: a grid, a sample, or both (crossed)."""

    grid: dict[DottedPath, Annotated[list[Any], Field(min_length=1)]] | None = Field(
        None, description="Dotted path → values; every combination is a sweep point."
    )
    sample: LatinHypercubeSample | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.grid and self.sample is None:
            raise ValueError("expected grid or sample (or both), found neither")
        if self.grid and self.sample is not None:
            both = sorted(set(self.grid) & set(self.sample.ranges))
            if both:
                raise ValueError(f"paths both in grid and in sample ranges: {', '.join(both)}")
        points = self.point_count()
        if points > MAX_SWEEP_POINTS:
            raise ValueError(
                f"expected at most {MAX_SWEEP_POINTS:,} sweep points, found {points:,}"
                " (the product of the grid's value counts, times the sample size)"
            )
        return self

    def point_count(self) -> int:
        """How many sweep points: the grid's combinations times the sample's points."""
        count = math.prod(len(values) for values in (self.grid or {}).values())
        return count * (self.sample.n if self.sample is not None else 1)

    def parameters(self) -> list[str]:
        """The swept dotted paths: the grid's, then the sample's, in file order."""
        grid = list(self.grid or {})
        sample = list(self.sample.ranges) if self.sample is not None else []
        return grid + sample


class DataExclusions(_Frozen):
    """``{exclude: [...]}``: sample the dataset's ranges except these figures.

    Each entry is a figure's label (``data.gallium.JPN.inventory_days``) or a
    shell-style pattern of labels (``data.*.*.lead_time_days``); each must
    name at least one figure the experiment samples.
    """

    exclude: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, description="Labels (or patterns of labels) of figures kept at their value."
    )


class Experiment(_Frozen):
    """A whole experiment file, validated (paths are checked against the scenario later)."""

    name: str = Field(min_length=1, description="Names the results folder and every result row.")
    description: str = ""
    scenario: str = Field(
        min_length=1, description="The base scenario file, relative to this file."
    )
    replications: Whole | None = Field(
        None,
        ge=1,
        le=MAX_REPLICATIONS,
        description="Replications per variant (default: the scenario's).",
    )
    seed: Whole | None = Field(
        None, ge=0, le=MAX_SEED, description="Root seed (default: the scenario's)."
    )
    baseline: str | None = Field(
        None, description="The variant others are compared with (default: the first)."
    )
    uncertainties: dict[DottedPath, RandomQuantity] = Field(
        default_factory=dict,
        description="Dotted path → distribution, drawn once per replication for every variant.",
    )
    data_uncertainty: Literal["sampled", "central"] | DataExclusions = Field(
        "sampled",
        description=(
            "With data: builtin, sample the ranges of the dataset's estimates"
            " (simulator/data/uncertainty.csv) by Latin hypercube across replications"
            " (sampled, the default); central keeps the dataset's values;"
            " {exclude: [...]} keeps some."
        ),
    )
    variants: dict[str, dict[str, Any] | None] = Field(
        default_factory=dict,
        description="Name → overlay on the base scenario (null or {} changes nothing).",
    )
    sweep: Sweep | None = None
