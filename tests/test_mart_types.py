"""Every mart column declares its type (`data_type` in the dbt YAML, DuckDB's names), and the
published mart holds exactly those types. The declaration is what readers (BI tools, analysts)
can rely on whatever the engine: the Spark engine casts its mart to it (spark_engine/job.py
import_mart; tests/test_spark_golden.py compares the two engines' published types)."""

from __future__ import annotations

import json

import duckdb

from dagster_project.settings import Settings
from dagster_project.spark_engine.job import declared_types
from tests.conftest import CliRun


def test_the_published_mart_has_the_declared_types(golden_run: CliRun, golden_mart: duckdb.DuckDBPyConnection) -> None:
    settings = Settings.from_env(data_dir=golden_run.data_dir)
    declared = declared_types(json.loads((settings.dbt_target_path / "manifest.json").read_text()))
    published = golden_mart.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where schema_name = 'mart' and table_name != '_publication'"
    ).fetchall()
    actual: dict[str, dict[str, str]] = {}
    for table, column, kind in published:
        actual.setdefault(table, {})[column] = kind.lower()
    assert set(declared) == set(actual)
    wrong = [
        (table, column, declared[table].get(column, "(not declared)"), kind)
        for table, columns in actual.items()
        for column, kind in columns.items()
        if declared[table].get(column) != kind
    ]
    stale = [
        (table, column) for table, columns in declared.items() for column in columns if column not in actual[table]
    ]
    assert not wrong, f"(table, column, declared, published): {wrong}"
    assert not stale, f"declared columns the mart does not have: {stale}"
