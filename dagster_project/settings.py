"""Where the pipeline reads and writes: one place, resolved from arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"
SEEDS_DIR = REPO_DIR / "seeds"

LANDING_ENV = "SUPPORT_KPI_LANDING"
DATA_DIR_ENV = "SUPPORT_KPI_DATA_DIR"
WAREHOUSE_ENV = "SUPPORT_KPI_WAREHOUSE"

# The published mart. Its name is not the name of its schema (`mart`): DuckDB names a file's
# catalog after the file, so a file `mart.duckdb` made `mart.<table>` ambiguous for every reader
# that opens it directly. Catalog `support_kpi`, schema `mart`.
MART_FILE_NAME = "support_kpi.duckdb"
# What versions before issue 12 published; removed by the next publish (publish.py).
LEGACY_MART_FILE_NAME = "mart.duckdb"


@dataclass(frozen=True)
class Settings:
    """Paths of one pipeline installation. Everything written lives under ``data_dir``."""

    landing_dir: Path
    data_dir: Path

    @classmethod
    def from_env(cls, landing: Path | str | None = None, data_dir: Path | str | None = None) -> Settings:
        landing_value = landing or os.environ.get(LANDING_ENV) or "data/landing"
        data_value = data_dir or os.environ.get(DATA_DIR_ENV) or "data"
        return cls(landing_dir=Path(landing_value).resolve(), data_dir=Path(data_value).resolve())

    @property
    def warehouse_path(self) -> Path:
        """Read-write DuckDB file: raw, staging, intermediate and the unpublished mart."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def mart_path(self) -> Path:
        """The published mart (catalog ``support_kpi``, schema ``mart``): replaced atomically,
        opened read-only by readers."""
        return self.data_dir / MART_FILE_NAME

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "warehouse.lock"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def state_path(self) -> Path:
        """Fingerprint of the inputs behind the currently published mart."""
        return self.data_dir / "published_state.json"

    @property
    def dbt_results_path(self) -> Path:
        """Copy of the last ``dbt build``'s run_results.json (tests run and failed)."""
        return self.data_dir / "last_dbt_run_results.json"

    @property
    def pseudonym_key_path(self) -> Path:
        """Key of the mart's keyed pseudonyms when env SUPPORT_KPI_PSEUDONYM_KEY is unset (created
        0600 by the dbt plugin next to the warehouse; dagster_project/pseudonym.py)."""
        return self.data_dir / "pseudonym.key"

    def export(self) -> None:
        """Put the paths in the environment, where dbt and the Dagster resources read them."""
        os.environ[LANDING_ENV] = str(self.landing_dir)
        os.environ[DATA_DIR_ENV] = str(self.data_dir)
        os.environ[WAREHOUSE_ENV] = str(self.warehouse_path)
