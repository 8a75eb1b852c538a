"""After an incremental build the publish writes only the recomputed rows into a copy of the
published mart (issue 14); the result equals a whole copy, table for table."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from dagster_project.checksum import mart_checksum
from dagster_project.publish import ChangedRows, changed_rows_of_mart, open_mart, publish_mart
from dagster_project.settings import MART_FILE_NAME

CHANGED = {"fct_tickets": ChangedRows(key=("ticket_id",), affected='"intermediate"."int_affected__tickets"')}


def _first_build(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("create schema mart")
    con.execute("create schema intermediate")
    con.execute(
        "create table mart.fct_tickets as select * from (values ('t1', 'email', 1), ('t2', 'chat', 2),"
        " ('t3', 'phone', 3)) as v(ticket_id, channel, replies)"
    )
    con.execute("create table mart.kpi_daily as select 'email' as channel, 1 as tickets")
    con.execute("create table mart.kpi_retired as select 1 as x")
    con.execute("create table intermediate.int_affected__tickets (ticket_id varchar)")
    con.close()


def _incremental_build(warehouse: Path) -> None:
    """t2 changed, t3 vanished, t4 is new; t1 untouched. A table model rebuilt, one dropped, one
    new, and an incremental table whose columns changed (copied whole)."""
    con = duckdb.connect(str(warehouse))
    con.execute("delete from intermediate.int_affected__tickets")
    con.execute("insert into intermediate.int_affected__tickets values ('t2'), ('t3'), ('t4')")
    con.execute("delete from mart.fct_tickets where ticket_id in ('t2', 't3')")
    con.execute("insert into mart.fct_tickets values ('t2', 'email', 5), ('t4', 'chat', 0)")
    con.execute("create or replace table mart.kpi_daily as select 'email' as channel, 2 as tickets")
    con.execute("drop table mart.kpi_retired")
    con.execute("create table mart.kpi_new as select 7 as y")
    con.close()


def _rows(mart: Path, table: str) -> list[tuple]:
    con = open_mart(mart)
    try:
        return con.execute(f"select * from mart.{table} order by all").fetchall()
    finally:
        con.close()


def test_changed_rows_equal_a_whole_copy(tmp_path: Path) -> None:
    warehouse, mart, whole = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME, tmp_path / "whole.duckdb"
    _first_build(warehouse)
    publish_mart(warehouse, mart, "r1")
    _incremental_build(warehouse)
    result = publish_mart(warehouse, mart, "r2", CHANGED)
    publish_mart(warehouse, whole, "r2")

    assert _rows(mart, "fct_tickets") == [("t1", "email", 1), ("t2", "email", 5), ("t4", "chat", 0)]
    assert _rows(mart, "kpi_daily") == [("email", 2)]
    assert _rows(mart, "kpi_new") == [(7,)]
    assert result.table_rows == {"fct_tickets": 3, "kpi_daily": 1, "kpi_new": 1}
    con = open_mart(mart)
    tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert con.execute("select run_id from mart._publication").fetchone()[0] == "r2"
    con.close()
    assert tables == {"fct_tickets", "kpi_daily", "kpi_new", "_publication"}
    assert mart_checksum(mart).digest == mart_checksum(whole).digest
    assert not list(tmp_path.glob(f".{MART_FILE_NAME}*")), "temporary files left behind"


def test_only_the_affected_keys_are_rewritten(tmp_path: Path) -> None:
    """A row of an unaffected key is taken from the published mart, not the warehouse: proof that
    the copy path ran (a tampered warehouse row of t1 does not reach the mart)."""
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _first_build(warehouse)
    publish_mart(warehouse, mart, "r1")
    _incremental_build(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("update mart.fct_tickets set replies = 99 where ticket_id = 't1'")
    con.close()
    publish_mart(warehouse, mart, "r2", CHANGED)
    assert ("t1", "email", 1) in _rows(mart, "fct_tickets")


def test_a_table_whose_columns_changed_is_copied_whole(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _first_build(warehouse)
    publish_mart(warehouse, mart, "r1")
    con = duckdb.connect(str(warehouse))
    con.execute("create or replace table mart.fct_tickets as select 't9' as ticket_id, 'x' as channel")
    con.close()
    publish_mart(warehouse, mart, "r2", CHANGED)
    assert _rows(mart, "fct_tickets") == [("t9", "x")]


def test_without_a_published_mart_every_table_is_copied(tmp_path: Path) -> None:
    warehouse, mart = tmp_path / "warehouse.duckdb", tmp_path / MART_FILE_NAME
    _first_build(warehouse)
    _incremental_build(warehouse)
    publish_mart(warehouse, mart, "r1", CHANGED)
    assert _rows(mart, "fct_tickets") == [("t1", "email", 1), ("t2", "email", 5), ("t4", "chat", 0)]


def test_changed_rows_come_from_the_affected_by_declarations(tmp_path: Path) -> None:
    def node(name: str, schema: str, materialized: str, meta: dict | None = None) -> dict:
        config = {"materialized": materialized, "meta": meta or {}}
        return {"name": name, "alias": name, "schema": schema, "resource_type": "model", "config": config}

    affected_by = {"affected_by": {"model": "int_affected__tickets", "key": ["ticket_id"]}}
    nodes = [
        node("fct_tickets", "mart", "incremental", affected_by),
        node("stg_helpdesk__tickets", "staging", "incremental", affected_by),
        node("kpi_daily", "mart", "table"),
        node("int_affected__tickets", "intermediate", "table"),
        {"name": "unique_x", "resource_type": "test", "config": {}},
    ]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {f"n{i}": n for i, n in enumerate(nodes)}}))
    assert changed_rows_of_mart(manifest) == CHANGED
