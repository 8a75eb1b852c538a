"""Helpers shared by the golden-fixture tests: read one scorecard row, compare with a hand value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pytest


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
