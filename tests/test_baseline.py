"""The single-script helpdesk baseline (scripts/baseline_helpdesk.sql) agrees with the mart.

It reuses the golden helpdesk build (session fixture golden_mart): no pipeline run of its own.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import duckdb

from tests.conftest import GOLDEN_LANDING

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from baseline import run_baseline

COVERED = {
    "tickets_created",
    "tickets_resolved",
    "tickets_resolved_change_pct",
    "reopened_tickets",
    "resolution_rate_pct",
    "escalated_tickets_pct",
    "reassigned_tickets",
    "recurring_incident_tickets",
    "tickets_unresolved_end_of_month",
    "tickets_awaiting_agent_end_of_month",
    "first_response_time_avg_minutes",
    "response_time_avg_minutes",
    "first_assignment_time_avg_minutes",
    "resolution_time_avg_hours",
    "full_resolution_time_avg_hours",
    "complaint_resolution_time_avg_hours",
    "first_contact_resolution_pct",
    "agent_replies_per_ticket",
    "customer_replies_per_ticket",
}


def test_baseline_matches_the_mart(golden_mart: duckdb.DuckDBPyConnection) -> None:
    rows = run_baseline(GOLDEN_LANDING)
    assert {kpi_id for _, kpi_id, _ in rows} == COVERED, "the baseline covers exactly these 19 KPIs"
    mart = {
        (month, kpi_id): value
        for month, kpi_id, value in golden_mart.execute(
            "select cast(month as date), kpi_id, value from mart.kpi_scorecard_monthly"
        ).fetchall()
    }
    mismatches = []
    for month, kpi_id, value in rows:
        if (month, kpi_id) not in mart:
            mismatches.append(f"{month} {kpi_id}: baseline {value}, mart has no row")
        elif mart[(month, kpi_id)] is None or not math.isclose(value, mart[(month, kpi_id)], rel_tol=1e-9):
            mismatches.append(f"{month} {kpi_id}: baseline {value}, mart {mart[(month, kpi_id)]}")
    # and the other way: every valued mart row of a covered KPI is in the baseline
    computed = {(month, kpi_id) for month, kpi_id, _ in rows}
    for (month, kpi_id), value in sorted(mart.items()):
        if kpi_id in COVERED and value is not None and (month, kpi_id) not in computed:
            mismatches.append(f"{month} {kpi_id}: mart {value}, baseline has no row")
    assert not mismatches, "\n".join(mismatches)
    assert len(rows) >= 50  # 3 months x 19 KPIs, less the first month's change and months without a complaint


def test_baseline_names_a_missing_landing_dir(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(FileNotFoundError, match="helpdesk tickets"):
        run_baseline(tmp_path)
