"""Telephony KPIs of the hand-written Asterisk files (tests/fixtures/asterisk), worked out by hand.

The mart is built by `support-kpi run --landing tests/fixtures/asterisk/landing` (session fixture
`asterisk_mart`), default settings: wrapuptime 0, CDR times in UTC, outbound contexts
*outbound*, *outgoing*, from-internal*; dbt vars: threshold 20 s, short abandon 5 s, UTC.
Everything happens on 2026-03-02 between 09:00 and 10:00 UTC, so there is one month (March 2026).

Inbound calls (wait / talk + hold + wrap_up in seconds)
-------------------------------------------------------
queue_log (all inbound)                     CDR Master.csv
Q101 answered  wait 10  300+0+60 (1001)     line 1 uniqueid = Q102: left out (queue_log wins)
Q102 answered  wait 30  300+0+0  (1002)     D301 answered  wait 12  300 (Dial to SIP/1004)
Q103 abandoned wait 3   (short)             D302 abandoned wait 40  (NO ANSWER in Queue support)
Q104 abandoned wait 45                      D303 blocked   (BUSY)
Q105 abandoned wait 60  (EXITWITHTIMEOUT)   D304 answered  OUTBOUND (dcontext from-internal): excluded
Q106 abandoned wait 15  (EXITWITHKEY)       D305 answered  wait 6   120 (two lines, ringall)
Q107 abandoned wait 8   (EXITEMPTY, sales)  D307 abandoned wait 3   (CANCEL, short)
Q108 blocked   (JOINEMPTY, sales)           cdr-… blocked  (CONGESTION, no uniqueid)
Q109 answered  wait 5   300+0+30 (1003)     lines 8 and 9 are quarantined (malformed, WEIRD)
Q110 answered  wait 15  120      (1001)
Q111 answered  wait 20  180      (1002)
Q112 answered  wait 8   100      (1003, rebuilt from COMPLETEAGENT alone)
Q114 answered  wait 4   600      (1001)     Q113 has no end event: not loaded

answered  = Q101 Q102 Q109 Q110 Q111 Q112 Q114 D301 D305 = 9
abandoned = Q103 Q104 Q105 Q106 Q107 D302 D307 = 7, of which short (< 5 s) Q103 D307 = 2
blocked   = Q108 D303 cdr-… = 3;  offered = 9 + 7 = 16

Agent states (seconds, from the queue_log; see test_asterisk.EXPECTED_AGENT_STATES)
------------------------------------------------------------------------------------
1001: on_call 300 + 120 + 600 = 1020; wrap_up 60; available 70 + 10 + 575 + 869 + 996 = 2520
1002: on_call 300 + 180 = 480; available 130 + 890 + 300 + 1200 = 2520; lunch 600
1003: on_call 300 + 100 = 400; wrap_up 30; available 305 + 365 + 1000 + 100 + 100 = 1870;
      training 300, break 100, meeting 200, offline 100
on_call 1900 + wrap_up 90 = busy 1990; available 6910; break + lunch + training + meeting 1200.
"""

from __future__ import annotations

import datetime as dt

import pytest

MARCH = dt.date(2026, 3, 1)

# (kpi_id, value, numerator, denominator); denominator None = a count.
EXPECTED = (
    # answered 9 + abandoned 7.
    ("calls_offered", 16, 16, None),
    # waits of answered: 10 + 30 + 5 + 15 + 20 + 8 + 4 + 12 + 6 = 110; / 9 = 12.222.
    ("average_speed_of_answer_seconds", 110 / 9, 110, 9),
    # within 20 s: all answered but Q102 (30) = 8 (Q111 at exactly 20 counts);
    # denominator answered 9 + abandoned with wait >= 5 (Q104 Q105 Q106 Q107 D302) 5 = 14 -> 57.143.
    ("service_level_pct", 800 / 14, 8, 14),
    # long abandons 5 / (offered 16 - short 2) = 5 / 14 = 35.714.
    ("abandoned_call_rate_pct", 500 / 14, 5, 14),
    # talk 300 + 300 + 300 + 120 + 180 + 100 + 600 + 300 + 120 = 2320, hold 0, wrap 60 + 30 = 90;
    # 2410 / 9 = 267.778.
    ("average_handle_time_seconds", 2410 / 9, 2410, 9),
    # waits of answered 110 + abandoned 3 + 45 + 60 + 15 + 8 + 40 + 3 = 174 -> 284; / answered 9.
    ("average_wait_time_seconds", 284 / 9, 284, 9),
    ("blocked_calls", 3, 3, None),
    # 3 / (16 + 3) = 15.789.
    ("blocked_call_rate_pct", 300 / 19, 3, 19),
    # 1990 / (1990 + 6910) = 1990 / 8900 = 22.360.
    ("occupancy_pct", 199000 / 8900, 1990, 8900),
    # 1990 / (1990 + 6910 + 1200 = 10100) = 19.703 (offline 100 s left out).
    ("agent_utilization_pct", 199000 / 10100, 1990, 10100),
)


@pytest.mark.parametrize(("kpi_id", "value", "numerator", "denominator"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_asterisk_scorecard(
    asterisk_mart, kpi_id: str, value: float, numerator: float, denominator: float | None
) -> None:
    rows = asterisk_mart.execute(
        "select month, value, numerator, denominator from mart.kpi_scorecard_monthly where kpi_id = ?",
        [kpi_id],
    ).fetchall()
    assert [row[0] for row in rows] == [MARCH], f"{kpi_id}: months {[row[0] for row in rows]}"
    _, got_value, got_numerator, got_denominator = rows[0]
    assert got_value == pytest.approx(value, abs=1e-9)
    assert got_numerator == pytest.approx(numerator, abs=1e-9)
    if denominator is None:
        assert got_denominator is None
    else:
        assert got_denominator == pytest.approx(denominator, abs=1e-9)


def test_fct_calls_sources_and_outcomes(asterisk_mart) -> None:
    """One row per call; the CDR copy of Q102 is gone; the outbound CDR call is kept, not inbound."""
    rows = asterisk_mart.execute(
        "select source_system, outcome, is_inbound, count(*) from mart.fct_calls group by all order by all"
    ).fetchall()
    assert rows == [
        ("asterisk_cdr", "abandoned", True, 2),
        ("asterisk_cdr", "answered", False, 1),
        ("asterisk_cdr", "answered", True, 2),
        ("asterisk_cdr", "blocked", True, 2),
        ("asterisk_queue_log", "abandoned", True, 5),
        ("asterisk_queue_log", "answered", True, 7),
        ("asterisk_queue_log", "blocked", True, 1),
    ]
    q102 = asterisk_mart.execute(
        "select source_system, agent_id, wait_seconds, handle_seconds from mart.fct_calls "
        "where call_id = '1772442100.102'"
    ).fetchall()
    assert q102 == [("asterisk_queue_log", "1002", 30.0, 300.0)]
    wrap = asterisk_mart.execute(
        "select call_id, wrap_up_seconds from mart.fct_calls where wrap_up_seconds > 0 order by call_id"
    ).fetchall()
    assert wrap == [("1772442060.101", 60.0), ("1772442900.109", 30.0)]
