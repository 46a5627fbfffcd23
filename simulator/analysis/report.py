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
(tables, and interval plots for shortfall and economic loss), the probability
of being best, time to survive and to recover (event table, and the survival
curves of the focus countries as one figure of small multiples), the sweep and
targets when present (a sweep that is zero everywhere is left out, with a note
saying so), daily trajectories (fan charts and resilience triangles) and loss
distributions for the focus countries (one figure of small multiples), the
comparison with history when the scenario is a historical replay
(:mod:`simulator.analysis.report_backtest`), and the resolved scenario.

:func:`write_report` writes the file atomically (a temporary file in the same
folder, then :func:`os.replace`).

The page is assembled here; the values and tables are built by
:mod:`simulator.analysis.report_tables`, the figures by
:mod:`simulator.analysis.report_figures`, and the statistical sections by
:mod:`simulator.analysis.report_sections`.
"""

from __future__ import annotations

import json
import os
import re
import string
import tempfile
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulator.analysis.compare import (
    ComparisonReport,
    ResultsFolder,
    compare_results,
    open_results,
)
from simulator.analysis.glossary import GLOSSARY
from simulator.analysis.headline import HeadlineRow, headline
from simulator.analysis.paired import METRIC_DIRECTIONS, Direction
from simulator.analysis.plots import outcome
from simulator.analysis.report_backtest import backtest_section
from simulator.analysis.report_comparisons import comparison_section
from simulator.analysis.report_figures import (
    Figures,
    ImageFormat,
    losses_section,
    trajectories_section,
)
from simulator.analysis.report_sections import (
    events_section,
    left_out_note,
    p_best_section,
    statistics_section,
    sweep_section,
    targets_section,
)
from simulator.analysis.report_tables import escape, format_value
from simulator.analysis.verdict import headline_verdict, with_verdicts

if TYPE_CHECKING:
    from simulator.analysis.sweep import Target

__all__ = ["build_report", "focus_countries", "format_value", "write_report"]

_TEMPLATE = "templates/report.html"
"""The page around the sections, with its CSS (a :class:`string.Template`)."""


def _page() -> string.Template:
    text = resources.files("simulator.analysis").joinpath(_TEMPLATE).read_text(encoding="utf-8")
    return string.Template(text)


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


def _header(results: ResultsFolder, report: ComparisonReport) -> str:
    manifest = results.manifest
    # An experiment without a description of its own inherits its scenario's.
    description = str(
        manifest.get("description") or results.scenario(report.baseline).get("description") or ""
    )
    items: list[tuple[str, str]] = [
        ("Baseline", report.baseline),
        ("Variants", ", ".join(report.variants)),
        ("Replications", _replications(results)),
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
    meta = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    text = " ".join(description.split())
    paragraph = f'<p class="description">{escape(text)}</p>' if text else ""
    warning = ""
    if results.problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in results.problems)
        warning = (
            '<div class="warning" role="alert"><strong>Incomplete results.</strong>'
            f" Every figure below uses only the replications present.<ul>{listed}</ul></div>"
        )
    return (
        f"<header><h1>{escape(results.name)}</h1>{paragraph}{warning}"
        f'<dl class="meta">{meta}</dl></header>'
    )


def _replications(results: ResultsFolder) -> str:
    """The replications present per variant: ``200 per variant`` when all have the same."""
    present = results.replications_present
    planned = results.manifest.get("replications")
    counts = set(present.values())
    if len(counts) == 1:
        (n,) = counts
        of = f" (of {planned} planned)" if isinstance(planned, int) and n != planned else ""
        return f"{n:,} per variant{of}"
    of = f" of {planned:,}" if isinstance(planned, int) else ""
    return ", ".join(f"{variant}: {n:,}{of}" for variant, n in present.items())


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
    left_out = left_out_note(report)
    if left_out is not None:
        notes.append(left_out)
    return '<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"


def _headline_section(report: ComparisonReport, focus: Sequence[str], folder: ResultsFolder) -> str:
    """The answer first: each country's verdict, then the headline's sentences, coloured."""
    verdicts = headline_verdict(folder, report, countries=focus, sensitivity=False)
    summary = with_verdicts(headline(report, countries=focus), verdicts)
    if not summary.rows:
        return ""
    parts = ['<section class="headline"><h2 id="headline">Headline</h2>']
    for title, rows in summary.groups():
        items = "".join(
            f'<li class="{_headline_outcome(row)}">{escape(row.text)}</li>' for row in rows
        )
        parts.append(f"<h3>{escape(title)}</h3><ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


def _headline_outcome(row: HeadlineRow) -> str:
    """``better``/``worse`` when the row's interval excludes zero (by the metric's direction)."""
    if row.kind != "effect" or row.ci_low is None or row.ci_high is None:
        return ""
    direction = METRIC_DIRECTIONS.get(row.metric, Direction.NONE).value
    return outcome({"ci_low": row.ci_low, "ci_high": row.ci_high, "direction": direction})


def _glossary_section() -> str:
    terms = "".join(
        f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in GLOSSARY.items()
    )
    return f'<h2 id="glossary">Glossary</h2><dl class="glossary">{terms}</dl>'


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
            f"<details{opened}><summary>{escape(variant)}</summary><pre>{escape(text)}</pre></details>"
        )
    experiment = results.manifest.get("experiment")
    if isinstance(experiment, dict) and experiment:
        parts.append(
            "<details><summary>Experiment</summary>"
            f"<pre>{escape(_yaml_text(experiment))}</pre></details>"
        )
    return "\n".join(parts)


def _footer(results: ResultsFolder) -> str:
    versions = results.manifest.get("versions") or {}
    text = ", ".join(f"{k} {v}" for k, v in versions.items()) if isinstance(versions, dict) else ""
    return (
        f"<footer>Generated by supplyshock {escape(_version())} from results written with"
        f" {escape(text or 'unknown versions')}.</footer>"
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
    figures = Figures(image_format, None if figures_dir is None else Path(figures_dir))
    header = [_header(folder, report), _notes(report, focus)]
    sections = [
        _headline_section(report, focus, folder),
        comparison_section(report, figures),
        p_best_section(report),
        statistics_section(report),
        events_section(report, folder, focus, figures),
        sweep_section(report, figures),
        targets_section(report.targets),
        trajectories_section(folder, report, focus, figures),
        losses_section(folder, report, focus, figures),
        backtest_section(folder, figures, report.baseline),
        _scenario_section(folder),
        _glossary_section(),
        _footer(folder),
    ]
    return _page().substitute(
        title=escape(f"{folder.name} — supplyshock report"),
        version=escape(_version()),
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
