"""Which uncertain inputs drive an outcome: PAWN indices on the sample at hand, and their plot.

The batch's futures are a sample (Latin hypercube for the dataset's ranges,
independent draws for the experiment's uncertainties), not a design made for
a variance decomposition, so the ranking uses a method that works on a given
sample: PAWN (Pianosi and Wagener, "A simple and efficient method for global
sensitivity analysis based on cumulative distribution functions",
Environmental Modelling & Software 67, 2015), as implemented by SALib
(``SALib.analyze.pawn``).  For each input it cuts the input's range into
``S`` slices and measures, by the Kolmogorov–Smirnov statistic, how far the
outcome's distribution within each slice lies from its distribution over all
futures; the index is the median over slices (0: the input does not matter;
1: it decides the outcome).

With a finite sample an input that does not matter still scores above 0.  A
*dummy* input, independent of everything (seeded, uniform), is ranked with
the others (Khorashadi Zadeh et al., Environmental Modelling & Software 91,
2017): inputs that do not score above it are indistinguishable from noise.
The outcome's rank order is all PAWN uses, so a few extreme futures do not
dominate it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["DUMMY", "pawn_ranking", "plot_sensitivity"]

DUMMY = "(dummy: no effect)"
"""The name of the dummy input in a ranking."""


def pawn_ranking(
    inputs: pd.DataFrame, outcome: npt.ArrayLike, *, seed: int = 0, slices: int | None = None
) -> pd.DataFrame:
    """PAWN indices of every input (and the dummy), most influential first.

    Parameters
    ----------
    inputs : pandas.DataFrame
        One column per uncertain input, one row per future (constant columns are dropped).
    outcome : array_like
        The outcome in each future (e.g. a paired difference).
    seed : int
        Seeds the dummy input and SALib's slicing.
    slices : int, optional
        ``S``; default ``max(2, min(10, n // 10))``.

    Returns
    -------
    pandas.DataFrame
        Columns ``input, pawn_median, pawn_min, pawn_max, above_dummy``.
    """
    from SALib.analyze import pawn

    y = np.asarray(outcome, dtype=float)
    varying = [c for c in inputs.columns if inputs[c].nunique(dropna=True) > 1]
    columns = ["input", "pawn_median", "pawn_min", "pawn_max", "above_dummy"]
    n = y.size
    if n < 4 or not varying or float(np.ptp(y)) == 0.0:
        return pd.DataFrame(columns=columns)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5041574E,)))
    x = np.column_stack([inputs[varying].to_numpy(dtype=float), rng.random(n)])
    names = [*map(str, varying), DUMMY]
    bounds = [[float(x[:, j].min()), float(x[:, j].max())] for j in range(x.shape[1])]
    problem: dict[str, Any] = {"num_vars": len(names), "names": names, "bounds": bounds}
    s = slices or max(2, min(10, n // 10))
    found = pawn.analyze(problem, x, y, S=s, print_to_console=False, seed=seed % (2**32))
    table = pd.DataFrame(
        {
            "input": names,
            "pawn_median": np.asarray(found["median"], dtype=float),
            "pawn_min": np.asarray(found["minimum"], dtype=float),
            "pawn_max": np.asarray(found["maximum"], dtype=float),
        }
    )
    dummy = float(table.loc[table["input"] == DUMMY, "pawn_median"].iloc[0])
    table["above_dummy"] = table["pawn_median"] > dummy
    table = table.sort_values("pawn_median", ascending=False, kind="stable")
    return table.reset_index(drop=True)[columns]


def plot_sensitivity(ranking: pd.DataFrame, title: str = "", top: int = 12) -> Any:
    """A horizontal bar chart of the ranking (median PAWN index, min–max over slices).

    Returns the matplotlib ``Figure`` (it shows itself in a notebook); the
    dummy's bar is grey, with a line at its level.
    """
    from simulator.analysis.figures import new_figure, style

    shown: pd.DataFrame = ranking.head(top).iloc[::-1]
    labels: Sequence[str] = [str(v) for v in shown["input"]]
    with style():
        figure = new_figure(7.5, 0.35 * len(shown) + 1.2)
        ax = figure.add_subplot()
        _bars(ax, ranking, shown, labels, title)
    return figure


def _bars(
    ax: Any, ranking: pd.DataFrame, shown: pd.DataFrame, labels: Sequence[str], title: str
) -> None:
    medians = shown["pawn_median"].to_numpy(dtype=float)
    errors = np.vstack(
        [medians - shown["pawn_min"].to_numpy(float), shown["pawn_max"].to_numpy(float) - medians]
    )
    colours = ["#9e9e9e" if label == DUMMY else "#1f77b4" for label in labels]
    ax.barh(labels, medians, xerr=errors, color=colours, ecolor="#555555", capsize=2)
    dummy = ranking.loc[ranking["input"] == DUMMY, "pawn_median"]
    if not dummy.empty:
        ax.axvline(float(dummy.iloc[0]), color="#9e9e9e", linestyle="--", linewidth=1)
    ax.set_xlabel("PAWN index (median KS distance over slices; bars: min–max)")
    ax.set_xlim(0, 1)
    if title:
        ax.set_title(title, fontsize=10)
