"""The SQL raw-gate engine against the GX one: every expectation of every entity's suite fails on a
crafted row in both engines with the same report, passes on clean rows; the SQL reads only the
pending batches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.contract import ENTITIES, Entity, get_entity
from dagster_project.contract.gates import references_of
from dagster_project.gates.raw import ENGINE_ENV, check_entity
from dagster_project.gates.sql import base_query
from dagster_project.gates.store import GATES_TABLE
from dagster_project.gates.suites import GateExpectation, scale_bound_columns, suite_for
from dagster_project.loading import ensure_raw_schema
from tests.test_gates import add_batch

GOOD_TS = datetime(2026, 1, 2, 8, 0)


def good_row(entity: Entity, n: int) -> dict[str, Any]:
    """A row meeting the entity's suite (references point at `REF-<n>`, seeded in the target)."""
    row: dict[str, Any] = {}
    for column in entity.columns:
        if column.enum:
            row[column.name] = column.enum[0]
        elif column.type == "text":
            row[column.name] = f"{column.name}-{n}"
        elif column.type == "ts":
            row[column.name] = GOOD_TS
        elif column.type == "date":
            row[column.name] = date(2026, 1, 1) + timedelta(days=n % 300)  # keys with a date stay unique
        elif column.type == "bool":
            row[column.name] = True
        else:
            row[column.name] = 5
    for name in ("scale_min", "scale_max", "score", "max_score"):
        if name in row:
            row[name] = {"scale_min": 0, "scale_max": 10, "score": 5, "max_score": 10}[name]
    for reference in references_of(entity.source, entity.name):
        row[reference.column] = f"REF-{n}"
    if "currency" in row:
        row["currency"] = "EUR"
    return row


def break_row(entity: Entity, item: GateExpectation, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows (from `row`) failing `item`."""
    kwargs = item.kwargs
    bad = dict(row)
    derived_scale = {}
    for rule in entity.rules:
        if hasattr(rule, "type_column") and hasattr(rule, "min_column"):
            low, high = scale_bound_columns(rule)
            derived_scale[low], derived_scale[high] = (rule.column, -1000), (rule.column, 1000)
    kind = item.expectation
    if kind == "ExpectCompoundColumnsToBeUnique":
        return [bad, dict(bad)]
    if kind == "ExpectColumnValuesToNotBeNull":
        condition = kwargs.get("row_condition")
        if condition:
            match = re.match(r'\s*(\w+) in \["([^"]+)"', condition)
            assert match, condition
            bad[match.group(1)] = match.group(2)
        bad[kwargs["column"]] = None
        return [bad]
    column = kwargs.get("column")
    if kind == "ExpectColumnValuesToBeInSet":
        references = {r.derived_column: r.column for r in references_of(entity.source, entity.name)}
        if column in references:
            bad[references[column]] = "unknown"
        elif column.startswith("_") and column.endswith("_code"):
            bad[column[1:-5]] = "ZZZ"
        else:
            bad[column] = "not-a-value"
        return [bad]
    if kind == "ExpectColumnValuesToBeBetween":
        value = row[column]
        if isinstance(value, datetime):
            bad[column] = datetime(1990, 1, 1)
        elif isinstance(value, date):
            bad[column] = date(1990, 1, 1)
        elif kwargs.get("min_value") is not None:
            bad[column] = kwargs["min_value"] - 1
        else:
            bad[column] = kwargs["max_value"] + 1
        return [bad]
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = kwargs["column_A"], kwargs["column_B"]
        if a in derived_scale:  # the scale's max below the value
            bad[b] = 1000
        elif b in derived_scale:  # the value below the scale's min
            bad[a] = -1000
        elif isinstance(row[b], datetime):
            bad[a] = row[b] - timedelta(days=1)
        else:
            bad[b] = row[a] + 1
        return [bad]
    raise AssertionError(f"no crafted failure for {item.label}")


def stable(report: Any) -> dict[str, Any]:
    result = report.as_dict()
    result.pop("seconds")
    result.pop("docs_path")
    return result


def build(entity: Entity) -> tuple[duckdb.DuckDBPyConnection, dict[int, str]]:
    """A warehouse with one clean batch and one batch per expectation, each failing only it."""
    con = duckdb.connect(":memory:")
    ensure_raw_schema(con)
    for reference in references_of(entity.source, entity.name):
        target = get_entity(reference.to_source, reference.to_entity)
        seed = [good_row(target, n) | {reference.to_column: f"REF-{n}"} for n in range(200)]
        add_batch(con, target, 900, seed)
        con.execute("delete from raw_meta.loaded_files where batch_id = 900")
    expected: dict[int, str] = {}
    add_batch(con, entity, 1, [good_row(entity, n) for n in range(3)])
    batch_id = 1
    for item in suite_for(entity):
        if item.expectation == "ExpectColumnValuesToBeInTypeList":
            continue
        batch_id += 1
        add_batch(
            con,
            entity,
            batch_id,
            [good_row(entity, 100 + batch_id), *break_row(entity, item, good_row(entity, batch_id))],
        )
        expected[batch_id] = item.label
    return con, expected


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: f"{e.source}.{e.name}")
def test_sql_and_gx_agree_on_every_expectation(entity: Entity, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reports = {}
    for engine in ("sql", "gx"):
        monkeypatch.setenv(ENGINE_ENV, engine)
        con, expected = build(entity)
        reports[engine] = check_entity(con, entity, tmp_path / engine)
        statuses = dict(con.execute(f"select batch_id, status from {GATES_TABLE}").fetchall())
        con.close()
        # The clean batch passes; every crafted batch is rejected for (at least) its expectation.
        assert statuses[1] == "passed"
        failed = {b["batch_id"]: b["errors"] for b in reports[engine].batches_failed}
        for batch_id, label in expected.items():
            assert statuses[batch_id] == "failed", (engine, label)
            assert label in failed[batch_id], (engine, label, failed[batch_id])
        assert Path(reports[engine].docs_path or "").is_file()
    assert stable(reports["sql"]) == stable(reports["gx"])


def test_type_mismatch_rejects_every_batch_in_both_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    entity = get_entity("web", "web_events")
    reports = {}
    for engine in ("sql", "gx"):
        monkeypatch.setenv(ENGINE_ENV, engine)
        con = duckdb.connect(":memory:")
        ensure_raw_schema(con)
        con.execute(f"alter table {entity.raw_table} alter engagement_time_ms type varchar")
        add_batch(con, entity, 1, [good_row(entity, n) for n in range(3)])
        add_batch(con, entity, 2, [good_row(entity, n) for n in range(3, 5)])
        reports[engine] = check_entity(con, entity, None)
        con.close()
    # The type fails every batch; the range check on the text column cannot run and fails them too.
    assert reports["sql"].expectations_failed == [
        "expect_column_values_to_be_between(engagement_time_ms)",
        "expect_column_values_to_be_in_type_list(engagement_time_ms)",
    ]
    assert [b["batch_id"] for b in reports["sql"].batches_failed] == [1, 2]
    assert stable(reports["sql"]) == stable(reports["gx"])


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    """200k checked events in 20 batches, 200k tickets, and one small pending batch of 7 events."""
    monkeypatch.setenv(ENGINE_ENV, "sql")
    con = duckdb.connect(":memory:")
    ensure_raw_schema(con)
    con.execute(
        "insert into raw_helpdesk.tickets (ticket_id, created_at, channel, priority, status, _batch_id, "
        "_source_file, _source_line, _loaded_at) select 'T' || i, timestamp '2026-01-02', 'email', 'normal', "
        "'open', 1, 'helpdesk/tickets/t.csv', i, now() from range(200000) t(i)"
    )
    con.execute(
        "insert into raw_helpdesk.ticket_events (event_id, ticket_id, occurred_at, event_type, actor_type, "
        "_batch_id, _source_file, _source_line, _loaded_at) select 'E' || i, 'T' || i, timestamp '2026-01-02', "
        "'created', 'customer', 10 + i // 10000, 'helpdesk/ticket_events/e.csv', i, now() from range(200000) t(i)"
    )
    events = get_entity("helpdesk", "ticket_events")
    add_batch(
        con,
        events,
        99,
        [
            {
                "event_id": f"N{i}",
                "ticket_id": f"T{i}",
                "occurred_at": GOOD_TS,
                "event_type": "created",
                "actor_type": "customer",
            }
            for i in range(7)
        ],
    )
    yield con
    con.close()


def test_sql_gate_reads_only_the_pending_batch(big: duckdb.DuckDBPyConnection) -> None:
    events = get_entity("helpdesk", "ticket_events")
    report = check_entity(big, events, None)
    assert (report.status, report.batches_checked, report.rows_checked) == ("passed", 1, 7)
    # The plan filters the raw table on the batch, and the reference is a join on the batch's keys
    # (not an IN over the whole tickets table evaluated per row).
    plan = "\n".join(str(row[1]) for row in big.execute(f"explain {base_query(events, [99])}").fetchall())
    assert "_batch_id" in plan and "99" in plan
    assert "SEMI" in plan.upper()
