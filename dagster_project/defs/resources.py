"""Resources shared by the assets: the pipeline's settings, and the dbt CLI."""

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.progress import progress_logger
from dagster_project.project import dbt_project
from dagster_project.settings import Settings


class PipelineSettings(dg.ConfigurableResource):
    """The loaded settings (dagster_project.config: defaults -> support_kpi.toml -> environment).

    ``landing_dir`` / ``data_dir`` / ``config_path`` given here (run config, tests) win over the
    loaded values like CLI options; left unset, nothing is read until a step asks for the settings.
    """

    landing_dir: str | None = None
    data_dir: str | None = None
    config_path: str | None = None

    def settings(self) -> Settings:
        settings = Settings.from_env(landing=self.landing_dir, data_dir=self.data_dir, config=self.config_path)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.export()  # child processes (dbt's pseudonym plugin) load the same settings
        return settings


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "pipeline": PipelineSettings(),
            "dbt": DbtCliResource(project_dir=dbt_project),
        },
        loggers={"progress": progress_logger},
    )
