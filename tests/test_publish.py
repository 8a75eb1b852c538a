"""Publishing is an atomic file switch: readers see the old or the new mart, never half of one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import open_mart, publish_mart
from dagster_project.settings import LEGACY_MART_FILE_NAME, MART_FILE_NAME


def _warehouse(path: Path, version: int, with_mart: bool = True) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists mart")
    con.execute("drop table if exists mart.kpi_scorecard_monthly")
    if with_mart:
        con.execute(
            "create table mart.kpi_scorecard_monthly as "
            "select date '2026-01-01' as month, 'tickets_created' as kpi_id, ?::double as value",
            [version],
        )
    con.execute("create schema if not exists staging")
    con.execute("create or replace table staging.not_published as select 1 as x")
    con.close()


def test_publish_copies_only_the_mart_schema(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    result = publish_mart(warehouse, mart, run_id="r1")
    assert result.table_rows == {"kpi_scorecard_monthly": 1}
    con = open_mart(mart)
    schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"mart"}
    assert con.execute("select run_id from mart._publication").fetchone()[0] == "r1"
    con.close()
    assert not list(tmp_path.glob(f".{MART_FILE_NAME}*")), "temporary files left behind"
    assert not (tmp_path / f"{MART_FILE_NAME}.wal").exists()


def test_reader_keeps_old_version_until_it_reopens(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_mart(warehouse, mart)
    reader = open_mart(mart)
    assert reader.execute("select value from mart.kpi_scorecard_monthly").fetchone()[0] == 1

    _warehouse(warehouse, 2)
    publish_mart(warehouse, mart)
    assert reader.execute("select value from mart.kpi_scorecard_monthly").fetchone()[0] == 1
    reader.close()
    fresh = open_mart(mart)
    assert fresh.execute("select value from mart.kpi_scorecard_monthly").fetchone()[0] == 2
    fresh.close()


def test_failed_publish_leaves_previous_mart(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_mart(warehouse, mart)
    before = mart.read_bytes()
    _warehouse(warehouse, 2, with_mart=False)
    with pytest.raises(RuntimeError, match="no tables to publish"):
        publish_mart(warehouse, mart)
    assert mart.read_bytes() == before
    assert not list(tmp_path.glob(f".{MART_FILE_NAME}*"))


def test_publish_removes_killed_publishes_temp_files_and_skips_dbt_leftovers(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    con = duckdb.connect(str(warehouse))
    # dbt-duckdb killed between its commit and dropping the backup of the previous table
    con.execute("create table mart.kpi_scorecard_monthly__dbt_backup as select 1 as x")
    con.close()
    # a publish killed (SIGKILL) after writing its temporary file, by another process id
    (tmp_path / f".{MART_FILE_NAME}.99999.tmp").write_bytes(b"half a mart")
    (tmp_path / f".{MART_FILE_NAME}.99999.tmp.wal").write_bytes(b"wal")
    result = publish_mart(warehouse, mart)
    assert result.table_rows == {"kpi_scorecard_monthly": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == [MART_FILE_NAME, "warehouse.duckdb"]


def test_published_file_opens_directly_with_schema_mart(tmp_path: Path) -> None:
    """Issue 12: a file named mart.duckdb holding schema mart made `mart.<table>` ambiguous
    ("Ambiguous reference to catalog or schema"). The published file's catalog is support_kpi."""
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_mart(warehouse, mart)
    con = duckdb.connect(str(mart), read_only=True)
    try:
        assert con.execute("select current_database(), value from mart.kpi_scorecard_monthly").fetchall() == [
            ("support_kpi", 1.0)
        ]
    finally:
        con.close()


def test_the_old_name_was_ambiguous(tmp_path: Path) -> None:
    """What the rename fixes, shown on the old name (so this test fails if DuckDB ever resolves it)."""
    warehouse, old = tmp_path / "warehouse.duckdb", tmp_path / LEGACY_MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_mart(warehouse, old)
    con = duckdb.connect(str(old), read_only=True)
    try:
        with pytest.raises(duckdb.BinderException, match="Ambiguous reference to catalog or schema"):
            con.execute("select * from mart.kpi_scorecard_monthly")
    finally:
        con.close()


def test_publish_removes_the_mart_an_older_version_left(tmp_path: Path) -> None:
    """An old `mart.duckdb` (a mart this pipeline published: it has mart._publication) and its
    killed publish's temporary files go once the new file is in place; a reader that still holds
    the old file open keeps reading it."""
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    legacy = tmp_path / LEGACY_MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_mart(warehouse, legacy)  # what an older version left behind
    (tmp_path / f".{LEGACY_MART_FILE_NAME}.4242.tmp").write_bytes(b"half an old mart")
    reader = open_mart(legacy)
    _warehouse(warehouse, 2)
    result = publish_mart(warehouse, mart)
    removed = sorted(p.name for p in result.removed_legacy)
    assert removed == [f".{LEGACY_MART_FILE_NAME}.4242.tmp", LEGACY_MART_FILE_NAME]
    assert sorted(p.name for p in tmp_path.iterdir()) == [MART_FILE_NAME, "warehouse.duckdb"]
    assert reader.execute("select value from mart.kpi_scorecard_monthly").fetchone()[0] == 1
    reader.close()


def test_publish_keeps_a_mart_duckdb_it_did_not_publish(tmp_path: Path) -> None:
    """A `mart.duckdb` without mart._publication (someone's own file) is not ours to delete."""
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    other = tmp_path / LEGACY_MART_FILE_NAME
    con = duckdb.connect(str(other))
    con.execute("create table notes as select 'mine' as note")
    con.close()
    _warehouse(warehouse, 1)
    assert publish_mart(warehouse, mart).removed_legacy == ()
    assert other.exists()
