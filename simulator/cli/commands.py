"""The command modules; importing one registers its commands on :data:`simulator.cli.app`."""

from simulator.cli import network, run, validate  # noqa: F401
