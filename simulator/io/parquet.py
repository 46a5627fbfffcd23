"""Writing result tables as Parquet files, atomically.

A result file is written under a temporary name beginning with ``.`` in the
same folder, then renamed into place, so an interrupted write never leaves a
half-written file under the final name.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_parquet_atomic"]


def write_parquet_atomic(table: pd.DataFrame | pa.Table, path: str | Path) -> Path:
    """Write ``table`` to ``path`` (Parquet); the file appears whole or not at all.

    An Arrow table is written as is (pandas is not imported for it).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    arrow = (
        table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(arrow, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
