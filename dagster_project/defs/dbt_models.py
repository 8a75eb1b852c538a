"""The dbt project as Dagster assets, with dbt sources mapped onto the raw landing assets."""

import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    dbt_assets,
)

from dagster_project import dbt_parse_cache as parse_cache
from dagster_project.dbt_cli import PipelineDbtCliResource
from dagster_project.dbt_profile import NO_FILE_LOG, dbt_settings_args, dbt_vars, profile_text
from dagster_project.dbt_results import (
    DbtLogTee,
    attach_failing_rows,
    failed_nodes,
    summarize,
    without_unselected_test_notices,
)
from dagster_project.defs.raw_landing import raw_asset_key
from dagster_project.defs.resources import PipelineSettings
from dagster_project.project import dbt_project
from dagster_project.pseudonym import resolve_key
from dagster_project.spark_engine import job as spark_job
from dagster_project.state import build_plan, record_build_plan, warehouse_identity
from dagster_project.warehouse import connect, warehouse_lock

_LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "mart"}


class SupportKpiTranslator(DagsterDbtTranslator):
    """dbt source ``helpdesk.tickets`` is the raw asset ``raw/helpdesk/tickets``; models are
    keyed by schema and name (``mart/fct_tickets``) and grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            if dbt_resource_props["source_name"] == "raw_meta":
                return dg.AssetKey(["raw", "meta", dbt_resource_props["name"]])
            return raw_asset_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else ""
        return _LAYER_GROUPS.get(layer, "dbt")

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        """dbt tests of the published (``mart``) tables are Dagster asset checks; the tests of
        staging and intermediate models run in the same ``dbt build`` (a failure stops the run
        before publishing) and are reported in the run report and the dbt log, not as checks.
        Every asset check costs the persistent instance two stored events per run, planned ones
        included when nothing is new: all 773 tests as checks made a run with nothing new take
        13.5 s, 9 s of it writing the planned checks to the event log (cProfile)."""
        test = manifest["nodes"].get(unique_id, {})
        attached = manifest["nodes"].get(test.get("attached_node") or "", {})
        if attached.get("schema") != "mart":
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


translator = SupportKpiTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator)
def support_kpi_dbt(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[Any]:
    """``dbt build``: seeds, models and their data tests in dependency order, under the warehouse lock.

    Incremental from the last publish, or a full refresh (``state.build_plan`` says which and why;
    the run report shows it).

    The profile (warehouse path, threads, memory) is rendered from the settings into
    ``<data-dir>/dbt/profiles.yml`` and every dbt var is passed with ``--vars`` (dbt_profile.py)."""
    settings = pipeline.settings()
    # The key file (created on first use) is part of the settings' fingerprint: create it before the
    # plan records what this build runs under, not during the build.
    key = resolve_key(settings.data_dir, settings.values().text("pseudonym.key") or "")
    plan = build_plan(settings, pipeline.full_refresh, tuple(pipeline.refresh_months))
    log_path = settings.data_dir / "logs" / "dbt-build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    context.log.info(f"dbt build: full dbt log in {log_path}")
    # This build's results replace the last build's; a run whose dbt step never starts (skipped,
    # or stopped by a gate) leaves them in place, and its report does not show them (run_report).
    settings.dbt_results_path.unlink(missing_ok=True)
    with warehouse_lock(settings.lock_path), DbtLogTee(log_path, context.log.info) as tee:
        context.log.info(f"dbt build: {plan.as_dict()['mode']} ({plan.reason})")
        record_build_plan(settings, plan)
        parse_key: str | None = None  # the DuckDB build's key in dbt_parse_cache
        if settings.dbt.engine == "spark":
            # Spark (spark_engine/job.py): raw tables exported to Parquet, the Spark warehouse kept.
            dbt, args = spark_job.prepare_build(settings, plan.full_refresh)
            key_scope = spark_job.pseudonym_key_for_dbt(key.decode("utf-8"))
        else:
            # Unit tests check model logic on fixed inputs: they run in `make test`, not on every batch.
            # Seeds only change with the project fingerprint, which makes the build a full refresh.
            excluded = ["unit_test"] if plan.full_refresh else ["unit_test", "seed"]
            args = ["build", "--exclude-resource-type", *excluded, *NO_FILE_LOG, *dbt_settings_args(settings)]
            if plan.full_refresh:
                args.append("--full-refresh")
            key_scope = contextlib.nullcontext()
            # dbt runs in the data dir (its profile's warehouse path is relative), and a new data
            # dir starts from the parse another one saved under the same profile and vars.
            dbt = PipelineDbtCliResource.in_data_dir(dbt_project, settings.data_dir)
            parse_key = parse_cache.cache_key(profile_text(settings), dbt_vars(settings))
            if parse_cache.seed(settings.dbt_target_path, parse_key):
                context.log.info("dbt build: starts from the parse cached for these settings (dbt checks it)")
        # One target folder per data dir (not dagster-dbt's new folder per invocation, which made
        # dbt parse the whole project on every build and left ~30 MB behind per run).
        with key_scope:
            invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=settings.dbt_target_path)
        try:
            # dagster-dbt echoes every dbt log line on stdout: keep them in the log file instead.
            with contextlib.redirect_stdout(tee), without_unselected_test_notices():
                for event in invocation.stream():
                    # dagster-dbt reports a test that is not an asset check (see the translator)
                    # as an observation: its result is in run_results.json, the report and the log.
                    if not isinstance(event, dg.AssetObservation):
                        yield event
        finally:
            # If the step fails while dbt still runs, stop dbt before the warehouse lock is released.
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=60)
        run_results = invocation.get_artifact("run_results.json")
        if parse_key is not None:
            kept = parse_cache.keep(settings.dbt_target_path, parse_key)
            if kept not in ("unchanged", "no saved parse to keep"):
                context.log.info(f"dbt parse cache: {kept}")
        summary = summarize(run_results)
        if settings.dbt.engine == "duckdb" and summary.tests_failed:
            # which column rule broke: the failing tests' rows, read while the lock is still held;
            # a warehouse that cannot be opened leaves dbt's own report of the failure
            try:
                with contextlib.closing(connect(settings.warehouse_path, read_only=True)) as con:
                    attach_failing_rows(run_results, lambda sql: _rows(con, sql))
            except duckdb.Error as error:
                context.log.warning(f"dbt build: the failed tests' rows could not be read: {error}")
        if settings.dbt.engine == "spark" and invocation.is_successful():
            types = spark_job.declared_types(invocation.get_artifact("manifest.json"))
            spark_job.import_mart(settings, [key.path[-1] for key in mart_asset_keys], types)
            spark_job.record_built_from(settings, warehouse_identity(settings))
    settings.dbt_results_path.write_text(json.dumps(run_results))
    context.log.info(f"dbt build: {summary.models} models, {summary.tests} tests ({summary.tests_failed} failed)")
    if not invocation.is_successful():
        failures = failed_nodes(run_results)
        raise dg.Failure(
            description="dbt build failed: " + "; ".join(failures or ["see the dbt log"]),
            metadata={"failed": failures},
        )


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


mart_asset_keys = [key for key in support_kpi_dbt.keys if key.path[0] == "mart"]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[support_kpi_dbt])
