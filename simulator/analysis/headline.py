"""The headline of a comparison: the answer first, in plain sentences.

A comparison holds hundreds of numbers; a reader wants a few: for each
*focus* country (the coalitions' members and the control's named targets, never
the exporter unless asked) and commodity, one sentence per variant saying how
it changes the headline metric against the baseline, with the interval of the
mean paired difference and the shares of replications on which it does better,
the same and worse.  When targets were given, their answers come first.

:func:`headline` returns structured :class:`HeadlineRow` s; the command line,
the report and the notebooks print their ``text``.  Other analyses (e.g. a
verdict on the futures where a policy loses) add rows of their own ``kind``.

Examples
--------
A row reads like::

    pooled: shortfall 0 t against 0.472 t under national, −0.472 t
    (95% CI −0.58 to −0.37 t); better in 65%, equal in 35%, worse in 0% of 100
    replications
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.analysis.quantities import (
    format_difference,
    format_interval,
    format_metric,
    format_share,
    metric_label,
)

if TYPE_CHECKING:
    from simulator.analysis.compare import ComparisonReport
    from simulator.analysis.sweep import TargetResult

__all__ = ["HEADLINE_METRIC", "Headline", "HeadlineRow", "default_focus", "headline"]

HEADLINE_METRIC = "shortfall"
"""The metric of the headline unless one is chosen: total unmet demand."""


@dataclass(frozen=True)
class HeadlineRow:
    """One sentence of the headline, with the numbers it says.

    ``kind`` is ``"target"`` (a target's answer), ``"effect"`` (a variant
    against its baseline) or ``"same"`` (every variant equals the baseline on
    every replication, said once for the country).  Numbers are ``None`` where
    they do not apply.
    """

    kind: str
    country: str
    commodity: str
    metric: str
    text: str
    variant: str | None = None
    baseline: str | None = None
    n: int = 0
    mean: float | None = None
    baseline_mean: float | None = None
    mean_diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    share_better: float | None = None
    share_equal: float | None = None
    share_worse: float | None = None


@dataclass(frozen=True)
class Headline:
    """The headline: its metric, the focus countries and the rows in reading order."""

    metric: str
    confidence: float
    focus: tuple[str, ...]
    rows: tuple[HeadlineRow, ...]

    def groups(self) -> list[tuple[str, list[HeadlineRow]]]:
        """Rows under their headings: targets, then ``COUNTRY · commodity``."""
        out: dict[str, list[HeadlineRow]] = {}
        for row in self.rows:
            title = "targets" if row.kind == "target" else f"{row.country} · {row.commodity}"
            out.setdefault(title, []).append(row)
        return list(out.items())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (NaN as ``None``)."""
        return {
            "metric": self.metric,
            "confidence": self.confidence,
            "focus": list(self.focus),
            "rows": [{k: _plain(v) for k, v in row.__dict__.items()} for row in self.rows],
        }


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def default_focus(scenario: Mapping[str, Any], present: Sequence[str]) -> list[str]:
    """The countries and coalitions a reader looks at first, in reading order.

    Each coalition's members then the coalition itself, then the countries a
    shock names as targets; the exporters are left out.  Without coalitions or
    named targets (``targets: all``), every country present but the exporters.

    >>> scenario = {"coalitions": {"KJ": ["KOR", "JPN"]},
    ...             "shocks": [{"exporter": "CHN", "targets": "all"}]}
    >>> default_focus(scenario, ["CHN", "JPN", "KOR", "USA", "KJ"])
    ['KOR', 'JPN', 'KJ']
    """
    shocks = [s for s in scenario.get("shocks") or [] if isinstance(s, Mapping)]
    exporters = {str(s.get("exporter")) for s in shocks}
    focus: list[str] = []
    coalitions = scenario.get("coalitions") or {}
    if isinstance(coalitions, Mapping):
        for name, members in coalitions.items():
            focus += [str(m) for m in members or []]
            focus.append(str(name))
    for shock in shocks:
        targets = shock.get("targets")
        if isinstance(targets, list):
            focus += [str(t) for t in targets]
    chosen = [c for c in dict.fromkeys(focus) if c in present and c not in exporters]
    return chosen or [str(c) for c in present if str(c) not in exporters]


def headline(
    report: ComparisonReport,
    metric: str | None = None,
    countries: Sequence[str] | None = None,
) -> Headline:
    """The headline of ``report``: target answers, then one sentence per variant.

    Parameters
    ----------
    report : ComparisonReport
        From :func:`~simulator.analysis.compare.compare_results`.
    metric : str, optional
        The metric the sentences are about (default :data:`HEADLINE_METRIC`
        when compared, else the report's first metric with a direction).
    countries : sequence of str, optional
        Countries or coalitions, in order (default ``report.focus``).

    Returns
    -------
    Headline
    """
    chosen = metric or _default_metric(report)
    focus = tuple(countries) if countries else report.focus
    rows: list[HeadlineRow] = [_target_row(t) for t in report.targets]
    table = report.comparisons
    table = table[table["metric"] == chosen]
    for country in focus:
        part = table[table["country"] == country]
        for commodity in dict.fromkeys(part["commodity"]):
            entries = _records(part[part["commodity"] == commodity])
            rows += _country_rows(report, chosen, str(country), str(commodity), entries)
    return Headline(chosen, report.confidence, focus, tuple(rows))


def _default_metric(report: ComparisonReport) -> str:
    if HEADLINE_METRIC in report.metrics:
        return HEADLINE_METRIC
    directed = set(report.comparisons["metric"])
    return next((m for m in report.metrics if m in directed), report.metrics[0])


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _country_rows(
    report: ComparisonReport,
    metric: str,
    country: str,
    commodity: str,
    entries: list[dict[str, Any]],
) -> list[HeadlineRow]:
    unit = report.unit(commodity)
    if entries and all(e["share_equal"] == 1 for e in entries):
        value = format_metric(entries[0]["baseline_mean"], metric, unit)
        text = (
            f"no {metric_label(metric)} under any variant"
            if entries[0]["baseline_mean"] == 0
            else f"{metric_label(metric)} the same under every variant on every replication"
            f" (mean {value})"
        )
        return [HeadlineRow("same", country, commodity, metric, text, n=int(entries[0]["n"]))]
    return [_effect_row(report, metric, country, commodity, e) for e in entries]


def _effect_row(
    report: ComparisonReport, metric: str, country: str, commodity: str, e: dict[str, Any]
) -> HeadlineRow:
    unit = report.unit(commodity)
    level = f"{100 * report.confidence:g}%"
    text = (
        f"{e['variant']}: {metric_label(metric)} {format_metric(e['mean'], metric, unit)}"
        f" against {format_metric(e['baseline_mean'], metric, unit)} under {e['baseline']},"
        f" {format_difference(e['mean_diff'], metric, unit)}"
        f" ({level} CI {format_interval(e['ci_low'], e['ci_high'], metric, unit)})"
    )
    if e["share_better"] is not None:
        text += (
            f"; better in {format_share(e['share_better'])},"
            f" equal in {format_share(e['share_equal'])},"
            f" worse in {format_share(e['share_worse'])} of {e['n']} replications"
        )
    return HeadlineRow(
        "effect",
        country,
        commodity,
        metric,
        text,
        variant=str(e["variant"]),
        baseline=str(e["baseline"]),
        n=int(e["n"]),
        mean=e["mean"],
        baseline_mean=e["baseline_mean"],
        mean_diff=e["mean_diff"],
        ci_low=e["ci_low"],
        ci_high=e["ci_high"],
        share_better=e["share_better"],
        share_equal=e["share_equal"],
        share_worse=e["share_worse"],
    )


def _target_row(result: TargetResult) -> HeadlineRow:
    target = result.target
    need = (
        f"{target.country} {metric_label(target.metric)} {target.op} {target.threshold:g}"
        f" in at least {format_share(target.share)} of replications ({result.commodity})"
    )
    if result.by == "variant":
        meeting = [str(r["value"]) for r in _records(result.table) if r["meets_target"]]
        answer = f"met by {', '.join(meeting)}" if meeting else "met by no variant"
    else:
        name = result.by.rsplit(".", 1)[-1]
        if result.smallest_value is None:
            answer = f"met at no value of {name} tried"
        else:
            answer = f"met from {name} = {_show(result.smallest_value)}"
            sure = result.smallest_value_confident
            answer += (
                f" (by the Wilson lower bound: from {_show(sure)})"
                if sure is not None
                else " (not by the Wilson lower bound at any value tried)"
            )
    return HeadlineRow(
        "target", target.country, result.commodity, target.metric, f"{need}: {answer}"
    )
