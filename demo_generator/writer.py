"""Arrow helpers and deterministic landing-file writers (Parquet per month, CSV, CSV.gz)."""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

TIMESTAMP = pa.timestamp("us", tz="UTC")


def prefixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded number, e.g. ``c000123`` (wider numbers are never truncated)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def codes_to_strings(codes: np.ndarray, vocabulary: Sequence[str] | pa.Array) -> pa.Array:
    """Integer codes into a vocabulary as a plain string array; negative codes become null."""
    dictionary = vocabulary if isinstance(vocabulary, pa.Array) else pa.array(list(vocabulary))
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()


def timestamps(seconds: np.ndarray, null_below: int | None = None) -> pa.Array:
    """Epoch seconds as UTC timestamps; values below ``null_below`` become null."""
    mask = None if null_below is None else seconds < null_below
    return pa.array(seconds.astype(np.int64) * 1_000_000, type=TIMESTAMP, mask=mask)


def month_keys(seconds: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of epoch-second times."""
    return seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)


def month_label(key: int) -> str:
    return str(np.datetime64(int(key), "M"))


def month_groups(month_of_row: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """``(YYYY-MM, row indices)`` per calendar month, months ascending, rows in input order."""
    order = np.argsort(month_of_row, kind="stable")
    months = month_of_row[order]
    bounds = np.flatnonzero(np.r_[True, months[1:] != months[:-1], True])
    return [(month_label(months[lo]), order[lo:hi]) for lo, hi in itertools.pairwise(bounds)]


def write_parquet(table: pa.Table, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def _csv_ready(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 with ``Z``; dates as ``YYYY-MM-DD``."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type):
            naive = pc.cast(column, pa.timestamp("s"))
            column = pc.strftime(naive, format="%Y-%m-%dT%H:%M:%SZ")
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(table: pa.Table, path: Path) -> int:
    """CSV (RFC 4180, header row); gzip-compressed when ``path`` ends in ``.gz``.

    The gzip header carries no file name or mtime, so equal tables give equal bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    pacsv.write_csv(_csv_ready(table), buffer, write_options=options)
    data = buffer.getvalue()
    if path.suffix == ".gz":
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    return table.num_rows
