"""``python -m simulator`` runs the ``supplyshock`` command line."""

import sys

from simulator.cli import main

sys.exit(main())
