"""Keep dbt's manifest.json in step with the project files, so definitions load without dagster dev."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, SEEDS_DIR

_STAMP_NAME = "manifest.fingerprint"


def project_fingerprint() -> str:
    """Hash of everything that shapes the dbt build: models, macros, tests, seeds, config."""
    digest = hashlib.sha256()
    roots = [DBT_PROJECT_DIR / name for name in ("models", "macros", "tests", "analyses")]
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for root in [*roots, SEEDS_DIR]:
        if root.exists():
            files.extend(p for p in root.rglob("*") if p.is_file())
    for path in sorted(files):
        digest.update(str(path.relative_to(DBT_PROJECT_DIR.parent)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_manifest() -> Path:
    """Run ``dbt parse`` when manifest.json is missing or older than the project files."""
    from dagster_project.project import dbt_project

    stamp = Path(dbt_project.target_path) / _STAMP_NAME
    if not stamp.is_absolute():
        stamp = dbt_project.project_dir / stamp
    fingerprint = project_fingerprint()
    current = stamp.read_text() if stamp.exists() else ""
    if not dbt_project.manifest_path.exists() or current != fingerprint:
        dbt_project.preparer.prepare(dbt_project)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)
    return dbt_project.manifest_path
