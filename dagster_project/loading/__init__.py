"""Landing files -> raw_<source>.<entity> tables, validated against the source contract."""

from dagster_project.loading.errors import ContractError
from dagster_project.loading.files import LandingFile, pending_files
from dagster_project.loading.loader import EntityLoadResult, FileLoadResult, load_entity
from dagster_project.loading.schema import ensure_raw_schema

__all__ = [
    "ContractError",
    "EntityLoadResult",
    "FileLoadResult",
    "LandingFile",
    "ensure_raw_schema",
    "load_entity",
    "pending_files",
]
