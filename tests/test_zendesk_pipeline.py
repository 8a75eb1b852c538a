"""A hand-written Zendesk export (tests/fixtures/zendesk) through the whole pipeline: every helpdesk
kpi_id of the scorecard for September and October 2025, worked out by hand below.

The folder `helpdesk/zendesk/` holds what the API writer would store: two Incremental Ticket
Export pages (`tickets-*.json`, ticket 1002 and 1008 in both with a later version in page 2), the
Incremental User Export (`users-*.json`; Dan 9009 is an end-user today), Groups, one Incremental
Ticket Event Export page (`ticket_events-*.json`: tickets 1001-1004, 1008-1010) and Ticket Audits
as NDJSON (`ticket_audits.jsonl`: 1005-1007, 1011, 1012), plus Ticket Metric Events.

Reference facts
---------------
* Agents: Ada 9001 (admin), Ben 9002, Cleo 9003, and Dan 9009, downgraded to end-user: the only
  evidence that he was an agent is the reply_time `fulfill` at his comment on 1005 (Oct 7 09:40).
  Customers 5001-5008.
* Every time is UTC on a weekday inside business hours (08-17) unless said otherwise; no
  holiday in Sep/Oct 2025. SLA targets by current priority (first response / resolution, calendar
  minutes): urgent 60/240, high 240/1440, normal 480/2880, low 1440/5760.
* Data cut-off = latest event loaded = 1012's internal note, Fri Oct 31 16:00.
* Excluded: 1008 (deleted in Zendesk: its page-2 version has status deleted) and 1009 (closed by
  a merge into 1010, tag closed_by_merge). Neither counts anywhere, nor do their events.

Ticket ledger (created -> events; FR = first response minutes, R1 = first resolution minutes)
-----------------------------------------------------------------------------------------------
1001 Mon Sep 15 09:00 normal email  C1 billing: assigned Ben 09:10 (10), reply 10:00 (FR 60),
     solved 11:00 (R1 120). FCR.
1002 Tue Sep 16 10:00 high   web    C2 login_failure: assigned Ada 10:05 (5), reply 11:00 (FR 60),
     customer 11:30, reply 12:00 (response 30), solved 13:00 (R1 180); Wed Oct 1 09:00 customer
     writes and reopens, reply 10:00 (response 60), solved 11:00: full resolution Sep 16 10:00 ->
     Oct 1 11:00 = 15 d 1 h = 21660 min.
1003 Thu Oct 2  09:00 normal chat   C3 login_failure: assigned Ben 09:05 (5), reassigned to Cleo
     09:30 (and group 41 -> 42, not an event), reply 10:00 (FR 60), solved 10:30 (R1 90). FCR,
     reassigned.
1004 Mon Oct 6  09:00 urgent email  C4 outage: assigned Ada 09:20 (20), reply_time breach 10:00
     (escalated sla_breach), reply 10:30 (FR 90 > 60), private note 10:40, solved 13:30
     (R1 270 > 240). FCR (one reply).
1005 Tue Oct 7  09:00 normal email  C5 billing: assigned Ben 09:10 (10), Dan replies 09:40 (FR 40:
     the downgraded agent's reply is the first response), customer 10:00, Ben 11:00 (response
     60), solved 12:00 (R1 180). Two agent replies: not FCR. (Counting Dan as a customer would
     give FR 120 and FCR.)
1006 Wed Oct 8  14:00 normal twitter C6 shipping: assigned Cleo 14:30 (30) who adds the tag
     `escalated` (manual escalation), reply 15:00 (FR 60) and pending; Thu Oct 9 09:00 customer
     writes (pending -> open, not a reopen), reply 10:00 (response 60), solved 10:30 (R1 = 20 h
     30 = 1230).
1007 Thu Oct 30 09:00 low    web    C7 other: never assigned, never answered. First-response
     target Oct 31 09:00 < cut-off -> breached. `new` at the end of October, age 2 d 15 h = 3780
     <= 5760: not overdue.
1008 Mon Oct 13 09:00 deleted (assigned, answered) - excluded.
1009 Mon Oct 13 10:00 C1 billing, merged into 1010 on Oct 15 08:00 (new -> closed) - excluded.
1010 Tue Oct 14 16:30 normal email  C1 billing: assigned Cleo 16:45 (15), Ben's merge note Oct 15
     08:00, reply Wed Oct 15 08:30 (FR 960 calendar, 30 + 30 = 60 business) and pending; still
     pending at the end of October: age 17 d 7 h 30 = 24930 > 2880 -> overdue. Recurring: C1's
     billing ticket 1001 was 29 d 7 h 30 earlier (<= 30 days).
1011 Thu Oct 16 09:00 high   voice  C2 password_reset: created by Ada on the phone, open and
     assigned to her at creation (assignment 0), reply 09:30 (FR 30), solved 10:00 (R1 60). FCR.
1012 Fri Oct 31 14:00 high   email  C3 billing: assigned Ben 14:10 (10), only a private note 16:00
     (the cut-off). First-response target 18:00 > cut-off -> pending (not in the SLA
     denominator). Open at the end of October, age 600 <= 1440: not overdue.

Created: Sep 1001 1002 | Oct 1003 1004 1005 1006 1007 1010 1011 1012.
Resolutions: Sep 1001, 1002 | Oct 1002 (again), 1003, 1004, 1005, 1006, 1011.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import FIXTURES, CliRun, run_pipeline
from tests.golden import (
    HELPDESK_KPI_IDS,
    assert_figures,
    helpdesk_kpi_ids_in_registry,
    scorecard_months,
)

ZENDESK_LANDING = FIXTURES / "zendesk" / "landing"
SEP, OCT = dt.date(2025, 9, 1), dt.date(2025, 10, 1)

# (kpi_id, month) -> (value, numerator, denominator); None = null value (zero denominator).
SCORECARD: dict[tuple[str, dt.date], tuple[float | None, float | None, float | None]] = {
    # ------------------------------------------------------------------ volume
    ("tickets_created", SEP): (2, 2, None),
    ("tickets_created", OCT): (8, 8, None),  # 1003-1007, 1010-1012 (1008, 1009 excluded)
    ("tickets_resolved", SEP): (2, 2, None),  # 1001, 1002
    ("tickets_resolved", OCT): (6, 6, None),  # 1002, 1003, 1004, 1005, 1006, 1011
    # August has no helpdesk data: zero denominator.
    ("tickets_resolved_change_pct", SEP): (None, None, None),
    ("tickets_resolved_change_pct", OCT): (200.0, 4, 2),  # (6 - 2) / 2 x 100
    # ------------------------------------------------------------------ backlog at the end of the month
    ("tickets_unresolved_end_of_month", SEP): (0, 0, None),  # 1001, 1002 solved
    ("tickets_unresolved_end_of_month", OCT): (3, 3, None),  # 1007 new, 1010 pending, 1012 open
    ("tickets_awaiting_agent_end_of_month", SEP): (0, 0, None),
    ("tickets_awaiting_agent_end_of_month", OCT): (2, 2, None),  # 1007 new, 1012 open
    ("ticket_backlog_overdue_end_of_month", SEP): (0, 0, None),
    ("ticket_backlog_overdue_end_of_month", OCT): (1, 1, None),  # 1010 (24930 > 2880)
    # ------------------------------------------------------------------ first response, tickets created in m
    ("first_response_time_avg_minutes", SEP): (60.0, 120, 2),  # 1001 60, 1002 60
    # 1003 60 + 1004 90 + 1005 40 + 1006 60 + 1010 960 + 1011 30 = 1240 / 6
    ("first_response_time_avg_minutes", OCT): (1240 / 6, 1240, 6),
    ("first_response_time_avg_business_minutes", SEP): (60.0, 120, 2),
    # the same with 1010 at 60 business minutes (Tue 16:30-17:00 + Wed 08:00-08:30): 340 / 6
    ("first_response_time_avg_business_minutes", OCT): (340 / 6, 340, 6),
    # ------------------------------------------------------------------ response time of agent replies made in m
    # Sep: 1001 10:00 60; 1002 11:00 60, 12:00 30 (since the customer's 11:30) -> 150 / 3
    ("response_time_avg_minutes", SEP): (50.0, 150, 3),
    # Oct: 1002 Oct 1 10:00 60 (since the customer's 09:00); 1003 60; 1004 90; 1005 Dan 40, Ben 60
    # (since 10:00); 1006 60, Oct 9 10:00 60; 1010 960; 1011 30 -> 1420 / 9
    ("response_time_avg_minutes", OCT): (1420 / 9, 1420, 9),
    # ------------------------------------------------------------------ first assignment, tickets created in m
    ("first_assignment_time_avg_minutes", SEP): (7.5, 15, 2),  # 10 + 5
    # 1003 5 + 1004 20 + 1005 10 + 1006 30 + 1010 15 + 1011 0 + 1012 10 = 90 / 7 (1007 never assigned)
    ("first_assignment_time_avg_minutes", OCT): (90 / 7, 90, 7),
    # ------------------------------------------------------------------ resolution, tickets first resolved in m
    ("resolution_time_avg_hours", SEP): (2.5, 5, 2),  # 120 + 180 = 300 min = 5 h
    # 1003 90 + 1004 270 + 1005 180 + 1006 1230 + 1011 60 = 1830 min = 30.5 h / 5
    ("resolution_time_avg_hours", OCT): (6.1, 30.5, 5),
    # last resolution in m and solved now: Sep 1001 only (1002's last resolution is Oct 1).
    ("full_resolution_time_avg_hours", SEP): (2.0, 2, 1),
    # 1002 21660 + 90 + 270 + 180 + 1230 + 60 = 23490 min = 391.5 h / 6
    ("full_resolution_time_avg_hours", OCT): (65.25, 391.5, 6),
    ("complaint_resolution_time_avg_hours", SEP): (None, None, None),  # nothing escalated
    # escalated: 1004 270 + 1006 1230 = 1500 min = 25 h / 2
    ("complaint_resolution_time_avg_hours", OCT): (12.5, 25, 2),
    ("resolution_rate_pct", SEP): (100.0, 2, 2),
    ("resolution_rate_pct", OCT): (75.0, 6, 8),
    # FCR: Sep 1001 yes, 1002 no (two replies, reopened); Oct 1003, 1004, 1011 yes; 1005, 1006 no.
    ("first_contact_resolution_pct", SEP): (50.0, 1, 2),
    ("first_contact_resolution_pct", OCT): (60.0, 3, 5),
    # ------------------------------------------------------------------ SLA
    ("first_response_sla_pct", SEP): (100.0, 2, 2),  # 60 <= 480, 60 <= 240
    # met: 1003, 1005, 1006, 1011; breached: 1004 (90 > 60), 1007 (no reply, target passed),
    # 1010 (960 > 480); 1012 pending -> 4 / 7
    ("first_response_sla_pct", OCT): (400 / 7, 4, 7),
    ("resolution_sla_pct", SEP): (100.0, 2, 2),
    ("resolution_sla_pct", OCT): (80.0, 4, 5),  # 1004 270 > 240 breached
    # ------------------------------------------------------------------ reopen, reassign, escalate
    ("reopened_tickets", SEP): (0, 0, None),
    ("reopened_tickets", OCT): (1, 1, None),  # 1002 (1006's pending -> open is no reopen)
    ("reassigned_tickets", SEP): (0, 0, None),
    ("reassigned_tickets", OCT): (1, 1, None),  # 1003 Ben -> Cleo
    ("escalated_tickets_pct", SEP): (0.0, 0, 2),
    ("escalated_tickets_pct", OCT): (25.0, 2, 8),  # 1004 (sla_breach), 1006 (manual)
    # ------------------------------------------------------------------ replies up to the first resolution
    ("agent_replies_per_ticket", SEP): (1.5, 3, 2),  # 1001 1, 1002 2
    ("agent_replies_per_ticket", OCT): (1.4, 7, 5),  # 1003 1, 1004 1, 1005 2, 1006 2, 1011 1
    ("customer_replies_per_ticket", SEP): (0.5, 1, 2),  # 1002 1
    ("customer_replies_per_ticket", OCT): (0.4, 2, 5),  # 1005 1, 1006 1
    # ------------------------------------------------------------------ recurring incidents
    ("recurring_incident_tickets", SEP): (0, 0, None),
    ("recurring_incident_tickets", OCT): (1, 1, None),  # 1010 (C1 billing, 1001 29 d 7.5 h before)
    # ------------------------------------------------------------------ contacts (tickets only: no calls, no bot)
    ("contact_volume", SEP): (2, 2, None),
    ("contact_volume", OCT): (8, 8, None),
    # requesters: Sep 5001, 5002 -> nobody twice; Oct 5003 twice (1003, 1012), 5004-5007, 5001
    # (1010; the merged 1009 is no contact), 5002 (1011) once -> 1 of 7 customers
    ("repeat_contact_rate_pct", SEP): (0.0, 0, 2),
    ("repeat_contact_rate_pct", OCT): (100 / 7, 1, 7),
}


@pytest.fixture(scope="module")
def zendesk_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_pipeline(ZENDESK_LANDING, tmp_path_factory.mktemp("zendesk") / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="module")
def zendesk_mart(zendesk_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(zendesk_run.mart_path)
    yield con
    con.close()


def test_every_helpdesk_kpi_is_checked() -> None:
    """Every kpi_id of the helpdesk scorecard models, each in both months."""
    assert helpdesk_kpi_ids_in_registry() == set(HELPDESK_KPI_IDS)
    assert set(SCORECARD) == {(kpi_id, month) for kpi_id in HELPDESK_KPI_IDS for month in (SEP, OCT)}


@pytest.mark.parametrize(("kpi_id", "month"), list(SCORECARD), ids=[f"{k}-{m:%Y-%m}" for k, m in SCORECARD])
def test_scorecard(zendesk_mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> None:
    assert_figures(zendesk_mart, kpi_id, month, SCORECARD[(kpi_id, month)])


@pytest.mark.parametrize("kpi_id", HELPDESK_KPI_IDS)
def test_no_other_months(zendesk_mart: duckdb.DuckDBPyConnection, kpi_id: str) -> None:
    assert scorecard_months(zendesk_mart, kpi_id) <= {SEP, OCT}


def test_downgraded_agents_reply_is_the_first_response(zendesk_mart: duckdb.DuckDBPyConnection) -> None:
    first = zendesk_mart.execute(
        "select first_reply_at, first_response_minutes, agent_replies_count, customer_replies_count "
        "from mart.fct_tickets where ticket_id = '1005'"
    ).fetchall()
    assert first == [(dt.datetime(2025, 10, 7, 9, 40), 40, 2, 1)]
    replies = zendesk_mart.execute(
        "select agent_id, replied_at, response_minutes from mart.fct_ticket_replies "
        "where ticket_id = '1005' order by replied_at"
    ).fetchall()
    assert replies == [("9009", dt.datetime(2025, 10, 7, 9, 40), 40), ("9002", dt.datetime(2025, 10, 7, 11), 60)]
    agents = zendesk_mart.execute("select agent_id, agent_name, is_active from mart.dim_agents order by 1").fetchall()
    assert agents == [
        ("9001", "Ada Admin", True),
        ("9002", "Ben Agent", True),
        ("9003", "Cleo Agent", True),
        ("9009", "Dan Former", False),
    ]


def test_excluded_tickets_are_nowhere(zendesk_mart: duckdb.DuckDBPyConnection) -> None:
    tickets = zendesk_mart.execute("select ticket_id, channel, social_network from mart.fct_tickets order by 1")
    assert tickets.fetchall() == [
        ("1001", "email", None),
        ("1002", "web_form", None),
        ("1003", "chat", None),
        ("1004", "email", None),
        ("1005", "email", None),
        ("1006", "social", "twitter"),
        ("1007", "web_form", None),
        ("1010", "email", None),
        ("1011", "phone", None),
        ("1012", "email", None),
    ]
    replies = zendesk_mart.execute("select count(*) from mart.fct_ticket_replies where ticket_id in ('1008', '1009')")
    assert replies.fetchall() == [(0,)]


def test_every_file_loads_without_quarantine(zendesk_run: CliRun) -> None:
    con = duckdb.connect(str(zendesk_run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        ledger = con.execute(
            "select entity, source_file, rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files "
            "where rows_read > 0 order by entity, source_file"
        ).fetchall()
        quarantined = con.execute("select count(*) from raw_meta.raw_quarantine").fetchall()
    finally:
        con.close()
    folder = "helpdesk/zendesk/"
    assert ledger == [
        ("agents", folder + "users-00000001.json", 4, 4, 0),  # Ada, Ben, Cleo, Dan (8 customers skipped)
        ("groups", folder + "groups-00000001.json", 2, 2, 0),
        ("ticket_events", folder + "ticket_audits.jsonl", 27, 27, 0),
        ("ticket_events", folder + "ticket_events-00000001.json", 41, 41, 0),
        ("ticket_events", folder + "ticket_metric_events-00000001.json", 1, 1, 0),  # the breach
        ("tickets", folder + "tickets-00000001.json", 7, 7, 0),
        ("tickets", folder + "tickets-00000002.json", 7, 7, 0),
    ]
    assert quarantined == [(0,)]
