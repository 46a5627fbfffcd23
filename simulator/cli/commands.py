"""The command modules; importing one registers its commands on :data:`simulator.cli.app`."""

from simulator.cli import backtest, batch, compare, network, report, run, validate  # noqa: F401
