"""Asterisk adapters on real-world layouts (issue 12, "Real vendor exports" items 1-5, static members).

Fixtures: tests/fixtures/asterisk/quirks/landing/telephony/, one hour on 2026-04-06 from 10:00 UTC
(T0 = epoch 1775469600). Every file is written in the layout Asterisk itself writes:

- queue_log event data, per version, from apps/app_queue.c (`ast_queue_log(...)` calls):
  1.4/1.6 `ENTERQUEUE` "%s|%s" (url|callerid), `CONNECT` "%ld|%s" (holdtime|bridged uniqueid),
  `TRANSFER` "%s|%s|%ld|%ld" (exten|context|holdtime|calltime, no origposition),
  `EXITWITHTIMEOUT` "%d" (position only), `EXITWITHKEY` "%s|%d" (key|position);
  1.8+ `CONNECT` holdtime|uniqueid|ringtime, `TRANSFER`/`BLINDTRANSFER` "%s|%s|%ld|%ld|%d" (with
  origposition), 12+ `ATTENDEDTRANSFER` "BRIDGE|%s|%ld|%ld|%d", "APP|%s|%ld|%ld|%d",
  "LINK|%s|%s|%ld|%ld|%d"; `COMPLETEAGENT`/`COMPLETECALLER` "%ld|%ld|%d" in all of them.
- CDR: cdr/cdr_csv.c column order (accountcode, src, dst, dcontext, clid, channel, dstchannel,
  lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, uniqueid,
  userfield, peeraccount, linkedid, sequence with loguniqueid, loguserfield, newcdrcolumns) and
  the Master.csv mapping of configs/samples/cdr_custom.conf.sample (clid, src, dst, dcontext,
  channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition,
  amaflags, accountcode, uniqueid, userfield, sequence; every field CSV_QUOTEd but sequence).
  Asterisk 12+ writes one CDR per party pair: a Dial() to two Local channels gives the caller two
  lines (one per Local ;1 half) and each Local ;2 half its own line with its own uniqueid, all
  sharing the caller's linkedid; a caller answered by the dialplan (Answer(), IVR, VoiceMail) whose
  dials fail ends with a line without dstchannel and disposition ANSWERED.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from dagster_project.contract import get_entity
from dagster_project.loading import load_entity
from dagster_project.vendors.asterisk.cdr import read_cdr
from dagster_project.vendors.asterisk.cdr_layout import CSV_LAYOUT, CUSTOM_LAYOUT, detect
from dagster_project.vendors.asterisk.queue_log import read_queue_log
from dagster_project.vendors.asterisk.queue_log_events import parse_line
from dagster_project.vendors.asterisk.settings import CDR_LAYOUT_ENV, AsteriskSettings

QUIRKS = Path(__file__).parent / "fixtures" / "asterisk" / "quirks" / "landing" / "telephony"
QUEUE_LOGS = QUIRKS / "asterisk_queue_log"
CDRS = QUIRKS / "asterisk_cdr"
DEFAULTS = AsteriskSettings()
CALL_KEYS = ("call_id", "outcome", "arrived_at", "answered_at", "ended_at", "agent_id", "wait_seconds", "talk_seconds")


def _t(clock: str) -> str:
    return f"2026-04-06T{clock}Z"


def _calls(output) -> list[tuple]:
    return sorted((line, *(row[k] for k in CALL_KEYS)) for line, row in output.rows)


def _states(output) -> list[tuple]:
    return [(r["agent_id"], r["state"], r["started_at"], r["ended_at"]) for _, r in output.rows]


# --- item 1: old and new layouts of the end events ----------------------------------------------


@pytest.mark.parametrize(
    ("line", "hold", "talk", "wait"),
    [
        ("1775469912|1.1|q|Agent/1|TRANSFER|2100|from-internal|12|240", 12.0, 240.0, None),  # 1.4 / 1.6
        ("1775469912|1.1|q|Agent/1|TRANSFER|2100|from-internal|12|240|1", 12.0, 240.0, None),  # 1.8+
        ("1775469912|1.1|q|SIP/1|BLINDTRANSFER|2100|default|7|60|2", 7.0, 60.0, None),  # 12+
        ("1775469912|1.1|q|SIP/1|ATTENDEDTRANSFER|BRIDGE|4f1b-22aa|20|180|1", 20.0, 180.0, None),
        ("1775469912|1.1|q|SIP/1|ATTENDEDTRANSFER|APP|VoiceMail|9|30|1", 9.0, 30.0, None),
        ("1775469912|1.1|q|SIP/1|ATTENDEDTRANSFER|LINK|SIP/2-01|SIP/3-02|7|90|1", 7.0, 90.0, None),
        ("1775469912|1.1|q|Agent/1|CONNECT|12|1775469672.12", 12.0, None, None),  # 1.4: no ringtime
        ("1775469912|1.1|q|Agent/1|COMPLETECALLER|6|180|1", 6.0, 180.0, None),
        ("1775469912|1.1|q|NONE|EXITWITHTIMEOUT|1", None, None, None),  # 1.4: position only
        ("1775469912|1.1|q|NONE|EXITWITHKEY|0|1", None, None, None),  # 1.4: key|position
        ("1775469912|1.1|q|NONE|EXITWITHKEY|0|1|1|33", None, None, 33.0),  # 1.8+
    ],
)
def test_end_events_of_every_version(line: str, hold: float | None, talk: float | None, wait: float | None) -> None:
    event = parse_line(1, line)
    assert (event.hold, event.talk, event.wait) == (hold, talk, wait)


def test_asterisk_1_4_queue_log_keeps_the_transferred_call() -> None:
    """TRANSFER|2100|from-internal|12|240 (no origposition) ends C11 as answered, nothing rejected;
    EXITWITHTIMEOUT|1 and EXITWITHKEY|0|1 carry no wait: it is the time since ENTERQUEUE."""
    output = read_queue_log(QUEUE_LOGS / "queue_log.v14", "calls", DEFAULTS)
    assert output.rejected == []
    assert _calls(output) == [
        # CONNECT 10:01:12 hold 12; TRANSFER at 10:05:12 with calltime 240.
        (4, "1775469660.11", "answered", _t("10:01:00"), _t("10:01:12"), _t("10:05:12"), "3001", "12", "240"),
        (6, "1775469960.13", "abandoned", _t("10:06:00"), None, _t("10:07:00"), None, "60", "0"),  # 10:07:00 - 10:06:00
        (8, "1775470080.14", "abandoned", _t("10:08:00"), None, _t("10:08:10"), None, "10", "0"),
        (11, "1775470200.15", "answered", _t("10:10:00"), _t("10:10:06"), _t("10:13:06"), "3001", "6", "180"),
    ]
    states = _states(read_queue_log(QUEUE_LOGS / "queue_log.v14", "agent_states", DEFAULTS))
    assert states == [
        ("3001", "available", _t("10:00:00"), _t("10:01:12")),
        ("3001", "on_call", _t("10:01:12"), _t("10:05:12")),  # the transfer ends the agent's call
        ("3001", "available", _t("10:05:12"), _t("10:10:06")),
        ("3001", "on_call", _t("10:10:06"), _t("10:13:06")),
        ("3001", "available", _t("10:13:06"), _t("10:20:00")),  # AGENTLOGOFF = last event of the file
    ]


# --- item 2: an answered call without end event -------------------------------------------------


def test_answered_call_without_end_event_ends_at_the_agents_next_event() -> None:
    """C21 is CONNECTed to 3002 at 10:02:10 and never completed; 3002 pauses for lunch at 10:07:00.
    Before: on_call until the end of the file (10:20:00), hiding the lunch pause and call C23, and
    C21 not loaded. Now C21 ends at 10:07:00 (talk 290 s) and is counted."""
    calls = read_queue_log(QUEUE_LOGS / "queue_log.noend", "calls", DEFAULTS)
    assert _calls(calls) == [
        (3, "1775469720.21", "answered", _t("10:02:00"), _t("10:02:10"), _t("10:07:00"), "3002", "10", "290"),
        (8, "1775470380.23", "answered", _t("10:13:00"), _t("10:13:15"), _t("10:16:15"), "3002", "15", "180"),
    ]
    assert calls.stats["calls_without_end_event"] == 1
    assert calls.stats["calls_answered"] == 2 and calls.stats["incomplete_calls"] == 0
    output = read_queue_log(QUEUE_LOGS / "queue_log.noend", "agent_states", DEFAULTS)
    assert [line for line, _ in output.rows] == [1, 3, 4, 5, 7, 8]  # lunch: its PAUSE line, not the CONNECT
    states = _states(output)
    assert states == [
        ("3002", "available", _t("10:00:00"), _t("10:02:10")),
        ("3002", "on_call", _t("10:02:10"), _t("10:07:00")),
        ("3002", "lunch", _t("10:07:00"), _t("10:12:00")),
        ("3002", "available", _t("10:12:00"), _t("10:13:15")),
        ("3002", "on_call", _t("10:13:15"), _t("10:16:15")),
        ("3002", "available", _t("10:16:15"), _t("10:20:00")),
    ]


def test_answered_call_re_entering_a_queue_ends_there(tmp_path: Path) -> None:
    """Same callid back in a queue (an untracked transfer) ends its answered leg at the new
    ENTERQUEUE; an answered call whose agent has no later event stays open (it may be going on)."""
    path = tmp_path / "queue_log"
    path.write_text(
        "1775469600|NONE|support|PJSIP/3002|ADDMEMBER|\n"
        "1775469720|1775469720.21|support|NONE|ENTERQUEUE||5550121|1\n"
        "1775469730|1775469720.21|support|PJSIP/3002|CONNECT|10|1775469730.22|4\n"
        "1775469800|1775469720.21|sales|NONE|ENTERQUEUE||5550121|1\n"  # 70 s after the answer
        "1775469805|1775469720.21|sales|PJSIP/3006|CONNECT|5|1775469805.23|2\n"  # no end, no later 3006 event
        "1775469900|NONE|support|PJSIP/3002|REMOVEMEMBER|\n"
    )
    output = read_queue_log(path, "calls", DEFAULTS)
    assert _calls(output) == [
        (3, "1775469720.21", "answered", _t("10:02:00"), _t("10:02:10"), _t("10:03:20"), "3002", "10", "70"),
    ]
    assert (output.stats["calls_without_end_event"], output.stats["incomplete_calls"]) == (1, 1)
    # The agent's own next event, when earlier than the re-entry, ends the leg there.
    path.write_text(
        "1775469600|NONE|support|PJSIP/3002|ADDMEMBER|\n"
        "1775469720|1775469720.21|support|NONE|ENTERQUEUE||5550121|1\n"
        "1775469730|1775469720.21|support|PJSIP/3002|CONNECT|10|1775469730.22|4\n"
        "1775469760|NONE|support|PJSIP/3002|PAUSE|\n"  # 30 s after the answer
        "1775469800|1775469720.21|sales|NONE|ENTERQUEUE||5550121|1\n"
        "1775469810|1775469720.21|sales|NONE|ABANDON|1|1|10\n"
    )
    output = read_queue_log(path, "calls", DEFAULTS)
    assert _calls(output) == [
        (3, "1775469720.21", "answered", _t("10:02:00"), _t("10:02:10"), _t("10:02:40"), "3002", "10", "30"),
        (6, "1775469720.21-2", "abandoned", _t("10:03:20"), None, _t("10:03:30"), None, "10", "0"),
    ]


# --- item 3: ANSWERED without an agent leg ------------------------------------------------------


def test_cdr_answered_by_the_pbx_is_not_answered_by_an_agent() -> None:
    """D41: Answer() then Queue(), caller hangs up in the queue: ANSWERED, no dstchannel.
    D42: two NO ANSWER dials, then the caller's last line (Hangup, ANSWERED, no dstchannel).
    Both are abandoned (the caller hung up without reaching an agent), waiting from the first
    start to the last end; D43 (a device answered) stays answered."""
    output = read_cdr(CDRS / "Master-ivr.csv", "calls", DEFAULTS)
    assert _calls(output) == [
        (1, "1775470860.41", "abandoned", _t("10:21:00"), None, _t("10:22:31"), None, "91", "0"),  # 10:22:31-10:21:00
        (4, "1775470980.42", "abandoned", _t("10:23:00"), None, _t("10:23:45"), None, "45", "0"),  # 10:23:45-10:23:00
        (5, "1775471100.43", "answered", _t("10:25:00"), _t("10:25:08"), _t("10:28:08"), "3101", "8", "180"),
    ]
    assert output.stats["answered_without_agent"] == 2
    assert output.stats["merged_lines"] == 2  # D42's three lines
    queues = {row["call_id"]: row["queue_name"] for _, row in output.rows}
    assert queues["1775470860.41"] == "support"  # Queue(support,...)


def test_cdr_ivr_line_before_an_unanswered_dial(tmp_path: Path) -> None:
    """IVR line (Background, ANSWERED, no dstchannel) then a Dial NO ANSWER: the last line decides
    (abandoned), and the call is still counted as answered by the PBX only."""
    path = tmp_path / "Master.csv"
    path.write_text(
        '"","5550171","500","ivr-main","""Caller 71"" <5550171>","SIP/trunk-00000071","","Background",'
        '"welcome","2026-04-06 10:50:00","2026-04-06 10:50:00","2026-04-06 10:50:20",20,20,"ANSWERED",'
        '"DOCUMENTATION","1775472600.71","","","1775472600.71",71\n'
        '"","5550171","3101","ivr-main","""Caller 71"" <5550171>","SIP/trunk-00000071","PJSIP/3101-00000072",'
        '"Dial","PJSIP/3101,20","2026-04-06 10:50:20","","2026-04-06 10:50:40",20,0,"NO ANSWER",'
        '"DOCUMENTATION","1775472600.71","","","1775472600.71",72\n'
    )
    output = read_cdr(path, "calls", DEFAULTS)
    # wait = last end 10:50:40 - first start 10:50:00 = 40
    assert _calls(output) == [(2, "1775472600.71", "abandoned", _t("10:50:00"), None, _t("10:50:40"), None, "40", "0")]
    assert output.stats["answered_without_agent"] == 1


# --- item 4: one call per linkedid --------------------------------------------------------------


def test_cdr_ring_group_over_local_channels_is_one_call() -> None:
    """D51: 4 lines, uniqueids .51 .51 .52 .53, one linkedid .51: one call, answered by the real
    device PJSIP/3201 (the Local ;2 leg's line), talk = its billsec 240, wait 10:30:10 - 10:30:00.
    D55: five lines (three uniqueids), nobody answers, voicemail answers the caller: one abandoned
    call, wait 10:37:00 - 10:36:00 = 60. By uniqueid these were 6 calls."""
    output = read_cdr(CDRS / "Master-ringgroup.csv", "calls", DEFAULTS)
    assert _calls(output) == [
        (4, "1775471400.51", "answered", _t("10:30:00"), _t("10:30:10"), _t("10:34:10"), "3201", "10", "240"),
        (9, "1775471760.55", "abandoned", _t("10:36:00"), None, _t("10:37:00"), None, "60", "0"),
    ]
    assert output.stats["merged_lines"] == 7  # 9 lines, 2 calls
    rows = {row["call_id"]: row for _, row in output.rows}
    # The caller's leg (not a Local ;2 half, dcontext from-internal) decides direction and number.
    assert {row["direction"] for row in rows.values()} == {"inbound"}
    assert rows["1775471400.51"]["caller_number"] == "5550151"


# --- item 5: cdr_custom layout -------------------------------------------------------------------


def test_cdr_custom_sample_layout_is_detected() -> None:
    output = read_cdr(CDRS / "Master-custom.csv", "calls", DEFAULTS)
    assert output.rejected == []
    assert _calls(output) == [
        (1, "1775472000.61", "answered", _t("10:40:00"), _t("10:40:15"), _t("10:43:15"), "3101", "15", "180"),
        (2, "1775472300.62", "abandoned", _t("10:45:00"), None, _t("10:45:30"), None, "30", "0"),
    ]
    assert output.stats["layout_cdr_custom"] == 1
    assert {row["queue_name"] for _, row in output.rows} == {"support"}
    assert {row["caller_number"] for _, row in output.rows} == {"5550161", "5550162"}


def test_cdr_layout_setting_and_shifted_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced to cdr_csv, a cdr_custom file is rejected line by line, naming the column."""
    forced = read_cdr(CDRS / "Master-custom.csv", "calls", AsteriskSettings(cdr_layout="cdr_csv"))
    assert forced.rows == []
    assert [(r.line, r.rule) for r in forced.rejected] == [(1, "shifted_columns"), (2, "shifted_columns")]
    assert forced.rejected[0].reason.startswith(
        "column 15 (disposition in the cdr_csv layout) holds 'DOCUMENTATION': the columns look shifted; "
        "the line fits the cdr_custom layout"
    )
    monkeypatch.setenv(CDR_LAYOUT_ENV, "CDR_Custom")
    assert AsteriskSettings.from_env().cdr_layout == "cdr_custom"
    monkeypatch.setenv(CDR_LAYOUT_ENV, "odbc")
    with pytest.raises(ValueError, match=CDR_LAYOUT_ENV):
        AsteriskSettings.from_env()


def test_cdr_line_shifted_inside_a_detected_file(tmp_path: Path) -> None:
    """A cdr_custom file with one line missing its clid column: that line alone is rejected."""
    good = (CDRS / "Master-custom.csv").read_text().splitlines()
    shifted = good[1].split(",", 1)[1]  # drop the clid column: every column moves one to the left
    path = tmp_path / "Master.csv"
    path.write_text("\n".join([good[0], shifted]) + "\n")
    assert detect(next(csv.reader([good[0]]))) is CUSTOM_LAYOUT
    assert detect(next(csv.reader([shifted]))) is None  # fits neither layout
    output = read_cdr(path, "calls", DEFAULTS)
    assert [row["call_id"] for _, row in output.rows] == ["1775472000.61"]
    assert [(r.line, r.rule) for r in output.rejected] == [(2, "shifted_columns")]
    assert "column 14 (disposition in the cdr_custom layout) holds 'DOCUMENTATION'" in output.rejected[0].reason
    assert CUSTOM_LAYOUT.disposition_column() == 13


# --- static members ------------------------------------------------------------------------------


def test_static_members_count_only_inside_pause_sessions() -> None:
    """3003 and 3005 are static members (no ADDMEMBER / AGENTLOGIN). 3003's PAUSE at 10:10 is the
    first thing that shows a session; its call C31 (10:03:05) is before it and 3005 never shows
    one. Before: 3003 logged in from 10:03:05 and 3005 from 10:17:05 to the end of the file."""
    calls = read_queue_log(QUEUE_LOGS / "queue_log.static", "calls", DEFAULTS)
    assert [row["agent_id"] for _, row in calls.rows] == ["3003", "3003", "3005"]  # calls all loaded
    output = read_queue_log(QUEUE_LOGS / "queue_log.static", "agent_states", DEFAULTS)
    assert _states(output) == [
        ("3003", "training", _t("10:10:00"), _t("10:15:00")),
        ("3003", "available", _t("10:15:00"), _t("10:16:08")),
        ("3003", "on_call", _t("10:16:08"), _t("10:18:08")),
        ("3003", "available", _t("10:18:08"), _t("10:20:00")),  # PAUSE at 10:20:00 ends the file
    ]
    assert output.stats["answered_calls_outside_session"] == 2  # C31 (3003) and C35 (3005)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], {}),
        (["1775472000.61"], {"uniqueid": "1775472000.61"}),  # loguniqueid only
        (["vip"], {"userfield": "vip"}),  # loguserfield only
        (["1775472000.61", "vip"], {"uniqueid": "1775472000.61", "userfield": "vip"}),
        (["", "1775472000.60", "7"], {"peeraccount": "", "linkedid": "1775472000.60", "sequence": "7"}),
        (
            ["vip", "", "1775472000.60", "7"],
            {"userfield": "vip", "peeraccount": "", "linkedid": "1775472000.60", "sequence": "7"},
        ),
        (
            ["1775472000.61", "", "", "1775472000.60", "7"],
            {
                "uniqueid": "1775472000.61",
                "userfield": "",
                "peeraccount": "",
                "linkedid": "1775472000.60",
                "sequence": "7",
            },
        ),
    ],
)
def test_cdr_csv_optional_columns(extra: list[str], expected: dict[str, str]) -> None:
    """cdr.conf [csv] loguniqueid / loguserfield / newcdrcolumns add 0-5 columns after amaflags."""
    base = [
        "",
        "5550161",
        "500",
        "ext-queues",
        "Caller",
        "SIP/trunk-1",
        "",
        "Queue",
        "support",
        "2026-04-06 10:40:00",
        "",
        "2026-04-06 10:40:30",
        "30",
        "0",
        "NO ANSWER",
        "DOCUMENTATION",
    ]
    fields = CSV_LAYOUT.fields(base + extra)
    assert {k: v for k, v in fields.items() if k not in CSV_LAYOUT.base} == expected


def test_counts_reach_the_loaders_per_file_record() -> None:
    """The new counters travel like the existing ones: FileLoadResult.adapter_stats per file (and,
    summed, EntityLoadResult.adapter_stats -> the raw asset's `adapter_stats` metadata)."""
    con = duckdb.connect(":memory:")
    try:
        landing = QUIRKS.parent
        calls = load_entity(con, landing, get_entity("telephony", "calls"))
        states = load_entity(con, landing, get_entity("telephony", "agent_states"))
    finally:
        con.close()
    stats = {Path(f.source_file).name: f.adapter_stats for f in calls.files}
    state_stats = {Path(f.source_file).name: f.adapter_stats for f in states.files}
    assert state_stats["queue_log.static"]["answered_calls_outside_session"] == 2
    assert stats["queue_log.noend"]["calls_without_end_event"] == 1
    assert stats["Master-ivr.csv"]["answered_without_agent"] == 2
    assert stats["Master-ringgroup.csv"]["answered_without_agent"] == 1
    assert stats["Master-custom.csv"]["layout_cdr_custom"] == 1
    assert states.adapter_stats["answered_calls_outside_session"] == 2
    assert calls.adapter_stats["calls_without_end_event"] == 1
    assert (calls.rows_quarantined, states.rows_quarantined) == (0, 0)
