"""raw_meta.raw_quarantine: entries with file/line/column/value/rule, resolution instead of deletion,
the CSV files under <data-dir>/quarantine/ and `support-kpi quarantine`.

The bad tickets file (8 records, header = line 1) worked by hand:
  line 2  T10  good; subject is formula text, loaded as it is
  line 3  T11  created_at 31/12/2025             -> invalid_ts
  line 4  T12  channel =HYPERLINK("http://evil") -> unknown_enum
  line 5  T13  priority -1                       -> unknown_enum
  line 6  T14  status @SUM(A1)                   -> unknown_enum
  line 7  T15  good
  line 8  (no ticket_id)                         -> missing_required
  line 9  T16  priority ESC[2Jboom               -> unknown_enum
  read 8 = loaded 2 + quarantined 6.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.contract import get_entity
from dagster_project.loading import ensure_raw_schema, load_entity
from dagster_project.loading.quarantine import (
    CSV_HEADER,
    FORMULA_PREFIXES,
    escape_formula,
    quarantine_dir,
    write_quarantine_files,
)
from dagster_project.settings import REPO_DIR

TICKETS = get_entity("helpdesk", "tickets")
AGENT_STATES = get_entity("telephony", "agent_states")
BAD_NAME = "2025-03-02.csv"
BAD_FILE = f"helpdesk/tickets/{BAD_NAME}"
FIX_FILE = "helpdesk/tickets/2025-03-05-corrections.csv"
HEADER = "ticket_id,created_at,channel,priority,status,subject\n"
FORMULA = '=HYPERLINK("http://x","y")'
EVIL = '=HYPERLINK("http://evil","click")'
BAD_CONTENT = HEADER + (
    'T10,2025-03-02T09:00:00Z,email,normal,open,"=HYPERLINK(""http://x"",""y"")"\n'
    "T11,31/12/2025,email,normal,open,late\n"
    'T12,2025-03-02T09:00:00Z,"=HYPERLINK(""http://evil"",""click"")",normal,open,link\n'
    "T13,2025-03-02T10:00:00Z,email,-1,open,minus\n"
    "T14,2025-03-02T09:00:00Z,email,normal,@SUM(A1),at\n"
    "T15,2025-03-02T09:00:00Z,email,normal,open,fine\n"
    ",2025-03-02T09:00:00Z,email,normal,open,no id\n"
    "T16,2025-03-02T09:00:00Z,email,\x1b[2Jboom,open,escape\n"
)
# (line, column, value, rule) of the six quarantined records
BAD_ENTRIES = [
    (3, "created_at", "31/12/2025", "invalid_ts"),
    (4, "channel", EVIL, "unknown_enum"),
    (5, "priority", "-1", "unknown_enum"),
    (6, "status", "@SUM(A1)", "unknown_enum"),
    (8, "ticket_id", None, "missing_required"),
    (9, "priority", "\x1b[2Jboom", "unknown_enum"),
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


@pytest.fixture
def con(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    data_dir.mkdir(parents=True)
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    yield connection
    connection.close()


def drop(landing: Path, relative: str, content: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def entries(con: duckdb.DuckDBPyConnection, where: str = "true") -> list[tuple]:
    """(file, line, column, value, rule, resolution, resolved_by_file) in load order."""
    return con.execute(
        "select source_file, source_line, column_name, raw_value, rule, resolution, resolved_by_file "
        f"from raw_meta.raw_quarantine where {where} order by batch_id, source_line"
    ).fetchall()


def assert_current_load_balances(con: duckdb.DuckDBPyConnection, source_file: str) -> tuple[int, int, int]:
    """Ledger: read = loaded + quarantined, and the file's current batch has exactly that many
    entries (resolved entries of earlier versions do not count) and that many raw rows."""
    row = con.execute(
        "select batch_id, rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files where source_file = ?",
        [source_file],
    ).fetchone()
    assert row is not None
    batch_id, read, loaded, quarantined = row
    assert loaded + quarantined == read
    current = con.execute(
        "select count(*) from raw_meta.raw_quarantine where source_file = ? and batch_id = ?", [source_file, batch_id]
    ).fetchone()
    assert current == (quarantined,)
    raw = con.execute(
        f"select count(*) from {TICKETS.raw_table} where _source_file = ? and _batch_id = ?", [source_file, batch_id]
    ).fetchone()
    assert raw == (loaded,)
    return read, loaded, quarantined


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def load_bad_file(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, BAD_FILE, BAD_CONTENT)
    result = load_entity(con, landing, TICKETS)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 2, 6)


# --- the table -----------------------------------------------------------------------------------


def test_bad_file_entries_have_file_line_column_value_and_rule(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    load_bad_file(con, landing)
    assert entries(con) == [
        (BAD_FILE, line, column, value, rule, None, None) for line, column, value, rule in BAD_ENTRIES
    ]
    assert con.execute("select count(*) from raw_meta.raw_quarantine where resolved_at is null").fetchone() == (6,)
    assert assert_current_load_balances(con, BAD_FILE) == (8, 2, 6)
    # Formula text is data: stored byte for byte in the raw table and in the entry's raw record.
    assert con.execute(f"select subject from {TICKETS.raw_table} where ticket_id = 'T10'").fetchone() == (FORMULA,)
    record = con.execute("select raw_record ->> 'channel' from raw_meta.raw_quarantine where source_line = 4")
    assert record.fetchone() == (EVIL,)


def test_old_quarantine_table_is_renamed_with_its_rows(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema raw_meta")
    con.execute(
        "create table raw_meta.quarantine (batch_id bigint not null, source varchar not null, entity varchar not null, "
        "source_file varchar not null, source_line bigint not null, column_name varchar, rule varchar not null, "
        "raw_value varchar, reason varchar not null, raw_record json, quarantined_at timestamp not null)"
    )
    con.execute(
        "insert into raw_meta.quarantine values (7, 'helpdesk', 'tickets', 'helpdesk/tickets/old.csv', 3, "
        "'priority', 'unknown_enum', 'p9', 'old reason', null, timestamp '2025-03-01 10:00:00')"
    )
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    tables = con.execute("select table_name from information_schema.tables where table_schema = 'raw_meta'")
    names = {row[0] for row in tables.fetchall()}
    assert "raw_quarantine" in names
    assert "quarantine" not in names
    assert con.execute(
        "select batch_id, source_file, rule, raw_value, resolved_at, resolution, resolved_by_file "
        "from raw_meta.raw_quarantine"
    ).fetchall() == [(7, "helpdesk/tickets/old.csv", "unknown_enum", "p9", None, None, None)]


# --- resolution ----------------------------------------------------------------------------------


def test_corrected_file_under_the_same_name_resolves_its_entries(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    load_bad_file(con, landing)
    corrected = HEADER + "".join(
        f"{ticket},2025-03-02T09:00:00Z,email,normal,open,fixed\n" for ticket in ("T10", "T11", "T12", "T13", "T14")
    )
    drop(landing, BAD_FILE, corrected)
    result = load_entity(con, landing, TICKETS)
    assert (result.files_loaded, result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 5, 5, 0)
    assert result.quarantine_resolved == 6
    assert entries(con, "resolved_at is null") == []
    assert entries(con) == [
        (BAD_FILE, line, column, value, rule, "file_reloaded", BAD_FILE) for line, column, value, rule in BAD_ENTRIES
    ]
    loaded_at = con.execute("select loaded_at from raw_meta.loaded_files").fetchone()
    assert con.execute("select distinct resolved_at from raw_meta.raw_quarantine").fetchone() == loaded_at
    assert assert_current_load_balances(con, BAD_FILE) == (5, 5, 0)


def test_reloaded_file_still_bad_resolves_old_entries_and_opens_new_ones(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    load_bad_file(con, landing)
    first_batch = con.execute("select batch_id from raw_meta.loaded_files").fetchone()
    drop(landing, BAD_FILE, BAD_CONTENT.replace("T11,31/12/2025", "T11,2025-12-31T00:00:00Z"))
    result = load_entity(con, landing, TICKETS)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.quarantine_resolved) == (8, 3, 5, 6)
    second_batch = con.execute("select batch_id from raw_meta.loaded_files").fetchone()
    assert second_batch is not None and first_batch is not None and second_batch[0] > first_batch[0]
    assert entries(con, f"batch_id = {first_batch[0]}") == [
        (BAD_FILE, line, column, value, rule, "file_reloaded", BAD_FILE) for line, column, value, rule in BAD_ENTRIES
    ]
    # Lines 4, 5, 6, 8 and 9 are still bad: quarantined again by the new load, open.
    assert entries(con, "resolved_at is null") == [
        (BAD_FILE, line, column, value, rule, None, None) for line, column, value, rule in BAD_ENTRIES[1:]
    ]
    assert entries(con, f"batch_id = {second_batch[0]}") == entries(con, "resolved_at is null")
    assert assert_current_load_balances(con, BAD_FILE) == (8, 3, 5)


def test_corrected_rows_in_a_new_file_resolve_by_key(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    load_bad_file(con, landing)
    # T11 padded with blanks: keys are compared as the loader stores them (trimmed).
    drop(
        landing,
        FIX_FILE,
        HEADER + " T11 ,2025-12-31T00:00:00Z,email,normal,open,x\n"
        "T12,2025-03-02T09:00:00Z,chat,normal,open,x\n"
        "T99,2025-03-02T09:00:00Z,chat,normal,open,x\n",
    )
    result = load_entity(con, landing, TICKETS)
    assert (result.files_loaded, result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 3, 3, 0)
    assert result.quarantine_resolved == 2  # T11 and T12; T99 had no entry
    assert entries(con, "resolved_at is not null") == [
        (BAD_FILE, 3, "created_at", "31/12/2025", "invalid_ts", "key_loaded_later", FIX_FILE),
        (BAD_FILE, 4, "channel", EVIL, "unknown_enum", "key_loaded_later", FIX_FILE),
    ]
    assert [entry[1] for entry in entries(con, "resolved_at is null")] == [5, 6, 8, 9]
    assert assert_current_load_balances(con, BAD_FILE) == (8, 2, 6)
    assert assert_current_load_balances(con, FIX_FILE) == (3, 3, 0)


def test_a_key_loaded_before_the_bad_row_does_not_resolve_it(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, "helpdesk/tickets/2025-03-01.csv", HEADER + "T13,2025-03-01T09:00:00Z,email,low,new,first\n")
    load_entity(con, landing, TICKETS)
    load_bad_file(con, landing)  # 2025-03-02.csv sorts after, its T13 (priority -1) is newer
    assert [entry[1] for entry in entries(con, "resolved_at is null")] == [3, 4, 5, 6, 8, 9]


def test_composite_typed_key_resolves_across_offsets(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    """agent_states key (agent_id, started_at): 10:00+02:00 in the bad file is 08:00 UTC in the fix."""
    header = "agent_id,state,started_at,ended_at\n"
    drop(
        landing,
        "telephony/agent_states/a.csv",
        header + "A1,available,2025-03-01T10:00:00+02:00,2025-03-01T09:00:00+02:00\n"
        "A1,available,2025-03-01T11:00:00+02:00,2025-03-01T10:00:00+02:00\n",
    )
    first = load_entity(con, landing, AGENT_STATES)
    assert (first.rows_loaded, first.rows_quarantined) == (0, 2)
    drop(landing, "telephony/agent_states/b.csv", header + "A1,available,2025-03-01 08:00:00,2025-03-01 08:30:00\n")
    load_entity(con, landing, AGENT_STATES)
    resolved = con.execute(
        "select source_line, rule, resolution, resolved_by_file from raw_meta.raw_quarantine order by source_line"
    ).fetchall()
    assert resolved == [
        (2, "end_before_start", "key_loaded_later", "telephony/agent_states/b.csv"),
        (3, "end_before_start", None, None),
    ]


# --- files under <data-dir>/quarantine/ ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_escape_formula(value: str, escaped: str) -> None:
    assert escape_formula(value) == escaped


def test_csv_per_landing_file_matches_the_table_with_formulas_escaped(
    con: duckdb.DuckDBPyConnection, landing: Path, data_dir: Path
) -> None:
    load_bad_file(con, landing)
    target = quarantine_dir(data_dir)
    written = write_quarantine_files(con, target, TICKETS)
    path = target / "helpdesk" / "tickets" / f"{BAD_NAME}.csv"
    assert (written.written, written.current, written.removed, written.open_entries) == ([path], [path], [], 6)
    rows = read_csv(path)
    assert rows[0] == list(CSV_HEADER)
    reasons = dict(con.execute("select source_line, reason from raw_meta.raw_quarantine").fetchall())
    assert [row[:5] + row[6:] for row in rows[1:]] == [
        [BAD_FILE, "3", "created_at", "31/12/2025", "invalid_ts", "open", ""],
        [BAD_FILE, "4", "channel", "'" + EVIL, "unknown_enum", "open", ""],
        [BAD_FILE, "5", "priority", "'-1", "unknown_enum", "open", ""],
        [BAD_FILE, "6", "status", "'@SUM(A1)", "unknown_enum", "open", ""],
        [BAD_FILE, "8", "ticket_id", "", "missing_required", "open", ""],
        [BAD_FILE, "9", "priority", "\x1b[2Jboom", "unknown_enum", "open", ""],
    ]
    assert [row[5] for row in rows[1:]] == [reasons[line] for line in (3, 4, 5, 6, 8, 9)]
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_PREFIXES)]
    # Unchanged table, unchanged file: not rewritten.
    assert write_quarantine_files(con, target, TICKETS).written == []


def test_csv_follows_resolution_and_drops_files_without_entries(
    con: duckdb.DuckDBPyConnection, landing: Path, data_dir: Path
) -> None:
    load_bad_file(con, landing)
    target = quarantine_dir(data_dir)
    write_quarantine_files(con, target, TICKETS)
    stale = target / "helpdesk" / "tickets" / "gone.csv.csv"
    stale.write_text("source_file\n", encoding="utf-8")
    drop(landing, FIX_FILE, HEADER + "T11,2025-12-31T00:00:00Z,email,normal,open,x\n")
    load_entity(con, landing, TICKETS)
    result = write_quarantine_files(con, target, TICKETS)
    path = target / "helpdesk" / "tickets" / f"{BAD_NAME}.csv"
    assert (result.written, result.removed, result.open_entries) == ([path], [stale], 5)
    assert [(row[1], row[6], row[7]) for row in read_csv(path)[1:]] == [
        ("3", "resolved", "key_loaded_later"),
        ("4", "open", ""),
        ("5", "open", ""),
        ("6", "open", ""),
        ("8", "open", ""),
        ("9", "open", ""),
    ]
    assert not (target / "helpdesk" / "tickets" / "2025-03-05-corrections.csv.csv").exists()


def test_raw_asset_writes_the_quarantine_files(landing: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dagster as dg

    from dagster_project.defs.raw_landing import build_raw_asset
    from dagster_project.defs.resources import PipelineSettings
    from dagster_project.settings import DATA_DIR_ENV, LANDING_ENV, WAREHOUSE_ENV

    for name in (DATA_DIR_ENV, LANDING_ENV, WAREHOUSE_ENV):  # the asset exports its settings
        monkeypatch.setenv(name, "unset")
    drop(landing, BAD_FILE, BAD_CONTENT)
    result = dg.materialize(
        [build_raw_asset(TICKETS)],
        resources={"pipeline": PipelineSettings(landing_dir=str(landing), data_dir=str(data_dir))},
    )
    assert result.success
    [event] = result.get_asset_materialization_events()
    assert event.materialization.metadata["quarantine_open"].value == 6
    rows = read_csv(data_dir / "quarantine" / "helpdesk" / "tickets" / f"{BAD_NAME}.csv")
    assert [row[1] for row in rows[1:]] == ["3", "4", "5", "6", "8", "9"]


# --- support-kpi quarantine ----------------------------------------------------------------------


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SUPPORT_KPI_")}
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "quarantine", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def warehouse(con: duckdb.DuckDBPyConnection, landing: Path, data_dir: Path) -> Path:
    """The bad file, then T11 corrected in a new file: 4 open entries of 6, plus one on agent_states."""
    load_bad_file(con, landing)
    drop(
        landing,
        FIX_FILE,
        HEADER + "T11,2025-12-31T00:00:00Z,email,normal,open,x\nT12,2025-03-02T09:00:00Z,chat,normal,open,x\n",
    )
    load_entity(con, landing, TICKETS)
    drop(
        landing,
        "telephony/agent_states/a.csv",
        "agent_id,state,started_at,ended_at\nA1,napping,2025-03-01T10:00:00Z,2025-03-01T11:00:00Z\n",
    )
    load_entity(con, landing, AGENT_STATES)
    con.close()
    return data_dir


def test_cli_lists_open_entries_with_values_made_safe_for_the_terminal(warehouse: Path) -> None:
    done = cli(warehouse)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "5 open quarantined row(s)"
    assert lines[1].split() == ["file", "line", "column", "value", "rule", "reason"]
    body = lines[2:]
    assert [line.split()[:2] for line in body] == [
        [BAD_FILE, "5"],
        [BAD_FILE, "6"],
        [BAD_FILE, "8"],
        [BAD_FILE, "9"],
        ["telephony/agent_states/a.csv", "2"],
    ]
    assert body[0].split()[2:5] == ["priority", "-1", "unknown_enum"]
    assert "column status: unknown value '@SUM(A1)'" in body[1]
    assert "\x1b" not in done.stdout
    assert "\\x1b[2Jboom" in body[3]
    assert "column state: unknown value 'napping'" in body[4]


def test_cli_all_shows_resolutions_and_rule_filter(warehouse: Path) -> None:
    done = cli(warehouse, "--all", "--rule", "invalid_ts")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1 quarantined row(s)"
    assert lines[1].split() == [
        "file",
        "line",
        "column",
        "value",
        "rule",
        "reason",
        "status",
        "resolution",
        "resolved",
        "by",
    ]
    assert lines[2].split() == [
        BAD_FILE,
        "3",
        "created_at",
        "31/12/2025",
        "invalid_ts",
        "column",
        "created_at:",
        "not",
        "an",
        "ISO",
        "8601",
        "timestamp",
        "('31/12/2025')",
        "resolved",
        "key_loaded_later",
        FIX_FILE,
    ]
    assert len(lines) == 3


def test_cli_summary_counts_open_and_resolved_per_rule(warehouse: Path) -> None:
    done = cli(warehouse, "--summary")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "source     entity        rule              open  resolved",
        "helpdesk   tickets       invalid_ts           0         1",
        "helpdesk   tickets       missing_required     1         0",
        "helpdesk   tickets       unknown_enum         3         1",
        "telephony  agent_states  unknown_enum         1         0",
        "total                                         5         2",
    ]
    filtered = cli(warehouse, "--summary", "--source", "telephony")
    assert filtered.stdout.splitlines() == [
        "source     entity        rule          open  resolved",
        "telephony  agent_states  unknown_enum     1         0",
        "total                                     1         0",
    ]


def test_cli_filters_and_limit(warehouse: Path) -> None:
    done = cli(warehouse, "--entity", "tickets", "--rule", "unknown_enum", "--limit", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "3 open quarantined row(s)"
    assert [line.split()[1] for line in lines[2:4]] == ["5", "6"]
    assert lines[4] == "… 1 more (raise --limit, or filter with --source/--entity/--rule)"
    assert len(lines) == 5
    nothing = cli(warehouse, "--source", "web")
    assert (nothing.returncode, nothing.stdout) == (0, "no open quarantined rows\n")


def test_cli_refuses_clearly_while_a_writer_holds_the_warehouse(warehouse: Path) -> None:
    writer = duckdb.connect(str(warehouse / "warehouse.duckdb"))
    try:
        done = cli(warehouse)
    finally:
        writer.close()
    assert done.returncode == 1
    assert "is open for writing by a running pipeline step" in done.stderr
    assert done.stdout == ""


def test_cli_without_a_warehouse(tmp_path: Path) -> None:
    done = cli(tmp_path / "empty")
    assert done.returncode == 1
    assert "no warehouse at" in done.stderr
