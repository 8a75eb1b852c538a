"""Load the pending landing files of one entity into raw_<source>.<entity>.

Per file, in one transaction: delete what an earlier version of the file left in the raw table
and mark its open quarantine entries resolved, insert the good rows, resolve open entries of
earlier files whose key this file loads, insert the bad rows into raw_meta.raw_quarantine, and
record the file in raw_meta.loaded_files. Validation and conversion run as DuckDB SQL (no per-row
Python). Quarantine entries are never deleted (see loading/quarantine.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from dagster_project.adapters import get_adapter
from dagster_project.contract import METADATA_COLUMNS, Entity
from dagster_project.loading.adapter_stage import stage_adapter_file
from dagster_project.loading.files import LandingFile, scan, sha256_of
from dagster_project.loading.quarantine import resolve_keys_loaded_later, resolve_reloaded
from dagster_project.loading.schema import (
    BATCH_SEQUENCE,
    LEDGER_TABLE,
    QUARANTINE_TABLE,
    RETRACTED_TABLE,
    ensure_raw_schema,
)
from dagster_project.loading.sql import ident, literal, literal_list
from dagster_project.loading.stage import (
    CHECKED_TABLE,
    STAGE_TABLE,
    StagedFile,
    drop_stage,
    stage_file,
)
from dagster_project.loading.validate import (
    MAX_RAW_CHARS,
    any_failed,
    build_checked_query,
    build_checks,
    quarantine_fields,
    raw_name,
)
from dagster_project.testing.faults import pause_point

if TYPE_CHECKING:
    from dagster_project.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileLoadResult:
    """One file's load. For an adapter file (e.g. an Asterisk queue_log), rows_read = rows the
    adapter produced for this entity + lines it could not parse (quarantined as malformed_line);
    lines_read is the file's non-blank line count, unknown_events the event names it ignored and
    adapter_stats its counters (incomplete calls, merged CDR lines, duplicates skipped, ...)."""

    source_file: str
    batch_id: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    extra_columns: list[str]
    lines_read: int | None = None
    unknown_events: dict[str, int] = field(default_factory=dict)
    adapter_stats: dict[str, int] = field(default_factory=dict)
    # "<column>: <value as sent>" -> rows loaded with the column's enum_fallback instead
    mapped_to_fallback: dict[str, int] = field(default_factory=dict)
    # open quarantine entries this load marked resolved (its earlier version's, or other files'
    # entries whose key it loaded)
    quarantine_resolved: int = 0


@dataclass
class EntityLoadResult:
    source: str
    entity: str
    files_loaded: int = 0
    files_skipped: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    files: list[FileLoadResult] = field(default_factory=list)
    unknown_events: dict[str, int] = field(default_factory=dict)  # summed over adapter files
    adapter_stats: dict[str, int] = field(default_factory=dict)  # summed over adapter files
    mapped_to_fallback: dict[str, int] = field(default_factory=dict)  # summed over files
    quarantine_resolved: int = 0
    # loaded, unchanged files read again -> why (their adapter's settings or context changed)
    files_reloaded: dict[str, str] = field(default_factory=dict)

    def add(self, result: FileLoadResult) -> None:
        self.files.append(result)
        self.files_loaded += 1
        self.rows_read += result.rows_read
        self.rows_loaded += result.rows_loaded
        self.rows_quarantined += result.rows_quarantined
        self.quarantine_resolved += result.quarantine_resolved
        if result.extra_columns:
            self.extra_columns[result.source_file] = result.extra_columns
        for name, count in result.unknown_events.items():
            self.unknown_events[name] = self.unknown_events.get(name, 0) + count
        for name, count in result.adapter_stats.items():
            self.adapter_stats[name] = self.adapter_stats.get(name, 0) + count
        for name, count in result.mapped_to_fallback.items():
            self.mapped_to_fallback[name] = self.mapped_to_fallback.get(name, 0) + count


def _insert_good_sql(entity: Entity, checked: str, failed: str, file: str) -> str:
    columns = [c.name for c in entity.columns] + [m.name for m in METADATA_COLUMNS]
    typed = ", ".join(ident(c.name) for c in entity.columns)
    return (
        f"insert into {entity.raw_table} ({', '.join(ident(c) for c in columns)}) "
        f"select {typed}, $batch_id, {literal(file)}, _line, $loaded_at "
        f"from ({checked}) where not ({failed})"
    )


def _insert_bad_sql(entity: Entity, checked: str, failed: str, file: str) -> str:
    fields = quarantine_fields(build_checks(entity))
    record = ", ".join(f"{literal(c.name)}: {raw_name(c.name)}" for c in entity.columns)
    return (
        f"insert into {QUARANTINE_TABLE} (batch_id, source, entity, source_file, source_line, "
        "column_name, rule, raw_value, reason, raw_record, quarantined_at) "
        f"select $batch_id, {literal(entity.source)}, {literal(entity.name)}, {literal(file)}, "
        f"_line, {fields['column_name']}, {fields['rule']}, {fields['raw_value']}, "
        f"{literal(file)} || ' line ' || _line || ', ' || {fields['reasons']}, "
        f"to_json({{{record}}}), $loaded_at "
        f"from ({checked}) where {failed}"
    )


def _insert_rejected(
    con: duckdb.DuckDBPyConnection, entity: Entity, file: LandingFile, staged: StagedFile, params: dict[str, object]
) -> None:
    """Lines an adapter could not parse: quarantined with the adapter's rule and reason."""
    for rejected in staged.rejected:
        con.execute(
            f"insert into {QUARANTINE_TABLE} (batch_id, source, entity, source_file, source_line, "
            "column_name, rule, raw_value, reason, raw_record, quarantined_at) "
            "values ($batch_id, $source, $entity, $file, $line, null, $rule, $raw_value, $reason, "
            "to_json({'line': $text}), $loaded_at)",
            {
                **params,
                "source": entity.source,
                "entity": entity.name,
                "file": file.relative_path,
                "line": rejected.line,
                "rule": rejected.rule,
                "raw_value": rejected.text[:MAX_RAW_CHARS],
                "reason": f"{file.relative_path} line {rejected.line}, {rejected.reason}",
                "text": rejected.text,
            },
        )


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.fetchone()
    return int(row[0]) if row else 0


def _checked_relation(con: duckdb.DuckDBPyConnection, entity: Entity, staged: StagedFile) -> tuple[str, str]:
    """(query with raw + typed columns, condition true for a bad row).

    A file already copied into a temp table (CSV, JSONL) is checked once into a second temp
    table: DuckDB would otherwise repeat the parsing expressions in every pushed-down filter.
    Parquet is streamed twice instead (the second pass only when the file has bad rows), which
    keeps memory flat for large files.
    """
    checked = build_checked_query(entity, staged)
    failed = any_failed(build_checks(entity))
    if not staged.in_temp_table:
        return checked, failed
    con.execute(f"create or replace temp table {CHECKED_TABLE} as select *, ({failed}) as _failed from ({checked})")
    con.execute(f"drop table if exists {STAGE_TABLE}")
    return f"select * from {CHECKED_TABLE}", "_failed"


def _mapped_to_fallback(con: duckdb.DuckDBPyConnection, entity: Entity, checked: str, failed: str) -> dict[str, int]:
    """Loaded rows whose enum value was unknown and kept as the column's fallback, per value."""
    counts: dict[str, int] = {}
    for column in entity.columns:
        if column.enum_fallback is None:
            continue
        raw = raw_name(column.name)
        rows = con.execute(
            f"select lower({raw}), count(*) from ({checked}) where not ({failed}) and {raw} is not null "
            f"and lower({raw}) not in ({literal_list(column.enum)}) group by all order by all"
        ).fetchall()
        counts.update({f"{column.name}: {value}": int(count) for value, count in rows})
    return counts


def _retract_rows(con: duckdb.DuckDBPyConnection, entity: Entity, file: str, params: dict[str, object]) -> None:
    """Keep the rows an earlier version of ``file`` loaded before they are deleted: the next
    incremental dbt build recomputes the keys they carried (a ticket whose events moved to another
    file, or vanished, is recomputed too), and the record says what was replaced."""
    con.execute(
        f"insert into {RETRACTED_TABLE} (source, entity, batch_id, source_file, record, retracted_at) "
        f"select {literal(entity.source)}, {literal(entity.name)}, $batch_id, _source_file, to_json(r), "
        f"$loaded_at from {entity.raw_table} as r where _source_file = {literal(file)}",
        params,
    )


def _load_file(con: duckdb.DuckDBPyConnection, entity: Entity, file: LandingFile, staged: StagedFile) -> FileLoadResult:
    checked, failed = _checked_relation(con, entity, staged)
    digest = file.sha256 or sha256_of(file.path)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    resolved = 0
    con.execute("begin transaction")
    try:
        # Open entries of an earlier load of this file are resolved: a reload of a changed file, or
        # a file whose earlier batch a quality gate took out again (its ledger row is gone, so it is
        # not "previously loaded", but its quarantine entries stay until it is delivered again).
        # An adapter file (e.g. an Asterisk queue_log) feeds several entities: only this entity's
        # quarantine and ledger rows belong to this load.
        resolved += resolve_reloaded(con, entity, file.relative_path, loaded_at)
        row = con.execute(f"select nextval('{BATCH_SEQUENCE}')").fetchone()
        batch_id = int(row[0]) if row else 0
        params = {"batch_id": batch_id, "loaded_at": loaded_at}
        if file.previously_loaded:
            _retract_rows(con, entity, file.relative_path, params)
            con.execute(f"delete from {entity.raw_table} where _source_file = ?", [file.relative_path])
            con.execute(
                f"delete from {LEDGER_TABLE} where source = ? and entity = ? and source_file = ?",
                [entity.source, entity.name, file.relative_path],
            )
        con.execute(_insert_good_sql(entity, checked, failed, file.relative_path), params)
        loaded = _count(con)
        if loaded:
            resolved += resolve_keys_loaded_later(con, entity, file.relative_path, batch_id, loaded_at)
        quarantined = 0
        if loaded < staged.rows:  # a clean file (the usual case) is read only once
            con.execute(_insert_bad_sql(entity, checked, failed, file.relative_path), params)
            quarantined = _count(con)
        if loaded + quarantined != staged.rows:
            raise RuntimeError(
                f"{file.relative_path}: {staged.rows} rows read but {loaded} loaded and {quarantined} quarantined"
            )
        mapped = _mapped_to_fallback(con, entity, checked, failed)
        _insert_rejected(con, entity, file, staged, params)
        quarantined += len(staged.rejected)
        rows_read = staged.rows + len(staged.rejected)
        con.execute(
            f"insert into {LEDGER_TABLE} (source, entity, source_file, size_bytes, mtime_ns, "
            "sha256, batch_id, rows_read, rows_loaded, rows_quarantined, extra_columns, "
            "loaded_at, adapter_context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entity.source,
                entity.name,
                file.relative_path,
                file.size_bytes,
                file.mtime_ns,
                digest,
                batch_id,
                rows_read,
                loaded,
                quarantined,
                staged.extra_columns,
                loaded_at,
                file.adapter_context,
            ],
        )
        pause_point("load")  # test hook (dagster_project/testing/faults.py); does nothing unless requested
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return FileLoadResult(
        source_file=file.relative_path,
        batch_id=batch_id,
        rows_read=rows_read,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        extra_columns=staged.extra_columns,
        lines_read=staged.lines_read,
        unknown_events=dict(staged.unknown_events),
        adapter_stats=dict(staged.adapter_stats),
        mapped_to_fallback=mapped,
        quarantine_resolved=resolved,
    )


def _refresh_mtimes(con: duckdb.DuckDBPyConnection, entity: Entity, touched: list[LandingFile]) -> None:
    """Unchanged content but a new mtime: remember the mtime so the hash is not recomputed."""
    for file in touched:
        con.execute(
            f"update {LEDGER_TABLE} set mtime_ns = ? where source = ? and entity = ? and source_file = ?",
            [file.mtime_ns, entity.source, entity.name, file.relative_path],
        )


def load_entity(
    con: duckdb.DuckDBPyConnection, landing: Path, entity: Entity, settings: Settings | None = None
) -> EntityLoadResult:
    """Load every new or changed file of the entity, in file-name order.

    Raises ContractError for a file that cannot satisfy the contract (e.g. a required column is
    missing); files before it stay loaded, it and the files after it are left pending so the
    batch order of versions is preserved once it is fixed.
    """
    started = time.perf_counter()
    ensure_raw_schema(con)
    landing = Path(landing)
    if settings is None:
        from dagster_project.config import current

        settings = current()
    found = scan(con, landing, entity, settings)
    _refresh_mtimes(con, entity, found.touched)
    result = EntityLoadResult(source=entity.source, entity=entity.name)
    result.files_skipped = found.skipped
    for file in found.pending:
        if file.reload_reason:
            result.files_reloaded[file.relative_path] = file.reload_reason
            logger.info("%s: read again: %s", file.relative_path, file.reload_reason)
        try:
            adapter = get_adapter(file.format)
            staged = (
                stage_adapter_file(con, file, entity, adapter, settings)
                if adapter
                else stage_file(con, file, entity)
            )
            file_result = _load_file(con, entity, file, staged)
        finally:
            drop_stage(con)
        result.add(file_result)
        logger.info(
            "%s: %d rows loaded, %d quarantined (batch %d)",
            file.relative_path,
            file_result.rows_loaded,
            file_result.rows_quarantined,
            file_result.batch_id,
        )
        if file_result.unknown_events:
            logger.warning(
                "%s (%s): unknown events ignored: %s",
                file.relative_path,
                entity.name,
                ", ".join(f"{name} x{count}" for name, count in sorted(file_result.unknown_events.items())),
            )
        if file_result.mapped_to_fallback:
            logger.warning(
                "%s (%s): unknown values kept as the fallback value: %s",
                file.relative_path,
                entity.name,
                ", ".join(f"{name} x{count}" for name, count in sorted(file_result.mapped_to_fallback.items())),
            )
    result.seconds = time.perf_counter() - started
    return result
