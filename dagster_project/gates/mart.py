"""The mart gate: validate mart.kpi_scorecard_monthly (small: one row per month and KPI).

Setting gates.engine chooses how, as for the raw gates: "sql" (default: the suite as DuckDB SQL,
gates.sql.validate_query, a static docs page) or "gx" (Great Expectations on a pandas frame, GX
Data Docs). Same expectations (suites.scorecard_suite), same report."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from dagster_project.contract.gates import CHANGE_PCT_SUFFIX, DURATION_UNITS, UNBOUNDED_PERCENT_KPIS, VOLUME_KPIS
from dagster_project.gates.raw import SAMPLE_ROWS, GateReport, gate_engine
from dagster_project.gates.suites import SCORECARD_INDEX_COLUMNS, scorecard_suite
from dagster_project.gates.validate import GxSession
from dagster_project.loading.sql import literal, literal_list
from dagster_project.scorecard import latest_complete_month

SCORECARD_TABLE = "mart.kpi_scorecard_monthly"


def scorecard_query(latest_complete: str | None) -> str:
    """Scorecard rows with the columns the suite checks. Volume swings compare a month with the
    month before; the first month (usually partial) is no baseline and months after the latest
    complete one are not compared."""
    upper = f"month <= {literal(latest_complete)}::date" if latest_complete else "false"
    return f"""
with

scorecard as (
    select month, kpi_id, value, unit,
        lag(month) over (partition by kpi_id order by month) as previous_month,
        lag(value) over (partition by kpi_id order by month) as previous_value,
        min(month) over () as first_month
    from {SCORECARD_TABLE}
)

select
    month,
    kpi_id,
    unit,
    value,
    case
        when unit = 'percent' and not suffix(kpi_id, {literal(CHANGE_PCT_SUFFIX)})
            and kpi_id not in ({literal_list(UNBOUNDED_PERCENT_KPIS)})
            then value
    end as percent_value,
    case when unit in ({literal_list(DURATION_UNITS)}) then value end as duration_value,
    case when unit = 'count' and value is not null then value = round(value) end as count_is_whole,
    case
        when kpi_id in ({literal_list(VOLUME_KPIS)}) and previous_month = month - interval 1 month
            and previous_month > first_month and {upper} and previous_value > 0
            then round(abs(value - previous_value) / previous_value * 100, 3)
    end as volume_swing_pct
from scorecard
order by month, kpi_id
"""


def check_scorecard(con: duckdb.DuckDBPyConnection, docs_dir: Path | None = None) -> GateReport:
    """Validate the warehouse's scorecard; error failures fail the report, swings only warn."""
    started = time.perf_counter()
    report = GateReport(check="mart/kpi_scorecard_monthly")
    cursor = con.cursor()  # scorecard.py leaves results unfetched; keep them off `con`
    try:
        month, complete = latest_complete_month(cursor)
    finally:
        cursor.close()
    latest = month.isoformat() if month is not None and complete else None
    suite = scorecard_suite()
    report.expectations = len(suite)
    if gate_engine() == "sql":
        from dagster_project.gates.sql import validate_query

        # Months as timestamps, as the GX engine's pandas frame reports them.
        query = f"select * replace (month::timestamp as month) from ({scorecard_query(latest)})"
        report.rows_checked, outcomes = validate_query(con, query, suite, SCORECARD_INDEX_COLUMNS)
        session = None
    else:
        table = con.sql(scorecard_query(latest)).to_arrow_table()
        frame = table.to_pandas(date_as_object=False)
        for column in ("kpi_id", "unit"):
            frame[column] = frame[column].astype(object)
        report.rows_checked = len(frame)
        session = GxSession(docs_dir)
        outcomes = session.validate("mart.kpi_scorecard_monthly", suite, frame, list(SCORECARD_INDEX_COLUMNS))
    for outcome in outcomes:
        if outcome.success:
            continue
        label = outcome.expectation.label
        target = report.expectations_failed if outcome.expectation.severity == "error" else report.expectations_warned
        target.append(label)
        for row in outcome.unexpected_rows:
            if len(report.failing_rows) >= 2 * SAMPLE_ROWS:
                break
            report.failing_rows.append({"expectation": label, **row})
    report.status = "failed" if report.expectations_failed else ("warned" if report.expectations_warned else "passed")
    if session is not None:
        docs = session.build_docs()
        report.docs_path = str(docs) if docs else None
    elif docs_dir is not None:
        from dagster_project.gates.sql import write_docs

        report.docs_path = str(write_docs(docs_dir, report.check, "mart.kpi_scorecard_monthly", outcomes))
    report.seconds = time.perf_counter() - started
    return report
