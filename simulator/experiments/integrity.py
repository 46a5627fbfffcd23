"""Keeping a results folder whole: one batch at a time, verified chunks, honest completeness.

* :func:`batch_lock` — an exclusive OS file lock (``fcntl.flock``) on the
  results folder itself (its directory descriptor), held for the whole batch.
  A second batch on the same folder is refused before it touches anything;
  the lock goes with the process, so a batch killed with ``kill -9`` leaves no
  stale lock behind, and no lock file is left in the results.
* :class:`ChunkJournal` — each chunk file's row count and SHA-256, appended to
  ``OUT/chunks.jsonl`` (and fsynced) as soon as the file is in place, and
  copied into the manifest's ``chunks`` when the batch stops.  Appending keeps
  the cost per chunk constant whatever the number of chunks, where rewriting
  the manifest after every chunk would grow with it.  On resume every chunk
  already written is checked against its record (:func:`chunk_problem`); a
  truncated, corrupt or unrecorded one is recomputed.
* :func:`discard_untrusted` — on resume, every written chunk whose files do
  not match their records is removed (with a message), so it runs again.
* :func:`completeness_problems` — what a reader of the folder must know before
  trusting it: a batch that did not complete, variants with fewer
  replications than planned, missing chunk files.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from simulator.experiments.store import JOURNAL

if TYPE_CHECKING:
    from simulator.experiments.plan import Variant
    from simulator.experiments.store import ResultsLayout

__all__ = [
    "JOURNAL",
    "ChunkJournal",
    "FolderBusyError",
    "batch_lock",
    "chunk_problem",
    "completeness_problems",
    "discard_untrusted",
    "file_record",
    "missing_chunks",
]

# JOURNAL: one JSON line per chunk file written: {"file", "rows", "bytes", "sha256"}.


class FolderBusyError(Exception):
    """Another batch holds the results folder's lock (exit code 3)."""


@contextmanager
def batch_lock(out: Path) -> Iterator[None]:
    """Hold the exclusive lock of results folder ``out`` (created if needed) while inside.

    Raises
    ------
    FolderBusyError
        Another process holds the lock: a batch is writing to ``out``.
    """
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise FolderBusyError(
                    f"cannot lock {out} ({error.strerror or error}): its file system does not"
                    " support file locks, so a second batch could not be kept out; choose an"
                    " --out on a local disk"
                ) from None
            raise FolderBusyError(
                f"{out} is in use by another batch; nothing was changed. Wait for it to"
                " finish, or choose another --out"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def file_record(path: Path, rows: int) -> dict[str, Any]:
    """What a chunk file is recorded as: its row count, size and SHA-256."""
    data = path.read_bytes()
    return {"rows": rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def chunk_problem(path: Path, record: Mapping[str, Any] | None) -> str | None:
    """Why the chunk file ``path`` cannot be trusted, or None when it matches ``record``."""
    if record is None:
        return "it has no record of its row count and checksum (written, then interrupted?)"
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"it cannot be read ({error.strerror or error})"
    if len(data) != record.get("bytes"):
        return f"it holds {len(data)} bytes, not the {record.get('bytes')} written (truncated?)"
    if hashlib.sha256(data).hexdigest() != record.get("sha256"):
        return "its checksum differs from the one recorded when it was written (corrupt)"
    try:
        rows = pq.ParquetFile(path).metadata.num_rows
    except Exception as error:  # pyarrow raises several types for a damaged file
        return f"it is not a readable Parquet file ({error})"
    if rows != record.get("rows"):
        return f"it holds {rows} rows, not the {record.get('rows')} written"
    return None


class ChunkJournal:
    """The records of the chunk files of results folder ``out``, keyed by relative path."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / JOURNAL
        self.records: dict[str, dict[str, Any]] = {}

    def load(self, manifest: Mapping[str, Any] | None = None) -> None:
        """Read the journal, after the records a previous manifest holds.

        A last line cut short by a crash is ignored (its chunk is then
        unrecorded, so recomputed).
        """
        previous = (manifest or {}).get("chunks")
        if isinstance(previous, dict):
            self.records.update({str(k): v for k, v in previous.items() if isinstance(v, dict)})
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                self.records[entry["file"]] = {k: v for k, v in entry.items() if k != "file"}

    def key(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()

    def record(self, path: Path, rows: int) -> None:
        """Record chunk file ``path`` (already in place) with ``rows`` rows; durable on return."""
        entry = file_record(path, rows)
        self.records[self.key(path)] = entry
        line = json.dumps({"file": self.key(path), **entry}) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def problem(self, path: Path) -> str | None:
        """Why ``path`` cannot be trusted (see :func:`chunk_problem`)."""
        return chunk_problem(path, self.records.get(self.key(path)))

    def forget(self, path: Path) -> None:
        self.records.pop(self.key(path), None)

    def reset(self) -> None:
        """Start an empty journal (a folder being cleared)."""
        self.records.clear()
        self.path.unlink(missing_ok=True)


def discard_untrusted(
    layout: ResultsLayout,
    journal: ChunkJournal,
    chunks: Iterable[tuple[Variant, int, int]],
    daily: bool,
    log: Callable[[str], None] | None,
) -> None:
    """Remove every written chunk whose files do not match their records, so it runs again.

    A chunk's files are its summary and, with ``daily``, its daily rows; each
    is checked against ``journal`` (:func:`chunk_problem`).  The first problem
    found is told to ``log`` (else printed to stderr as a warning), and the
    chunk's files, records and failures are removed.
    """
    for variant, first, last in chunks:
        summary = layout.summary(variant.name, first, last)
        if not summary.exists():
            continue
        files = [summary]
        if daily:
            files.append(layout.daily(variant.name, first, last))
        problems = [(f, journal.problem(f)) for f in files]
        bad = [(f, p) for f, p in problems if p is not None]
        if not bad:
            continue
        file, problem = bad[0]
        message = (
            f"chunk {first}-{last} of variant {variant.name}: {file.relative_to(layout.out)}:"
            f" {problem}; recomputing it"
        )
        if log is not None:
            log(message)
        else:
            print(f"warning: {message}", file=sys.stderr)
        for path in (summary, layout.daily(variant.name, first, last)):
            path.unlink(missing_ok=True)
            journal.forget(path)
        layout.chunk_failures(variant.name, first, last).unlink(missing_ok=True)


def missing_chunks(out: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Summary chunk files the manifest's variants, replications and chunk size imply but
    ``out`` lacks (paths relative to ``out``)."""
    from simulator.experiments.seeding import chunk_bounds
    from simulator.experiments.store import ResultsLayout

    replications, size = manifest.get("replications"), manifest.get("chunk_size")
    if not isinstance(replications, int) or not isinstance(size, int) or size < 1:
        return []
    layout = ResultsLayout(out)
    bounds = chunk_bounds(replications, size)
    return [
        layout.summary(str(v), first, last).relative_to(out).as_posix()
        for v in manifest.get("variants") or []
        for first, last in bounds
        if not layout.summary(str(v), first, last).exists()
    ]


def completeness_problems(
    manifest: Mapping[str, Any], present: Mapping[str, int], missing_chunks: list[str]
) -> list[str]:
    """Why the results may not be read as complete; empty when they may.

    Parameters
    ----------
    manifest : mapping
        The folder's manifest (``status``, ``variants``, ``replications``).
    present : mapping
        Variant → replications present in the summary table.
    missing_chunks : list of str
        Chunk files the manifest's plan implies but the folder lacks.
    """
    problems: list[str] = []
    status = manifest.get("status")
    if status != "complete":
        counts = manifest.get("counts") or {}
        failed = (counts.get("replications") or {}).get("failed") if isinstance(counts, dict) else 0
        detail = f", {failed} replications failed" if status == "failed" and failed else ""
        problems.append(f"the batch is not complete (manifest status {status!r}{detail})")
    planned = manifest.get("replications")
    for variant in manifest.get("variants") or []:
        have = present.get(str(variant), 0)
        if isinstance(planned, int) and have < planned:
            problems.append(f"variant {variant!r} has {have} of {planned} replications")
    if missing_chunks:
        shown = ", ".join(missing_chunks[:3]) + (" …" if len(missing_chunks) > 3 else "")
        problems.append(f"{len(missing_chunks)} chunk file(s) missing: {shown}")
    return problems
