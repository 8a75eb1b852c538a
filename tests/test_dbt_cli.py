"""The pipeline's dbt CLI resource (dagster_project/dbt_cli.py) skips dagster-dbt's two probes
before a dbt command: the `dbt --version` subprocess and the in-process dbt adapter. If a
dagster-dbt upgrade renames either hook, these tests fail instead of the probes coming back
unnoticed (or the version being answered wrongly)."""

from __future__ import annotations

from pathlib import Path

import dagster_dbt.core.resource as dbt_resource_module
import pytest
from dagster_dbt import DbtCliResource

from dagster_project.config import ensure_dbt_on_path
from dagster_project.dbt_cli import PipelineDbtCliResource, beside_this_python
from dagster_project.settings import DBT_PROJECT_DIR

ensure_dbt_on_path()  # as the pipeline does before its resources are made


def test_the_version_is_the_one_dbt_reports() -> None:
    assert beside_this_python("dbt")
    ours = PipelineDbtCliResource(project_dir=str(DBT_PROJECT_DIR))
    theirs = DbtCliResource(project_dir=str(DBT_PROJECT_DIR))
    assert ours._cli_version == theirs._cli_version  # theirs runs `dbt --version`


def test_a_command_runs_without_the_probes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    probes: list[object] = []

    def no_version_probe(*args: object, **kwargs: object) -> bytes:
        probes.append(args)
        raise AssertionError("dbt --version was run")

    monkeypatch.setattr(dbt_resource_module, "check_output", no_version_probe)
    invocation = PipelineDbtCliResource(project_dir=str(DBT_PROJECT_DIR)).cli(
        ["--version"], raise_on_error=False, target_path=tmp_path / "target"
    )
    invocation.wait()
    assert invocation.is_successful()
    assert invocation.adapter is None
    assert probes == []
    # the stock resource does build an adapter for the same command: the hook is still the one it calls
    monkeypatch.undo()
    stock = DbtCliResource(project_dir=str(DBT_PROJECT_DIR)).cli(
        ["--version"], raise_on_error=False, target_path=tmp_path / "stock"
    )
    stock.wait()
    assert stock.adapter is not None


def test_dagster_dbt_notices_for_tests_that_are_not_checks_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    """dagster-dbt's warning for each dbt test that is not an asset check (by design here) is not
    logged, so not stored as an event; its other messages still are."""
    import inspect
    import logging

    import dagster_dbt.core.dbt_cli_event as dbt_cli_event

    from dagster_project.dbt_results import (
        DAGSTER_DBT_LOGGER,
        UNSELECTED_TEST_NOTICE,
        without_unselected_test_notices,
    )

    # the logger and the message this filters are still dagster-dbt's
    assert dbt_cli_event.logger.name == DAGSTER_DBT_LOGGER
    assert f'"{UNSELECTED_TEST_NOTICE}"' in inspect.getsource(dbt_cli_event)
    notice = f"{UNSELECTED_TEST_NOTICE} for dbt test `unique_stg_x_id`."
    with caplog.at_level(logging.INFO, logger=DAGSTER_DBT_LOGGER):
        with without_unselected_test_notices():
            dbt_cli_event.logger.warning(notice)
            dbt_cli_event.logger.warning("another warning")
        dbt_cli_event.logger.warning(notice)  # the filter is gone after the build
    assert [record.getMessage() for record in caplog.records] == ["another warning", notice]
