"""Golden telephony fixture: every telephony KPI (plus contact_volume and repeat_contact_rate_pct)
worked out by hand from `kpis.md`.

The landing folder `tests/fixtures/golden_telephony/landing/` holds 14 hand-made calls (C01-C14),
20 agent-state rows (A01, A02), 7 tickets (T1-T7) and 5 customers (K1-K5), Dec 2025 - Feb 2026.
Reporting time zone UTC, service-level threshold 20 s, short abandon 5 s (dbt var defaults).
Every expected value below was derived on paper from the CSV files; nothing is read back from
the pipeline.

Call ledger (inbound unless noted; wait / talk + hold + wrap_up in seconds)
---------------------------------------------------------------------------
C01 Jan 5 09:00  support answered  wait 10  handle 300+20+40 = 360  A01 K1   within SL
C02 Jan 5 09:10  support answered  wait 20  handle 200+0+30 = 230   A02 K2   within SL (exactly 20)
C03 Jan 5 09:40  support answered  wait 21  handle 100+10+20 = 130  A01 K1   outside SL (21 > 20)
C04 Jan 5 10:00  support abandoned wait 3                                K3   short abandon (< 5)
C05 Jan 5 10:05  support abandoned wait 5 (first file said 4; the later file wins)  long (exactly 5)
C06 Jan 6 14:00  sales   abandoned wait 45                               K2   long abandon
C07 Jan 6 15:00  support blocked
C08 Jan 6 16:00  sales   OUTBOUND answered                          A02 K3   excluded everywhere
C09 Jan 6 23:59  support answered  wait 30  handle 330+0+30 = 360  A01 K4   crosses midnight
C10 Jan 31 23:59:50 support answered wait 15 (answered Feb 1 00:00:05) handle 200  A02 K5
                 crosses the month end: counts in January (month of arrived_at)
C11 Feb 2 09:00  support answered  wait 5   handle 400+60+80 = 540  A01 K1   within SL
C12 Feb 2 09:30  support abandoned wait 4.5                               short abandon
C13 Feb 2 10:00  support blocked;  C14 Feb 2 10:01 sales blocked

Agent states (seconds, split at 30-minute, day and month edges)
---------------------------------------------------------------
A01 Jan 5: available 08:45-09:15 (1800) on_call 09:15-09:25 (600) wrap_up 09:25-09:35 (600)
           break 09:35-09:50 (900) offline 09:50-10:10 (1200) available 10:10-10:20 (600), then
           logs off mid-interval (nothing after 10:20).
A01 Jan 6 23:45 - Jan 7 00:15 on_call (1800 = 900 on Jan 6 + 900 on Jan 7: across midnight).
A02 Jan 5: available 09:00-09:10 (600) on_call 09:10-09:20 (600) wrap_up 09:20-09:40 (1200)
           lunch 09:40-10:00 (1200; first file said meeting, the later file wins).
A02 Jan 31 23:40 - Feb 1 00:10 available (1800 = 1200 in Jan + 600 in Feb: across the month end),
           on_call 00:10-00:20 (600) wrap_up 00:20-00:25 (300), then logs off mid-interval.
A01 Feb 2: available 08:55-09:05 (600) on_call 09:05-09:15 (600) wrap_up 09:15-09:20 (300)
           training 09:20-09:30 (600) offline 09:30-09:45 (900).

January totals: on_call 600 + 1800 + 600 = 3000; wrap_up 600 + 1200 = 1800;
  available 2400 + 600 + 1200 = 4200; break 900; lunch 1200; offline 1200.
February totals: on_call 600 + 600 = 1200; wrap_up 300 + 300 = 600; available 600 + 600 = 1200;
  training 600; offline 900.

Contacts (tickets by created_at + inbound calls of any outcome by arrived_at)
-----------------------------------------------------------------------------
Dec: T1 K1, T2 K1.  Jan: T3 K2, T4 (no requester), T5 K5 (Jan 31 23:59:59) + C01-C07, C09, C10.
Feb: T6 K3 (Feb 1 00:00:00), T7 K1 + C11-C14.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import pytest

from dagster_project.pseudonym import resolve_key
from tests.golden import Kpi, assert_scorecard, case_id, scorecard_months, unchecked

DEC = dt.date(2025, 12, 1)
JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
TELEPHONY_MONTHS = (JAN, FEB)

TELEPHONY_KPI_IDS = (
    "calls_offered",
    "average_speed_of_answer_seconds",
    "service_level_pct",
    "abandoned_call_rate_pct",
    "average_handle_time_seconds",
    "average_wait_time_seconds",
    "blocked_calls",
    "blocked_call_rate_pct",
    "occupancy_pct",
    "agent_utilization_pct",
)


SCORECARD: tuple[Kpi, ...] = (
    # ---------------------------------------------------------------- calls_offered
    # Jan: answered C01 C02 C03 C09 C10 + abandoned C04 C05 C06 = 8 (C07 blocked, C08 outbound).
    Kpi("calls_offered", JAN, 8, 8, None),
    # Feb: answered C11 + abandoned C12 = 2 (C13, C14 blocked).
    Kpi("calls_offered", FEB, 2, 2, None),
    # ---------------------------------------------------------------- ASA
    # Jan: waits of answered 10 + 20 + 21 + 30 + 15 = 96; / 5 = 19.2.
    Kpi("average_speed_of_answer_seconds", JAN, 19.2, 96, 5),
    # Feb: C11 5 / 1 = 5.
    Kpi("average_speed_of_answer_seconds", FEB, 5.0, 5, 1),
    # ---------------------------------------------------------------- service level
    # Jan: within 20 s = C01 (10), C02 (20, inclusive), C10 (15) = 3; C03 (21), C09 (30) not.
    #      Denominator = answered 5 + abandoned with wait >= 5: C05 (5), C06 (45) = 7 (C04 short).
    #      3 / 7 * 100 = 42.857.
    Kpi("service_level_pct", JAN, 300 / 7, 3, 7),
    # Feb: C11 within; denominator answered 1 + long abandons 0 (C12 4.5 s is short) = 1 -> 100.
    Kpi("service_level_pct", FEB, 100.0, 1, 1),
    # ---------------------------------------------------------------- abandon rate
    # Jan: long abandons C05, C06 = 2 / (offered 8 - short C04 1 = 7) = 28.571.
    Kpi("abandoned_call_rate_pct", JAN, 200 / 7, 2, 7),
    # Feb: 0 / (2 - 1) = 0.
    Kpi("abandoned_call_rate_pct", FEB, 0.0, 0, 1),
    # ---------------------------------------------------------------- AHT
    # Jan: 360 + 230 + 130 + 360 + 200 = 1280; / 5 = 256 (C08 outbound not counted).
    Kpi("average_handle_time_seconds", JAN, 256.0, 1280, 5),
    # Feb: 400 + 60 + 80 = 540 / 1.
    Kpi("average_handle_time_seconds", FEB, 540.0, 540, 1),
    # ---------------------------------------------------------------- average wait time
    # Jan: waits of answered 96 + abandoned 3 + 5 + 45 = 53 -> 149; / answered 5 = 29.8.
    Kpi("average_wait_time_seconds", JAN, 29.8, 149, 5),
    # Feb: 5 + 4.5 = 9.5; / 1.
    Kpi("average_wait_time_seconds", FEB, 9.5, 9.5, 1),
    # ---------------------------------------------------------------- blocked
    Kpi("blocked_calls", JAN, 1, 1, None),  # C07
    Kpi("blocked_calls", FEB, 2, 2, None),  # C13, C14
    # Jan: 1 / (8 + 1) = 11.111.
    Kpi("blocked_call_rate_pct", JAN, 100 / 9, 1, 9),
    # Feb: 2 / (2 + 2) = 50.
    Kpi("blocked_call_rate_pct", FEB, 50.0, 2, 4),
    # ---------------------------------------------------------------- occupancy
    # Jan: (3000 + 1800) / (3000 + 1800 + 4200) = 4800 / 9000 = 53.333.
    Kpi("occupancy_pct", JAN, 160 / 3, 4800, 9000),
    # Feb: (1200 + 600) / (1200 + 600 + 1200) = 1800 / 3000 = 60.
    Kpi("occupancy_pct", FEB, 60.0, 1800, 3000),
    # ---------------------------------------------------------------- utilisation
    # Jan: 4800 / (3000 + 1800 + 4200 + break 900 + lunch 1200 = 11100) = 43.243 (offline out).
    Kpi("agent_utilization_pct", JAN, 4800 / 111, 4800, 11100),
    # Feb: 1800 / (1200 + 600 + 1200 + training 600 = 3600) = 50.
    Kpi("agent_utilization_pct", FEB, 50.0, 1800, 3600),
    # ---------------------------------------------------------------- contact volume
    # Dec: T1, T2 (no telephony data yet) = 2.
    Kpi("contact_volume", DEC, 2, 2, None),
    # Jan: tickets T3 T4 T5 = 3 + inbound calls C01-C07, C09, C10 = 9 (C08 outbound) -> 12.
    Kpi("contact_volume", JAN, 12, 12, None),
    # Feb: tickets T6 T7 = 2 + inbound calls C11-C14 = 4 -> 6.
    Kpi("contact_volume", FEB, 6, 6, None),
    # ---------------------------------------------------------------- repeat contacts
    # Dec: K1 has T1 and T2 -> 1 / 1 = 100.
    Kpi("repeat_contact_rate_pct", DEC, 100.0, 1, 1),
    # Jan: K1 C01 C03 (2), K2 C02 C06 T3 (3), K3 C04 (1; C08 is outbound), K4 C09 (1),
    #      K5 C10 T5 (2); T4 has no requester, C05 C07 no customer. 3 / 5 = 60.
    Kpi("repeat_contact_rate_pct", JAN, 60.0, 3, 5),
    # Feb: K1 C11 T7 (2), K3 T6 (1) -> 1 / 2 = 50.
    Kpi("repeat_contact_rate_pct", FEB, 50.0, 1, 2),
)


@pytest.mark.parametrize("case", SCORECARD, ids=case_id)
def test_scorecard_kpi(golden_telephony_mart, case: Kpi) -> None:
    assert_scorecard(golden_telephony_mart, case)


def test_every_telephony_kpi_is_checked_for_every_month() -> None:
    assert not unchecked(SCORECARD, TELEPHONY_KPI_IDS, TELEPHONY_MONTHS)


@pytest.mark.parametrize("kpi_id", TELEPHONY_KPI_IDS)
def test_telephony_rows_only_in_telephony_months(golden_telephony_mart, kpi_id: str) -> None:
    """December has tickets but no telephony data: no telephony row there (or anywhere else)."""
    assert scorecard_months(golden_telephony_mart, kpi_id) == set(TELEPHONY_MONTHS)


def test_benchmark_status(golden_telephony_mart) -> None:
    rows = dict(
        golden_telephony_mart.execute(
            """
            select kpi_id, benchmark_status from mart.kpi_scorecard_monthly
            where month = ? and kpi_id in (
                'average_speed_of_answer_seconds', 'service_level_pct', 'abandoned_call_rate_pct',
                'average_handle_time_seconds', 'occupancy_pct', 'blocked_calls'
            )
            """,
            [JAN],
        ).fetchall()
    )
    assert rows == {
        "average_speed_of_answer_seconds": "meets",  # 19.2 <= 20
        "service_level_pct": "below",  # 42.9 < 80
        "abandoned_call_rate_pct": "below",  # 28.6 not < 5
        "average_handle_time_seconds": "meets",  # 256 <= 360
        "occupancy_pct": "below",  # 53.3 outside 75-85
        "blocked_calls": None,  # no benchmark
    }


# --------------------------------------------------------------------------- fct_calls


def test_fct_calls_flags_and_pii(golden_telephony_mart) -> None:
    rows = {
        r[0]: r[1:]
        for r in golden_telephony_mart.execute(
            """
            select call_id, is_inbound, is_offered, is_short_abandon, is_within_service_level,
                   wait_seconds, arrived_month, arrived_interval_start, handle_seconds
            from mart.fct_calls
            """
        ).fetchall()
    }
    assert len(rows) == 14
    # C02 exactly 20 s: within; C03 21 s: not.
    assert rows["C02"][3] is True and rows["C03"][3] is False
    # C05 corrected to exactly 5 s: not short; C04 3 s and C12 4.5 s short.
    assert rows["C05"][2:5] == (False, False, 5.0)
    assert rows["C04"][2] is True and rows["C12"][2] is True
    # C08 outbound; C07 blocked not offered.
    assert rows["C08"][0] is False and rows["C07"][1] is False
    # C10 arrives Jan 31 23:59:50: January, interval 23:30.
    assert rows["C10"][5:7] == (JAN, dt.datetime(2026, 1, 31, 23, 30))
    assert rows["C01"][7] == 360
    columns = {
        r[0]
        for r in golden_telephony_mart.execute(
            "select column_name from duckdb_columns() where schema_name = 'mart'"
        ).fetchall()
    }
    assert "caller_number" not in columns
    # HMAC-SHA-256 of the digits only, under the run's pseudonym key (generated into the data dir,
    # next to the mart): "+46 70-123 45 67" (C01) and "+46 70 123 45 67" (C03) are the same caller.
    hashes = dict(golden_telephony_mart.execute("select call_id, caller_number_hmac from mart.fct_calls").fetchall())
    [(mart_file,)] = golden_telephony_mart.execute(
        "select path from duckdb_databases() where database_name = 'published'"
    ).fetchall()
    key = resolve_key(Path(mart_file).parent)
    expected = hmac.new(key, b"46701234567", hashlib.sha256).hexdigest()
    assert hashes["C01"] == hashes["C03"] == expected
    assert expected != hashlib.sha256(b"46701234567").hexdigest()  # no longer the plain, reversible hash
    assert hashes["C04"] is None


# --------------------------------------------------------------------------- KPI tables


def test_contact_centre_interval_rows(golden_telephony_mart) -> None:
    def row(start: dt.datetime, queue: str) -> tuple:
        return golden_telephony_mart.execute(
            """
            select offered_calls_count, answered_calls_count, answered_within_service_level_count,
                   short_abandoned_calls_count, blocked_calls_count, handle_seconds_sum,
                   service_level_pct, abandoned_call_rate_pct, average_speed_of_answer_seconds
            from mart.kpi_contact_centre_interval where interval_start = ? and queue_name = ?
            """,
            [start, queue],
        ).fetchone()

    # Jan 5 09:00 support: C01 (10 s, 360) + C02 (20 s, 230): SL 2 / 2, ASA 15.
    assert row(dt.datetime(2026, 1, 5, 9, 0), "support") == (2, 2, 2, 0, 0, 590.0, 100.0, 0.0, 15.0)
    # Jan 5 10:00 support: C04 short + C05 long abandon: SL 0 / (0 + 1) = 0, ACR 1 / (2 - 1) = 100.
    assert row(dt.datetime(2026, 1, 5, 10, 0), "support") == (2, 0, 0, 1, 0, 0.0, 0.0, 100.0, None)
    # A quiet interval of the grid is a row of zeros with null ratios.
    assert row(dt.datetime(2026, 1, 5, 3, 30), "sales") == (0, 0, 0, 0, 0, 0.0, None, None, None)
    # Grid: Jan 5 .. Feb 2 = 29 days x 48 intervals x 2 queues (support, sales).
    count = golden_telephony_mart.execute("select count(*) from mart.kpi_contact_centre_interval").fetchone()[0]
    assert count == 29 * 48 * 2


def test_contact_centre_daily_rows(golden_telephony_mart) -> None:
    rows = {
        (r[0], r[1]): r[2:]
        for r in golden_telephony_mart.execute(
            """
            select call_date, queue_name, inbound_calls_count, offered_calls_count, blocked_calls_count,
                   service_level_pct, average_wait_time_seconds, blocked_call_rate_pct
            from mart.kpi_contact_centre_daily
            """
        ).fetchall()
    }
    # Jan 5 support: C01-C05: offered 5, SL (C01, C02) 2 / (3 answered + C05) = 50,
    # AWT (10 + 20 + 21 + 3 + 5) / 3 = 19.667, no blocked.
    assert rows[(dt.date(2026, 1, 5), "support")] == pytest.approx((5, 5, 0, 50.0, 59 / 3, 0.0))
    # Feb 2 support: C11, C12, C13: blocked 1 / (2 + 1) = 33.333.
    assert rows[(dt.date(2026, 2, 2), "support")] == pytest.approx((3, 2, 1, 100.0, 9.5, 100 / 3))


def test_agent_occupancy_daily_rows(golden_telephony_mart) -> None:
    rows = {
        (r[0], r[1]): r[2:]
        for r in golden_telephony_mart.execute(
            """
            select state_date, agent_id, busy_seconds, occupancy_base_seconds, logged_in_seconds,
                   offline_seconds, occupancy_pct, utilization_pct
            from mart.kpi_agent_occupancy_daily
            """
        ).fetchall()
    }
    # A01 Jan 5: busy 600 + 600, base + available 2400 = 3600, logged in + break 900 = 4500.
    assert rows[(dt.date(2026, 1, 5), "A01")] == pytest.approx((1200, 3600, 4500, 1200, 100 / 3, 80 / 3))
    # A01's on_call across midnight: 900 s on Jan 6 and 900 s on Jan 7.
    assert rows[(dt.date(2026, 1, 6), "A01")][0] == 900
    assert rows[(dt.date(2026, 1, 7), "A01")][0] == 900
    # A02's available across the month end: 1200 s on Jan 31 (occupancy 0) ...
    assert rows[(dt.date(2026, 1, 31), "A02")] == pytest.approx((0, 1200, 1200, 0, 0.0, 0.0))
    # ... and 600 s on Feb 1 beside on_call 600 + wrap_up 300: 900 / 1500 = 60.
    assert rows[(dt.date(2026, 2, 1), "A02")] == pytest.approx((900, 1500, 1500, 0, 60.0, 60.0))


def test_agent_leaderboard_call_columns(golden_telephony_mart) -> None:
    rows = {
        (r[0], r[1]): r[2:]
        for r in golden_telephony_mart.execute(
            """
            select month, agent_id, calls_answered_count, handle_seconds_sum, average_handle_time_seconds,
                   busy_seconds, occupancy_base_seconds, occupancy_pct
            from mart.kpi_agent_leaderboard_monthly
            """
        ).fetchall()
    }
    # A01 Jan: C01 C03 C09 = 3 calls, 360 + 130 + 360 = 850; states busy 600 + 600 + 1800 = 3000,
    # base + available 2400 = 5400.
    assert rows[(JAN, "A01")] == pytest.approx((3, 850, 850 / 3, 3000, 5400, 3000 / 54))
    # A02 Jan: C02 C10 (C08 outbound) = 2, 230 + 200 = 430; busy 600 + 1200, base + 600 + 1200.
    assert rows[(JAN, "A02")] == pytest.approx((2, 430, 215, 1800, 3600, 50.0))
    # A02 Feb: no call answered, but agent states: a row with AHT null.
    assert rows[(FEB, "A02")][:3] == (0, 0, None)


def test_heatmap_has_calls(golden_telephony_mart) -> None:
    # Monday 09:00-10:00: C01 C02 C03 (Jan 5) + C11 C12 (Feb 2) = 5 inbound calls.
    # Mondays observed: first contact Dec 10 2025 (Wed) .. last Feb 3 2026 (Tue) = 8 Mondays.
    row = golden_telephony_mart.execute(
        """
        select inbound_calls_count, tickets_created_count, weekdays_observed
        from mart.kpi_ticket_load_heatmap where day_of_week_iso = 1 and hour_of_day = 9
        """
    ).fetchone()
    assert row == (5, 0, 8)
    total = golden_telephony_mart.execute(
        "select sum(inbound_calls_count) from mart.kpi_ticket_load_heatmap"
    ).fetchone()
    assert total == (13,)  # all inbound calls, C08 outbound left out
