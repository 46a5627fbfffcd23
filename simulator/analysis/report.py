"""A self-contained HTML report of a results folder.

The page needs nothing but itself: CSS is inline, every figure is an inline
SVG (or a base64 PNG ``data:`` URI), there is no JavaScript, and a
Content-Security-Policy forbids loading anything else.  Every string that
comes from the user's files (names, descriptions, variant, country and
commodity names, the scenario YAML, notes) passes through :func:`html.escape`,
so an experiment named ``<script>alert(1)</script>`` reads as text.  The
figures carry no user text either: they are drawn with text as paths and
their SVG comments are removed.

Sections: the experiment, notes, the paired comparisons of every metric
(tables and interval plots), the probability of being best, time to survive
and to recover (event table and survival curves), the sweep and targets when
present, daily trajectories (fan charts and resilience triangles) and loss
distributions for the focus countries, and the resolved scenario.

:func:`write_report` writes the file atomically (a temporary file in the same
folder, then :func:`os.replace`).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import string
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from simulator.analysis import plots
from simulator.analysis.compare import (
    LOSS_METRICS,
    ComparisonReport,
    ResultsFolder,
    compare_results,
    open_results,
    shock_effective_day,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from simulator.analysis.sweep import Target, TargetResult

__all__ = ["build_report", "focus_countries", "format_value", "write_report"]

ImageFormat = Literal["svg", "png"]

_TEMPLATE = "templates/report.html"
"""The page around the sections, with its CSS (a :class:`string.Template`)."""


def _page() -> string.Template:
    text = resources.files("simulator.analysis").joinpath(_TEMPLATE).read_text(encoding="utf-8")
    return string.Template(text)


_METRIC_TITLES = {
    "shortfall": "Shortfall (units)",
    "fill_rate": "Fill rate",
    "peak_shortfall_rate": "Peak shortfall rate",
    "shortage_days": "Shortage days",
    "lost_days": "Lost days (days of demand)",
    "economic_loss_usd": "Economic loss (USD)",
    "min_coverage_days": "Minimum coverage (days)",
    "stockpile_cost_usd": "Stockpile carrying cost (USD)",
    "tts_days": "Time to survive (days)",
    "ttr_days": "Time to recover (days)",
}


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def format_value(value: Any) -> str:
    """A number for a table: ``—`` when missing, short and readable otherwise.

    ``|x| >= 10⁶`` → ``3.01M`` / ``1.2B`` (3 significant digits); whole numbers
    and ``|x| >= 10⁴`` → ``12,345``; ``|x| >= 100`` → ``123.4``; else 4
    significant digits.  Tables only: JSON keeps full precision.
    """
    if value is None or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not math.isfinite(value):
        return "—" if math.isnan(value) else str(value)
    if isinstance(value, int | float):
        for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
            if abs(value) >= scale:
                return f"{value / scale:.3g}{suffix}"
        if float(value).is_integer() or abs(value) >= 1e4:
            return f"{round(value):,}"
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.4g}"
    return str(value)


def _interval(low: Any, high: Any) -> str:
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)):
        return "—"
    return f"[{format_value(low)}, {format_value(high)}]"


def _share(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * float(value):.1f} %"


class _Cell:
    """A table cell: text (escaped on output), numeric alignment and a class."""

    def __init__(self, text: str, numeric: bool = False, css: str = "") -> None:
        self.text, self.numeric, self.css = text, numeric, css

    def render(self, tag: str = "td") -> str:
        classes = " ".join(c for c in ("num" if self.numeric else "", self.css) if c)
        attribute = f' class="{classes}"' if classes else ""
        return f"<{tag}{attribute}>{_e(self.text)}</{tag}>"


def _num(text: str, css: str = "") -> _Cell:
    return _Cell(text, numeric=True, css=css)


def _table(
    header: Sequence[str | _Cell], rows: Iterable[Sequence[str | _Cell]], caption: str = ""
) -> str:
    def cell(c: str | _Cell, tag: str) -> str:
        return c.render(tag) if isinstance(c, _Cell) else _Cell(c).render(tag)

    head = "".join(cell(c, "th") for c in header)
    body = "\n".join("<tr>" + "".join(cell(c, "td") for c in row) + "</tr>" for row in rows)
    top = f"<caption>{_e(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table>{top}<thead><tr>{head}</tr></thead>'
        f"<tbody>\n{body}\n</tbody></table></div>"
    )


_UNSAFE = re.compile(r"[^a-z0-9]+")


def _slug(text: str, limit: int = 60) -> str:
    """A file-name stem from a caption: lower-case letters, digits and hyphens."""
    return _UNSAFE.sub("-", text.lower()).strip("-")[:limit].rstrip("-") or "figure"


class _Figures:
    """Renders figures to inline SVG or PNG data URIs with unique id prefixes.

    With a ``directory``, each figure is also saved there as SVG and PNG,
    named ``NN-caption-slug``.
    """

    def __init__(self, image_format: ImageFormat, directory: Path | None = None) -> None:
        self.image_format = image_format
        self.directory = directory
        self.count = 0

    def embed(self, figure: Figure, caption: str, narrow: bool = False) -> str:
        self.count += 1
        if self.directory is not None:
            plots.save_figure(figure, self.directory / f"{self.count:02d}-{_slug(caption)}")
        css = "plot narrow" if narrow else "plot"
        label = _e(caption)
        if self.image_format == "png":
            inner = f'<img src="{plots.figure_png_data_uri(figure)}" alt="{label}">'
        else:
            inner = plots.figure_svg(figure, prefix=f"f{self.count}")
        figure.clear()
        return (
            f'<figure><div class="{css}" role="img" aria-label="{label}">{inner}</div>'
            f"<figcaption>{label}</figcaption></figure>"
        )

    def maybe(self, draw: Callable[[], Figure], caption: str, narrow: bool = False) -> str:
        """Embed ``draw()``, or nothing when there is no data for it."""
        try:
            figure = draw()
        except ValueError:
            return ""
        return self.embed(figure, caption, narrow)


def focus_countries(
    results: ResultsFolder, baseline: str | None = None, limit: int = 6
) -> list[str]:
    """Countries and coalitions the report plots when none are named.

    The scenario's coalitions present in the results and their members, in
    that order; without coalitions, the ``limit`` countries with the largest
    baseline mean ``lost_days``.
    """
    summary = results.summary
    present = list(pd.unique(summary["country"]))
    groups = [str(c) for c in pd.unique(summary.loc[summary["group"].astype(bool), "country"])]
    coalitions = results.scenario(baseline).get("coalitions") or {}
    focus: list[str] = []
    for group in groups:
        members = coalitions.get(group, []) if isinstance(coalitions, dict) else []
        focus += [group, *(str(m) for m in members if m in present)]
    focus = list(dict.fromkeys(focus))
    if focus:
        return focus[:limit]
    base = summary[summary["variant"] == (baseline or results.variants[0])]
    if "lost_days" in base.columns:
        ranked = (
            base.groupby("country", sort=False)["lost_days"]
            .mean()
            .sort_values(ascending=False, kind="stable")
        )
        return [str(c) for c in ranked.index[:limit]]
    return [str(c) for c in present[:limit]]


def _direction_class(row: dict[str, Any]) -> str:
    """``better``/``worse`` when the paired-t interval excludes zero."""
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return ""
    if row.get("direction") == "higher":
        return "better" if low > 0 else ("worse" if high < 0 else "")
    if row.get("direction") == "lower":
        return "better" if high < 0 else ("worse" if low > 0 else "")
    return ""


def _header(results: ResultsFolder, report: ComparisonReport) -> str:
    manifest = results.manifest
    # An experiment without a description of its own inherits its scenario's.
    description = str(
        manifest.get("description") or results.scenario(report.baseline).get("description") or ""
    )
    items: list[tuple[str, str]] = [
        ("Baseline", report.baseline),
        ("Variants", ", ".join(report.variants)),
        ("Replications", format_value(manifest.get("replications", "—"))),
        ("Root seed", str(manifest.get("seed", "—"))),
    ]
    if results.sweep_parameters:
        items.append(("Swept parameters", ", ".join(results.sweep_parameters)))
    uncertainties = manifest.get("uncertainties") or []
    if uncertainties:
        items.append(("Uncertainties", ", ".join(str(u) for u in uncertainties)))
    for keys, label in (
        (("start_time", "started"), "Started"),
        (("end_time", "finished"), "Finished"),
    ):
        value = next((manifest[k] for k in keys if manifest.get(k)), None)
        if value:
            items.append((label, str(value)))
    meta = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    text = " ".join(description.split())
    paragraph = f'<p class="description">{_e(text)}</p>' if text else ""
    return f'<header><h1>{_e(results.name)}</h1>{paragraph}<dl class="meta">{meta}</dl></header>'


_SECTION = re.compile(r'<h2 id="([a-z-]+)">([^<]+)</h2>')


def _contents(sections: Sequence[str]) -> str:
    """A table of contents of the sections' ``<h2>`` headings (already escaped)."""
    links = [
        f'<li><a href="#{anchor}">{title}</a></li>'
        for section in sections
        for anchor, title in _SECTION.findall(section)
    ]
    return f'<nav aria-label="Contents"><ul>{"".join(links)}</ul></nav>' if links else ""


def _notes(report: ComparisonReport, focus: Sequence[str]) -> str:
    notes = [
        f"Intervals at {100 * report.confidence:g} %: paired t on the replication-paired"
        " differences, and BCa bootstrap of their mean"
        f" ({report.n_resamples} resamples, seed {report.seed}).",
        f"Tables and figures show {', '.join(focus)}; use --country for others.",
        *report.notes,
    ]
    return '<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"


def _comparison_section(report: ComparisonReport, figures: _Figures) -> str:
    if report.comparisons.empty:
        return ""
    parts = ['<h2 id="comparisons">Paired comparisons against the baseline</h2>']
    adjusted = f"Bonferroni CI ({100 * report.adjusted_confidence:.4g} %)"
    for metric in report.metrics:
        rows = report.comparisons[report.comparisons["metric"] == metric]
        if rows.empty:
            continue
        loss = metric in LOSS_METRICS
        header: list[str | _Cell] = [
            "Country / group",
            "Commodity",
            "Variant",
            _num("n"),
            _num("Mean"),
            _num("Baseline mean"),
            _num("Δ mean"),
            _num("95 % CI (t)"),
            _num("95 % CI (BCa)"),
            _num(adjusted),
            _num("P(better)"),
        ]
        if loss:
            header += [_num("CVaR95 (baseline)")]
        body: list[list[str | _Cell]] = []
        for row in _rows(rows):
            cells: list[str | _Cell] = [
                row["country"],
                row["commodity"],
                row["variant"],
                _num(format_value(row["n"])),
                _num(format_value(row["mean"])),
                _num(format_value(row["baseline_mean"])),
                _num(format_value(row["mean_diff"]), _direction_class(row)),
                _num(_interval(row["ci_low"], row["ci_high"])),
                _num(_interval(row["ci_low_bootstrap"], row["ci_high_bootstrap"])),
                _num(_interval(row["adjusted_ci_low"], row["adjusted_ci_high"])),
                _num(_share(row["p_better"])),
            ]
            if loss:
                cvar_text = (
                    f"{format_value(row['cvar95'])} ({format_value(row['baseline_cvar95'])})"
                )
                cells.append(_num(cvar_text))
            body.append(cells)
        direction = str(rows["direction"].iloc[0])
        better = {"higher": "higher is better", "lower": "lower is better"}.get(
            direction, "policy activity: no better direction"
        )
        title = _METRIC_TITLES.get(metric, metric)
        parts.append(f"<h3>{_e(title)} <small>({_e(better)})</small></h3>")
        parts.append(_table(header, body))
        parts.append(
            figures.maybe(
                partial(plots.difference_bars, report.comparisons, metric, report.variants),
                f"{title}: mean paired difference against {report.baseline} with intervals",
                narrow=True,
            )
        )
    return "\n".join(parts)


def _statistics_section(report: ComparisonReport) -> str:
    """Each metric's distribution over replications, per variant (collapsed when comparing)."""
    if report.statistics.empty:
        return ""
    single = len(report.variants) < 2
    parts = [
        '<h2 id="statistics">Distribution over replications</h2>',
        "<p>Mean, median, 5th and 95th percentiles over replications, and for losses the"
        " CVaR95 (the mean of the worst 5 %).</p>",
    ]
    for metric in report.metrics:
        rows = report.statistics[report.statistics["metric"] == metric]
        if rows.empty:
            continue
        header: list[str | _Cell] = [
            "Country / group", "Commodity", "Variant", _num("n"), _num("Mean"), _num("Median"),
            _num("5 %"), _num("95 %"), _num("CVaR95"),
        ]  # fmt: skip
        body: list[list[str | _Cell]] = [
            [
                r["country"],
                r["commodity"],
                r["variant"],
                _num(format_value(r["n"])),
                _num(format_value(r["mean"])),
                _num(format_value(r["median"])),
                _num(format_value(r["p05"])),
                _num(format_value(r["p95"])),
                _num(format_value(r["cvar95"])),
            ]
            for r in _rows(rows)
        ]
        opened = " open" if single else ""
        title = _METRIC_TITLES.get(metric, metric)
        parts.append(
            f"<details{opened}><summary>{_e(title)}</summary>{_table(header, body)}</details>"
        )
    return "\n".join(parts)


def _p_best_section(report: ComparisonReport) -> str:
    if report.p_best.empty or len(report.variants) < 2:
        return ""
    wide = report.p_best.pivot_table(
        index=["metric", "country", "commodity"],
        columns="variant",
        values="p_best",
        sort=False,
    )
    names = [v for v in report.variants if v in wide.columns]
    header: list[str | _Cell] = [
        "Metric",
        "Country / group",
        "Commodity",
        *(_num(v) for v in names),
    ]
    body: list[list[str | _Cell]] = []
    for key, row in wide.iterrows():
        index: tuple[Any, ...] = key if isinstance(key, tuple) else (key,)
        metric, country, commodity = (str(k) for k in index)
        shares = {v: float(row[v]) for v in names}
        top = max(shares.values())
        # Highlight a variant only when it alone has the largest share.
        leaders = [v for v, p in shares.items() if p == top]
        best = leaders[0] if len(leaders) == 1 else None
        body.append(
            [
                metric,
                country,
                commodity,
                *(_num(_share(row[v]), "better" if v == best else "") for v in names),
            ]
        )
    return (
        '<h2 id="p-best">Probability of being best</h2>'
        "<p>Share of bootstrap resamples of the replications (the same resample for every"
        " variant) in which each variant has the best mean.</p>" + _table(header, body)
    )


def _events_section(
    report: ComparisonReport, results: ResultsFolder, focus: Sequence[str], figures: _Figures
) -> str:
    if report.events.empty:
        return ""
    header: list[str | _Cell] = [
        "Metric",
        "Country / group",
        "Commodity",
        "Variant",
        _num("n"),
        _num("With the event"),
        _num("Median (days)"),
        _num("P(better)"),
    ]
    body: list[list[str | _Cell]] = []
    for row in _rows(report.events):
        label = "shortfall" if row["metric"] == "tts_days" else "recovered"
        body.append(
            [
                _METRIC_TITLES.get(row["metric"], row["metric"]),
                row["country"],
                row["commodity"],
                row["variant"],
                _num(format_value(row["n"])),
                _num(f"{_share(row['share_with_event'])} {label}"),
                _num(format_value(row["median_days"])),
                _num(_share(row["p_better"])),
            ]
        )
    parts = [
        '<h2 id="events">Time to survive and time to recover</h2>',
        "<p>TTS is missing when a country has no shortfall within the horizon, TTR when it"
        " has not recovered by the horizon: these are right-censored times, so they are not"
        " averaged. The table gives the share of replications with the event, the"
        " Kaplan–Meier median when at least half have it, and the paired probability that the"
        " variant does better than the baseline (a missing time ranks after every day).</p>",
        _table(header, body),
    ]
    grid = []
    for country, commodity in _pairs(report.events, focus):
        censor = results.days_after_shock(report.baseline, commodity)
        grid.append(
            figures.maybe(
                partial(
                    plots.survival_plot,
                    report.survival,
                    country,
                    commodity,
                    "tts_days",
                    report.variants,
                    censor_day=censor,
                ),
                f"Share of replications without shortfall, {country} · {commodity}",
            )
        )
    parts.append('<div class="grid">' + "".join(grid) + "</div>")
    return "\n".join(parts)


def _pairs(frame: pd.DataFrame, focus: Sequence[str]) -> list[tuple[str, str]]:
    keys = frame[["country", "commodity"]].drop_duplicates()
    pairs = [(str(c), str(k)) for c, k in keys.itertuples(index=False) if c in focus]
    return sorted(pairs, key=lambda p: focus.index(p[0]))


def _sweep_section(report: ComparisonReport, figures: _Figures) -> str:
    sweep = report.sweep
    if sweep is None or sweep.empty:
        return ""
    parts = [
        '<h2 id="sweep">Sweep</h2>',
        "<p>Each metric at each swept value: mean over the replications at that value and"
        " its t interval (other swept parameters pooled).</p>",
    ]
    for parameter in report.sweep_parameters:
        for metric in report.metrics:
            rows = sweep[(sweep["parameter"] == parameter) & (sweep["metric"] == metric)]
            if rows.empty:
                continue
            title = _METRIC_TITLES.get(metric, metric)
            header: list[str | _Cell] = [
                "Country / group",
                "Commodity",
                _num(parameter),
                _num("n"),
                _num("Mean"),
                _num("95 % CI"),
            ]
            body: list[list[str | _Cell]] = [
                [
                    r["country"],
                    r["commodity"],
                    _num(format_value(r["value"])),
                    _num(format_value(r["n"])),
                    _num(format_value(r["mean"])),
                    _num(_interval(r["ci_low"], r["ci_high"])),
                ]
                for r in _rows(rows)
            ]
            parts.append(f"<h3>{_e(title)} against {_e(parameter)}</h3>")
            parts.append("<details><summary>Table</summary>" + _table(header, body) + "</details>")
            parts.append(
                figures.maybe(
                    partial(plots.sweep_response, sweep, parameter, metric),
                    f"{title} against {parameter}",
                    narrow=True,
                )
            )
    return "\n".join(parts)


def _targets_section(targets: Sequence[TargetResult]) -> str:
    if not targets:
        return ""
    parts = ['<h2 id="targets">Targets</h2>']
    for result in targets:
        target: Target = result.target
        header: list[str | _Cell] = [
            result.by,
            _num("n"),
            _num("Meeting"),
            _num("Share"),
            _num("Wilson 95 % CI"),
            "Meets target",
        ]
        body: list[list[str | _Cell]] = [
            [
                format_value(r["value"]),
                _num(format_value(r["n"])),
                _num(format_value(r["met"])),
                _num(_share(r["share"])),
                _num(f"[{_share(r['wilson_low'])}, {_share(r['wilson_high'])}]"),
                _Cell(
                    "yes" if r["meets_target"] else "no", css="better" if r["meets_target"] else ""
                ),
            ]
            for r in _rows(result.table)
        ]
        parts.append(f"<h3>{_e(target.text)} — {_e(result.commodity)}</h3>")
        if result.by != "variant":
            answer = (
                "none of the swept values"
                if result.smallest_value is None
                else f"{result.by} = {format_value(result.smallest_value)}"
            )
            sure = (
                "none"
                if result.smallest_value_confident is None
                else format_value(result.smallest_value_confident)
            )
            parts.append(
                f"<p>Smallest value meeting the target: <strong>{_e(answer)}"
                f"</strong> (by the Wilson lower bound: {_e(sure)}).</p>"
            )
        parts.append(_table(header, body))
    return "\n".join(parts)


def _trajectories_section(
    results: ResultsFolder, report: ComparisonReport, focus: Sequence[str], figures: _Figures
) -> str:
    parts = ['<h2 id="trajectories">Daily trajectories</h2>']
    if not results.has_daily:
        parts.append(
            "<p>This batch did not record daily series (run it with daily output"
            " to see fan charts and resilience triangles).</p>"
        )
        return "\n".join(parts)
    daily = results.read_daily(countries=list(focus))
    if daily.empty:
        return ""
    for country, commodity in _pairs(daily, focus):
        shock = shock_effective_day(results.scenario(report.baseline), commodity)
        parts.append(f"<h3>{_e(country)} · {_e(commodity)}</h3>")
        for column, what in (
            ("coverage_days", "Coverage in days of demand"),
            ("fill_rate", "Daily fill rate"),
        ):
            parts.append(
                figures.maybe(
                    partial(
                        plots.fan_chart,
                        daily,
                        column,
                        country,
                        commodity,
                        report.variants,
                        shock_day=shock,
                    ),
                    f"{what}, {country} · {commodity}: median, 25–75 % and 5–95 % of replications",
                )
            )
        parts.append(
            figures.maybe(
                partial(
                    plots.resilience_triangles,
                    daily,
                    report.variants,
                    country,
                    commodity,
                    shock_day=shock,
                ),
                f"Resilience triangles, {country} · {commodity}: mean daily fill rate, its"
                " 5–95 % band and the lost area (days of demand)",
            )
        )
    return "\n".join(parts)


def _losses_section(
    results: ResultsFolder, report: ComparisonReport, focus: Sequence[str], figures: _Figures
) -> str:
    metric = "economic_loss_usd" if "economic_loss_usd" in results.summary else "shortfall"
    grid = [
        figures.maybe(
            partial(plots.loss_ecdf, results.summary, country, commodity, metric, report.variants),
            f"Distribution of {metric.replace('_', ' ')} over replications,"
            f" {country} · {commodity}",
        )
        for country, commodity in _pairs(results.summary, focus)
    ]
    return '<h2 id="losses">Loss distributions</h2><div class="grid">' + "".join(grid) + "</div>"


def _yaml_text(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    stream = _StringSink()
    yaml.dump(json.loads(json.dumps(data, default=str)), stream)
    return stream.text


class _StringSink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, data: str | bytes) -> None:
        self.text += data.decode("utf-8") if isinstance(data, bytes) else data


def _scenario_section(results: ResultsFolder) -> str:
    files = results.scenario_yaml()
    parts = ['<h2 id="scenario">Resolved scenario</h2>']
    if files and len(set(files.values())) == 1:
        files = {"all variants": next(iter(files.values()))}
    if not files:
        files = {"scenario": _yaml_text(results.scenario())}
    for index, (variant, text) in enumerate(files.items()):
        opened = " open" if index == 0 and len(files) == 1 else ""
        parts.append(
            f"<details{opened}><summary>{_e(variant)}</summary><pre>{_e(text)}</pre></details>"
        )
    experiment = results.manifest.get("experiment")
    if isinstance(experiment, dict) and experiment:
        parts.append(
            "<details><summary>Experiment</summary>"
            f"<pre>{_e(_yaml_text(experiment))}</pre></details>"
        )
    return "\n".join(parts)


def _footer(results: ResultsFolder) -> str:
    versions = results.manifest.get("versions") or {}
    text = ", ".join(f"{k} {v}" for k, v in versions.items()) if isinstance(versions, dict) else ""
    return (
        f"<footer>Generated by supplyshock {_e(_version())} from results written with"
        f" {_e(text or 'unknown versions')}.</footer>"
    )


def _version() -> str:
    try:
        return metadata.version("supplyshock")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_report(
    results: str | Path | ResultsFolder,
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    *,
    targets: Sequence[str | Target] = (),
    image_format: ImageFormat = "svg",
    n_resamples: int = 2000,
    figures_dir: str | Path | None = None,
) -> str:
    """The HTML text of the report of a results folder.

    ``countries`` selects the countries and coalitions shown (default
    :func:`focus_countries`); ``image_format`` embeds figures as inline SVG or
    PNG data URIs; ``figures_dir``, when given, also receives every figure as
    SVG and PNG files.  The other arguments are those of
    :func:`~simulator.analysis.compare.compare_results`.
    """
    folder = results if isinstance(results, ResultsFolder) else open_results(results)
    focus = list(countries) if countries else focus_countries(folder, baseline)
    report = compare_results(
        folder, baseline, metrics, focus, targets=targets, n_resamples=n_resamples
    )
    figures = _Figures(image_format, None if figures_dir is None else Path(figures_dir))
    header = [_header(folder, report), _notes(report, focus)]
    sections = [
        _comparison_section(report, figures),
        _p_best_section(report),
        _statistics_section(report),
        _events_section(report, folder, focus, figures),
        _sweep_section(report, figures),
        _targets_section(report.targets),
        _trajectories_section(folder, report, focus, figures),
        _losses_section(folder, report, focus, figures),
        _scenario_section(folder),
        _footer(folder),
    ]
    return _page().substitute(
        title=_e(f"{folder.name} — supplyshock report"),
        version=_e(_version()),
        body="\n".join(s for s in [*header, _contents(sections), *sections] if s),
    )


def write_report(
    results: str | Path | ResultsFolder,
    output: str | Path,
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    *,
    targets: Sequence[str | Target] = (),
    image_format: ImageFormat = "svg",
    n_resamples: int = 2000,
    figures_dir: str | Path | None = None,
) -> Path:
    """Write :func:`build_report` to ``output`` atomically; returns the path written."""
    text = build_report(
        results,
        baseline,
        metrics,
        countries,
        targets=targets,
        image_format=image_format,
        n_resamples=n_resamples,
        figures_dir=figures_dir,
    )
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
