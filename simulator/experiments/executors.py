"""Where chunks run: every backend is a :class:`concurrent.futures.Executor`.

* :class:`InProcessBackend` (``--workers 1``): :class:`InProcessExecutor` runs
  each task when it is submitted, in this process.
* :class:`ProcessPoolBackend` (``--workers N``): a
  :class:`~concurrent.futures.ProcessPoolExecutor` whose start method is
  chosen on the pool, never globally: ``"forkserver"`` where the platform has
  it, with the task module preloaded in the server so that each worker is a
  cheap fork of a process that has already imported NumPy, SciPy, pandas and
  the simulator; ``"spawn"`` elsewhere.  Neither copies the parent's threads
  or state.  Workers ignore SIGINT (the parent decides what an interrupt
  means) and exit on their own if the batch process is killed.
  As with any spawn-based pool, a script that runs a batch with several
  workers must guard its entry point with ``if __name__ == "__main__":``.
* :class:`DaskBackend` (``--dask ADDRESS`` or ``--dask local``): the executor
  of a ``distributed.Client``; ``local`` starts a ``LocalCluster`` of worker
  processes on 127.0.0.1.  Dask is imported only when asked for.

A backend opens an executor and can open a fresh one when a process pool
breaks (a worker died), so the runner can resubmit the chunks it lost.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, ParamSpec, TypeVar

from simulator.experiments.allocator import malloc_set_by_user, permit

__all__ = [
    "DASK_CONNECT_TIMEOUT_SECONDS",
    "Backend",
    "DaskBackend",
    "ExecutorUnavailableError",
    "InProcessBackend",
    "InProcessExecutor",
    "ProcessPoolBackend",
    "available_cores",
    "make_backend",
]

P = ParamSpec("P")
T = TypeVar("T")

TASK_MODULE = "simulator.experiments.tasks"
"""The module pool workers need; the fork server imports it once for all of them."""

WARM_MODULE = "simulator.experiments.warm"
"""Imported by the fork server after the task module: loads the compiled daily steps once."""


def start_method() -> str:
    """``"forkserver"`` where available (Linux, macOS), else ``"spawn"``."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class InProcessExecutor(Executor):
    """Runs each submitted call at once, in the calling thread.

    The future returned is already done: it holds the call's result or the
    exception it raised.  ``KeyboardInterrupt`` and ``SystemExit`` are not
    captured; they propagate to the caller of :meth:`submit`.
    """

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if self._shutdown:
            raise RuntimeError("cannot submit to an executor that was shut down")
        future: Future[T] = Future()
        if not future.set_running_or_notify_cancel():  # pragma: no cover - never cancelled
            return future
        try:
            result = fn(*args, **kwargs)
        except Exception as error:
            future.set_exception(error)
        else:
            future.set_result(result)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


class Backend:
    """A factory of executors of one kind.

    Attributes
    ----------
    workers : int
        How many tasks run at once.
    description : str
        Shown in progress and recorded in the manifest.
    in_process : bool
        Tasks run in this process, as they are submitted.
    """

    workers: int = 1
    description: str = ""
    in_process: bool = False

    def start(self) -> None:
        """Start what can start before the batch is planned (nothing, unless overridden)."""

    def open(self) -> Executor:
        """A ready executor (the same one until it is closed)."""
        raise NotImplementedError

    def reopen(self, executor: Executor) -> Executor:
        """Replace a broken ``executor`` by a fresh one."""
        self.discard(executor)
        return self.open()

    def discard(self, executor: Executor) -> None:
        """Stop ``executor`` without waiting for the tasks it still runs."""
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self, executor: Executor) -> None:
        """Shut ``executor`` down after its work, and whatever the backend started for it."""
        executor.shutdown(wait=True)


class InProcessBackend(Backend):
    """Chunks run one after another in this process."""

    def __init__(self) -> None:
        self.workers = 1
        self.description = "in-process"
        self.in_process = True

    def open(self) -> Executor:
        return InProcessExecutor()


PARENT_POLL_SECONDS = 1.0
"""How often a pool worker checks that the batch process is still alive."""


def _init_worker(parent: int) -> None:
    """Set up a pool worker: ignore SIGINT, exit if the batch process dies, own the allocator.

    A process-pool worker whose parent is killed (SIGKILL, or SIGTERM from a
    job scheduler) would otherwise wait forever for work that never comes.
    Its C allocator may keep the memory one replication frees for the next
    (:func:`simulator.experiments.allocator.permit`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    permit()
    if os.name == "posix":  # os.kill(pid, 0) only probes on POSIX
        threading.Thread(
            target=_watch_parent, args=(parent,), name="supplyshock-parent-watch", daemon=True
        ).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the number now belongs to another user's process
            os._exit(1)


class ProcessPoolBackend(Backend):
    """A pool of ``workers`` spawned processes."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"expected workers >= 1, found {workers}")
        self.workers = workers
        self.method = start_method()
        self.description = f"process pool ({workers} workers, {self.method})"

    def start(self) -> None:
        """Start the fork server now: it imports the simulator while this process plans.

        The server's imports (about a second) and its loading of the compiled
        daily steps (:mod:`simulator.experiments.warm`) then overlap with
        reading and validating the scenario instead of following them, and the
        workers it forks start with both; ``open`` finds the server running.
        """
        context = multiprocessing.get_context(self.method)
        if isinstance(context, multiprocessing.context.ForkServerContext):
            context.set_forkserver_preload([TASK_MODULE, WARM_MODULE])
            multiprocessing.forkserver.ensure_running()

    def open(self) -> Executor:
        context = multiprocessing.get_context(self.method)
        if isinstance(context, multiprocessing.context.ForkServerContext):
            # Takes effect when the fork server starts (once per process).
            context.set_forkserver_preload([TASK_MODULE, WARM_MODULE])
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def close(self, executor: Executor) -> None:
        """Shut the pool down without waiting for its workers to exit.

        The runner closes a pool once every chunk has returned, so the
        workers have nothing left to do; their exit (a fifth of a second with
        the simulator loaded) overlaps with what this process does next, and
        the interpreter waits for them when it exits.
        """
        executor.shutdown(wait=False)


DASK_CONNECT_TIMEOUT_SECONDS = 10.0
"""How long ``--dask ADDRESS`` waits for the scheduler before giving up."""


class ExecutorUnavailableError(RuntimeError):
    """The executor cannot be started or reached (an unreachable Dask scheduler)."""


class DaskBackend(Backend):
    """The executor of a Dask ``distributed`` client.

    Parameters
    ----------
    address : str
        A scheduler address (``tcp://host:8786``), or ``"local"`` to start a
        ``LocalCluster`` of ``workers`` single-threaded processes on 127.0.0.1
        without a dashboard.
    workers : int, optional
        Workers of the local cluster (default 2); ignored for an address.
    """

    def __init__(self, address: str, workers: int | None = None) -> None:
        self.address = address
        self.local = address == "local"
        self.workers = (workers or 2) if self.local else 0
        self._client: Any = None
        self._cluster: Any = None
        where = f"local cluster ({self.workers} workers)" if self.local else address
        self.description = f"dask {where}"

    def open(self) -> Executor:
        from distributed import Client, LocalCluster

        if self._client is None:
            if self.local:
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
                if not malloc_set_by_user():  # its workers are the simulator's own processes
                    from simulator.experiments.dask_workers import SimulatorWorker

                    self._client.register_plugin(SimulatorWorker())
            else:
                try:
                    self._client = Client(  # type: ignore[no-untyped-call]
                        self.address, timeout=DASK_CONNECT_TIMEOUT_SECONDS
                    )
                except (OSError, TimeoutError, ValueError) as error:
                    raise ExecutorUnavailableError(
                        f"cannot reach the Dask scheduler at {self.address!r} within"
                        f" {DASK_CONNECT_TIMEOUT_SECONDS:g} s ({type(error).__name__}: {error})"
                    ) from None
                self.workers = max(1, sum(self._client.nthreads().values()))
        # pure=False: a resubmitted chunk is a new task, not the failed one again.
        executor: Executor = self._client.get_executor(pure=False)
        return executor

    def reopen(self, executor: Executor) -> Executor:
        # Dask reschedules the work of a lost worker itself; the client stays usable.
        return executor

    def discard(self, executor: Executor) -> None:
        self.close(executor)

    def close(self, executor: Executor) -> None:
        executor.shutdown(wait=False)
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity, where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def make_backend(workers: int | None = None, dask: str | None = None) -> Backend:
    """The backend for ``--workers N`` / ``--dask ADDRESS|local``.

    ``workers`` defaults to ``os.cpu_count()``; 1 runs in this process.
    """
    if dask is not None:
        return DaskBackend(dask, workers)
    n = workers if workers is not None else available_cores()
    if n <= 1:
        return InProcessBackend()
    return ProcessPoolBackend(n)
