"""A process pool's fork server started before the batch is planned still runs its tasks."""

from __future__ import annotations

import multiprocessing

import pytest
from pool_workers import answers_of_pool_workers

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


def _warmed() -> bool:
    """In a worker: whether the warm-up ran before this task (imported by the fork server)."""
    import sys

    module = sys.modules.get("simulator.experiments.warm")
    return module is not None and bool(module.WARMED)


def test_the_warm_up_replication_runs_every_kind_of_policy() -> None:
    """The fork server's warm-up (an optimisation that fails silently) must really run.

    Its scenario reaches the price, a reserve's release, the pool and a loan
    transfer, so the workers inherit those compiled steps too.
    """
    from simulator.engine import simulate
    from simulator.experiments import warm
    from simulator.model.scenario import Scenario

    assert warm.WARMED
    assert warm.warm_up()
    record = simulate(Scenario.model_validate(warm.WARM_SCENARIO)).records["widget"]
    assert record.arrays["released"].sum() > 0
    assert record.arrays["pool_drawn"].sum() > 0
    assert record.arrays["transfers_in"].sum() > 0
    assert record.price is not None
    assert record.price.max() > record.base_price


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_pool_workers_start_warm() -> None:
    """The fork server imports the warm-up, so every worker it forks has run it."""
    assert answers_of_pool_workers(_warmed) == {True}
