"""How a dbt build runs (issue 14): incremental from the last publish, or a full refresh and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.config import fingerprint_values, load
from dagster_project.loading import ensure_raw_schema
from dagster_project.loading.schema import warehouse_id
from dagster_project.manifest import project_fingerprint
from dagster_project.settings import Settings
from dagster_project.state import BuildPlan, build_plan, read_build_plan, record_build_plan
from dagster_project.warehouse import connect


def settings_in(root: Path, time_zone: str = "UTC") -> Settings:
    return load(
        cli={"paths.landing": str(root / "landing"), "paths.data_dir": str(root / "data"),
             "reporting.time_zone": time_zone},
        environ={},
    )


def publish(settings: Settings, generation: int = 7, **overrides: object) -> None:
    """What a publish leaves: the mart file and published_state.json, beside the warehouse it was
    built from."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.mart_path.write_bytes(b"mart")
    con = connect(settings.warehouse_path)
    try:
        ensure_raw_schema(con)
        identity = warehouse_id(con)
    finally:
        con.close()
    state = {
        "project_fingerprint": project_fingerprint(),
        "settings": fingerprint_values(settings),
        "ledger_generation": generation,
        "warehouse_id": identity,
        **overrides,
    }
    settings.state_path.write_text(json.dumps(state))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path)


def test_first_build_is_a_full_refresh(settings: Settings) -> None:
    plan = build_plan(settings)
    assert (plan.full_refresh, plan.reason) == (True, "first build: no published mart yet")


def test_after_a_publish_the_build_is_incremental_from_its_ledger_generation(settings: Settings) -> None:
    publish(settings, generation=7)
    plan = build_plan(settings)
    assert plan == BuildPlan(False, 7, "rows loaded after batch 7")


def test_asked_for_a_full_refresh(settings: Settings) -> None:
    publish(settings)
    assert build_plan(settings, full_refresh=True) == BuildPlan(True, 0, "full refresh requested")


def test_months_to_recompute_are_passed_sorted_once(settings: Settings) -> None:
    publish(settings, generation=3)
    plan = build_plan(settings, refresh_months=("2026-03", "2026-01", "2026-03"))
    assert (plan.full_refresh, plan.since_batch_id) == (False, 3)
    assert plan.refresh_months == ("2026-01", "2026-03")
    assert plan.reason == "rows loaded after batch 3; months refreshed: 2026-01, 2026-03"


def test_changed_models_refresh_everything(settings: Settings) -> None:
    publish(settings, project_fingerprint="an older project")
    plan = build_plan(settings)
    assert plan.full_refresh
    assert plan.reason == "dbt models, seeds or config changed since the last publish"


def test_a_changed_setting_refreshes_and_names_the_setting(tmp_path: Path) -> None:
    publish(settings_in(tmp_path, "UTC"))
    plan = build_plan(settings_in(tmp_path, "Europe/Helsinki"))
    assert plan.full_refresh
    assert "reporting.time_zone" in plan.reason


def test_an_unpublished_build_under_other_settings_forces_a_full_refresh(tmp_path: Path) -> None:
    """A build under Helsinki time failed after the UTC publish: going back to UTC cannot trust the
    incremental tables, which may hold rows of either."""
    utc = settings_in(tmp_path, "UTC")
    publish(utc)
    helsinki = settings_in(tmp_path, "Europe/Helsinki")
    record_build_plan(helsinki, build_plan(helsinki))
    plan = build_plan(utc)
    assert plan.full_refresh
    assert plan.reason == "an unpublished build under other models or settings changed the warehouse"
    record_build_plan(utc, plan)
    assert read_build_plan(utc) == plan.as_dict()
    assert build_plan(utc) == BuildPlan(False, 7, "rows loaded after batch 7")


def test_a_missing_mart_file_is_a_first_build(settings: Settings) -> None:
    publish(settings)
    settings.mart_path.unlink()
    assert build_plan(settings).full_refresh


def test_the_plan_is_written_into_the_warehouse_for_the_models(settings: Settings) -> None:
    """One row in raw_meta.build_plan (a new warehouse says 0: every row is new)."""
    import duckdb

    from dagster_project.loading import ensure_raw_schema

    settings.data_dir.mkdir(parents=True)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        ensure_raw_schema(con)
        assert con.execute("select since_batch_id, refresh_months from raw_meta.build_plan").fetchall() == [(0, [])]
    finally:
        con.close()
    record_build_plan(settings, BuildPlan(False, 12, "rows loaded after batch 12", ("2026-02",)))
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        assert con.execute("select since_batch_id, refresh_months from raw_meta.build_plan").fetchall() == [
            (12, ["2026-02"])
        ]
    finally:
        con.close()


def test_a_pseudonym_key_file_created_by_the_first_build_keeps_the_next_build_incremental(tmp_path: Path) -> None:
    """The key file is part of the settings' fingerprint. The dbt step creates it before the plan
    (dagster_project/defs/dbt_models.py): recorded after it exists, the next plan is incremental."""
    from dagster_project.pseudonym import resolve_key

    settings = settings_in(tmp_path)
    settings.data_dir.mkdir(parents=True)
    resolve_key(settings.data_dir, "")
    publish(settings, generation=4)
    record_build_plan(settings, build_plan(settings))
    assert build_plan(settings) == BuildPlan(False, 4, "rows loaded after batch 4")


def test_a_new_warehouse_beside_a_published_mart_is_a_full_refresh(settings: Settings) -> None:
    """The warehouse was deleted (or replaced) after the publish: its batches start again at 1, so
    "rows after batch 7" would miss rows; the build starts over."""
    publish(settings, generation=7)
    settings.warehouse_path.unlink()
    con = connect(settings.warehouse_path)
    try:
        ensure_raw_schema(con)
    finally:
        con.close()
    plan = build_plan(settings)
    assert (plan.full_refresh, plan.reason) == (True, "the warehouse is not the one the published mart was built from")


def test_a_state_from_before_warehouse_ids_is_a_full_refresh_once(settings: Settings) -> None:
    publish(settings, generation=7, warehouse_id=None)
    assert build_plan(settings).full_refresh


def spark_settings_in(root: Path) -> Settings:
    return load(
        cli={"paths.landing": str(root / "landing"), "paths.data_dir": str(root / "data"), "dbt.engine": "spark"},
        environ={},
    )


def test_spark_builds_incrementally_on_the_spark_warehouse_of_a_completed_build(tmp_path: Path) -> None:
    """Issue 17: the Spark engine's builds are incremental like DuckDB's, on the Spark warehouse a
    completed build left (<data-dir>/spark/built_from.json names the DuckDB warehouse it came from)."""
    from dagster_project.spark_engine import job as spark_job
    from dagster_project.state import warehouse_identity

    settings = spark_settings_in(tmp_path)
    publish(settings, generation=5)
    missing = build_plan(settings)
    assert (missing.full_refresh, missing.reason) == (
        True,
        "the Spark warehouse is missing or was not built from this warehouse",
    )
    (spark_job.spark_folder(settings) / "warehouse").mkdir(parents=True)
    spark_job.record_built_from(settings, warehouse_identity(settings))
    assert build_plan(settings) == BuildPlan(False, 5, "rows loaded after batch 5")
    # a Spark warehouse built from another (deleted, replaced) DuckDB warehouse
    spark_job.record_built_from(settings, "another warehouse")
    assert build_plan(settings).full_refresh
    # a build that started and did not complete: prepare_build removes the record when a build starts
    spark_job.record_built_from(settings, warehouse_identity(settings))
    assert spark_job.built_from(settings) == warehouse_identity(settings)
    (spark_job.spark_folder(settings) / spark_job.BUILT_FROM_FILE).unlink()
    assert build_plan(settings).full_refresh


def test_switching_engine_is_a_full_refresh(tmp_path: Path) -> None:
    publish(settings_in(tmp_path))
    plan = build_plan(spark_settings_in(tmp_path))
    assert plan.full_refresh
    assert "dbt.engine" in plan.reason
