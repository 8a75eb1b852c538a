"""The semantic layer over the published mart (issue 15): MetricFlow's `mf` with the right project,
profile and mart.

Each publish stores the dbt build's ``semantic_manifest.json`` beside the mart it describes
(``<data-dir>/semantic_manifest.json``). ``support-kpi metrics …`` runs `mf` in
``<data-dir>/metrics/``, a folder holding only what `mf` reads: a ``dbt_project.yml``, a
``profiles.yml`` whose DuckDB connection is in memory with the published mart attached read-only
under the catalog name the manifest's relations carry, and ``target/semantic_manifest.json``. A
read-only attach never blocks a run: the publish replaces the mart file atomically beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dagster_project.config import child_env_without_dbt
from dagster_project.publish import write_atomic
from dagster_project.settings import Settings

SEMANTIC_MANIFEST = "semantic_manifest.json"


class SemanticLayerUnavailable(RuntimeError):
    """No published mart (or no semantic manifest published with it) to query."""


def publish_semantic_manifest(settings: Settings, target_path: Path) -> None:
    """Store the build's semantic manifest beside the mart just published (under the warehouse lock)."""
    source = target_path / SEMANTIC_MANIFEST
    if source.exists():
        write_atomic(settings.data_dir / SEMANTIC_MANIFEST, source.read_bytes())


def _catalog_of(manifest: dict) -> str | None:
    """The catalog (DuckDB database) name the semantic models' relations are qualified with; None
    when they are not (a Spark build's manifest: dbt-spark names relations schema.table)."""
    databases = {model["node_relation"]["database"] for model in manifest.get("semantic_models", [])}
    if len(databases) != 1:
        raise SemanticLayerUnavailable(f"the semantic manifest names {len(databases)} catalogs: {sorted(databases)}")
    return databases.pop()


def metrics_project(settings: Settings) -> Path:
    """Write ``<data-dir>/metrics/`` for `mf` (module docstring) and return it."""
    manifest_path = settings.data_dir / SEMANTIC_MANIFEST
    if not settings.mart_path.exists() or not manifest_path.exists():
        raise SemanticLayerUnavailable(
            f"no published mart with a semantic manifest in {settings.data_dir}: run `support-kpi run` first"
        )
    manifest = manifest_path.read_bytes()
    catalog = _catalog_of(json.loads(manifest))
    folder = settings.data_dir / "metrics"
    write_atomic(
        folder / "dbt_project.yml",
        "# Written by `support-kpi metrics` for MetricFlow; the models live in dbt_project/.\n"
        "name: support_kpi\nversion: '0.1.0'\nconfig-version: 2\nprofile: support_kpi\n",
    )
    mart = json.dumps(str(settings.mart_path.resolve()))
    if catalog is None:
        # schema.table names resolve in the default catalog: the mart file itself, opened read-only
        connection = f"      path: {mart}\n      config_options:\n        access_mode: READ_ONLY\n"
    else:
        connection = (
            "      path: ':memory:'\n"
            "      attach:\n"
            f"        - path: {mart}\n"
            f"          alias: {json.dumps(catalog)}\n"
            "          read_only: true\n"
        )
    write_atomic(
        folder / "profiles.yml",
        "# Written by `support-kpi metrics`: the published mart, read-only, under the manifest's catalog name.\n"
        "support_kpi:\n"
        "  target: metrics\n"
        "  outputs:\n"
        "    metrics:\n"
        "      type: duckdb\n"
        "      threads: 1\n"
        "      settings:\n"
        "        TimeZone: UTC\n" + connection,
    )
    write_atomic(folder / "target" / SEMANTIC_MANIFEST, manifest)
    return folder


def run_mf(settings: Settings, args: list[str], capture: bool = False) -> subprocess.CompletedProcess[str]:
    """`mf <args>` against the published mart of ``settings``."""
    folder = metrics_project(settings)
    return subprocess.run(
        [str(Path(sys.executable).with_name("mf")), *args],
        cwd=folder,
        env=child_env_without_dbt(DBT_PROFILES_DIR=str(folder)),
        capture_output=capture,
        text=True,
        check=False,
    )
