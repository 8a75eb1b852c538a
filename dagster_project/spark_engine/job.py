"""The Spark engine inside the pipeline's dbt step (defs/dbt_models.py, setting dbt.engine).

The raw load and its gates stay on DuckDB; the step exports the raw tables to Parquet, runs
`dbt build --full-refresh` on Spark through dagster-dbt (the same events: model materialisations,
the mart's data tests as asset checks), then brings the mart's tables back from the Spark
warehouse's Parquet files into the DuckDB warehouse's `mart` schema. From there the mart gate,
publishing, the semantic layer and the dashboard work as with DuckDB: readers open the same
published `support_kpi.duckdb`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
from dagster_dbt import DbtCliResource

from dagster_project.config import environment_for_children
from dagster_project.project import dbt_project
from dagster_project.settings import Settings
from dagster_project.spark_engine.build import KEY_ENV, build_args, prepare

MART_SCHEMA = "mart"


def spark_folder(settings: Settings) -> Path:
    return settings.data_dir / "spark"


def prepare_build(settings: Settings) -> tuple[DbtCliResource, list[str]]:
    """Export the raw tables, write the profile; the dbt resource and the `dbt build` arguments."""
    folder = spark_folder(settings)
    executable = settings.spark_dbt_executable
    if not executable.exists():
        raise FileNotFoundError(f"dbt for Spark is not installed at {executable}: run `make spark`")
    prepare(settings.warehouse_path, folder, settings.spark_memory)
    resource = DbtCliResource(project_dir=dbt_project, dbt_executable=str(executable), profiles_dir=str(folder))
    return resource, build_args(settings.dbt_vars(), folder)


def pseudonym_key_for_dbt(key: str) -> contextlib.AbstractContextManager[None]:
    """The key in the environment dagster-dbt starts dbt with; dbt masks DBT_ENV_SECRET_* values
    in its logs, and the profile hands it to the Spark session."""
    return environment_for_children(KEY_ENV, key)


def import_mart(settings: Settings, tables: list[str]) -> None:
    """Replace the DuckDB warehouse's mart tables by the Spark build's (Spark's timestamps, with
    the session in UTC, are instants: back to naive UTC timestamps as everywhere in the mart)."""
    warehouse_dir = spark_folder(settings) / "warehouse" / f"{MART_SCHEMA}.db"
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create schema if not exists {MART_SCHEMA}")
        for table in sorted(tables):
            files = warehouse_dir / table
            columns = con.execute(
                f"select column_name, column_type from (describe select * from read_parquet('{files}/*.parquet'))"
            ).fetchall()
            select = ", ".join(
                f'cast("{name}" as timestamp) as "{name}"' if kind.startswith("TIMESTAMP") else f'"{name}"'
                for name, kind in columns
            )
            con.execute(
                f"create or replace table {MART_SCHEMA}.{table} as "
                f"select {select} from read_parquet('{files}/*.parquet')"
            )
    finally:
        con.close()
