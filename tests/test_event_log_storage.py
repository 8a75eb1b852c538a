"""The instance's event log storage (dagster_project/event_log_storage.py): Dagster's consolidated
SQLite storage with pooled connections stores and reads runs' events as the stock one does, from
any thread, and leaves a file the stock storage reads."""

import threading
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage

from dagster_project.event_log_storage import PooledSqliteEventLogStorage


@dg.op
def count_to(context: dg.OpExecutionContext) -> int:
    for number in range(20):
        context.log.info(f"number {number}")
    return 20


@dg.job
def counting() -> None:
    count_to()


def logged_numbers(storage: ConsolidatedSqliteEventLogStorage, run_id: str) -> list[str]:
    return [
        record.event_log_entry.user_message
        for record in storage.get_records_for_run(run_id).records
        if record.event_log_entry.user_message.startswith("number ")
    ]


def test_runs_store_and_read_their_events(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "event_log_storage:\n"
        "  module: dagster_project.event_log_storage\n"
        "  class: PooledSqliteEventLogStorage\n"
        "  config:\n"
        f"    base_dir: {home / 'history'}\n"
    )
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        results = [counting.execute_in_process(instance=instance) for _ in range(2)]
        assert all(result.success for result in results)
        run_ids = [result.run_id for result in results]
        # the same engine serves every connection; another thread reads through it too
        engine = storage._pooled_engine()
        read: dict[str, list[str]] = {}
        reader = threading.Thread(target=lambda: read.update({run_ids[0]: logged_numbers(storage, run_ids[0])}))
        reader.start()
        reader.join()
        assert storage._pooled_engine() is engine
        assert read[run_ids[0]] == [f"number {n}" for n in range(20)]
    # the stock storage (another process, an older dagster.yaml) reads the same file
    stock = ConsolidatedSqliteEventLogStorage(str(home / "history"))
    try:
        for run_id in run_ids:
            assert logged_numbers(stock, run_id) == [f"number {n}" for n in range(20)]
    finally:
        stock.dispose()
    assert storage._engine is None  # disposed with the instance
