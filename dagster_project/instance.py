"""The persistent Dagster instance of a data folder: ``<data-dir>/dagster/`` (a DAGSTER_HOME).

``support-kpi run`` records its runs there and ``support-kpi ui`` (``dagster dev``: webserver and
daemon) uses it too, so the UI lists every run, whoever started it. Its ``dagster.yaml`` (written
when missing, never overwritten) keeps the SQLite run, event-log and schedule storage inside the
folder (Dagster's default for a DAGSTER_HOME), queues the runs the daemon launches with at most
one in progress, and turns telemetry off. An explicit ``DAGSTER_HOME`` in the environment wins
(a deployment's own instance), for the CLI and the UI alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from dagster_project.publish import write_atomic
from dagster_project.settings import Settings

DAGSTER_HOME_ENV = "DAGSTER_HOME"
DAGSTER_DIR_NAME = "dagster"
DAGSTER_YAML = "dagster.yaml"
MAX_CONCURRENT_RUNS = 1

INSTANCE_CONFIG_TEMPLATE = """\
# Dagster instance of this support-kpi data folder (written by dagster_project/instance.py when
# missing; edit freely, it is not overwritten). Storage: SQLite files inside this folder.

# Runs launched by the daemon (schedule, sensor, UI, backfill) wait in Dagster's queue: at most
# {max_concurrent_runs} in progress. Runs executed directly (`support-kpi run`, `dagster job execute`)
# do not pass the queue; the job's run lock (<data-dir>/run.lock) refuses them while another runs.
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator

concurrency:
  runs:
    max_concurrent_runs: {max_concurrent_runs}

telemetry:
  enabled: false

# All runs' events in one SQLite file (history/event_log.db) instead of one file per run: a run
# writes ~1,200 events (planned assets, one per dbt model, step outputs, logs); measured on the
# golden helpdesk fixture, one consolidated file made `support-kpi run` 84.7 s against 110.6 s.
# Dagster's ConsolidatedSqliteEventLogStorage with its connections pooled (one engine per process
# instead of one per event): a run with nothing new 6.1 s -> 4.9 s (dagster_project/event_log_storage.py).
event_log_storage:
  module: dagster_project.event_log_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {history_dir}
"""


def instance_config(home: Path) -> str:
    """The ``dagster.yaml`` written into a new instance folder ``home``."""
    return INSTANCE_CONFIG_TEMPLATE.format(
        max_concurrent_runs=MAX_CONCURRENT_RUNS, history_dir=json.dumps(str(home / "history"))
    )


def dagster_home(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    """``$DAGSTER_HOME`` when set, else ``<data-dir>/dagster``."""
    if env is None:
        from dagster_project.config import dagster_home as explicit_home

        explicit_path = explicit_home()
        explicit = str(explicit_path) if explicit_path else None
    else:
        explicit = env.get(DAGSTER_HOME_ENV)
    return Path(explicit).resolve() if explicit else settings.data_dir / DAGSTER_DIR_NAME


def ensure_dagster_home(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    """The instance folder, created with its ``dagster.yaml`` when missing."""
    home = dagster_home(settings, env)
    home.mkdir(parents=True, exist_ok=True)
    config = home / DAGSTER_YAML
    if not config.exists():
        write_atomic(config, instance_config(home))
    return home


def open_instance(settings: Settings, env: Mapping[str, str] | None = None) -> dg.DagsterInstance:
    """The persistent instance of the data folder (a context manager: ``with open_instance(...)``)."""
    return dg.DagsterInstance.from_config(str(ensure_dagster_home(settings, env)))
