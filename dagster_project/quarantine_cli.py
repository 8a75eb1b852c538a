"""`support-kpi quarantine`: list or count the rows in raw_meta.raw_quarantine.

Reads the warehouse read-only and takes no lock: while a pipeline step writes the warehouse,
DuckDB refuses a second process, and the command says so instead of waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.loading.schema import LEGACY_QUARANTINE_NAME, META_SCHEMA, QUARANTINE_NAME, QUARANTINE_TABLE

VALUE_WIDTH = 40
REASON_WIDTH = 70
# C0 and C1 control characters and DEL: a value must not move the cursor or recolour the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class QuarantineFilter:
    source: str | None = None
    entity: str | None = None
    rule: str | None = None
    include_resolved: bool = False

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        for column, value in (("source", self.source), ("entity", self.entity), ("rule", self.rule)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if not self.include_resolved:
            clauses.append("resolved_at is null")
        return ("where " + " and ".join(clauses)) if clauses else "", params


def terminal_text(value: object, width: int) -> str:
    """One line of printable text: control characters escaped, shortened to `width` with '…'."""
    if value is None:
        return ""
    text = _CONTROL.sub(lambda match: _NAMED.get(match.group(), f"\\x{ord(match.group()):02x}"), str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(header: tuple[str, ...], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for cells in (list(header), *rows):
        padded = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    return lines


def _short_reason(source_file: str, line: int, reason: str) -> str:
    """The stored reason starts with '<file> line <n>, ', already shown in their own columns."""
    prefix = f"{source_file} line {line}, "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


def list_lines(con: duckdb.DuckDBPyConnection, chosen: QuarantineFilter, limit: int) -> list[str]:
    where, params = chosen.where()
    total_row = con.execute(f"select count(*) from {QUARANTINE_TABLE} {where}", params).fetchone()
    total = int(total_row[0]) if total_row else 0
    kind = "quarantined" if chosen.include_resolved else "open quarantined"
    if total == 0:
        return [f"no {kind} rows"]
    rows = con.execute(
        "select source_file, source_line, column_name, raw_value, rule, reason, "
        f"case when resolved_at is null then 'open' else 'resolved' end, resolution, resolved_by_file "
        f"from {QUARANTINE_TABLE} "
        f"{where} order by source, entity, source_file, batch_id, source_line, rule limit ?",
        [*params, limit],
    ).fetchall()
    header: tuple[str, ...] = ("file", "line", "column", "value", "rule", "reason")
    if chosen.include_resolved:
        header += ("status", "resolution", "resolved by")
    cells = []
    for source_file, line, column, value, rule, reason, status, resolution, resolved_by in rows:
        row = [
            terminal_text(source_file, 200),
            str(line),
            terminal_text(column, 40),
            terminal_text(value, VALUE_WIDTH),
            terminal_text(rule, 40),
            terminal_text(_short_reason(source_file, line, reason), REASON_WIDTH),
        ]
        if chosen.include_resolved:
            row += [status, terminal_text(resolution, 40), terminal_text(resolved_by, 200)]
        cells.append(row)
    lines = [f"{total} {kind} row(s)"]
    lines += _table(header, cells, right={1})
    if total > len(rows):
        lines.append(f"… {total - len(rows)} more (raise --limit, or filter with --source/--entity/--rule)")
    return lines


def summary_lines(con: duckdb.DuckDBPyConnection, chosen: QuarantineFilter) -> list[str]:
    """Open and resolved counts per source, entity and rule (resolved always counted)."""
    where, params = QuarantineFilter(chosen.source, chosen.entity, chosen.rule, include_resolved=True).where()
    rows = con.execute(
        "select source, entity, rule, count(*) filter (where resolved_at is null), "
        f"count(*) filter (where resolved_at is not null) from {QUARANTINE_TABLE} {where} "
        "group by all order by all",
        params,
    ).fetchall()
    if not rows:
        return ["no quarantined rows"]
    cells = [[terminal_text(value, 60) for value in row[:3]] + [str(row[3]), str(row[4])] for row in rows]
    cells.append(["total", "", "", str(sum(row[3] for row in rows)), str(sum(row[4] for row in rows))])
    return _table(("source", "entity", "rule", "open", "resolved"), cells, right={3, 4})


class QuarantineUnavailable(Exception):
    """The warehouse cannot be read (missing, locked by a writer, too old)."""


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [META_SCHEMA, name],
    ).fetchone()
    return bool(row and row[0])


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise QuarantineUnavailable(f"no warehouse at {path}: nothing has been loaded yet (run `support-kpi run`)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise QuarantineUnavailable(
            f"the warehouse {path} is open for writing by a running pipeline step; try again when the run has finished"
        ) from error


def quarantine_report(path: Path, chosen: QuarantineFilter, summary: bool, limit: int) -> list[str]:
    """The lines `support-kpi quarantine` prints; QuarantineUnavailable when it cannot read."""
    con = open_warehouse(path)
    try:
        if not _has_table(con, QUARANTINE_NAME):
            if _has_table(con, LEGACY_QUARANTINE_NAME):
                raise QuarantineUnavailable(
                    f"{path} still has {META_SCHEMA}.{LEGACY_QUARANTINE_NAME} from an older version; "
                    f"the next `support-kpi run` renames it to {QUARANTINE_TABLE}"
                )
            return ["no quarantined rows (no file has been loaded yet)"]
        return summary_lines(con, chosen) if summary else list_lines(con, chosen, limit)
    finally:
        con.close()
