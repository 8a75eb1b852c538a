"""Build the dbt project on Spark from a DuckDB warehouse's raw tables.

    folder/raw/<schema>/<table>.parquet   the raw tables (and raw_meta), written from DuckDB
    folder/warehouse/<schema>.db/<table>/ the Spark warehouse (managed Parquet tables)
    folder/metastore_db/                  the session's Derby metastore
    folder/profiles.yml                   the `spark` profile (no secret in it)

The pipeline's builds are incremental as on DuckDB (the incremental models' delete of affected
rows is a rewrite of the kept rows on Spark's Parquet tables, macro spark__delete_affected_rows;
DECISIONS.md "Two engines"); `build` here is a full refresh. The pseudonym key reaches the Spark
session as the configuration `spark.support_kpi.pseudonym_key`, from env
DBT_ENV_SECRET_PSEUDONYM_KEY of the dbt process (dbt masks DBT_ENV_SECRET_* values in its logs);
no file holds it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dagster_project.config import child_env_without_dbt

REPO_DIR = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"
KEY_ENV = "DBT_ENV_SECRET_PSEUDONYM_KEY"


class SparkBuildError(RuntimeError):
    """dbt on Spark failed; the message names the failing nodes and dbt's log file."""


@dataclass(frozen=True)
class SparkBuild:
    folder: Path
    results: dict[str, Any]

    @property
    def warehouse(self) -> Path:
        return self.folder / "warehouse"


def export_raw_tables(warehouse: Path, raw_dir: Path) -> None:
    """Every table of the warehouse's raw_* schemas as one Parquet file each."""
    if raw_dir.exists():
        shutil.rmtree(raw_dir)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\' and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            folder = raw_dir / schema
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{table}.parquet"
            con.execute(f"copy (select * from {schema}.{table}) to '{target}' (format parquet)")
    finally:
        con.close()


DEFAULT_DRIVER_MEMORY = "4g"


def spark_profile(folder: Path, driver_memory: str = DEFAULT_DRIVER_MEMORY, threads: int = 2) -> dict[str, Any]:
    """A `method: session` profile: local Spark with its warehouse, metastore and UTC session. The
    session's settings reach the driver JVM when pyspark starts it (heap included)."""
    return {
        "support_kpi": {
            "target": "spark",
            "outputs": {
                "spark": {
                    "type": "spark",
                    "method": "session",
                    "host": "NA",
                    "schema": "main",
                    "threads": threads,
                    "server_side_parameters": {
                        "spark.master": "local[2]",
                        # Spark's default 1g heap spends its time in garbage collection at scale 1
                        "spark.driver.memory": driver_memory,
                        "spark.sql.session.timeZone": "UTC",
                        "spark.sql.warehouse.dir": str(folder / "warehouse"),
                        "spark.driver.extraJavaOptions": (
                            f"-Dderby.system.home={folder} -Dderby.stream.error.file={folder / 'derby.log'}"
                        ),
                        # Parquet timestamps DuckDB reads as such (Spark's default is INT96)
                        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
                        "spark.ui.enabled": "false",
                        "spark.log.level": "ERROR",
                        # no progress bars: they share dbt's output lines, whose JSON dagster-dbt reads
                        "spark.ui.showConsoleProgress": "false",
                        "spark.sql.shuffle.partitions": "2",
                        "spark.support_kpi.pseudonym_key": "{{ env_var('" + KEY_ENV + "') }}",
                    },
                }
            },
        }
    }


def prepare(warehouse: Path, folder: Path, driver_memory: str = DEFAULT_DRIVER_MEMORY) -> None:
    """The raw tables as Parquet and the profile, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    export_raw_tables(warehouse, folder / "raw")
    profile = spark_profile(folder, driver_memory)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profile, sort_keys=True))


def build_args(dbt_vars: dict[str, Any], folder: Path, full_refresh: bool = True, data_tests: bool = True) -> list[str]:
    """The `dbt build` of a Spark build (the pipeline's and the tests'): without unit tests (they
    run on DuckDB, given rows in DuckDB's SQL), with the pipeline's vars and where the raw Parquet
    files are; a full refresh unless the pipeline's build plan is incremental. Without the data
    tests too when `data_tests` is false (the golden comparisons: tests/test_spark_golden.py)."""
    spark_vars = json.dumps({**dbt_vars, "spark_raw_path": str(folder / "raw")}, sort_keys=True)
    refresh = ["--full-refresh"] if full_refresh else []
    excluded = ["unit_test"] if data_tests else ["unit_test", "test"]
    return ["build", *refresh, "--exclude-resource-type", *excluded, "--vars", spark_vars]


def build(
    executable: Path,
    warehouse: Path,
    folder: Path,
    dbt_vars: dict[str, Any],
    pseudonym_key: str,
    data_tests: bool = True,
) -> SparkBuild:
    """Export the raw tables of `warehouse`, then `dbt build` (build_args) on Spark in `folder`."""
    prepare(warehouse, folder)
    target = folder / "target"
    command = [
        str(executable),
        *build_args(dbt_vars, folder, data_tests=data_tests),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(folder),
        "--target-path",
        str(target),
        "--log-path",
        str(folder / "logs"),
    ]
    env = child_env_without_dbt(**{KEY_ENV: pseudonym_key})
    # Spark's session writes metastore_db/ and spark-warehouse/ where it starts: the folder.
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    results_path = target / "run_results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"results": []}
    failed = [r for r in results["results"] if r["status"] in ("error", "fail")]
    if done.returncode != 0 or failed:
        lines = [f"{r['unique_id']}: {(r.get('message') or '').splitlines()[0:1]}" for r in failed[:10]]
        tail = "\n".join(done.stdout.splitlines()[-15:])
        raise SparkBuildError(
            f"dbt build on Spark failed (exit {done.returncode}; log {folder / 'logs' / 'dbt.log'}):\n"
            + "\n".join(lines)
            + ("\n" + tail if not lines else "")
        )
    return SparkBuild(folder, results)

