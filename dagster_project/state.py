"""What the published mart was built from, so a run with nothing new can skip all work, and a
run with something new rebuilds only what it affects.

After a publish we record the dbt project fingerprint (models, macros, seeds, config), the
fingerprint of every setting that shapes the mart (config.fingerprint_values: reporting currency
and time zone, dbt vars, adapter mappings, the pseudonym key as a keyed hash) and the loader's
generation (highest ``batch_id`` in ``raw_meta.loaded_files``). A later run is a no-op when the
mart file exists, the project fingerprint and the settings are the same, the ledger has not moved
and no landing file is new, changed or read under an older adapter mapping.

``build_plan`` decides how the next ``dbt build`` runs (issue 14): incremental from the ledger
generation of the last publish (raw rows with a higher ``_batch_id``, and rows such a batch
retracted, are the new ones), or a full refresh when asked for, on the first build, or when the
models, seeds, config or a mart-shaping setting differ from what the published mart and the last
build started with, or when the warehouse is not the one the published mart came from (its
``raw_meta.warehouse_identity`` differs: a deleted or replaced warehouse numbers its batches from 1
again, so "after batch N" would miss rows).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.config import changes, describe_changes, fingerprint_values
from dagster_project.contract import ENTITIES
from dagster_project.dashboard import DASHBOARD_DIR, publish_dashboard, unavailable_dashboard
from dagster_project.loading import ensure_raw_schema, pending_files
from dagster_project.loading.schema import BUILD_PLAN_TABLE, warehouse_id
from dagster_project.manifest import project_fingerprint
from dagster_project.publish import PublishResult, changed_rows_of_mart, publish_mart, write_atomic
from dagster_project.publish_parquet import publish_parquet_mart
from dagster_project.semantic_layer import publish_semantic_manifest
from dagster_project.settings import Settings
from dagster_project.spark_engine import job as spark_job
from dagster_project.warehouse import connect, warehouse_lock

BUILD_PLAN_FILE = "build_plan.json"
LAST_BUILD_FILE = "last_build.json"


@dataclass(frozen=True)
class BuildPlan:
    """How one ``dbt build`` runs: incremental from ``since_batch_id``, or a full refresh."""

    full_refresh: bool
    since_batch_id: int
    reason: str
    refresh_months: tuple[str, ...] = ()

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Into ``raw_meta.build_plan``, where the dbt models read it (one row)."""
        ensure_raw_schema(con)
        con.execute("begin transaction")
        con.execute(f"delete from {BUILD_PLAN_TABLE}")
        con.execute(
            f"insert into {BUILD_PLAN_TABLE} values (?, ?, ?)",
            [self.since_batch_id, list(self.refresh_months), datetime.now(UTC).replace(tzinfo=None)],
        )
        con.execute("commit")

    def as_dict(self) -> dict[str, object]:
        return {
            "mode": "full refresh" if self.full_refresh else "incremental",
            "since_batch_id": self.since_batch_id,
            "refresh_months": list(self.refresh_months),
            "reason": self.reason,
        }


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build_plan(settings: Settings, full_refresh: bool = False, refresh_months: tuple[str, ...] = ()) -> BuildPlan:
    """The plan of this run's dbt build (see the module docstring)."""
    months = tuple(sorted(set(refresh_months)))
    if full_refresh:
        return BuildPlan(True, 0, "full refresh requested", months)
    state = _read_json(settings.state_path)
    if state is None or not settings.mart_path.exists():
        return BuildPlan(True, 0, "first build: no published mart yet", months)
    fingerprint = project_fingerprint()
    current = fingerprint_values(settings)
    if state.get("project_fingerprint") != fingerprint:
        return BuildPlan(True, 0, "dbt models, seeds or config changed since the last publish", months)
    recorded = state.get("settings")
    if not isinstance(recorded, dict):
        return BuildPlan(True, 0, "settings not recorded by the last publish", months)
    changed = changes(recorded, current)
    if changed:
        return BuildPlan(True, 0, describe_changes(changed), months)
    last = _read_json(settings.dbt_profiles_dir / LAST_BUILD_FILE)
    if last is not None and (last.get("project_fingerprint") != fingerprint or last.get("settings") != current):
        # A build after the last publish (it failed) started under other models or settings: the
        # incremental tables may hold rows of either.
        return BuildPlan(True, 0, "an unpublished build under other models or settings changed the warehouse", months)
    if state.get("warehouse_id") is None or state.get("warehouse_id") != warehouse_identity(settings):
        return BuildPlan(True, 0, "the warehouse is not the one the published mart was built from", months)
    if settings.dbt.engine == "spark" and spark_job.built_from(settings) != state.get("warehouse_id"):
        # the Spark warehouse (<data-dir>/spark/) holds the incremental tables on that engine
        return BuildPlan(True, 0, "the Spark warehouse is missing or was not built from this warehouse", months)
    generation = state.get("ledger_generation")
    if not isinstance(generation, int):
        return BuildPlan(True, 0, "ledger generation not recorded by the last publish", months)
    why = f"rows loaded after batch {generation}" + (f"; months refreshed: {', '.join(months)}" if months else "")
    return BuildPlan(False, generation, why, months)


def warehouse_identity(settings: Settings) -> str | None:
    if not settings.warehouse_path.exists():
        return None
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return warehouse_id(con)
    finally:
        con.close()


def record_build_plan(settings: Settings, plan: BuildPlan) -> None:
    """Before a ``dbt build`` (under the warehouse lock): the plan into the warehouse, where the
    models read it, and what the build runs under and its plan into ``<data-dir>/dbt/`` (the run
    report shows the plan)."""
    con = connect(settings.warehouse_path)
    try:
        plan.write(con)
    finally:
        con.close()
    folder = settings.dbt_profiles_dir
    write_atomic(
        folder / LAST_BUILD_FILE,
        json.dumps({"project_fingerprint": project_fingerprint(), "settings": fingerprint_values(settings)}, indent=2),
    )
    write_atomic(folder / BUILD_PLAN_FILE, json.dumps(plan.as_dict(), indent=2))


def read_build_plan(settings: Settings) -> dict[str, Any] | None:
    return _read_json(settings.dbt_profiles_dir / BUILD_PLAN_FILE)


def builds_on_published_mart(settings: Settings) -> bool:
    """True when the last dbt build was incremental from the published mart's ledger generation,
    under the published models: its mart differs from the published one only in the rows of the
    keys it recomputed, so the publish may write just those into a copy (publish.py)."""
    plan = read_build_plan(settings)
    state = _read_json(settings.state_path)
    return (
        plan is not None
        and state is not None
        and plan.get("mode") == "incremental"
        and plan.get("since_batch_id") == state.get("ledger_generation")
        and state.get("project_fingerprint") == project_fingerprint()
        and settings.mart_path.is_file()
    )


@dataclass(frozen=True)
class Freshness:
    up_to_date: bool
    reason: str


def _ledger_generation(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select coalesce(max(batch_id), 0) from raw_meta.loaded_files").fetchone()[0])


def publish_build(settings: Settings, manifest_path: Path, run_id: str = "") -> PublishResult:
    """Publish the mart of a successful dbt build and record the published state. Call it under
    the warehouse lock. After an incremental build on the published mart only the recomputed rows
    of the incremental mart tables are written (their ``meta.affected_by`` in ``manifest_path``). The
    build's semantic manifest (beside ``manifest_path``) is stored with the mart for `mf`, and the
    dashboard is rebuilt from the published mart."""
    if settings.dbt.engine == "spark":
        result = publish_parquet_mart(settings.warehouse_path, settings.mart_path, run_id)
    else:
        changed_rows = changed_rows_of_mart(manifest_path) if builds_on_published_mart(settings) else None
        result = publish_mart(settings.warehouse_path, settings.mart_path, run_id, changed_rows)
    publish_semantic_manifest(settings, manifest_path.parent)
    # The mart is the product: a dashboard that cannot be built does not hold it back. It is then
    # replaced by a page saying why (never the dashboard of an older mart), and the run warns.
    try:
        publish_dashboard(settings)
    except Exception as error:  # any failure of the derived dashboard
        unavailable_dashboard(settings.data_dir / DASHBOARD_DIR, f"{type(error).__name__}: {error}")
        result = dataclasses.replace(result, dashboard_error=f"{type(error).__name__}: {error}")
    record_published_state(settings)
    return result


def record_published_state(settings: Settings) -> None:
    """Called under the warehouse lock right after a successful publish."""
    con = connect(settings.warehouse_path, read_only=True)
    try:
        generation = _ledger_generation(con)
        identity = warehouse_id(con)
    finally:
        con.close()
    # Atomic: a run killed while writing must not leave a truncated file behind.
    write_atomic(
        settings.state_path,
        json.dumps(
            {
                "project_fingerprint": project_fingerprint(),
                "settings": fingerprint_values(settings),
                "ledger_generation": generation,
                "warehouse_id": identity,
                "published_at": datetime.now(UTC).isoformat(),
            },
            indent=2,
        ),
    )


def check_freshness(settings: Settings) -> Freshness:
    if not settings.mart_path.exists() or not settings.state_path.exists():
        return Freshness(False, "no published mart yet")
    try:
        state = json.loads(settings.state_path.read_text())
    except (OSError, ValueError):
        state = None
    if not isinstance(state, dict):
        return Freshness(False, f"{settings.state_path.name} is unreadable")
    if state.get("project_fingerprint") != project_fingerprint():
        return Freshness(False, "dbt models, seeds or config changed")
    recorded = state.get("settings")
    if not isinstance(recorded, dict):
        return Freshness(False, "settings not recorded by the last publish")
    changed = changes(recorded, fingerprint_values(settings))
    if changed:
        return Freshness(False, describe_changes(changed))
    if not settings.warehouse_path.exists():
        return Freshness(False, "no warehouse yet")
    with warehouse_lock(settings.lock_path):
        con = connect(settings.warehouse_path, read_only=True)
        try:
            if _ledger_generation(con) != state.get("ledger_generation"):
                return Freshness(False, "raw data loaded since the last publish")
            for entity in ENTITIES:
                pending = pending_files(con, settings.landing_dir, entity, settings)
                if pending:
                    why = next((file.reload_reason for file in pending if file.reload_reason), None)
                    what = (
                        f"files for {entity.source}/{entity.name} to read again: {why}"
                        if why
                        else (f"new or changed files for {entity.source}/{entity.name}")
                    )
                    return Freshness(False, what)
        finally:
            con.close()
    return Freshness(True, "no new landing files, seeds, models or settings since the last publish")
