"""The scorecard gate is a blocking check of daily_kpi_job: an ERROR failure stops the publish step,
a warning does not. Runs the job's publish step and the gate on a small hand-made warehouse (no dbt)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.contract import ENTITIES
from dagster_project.loading import ensure_raw_schema
from dagster_project.settings import MART_FILE_NAME

SCORECARD = dg.AssetKey(["mart", "kpi_scorecard_monthly"])
PUBLISHED = dg.AssetKey(["published", "mart"])


@pytest.fixture(scope="module")
def daily_job() -> dg.JobDefinition:
    from dagster_project.definitions import defs

    return defs().resolve_job_def("daily_kpi_job")


@pytest.fixture(scope="module")
def publish_and_gate(daily_job: dg.JobDefinition) -> dg.JobDefinition:
    return daily_job.get_subset(
        asset_selection={PUBLISHED}, asset_check_selection={dg.AssetCheckKey(SCORECARD, "scorecard_gate")}
    )


def test_every_entity_has_a_gate_that_dbt_waits_for(daily_job: dg.JobDefinition) -> None:
    from dagster._core.execution.api import create_execution_plan

    upstream = {step.key: set(step.get_execution_dependency_keys()) for step in create_execution_plan(daily_job).steps}
    gates = {f"raw__{entity.source}__{entity.name}_batch_gate" for entity in ENTITIES}
    assert len(gates) == len(ENTITIES) == 17
    assert gates <= upstream["support_kpi_dbt"]
    assert "mart__kpi_scorecard_monthly_scorecard_gate" in upstream["published__mart"]
    # ticket_events is checked against the tickets once they are loaded (and gated)
    assert {"raw__helpdesk__tickets", "raw__helpdesk__tickets_batch_gate"} <= upstream[
        "raw__helpdesk__ticket_events_batch_gate"
    ]


def warehouse(data_dir: Path, percent: float) -> None:
    data_dir.mkdir(parents=True)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        ensure_raw_schema(con)
        con.execute("create schema mart")
        con.execute("create table mart.kpi_scorecard_monthly (month date, kpi_id varchar, value double, unit varchar)")
        con.execute(
            "insert into mart.kpi_scorecard_monthly values "
            "('2026-01-01', 'tickets_created', 40, 'count'), ('2026-02-01', 'tickets_created', 100, 'count'), "
            "('2026-03-01', 'tickets_created', 300, 'count'), "
            "('2026-04-01', 'tickets_created', 310, 'count'), (?, 'csat_pct', ?, 'percent')",
            ["2026-04-01", percent],
        )
        con.execute("create table mart.fct_tickets (created_at timestamp, last_resolved_at timestamp)")
        con.execute("insert into mart.fct_tickets values ('2026-04-30 12:00', null)")
    finally:
        con.close()


def run(job: dg.JobDefinition, data_dir: Path) -> dg.ExecuteInProcessResult:
    config = {"resources": {"pipeline": {"config": {"data_dir": str(data_dir), "landing_dir": str(data_dir)}}}}
    return job.execute_in_process(run_config=config, raise_on_error=False, instance=dg.DagsterInstance.ephemeral())


def evaluation(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (found,) = result.get_asset_check_evaluations()
    return found


def test_failed_scorecard_gate_blocks_publishing(publish_and_gate: dg.JobDefinition, tmp_path: Path) -> None:
    data_dir = tmp_path / "bad"
    warehouse(data_dir, percent=140.0)
    result = run(publish_and_gate, data_dir)
    assert not result.success
    gate = evaluation(result)
    assert (gate.passed, gate.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert gate.metadata["expectations_failed"].value == ["expect_column_values_to_be_between(percent_value)"]
    assert Path(str(gate.metadata["docs_path"].value)).is_file()
    publish_events = [e.event_type_value for e in result.all_events if e.step_key == "published__mart"]
    assert "STEP_START" not in publish_events
    assert result.get_asset_materialization_events() == []
    assert not (data_dir / MART_FILE_NAME).exists()


def test_warning_gate_does_not_block(publish_and_gate: dg.JobDefinition, tmp_path: Path) -> None:
    data_dir = tmp_path / "swing"
    warehouse(data_dir, percent=95.0)  # March tickets_created +200 % vs February: a warning only
    result = run(publish_and_gate, data_dir)
    gate = evaluation(result)
    assert (gate.passed, gate.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert gate.metadata["expectations_warned"].value == ["expect_column_values_to_be_between(volume_swing_pct)"]
    assert result.success
    publish_events = [e.event_type_value for e in result.all_events if e.step_key == "published__mart"]
    assert "STEP_SUCCESS" in publish_events
    assert (data_dir / MART_FILE_NAME).exists()
