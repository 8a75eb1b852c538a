"""Test hook: pause a run at a named point so a test can SIGKILL it there deterministically.

Off by default. Only when ``SUPPORT_KPI_FAULT_PAUSE`` names a point (comma-separated for
several) does the run print ``FAULT-PAUSE <point> pid=<pid>`` on stderr at that point and sleep
(``SUPPORT_KPI_FAULT_PAUSE_SECONDS``, default 600) before carrying on. Used by
``tests/test_faults.py``; never set it in production.

Points:
- ``load``: inside a raw file's load transaction, after its good and quarantined rows and its
  ledger row are inserted, just before the commit;
- ``publish_tmp``: the new mart is written, checkpointed and fsynced to its temporary file,
  ``os.replace`` has not happened yet;
- ``publish_replaced``: ``support_kpi.duckdb`` is the new file, ``published_state.json`` is not written yet.

A kill during ``dbt build`` needs no hook: the fault tests wait for dbt's progress lines.
"""

from __future__ import annotations

import os
import sys
import time

FAULT_ENV = "SUPPORT_KPI_FAULT_PAUSE"
PAUSE_SECONDS_ENV = "SUPPORT_KPI_FAULT_PAUSE_SECONDS"
MARKER = "FAULT-PAUSE"
POINTS = ("load", "publish_tmp", "publish_replaced")


def requested() -> set[str]:
    """The pause points named in the environment (empty: the hook does nothing)."""
    from dagster_project.config import current

    return set(current().testing.fault_pause)


def pause_point(point: str) -> None:
    """Print the marker and sleep when the environment asks to pause at ``point``; else nothing."""
    if point not in POINTS:
        raise ValueError(f"unknown fault point {point!r}; known: {', '.join(POINTS)}")
    if point not in requested():
        return
    print(f"{MARKER} {point} pid={os.getpid()}", file=sys.stderr, flush=True)
    from dagster_project.config import current

    time.sleep(current().testing.fault_pause_seconds)


def check_requested() -> None:
    """Fail early on a misspelt point in the environment (a pause that never comes would hang a test)."""
    unknown = requested() - set(POINTS)
    if unknown:
        raise ValueError(
            f"{FAULT_ENV}: unknown fault point(s) {', '.join(sorted(unknown))}; known: {', '.join(POINTS)}"
        )
