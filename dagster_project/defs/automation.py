"""The daily job and its schedule, a sensor that starts the job when landing files change, and the
monthly refresh job a backfill runs over a month range."""

import hashlib
from datetime import datetime
from typing import Any

import dagster as dg

from dagster_project.contract import ENTITIES
from dagster_project.defs.resources import PipelineSettings
from dagster_project.loading.files import landing_files

daily_kpi_job = dg.define_asset_job(
    name="daily_kpi_job",
    selection=dg.AssetSelection.all(),
    # Steps run one after another in one process: the warehouse has a single writer.
    executor_def=dg.in_process_executor,
    description="Load new landing files, dbt build (models + tests), publish the mart.",
)

daily_kpi_schedule = dg.ScheduleDefinition(
    name="daily_kpi_schedule",
    job=daily_kpi_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    description="Every day at 05:00 UTC, after the nightly landing drops.",
)


# First month a backfill can ask for; later months up to the current one are partitions.
REFRESH_START_MONTH = "2015-01-01"


@dg.monthly_partitioned_config(start_date=REFRESH_START_MONTH, end_offset=1)
def month_refresh_config(start: datetime, _end: datetime) -> dict[str, Any]:
    """One month partition -> the ``pipeline`` resource asked to recompute that month."""
    return {"resources": {"pipeline": {"config": {"refresh_months": [start.strftime("%Y-%m")]}}}}


month_refresh_job = dg.define_asset_job(
    name="month_refresh_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    config=month_refresh_config,
    description=(
        "The daily job, asked to recompute every KPI row of one month (its partition) from all raw rows "
        "of that month, whatever arrived since the last publish. Backfill it over a month range from the "
        "UI or `dagster job backfill -j month_refresh_job --from 2026-01-01 --to 2026-03-01`: one run per "
        "month, queued one at a time like every run of the data folder."
    ),
)


@dg.sensor(name="landing_files_sensor", job=daily_kpi_job, minimum_interval_seconds=60)
def landing_files_sensor(
    context: dg.SensorEvaluationContext, pipeline: PipelineSettings
) -> dg.RunRequest | dg.SkipReason:
    """Starts ``daily_kpi_job`` when a landing file appears or changes (name, size, mtime)."""
    settings = pipeline.settings()
    listing = []
    for entity in ENTITIES:
        for path, _ in landing_files(settings.landing_dir, entity):
            stat = path.stat()
            listing.append(f"{path.relative_to(settings.landing_dir)}|{stat.st_size}|{stat.st_mtime_ns}")
    if not listing:
        return dg.SkipReason(f"{settings.landing_dir} holds no landing files")
    digest = hashlib.sha256("\n".join(listing).encode()).hexdigest()
    if digest == context.cursor:
        return dg.SkipReason("no new or changed landing files")
    context.update_cursor(digest)
    return dg.RunRequest(run_key=digest, tags={"trigger": "landing_files_sensor"})


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        jobs=[daily_kpi_job, month_refresh_job], schedules=[daily_kpi_schedule], sensors=[landing_files_sensor]
    )
