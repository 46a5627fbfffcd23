"""supplyshock: export-control supply shocks on trade networks, and the policies against them.

The public API::

    import simulator as ss

    scenario = ss.load_scenario("scenarios/examples/pooled-vs-national.yaml")
    result = ss.simulate(scenario, replication=0)
    rows = ss.metrics_table(result, scenario)

Layers (see ``docs/architecture.md``): :mod:`simulator.model` (validated
scenario, trade network), :mod:`simulator.engine` (one replication),
:mod:`simulator.experiments` (batches), :mod:`simulator.analysis` (metrics,
comparisons, plots, report), :mod:`simulator.io` (files).
"""

from importlib.metadata import PackageNotFoundError, version

from simulator.analysis.daily import daily_table
from simulator.analysis.metrics import METRICS, metrics_table
from simulator.engine import RunResult, simulate
from simulator.errors import ConservationError, InputError, Issue
from simulator.io.scenario_file import load_scenario, load_scenario_text
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

try:
    __version__ = version("supplyshock")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "METRICS",
    "ConservationError",
    "InputError",
    "Issue",
    "RunResult",
    "Scenario",
    "TradeNetwork",
    "__version__",
    "daily_table",
    "load_scenario",
    "load_scenario_text",
    "metrics_table",
    "simulate",
]
