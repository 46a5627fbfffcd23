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
from pathlib import Path

import pytest
from pool_workers import answers_of_pool_workers

from simulator.experiments.allocator import (
    permitted,
    user_malloc_settings,
)
from simulator.experiments.executors import DaskBackend


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


_CHUNK = textwrap.dedent(
    """
    import sys, tempfile
    from simulator.cli import main
    from simulator.experiments import tasks
    from simulator.experiments.allocator import freed_memory_kept, permit

    if "own" in sys.argv:
        permit()
    if "world-sized" in sys.argv:
        tasks.HOLD_BYTES = 0  # every replication counts as too large to hold
    with tempfile.TemporaryDirectory() as out:
        main(["batch", sys.argv[1], "--replications", "2", "--workers", "1",
              "--out", out + "/results", "--quiet"])
    print(freed_memory_kept())
    """
)


def _kept_after_a_batch(*words: str) -> bool:
    """In a fresh interpreter: a two-replication batch in process, then whether memory is kept."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.pop("GLIBC_TUNABLES", None)
    done = subprocess.run(
        [sys.executable, "-c", _CHUNK, str(_EXPERIMENT), *words],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout.split()[-1] == "True"


_EXPERIMENT = Path(__file__).resolve().parents[1] / "scenarios" / "experiments" / "gallium-kj.yaml"


@glibc_only
def test_a_process_of_ours_keeps_freed_memory_once_it_runs_small_replications() -> None:
    assert _kept_after_a_batch("own")


@glibc_only
def test_world_sized_replications_keep_glibcs_defaults() -> None:
    assert not _kept_after_a_batch("own", "world-sized")


@glibc_only
def test_the_library_leaves_the_callers_allocator_alone() -> None:
    """A batch run from a caller's process (not the command line's entry point) sets nothing."""
    assert not _kept_after_a_batch()


@glibc_only
@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_pool_workers_are_the_simulators_own() -> None:
    assert answers_of_pool_workers(permitted) == {True}


@glibc_only
@pytest.mark.slow
def test_the_workers_of_the_local_dask_cluster_are_the_simulators_own() -> None:
    """Dask's nannies start them with its trim threshold set; a small chunk may still tune them."""

    def tuned_then_mapped_for_a_mebibyte() -> tuple[bool, int]:  # in a worker, pickled by value
        import ctypes

        import numpy as np

        from simulator.experiments.allocator import keep_freed_memory

        class Info(ctypes.Structure):
            _fields_ = [(f"f{i}", ctypes.c_size_t) for i in range(10)]  # struct mallinfo2

        mallinfo2 = ctypes.CDLL(None).mallinfo2
        mallinfo2.restype = Info
        kept = keep_freed_memory()
        before = mallinfo2().f4  # hblkhd: bytes in blocks mapped on their own
        block = np.ones(2**20 // 8)
        mapped = int(mallinfo2().f4 - before)
        del block
        return kept, mapped

    backend = DaskBackend("local", 2)
    executor = backend.open()
    try:
        answers = backend._client.run(tuned_then_mapped_for_a_mebibyte)
    finally:
        backend.close(executor)
    assert sorted(answers.values()) == [(True, 0), (True, 0)]
