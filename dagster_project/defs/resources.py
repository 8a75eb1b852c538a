"""Resources shared by the assets: where the pipeline's files live, and the dbt CLI."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.progress import progress_logger
from dagster_project.project import dbt_project
from dagster_project.settings import DATA_DIR_ENV, LANDING_ENV, Settings


class PipelineSettings(dg.ConfigurableResource):
    """Landing folder and data folder; defaults come from SUPPORT_KPI_LANDING / _DATA_DIR.

    Every asset and check needs it, so in a run it is also the run's guard (defs/run_guard.py).
    """

    landing_dir: str = os.environ.get(LANDING_ENV, "data/landing")
    data_dir: str = os.environ.get(DATA_DIR_ENV, "data")

    def settings(self) -> Settings:
        settings = Settings.from_env(landing=self.landing_dir, data_dir=self.data_dir)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.export()
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
            "dbt": DbtCliResource(project_dir=dbt_project),
        },
        loggers={"progress": progress_logger},
    )
