"""A worker process unpickles a variant's scenario and builds its network once, per scenario.

Chunks reach a worker pickled; :class:`SharedScenario` keys each scenario by a
hash of its pickled state, so a worker reuses the scenario and network of a
variant it has seen, and never those of another scenario.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest
from scenario_factory import ban, base_dict, build

from simulator.experiments.shared import CACHE_SIZE, SharedScenario, cached_keys, clear_cache
from simulator.experiments.tasks import ChunkTask, run_chunk
from simulator.model.scenario import Scenario


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


def _scenario(inventory_days: float) -> Scenario:
    data = base_dict(shocks=[ban()])
    data["network"]["nodes"][1]["inventory_days"] = inventory_days
    return build(data)


def _task(scenario: Scenario) -> ChunkTask:
    return ChunkTask("base", SharedScenario(scenario), {}, (), 7, 0, 3)


def _as_worker_gets_it(task: ChunkTask) -> ChunkTask:
    copy = pickle.loads(pickle.dumps(task))
    assert isinstance(copy, ChunkTask)
    return copy


def test_a_worker_unpickles_and_builds_a_variant_once() -> None:
    shared = SharedScenario(_scenario(30.0))
    first, second = (pickle.loads(pickle.dumps(shared)) for _ in range(2))
    assert first is second
    assert first.network() is second.network()
    assert first.scenario == shared.scenario
    assert first.key == shared.key
    assert cached_keys() == [shared.key]


def test_a_cached_network_is_not_reused_for_another_scenario() -> None:
    a, b = _scenario(30.0), _scenario(5.0)
    task_a = _as_worker_gets_it(_task(a))
    task_b = _as_worker_gets_it(_task(b))
    assert task_a.shared.key != task_b.shared.key
    assert task_a.shared is not task_b.shared
    assert task_a.shared.network() is not task_b.shared.network()
    assert task_b.scenario == b

    # Each runs as its own scenario does in a fresh process, whatever ran before it.
    ran_a, ran_b, ran_a_again = (run_chunk(t).summary for t in (task_a, task_b, task_a))
    clear_cache()
    assert ran_a.equals(run_chunk(_task(a)).summary)
    assert ran_b.equals(run_chunk(_task(b)).summary)
    assert ran_a_again.equals(ran_a)
    assert not ran_a.equals(ran_b)  # the scenarios differ in what they give


def test_a_worker_keeps_the_last_few_scenarios() -> None:
    shared = [SharedScenario(_scenario(10.0 + k)) for k in range(CACHE_SIZE + 1)]
    for s in shared:
        pickle.loads(pickle.dumps(s))
    assert cached_keys() == [s.key for s in shared[1:]]
    again = pickle.loads(pickle.dumps(shared[0]))  # evicted: unpickled again
    assert again.scenario == shared[0].scenario
    assert cached_keys() == [s.key for s in (*shared[2:], shared[0])]
