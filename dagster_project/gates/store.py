"""raw_meta.batch_gates: the gate status of every loaded batch, and taking a failed batch out again.

A batch (one file load of one entity, `_batch_id`) with no row here is pending: loaded but not
yet checked. A run killed between load and check leaves it pending, and the next run checks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from dagster_project.contract import Entity

GATES_TABLE = "raw_meta.batch_gates"
# The loader's ledger (dagster_project.loading.schema.LEDGER_TABLE; not imported: schema imports us).
LEDGER_TABLE = "raw_meta.loaded_files"

GATES_DDL = f"""
create table if not exists {GATES_TABLE} (
    batch_id bigint not null,
    source varchar not null,
    entity varchar not null,
    source_file varchar not null,
    status varchar not null,
    checked_at timestamp not null,
    results json
)
"""


def ensure_gate_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw_meta.batch_gates (idempotent; raw_meta exists already)."""
    con.execute("create schema if not exists raw_meta")
    con.execute(GATES_DDL)


@dataclass(frozen=True)
class PendingBatch:
    batch_id: int
    source_file: str
    rows: int


def pending_batches(con: duckdb.DuckDBPyConnection, entity: Entity) -> list[PendingBatch]:
    """Loaded batches of the entity that no gate has checked yet, oldest first."""
    rows = con.execute(
        f"select l.batch_id, l.source_file, l.rows_loaded from {LEDGER_TABLE} as l "
        "where l.source = ? and l.entity = ? "
        f"and not exists (select 1 from {GATES_TABLE} as g where g.batch_id = l.batch_id) "
        "order by l.batch_id",
        [entity.source, entity.name],
    ).fetchall()
    return [PendingBatch(int(batch_id), str(source_file), int(count)) for batch_id, source_file, count in rows]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_passed(con: duckdb.DuckDBPyConnection, entity: Entity, batch: PendingBatch, results: dict[str, Any]) -> None:
    con.execute(
        f"insert into {GATES_TABLE} values (?, ?, ?, ?, 'passed', ?, ?)",
        [batch.batch_id, entity.source, entity.name, batch.source_file, _now(), json.dumps(results, default=str)],
    )


def reject_batch(con: duckdb.DuckDBPyConnection, entity: Entity, batch: PendingBatch, results: dict[str, Any]) -> None:
    """Take a batch that failed an error gate out again, atomically: its rows leave the raw table
    and its ledger row goes, so the file is pending again (re-checked next run until it is fixed).
    Its quarantine rows stay. The gate row records the failure."""
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {entity.raw_table} where _batch_id = ?", [batch.batch_id])
        con.execute(
            f"delete from {LEDGER_TABLE} where batch_id = ? and source = ? and entity = ?",
            [batch.batch_id, entity.source, entity.name],
        )
        con.execute(
            f"insert into {GATES_TABLE} values (?, ?, ?, ?, 'failed', ?, ?)",
            [batch.batch_id, entity.source, entity.name, batch.source_file, _now(), json.dumps(results, default=str)],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
