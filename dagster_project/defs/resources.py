"""Resources shared by the assets: the pipeline's settings (and, in a run, its guard), and the dbt CLI."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import pydantic

from dagster_project.progress import progress_logger
from dagster_project.settings import Settings


class PipelineSettings(dg.ConfigurableResource):
    """The loaded settings (dagster_project.config: defaults -> support_kpi.toml -> environment).

    Every asset and check needs it, so in a run it is also the run's guard (defs/run_guard.py).

    ``landing_dir`` / ``data_dir`` / ``config_path`` given here (run config, tests) win over the
    loaded values like CLI options; left unset, nothing is read until a step asks for the settings.
    ``full_refresh`` / ``refresh_months`` are this run's requests to the dbt build (state.build_plan);
    a run with either is never skipped as up to date.
    """

    def forced_reason(self) -> str | None:
        """Why this run must build even when nothing changed, if it was asked to."""
        if self.full_refresh:
            return "full refresh requested"
        if self.refresh_months:
            return "months to recompute: " + ", ".join(sorted(self.refresh_months))
        return None

    landing_dir: str | None = None
    data_dir: str | None = None
    config_path: str | None = None
    # the engine dbt builds on (setting dbt.engine), when the run asks for one (`run --engine`)
    engine: str | None = None
    # This run's dbt build: rebuild every model from all raw rows (`support-kpi run --full-refresh`),
    # or recompute the KPI rows of these months ('YYYY-MM'; the monthly backfill job sets it).
    full_refresh: bool = False
    refresh_months: list[str] = pydantic.Field(default_factory=list)

    def settings(self) -> Settings:
        settings = Settings.from_env(
            landing=self.landing_dir, data_dir=self.data_dir, config=self.config_path, engine=self.engine
        )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.export()  # child processes (dbt's pseudonym plugin) load the same settings
        return settings

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["PipelineSettings"]:
        """In a run: hold the data folder for the whole run and write the run report (defs/run_guard.py)."""
        from dagster_project.defs.run_guard import guard_run

        with guard_run(self.settings, context):
            yield self


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "pipeline": PipelineSettings(),
        },
        loggers={"progress": progress_logger},
    )
