"""Same numbers on Spark (issue 17): for the golden fixtures, the dbt project built on Spark
(local mode, `method: session`) from the same raw tables gives the DuckDB mart: every table, row for
row, floating point values within a relative difference of 1e-9 (mart_differences), so the
scorecard's every KPI and month too.

The seven golden fixtures are compared in one build: their runs' raw tables merged into one
warehouse, each fixture's ids and batches kept apart (merged_raw_warehouse), built on DuckDB and
with dagster_project.spark_engine.build on Spark (its raw tables exported to Parquet), a full `dbt
build` without the data tests (they passed on each fixture's DuckDB run): one Spark build instead
of seven. The pipeline on Spark (`support-kpi run --engine spark`: every data test on Spark, a
full build and then an incremental one, the published views and the semantic layer over them) is
checked on a generated landing against a DuckDB full refresh of the same files. Unit tests run on
DuckDB only (their given rows are DuckDB SQL). `make test` installs the Spark environment (`make
spark`: .venv-spark with dbt-spark and pyspark, Java 17 from Debian when missing).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from dagster_project.loading import ensure_raw_schema
from dagster_project.publish import parquet_root
from dagster_project.settings import Settings
from dagster_project.spark_engine.build import build
from dagster_project.spark_engine.job import MART_SCHEMA, copy_mart_tables, declared_types
from tests.arrivals import (
    BAD_ENTITY,
    FIX_NAME,
    Delivery,
    arrival_sequence,
    deliver,
    final_files,
    settings_for,
    step,
    write_landing,
)
from tests.conftest import CliRun, dbt, support_kpi
from tests.test_semantic_layer import FAMILIES, check_fixture

pytestmark = pytest.mark.spark

RELATIVE_TOLERANCE = 1e-9


def run_pipeline_on(landing: Path, data_dir: Path, *options: str) -> CliRun:
    done = support_kpi("run", "--landing", str(landing), "--data-dir", str(data_dir), *options)
    return CliRun(done.returncode, done.stdout + done.stderr, landing, data_dir)


def spark_mart_of(warehouse: Path, settings: Settings, work: Path) -> Path:
    """The dbt project built on Spark in `work` from the raw tables of `warehouse`, without the data
    tests, its mart tables copied into a DuckDB file with their declared types as the pipeline's
    Spark engine does (spark_job.copy_mart_tables)."""
    executable = settings.spark_dbt_executable
    assert executable.exists(), f"{executable} is missing: `make spark` installs dbt-spark and pyspark"
    key = settings.pseudonym_key_text()
    assert key, "the test session sets SUPPORT_KPI_PSEUDONYM_KEY (tests/conftest.py)"
    spark = build(executable, warehouse, work, settings.dbt_vars(), key, data_tests=False)
    types = declared_types(json.loads((work / "target" / "manifest.json").read_text()))
    mart = work / "spark_mart.duckdb"
    con = duckdb.connect(str(mart))
    try:
        copy_mart_tables(con, spark.warehouse / f"{MART_SCHEMA}.db", sorted(types), types)
    finally:
        con.close()
    return mart


def assert_same_mart(spark_mart: Path, duckdb_mart: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{duckdb_mart}' as published (read_only)")
        (scorecard_rows,) = con.execute("select count(*) from published.mart.kpi_scorecard_monthly").fetchone()
    finally:
        con.close()
    assert scorecard_rows > 0
    differences = mart_differences(spark_mart, duckdb_mart)
    assert not differences, "the Spark-built mart differs from the DuckDB one:\n" + "\n".join(differences)


def assert_published_like(spark_run: CliRun, duckdb_run: CliRun) -> None:
    """The published Spark-built mart: a DuckDB file of views, one over each Parquet file of the
    publication, for the same tables, columns and column types as the DuckDB engine's mart."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{spark_run.mart_path}' as spark (read_only)")
        con.execute(f"attach '{duckdb_run.mart_path}' as duck (read_only)")
        views = set(con.execute("select view_name from duckdb_views() where database_name = 'spark'").fetchall())
        tables = set(con.execute("select table_name from duckdb_tables() where database_name = 'duck'").fetchall())
        assert views == tables - {("_publication",)}
        spark_columns, duck_columns = (
            con.execute(
                "select table_name, column_name, data_type from duckdb_columns() where database_name = ? "
                "and table_name != '_publication' order by all",
                [catalog],
            ).fetchall()
            for catalog in ("spark", "duck")
        )
        assert spark_columns == duck_columns
        # every view reads one publication folder of the Parquet root, holding a file per view
        read = {
            Path(path).parent
            for (sql,) in con.execute("select sql from duckdb_views() where database_name = 'spark'").fetchall()
            for path in re.findall(r"'([^']+\.parquet)'", sql)
        }
    finally:
        con.close()
    (publication,) = read
    assert publication.parent == parquet_root(spark_run.mart_path)
    assert {path.stem for path in publication.iterdir()} == {view for (view,) in views}


# The golden fixtures are compared on Spark in one build (issue 13: the golden domains share one
# built warehouse), each fixture's rows kept apart by merged_raw_warehouse.
BATCH_COLUMNS = ("_batch_id", "batch_id")
BATCH_STRIDE = 1_000_000
# One row of the merged warehouse: the first run's (a first build's plan: a full refresh).
FIRST_RUN_ONLY = ("raw_meta.build_plan", "raw_meta.warehouse_identity")
# Every fact and dimension: each fixture's rows reach the merged mart, none shadowed by another's.
ENTITY_TABLES = (
    "dim_agents",
    "dim_customers",
    "fct_calls",
    "fct_discounts",
    "fct_orders",
    "fct_quality_reviews",
    "fct_survey_responses",
    "fct_ticket_replies",
    "fct_tickets",
    "fct_web_sessions",
)


def merged_raw_warehouse(warehouses: list[Path], target: Path) -> Path:
    """The raw tables of `warehouses` in one new warehouse `target`, each one's rows kept apart from
    the others': its ids (VARCHAR columns named *_id, and the agent ids of 'assigned' ticket
    events) prefixed with 'g<n>:', its batch ids moved by n x BATCH_STRIDE; the build plan and
    identity of the first only. Retracted rows (whose JSON records would keep their ids) must be
    none."""
    con = duckdb.connect(str(target))
    try:
        ensure_raw_schema(con)
        columns: dict[str, list[tuple[str, str]]] = {}
        for schema, table, column, kind in con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_schema like 'raw\\_%' escape '\\' order by table_schema, table_name, ordinal_position"
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", []).append((column, kind))
        for number, warehouse in enumerate(warehouses):
            con.execute(f"attach '{warehouse}' as g{number} (read_only)")
            (retracted,) = con.execute(f"select count(*) from g{number}.raw_meta.retracted_rows").fetchone()
            assert retracted == 0, f"{warehouse} has retracted rows: merged_raw_warehouse cannot keep them apart"
            for table, table_columns in columns.items():
                if table in FIRST_RUN_ONLY and number > 0:
                    continue
                expressions = []
                for column, kind in table_columns:
                    quoted = f'"{column}"'
                    if column in BATCH_COLUMNS:
                        quoted = f"{quoted} + {number * BATCH_STRIDE}"
                    elif kind == "VARCHAR" and column.endswith("_id") and not column.startswith("_"):
                        quoted = f"'g{number}:' || {quoted}"
                    elif table == "raw_helpdesk.ticket_events" and column in ("old_value", "new_value"):
                        quoted = f"case when event_type = 'assigned' then 'g{number}:' || {quoted} else {quoted} end"
                    expressions.append(f'{quoted} as "{column}"')
                con.execute(f"insert into {table} by name select {', '.join(expressions)} from g{number}.{table}")
    finally:
        con.close()
    return target


def test_golden_fixtures_together_on_spark(
    golden_run: CliRun,
    golden_telephony_run: CliRun,
    asterisk_run: CliRun,
    golden_surveys_run: CliRun,
    golden_customers_run: CliRun,
    golden_customers_dates_run: CliRun,
    golden_web_run: CliRun,
    tmp_path: Path,
) -> None:
    """The seven golden fixtures' raw tables in one warehouse (merged_raw_warehouse), built with
    dbt on DuckDB and on Spark (full refresh, no data tests): the two marts are equal, every table
    row for row; and every fixture's facts and dimensions reached the merged mart (the row counts of
    ENTITY_TABLES add up), so no fixture's rows were shadowed by another's. One Spark build instead
    of seven (~1,200 s of CI worker time); the price: KPI months that two fixtures share are
    compared as the sum of both (DECISIONS.md "The golden fixtures share one Spark build")."""
    runs = [
        golden_run,
        golden_telephony_run,
        asterisk_run,
        golden_surveys_run,
        golden_customers_run,
        golden_customers_dates_run,
        golden_web_run,
    ]
    merged = merged_raw_warehouse([run.data_dir / "warehouse.duckdb" for run in runs], tmp_path / "warehouse.duckdb")
    settings = Settings.from_env(data_dir=tmp_path)
    duck = dbt(
        "build",
        "--full-refresh",
        "--exclude-resource-type",
        "unit_test",
        "test",
        dbt_vars=json.dumps(settings.dbt_vars(), sort_keys=True),
        warehouse=merged,
        work=tmp_path / "duckdb",
    )
    assert duck.returncode == 0, duck.stdout[-4000:]
    assert_same_mart(spark_mart_of(merged, settings, tmp_path / "spark"), merged)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{merged}' as merged (read_only)")
        for number, run in enumerate(runs):
            con.execute(f"attach '{run.mart_path}' as g{number} (read_only)")
        for table in ENTITY_TABLES:
            (together,) = con.execute(f"select count(*) from merged.mart.{table}").fetchone()
            apart = sum(
                con.execute(f"select count(*) from g{number}.mart.{table}").fetchone()[0] for number in range(len(runs))
            )
            assert together == apart, f"{table}: {together} rows from the merged fixtures, {apart} from each apart"
    finally:
        con.close()


def two_runs_of_a_sequence(files: dict[str, bytes]) -> tuple[list[Delivery], list[Delivery]]:
    """The first of tests/arrivals.py's sequences whose first step holds the file that is later
    delivered again, changed, and whose fixed quarantined event comes later: its first step, then
    every later step at once (late weeks, the file again, the fix)."""
    for seed in range(20):
        steps = [deliveries for deliveries in arrival_sequence(files, seed) if deliveries]
        first = {d.path for d in steps[0]}
        later = [d for deliveries in steps[1:] for d in deliveries]
        if any(d.path in first for d in later) and f"{BAD_ENTITY}/{FIX_NAME}" not in first:
            return steps[0], later
    raise AssertionError("no sequence redelivers a file of its first step")


def test_incremental_runs_on_spark(tmp_path: Path) -> None:
    """The pipeline on Spark (issue 17 item 2): a generated landing delivered in two runs of
    `support-kpi run --engine spark` (the raw load and gates on DuckDB, dbt build on Spark with
    every data test, the mart brought back and published), a full build and then an incremental
    one (late weeks of events for old tickets, a file delivered again changed, the fix of a
    quarantined event), publishes the mart a DuckDB full refresh of the final files publishes:
    every table, row for row, as views over the publication's Parquet files; the semantic layer
    over those views (a Spark build's manifest names relations schema.table) agrees with the
    published scorecard."""
    generated = tmp_path / "generated"
    done = support_kpi(
        "generate",
        "--landing",
        str(generated),
        "--days",
        "60",
        "--scale",
        "0.02",
        "--seed",
        "5",
        "--end-date",
        "2026-04-10",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    files = final_files(generated)
    first, later = two_runs_of_a_sequence(files)
    landing, data_dir = tmp_path / "landing", tmp_path / "data"
    modes = []
    for deliveries in (first, later):
        deliver(landing, deliveries)
        run = run_pipeline_on(landing, data_dir, "--engine", "spark")
        assert run.returncode == 0, run.output[-4000:]
        modes.append("incremental" if "dbt build: incremental" in run.output else "full refresh")
        if len(modes) == 1:
            assert "dbt build: full refresh (first build: no published mart yet)" in run.output
            assert (data_dir / "spark" / "warehouse" / "mart.db" / "kpi_scorecard_monthly").is_dir()
    assert modes == ["full refresh", "incremental"]
    # the incremental build deleted and appended on Spark's Parquet tables (no side table left)
    assert not list((data_dir / "spark" / "warehouse").glob("*.db/*__kept"))
    # the DuckDB reference: a full refresh of the final files, published (the arrival sequences' step)
    reference = settings_for(tmp_path / "reference", "UTC")
    write_landing(reference.landing_dir, files)
    assert step(reference, tmp_path / "reference", full_refresh=True) == "full refresh"
    duck = CliRun(0, "", reference.landing_dir, reference.data_dir)
    differences = mart_differences(run.mart_path, duck.mart_path)
    assert not differences, "the Spark incremental mart differs from a DuckDB full refresh:\n" + "\n".join(differences)
    assert_published_like(run, duck)
    (tmp_path / "mf").mkdir()
    check_fixture(run, FAMILIES["golden_run"], tmp_path / "mf")


FLOATING = ("DOUBLE", "FLOAT", "REAL")


def mart_differences(left: Path, right: Path) -> list[str]:
    """Every table of two published marts, row for row: the same tables, columns and rows, floating
    point values within RELATIVE_TOLERANCE (Spark's decimal arithmetic and its order of summing
    differ from DuckDB's in the last digits), every other value equal. Rows pair up on their
    other columns, ties in the order of their floating point values; a row without a partner (a
    missing, extra or changed row) is a difference."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        columns = {
            catalog: con.execute(
                "select table_name, column_name, data_type from duckdb_columns() "
                "where database_name = ? and schema_name = 'mart' and table_name != '_publication' order by all",
                [catalog],
            ).fetchall()
            for catalog in ("l", "r")
        }
        names = {catalog: sorted({(t, c) for t, c, _ in rows}) for catalog, rows in columns.items()}
        if names["l"] != names["r"]:
            return [f"tables or columns differ: {sorted(set(names['l']) ^ set(names['r']))}"]
        differences = []
        for table in sorted({t for t, _, _ in columns["r"]}):
            floating = [c for t, c, kind in columns["r"] if t == table and kind in FLOATING]
            exact = [c for t, c, kind in columns["r"] if t == table and kind not in FLOATING]
            keys = ", ".join(f'"{c}"' for c in exact) or "1"
            order = ", ".join(f'"{c}"' for c in floating) or "1"
            numbered = (
                "(select *, row_number() over (partition by {keys} order by {order}) as _n from {catalog}.mart.{table})"
            )
            on = " and ".join([f'a."{c}" is not distinct from b."{c}"' for c in exact] + ["a._n = b._n"])
            apart = (
                " or ".join(
                    f'(a."{c}" is null) != (b."{c}" is null) or abs(a."{c}" - b."{c}") > '
                    f'{RELATIVE_TOLERANCE} * greatest(abs(a."{c}"), abs(b."{c}"))'
                    for c in floating
                )
                or "false"
            )
            bad = con.execute(
                f"select count(*) from {numbered.format(keys=keys, order=order, catalog='l', table=table)} as a "
                f"full join {numbered.format(keys=keys, order=order, catalog='r', table=table)} as b on {on} "
                f"where a._n is null or b._n is null or {apart}"
            ).fetchone()[0]
            if bad:
                differences.append(f"{table}: {bad} rows differ (unmatched, or apart beyond the tolerance)")
        return differences
    finally:
        con.close()
