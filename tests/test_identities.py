"""Accounting identities (dbt_project/tests/identities/): they hold, and each one can fail.

* The small generated demo warehouse (`demo_run`, shared with other tests) passed every identity
  during its `dbt build` (the pipeline refuses to publish otherwise); its run results say so.
* The golden helpdesk fixture's backlog flow is checked against values worked out by hand.
* One copy of the demo warehouse is tampered with (one change per identity, each touching only
  the columns of that identity) and `dbt test --select path:tests/identities` is run ONCE on it:
  exactly the tampered identities fail, each with the number of rows worked out below.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.conftest import CliRun, dbt_test_results, tampered_dbt_test

IDENTITY_TESTS = {
    "assert_ticket_backlog_flow_balances",
    "assert_ticket_backlog_flow_closing_equals_scorecard",
    "assert_calls_partition_into_outcomes",
    "assert_nps_equals_promoters_minus_detractors",
    "assert_scorecard_telephony_equals_contact_centre_tables",
    "assert_scorecard_surveys_equal_kpi_surveys_monthly",
    "assert_scorecard_tickets_created_equals_volume_daily",
    "assert_scorecard_social_equals_social_daily",
    "assert_scorecard_agent_parts_equal_leaderboard",
}

# Each statement changes one detail number; the comment says which identity rows it breaks.
TAMPERING = [
    # flow: opening + created + reopen - resolve <> closing in the earliest month -> 1 row
    # (closing is untouched, so opening(m+1) = closing(m) still holds)
    """update mart.kpi_ticket_backlog_flow_monthly set reopen_transitions = reopen_transitions + 1
       where month = (select min(month) from mart.kpi_ticket_backlog_flow_monthly)""",
    # scorecard backlog one higher in its latest month -> closing <> scorecard: 1 row
    """update mart.kpi_scorecard_monthly set numerator = numerator + 1
       where kpi_id = 'tickets_unresolved_end_of_month'
       and month = (select max(month) from mart.kpi_scorecard_monthly
                    where kpi_id = 'tickets_unresolved_end_of_month')""",
    # one interval row gets an inbound call with no outcome -> partition: 1 row (the roll-up
    # identity does not read inbound_calls_count)
    """update mart.kpi_contact_centre_interval set inbound_calls_count = inbound_calls_count + 1
       where (interval_start, queue_name) = (select (interval_start, queue_name)
       from mart.kpi_contact_centre_interval where offered_calls_count > 0
       order by interval_start, queue_name limit 1)""",
    # one daily row gets a blocked call, inbound too (partition still holds) -> the scorecard's
    # blocked_calls numerator and blocked_call_rate_pct numerator+denominator no longer equal the
    # daily sums of that month: 2 (table, month, kpi) rows; the interval sums still agree
    """update mart.kpi_contact_centre_daily set blocked_calls_count = blocked_calls_count + 1,
       inbound_calls_count = inbound_calls_count + 1
       where (call_date, queue_name) = (select (call_date, queue_name)
       from mart.kpi_contact_centre_daily order by call_date, queue_name limit 1)""",
    # one survey row's nps moved by 1 point (counts kept) -> NPS identity: 1 row
    """update mart.kpi_surveys_monthly set nps = nps + 1
       where rowid = (select min(rowid) from mart.kpi_surveys_monthly where nps_answered_count > 0)""",
    # one survey row gets an extra positive CSAT (answered kept) -> scorecard csat_pct numerator
    # <> sum: 1 row (the NPS identity does not read CSAT columns)
    """update mart.kpi_surveys_monthly set csat_positive_count = csat_positive_count + 1
       where rowid = (select max(rowid) from mart.kpi_surveys_monthly where csat_answered_count > 0)""",
    # one extra created ticket on the first day -> tickets_created, resolution_rate_pct and
    # escalated_tickets_pct (created in the denominator) of that month: 3 rows
    """update mart.kpi_ticket_volume_daily set tickets_created_count = tickets_created_count + 1
       where rowid = (select min(rowid) from mart.kpi_ticket_volume_daily
       where created_date = (select min(created_date) from mart.kpi_ticket_volume_daily))""",
    # one extra engagement action on one network x day -> social_engagement_actions of that
    # month: 1 row
    """update mart.kpi_social_daily set engagement_actions_count = engagement_actions_count + 1
       where rowid = (select min(rowid) from mart.kpi_social_daily)""",
    # one agent's quality reviews score one point more -> the scorecard's IQS numerator no longer
    # equals the leaderboard's sum in that month: 1 row
    """update mart.kpi_agent_leaderboard_monthly set quality_weighted_score_sum = quality_weighted_score_sum + 1
       where rowid = (select min(rowid) from mart.kpi_agent_leaderboard_monthly
       where quality_weighted_max_score_sum > 0)""",
]

EXPECTED_FAILURES = {
    "assert_ticket_backlog_flow_balances": 1,
    "assert_ticket_backlog_flow_closing_equals_scorecard": 1,
    "assert_calls_partition_into_outcomes": 1,
    "assert_scorecard_telephony_equals_contact_centre_tables": 2,
    "assert_nps_equals_promoters_minus_detractors": 1,
    "assert_scorecard_surveys_equal_kpi_surveys_monthly": 1,
    "assert_scorecard_tickets_created_equals_volume_daily": 3,
    "assert_scorecard_social_equals_social_daily": 1,
    "assert_scorecard_agent_parts_equal_leaderboard": 1,
}


def _identities(results: dict[str, tuple[str, int]]) -> dict[str, tuple[str, int]]:
    return {name: result for name, result in results.items() if name in IDENTITY_TESTS}


def test_every_identity_passes_on_the_demo_build(demo_run: CliRun) -> None:
    found = _identities(dbt_test_results(demo_run.data_dir / "last_dbt_run_results.json"))
    assert found == {name: ("pass", 0) for name in IDENTITY_TESTS}


def test_golden_helpdesk_backlog_flow_by_hand(golden_run: CliRun) -> None:
    # Hand working from the ticket ledger in tests/test_golden_helpdesk.py (UTC months):
    # Nov: created T01, T02; T01 solved in Nov; T02 still new -> 0 + 2 + 0 - 1 = 1.
    # Dec: created T03 T04 T06 T09 T11 T15 (6); resolved T02 T04 T09 T11 T15 (5); T03 (solved
    #      2 Jan) and T06 (pending) open at the end -> 1 + 6 + 0 - 5 = 2.
    # Jan: created T05 T07 T08 T10 T12 T13 T14 (7); reopened T04 and T05 (2); resolved T03, T04
    #      again, T05 (before its reopen), T10, T12, T13 (6; T13's solved -> closed is no flow);
    #      open at the end T05 T06 T07 T08 T14 -> 2 + 7 + 2 - 6 = 5 = tickets_unresolved_end_of_month.
    con = duckdb.connect(str(golden_run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select month, opening_unresolved_tickets, created_tickets, reopen_transitions,"
            " resolve_transitions, closing_unresolved_tickets"
            " from mart.kpi_ticket_backlog_flow_monthly order by month"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        (date(2025, 11, 1), 0, 2, 0, 1, 1),
        (date(2025, 12, 1), 1, 6, 0, 5, 2),
        (date(2026, 1, 1), 2, 7, 2, 6, 5),
    ]


@pytest.fixture(scope="module")
def tampered_results(demo_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    work = tmp_path_factory.mktemp("identities-tampered")
    return _identities(
        tampered_dbt_test(demo_run.data_dir / "warehouse.duckdb", work, TAMPERING, "path:tests/identities")
    )


def test_each_tampered_identity_fails_and_only_those(tampered_results: dict[str, tuple[str, int]]) -> None:
    assert set(tampered_results) == IDENTITY_TESTS
    assert tampered_results == {name: ("fail", rows) for name, rows in EXPECTED_FAILURES.items()}
