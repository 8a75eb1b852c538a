"""Typed conversion and row checks of a staged file, written as vectorised DuckDB SQL.

`build_checked_query` returns one SELECT over the staged relation with, per contract column, the
raw value (`_raw_<name>`) and the typed value (`<name>`), plus the row's line number. `Check`s
are boolean SQL conditions over those columns (never NULL), each with a rule name and a reason
expression; a row passes when no check fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.contract import Column, Entity, InScale, KnownCurrency, NonNegative, Ordered, RowRule
from dagster_project.loading.currencies import known_currencies, unknown_currency_note
from dagster_project.loading.sql import ident, literal, literal_list
from dagster_project.loading.stage import SourceColumn, StagedFile

INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}
TIMESTAMP_TYPES = {
    "TIMESTAMP",
    "TIMESTAMP_S",
    "TIMESTAMP_MS",
    "TIMESTAMP_NS",
    "TIMESTAMP WITH TIME ZONE",
    "DATE",
}

TYPE_PROBLEMS = {
    "int": "not an integer",
    "num": "not a number",
    "bool": "not a boolean (true/false, 1/0, yes/no)",
    "ts": "not an ISO 8601 timestamp",
    "date": "not a date (YYYY-MM-DD)",
}

MAX_RAW_CHARS = 80
NUL_SHOWN = "'\\0'"  # how a NUL byte is shown in a reason


@dataclass(frozen=True)
class Check:
    condition: str  # true when the row breaks the rule (never NULL)
    column: str
    rule: str
    reason: str  # SQL string expression, e.g. 'column x: ...'


def raw_name(column: str) -> str:
    return ident(f"_raw_{column}")


def _is_numeric(duckdb_type: str) -> bool:
    return duckdb_type in INTEGER_TYPES or duckdb_type in FLOAT_TYPES or duckdb_type.startswith("DECIMAL")


def _native(column: Column, source: SourceColumn) -> bool:
    """True when the file already holds the column in a type we can cast without text parsing."""
    typ = source.duckdb_type
    return {
        "text": typ == "VARCHAR",
        "int": typ in INTEGER_TYPES,
        "num": _is_numeric(typ),
        "bool": typ == "BOOLEAN",
        "ts": typ in TIMESTAMP_TYPES,
        "date": typ == "DATE",
    }[column.type]


def _raw_expression(column: Column, source: SourceColumn | None) -> str:
    """The raw value: blank text is treated as missing."""
    if source is None:
        return "cast(null as varchar)"
    if source.duckdb_type == "VARCHAR":
        return f"nullif(trim({source.expression}), '')"
    if _native(column, source):
        return source.expression
    return f"cast({source.expression} as varchar)"


def _typed_expression(column: Column, source: SourceColumn | None) -> str:
    """Raw value -> warehouse type; NULL when it does not parse (the check reports it)."""
    raw = raw_name(column.name)
    if source is None:
        return f"cast(null as {column.duckdb_type})"
    if column.type == "text":
        if column.enum:
            known = f"when lower({raw}) in ({literal_list(column.enum)}) then lower({raw})"
            if column.enum_fallback is not None:
                return f"case {known} when {raw} is not null then {literal(column.enum_fallback)} end"
            return f"case {known} end"
        return raw
    if _native(column, source):
        if column.type == "num":
            return f"case when isfinite(cast({raw} as double)) then cast({raw} as double) end"
        return f"try_cast({raw} as {column.duckdb_type})"
    return _parse_text(column, raw)


def _parse_text(column: Column, raw: str) -> str:
    if column.type == "int":
        return (
            f"case when try_cast({raw} as double) = trunc(try_cast({raw} as double)) then try_cast({raw} as bigint) end"
        )
    if column.type == "num":
        return f"case when isfinite(try_cast({raw} as double)) then try_cast({raw} as double) end"
    if column.type == "bool":
        return (
            f"case when lower({raw}) in ('true', '1', 'yes') then true "
            f"when lower({raw}) in ('false', '0', 'no') then false end"
        )
    if column.type == "ts":
        # The regex keeps out words DuckDB would accept ('epoch', 'infinity'). Values without an
        # offset are read in the session time zone, which the loader sets to UTC.
        return (
            f"case when regexp_matches({raw}, '^\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"then cast(try_cast({raw} as timestamptz) as timestamp) end"
        )
    # date
    return f"case when regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') then try_cast({raw} as date) end"


def _quoted(expression: str) -> str:
    """SQL expression rendering a value for a reason: 'value' (shortened)."""
    return f"'''' || left(cast({expression} as varchar), {MAX_RAW_CHARS}) || ''''"


def _value_checks(column: Column) -> list[Check]:
    raw = raw_name(column.name)
    typed = ident(column.name)
    checks: list[Check] = []
    if column.enum and column.enum_fallback is None:
        expected = ", ".join(column.enum)
        checks.append(
            Check(
                condition=f"({raw} is not null and {typed} is null)",
                column=column.name,
                rule="unknown_enum",
                reason=f"'column {column.name}: unknown value ' || {_quoted(raw)} || ' (expected {expected})'",
            )
        )
    elif column.type != "text" and not column.enum:
        checks.append(
            Check(
                condition=f"({raw} is not null and {typed} is null)",
                column=column.name,
                rule=f"invalid_{column.type}",
                reason=f"'column {column.name}: {TYPE_PROBLEMS[column.type]} (' || {_quoted(raw)} || ')'",
            )
        )
    if column.required:
        checks.append(
            Check(
                condition=f"({raw} is null)",
                column=column.name,
                rule="missing_required",
                reason=f"'column {column.name}: missing required value'",
            )
        )
    if column.type == "text" and not column.enum:
        # A NUL byte is a corrupt export (C string cut short), not text: no database downstream keeps it.
        shown = _quoted(f"replace({raw}, chr(0), {NUL_SHOWN})")
        checks.append(
            Check(
                condition=f"coalesce(contains({raw}, chr(0)), false)",
                column=column.name,
                rule="invalid_text",
                reason=f"'column {column.name}: contains a NUL byte (' || {shown} || ')'",
            )
        )
    return checks


def _scale_bound(rule: InScale, column: str, position: int) -> str:
    """The row's bound, else the default of its (typed, lower-cased) type column; NULL if none."""
    cases = " ".join(f"when {literal(default[0])} then {default[position]}" for default in rule.defaults)
    return f"coalesce({ident(column)}, case {ident(rule.type_column)} {cases} end)"


def _scale_check(rule: InScale) -> Check:
    typed = ident(rule.column)
    low = _scale_bound(rule, rule.min_column, 1)
    high = _scale_bound(rule, rule.max_column, 2)
    return Check(
        condition=f"coalesce({typed} < {low} or {typed} > {high}, false)",
        column=rule.column,
        rule=rule.rule,
        reason=(
            f"'column {rule.column}: ' || {_quoted(raw_name(rule.column))} || ' is outside the scale ' "
            f"|| coalesce(cast({low} as varchar), '?') || '-' || coalesce(cast({high} as varchar), '?')"
        ),
    )


def _currency_check(rule: KnownCurrency) -> Check:
    """Read when the checks are built: env reporting currency + the exchange-rate seed."""
    known = known_currencies()
    code = f"upper(trim(cast({raw_name(rule.column)} as varchar)))"
    return Check(
        condition=f"coalesce({code} not in ({literal_list(known)}), false)",
        column=rule.column,
        rule=rule.rule,
        reason=(
            f"'column {rule.column}: unknown currency ' || {_quoted(code)} || {literal(' ' + unknown_currency_note())}"
        ),
    )


def _rule_check(entity: Entity, rule: RowRule) -> Check:
    if isinstance(rule, InScale):
        return _scale_check(rule)
    if isinstance(rule, KnownCurrency):
        return _currency_check(rule)
    if isinstance(rule, NonNegative):
        typed = ident(rule.column)
        return Check(
            condition=f"coalesce({typed} < 0, false)",
            column=rule.column,
            rule=rule.rule,
            reason=f"'column {rule.column}: negative value (' || cast({typed} as varchar) || ')'",
        )
    if isinstance(rule, Ordered):
        high, low = ident(rule.high), ident(rule.low)
        return Check(
            condition=f"coalesce({high} < {low}, false)",
            column=rule.high,
            rule=rule.rule,
            reason=f"'column {rule.high}: ' || {_quoted(high)} || ' is before {rule.low} ' || {_quoted(low)}",
        )
    # The condition column is compared on its typed value (enums are already lower-cased).
    values = ", ".join(rule.when_values)
    return Check(
        condition=(
            f"coalesce({ident(rule.when_column)} in ({literal_list(rule.when_values)}) "
            f"and {raw_name(rule.column)} is null, false)"
        ),
        column=rule.column,
        rule=rule.rule,
        reason=f"'column {rule.column}: missing, required when {rule.when_column} = {values}'",
    )


def build_checks(entity: Entity) -> list[Check]:
    checks: list[Check] = []
    for column in entity.columns:
        checks.extend(_value_checks(column))
    checks.extend(_rule_check(entity, rule) for rule in entity.rules)
    return checks


def build_checked_query(entity: Entity, staged: StagedFile) -> str:
    """SELECT _line, _raw_<col>..., <col>... FROM the staged relation."""
    raws = [f"{_raw_expression(c, staged.columns.get(c.name))} as {raw_name(c.name)}" for c in entity.columns]
    typed = [f"{_typed_expression(c, staged.columns.get(c.name))} as {ident(c.name)}" for c in entity.columns]
    raw_columns = ", ".join(raw_name(c.name) for c in entity.columns)
    return (
        f"select _line, {raw_columns}, {', '.join(typed)} from ("
        f"select {staged.line_expression} as _line, {', '.join(raws)} "
        f"from {staged.relation})"
    )


def any_failed(checks: list[Check]) -> str:
    """True when the row breaks at least one check."""
    return " or ".join(check.condition for check in checks) if checks else "false"


def quarantine_fields(checks: list[Check]) -> dict[str, str]:
    """SQL for column_name, rule and raw_value of the first failing check, and all reasons."""
    if not checks:
        return {
            "column_name": "null",
            "rule": "null",
            "raw_value": "null",
            "reasons": "''",
        }

    column_name = " ".join(f"when {c.condition} then {literal(c.column)}" for c in checks)
    rule = " ".join(f"when {c.condition} then {literal(c.rule)}" for c in checks)
    raw_value = " ".join(f"when {c.condition} then cast({raw_name(c.column)} as varchar)" for c in checks)
    reasons = ", ".join(f"case when {c.condition} then {c.reason} end" for c in checks)
    return {
        "column_name": f"case {column_name} end",
        "rule": f"case {rule} end",
        "raw_value": f"case {raw_value} end",
        "reasons": f"concat_ws('; ', {reasons})",
    }
