"""Telephony KPIs of the real-layout Asterisk files (tests/fixtures/asterisk/quirks), worked by hand.

One pipeline run (module fixture) on tests/fixtures/asterisk/quirks/landing, default settings
(wrapuptime 0, CDR times UTC, outbound contexts *outbound*, *outgoing*, from-internal*; dbt vars:
threshold 20 s, short abandon 5 s). Everything is on 2026-04-06 10:00-10:46 UTC: one month.
The per-file rows are checked in tests/test_asterisk_quirks.py.

Calls (wait / talk in seconds; hold and wrap-up are 0 everywhere)
------------------------------------------------------------------
queue_log.v14 (Asterisk 1.4)        C11 answered w12 t240 (TRANSFER without origposition)
                                    C13 abandoned w60, C14 abandoned w10
                                    C15 answered w6 t180
queue_log.noend                     C21 answered w10 t290 (no end event: ends at the agent's PAUSE)
                                    C23 answered w15 t180
queue_log.static                    C31 w5 t120, C33 w8 t120, C35 w5 t120, all answered
Master-ivr.csv                      D41 abandoned w91 (ANSWERED by the IVR, no agent leg)
                                    D42 abandoned w45 (NO ANSWER x2 + final ANSWERED Hangup line)
                                    D43 answered w8 t180
Master-ringgroup.csv                D51 answered w10 t240 (4 lines, 3 uniqueids, 1 linkedid)
                                    D55 abandoned w60 (5 lines, 3 uniqueids, voicemail)
Master-custom.csv (cdr_custom)      D61 answered w15 t180, D62 abandoned w30

answered  = C11 C15 C21 C23 C31 C33 C35 D43 D51 D61 = 10
abandoned = C13 C14 D41 D42 D55 D62 = 6 (none shorter than 5 s); blocked 0; offered 16
(before the fixes: C11 lost, C21 lost, D41/D42/D55 answered without agent, D51/D55 six calls.)

Agent states (seconds)
----------------------
3001 (v14):    on_call 240 + 180 = 420; available 72 + 294 + 414 = 780
3002 (noend):  on_call 290 + 180 = 470; available 130 + 75 + 225 = 430; lunch 300
3003 (static): on_call 120 (C33; C31 is before its first PAUSE); available 68 + 112 = 180; training 300
3005 (static): nothing (no session event at all)
on_call 1010, wrap_up 0, available 1390; lunch + training 600; offline 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import CliRun, _published
from tests.golden import Kpi, assert_scorecard, scorecard_months

QUIRKS_LANDING = Path(__file__).parent / "fixtures" / "asterisk" / "quirks" / "landing"
APRIL = dt.date(2026, 4, 1)


@pytest.fixture(scope="module")
def quirks_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(QUIRKS_LANDING, tmp_path_factory, "asterisk_quirks")


@pytest.fixture(scope="module")
def quirks_mart(quirks_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(quirks_run.mart_path)
    yield con
    con.close()


# (kpi_id, value, numerator, denominator); denominator None = a count.
EXPECTED = (
    ("calls_offered", 16, 16, None),  # answered 10 + abandoned 6
    # waits of answered: 12 + 6 + 10 + 15 + 5 + 8 + 5 + 8 + 10 + 15 = 94; / 10 = 9.4.
    ("average_speed_of_answer_seconds", 9.4, 94, 10),
    # talk 240 + 180 + 290 + 180 + 120 + 120 + 120 + 180 + 240 + 180 = 1850, hold 0, wrap 0; / 10.
    ("average_handle_time_seconds", 185.0, 1850, 10),
    # all 10 answered within 20 s; + abandoned with wait >= 5 s: 6 -> 10 / 16 = 62.5.
    ("service_level_pct", 62.5, 10, 16),
    # 1010 / (1010 + 1390) = 42.083 (static member 3005 and 3003's call before its pause left out).
    ("occupancy_pct", 101000 / 2400, 1010, 2400),
    # 1010 / (2400 + lunch 300 + training 300) = 33.667.
    ("agent_utilization_pct", 101000 / 3000, 1010, 3000),
)


@pytest.mark.parametrize(("kpi_id", "value", "numerator", "denominator"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_quirks_scorecard(
    quirks_mart: duckdb.DuckDBPyConnection, kpi_id: str, value: float, numerator: float, denominator: float | None
) -> None:
    assert scorecard_months(quirks_mart, kpi_id) == {APRIL}, kpi_id
    assert_scorecard(quirks_mart, Kpi(kpi_id, APRIL, value, numerator, denominator))


def test_quirks_calls_and_no_answered_call_without_agent(quirks_mart: duckdb.DuckDBPyConnection) -> None:
    rows = quirks_mart.execute(
        "select source_system, outcome, count(*), count(agent_id) from mart.fct_calls group by all order by all"
    ).fetchall()
    assert rows == [
        ("asterisk_cdr", "abandoned", 4, 0),  # D41 D42 D55 D62
        ("asterisk_cdr", "answered", 3, 3),  # D43 D51 D61
        ("asterisk_queue_log", "abandoned", 2, 0),  # C13 C14
        ("asterisk_queue_log", "answered", 7, 7),
    ]
    d51 = quirks_mart.execute(
        "select agent_id, wait_seconds, handle_seconds from mart.fct_calls where call_id = '1775471400.51'"
    ).fetchall()
    assert d51 == [("3201", 10.0, 240.0)]


def test_quirks_nothing_quarantined(quirks_run: CliRun) -> None:
    con = duckdb.connect(str(quirks_run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        quarantined = con.execute("select count(*) from raw_meta.raw_quarantine").fetchone()
    finally:
        con.close()
    assert quarantined == (0,)
