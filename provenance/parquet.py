"""Arrow record batches written as Parquet files (``provenance sql --parquet``, ``provenance export``):
the one module that imports pyarrow.

Why not DuckDB's own ``COPY … TO 'x.parquet'``: the store's connection has external access off and
its configuration locked (a user's query must never reach a file), so DuckDB can write no file. The
store streams the rows out as Arrow record batches instead, and pyarrow writes them here, a batch at
a time (memory stays bounded however large the table), to a temporary file renamed into place (an
interrupted write never leaves half a file under the name).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputError

__all__ = ["write_parquet", "PARQUET_COMPRESSION"]

#: Parquet's compression codec here: zstd, readable by pandas, polars, Spark and DuckDB.
PARQUET_COMPRESSION = "zstd"


def write_parquet(batches: Any, path: str | os.PathLike[str]) -> int:
    """Write a ``pyarrow.RecordBatchReader`` to ``path`` as Parquet; returns the rows written.
    INTERVAL columns (Arrow's month-day-nano intervals, which Parquet cannot hold) are written as
    their length in seconds (DOUBLE). Raises :class:`InputError` naming the path when it cannot be
    written."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    schema = _parquet_schema(batches.schema)
    rows = 0
    try:
        with pq.ParquetWriter(temporary, schema, compression=PARQUET_COMPRESSION) as writer:
            for batch in batches:
                writer.write_batch(_converted(batch, schema))
                rows += batch.num_rows
        os.replace(temporary, target)
    except (OSError, pa.ArrowException) as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(str(target), f"cannot write Parquet: {exc}") from None
    return rows


def _parquet_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.float64()) if _is_interval(f.type) else f for f in schema])


def _is_interval(kind: pa.DataType) -> bool:
    return kind == pa.month_day_nano_interval()


def _converted(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    if schema == batch.schema:
        return batch
    columns = [_interval_seconds(column) if _is_interval(column.type) else column for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _interval_seconds(column: pa.Array) -> pa.Array:
    """Month-day-nano intervals as seconds (a month taken as 30 days, as DuckDB's epoch() does)."""
    values = [None if v is None else v.months * 30 * 86400 + v.days * 86400 + v.nanoseconds / 1e9
              for v in column.to_pylist()]
    return pa.array(values, type=pa.float64())
