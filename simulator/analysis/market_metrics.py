"""Metrics of the market: the price, demand forgone, and an economic loss that holds up.

Conventions as in :mod:`simulator.analysis.metrics`; ``p_t`` the world price
of day ``t``, ``p0`` the price before any shock, ``f_t`` demand forgone
(baseline demand the price or substitution took away), ``q_t`` what left for
the country that day (its imports and its own producers' supply).  Without a
market ``p_t = p0`` and ``f_t = 0``: the price metrics are 1 and 0 and the
loss is the shortfall's.

Every quantity here but the price ratios adds up over countries, so a
group's value is the sum of its members' (computed per country first, which
keeps a loss exponent above 1 per country).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # annotations only: the analysis of results must not load the engine
    from simulator.engine.records import CommodityRecords

__all__ = [
    "MARKET_METRICS",
    "calc_price_cost_usd",
    "calc_price_ratios",
    "calc_shortfall_loss_usd",
    "calc_welfare_loss_usd",
    "market_columns",
]

FloatArray = npt.NDArray[np.float64]

MARKET_METRICS: tuple[str, ...] = (
    "demand_forgone",
    "price_cost_usd",
    "peak_price_ratio",
    "mean_price_ratio",
)
"""Metric columns of the market (``economic_loss_usd`` is in the main list)."""


def calc_shortfall_loss_usd(
    demand: FloatArray, shortfall: FloatArray, value_usd_per_unit: float, exponent: float = 1.0
) -> float:
    """Output lost to physical shortfall, ``V sum_t d_t (s_t / d_t) ** k`` (USD).

    ``V`` is the value of the country's output at risk per unit short of its
    own consumption, ``k >= 1`` the loss exponent: ``k = 1`` gives ``V sum_t
    s_t``; with ``k > 1`` a shallow gap (absorbed by substitution and stock
    shuffling inside the economy) costs less per unit than a deep one.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = np.where(demand > 0, shortfall / demand, 0.0)
    return value_usd_per_unit * float((demand * depth**exponent).sum())


def calc_welfare_loss_usd(price: FloatArray, base_price: float, forgone: FloatArray) -> float:
    """Welfare lost on demand forgone, ``sum_t (p_t - p0)^+ f_t / 2`` (USD).

    A buyer who gives up a unit at price ``p_t`` valued it between ``p0`` and
    ``p_t``: on average (a straight demand curve between the two) half the
    price rise — the Harberger triangle, not the value of the output at risk.
    """
    premium = np.maximum(price - base_price, 0.0)
    return 0.5 * float(premium @ forgone)


def calc_price_cost_usd(price: FloatArray, base_price: float, bought: FloatArray) -> float:
    """Extra spending on what was bought, ``sum_t (p_t - p0) q_t`` (USD).

    A transfer from buyers to sellers, reported beside the economic loss and
    never added to it.
    """
    return float((price - base_price) @ bought)


def calc_price_ratios(price: FloatArray, base_price: float) -> tuple[float, float]:
    """``(max_t p_t / p0, mean_t p_t / p0)``; ``(1, 1)`` without days or a price."""
    if price.size == 0 or base_price <= 0:
        return 1.0, 1.0
    ratio = price / base_price
    return float(np.max(ratio)), float(np.mean(ratio))


def market_columns(
    rec: CommodityRecords, values_usd_per_unit: FloatArray, exponent: float
) -> dict[str, FloatArray]:
    """Per country of ``rec``: ``economic_loss_usd``, ``demand_forgone``, ``price_cost_usd``.

    The same formulas as the ``calc_*`` functions, for every country at once
    (``values_usd_per_unit`` holds each country's value at risk per unit).
    ``economic_loss_usd`` is the shortfall loss plus the welfare loss.
    """
    a = rec.arrays
    demand, shortfall, forgone = a["demand"], a["shortfall"], a["demand_forgone"]
    if exponent == 1.0:
        lost = shortfall.sum(axis=0)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            depth = np.where(demand > 0, shortfall / demand, 0.0)
        lost = (demand * depth**exponent).sum(axis=0)
    premium = rec.price - rec.base_price
    if "demand_forgone" in rec.unwritten:  # 0, and not read (see CommodityRecords.unwritten)
        welfare, forgone_total = np.zeros(demand.shape[1]), np.zeros(demand.shape[1])
    else:
        welfare = 0.5 * (np.maximum(premium, 0.0) @ forgone)
        forgone_total = forgone.sum(axis=0)
    # A price that never left its base puts no premium on what was bought (finite: not read).
    price_cost = premium @ rec.bought() if premium.any() else np.zeros(demand.shape[1])
    return {
        "economic_loss_usd": values_usd_per_unit * lost + welfare,
        "demand_forgone": forgone_total,
        "price_cost_usd": price_cost,
    }
