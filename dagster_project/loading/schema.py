"""DDL of the raw warehouse: raw_<source>.<entity> tables and the raw_meta bookkeeping tables."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dagster_project.contract import ENTITIES, METADATA_COLUMNS, Entity
from dagster_project.gates.store import ensure_gate_schema
from dagster_project.loading.sql import ident

META_SCHEMA = "raw_meta"
LEDGER_TABLE = f"{META_SCHEMA}.loaded_files"
QUARANTINE_NAME = "raw_quarantine"
QUARANTINE_TABLE = f"{META_SCHEMA}.{QUARANTINE_NAME}"
# Name of the quarantine table before it was renamed; ensure_raw_schema renames an old one.
LEGACY_QUARANTINE_NAME = "quarantine"
BATCH_SEQUENCE = f"{META_SCHEMA}.batch_id_seq"
RETRACTED_TABLE = f"{META_SCHEMA}.retracted_rows"
BUILD_PLAN_TABLE = f"{META_SCHEMA}.build_plan"
WAREHOUSE_ID_TABLE = f"{META_SCHEMA}.warehouse_identity"

LEDGER_DDL = f"""
create table if not exists {LEDGER_TABLE} (
    source varchar not null,
    entity varchar not null,
    source_file varchar not null,
    size_bytes bigint not null,
    mtime_ns bigint not null,
    sha256 varchar not null,
    batch_id bigint not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    extra_columns varchar[],
    loaded_at timestamp not null,
    adapter_context varchar
)
"""

# Columns added to the ledger after its first version (an older warehouse gets them on the next load).
LEDGER_ADDED_COLUMNS = (("adapter_context", "varchar"),)

QUARANTINE_DDL = f"""
create table if not exists {QUARANTINE_TABLE} (
    batch_id bigint not null,
    source varchar not null,
    entity varchar not null,
    source_file varchar not null,
    source_line bigint not null,
    column_name varchar,
    rule varchar not null,
    raw_value varchar,
    reason varchar not null,
    raw_record json,
    quarantined_at timestamp not null,
    resolved_at timestamp,
    resolution varchar,
    resolved_by_file varchar
)
"""

# Columns added after the first version of the table (an older warehouse gets them on the next load).
QUARANTINE_RESOLUTION_COLUMNS = (
    ("resolved_at", "timestamp"),
    ("resolution", "varchar"),
    ("resolved_by_file", "varchar"),
)


# Rows taken out of a raw table after a dbt build may have used them: the rows of an earlier
# version of a file delivered again. Incremental models recompute the keys these rows carried
# (dbt_project/models/staging/raw_meta/). `batch_id` is the batch that replaced them.
RETRACTED_DDL = f"""
create table if not exists {RETRACTED_TABLE} (
    source varchar not null,
    entity varchar not null,
    batch_id bigint not null,
    source_file varchar not null,
    record json not null,
    retracted_at timestamp not null
)
"""

# What the next dbt build treats as new (dagster_project/state.py BuildPlan): one row, written by
# the pipeline before each build. A table, not dbt vars: vars that change every run would make dbt
# parse the whole project again every run (~7 s). A new warehouse starts at 0 = every row is new.
BUILD_PLAN_DDL = f"""
create table if not exists {BUILD_PLAN_TABLE} (
    since_batch_id bigint not null,
    refresh_months varchar[] not null,
    planned_at timestamp
)
"""


# Which warehouse this is: a random id made when the raw schema is first created. The published
# state records it, so a build on a new or replaced warehouse is never taken as incremental from
# a mart another warehouse published (its batch ids start again at 1).
WAREHOUSE_ID_DDL = f"""
create table if not exists {WAREHOUSE_ID_TABLE} (
    warehouse_id varchar not null,
    created_at timestamp not null
)
"""


def warehouse_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the warehouse ``con`` is connected to; None before its raw schema exists."""
    schema, table = WAREHOUSE_ID_TABLE.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"select warehouse_id from {WAREHOUSE_ID_TABLE}").fetchone()
    return row[0] if row else None


def set_utc(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse works in UTC: naive timestamps are UTC."""
    con.execute("set TimeZone = 'UTC'")


def raw_table_ddl(entity: Entity) -> str:
    columns = [f"{ident(c.name)} {c.duckdb_type}" for c in entity.columns]
    columns += [f"{ident(m.name)} {m.duckdb_type}" for m in METADATA_COLUMNS]
    body = ",\n    ".join(columns)
    return f"create table if not exists {entity.raw_table} (\n    {body}\n)"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw_<source>.<entity> table and the raw_meta tables (idempotent).

    Every raw load calls it, so it reads the catalog once and runs DDL only for what is missing:
    on an up-to-date warehouse a handful of statements, ~0.02 s (it used to run ~55, one catalog
    query per table and every ``create ... if not exists``: ~0.1 s at any warehouse size).
    """
    set_utc(con)
    columns = _columns_by_table(con)
    for schema in dict.fromkeys([META_SCHEMA, *(entity.raw_schema for entity in ENTITIES)]):
        if schema not in {table_schema for table_schema, _ in columns}:
            con.execute(f"create schema if not exists {schema}")
    con.execute(f"create sequence if not exists {BATCH_SEQUENCE} start 1")
    _ensure_table(con, columns, LEDGER_TABLE, LEDGER_DDL, LEDGER_ADDED_COLUMNS)
    legacy_quarantine = (META_SCHEMA, LEGACY_QUARANTINE_NAME)
    if legacy_quarantine in columns and (META_SCHEMA, QUARANTINE_NAME) not in columns:
        # a warehouse from before the rename has raw_meta.quarantine: rename it, keeping its rows
        con.execute(f"alter table {META_SCHEMA}.{LEGACY_QUARANTINE_NAME} rename to {QUARANTINE_NAME}")
        columns[(META_SCHEMA, QUARANTINE_NAME)] = columns[legacy_quarantine]
    _ensure_table(con, columns, QUARANTINE_TABLE, QUARANTINE_DDL, QUARANTINE_RESOLUTION_COLUMNS)
    _ensure_table(con, columns, RETRACTED_TABLE, RETRACTED_DDL)
    _ensure_table(con, columns, BUILD_PLAN_TABLE, BUILD_PLAN_DDL)
    con.execute(
        f"insert into {BUILD_PLAN_TABLE} select 0, [], null where not exists (select 1 from {BUILD_PLAN_TABLE})"
    )
    _ensure_table(con, columns, WAREHOUSE_ID_TABLE, WAREHOUSE_ID_DDL)
    con.execute(
        f"insert into {WAREHOUSE_ID_TABLE} select cast(uuid() as varchar), current_timestamp "
        f"where not exists (select 1 from {WAREHOUSE_ID_TABLE})"
    )
    ensure_gate_schema(con)
    for entity in ENTITIES:
        # a column added to the contract after the table was created is appended (NULL so far)
        wanted = [(c.name, c.duckdb_type) for c in entity.columns]
        wanted += [(m.name, m.duckdb_type) for m in METADATA_COLUMNS]
        _ensure_table(con, columns, entity.raw_table, raw_table_ddl(entity), wanted)


def _columns_by_table(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """Columns of every table of the current database, by (schema, table): one catalog query."""
    columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_catalog = current_database()"
    ).fetchall():
        columns.setdefault((schema, table), set()).add(column)
    return columns


def _ensure_table(
    con: duckdb.DuckDBPyConnection,
    columns: dict[tuple[str, str], set[str]],
    table: str,
    ddl: str,
    added: Sequence[tuple[str, str]] = (),
) -> None:
    """Create ``table`` (schema.name) by its DDL when ``columns`` lacks it, else append the
    ``added`` columns it lacks (an older warehouse gets them now)."""
    schema, name = table.split(".")
    existing = columns.get((schema, name))
    if not existing:
        con.execute(ddl)
        return
    for name, duckdb_type in added:
        if name not in existing:
            con.execute(f"alter table {table} add column {ident(name)} {duckdb_type}")


def ledger_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = 'loaded_files'",
        [META_SCHEMA],
    ).fetchone()
    return bool(row and row[0])
