"""Quality gates as blocking asset checks: one per raw entity (each new batch) and one on the scorecard.

A gate failing with ERROR severity stops everything downstream (dbt build, publishing); warnings
are recorded in the check's metadata and the run report. The Data Docs of each check (GX's, or the
SQL engine's static page: setting ``gates.engine``) are written to
``<data-dir>/gates/<run id>/<check>/index.html``.
"""

from pathlib import Path

import dagster as dg

from dagster_project.contract import ENTITIES
from dagster_project.contract.gates import references_of
from dagster_project.contract.model import Entity
from dagster_project.defs.raw_landing import raw_asset_key
from dagster_project.defs.resources import PipelineSettings
from dagster_project.gates.raw import GateReport, check_entity
from dagster_project.warehouse import connect, warehouse_lock

RAW_GATE_NAME = "batch_gate"
SCORECARD_GATE_NAME = "scorecard_gate"
SCORECARD_KEY = dg.AssetKey(["mart", "kpi_scorecard_monthly"])


def gate_docs_dir(data_dir: Path, run_id: str, check: str) -> Path:
    return data_dir / "gates" / run_id / check.replace("/", "__")


def check_result(report: GateReport) -> dg.AssetCheckResult:
    """A GateReport as an AssetCheckResult: failed -> ERROR, warned -> WARN (not blocking)."""
    data = report.as_dict()
    metadata: dict[str, object] = {
        "status": data["status"],
        "rows_checked": data["rows_checked"],
        "batches_checked": data["batches_checked"],
        "expectations": data["expectations"],
        "expectations_failed": dg.MetadataValue.json(data["expectations_failed"]),
        "expectations_warned": dg.MetadataValue.json(data["expectations_warned"]),
        "batches_failed": dg.MetadataValue.json(data["batches_failed"]),
        "failing_rows": dg.MetadataValue.json(data["failing_rows"]),
        "seconds": data["seconds"],
    }
    if report.docs_path:
        metadata["docs_path"] = dg.MetadataValue.path(report.docs_path)
    severity = dg.AssetCheckSeverity.WARN if report.status == "warned" else dg.AssetCheckSeverity.ERROR
    return dg.AssetCheckResult(passed=report.status == "passed", severity=severity, metadata=metadata)


def build_batch_gate(entity: Entity) -> dg.AssetChecksDefinition:
    # A reference (ticket_events.ticket_id -> tickets) is checked after the referenced entity loaded.
    referenced = [raw_asset_key(r.to_source, r.to_entity) for r in references_of(entity.source, entity.name)]

    @dg.asset_check(
        asset=raw_asset_key(entity.source, entity.name),
        name=RAW_GATE_NAME,
        blocking=True,
        additional_deps=referenced or None,
        description=(
            f"Great Expectations suite derived from the contract of {entity.qualified_name}, run on every "
            "new batch; a batch failing an error expectation is taken out of the raw table again."
        ),
    )
    def _gate(context: dg.AssetCheckExecutionContext, pipeline: PipelineSettings) -> dg.AssetCheckResult:
        settings = pipeline.settings()
        check = f"raw/{entity.source}/{entity.name}"
        docs = gate_docs_dir(settings.data_dir, context.op_execution_context.run_id, check)
        with warehouse_lock(settings.lock_path):
            con = connect(settings.warehouse_path)
            try:
                report = check_entity(con, entity, docs)
            finally:
                con.close()
        log = context.log.error if report.status == "failed" else context.log.info
        log(f"gate {report.summary()} ({report.seconds:.1f} s)")
        return check_result(report)

    return _gate


batch_gates = [build_batch_gate(entity) for entity in ENTITIES]


@dg.asset_check(
    asset=SCORECARD_KEY,
    name=SCORECARD_GATE_NAME,
    blocking=True,
    description=(
        "Great Expectations suite on the monthly scorecard: one row per (month, kpi_id), percentages "
        "within 0-100, durations not negative, counts whole; month-over-month volume swings warn."
    ),
)
def scorecard_gate(context: dg.AssetCheckExecutionContext, pipeline: PipelineSettings) -> dg.AssetCheckResult:
    from dagster_project.gates.mart import check_scorecard

    settings = pipeline.settings()
    docs = gate_docs_dir(settings.data_dir, context.op_execution_context.run_id, "mart/kpi_scorecard_monthly")
    with warehouse_lock(settings.lock_path):
        con = connect(settings.warehouse_path, read_only=True)
        try:
            report = check_scorecard(con, docs)
        finally:
            con.close()
    log = context.log.error if report.status == "failed" else context.log.info
    log(f"gate {report.summary()} ({report.seconds:.1f} s)")
    return check_result(report)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=[*batch_gates, scorecard_gate])
