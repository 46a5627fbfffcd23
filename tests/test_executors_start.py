"""A process pool's fork server started before the batch is planned still runs its tasks."""

from __future__ import annotations

import multiprocessing

import pytest

from simulator.experiments.executors import InProcessBackend, ProcessPoolBackend


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_a_pool_started_early_runs_tasks_in_other_processes() -> None:
    backend = ProcessPoolBackend(2)
    backend.start()
    backend.start()  # a second start finds the server running
    executor = backend.open()
    try:
        pids = {executor.submit(_pid).result(timeout=120) for _ in range(4)}
        assert executor.submit(pow, 2, 5).result(timeout=120) == 32
    finally:
        executor.shutdown()
    assert multiprocessing.current_process().pid not in pids


def test_starting_an_in_process_backend_does_nothing() -> None:
    backend = InProcessBackend()
    backend.start()
    executor = backend.open()
    assert executor.submit(pow, 3, 2).result() == 9


def _pid() -> int | None:
    return multiprocessing.current_process().pid
