"""Run and analyse an experiment from Python: what ``batch``, ``compare`` and ``report`` do.

>>> import simulator as ss                                         # doctest: +SKIP
>>> results = ss.run_experiment("scenarios/experiments/gallium-kj.yaml",
...                             replications=50, workers=2)       # doctest: +SKIP
>>> results.summary   # one row per variant × replication × country × commodity  # doctest: +SKIP
>>> results.compare(countries=["KOR"])  # the headline, the paired comparison  # doctest: +SKIP
>>> results.report("gallium-kj.html")                                      # doctest: +SKIP

An experiment may be given as a mapping instead of a file, so a notebook can
vary one without writing YAML; its ``scenario:`` is then relative to the
working directory.  Results are written to a results folder exactly as
``supplyshock batch`` writes them (``results/NAME`` unless ``out`` is given),
so the command line can read them too.  Objects display themselves in Jupyter
as short tables (``_repr_html_``).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from simulator.analysis.compare import ComparisonReport
    from simulator.analysis.explore import Exploration
    from simulator.analysis.results import ResultsFolder
    from simulator.analysis.verdict import Verdict
    from simulator.engine import RunResult
    from simulator.experiments.plan import Plan
    from simulator.model.network import TradeNetwork
    from simulator.model.scenario import Scenario

__all__ = [
    "ExperimentResults",
    "open_experiment",
    "results_folder_name",
    "run_experiment",
    "simulate",
]


def simulate(
    scenario: Scenario,
    replication: int = 0,
    *,
    seed: int | None = None,
    network: TradeNetwork | None = None,
) -> RunResult:
    """Simulate replication ``replication`` of ``scenario`` (see :func:`simulator.engine.simulate`).

    Raises :class:`~simulator.errors.InputError` for a recipe the engine
    cannot simulate (:func:`simulator.model.recipes.unsimulated_recipe_issues`).
    """
    from simulator.engine import simulate as simulate_replication
    from simulator.model.recipes import refuse_unsimulated_recipes

    refuse_unsimulated_recipes(scenario, network)
    return simulate_replication(scenario, replication, seed=seed, network=network)


_MAPPING_FILE = "<experiment>"
"""The file name shown in errors about an experiment given as a mapping."""


def _plan(experiment: str | Path | Mapping[str, Any], replications: int | None) -> Plan:
    from simulator.experiments.design import load_plan, plan_from_document

    if not isinstance(experiment, Mapping):
        return load_plan(experiment, replications=replications)
    from ruamel.yaml import YAML

    from simulator.io.yaml import parse_yaml

    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(_plain(experiment), stream)
    document = parse_yaml(stream.getvalue(), _MAPPING_FILE)
    return plan_from_document(document, replications=replications)


def _plain(value: Any) -> Any:
    """Mappings and sequences as dicts and lists, for the YAML writer."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_experiment(
    experiment: str | Path | Mapping[str, Any],
    *,
    replications: int | None = None,
    workers: int | None = 1,
    out: str | Path | None = None,
    overwrite: bool = False,
    daily_every: int | None = None,
) -> ExperimentResults:
    """Run every replication of an experiment (or scenario) and return its results.

    Parameters
    ----------
    experiment : str, pathlib.Path or mapping
        An experiment or scenario file, or an experiment as a mapping (the
        keys of an experiment file; ``scenario:`` relative to the working
        directory).
    replications : int, optional
        Replications per variant instead of the experiment's.
    workers : int, optional
        Worker processes; 1 (the default) runs in this process, None uses
        every CPU.
    out : str or pathlib.Path, optional
        The results folder (default ``results/NAME``).  A folder holding this
        experiment's results is resumed: only missing replications run.
    overwrite : bool
        Clear a results folder that holds another experiment.
    daily_every : int, optional
        Also record the daily series of every ``daily_every``-th day (for
        trajectory plots).

    Returns
    -------
    ExperimentResults

    Raises
    ------
    InputError
        The experiment is invalid (every problem, located).
    """
    from simulator.experiments.executors import make_backend
    from simulator.experiments.runner import run_batch

    plan = _plan(experiment, replications)
    folder = Path(out) if out is not None else Path("results") / results_folder_name(plan.name)
    result = run_batch(
        plan,
        folder,
        backend=make_backend(workers),
        daily_every=daily_every,
        overwrite=overwrite,
    )
    return ExperimentResults(folder, failures=tuple(result.failures), warnings=plan.warnings)


_FOLDER_NAME_MAX = 100


def results_folder_name(name: str) -> str:
    """An experiment name as a folder name under ``results/`` (as ``batch`` names it).

    Characters other than letters, digits and ``_.+-`` become ``_``; a name
    longer than 100 characters is cut, with a short hash of the whole name
    appended so that different long names stay apart.
    """
    safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", name).lstrip(".") or "batch"
    if len(safe) <= _FOLDER_NAME_MAX:
        return safe
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{safe[: _FOLDER_NAME_MAX - 11]}-{digest}"


def open_experiment(path: str | Path) -> ExperimentResults:
    """The results of an earlier ``supplyshock batch`` (or :func:`run_experiment`)."""
    return ExperimentResults(Path(path))


@dataclass
class ExperimentResults:
    """A results folder, ready to analyse: ``.summary``, ``.compare()``, ``.report()``.

    Attributes
    ----------
    path : pathlib.Path
        The results folder.
    failures : tuple of dict
        Replications that failed in the run that made this object (each with
        the command that reproduces it).
    warnings : tuple
        The plan's warnings (e.g. two variants resolving to the same scenario).
    """

    path: Path
    failures: tuple[dict[str, Any], ...] = ()
    warnings: tuple[Any, ...] = ()
    _folder: ResultsFolder | None = field(default=None, repr=False)

    @property
    def folder(self) -> ResultsFolder:
        """The results folder as the analysis reads it (read once)."""
        if self._folder is None:
            from simulator.analysis.results import open_results

            self._folder = open_results(self.path)
        return self._folder

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.folder.name

    @property
    def variants(self) -> tuple[str, ...]:
        """Variant names in the experiment's order."""
        return self.folder.variants

    @property
    def summary(self) -> pd.DataFrame:
        """One row per variant × replication × country (or coalition) × commodity."""
        return self.folder.summary

    def compare(
        self,
        baseline: str | None = None,
        metrics: Sequence[str] | None = None,
        countries: Sequence[str] | None = None,
        *,
        commodities: Sequence[str] | None = None,
        targets: Sequence[str] = (),
        confidence: float = 0.95,
        n_resamples: int = 2000,
    ) -> ComparisonReport:
        """The paired comparison (see :func:`~simulator.analysis.compare.compare_results`).

        The result displays its headline in Jupyter; its tables are DataFrames
        (``.comparisons``, ``.events``, ``.p_best``, ``.sweep``).
        """
        from simulator.analysis.compare import compare_results

        return compare_results(
            self.folder,
            baseline,
            metrics,
            countries,
            commodities=commodities,
            targets=targets,
            confidence=confidence,
            n_resamples=n_resamples,
        )

    def verdict(
        self, metric: str = "shortfall", countries: Sequence[str] | None = None
    ) -> list[Verdict]:
        """Per focus country and commodity: the best variant and where it loses.

        See :func:`~simulator.analysis.verdict.headline_verdict`.
        """
        from simulator.analysis.compare import compare_results
        from simulator.analysis.verdict import headline_verdict

        report = compare_results(self.folder, metrics=[metric], countries=countries)
        return headline_verdict(self.folder, report, metric, countries)

    def explore(self, **options: Any) -> Exploration:
        """Where variants lose, what drives it, how robust they are.

        Options of :func:`~simulator.analysis.explore.explore_results`
        (``variants``, ``baseline``, ``metric``, ``countries``, ``commodities``, ``target``).
        """
        from simulator.analysis.explore import explore_results

        return explore_results(self.folder, **options)

    def report(self, path: str | Path, **options: Any) -> Path:
        """Write the HTML report (options of :func:`~simulator.analysis.report.write_report`)."""
        from simulator.analysis.report import write_report

        return write_report(self.folder, path, **options)

    def _repr_html_(self) -> str:
        from simulator.experiments.summary import summarise

        rows = summarise(self.summary, list(self.variants))
        focus = _focus(self)
        shown = [r for r in rows if r["country"] in focus] or rows
        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "variant",
                "country",
                "commodity",
                "shortfall",
                "fill rate",
                "loss",
                "P(short)",
            )
        )
        body = "".join(_summary_row(r, self.folder) for r in shown)
        n = self.folder.summary["replication"].nunique()
        return (
            f"<p><b>{html.escape(self.name)}</b>: {len(self.variants)} variants × {n}"
            f" replications in <code>{html.escape(str(self.path))}</code>; means (95% t-interval"
            " half-width)</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def _focus(results: ExperimentResults) -> list[str]:
    import pandas as pd

    from simulator.analysis.headline import default_focus

    folder = results.folder
    present = [str(c) for c in pd.unique(folder.summary["country"])]
    return default_focus(folder.scenario(), present)


def _summary_row(row: dict[str, Any], folder: ResultsFolder) -> str:
    from simulator.analysis.quantities import format_mean_interval, format_share

    commodity = str(row["commodity"])
    spec = (folder.scenario().get("commodities") or {}).get(commodity) or {}
    unit = str(spec.get("unit") or "units")
    cells = [
        str(row["variant"]),
        str(row["country"]),
        commodity,
        *(
            format_mean_interval(row[f"{m}_mean"], row[f"{m}_ci_low"], row[f"{m}_ci_high"], m, unit)
            for m in ("shortfall", "fill_rate", "economic_loss_usd")
        ),
        format_share(row.get("p_shortfall")),
    ]
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
