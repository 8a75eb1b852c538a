"""One asset per landing entity: load new or changed files into ``raw_<source>.<entity>``."""

import dagster as dg

from dagster_project.adapters import adapters_for
from dagster_project.contract import ENTITIES
from dagster_project.contract.model import Entity
from dagster_project.defs.connectors import PULL_ASSET_KEYS
from dagster_project.defs.freshness import FRESHNESS_KEY
from dagster_project.defs.resources import PipelineSettings
from dagster_project.loading import load_entity
from dagster_project.loading.quarantine import quarantine_dir, write_quarantine_files
from dagster_project.warehouse import connect, warehouse_lock


def raw_asset_key(source: str, entity: str) -> dg.AssetKey:
    """Key of the raw asset for one landing entity; dbt sources are mapped onto it."""
    return dg.AssetKey(["raw", source, entity])


def pull_deps(entity: Entity) -> list[dg.AssetKey]:
    """The API pulls writing into a folder of the entity (``connectors/zendesk`` feeds the helpdesk
    entities the Zendesk adapter reads): they run first, so a job loads what they just fetched."""
    folders = {adapter.name for adapter in adapters_for(entity)}
    return [key for key in PULL_ASSET_KEYS if key.path[-1] in folders]


def build_raw_asset(entity: Entity) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(entity.source, entity.name),
        group_name=entity.source,
        # After the freshness decision: when it finds nothing to do, the load is skipped.
        deps=[FRESHNESS_KEY, *pull_deps(entity)],
        kinds={"duckdb"},
        description=(
            f"{entity.description}\n\nLoaded from `<landing>/{entity.source}/{entity.name}/` "
            f"into `raw_{entity.source}.{entity.name}`; bad rows go to `raw_meta.raw_quarantine` "
            "and `<data-dir>/quarantine/`."
        ),
        tags={"layer": "raw"},
    )
    def _load(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
        settings = pipeline.settings()
        with warehouse_lock(settings.lock_path):
            con = connect(settings.warehouse_path)
            try:
                # load_entity creates what the raw schema lacks first
                result = load_entity(con, settings.landing_dir, entity, settings)
                quarantined = write_quarantine_files(con, quarantine_dir(settings.data_dir), entity)
            finally:
                con.close()
        context.log.info(
            f"{entity.source}/{entity.name}: {result.files_loaded} file(s) loaded, "
            f"{result.files_skipped} unchanged; {result.rows_loaded} rows loaded, "
            f"{result.rows_quarantined} quarantined"
        )
        for path, why in result.files_reloaded.items():
            context.log.info(f"{path}: read again: {why}")
        for path, columns in result.extra_columns.items():
            context.log.warning(f"{path}: extra columns ignored: {', '.join(columns)}")
        if result.unknown_events:
            counts = ", ".join(f"{name} x{count}" for name, count in sorted(result.unknown_events.items()))
            context.log.warning(f"{entity.source}/{entity.name}: skipped, unknown to the adapters: {counts}")
        if result.mapped_to_fallback:
            counts = ", ".join(f"{name} x{count}" for name, count in sorted(result.mapped_to_fallback.items()))
            context.log.warning(f"{entity.source}/{entity.name}: unknown values loaded as 'other': {counts}")
        return dg.MaterializeResult(
            metadata={
                "files_loaded": result.files_loaded,
                "files_skipped": result.files_skipped,
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "quarantine_open": quarantined.open_entries,
                "quarantine_resolved": result.quarantine_resolved,
                "extra_columns": dg.MetadataValue.json(result.extra_columns),
                "unknown_events": dg.MetadataValue.json(result.unknown_events),
                "adapter_stats": dg.MetadataValue.json(result.adapter_stats),
                "mapped_to_fallback": dg.MetadataValue.json(result.mapped_to_fallback),
                "files_reloaded": dg.MetadataValue.json(result.files_reloaded),
                "seconds": round(result.seconds, 3),
            }
        )

    return _load


raw_assets = [build_raw_asset(entity) for entity in ENTITIES]

RETRACTED_ROWS_KEY = dg.AssetKey(["raw", "meta", "retracted_rows"])
# Written by the raw loads above (in the transaction of the file that replaces the rows), read by
# dbt as source raw_meta.retracted_rows: not a step of its own.
retracted_rows = dg.AssetSpec(
    key=RETRACTED_ROWS_KEY,
    deps=[raw_asset_key(entity.source, entity.name) for entity in ENTITIES],
    group_name="raw_meta",
    description=(
        "raw_meta.retracted_rows: raw rows deleted because a changed version of their file was loaded, "
        "kept as JSON; incremental dbt models recompute the keys they carried."
    ),
)
BUILD_PLAN_KEY = dg.AssetKey(["raw", "meta", "build_plan"])
# Written by the dbt step itself just before `dbt build` (state.record_build_plan).
build_plan = dg.AssetSpec(
    key=BUILD_PLAN_KEY,
    group_name="raw_meta",
    description=(
        "raw_meta.build_plan: what the next dbt build treats as new (the ledger generation of the last "
        "publish) and the months a backfill recomputes; written by the dbt step before it builds."
    ),
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[*raw_assets, retracted_rows, build_plan])
