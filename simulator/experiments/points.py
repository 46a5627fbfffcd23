"""Sweep points: the grid's cartesian product and Latin hypercube samples, and their names.

A sweep point is a set of values, one per swept dotted path, and is run as a
variant named after them: ``size_days=15``, or ``size_days=15,duration_days=90``
when several paths are swept.  Each path is shown by the shortest tail of its
parts that tells it apart from the other swept paths, so
``policies.joint_stockpiles.kj-pool.size_days`` is shown as ``size_days``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.experiments.spec import LatinHypercubeSample, Sweep

__all__ = ["LHS_SPAWN_KEY", "SweepPoint", "point_name", "short_labels", "sweep_points"]

LHS_SPAWN_KEY: tuple[int, int] = (2**32 - 1, 0x4C4853)
"""Spawn key of the Latin hypercube's generator under the root seed.

Replication streams use keys ``(r, stream, ...)`` with ``stream`` a small
number, so this key can never coincide with one of them.
"""


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: its name and the value of every swept path.

    Attributes
    ----------
    name : str
        ``label=value`` pairs joined by commas, e.g. ``size_days=15``.
    values : dict
        Dotted path → value, in the order of :meth:`Sweep.parameters`.
    origin : dict
        Dotted path → where the value was written in the experiment file, as a
        document path (``("sweep", "grid", path, k)`` or
        ``("sweep", "sample", "ranges", path)``).
    """

    name: str
    values: dict[str, Any]
    origin: dict[str, tuple[str | int, ...]]


def short_labels(paths: Sequence[str]) -> dict[str, str]:
    """The shortest dotted tail of each path that no other path ends with.

    Examples
    --------
    >>> short_labels(["shocks.ban.duration_days", "policies.stockpiles.kr.size_days"])
    {'shocks.ban.duration_days': 'duration_days', 'policies.stockpiles.kr.size_days': 'size_days'}
    >>> short_labels(["shocks.a.duration_days", "shocks.b.duration_days"])
    {'shocks.a.duration_days': 'a.duration_days', 'shocks.b.duration_days': 'b.duration_days'}
    """
    labels: dict[str, str] = {}
    for path in paths:
        parts = path.split(".")
        for k in range(1, len(parts) + 1):
            tail = ".".join(parts[-k:])
            clash = any(
                other != path and (other == tail or other.endswith("." + tail)) for other in paths
            )
            if not clash:
                labels[path] = tail
                break
        else:
            labels[path] = path
    return labels


def _render(value: Any, index: int, digits: int | None) -> str:
    """``value`` as shown in a point's name (``#k``, 1-based, for lists and mappings)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if digits is None or not math.isfinite(value):
            return repr(value)
        return format(value, f".{digits}g")
    if isinstance(value, str):
        return value
    return f"#{index + 1}"


def point_name(
    values: dict[str, Any],
    labels: dict[str, str],
    indexes: dict[str, int],
    digits: int | None = None,
) -> str:
    """The name of a sweep point, e.g. ``size_days=15,duration_days=90``.

    Parameters
    ----------
    values : dict
        Dotted path → value.
    labels : dict
        Dotted path → label (from :func:`short_labels`).
    indexes : dict
        Dotted path → position of the value in its grid list (0 for samples).
    digits : int, optional
        Significant digits of sampled (float) values; None shows them exactly.
    """
    return ",".join(
        f"{labels[path]}={_render(value, indexes.get(path, 0), digits)}"
        for path, value in values.items()
    )


def _grid(grid: dict[str, list[Any]]) -> list[tuple[dict[str, Any], dict[str, int]]]:
    paths = list(grid)
    out: list[tuple[dict[str, Any], dict[str, int]]] = []
    for combo in itertools.product(*(range(len(grid[p])) for p in paths)):
        values = {p: grid[p][k] for p, k in zip(paths, combo, strict=True)}
        out.append((values, dict(zip(paths, combo, strict=True))))
    return out


def _sample(sample: LatinHypercubeSample, root_seed: int) -> list[dict[str, float]]:
    """``n`` Latin hypercube points scaled to the ranges, seeded from ``root_seed``."""
    from scipy.stats import qmc  # imported here: scipy.stats is slow to import

    paths = list(sample.ranges)
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=LHS_SPAWN_KEY))
    )
    unit = qmc.LatinHypercube(d=len(paths), seed=rng).random(sample.n)
    lows = np.array([sample.ranges[p][0] for p in paths])
    highs = np.array([sample.ranges[p][1] for p in paths])
    scaled = lows + unit * (highs - lows)
    return [{p: float(row[j]) for j, p in enumerate(paths)} for row in scaled]


def sweep_points(sweep: Sweep, root_seed: int) -> list[SweepPoint]:
    """Every point of ``sweep``: the grid's product crossed with the sample, in order.

    The grid varies its last path fastest.  Sampled values are named with the
    fewest significant digits (at least 4) that keep the names distinct.

    Parameters
    ----------
    sweep : Sweep
        The validated sweep.
    root_seed : int
        The experiment's root seed; it seeds the Latin hypercube.

    Returns
    -------
    list of SweepPoint
    """
    labels = short_labels(sweep.parameters())
    grid = _grid(sweep.grid) if sweep.grid else [({}, {})]
    sampled: list[dict[str, float]] = (
        _sample(sweep.sample, root_seed) if sweep.sample is not None else [{}]
    )
    combos = [
        ({**g_values, **s_values}, g_indexes)
        for g_values, g_indexes in grid
        for s_values in sampled
    ]
    names: list[str] = []
    for digits in (4, 6, 8, 12, None):
        names = [point_name(values, labels, indexes, digits) for values, indexes in combos]
        if len(set(names)) == len(names):
            break
    points: list[SweepPoint] = []
    for name, (values, indexes) in zip(names, combos, strict=True):
        origin: dict[str, tuple[str | int, ...]] = {}
        for path in values:
            if path in indexes:
                origin[path] = ("sweep", "grid", path, indexes[path])
            else:
                origin[path] = ("sweep", "sample", "ranges", path)
        points.append(SweepPoint(name, values, origin))
    return points
