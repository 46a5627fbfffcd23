"""``python -m simulator`` runs the ``supplyshock`` command line."""

from simulator.cli import entry

entry()
