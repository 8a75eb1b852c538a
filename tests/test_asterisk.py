"""Asterisk adapters (queue_log, CDR Master.csv) on the hand-written files in fixtures/asterisk.

The fixture covers one hour (2026-03-02 09:00-10:00 UTC, T0 = epoch 1772442000) of a small
contact centre: agents 1001 (PJSIP/1001), 1002 (Agent/1002) and 1003 (Local/1003@agents/n).
Every expected value below is read off the fixture lines by hand.
"""

from __future__ import annotations

import gzip
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.adapters.channels import agent_id
from dagster_project.contract import get_entity
from dagster_project.loading import ContractError, EntityLoadResult, load_entity, pending_files
from dagster_project.vendors.asterisk.cdr import read_cdr
from dagster_project.vendors.asterisk.queue_log import read_queue_log
from dagster_project.vendors.asterisk.queue_log_agents import pause_state
from dagster_project.vendors.asterisk.queue_log_events import MalformedLine, parse_line
from dagster_project.vendors.asterisk.settings import (
    CDR_TIME_ZONE_ENV,
    OUTBOUND_CONTEXTS_ENV,
    WRAPUP_ENV,
    AsteriskSettings,
)

FIXTURE_LANDING = Path(__file__).parent / "fixtures" / "asterisk" / "landing"
QUEUE_LOG = FIXTURE_LANDING / "telephony" / "asterisk_queue_log" / "queue_log"
CDR = FIXTURE_LANDING / "telephony" / "asterisk_cdr" / "Master.csv"
QUEUE_LOG_FILE = "telephony/asterisk_queue_log/queue_log"
CDR_FILE = "telephony/asterisk_cdr/Master.csv"
CALLS = get_entity("telephony", "calls")
AGENT_STATES = get_entity("telephony", "agent_states")
DEFAULTS = AsteriskSettings()


def _t(clock: str) -> str:
    return f"2026-03-02T{clock}Z"


# fmt: off
# (line, call_id, queue, outcome, arrived, answered, ended, agent, caller, wait, talk, wrap_up)
EXPECTED_QUEUE_LOG_CALLS = [
    (10, "1772442200.103", "support", "abandoned", _t("09:03:20"), None, _t("09:03:23"), None, "5551003", "3", "0",
     "0"),
    (12, "1772442220.104", "support", "abandoned", _t("09:03:40"), None, _t("09:04:25"), None, "5551004", "45", "0",
     "0"),
    # CONNECT 1001 after 10 s, COMPLETEAGENT 10|300; PAUSE wrap-up 09:06:20-09:07:20 = 60 s wrap-up.
    (13, "1772442060.101", "support", "answered", _t("09:01:00"), _t("09:01:10"), _t("09:06:10"), "1001", "5551001",
     "10", "300", "60"),
    (15, "1772442100.102", "support", "answered", _t("09:01:40"), _t("09:02:10"), _t("09:07:10"), "1002", "5551002",
     "30", "300", "0"),
    (18, "1772442500.105", "support", "abandoned", _t("09:08:20"), None, _t("09:09:20"), None, "5551005", "60", "0",
     "0"),  # EXITWITHTIMEOUT
    (21, "1772442600.106", "support", "abandoned", _t("09:10:00"), None, _t("09:10:15"), None, "5551006", "15", "0",
     "0"),  # EXITWITHKEY: wait is data4
    (23, "1772442620.107", "sales", "abandoned", _t("09:10:20"), None, _t("09:10:28"), None, "5551007", "8", "0", "0"),
    (24, "1772442700.108", "sales", "blocked", _t("09:11:40"), None, _t("09:11:40"), None, None, "0", "0", "0"),
    (31, "1772443000.110", "support", "answered", _t("09:16:40"), _t("09:16:55"), _t("09:18:55"), "1001", "5551010",
     "15", "120", "0"),  # BLINDTRANSFER
    (32, "1772442900.109", "support", "answered", _t("09:15:00"), _t("09:15:05"), _t("09:20:05"), "1003", "5551009",
     "5", "300", "30"),  # TRANSFER, then PAUSE ACW for 30 s
    (38, "1772443300.111", "support", "answered", _t("09:21:40"), _t("09:22:00"), _t("09:25:00"), "1002", "5551011",
     "20", "180", "0"),  # ATTENDEDTRANSFER BRIDGE|id|20|180|1
    # COMPLETEAGENT 8|100 without ENTERQUEUE/CONNECT: rebuilt as answered 100 s before, arrived 8 s before that.
    (39, "1772443592.112", "support", "answered", _t("09:26:32"), _t("09:26:40"), _t("09:28:20"), "1003", None, "8",
     "100", "0"),
    (46, "1772444000.114", "support", "answered", _t("09:33:20"), _t("09:33:24"), _t("09:43:24"), "1001", "5551014",
     "4", "600", "0"),
]

# (agent, state, started, ended); the file ends at its last event, 10:00:00.
EXPECTED_AGENT_STATES = [
    ("1001", "available", _t("09:00:00"), _t("09:01:10")),
    ("1001", "on_call", _t("09:01:10"), _t("09:06:10")),
    ("1001", "available", _t("09:06:10"), _t("09:06:20")),
    ("1001", "wrap_up", _t("09:06:20"), _t("09:07:20")),
    ("1001", "available", _t("09:07:20"), _t("09:16:55")),
    ("1001", "on_call", _t("09:16:55"), _t("09:18:55")),
    ("1001", "available", _t("09:18:55"), _t("09:33:24")),
    ("1001", "on_call", _t("09:33:24"), _t("09:43:24")),
    ("1001", "available", _t("09:43:24"), _t("10:00:00")),  # REMOVEMEMBER at 10:00:00 = end of file
    ("1002", "available", _t("09:00:00"), _t("09:02:10")),
    ("1002", "on_call", _t("09:02:10"), _t("09:07:10")),
    ("1002", "available", _t("09:07:10"), _t("09:22:00")),
    ("1002", "on_call", _t("09:22:00"), _t("09:25:00")),
    ("1002", "available", _t("09:25:00"), _t("09:30:00")),
    ("1002", "lunch", _t("09:30:00"), _t("09:40:00")),
    ("1002", "available", _t("09:40:00"), _t("10:00:00")),
    ("1003", "available", _t("09:10:00"), _t("09:15:05")),  # nothing before its ADDMEMBER
    ("1003", "on_call", _t("09:15:05"), _t("09:20:05")),
    ("1003", "wrap_up", _t("09:20:05"), _t("09:20:35")),
    ("1003", "available", _t("09:20:35"), _t("09:26:40")),
    ("1003", "on_call", _t("09:26:40"), _t("09:28:20")),
    ("1003", "available", _t("09:28:20"), _t("09:45:00")),
    ("1003", "training", _t("09:45:00"), _t("09:50:00")),
    ("1003", "available", _t("09:50:00"), _t("09:51:40")),
    ("1003", "break", _t("09:51:40"), _t("09:53:20")),  # reason 'coffee' is unknown -> break
    ("1003", "available", _t("09:53:20"), _t("09:55:00")),
    ("1003", "meeting", _t("09:55:00"), _t("09:58:20")),
    ("1003", "offline", _t("09:58:20"), _t("10:00:00")),
]

# (line, call_id, queue, direction, outcome, arrived, answered, ended, agent, caller, wait, talk)
EXPECTED_CDR_CALLS = [
    (1, "1772442100.102", "support", "inbound", "answered", _t("09:01:40"), _t("09:02:10"), _t("09:07:10"), "1002",
     "5551002", "30", "300"),  # same uniqueid as a queue_log call: skipped when loaded after it
    (2, "1772443200.301", "from-trunk", "inbound", "answered", _t("09:20:00"), _t("09:20:12"), _t("09:25:12"), "1004",
     "5552001", "12", "300"),
    (3, "1772443800.302", "support", "inbound", "abandoned", _t("09:30:00"), None, _t("09:30:40"), None, "5552002",
     "40", "0"),  # 21 fields (newcdrcolumns)
    (4, "1772444100.303", "from-trunk", "inbound", "blocked", _t("09:35:00"), None, _t("09:35:01"), None, "5552003",
     "0", "0"),  # 17 fields: the 17th is a uniqueid
    (5, "1772444400.304", "from-internal", "outbound", "answered", _t("09:40:00"), _t("09:40:05"), _t("09:42:05"),
     "1001", "1001", "5", "120"),
    # lines 6-7 share a uniqueid (ringall: 1002 not answering, 1001 answering): one answered call
    (7, "1772444700.305", "support", "inbound", "answered", _t("09:45:00"), _t("09:45:06"), _t("09:47:06"), "1001",
     "5552004", "6", "120"),
    (10, "1772445000.307", "support", "inbound", "abandoned", _t("09:50:00"), None, _t("09:50:03"), None, "5552007",
     "3", "0"),  # CANCEL
    (11, "cdr-fcecdf449399e5b06fdf", "from-trunk", "inbound", "blocked", _t("09:55:00"), None, _t("09:55:00"), None,
     "5552008", "0", "0"),  # 16 fields, no uniqueid: id hashed from channel, start, src, dst
]
# fmt: on


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    target = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, target)
    return target


def _call_tuple(line: int, row: dict[str, str | None]) -> tuple:
    keys = ("call_id", "queue_name", "outcome", "arrived_at", "answered_at", "ended_at", "agent_id", "caller_number")
    return (line, *(row[k] for k in keys), row["wait_seconds"], row["talk_seconds"], row["wrap_up_seconds"])


def _load_all(con: duckdb.DuckDBPyConnection, landing: Path) -> tuple[EntityLoadResult, EntityLoadResult]:
    return load_entity(con, landing, CALLS), load_entity(con, landing, AGENT_STATES)


# --- queue_log ----------------------------------------------------------------------------------


def test_queue_log_calls_rows() -> None:
    output = read_queue_log(QUEUE_LOG, "calls", DEFAULTS)
    assert [_call_tuple(line, row) for line, row in output.rows] == EXPECTED_QUEUE_LOG_CALLS
    for _, row in output.rows:
        assert row["direction"] == "inbound"
        assert row["hold_seconds"] == "0"
        assert row["customer_id"] is None and row["ticket_id"] is None


def test_queue_log_counts_unknown_incomplete_and_rejected_lines() -> None:
    output = read_queue_log(QUEUE_LOG, "calls", DEFAULTS)
    assert output.lines_read == 56
    assert dict(output.unknown_events) == {"CUSTOMEVENT": 2, "SPYSTART": 1}  # QUEUESTART is known, ignored
    assert dict(output.stats) == {
        "calls_answered": 7,
        "calls_abandoned": 5,
        "calls_blocked": 1,
        "calls_without_enterqueue": 2,  # JOINEMPTY alone, and the COMPLETEAGENT of line 39
        "incomplete_calls": 1,  # ENTERQUEUE at 09:59:50, no end event: left out
        "ring_no_answer": 1,
    }
    assert [(r.line, r.rule) for r in output.rejected] == [(25, "malformed_line"), (26, "malformed_line")]
    assert "not a unix epoch" in output.rejected[0].reason
    assert "at least 5" in output.rejected[1].reason
    assert output.rejected[1].text == "1772442800|1772442800.121|support"


def test_queue_log_agent_states_rows() -> None:
    output = read_queue_log(QUEUE_LOG, "agent_states", DEFAULTS)
    rows = [(r["agent_id"], r["state"], r["started_at"], r["ended_at"]) for _, r in output.rows]
    assert rows == EXPECTED_AGENT_STATES
    # The malformed PAUSE line feeds agent states, so it is rejected by this entity, not by calls.
    assert [(r.line, r.rule) for r in output.rejected] == [(48, "malformed_line")]
    # Non-overlapping and gap-free per agent.
    for previous, current in itertools.pairwise(rows):
        if previous[0] == current[0]:
            assert previous[3] == current[2]


def test_queue_log_wrapuptime_setting_adds_wrap_up_after_each_call() -> None:
    """wrapuptime 45 s: wrap-up after each call until 45 s passed or the agent's next event."""
    settings = AsteriskSettings(wrapup_seconds=45)
    calls = {row["call_id"]: row["wrap_up_seconds"] for _, row in read_queue_log(QUEUE_LOG, "calls", settings).rows}
    assert calls["1772442060.101"] == "70"  # 10 s until the wrap-up PAUSE at 09:06:20, then that 60 s pause
    assert calls["1772442100.102"] == "45"
    assert calls["1772442900.109"] == "30"  # the ACW pause starts with the call's end: pause only
    assert calls["1772444000.114"] == "45"
    states = read_queue_log(QUEUE_LOG, "agent_states", settings).rows
    agent_1002 = [(r["state"], r["started_at"], r["ended_at"]) for _, r in states if r["agent_id"] == "1002"]
    assert agent_1002[:4] == [
        ("available", _t("09:00:00"), _t("09:02:10")),
        ("on_call", _t("09:02:10"), _t("09:07:10")),
        ("wrap_up", _t("09:07:10"), _t("09:07:55")),
        ("available", _t("09:07:55"), _t("09:22:00")),
    ]


@pytest.mark.parametrize(
    ("line", "hold", "talk", "wait"),
    [
        ("1772442070|1.1|q|SIP/1|CONNECT|10|1.2|5", 10.0, None, None),
        ("1772442070|1.1|q|SIP/1|COMPLETECALLER|12|340|1", 12.0, 340.0, None),
        ("1772442070|1.1|q|SIP/1|ATTENDEDTRANSFER|LINK|chan1|chan2|7|90|1", 7.0, 90.0, None),
        ("1772442070|1.1|q|SIP/1|TRANSFER|2000|ctx|3|60|1||", 3.0, 60.0, None),  # trailing empty fields
        ("1772442070|1.1|q|NONE|EXITWITHKEY|5|2|1|33", None, None, 33.0),
        ("1772442070|1.1|q|NONE|ABANDON|1|1", None, None, None),  # older Asterisk: no wait field
        ("2026-03-02 09:01:10|1.1|q|NONE|ABANDON|1|1|4", None, None, 4.0),  # realtime export: a date-time
    ],
)
def test_parse_line_reads_durations_of_each_layout(line: str, hold: float, talk: float, wait: float) -> None:
    event = parse_line(1, line)
    assert (event.hold, event.talk, event.wait) == (hold, talk, wait)
    assert event.at == 1772442070.0


def test_parse_line_rejects_a_non_numeric_duration() -> None:
    with pytest.raises(MalformedLine, match="COMPLETEAGENT data2 'abc' is not a number"):
        parse_line(7, "1772442070|1.1|q|SIP/1|COMPLETEAGENT|10|abc|1")


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("Agent/1001", "1001"),
        ("SIP/1001", "1001"),
        ("PJSIP/1001-0000002a", "1001"),
        ("Local/1001@agents/n", "1001"),
        ("Local/1001@from-queue-00000012;1", "1001"),
        ("A-017", "A-017"),
        ("NONE", None),
        ("", None),
    ],
)
def test_agent_id_mapping(member: str, expected: str | None) -> None:
    assert agent_id(member) == expected


@pytest.mark.parametrize(
    ("reason", "state"),
    [
        ("Lunch", "lunch"),
        ("lunch break", "lunch"),
        ("Training", "training"),
        ("MEETING", "meeting"),
        ("wrap-up", "wrap_up"),
        ("Wrapup", "wrap_up"),
        ("ACW", "wrap_up"),
        ("Break", "break"),
        ("coffee", "break"),
        ("", "break"),
    ],
)
def test_pause_reasons(reason: str, state: str) -> None:
    assert pause_state(reason) == state


# --- CDR ----------------------------------------------------------------------------------------


def test_cdr_rows() -> None:
    output = read_cdr(CDR, "calls", DEFAULTS)
    keys = (
        "call_id",
        "queue_name",
        "direction",
        "outcome",
        "arrived_at",
        "answered_at",
        "ended_at",
        "agent_id",
        "caller_number",
        "wait_seconds",
        "talk_seconds",
    )
    assert [(line, *(row[k] for k in keys)) for line, row in output.rows] == EXPECTED_CDR_CALLS
    assert {(row["hold_seconds"], row["wrap_up_seconds"]) for _, row in output.rows} == {("0", "0")}
    assert output.lines_read == 11
    assert dict(output.stats) == {"merged_lines": 1}
    assert dict(output.unknown_events) == {"disposition WEIRD": 1}
    assert [(r.line, r.rule) for r in output.rejected] == [(8, "malformed_line"), (9, "unknown_disposition")]
    assert output.rejected[0].text.startswith('"","5552005"')  # the line as written


def test_cdr_settings_time_zone_and_outbound_contexts() -> None:
    settings = AsteriskSettings(outbound_contexts=("from-trunk",), cdr_time_zone="Europe/Paris")
    rows = {row["call_id"]: row for _, row in read_cdr(CDR, "calls", settings).rows}
    walk_in = rows["1772443200.301"]
    assert walk_in["arrived_at"] == _t("08:20:00")  # 09:20 in Paris (UTC+1 in March)
    assert walk_in["direction"] == "outbound"
    assert walk_in["agent_id"] == "trunk"  # outbound: the calling channel SIP/trunk-00000011
    assert rows["1772444400.304"]["direction"] == "inbound"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WRAPUP_ENV, "30")
    monkeypatch.setenv(OUTBOUND_CONTEXTS_ENV, "out-*, dialout")
    monkeypatch.setenv(CDR_TIME_ZONE_ENV, "Europe/Berlin")
    settings = AsteriskSettings.from_env()
    assert settings == AsteriskSettings(30.0, ("out-*", "dialout"), "Europe/Berlin")
    assert settings.is_outbound_context("OUT-trunk") and not settings.is_outbound_context("from-internal")
    monkeypatch.setenv(WRAPUP_ENV, "-1")
    with pytest.raises(ValueError, match=WRAPUP_ENV):
        AsteriskSettings.from_env()


# --- through the loader -------------------------------------------------------------------------


def test_load_into_raw_tables(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    calls, states = _load_all(con, landing)
    queue_log_calls, cdr_calls = calls.files
    assert (
        queue_log_calls.source_file,
        queue_log_calls.rows_read,
        queue_log_calls.rows_loaded,
        queue_log_calls.rows_quarantined,
        queue_log_calls.lines_read,
    ) == (QUEUE_LOG_FILE, 15, 13, 2, 56)
    assert queue_log_calls.unknown_events == {"CUSTOMEVENT": 2, "SPYSTART": 1}
    assert queue_log_calls.adapter_stats["incomplete_calls"] == 1
    # The CDR line of queue_log call 1772442100.102 is left out: 8 calls - 1 duplicate + 2 bad lines.
    assert (cdr_calls.source_file, cdr_calls.rows_read, cdr_calls.rows_loaded, cdr_calls.rows_quarantined) == (
        CDR_FILE,
        9,
        7,
        2,
    )
    assert cdr_calls.adapter_stats == {"merged_lines": 1, "duplicates_skipped": 1}
    assert calls.unknown_events == {"CUSTOMEVENT": 2, "SPYSTART": 1, "disposition WEIRD": 1}
    assert (states.rows_read, states.rows_loaded, states.rows_quarantined) == (29, 28, 1)
    assert states.unknown_events == {"CUSTOMEVENT": 2, "SPYSTART": 1}
    for result in (calls, states):
        assert result.rows_loaded + result.rows_quarantined == result.rows_read

    loaded = con.execute(
        "select _source_file, _source_line, call_id, outcome, strftime(arrived_at, '%H:%M:%S'), wait_seconds, "
        "wrap_up_seconds from raw_telephony.calls where _source_file = ? order by _source_line",
        [QUEUE_LOG_FILE],
    ).fetchall()
    assert [(row[1], row[2], row[3]) for row in loaded] == [(e[0], e[1], e[3]) for e in EXPECTED_QUEUE_LOG_CALLS]
    assert loaded[2][4:] == ("09:01:00", 10.0, 60.0)
    cdr_ids = con.execute(
        "select call_id from raw_telephony.calls where _source_file = ? order by _source_line", [CDR_FILE]
    ).fetchall()
    assert [row[0] for row in cdr_ids] == [e[1] for e in EXPECTED_CDR_CALLS[1:]]
    assert con.execute("select count(*), count(distinct agent_id) from raw_telephony.agent_states").fetchone() == (
        28,
        3,
    )

    cdr_lines = CDR.read_text().splitlines()
    quarantine = con.execute(
        "select entity, source_file, source_line, rule, raw_value from raw_meta.raw_quarantine "
        "order by entity, source_file, source_line"
    ).fetchall()
    assert (
        quarantine
        == [
            (
                "agent_states",
                QUEUE_LOG_FILE,
                48,
                "malformed_line",
                "17724448OO|NONE|support|Local/1003@agents/n|PAUSE|Coffee",
            ),
            ("calls", CDR_FILE, 8, "malformed_line", cdr_lines[7][:80]),  # raw_value keeps 80 characters
            ("calls", CDR_FILE, 9, "unknown_disposition", cdr_lines[8][:80]),
            (
                "calls",
                QUEUE_LOG_FILE,
                25,
                "malformed_line",
                "not-a-time|1772442720.120|support|NONE|ENTERQUEUE||5551020|1",
            ),
            ("calls", QUEUE_LOG_FILE, 26, "malformed_line", "1772442800|1772442800.121|support"),
        ]
    )
    reason = con.execute("select reason from raw_meta.raw_quarantine where source_line = 26").fetchone()
    assert reason == (
        f"{QUEUE_LOG_FILE} line 26, expected at least 5 '|'-separated fields (epoch|callid|queue|agent|event), got 3",
    )
    ledger = con.execute(
        "select entity, source_file, rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files "
        "order by entity, source_file"
    ).fetchall()
    assert ledger == [
        ("agent_states", QUEUE_LOG_FILE, 29, 28, 1),
        ("calls", CDR_FILE, 9, 7, 2),
        ("calls", QUEUE_LOG_FILE, 15, 13, 2),
    ]


def _snapshot(con: duckdb.DuckDBPyConnection) -> list[list[tuple]]:
    return [
        con.execute(f"select * exclude (_loaded_at) from {table} order by all").fetchall()
        for table in ("raw_telephony.calls", "raw_telephony.agent_states")
    ] + [
        con.execute("select * exclude (quarantined_at) from raw_meta.raw_quarantine order by all").fetchall(),
        con.execute("select * exclude (loaded_at) from raw_meta.loaded_files order by all").fetchall(),
    ]


def test_reloading_unchanged_files_changes_nothing(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    _load_all(con, landing)
    before = _snapshot(con)
    for _ in range(2):
        calls, states = _load_all(con, landing)
        assert (calls.files_loaded, calls.files_skipped, states.files_loaded, states.files_skipped) == (0, 2, 0, 1)
    assert _snapshot(con) == before
    assert pending_files(con, landing, CALLS) == []


def test_changed_queue_log_replaces_its_rows_per_entity(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    _load_all(con, landing)
    queue_log = landing / "telephony" / "asterisk_queue_log" / "queue_log"
    # The open call of 09:59:50 ends: the caller hangs up after 8 s.
    with queue_log.open("a") as handle:
        handle.write("1772445598|1772445590.113|support|NONE|ABANDON|1|1|8\n")
    assert [f.relative_path for f in pending_files(con, landing, AGENT_STATES)] == [QUEUE_LOG_FILE]
    calls = load_entity(con, landing, CALLS)
    assert [(f.source_file, f.rows_read, f.rows_loaded) for f in calls.files] == [(QUEUE_LOG_FILE, 16, 14)]
    assert calls.adapter_stats["incomplete_calls"] == 0
    assert calls.files_skipped == 1  # the CDR file is unchanged
    counts = con.execute(
        "select _source_file, count(*), count(distinct _batch_id) from raw_telephony.calls group by all order by 1"
    ).fetchall()
    assert counts == [(CDR_FILE, 7, 1), (QUEUE_LOG_FILE, 14, 1)]
    quarantined = con.execute(
        "select entity, resolution, count(*) from raw_meta.raw_quarantine where source_file = ? "
        "group by all order by all",
        [QUEUE_LOG_FILE],
    ).fetchall()
    # The calls load resolves the calls entries of the old version and quarantines the two bad
    # lines again; the agent_states entry is untouched by the calls load.
    assert quarantined == [("agent_states", None, 1), ("calls", "file_reloaded", 2), ("calls", None, 2)]
    states = load_entity(con, landing, AGENT_STATES)
    assert (states.files_loaded, states.rows_loaded) == (1, 28)
    assert con.execute("select count(*) from raw_telephony.agent_states").fetchone() == (28,)
    ledger = con.execute(
        "select entity, rows_read from raw_meta.loaded_files where source_file = ? order by 1", [QUEUE_LOG_FILE]
    ).fetchall()
    assert ledger == [("agent_states", 29), ("calls", 16)]


def test_gzipped_queue_log_any_name(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "telephony" / "asterisk_queue_log"
    folder.mkdir(parents=True)
    (folder / "queue_log-20260302.gz").write_bytes(gzip.compress(QUEUE_LOG.read_bytes()))
    calls = load_entity(con, tmp_path / "landing", CALLS)
    assert [(f.source_file, f.rows_loaded) for f in calls.files] == [
        ("telephony/asterisk_queue_log/queue_log-20260302.gz", 13)
    ]


def test_unreadable_gzip_is_a_contract_error(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "telephony" / "asterisk_cdr"
    folder.mkdir(parents=True)
    (folder / "Master.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ContractError, match=r"telephony/asterisk_cdr/Master\.csv\.gz: cannot read asterisk_cdr file"):
        load_entity(con, tmp_path / "landing", CALLS)


def test_cdr_loaded_before_the_queue_log_keeps_both_rows(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Without the queue_log at load time nothing is skipped; staging prefers the non-CDR row."""
    target = tmp_path / "landing"
    (target / "telephony" / "asterisk_cdr").mkdir(parents=True)
    shutil.copy(CDR, target / "telephony" / "asterisk_cdr" / "Master.csv")
    first = load_entity(con, target, CALLS)
    assert first.adapter_stats["duplicates_skipped"] == 0
    (target / "telephony" / "asterisk_queue_log").mkdir()
    shutil.copy(QUEUE_LOG, target / "telephony" / "asterisk_queue_log" / "queue_log")
    load_entity(con, target, CALLS)
    rows = con.execute(
        "select _source_file from raw_telephony.calls where call_id = '1772442100.102' order by _batch_id"
    ).fetchall()
    assert rows == [(CDR_FILE,), (QUEUE_LOG_FILE,)]
