"""Content checksum of a published mart: same tables, schemas and rows give the same digest.

Per table or view (sorted by schema and name): the column names and types in column order, the row
count, and an order-independent hash of the rows — each row rendered as a JSON array of its
values as text, hashed with md5, and the two 64-bit halves summed over all rows (a multiset
hash: row order and file layout do not matter, duplicate rows do). Doubles are rendered exactly
(DuckDB's shortest round-trip text, -0.0 as 0.0): the mart's sums are exact (integer
milliseconds, decimals; dbt_project/macros/exact_sums.sql), so two builds of the same files
give bit-identical doubles, and a difference in the last bit is a real difference (issue 12).
``mart._publication`` (run id and publish time) is left out: it is the only run-specific
content of a published mart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

EXCLUDED_TABLES = frozenset({("mart", "_publication")})
FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE", "REAL"})
_ALIAS = "checksummed"


@dataclass(frozen=True)
class TableChecksum:
    name: str
    rows: int
    digest: str


@dataclass(frozen=True)
class MartChecksum:
    digest: str
    tables: list[TableChecksum] = field(default_factory=list)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _value_text(column: str, data_type: str) -> str:
    """SQL for one value as text; null stays null (JSON null, distinct from the string 'null')."""
    quoted = _quote(column)
    if data_type in FLOAT_TYPES:
        # + 0.0 turns -0.0 into 0.0; the cast is the shortest text that reads back to the same double
        return f"cast({quoted} + 0.0 as varchar)"
    return f"cast({quoted} as varchar)"


def table_checksum(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> TableChecksum:
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [catalog, schema, table],
    ).fetchall()
    values = ", ".join(_value_text(name, data_type) for name, data_type in columns)
    relation = f"{_quote(catalog)}.{_quote(schema)}.{_quote(table)}"
    count, upper, lower = con.execute(
        "select count(*), coalesce(sum(md5_number_upper(r)::hugeint), 0), "
        "coalesce(sum(md5_number_lower(r)::hugeint), 0) "
        f"from (select cast(to_json([{values}]) as varchar) as r from {relation})"
    ).fetchone()
    header = ",".join(f"{name}:{data_type}" for name, data_type in columns)
    digest = hashlib.sha256(f"{schema}.{table}|{header}|{count}|{upper}|{lower}".encode()).hexdigest()
    return TableChecksum(name=f"{schema}.{table}", rows=int(count), digest=digest)


def catalog_checksum(con: duckdb.DuckDBPyConnection, catalog: str) -> MartChecksum:
    """Checksum of every table and view of an attached database (e.g. a BI reader's open
    connection; the Spark engine's mart is views over Parquet files)."""
    tables = [
        (schema, table)
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ? "
            "union all select schema_name, view_name from duckdb_views() where database_name = ? and not internal "
            "order by schema_name, table_name",
            [catalog, catalog],
        ).fetchall()
        if (schema, table) not in EXCLUDED_TABLES
    ]
    checksums = [table_checksum(con, catalog, schema, table) for schema, table in tables]
    total = hashlib.sha256("\n".join(f"{t.name} {t.digest}" for t in checksums).encode()).hexdigest()
    return MartChecksum(digest=total, tables=checksums)


def mart_checksum(mart_path: Path) -> MartChecksum:
    """Checksum of a published mart file, opened read-only."""
    if not mart_path.exists():
        raise FileNotFoundError(f"{mart_path}: no such mart file")
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")  # timestamptz values render in UTC
        con.execute(f"attach '{str(mart_path).replace(chr(39), chr(39) * 2)}' as {_ALIAS} (read_only)")
        return catalog_checksum(con, _ALIAS)
    finally:
        con.close()
