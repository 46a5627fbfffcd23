"""Seeds and chunks: what makes a batch the same on any number of workers.

Replication ``r`` of every variant runs ``simulate(scenario, r, seed=root_seed)``,
whose streams are ``SeedSequence(root_seed, spawn_key=(r, stream, ...))``.  The
experiment's uncertainties are drawn from the engine's ``UNCERTAINTIES`` stream
of replication ``r``, one sub-stream per dotted path, so every variant of
replication ``r`` gets the same values (common random numbers) and adding an
uncertainty never shifts another's draw.

Work is cut into chunks of consecutive replications of one variant.  Chunk
boundaries depend only on the number of replications and the chunk size, never
on the workers, so a resumed batch finds the same chunks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from simulator.model.distributions import draw

if TYPE_CHECKING:
    from simulator.experiments.plan import Uncertainty

__all__ = ["CHUNK_SIZE", "chunk_bounds", "draw_uncertainties"]

CHUNK_SIZE = 50
"""Replications per chunk (one Parquet file per variant and chunk)."""


def chunk_bounds(replications: int, chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """The chunks of ``replications``: ``(first, last)`` pairs, ``last`` included.

    Examples
    --------
    >>> chunk_bounds(120, 50)
    [(0, 49), (50, 99), (100, 119)]
    """
    if replications < 0 or chunk_size < 1:
        raise ValueError(
            f"expected replications >= 0 and chunk_size >= 1, found {replications}, {chunk_size}"
        )
    return [
        (first, min(first + chunk_size, replications) - 1)
        for first in range(0, replications, chunk_size)
    ]


def draw_uncertainties(
    uncertainties: Iterable[Uncertainty], seed: int, replication: int
) -> dict[str, float | int]:
    """The values of replication ``replication``'s uncertainties, by dotted path.

    Each is one draw from ``Streams(seed, replication).generator(UNCERTAINTIES, path)``,
    rounded when the scenario holds an integer at that path.
    """
    # Imported here: importing the engine loads numba and networkx, which checking a
    # results folder's chunks (chunk_bounds) does not need.
    from simulator.engine.streams import Stream, Streams

    streams = Streams(seed, replication)
    values: dict[str, float | int] = {}
    for u in uncertainties:
        value = draw(u.quantity, streams.generator(Stream.UNCERTAINTIES, u.path))
        values[u.path] = round(value) if u.integer else value
    return values
