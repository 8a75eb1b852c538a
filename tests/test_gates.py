"""Quality gates: suites derived from the contract, and the raw / mart gates on an in-memory warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.contract import get_entity
from dagster_project.contract.gates import ORPHAN_EVENTS_PCT_ENV, VOLUME_SWING_PCT_ENV
from dagster_project.gates.mart import check_scorecard
from dagster_project.gates.raw import CHUNK_ROWS_ENV, ENGINE_ENV, check_entity, plan_chunks
from dagster_project.gates.store import GATES_TABLE, PendingBatch
from dagster_project.gates.suites import scorecard_suite, suite_for
from dagster_project.loading import ensure_raw_schema

TICKETS = get_entity("helpdesk", "tickets")
EVENTS = get_entity("helpdesk", "ticket_events")
SURVEYS = get_entity("survey", "survey_responses")
ORDERS = get_entity("crm", "orders")


def labels(entity: Any, name: str) -> list[str]:
    return [item.label for item in suite_for(entity) if item.name == name]


def test_suite_for_tickets_lists_the_contract() -> None:
    suite = suite_for(TICKETS)
    assert all(item.severity == "error" for item in suite)
    assert len({item.label for item in suite}) == len(suite) == 15 + 5 + 6 + 2 + 1 + 1
    assert labels(TICKETS, "expect_column_values_to_not_be_null") == [
        f"expect_column_values_to_not_be_null({c})"
        for c in ("ticket_id", "created_at", "channel", "priority", "status")
    ]
    assert labels(TICKETS, "expect_column_values_to_be_in_set") == [
        f"expect_column_values_to_be_in_set({c})"
        for c in ("channel", "social_network", "ticket_type", "priority", "status", "excluded_reason")
    ]
    assert labels(TICKETS, "expect_column_values_to_be_between") == [
        "expect_column_values_to_be_between(created_at)",
        "expect_column_values_to_be_between(updated_at)",
    ]
    assert labels(TICKETS, "expect_compound_columns_to_be_unique") == [
        "expect_compound_columns_to_be_unique(ticket_id, updated_at, _batch_id)"
    ]
    assert labels(TICKETS, "expect_column_pair_values_a_to_be_greater_than_b") == [
        "expect_column_pair_values_a_to_be_greater_than_b(updated_at, created_at)"
    ]
    plausible = next(item for item in suite if item.label.endswith("between(created_at)"))
    assert plausible.kwargs["min_value"] == datetime(2000, 1, 1)
    now = datetime.now()
    assert now + timedelta(hours=23) < plausible.kwargs["max_value"] < now + timedelta(hours=25)


def test_suite_for_events_orders_and_surveys(monkeypatch: pytest.MonkeyPatch) -> None:
    orphans = next(item for item in suite_for(EVENTS) if item.columns == ("_ticket_id_known",))
    assert (orphans.expectation, orphans.kwargs["value_set"], orphans.mostly) == (
        "ExpectColumnValuesToBeInSet",
        [True],
        0.99,
    )
    monkeypatch.setenv(ORPHAN_EVENTS_PCT_ENV, "5")
    assert next(i for i in suite_for(EVENTS) if i.columns == ("_ticket_id_known",)).mostly == 0.95
    assert "expect_column_values_to_be_between(amount)" in labels(ORDERS, "expect_column_values_to_be_between")
    assert "expect_column_values_to_be_in_set(_currency_code)" in labels(ORDERS, "expect_column_values_to_be_in_set")
    assert labels(SURVEYS, "expect_column_pair_values_a_to_be_greater_than_b")[:2] == [
        "expect_column_pair_values_a_to_be_greater_than_b(score, _score_scale_min)",
        "expect_column_pair_values_a_to_be_greater_than_b(_score_scale_max, score)",
    ]


def test_plan_chunks_groups_batches_and_splits_big_ones() -> None:
    batches = [PendingBatch(1, "a", 4), PendingBatch(2, "b", 5), PendingBatch(3, "c", 23), PendingBatch(4, "d", 2)]
    chunks = plan_chunks(batches, 10)
    assert [([b.batch_id for b in chunk], parts) for chunk, parts in chunks] == [([1, 2], 1), ([3], 3), ([4], 1)]


# --- raw batch gate on an in-memory warehouse -------------------------------------------------------


@pytest.fixture(params=["sql", "gx"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every raw-gate test runs on both engines (setting gates.engine): the outcomes must agree."""
    monkeypatch.setenv(ENGINE_ENV, request.param)
    return str(request.param)


@pytest.fixture
def con(engine: str) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    ensure_raw_schema(connection)
    yield connection
    connection.close()


def add_batch(con: duckdb.DuckDBPyConnection, entity: Any, batch_id: int, rows: list[dict[str, Any]]) -> str:
    """Put a loaded batch into the raw table and the ledger the way the loader does."""
    source_file = f"{entity.source}/{entity.name}/batch_{batch_id}.csv"
    for line, row in enumerate(rows, start=2):
        columns = [*row, "_batch_id", "_source_file", "_source_line", "_loaded_at"]
        values = [*row.values(), batch_id, source_file, line, datetime(2026, 1, 1)]
        marks = ", ".join("?" for _ in columns)
        con.execute(f"insert into {entity.raw_table} ({', '.join(columns)}) values ({marks})", values)
    con.execute(
        "insert into raw_meta.loaded_files (source, entity, source_file, size_bytes, mtime_ns, sha256, batch_id, "
        "rows_read, rows_loaded, rows_quarantined, extra_columns, loaded_at) "
        "values (?, ?, ?, 1, 1, 'x', ?, ?, ?, 0, [], ?)",
        [entity.source, entity.name, source_file, batch_id, len(rows), len(rows), datetime(2026, 1, 1)],
    )
    return source_file


def ticket(ticket_id: str, created: str, updated: str | None = None) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "created_at": datetime.fromisoformat(created),
        "updated_at": datetime.fromisoformat(updated) if updated else None,
        "channel": "email",
        "priority": "normal",
        "status": "open",
    }


def event(event_id: str, ticket_id: str, occurred: str = "2026-01-05 10:00") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "ticket_id": ticket_id,
        "occurred_at": datetime.fromisoformat(occurred),
        "event_type": "created",
        "actor_type": "customer",
    }


def gate_status(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    return dict(con.execute(f"select batch_id, status from {GATES_TABLE} order by batch_id").fetchall())


def test_bad_ticket_batch_is_rejected_and_good_one_passes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    add_batch(con, TICKETS, 1, [ticket("T1", "2026-01-02 08:00", "2026-01-02 09:00"), ticket("T2", "2026-01-03 08:00")])
    bad_file = add_batch(
        con,
        TICKETS,
        2,
        [
            ticket("T3", "2026-01-04 08:00", "2026-01-04 09:00"),
            ticket("T3", "2026-01-04 08:00", "2026-01-04 09:00"),  # same key and version twice
            ticket("T4", "1999-12-31 23:00"),  # before 2000
            ticket("T5", "2026-01-05 10:00", "2026-01-05 09:00"),  # updated before created
        ],
    )
    report = check_entity(con, TICKETS, tmp_path / "docs")
    assert report.status == "failed"
    assert report.expectations_failed == [
        "expect_column_pair_values_a_to_be_greater_than_b(updated_at, created_at)",
        "expect_column_values_to_be_between(created_at)",
        "expect_compound_columns_to_be_unique(ticket_id, updated_at, _batch_id)",
    ]
    assert (report.rows_checked, report.batches_checked) == (6, 2)
    assert report.batches_failed == [
        {
            "batch_id": 2,
            "source_file": bad_file,
            "rows": 4,
            "errors": {
                "expect_compound_columns_to_be_unique(ticket_id, updated_at, _batch_id)": 2,
                "expect_column_values_to_be_between(created_at)": 1,
                "expect_column_pair_values_a_to_be_greater_than_b(updated_at, created_at)": 1,
            },
        }
    ]
    assert {row["_source_line"] for row in report.failing_rows} == {2, 3, 4, 5}
    assert all(row["source_file"] == bad_file for row in report.failing_rows)
    # The bad batch left the raw table and the ledger (its file is pending again); the good one stays.
    assert con.execute(f"select ticket_id from {TICKETS.raw_table} order by 1").fetchall() == [("T1",), ("T2",)]
    assert con.execute("select batch_id from raw_meta.loaded_files").fetchall() == [(1,)]
    assert gate_status(con) == {1: "passed", 2: "failed"}
    assert Path(report.docs_path or "").is_file()
    # Checked batches are not checked again.
    again = check_entity(con, TICKETS, None)
    assert (again.status, again.batches_checked, again.rows_checked) == ("passed", 0, 0)


def test_duplicates_are_found_across_hash_parts(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHUNK_ROWS_ENV, "3")
    rows = [ticket(f"T{i}", "2026-01-02 08:00", "2026-01-02 09:00") for i in range(8)]
    rows.append(ticket("T5", "2026-01-02 08:00", "2026-01-02 09:00"))
    add_batch(con, TICKETS, 1, rows)
    report = check_entity(con, TICKETS, None)
    assert report.rows_checked == 9
    assert report.expectations_failed == ["expect_compound_columns_to_be_unique(ticket_id, updated_at, _batch_id)"]
    assert report.batches_failed[0]["errors"] == {report.expectations_failed[0]: 2}


def test_orphan_events_beyond_the_tolerance_fail(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_batch(con, TICKETS, 1, [ticket(f"T{i}", "2026-01-02 08:00") for i in range(10)])
    check_entity(con, TICKETS, None)
    # batch 2: 2 of 10 events point at unknown tickets (20 % > 1 %); batch 3: all known
    add_batch(con, EVENTS, 2, [event(f"E{i}", f"T{i}") for i in range(8)] + [event("E8", "X1"), event("E9", "X2")])
    add_batch(con, EVENTS, 3, [event(f"F{i}", f"T{i}") for i in range(10)])
    report = check_entity(con, EVENTS, None)
    assert report.expectations_failed == ["expect_column_values_to_be_in_set(_ticket_id_known)"]
    assert [(b["batch_id"], b["errors"]) for b in report.batches_failed] == [
        (2, {"expect_column_values_to_be_in_set(_ticket_id_known)": 2})
    ]
    assert gate_status(con) == {1: "passed", 2: "failed", 3: "passed"}
    # The same batch delivered again passes with a 25 % tolerance.
    monkeypatch.setenv(ORPHAN_EVENTS_PCT_ENV, "25")
    add_batch(con, EVENTS, 4, [event(f"E{i}", f"T{i}") for i in range(8)] + [event("E8", "X1"), event("E9", "X2")])
    assert check_entity(con, EVENTS, None).status == "passed"


def test_future_event_fails(con: duckdb.DuckDBPyConnection) -> None:
    add_batch(con, TICKETS, 1, [ticket("T1", "2026-01-02 08:00")])
    future = (datetime.now() + timedelta(days=3)).isoformat(timespec="seconds")
    # year 2999 is beyond pandas' datetime64[ns] range: read as 2200-01-01, still failing
    add_batch(con, EVENTS, 2, [event("E1", "T1"), event("E2", "T1", future), event("E3", "T1", "2999-06-01")])
    report = check_entity(con, EVENTS, None)
    assert report.expectations_failed == ["expect_column_values_to_be_between(occurred_at)"]
    assert [(row["_source_line"], row["occurred_at"]) for row in report.failing_rows] == [
        (3, future),
        (4, "2200-01-01T00:00:00"),
    ]


# --- mart gate ----------------------------------------------------------------------------------------


def scorecard(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, float | None, str]]) -> None:
    con.execute("create schema if not exists mart")
    con.execute("create table mart.kpi_scorecard_monthly (month date, kpi_id varchar, value double, unit varchar)")
    con.executemany("insert into mart.kpi_scorecard_monthly values (?, ?, ?, ?)", rows)
    # The data reach to 2026-04-30: March and April are complete months.
    con.execute("create table mart.fct_tickets (created_at timestamp, last_resolved_at timestamp)")
    con.execute("insert into mart.fct_tickets values ('2026-04-30 12:00', null)")


@pytest.mark.parametrize("engine", ["sql", "gx"])
def test_scorecard_swings_warn_and_bad_values_fail(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: str
) -> None:
    """Both gate engines (setting gates.engine) give the same verdicts and failing rows."""
    monkeypatch.setenv("SUPPORT_KPI_GATE_ENGINE", engine)
    monkeypatch.delenv(VOLUME_SWING_PCT_ENV, raising=False)
    assert [item.severity for item in scorecard_suite()] == ["error"] * 5 + ["warning"]
    good = [
        # January is the first (partial) month: no baseline. Feb -> Mar +60 % (warning), Mar -> Apr -25 %.
        ("2026-01-01", "tickets_created", 10.0, "count"),
        ("2026-02-01", "tickets_created", 100.0, "count"),
        ("2026-03-01", "tickets_created", 160.0, "count"),
        ("2026-04-01", "tickets_created", 120.0, "count"),
        ("2026-04-01", "tickets_resolved_change_pct", -30.0, "percent"),
        ("2026-04-01", "resolution_rate_pct", 101.8, "percent"),  # resolved / created: may exceed 100
        ("2026-04-01", "csat_pct", 100.0, "percent"),
        ("2026-04-01", "resolution_time_avg_hours", 0.0, "hours"),
    ]
    scorecard(con, good)
    report = check_scorecard(con, tmp_path / "docs")
    assert (report.status, report.severity) == ("warned", "warning")
    assert report.docs_path and Path(report.docs_path).is_file(), report.docs_path
    assert report.expectations_failed == []
    assert report.expectations_warned == ["expect_column_values_to_be_between(volume_swing_pct)"]
    assert [(r["month"], r["kpi_id"], r["volume_swing_pct"]) for r in report.failing_rows] == [
        ("2026-03-01T00:00:00", "tickets_created", 60.0)
    ]
    monkeypatch.setenv(VOLUME_SWING_PCT_ENV, "60")
    assert check_scorecard(con, None).status == "passed"

    con.executemany(
        "insert into mart.kpi_scorecard_monthly values (?, ?, ?, ?)",
        [
            ("2026-04-01", "tickets_created", 120.0, "count"),  # second row for (April, tickets_created)
            ("2026-03-01", "csat_pct", 100.5, "percent"),
            ("2026-03-01", "resolution_time_avg_hours", -1.0, "hours"),
            ("2026-03-01", "contact_volume", 12.5, "count"),
        ],
    )
    failed = check_scorecard(con, None)
    assert (failed.status, failed.severity) == ("failed", "error")
    assert failed.expectations_failed == [
        "expect_compound_columns_to_be_unique(month, kpi_id)",
        "expect_column_values_to_be_between(percent_value)",
        "expect_column_values_to_be_between(duration_value)",
        "expect_column_values_to_be_in_set(count_is_whole)",
    ]
