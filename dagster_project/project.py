"""The dbt project handle shared by the Dagster definitions and the CLI."""

from __future__ import annotations

from dagster_dbt import DbtProject

from dagster_project.config import ensure_dbt_on_path
from dagster_project.settings import DBT_PROJECT_DIR

# dagster-dbt runs `dbt` from PATH. When the venv is used without being activated (make, the
# console script), put the interpreter's own bin folder first so the pinned dbt is found.
ensure_dbt_on_path()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` (support-kpi ui) the manifest is re-parsed at load time; elsewhere the CLI
# prepares it before loading the definitions (see dagster_project.manifest).
dbt_project.prepare_if_dev()
