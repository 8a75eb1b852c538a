"""Vendor formats -> rows of the landing contract (read from extra landing folders).

An adapter owns a folder `<landing>/<source>/<adapter name>/`; the loader lists its files with
the entity's own files, tracks them in the same ledger and validates the adapter's rows like any
landing row. See docs/asterisk.md for the Asterisk adapters.
"""

from dagster_project.adapters.base import Adapter, AdapterOutput, RejectedLine
from dagster_project.adapters.registry import ADAPTERS, adapters_for, get_adapter

__all__ = [
    "ADAPTERS",
    "Adapter",
    "AdapterOutput",
    "RejectedLine",
    "adapters_for",
    "get_adapter",
]
