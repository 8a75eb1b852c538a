"""Stage an adapter file (e.g. an Asterisk queue_log): the adapter's rows become the stage table.

The adapter returns the entity's contract columns as text plus a line number, so the staged file
looks like a CSV to the validation that follows. Rows whose primary key an adapter it yields to
has already loaded (a CDR line of a call the queue_log described) are left out and counted.
"""

from __future__ import annotations

import gzip
import zlib
from typing import TYPE_CHECKING

import duckdb

from dagster_project.adapters import Adapter
from dagster_project.adapters.base import LINE_COLUMN, UnreadableFile
from dagster_project.contract import Entity
from dagster_project.loading.errors import ContractError
from dagster_project.loading.files import LandingFile
from dagster_project.loading.sql import ident, literal
from dagster_project.loading.stage import STAGE_TABLE, SourceColumn, StagedFile

if TYPE_CHECKING:
    from dagster_project.settings import Settings

_ROWS_VIEW = "_adapter_rows"


def _yield_filter(entity: Entity, adapter: Adapter) -> str:
    """SQL condition keeping rows not already loaded from a folder the adapter yields to."""
    if not adapter.yields_to or len(entity.primary_key) != 1:
        return "true"
    key = ident(entity.primary_key[0])
    folders = " or ".join(f"r._source_file like {literal(f'{entity.source}/{name}/%')}" for name in adapter.yields_to)
    return f"not exists (select 1 from {entity.raw_table} r where r.{key} = s.{key} and ({folders}))"


def stage_adapter_file(
    con: duckdb.DuckDBPyConnection,
    file: LandingFile,
    entity: Entity,
    adapter: Adapter,
    settings: Settings | None = None,
) -> StagedFile:
    try:
        if adapter.takes_settings and settings is not None:
            output = adapter.read(file.path, entity.name, settings)
        else:
            output = adapter.read(file.path, entity.name)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ContractError(f"{file.relative_path}: cannot read {adapter.name} file: {error}") from error
    except UnreadableFile as error:
        raise ContractError(f"{file.relative_path}: {adapter.name} file not loaded: {error}") from error
    table = output.to_arrow(entity)
    con.register(_ROWS_VIEW, table)
    try:
        con.execute(
            f"create or replace temp table {STAGE_TABLE} as select * from {_ROWS_VIEW} s "
            f"where {_yield_filter(entity, adapter)} order by {LINE_COLUMN}"
        )
    finally:
        con.unregister(_ROWS_VIEW)
    row = con.execute(f"select count(*) from {STAGE_TABLE}").fetchone()
    rows = int(row[0]) if row else 0
    stats = dict(output.stats)
    if adapter.yields_to:
        stats["duplicates_skipped"] = table.num_rows - rows
    return StagedFile(
        relation=STAGE_TABLE,
        line_expression=LINE_COLUMN,
        columns={c.name: SourceColumn(ident(c.name), "VARCHAR") for c in entity.columns},
        extra_columns=[],
        rows=rows,
        in_temp_table=True,
        rejected=tuple(output.rejected),
        unknown_events=dict(output.unknown_events),
        adapter_stats=stats,
        lines_read=output.lines_read,
    )
