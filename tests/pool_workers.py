"""What a task returns in the workers of a real process pool (tests' helper)."""

from __future__ import annotations

from collections.abc import Callable

from simulator.experiments.executors import ProcessPoolBackend


def answers_of_pool_workers(task: Callable[[], object]) -> set[object]:
    """What ``task`` returns in the workers of a fresh two-worker pool (four tasks)."""
    backend = ProcessPoolBackend(2)
    backend.start()
    executor = backend.open()
    try:
        return {executor.submit(task).result(timeout=120) for _ in range(4)}
    finally:
        executor.shutdown()
