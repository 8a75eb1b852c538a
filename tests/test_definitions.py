"""Load every Dagster definition, as `dagster dev` would, and check the lineage is connected."""

from __future__ import annotations

import dagster as dg
import pytest

from dagster_project.contract import ENTITIES


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    from dagster_project.manifest import ensure_manifest

    ensure_manifest()
    from dagster_project.definitions import defs

    loaded = defs()
    loaded.validate_loadable(loaded)
    return loaded


def test_jobs_schedules_and_sensor_come_in_pairs(definitions: dg.Definitions) -> None:
    job = definitions.resolve_job_def("daily_kpi_job")
    schedule = definitions.resolve_schedule_def("daily_kpi_schedule")
    sensor = definitions.resolve_sensor_def("landing_files_sensor")
    assert schedule.job_name == job.name
    assert sensor.job_name == job.name


def test_one_raw_asset_per_entity_grouped_by_source(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for entity in ENTITIES:
        key = dg.AssetKey(["raw", entity.source, entity.name])
        assert graph.has(key), key
        assert graph.get(key).group_name == entity.source


def test_dbt_sources_map_onto_raw_assets_and_publish_is_downstream(
    definitions: dg.Definitions,
) -> None:
    graph = definitions.resolve_asset_graph()
    raw_keys = {dg.AssetKey(["raw", e.source, e.name]) for e in ENTITIES}
    base_tickets = graph.get(dg.AssetKey(["staging", "base_helpdesk__tickets"]))
    assert dg.AssetKey(["raw", "helpdesk", "tickets"]) in base_tickets.parent_keys
    stg_events = graph.get(dg.AssetKey(["staging", "stg_helpdesk__ticket_events"]))
    assert dg.AssetKey(["raw", "helpdesk", "ticket_events"]) in stg_events.parent_keys
    assert dg.AssetKey(["staging", "base_helpdesk__tickets"]) in stg_events.parent_keys
    # Every upstream of a dbt model that is not itself a dbt node is a raw landing asset, or the
    # loader's record of retracted rows (written by the raw loads: they are its parents), or the
    # build plan the dbt step writes before it builds.
    retracted = dg.AssetKey(["raw", "meta", "retracted_rows"])
    assert raw_keys <= graph.get(retracted).parent_keys
    raw_keys.add(retracted)
    raw_keys.add(dg.AssetKey(["raw", "meta", "build_plan"]))
    dbt_keys = {k for k in graph.get_all_asset_keys() if k.path[0] in {"staging", "intermediate", "mart", "reference"}}
    for key in dbt_keys:
        for parent in graph.get(key).parent_keys:
            assert parent in dbt_keys or parent in raw_keys, (key, parent)
    published = graph.get(dg.AssetKey(["published", "mart"]))
    assert dg.AssetKey(["mart", "kpi_scorecard_monthly"]) in published.parent_keys


def test_landing_sensor_requests_a_run_only_when_files_change(definitions: dg.Definitions, tmp_path) -> None:
    from dagster_project.defs.resources import PipelineSettings

    sensor = definitions.resolve_sensor_def("landing_files_sensor")
    landing = tmp_path / "landing"
    pipeline = PipelineSettings(landing_dir=str(landing), data_dir=str(tmp_path / "data"))

    def evaluate(cursor: str | None) -> tuple[list, str | None]:
        with dg.build_sensor_context(cursor=cursor, resources={"pipeline": pipeline}) as context:
            data = sensor.evaluate_tick(context)
            return list(data.run_requests or []), data.cursor

    requests, cursor = evaluate(None)
    assert requests == []  # no landing files yet

    folder = landing / "helpdesk" / "groups"
    folder.mkdir(parents=True)
    (folder / "groups.csv").write_text("group_id,group_name\ng1,Support\n")
    requests, cursor = evaluate(None)
    assert len(requests) == 1
    assert evaluate(cursor)[0] == []  # same files: nothing to do

    (folder / "more.csv").write_text("group_id,group_name\ng2,Billing\n")
    requests, _ = evaluate(cursor)
    assert len(requests) == 1


def test_the_month_refresh_job_is_backfillable_by_month(definitions: dg.Definitions) -> None:
    """Issue 14: a backfill over a month range is one run per month, each asking the build to
    recompute that month (the pipeline resource's refresh_months)."""
    job = definitions.resolve_job_def("month_refresh_job")
    keys = job.partitions_def.get_partition_keys()
    assert keys[0] == "2015-01-01"
    config = job.partitioned_config.get_run_config_for_partition_key("2026-03-01")
    assert config == {"resources": {"pipeline": {"config": {"refresh_months": ["2026-03"]}}}}
    assert set(job.asset_layer.executable_asset_keys) == set(
        definitions.resolve_job_def("daily_kpi_job").asset_layer.executable_asset_keys
    )


def test_dbt_tests_of_the_published_tables_are_asset_checks_and_only_those(definitions: dg.Definitions) -> None:
    """Every dbt test attached to a `mart` model is an asset check of that model; tests of staging
    and intermediate models are not (they run in the same dbt build; see the translator)."""
    import json

    from dagster_project.project import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text())
    nodes = manifest["nodes"]
    expected: dict[str, set[str]] = {}
    for test in nodes.values():
        attached = nodes.get(test.get("attached_node") or "")
        if test["resource_type"] == "test" and attached is not None:
            expected.setdefault(attached["schema"], set()).add(test["name"])
    graph = definitions.resolve_asset_graph()
    test_names = set().union(*expected.values())
    dbt_checks = {key for key in graph.asset_check_keys if key.name in test_names}
    assert {key.name for key in dbt_checks} == expected["mart"]
    assert all(key.asset_key.path[0] == "mart" for key in dbt_checks)
    assert expected.get("staging") and expected.get("intermediate")  # there are tests left out
    assert not ({key.name for key in graph.asset_check_keys} & (expected["staging"] | expected["intermediate"]))
