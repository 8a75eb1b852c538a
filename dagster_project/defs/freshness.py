"""The "nothing to do" decision, as a step of the job: after the API pulls, before any load.

``pipeline/freshness`` asks ``state.check_freshness``. When the published mart is current it
records the reason (an observation) and yields no output, so Dagster skips every step downstream
of it (loads, gates, dbt, publish) and the run report says "skipped" with the reason. Otherwise it
materialises with the reason why a run is needed, and the raw loads follow.
"""

from collections.abc import Iterator

import dagster as dg

from dagster_project.defs.connectors import PULL_ASSET_KEYS
from dagster_project.defs.resources import PipelineSettings
from dagster_project.run_report import FRESHNESS_PATH
from dagster_project.state import Freshness, check_freshness

FRESHNESS_KEY = dg.AssetKey(list(FRESHNESS_PATH))


@dg.asset(
    key=FRESHNESS_KEY,
    deps=list(PULL_ASSET_KEYS),
    group_name="pipeline",
    kinds={"python"},
    output_required=False,
    description=(
        "Is the published mart current? Compares `<data-dir>/published_state.json` with the dbt project, "
        "the loader's ledger and the landing files. When nothing changed, yields nothing: every load, "
        "gate, dbt and publish step of the run is skipped and the run report says why."
    ),
    tags={"layer": "control"},
)
def freshness(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[dg.MaterializeResult]:
    settings = pipeline.settings()
    forced = pipeline.forced_reason()
    decision = check_freshness(settings)
    if forced is not None:
        decision = Freshness(False, forced)
    if decision.up_to_date:
        context.log_event(
            dg.AssetObservation(asset_key=FRESHNESS_KEY, metadata={"up_to_date": True, "reason": decision.reason})
        )
        context.log.info(f"up to date: {decision.reason}; the later steps are skipped")
        return
    context.log.info(f"run needed: {decision.reason}")
    yield dg.MaterializeResult(metadata={"up_to_date": False, "reason": decision.reason})


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[freshness])
