"""Zendesk histories at the boundaries (issue 12 items 6, 9, 10) through the whole pipeline: a
small hand-written export in the real API layouts (tests/fixtures/zendesk_boundaries: one
Incremental Ticket Export page, Users, Groups, and Ticket Audits as NDJSON, the shapes of
docs/zendesk.md and of tests/fixtures/zendesk), KPIs worked out by hand below.

Agent: Ana 9101; customers 5101-5106. All times UTC.

2001 Mon Nov 3 09:00: assigned + open 09:30 (first assignment 30 min), moved to the trash Tue
     Nov 4 12:00 (open -> deleted), restored Thu Nov 6 08:00 (deleted -> open), solved Fri Nov 7
     10:00. Deletion is no status change: one resolution, Nov 3 09:00 -> Nov 7 10:00 = 4 d 1 h
     = 97 h; no reopen. (Before the fix: resolved Nov 4 12:00 = 27 h and reopened Nov 6.)
2002 created_at Wed Nov 5 16:00, but its whole history is stamped 7 h earlier (the Fivetran
     dbt_zendesk sample data case): Create audit 09:00 (open, assigned to Ana), solved 10:00.
     Four events before creation (created, status, assigned, solved): a dbt warning, the mart
     is published. Everything takes effect at creation: first assignment 0 min, resolved Nov 5
     16:00 = 0 h (not -6 h / -7 h).
2003 migrated: record closed, created Mon Oct 20 10:00, updated Mon Nov 10 12:00, no audits at
     all. Synthetic new -> closed at updated_at: new (awaiting an agent) at the end of October,
     resolved Nov 10 12:00 = 21 d 2 h = 506 h. status_from_record.
2004 record solved, created Wed Nov 12 09:00, updated 11:00; its audits kept the request, an
     assignment 09:20 (20 min) and a reply 10:00, but no status change: synthetic new -> solved
     at 11:00 = 2 h. status_from_record.
2005 Thu Nov 20 09:00, record new, only its creation: new at the end of November.
2006 Fri Nov 21 09:00, record pending, no status change: the rule keeps it `new` from creation
     (only solved/closed records give a synthetic change): unresolved and awaiting an agent.

October: created 2003 -> 1; nothing resolved; end of month 2003 new -> unresolved 1, awaiting 1.
November: created 2001 2002 2004 2005 2006 -> 5; resolved 2001 2002 2003 2004 -> 4; reopened 0;
  resolution time (first resolved in Nov) (97 + 0 + 506 + 2) / 4 = 605 / 4 = 151.25 h;
  end of month unresolved 2005 2006 -> 2, awaiting 2; first assignment (created in Nov, assigned)
  2001 30 + 2002 0 + 2004 20 = 50 / 3 min; October: 2003 never assigned -> no value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import FIXTURES, CliRun, run_pipeline
from tests.golden import assert_figures

LANDING = FIXTURES / "zendesk_boundaries" / "landing"
OCT, NOV = dt.date(2025, 10, 1), dt.date(2025, 11, 1)

# (kpi_id, month) -> (value, numerator, denominator), as in tests/golden.assert_figures
SCORECARD: dict[tuple[str, dt.date], tuple[float | None, float | None, float | None]] = {
    ("tickets_created", OCT): (1, 1, None),
    ("tickets_created", NOV): (5, 5, None),
    ("tickets_resolved", OCT): (0, 0, None),
    ("tickets_resolved", NOV): (4, 4, None),  # 2001 (once), 2002, 2003, 2004
    ("reopened_tickets", OCT): (0, 0, None),
    ("reopened_tickets", NOV): (0, 0, None),  # 2001's restore is no reopen
    ("resolution_time_avg_hours", OCT): (None, None, None),
    ("resolution_time_avg_hours", NOV): (151.25, 605, 4),  # 97 + 0 + 506 + 2
    ("tickets_unresolved_end_of_month", OCT): (1, 1, None),  # 2003 (new until Nov 10)
    ("tickets_unresolved_end_of_month", NOV): (2, 2, None),  # 2005, 2006
    ("tickets_awaiting_agent_end_of_month", OCT): (1, 1, None),
    ("tickets_awaiting_agent_end_of_month", NOV): (2, 2, None),
    ("first_assignment_time_avg_minutes", OCT): (None, None, None),
    ("first_assignment_time_avg_minutes", NOV): (50 / 3, 50, 3),  # 30 + 0 + 20
}


@pytest.fixture(scope="module")
def boundaries_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_pipeline(LANDING, tmp_path_factory.mktemp("zendesk_boundaries") / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="module")
def boundaries_mart(boundaries_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(boundaries_run.mart_path)
    yield con
    con.close()


@pytest.mark.parametrize(("kpi_id", "month"), list(SCORECARD), ids=[f"{k}-{m:%Y-%m}" for k, m in SCORECARD])
def test_scorecard(boundaries_mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> None:
    assert_figures(boundaries_mart, kpi_id, month, SCORECARD[(kpi_id, month)])


def test_ticket_facts(boundaries_mart: duckdb.DuckDBPyConnection) -> None:
    rows = boundaries_mart.execute(
        "select ticket_id, first_assignment_minutes, first_resolved_at, first_resolution_minutes, "
        "last_resolved_at, reopen_count, status_from_record from mart.fct_tickets order by ticket_id"
    ).fetchall()
    assert rows == [
        ("2001", 30, dt.datetime(2025, 11, 7, 10), 97 * 60, dt.datetime(2025, 11, 7, 10), 0, False),
        ("2002", 0, dt.datetime(2025, 11, 5, 16), 0, dt.datetime(2025, 11, 5, 16), 0, False),
        ("2003", None, dt.datetime(2025, 11, 10, 12), 506 * 60, dt.datetime(2025, 11, 10, 12), 0, True),
        ("2004", 20, dt.datetime(2025, 11, 12, 11), 120, dt.datetime(2025, 11, 12, 11), 0, True),
        ("2005", None, None, None, None, 0, False),
        ("2006", None, None, None, None, 0, False),
    ]


def test_pre_creation_events_are_a_warning_in_the_run_report(boundaries_run: CliRun) -> None:
    report = json.loads(sorted((boundaries_run.data_dir / "reports").glob("run-*.json"))[-1].read_text())
    assert report["published"] is True
    assert report["dbt"]["tests_failed"] == 0
    warned = report["dbt"]["warned"]
    before = [w for w in warned if "assert_ticket_events_not_before_ticket_creation" in w]
    from_record = [w for w in warned if "assert_tickets_status_from_record" in w]
    assert len(before) == 1 and "Got 4 results" in before[0], warned  # 2002's four events
    assert len(from_record) == 1 and "Got 2 results" in from_record[0], warned  # 2003, 2004
    assert "dbt warning: test assert_ticket_events_not_before_ticket_creation warn" in boundaries_run.output
