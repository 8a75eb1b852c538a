"""Golden helpdesk fixture: every helpdesk KPI worked out by hand from `kpis.md`.

The landing folder `tests/fixtures/golden_helpdesk/landing/` holds 15 hand-made tickets (T01-T15)
from November 2025 to January 2026. Every expected value below was derived on paper from the
CSV files and the definitions in `/work/shared/spec/kpis.md`; the arithmetic sits next to the
value. Nothing here is read back from the pipeline.

Reference facts used throughout
-------------------------------
* Data cut-off = latest event loaded = E0508 (T05 customer_reply) 2026-01-31 18:00Z.
* SLA targets by CURRENT priority (minutes, first response / resolution, calendar time):
  urgent 60/240, high 240/1440, normal 480/2880, low 1440/5760.
* Business hours Mon-Fri 08:00-17:00 UTC (540 min a day); global holidays 2025-12-24/25/26 and
  2026-01-01. Weekdays: 2025-11-20 Thu, 11-28 Fri, 12-01 Mon, 12-05 Fri, 12-10 Wed, 12-15 Mon,
  12-17 Wed, 12-23 Tue, 12-25 Thu, 12-29 Mon; 2026-01-02 Fri, 01-07 Wed, 01-09 Fri, 01-12 Mon,
  01-21 Wed, 01-26 Mon, 01-29 Thu, 01-31 Sat. No ticket's business window touches a
  country-specific holiday (e.g. 2026-01-06 FI/SE), so the result does not depend on whether
  country holidays are applied per ticket.
* "End of month m" = the instant start of m+1; no event sits exactly on a month boundary.

Ticket ledger (what each ticket is there for)
---------------------------------------------
T01 Nov  normal  simple first-contact resolution; base of C01's recurring incident (login_failure);
         the Nov files have timestamps without offset (taken as UTC).
T02 Nov  normal  created Fri 16:00, first reply Mon 09:00 (weekend: 3900 calendar / 120 business
         min), first-response SLA breached, resolution SLA breached; `new` at end of November
         (unresolved, awaiting agent, overdue); customer_reply between its two agent replies;
         first tickets row has an empty updated_at (defaults to created_at), later file wins.
T03 Dec  low     created Tue 23 Dec 16:00 before the Christmas holidays and a weekend; first
         reply Mon 29 Dec (8220 / 120 business min); resolved Fri 2 Jan 2026 after New Year
         (spans the month end Dec->Jan, 14040 / 1800 business min); both SLAs breached.
T04 Dec  high    two agent replies in a row (second has no response time); solved in Dec,
         reopened in Jan (solved -> open) and solved again in Jan (full resolution 37620 min);
         recurring incident (C01 login_failure, T01 20 days earlier); priority "High" mixed case.
T05 Jan  normal  solved, reopened on 20 Jan and still open now: last resolution in Jan but not
         solved now (excluded from full_resolution_time); carries the cut-off event.
T06 Dec  normal  answered only by a bot (bot agent_reply events), never by an agent; an
         `assigned` event with null new_value (not an assignment); first-response SLA breached
         without a reply; pending (not awaiting agent) at the ends of Dec and Jan; overdue.
T07 Jan  low     never answered, created 31 Jan 09:00: first-response target not yet passed at
         the cut-off -> SLA `pending`, excluded from the SLA denominator; never assigned;
         requester C01 again but a different category (not recurring).
T08 Jan  high    never answered: only an internal_note and a private (is_public=false)
         agent_reply; first-response target passed -> breached; overdue at end of Jan.
T09 Dec  high    complaint; customer replies before the first agent reply; two customer replies
         in a row; internal note (is_public empty -> default true, still not a reply);
         reassigned A01 -> A03.
T10 Jan  urgent  priority changed normal -> urgent (event + a newer tickets version): SLA uses
         the current priority, so a 90-min first reply is breached (would be met as normal);
         escalated (sla_breach).
T11 Dec  normal  social (twitter) ticket, solved same day.
T12 Jan  normal  all events in a file with +02:00 offsets (must land in UTC); created Fri
         16:30Z, first reply Mon 08:15Z (3825 / 45 business min).
T13 Jan  normal  three replies with customer messages between them; solved then closed
         (solved -> closed is not a second resolution); recurring negative: same requester
         and category as T03 but 33 days 18 h later (outside the 30-day window).
T14 Jan  high    reassigned A03 -> A04 -> A03 (3 assignment events, 2 distinct agents); pending
         at end of Jan (unresolved, not awaiting agent); two versions in the same file with the
         newer one on the earlier line.
T15 Dec  urgent  created, answered and solved on Christmas Day (holiday): 40 calendar min,
         0 business min; recurring incident (C05 password_reset, T06 ten days earlier).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

NOV = dt.date(2025, 11, 1)
DEC = dt.date(2025, 12, 1)
JAN = dt.date(2026, 1, 1)
FIXTURE_MONTHS = (NOV, DEC, JAN)


class _NotChecked:
    """Marker for a numerator/denominator the spec does not pin down (plain counts)."""

    def __repr__(self) -> str:
        return "NOT_CHECKED"


NOT_CHECKED: Any = _NotChecked()


@dataclass(frozen=True)
class Kpi:
    """Expected scorecard row. value None = zero denominator (row missing or value null)."""

    kpi_id: str
    month: dt.date
    value: float | None
    numerator: float | None = NOT_CHECKED
    denominator: float | None = NOT_CHECKED


# Per-ticket figures used by the monthly cases (all hand-worked, see TICKETS below):
#   created month: Nov T01 T02 | Dec T03 T04 T06 T09 T11 T15 | Jan T05 T07 T08 T10 T12 T13 T14
#   resolution events (status_changed into solved/closed from a non-solved/closed status):
#     T01 Nov 21 09:00 | T02 Dec 1 10:31 | T04 Dec 10 10:30 and Jan 5 12:00 | T09 Dec 17 15:00
#     T11 Dec 5 17:10 | T15 Dec 25 11:00 | T03 Jan 2 10:00 | T05 Jan 12 11:05
#     T10 Jan 7 14:30 | T12 Jan 12 09:00Z | T13 Jan 27 10:30 (its solved -> closed is not one)
#   first resolved in: Nov T01 | Dec T02 T04 T09 T11 T15 | Jan T03 T05 T10 T12 T13
SCORECARD: tuple[Kpi, ...] = (
    # ---------------------------------------------------------------- tickets_created
    Kpi("tickets_created", NOV, 2),  # T01, T02
    Kpi("tickets_created", DEC, 6),  # T03, T04, T06, T09, T11, T15
    Kpi("tickets_created", JAN, 7),  # T05, T07, T08, T10, T12, T13, T14
    # ---------------------------------------------------------------- tickets_resolved
    Kpi("tickets_resolved", NOV, 1),  # T01
    Kpi("tickets_resolved", DEC, 5),  # T02, T04 (first time), T09, T11, T15
    # T03, T04 (second time, after the reopen), T05, T10, T12, T13; T13's closing on Jan 30 is
    # solved -> closed, no extra resolution, and distinct tickets anyway.
    Kpi("tickets_resolved", JAN, 6),
    # ---------------------------------------------------------------- tickets_resolved_change_pct
    # Nov: October has no helpdesk data -> resolved(Oct) = 0 -> zero denominator -> null.
    Kpi("tickets_resolved_change_pct", NOV, None),
    Kpi("tickets_resolved_change_pct", DEC, 400.0, 4, 1),  # (5 - 1) / 1 * 100
    Kpi("tickets_resolved_change_pct", JAN, 20.0, 1, 5),  # (6 - 5) / 5 * 100
    # ---------------------------------------------------------------- unresolved at end of month
    # End of Nov (Dec 1 00:00): T01 solved; T02 still `new` (first status change Dec 1 08:55).
    Kpi("tickets_unresolved_end_of_month", NOV, 1),  # T02
    # End of Dec: T01 T02 T04 T09 T11 T15 solved; T03 open (solved Jan 2); T06 pending.
    Kpi("tickets_unresolved_end_of_month", DEC, 2),  # T03, T06
    # End of Jan: solved/closed T01-T04 T09-T13 T15; T05 open (reopened Jan 20), T06 pending,
    # T07 new, T08 open, T14 pending.
    Kpi("tickets_unresolved_end_of_month", JAN, 5),  # T05, T06, T07, T08, T14
    # ---------------------------------------------------------------- awaiting agent (new/open)
    Kpi("tickets_awaiting_agent_end_of_month", NOV, 1),  # T02 (new)
    Kpi("tickets_awaiting_agent_end_of_month", DEC, 1),  # T03 (open); T06 is pending
    Kpi("tickets_awaiting_agent_end_of_month", JAN, 3),  # T05 open, T07 new, T08 open
    # ---------------------------------------------------------------- overdue backlog
    # Age at end of m (calendar minutes) vs the resolution target of the current priority.
    # Nov: T02 Nov 28 16:00 -> Dec 1 00:00 = 2 d 8 h = 3360 > 2880 (normal) -> overdue.
    Kpi("ticket_backlog_overdue_end_of_month", NOV, 1),
    # Dec: T03 Dec 23 16:00 -> Jan 1 00:00 = 8 d 8 h = 12000 > 5760 (low) -> overdue;
    #      T06 Dec 15 14:00 -> Jan 1 00:00 = 16 d 10 h = 23640 > 2880 (normal) -> overdue.
    Kpi("ticket_backlog_overdue_end_of_month", DEC, 2),
    # Jan (to Feb 1 00:00): T05 from Jan 12 10:00 = 19 d 14 h = 28200 > 2880 yes;
    #   T06 = 47 d 10 h = 68280 > 2880 yes; T07 from Jan 31 09:00 = 15 h = 900 <= 5760 no;
    #   T08 from Jan 29 12:00 = 2 d 12 h = 3600 > 1440 (high) yes;
    #   T14 from Jan 21 14:00 = 10 d 10 h = 15000 > 1440 (high) yes.
    Kpi("ticket_backlog_overdue_end_of_month", JAN, 4),  # T05, T06, T08, T14
    # ---------------------------------------------------------------- first response (calendar)
    # Nov: T01 10:00 -> 11:30 = 90; T02 Fri Nov 28 16:00 -> Mon Dec 1 09:00 = 3 d - 7 h = 3900.
    #      (90 + 3900) / 2 = 1995.
    Kpi("first_response_time_avg_minutes", NOV, 1995.0, 3990, 2),
    # Dec: T03 Dec 23 16:00 -> Dec 29 09:00 = 6 d - 7 h = 8220; T04 09:00 -> 09:45 = 45;
    #      T09 08:30 -> 11:00 = 150; T11 16:30 -> 16:50 = 20; T15 10:00 -> 10:40 = 40;
    #      T06 has bot replies only -> no first reply, excluded.
    #      8220 + 45 + 150 + 20 + 40 = 8475; / 5 = 1695.
    Kpi("first_response_time_avg_minutes", DEC, 1695.0, 8475, 5),
    # Jan: T05 10:00 -> 11:00 = 60; T10 09:00 -> 10:30 = 90;
    #      T12 Fri Jan 9 16:30Z -> Mon Jan 12 08:15Z = 3 d - 8 h 15 = 4320 - 495 = 3825;
    #      T13 10:00 -> 12:00 = 120; T14 14:00 -> 15:00 = 60; T07, T08 never answered (T08's
    #      internal note and private reply are not replies).
    #      60 + 90 + 3825 + 120 + 60 = 4155; / 5 = 831.
    Kpi("first_response_time_avg_minutes", JAN, 831.0, 4155, 5),
    # ---------------------------------------------------------------- first response (business)
    # Nov: T01 Thu 10:00-11:30 = 90; T02 Fri 16:00-17:00 = 60 + Sat/Sun 0 + Mon 08:00-09:00 = 60
    #      -> 120. (90 + 120) / 2 = 105.
    Kpi("first_response_time_avg_business_minutes", NOV, 105.0, 210, 2),
    # Dec: T03 Tue 16:00-17:00 = 60, Dec 24-26 holidays, 27-28 weekend, Mon 29 08:00-09:00 = 60
    #      -> 120; T04 45; T09 150; T11 20; T15 Christmas Day (holiday) -> 0.
    #      120 + 45 + 150 + 20 + 0 = 335; / 5 = 67.
    Kpi("first_response_time_avg_business_minutes", DEC, 67.0, 335, 5),
    # Jan: T05 60; T10 90; T12 Fri 16:30-17:00 = 30 + Mon 08:00-08:15 = 15 -> 45; T13 120; T14 60.
    #      60 + 90 + 45 + 120 + 60 = 375; / 5 = 75.
    Kpi("first_response_time_avg_business_minutes", JAN, 75.0, 375, 5),
    # ---------------------------------------------------------------- response time of replies
    # Each agent reply: time since the earliest customer message (creation or customer_reply)
    # after the previous agent reply. Month = month of the reply.
    # Nov: T01 11:30 (since creation 10:00) = 90.
    Kpi("response_time_avg_minutes", NOV, 90.0, 90, 1),
    # Dec: T02 Dec 1 09:00 since creation Nov 28 16:00 = 3900; T02 10:30 since cust 10:00 = 30;
    #      T03 Dec 29 09:00 = 8220; T04 09:45 = 45; T04 09:50 none waiting (no row in the mean);
    #      T09 11:00 since creation 08:30 = 150 (the customer replies 09:30/10:00 are later);
    #      T09 14:00 since cust 13:00 (not 13:20) = 60; T11 16:50 = 20; T15 10:40 = 40.
    #      3900 + 30 + 8220 + 45 + 150 + 60 + 20 + 40 = 12465; / 8 = 1558.125.
    Kpi("response_time_avg_minutes", DEC, 1558.125, 12465, 8),
    # Jan: T04 Jan 5 11:00 since cust 10:00 = 60; T05 11:00 = 60; T10 10:30 = 90; T12 = 3825;
    #      T13 12:00 = 120, 13:30 since cust 13:00 = 30, Jan 27 10:00 since cust 09:00 = 60;
    #      T14 15:00 = 60. T08's private reply is not an agent reply.
    #      60 + 60 + 90 + 3825 + 120 + 30 + 60 + 60 = 4305; / 8 = 538.125.
    Kpi("response_time_avg_minutes", JAN, 538.125, 4305, 8),
    # ---------------------------------------------------------------- first assignment
    # Nov: T01 10:00 -> 10:15 = 15; T02 16:00 -> 16:05 = 5. 20 / 2 = 10.
    Kpi("first_assignment_time_avg_minutes", NOV, 10.0, 20, 2),
    # Dec: T03 30; T04 5; T09 10; T11 5; T15 5; T06 only has an assigned event with a null
    #      new_value -> never assigned, excluded. 55 / 5 = 11.
    Kpi("first_assignment_time_avg_minutes", DEC, 11.0, 55, 5),
    # Jan: T05 20; T08 10; T10 10; T12 18:30+02 -> 18:45+02 = 15; T13 30; T14 10; T07 never
    #      assigned. 95 / 6 = 15.8333.
    Kpi("first_assignment_time_avg_minutes", JAN, 95 / 6, 95, 6),
    # ---------------------------------------------------------------- resolution time (first)
    # Nov: T01 Nov 20 10:00 -> Nov 21 09:00 = 1380 min = 23 h.
    Kpi("resolution_time_avg_hours", NOV, 23.0, 23.0, 1),
    # Dec (first resolved): T02 Nov 28 16:00 -> Dec 1 10:31 = 4320 - 329 = 3991; T04 90;
    #      T09 08:30 -> 15:00 = 390; T11 40; T15 60. Sum 4571 min = 76.1833 h; / 5 = 15.2367 h.
    Kpi("resolution_time_avg_hours", DEC, 4571 / 60 / 5, 4571 / 60, 5),
    # Jan: T03 Dec 23 16:00 -> Jan 2 10:00 = 10 d - 6 h = 14040; T05 65; T10 330;
    #      T12 Fri 16:30 -> Mon 09:00 = 4320 - 450 = 3870; T13 Jan 26 10:00 -> Jan 27 10:30 = 1470.
    #      Sum 19775 min = 329.5833 h; / 5 = 65.9167 h. (T04's first resolution was in Dec.)
    Kpi("resolution_time_avg_hours", JAN, 19775 / 60 / 5, 19775 / 60, 5),
    # ---------------------------------------------------------------- full resolution time
    # Last resolution in m and solved/closed now.
    Kpi("full_resolution_time_avg_hours", NOV, 23.0, 23.0, 1),  # T01 1380 min
    # Dec: T02 3991, T09 390, T11 40, T15 60 (T04's last resolution is in Jan).
    #      4481 min = 74.6833 h; / 4 = 18.6708 h.
    Kpi("full_resolution_time_avg_hours", DEC, 4481 / 60 / 4, 4481 / 60, 4),
    # Jan: T03 14040; T04 Dec 10 09:00 -> Jan 5 12:00 = 26 d 3 h = 37620; T10 330; T12 3870;
    #      T13 1470 (last resolution Jan 27, the Jan 30 close does not move it);
    #      T05 excluded: its last resolution (Jan 12) is in Jan but it is open now.
    #      57330 min = 955.5 h; / 5 = 191.1 h.
    Kpi("full_resolution_time_avg_hours", JAN, 191.1, 955.5, 5),
    # ---------------------------------------------------------------- complaint / escalated
    # Nov: T01 is neither -> zero denominator -> null.
    Kpi("complaint_resolution_time_avg_hours", NOV, None),
    Kpi("complaint_resolution_time_avg_hours", DEC, 6.5, 6.5, 1),  # T09 complaint 390 min
    Kpi("complaint_resolution_time_avg_hours", JAN, 5.5, 5.5, 1),  # T10 escalated 330 min
    # ---------------------------------------------------------------- resolution rate
    Kpi("resolution_rate_pct", NOV, 50.0, 1, 2),  # 1 resolved / 2 created
    Kpi("resolution_rate_pct", DEC, 500 / 6, 5, 6),  # 5 / 6 = 83.33 %
    Kpi("resolution_rate_pct", JAN, 600 / 7, 6, 7),  # 6 / 7 = 85.71 %
    # ---------------------------------------------------------------- first contact resolution
    Kpi("first_contact_resolution_pct", NOV, 100.0, 1, 1),  # T01: 1 reply, never reopened
    # Dec first resolved: T02 (2 replies) no, T04 (2 replies + reopened) no, T09 (2 replies) no,
    #      T11 yes, T15 yes -> 2 / 5.
    Kpi("first_contact_resolution_pct", DEC, 40.0, 2, 5),
    # Jan first resolved: T03 yes, T05 (reopened) no, T10 yes, T12 yes, T13 (3 replies) no -> 3/5.
    Kpi("first_contact_resolution_pct", JAN, 60.0, 3, 5),
    # ---------------------------------------------------------------- first-response SLA
    # Nov: T01 90 <= 480 met; T02 3900 > 480 breached -> 1 / 2.
    Kpi("first_response_sla_pct", NOV, 50.0, 1, 2),
    # Dec: T03 8220 > 1440 breached; T04 45 <= 240 met; T06 no reply and Dec 15 14:00 + 480 min
    #      < cut-off -> breached; T09 150 <= 240 met; T11 20 <= 480 met; T15 40 <= 60 met -> 4/6.
    Kpi("first_response_sla_pct", DEC, 400 / 6, 4, 6),
    # Jan: T05 60 <= 480 met; T07 no reply, Jan 31 09:00 + 1440 min = Feb 1 09:00 > cut-off ->
    #      pending, not in the denominator; T08 no reply, Jan 29 12:00 + 240 < cut-off breached;
    #      T10 90 > 60 (urgent now) breached; T12 3825 > 480 breached; T13 120 met; T14 60 <= 240
    #      met -> 3 / 6.
    Kpi("first_response_sla_pct", JAN, 50.0, 3, 6),
    # ---------------------------------------------------------------- resolution SLA
    Kpi("resolution_sla_pct", NOV, 100.0, 1, 1),  # T01 1380 <= 2880
    # Dec: T02 3991 > 2880 no; T04 90 <= 1440; T09 390 <= 1440; T11 40 <= 2880; T15 60 <= 240.
    Kpi("resolution_sla_pct", DEC, 80.0, 4, 5),
    # Jan: T03 14040 > 5760 no; T05 65 yes; T10 330 > 240 (urgent) no; T12 3870 > 2880 no;
    #      T13 1470 <= 2880 yes -> 2 / 5.
    Kpi("resolution_sla_pct", JAN, 40.0, 2, 5),
    # ---------------------------------------------------------------- reopened
    Kpi("reopened_tickets", NOV, 0),
    Kpi("reopened_tickets", DEC, 0),
    Kpi("reopened_tickets", JAN, 2),  # T04 (Jan 5 10:01), T05 (Jan 20 09:01)
    # ---------------------------------------------------------------- reassigned
    Kpi("reassigned_tickets", NOV, 0),
    Kpi("reassigned_tickets", DEC, 1),  # T09 A01 -> A03
    Kpi("reassigned_tickets", JAN, 1),  # T14 A03 -> A04 -> A03 (2 distinct agents)
    # ---------------------------------------------------------------- escalated
    Kpi("escalated_tickets_pct", NOV, 0.0, 0, 2),
    Kpi("escalated_tickets_pct", DEC, 0.0, 0, 6),
    Kpi("escalated_tickets_pct", JAN, 100 / 7, 1, 7),  # T10 / 7 created = 14.29 %
    # ---------------------------------------------------------------- replies per ticket
    # Agent replies up to first resolution, tickets first resolved in m.
    Kpi("agent_replies_per_ticket", NOV, 1.0, 1, 1),  # T01 1
    # Dec: T02 2, T04 2 (09:45, 09:50; the Jan reply is after the first resolution), T09 2,
    #      T11 1, T15 1 -> 8 / 5.
    Kpi("agent_replies_per_ticket", DEC, 1.6, 8, 5),
    # Jan: T03 1, T05 1, T10 1, T12 1, T13 3 -> 7 / 5.
    Kpi("agent_replies_per_ticket", JAN, 1.4, 7, 5),
    Kpi("customer_replies_per_ticket", NOV, 0.0, 0, 1),  # T01 0 (the request is not a reply)
    # Dec: T02 1 (Dec 1 10:00), T04 0 (its Jan reply is after the first resolution),
    #      T09 4 (09:30, 10:00, 13:00, 13:20), T11 0, T15 0 -> 5 / 5.
    Kpi("customer_replies_per_ticket", DEC, 1.0, 5, 5),
    # Jan: T03 0, T05 0 (Jan 20 / Jan 31 replies come after its first resolution), T10 0,
    #      T12 0, T13 2 (Jan 26 13:00, Jan 27 09:00) -> 2 / 5.
    Kpi("customer_replies_per_ticket", JAN, 0.4, 2, 5),
    # ---------------------------------------------------------------- recurring incidents
    Kpi("recurring_incident_tickets", NOV, 0),  # T01, T02: no earlier tickets
    # Dec: T04 (C01 login_failure; T01 on Nov 20, 19 d 23 h before) and T15 (C05 password_reset;
    #      T06 on Dec 15, 9 d 20 h before). T03 T06 T09 T11 have no earlier same-category ticket.
    Kpi("recurring_incident_tickets", DEC, 2),
    # Jan: T13 (C03 shipping_delay) - T03 was 33 d 18 h before, outside 30 days; T07 (C01)
    #      is account_update, not login_failure; T14 (C02) app_crash vs T02 billing_question.
    Kpi("recurring_incident_tickets", JAN, 0),
)

HELPDESK_KPI_IDS = tuple(dict.fromkeys(case.kpi_id for case in SCORECARD))


def _case_id(case: Kpi) -> str:
    return f"{case.kpi_id}-{case.month:%Y-%m}"


def _same(actual: Any, expected: Any) -> bool:
    """Equality with floats compared at 0.01 and booleans kept apart from numbers."""
    if expected is NOT_CHECKED:
        return True
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    if isinstance(expected, int | float):
        is_number = isinstance(actual, int | float) and not isinstance(actual, bool)
        return is_number and actual == pytest.approx(expected, abs=0.01)
    return actual == expected


@pytest.mark.parametrize("case", SCORECARD, ids=_case_id)
def test_scorecard_kpi(golden_mart, case: Kpi) -> None:
    rows = golden_mart.execute(
        """
        select value, numerator, denominator
        from mart.kpi_scorecard_monthly
        where kpi_id = ? and month = ?
        """,
        [case.kpi_id, case.month],
    ).fetchall()
    assert len(rows) <= 1, f"{len(rows)} rows for one (month, kpi_id)"
    if case.value is None:
        # Zero denominator: the value is null. Whether such a month has a row at all is not
        # pinned down by kpis.md, so a missing row is accepted too.
        assert not rows or rows[0][0] is None, f"expected null, got {rows[0]}"
        return
    assert rows, f"no scorecard row for {case.kpi_id} in {case.month}"
    value, numerator, denominator = rows[0]
    assert _same(value, case.value), f"value {value!r} != {case.value!r}"
    assert _same(numerator, case.numerator), f"numerator {numerator!r} != {case.numerator!r}"
    assert _same(denominator, case.denominator), f"denominator {denominator!r} != {case.denominator!r}"


@pytest.mark.parametrize("kpi_id", HELPDESK_KPI_IDS)
def test_no_rows_outside_fixture_months(golden_mart, kpi_id: str) -> None:
    """The fixture only has helpdesk data in Nov 2025 - Jan 2026: no other month has a row."""
    months = {
        row[0]
        for row in golden_mart.execute(
            "select distinct month from mart.kpi_scorecard_monthly where kpi_id = ?", [kpi_id]
        ).fetchall()
    }
    assert months <= set(FIXTURE_MONTHS), f"unexpected months {sorted(months - set(FIXTURE_MONTHS))}"


# --------------------------------------------------------------------------- mart.fct_tickets
# Column abbreviations in the hand calculations: FR = first_response_minutes,
# FRB = first_response_business_minutes, R1 = first_resolution_minutes, RF =
# full_resolution_minutes, R1B = first_resolution_business_minutes.
TICKET_COLUMNS = (
    "first_response_minutes",
    "first_response_business_minutes",
    "first_resolution_minutes",
    "full_resolution_minutes",
    "first_resolution_business_minutes",
    "first_assignment_minutes",
    "agent_replies_count",
    "customer_replies_count",
    "agent_replies_total",
    "is_first_contact_resolution",
    "is_reassigned",
    "assignee_count",
    "is_escalated",
    "reopen_count",
    "is_solved",
    "has_bot_reply",
    "first_response_sla_status",
    "is_first_response_sla_met",
    "is_resolution_sla_met",
    "priority",
    "first_response_target_minutes",
    "resolution_target_minutes",
    "created_at",
    "first_reply_at",
    "first_resolved_at",
    "last_resolved_at",
)


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


TICKETS: dict[str, dict[str, Any]] = {
    "T01": {
        "first_response_minutes": 90,  # Thu 10:00 -> 11:30
        "first_response_business_minutes": 90,
        "first_resolution_minutes": 1380,  # Nov 20 10:00 -> Nov 21 09:00 = 23 h
        "full_resolution_minutes": 1380,
        "first_resolution_business_minutes": 480,  # Thu 10:00-17:00 420 + Fri 08:00-09:00 60
        "first_assignment_minutes": 15,
        "agent_replies_count": 1,
        "customer_replies_count": 0,
        "is_first_contact_resolution": True,
        "is_reassigned": False,
        "is_escalated": False,
        "reopen_count": 0,
        "first_response_sla_status": "met",  # 90 <= 480
        "is_resolution_sla_met": True,  # 1380 <= 2880
        "created_at": _at("2025-11-20 10:00:00"),  # no offset in the file -> taken as UTC
    },
    "T02": {
        "first_response_minutes": 3900,  # Fri Nov 28 16:00 -> Mon Dec 1 09:00 = 3 d - 7 h
        "first_response_business_minutes": 120,  # Fri 16-17 60 + weekend 0 + Mon 08-09 60
        "first_resolution_minutes": 3991,  # -> Mon Dec 1 10:31 = 4320 - 329
        "full_resolution_minutes": 3991,
        "first_resolution_business_minutes": 211,  # 60 + Mon 08:00-10:31 151
        "first_assignment_minutes": 5,
        "agent_replies_count": 2,  # Dec 1 09:00 and 10:30
        "customer_replies_count": 1,  # Dec 1 10:00
        "is_first_contact_resolution": False,  # two agent replies
        "is_reassigned": False,
        "reopen_count": 0,
        "first_response_sla_status": "breached",  # 3900 > 480
        "is_first_response_sla_met": False,
        "is_resolution_sla_met": False,  # 3991 > 2880
    },
    "T03": {
        "first_response_minutes": 8220,  # Tue Dec 23 16:00 -> Mon Dec 29 09:00 = 6 d - 7 h
        # Dec 23 16-17 = 60; Dec 24, 25, 26 holidays; 27, 28 weekend; Dec 29 08-09 = 60.
        "first_response_business_minutes": 120,
        "first_resolution_minutes": 14040,  # -> Fri Jan 2 10:00 = 10 d - 6 h
        "full_resolution_minutes": 14040,
        # 60 + Dec 29, 30, 31 3 x 540 = 1620 + Jan 1 holiday 0 + Jan 2 08-10 120 = 1800
        "first_resolution_business_minutes": 1800,
        "first_assignment_minutes": 30,
        "agent_replies_count": 1,
        "customer_replies_count": 0,
        "is_first_contact_resolution": True,
        "reopen_count": 0,
        "first_response_sla_status": "breached",  # 8220 > 1440 (low)
        "is_resolution_sla_met": False,  # 14040 > 5760 (low)
        "first_resolved_at": _at("2026-01-02 10:00:00"),
    },
    "T04": {
        "first_response_minutes": 45,  # Wed 09:00 -> 09:45
        "first_response_business_minutes": 45,
        "first_resolution_minutes": 90,  # -> 10:30
        "full_resolution_minutes": 37620,  # Dec 10 09:00 -> Jan 5 12:00 = 26 d 3 h = 627 h
        "agent_replies_count": 2,  # 09:45, 09:50 (before the first resolution)
        "agent_replies_total": 3,  # + Jan 5 11:00
        "customer_replies_count": 0,  # its only customer reply (Jan 5) is after 1st resolution
        "is_first_contact_resolution": False,  # 2 replies and reopened
        "is_reassigned": False,
        "is_escalated": False,
        "reopen_count": 1,  # Jan 5 10:01 solved -> open
        "is_solved": True,
        "first_response_sla_status": "met",  # 45 <= 240 (high)
        "is_resolution_sla_met": True,  # first resolution 90 <= 1440
        "priority": "high",  # sent as "High"
        "first_resolved_at": _at("2025-12-10 10:30:00"),
        "last_resolved_at": _at("2026-01-05 12:00:00"),
    },
    "T05": {
        "first_response_minutes": 60,
        "first_response_business_minutes": 60,
        "first_resolution_minutes": 65,  # 10:00 -> 11:05
        "full_resolution_minutes": 65,  # last (= only) resolution is still Jan 12 11:05
        "agent_replies_count": 1,
        "customer_replies_count": 0,  # Jan 20 and Jan 31 replies are after the 1st resolution
        "is_first_contact_resolution": False,  # reopened
        "reopen_count": 1,
        "is_solved": False,  # newest tickets version (updated Jan 31 18:00) says open
        "first_response_sla_status": "met",
        "is_resolution_sla_met": True,  # 65 <= 2880
    },
    "T06": {
        # Only bot replies: no first reply, no agent replies, no response times.
        "first_response_minutes": None,
        "first_response_business_minutes": None,
        "first_resolution_minutes": None,
        "full_resolution_minutes": None,
        "first_assignment_minutes": None,  # its only assigned event has a null new_value
        "agent_replies_count": 0,
        "agent_replies_total": 0,
        # customer_replies_count not checked: for a never-resolved ticket the spec says "up to
        # first resolution" only (agent replies: "all if never resolved").
        "has_bot_reply": True,
        "is_first_contact_resolution": False,  # never resolved
        "is_reassigned": False,
        "assignee_count": 0,
        "reopen_count": 0,
        "is_solved": False,
        # no reply; Dec 15 14:00 + 480 min = 22:00 < cut-off Jan 31 18:00
        "first_response_sla_status": "breached",
        "is_first_response_sla_met": False,
        "is_resolution_sla_met": None,  # never resolved
    },
    "T07": {
        "first_response_minutes": None,
        "first_assignment_minutes": None,
        "agent_replies_count": 0,
        "customer_replies_count": 0,
        "is_first_contact_resolution": False,
        "reopen_count": 0,
        # Jan 31 09:00 + 1440 min (low) = Feb 1 09:00 > cut-off Jan 31 18:00
        "first_response_sla_status": "pending",
        "is_first_response_sla_met": None,
        "is_resolution_sla_met": None,
    },
    "T08": {
        # internal_note 12:30 and agent_reply is_public=false 13:00: neither is an agent reply
        "first_response_minutes": None,
        "first_response_business_minutes": None,
        "first_assignment_minutes": 10,
        "agent_replies_count": 0,
        "agent_replies_total": 0,
        "customer_replies_count": 0,
        "is_first_contact_resolution": False,
        # Jan 29 12:00 + 240 min (high) = 16:00 < cut-off
        "first_response_sla_status": "breached",
        "is_first_response_sla_met": False,
        "is_resolution_sla_met": None,
    },
    "T09": {
        "first_response_minutes": 150,  # 08:30 -> 11:00 (internal note 09:00 is not a reply)
        "first_response_business_minutes": 150,
        "first_resolution_minutes": 390,  # 08:30 -> 15:00
        "full_resolution_minutes": 390,
        "first_resolution_business_minutes": 390,
        "first_assignment_minutes": 10,
        "agent_replies_count": 2,  # 11:00, 14:00
        "customer_replies_count": 4,  # 09:30, 10:00, 13:00, 13:20
        "is_first_contact_resolution": False,
        "is_reassigned": True,  # A01 then A03
        "assignee_count": 2,
        "is_escalated": False,
        "reopen_count": 0,
        "first_response_sla_status": "met",  # 150 <= 240
        "is_resolution_sla_met": True,  # 390 <= 1440
    },
    "T10": {
        "priority": "urgent",  # newer tickets version (updated 14:30) wins over "normal"
        "first_response_target_minutes": 60,
        "resolution_target_minutes": 240,
        "first_response_minutes": 90,  # 09:00 -> 10:30
        "first_response_business_minutes": 90,
        "first_resolution_minutes": 330,  # -> 14:30
        "full_resolution_minutes": 330,
        "first_resolution_business_minutes": 330,
        "agent_replies_count": 1,
        "customer_replies_count": 0,
        "is_first_contact_resolution": True,
        "is_reassigned": False,
        "is_escalated": True,
        "reopen_count": 0,
        "first_response_sla_status": "breached",  # 90 > 60 (would be met as normal: 480)
        "is_first_response_sla_met": False,
        "is_resolution_sla_met": False,  # 330 > 240 (would be met as normal: 2880)
    },
    "T11": {
        "first_response_minutes": 20,  # Fri 16:30 -> 16:50
        "first_response_business_minutes": 20,
        "first_resolution_minutes": 40,  # -> 17:10
        "first_resolution_business_minutes": 30,  # 16:30-17:00; 17:00-17:10 is after hours
        "agent_replies_count": 1,
        "is_first_contact_resolution": True,
        "first_response_sla_status": "met",
        "is_resolution_sla_met": True,
    },
    "T12": {
        # All events written with +02:00: 18:30+02 = 16:30Z etc.
        "created_at": _at("2026-01-09 16:30:00"),
        "first_reply_at": _at("2026-01-12 08:15:00"),  # 10:15+02:00
        "first_resolved_at": _at("2026-01-12 09:00:00"),  # 11:00+02:00
        "first_assignment_minutes": 15,  # 18:30+02 -> 18:45+02
        "first_response_minutes": 3825,  # Fri 16:30 -> Mon 08:15 = 4320 - 495
        "first_response_business_minutes": 45,  # Fri 16:30-17:00 30 + Mon 08:00-08:15 15
        "first_resolution_minutes": 3870,  # -> Mon 09:00 = 4320 - 450
        "full_resolution_minutes": 3870,
        "first_resolution_business_minutes": 90,  # 30 + Mon 08:00-09:00 60
        "agent_replies_count": 1,
        "is_first_contact_resolution": True,
        "first_response_sla_status": "breached",  # 3825 > 480 (calendar minutes by default)
        "is_resolution_sla_met": False,  # 3870 > 2880
    },
    "T13": {
        "first_response_minutes": 120,  # 10:00 -> 12:00
        "first_response_business_minutes": 120,
        "first_resolution_minutes": 1470,  # Mon 10:00 -> Tue 10:30
        "full_resolution_minutes": 1470,  # solved -> closed on Jan 30 is no new resolution
        "first_resolution_business_minutes": 570,  # Mon 10-17 420 + Tue 08:00-10:30 150
        "agent_replies_count": 3,  # Jan 26 12:00, 13:30, Jan 27 10:00
        "customer_replies_count": 2,  # Jan 26 13:00, Jan 27 09:00
        "is_first_contact_resolution": False,
        "reopen_count": 0,  # pending -> open is not a reopen
        "is_solved": True,  # closed
        "first_response_sla_status": "met",
        "is_resolution_sla_met": True,  # 1470 <= 2880
        "last_resolved_at": _at("2026-01-27 10:30:00"),
    },
    "T14": {
        "first_response_minutes": 60,  # 14:00 -> 15:00 (reply by A04)
        "first_response_business_minutes": 60,
        "first_resolution_minutes": None,
        "first_assignment_minutes": 10,
        "agent_replies_count": 1,  # never resolved -> all agent replies
        "customer_replies_count": 0,
        "is_first_contact_resolution": False,
        "is_reassigned": True,
        "assignee_count": 2,  # A03, A04, A03 again: 3 assignments, 2 distinct agents
        "is_solved": False,  # newest version (updated Jan 22) says pending
        "first_response_sla_status": "met",  # 60 <= 240
        "is_resolution_sla_met": None,
    },
    "T15": {
        "first_response_minutes": 40,  # Christmas Day 10:00 -> 10:40
        "first_response_business_minutes": 0,  # holiday
        "first_resolution_minutes": 60,
        "first_resolution_business_minutes": 0,
        "agent_replies_count": 1,
        "is_first_contact_resolution": True,
        "first_response_sla_status": "met",  # 40 <= 60 (urgent)
        "is_resolution_sla_met": True,  # 60 <= 240
    },
}


def test_fct_tickets_has_one_row_per_ticket(golden_mart) -> None:
    rows = golden_mart.execute(
        "select ticket_id, count(*) from mart.fct_tickets group by ticket_id order by ticket_id"
    ).fetchall()
    assert rows == [(ticket_id, 1) for ticket_id in sorted(TICKETS)]


@pytest.mark.parametrize("ticket_id", sorted(TICKETS))
def test_fct_tickets(golden_mart, ticket_id: str) -> None:
    expected = TICKETS[ticket_id]
    unknown = set(expected) - set(TICKET_COLUMNS)
    assert not unknown, f"test bug: unknown columns {unknown}"
    columns = [column for column in TICKET_COLUMNS if column in expected]
    row = golden_mart.execute(
        f"select {', '.join(columns)} from mart.fct_tickets where ticket_id = ?", [ticket_id]
    ).fetchone()
    assert row is not None, f"{ticket_id} missing from mart.fct_tickets"
    mismatches = {
        column: (actual, expected[column])
        for column, actual in zip(columns, row, strict=True)
        if not _same(actual, expected[column])
    }
    assert not mismatches, f"{ticket_id} (actual, expected): {mismatches}"


# ------------------------------------------------------------------ mart.fct_ticket_replies
# (reply_number, replied_at, waiting_since_at, response_minutes) per ticket, in reply order.
REPLIES: dict[str, list[tuple[int, dt.datetime, dt.datetime | None, float | None]]] = {
    # Two agent replies in a row: the second has no waiting customer message.
    "T04": [
        (1, _at("2025-12-10 09:45:00"), _at("2025-12-10 09:00:00"), 45),
        (2, _at("2025-12-10 09:50:00"), None, None),
        # after the reopen: customer_reply Jan 5 10:00 -> reply 11:00
        (3, _at("2026-01-05 11:00:00"), _at("2026-01-05 10:00:00"), 60),
    ],
    # Customer replies 09:30 and 10:00 come after creation (08:30): the first reply waits from
    # creation. Two customer replies in a row (13:00, 13:20): the wait starts at the first.
    "T09": [
        (1, _at("2025-12-17 11:00:00"), _at("2025-12-17 08:30:00"), 150),
        (2, _at("2025-12-17 14:00:00"), _at("2025-12-17 13:00:00"), 60),
    ],
    "T02": [
        (1, _at("2025-12-01 09:00:00"), _at("2025-11-28 16:00:00"), 3900),
        (2, _at("2025-12-01 10:30:00"), _at("2025-12-01 10:00:00"), 30),
    ],
    "T13": [
        (1, _at("2026-01-26 12:00:00"), _at("2026-01-26 10:00:00"), 120),
        (2, _at("2026-01-26 13:30:00"), _at("2026-01-26 13:00:00"), 30),
        (3, _at("2026-01-27 10:00:00"), _at("2026-01-27 09:00:00"), 60),
    ],
    "T12": [(1, _at("2026-01-12 08:15:00"), _at("2026-01-09 16:30:00"), 3825)],
    "T06": [],  # bot replies only
    "T08": [],  # a private reply (is_public=false) only
    "T07": [],  # never answered
}


@pytest.mark.parametrize("ticket_id", sorted(REPLIES))
def test_fct_ticket_replies(golden_mart, ticket_id: str) -> None:
    rows = golden_mart.execute(
        """
        select reply_number, replied_at, waiting_since_at, response_minutes
        from mart.fct_ticket_replies
        where ticket_id = ?
        order by replied_at, reply_number
        """,
        [ticket_id],
    ).fetchall()
    expected = REPLIES[ticket_id]
    assert len(rows) == len(expected), f"{ticket_id}: {rows}"
    for actual, wanted in zip(rows, expected, strict=True):
        assert all(_same(a, w) for a, w in zip(actual, wanted, strict=True)), (
            f"{ticket_id}: actual {actual} != expected {wanted}"
        )


def test_fct_ticket_replies_total(golden_mart) -> None:
    """18 agent replies in all: 1 in Nov, 9 in Dec (8 with a response time), 8 in Jan."""
    rows = golden_mart.execute(
        """
        select replied_month, count(*), count(response_minutes)
        from mart.fct_ticket_replies
        group by replied_month
        order by replied_month
        """
    ).fetchall()
    assert rows == [(NOV, 1, 1), (DEC, 9, 8), (JAN, 8, 8)]
