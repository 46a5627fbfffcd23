"""A variant's scenario and trade network, unpickled and built once per worker process.

Every chunk task carries its variant's scenario.  Shipped as a plain object,
each chunk would pickle the scenario in the parent, unpickle it in the worker
and build its :class:`~simulator.model.network.TradeNetwork` again: for the
world network of ``benchmarks/world_network.py`` (100,000 links) about 0.7 s
each, per chunk.  A :class:`SharedScenario` instead

- pickles its scenario once, in the parent, and ships those bytes with its
  key, a content hash (SHA-256 of the bytes); pickling a task copies them;
- when unpickled in a process whose cache holds that key, returns the cached
  scenario and network without unpickling the bytes again;
- builds its network once, on first use, and keeps it.

Keys are hashes of the whole pickled state, so two scenarios that differ in
anything get different keys and never share a network; two equal scenarios
whose pickles differ only miss the cache.  A process keeps the last
:data:`CACHE_SIZE` scenarios it received: chunks run variant by variant, so a
worker meets the same few variants in a row.  Reusing a network changes no
result: it is a pure function of the scenario, and the engine only reads it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict

from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

__all__ = ["CACHE_SIZE", "SharedScenario", "cached_keys", "clear_cache"]

CACHE_SIZE = 2
"""Scenarios (with their networks) a process keeps, most recently used first out last."""

_CACHE: OrderedDict[str, SharedScenario] = OrderedDict()


class SharedScenario:
    """A scenario, its content key and its trade network, built once.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Examples
    --------
    >>> import pickle
    >>> shared = SharedScenario(scenario)  # doctest: +SKIP
    >>> pickle.loads(pickle.dumps(shared)) is pickle.loads(pickle.dumps(shared))  # doctest: +SKIP
    True
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._payload: bytes | None = None
        self._key: str | None = None
        self._network: TradeNetwork | None = None

    def payload(self) -> bytes:
        """The scenario pickled (highest protocol), made once."""
        if self._payload is None:
            self._payload = pickle.dumps(self.scenario, protocol=pickle.HIGHEST_PROTOCOL)
        return self._payload

    @property
    def key(self) -> str:
        """SHA-256 of :meth:`payload`: equal keys, equal scenarios."""
        if self._key is None:
            self._key = hashlib.sha256(self.payload()).hexdigest()
        return self._key

    def network(self) -> TradeNetwork:
        """The scenario's trade network, built on first use."""
        if self._network is None:
            self._network = TradeNetwork.from_scenario(self.scenario)
        return self._network

    def __reduce__(self) -> tuple[object, tuple[str, bytes]]:
        return (_restore, (self.key, self.payload()))


def _restore(key: str, payload: bytes) -> SharedScenario:
    """The process's cached scenario of ``key``, or ``payload`` unpickled and cached."""
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    scenario = pickle.loads(payload)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"expected a pickled Scenario, found {type(scenario).__name__}")
    found = SharedScenario(scenario)
    found._key = key
    _CACHE[key] = found
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def cached_keys() -> list[str]:
    """Keys this process holds, least recently used first."""
    return list(_CACHE)


def clear_cache() -> None:
    """Forget every cached scenario and network of this process."""
    _CACHE.clear()
