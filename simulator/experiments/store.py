"""The results folder of a batch: manifest, Parquet chunks in a hive layout, resume.

Layout of ``OUT`` (variant names are percent-encoded in file and folder names,
``national/size_days=15`` → ``national%2Fsize_days%3D15``; plain names are
unchanged)::

    manifest.json                      what ran, with what, how far it got
    chunks.jsonl                       each chunk file's rows and SHA-256, as written
    failures.json                      replications that raised, and how to rerun them
    scenarios/VARIANT.yaml             each variant's resolved scenario
    summary/variant=VARIANT/chunk-000000-000049.parquet
    daily/variant=VARIANT/chunk-000000-000049.parquet     (with --daily every=K)
    failures/VARIANT/chunk-000000-000049.json             (chunks with failed replications)
    failures/VARIANT/replication-000007.yaml              (their scenarios, drawn values set)

Every file is written under a temporary name beginning with ``.`` and renamed
into place, so an interrupted batch never leaves a half-written file under a
final name; temporaries are removed when the batch resumes.  A chunk is done
when its summary file exists and matches its record in ``chunks.jsonl`` (see
:mod:`simulator.experiments.integrity`): its failures and daily files are
written first.

The summary table is queryable as a hive-partitioned dataset::

    pyarrow.dataset.dataset(OUT / "summary", partitioning="hive")
    duckdb: SELECT * FROM read_parquet('OUT/summary/**/*.parquet', hive_partitioning=true)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyarrow as pa

from simulator.io.parquet import write_parquet_atomic

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MANIFEST",
    "ResultsConflictError",
    "ResultsLayout",
    "encode_name",
    "load_results",
    "prepare_folder",
    "write_json_atomic",
    "write_text_atomic",
]

MANIFEST = "manifest.json"
FAILURES = "failures.json"
JOURNAL = "chunks.jsonl"
_OWNED = (MANIFEST, FAILURES, JOURNAL, "summary", "daily", "scenarios", "failures")


class ResultsConflictError(Exception):
    """The results folder holds something other than this batch's results (exit code 3)."""


def encode_name(name: str) -> str:
    """A variant name as one file-name segment: percent-encoded, as hive readers decode it.

    Examples
    --------
    >>> encode_name("national"), encode_name("national/size_days=15")
    ('national', 'national%2Fsize_days%3D15')
    """
    return quote(name, safe="")


def _chunk(first: int, last: int) -> str:
    return f"chunk-{first:06d}-{last:06d}"


class ResultsLayout:
    """Where each file of a results folder ``out`` lives."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)

    @property
    def manifest(self) -> Path:
        return self.out / MANIFEST

    @property
    def failures(self) -> Path:
        return self.out / FAILURES

    def summary(self, variant: str, first: int, last: int) -> Path:
        """The summary chunk of replications ``first … last`` of ``variant``."""
        return (
            self.out
            / "summary"
            / f"variant={encode_name(variant)}"
            / f"{_chunk(first, last)}.parquet"
        )

    def daily(self, variant: str, first: int, last: int) -> Path:
        """The daily chunk of replications ``first … last`` of ``variant``."""
        return (
            self.out
            / "daily"
            / f"variant={encode_name(variant)}"
            / f"{_chunk(first, last)}.parquet"
        )

    def chunk_failures(self, variant: str, first: int, last: int) -> Path:
        """The failed replications of a chunk (written only when there are some)."""
        return self.out / "failures" / encode_name(variant) / f"{_chunk(first, last)}.json"

    def scenario(self, variant: str) -> Path:
        """The resolved scenario of ``variant``."""
        return self.out / "scenarios" / f"{encode_name(variant)}.yaml"

    def failed_scenario(self, variant: str, replication: int) -> Path:
        """The scenario of one failed replication, with its drawn values set."""
        return self.out / "failures" / encode_name(variant) / f"replication-{replication:06d}.yaml"


def _is_temporary(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _temporary(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(name)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``; the file appears whole or not at all."""
    tmp = _temporary(path)
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path``, atomically.

    Standard JSON when possible; a value that is not finite (a scenario may
    hold ``.inf``) is written as ``Infinity``/``NaN``, which Python reads back.
    """
    try:
        text = json.dumps(data, indent=2, allow_nan=False)
    except ValueError:
        text = json.dumps(data, indent=2)
    write_text_atomic(path, text + "\n")


def write_table_atomic(path: Path, table: pa.Table) -> None:
    """Write an Arrow table as Parquet to ``path``, atomically."""
    write_parquet_atomic(table, path)


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of ``out``, or None when there is none (or it is unreadable)."""
    try:
        return parse_manifest(out)
    except (OSError, ValueError):
        return None


def parse_manifest(out: Path) -> dict[str, Any]:
    """The manifest of ``out``.

    Raises
    ------
    FileNotFoundError
        There is no manifest.
    OSError
        It cannot be read.
    ValueError
        It is not a JSON object with the keys of a manifest (the message says what is wrong).
    """
    path = out / MANIFEST
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} is not a regular file")
    text = path.read_bytes()
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} holds {type(data).__name__}, expected a JSON object")
    missing = [k for k in ("name", "variants", "replications") if k not in data]
    if missing:
        raise ValueError(f"{path} lacks the keys {missing}; it is not a manifest of supplyshock")
    if not isinstance(data["variants"], list) or not isinstance(data["replications"], int):
        raise ValueError(f"{path}: variants must be a list and replications an integer")
    return data


def clean_temporaries(out: Path) -> int:
    """Remove temporary files left by an interrupted batch; returns how many."""
    removed = 0
    for dirpath, _, filenames in os.walk(out):
        for filename in filenames:
            path = Path(dirpath) / filename
            if _is_temporary(path):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def prepare_folder(
    out: Path, fingerprint: str, name: str, *, overwrite: bool = False
) -> dict[str, Any] | None:
    """Make ``out`` ready for a batch; returns the previous manifest when resuming.

    * A missing or empty folder (temporaries aside) starts afresh.
    * A folder whose manifest has the same ``fingerprint`` resumes: temporaries
      are removed and the chunks already written are kept.
    * Anything else is refused, unless ``overwrite``: then a results folder
      (one with a manifest) is cleared first.  A non-empty folder without a
      manifest is never cleared.

    Raises
    ------
    ResultsConflictError
        The folder holds other results (or other files) and may not be cleared.
    """
    if out.exists() and not out.is_dir():
        raise ResultsConflictError(f"{out} is a file; expected a results folder (--out)")
    out.mkdir(parents=True, exist_ok=True)
    clean_temporaries(out)
    if not any(out.iterdir()):
        return None
    manifest = read_manifest(out)
    if manifest is None and (out / MANIFEST).exists():
        if overwrite:
            _clear(out)
            return None
        try:
            parse_manifest(out)
            reason = "it cannot be read"
        except (OSError, ValueError) as error:
            reason = str(error)
        raise ResultsConflictError(
            f"{out}: its manifest is damaged: {reason}; use --overwrite to clear this results"
            " folder, or --out to write elsewhere"
        )
    if manifest is None:
        raise ResultsConflictError(
            f"{out} is not empty and has no {MANIFEST}, so it is not a results folder of"
            " `supplyshock batch`; choose another --out (--overwrite clears only results folders)"
        )
    if manifest.get("fingerprint") == fingerprint and not overwrite:
        return manifest
    if not overwrite:
        old = str(manifest.get("fingerprint", ""))[:12]
        raise ResultsConflictError(
            f"{out} holds the results of a different experiment ({manifest.get('name')!r},"
            f" fingerprint {old}; this one is {name!r}, fingerprint {fingerprint[:12]};"
            " the fingerprint covers the experiment, its base scenario, --replications and"
            " --daily); use --overwrite to replace them, or --out to write elsewhere"
        )
    _clear(out)
    return None


def _clear(out: Path) -> None:
    """Remove what a batch writes in ``out`` (nothing else)."""
    for entry in _OWNED:
        path = out / entry
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _read_dataset(root: Path) -> pd.DataFrame:
    import pyarrow.dataset as ds

    partitioning = ds.partitioning(pa.schema([("variant", pa.string())]), flavor="hive")
    dataset = ds.dataset(root, format="parquet", partitioning=partitioning)
    frame: pd.DataFrame = dataset.to_table().to_pandas()
    return frame


def _ordered(frame: pd.DataFrame, variants: list[str]) -> pd.DataFrame:
    """Rows by variant (manifest order), then replication; a replication's rows keep their order."""
    import pandas as pd

    rank = {name: i for i, name in enumerate(variants)}
    keys = pd.DataFrame(
        {
            "rank": frame["variant"].map(lambda v: rank.get(v, len(rank))),
            "variant": frame["variant"],
            "replication": frame["replication"],
        }
    )
    order = keys.sort_values(["rank", "variant", "replication"], kind="mergesort").index
    return frame.loc[order].reset_index(drop=True)


def load_results(
    out_dir: str | Path,
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame | None]:
    """Read a results folder written by ``supplyshock batch``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The ``--out`` folder.

    Returns
    -------
    manifest : dict
        The parsed ``manifest.json``.
    summary : pandas.DataFrame
        One row per variant × replication × country-or-group × commodity, in
        manifest variant order then replication.  ``tts_days`` and ``ttr_days``
        are NaN where the run had none.
    daily : pandas.DataFrame or None
        The daily records, or None when the batch wrote none.

    Raises
    ------
    FileNotFoundError
        ``out_dir`` has no manifest or no summary chunks.
    """
    out = Path(out_dir)
    manifest = read_manifest(out)
    if manifest is None:
        raise FileNotFoundError(f"{out}: no readable {MANIFEST}; not a results folder")
    if not (out / "summary").is_dir():
        raise FileNotFoundError(f"{out}: no summary chunks (summary/variant=*/chunk-*.parquet)")
    variants = [str(v) for v in manifest.get("variants", [])]
    summary = _ordered(_read_dataset(out / "summary"), variants)
    daily = None
    if (out / "daily").is_dir():
        daily = _ordered(_read_dataset(out / "daily"), variants)
    return manifest, summary, daily
