"""The pipeline's settings: one typed object, loaded once by `dagster_project.config` (defaults ->
support_kpi.toml -> environment -> CLI options) and handed to the modules that need a section.

The paths of one installation are its first two fields; the sections (`reporting`, `dbt`, `gates`,
`http`, and one per vendor, whose dataclass lives in `dagster_project/vendors/<vendor>/settings.py`)
are built from the resolved values on first use and checked by `check()` when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dagster_project.config import Resolved
    from dagster_project.connectors.http import HttpSettings
    from dagster_project.vendors.asterisk.settings import AsteriskSettings
    from dagster_project.vendors.freshdesk.settings import FreshdeskSettings
    from dagster_project.vendors.ga4.settings import Ga4Settings
    from dagster_project.vendors.zendesk.settings import ZendeskSettings

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
class ReportingSettings:
    currency: str  # upper-case ISO code
    time_zone: str  # IANA


@dataclass(frozen=True)
class DbtSettings:
    threads: int
    memory: str  # DuckDB memory_limit
    vars: dict[str, Any]  # every var of dbt_project.yml, as passed to `dbt build --vars`
    engine: str = "duckdb"  # "duckdb", or "spark" (dagster_project/spark_engine)


@dataclass(frozen=True)
class GateSettings:
    orphan_events_pct: float
    volume_swing_pct: float
    chunk_rows: int
    engine: str = "sql"  # raw-gate engine: "sql" (DuckDB) or "gx" (Great Expectations on pandas)


@dataclass(frozen=True)
class SurveySettings:
    time_zone: str
    question_map: Path


@dataclass(frozen=True)
class TestHooks:
    fault_pause: frozenset[str]
    fault_pause_seconds: float


@dataclass(frozen=True)
class Settings:
    """One pipeline installation's settings. Everything written lives under ``data_dir``.

    ``resolved`` holds every setting's value and source (`dagster_project.config`); a Settings
    made from paths alone (``Settings(landing, data_dir)``) takes the rest from `config.current()`.
    """

    landing_dir: Path
    data_dir: Path
    resolved: Resolved | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_env(
        cls,
        landing: Path | str | None = None,
        data_dir: Path | str | None = None,
        config: Path | str | None = None,
        engine: str | None = None,
    ) -> Settings:
        """Load the settings (defaults, toml, environment); ``landing`` / ``data_dir`` / ``config``
        are explicit CLI options and win."""
        from dagster_project.config import load

        return load(
            config=config,
            cli={"paths.landing": landing or None, "paths.data_dir": data_dir or None, "dbt.engine": engine or None},
        )

    @classmethod
    def from_resolved(cls, resolved: Resolved) -> Settings:
        landing = resolved.text("paths.landing") or "data/landing"
        data = resolved.text("paths.data_dir") or "data"
        return cls(landing_dir=Path(landing).resolve(), data_dir=Path(data).resolve(), resolved=resolved)

    def values(self) -> Resolved:
        if self.resolved is not None:
            return self.resolved
        from dagster_project.config import current

        return current().values()

    def _text(self, key: str) -> str:
        from dagster_project.config import field_by_key

        text = self.values().text(key)
        if text is None or not text.strip():
            text = field_by_key(key).default or ""
        return text.strip()

    def check(self) -> None:
        """Build every section: a bad value raises (ValueError naming its variable)."""
        for name in ("reporting", "dbt", "gates", "http", "zendesk", "freshdesk", "asterisk", "ga4", "survey",
                     "testing"):
            getattr(self, name)

    @cached_property
    def reporting(self) -> ReportingSettings:
        return ReportingSettings(self._text("reporting.currency").upper(), self._text("reporting.time_zone"))

    @cached_property
    def dbt(self) -> DbtSettings:
        from dagster_project.config import fields

        variables: dict[str, Any] = {
            "reporting_currency": self.reporting.currency,
            "reporting_time_zone": self.reporting.time_zone,
        }
        for f in fields():
            if f.key.startswith("dbt.vars."):
                text = self._text(f.key)
                number = float(text)
                variables[f.key.removeprefix("dbt.vars.")] = int(number) if number.is_integer() and "." not in (
                    f.default or ""
                ) else number
        return DbtSettings(
            int(self._text("dbt.threads")), self._text("dbt.memory"), variables, self._text("dbt.engine").strip()
        )

    @property
    def spark_dbt_executable(self) -> Path:
        """dbt with dbt-spark (setting dbt.spark_executable; default .venv-spark/bin/dbt, `make spark`)."""
        configured = self._text("dbt.spark_executable").strip()
        default = Path(__file__).resolve().parent.parent / ".venv-spark" / "bin" / "dbt"
        return Path(configured) if configured else default

    @property
    def spark_memory(self) -> str:
        """Heap of the local Spark driver of the spark engine (setting dbt.spark_memory)."""
        return self._text("dbt.spark_memory").strip()

    def dbt_vars(self) -> dict[str, Any]:
        return dict(self.dbt.vars)

    @cached_property
    def gates(self) -> GateSettings:
        return GateSettings(
            float(self._text("gates.orphan_events_pct")),
            float(self._text("gates.volume_swing_pct")),
            int(self._text("gates.chunk_rows")),
            self._text("gates.engine").strip(),
        )

    def env_view(self) -> dict[str, str]:
        return dict(self.values().env_view())

    @cached_property
    def http(self) -> HttpSettings:
        from dagster_project.connectors.http import HttpSettings

        return HttpSettings.from_env(self.env_view())

    @cached_property
    def zendesk(self) -> ZendeskSettings:
        from dagster_project.vendors.zendesk.settings import ZendeskSettings

        return ZendeskSettings.from_env(self.env_view())

    @cached_property
    def freshdesk(self) -> FreshdeskSettings:
        from dagster_project.vendors.freshdesk.settings import FreshdeskSettings

        return FreshdeskSettings.from_env(self.env_view())

    @cached_property
    def asterisk(self) -> AsteriskSettings:
        from dagster_project.vendors.asterisk.settings import AsteriskSettings

        return AsteriskSettings.from_env(self.env_view())

    @cached_property
    def ga4(self) -> Ga4Settings:
        from dagster_project.vendors.ga4.settings import Ga4Settings

        return Ga4Settings.from_env(self.env_view())

    @cached_property
    def survey(self) -> SurveySettings:
        from dagster_project.adapters.survey_mapping import DEFAULT_MAP

        text = self.values().text("survey.question_map")
        zone = self._text("survey.time_zone")
        return SurveySettings(zone, Path(text.strip()) if text and text.strip() else DEFAULT_MAP)

    @cached_property
    def testing(self) -> TestHooks:
        points = frozenset(p.strip() for p in (self.values().text("testing.fault_pause") or "").split(",") if p.strip())
        return TestHooks(points, float(self._text("testing.fault_pause_seconds")))

    def pseudonym_key_text(self) -> str | None:
        """The configured pseudonym key, else the key file's when it exists (never created here)."""
        text = (self.values().text("pseudonym.key") or "").strip()
        if text:
            return text
        path = self.pseudonym_key_path
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

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

    @property
    def dbt_profiles_dir(self) -> Path:
        """Folder of the profiles.yml rendered from these settings for the pipeline's dbt build."""
        return self.data_dir / "dbt"

    @property
    def dbt_target_path(self) -> Path:
        """dbt's target folder for the pipeline's builds of this data dir: the same folder on every
        run, so dbt's partial parsing (``partial_parse.msgpack``, written under this profile and
        these vars) holds from run to run, and runs do not leave a folder each behind."""
        return self.data_dir / "dbt" / "target"

    def export(self) -> None:
        """Hand the paths and the toml file to child processes (config.export)."""
        from dagster_project.config import export

        export(self)
