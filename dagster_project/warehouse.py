"""The single-writer rule for the warehouse DuckDB file.

DuckDB allows one read-write process or many read-only ones. Every step that writes the
warehouse (a raw load, ``dbt build``, publishing) holds an exclusive ``flock`` on
``<data-dir>/warehouse.lock`` for its duration, so a schedule, a sensor-triggered run and a
manual materialisation from the UI queue behind each other instead of failing on DuckDB's lock.
Readers never open the warehouse: BI tools read the published ``support_kpi.duckdb``.

A whole ``support-kpi run`` additionally holds ``<data-dir>/run.lock`` (``run_lock``), taken
without waiting: a second run on the same data folder refuses at once instead of queueing.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

DEFAULT_LOCK_TIMEOUT_SECONDS = 3600.0
RUN_LOCK_NAME = "run.lock"
# sysexits.h EX_TEMPFAIL: not an error of this run's input, try again later.
EXIT_RUN_IN_PROGRESS = 75


class WarehouseBusyError(RuntimeError):
    """Another process held the warehouse lock for longer than the timeout."""


class RunInProgressError(RuntimeError):
    """Another ``support-kpi run`` holds the run lock of the same data folder."""

    def __init__(self, data_dir: Path, pid: int | None, started_at: str | None) -> None:
        holder = f"pid {pid if pid is not None else 'unknown'}, started {started_at or 'at an unknown time'}"
        super().__init__(f"another run is in progress on {data_dir} ({holder}); nothing was changed")
        self.data_dir = data_dir
        self.pid = pid
        self.started_at = started_at


def _lock_holder(fd: int) -> tuple[int | None, str | None]:
    """(pid, started_at) the holder wrote into the lock file; (None, None) while it is still writing."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return None, None
    pid = info.get("pid") if isinstance(info, dict) else None
    started = info.get("started_at") if isinstance(info, dict) else None
    return (pid if isinstance(pid, int) else None), (started if isinstance(started, str) else None)


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``<data-dir>/run.lock`` for a whole run, or raise ``RunInProgressError`` at once.

    ``flock`` is tied to the open file: the kernel releases it when the holder exits or is
    killed, so a crashed run never leaves a stale lock (the pid left in the file is only
    informative).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / RUN_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, started_at = _lock_holder(fd)
            raise RunInProgressError(data_dir, pid, started_at) from None
        holder = {"pid": os.getpid(), "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def run_lock_held(data_dir: Path) -> bool:
    """Is ``<data-dir>/run.lock`` held by a run now? A probe: takes and drops the lock at once."""
    path = data_dir / RUN_LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing the file drops a lock taken here
    return False


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
