"""The Spark engine inside the pipeline's dbt step (defs/dbt_models.py, setting dbt.engine).

The raw load and its gates stay on DuckDB; the step exports the raw tables to Parquet, runs
`dbt build` on Spark (incremental or a full refresh, as the build plan says) through dagster-dbt
(the same events: model materialisations, the mart's data tests as asset checks), then brings
the mart's tables back from the Spark warehouse's Parquet files into the DuckDB warehouse's
`mart` schema. From there the mart gate,
publishing, the semantic layer and the dashboard work as with DuckDB: readers open the same
published `support_kpi.duckdb`.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.config import environment_for_children
from dagster_project.dbt_cli import PipelineDbtCliResource
from dagster_project.project import dbt_project
from dagster_project.publish import write_atomic
from dagster_project.settings import Settings
from dagster_project.spark_engine.build import KEY_ENV, build_args, prepare

MART_SCHEMA = "mart"
BUILT_FROM_FILE = "built_from.json"


def spark_folder(settings: Settings) -> Path:
    return settings.data_dir / "spark"


def prepare_build(settings: Settings, full_refresh: bool) -> tuple[PipelineDbtCliResource, list[str]]:
    """Export the raw tables, write the profile; the dbt resource and the `dbt build` arguments."""
    folder = spark_folder(settings)
    executable = settings.spark_dbt_executable
    if not executable.exists():
        raise FileNotFoundError(f"dbt for Spark is not installed at {executable}: run `make spark`")
    # Until this build succeeds the Spark warehouse is no base for an incremental build: Spark's
    # writes are not transactions, and a build stopped inside a rewrite can leave a table short.
    (folder / BUILT_FROM_FILE).unlink(missing_ok=True)
    prepare(settings.warehouse_path, folder, settings.spark_memory)
    # Its dbt is another installation: the resource asks it for its version, and makes no adapter
    # in this process (this environment has no dbt-spark to make one with).
    resource = PipelineDbtCliResource(project_dir=dbt_project, dbt_executable=str(executable), profiles_dir=str(folder))
    return resource, build_args(settings.dbt_vars(), folder, full_refresh)


def record_built_from(settings: Settings, warehouse_identity: str | None) -> None:
    """After a successful Spark build: which DuckDB warehouse its raw tables came from. An
    incremental build needs the Spark warehouse that built the published mart (state.build_plan)."""
    write_atomic(spark_folder(settings) / BUILT_FROM_FILE, json.dumps({"warehouse_id": warehouse_identity}))


def built_from(settings: Settings) -> str | None:
    """The DuckDB warehouse the Spark warehouse was last built from; None when it has no
    successful build (or its folder was removed)."""
    folder = spark_folder(settings)
    if not (folder / "warehouse").is_dir():
        return None
    try:
        value = json.loads((folder / BUILT_FROM_FILE).read_text()).get("warehouse_id")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def pseudonym_key_for_dbt(key: str) -> contextlib.AbstractContextManager[None]:
    """The key in the environment dagster-dbt starts dbt with; dbt masks DBT_ENV_SECRET_* values
    in its logs, and the profile hands it to the Spark session."""
    return environment_for_children(KEY_ENV, key)


def declared_types(manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Mart table -> column -> the column's `data_type` in the dbt YAML (DuckDB's type names: what
    the DuckDB engine's mart holds, tests/test_mart_types.py)."""
    return {
        node["alias"]: {
            name: column["data_type"] for name, column in node["columns"].items() if column.get("data_type")
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == MART_SCHEMA
    }


def import_mart(settings: Settings, tables: list[str], types: dict[str, dict[str, str]]) -> None:
    """Replace the DuckDB warehouse's mart tables by the Spark build's (copy_mart_tables)."""
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        copy_mart_tables(con, spark_folder(settings) / "warehouse" / f"{MART_SCHEMA}.db", tables, types)
    finally:
        con.close()


def copy_mart_tables(
    con: duckdb.DuckDBPyConnection, mart_dir: Path, tables: list[str], types: dict[str, dict[str, str]]
) -> None:
    """The Spark warehouse's mart tables (Parquet folders in `mart_dir`) as tables of the `mart`
    schema of `con`, each column cast to its declared type (`types`, declared_types), so a reader
    sees the same types on both engines: Spark computes `100.0 * a / b` as a decimal, has no TIME
    (text 'HH:MM:SS') and gives INT where DuckDB gives BIGINT. Spark's timestamps, with the session
    in UTC, are instants: back to naive UTC timestamps as everywhere in the mart."""
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"create schema if not exists {MART_SCHEMA}")
    for table in sorted(tables):
        files = mart_dir / table
        columns = con.execute(
            f"select column_name, column_type from (describe select * from read_parquet('{files}/*.parquet'))"
        ).fetchall()
        declared = types.get(table, {})
        select = ", ".join(
            f'cast("{name}" as {declared.get(name) or ("timestamp" if kind.startswith("TIMESTAMP") else kind)})'
            f' as "{name}"'
            for name, kind in columns
        )
        con.execute(
            f"create or replace table {MART_SCHEMA}.{table} as select {select} from read_parquet('{files}/*.parquet')"
        )
