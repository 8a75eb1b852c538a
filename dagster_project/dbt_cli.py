"""dagster-dbt's CLI resource without the two probes it makes before every dbt command.

``DbtCliResource.cli`` runs ``dbt --version`` in a subprocess (to tell dbt Core from dbt Fusion)
and builds a dbt adapter in the Dagster process (loading the profile and the project), which it
uses only to fetch row counts or column metadata after a model is built. The pipeline does neither,
and the two cost ~3 s before each ``dbt build`` at any data size (measured: a scale-10 one-more-day
run spent 3.3 s between the dbt step's start and dbt's launch). This resource answers the version
from the installed dbt-core package when the executable is the one installed beside this Python,
and makes no adapter (dagster-dbt then skips the metadata it would have fetched, as for Fusion).
tests/test_dbt_cli.py checks both against dagster-dbt's own answers, so an upgrade that renames
either hook fails there, not silently.

The pipeline's DuckDB build runs dbt through ``dagster_project.dbt_in_data_dir`` (``in_data_dir``),
so that dbt's working folder is the data dir its profile's relative warehouse path points into.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version


def beside_this_python(executable: str) -> bool:
    """Whether ``executable`` is the dbt console script of this interpreter's environment."""
    found = shutil.which(executable)
    return found is not None and Path(found).absolute() == Path(sys.prefix, "bin", "dbt").absolute()


IN_DATA_DIR = ("-m", "dagster_project.dbt_in_data_dir")


class PipelineDbtCliResource(DbtCliResource):
    """``DbtCliResource`` for the pipeline's own dbt build (module docstring: why)."""

    @classmethod
    def in_data_dir(cls, project: DbtProject, data_dir: Path) -> PipelineDbtCliResource:
        """The resource whose dbt commands run with ``data_dir`` as working folder: this Python
        runs ``dagster_project.dbt_in_data_dir``, which moves there and runs the dbt of this
        environment (dagster-dbt puts ``global_config_flags`` right after the executable)."""
        return cls(
            project_dir=project,
            dbt_executable=sys.executable,
            global_config_flags=[*IN_DATA_DIR, str(data_dir.absolute())],
        )

    @cached_property
    def _cli_version(self) -> version.Version:
        runs_in_data_dir = self.dbt_executable == sys.executable and tuple(self.global_config_flags[:2]) == IN_DATA_DIR
        if runs_in_data_dir or beside_this_python(self.dbt_executable):
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version  # another installation: ask it

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None
