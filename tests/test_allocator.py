"""The C allocator keeps the memory a replication frees for the next one, where it is ours.

Each behaviour is checked in a fresh interpreter, whose allocator nothing
else has set: glibc's own statistics (``mallinfo2``) say where a block came
from and what the heap kept after it was freed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap

import pytest
from pool_workers import answers_of_pool_workers

from simulator.experiments.allocator import (
    MMAP_THRESHOLD,
    TRIM_THRESHOLD,
    freed_memory_kept,
    user_malloc_settings,
)


def _glibc() -> bool:
    try:
        return sys.platform == "linux" and os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError):
        return False


glibc_only = pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")

_PROBE = textwrap.dedent(
    """
    import ctypes, json, sys
    import numpy as np
    from simulator.experiments.allocator import keep_freed_memory

    class Info(ctypes.Structure):  # glibc's struct mallinfo2
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = Info
    kept = keep_freed_memory() if sys.argv[1] == "keep" else False
    before = mallinfo2().hblkhd
    block = np.ones(2**20 // 8)  # 1 MiB: mapped on its own by default (over 128 KiB)
    mapped = mallinfo2().hblkhd - before
    big = np.ones(8 * 2**20 // 8)  # 8 MiB, then freed: kept in the heap, or given back
    del big
    free_in_heap = mallinfo2().fordblks
    print(json.dumps({"kept": kept, "mapped": mapped, "free_in_heap": free_in_heap}))
    """
)


def _probe(mode: str, **environment: str) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.pop("GLIBC_TUNABLES", None)
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, env=env, check=True
    )
    found: dict[str, int] = json.loads(done.stdout)
    return found


@glibc_only
def test_kept_blocks_under_16_mib_come_from_the_heap_and_stay_there_when_freed() -> None:
    kept = _probe("keep")
    assert kept["kept"]
    assert kept["mapped"] == 0  # the 1 MiB block came from the heap
    assert kept["free_in_heap"] >= 8 * 2**20  # the freed 8 MiB wait for the next replication


@glibc_only
def test_without_it_glibc_maps_the_block_and_gives_the_freed_memory_back() -> None:
    default = _probe("default")
    assert not default["kept"]
    assert default["mapped"] >= 2**20  # the 1 MiB block was mapped on its own
    assert default["free_in_heap"] < 8 * 2**20


@glibc_only
def test_a_users_own_malloc_setting_is_left_alone() -> None:
    assert not _probe("keep", MALLOC_TRIM_THRESHOLD_="131072")["kept"]
    assert not _probe("keep", GLIBC_TUNABLES="glibc.malloc.mmap_threshold=131072")["kept"]


def test_user_settings_are_recognised_by_name() -> None:
    assert not user_malloc_settings({})
    assert not user_malloc_settings({"GLIBC_TUNABLES": "glibc.pthread.rseq=0"})
    assert user_malloc_settings({"MALLOC_MMAP_THRESHOLD_": "1"})
    assert user_malloc_settings({"MALLOC_TOP_PAD_": "0"})
    assert user_malloc_settings({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"})


def test_the_thresholds_leave_a_world_sized_replication_mapped() -> None:
    """A world replication's arrays (hundreds of MiB) must still be returned when freed."""
    assert MMAP_THRESHOLD <= 16 * 2**20 <= TRIM_THRESHOLD <= 64 * 2**20


def test_the_library_leaves_the_callers_allocator_alone() -> None:
    """Importing and running the simulator in a caller's process sets nothing."""
    from simulator.engine import simulate
    from simulator.experiments import warm
    from simulator.model.scenario import Scenario

    simulate(Scenario.model_validate(warm.WARM_SCENARIO))
    assert not freed_memory_kept()


@glibc_only
@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_pool_workers_keep_freed_memory() -> None:
    assert answers_of_pool_workers(freed_memory_kept) == {True}
