"""The instance's event log: Dagster's consolidated SQLite storage, with one engine per process.

Dagster's ``ConsolidatedSqliteEventLogStorage`` makes a new SQLAlchemy engine and SQLite connection
for every read and write (``NullPool``) and closes it after. A run stores ~1,200 events (planned
assets and checks, one materialization per dbt model, step outputs, logs), several connections
each; closing the last connection to a WAL database also checkpoints it. Profiled on a run with
nothing new (cProfile): 376 events cost 2.9 s, most of it opening, committing and closing
connections. This subclass keeps one engine per storage object, whose pool reuses connections;
reads, writes, tables and migrations are Dagster's own. Other processes (``support-kpi ui``'s
webserver and daemon) open the same file the same way; SQLite's WAL mode (Dagster's setting for
this file) lets them read while a run writes. Selected in the instance's ``dagster.yaml``
(dagster_project/instance.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData


class PooledSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    """``ConsolidatedSqliteEventLogStorage`` whose connections come from one engine's pool."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engine: db.engine.Engine | None = None
        self._engine_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    def _pooled_engine(self) -> db.engine.Engine:
        with self._engine_lock:
            if self._engine is None:
                self._engine = db.create_engine(
                    self._conn_string, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                )
            return self._engine

    @contextmanager
    def _connect(self) -> Iterator[db.engine.Connection]:
        with self._pooled_engine().connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
