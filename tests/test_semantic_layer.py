"""The semantic layer agrees with the scorecard (issue 15): for every KPI of the registry and every
month of the golden helpdesk fixture, `support-kpi metrics query` (MetricFlow over the published
mart) gives the scorecard's value, and a roll-up to the quarter is the ratio of the summed
numerators and denominators of its months (never an average of monthly values)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dagster_project.publish import open_mart
from tests.conftest import CliRun, support_kpi
from tests.test_kpi_registry import registry_kpis


def mf_values(run: CliRun, kpi_ids: list[str], grain: str, work: Path) -> dict[tuple[str, date], float | None]:
    """``{(kpi_id, period start): value}`` from one `support-kpi metrics query` of every KPI."""
    out = work / f"{grain}.csv"
    done = support_kpi(
        "metrics", "query", "--data-dir", str(run.data_dir), "--metrics", ",".join(kpi_ids),
        "--group-by", f"metric_time__{grain}", "--csv", str(out),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    values: dict[tuple[str, date], float | None] = {}
    with out.open() as handle:
        for row in csv.DictReader(handle):
            figures = {kpi_id: float(row[kpi_id]) if row[kpi_id] else None for kpi_id in kpi_ids}
            if not row[f"metric_time__{grain}"]:
                # Facts without the month a measure is timed by (a ticket never resolved) form a
                # group without a time: every measure leaves them out, so no KPI has a value there.
                assert set(figures.values()) == {None}, figures
                continue
            period = date.fromisoformat(row[f"metric_time__{grain}"][:10])
            values |= {(kpi_id, period): figure for kpi_id, figure in figures.items()}
    return values


@pytest.fixture(scope="module")
def registry(golden_run: CliRun) -> dict[str, dict[str, Any]]:
    return registry_kpis(json.loads((golden_run.data_dir / "dbt" / "target" / "manifest.json").read_text()))


@pytest.fixture(scope="module")
def scorecard(golden_run: CliRun, registry: dict[str, dict[str, Any]]) -> list[tuple]:
    con = open_mart(golden_run.mart_path)
    try:
        return con.execute(
            "select kpi_id, month, value, numerator, denominator, unit from mart.kpi_scorecard_monthly "
            "where kpi_id in (select unnest(?))",
            [sorted(registry)],
        ).fetchall()
    finally:
        con.close()


def test_metricflow_gives_the_scorecard_value_of_every_kpi_and_month(
    golden_run: CliRun, registry: dict[str, dict[str, Any]], scorecard: list[tuple], tmp_path: Path
) -> None:
    kpi_ids = sorted(registry)
    values = mf_values(golden_run, kpi_ids, "month", tmp_path)
    assert {row[0] for row in scorecard} == set(kpi_ids)
    checked = 0
    for kpi_id, month, value, _numerator, _denominator, _unit in scorecard:
        got = values.get((kpi_id, month))
        if value is None:
            assert got is None, (kpi_id, month, got)
        else:
            assert got == pytest.approx(value, rel=1e-9), (kpi_id, month)
            checked += 1
    assert checked >= 25
    # MetricFlow has no value the scorecard lacks.
    with_value = {(row[0], row[1]) for row in scorecard if row[2] is not None}
    assert {key for key, value in values.items() if value is not None} <= with_value


def test_a_quarter_is_the_ratio_of_its_summed_numerators_and_denominators(
    golden_run: CliRun, registry: dict[str, dict[str, Any]], scorecard: list[tuple], tmp_path: Path
) -> None:
    sums: dict[tuple[str, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    units = {}
    for kpi_id, month, _value, numerator, denominator, unit in scorecard:
        quarter = date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
        sums[(kpi_id, quarter)][0] += numerator
        sums[(kpi_id, quarter)][1] += denominator
        units[kpi_id] = unit
    values = mf_values(golden_run, sorted(registry), "quarter", tmp_path)
    # The golden fixture spans 2025-11 to 2026-01: two quarters, one of them two months long.
    assert {quarter for _, quarter in sums} == {date(2025, 10, 1), date(2026, 1, 1)}
    for (kpi_id, quarter), (numerator, denominator) in sums.items():
        if denominator == 0:
            assert values.get((kpi_id, quarter)) is None, (kpi_id, quarter)
            continue
        expected = numerator / denominator * (100 if units[kpi_id] == "percent" else 1)
        assert values[(kpi_id, quarter)] == pytest.approx(expected, rel=1e-9), (kpi_id, quarter)
