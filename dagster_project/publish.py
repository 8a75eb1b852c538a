"""Publish the warehouse's ``mart`` schema as a separate, atomically switched DuckDB file.

The new mart is written to a temporary file beside the target, checkpointed (no ``.wal`` left),
fsynced and moved over ``mart.duckdb`` with ``os.replace``. A reader that already has the old file
open keeps reading the old inode; the next reader opens the new version. ``mart.duckdb`` is never
written in place, so a failed publish leaves the previous version untouched.

A killed publish leaves at most a stray temporary file (``.mart.duckdb.<pid>.tmp`` and its
``.wal``): the next publish removes every such file before writing its own. Publishing always
runs under the warehouse lock, so no other publish can be writing one at that moment.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.faults import pause_point

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


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
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
    _fsync(path.parent)


def stale_temp_files(mart_path: Path) -> list[Path]:
    """Temporary mart files (and their WALs) left behind by earlier, killed publishes."""
    return sorted(mart_path.parent.glob(f".{mart_path.name}.*.tmp*"))


def publish_mart(warehouse_path: Path, mart_path: Path, run_id: str = "") -> PublishResult:
    """Copy every table of ``mart`` from the warehouse into a new file and switch it in.

    Call it under the warehouse lock: it removes the temporary files of any earlier publish.
    """
    started = time.monotonic()
    tmp_path = mart_path.with_name(f".{mart_path.name}.{os.getpid()}.tmp")
    for leftover in stale_temp_files(mart_path):
        leftover.unlink(missing_ok=True)

    table_rows: dict[str, int] = {}
    # The file is named mart.duckdb and holds schema mart, so a direct connection would make
    # `mart` both a catalog and a schema. Work through aliases instead.
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{tmp_path}' as {_NEW}")
        con.execute(f"attach '{warehouse_path}' as warehouse (read_only)")
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'warehouse' and schema_name = ? order by table_name",
                [MART_SCHEMA],
            ).fetchall()
            if not row[0].endswith(_DBT_LEFTOVER_SUFFIXES)
        ]
        if not tables:
            raise RuntimeError(f"{warehouse_path}: schema '{MART_SCHEMA}' has no tables to publish")
        con.execute(f"create schema {_NEW}.{MART_SCHEMA}")
        for table in tables:
            target = f"{_NEW}.{MART_SCHEMA}.{_quote(table)}"
            con.execute(f"create table {target} as select * from warehouse.{MART_SCHEMA}.{_quote(table)}")
            table_rows[table] = con.execute(f"select count(*) from {target}").fetchone()[0]
        con.execute(
            f"create table {_NEW}.{MART_SCHEMA}._publication as "
            "select ?::varchar as run_id, ?::timestamp as published_at, ?::integer as table_count",
            [run_id, datetime.now(UTC).replace(tzinfo=None), len(tables)],
        )
        con.execute("detach warehouse")
        con.execute(f"checkpoint {_NEW}")
        con.execute(f"detach {_NEW}")
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        raise
    con.close()

    _fsync(tmp_path)
    pause_point("publish_tmp")
    os.replace(tmp_path, mart_path)
    _fsync(mart_path.parent)
    pause_point("publish_replaced")
    return PublishResult(mart_path=mart_path, table_rows=table_rows, seconds=time.monotonic() - started)


def open_mart(mart_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published mart read-only, as a BI tool would: attached under the alias
    ``published`` so ``mart.<table>`` is unambiguous (the file's own catalog name is ``mart``)."""
    if not mart_path.exists():
        raise FileNotFoundError(f"{mart_path}: no published mart yet (run `support-kpi run` first)")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{mart_path}' as published (read_only)")
    con.execute("use published")
    return con
