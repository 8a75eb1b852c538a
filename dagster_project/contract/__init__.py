"""The landing contract as code: one declaration drives loading, checks, docs and dbt sources."""

from dagster_project.contract.model import (
    METADATA_COLUMNS,
    Column,
    ColumnType,
    Entity,
    InScale,
    KnownCurrency,
    MetadataColumn,
    NonNegative,
    Ordered,
    RequiredWhen,
    RowRule,
)
from dagster_project.contract.registry import (
    ENTITIES,
    SOURCE_DESCRIPTIONS,
    SOURCES,
    entities_of,
    get_entity,
)

__all__ = [
    "ENTITIES",
    "METADATA_COLUMNS",
    "SOURCES",
    "SOURCE_DESCRIPTIONS",
    "Column",
    "ColumnType",
    "Entity",
    "InScale",
    "KnownCurrency",
    "MetadataColumn",
    "NonNegative",
    "Ordered",
    "RequiredWhen",
    "RowRule",
    "entities_of",
    "get_entity",
]
