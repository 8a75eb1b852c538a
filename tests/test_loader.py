"""Loader rules of sources.md "Layout and file rules", on small hand-written files."""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from dagster_project.contract import ENTITIES, METADATA_COLUMNS, Entity, get_entity
from dagster_project.loading import (
    ContractError,
    EntityLoadResult,
    ensure_raw_schema,
    load_entity,
    pending_files,
)
from dagster_project.loading import files as files_module

FIXTURES = Path(__file__).parent / "fixtures" / "loader"
TICKETS = get_entity("helpdesk", "tickets")
TICKET_EVENTS = get_entity("helpdesk", "ticket_events")
CALLS = get_entity("telephony", "calls")
AGENTS = get_entity("helpdesk", "agents")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def drop(landing: Path, entity: Entity, name: str, content: str | bytes) -> Path:
    """Write a landing file for the entity and return its path."""
    folder = landing / entity.source / entity.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def drop_fixture(landing: Path, entity: Entity, fixture: str, name: str | None = None) -> Path:
    return drop(landing, entity, name or fixture, (FIXTURES / fixture).read_bytes())


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return rows(
        con,
        "select source_file, source_line, column_name, rule, raw_value, reason "
        "from raw_meta.raw_quarantine order by source_file, source_line",
    )


def assert_balanced(con: duckdb.DuckDBPyConnection, result: EntityLoadResult) -> None:
    """loaded + quarantined = read, per file in the ledger and in the result."""
    assert result.rows_loaded + result.rows_quarantined == result.rows_read
    for file in result.files:
        assert file.rows_loaded + file.rows_quarantined == file.rows_read
    for read, loaded, quarantined in rows(
        con, "select rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files"
    ):
        assert loaded + quarantined == read


# --- schema -------------------------------------------------------------------------------------


def test_ensure_raw_schema_creates_every_table_idempotently(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    for entity in ENTITIES:
        described = rows(con, f"describe {entity.raw_table}")
        expected = [(c.name, c.duckdb_type) for c in entity.columns]
        expected += [(m.name, m.duckdb_type) for m in METADATA_COLUMNS]
        assert [(row[0], row[1]) for row in described] == expected
    assert rows(con, "select current_setting('TimeZone')") == [("UTC",)]
    for table in ("loaded_files", "raw_quarantine"):
        assert rows(con, f"select count(*) from raw_meta.{table}") == [(0,)]


def test_ensure_raw_schema_adds_columns_new_to_the_contract(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    con.execute("create schema raw_helpdesk")
    con.execute("create table raw_helpdesk.groups (group_id varchar, _batch_id bigint)")
    ensure_raw_schema(con)
    names = [row[0] for row in rows(con, "describe raw_helpdesk.groups")]
    assert sorted(names) == sorted(["group_id", "group_name", *(m.name for m in METADATA_COLUMNS)])
    drop(landing, get_entity("helpdesk", "groups"), "g.csv", "group_id,group_name\nG1,One\n")
    load_entity(con, landing, get_entity("helpdesk", "groups"))
    assert rows(con, "select group_id, group_name from raw_helpdesk.groups") == [("G1", "One")]


# --- contract errors ----------------------------------------------------------------------------


def test_missing_required_column_names_file_and_column(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_missing_priority.csv")
    with pytest.raises(ContractError) as error:
        load_entity(con, landing, TICKETS)
    message = str(error.value)
    assert "helpdesk/tickets/tickets_missing_priority.csv" in message
    assert "priority" in message
    assert rows(con, "select count(*) from raw_helpdesk.tickets") == [(0,)]
    assert rows(con, "select count(*) from raw_meta.loaded_files") == [(0,)]
    assert len(pending_files(con, landing, TICKETS)) == 1


def test_contract_error_stops_before_later_files(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_good.csv", "2025-03-01.csv")
    drop_fixture(landing, TICKETS, "tickets_missing_priority.csv", "2025-03-02.csv")
    drop_fixture(landing, TICKETS, "tickets_bad.csv", "2025-03-03.csv")
    with pytest.raises(ContractError, match=r"2025-03-02\.csv"):
        load_entity(con, landing, TICKETS)
    assert rows(con, "select distinct _source_file from raw_helpdesk.tickets") == [("helpdesk/tickets/2025-03-01.csv",)]
    pending = [f.relative_path for f in pending_files(con, landing, TICKETS)]
    assert pending == ["helpdesk/tickets/2025-03-02.csv", "helpdesk/tickets/2025-03-03.csv"]


def test_unreadable_file_is_a_contract_error(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, TICKETS, "broken.parquet", b"this is not parquet")
    with pytest.raises(ContractError, match=r"helpdesk/tickets/broken.parquet: cannot read"):
        load_entity(con, landing, TICKETS)


# --- quarantine ---------------------------------------------------------------------------------


def test_bad_rows_are_quarantined_with_file_line_and_reason(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_bad.csv", "x.csv")
    result = load_entity(con, landing, TICKETS)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    assert rows(con, "select ticket_id, _source_line from raw_helpdesk.tickets order by 1") == [
        ("T10", 2),
        ("T14", 6),
    ]
    file = "helpdesk/tickets/x.csv"
    assert quarantine(con) == [
        (
            file,
            3,
            "created_at",
            "invalid_ts",
            "31/12/2025",
            f"{file} line 3, column created_at: not an ISO 8601 timestamp ('31/12/2025')",
        ),
        (
            file,
            4,
            "channel",
            "unknown_enum",
            "fax",
            f"{file} line 4, column channel: unknown value 'fax' "
            "(expected email, web_form, chat, phone, social, bot, api, forum, other)",
        ),
        (
            file,
            5,
            "ticket_id",
            "missing_required",
            None,
            f"{file} line 5, column ticket_id: missing required value",
        ),
        (
            file,
            7,
            "created_at",
            "invalid_ts",
            "epoch",
            f"{file} line 7, column created_at: not an ISO 8601 timestamp ('epoch'); "
            "column channel: unknown value 'carrier_pigeon' (expected email, web_form, chat, "
            "phone, social, bot, api, forum, other); column priority: missing required value",
        ),
    ]
    record = rows(con, "select raw_record from raw_meta.raw_quarantine where source_line = 4")[0][0]
    assert '"channel":"fax"' in record
    assert_balanced(con, result)


def test_row_rules_negative_duration_end_before_start_and_conditional(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    drop_fixture(landing, CALLS, "calls.csv")
    result = load_entity(con, landing, CALLS)
    assert rows(con, "select call_id, outcome from raw_telephony.calls order by 1") == [
        ("C1", "answered"),
        ("C2", "abandoned"),
        ("C7", "blocked"),
    ]
    by_line = {line: (column, rule, reason) for _, line, column, rule, _, reason in quarantine(con)}
    assert by_line[4][:2] == ("wait_seconds", "non_negative")
    assert "column wait_seconds: negative value (-10.0)" in by_line[4][2]
    assert by_line[5][:2] == ("ended_at", "end_before_start")
    assert "column ended_at: '2025-03-01 09:02:00' is before arrived_at '2025-03-01 09:03:00'" in by_line[5][2]
    assert by_line[6][:2] == ("answered_at", "conditional_required")
    assert "answered_at: missing, required when outcome = answered" in by_line[6][2]
    assert by_line[7][:2] == ("answered_at", "end_before_start")
    assert "is before arrived_at" in by_line[7][2]
    assert sorted(by_line) == [4, 5, 6, 7]
    assert result.rows_quarantined == 4
    assert_balanced(con, result)


# --- typing -------------------------------------------------------------------------------------


def test_bom_quoting_case_and_offsets(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_good.csv")
    result = load_entity(con, landing, TICKETS)
    assert result.rows_quarantined == 0
    got = rows(
        con,
        "select ticket_id, status, created_at, updated_at, channel, priority, subject, "
        "_source_line from raw_helpdesk.tickets order by ticket_id",
    )
    assert got == [
        (
            "T1",
            "open",
            datetime(2025, 3, 1, 10, 0),
            datetime(2025, 3, 1, 10, 5),
            "email",
            "high",
            "Cannot log in, again",
            2,
        ),
        ("T2", "pending", datetime(2025, 3, 1, 10, 30), None, "chat", "normal", "Multi-line\nsubject", 3),
        ("T3", "new", datetime(2025, 3, 1, 8, 0), datetime(2025, 3, 1, 13, 0, 0, 250000), "web_form", "low", None, 4),
    ]


def test_timestamp_forms_land_in_utc(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    values = {
        "E1": ("2025-03-01T10:00:00Z", datetime(2025, 3, 1, 10, 0)),
        "E2": ("2025-03-01T10:00:00+05:30", datetime(2025, 3, 1, 4, 30)),
        "E3": ("2025-03-01T01:00:00-0300", datetime(2025, 3, 1, 4, 0)),
        "E4": ("2025-03-01 10:00:00", datetime(2025, 3, 1, 10, 0)),
        "E5": ("2025-03-01T10:00:00.123456", datetime(2025, 3, 1, 10, 0, 0, 123456)),
        "E6": ("2025-03-01", datetime(2025, 3, 1, 0, 0)),
    }
    lines = ["event_id,ticket_id,occurred_at,event_type,actor_type"]
    lines += [f"{key},T1,{text},created,system" for key, (text, _) in values.items()]
    drop(landing, TICKET_EVENTS, "e.csv", "\n".join(lines) + "\n")
    load_entity(con, landing, TICKET_EVENTS)
    got = dict(rows(con, "select event_id, occurred_at from raw_helpdesk.ticket_events"))
    assert got == {key: expected for key, (_, expected) in values.items()}


def test_booleans_and_dates(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, AGENTS, "agents.csv")
    result = load_entity(con, landing, AGENTS)
    got = dict(rows(con, "select agent_id, is_active from raw_helpdesk.agents"))
    assert got == {"A1": True, "A2": False, "A3": True, "A4": False, "A5": True, "A6": False}
    assert rows(con, "select hired_at from raw_helpdesk.agents where agent_id = 'A1'") == [(date(2024, 1, 15),)]
    assert [(q[1], q[3], q[4]) for q in quarantine(con)] == [
        (8, "invalid_bool", "maybe"),
        (9, "invalid_date", "01/08/2024"),
    ]
    assert_balanced(con, result)


def test_extra_columns_are_reported_and_ignored(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_good.csv")
    result = load_entity(con, landing, TICKETS)
    assert result.extra_columns == {"helpdesk/tickets/tickets_good.csv": ["vendor_field"]}
    assert rows(con, "select extra_columns from raw_meta.loaded_files") == [(["vendor_field"],)]


# --- formats ------------------------------------------------------------------------------------


def _events_table() -> pa.Table:
    return pa.table(
        {
            "event_id": ["E1", "E2", "E3"],
            "ticket_id": ["T1", "T1", "T1"],
            "occurred_at": ["2025-03-01T10:00:00Z", "2025-03-01T11:00:00+01:00", "not a time"],
            "event_type": ["created", "Agent_Reply", "status_changed"],
            "actor_type": ["customer", "agent", "agent"],
            "is_public": ["true", "false", None],
        }
    )


def _as_csv(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize("suffix", ["csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"])
def test_every_format_loads_the_same_rows(
    con: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path, suffix: str
) -> None:
    if suffix.startswith("jsonl"):
        content = (FIXTURES / "ticket_events.jsonl").read_bytes()
    elif suffix == "parquet":
        pq.write_table(_events_table(), tmp_path / "events.parquet")
        content = (tmp_path / "events.parquet").read_bytes()
    else:
        content = _as_csv(_events_table())
    if suffix.endswith(".gz"):
        content = gzip.compress(content)
    drop(landing, TICKET_EVENTS, f"events.{suffix}", content)
    result = load_entity(con, landing, TICKET_EVENTS)
    assert rows(
        con,
        "select event_id, occurred_at, event_type, is_public from raw_helpdesk.ticket_events order by event_id",
    ) == [
        ("E1", datetime(2025, 3, 1, 10, 0), "created", True),
        ("E2", datetime(2025, 3, 1, 10, 0), "agent_reply", False),
    ]
    first_line = 1 if suffix.startswith(("jsonl", "parquet")) else 2
    assert rows(con, "select source_line, rule from raw_meta.raw_quarantine") == [(first_line + 2, "invalid_ts")]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)


def test_parquet_native_types_are_used(con: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path) -> None:
    table = pa.table(
        {
            "event_id": ["E1", "E2"],
            "ticket_id": ["T1", "T1"],
            "occurred_at": pa.array(
                [datetime(2025, 3, 1, 12, 0), datetime(2025, 3, 1, 13, 0)],
                pa.timestamp("us", tz="Europe/Paris"),
            ),
            "event_type": ["created", "ESCALATED"],
            "actor_type": ["system", "system"],
            "is_public": pa.array([True, None]),
        }
    )
    pq.write_table(table, tmp_path / "e.parquet")
    drop(landing, TICKET_EVENTS, "e.parquet", (tmp_path / "e.parquet").read_bytes())
    load_entity(con, landing, TICKET_EVENTS)
    # pyarrow stores tz-aware timestamps as UTC instants: 12:00 and 13:00 UTC stay so.
    assert rows(
        con,
        "select event_id, occurred_at, event_type, is_public, _source_line "
        "from raw_helpdesk.ticket_events order by event_id",
    ) == [
        ("E1", datetime(2025, 3, 1, 12, 0), "created", True, 1),
        ("E2", datetime(2025, 3, 1, 13, 0), "escalated", None, 2),
    ]


# --- ledger -------------------------------------------------------------------------------------


def _snapshot(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], ...]:
    return (
        rows(con, "select * exclude (_loaded_at) from raw_helpdesk.tickets order by all"),
        rows(con, "select * exclude (quarantined_at) from raw_meta.raw_quarantine order by all"),
        rows(con, "select * from raw_meta.loaded_files order by all"),
    )


def test_loading_the_same_files_twice_changes_nothing(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop_fixture(landing, TICKETS, "tickets_good.csv")
    drop_fixture(landing, TICKETS, "tickets_bad.csv")
    first = load_entity(con, landing, TICKETS)
    before = _snapshot(con)
    assert first.files_loaded == 2
    assert pending_files(con, landing, TICKETS) == []
    second = load_entity(con, landing, TICKETS)
    assert (second.files_loaded, second.files_skipped, second.rows_read) == (0, 2, 0)
    assert _snapshot(con) == before


def test_touched_but_unchanged_file_is_not_reloaded(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    path = drop_fixture(landing, TICKETS, "tickets_good.csv")
    load_entity(con, landing, TICKETS)
    before = _snapshot(con)[0]
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert pending_files(con, landing, TICKETS) == []
    result = load_entity(con, landing, TICKETS)
    assert (result.files_loaded, result.files_skipped) == (0, 1)
    assert _snapshot(con)[0] == before
    assert rows(con, "select mtime_ns from raw_meta.loaded_files") == [(path.stat().st_mtime_ns,)]


def test_changed_file_is_reloaded_and_replaces_its_rows(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    path = drop_fixture(landing, TICKETS, "tickets_bad.csv", "day.csv")
    first = load_entity(con, landing, TICKETS)
    assert first.rows_quarantined == 4
    fixed = "ticket_id,created_at,channel,priority,status\nT11,2025-12-31T00:00:00Z,email,low,new\n"
    path.write_text(fixed, encoding="utf-8")
    pending = pending_files(con, landing, TICKETS)
    assert [(f.relative_path, f.previously_loaded) for f in pending] == [("helpdesk/tickets/day.csv", True)]
    second = load_entity(con, landing, TICKETS)
    assert (second.files_loaded, second.rows_loaded, second.rows_quarantined) == (1, 1, 0)
    assert rows(con, "select ticket_id, _batch_id from raw_helpdesk.tickets") == [("T11", second.files[0].batch_id)]
    assert second.files[0].batch_id > first.files[0].batch_id
    # The old entries stay, resolved by the reload (nothing quarantined disappears).
    assert rows(con, "select count(*) from raw_meta.raw_quarantine where resolved_at is null") == [(0,)]
    assert rows(con, "select resolution, count(*) from raw_meta.raw_quarantine group by all") == [("file_reloaded", 4)]
    assert rows(con, "select source_file, rows_read, batch_id from raw_meta.loaded_files") == [
        ("helpdesk/tickets/day.csv", 1, second.files[0].batch_id)
    ]


def test_versions_are_kept_with_increasing_batch_id(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    header = "ticket_id,created_at,updated_at,channel,priority,status\n"
    drop(landing, TICKETS, "2025-03-01.csv", header + "T1,2025-03-01T09:00Z,,email,low,new\n")
    load_entity(con, landing, TICKETS)
    drop(
        landing,
        TICKETS,
        "2025-03-02.csv",
        header + "T1,2025-03-01T09:00Z,2025-03-02T10:00Z,email,high,solved\n",
    )
    result = load_entity(con, landing, TICKETS)
    assert (result.files_loaded, result.files_skipped) == (1, 1)
    got = rows(
        con,
        "select status, priority, _batch_id, _source_file from raw_helpdesk.tickets "
        "where ticket_id = 'T1' order by _batch_id",
    )
    assert [(s, p, f) for s, p, _, f in got] == [
        ("new", "low", "helpdesk/tickets/2025-03-01.csv"),
        ("solved", "high", "helpdesk/tickets/2025-03-02.csv"),
    ]
    assert got[0][2] < got[1][2]


def test_files_load_in_name_order_and_ignore_other_files(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    header = "group_id,group_name\n"
    groups = get_entity("helpdesk", "groups")
    drop(landing, groups, "b.csv", header + "G1,Second\n")
    drop(landing, groups, "a.csv", header + "G1,First\n")
    drop(landing, groups, "notes.txt", "not a landing file")
    drop(landing, groups, ".partial.csv", header + "G9,Hidden\n")
    result = load_entity(con, landing, groups)
    assert result.files_loaded == 2
    assert rows(con, "select group_name from raw_helpdesk.groups order by _batch_id") == [
        ("First",),
        ("Second",),
    ]


def test_empty_files_load_zero_rows(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    groups = get_entity("helpdesk", "groups")
    drop(landing, groups, "a.csv", "group_id,group_name\n")
    drop(landing, groups, "b.jsonl", "")
    result = load_entity(con, landing, groups)
    assert (result.files_loaded, result.rows_read) == (2, 0)


def test_copied_landing_folder_reloads_nothing_twice(
    con: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path
) -> None:
    drop_fixture(landing, AGENTS, "agents.csv")
    load_entity(con, landing, AGENTS)
    copy = tmp_path / "copy"
    shutil.copytree(landing, copy, copy_function=shutil.copy)
    # Same relative paths and content, new mtimes: hashes match, nothing is reloaded.
    result = load_entity(con, copy, AGENTS)
    assert (result.files_loaded, result.files_skipped) == (0, 1)


def test_pending_files_hashes_only_when_size_matches_but_mtime_differs(
    con: duckdb.DuckDBPyConnection, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = drop_fixture(landing, AGENTS, "agents.csv")
    load_entity(con, landing, AGENTS)
    hashed: list[Path] = []
    real = files_module.sha256_of

    def counting(p: Path) -> str:
        hashed.append(p)
        return real(p)

    monkeypatch.setattr(files_module, "sha256_of", counting)
    assert pending_files(con, landing, AGENTS) == []
    assert hashed == []  # same size and mtime: no hash
    path.write_text(path.read_text() + "A9,Ivy,true,2024-09-01,\n")
    assert len(pending_files(con, landing, AGENTS)) == 1
    assert hashed == []  # different size: changed without hashing
    stat = path.stat()
    load_entity(con, landing, AGENTS)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert pending_files(con, landing, AGENTS) == []
    assert hashed == [path]


def test_jsonl_without_a_required_key_is_a_contract_error(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, get_entity("helpdesk", "groups"), "g.jsonl", '{"group_id": "G1"}\n')
    with pytest.raises(ContractError, match="missing required column group_name"):
        load_entity(con, landing, get_entity("helpdesk", "groups"))


def test_a_reloaded_file_keeps_the_rows_it_replaces_for_the_incremental_build(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    """Issue 14: the rows an earlier version of a file loaded are kept in raw_meta.retracted_rows
    (as JSON, with the batch that replaced them), so dbt recomputes the tickets they carried, even
    a ticket the new version no longer has."""
    header = "ticket_id,created_at,channel,priority,status\n"
    content = header + "T1,2025-03-01T09:00Z,email,low,new\nT2,2025-03-01T10:00Z,chat,high,open\n"
    path = drop(landing, TICKETS, "day.csv", content)
    first = load_entity(con, landing, TICKETS)
    assert rows(con, "select count(*) from raw_meta.retracted_rows") == [(0,)]
    path.write_text(header + "T2,2025-03-01T10:00Z,chat,high,solved\n", encoding="utf-8")
    second = load_entity(con, landing, TICKETS)
    replaced_by = second.files[0].batch_id
    assert rows(
        con,
        "select source, entity, batch_id, source_file, record ->> 'ticket_id', record ->> 'status', "
        "(record ->> '_batch_id')::bigint from raw_meta.retracted_rows order by all",
    ) == [
        ("helpdesk", "tickets", replaced_by, "helpdesk/tickets/day.csv", "T1", "new", first.files[0].batch_id),
        ("helpdesk", "tickets", replaced_by, "helpdesk/tickets/day.csv", "T2", "open", first.files[0].batch_id),
    ]
    assert rows(con, "select ticket_id, status from raw_helpdesk.tickets") == [("T2", "solved")]
