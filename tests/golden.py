"""Helpers shared by the golden-fixture tests: read one scorecard row, compare with a hand value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml


@dataclass(frozen=True)
class Kpi:
    """Expected scorecard row, worked out by hand: value None = null, denominator None = a count."""

    kpi_id: str
    month: dt.date
    value: float | None
    numerator: float | None
    denominator: float | None


def case_id(case: Kpi) -> str:
    """pytest id of a case, e.g. csat_pct-2026-01."""
    return f"{case.kpi_id}-{case.month:%Y-%m}"


def scorecard_row(mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> tuple:
    """(value, numerator, denominator) of exactly one scorecard row."""
    rows = mart.execute(
        "select value, numerator, denominator from mart.kpi_scorecard_monthly where kpi_id = ? and month = ?",
        [kpi_id, month],
    ).fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {kpi_id} in {month}"
    return rows[0]


def scorecard_months(mart: duckdb.DuckDBPyConnection, kpi_id: str) -> set[dt.date]:
    """Every month in which the scorecard has a row for the KPI."""
    return {
        row[0]
        for row in mart.execute("select month from mart.kpi_scorecard_monthly where kpi_id = ?", [kpi_id]).fetchall()
    }


def assert_figure(actual: float | None, expected: float | None) -> None:
    """A hand-worked figure: None means the mart must hold null, else equal within 1e-9."""
    if expected is None:
        assert actual is None
    else:
        assert actual == pytest.approx(expected, abs=1e-9)


def assert_scorecard(mart: duckdb.DuckDBPyConnection, case: Kpi) -> None:
    """The scorecard has exactly one row for the case's (kpi_id, month) with its three figures."""
    value, numerator, denominator = scorecard_row(mart, case.kpi_id, case.month)
    assert_figure(value, case.value)
    assert_figure(numerator, case.numerator)
    assert_figure(denominator, case.denominator)


def unchecked(cases: Iterable[Kpi], kpi_ids: Iterable[str], months: Iterable[dt.date]) -> set[tuple[str, dt.date]]:
    """(kpi_id, month) pairs of the fixture no case checks."""
    checked = {(case.kpi_id, case.month) for case in cases}
    return {(kpi_id, month) for kpi_id in kpi_ids for month in months} - checked


# The helpdesk families of the KPI registry (models/marts/kpi/registry/_kpis__helpdesk_*.yml), as the
# connector tests check them for every vendor fixture.
HELPDESK_KPI_IDS = (
    "tickets_created",
    "tickets_resolved",
    "tickets_resolved_change_pct",
    "tickets_unresolved_end_of_month",
    "tickets_awaiting_agent_end_of_month",
    "ticket_backlog_overdue_end_of_month",
    "first_response_time_avg_minutes",
    "first_response_time_avg_business_minutes",
    "response_time_avg_minutes",
    "first_assignment_time_avg_minutes",
    "resolution_time_avg_hours",
    "full_resolution_time_avg_hours",
    "complaint_resolution_time_avg_hours",
    "resolution_rate_pct",
    "first_contact_resolution_pct",
    "first_response_sla_pct",
    "resolution_sla_pct",
    "reopened_tickets",
    "reassigned_tickets",
    "escalated_tickets_pct",
    "agent_replies_per_ticket",
    "customer_replies_per_ticket",
    "recurring_incident_tickets",
    "contact_volume",
    "repeat_contact_rate_pct",
)
KPI_REGISTRY = Path(__file__).parents[1] / "dbt_project" / "models" / "marts" / "kpi" / "registry"


def helpdesk_kpi_ids_in_registry() -> set[str]:
    """Every kpi_id the helpdesk families of the KPI registry declare, read from their YAML."""
    files = KPI_REGISTRY.glob("_kpis__helpdesk_*.yml")
    return {metric["name"] for path in files for metric in yaml.safe_load(path.read_text())["metrics"]}


def assert_figures(
    mart: duckdb.DuckDBPyConnection,
    kpi_id: str,
    month: dt.date,
    expected: tuple[float | None, float | None, float | None],
) -> None:
    """(value, numerator, denominator) worked out by hand. value None = a zero denominator: no row
    or a null value (kpis.md does not say whether such a month has a row); denominator None = a
    count, whose row has no denominator."""
    value, numerator, denominator = expected
    rows = mart.execute(
        "select value, numerator, denominator from mart.kpi_scorecard_monthly where kpi_id = ? and month = ?",
        [kpi_id, month],
    ).fetchall()
    assert len(rows) <= 1, f"{len(rows)} rows for {kpi_id} in {month}"
    if value is None:
        assert not rows or rows[0][0] is None, rows
        return
    assert rows, f"no scorecard row for {kpi_id} in {month}"
    assert_figure(rows[0][0], value)
    assert_figure(rows[0][1], numerator)
    assert_figure(rows[0][2], denominator)
