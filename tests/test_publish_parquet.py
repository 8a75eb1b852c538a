"""The Spark engine's publication: Parquet files plus a DuckDB file of views over them, read as a
published DuckDB mart is (same tables, column types and checksum), switched in atomically."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from dagster_project.checksum import mart_checksum
from dagster_project.publish import open_mart, parquet_root, publish_mart
from dagster_project.publish_parquet import KEPT_PUBLICATIONS, publish_parquet_mart
from dagster_project.settings import MART_FILE_NAME


def _warehouse(path: Path, version: int) -> None:
    """A mart of every column type the mart holds, plus a 128-bit integer and an edge of each."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists mart")
    con.execute(
        "create or replace table mart.kpi_scorecard_monthly as select * from (values "
        "(date '2026-01-01', 'tickets_created', ?::double, 12::bigint, 3.250::decimal(18, 3), "
        " timestamp '2026-01-31 23:59:59.999999', true, 170141183460469231731687303715884105727::hugeint), "
        "(date '2026-02-01', 'fcr_rate', null, null, null, null, null, "
        " (-170141183460469231731687303715884105727)::hugeint - 1)"
        ") as t(month, kpi_id, value, numerator, amount, last_at, flag, big)",
        [version + 0.1],
    )
    con.execute("create or replace table mart.dim_dates as select range::integer as day from range(3)")
    con.execute("create schema if not exists staging")
    con.execute("create or replace table staging.not_published as select 1 as x")
    con.close()


def _views_and_tables(mart: Path) -> tuple[set[str], set[str]]:
    con = duckdb.connect(str(mart), read_only=True)
    try:
        views = {row[0] for row in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    finally:
        con.close()
    return views, tables


def test_views_over_parquet_read_as_the_duckdb_mart(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 1)
    for folder in ("tables", "views"):
        (tmp_path / folder).mkdir()
    as_tables = publish_mart(warehouse, tmp_path / "tables" / MART_FILE_NAME)
    views_mart = tmp_path / "views" / MART_FILE_NAME
    result = publish_parquet_mart(warehouse, views_mart, run_id="r1")

    assert result.table_rows == {"dim_dates": 3, "kpi_scorecard_monthly": 2}
    views, tables = _views_and_tables(views_mart)
    assert views == {"dim_dates", "kpi_scorecard_monthly"}
    assert tables == {"_publication"}
    (folder,) = parquet_root(views_mart).iterdir()
    assert sorted(path.name for path in folder.iterdir()) == ["dim_dates.parquet", "kpi_scorecard_monthly.parquet"]
    # same column names, types (the 128-bit integer exact) and rows: the same checksum
    assert mart_checksum(views_mart) == mart_checksum(as_tables.mart_path)
    con = open_mart(views_mart)
    assert con.execute("select run_id from mart._publication").fetchone()[0] == "r1"
    assert con.execute("select max(big) - 1 from mart.kpi_scorecard_monthly").fetchone()[0] == 2**127 - 2
    con.close()
    assert not list(views_mart.parent.glob(f".{MART_FILE_NAME}*")), "temporary files left behind"


def test_a_reader_elsewhere_opens_the_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The views name their files by absolute path: a reader in another working directory (a BI
    tool, `mf` in the dbt project folder) reads them."""
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / "data" / MART_FILE_NAME
    mart.parent.mkdir()
    _warehouse(warehouse, 1)
    publish_parquet_mart(warehouse, mart)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    con = duckdb.connect(os.path.relpath(mart, elsewhere), read_only=True)
    assert con.execute("select count(*) from mart.dim_dates").fetchone()[0] == 3
    con.close()


def test_switch_keeps_the_previous_publication_for_open_readers(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_parquet_mart(warehouse, mart)
    reader = open_mart(mart)
    _warehouse(warehouse, 2)
    publish_parquet_mart(warehouse, mart)
    # the reader opened before the switch still reads the first publication's files
    assert reader.execute("select max(value) from mart.kpi_scorecard_monthly").fetchone()[0] == 1.1
    reader.close()
    fresh = open_mart(mart)
    assert fresh.execute("select max(value) from mart.kpi_scorecard_monthly").fetchone()[0] == 2.1
    fresh.close()
    for version in (3, 4):
        _warehouse(warehouse, version)
        publish_parquet_mart(warehouse, mart)
    assert len(list(parquet_root(mart).iterdir())) == KEPT_PUBLICATIONS


def test_failed_publish_leaves_the_previous_views_and_files(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_parquet_mart(warehouse, mart)
    before = sorted(parquet_root(mart).iterdir())
    con = duckdb.connect(str(warehouse))
    con.execute("drop table mart.kpi_scorecard_monthly")
    con.execute("drop table mart.dim_dates")
    con.close()
    with pytest.raises(RuntimeError, match="has no tables to publish"):
        publish_parquet_mart(warehouse, mart)
    assert sorted(parquet_root(mart).iterdir()) == before
    con = open_mart(mart)
    assert con.execute("select max(value) from mart.kpi_scorecard_monthly").fetchone()[0] == 1.1
    con.close()


def test_leftovers_of_a_killed_publish_are_removed(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    root = parquet_root(mart)
    (root / ".20260101T000000000000Z-1.tmp").mkdir(parents=True)
    (root / ".20260101T000000000000Z-1.tmp" / "dim_dates.parquet").write_bytes(b"partial")
    (tmp_path / f".{MART_FILE_NAME}.1.tmp").write_bytes(b"partial")
    publish_parquet_mart(warehouse, mart)
    assert [path.name.startswith(".") for path in root.iterdir()] == [False]
    assert not (tmp_path / f".{MART_FILE_NAME}.1.tmp").exists()


def test_engine_switch_back_to_duckdb_removes_the_parquet_files(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _warehouse(warehouse, 1)
    publish_parquet_mart(warehouse, mart)
    publish_mart(warehouse, mart)
    assert not parquet_root(mart).exists()
    views, tables = _views_and_tables(mart)
    assert views == set()
    assert tables == {"_publication", "dim_dates", "kpi_scorecard_monthly"}
