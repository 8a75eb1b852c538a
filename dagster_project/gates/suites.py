"""Gate suites as declarative lists, derived from the contract, and their build into GX suites.

`suite_for(entity)` lists what a new raw batch of the entity must satisfy; `scorecard_suite()` what
the monthly scorecard must satisfy. Both are plain data (docs and tests list them); `build_suite`
turns a list into a Great Expectations suite (GX is imported there, not at module load).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from dagster_project.contract import Entity, InScale, KnownCurrency, NonNegative, Ordered, RequiredWhen
from dagster_project.contract.gates import (
    EARLIEST_TIMESTAMP,
    FUTURE_TOLERANCE_DAYS,
    references_of,
    volume_swing_pct,
)
from dagster_project.contract.model import ColumnType

Severity = Literal["error", "warning"]

# pandas dtype of each contract type in the frames the gates validate (see gates.raw.to_frame).
# numpy numbers and datetime64[ns] keep GX's between checks vectorised; an int column with nulls
# arrives as float64.
PANDAS_TYPES: dict[ColumnType, tuple[str, ...]] = {
    "text": ("StringDtype",),
    "int": ("int64", "float64"),
    "num": ("float64",),
    "bool": ("BooleanDtype",),
    "ts": ("datetime64[ns]",),
    "date": ("datetime64[ns]",),
}

# Columns every raw frame carries besides the contract columns; failing rows are shown with them.
INDEX_COLUMNS: tuple[str, ...] = ("_batch_id", "_source_line")

GX_SEVERITY: dict[Severity, str] = {"error": "critical", "warning": "warning"}


@dataclass(frozen=True)
class GateExpectation:
    """One expectation: the GX class name, its arguments, severity and a plain-language reason."""

    expectation: str
    kwargs: dict[str, Any] = field(hash=False)
    severity: Severity
    description: str

    @property
    def name(self) -> str:
        """GX's snake-case name, e.g. expect_column_values_to_not_be_null."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.expectation).lower()

    @property
    def columns(self) -> tuple[str, ...]:
        kwargs = self.kwargs
        if "column" in kwargs:
            return (kwargs["column"],)
        if "column_list" in kwargs:
            return tuple(kwargs["column_list"])
        return tuple(kwargs[key] for key in ("column_A", "column_B") if key in kwargs)

    @property
    def label(self) -> str:
        """Name and columns: `expect_column_values_to_not_be_null(ticket_id)`."""
        return f"{self.name}({', '.join(self.columns)})"

    @property
    def mostly(self) -> float:
        return float(self.kwargs.get("mostly", 1.0))


def _error(expectation: str, description: str, **kwargs: Any) -> GateExpectation:
    return GateExpectation(expectation, kwargs, "error", description)


def scale_bound_columns(rule: InScale) -> tuple[str, str]:
    """Derived columns holding the row's effective scale (defaults applied) of an InScale rule."""
    return f"_{rule.column}_scale_min", f"_{rule.column}_scale_max"


def currency_code_column(rule: KnownCurrency) -> str:
    """Derived column: the currency trimmed and upper-cased (null = the reporting currency)."""
    return f"_{rule.column}_code"


def _rule_expectations(rule: object) -> list[GateExpectation]:
    if isinstance(rule, NonNegative):
        return [_error("ExpectColumnValuesToBeBetween", rule.describe(), column=rule.column, min_value=0)]
    if isinstance(rule, Ordered):
        return [
            _error(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                rule.describe(),
                column_A=rule.high,
                column_B=rule.low,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        ]
    if isinstance(rule, RequiredWhen):
        values = ", ".join(f'"{value}"' for value in rule.when_values)
        return [
            _error(
                "ExpectColumnValuesToNotBeNull",
                rule.describe(),
                column=rule.column,
                row_condition=f"{rule.when_column} in [{values}]",
                condition_parser="pandas",
            )
        ]
    if isinstance(rule, InScale):
        low, high = scale_bound_columns(rule)
        pair = {"or_equal": True, "ignore_row_if": "either_value_is_missing"}
        return [
            _error(
                "ExpectColumnPairValuesAToBeGreaterThanB", rule.describe(), column_A=rule.column, column_B=low, **pair
            ),
            _error(
                "ExpectColumnPairValuesAToBeGreaterThanB", rule.describe(), column_A=high, column_B=rule.column, **pair
            ),
        ]
    if isinstance(rule, KnownCurrency):
        from dagster_project.loading.currencies import known_currencies

        return [
            _error(
                "ExpectColumnValuesToBeInSet",
                rule.describe(),
                column=currency_code_column(rule),
                value_set=list(known_currencies()),
            )
        ]
    raise TypeError(f"no gate for rule {rule!r}")


def suite_for(entity: Entity, now: datetime | None = None) -> list[GateExpectation]:
    """The expectations a new batch of `entity` must meet, derived from its declaration.

    Error severity throughout: a failing batch is taken out again (see gates.raw). Uniqueness is
    per batch (`_batch_id` is part of the key, a frame may hold several batches).
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    latest = now + timedelta(days=FUTURE_TOLERANCE_DAYS)
    expectations: list[GateExpectation] = []
    for column in entity.columns:
        expectations.append(
            _error(
                "ExpectColumnValuesToBeInTypeList",
                f"`{column.name}` is {column.type}",
                column=column.name,
                type_list=list(PANDAS_TYPES[column.type]),
            )
        )
        if column.required:
            expectations.append(
                _error("ExpectColumnValuesToNotBeNull", f"`{column.name}` is required", column=column.name)
            )
        if column.enum:
            expectations.append(
                _error(
                    "ExpectColumnValuesToBeInSet",
                    f"`{column.name}` is one of the contract's values",
                    column=column.name,
                    value_set=list(column.enum),
                )
            )
        if column.type in ("ts", "date"):
            expectations.append(
                _error(
                    "ExpectColumnValuesToBeBetween",
                    f"`{column.name}` is plausible: not before {EARLIEST_TIMESTAMP:%Y-%m-%d}, "
                    f"at most {FUTURE_TOLERANCE_DAYS} day after now",
                    column=column.name,
                    min_value=EARLIEST_TIMESTAMP,
                    max_value=latest,
                )
            )
    key = [*entity.primary_key, *([entity.version_column] if entity.version_column else []), "_batch_id"]
    expectations.append(
        _error(
            "ExpectCompoundColumnsToBeUnique",
            f"primary key ({', '.join(key[:-1])}) unique within a batch",
            column_list=key,
        )
    )
    for rule in entity.rules:
        expectations.extend(_rule_expectations(rule))
    for reference in references_of(entity.source, entity.name):
        tolerance = reference.tolerance_pct()
        expectations.append(
            _error(
                "ExpectColumnValuesToBeInSet",
                f"`{reference.column}` names a known {reference.to_source}.{reference.to_entity} row "
                f"(up to {tolerance:g} % of a batch may not)",
                column=reference.derived_column,
                value_set=[True],
                mostly=round(1 - tolerance / 100, 6),
            )
        )
    return expectations


SCORECARD_INDEX_COLUMNS: tuple[str, ...] = ("month", "kpi_id")


def scorecard_suite() -> list[GateExpectation]:
    """Expectations on mart.kpi_scorecard_monthly (columns derived in gates.mart.SCORECARD_QUERY)."""
    band = volume_swing_pct()
    return [
        _error("ExpectCompoundColumnsToBeUnique", "one row per (month, kpi_id)", column_list=["month", "kpi_id"]),
        _error("ExpectColumnValuesToNotBeNull", "every KPI has a unit", column="unit"),
        _error(
            "ExpectColumnValuesToBeBetween",
            "percentages (unit percent; not changes or ratios of two counts, see contract.gates) within 0-100",
            column="percent_value",
            min_value=0,
            max_value=100,
        ),
        _error(
            "ExpectColumnValuesToBeBetween",
            "durations (seconds, minutes, hours) not negative",
            column="duration_value",
            min_value=0,
        ),
        _error(
            "ExpectColumnValuesToBeInSet",
            "counts are whole numbers",
            column="count_is_whole",
            value_set=[True],
        ),
        GateExpectation(
            "ExpectColumnValuesToBeBetween",
            {"column": "volume_swing_pct", "max_value": band},
            "warning",
            f"volume KPIs change by at most {band:g} % against the previous complete month",
        ),
    ]


def build_suite(name: str, expectations: list[GateExpectation]) -> Any:
    """A GX ExpectationSuite with the listed expectations (severity: error -> critical)."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=name)
    for item in expectations:
        cls = getattr(gx.expectations, item.expectation)
        suite.add_expectation(
            cls(
                **item.kwargs,
                severity=GX_SEVERITY[item.severity],
                meta={"severity": item.severity, "description": item.description, "label": item.label},
            )
        )
    return suite
