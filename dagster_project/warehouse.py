"""The single-writer rule for the warehouse DuckDB file.

DuckDB allows one read-write process or many read-only ones. Every step that writes the
warehouse (a raw load, ``dbt build``, publishing) holds an exclusive ``flock`` on
``<data-dir>/warehouse.lock`` for its duration, so a schedule, a sensor-triggered run and a
manual materialisation from the UI queue behind each other instead of failing on DuckDB's lock.
Readers never open the warehouse: BI tools read the published ``mart.duckdb``.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

DEFAULT_LOCK_TIMEOUT_SECONDS = 3600.0


class WarehouseBusyError(RuntimeError):
    """Another process held the warehouse lock for longer than the timeout."""


@contextmanager
def warehouse_lock(lock_path: Path, timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_seconds
    with lock_path.open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"{lock_path}: another pipeline step held the warehouse lock for {timeout_seconds:.0f} s"
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def connect(path: Path, read_only: bool = False, memory_limit: str = "2GB") -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file with the pipeline's session settings (UTC, bounded memory)."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = '{memory_limit}'")
    return con
