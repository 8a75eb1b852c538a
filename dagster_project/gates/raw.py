"""The raw batch gate: validate every pending batch of an entity with its suite.

Setting gates.engine chooses how: "sql" (default, gates.sql: the suite as DuckDB SQL over the
pending batches' rows, cost in proportion to the batch) or "gx" (below). Both feed the same tally,
so the verdict per batch, the rejected batches and the failing rows are the same.

GX engine: batches are read as Arrow, only the contract columns plus `_batch_id`, `_source_line` and a few
derived columns, in chunks of at most CHUNK_ROWS rows (whole batches grouped together; a larger
batch is split by a hash of its primary key, so duplicate keys stay in one chunk). A batch failing
an error expectation is taken out again (`store.reject_batch`); the others are marked passed.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dagster_project.contract import Entity, InScale, KnownCurrency
from dagster_project.contract.gates import references_of
from dagster_project.gates.store import PendingBatch, pending_batches, record_passed, reject_batch
from dagster_project.gates.suites import (
    INDEX_COLUMNS,
    GateExpectation,
    currency_code_column,
    scale_bound_columns,
    suite_for,
)
from dagster_project.gates.validate import ExpectationOutcome, GxSession
from dagster_project.loading.sql import ident, literal

if TYPE_CHECKING:
    from dagster_project.settings import Settings

CHUNK_ROWS_ENV = "SUPPORT_KPI_GATE_CHUNK_ROWS"
ENGINE_ENV = "SUPPORT_KPI_GATE_ENGINE"
DEFAULT_CHUNK_ROWS = 250_000
SAMPLE_ROWS = 5
# Timestamps are validated as pandas datetime64[ns] (GX compares those vectorised, others row by
# row), whose range ends in 1677 and 2262: values beyond these bounds are read as the bound (still
# implausible, so still failing).
TS_FLOOR = "timestamp '1700-01-01'"
TS_CEILING = "timestamp '2200-01-01'"


def chunk_rows(settings: Settings | None = None) -> int:
    """Setting gates.chunk_rows (env SUPPORT_KPI_GATE_CHUNK_ROWS), default the loaded settings'."""
    if settings is None:
        from dagster_project.config import current

        settings = current()
    return max(1, settings.gates.chunk_rows)


def gate_engine(settings: Settings | None = None) -> str:
    """Setting gates.engine (env SUPPORT_KPI_GATE_ENGINE): "sql" (default) or "gx"."""
    if settings is None:
        from dagster_project.config import current

        settings = current()
    return settings.gates.engine


@dataclass
class GateReport:
    """Outcome of one gate check, as shown in Dagster metadata and the run report."""

    check: str
    status: str = "passed"  # passed | warned | failed
    rows_checked: int = 0
    batches_checked: int = 0
    batches_failed: list[dict[str, Any]] = field(default_factory=list)
    expectations: int = 0
    expectations_failed: list[str] = field(default_factory=list)
    expectations_warned: list[str] = field(default_factory=list)
    failing_rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    docs_path: str | None = None

    @property
    def severity(self) -> str | None:
        return {"failed": "error", "warned": "warning"}.get(self.status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": self.status,
            "severity": self.severity,
            "rows_checked": self.rows_checked,
            "batches_checked": self.batches_checked,
            "batches_failed": self.batches_failed,
            "expectations": self.expectations,
            "expectations_failed": self.expectations_failed,
            "expectations_warned": self.expectations_warned,
            "failing_rows": self.failing_rows,
            "seconds": round(self.seconds, 3),
            "docs_path": self.docs_path,
        }

    def summary(self) -> str:
        if self.status == "passed":
            return f"{self.check}: passed ({self.rows_checked} rows, {self.batches_checked} batches)"
        failed = ", ".join(self.expectations_failed or self.expectations_warned)
        return f"{self.check}: {self.status} — {failed}"


def derived_columns(entity: Entity, references: bool = True) -> dict[str, str]:
    """Columns the gate reader adds to the contract columns, as SQL over the raw table `r`
    (without the reference columns when `references` is false: the SQL engine joins those)."""
    derived: dict[str, str] = {}
    for rule in entity.rules:
        if isinstance(rule, InScale):
            low, high = scale_bound_columns(rule)
            for position, name in ((1, low), (2, high)):
                bound = ident(rule.min_column if position == 1 else rule.max_column)
                cases = " ".join(
                    f"when {literal(kind)} then {values[position - 1]}"
                    for kind, *values in ((d[0], d[1], d[2]) for d in rule.defaults)
                )
                derived[name] = f"coalesce(r.{bound}, case lower(r.{ident(rule.type_column)}) {cases} end)"
        elif isinstance(rule, KnownCurrency):
            derived[currency_code_column(rule)] = f"upper(trim(r.{ident(rule.column)}))"
    for reference in references_of(entity.source, entity.name) if references else []:
        target = f"raw_{reference.to_source}.{ident(reference.to_entity)}"
        derived[reference.derived_column] = (
            f"coalesce(r.{ident(reference.column)} in (select {ident(reference.to_column)} from {target}), false)"
        )
    return derived


def gate_query(
    entity: Entity, batch_ids: list[int], parts: int = 1, part: int = 0, references: bool = True
) -> str:
    """The rows of the given batches the suite needs (one hash part of them when parts > 1)."""
    columns = [
        f"case when r.{ident(c.name)} < {TS_FLOOR} then {TS_FLOOR} when r.{ident(c.name)} > {TS_CEILING} "
        f"then {TS_CEILING} else r.{ident(c.name)}::timestamp end as {ident(c.name)}"
        if c.type in ("ts", "date")
        else f"r.{ident(c.name)}"
        for c in entity.columns
    ]
    columns += [f"r.{ident(name)}" for name in INDEX_COLUMNS]
    columns += [f"{expression} as {ident(name)}" for name, expression in derived_columns(entity, references).items()]
    where = f"r._batch_id in ({', '.join(str(int(b)) for b in batch_ids)})"
    if parts > 1:
        key = ", ".join(f"r.{ident(name)}" for name in entity.primary_key)
        where += f" and hash({key}) % {int(parts)} = {int(part)}"
    return f"select {', '.join(columns)} from {entity.raw_table} as r where {where}"


def to_frame(table: Any, entity: Entity) -> Any:
    """Arrow -> pandas with the dtypes of suites.PANDAS_TYPES: nullable boolean and string, numpy
    numbers (an int column with nulls becomes float64), timestamps and dates as datetime64[ns]."""
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}
    frame = table.to_pandas(types_mapper=mapping.get)
    for column in entity.columns:
        if column.type in ("ts", "date"):
            frame[column.name] = frame[column.name].astype("datetime64[ns]")
    return frame


def plan_chunks(batches: list[PendingBatch], limit: int) -> list[tuple[list[PendingBatch], int]]:
    """Group batches (in order) into chunks of at most `limit` rows; a batch above the limit is a
    chunk of its own, read in ceil(rows / limit) hash parts. Returns (batches, parts) pairs."""
    chunks: list[tuple[list[PendingBatch], int]] = []
    current: list[PendingBatch] = []
    size = 0
    for batch in batches:
        if current and size + batch.rows > limit:
            chunks.append((current, 1))
            current, size = [], 0
        if batch.rows > limit:
            chunks.append(([batch], math.ceil(batch.rows / limit)))
            continue
        current.append(batch)
        size += batch.rows
    if current:
        chunks.append((current, 1))
    return chunks


@dataclass
class _BatchTally:
    rows: int = 0
    unexpected: Counter[str] = field(default_factory=Counter)
    whole_chunk_failures: set[str] = field(default_factory=set)
    samples: list[dict[str, Any]] = field(default_factory=list)


def _tally(outcomes: list[ExpectationOutcome], tallies: dict[int, _BatchTally], chunk_batches: list[int]) -> None:
    for outcome in outcomes:
        label = outcome.expectation.label
        if outcome.exception or (not outcome.success and not outcome.unexpected_rows):
            # No failing rows to attribute (e.g. a column type): every batch of the chunk fails.
            for batch_id in chunk_batches:
                tallies[batch_id].whole_chunk_failures.add(label)
            continue
        for row in outcome.unexpected_rows:
            batch_id = row.get("_batch_id")
            if batch_id in tallies:
                tally = tallies[batch_id]
                tally.unexpected[label] += 1
                if len(tally.samples) < SAMPLE_ROWS:
                    tally.samples.append({"expectation": label, **row})


def _batch_failures(tally: _BatchTally, expectations: dict[str, GateExpectation]) -> tuple[dict, dict]:
    """(error failures, warnings) of one batch: label -> failing row count (None = not row-level)."""
    errors: dict[str, int | None] = {}
    warnings: dict[str, int | None] = {}
    for label in tally.whole_chunk_failures:
        target = errors if expectations[label].severity == "error" else warnings
        target[label] = None
    for label, count in tally.unexpected.items():
        expectation = expectations[label]
        allowed = (1.0 - expectation.mostly) * tally.rows
        if count > allowed + 1e-9:
            target = errors if expectation.severity == "error" else warnings
            target[label] = count
    return errors, warnings


def check_entity(con: duckdb.DuckDBPyConnection, entity: Entity, docs_dir: Path | None = None) -> GateReport:
    """Validate the entity's pending batches; reject failing ones, mark the rest passed."""
    started = time.perf_counter()
    report = GateReport(check=f"raw/{entity.source}/{entity.name}")
    batches = pending_batches(con, entity)
    suite = suite_for(entity)
    report.expectations = len(suite)
    by_label = {item.label: item for item in suite}
    tallies = {batch.batch_id: _BatchTally() for batch in batches}
    session: GxSession | None = None
    index_columns = list(INDEX_COLUMNS)
    sql_outcomes: list[ExpectationOutcome] | None = None
    if gate_engine() == "sql":
        from dagster_project.gates.sql import validate_batches

        batch_ids = [b.batch_id for b in batches if b.rows > 0]
        rows, sql_outcomes = validate_batches(con, entity, suite, batch_ids)
        for batch_id, count in rows.items():
            tallies[batch_id].rows += count
        report.rows_checked = sum(rows.values())
        if rows:
            _tally(sql_outcomes, tallies, [b for b in batch_ids if b in rows])
    chunks = plan_chunks([b for b in batches if b.rows > 0], chunk_rows()) if sql_outcomes is None else []
    for chunk, parts in chunks:
        batch_ids = [batch.batch_id for batch in chunk]
        for part in range(parts):
            table = con.sql(gate_query(entity, batch_ids, parts, part)).to_arrow_table()
            if table.num_rows == 0:
                continue
            frame = to_frame(table, entity)
            for batch_id, count in frame["_batch_id"].value_counts().items():
                tallies[int(batch_id)].rows += int(count)
            report.rows_checked += len(frame)
            session = session or GxSession(docs_dir)
            outcomes = session.validate(f"raw.{entity.source}.{entity.name}", suite, frame, index_columns)
            _tally(outcomes, tallies, batch_ids)
    failed_labels: set[str] = set()
    warned_labels: set[str] = set()
    for batch in batches:
        tally = tallies[batch.batch_id]
        errors, warnings = _batch_failures(tally, by_label)
        warned_labels.update(warnings)
        results = {
            "rows": tally.rows,
            "errors": errors,
            "warnings": warnings,
            "failing_rows": tally.samples if errors or warnings else [],
        }
        if errors:
            reject_batch(con, entity, batch, results)
            failed_labels.update(errors)
            report.batches_failed.append(
                {"batch_id": batch.batch_id, "source_file": batch.source_file, "rows": tally.rows, "errors": errors}
            )
            for row in tally.samples:
                if len(report.failing_rows) < SAMPLE_ROWS and row["expectation"] in errors:
                    report.failing_rows.append({"source_file": batch.source_file, **row})
        else:
            record_passed(con, entity, batch, results)
    report.batches_checked = len(batches)
    report.expectations_failed = sorted(failed_labels)
    report.expectations_warned = sorted(warned_labels)
    report.status = "failed" if failed_labels else ("warned" if warned_labels else "passed")
    if sql_outcomes and docs_dir is not None:
        from dagster_project.gates.sql import write_docs

        report.docs_path = str(write_docs(docs_dir, report.check, f"raw.{entity.source}.{entity.name}", sql_outcomes))
    if session is not None:
        docs = session.build_docs()
        report.docs_path = str(docs) if docs else None
    report.seconds = time.perf_counter() - started
    return report
