"""Building blocks of the source contract: columns, row rules and entities.

Everything is a frozen dataclass so a declaration can be shared, hashed and compared. The loader,
the docs and the dbt source files are all derived from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "num", "bool", "ts", "date"]

COLUMN_TYPES: tuple[ColumnType, ...] = ("text", "int", "num", "bool", "ts", "date")

# Warehouse (DuckDB) type of each contract type.
DUCKDB_TYPES: dict[ColumnType, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "num": "DOUBLE",
    "bool": "BOOLEAN",
    "ts": "TIMESTAMP",
    "date": "DATE",
}


@dataclass(frozen=True)
class Column:
    """One column of a landing entity."""

    name: str
    type: ColumnType
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    pii: bool = False
    default_note: str = ""
    # An enum value that stands for "anything else": an unknown value is loaded as this one
    # (and counted in the load result) instead of being quarantined.
    enum_fallback: str | None = None

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.enum and self.type != "text":
            raise ValueError(f"column {self.name}: enums are only allowed on text columns")
        if any(value != value.strip().lower() for value in self.enum):
            raise ValueError(f"column {self.name}: enum values must be lower-case and trimmed")
        if self.enum_fallback is not None and self.enum_fallback not in self.enum:
            raise ValueError(f"column {self.name}: enum_fallback must be one of the enum values")

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class NonNegative:
    """The column, when present, must be >= 0 (durations, counts, amounts)."""

    column: str

    @property
    def rule(self) -> str:
        return "non_negative"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"`{self.column}` >= 0"


@dataclass(frozen=True)
class Ordered:
    """When both are set, `high` must be >= `low` (end >= start, max >= min)."""

    high: str
    low: str
    rule: str = "end_before_start"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.high, self.low)

    def describe(self) -> str:
        return f"`{self.high}` >= `{self.low}` when both are set"


@dataclass(frozen=True)
class RequiredWhen:
    """`column` must be set when `when_column` has one of `when_values`."""

    column: str
    when_column: str
    when_values: tuple[str, ...]

    @property
    def rule(self) -> str:
        return "conditional_required"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, self.when_column)

    def describe(self) -> str:
        values = ", ".join(self.when_values)
        return f"`{self.column}` is required when `{self.when_column}` is {values}"


@dataclass(frozen=True)
class InScale:
    """When set, `column` must lie within [`min_column`, `max_column`]; a missing bound falls back
    to the default of the row's `type_column` value (`defaults`: (type, min, max) triples)."""

    column: str
    min_column: str
    max_column: str
    type_column: str
    defaults: tuple[tuple[str, int, int], ...]

    @property
    def rule(self) -> str:
        return "score_out_of_scale"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, self.min_column, self.max_column, self.type_column)

    def describe(self) -> str:
        defaults = ", ".join(f"{name} {low}-{high}" for name, low, high in self.defaults)
        return (
            f"`{self.column}` within [`{self.min_column}`, `{self.max_column}`] when set "
            f"(missing bounds default by `{self.type_column}`: {defaults})"
        )


@dataclass(frozen=True)
class KnownCurrency:
    """`column` (trimmed, upper-cased; missing = the reporting currency) must be the reporting
    currency (env SUPPORT_KPI_REPORTING_CURRENCY, default EUR) or have a rate in
    seeds/exchange_rates.csv. The loader reads both when it loads a file."""

    column: str

    @property
    def rule(self) -> str:
        return "unknown_currency"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return (
            f"`{self.column}` (trimmed, upper-cased; missing = reporting currency) is the reporting "
            "currency or listed in `seeds/exchange_rates.csv`"
        )


RowRule = NonNegative | Ordered | RequiredWhen | InScale | KnownCurrency


@dataclass(frozen=True)
class Entity:
    """One landing entity: `<landing>/<source>/<name>/*` -> `raw_<source>.<name>`."""

    source: str
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    version_column: str | None = None
    rules: tuple[RowRule, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.qualified_name}: duplicate column names")
        known = set(names)
        referenced = list(self.primary_key)
        if self.version_column:
            referenced.append(self.version_column)
        for rule in self.rules:
            referenced.extend(rule.columns)
        unknown = [name for name in referenced if name not in known]
        if unknown:
            raise ValueError(f"{self.qualified_name}: unknown columns {unknown}")
        for name in self.primary_key:
            if not self.column(name).required:
                raise ValueError(f"{self.qualified_name}: key column {name} must be required")

    @property
    def qualified_name(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.source}"

    @property
    def raw_table(self) -> str:
        return f"{self.raw_schema}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.qualified_name} has no column {name!r}")


@dataclass(frozen=True)
class MetadataColumn:
    """A column the loader adds to every raw table."""

    name: str
    duckdb_type: str
    description: str


METADATA_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn(
        "_batch_id",
        "BIGINT",
        "Load batch: increases with every file load, a later file has a higher id.",
    ),
    MetadataColumn("_source_file", "VARCHAR", "Landing file the row came from, relative to the landing folder."),
    MetadataColumn(
        "_source_line",
        "BIGINT",
        "Record position in the file: CSV header is line 1, first record line 2 (a quoted "
        "multi-line value counts as one line); parquet/jsonl: record ordinal from 1.",
    ),
    MetadataColumn("_loaded_at", "TIMESTAMP", "When the loader inserted the row (UTC)."),
)
