"""What the published mart was built from, so a run with nothing new can skip all work.

After a publish we record the dbt project fingerprint (models, macros, seeds, config), the
fingerprint of every setting that shapes the mart (config.fingerprint_values: reporting currency
and time zone, dbt vars, adapter mappings, the pseudonym key as a keyed hash) and the loader's
generation (highest ``batch_id`` in ``raw_meta.loaded_files``). A later run is a no-op when the
mart file exists, the project fingerprint and the settings are the same, the ledger has not moved
and no landing file is new, changed or read under an older adapter mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from dagster_project.config import changes, describe_changes, fingerprint_values
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
                "settings": fingerprint_values(settings),
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
    recorded = state.get("settings")
    if not isinstance(recorded, dict):
        return Freshness(False, "settings not recorded by the last publish")
    changed = changes(recorded, fingerprint_values(settings))
    if changed:
        return Freshness(False, describe_changes(changed))
    if not settings.warehouse_path.exists():
        return Freshness(False, "no warehouse yet")
    with warehouse_lock(settings.lock_path):
        con = connect(settings.warehouse_path, read_only=True)
        try:
            if _ledger_generation(con) != state.get("ledger_generation"):
                return Freshness(False, "raw data loaded since the last publish")
            for entity in ENTITIES:
                pending = pending_files(con, settings.landing_dir, entity, settings)
                if pending:
                    why = next((file.reload_reason for file in pending if file.reload_reason), None)
                    what = f"files for {entity.source}/{entity.name} to read again: {why}" if why else (
                        f"new or changed files for {entity.source}/{entity.name}"
                    )
                    return Freshness(False, what)
        finally:
            con.close()
    return Freshness(True, "no new landing files, seeds, models or settings since the last publish")
