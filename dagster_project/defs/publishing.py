"""Publish the mart once every model and test of the dbt build has passed."""

import dagster as dg

from dagster_project.defs.dbt_models import mart_asset_keys
from dagster_project.defs.resources import PipelineSettings
from dagster_project.state import publish_build
from dagster_project.warehouse import warehouse_lock

PUBLISHED_MART_KEY = dg.AssetKey(["published", "mart"])


@dg.asset(
    key=PUBLISHED_MART_KEY,
    deps=mart_asset_keys,
    group_name="publish",
    kinds={"duckdb"},
    description=(
        "`<data-dir>/support_kpi.duckdb`: a copy of the warehouse's `mart` schema (catalog "
        "`support_kpi`, schema `mart`), switched in atomically (after an incremental build, a copy "
        "of the published file with the recomputed rows written into it; with the Spark engine, a file "
        "of views over Parquet files in `<data-dir>/support_kpi_parquet/`). "
        "Runs only when the dbt build (models and error-severity tests) succeeded. The dashboard "
        "(`<data-dir>/dashboard/`) is rebuilt from the published mart (or, when it cannot be built, "
        "replaced by a page saying why, with a warning)."
    ),
)
def published_mart(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
    settings = pipeline.settings()
    with warehouse_lock(settings.lock_path):
        result = publish_build(settings, settings.dbt_target_path / "manifest.json", context.run_id)
    how = "changed rows of a copy" if result.changed_rows_only else "whole tables"
    context.log.info(f"published {len(result.table_rows)} tables to {result.mart_path} ({how})")
    if result.dashboard_error:
        context.log.warning(f"the dashboard could not be built ({result.dashboard_error}); the mart is published")
    else:
        context.log.info(f"dashboard: {settings.data_dir / 'dashboard' / 'index.html'}")
    for path in result.removed_legacy:
        context.log.info(f"removed {path}, left by an older version (the mart is now {result.mart_path.name})")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.mart_path)),
            "tables": len(result.table_rows),
            "rows": dg.MetadataValue.json(result.table_rows),
            "seconds": round(result.seconds, 3),
            "dashboard": result.dashboard_error or "built",
        }
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[published_mart])
