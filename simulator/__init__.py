"""supplyshock: export-control supply shocks on trade networks, and the policies against them.

The public API::

    import simulator as ss

    scenario = ss.load_scenario("scenarios/examples/pooled-vs-national.yaml")
    result = ss.simulate(scenario, replication=0)
    rows = ss.metrics_table(result, scenario)

    # a scenario with recipes (e.g. every commodity of the embedded data):
    trade = ss.TradeNetwork.from_scenario(chain_scenario)
    ss.exposure(trade, "KOR", "vehicle_motors")  # direct and indirect exposure to CHN

Layers (see ``docs/architecture.md``): :mod:`simulator.model` (validated
scenario, trade network), :mod:`simulator.engine` (one replication),
:mod:`simulator.experiments` (batches), :mod:`simulator.analysis` (metrics,
comparisons, plots, report), :mod:`simulator.io` (files).
"""

from importlib.metadata import PackageNotFoundError, version

from simulator.analysis.daily import daily_table
from simulator.analysis.exposure import chokepoint_inputs, exposure, exposures
from simulator.analysis.metrics import METRICS, metrics_table
from simulator.engine import RunResult
from simulator.engine import simulate as _engine_simulate
from simulator.errors import ConservationError, InputError, Issue
from simulator.io.scenario_file import load_scenario, load_scenario_text
from simulator.model.network import TradeNetwork
from simulator.model.recipes import refuse_unsimulated_recipes
from simulator.model.scenario import Scenario


def simulate(
    scenario: Scenario,
    replication: int = 0,
    *,
    seed: int | None = None,
    network: TradeNetwork | None = None,
) -> RunResult:
    """Simulate replication ``replication`` of ``scenario`` (see :func:`simulator.engine.simulate`).

    Raises :class:`InputError` for a scenario whose recipes would change the
    run: the engine does not limit production by inputs yet, and a recipe is
    refused rather than silently ignored.
    """
    refuse_unsimulated_recipes(scenario)
    return _engine_simulate(scenario, replication, seed=seed, network=network)


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
    "chokepoint_inputs",
    "daily_table",
    "exposure",
    "exposures",
    "load_scenario",
    "load_scenario_text",
    "metrics_table",
    "simulate",
]
