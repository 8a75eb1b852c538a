"""The hand-written Freshdesk export (tests/fixtures/freshdesk) through the whole pipeline: every
helpdesk kpi_id of the scorecard for February and March 2026, worked out by hand below.

Files in `helpdesk/freshdesk/` (as the API writer stores them: one response body per file):
  tickets-00000001.json   first pull (`include=stats`), Feb 5: 101, 102 (v1), 103 (v1)
  tickets-00000002.json   second pull, Mar 5: 102 (v2), 103 (v2), 104-110, 112, 113, 114
  conversations-0000000N.json  one `GET /tickets/{id}/conversations` each (102 twice: the first
                          pull's reply 211 comes again in the second one, same event id)
  conversations-105.ndjson     ticket 105's conversations as NDJSON
  agents-00000001.json (5001 Alice, 5002 Bob, 5003 Carol deactivated), groups-00000001.json

Reference facts
* SLA targets by current priority (minutes, first response / resolution, calendar time):
  urgent 60/240, high 240/1440, normal (Freshdesk Medium) 480/2880, low 1440/5760.
* Every time is a weekday inside business hours 08:00-17:00 UTC and there is no holiday in
  Feb/Mar 2026 (seeds/holidays.csv), so business minutes = calendar minutes for same-day spans.
* Data cut-off = latest event loaded = 114's agent reply, Thu 2026-03-05 11:00.
* Derived events: resolved_at -> solved, closed_at -> closed, reopened_at -> solved->open, the
  current status at status_updated_at when not solved/closed, assigned_at / first_assigned_at ->
  assigned (current responder), fr_escalated at fr_due_by / is_escalated at due_by -> escalated.

Ticket ledger (created; priority; what it is there for)
101 Mon Feb 2 09:00 Medium  assigned 09:10 (5001), reply 10:00, resolved 11:00: FCR; requester 9001
                            category login_failure.
102 Tue Feb 3 09:00 High    assigned 09:05, reply 10:00, resolved 12:00 (v1); customer reply Wed
                            Feb 4 09:00 reopens it, reply 10:00, resolved again 11:00 (v2 stats keep
                            only the second resolved_at: both resolutions known because both
                            versions were pulled).
103 Thu Feb 5 09:00 Low     v1: open, assigned 09:30 to 5001; v2: responder 5003, first_assigned
                            09:30, assigned 11:00 -> reassigned 5001 -> 5003; reply 13:00 (5003),
                            resolved Fri Feb 6 10:00. Recurring (9001 login_failure, 101 3 days before).
                            No type (Freshdesk's type is optional): not a complaint, not escalated.
104 Mon Feb 9 09:00 Urgent  assigned 09:20, private note 09:40, reply 10:30 (first-response
                            target 60 breached, fr_escalated at fr_due_by 10:00), resolved 14:00
                            (is_escalated at due_by 13:00).
105 Tue Feb 10 09:00 Medium assigned 09:15 to Dave (5004), private note 09:30 by Alice; Dave replies
                            11:00 and 14:00, the customer 13:00; resolved Wed Feb 11 09:00. Dave was
                            later turned into a contact (not in agents): his replies are `incoming`
                            false, so they stay agent replies.
106 Wed Feb 11          deleted: true (with a reply) -> left out with its events.
107 Thu Feb 12          spam: true -> left out.
108 Thu Feb 26 10:00 Medium never answered, never assigned, open: first-response target (18:00)
                            passed at the cut-off -> breached.
109 Mon Mar 2 09:00 Medium  assigned 09:05, reply 09:30, pending since 09:30. Recurring (9001
                            login_failure, 103 25 days before).
110 Tue Mar 3 09:00 High    one version only: assigned 09:10, reply Mar 3 10:00, customer Mar 4
                            09:00, reply 10:00, reopened_at Mar 4 09:00, resolved_at Mar 4 11:00.
                            The resolution before the reopen is lost (stats keep the latest): the
                            reopen counts, the first resolution is the Mar 4 one (1560 min).
112 Wed Mar 4 14:00 Urgent  Complaint; assigned 14:05, reply 14:30, resolved 15:00, closed Thu
                            Mar 5 09:00 (solved -> closed is no second resolution). 9002 billing:
                            the deleted 106 (9002 billing, Feb 11) does not make it recurring.
113                         custom status 6, not configured -> quarantined (unknown_status).
114 Thu Mar 5 09:00 Medium  one version: first_assigned 09:20, assigned 10:00, both 5002 -> one
                            agent, not reassigned (an earlier assignee would be lost); reply 11:00;
                            open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import FIXTURES, CliRun, run_pipeline
from tests.golden import HELPDESK_KPI_IDS, assert_figures, helpdesk_kpi_ids_in_registry, scorecard_months

FRESHDESK_LANDING = FIXTURES / "freshdesk" / "landing"
FEB, MAR = dt.date(2026, 2, 1), dt.date(2026, 3, 1)

# (kpi_id, month) -> (value, numerator, denominator); value None = null (or no row).
# Created: Feb 101 102 103 104 105 108 (106 deleted, 107 spam) | Mar 109 110 112 114 (113 quarantined)
# Resolution events: 101 Feb 2 | 102 Feb 3 and Feb 4 | 103 Feb 6 | 104 Feb 9 | 105 Feb 11 |
#   110 Mar 4 11:00 | 112 Mar 4 15:00 (its close Mar 5 is solved -> closed).
# First resolved in: Feb 101 102 103 104 105 | Mar 110 112.
SCORECARD: dict[tuple[str, dt.date], tuple[float | None, float | None, float | None]] = {
    ("tickets_created", FEB): (6, 6, None),
    ("tickets_created", MAR): (4, 4, None),
    ("tickets_resolved", FEB): (5, 5, None),  # 101, 102 (twice, one ticket), 103, 104, 105
    ("tickets_resolved", MAR): (2, 2, None),  # 110, 112
    # January has no helpdesk data -> zero denominator -> null (or no row).
    ("tickets_resolved_change_pct", FEB): (None, None, None),
    ("tickets_resolved_change_pct", MAR): (-60.0, -3, 5),  # (2 - 5) / 5 * 100
    # End of Feb (Mar 1 00:00): only 108 is not solved/closed (open).
    ("tickets_unresolved_end_of_month", FEB): (1, 1, None),
    # End of Mar: 108 open, 109 pending, 114 open; 110 solved, 112 closed.
    ("tickets_unresolved_end_of_month", MAR): (3, 3, None),
    ("tickets_awaiting_agent_end_of_month", FEB): (1, 1, None),  # 108 open
    ("tickets_awaiting_agent_end_of_month", MAR): (2, 2, None),  # 108, 114 open; 109 pending
    # Feb: 108 Feb 26 10:00 -> Mar 1 00:00 = 2 d 14 h = 3720 > 2880 (normal) -> overdue.
    ("ticket_backlog_overdue_end_of_month", FEB): (1, 1, None),
    # Mar (to Apr 1 00:00): 108 33 d 14 h = 48360; 109 29 d 15 h = 42660; 114 26 d 15 h = 38340;
    #   all > 2880 (normal) -> 3.
    ("ticket_backlog_overdue_end_of_month", MAR): (3, 3, None),
    # First reply - created: 101 60, 102 60, 103 09:00 -> 13:00 240, 104 90, 105 120; 108 none.
    # 570 / 5 = 114; all inside one business day, so business minutes are the same.
    ("first_response_time_avg_minutes", FEB): (114.0, 570, 5),
    ("first_response_time_avg_business_minutes", FEB): (114.0, 570, 5),
    # 109 30, 110 60, 112 30, 114 120 -> 240 / 4 = 60.
    ("first_response_time_avg_minutes", MAR): (60.0, 240, 4),
    ("first_response_time_avg_business_minutes", MAR): (60.0, 240, 4),
    # Agent replies in Feb: 101 10:00 (60 since creation), 102 Feb 3 10:00 (60), 102 Feb 4 10:00
    #   (60 since the customer's 09:00), 103 13:00 (240), 104 10:30 (90), 105 11:00 (120, Dave),
    #   105 14:00 (60 since the customer's 13:00, Dave). 106's reply is left out (deleted).
    #   690 / 7 = 98.571.
    ("response_time_avg_minutes", FEB): (690 / 7, 690, 7),
    # Mar: 109 09:30 (30), 110 Mar 3 10:00 (60), 110 Mar 4 10:00 (60 since 09:00), 112 14:30 (30),
    #   114 11:00 (120) -> 300 / 5 = 60.
    ("response_time_avg_minutes", MAR): (60.0, 300, 5),
    # First assignment: 101 10, 102 5, 103 30 (09:30, whichever version), 104 20, 105 15; 108 never.
    ("first_assignment_time_avg_minutes", FEB): (16.0, 80, 5),
    # 109 5, 110 10, 112 5, 114 20 (first_assigned_at 09:20, not assigned_at 10:00) -> 40 / 4.
    ("first_assignment_time_avg_minutes", MAR): (10.0, 40, 4),
    # First resolution: 101 120, 102 180 (Feb 3 12:00, from v1), 103 Feb 5 09:00 -> Feb 6 10:00
    #   1500, 104 300, 105 1440 -> 3540 min = 59 h; / 5 = 11.8 h.
    ("resolution_time_avg_hours", FEB): (11.8, 59, 5),
    # 110 Mar 3 09:00 -> Mar 4 11:00 1560, 112 60 -> 1620 min = 27 h; / 2 = 13.5 h.
    ("resolution_time_avg_hours", MAR): (13.5, 27, 2),
    # Last resolution in m and solved/closed now: 101 120, 102 Feb 3 09:00 -> Feb 4 11:00 1560,
    #   103 1500, 104 300, 105 1440 -> 4920 min = 82 h; / 5 = 16.4 h.
    ("full_resolution_time_avg_hours", FEB): (16.4, 82, 5),
    ("full_resolution_time_avg_hours", MAR): (13.5, 27, 2),  # 110 1560, 112 60 (close is no resolution)
    ("complaint_resolution_time_avg_hours", FEB): (5.0, 5, 1),  # 104 escalated, 300 min
    ("complaint_resolution_time_avg_hours", MAR): (1.0, 1, 1),  # 112 Complaint, 60 min
    ("resolution_rate_pct", FEB): (500 / 6, 5, 6),  # 5 resolved / 6 created
    ("resolution_rate_pct", MAR): (50.0, 2, 4),
    # FCR (one agent reply before the first resolution, never reopened): 101 yes, 102 no (reopened),
    #   103 yes, 104 yes, 105 no (two replies) -> 3 / 5.
    ("first_contact_resolution_pct", FEB): (60.0, 3, 5),
    ("first_contact_resolution_pct", MAR): (50.0, 1, 2),  # 110 no (2 replies, reopened), 112 yes
    # First-response SLA: 101 60 <= 480 met, 102 60 <= 240 met, 103 240 <= 1440 met,
    #   104 90 > 60 breached, 105 120 <= 480 met, 108 no reply and Feb 26 18:00 < cut-off breached.
    ("first_response_sla_pct", FEB): (400 / 6, 4, 6),
    # 109 30 <= 480, 110 60 <= 240, 112 30 <= 60, 114 120 <= 480: all met.
    ("first_response_sla_pct", MAR): (100.0, 4, 4),
    # Resolution SLA: 101 120 <= 2880, 102 180 <= 1440, 103 1500 <= 5760, 104 300 > 240 no,
    #   105 1440 <= 2880 -> 4 / 5.
    ("resolution_sla_pct", FEB): (80.0, 4, 5),
    ("resolution_sla_pct", MAR): (50.0, 1, 2),  # 110 1560 > 1440 no, 112 60 <= 240 yes
    ("reopened_tickets", FEB): (1, 1, None),  # 102 Feb 4 09:00
    ("reopened_tickets", MAR): (1, 1, None),  # 110 Mar 4 09:00 (reopened_at of its only version)
    ("reassigned_tickets", FEB): (1, 1, None),  # 103: 5001 (v1) then 5003 (v2)
    ("reassigned_tickets", MAR): (0, 0, None),  # 114: first and latest assignment both 5002
    ("escalated_tickets_pct", FEB): (100 / 6, 1, 6),  # 104
    ("escalated_tickets_pct", MAR): (0.0, 0, 4),
    # Agent replies up to the first resolution: 101 1, 102 1, 103 1, 104 1, 105 2 -> 6 / 5.
    ("agent_replies_per_ticket", FEB): (1.2, 6, 5),
    ("agent_replies_per_ticket", MAR): (1.5, 3, 2),  # 110 2 (both before Mar 4 11:00), 112 1
    # Customer replies up to the first resolution: 105 1 (13:00); 102's Feb 4 reply is after it.
    ("customer_replies_per_ticket", FEB): (0.2, 1, 5),
    ("customer_replies_per_ticket", MAR): (0.5, 1, 2),  # 110 1 (Mar 4 09:00), 112 0
    ("recurring_incident_tickets", FEB): (1, 1, None),  # 103
    ("recurring_incident_tickets", MAR): (1, 1, None),  # 109; not 112 (106 is deleted)
    # ------------------------------------------------------------------ contacts (tickets only: no calls, no bot)
    ("contact_volume", FEB): (6, 6, None),
    ("contact_volume", MAR): (4, 4, None),  # 113 is quarantined
    # requesters: Feb 9001 twice (101, 103), 9003, 9007, 9002, 9004 once (106 deleted, 107 spam)
    # -> 1 of 5; Mar 9001, 9005, 9002, 9006 once each -> 0 of 4
    ("repeat_contact_rate_pct", FEB): (20.0, 1, 5),
    ("repeat_contact_rate_pct", MAR): (0.0, 0, 4),
}


@pytest.fixture(scope="module")
def freshdesk_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_pipeline(FRESHDESK_LANDING, tmp_path_factory.mktemp("freshdesk") / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="module")
def freshdesk_mart(freshdesk_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(freshdesk_run.mart_path)
    yield con
    con.close()


def test_every_helpdesk_kpi_is_checked() -> None:
    """Every kpi_id of the helpdesk scorecard models, each in both months."""
    assert helpdesk_kpi_ids_in_registry() == set(HELPDESK_KPI_IDS)
    assert set(SCORECARD) == {(kpi_id, month) for kpi_id in HELPDESK_KPI_IDS for month in (FEB, MAR)}


@pytest.mark.parametrize(("kpi_id", "month"), sorted(SCORECARD), ids=lambda v: str(v))
def test_scorecard(freshdesk_mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> None:
    assert_figures(freshdesk_mart, kpi_id, month, SCORECARD[(kpi_id, month)])


@pytest.mark.parametrize("kpi_id", HELPDESK_KPI_IDS)
def test_no_rows_outside_the_fixture_months(freshdesk_mart: duckdb.DuckDBPyConnection, kpi_id: str) -> None:
    assert scorecard_months(freshdesk_mart, kpi_id) <= {FEB, MAR}


def test_tickets_in_the_mart(freshdesk_mart: duckdb.DuckDBPyConnection) -> None:
    """Deleted 106 and spam 107 are left out, 113 is quarantined; types, channels, priorities mapped."""
    rows = freshdesk_mart.execute(
        "select ticket_id, ticket_type, channel, priority, status, assignee_id, group_id, category "
        "from mart.fct_tickets order by ticket_id"
    ).fetchall()
    assert rows == [
        ("101", "question", "email", "normal", "solved", "5001", "7002", "login_failure"),
        ("102", "refund", "web_form", "high", "solved", "5002", "7001", "billing"),
        ("103", None, "phone", "low", "solved", "5003", "7002", "login_failure"),
        ("104", "incident", "chat", "urgent", "solved", "5002", "7002", "outage"),
        ("105", "question", "email", "normal", "solved", "5004", "7001", "shipping_delay"),
        ("108", "problem", "email", "normal", "open", None, "7002", "app_crash"),
        ("109", "question", "email", "normal", "pending", "5001", "7002", "login_failure"),
        ("110", "problem", "web_form", "high", "solved", "5003", "7002", "order_status"),
        ("112", "complaint", "email", "urgent", "closed", "5002", "7001", "billing"),
        ("114", "problem", "email", "normal", "open", "5002", "7002", "app_crash"),
    ]


def test_ticket_facts(freshdesk_mart: duckdb.DuckDBPyConnection) -> None:
    rows = freshdesk_mart.execute(
        "select ticket_id, first_response_minutes, first_resolution_minutes, full_resolution_minutes, "
        "agent_replies_count, customer_replies_count, reopen_count, assignee_count, is_escalated "
        "from mart.fct_tickets where ticket_id in ('102', '103', '105', '110', '114') order by ticket_id"
    ).fetchall()
    assert rows == [
        # both resolutions of 102 (one from each pulled version) and its reopen
        ("102", 60.0, 180.0, 1560.0, 1, 0, 1, 1, False),
        # reassigned across versions: 5001 then 5003
        ("103", 240.0, 1500.0, 1500.0, 1, 0, 0, 2, False),
        # Dave (5004, turned into a contact later) replied twice: agent replies
        ("105", 120.0, 1440.0, 1440.0, 2, 1, 0, 1, False),
        # one version: the resolution before the reopen is lost
        ("110", 60.0, 1560.0, 1560.0, 2, 1, 1, 1, False),
        ("114", 120.0, None, None, 1, 0, 0, 1, False),
    ]


def test_quarantine_ledger_and_agents(freshdesk_run: CliRun) -> None:
    con = duckdb.connect(str(freshdesk_run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        quarantine = con.execute(
            "select entity, source_file, source_line, rule from raw_meta.raw_quarantine order by all"
        ).fetchall()
        tickets_ledger = con.execute(
            "select source_file, rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files "
            "where entity = 'tickets' and rows_read > 0 order by source_file"
        ).fetchall()
        events = con.execute("select count(*), count(distinct event_id) from raw_helpdesk.ticket_events").fetchone()
        agents = con.execute(
            "select agent_id, agent_name, group_id, hired_at, is_active from raw_helpdesk.agents order by agent_id"
        ).fetchall()
        excluded = con.execute(
            "select ticket_id, excluded_reason from raw_helpdesk.tickets where excluded_reason is not null "
            "order by ticket_id"
        ).fetchall()
    finally:
        con.close()
    assert quarantine == [("tickets", "helpdesk/freshdesk/tickets-00000002.json", 11, "unknown_status")]
    assert tickets_ledger == [
        ("helpdesk/freshdesk/tickets-00000001.json", 3, 3, 0),
        ("helpdesk/freshdesk/tickets-00000002.json", 12, 11, 1),
    ]
    # Rows: 9 events from the first ticket pull (101: created, assigned, resolved; 102 v1:
    # created, assigned, resolved; 103 v1: created, status open, assigned) + 38 from the second
    # + 19 conversations (211 twice) = 66. Repeated facts keep their id: fd:102:created,
    # fd:102:assigned:2026-02-03T09:05:00Z and fd:103:created come in both ticket pulls,
    # conversation 211 in both conversation pulls -> 66 - 4 = 62 distinct.
    assert events == (66, 62)
    assert agents == [
        ("5001", "Alice Agent", "7002", dt.date(2024, 3, 1), True),
        ("5002", "Bob Agent", "7001", dt.date(2024, 5, 15), True),
        ("5003", "Carol Agent", "7002", dt.date(2025, 1, 10), False),
    ]
    assert excluded == [("106", "deleted"), ("107", "spam")]
