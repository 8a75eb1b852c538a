"""The dbt side of the settings: a profiles.yml rendered from them, and the dbt vars.

The pipeline's `dbt build` runs with ``--profiles-dir <data-dir>/dbt`` (a profiles.yml written here
from the settings: warehouse path, threads, memory limit, and the toml file for the pseudonym
plugin, which loads the same settings inside dbt) and ``--vars '{...}'`` (every var of
dbt_project.yml, from the settings). dbt_project/profiles.yml stays for dbt run by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from dagster_project.publish import write_atomic
from dagster_project.settings import Settings

PROFILE_NAME = "support_kpi"

# dbt's debug file log (every statement, ~4 MB a run at scale 1) is off for the pipeline's builds
# and the tests' own: the build's log is its info stream, teed to logs/dbt-build.log, and the SQL
# each node ran stays in target/run/. It cost 1.5 s of a 17 s incremental build (DECISIONS.md).
NO_FILE_LOG = ("--log-level-file", "none")


def profile(settings: Settings) -> dict[str, Any]:
    plugin: dict[str, Any] = {"module": "dagster_project.dbt_plugins.pseudonym"}
    config_path = settings.values().config_path
    if config_path is not None:
        plugin["config"] = {"config_path": str(config_path)}
    return {
        PROFILE_NAME: {
            "target": "dev",
            "outputs": {
                "dev": {
                    "type": "duckdb",
                    # Relative: dbt runs in the data dir (dbt_in_data_dir.py), so the profile, and
                    # dbt's parse saved under it, is the same for every data dir (dbt_parse_cache.py).
                    "path": settings.warehouse_path.name,
                    "threads": settings.dbt.threads,
                    "settings": {
                        "TimeZone": "UTC",
                        "memory_limit": settings.dbt.memory,
                        "preserve_insertion_order": False,
                    },
                    "plugins": [plugin],
                }
            },
        }
    }


def profile_text(settings: Settings) -> str:
    header = "# Written by the pipeline from its settings (dagster_project/dbt_profile.py); do not edit.\n"
    return header + yaml.safe_dump(profile(settings), sort_keys=True)


def write_profile(settings: Settings) -> Path:
    """``<data-dir>/dbt/profiles.yml`` from the settings (no secret in it); its folder. Its
    warehouse path is relative to the data dir, where dbt runs."""
    folder = settings.dbt_profiles_dir
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "profiles.yml", profile_text(settings))
    return folder


def dbt_vars(settings: Settings) -> str:
    return json.dumps(settings.dbt_vars(), sort_keys=True)


def dbt_settings_args(settings: Settings) -> list[str]:
    """``--profiles-dir`` (rendered now) and ``--vars`` for a dbt command of the pipeline. The vars
    change only with the settings, so dbt's partial parsing holds from run to run; what each build
    treats as new is in the warehouse (``raw_meta.build_plan``, state.BuildPlan)."""
    return ["--profiles-dir", str(write_profile(settings)), "--vars", dbt_vars(settings)]
