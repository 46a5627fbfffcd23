"""What the workers of the local Dask cluster ``--dask local`` starts do first.

Imported only when Dask is used (it imports ``distributed``).
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from simulator.experiments.allocator import permit

__all__ = ["SimulatorWorker"]


class SimulatorWorker(WorkerPlugin):
    """A worker of a cluster the simulator started is the simulator's own process.

    Its allocator may then keep freed memory for small replications
    (:func:`simulator.experiments.allocator.permit`), although Dask's nanny
    started it with ``MALLOC_TRIM_THRESHOLD_`` set: the cluster registers the
    plugin only where the user set no malloc parameter of their own.  A
    worker the nanny restarts runs it again.
    """

    name = "supplyshock-worker"

    def setup(self, worker: Any) -> None:
        permit(environment_is_dasks=True)
