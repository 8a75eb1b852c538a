"""What the published mart was built from, so a run with nothing new can skip all work.

After a publish we record the dbt project fingerprint (models, macros, seeds, config) and the
loader's generation (highest ``batch_id`` in ``raw_meta.loaded_files``). A later run is a no-op
when the mart file exists, the project fingerprint is the same, the ledger has not moved and no
landing file is new or changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from dagster_project.contract import ENTITIES
from dagster_project.loading import pending_files
from dagster_project.manifest import project_fingerprint
from dagster_project.publish import write_atomic
from dagster_project.settings import Settings
from dagster_project.warehouse import connect, warehouse_lock


@dataclass(frozen=True)
class Freshness:
    up_to_date: bool
    reason: str


def _ledger_generation(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select coalesce(max(batch_id), 0) from raw_meta.loaded_files").fetchone()[0])


def record_published_state(settings: Settings) -> None:
    """Called under the warehouse lock right after a successful publish."""
    con = connect(settings.warehouse_path, read_only=True)
    try:
        generation = _ledger_generation(con)
    finally:
        con.close()
    # Atomic: a run killed while writing must not leave a truncated file behind.
    write_atomic(
        settings.state_path,
        json.dumps(
            {
                "project_fingerprint": project_fingerprint(),
                "ledger_generation": generation,
                "published_at": datetime.now(UTC).isoformat(),
            },
            indent=2,
        ),
    )


def check_freshness(settings: Settings) -> Freshness:
    if not settings.mart_path.exists() or not settings.state_path.exists():
        return Freshness(False, "no published mart yet")
    try:
        state = json.loads(settings.state_path.read_text())
    except (OSError, ValueError):
        state = None
    if not isinstance(state, dict):
        return Freshness(False, f"{settings.state_path.name} is unreadable")
    if state.get("project_fingerprint") != project_fingerprint():
        return Freshness(False, "dbt models, seeds or config changed")
    if not settings.warehouse_path.exists():
        return Freshness(False, "no warehouse yet")
    with warehouse_lock(settings.lock_path):
        con = connect(settings.warehouse_path, read_only=True)
        try:
            if _ledger_generation(con) != state.get("ledger_generation"):
                return Freshness(False, "raw data loaded since the last publish")
            for entity in ENTITIES:
                pending = pending_files(con, settings.landing_dir, entity)
                if pending:
                    return Freshness(False, f"new or changed files for {entity.source}/{entity.name}")
        finally:
            con.close()
    return Freshness(True, "no new landing files, seeds or models since the last publish")
