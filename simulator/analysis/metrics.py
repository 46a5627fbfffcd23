"""Resilience metrics of one run, per country × commodity and per group of countries.

Each ``calc_*`` function is pure: daily series in (NumPy arrays over days),
one number out, with its formula and unit in the docstring.  A group's series
are the sums of its members' series, so every metric of a country is also
defined for a coalition.  :func:`metrics_table` applies them to a
:class:`~simulator.engine.RunResult`.

Conventions: day ``t`` runs over ``0 … H-1``; ``d_t`` demand, ``c_t``
consumption, ``s_t = d_t - c_t`` shortfall (units/day); ``t0`` the shock's
effective day; a day "has shortfall" when ``s_t > EPS * d_t``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from simulator.analysis.market_metrics import MARKET_METRICS

if TYPE_CHECKING:  # annotations only: the analysis of results must not load the engine
    from simulator.engine.records import RunResult
    from simulator.model.scenario import Scenario

__all__ = [
    "METRICS",
    "RECOVERY_FILL_RATE",
    "calc_committed_cost_usd",
    "calc_economic_loss_usd",
    "calc_fill_rate",
    "calc_lost_days",
    "calc_min_coverage_days",
    "calc_peak_shortfall_rate",
    "calc_shortage_days",
    "calc_shortfall",
    "calc_ttr_days",
    "calc_tts_days",
    "metrics_table",
]

FloatArray = npt.NDArray[np.float64]
Sized = TypeVar("Sized", float, FloatArray)
EPS = 1e-9
RECOVERY_FILL_RATE = 0.99
"""Daily fill rate at or above which a country counts as recovered."""

METRICS: tuple[str, ...] = (
    "shortfall",
    "fill_rate",
    "tts_days",
    "ttr_days",
    "peak_shortfall_rate",
    "shortage_days",
    "lost_days",
    "economic_loss_usd",
    "min_coverage_days",
    "stockpile_cost_usd",
    "released",
    "transfers_in",
    "transfers_out",
    "loans_outstanding",
    "pool_level",
    "pool_drawn",
    "pool_paid",
    *MARKET_METRICS,
)
"""Metric columns of :func:`metrics_table`, in order.

``economic_loss_usd`` and the market's columns (:mod:`simulator.analysis.market_metrics`)
are filled by :func:`metrics_table` from every country's own value at risk.
"""


def short_days(demand: FloatArray, shortfall: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether each day has shortfall, ``s_t > EPS * d_t`` (element by element)."""
    return shortfall > EPS * np.maximum(demand, 1e-300)


def calc_shortfall(shortfall: FloatArray) -> float:
    """Total unmet demand over the horizon, ``sum_t s_t`` (units)."""
    return float(shortfall.sum())


def calc_fill_rate(demand: FloatArray, shortfall: FloatArray) -> float:
    """Share of demand met, ``1 - sum_t s_t / sum_t d_t`` (1 when there is no demand)."""
    total = float(demand.sum())
    return 1.0 if total <= 0 else 1.0 - float(shortfall.sum()) / total


def calc_tts_days(demand: FloatArray, shortfall: FloatArray, shock_day: int | None) -> int | None:
    """Time to survive: ``min{t : s_t > 0} - t0`` (days).

    ``None`` when there is no shortfall (the country survives the whole horizon)
    or no shock took effect; 0 when short on the shock's first day.
    """
    days = np.flatnonzero(short_days(demand, shortfall))
    if shock_day is None or days.size == 0:
        return None
    return max(0, int(days[0]) - shock_day)


def calc_ttr_days(demand: FloatArray, shortfall: FloatArray, shock_day: int | None) -> int | None:
    """Time to recover: days from ``t0`` until the daily fill rate is >= 0.99 for good.

    ``(1 + max{t : c_t / d_t < 0.99}) - t0``; 0 when the fill rate never fell
    below 0.99 (nothing to recover from); ``None`` when it is still below 0.99
    on the last day (no recovery within the horizon) or no shock took effect.
    """
    if shock_day is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(demand > 0, 1.0 - shortfall / demand, 1.0)
    low = np.flatnonzero(fill < RECOVERY_FILL_RATE)
    if low.size == 0:
        return 0
    if low[-1] == len(fill) - 1:
        return None
    return max(0, int(low[-1]) + 1 - shock_day)


def calc_peak_shortfall_rate(demand: FloatArray, shortfall: FloatArray) -> float:
    """Largest daily shortfall as a share of that day's demand, ``max_t s_t / d_t``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(demand > 0, shortfall / demand, 0.0)
    return float(rate.max(initial=0.0))


def calc_shortage_days(demand: FloatArray, shortfall: FloatArray) -> int:
    """Days with any shortfall, ``#{t : s_t > 0}`` (days)."""
    return int(short_days(demand, shortfall).sum())


def calc_lost_days(demand: FloatArray, shortfall: FloatArray) -> float:
    """Resilience-triangle area, ``sum_t (1 - c_t / d_t)`` (days of demand)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lost = np.where(demand > 0, shortfall / demand, 0.0)
    return float(lost.sum())


def calc_economic_loss_usd(shortfall: FloatArray, value_at_risk_usd_per_unit: float) -> float:
    """Output lost to shortfall with a linear loss, ``sum_t s_t * value_at_risk`` (USD).

    The shortfall part of ``economic_loss_usd`` when the loss exponent is 1
    (:func:`simulator.analysis.market_metrics.calc_shortfall_loss_usd` in general).
    """
    return float(shortfall.sum()) * value_at_risk_usd_per_unit


def calc_min_coverage_days(inventory: FloatArray, demand_per_day: float) -> float | None:
    """Lowest end-of-day commercial inventory, ``min_t I_t / d`` (days of baseline demand)."""
    if demand_per_day <= 0:
        return None
    return float(np.min(inventory, initial=np.inf)) / demand_per_day


def calc_committed_cost_usd(
    size: float,
    stocked: FloatArray,
    price_usd_per_unit: float,
    carrying_cost_per_year: float,
    days: int,
) -> float:
    """Committed cost of reserve stock, ``K p (1 + c H / 365) + p sum_t R_t`` (USD).

    ``K`` is the stock committed to (a reserve's size; a member's share of a
    pool's size), ``p`` the price per unit, ``c`` the carrying cost per year
    (capital and storage, as a share of value), ``H`` the days simulated and
    ``R_t`` the units bought on day ``t`` to refill it (the ``stocked``
    record).  The carrying cost is that of the full size for the whole
    horizon — it does not fall when the reserve is emptied — plus the
    purchases that fill it (``K p``) and refill it, at the commodity's price.
    """
    return committed_cost(
        size, float(stocked.sum()), price_usd_per_unit, carrying_cost_per_year, days
    )


def _row(
    series: dict[str, FloatArray],
    demand_per_day: float,
    sizes: tuple[float, float],
    shock_day: int | None,
    price: float,
    carrying: float,
) -> dict[str, Any]:
    """The metrics of one country's (or group's) series, but the market's columns and
    ``economic_loss_usd`` (:func:`metrics_table` adds them from every country's own
    value at risk: :mod:`simulator.analysis.market_metrics`)."""
    d, s = series["demand"], series["shortfall"]
    reserve_size, pool_size = sizes
    return {
        "shortfall": calc_shortfall(s),
        "fill_rate": calc_fill_rate(d, s),
        "tts_days": calc_tts_days(d, s, shock_day),
        "ttr_days": calc_ttr_days(d, s, shock_day),
        "peak_shortfall_rate": calc_peak_shortfall_rate(d, s),
        "shortage_days": calc_shortage_days(d, s),
        "lost_days": calc_lost_days(d, s),
        "min_coverage_days": calc_min_coverage_days(series["inventory"], demand_per_day),
        "stockpile_cost_usd": calc_committed_cost_usd(
            reserve_size + pool_size, series["stocked"], price, carrying, len(d)
        ),
        "released": float(series["released"].sum()),
        "transfers_in": float(series["transfers_in"].sum()),
        "transfers_out": float(series["transfers_out"].sum()),
        "loans_outstanding": float(series["loans_outstanding"][-1]) if len(d) else 0.0,
        "pool_level": float(series["pool"][-1]) if len(d) else 0.0,
        "pool_drawn": float(series["pool_drawn"].sum()),
        "pool_paid": calc_committed_cost_usd(
            pool_size, series["pool_paid"], price, carrying, len(d)
        ),
    }


def metrics_table(result: RunResult, scenario: Scenario) -> list[dict[str, Any]]:
    """Every metric for every importing country × commodity, then for every coalition.

    Rows carry ``country`` (a country code or a coalition name), ``commodity``,
    ``group`` (True for coalitions) and the columns of :data:`METRICS`.
    Countries without demand are left out.  The rows of
    :func:`~simulator.analysis.metric_columns.metric_columns`, which computes
    them for all rows of a commodity at once.
    """
    from simulator.analysis.metric_columns import metric_columns  # it builds on this module

    return metric_columns(result, scenario).rows()


def committed_cost(size: Sized, bought: Sized, price: float, carrying: float, days: int) -> Sized:
    """:func:`calc_committed_cost_usd` from the units bought, summed (numbers or arrays)."""
    return size * price * carrying * days / 365.0 + (size + bought) * price
