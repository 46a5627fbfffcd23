"""NumPy's ``SeedSequence`` hashing, compiled: the same generators, made faster.

``np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))``
costs about 12 µs, nearly all of it in ``SeedSequence`` hashing its entropy
and its state words, one NumPy call at a time.  A replication makes a
generator for each random entity it draws for, so that was a good part of
its set-up.  :class:`SeedPool` does the same hashing (NumPy's algorithm,
word for word: ``numpy/random/bit_generator.pyx``, which NumPy keeps stable
so that seeded streams stay reproducible) in compiled loops, and keeps the
pool after a key's common prefix: the generators of one replication share
``(seed, r)`` and hash only their own words.  The generators it makes are
the ones ``SeedSequence`` gives, draw for draw (``tests/test_streams.py``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit
from numpy.random.bit_generator import ISeedSequence

__all__ = ["SeedPool"]

UintArray = npt.NDArray[np.uint64]

POOL_SIZE = 4
"""Words of ``SeedSequence``'s entropy pool (its default)."""

_MASK = 0xFFFFFFFF
# SeedSequence's constants (32-bit words, held in 64-bit integers here).
_INIT_A = np.uint64(0x43B0D7E5)
_MULT_A = np.uint64(0x931E8875)
_INIT_B = np.uint64(0x8B51F9DD)
_MULT_B = np.uint64(0x58F38DED)
_MIX_MULT_L = np.uint64(0xCA01F9DD)
_MIX_MULT_R = np.uint64(0x4973F715)
_M32 = np.uint64(_MASK)
_XSHIFT = np.uint64(16)


def _words(values: tuple[int, ...]) -> UintArray:
    """The 32-bit words ``SeedSequence`` makes of non-negative integers (0 is one word)."""
    words: list[int] = []
    for value in values:
        words.append(value & _MASK)
        value >>= 32
        while value > 0:
            words.append(value & _MASK)
            value >>= 32
    return np.array(words, dtype=np.uint64)


class SeedPool:
    """``SeedSequence(seed, spawn_key=prefix + key)`` for any ``key``, from one shared prefix.

    Parameters
    ----------
    seed
        The root seed (``entropy``), >= 0.
    prefix
        The first entries of every spawn key made from this pool (each >= 0).
    """

    def __init__(self, seed: int, prefix: tuple[int, ...]) -> None:
        self._pool = _with_words(_seed_pool(seed), prefix) if prefix else _seed_pool(seed)

    def generator(self, key: tuple[int, ...]) -> np.random.Generator:
        """``Generator(PCG64(SeedSequence(seed, spawn_key=prefix + key)))``.

        ``key`` is non-empty, each entry >= 0.
        """
        # NumPy's bit generators take any ISeedSequence; its type stubs name only SeedSequence.
        hashed = _Hashed(_with_words(self._pool, key))
        return np.random.Generator(np.random.PCG64(hashed))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=64)
def _seed_pool(seed: int) -> UintArray:
    """The pool after the seed's words (padded as SeedSequence pads them with a spawn key).

    Shared: never changed (the pools made from it are copies).
    """
    run = _words((seed,))
    if run.size < POOL_SIZE:
        run = np.concatenate([run, np.zeros(POOL_SIZE - run.size, dtype=np.uint64)])
    return _mixed(run)


def _with_words(pool: UintArray, values: tuple[int, ...]) -> UintArray:
    """A copy of ``pool`` with the words of ``values`` (non-empty, each >= 0) mixed in."""
    return _absorbed(pool, _words(values))


class _Hashed(ISeedSequence):
    """A ``SeedSequence`` reduced to its hashed pool: what a bit generator asks of it."""

    __slots__ = ("_pool",)

    def __init__(self, pool: UintArray) -> None:
        self._pool = pool

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> npt.NDArray[Any]:
        """As ``SeedSequence.generate_state``: ``n_words`` words of ``dtype`` (uint32 or uint64)."""
        if dtype is np.uint64 or np.dtype(dtype) == np.dtype(np.uint64):  # PCG64's request
            return _state_words64(self._pool, n_words)
        if np.dtype(dtype) == np.dtype(np.uint32):
            return _state_words(self._pool, n_words).astype(np.uint32)
        raise ValueError("only support uint32 or uint64")


@njit(cache=True)
def _hashmix(value: np.uint64, hash_const: UintArray) -> np.uint64:
    value ^= hash_const[0]
    hash_const[0] = (hash_const[0] * _MULT_A) & _M32
    value = (value * hash_const[0]) & _M32
    return value ^ (value >> _XSHIFT)


@njit(cache=True)
def _mix(x: np.uint64, y: np.uint64) -> np.uint64:
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
    return np.uint64(result ^ (result >> _XSHIFT))


@njit(cache=True)
def _mixed(entropy: UintArray) -> UintArray:
    """``SeedSequence.mix_entropy`` of ``entropy`` (>= ``POOL_SIZE`` words).

    Returns the pool and, after it, the hash constant reached (to go on with).
    """
    pool = np.zeros(POOL_SIZE + 1, dtype=np.uint64)
    hash_const = pool[POOL_SIZE:]
    hash_const[0] = _INIT_A
    for i in range(POOL_SIZE):
        pool[i] = _hashmix(entropy[i], hash_const)
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], hash_const))
    return _absorb(pool, entropy[POOL_SIZE:])


@njit(cache=True)
def _absorb(pool: UintArray, words: UintArray) -> UintArray:
    """Mix each of ``words`` into every word of ``pool`` (in place; returned)."""
    hash_const = pool[POOL_SIZE:]
    for k in range(words.shape[0]):
        for i_dst in range(POOL_SIZE):
            pool[i_dst] = _mix(pool[i_dst], _hashmix(words[k], hash_const))
    return pool


@njit(cache=True)
def _absorbed(pool: UintArray, words: UintArray) -> UintArray:
    """A copy of ``pool`` with ``words`` mixed in."""
    return _absorb(pool.copy(), words)


@njit(cache=True)
def _state_words(pool: UintArray, n_words: int) -> UintArray:
    """``SeedSequence.generate_state``'s ``n_words`` 32-bit words (held in 64-bit integers)."""
    hash_const = _INIT_B
    state = np.zeros(n_words, dtype=np.uint64)
    for i_dst in range(n_words):
        value = pool[i_dst % POOL_SIZE] ^ hash_const
        hash_const = (hash_const * _MULT_B) & _M32
        value = (value * hash_const) & _M32
        state[i_dst] = value ^ (value >> _XSHIFT)
    return state


@njit(cache=True)
def _state_words64(pool: UintArray, n_words: int) -> UintArray:
    """The state words as 64-bit words: pairs of 32-bit ones, the first the low half."""
    words = _state_words(pool, 2 * n_words)
    state = np.zeros(n_words, dtype=np.uint64)
    for i in range(n_words):
        state[i] = words[2 * i] | (words[2 * i + 1] << np.uint64(32))
    return state
