"""Helpers shared by the golden-fixture tests: read one scorecard row, compare with a hand value."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest


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
