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
"""

from __future__ import annotations

import os
import time
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
    # Work through aliases: the temporary file's own catalog name would be derived from its
    # (hidden, pid-stamped) file name.
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
    removed = remove_legacy_mart(mart_path)
    return PublishResult(
        mart_path=mart_path,
        table_rows=table_rows,
        seconds=time.monotonic() - started,
        removed_legacy=removed,
    )


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
        _fsync(mart_path.parent)
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
