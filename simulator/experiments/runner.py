"""Running a plan: chunks to executors, rows to Parquet, a manifest that says how far it got.

:func:`run_batch` cuts every variant's replications into chunks (fixed
boundaries, see :func:`~simulator.experiments.seeding.chunk_bounds`), skips the
chunks already written in the results folder, runs the others on a backend's
executor and writes each chunk as it completes.  Whatever the backend, the
number of workers or the order chunks complete in, the files are the same.

A chunk whose worker dies is resubmitted, up to ``MAX_TRIES`` times in all (a
broken process pool is replaced first).  A replication that raises is a
:class:`~simulator.experiments.tasks.Failure`: the chunk completes without it,
the failure is written next to the chunk and into ``failures.json`` with the
command that reproduces it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from simulator.experiments.executors import Backend, InProcessBackend
from simulator.experiments.integrity import ChunkJournal, batch_lock, discard_untrusted
from simulator.experiments.plan import Plan, Variant
from simulator.experiments.seeding import CHUNK_SIZE, chunk_bounds
from simulator.experiments.store import (
    ResultsConflictError,
    ResultsLayout,
    prepare_folder,
    write_json_atomic,
    write_text_atomic,
)
from simulator.experiments.tasks import ChunkResult, run_chunk
from simulator.experiments.writer import (
    Chunk,
    ChunkWriter,
    LostChunk,
    build_manifest,
    chunk_replications,
    count_chunks,
    load_failures,
    now_utc,
    param_type,
)
from simulator.io.resolved import dump_scenario_yaml

__all__ = ["MAX_TRIES", "BatchResult", "Progress", "run_batch"]

MAX_TRIES = 3
"""Times a chunk is submitted before its replications are recorded as failed."""


class Progress(Protocol):
    """What :func:`run_batch` reports as it goes (replications, not chunks)."""

    def start(self, total: int, done: int) -> None:
        """``total`` replications in all, ``done`` of them already written."""

    def advance(self, replications: int) -> None:
        """``replications`` more are done (or failed)."""


@dataclass
class BatchResult:
    """How a batch went.

    Time spent by the chunks run this time, summed over chunks:
    ``compute_seconds`` (wall) and ``compute_cpu_seconds`` (CPU) inside
    ``simulate`` and the metrics, ``chunk_cpu_seconds`` the CPU time of the
    whole chunks in their workers.  ``wall_seconds`` and ``parent_cpu_seconds``
    are the wall and CPU time of this call in the calling process.
    """

    plan: Plan
    out: Path
    fingerprint: str
    manifest: dict[str, Any]
    failures: list[dict[str, Any]]
    chunks_total: int
    chunks_done: int
    chunks_skipped: int
    chunks_failed: int
    replications_total: int
    replications_done: int
    replications_failed: int
    wall_seconds: float
    compute_seconds: float
    compute_cpu_seconds: float
    chunk_cpu_seconds: float
    parent_cpu_seconds: float
    workers: int

    @property
    def ok(self) -> bool:
        """Whether every replication ran."""
        return self.replications_failed == 0 and self.chunks_done == self.chunks_total


def run_batch(
    plan: Plan,
    out: str | Path,
    *,
    backend: Backend | None = None,
    daily_every: int | None = None,
    overwrite: bool = False,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> BatchResult:
    """Run every chunk of ``plan`` not yet in ``out`` and write the results folder.

    Parameters
    ----------
    plan : Plan
        From :func:`~simulator.experiments.design.load_plan`.
    out : str or pathlib.Path
        The results folder (created if needed).
    backend : Backend, optional
        Where chunks run (default: in this process).
    daily_every : int, optional
        Also write the daily records of every ``daily_every``-th day.
    overwrite : bool
        Clear a results folder that holds another experiment (or this one).
    chunk_size : int, optional
        Replications per chunk; default the folder's when resuming, else
        :data:`~simulator.experiments.seeding.CHUNK_SIZE`.
    progress : Progress, optional
        Told the total and each chunk's replications as it completes.
    log : callable, optional
        Receives one-line messages (what runs where, what is resumed).

    Returns
    -------
    BatchResult

    Raises
    ------
    ResultsConflictError
        ``out`` holds other results and ``overwrite`` is false, or it was
        written with another chunk size.
    KeyboardInterrupt
        After recording in the manifest how far the batch got.
    """
    started, started_cpu = time.perf_counter(), time.process_time()
    backend = backend or InProcessBackend()
    if daily_every is not None and daily_every < 1:
        raise ValueError(f"expected daily_every >= 1, found {daily_every}")
    layout = ResultsLayout(out)
    if layout.out.exists() and not layout.out.is_dir():
        raise ResultsConflictError(f"{layout.out} is a file; expected a results folder (--out)")
    with batch_lock(layout.out):
        result = _run_locked(
            plan, layout, backend, daily_every, overwrite, chunk_size, progress, log
        )
    result.wall_seconds = time.perf_counter() - started
    result.parent_cpu_seconds = time.process_time() - started_cpu
    return result


def _run_locked(
    plan: Plan,
    layout: ResultsLayout,
    backend: Backend,
    daily_every: int | None,
    overwrite: bool,
    chunk_size: int | None,
    progress: Progress | None,
    log: Callable[[str], None] | None,
) -> BatchResult:
    """:func:`run_batch` once the folder's lock is held."""
    fingerprint = plan.fingerprint(daily_every=daily_every)
    previous = prepare_folder(layout.out, fingerprint, plan.name, overwrite=overwrite)
    if previous is not None:
        written = int(previous.get("chunk_size", CHUNK_SIZE))
        if chunk_size is not None and chunk_size != written:
            raise ResultsConflictError(
                f"{layout.out} was written with chunk size {written}, not {chunk_size};"
                f" resume with --chunk-size {written} (or leave it out), or use --overwrite"
            )
        chunk_size = written
    chunk_size = chunk_size or CHUNK_SIZE
    param_types = {p: param_type([v.params.get(p) for v in plan.variants]) for p in plan.parameters}
    journal = ChunkJournal(layout.out)
    journal.load(previous)
    writer = ChunkWriter(plan, layout, daily_every, param_types, journal)
    manifest = build_manifest(
        plan, layout, fingerprint, chunk_size, daily_every, backend, param_types
    )
    manifest["start_time"] = (previous or {}).get("start_time") or now_utc()
    manifest["resumed"] = int((previous or {}).get("resumed", -1)) + 1
    manifest["status"] = "running"
    write_json_atomic(layout.manifest, manifest)
    for v in plan.variants:
        write_text_atomic(layout.scenario(v.name), dump_scenario_yaml(v.scenario))

    bounds = chunk_bounds(plan.replications, chunk_size)
    chunks = [(v, first, last) for v in plan.variants for first, last in bounds]
    if previous is not None:
        discard_untrusted(layout, writer.journal, chunks, daily_every is not None, log)
    pending = [c for c in chunks if not layout.summary(c[0].name, c[1], c[2]).exists()]
    waiting = {(v.name, first) for v, first, _ in pending}
    load_failures(writer, [c for c in chunks if (c[0].name, c[1]) not in waiting])
    total = plan.replications * len(plan.variants)
    skipped = len(chunks) - len(pending)
    if log is not None:
        log(
            f"{plan.name}: {len(plan.variants)} variant(s) × {plan.replications} replications"
            f" in {len(chunks)} chunks of {chunk_size}, on {backend.description} → {layout.out}"
        )
        if skipped:
            log(f"resuming: {skipped} of {len(chunks)} chunks already written")
    if progress is not None:
        progress.start(total, total - chunk_replications(pending))

    lost: list[LostChunk] = []
    try:
        lost = _execute(writer, backend, pending, progress)
    except BaseException:
        manifest.update(
            status="interrupted",
            end_time=now_utc(),
            counts=count_chunks(writer, chunks, []),
            chunks=dict(journal.records),
        )
        # The disk may be full: then the manifest still says "running", and resume works.
        with contextlib.suppress(OSError):
            write_json_atomic(layout.manifest, manifest)
        raise
    writer.record_lost(lost)
    order = {v.name: i for i, v in enumerate(plan.variants)}
    failures = sorted(
        writer.failures.values(), key=lambda f: (order[f["variant"]], f["replication"])
    )
    counts = count_chunks(writer, chunks, lost)
    write_json_atomic(layout.failures, {"experiment": plan.name, "failures": failures})
    manifest.update(
        status="complete" if not failures else "failed",
        end_time=now_utc(),
        counts=counts,
        failures=failures,
        chunks=dict(journal.records),
    )
    write_json_atomic(layout.manifest, manifest)
    return BatchResult(
        plan=plan,
        out=layout.out,
        fingerprint=fingerprint,
        manifest=manifest,
        failures=failures,
        chunks_total=len(chunks),
        chunks_done=counts["chunks"]["done"],
        chunks_skipped=skipped,
        chunks_failed=counts["chunks"]["failed"],
        replications_total=total,
        replications_done=counts["replications"]["done"],
        replications_failed=counts["replications"]["failed"],
        wall_seconds=0.0,
        compute_seconds=writer.compute_seconds,
        compute_cpu_seconds=writer.compute_cpu_seconds,
        chunk_cpu_seconds=writer.chunk_cpu_seconds,
        parent_cpu_seconds=0.0,
        workers=backend.workers,
    )


def _execute(
    writer: ChunkWriter,
    backend: Backend,
    pending: list[Chunk],
    progress: Progress | None,
) -> list[LostChunk]:
    """Run ``pending`` chunks; returns those lost for good (chunk, last error, tries).

    A pool in other processes holds one chunk more than it has workers: the
    spare waits in its queue, so a worker that finishes a chunk starts the
    next at once instead of waiting for this process to hear of it and
    submit one (about 6 ms a chunk).  Workers also get their next chunks
    before this process writes the ones they returned.  A broken pool takes
    down its running chunks and the waiting one; each chunk lost is a suspect
    and runs alone next time, so a chunk that kills its worker every time
    uses up only its own tries, and the others lose one try each.
    """
    if not pending:
        return []
    queue = list(reversed(pending))
    suspects: list[Chunk] = []
    tries: dict[tuple[str, int], int] = {}
    lost: list[LostChunk] = []
    in_flight: dict[Future[ChunkResult], tuple[Variant, int, int]] = {}
    spare = 0 if backend.in_process else 1

    def fill() -> bool:
        """Submit queued chunks while the pool has room; False when the pool refused one."""
        while queue and len(in_flight) < max(1, backend.workers) + spare:
            if not submit(queue[-1]):
                return False
            queue.pop()
        return True

    def submit(chunk: tuple[Variant, int, int]) -> bool:
        """Submit ``chunk``; False when the pool broke before it could take it."""
        variant, first, last = chunk
        try:
            future = executor.submit(run_chunk, writer.task(variant, first, last))
        except BrokenExecutor:
            return False
        tries[(variant.name, first)] = tries.get((variant.name, first), 0) + 1
        in_flight[future] = chunk
        return True

    executor = backend.open()
    try:
        while queue or suspects or in_flight:
            refused = False
            if suspects:
                if not in_flight:
                    if submit(suspects[-1]):
                        suspects.pop()
                    else:
                        refused = True
            else:
                refused = not fill()
            if refused and not in_flight:
                # The pool broke (a worker died) between two submissions: replace it.
                executor = backend.reopen(executor)
                continue
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            broken = False
            returned: list[ChunkResult] = []
            for future in finished:
                chunk = in_flight.pop(future)
                variant, first, last = chunk
                try:
                    result = future.result()
                except Exception as error:
                    broken = broken or isinstance(error, BrokenExecutor)
                    count = tries[(variant.name, first)]
                    if count < MAX_TRIES:
                        suspects.append(chunk)
                    else:
                        lost.append((variant, first, last, error, count))
                        if progress is not None:
                            progress.advance(last - first + 1)
                    continue
                returned.append(result)
            if not (broken or suspects or backend.in_process):
                fill()  # (a refusal is met at the top of the loop)
            for result in returned:
                writer.write(result)
                if progress is not None:
                    progress.advance(result.last - result.first + 1)
            if broken:
                # The chunks still in the broken pool are lost with it.
                for future, chunk in in_flight.items():
                    future.cancel()
                    suspects.append(chunk)
                in_flight.clear()
                executor = backend.reopen(executor)
    except BaseException:
        for future in in_flight:
            future.cancel()
        backend.discard(executor)
        raise
    backend.close(executor)
    return lost
