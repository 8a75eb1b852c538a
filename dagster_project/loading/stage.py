"""Expose one landing file to SQL: its rows, a line number and where each contract column is.

CSV and JSONL are read as text into a temp table (its rowid gives the record number); parquet is
read in place with its own types, so already-typed columns are not round-tripped through text.

A CSV's header row is read first (Python's csv module, first line only): the file's columns are
then given to DuckDB explicitly, so DuckDB's dialect sniffer never guesses (it would silently skip
a preamble line or report a ragged row as "could not sniff"), duplicate header names are caught
before DuckDB renames them, and a file that is not comma separated is named as such.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
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
    file: LandingFile, entity: Entity, found: list[tuple[str, str]]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Map contract column -> (file column, type) by trimmed lower-case name; check required.

    `found` lists the file's (column, type) pairs in file order; a name that appears twice (after
    trimming and lower-casing) is a ContractError: which of the two holds the value is unknowable.
    """
    by_name: dict[str, tuple[str, str]] = {}
    for name, typ in found:
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


def _error_summary(file: LandingFile, error: Exception) -> str:
    """The useful part of a read error: its first line and, for a DuckDB CSV error, the cause.

    DuckDB's CSV errors read "CSV Error on Line: N / Original Line: ... / <cause> / Possible fixes";
    the original line can be huge (a 3 MB field) or span lines, so only the line number and the
    cause (the last line before the fixes) are kept. The file's absolute path is made relative.
    """
    lines = str(error).strip().splitlines()
    if not lines or not lines[0].strip():
        return type(error).__name__
    summary = lines[0].strip().removeprefix("Invalid Input Error: ")
    if summary.startswith("CSV Error on Line") and len(lines) > 1 and lines[1].startswith("Original Line"):
        fixes = next((i for i, line in enumerate(lines) if line.startswith("Possible")), len(lines))
        cause = next((line.strip() for line in reversed(lines[2:fixes]) if line.strip()), "")
        if cause:
            summary = f"{summary}: {cause}"
    return summary.replace(str(file.path), file.relative_path)


def _read_failed(file: LandingFile, error: Exception) -> ContractError:
    return ContractError(f"{file.relative_path}: cannot read {file.format} file: {_error_summary(file, error)}")


MAX_HEADER_BYTES = 1 << 20


def _first_line(file: LandingFile) -> bytes:
    """The file's first line as bytes (decompressed when the name ends in .gz), at most 1 MB."""
    if file.path.name.lower().endswith(".gz"):
        with gzip.open(file.path, "rb") as compressed:
            return compressed.readline(MAX_HEADER_BYTES)
    with file.path.open("rb") as handle:
        return handle.readline(MAX_HEADER_BYTES)


def read_csv_header(file: LandingFile) -> list[str] | None:
    """The header row's names (RFC 4180 quoting, a UTF-8 BOM dropped); None for a file without data."""
    try:
        line = _first_line(file)
    except (OSError, EOFError, zlib.error) as error:
        raise _read_failed(file, error) from error
    if not line:
        return None
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContractError(
            f"{file.relative_path}: cannot read csv file: the header row is not UTF-8 ({error.reason} at byte "
            f"{error.start}); landing CSV files must be UTF-8 (nothing of this file was loaded)"
        ) from error
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as error:
        raise _read_failed(file, error) from error


_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _check_delimiter(file: LandingFile, header: list[str]) -> None:
    """A one-column header holding another delimiter: the file is not comma separated."""
    if len(header) != 1:
        return
    for delimiter, name in _OTHER_DELIMITERS.items():
        if delimiter in header[0]:
            raise ContractError(
                f"{file.relative_path}: the header row {header[0][:120]!r} is one column holding the {name} "
                f"character: the file looks {name}-separated; landing CSV files must be comma separated "
                "(nothing of this file was loaded)"
            )


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


def _file_column(position: int) -> str:
    """Name of the file's n-th column in the stage table (header names may clash in DuckDB)."""
    return f"c{position}"


def _stage_csv(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    header = read_csv_header(file)
    if header is None:
        # A 0-byte file (or an empty gzip) is an empty delivery: zero rows, like an empty JSONL file.
        _create_stage(con, file, "select 1 as c0 where false")
        return StagedFile(STAGE_TABLE, "rowid + 2", {}, [], 0, in_temp_table=True)
    _check_delimiter(file, header)
    matched, extra = _match_columns(file, entity, [(name, "VARCHAR") for name in header])
    positions = {name: position for position, name in enumerate(header)}
    types = ", ".join(f"{literal(_file_column(position))}: 'VARCHAR'" for position in range(len(header)))
    _create_stage(
        con,
        file,
        f"select * from read_csv({literal(str(file.path))}, header = true, auto_detect = false, "
        f"columns = {{{types}}}, delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')",
    )
    return StagedFile(
        relation=STAGE_TABLE,
        line_expression="rowid + 2",
        columns={
            key: SourceColumn(ident(_file_column(positions[name])), "VARCHAR") for key, (name, _) in matched.items()
        },
        extra_columns=extra,
        rows=_count(con, STAGE_TABLE),
        in_temp_table=True,
    )


def _first_bad_json_line(file: LandingFile) -> str | None:
    """Which line of a JSONL file is not a JSON object (DuckDB may name the line after it).

    Runs only after DuckDB refused the file, so the Python loop never costs a good file anything.
    """
    opener = gzip.open if file.path.name.lower().endswith(".gz") else open
    with opener(file.path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                return f"line {number} is not UTF-8 ({error.reason} at byte {error.start})"
            except json.JSONDecodeError as error:
                return f"line {number} is not valid JSON ({error.msg} at column {error.colno})"
            if not isinstance(value, dict):
                return f"line {number} is not a JSON object"
    return None


def _stage_jsonl(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> StagedFile:
    try:
        _create_stage(con, file, f"select json from read_ndjson_objects({literal(str(file.path))})")
    except ContractError as error:
        try:
            bad_line = _first_bad_json_line(file)
        except (OSError, EOFError, zlib.error):
            bad_line = None  # the file cannot be read at all: DuckDB's message says why
        if bad_line is None:
            raise
        raise ContractError(
            f"{file.relative_path}: cannot read jsonl file: {bad_line} (nothing of this file was loaded)"
        ) from error
    keys = con.execute(f"select distinct unnest(json_keys(json)) as key from {STAGE_TABLE} order by key").fetchall()
    rows = _count(con, STAGE_TABLE)
    if rows == 0:
        # An empty file has no keys; it loads zero rows rather than failing the contract.
        matched: dict[str, tuple[str, str]] = {}
        extra: list[str] = []
    else:
        matched, extra = _match_columns(file, entity, [(row[0], "VARCHAR") for row in keys])
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
    found = [(row[0], row[1]) for row in described if row[0] != "file_row_number"]
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
