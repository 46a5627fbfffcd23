"""Uncertain data in an experiment: which of the dataset's ranges apply, and their sample.

An experiment whose scenario says ``data: builtin`` samples, by default, the
ranges of the dataset's estimates (:mod:`simulator.io.data_ranges`, and the
market's figures, :func:`simulator.io.market_merge.market_ranges`): a Latin
hypercube of ``n`` points (one per replication) over every range that
applies, each coordinate mapped through its range's distribution.  Replication
``r`` of *every* variant runs in the world of row ``r``, so variants stay
paired on common random numbers and differ only by their policies.

A range applies when the figure is in the simulated network of every variant
and no variant states it (a value the scenario or a variant writes inline is
the user's, not the dataset's), nor sweeps it nor draws it as an experiment
uncertainty.  ``data_uncertainty: central`` applies none;
``data_uncertainty: {exclude: [...]}`` keeps the named figures at their
dataset values.

The design depends only on the root seed, the number of replications and the
ranges that apply: the same experiment always runs in the same worlds, on any
number of workers.  (A Latin hypercube stratifies the whole set of ``n``
points, so running more replications draws a new design, not more of it.)
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.errors import Issue, PathPart
from simulator.io.data_ranges import DataRange, load_ranges
from simulator.io.market_merge import market_ranges
from simulator.io.paths import PathNotFoundError, resolve_path
from simulator.io.scenario_file import BUILTIN_DATA

__all__ = ["DATA_LHS_SPAWN_KEY", "DataDesign", "range_path", "select_ranges"]

DATA_LHS_SPAWN_KEY: tuple[int, int] = (2**32 - 1, 0x44415441)
"""Spawn key of the data design's generator under the root seed ("DATA"): apart
from every replication stream ``(r, stream, ...)`` and from the sweep's key."""

FloatArray = npt.NDArray[np.float64]
_ROUNDED = frozenset({"lead_time_days"})
"""Fields the engine uses in whole days: sampled values are rounded, so the
summary column holds the value that ran."""


@dataclass(frozen=True, eq=False)
class DataDesign:
    """The sampled worlds of an experiment: one row of values per replication.

    Attributes
    ----------
    ranges : tuple of DataRange
        The ranges that apply, in ``uncertainty.csv`` order.
    seed : int
        The experiment's root seed, from which the design's generator is spawned.
    replications : int
        The number of points (one per replication).
    """

    ranges: tuple[DataRange, ...]
    seed: int
    replications: int

    @property
    def labels(self) -> tuple[str, ...]:
        """The figures' labels (``u.<label>`` are their summary columns)."""
        return tuple(r.label for r in self.ranges)

    def rows(self, first: int, last: int) -> tuple[tuple[float, ...], ...]:
        """The values of replications ``first … last`` (included)."""
        return tuple(tuple(float(v) for v in row) for row in self.values[first : last + 1])

    @classmethod
    def sample(cls, ranges: Sequence[DataRange], seed: int, replications: int) -> DataDesign:
        """A Latin hypercube of ``replications`` points over ``ranges``, seeded from ``seed``.

        The points are drawn on first use of :attr:`values`, so validating an
        experiment never loads ``scipy.stats``.
        """
        return cls(tuple(ranges), seed, replications)

    @cached_property
    def values(self) -> FloatArray:
        """``(replications, len(ranges))``: row ``r`` is replication ``r``'s world.

        Each column has exactly one point in each of the ``replications``
        equal-probability strata of its range's distribution.
        """
        if not self.ranges:
            return np.empty((self.replications, 0))
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=DATA_LHS_SPAWN_KEY))
        )
        from scipy.stats import qmc  # imported here: scipy.stats is slow to import

        unit = qmc.LatinHypercube(d=len(self.ranges), seed=rng).random(self.replications)
        columns = []
        for j, r in enumerate(self.ranges):
            column = r.ppf(unit[:, j])
            columns.append(np.maximum(np.round(column), 1.0) if r.field in _ROUNDED else column)
        return np.column_stack(columns).astype(float)

    def identity(self) -> list[dict[str, Any]]:
        """The ranges as plain data (for fingerprints and manifests)."""
        return [
            {
                "label": r.label,
                "low": r.low,
                "central": r.central,
                "high": r.high,
                "shape": r.shape,
            }
            for r in self.ranges
        ]


def range_path(data: Mapping[str, Any], r: DataRange) -> str | None:
    """The dotted path of ``r``'s figure in resolved scenario ``data`` (None if absent).

    Examples
    --------
    >>> data = {"commodities": {"ga": {}}, "network": {"nodes": [
    ...     {"commodity": "ga", "country": "KOR", "inventory_days": 30}], "links": []}}
    >>> r = DataRange("nodes", ("ga", "KOR"), "inventory_days", 15, 30, 60, "uniform")
    >>> range_path(data, r)
    'network.nodes.0.inventory_days'
    """
    if r.commodity not in (data.get("commodities") or {}):
        return None
    if r.table == "commodities":
        return f"commodities.{r.commodity}.{r.field}"
    if r.table == "market":
        market = data.get("market")
        entry = market.get(r.commodity) if isinstance(market, dict) else None
        return f"market.{r.commodity}.{r.field}" if isinstance(entry, dict) else None
    network = data.get("network") or {}
    columns = ("commodity", "country") if r.table == "nodes" else ("commodity", "from", "to")
    for i, entry in enumerate(network.get(r.table) or []):
        if tuple(str(entry.get(c)) for c in columns) == r.key:
            return f"network.{r.table}.{i}.{r.field}"
    return None


def _stated(document: Mapping[str, Any], r: DataRange) -> bool:
    """Whether a scenario document (before the dataset is merged) states ``r``'s figure."""
    if r.table in ("commodities", "market"):
        own = (document.get(r.table) or {}) if r.table == "commodities" else document.get(r.table)
        entry = own.get(r.commodity) if isinstance(own, dict) else None
        return isinstance(entry, dict) and r.field in entry
    columns = ("commodity", "country") if r.table == "nodes" else ("commodity", "from", "to")
    entries = (document.get("network") or {}).get(r.table) or []
    return any(
        isinstance(e, dict) and tuple(str(e.get(c)) for c in columns) == r.key and r.field in e
        for e in entries
    )


def select_ranges(
    option: object,
    documents: Mapping[str, Mapping[str, Any]],
    resolved: Mapping[str, Mapping[str, Any]],
    taken: Sequence[str],
) -> tuple[list[DataRange], list[Issue]]:
    """The ranges an experiment samples, and the problems of its ``data_uncertainty``.

    Parameters
    ----------
    option : str or DataExclusions
        The experiment's ``data_uncertainty``.
    documents : mapping
        Variant → its scenario document before the dataset is merged.
    resolved : mapping
        Variant → its resolved scenario data (dataset merged).
    taken : sequence of str
        Swept and uncertain dotted paths: figures they name are not sampled.
    """
    if option == "central" or not documents:
        return [], []
    if any(d.get("data") != BUILTIN_DATA for d in documents.values()):
        chosen: list[DataRange] = []
    else:
        ranges = [*load_ranges(), *market_ranges()]
        chosen = [r for r in ranges if _applies(r, documents, resolved, taken)]
    patterns: list[str] = list(getattr(option, "exclude", []))
    issues: list[Issue] = []
    for k, pattern in enumerate(patterns):
        if not any(fnmatch.fnmatchcase(r.label, pattern) for r in chosen):
            known = ", ".join(r.label for r in chosen[:5]) or "none"
            issues.append(
                Issue(
                    ("data_uncertainty", "exclude", k),
                    f"expected the label (or a pattern) of a sampled figure, found {pattern!r};"
                    f" sampled figures include {known}"
                    + (" …" if len(chosen) > 5 else "")
                    + (" (only data: builtin samples figures)" if not chosen else ""),
                )
            )
    kept = [r for r in chosen if not any(fnmatch.fnmatchcase(r.label, p) for p in patterns)]
    return kept, issues


def _applies(
    r: DataRange,
    documents: Mapping[str, Mapping[str, Any]],
    resolved: Mapping[str, Mapping[str, Any]],
    taken: Sequence[str],
) -> bool:
    for name, data in resolved.items():
        path = range_path(data, r)
        if path is None or _stated(documents[name], r):
            return False
        if any(_same(data, path, other) for other in taken):
            return False
    return True


def _same(data: Mapping[str, Any], path: str, other: str) -> bool:
    try:
        mine: tuple[PathPart, ...] = resolve_path(data, path)
        theirs: tuple[PathPart, ...] = resolve_path(data, other)
    except PathNotFoundError:
        return False
    return mine == theirs
