"""The command modules; importing one registers its commands on :data:`simulator.cli.app`."""

from simulator.cli import (  # noqa: F401
    backtest,
    batch,
    compare,
    explore,
    network,
    report,
    run,
    validate,
)
