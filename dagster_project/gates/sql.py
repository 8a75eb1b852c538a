"""The raw batch gate's suites evaluated as DuckDB SQL over the pending batches only.

`validate_batches` runs every expectation of `suite_for(entity)` (the declarative list stays the
single source) over the rows `_batch_id in (...)` and returns the same `ExpectationOutcome`s the
GX engine returns: unexpected counts and every failing row with `_batch_id`/`_source_line` and
the checked columns. Cost follows the batch: the raw table is read once through the `_batch_id`
filter (row groups of other batches are skipped by their zone maps); a reference into another raw
table is a semi join of the batch's distinct keys (the hash table is built on the batch side, not
the whole referenced table; the GX path evaluated `in (select ... from <whole table>)` once per
chunk, which is what made the `ticket_events` gate grow faster than the data). Uniqueness is per
batch, as in GX: `_batch_id` is part of the declared key.

`write_docs` writes a static HTML page listing every expectation, its result, counts and a few
failing rows (index columns and checked columns only, as the GX Data Docs show them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.contract import Entity
from dagster_project.contract.gates import references_of
from dagster_project.gates.suites import INDEX_COLUMNS, GateExpectation
from dagster_project.gates.validate import ExpectationOutcome, json_safe
from dagster_project.loading.sql import ident, literal

# DuckDB types the frame of each contract type may arrive as (the GX engine checks pandas dtypes:
# see suites.PANDAS_TYPES and raw.to_frame, where these become int64/float64, float64, ...).
SQL_TYPES: dict[str, tuple[str, ...]] = {
    "text": ("VARCHAR",),
    "int": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "DOUBLE"),
    "num": ("DOUBLE", "FLOAT"),
    "bool": ("BOOLEAN",),
    "ts": ("TIMESTAMP",),
    "date": ("TIMESTAMP",),
}
_PANDAS_TO_CONTRACT = {
    "StringDtype": "text",
    "int64": "int",
    "float64": "num",
    "BooleanDtype": "bool",
    "datetime64[ns]": "ts",
}
_ROW_CONDITION = re.compile(r"^\s*(\w+)\s+in\s+\[(.*)\]\s*$")


def _value(value: Any) -> str:
    """A SQL literal of an expectation argument (timestamps as timestamp literals)."""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return f"timestamp {literal(value.isoformat(sep=' '))}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return literal(str(value))


def _row_condition(text: str) -> str:
    """The pandas row_condition of suites (`col in ["a", "b"]`) as SQL."""
    match = _ROW_CONDITION.match(text)
    if not match:
        raise ValueError(f'gate row_condition {text!r} is not of the form `column in ["a", ...]`')
    values = [v.strip().strip('"') for v in match.group(2).split(",") if v.strip()]
    return f"{ident(match.group(1))} in ({', '.join(literal(v) for v in values)})"


def failure_predicate(item: GateExpectation) -> str | None:
    """SQL that is true on a row failing `item` (None: not a row-level expectation)."""
    kwargs = item.kwargs
    kind = item.expectation
    if kind == "ExpectColumnValuesToNotBeNull":
        condition = f"{ident(kwargs['column'])} is null"
        if kwargs.get("row_condition"):
            condition = f"({_row_condition(kwargs['row_condition'])}) and {condition}"
        return condition
    if kind == "ExpectColumnValuesToBeInSet":
        column = ident(kwargs["column"])
        values = ", ".join(_value(v) for v in kwargs["value_set"])
        return f"{column} is not null and {column} not in ({values})"
    if kind == "ExpectColumnValuesToBeBetween":
        column = ident(kwargs["column"])
        parts = []
        if kwargs.get("min_value") is not None:
            parts.append(f"{column} < {_value(kwargs['min_value'])}")
        if kwargs.get("max_value") is not None:
            parts.append(f"{column} > {_value(kwargs['max_value'])}")
        return f"{column} is not null and ({' or '.join(parts)})"
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = ident(kwargs["column_A"]), ident(kwargs["column_B"])
        op = ">=" if kwargs.get("or_equal") else ">"
        if kwargs.get("ignore_row_if", "both_values_are_missing") != "either_value_is_missing":
            raise ValueError(f"SQL gate: {item.label} needs ignore_row_if='either_value_is_missing'")
        return f"{a} is not null and {b} is not null and not ({a} {op} {b})"
    if kind == "ExpectCompoundColumnsToBeUnique":
        key = ", ".join(ident(c) for c in kwargs["column_list"])
        return f"count(*) over (partition by {key}) > 1"
    if kind == "ExpectColumnValuesToBeInTypeList":
        return None
    raise ValueError(f"SQL gate engine has no evaluation for {kind} ({item.label})")


def base_query(entity: Entity, batch_ids: list[int]) -> str:
    """The batch rows as the GX frame has them (gate_query's columns), references as semi joins."""
    from dagster_project.gates.raw import gate_query

    references = {r.derived_column: r for r in references_of(entity.source, entity.name)}
    select = gate_query(entity, batch_ids, references=False)
    ctes = [f"batch as ({select})"]
    known = []
    for number, (name, reference) in enumerate(references.items()):
        target = f"raw_{reference.to_source}.{ident(reference.to_entity)}"
        column = ident(reference.column)
        ctes.append(
            f"keys_{number} as (select distinct {column} as k from batch where {column} is not null), "
            f"known_{number} as (select k.k from keys_{number} as k semi join {target} as t "
            f"on t.{ident(reference.to_column)} = k.k)"
        )
        known.append(f"coalesce(b.{column} in (select k from known_{number}), false) as {ident(name)}")
    extra = "".join(f", {expr}" for expr in known)
    return f"with {', '.join(ctes)} select b.*{extra} from batch as b"


def _type_outcome(item: GateExpectation, types: dict[str, str], rows: int) -> ExpectationOutcome:
    column = item.kwargs["column"]
    allowed = {t for p in item.kwargs["type_list"] for t in SQL_TYPES.get(_PANDAS_TO_CONTRACT.get(p, ""), ())}
    actual = types.get(column)
    ok = actual is not None and actual.upper() in allowed
    return ExpectationOutcome(item, ok, rows, 0 if ok else rows, [], observed_value=actual)


def validate_batches(
    con: duckdb.DuckDBPyConnection, entity: Entity, suite: list[GateExpectation], batch_ids: list[int]
) -> tuple[dict[int, int], list[ExpectationOutcome]]:
    """(rows per batch, outcomes in the suite's order) of the batches, in one read of the batch."""
    if not batch_ids:
        return {}, []
    rows, outcomes = _evaluate(con, base_query(entity, batch_ids), suite, _Frame(INDEX_COLUMNS, "_batch_id"))
    return {int(batch): count for batch, count in rows.items()}, outcomes


def validate_query(
    con: duckdb.DuckDBPyConnection, query: str, suite: list[GateExpectation], index_columns: tuple[str, ...]
) -> tuple[int, list[ExpectationOutcome]]:
    """(rows, outcomes in the suite's order) of the rows of ``query`` as one frame (the mart gate:
    the scorecard rows, indexed and ordered by ``index_columns``)."""
    rows, outcomes = _evaluate(con, query, suite, _Frame(index_columns, None))
    return sum(rows.values()), outcomes


@dataclass(frozen=True)
class _Frame:
    """How failing rows are shown (index columns, first in this order) and counted (per group)."""

    index_columns: tuple[str, ...]
    group_column: str | None  # rows and uniqueness per value of this column (raw: per batch)

    @property
    def group(self) -> str:
        return ident(self.group_column) if self.group_column else "0"

    def columns(self, item: GateExpectation) -> list[str]:
        return [*self.index_columns, *(c for c in item.columns if c not in self.index_columns)]


def _evaluate(
    con: duckdb.DuckDBPyConnection, base: str, suite: list[GateExpectation], frame: _Frame
) -> tuple[dict[Any, int], list[ExpectationOutcome]]:
    """(rows per group, outcomes in the suite's order) of the rows of ``base``, in one read."""
    described = con.sql(f"select * from ({base}) limit 0")
    types = {name: str(kind) for name, kind in zip(described.columns, described.types, strict=True)}
    predicates = {item.label: failure_predicate(item) for item in suite}
    wrong_type = {
        item.kwargs["column"]
        for item in suite
        if item.expectation == "ExpectColumnValuesToBeInTypeList" and not _type_outcome(item, types, 0).success
    }
    # An expectation on a column of the wrong type is not evaluated (it fails every batch, as the type does).
    skipped = [item for item in suite if predicates[item.label] is not None and set(item.columns) & wrong_type]
    row_level = [item for item in suite if predicates[item.label] is not None and item not in skipped]
    plain = [item for item in row_level if item.expectation != "ExpectCompoundColumnsToBeUnique"]
    # One aggregate pass: rows, failing rows and judged (non-null) rows per group and expectation.
    aggregates = ["count(*)"]
    for item in plain:
        column = item.kwargs.get("column")
        aggregates += [
            f"count(*) filter (where {predicates[item.label]})",
            f"count({ident(column)})" if column else "count(*)",
        ]
    per_group = con.execute(f"select {frame.group}, {', '.join(aggregates)} from ({base}) group by 1").fetchall()
    rows = {r[0]: int(r[1]) for r in per_group}
    total = sum(rows.values())
    outcomes: dict[str, ExpectationOutcome] = {}
    for i, item in enumerate(plain):
        unexpected = sum(int(r[2 + 2 * i]) for r in per_group)
        judged = sum(int(r[3 + 2 * i]) for r in per_group)
        failing = _failing_rows(con, base, item, str(predicates[item.label]), frame) if unexpected else []
        outcomes[item.label] = ExpectationOutcome(
            item, unexpected <= (1.0 - item.mostly) * judged + 1e-9, total, unexpected, failing
        )
    for item in row_level:
        if item.expectation == "ExpectCompoundColumnsToBeUnique":
            failing = _duplicates(con, base, item, frame)
            outcomes[item.label] = ExpectationOutcome(item, not failing, total, len(failing), failing)
    for item in skipped:
        outcomes[item.label] = ExpectationOutcome(
            item, False, total, 0, [], exception=f"not evaluated: a column of {item.label} has the wrong type"
        )
    result = [outcomes[item.label] if item.label in outcomes else _type_outcome(item, types, total) for item in suite]
    return rows, result


def _failing_rows(
    con: duckdb.DuckDBPyConnection, base: str, item: GateExpectation, where: str, frame: _Frame
) -> list[dict]:
    """Every row of `base` failing `item` (index and checked columns), in index order (raw: file order)."""
    columns = frame.columns(item)
    order = ", ".join(ident(c) for c in frame.index_columns)
    cursor = con.execute(f"select {', '.join(ident(c) for c in columns)} from ({base}) where {where} order by {order}")
    return [{c: json_safe(v) for c, v in zip(columns, row, strict=True)} for row in cursor.fetchall()]


def _duplicates(con: duckdb.DuckDBPyConnection, base: str, item: GateExpectation, frame: _Frame) -> list[dict]:
    """Rows sharing their key (which includes `_batch_id` on raw batches) with another row. A hash
    aggregate over the key's 64-bit hash finds the candidates (cheaper than grouping on the text
    keys); the exact key comparison then runs on the candidates only, so a hash collision is never
    reported."""
    key = ", ".join(ident(c) for c in item.kwargs["column_list"])
    candidates = f"select {frame.group} as g, hash({key}) as h from ({base}) group by all having count(*) > 1"
    if not con.execute(f"select count(*) from ({candidates})").fetchone()[0]:  # type: ignore[index]
        return []
    exact = (
        f"select * from (select *, count(*) over (partition by {key}) as _n from ({base}) "
        f"where ({frame.group}, hash({key})) in ({candidates}))"
    )
    return _failing_rows(con, exact, item, "_n > 1", frame)


def _cell(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def write_docs(
    docs_dir: Path, check: str, suite_name: str, outcomes: Iterable[ExpectationOutcome], sample_rows: int = 20
) -> Path:
    """A static HTML page (docs_dir/index.html) of every expectation, its result and failing rows."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    for outcome in outcomes:
        item = outcome.expectation
        verdict = "passed" if outcome.success else "failed"
        rows = outcome.unexpected_rows[:sample_rows]
        table = ""
        if rows:
            header = "".join(f"<th>{_cell(c)}</th>" for c in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row.values()) + "</tr>" for row in rows)
            table = f"<table><tr>{header}</tr>{body}</table>"
        observed = "" if outcome.observed_value is None else f" observed: {_cell(outcome.observed_value)}."
        sections.append(
            f'<section class="{verdict}"><h2>{_cell(item.label)} — {verdict}</h2>'
            f"<p>{_cell(item.description)} (severity {_cell(item.severity)}, mostly {item.mostly:g}).</p>"
            f"<p>{outcome.element_count} rows checked, {outcome.unexpected_count} unexpected.{observed}</p>"
            f"{table}</section>"
        )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{_cell(check)}</title><style>body{{font-family:sans-serif}}.failed h2{{color:#b00}}"
        ".passed h2{color:#070}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        f"</style></head><body><h1>{_cell(check)}</h1><p>Suite {_cell(suite_name)}, SQL engine (DuckDB).</p>"
        + "".join(sections)
        + "</body></html>"
    )
    path = docs_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
