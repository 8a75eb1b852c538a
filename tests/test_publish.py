"""Publishing is an atomic file switch: readers see the old or the new mart, never half of one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import open_mart, publish_mart


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
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / "mart.duckdb"
    _warehouse(warehouse, 1)
    result = publish_mart(warehouse, mart, run_id="r1")
    assert result.table_rows == {"kpi_scorecard_monthly": 1}
    con = open_mart(mart)
    schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"mart"}
    assert con.execute("select run_id from mart._publication").fetchone()[0] == "r1"
    con.close()
    assert not list(tmp_path.glob(".mart.duckdb*")), "temporary files left behind"
    assert not (tmp_path / "mart.duckdb.wal").exists()


def test_reader_keeps_old_version_until_it_reopens(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / "mart.duckdb"
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
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / "mart.duckdb"
    _warehouse(warehouse, 1)
    publish_mart(warehouse, mart)
    before = mart.read_bytes()
    _warehouse(warehouse, 2, with_mart=False)
    with pytest.raises(RuntimeError, match="no tables to publish"):
        publish_mart(warehouse, mart)
    assert mart.read_bytes() == before
    assert not list(tmp_path.glob(".mart.duckdb*"))


def test_publish_removes_killed_publishes_temp_files_and_skips_dbt_leftovers(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / "mart.duckdb"
    _warehouse(warehouse, 1)
    con = duckdb.connect(str(warehouse))
    # dbt-duckdb killed between its commit and dropping the backup of the previous table
    con.execute("create table mart.kpi_scorecard_monthly__dbt_backup as select 1 as x")
    con.close()
    # a publish killed (SIGKILL) after writing its temporary file, by another process id
    (tmp_path / ".mart.duckdb.99999.tmp").write_bytes(b"half a mart")
    (tmp_path / ".mart.duckdb.99999.tmp.wal").write_bytes(b"wal")
    result = publish_mart(warehouse, mart)
    assert result.table_rows == {"kpi_scorecard_monthly": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mart.duckdb", "warehouse.duckdb"]
