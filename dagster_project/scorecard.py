"""Read the monthly scorecard from the published mart and show it on the terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
from rich.console import Console
from rich.table import Table

# Timestamps that tell how far the published data reaches (later sources add theirs).
_CUTOFF_COLUMNS = (
    ("fct_tickets", "created_at"),
    ("fct_tickets", "last_resolved_at"),
    ("fct_ticket_replies", "replied_at"),
    ("fct_calls", "arrived_at"),
)


@dataclass(frozen=True)
class ScorecardRow:
    kpi_id: str
    kpi_name: str
    value: float | None
    unit: str
    benchmark_value: float | None
    benchmark_status: str | None


def data_cutoff(con: duckdb.DuckDBPyConnection) -> datetime | None:
    tables = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'mart' "
            "union all select view_name from duckdb_views() where schema_name = 'mart'"
        ).fetchall()
    }
    parts = [f"select max({column}) as ts from mart.{table}" for table, column in _CUTOFF_COLUMNS if table in tables]
    if not parts:
        return None
    return con.execute(f"select max(ts) from ({' union all '.join(parts)})").fetchone()[0]


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def latest_complete_month(con: duckdb.DuckDBPyConnection) -> tuple[date | None, bool]:
    """The latest scorecard month that the data covers to its last day; (month, is_complete).
    Falls back to the latest month, flagged incomplete, when no month is complete yet."""
    months = [
        row[0]
        for row in con.execute("select distinct month from mart.kpi_scorecard_monthly order by month desc").fetchall()
    ]
    if not months:
        return None, False
    cutoff = data_cutoff(con)
    if cutoff is not None:
        last_full_day = cutoff.date() if isinstance(cutoff, datetime) else cutoff
        for month in months:
            if _next_month(month) <= last_full_day + timedelta(days=1):
                return month, True
    return months[0], False


def scorecard_rows(con: duckdb.DuckDBPyConnection, month: date) -> list[ScorecardRow]:
    rows = con.execute(
        """
        select kpi_id, kpi_name, value, unit, benchmark_value, benchmark_status
        from mart.kpi_scorecard_monthly
        where month = ?
        order by kpi_id
        """,
        [month],
    ).fetchall()
    return [ScorecardRow(*row) for row in rows]


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def print_scorecard(console: Console, month: date, complete: bool, rows: list[ScorecardRow]) -> None:
    title = f"Scorecard {month:%Y-%m}" + ("" if complete else " (month not complete yet)")
    table = Table(title=title, title_justify="left")
    table.add_column("kpi_id", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("benchmark", justify="right")
    table.add_column("status")
    table.add_column("KPI")
    colours = {"excellent": "green", "meets": "cyan", "below": "red"}
    for row in rows:
        status = row.benchmark_status or ""
        colour = colours.get(status, "white")
        table.add_row(
            row.kpi_id,
            _fmt(row.value),
            row.unit,
            _fmt(row.benchmark_value) if row.benchmark_value is not None else "",
            f"[{colour}]{status}[/{colour}]" if status else "",
            row.kpi_name,
        )
    console.print(table)
