"""raw_meta.raw_quarantine: resolving entries and exporting them as CSV files.

A quarantined row is never deleted. It stays open until
- its file is delivered again under the same name (resolution ``file_reloaded``; a line that is
  still bad is quarantined again by that load, as a new open row), or
- a later batch from another file loads a row with the same primary key (``key_loaded_later``:
  a corrected re-delivery under a new name).

The CSV files under ``<data-dir>/quarantine/<source>/<entity>/<file name>.csv`` are regenerated
from the table after every load of the entity, so they always show what the table holds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb

from dagster_project.contract import Entity
from dagster_project.loading.schema import QUARANTINE_TABLE
from dagster_project.loading.sql import ident, literal
from dagster_project.loading.stage import SourceColumn, StagedFile
from dagster_project.loading.validate import build_checked_query

FILE_RELOADED = "file_reloaded"
KEY_LOADED_LATER = "key_loaded_later"
QUARANTINE_DIR_NAME = "quarantine"
CSV_HEADER = ("source_file", "line", "column", "value", "rule", "reason", "status", "resolution")
# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP "CSV
# injection"); such a cell is written with a leading single quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def quarantine_dir(data_dir: Path) -> Path:
    return Path(data_dir) / QUARANTINE_DIR_NAME


def escape_formula(value: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _rowcount(con: duckdb.DuckDBPyConnection) -> int:
    row = con.fetchone()
    return int(row[0]) if row else 0


def resolve_reloaded(con: duckdb.DuckDBPyConnection, entity: Entity, source_file: str, at: datetime) -> int:
    """The file is loaded again (new content, same name): its open entries are resolved.

    Only this entity's entries: an adapter file (e.g. an Asterisk queue_log) feeds several entities.
    """
    con.execute(
        f"update {QUARANTINE_TABLE} set resolved_at = ?, resolution = ?, resolved_by_file = ? "
        "where source = ? and entity = ? and source_file = ? and resolved_at is null",
        [at, FILE_RELOADED, source_file, entity.source, entity.name, source_file],
    )
    return _rowcount(con)


def resolve_keys_loaded_later(
    con: duckdb.DuckDBPyConnection, entity: Entity, source_file: str, batch_id: int, at: datetime
) -> int:
    """Open entries of earlier batches of other files whose primary key this batch loaded.

    The key is read from the entry's raw_record and converted exactly as the loader converts a
    landing value (trimmed text, lower-cased enums, parsed timestamps, ...). Nothing is read from
    the raw table unless the entity has such open entries.
    """
    open_entries = (
        f"source = {literal(entity.source)} and entity = {literal(entity.name)} and resolved_at is null "
        f"and source_file <> {literal(source_file)} and batch_id < {int(batch_id)}"
    )
    candidates = _rowcount(con.execute(f"select count(*) from {QUARANTINE_TABLE} where {open_entries}"))
    if candidates == 0:
        return 0
    entries = StagedFile(
        relation=f"(select rowid as _entry, raw_record from {QUARANTINE_TABLE} where {open_entries})",
        line_expression="_entry",
        columns={key: SourceColumn(f"(raw_record ->> {literal(key)})", "VARCHAR") for key in entity.primary_key},
        extra_columns=[],
        rows=candidates,
        in_temp_table=False,
    )
    keys = build_checked_query(entity, entries)
    same_key = " and ".join(f"loaded.{ident(key)} = entry.{ident(key)}" for key in entity.primary_key)
    con.execute(
        f"update {QUARANTINE_TABLE} set resolved_at = ?, resolution = ?, resolved_by_file = ? "
        f"where rowid in (select entry._line from ({keys}) as entry "
        f"join {entity.raw_table} as loaded on {same_key} where loaded._batch_id = ?)",
        [at, KEY_LOADED_LATER, source_file, batch_id],
    )
    return _rowcount(con)


@dataclass(frozen=True)
class QuarantineFiles:
    """What write_quarantine_files left in the entity's folder."""

    written: list[Path]  # files whose content changed
    current: list[Path]  # every file of the entity (changed or not)
    removed: list[Path]  # files of landing files that no longer have entries
    open_entries: int


def _csv_names(source_files: list[str]) -> dict[str, str]:
    """Landing file -> CSV name: its file name, or folder__name when two share a name."""
    names = [PurePosixPath(path).name for path in source_files]
    result: dict[str, str] = {}
    for path, name in zip(source_files, names, strict=True):
        if names.count(name) > 1:
            name = "__".join(PurePosixPath(path).parts[-2:])
        result[path] = f"{name}.csv"
    return result


def _cell(value: object) -> object:
    if value is None:
        return ""
    return escape_formula(value) if isinstance(value, str) else value


def _render(rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for source_file, line, column, value, rule, reason, resolved, resolution in rows:
        cells = [source_file, line, column, value, rule, reason, "resolved" if resolved else "open", resolution]
        writer.writerow([_cell(cell) for cell in cells])
    return buffer.getvalue()


def write_quarantine_files(con: duckdb.DuckDBPyConnection, directory: Path, entity: Entity) -> QuarantineFiles:
    """Regenerate ``<directory>/<source>/<entity>/<landing file name>.csv`` from the table.

    One CSV per landing file with entries (open and resolved, in load order); CSVs of landing
    files without entries are removed. A file whose content is unchanged is not rewritten.
    """
    rows = con.execute(
        f"select source_file, source_line, column_name, raw_value, rule, reason, resolved_at is not null, "
        f"resolution from {QUARANTINE_TABLE} where source = ? and entity = ? "
        "order by source_file, batch_id, source_line, rule",
        [entity.source, entity.name],
    ).fetchall()
    by_file: dict[str, list[tuple]] = {}
    for row in rows:
        by_file.setdefault(row[0], []).append(row)
    folder = Path(directory) / entity.source / entity.name
    names = _csv_names(list(by_file))
    written: list[Path] = []
    current: list[Path] = []
    for source_file, entries in by_file.items():
        path = folder / names[source_file]
        content = _render(entries).encode("utf-8")
        current.append(path)
        if path.exists() and path.read_bytes() == content:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        partial.replace(path)
        written.append(path)
    removed: list[Path] = []
    if folder.is_dir():
        keep = set(current)
        for stale in sorted(folder.glob("*.csv")):
            if stale not in keep:
                stale.unlink()
                removed.append(stale)
    return QuarantineFiles(
        written=written,
        current=current,
        removed=removed,
        open_entries=sum(1 for row in rows if not row[6]),
    )
