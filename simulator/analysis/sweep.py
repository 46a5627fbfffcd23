"""Sweeps and targets: a metric against a swept parameter; the smallest value that works.

An experiment with a ``sweep`` writes each swept parameter's value per row as
a ``param.<dotted.path>`` column.  :func:`sweep_table` tabulates each metric
against each swept value (other swept parameters pooled), with the t interval
``x̄ ± t_{n-1,(1+c)/2} · s / √n`` over the replications at that value.

A target ``COUNTRY[.COMMODITY].METRIC OP VALUE[@SHARE]`` (e.g.
``KOR.fill_rate>=0.99@0.95``) asks for the smallest swept value whose share of
replications meeting ``METRIC OP VALUE`` is at least ``SHARE`` (0.95 when
omitted).  :func:`evaluate_target` gives, per value, ``k`` replications
meeting the condition out of ``n``, the share ``k/n`` with its Wilson interval,
and the smallest value that meets the target — by its share, and,
conservatively, by the Wilson lower bound.  A null ``tts_days`` (no shortfall
within the horizon) or ``ttr_days`` (no recovery) counts as +∞ there, so
``tts_days>=180`` is met by a replication without shortfall and
``ttr_days<=90`` is not met by one that never recovers.

Without a sweep the same target is evaluated per variant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from simulator.analysis.metrics import METRICS
from simulator.analysis.survival import EVENT_METRICS

__all__ = [
    "SelectionError",
    "Target",
    "TargetResult",
    "TargetSyntaxError",
    "choices_text",
    "evaluate_target",
    "json_records",
    "json_value",
    "mean_interval",
    "parse_target",
    "sweep_table",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]


class TargetSyntaxError(ValueError):
    """A ``--target`` expression that does not parse."""


class SelectionError(ValueError):
    """A baseline, metric, country or commodity asked for that the results do not have."""


def mean_interval(x: npt.ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """t interval of a mean: ``x̄ ± t_{n-1, (1+c)/2} · s / √n`` (``(nan, nan)`` for ``n < 2``).

    Applied to paired differences ``D_r`` this is the paired-t interval.
    """
    d = np.asarray(x, dtype=np.float64)
    if d.size < 2:
        return (math.nan, math.nan)
    mean = float(d.mean())
    # stdtrit is the quantile of Student's t (``scipy.stats.t.ppf``) without scipy.stats'
    # import time.
    half = float(special.stdtrit(d.size - 1, 0.5 + confidence / 2)) * float(d.std(ddof=1))
    half /= math.sqrt(d.size)
    return (mean - half, mean + half)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share ``p = k/n``.

    ``(p + z²/2n ± z·√(p(1-p)/n + z²/4n²)) / (1 + z²/n)``, ``z = Φ⁻¹((1+c)/2)``.
    """
    if n <= 0:
        return (math.nan, math.nan)
    z = float(special.ndtri(0.5 + confidence / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At k = 0 and k = n the bounds are exactly 0 and 1; rounding would leave ~1e-17.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return (low, high)


def json_value(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped; NaN, ±inf and NA as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of :func:`json_value`."""
    return [
        {str(k): json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]


def choices_text(values: Iterable[Any], limit: int = 20) -> str:
    """Distinct ``values`` as ``a, b, c`` (at most ``limit``, then how many more)."""
    names = [str(v) for v in dict.fromkeys(values)]
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


# --- targets ---------------------------------------------------------------------------------

_TARGET = re.compile(
    r"^\s*(?P<country>[^.\s<>=@]+)(?:\.(?P<commodity>[^.\s<>=@]+))?\.(?P<metric>[A-Za-z_]\w*)"
    r"\s*(?P<op>>=|<=|>|<)\s*(?P<value>[^@\s]+)\s*(?:@\s*(?P<share>\S+))?\s*$"
)
_TARGET_FORM = (
    "expected COUNTRY[.COMMODITY].METRIC OP VALUE[@SHARE] with OP one of >=, <=, >, <,"
    " e.g. 'KOR.fill_rate>=0.99@0.95'"
)


@dataclass(frozen=True)
class Target:
    """A requirement on one metric of one country, met by a share of replications.

    ``KOR.fill_rate>=0.99@0.95``: Korea's fill rate is at least 0.99 in at least
    95 % of replications.  A null TTS or TTR counts as +∞ (no shortfall / no
    recovery within the horizon).
    """

    country: str
    metric: str
    op: str
    threshold: float
    share: float = 0.95
    commodity: str | None = None

    @property
    def text(self) -> str:
        """The target written back in its command-line form."""
        where = self.country if self.commodity is None else f"{self.country}.{self.commodity}"
        return f"{where}.{self.metric}{self.op}{self.threshold:g}@{self.share:g}"

    def met(self, values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Whether each replication's value meets the condition (NaN: not met, or +∞)."""
        x = np.asarray(values, dtype=np.float64)
        if self.metric in EVENT_METRICS:
            x = np.where(np.isnan(x), np.inf, x)
        with np.errstate(invalid="ignore"):
            if self.op == ">=":
                return np.asarray(x >= self.threshold)
            if self.op == "<=":
                return np.asarray(x <= self.threshold)
            if self.op == ">":
                return np.asarray(x > self.threshold)
            return np.asarray(x < self.threshold)


def parse_target(text: str) -> Target:
    """Parse ``COUNTRY[.COMMODITY].METRIC OP VALUE[@SHARE]`` (``SHARE`` defaults to 0.95).

    Raises :class:`TargetSyntaxError` naming what was expected and what was found.

    >>> parse_target("KOR.fill_rate>=0.99@0.95")
    Target(country='KOR', metric='fill_rate', op='>=', threshold=0.99, share=0.95, commodity=None)
    """
    match = _TARGET.match(text)
    if match is None:
        raise TargetSyntaxError(f"invalid target {text!r}: {_TARGET_FORM}")
    metric = match["metric"]
    if metric not in METRICS:
        raise TargetSyntaxError(
            f"invalid target {text!r}: unknown metric {metric!r};"
            f" expected one of {', '.join(METRICS)}"
        )
    try:
        threshold = float(match["value"])
    except ValueError:
        raise TargetSyntaxError(
            f"invalid target {text!r}: threshold {match['value']!r} is not a number"
        ) from None
    share = 0.95
    if match["share"] is not None:
        try:
            share = float(match["share"])
        except ValueError:
            share = math.nan
        if not 0 < share <= 1:
            raise TargetSyntaxError(
                f"invalid target {text!r}: share {match['share']!r} must be a number in (0, 1]"
            )
    if not math.isfinite(threshold):
        raise TargetSyntaxError(f"invalid target {text!r}: threshold must be finite")
    return Target(match["country"], metric, match["op"], threshold, share, match["commodity"])


@dataclass(frozen=True)
class TargetResult:
    """A target evaluated per variant, or per value of one swept parameter.

    ``table`` has one row per ``value`` (variant name or swept value): ``n``,
    ``met`` (replications meeting the condition), ``share = met / n``, its
    Wilson interval ``wilson_low``/``wilson_high`` and ``meets_target``
    (``share >= target.share``).  ``smallest_value`` is the smallest swept value
    that meets the target, ``smallest_value_confident`` the smallest whose
    Wilson lower bound does (``None`` when none does or not a sweep).
    """

    target: Target
    by: str
    commodity: str
    table: pd.DataFrame
    smallest_value: Any = None
    smallest_value_confident: Any = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "target": self.target.text,
            "country": self.target.country,
            "commodity": self.commodity,
            "metric": self.target.metric,
            "condition": f"{self.target.op}{self.target.threshold:g}",
            "share_required": self.target.share,
            "by": self.by,
            "smallest_value": json_value(self.smallest_value),
            "smallest_value_confident": json_value(self.smallest_value_confident),
            "rows": json_records(self.table),
        }


def _ordered_values(values: Iterable[Any]) -> list[Any]:
    """Distinct values, ascending when all are numbers, else in order of appearance."""
    distinct = list(dict.fromkeys(values))
    if all(isinstance(v, int | float | np.integer | np.floating) for v in distinct):
        return sorted(distinct, key=float)
    return distinct


def evaluate_target(
    summary: pd.DataFrame,
    target: Target,
    sweep_parameters: Sequence[str] = (),
    confidence: float = 0.95,
) -> list[TargetResult]:
    """Share of replications meeting ``target`` per variant, or per swept value in a sweep.

    For a sweep, one result per swept parameter and commodity, grouped by the
    parameter's value (other swept parameters pooled); otherwise one result
    per commodity, grouped by variant.
    """
    rows = summary[summary["country"] == target.country]
    if rows.empty:
        raise SelectionError(
            f"target {target.text!r}: unknown country or group {target.country!r};"
            f" expected one of {choices_text(summary['country'])}"
        )
    if target.commodity is not None:
        rows = rows[rows["commodity"] == target.commodity]
        if rows.empty:
            raise SelectionError(
                f"target {target.text!r}: unknown commodity {target.commodity!r};"
                f" expected one of {choices_text(summary['commodity'])}"
            )
    if target.metric not in rows.columns:
        raise SelectionError(f"target {target.text!r}: the results have no {target.metric} column")
    groupings = [f"param.{p}" for p in sweep_parameters if f"param.{p}" in rows.columns]
    out: list[TargetResult] = []
    for commodity in pd.unique(rows["commodity"]):
        part = rows[rows["commodity"] == commodity]
        for column in groupings or ["variant"]:
            out.append(_target_by(part, target, str(commodity), column, confidence))
    return out


def _target_by(
    part: pd.DataFrame, target: Target, commodity: str, column: str, confidence: float
) -> TargetResult:
    met = target.met(part[target.metric].to_numpy(dtype=np.float64, na_value=np.nan))
    order = _ordered_values(part[column]) if column != "variant" else list(pd.unique(part[column]))
    table_rows: list[dict[str, Any]] = []
    for value in order:
        mask = (part[column] == value).to_numpy()
        n, k = int(mask.sum()), int(met[mask].sum())
        low, high = wilson_interval(k, n, confidence)
        table_rows.append(
            {
                "value": value,
                "n": n,
                "met": k,
                "share": k / n if n else math.nan,
                "wilson_low": low,
                "wilson_high": high,
                "meets_target": bool(n and k / n >= target.share),
                "meets_target_confident": bool(n and low >= target.share),
            }
        )
    table = pd.DataFrame(table_rows)
    if column == "variant":
        return TargetResult(target, "variant", commodity, table)
    meets = [r["value"] for r in table_rows if r["meets_target"]]
    sure = [r["value"] for r in table_rows if r["meets_target_confident"]]
    return TargetResult(
        target,
        column.removeprefix("param."),
        commodity,
        table,
        meets[0] if meets else None,
        sure[0] if sure else None,
    )


def sweep_table(
    summary: pd.DataFrame,
    sweep_parameters: Sequence[str],
    metrics: Sequence[str],
    countries: Sequence[str] | None = None,
    commodities: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each metric as a function of each swept parameter, with t intervals.

    One row per parameter × value × metric × country × commodity: ``n``
    replications at that value (other swept parameters pooled), ``mean`` and
    the interval ``mean ± t_{n-1,(1+c)/2} · s / √n``.  TTS and TTR are left out
    (never averaged); use a target on them instead.
    """
    frame = summary
    if countries:
        frame = frame[frame["country"].isin(list(countries))]
    if commodities:
        frame = frame[frame["commodity"].isin(list(commodities))]
    rows: list[dict[str, Any]] = []
    for parameter in sweep_parameters:
        column = f"param.{parameter}"
        if column not in frame.columns:
            continue
        values = _ordered_values(frame[column].dropna())
        groups = frame.groupby(["country", "commodity", "group", column], sort=False)
        for metric in metrics:
            if metric in EVENT_METRICS:
                continue
            for (country, commodity, is_group), _ in frame.groupby(
                ["country", "commodity", "group"], sort=False
            ):
                for value in values:
                    try:
                        cell = groups.get_group((country, commodity, is_group, value))
                    except KeyError:
                        continue
                    x = cell[metric].to_numpy(dtype=np.float64, na_value=np.nan)
                    x = x[~np.isnan(x)]
                    low, high = mean_interval(x, confidence)
                    rows.append(
                        {
                            "parameter": parameter,
                            "value": json_value(value),
                            "metric": metric,
                            "country": country,
                            "commodity": commodity,
                            "group": bool(is_group),
                            "n": int(x.size),
                            "mean": float(x.mean()) if x.size else None,
                            "ci_low": low,
                            "ci_high": high,
                        }
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "value",
            "metric",
            "country",
            "commodity",
            "group",
            "n",
            "mean",
            "ci_low",
            "ci_high",
        ],
    )
