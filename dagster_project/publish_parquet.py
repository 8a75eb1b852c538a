"""Publish the mart as Parquet files plus a DuckDB file of views over them (the Spark engine).

A data team on Spark keeps its mart as Parquet; readers (BI tools, `mf`, the dashboard, analysts'
SQL) still open ``<data-dir>/support_kpi.duckdb`` and query ``mart.<table>`` as with the DuckDB
engine. Layout::

    <data-dir>/support_kpi.duckdb                       views: mart.<table> over the files below
    <data-dir>/support_kpi_parquet/<publication>/<table>.parquet

The files are written from the warehouse's ``mart`` schema after the mart gate passed (the Spark
build's own Parquet tables are overwritten in place by the next build, gated or not: never what
readers see). One publication is one folder, named for its UTC time and process: written under a
hidden temporary name, fsynced, renamed, and only then is the views file switched in atomically
(``os.replace``, as ``publish.py`` does for the DuckDB engine). A failed publish leaves the
previous views file and its folder untouched.

The views read their folder by absolute path (DuckDB resolves a relative path against the reader's
working directory, not the file's): moving the data dir means publishing again. Each view casts a
column only where the Parquet round trip would change its type, so a view has the column names and
types of the warehouse table, and ``support-kpi checksum`` gives the same digest as a published
DuckDB mart of the same rows.

A reader holding the previous views file open keeps reading the previous folder: the publish
keeps the current and the previous publication and removes older ones (and the temporary folders
of killed publishes). ``mart._publication`` is a small table in the views file, as in a DuckDB mart.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.publish import (
    MART_SCHEMA,
    PublishResult,
    finish_mart_file,
    fsync_path,
    mart_tables,
    parquet_root,
    quote_identifier,
    remove_legacy_mart,
    stale_temp_files,
    switch_in,
)

_TMP_PREFIX = "."
_TMP_SUFFIX = ".tmp"
_VIEWS = "views_file"
KEPT_PUBLICATIONS = 2
_TEXT_IN_PARQUET = frozenset({"HUGEINT", "UHUGEINT"})


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _publication_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def _write_tables(con: duckdb.DuckDBPyConnection, tables: list[str], folder: Path) -> dict[str, int]:
    """Each warehouse mart table as ``<folder>/<table>.parquet``; {table: rows}."""
    folder.mkdir(parents=True)
    rows: dict[str, int] = {}
    for table in tables:
        target = folder / f"{table}.parquet"
        source = f"warehouse.{MART_SCHEMA}.{quote_identifier(table)}"
        # COPY answers with the number of rows it wrote: no second scan to count them
        rows[table] = con.execute(
            f"copy (select {_exact_columns(con, table)} from {source}) to {_literal(str(target))} "
            "(format parquet, compression zstd)"
        ).fetchone()[0]
        fsync_path(target)
    fsync_path(folder)
    return rows


def _warehouse_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'warehouse' "
        "and schema_name = ? and table_name = ? order by column_index",
        [MART_SCHEMA, table],
    ).fetchall()


def _exact_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The select list that writes a table to Parquet without loss: DuckDB writes HUGEINT as a
    DOUBLE, so 128-bit integers go as text (the view casts them back)."""
    return ", ".join(
        f"cast({quote_identifier(name)} as varchar) as {quote_identifier(name)}"
        if data_type in _TEXT_IN_PARQUET
        else quote_identifier(name)
        for name, data_type in _warehouse_columns(con, table)
    )


def view_sql(con: duckdb.DuckDBPyConnection, table: str, parquet_file: Path) -> str:
    """``create view mart.<table>`` over ``parquet_file`` with the warehouse table's column types."""
    wanted = _warehouse_columns(con, table)
    source = f"read_parquet({_literal(str(parquet_file))})"
    read = dict(con.execute(f"select column_name, column_type from (describe select * from {source})").fetchall())
    columns = []
    for name, data_type in wanted:
        column = quote_identifier(name)
        columns.append(column if read.get(name) == data_type else f"cast({column} as {data_type}) as {column}")
    view = f"{_VIEWS}.{MART_SCHEMA}.{quote_identifier(table)}"
    return f"create view {view} as select {', '.join(columns)} from {source}"


def publish_parquet_mart(warehouse_path: Path, mart_path: Path, run_id: str = "") -> PublishResult:
    """Write the warehouse's mart tables as a new publication folder of Parquet files, then switch
    in a views file over it. Call it under the warehouse lock."""
    started = time.monotonic()
    root = parquet_root(mart_path)
    root.mkdir(parents=True, exist_ok=True)
    for leftover in stale_temp_files(mart_path):
        leftover.unlink(missing_ok=True)
    for leftover in root.glob(f"{_TMP_PREFIX}*{_TMP_SUFFIX}"):
        shutil.rmtree(leftover)
    name = _publication_name()
    tmp_folder = root / f"{_TMP_PREFIX}{name}{_TMP_SUFFIX}"
    folder = root / name
    tmp_path = mart_path.with_name(f".{mart_path.name}.{os.getpid()}.tmp")

    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {_literal(str(warehouse_path))} as warehouse (read_only)")
        tables = mart_tables(con, "warehouse")
        if not tables:
            raise RuntimeError(f"{warehouse_path}: schema '{MART_SCHEMA}' has no tables to publish")
        table_rows = _write_tables(con, tables, tmp_folder)
        tmp_folder.rename(folder)
        fsync_path(root)
        con.execute(f"attach {_literal(str(tmp_path))} as {_VIEWS}")
        con.execute(f"create schema {_VIEWS}.{MART_SCHEMA}")
        for table in tables:
            con.execute(view_sql(con, table, folder / f"{table}.parquet"))
        finish_mart_file(con, _VIEWS, run_id, len(tables))
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        shutil.rmtree(tmp_folder, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    con.close()

    switch_in(tmp_path, mart_path)
    _remove_old_publications(root)
    return PublishResult(
        mart_path=mart_path,
        table_rows=table_rows,
        seconds=time.monotonic() - started,
        removed_legacy=remove_legacy_mart(mart_path),
    )


def _remove_old_publications(root: Path) -> None:
    """Keep the newest KEPT_PUBLICATIONS folders (the current one and the one a reader may still
    have open); the names sort by time."""
    publications = sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith(_TMP_PREFIX))
    for old in publications[:-KEPT_PUBLICATIONS]:
        shutil.rmtree(old)
