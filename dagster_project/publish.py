"""Publish the warehouse's ``mart`` schema as a separate, atomically switched DuckDB file.

The published file is ``<data-dir>/support_kpi.duckdb`` (``settings.MART_FILE_NAME``): DuckDB
names the catalog of a file after the file, so the file opened directly has catalog
``support_kpi`` and schema ``mart``, and ``select * from mart.kpi_scorecard_monthly`` is
unambiguous in any client. (Versions before issue 12 published ``mart.duckdb``, whose catalog and
schema were both ``mart``: the same query failed with "Ambiguous reference to catalog or schema".)

The new mart is written to a temporary file beside the target, checkpointed (no ``.wal`` left),
fsynced and moved over ``support_kpi.duckdb`` with ``os.replace``. A reader that already has the
old file open keeps reading the old inode; the next reader opens the new version. The published
file is never written in place, so a failed publish leaves the previous version untouched.

A killed publish leaves at most a stray temporary file (``.support_kpi.duckdb.<pid>.tmp`` and its
``.wal``): the next publish removes every such file before writing its own. Publishing always
runs under the warehouse lock, so no other publish can be writing one at that moment.

After a successful publish the mart an older version left in the same folder (``mart.duckdb``,
recognised by its ``mart._publication`` table, and its stray temporary files) is removed: it
would never be updated again, and a reader still pointed at it would silently see old numbers.

After an incremental dbt build the temporary file starts as a copy of the published mart instead
of an empty file, and only what the build changed is written into it: each incremental mart table
(dbt ``meta.affected_by``: the same declaration its pre-hook deletes by) loses the rows of its
affected keys and gets the warehouse's rows of those keys; every other table is copied whole.
Rows of other keys are the same in the warehouse and the published mart: they were only written by
builds that published them. The result is the same mart as a whole copy (``support-kpi checksum``);
``tests/test_incremental.py`` compares it with a full refresh after every arrival sequence.

The Spark engine publishes the same file as views over Parquet files instead (publish_parquet.py);
a DuckDB publish after it removes those files.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.settings import LEGACY_MART_FILE_NAME
from dagster_project.testing.faults import pause_point

MART_SCHEMA = "mart"
_NEW = "new_mart"
# Relations dbt-duckdb's table materialisation leaves behind when it is killed between its
# commit and dropping the backup: never part of the published mart.
_DBT_LEFTOVER_SUFFIXES = ("__dbt_backup", "__dbt_tmp")


@dataclass(frozen=True)
class PublishResult:
    mart_path: Path
    table_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    removed_legacy: tuple[Path, ...] = ()
    # True when the file started as a copy of the published mart and took only the changed rows
    changed_rows_only: bool = False
    # Why the dashboard of this mart could not be built (None: it was built)
    dashboard_error: str | None = None


@dataclass(frozen=True)
class ChangedRows:
    """The rows of an incremental mart table a dbt build recomputed: those whose ``key`` columns
    are in the warehouse relation ``affected`` (the model's ``meta.affected_by``)."""

    key: tuple[str, ...]
    affected: str

    def predicate(self) -> str:
        columns = ", ".join(quote_identifier(column) for column in self.key)
        return f"({columns}) in (select {columns} from warehouse.{self.affected})"


def changed_rows_of_mart(manifest_path: Path) -> dict[str, ChangedRows]:
    """``{mart table: ChangedRows}`` for every incremental model of the mart schema, read from the
    ``meta.affected_by`` declarations in dbt's manifest (dbt_project/macros/affected_rows.sql)."""
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    models = {node["name"]: node for node in nodes if node["resource_type"] == "model"}
    changed: dict[str, ChangedRows] = {}
    for node in models.values():
        affected_by = node["config"].get("meta", {}).get("affected_by")
        if node["schema"] != MART_SCHEMA or node["config"]["materialized"] != "incremental" or not affected_by:
            continue
        affected = models[affected_by["model"]]
        changed[node["alias"]] = ChangedRows(
            key=tuple(affected_by["key"]),
            affected=f"{quote_identifier(affected['schema'])}.{quote_identifier(affected['alias'])}",
        )
    return changed


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` (text as UTF-8) so that a reader (or a kill) sees the old or
    the new content, never a truncated file: write a hidden temporary file beside it (the loader
    never picks up dot-files), fsync, ``os.replace``, fsync the folder."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp_path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp_path, path)
    fsync_path(path.parent)


def parquet_root(mart_path: Path) -> Path:
    """``<data-dir>/support_kpi_parquet``: the Parquet publications behind a views file
    (publish_parquet.py, the Spark engine's mart)."""
    return mart_path.with_name(mart_path.stem + "_parquet")


def stale_temp_files(mart_path: Path) -> list[Path]:
    """Temporary mart files (and their WALs) left behind by earlier, killed publishes."""
    return sorted(mart_path.parent.glob(f".{mart_path.name}.*.tmp*"))


def publish_mart(
    warehouse_path: Path,
    mart_path: Path,
    run_id: str = "",
    changed_rows: Mapping[str, ChangedRows] | None = None,
) -> PublishResult:
    """Copy every table of ``mart`` from the warehouse into a new file and switch it in.

    With ``changed_rows`` (after an incremental build of the published mart's warehouse) the new
    file starts as a copy of the published one and those tables take only their changed rows.
    Call it under the warehouse lock: it removes the temporary files of any earlier publish.
    """
    started = time.monotonic()
    tmp_path = mart_path.with_name(f".{mart_path.name}.{os.getpid()}.tmp")
    for leftover in stale_temp_files(mart_path):
        leftover.unlink(missing_ok=True)

    table_rows: dict[str, int] = {}
    incremental = changed_rows is not None and mart_path.is_file()
    if incremental:
        shutil.copyfile(mart_path, tmp_path)
    # Work through aliases: the temporary file's own catalog name would be derived from its
    # (hidden, pid-stamped) file name.
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{tmp_path}' as {_NEW}")
        con.execute(f"attach '{warehouse_path}' as warehouse (read_only)")
        tables = mart_tables(con, "warehouse")
        if not tables:
            raise RuntimeError(f"{warehouse_path}: schema '{MART_SCHEMA}' has no tables to publish")
        con.execute(f"create schema if not exists {_NEW}.{MART_SCHEMA}")
        previous = _columns_by_table(con, _NEW) if incremental else {}
        current = _columns_by_table(con, "warehouse")
        for stale in sorted(set(previous) - set(tables)):
            con.execute(f"drop table {_NEW}.{MART_SCHEMA}.{quote_identifier(stale)}")
        for table in tables:
            target = f"{_NEW}.{MART_SCHEMA}.{quote_identifier(table)}"
            source = f"warehouse.{MART_SCHEMA}.{quote_identifier(table)}"
            rows = (changed_rows or {}).get(table)
            if rows is not None and previous.get(table) == current[table]:
                con.execute(f"delete from {target} where {rows.predicate()}")
                con.execute(f"insert into {target} select * from {source} where {rows.predicate()}")
            else:
                con.execute(f"drop table if exists {target}")
                con.execute(f"create table {target} as select * from {source}")
            table_rows[table] = con.execute(f"select count(*) from {target}").fetchone()[0]
        finish_mart_file(con, _NEW, run_id, len(tables))
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        raise
    con.close()

    switch_in(tmp_path, mart_path)
    removed = remove_legacy_mart(mart_path)
    # The Parquet files of a mart the Spark engine published before: no views point at them now.
    shutil.rmtree(parquet_root(mart_path), ignore_errors=True)
    return PublishResult(
        mart_path=mart_path,
        table_rows=table_rows,
        seconds=time.monotonic() - started,
        removed_legacy=removed,
        changed_rows_only=incremental,
    )


def finish_mart_file(con: duckdb.DuckDBPyConnection, catalog: str, run_id: str, table_count: int) -> None:
    """Record the publication in the new mart file (attached as ``catalog`` beside the attached
    ``warehouse``), checkpoint it (no ``.wal`` left) and detach both."""
    con.execute(
        f"create or replace table {catalog}.{MART_SCHEMA}._publication as "
        "select ?::varchar as run_id, ?::timestamp as published_at, ?::integer as table_count",
        [run_id, datetime.now(UTC).replace(tzinfo=None), table_count],
    )
    con.execute("detach warehouse")
    con.execute(f"checkpoint {catalog}")
    con.execute(f"detach {catalog}")


def switch_in(tmp_path: Path, mart_path: Path) -> None:
    """Move the finished temporary mart file over the published one (fsynced before and after)."""
    fsync_path(tmp_path)
    pause_point("publish_tmp")
    os.replace(tmp_path, mart_path)
    fsync_path(mart_path.parent)
    pause_point("publish_replaced")


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    """The tables of the mart schema of an attached catalog, by name, without dbt's leftovers."""
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by table_name",
            [catalog, MART_SCHEMA],
        ).fetchall()
        if not row[0].endswith(_DBT_LEFTOVER_SUFFIXES)
    ]


def _columns_by_table(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    """``{table: [(column, type), ...]}`` of the mart schema of an attached catalog."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? order by table_name, column_index",
        [catalog, MART_SCHEMA],
    ).fetchall():
        columns.setdefault(table, []).append((column, data_type))
    return columns


def _is_published_mart(path: Path) -> bool:
    """True when ``path`` is a DuckDB file this pipeline published (it has ``mart._publication``)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as legacy (read_only)")
        found = con.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = 'legacy' and schema_name = ? and table_name = '_publication'",
            [MART_SCHEMA],
        ).fetchone()[0]
        return found == 1
    except duckdb.Error:
        return False  # not a DuckDB file, or held by a writer: not ours to remove
    finally:
        con.close()


def remove_legacy_mart(mart_path: Path) -> tuple[Path, ...]:
    """Remove the ``mart.duckdb`` an older version published beside ``mart_path`` (only if it is
    a mart this pipeline published) and that version's stray temporary files. Returns what was
    removed. A reader holding the old file open keeps its inode until it closes it."""
    legacy = mart_path.with_name(LEGACY_MART_FILE_NAME)
    if legacy == mart_path:
        return ()
    removed = list(stale_temp_files(legacy))
    if legacy.is_file() and _is_published_mart(legacy):
        removed.append(legacy)
    for path in removed:
        path.unlink(missing_ok=True)
    if removed:
        fsync_path(mart_path.parent)
    return tuple(removed)


def open_mart(mart_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published mart read-only with ``mart.<table>`` resolving to its schema ``mart``.
    Attached under the alias ``published`` so that this holds for a mart file of any name (the
    published ``support_kpi.duckdb`` also works opened directly: ``duckdb.connect(path,
    read_only=True)``)."""
    if not mart_path.exists():
        raise FileNotFoundError(f"{mart_path}: no published mart yet (run `support-kpi run` first)")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{mart_path}' as published (read_only)")
    con.execute("use published")
    return con
