"""supplyshock: export-control supply shocks on trade networks, and the policies against them.

The public API::

    import simulator as ss

    scenario = ss.load_scenario("scenarios/examples/pooled-vs-national.yaml")
    result = ss.simulate(scenario, replication=0)
    rows = ss.metrics_table(result, scenario)
    check = ss.backtest("scenarios/replays/gallium-2023.yaml")  # a replay against history

    results = ss.run_experiment("scenarios/experiments/gallium-kj.yaml", replications=50)
    results.summary, results.compare(), results.report("report.html")

    # a scenario with recipes (e.g. every commodity of the embedded data):
    trade = ss.TradeNetwork.from_scenario(chain_scenario)
    ss.exposure(trade, "KOR", "vehicle_motors")  # direct and indirect exposure to CHN

Layers (see ``docs/architecture.md``): :mod:`simulator.model` (validated
scenario, trade network), :mod:`simulator.engine` (one replication),
:mod:`simulator.experiments` (batches), :mod:`simulator.analysis` (metrics,
comparisons, plots, report), :mod:`simulator.io` (files).

The names below are imported on first use (PEP 562), so ``import simulator``
and the command line start without loading numba, pandas or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from simulator.analysis import network_metrics
    from simulator.analysis.backtest import BacktestResult, backtest
    from simulator.analysis.compare import compare_results
    from simulator.analysis.daily import daily_table
    from simulator.analysis.exposure import chokepoint_inputs, exposure, exposures
    from simulator.analysis.metrics import METRICS, metrics_table
    from simulator.analysis.network_plot import plot_network
    from simulator.analysis.plots import (
        difference_bars,
        fan_chart,
        loss_ecdf,
        survival_plot,
        sweep_response,
    )
    from simulator.analysis.sensitivity import plot_sensitivity
    from simulator.api import ExperimentResults, open_experiment, run_experiment, simulate
    from simulator.engine import RunResult
    from simulator.errors import ConservationError, InputError, Issue
    from simulator.io.scenario_file import load_scenario, load_scenario_text
    from simulator.model.network import TradeNetwork
    from simulator.model.scenario import Scenario

_LAZY: dict[str, str] = {
    "METRICS": "simulator.analysis.metrics",
    "BacktestResult": "simulator.analysis.backtest",
    "backtest": "simulator.analysis.backtest",
    "ConservationError": "simulator.errors",
    "ExperimentResults": "simulator.api",
    "InputError": "simulator.errors",
    "Issue": "simulator.errors",
    "RunResult": "simulator.engine",
    "Scenario": "simulator.model.scenario",
    "TradeNetwork": "simulator.model.network",
    "daily_table": "simulator.analysis.daily",
    "load_scenario": "simulator.io.scenario_file",
    "load_scenario_text": "simulator.io.scenario_file",
    "metrics_table": "simulator.analysis.metrics",
    "open_experiment": "simulator.api",
    "run_experiment": "simulator.api",
    "simulate": "simulator.api",
    "compare_results": "simulator.analysis.compare",
    "difference_bars": "simulator.analysis.plots",
    "fan_chart": "simulator.analysis.plots",
    "loss_ecdf": "simulator.analysis.plots",
    "survival_plot": "simulator.analysis.plots",
    "sweep_response": "simulator.analysis.plots",
    "plot_network": "simulator.analysis.network_plot",
    "plot_sensitivity": "simulator.analysis.sensitivity",
    "chokepoint_inputs": "simulator.analysis.exposure",
    "exposure": "simulator.analysis.exposure",
    "exposures": "simulator.analysis.exposure",
}
_MODULES: dict[str, str] = {"network_metrics": "simulator.analysis.network_metrics"}
"""Public submodules: ``ss.network_metrics.import_hhi(...)``."""
"""Public name → the module that defines it."""

__all__ = [
    "METRICS",
    "BacktestResult",
    "ConservationError",
    "ExperimentResults",
    "InputError",
    "Issue",
    "RunResult",
    "Scenario",
    "TradeNetwork",
    "__version__",
    "backtest",
    "chokepoint_inputs",
    "compare_results",
    "daily_table",
    "difference_bars",
    "exposure",
    "exposures",
    "fan_chart",
    "load_scenario",
    "load_scenario_text",
    "loss_ecdf",
    "metrics_table",
    "network_metrics",
    "open_experiment",
    "plot_network",
    "plot_sensitivity",
    "run_experiment",
    "simulate",
    "survival_plot",
    "sweep_response",
]


def _version() -> str:
    # importlib.metadata costs ~50 ms at start-up, so the version is read on first use.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("supplyshock")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    value: Any
    if name == "__version__":
        value = _version()
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_MODULES])
