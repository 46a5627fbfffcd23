"""Random streams of one replication, derived from the scenario's seed.

Replication ``r`` draws only from generators made from
``SeedSequence(seed, spawn_key=(r, stream))``, one stream per kind of random
process.  Within a stream, an entity (a link, a policy, a member) gets its own
sub-stream ``spawn_key=(r, stream, key)`` with ``key`` a stable hash of its
name, so adding a policy or a shock never shifts another's draws.  Two
variants compared on replication ``r`` therefore face the same shocks (common
random numbers), whatever else differs between them.
"""

from __future__ import annotations

import enum
import zlib

import numpy as np

from simulator.engine.seeds import SeedPool

__all__ = ["Stream", "Streams"]


class Stream(enum.IntEnum):
    """The kinds of random process; the value is the stream's spawn-key entry."""

    SHOCK_TIMING = 0
    LICENCE = 1
    LEAD_TIMES = 2
    POLICY_DELAYS = 3
    RAMP_UP = 4
    POLITICS = 5
    UNCERTAINTIES = 6
    CONTRACTING = 7
    SUBSTITUTION = 8


def stable_key(name: str) -> int:
    """A hash of ``name`` that is the same in every process and Python version."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of the generators of replication ``replication`` of a run seeded ``seed``."""

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError(
                f"expected seed >= 0 and replication >= 0, found {seed}, {replication}"
            )
        self.seed = seed
        self.replication = replication
        self._pool: SeedPool | None = None  # made with the first generator

    def generator(self, stream: Stream, name: str | None = None) -> np.random.Generator:
        """The generator of ``stream`` (or of entity ``name`` within it).

        ``np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed,
        spawn_key=key)))``, its seeding compiled (:mod:`simulator.engine.seeds`).
        """
        if self._pool is None:
            self._pool = SeedPool(self.seed, (self.replication,))
        key = (int(stream),) if name is None else (int(stream), stable_key(name))
        return self._pool.generator(key)
