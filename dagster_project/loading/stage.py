"""Expose one landing file to SQL: its rows, a line number and where each contract column is.

CSV and JSONL are read as text into a temp table (its rowid gives the record number); parquet is
read in place with its own types, so already-typed columns are not round-tripped through text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from dagster_project.adapters import RejectedLine
from dagster_project.contract import Entity
from dagster_project.loading.errors import ContractError
from dagster_project.loading.files import LandingFile
from dagster_project.loading.sql import ident, literal

STAGE_TABLE = "_landing_stage"
CHECKED_TABLE = "_landing_checked"


@dataclass(frozen=True)
class SourceColumn:
    """Where a contract column comes from: an SQL expression over the staged relation."""

    expression: str
    duckdb_type: str  # VARCHAR for CSV/JSONL, the parquet type otherwise


@dataclass(frozen=True)
class StagedFile:
    relation: str  # what to select from
    line_expression: str  # CSV: header is line 1; parquet/jsonl: record ordinal from 1
    columns: dict[str, SourceColumn]  # contract columns present in the file
    extra_columns: list[str]  # file columns the contract does not know (ignored)
    rows: int
    in_temp_table: bool  # CSV/JSONL: already materialised, so checks are materialised too
    # Adapter files only: lines the adapter could not parse (quarantined as they are), event
    # names it did not know, its counters, and the file's non-blank line count.
    rejected: tuple[RejectedLine, ...] = ()
    unknown_events: dict[str, int] = field(default_factory=dict)
    adapter_stats: dict[str, int] = field(default_factory=dict)
    lines_read: int | None = None


def _normalise(name: str) -> str:
    return name.strip().lower()


def _match_columns(
    file: LandingFile, entity: Entity, found: dict[str, tuple[str, str]]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Map contract column -> (file column, type) by trimmed lower-case name; check required."""
    by_name: dict[str, tuple[str, str]] = {}
    for name, typ in found.items():
        key = _normalise(name)
        if key in by_name:
            raise ContractError(
                f"{file.relative_path}: column {key} appears more than once ({by_name[key][0]!r} and {name!r})"
            )
        by_name[key] = (name, typ)
    missing = [c.name for c in entity.required_columns if c.name not in by_name]
    if missing:
        raise ContractError(
            f"{file.relative_path}: missing required column {', '.join(missing)} "
            f"(entity {entity.qualified_name}; nothing of this file was loaded)"
        )
    known = set(entity.column_names)
    extra = [by_name[key][0] for key in by_name if key not in known]
    return {key: value for key, value in by_name.items() if key in known}, extra


def _read_failed(file: LandingFile, error: duckdb.Error) -> ContractError:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ContractError(f"{file.relative_path}: cannot read {file.format} file: {first_line}")


def _create_stage(con: duckdb.DuckDBPyConnection, file: LandingFile, select: str) -> None:
    """Materialise the file in read order: the temp table's rowid is the record number.

    preserve_insertion_order is forced on for this statement (a connection may turn it off for
    speed elsewhere) and restored afterwards.
    """
    row = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    previous = bool(row[0]) if row else True
    con.execute("set preserve_insertion_order = true")
    try:
        con.execute(f"create or replace temp table {STAGE_TABLE} as {select}")
    except duckdb.Error as error:
        raise _read_failed(file, error) from error
    finally:
        con.execute(f"set preserve_insertion_order = {str(previous).lower()}")


def _stage_csv(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    _create_stage(
        con,
        file,
        f"select * from read_csv({literal(str(file.path))}, header = true, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')",
    )
    described = con.execute(f"describe {STAGE_TABLE}").fetchall()
    matched, extra = _match_columns(file, entity, {row[0]: "VARCHAR" for row in described})
    return StagedFile(
        relation=STAGE_TABLE,
        line_expression="rowid + 2",
        columns={key: SourceColumn(ident(name), "VARCHAR") for key, (name, _) in matched.items()},
        extra_columns=extra,
        rows=_count(con, STAGE_TABLE),
        in_temp_table=True,
    )


def _stage_jsonl(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    _create_stage(con, file, f"select json from read_ndjson_objects({literal(str(file.path))})")
    keys = con.execute(f"select distinct unnest(json_keys(json)) as key from {STAGE_TABLE} order by key").fetchall()
    rows = _count(con, STAGE_TABLE)
    if rows == 0:
        # An empty file has no keys; it loads zero rows rather than failing the contract.
        matched: dict[str, tuple[str, str]] = {}
        extra: list[str] = []
    else:
        matched, extra = _match_columns(file, entity, {row[0]: "VARCHAR" for row in keys})
    return StagedFile(
        relation=STAGE_TABLE,
        line_expression="rowid + 1",
        columns={key: SourceColumn(f"(json ->> {literal(name)})", "VARCHAR") for key, (name, _) in matched.items()},
        extra_columns=extra,
        rows=rows,
        in_temp_table=True,
    )


def _stage_parquet(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    relation = f"read_parquet({literal(str(file.path))}, file_row_number = true)"
    try:
        described = con.execute(f"describe select * from {relation}").fetchall()
        rows = _count(con, relation)
    except duckdb.Error as error:
        raise _read_failed(file, error) from error
    found = {row[0]: row[1] for row in described if row[0] != "file_row_number"}
    matched, extra = _match_columns(file, entity, found)
    return StagedFile(
        relation=relation,
        line_expression="file_row_number + 1",
        columns={key: SourceColumn(ident(name), typ) for key, (name, typ) in matched.items()},
        extra_columns=extra,
        rows=rows,
        in_temp_table=False,
    )


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def stage_file(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    """Make the file readable from SQL; ContractError if it cannot satisfy the contract."""
    if file.format == "csv":
        return _stage_csv(con, file, entity)
    if file.format == "jsonl":
        return _stage_jsonl(con, file, entity)
    return _stage_parquet(con, file, entity)


def drop_stage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {STAGE_TABLE}")
    con.execute(f"drop table if exists {CHECKED_TABLE}")
