"""One way to write a metric's value, with its unit, everywhere a person reads it.

The command line, the headline and the report show numbers through these
functions, so ``0.47 t``, ``95.4%``, ``$18.1M`` and ``45 days`` look the same
in every command.  JSON and Parquet keep full precision; this is for reading.

Rules: three significant digits (whole numbers from 1,000 up, with thousands
separators), never an exponent for ordinary magnitudes; money as ``$``
with ``k``/``M``/``B``; shares as percentages, differences of shares in
percentage points (``pp``); a missing value as ``—``.
"""

from __future__ import annotations

import enum
import math
from typing import Any

__all__ = [
    "METRIC_KINDS",
    "MISSING",
    "Kind",
    "format_cell",
    "format_difference",
    "format_interval",
    "format_mean_interval",
    "format_metric",
    "format_number",
    "format_share",
    "metric_label",
    "unit_of",
]

MISSING = "—"
"""How a missing value is shown."""

_MINUS = "−"  # U+2212: a minus sign as wide as the plus sign


class Kind(enum.Enum):
    """What a metric's number measures, which decides its unit."""

    QUANTITY = "quantity"  # in the commodity's unit (t, kt, …)
    SHARE = "share"  # a fraction in [0, 1], shown as a percentage
    DAYS = "days"
    USD = "usd"
    RATIO = "ratio"  # times a baseline, shown as ×1.52


METRIC_KINDS: dict[str, Kind] = {
    "shortfall": Kind.QUANTITY,
    "fill_rate": Kind.SHARE,
    "tts_days": Kind.DAYS,
    "ttr_days": Kind.DAYS,
    "peak_shortfall_rate": Kind.SHARE,
    "shortage_days": Kind.DAYS,
    "lost_days": Kind.DAYS,
    "economic_loss_usd": Kind.USD,
    "min_coverage_days": Kind.DAYS,
    "stockpile_cost_usd": Kind.USD,
    "released": Kind.QUANTITY,
    "transfers_in": Kind.QUANTITY,
    "transfers_out": Kind.QUANTITY,
    "loans_outstanding": Kind.QUANTITY,
    "pool_level": Kind.QUANTITY,
    "pool_drawn": Kind.QUANTITY,
    "pool_paid": Kind.USD,
    "demand_forgone": Kind.QUANTITY,
    "price_cost_usd": Kind.USD,
    "peak_price_ratio": Kind.RATIO,
    "mean_price_ratio": Kind.RATIO,
}
"""The kind of every metric of :data:`~simulator.analysis.metrics.METRICS`."""

_LABELS: dict[str, str] = {
    "shortfall": "shortfall",
    "fill_rate": "fill rate",
    "tts_days": "time to survive (TTS)",
    "ttr_days": "time to recover (TTR)",
    "peak_shortfall_rate": "peak daily shortfall",
    "shortage_days": "days short",
    "lost_days": "days of demand lost",
    "economic_loss_usd": "economic loss",
    "min_coverage_days": "lowest coverage",
    "stockpile_cost_usd": "stockpile committed cost",
    "released": "released from stockpiles",
    "transfers_in": "transfers received",
    "transfers_out": "transfers given",
    "loans_outstanding": "loans outstanding",
    "pool_level": "joint pool level",
    "pool_drawn": "drawn from joint pools",
    "pool_paid": "paid for joint pools",
    "demand_forgone": "demand forgone at the price",
    "price_cost_usd": "extra spending at higher prices",
    "peak_price_ratio": "peak price (× baseline)",
    "mean_price_ratio": "mean price (× baseline)",
}


def metric_label(metric: str) -> str:
    """A metric's name in words (``economic_loss_usd`` → ``economic loss``)."""
    return _LABELS.get(metric, metric.replace("_", " "))


def unit_of(metric: str, commodity_unit: str = "units") -> str:
    """The unit a metric is shown in: the commodity's, ``%``, ``days`` or ``USD``."""
    kind = METRIC_KINDS.get(metric, Kind.QUANTITY)
    return {
        Kind.QUANTITY: commodity_unit,
        Kind.SHARE: "%",
        Kind.DAYS: "days",
        Kind.USD: "USD",
        Kind.RATIO: "× baseline",
    }[kind]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float) -> str:
    """Three significant digits, whole from 1,000 up: ``0.472``, ``12.3``, ``18,100``.

    >>> [format_number(x) for x in (0.0, 0.4721, 12.34, 999.6, 18123.4, -2.5e-7)]
    ['0', '0.472', '12.3', '1,000', '18,123', '-2.5e-07']
    """
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 999.5:
        return f"{value:,.0f}"
    if size < 1e-4:
        return f"{value:.2g}"
    text = f"{value:.3g}"
    return text if "e" not in text else f"{value:,.0f}"


def _money(value: float) -> str:
    size = abs(value)
    sign = _MINUS if value < 0 else ""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= scale * 0.9995:
            return f"{sign}${size / scale:.3g}{suffix}"
    return f"{sign}${size:.3g}" if size >= 1 or size == 0 else f"{sign}${size:.2g}"


def format_share(value: Any) -> str:
    """A fraction as a percentage: ``0.954`` → ``95.4%``, ``1`` → ``100%``."""
    if _missing(value):
        return MISSING
    percent = 100 * float(value)
    if percent in (0, 100) or (abs(percent) >= 99.95 and percent != round(percent)):
        return f"{percent:.0f}%" if percent in (0, 100) else f"{percent:.1f}%"
    return f"{percent:.3g}%" if abs(percent) >= 1 else f"{percent:.2g}%"


def format_metric(value: Any, metric: str, commodity_unit: str = "units") -> str:
    """``value`` of ``metric`` with its unit: ``0.472 t``, ``95.4%``, ``45 days``, ``$18.1M``.

    >>> format_metric(18_123_456.0, "economic_loss_usd"), format_metric(0.9541, "fill_rate")
    ('$18.1M', '95.4%')
    >>> format_metric(0.4721, "shortfall", "t"), format_metric(45.0, "ttr_days")
    ('0.472 t', '45 days')
    """
    if _missing(value):
        return MISSING
    x = float(value)
    kind = METRIC_KINDS.get(metric, Kind.QUANTITY)
    if kind is Kind.USD:
        return _money(x)
    if kind is Kind.SHARE:
        return format_share(x)
    text = format_number(x).replace("-", _MINUS)
    if kind is Kind.RATIO:
        return f"×{text}"
    if kind is Kind.DAYS:
        return f"{text} day" if x == 1 else f"{text} days"
    return f"{text} {commodity_unit}"


def format_cell(value: Any, metric: str, difference: bool = False) -> str:
    """A table cell: :func:`format_metric` (or the difference) without a trailing unit word.

    Tables name the unit once, in the title (:func:`unit_of`); money keeps its
    ``$`` and shares their ``%`` or ``pp``.
    """
    text = format_difference(value, metric) if difference else format_metric(value, metric)
    kind = METRIC_KINDS.get(metric, Kind.QUANTITY)
    if kind in (Kind.QUANTITY, Kind.DAYS) and text != MISSING:
        return text.rsplit(" ", 1)[0]
    return text


def format_difference(value: Any, metric: str, commodity_unit: str = "units") -> str:
    """A signed difference with its unit: ``+0.472 t``, ``−$3.2M``, ``+4.1 pp`` (shares).

    >>> format_difference(-0.041, "fill_rate"), format_difference(-3.2e6, "economic_loss_usd")
    ('−4.1 pp', '−$3.2M')
    """
    if _missing(value):
        return MISSING
    x = float(value)
    sign = "+" if x > 0 else (_MINUS if x < 0 else "")
    if METRIC_KINDS.get(metric, Kind.QUANTITY) is Kind.RATIO:
        return f"{sign}{format_number(abs(x))}×" if x else "0×"
    if METRIC_KINDS.get(metric, Kind.QUANTITY) is Kind.SHARE:
        points = abs(100 * x)
        text = f"{points:.3g}" if points >= 1 else f"{points:.2g}"
        return f"{sign}{text} pp" if points else "0 pp"
    return sign + format_metric(abs(x), metric, commodity_unit)


def format_mean_interval(
    mean: Any, low: Any, high: Any, metric: str, commodity_unit: str = "units", unit: bool = True
) -> str:
    """``0.55 ± 0.13 t``: a mean and the half-width of its (symmetric) interval.

    ``unit=False`` leaves the trailing unit word out (for a table that names it).
    """
    show = format_metric if unit else (lambda v, m, _u: format_cell(v, m))
    text = show(mean, metric, commodity_unit)
    if text == MISSING or _missing(low) or _missing(high):
        return text
    width = (float(high) - float(low)) / 2
    if abs(width) <= 1e-12 * max(abs(float(low)), abs(float(high))):
        width = 0.0  # rounding noise of identical values, not an interval: "± 0", not "± 2.8e-15%"
    half = show(width, metric, commodity_unit)
    if unit and " " in text and text.rsplit(" ", 1)[1] == half.rsplit(" ", 1)[-1]:
        return f"{text.rsplit(' ', 1)[0]} ± {half}"
    return f"{text} ± {half}"


def format_interval(low: Any, high: Any, metric: str, commodity_unit: str = "units") -> str:
    """``−0.58 to −0.37 t``: an interval of a difference, the unit once."""
    if _missing(low) or _missing(high):
        return MISSING
    lo = format_difference(low, metric, commodity_unit)
    hi = format_difference(high, metric, commodity_unit)
    unit = _common_unit(lo, hi)
    if unit:
        lo, hi = lo[: -len(unit)].rstrip(), hi[: -len(unit)].rstrip()
        return f"{lo} to {hi} {unit}"
    return f"{lo} to {hi}"


def _common_unit(a: str, b: str) -> str:
    """The trailing unit word shared by two formatted values (``t``, ``days``, ``pp``)."""
    tail_a, tail_b = a.rsplit(" ", 1), b.rsplit(" ", 1)
    if len(tail_a) == 2 and len(tail_b) == 2 and tail_a[1] == tail_b[1]:
        return tail_a[1]
    return ""
