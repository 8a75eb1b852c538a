"""One writer per data folder, inside the job: the ``pipeline`` resource guards every run.

Every asset and check of the project needs the ``pipeline`` resource (defs/resources.py). In a run,
its ``yield_for_execution`` enters :func:`guard_run`, which

1. takes ``<data-dir>/run.lock`` (``warehouse.run_lock``) without waiting, before any step reads or
   writes anything: when another run holds it, this run writes a *refused* report and fails at
   once with ``RunInProgressError`` ("another run is in progress on ... nothing was changed");
2. holds it for the whole run: the project runs on the in-process executor (set below for every
   job, the UI's ad-hoc asset runs included), which initialises the resources once per run and
   tears them down after the last step (dagster/_core/executor/in_process.py);
3. at teardown, still holding the lock, writes the run report from the run's event log
   (dagster_project/run_report.py): success, failure or skipped.

So ``support-kpi run``, the schedule, the landing sensor, the UI and a backfill all get the same
guarantee. Runs launched by the daemon additionally wait in Dagster's run queue (at most one in
progress per instance, ``<data-dir>/dagster/dagster.yaml``, dagster_project/instance.py).
Outside a run (a sensor evaluating with the resource), or once the run is over, the guard does
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg

from dagster_project.run_report import RunStart, refused_report, run_report, trigger_of, write_report
from dagster_project.settings import Settings
from dagster_project.warehouse import RunInProgressError, run_lock

# On every guarded run: the data folder it held (to find runs killed while holding it).
DATA_DIR_TAG = "support_kpi/data_dir"
# A guarded run that is killed stays in one of these for ever (nothing reports its end).
_RUNNING = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


@contextmanager
def guard_run(settings_of: Callable[[], Settings], context: dg.InitResourceContext) -> Iterator[None]:
    """Hold the data folder for the run of ``context`` and write its report; see the module doc."""
    run, instance = context.run, context.instance
    if run is None or instance is None or _finished(instance, run.run_id):
        # Not in a run (a sensor evaluating), or after it: `dagster job execute` (dagster's
        # execute_job) initialises the resources again once the run is over, to read outputs.
        yield
        return
    settings = settings_of()
    start = RunStart(run_id=run.run_id, trigger=trigger_of(run.tags), settings=settings)
    with ExitStack() as held:
        try:
            held.enter_context(run_lock(settings.data_dir))
        except RunInProgressError as busy:
            path = write_report(settings, refused_report(start, str(busy)))
            if context.log is not None:
                context.log.error(f"run refused, nothing read or written; run report: {path}")
            raise
        _mark_dead_runs_failed(instance, run.run_id, settings)
        from dagster_project.testing.faults import check_requested

        check_requested()
        try:
            yield
        finally:
            # Still under the run lock: the next run sees this run's report.
            path = write_report(settings, run_report(start, instance))
            if context.log is not None:
                context.log.info(f"run report: {path}")


def _mark_dead_runs_failed(instance: dg.DagsterInstance, run_id: str, settings: Settings) -> None:
    """Tag this run with its data folder; mark runs of the folder still "in progress" failed.

    This run holds the folder's run lock, and a live run on the folder holds it for its whole
    run: any other run tagged with the folder and still in progress was killed (the kernel
    released its lock). Left as it is, it would count against the run queue's limit for ever.
    """
    folder = str(settings.data_dir)
    instance.add_run_tags(run_id, {DATA_DIR_TAG: folder})
    stale = instance.get_runs(dg.RunsFilter(statuses=_RUNNING, tags={DATA_DIR_TAG: folder}))
    for dead in stale:
        if dead.run_id != run_id:
            instance.report_run_failed(dead, message=f"died during the run: its run lock on {folder} was free")


def _finished(instance: dg.DagsterInstance, run_id: str) -> bool:
    stored = instance.get_run_by_id(run_id)
    return stored is not None and stored.is_finished


@dg.definitions
def defs() -> dg.Definitions:
    # Default executor of every job of the code location (the implicit asset job of the UI's
    # "Materialize" included): one process per run, so the guard lives for the whole run.
    return dg.Definitions(executor=dg.in_process_executor)
