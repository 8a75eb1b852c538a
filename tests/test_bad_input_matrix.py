"""The bad-input matrix: what a real export can deliver, and what the loader does with it.

One table of cases (`CASES`), one test. Each case drops one or more files into a fresh landing
folder, loads the entity with `load_entity` into an in-memory DuckDB and checks the outcome:

- a `ContractError` whose message names the file and the column or rule (nothing of the file is
  loaded, nothing quarantined, no ledger row, the file stays pending), or
- rows loaded and rows quarantined with (file, line, column, rule), plus a query on the raw table
  where the values themselves matter (UTC conversion, trimming, text kept byte for byte).

Every loaded case checks the row accounting: per file in the ledger rows_read = rows_loaded +
rows_quarantined, the raw table holds exactly the loaded rows and the quarantine exactly the
quarantined ones.

Decisions the contract leaves open, encoded here:
- A file DuckDB cannot parse as a whole (not UTF-8, truncated gzip, ragged or unterminated row,
  malformed JSON line, a line over 2 MB) is refused with a ContractError naming file and line: it is
  a broken delivery, re-sent as a whole; a parsed row with a bad value is quarantined.
- A 0-byte file is an empty delivery (0 rows), like a header-only file.
- Ids are trimmed (every text value is: blank = missing) but keep their case: ' T1 ' is T1, t1 is not.
- A NUL byte in a text value quarantines the row (rule invalid_text).
- Plausibility (a created_at years ahead) is not a loader rule: the row loads; the batch gate decides.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dagster_project.contract import Entity, get_entity
from dagster_project.loading import ContractError, load_entity, pending_files
from dagster_project.loading.schema import LEDGER_TABLE, QUARANTINE_TABLE

TICKETS = get_entity("helpdesk", "tickets")
GROUPS = get_entity("helpdesk", "groups")
AGENTS = get_entity("helpdesk", "agents")
CALLS = get_entity("telephony", "calls")
AGENT_STATES = get_entity("telephony", "agent_states")
RESPONSES = get_entity("survey", "survey_responses")
FORUM_POSTS = get_entity("web", "forum_posts")
WEB_EVENTS = get_entity("web", "web_events")
ORDERS = get_entity("crm", "orders")
COSTS = get_entity("finance", "operating_costs")


def lines(*rows: str, newline: str = "\n") -> bytes:
    """A CSV file: the rows joined, each ended by `newline`."""
    return "".join(row + newline for row in rows).encode("utf-8")


def jsonl(*records: dict[str, object]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode("utf-8")


def parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def big_calls_gzip() -> bytes:
    """A gzipped calls CSV large enough that half of it cuts the deflate stream mid-way."""
    rng = random.Random(6)
    rows = [f"C{i},{rng.getrandbits(64):x},inbound,2026-03-02T09:00:00Z,abandoned" for i in range(20_000)]
    return gzip.compress(lines("call_id,queue_name,direction,arrived_at,outcome", *rows))


TICKET_HEADER = "ticket_id,created_at,channel,priority,status,subject"
CALL_HEADER = "call_id,queue_name,direction,arrived_at,outcome,wait_seconds"
STATE_HEADER = "agent_id,state,started_at,ended_at"
RESPONSE_HEADER = "response_id,survey_type,sent_at,score,comment"
ORDER_HEADER = "order_id,customer_id,ordered_at,amount,currency"
FORMULA = '=HYPERLINK("http://x","y")'
ACCEPTED_BOOLEANS = ("true", "TRUE", "True", "1", "yes", "YES", " yes ", "false", "False", "0", "no", "No")


def ticket(
    ticket_id: str, created_at: str = "2026-03-02T09:00:00Z", priority: str = "normal", subject: str = "Hi"
) -> str:
    return f"{ticket_id},{created_at},email,{priority},open,{subject}"


def call(call_id: str, wait: str = "10") -> str:
    return f"{call_id},support,inbound,2026-03-02T09:00:00Z,abandoned,{wait}"


def order(order_id: str, amount: str = "10", currency: str = "EUR") -> str:
    return f"{order_id},K1,2026-03-02T09:00:00Z,{amount},{currency}"


def post(post_id: str, upvotes: object = 1) -> dict[str, object]:
    return {
        "post_id": post_id,
        "thread_id": "TH1",
        "created_at": "2026-03-02T09:00:00Z",
        "author_type": "customer",
        "is_thread_start": True,
        "upvotes": upvotes,
    }


Quarantined = tuple[str, int, str | None, str]  # (file name, line, column, rule)


@dataclass(frozen=True)
class Case:
    id: str
    entity: Entity
    files: tuple[tuple[str, bytes], ...]  # (file name, content), loaded in name order
    error: tuple[str, ...] = ()  # a ContractError whose message holds the file path and these texts
    loaded: int = 0
    quarantined: tuple[Quarantined, ...] = ()
    extra: tuple[str, ...] = ()  # extra columns reported for the (single) file
    query: str = ""  # over {table}, the entity's raw table
    expect: tuple[tuple[object, ...], ...] = ()


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


CASES: tuple[Case, ...] = (
    # --- encoding, compression, empty files --------------------------------------------------
    Case(
        "invalid_utf8_in_a_row",
        GROUPS,
        (("latin1.csv", lines("group_id,group_name", "G1,One") + b"G2,M\xfcller\n"),),
        error=("Line: 3", "not utf-8 encoded"),
    ),
    Case(
        "invalid_utf8_in_the_header",
        GROUPS,
        (("latin1_header.csv", b"group_id,group_n\xe4me\nG1,One\n"),),
        error=("header row is not UTF-8", "must be UTF-8"),
    ),
    Case(
        "utf16_excel_export",
        GROUPS,
        (("excel.csv", "group_id,group_name\nG1,One\n".encode("utf-16")),),
        error=("header row is not UTF-8",),
    ),
    Case(
        "bom_is_tolerated",
        TICKETS,
        (("bom.csv", b"\xef\xbb\xbf" + lines(TICKET_HEADER, ticket("T1"))),),
        loaded=1,
        query="select ticket_id, _source_line from {table}",
        expect=(("T1", 2),),
    ),
    Case("truncated_gzip", CALLS, (("calls.csv.gz", big_calls_gzip()[:30_000]),), error=("GZIP",)),
    Case("gz_name_but_not_gzip", CALLS, (("calls.csv.gz", lines(CALL_HEADER, call("C1"))),), error=("gzip",)),
    Case("empty_csv_file", CALLS, (("empty.csv", b""),), loaded=0),
    Case("empty_gzip_file", CALLS, (("empty.csv.gz", gzip.compress(b"")),), loaded=0),
    Case("empty_jsonl_file", FORUM_POSTS, (("empty.jsonl", b""),), loaded=0),
    Case("header_only", RESPONSES, (("header.csv", lines(RESPONSE_HEADER)),), loaded=0),
    # --- header and delimiter ----------------------------------------------------------------
    Case(
        "extra_columns_loaded_and_reported",
        AGENTS,
        (("agents.csv", lines("agent_id,agent_name,internal_note,Shoe Size", "A1,Ann,x,38")),),
        loaded=1,
        extra=("internal_note", "Shoe Size"),
        query="select agent_id, agent_name from {table}",
        expect=(("A1", "Ann"),),
    ),
    Case(
        "header_names_trimmed_and_case_insensitive",
        GROUPS,
        (("groups.csv", lines(" Group_ID ,GROUP_NAME", "G1,One")),),
        loaded=1,
        query="select group_id, group_name from {table}",
        expect=(("G1", "One"),),
    ),
    Case(
        "missing_required_column",
        CALLS,
        (("calls.csv", lines("call_id,queue_name,direction,arrived_at", "C1,support,inbound,2026-03-02T09:00:00Z")),),
        error=("missing required column outcome",),
    ),
    Case(
        "semicolon_delimiter",
        ORDERS,
        (("orders.csv", lines(ORDER_HEADER.replace(",", ";"), order("O1").replace(",", ";"))),),
        error=("semicolon-separated", "must be comma separated"),
    ),
    Case(
        "tab_delimiter",
        COSTS,
        (("costs.csv", lines("month\tcost_category\tamount", "2026-03-01\trent\t100")),),
        error=("tab-separated",),
    ),
    Case(
        "duplicate_header_names",
        ORDERS,
        (("orders.csv", lines(ORDER_HEADER + ",Amount", order("O1") + ",20")),),
        error=("column amount appears more than once",),
    ),
    Case(
        "preamble_line_before_the_header",
        GROUPS,
        (("report.csv", lines("Groups export 2026-03-02", "group_id,group_name", "G1,One")),),
        error=("missing required column group_id, group_name",),
    ),
    # --- CSV structure -----------------------------------------------------------------------
    Case(
        "quoted_newlines_and_quotes_rfc4180",
        RESPONSES,
        (
            (
                "responses.csv",
                lines(
                    RESPONSE_HEADER,
                    'R1,csat,2026-03-02T09:00:00Z,4,"line one\nline two, with a comma and ""quotes"""',
                    "R2,csat,2026-03-02T09:00:00Z,5,short",
                ),
            ),
        ),
        loaded=2,
        query="select response_id, comment, _source_line from {table} order by response_id",
        expect=(("R1", 'line one\nline two, with a comma and "quotes"', 2), ("R2", "short", 3)),
    ),
    Case(
        "one_megabyte_field",
        RESPONSES,
        (("big.csv", lines(RESPONSE_HEADER, "R1,csat,2026-03-02T09:00:00Z,4," + "x" * 1_000_000)),),
        loaded=1,
        query="select response_id, length(comment) from {table}",
        expect=(("R1", 1_000_000),),
    ),
    Case(
        "line_over_two_megabytes",
        RESPONSES,
        (("huge.csv", lines(RESPONSE_HEADER, "R1,csat,2026-03-02T09:00:00Z,4," + "x" * 2_100_000)),),
        error=("Line: 2", "Maximum line size"),
    ),
    Case(
        "crlf_line_ends",
        GROUPS,
        (("groups.csv", lines("group_id,group_name", "G1,One", 'G2,"two\r\nlines"', newline="\r\n")),),
        loaded=2,
        query="select group_id, group_name, _source_line from {table} order by group_id",
        expect=(("G1", "One", 2), ("G2", "two\r\nlines", 3)),
    ),
    Case(
        "ragged_row_too_many_fields",
        GROUPS,
        (("groups.csv", lines("group_id,group_name", "G1,One", "G2,Two,surplus")),),
        error=("Line: 3", "Expected Number of Columns: 2 Found: 3"),
    ),
    Case(
        "unterminated_quote",
        GROUPS,
        (("groups.csv", lines("group_id,group_name", 'G1,"One', "G2,Two")),),
        error=("Line: 2", "unterminated quote"),
    ),
    Case(
        "nul_byte_in_text",
        GROUPS,
        (("groups.csv", lines("group_id,group_name", "G1,O\x00ne", "G2,Two")),),
        loaded=1,
        quarantined=(("groups.csv", 2, "group_name", "invalid_text"),),
        query="select group_id from {table}",
        expect=(("G2",),),
    ),
    # --- versions and keys -------------------------------------------------------------------
    Case(
        "same_key_in_two_files_kept_as_versions",
        TICKETS,
        (
            ("2026-03-02.csv", lines(TICKET_HEADER, ticket("T1", priority="normal"))),
            ("2026-03-03.csv", lines(TICKET_HEADER, ticket("T1", priority="urgent"))),
        ),
        loaded=2,
        query=(
            "select ticket_id, priority, _source_file, _batch_id > min(_batch_id) over () "
            "from {table} order by _batch_id"
        ),
        expect=(
            ("T1", "normal", "helpdesk/tickets/2026-03-02.csv", False),
            ("T1", "urgent", "helpdesk/tickets/2026-03-03.csv", True),
        ),
    ),
    Case(
        "exact_duplicate_rows_both_loaded",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket("T1"), ticket("T1"))),),
        loaded=2,
        query="select ticket_id, _source_line from {table} order by 2",
        expect=(("T1", 2), ("T1", 3)),
    ),
    Case(
        "ids_trimmed_but_case_kept",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket(" T1 "), ticket("T1"), ticket("t1"), ticket("   "))),),
        loaded=3,
        quarantined=(("tickets.csv", 5, "ticket_id", "missing_required"),),
        query="select ticket_id, count(*) from {table} group by ticket_id order by ticket_id",
        expect=(("T1", 2), ("t1", 1)),
    ),
    # --- timestamps and dates ----------------------------------------------------------------
    Case(
        "timestamp_offsets_to_utc",
        TICKETS,
        (
            (
                "tickets.csv",
                lines(
                    TICKET_HEADER,
                    ticket("T1", "2026-03-02T11:00:00+02:00"),
                    ticket("T2", "2026-03-02T04:00:00-05:00"),
                    ticket("T3", "2026-03-02T09:00:00Z"),
                    ticket("T4", "2026-03-02T09:00:00.250+00:00"),
                ),
            ),
        ),
        loaded=4,
        query="select ticket_id, created_at from {table} order by ticket_id",
        expect=(
            ("T1", ts("2026-03-02T09:00:00")),
            ("T2", ts("2026-03-02T09:00:00")),
            ("T3", ts("2026-03-02T09:00:00")),
            ("T4", ts("2026-03-02T09:00:00.250")),
        ),
    ),
    Case(
        "timestamps_across_dst_changes",
        AGENT_STATES,
        (
            (
                "states.csv",
                lines(
                    STATE_HEADER,
                    # Berlin springs forward: 01:30 CET to 03:30 CEST is one hour.
                    "A1,available,2026-03-29T01:30:00+01:00,2026-03-29T03:30:00+02:00",
                    # Berlin falls back: 02:30 CEST to 02:15 CET is 45 minutes later, not before.
                    "A1,on_call,2026-10-25T02:30:00+02:00,2026-10-25T02:15:00+01:00",
                ),
            ),
        ),
        loaded=2,
        query="select state, started_at, ended_at, date_diff('minute', started_at, ended_at) from {table} order by 2",
        expect=(
            ("available", ts("2026-03-29T00:30:00"), ts("2026-03-29T01:30:00"), 60),
            ("on_call", ts("2026-10-25T00:30:00"), ts("2026-10-25T01:15:00"), 45),
        ),
    ),
    Case(
        "timestamp_without_offset_is_utc",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket("T1", "2026-03-02T09:00:00"), ticket("T2", "2026-03-02 09:00"))),),
        loaded=2,
        query="select ticket_id, created_at from {table} order by ticket_id",
        expect=(("T1", ts("2026-03-02T09:00:00")), ("T2", ts("2026-03-02T09:00:00"))),
    ),
    Case(
        "non_iso_dates_and_timestamps",
        AGENTS,
        (
            (
                "agents.csv",
                lines(
                    "agent_id,agent_name,hired_at",
                    "A1,Ann,03/15/2026",
                    "A2,Bob,15.03.2026",
                    "A3,Cy,2026-03-15",
                    "A4,Di,2026-03-15T00:00:00Z",
                ),
            ),
        ),
        loaded=1,
        quarantined=(
            ("agents.csv", 2, "hired_at", "invalid_date"),
            ("agents.csv", 3, "hired_at", "invalid_date"),
            ("agents.csv", 5, "hired_at", "invalid_date"),
        ),
        query="select agent_id, hired_at from {table}",
        expect=(("A3", date(2026, 3, 15)),),
    ),
    Case(
        "timestamp_in_a_non_iso_format",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket("T1", "03/15/2026 09:00"), ticket("T2", "epoch"), ticket("T3"))),),
        loaded=1,
        quarantined=(
            ("tickets.csv", 2, "created_at", "invalid_ts"),
            ("tickets.csv", 3, "created_at", "invalid_ts"),
        ),
    ),
    Case(
        "future_date_loads_the_gate_decides",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket("T1", "2031-01-01T00:00:00Z"))),),
        loaded=1,
        query="select created_at from {table}",
        expect=((ts("2031-01-01T00:00:00"),),),
    ),
    Case(
        "month_not_a_date",
        COSTS,
        (("costs.csv", lines("month,cost_category,amount", "2026-03,rent,100", "2026-03-01,rent,100")),),
        loaded=1,
        quarantined=(("costs.csv", 2, "month", "invalid_date"),),
    ),
    # --- row rules ---------------------------------------------------------------------------
    Case(
        "negative_duration",
        CALLS,
        (("calls.csv", lines(CALL_HEADER, call("C1", "0"), call("C2", "-3"))),),
        loaded=1,
        quarantined=(("calls.csv", 3, "wait_seconds", "non_negative"),),
    ),
    Case(
        "end_before_start",
        AGENT_STATES,
        (
            (
                "states.csv",
                lines(
                    STATE_HEADER,
                    "A1,break,2026-03-02T10:00:00Z,2026-03-02T09:59:59Z",
                    "A1,lunch,2026-03-02T12:00:00Z,2026-03-02T12:00:00Z",
                ),
            ),
        ),
        loaded=1,
        quarantined=(("states.csv", 2, "ended_at", "end_before_start"),),
    ),
    Case(
        "scores_out_of_scale",
        RESPONSES,
        (
            (
                "responses.csv",
                lines(
                    RESPONSE_HEADER,
                    "R1,csat,2026-03-02T09:00:00Z,6,",
                    "R2,nps,2026-03-02T09:00:00Z,10,",
                    "R3,nps,2026-03-02T09:00:00Z,11,",
                    "R4,ces,2026-03-02T09:00:00Z,0,",
                    "R5,ces,2026-03-02T09:00:00Z,7,",
                ),
            ),
        ),
        loaded=2,
        quarantined=(
            ("responses.csv", 2, "score", "score_out_of_scale"),
            ("responses.csv", 4, "score", "score_out_of_scale"),
            ("responses.csv", 5, "score", "score_out_of_scale"),
        ),
        query="select response_id from {table} order by 1",
        expect=(("R2",), ("R5",)),
    ),
    Case(
        "unknown_enum_value",
        TICKETS,
        (("tickets.csv", lines(TICKET_HEADER, ticket("T1", priority="Critical"), ticket("T2", priority=" HIGH "))),),
        loaded=1,
        quarantined=(("tickets.csv", 2, "priority", "unknown_enum"),),
        query="select ticket_id, priority from {table}",
        expect=(("T2", "high"),),
    ),
    Case(
        "unknown_event_name_kept_as_other",
        WEB_EVENTS,
        (
            (
                "events.jsonl",
                jsonl(
                    {"event_id": "E1", "event_at": "2026-03-02T09:00:00Z", "event_name": "scroll", "session_id": "S1"},
                    {
                        "event_id": "E2",
                        "event_at": "2026-03-02T09:00:01Z",
                        "event_name": "page_view",
                        "session_id": "S1",
                    },
                ),
            ),
        ),
        loaded=2,
        query="select event_id, event_name from {table} order by 1",
        expect=(("E1", "other"), ("E2", "page_view")),
    ),
    Case(
        "unknown_currency",
        COSTS,
        (
            (
                "costs.csv",
                lines("month,cost_category,amount,currency", "2026-03-01,rent,100,XXX", "2026-03-01,other,5, eur "),
            ),
        ),
        loaded=1,
        quarantined=(("costs.csv", 2, "currency", "unknown_currency"),),
    ),
    # --- values ------------------------------------------------------------------------------
    Case(
        "spreadsheet_formula_kept_as_text",
        TICKETS,
        (
            (
                "tickets.csv",
                lines(
                    TICKET_HEADER,
                    ticket("T1", subject='"' + FORMULA.replace('"', '""') + '"'),
                    ticket("T2", subject="+1-555-0100"),
                    ticket("T3", subject="@SUM(A1:A9)"),
                ),
            ),
        ),
        loaded=3,
        query="select ticket_id, subject from {table} order by 1",
        expect=(("T1", FORMULA), ("T2", "+1-555-0100"), ("T3", "@SUM(A1:A9)")),
    ),
    Case(
        "booleans_in_every_accepted_spelling",
        AGENTS,
        (
            (
                "agents.csv",
                lines(
                    "agent_id,agent_name,is_active",
                    *(f"A{i:02},n,{value}" for i, value in enumerate([*ACCEPTED_BOOLEANS, "y", "t", "on", "2"])),
                ),
            ),
        ),
        loaded=12,
        quarantined=tuple(("agents.csv", line, "is_active", "invalid_bool") for line in (14, 15, 16, 17)),
        query="select is_active, count(*) from {table} group by 1 order by 1",
        expect=((False, 5), (True, 7)),
    ),
    Case(
        "numeric_overflow",
        FORUM_POSTS,
        (("posts.jsonl", jsonl(post("P1", "99999999999999999999"), post("P2", 3.0), post("P3", "many"))),),
        loaded=1,
        quarantined=(("posts.jsonl", 1, "upvotes", "invalid_int"), ("posts.jsonl", 3, "upvotes", "invalid_int")),
        query="select post_id, upvotes from {table}",
        expect=(("P2", 3),),
    ),
    Case(
        "nan_and_infinity_in_a_number",
        ORDERS,
        (
            (
                "orders.csv",
                lines(
                    ORDER_HEADER,
                    order("O1", "NaN"),
                    order("O2", "inf"),
                    order("O3", "-Infinity"),
                    order("O4", "1e400"),
                    order("O5", "1e3"),
                ),
            ),
        ),
        loaded=1,
        quarantined=tuple(("orders.csv", line, "amount", "invalid_num") for line in (2, 3, 4, 5)),
        query="select order_id, amount from {table}",
        expect=(("O5", 1000.0),),
    ),
    # --- other formats -----------------------------------------------------------------------
    Case(
        "jsonl_with_a_malformed_line",
        FORUM_POSTS,
        (("posts.jsonl", jsonl(post("P1")) + b'{"post_id": "P2", "thread_id": \n' + jsonl(post("P3"))),),
        error=("line 2 is not valid JSON", "nothing of this file was loaded"),
    ),
    Case(
        "parquet_timestamp_as_epoch_integers",
        CALLS,
        (
            (
                "calls.parquet",
                parquet(
                    pa.table(
                        {
                            "call_id": ["C1", "C2"],
                            "queue_name": ["support", "support"],
                            "direction": ["inbound", "inbound"],
                            "arrived_at": pa.array([1772442000, 1772442060], pa.int64()),
                            "outcome": ["abandoned", "abandoned"],
                        }
                    )
                ),
            ),
        ),
        loaded=0,
        quarantined=(
            ("calls.parquet", 1, "arrived_at", "invalid_ts"),
            ("calls.parquet", 2, "arrived_at", "invalid_ts"),
        ),
    ),
    Case(
        "parquet_number_as_text",
        CALLS,
        (
            (
                "calls.parquet",
                parquet(
                    pa.table(
                        {
                            "call_id": ["C1", "C2"],
                            "queue_name": ["support", "support"],
                            "direction": ["inbound", "inbound"],
                            "arrived_at": pa.array([ts("2026-03-02T09:00:00")] * 2, pa.timestamp("us")),
                            "outcome": ["abandoned", "abandoned"],
                            "wait_seconds": ["12.5", "twelve"],
                        }
                    )
                ),
            ),
        ),
        loaded=1,
        quarantined=(("calls.parquet", 2, "wait_seconds", "invalid_num"),),
        query="select call_id, wait_seconds, arrived_at from {table}",
        expect=(("C1", 12.5, ts("2026-03-02T09:00:00")),),
    ),
)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def _drop(landing: Path, entity: Entity, name: str, content: bytes) -> str:
    folder = landing / entity.source / entity.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return f"{entity.source}/{entity.name}/{name}"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def test_the_matrix_has_enough_cases_across_sources() -> None:
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.entity.source for case in CASES} == {"helpdesk", "telephony", "survey", "web", "crm", "finance"}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    entity = case.entity
    paths = [_drop(landing, entity, name, content) for name, content in case.files]

    if case.error:
        with pytest.raises(ContractError) as raised:
            load_entity(con, landing, entity)
        message = str(raised.value)
        assert message.startswith(paths[0] + ":"), message
        for text in case.error:
            assert text.lower() in message.lower(), message
        assert _scalar(con, f"select count(*) from {case.entity.raw_table}") == 0
        assert _scalar(con, f"select count(*) from {LEDGER_TABLE}") == 0
        assert _scalar(con, f"select count(*) from {QUARANTINE_TABLE}") == 0
        assert [file.relative_path for file in pending_files(con, landing, entity)] == paths
        return

    result = load_entity(con, landing, entity)
    assert result.files_loaded == len(paths)
    # Row accounting: per file in the ledger, and between the ledger and the tables.
    for path in paths:
        row = con.execute(
            f"select rows_read, rows_loaded, rows_quarantined from {LEDGER_TABLE} where source_file = ?", [path]
        ).fetchone()
        assert row is not None, path
        read, loaded, quarantined = row
        assert read == loaded + quarantined, path
        assert loaded == _scalar(con, f"select count(*) from {entity.raw_table} where _source_file = ?", [path])
        assert quarantined == _scalar(con, f"select count(*) from {QUARANTINE_TABLE} where source_file = ?", [path])
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert _scalar(con, f"select count(*) from {entity.raw_table}") == case.loaded == result.rows_loaded

    found = con.execute(
        f"select regexp_extract(source_file, '[^/]+$'), source_line, column_name, rule from {QUARANTINE_TABLE} "
        "order by all"
    ).fetchall()
    assert found == sorted(case.quarantined)
    reasons = con.execute(f"select reason from {QUARANTINE_TABLE} order by source_file, source_line").fetchall()
    for (name, line, column, _), (reason,) in zip(sorted(case.quarantined), reasons, strict=True):
        assert reason.startswith(f"{entity.source}/{entity.name}/{name} line {line}, column {column}: "), reason

    if case.extra:
        assert result.extra_columns == {paths[0]: list(case.extra)}
    else:
        assert result.extra_columns == {}
    if case.query:
        assert con.execute(case.query.format(table=entity.raw_table)).fetchall() == list(case.expect)
