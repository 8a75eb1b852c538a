"""The Dagster job is the pipeline (issue 13 item 1): whatever starts ``daily_kpi_job`` gets the run
lock, the freshness skip and the run report from the job itself.

Unit level (no dbt): the guard of the ``pipeline`` resource on a one-step run (refused / reported),
a sensor evaluating while a run holds the folder, the instance's dagster.yaml, the trigger tags.

Integration, one shared data folder on the golden helpdesk landing:

    holder   `support-kpi run`, paused (fault hook) with its new mart in the temporary file
    daemon   meanwhile `dagster job execute -m dagster_project.definitions -j daily_kpi_job`, the
             way the daemon's run worker executes a run (DAGSTER_HOME=<data-dir>/dagster, the
             folders from SUPPORT_KPI_LANDING / _DATA_DIR): refused; then the holder publishes
    schedule a run with the tags of a daily_kpi_schedule tick, as the daemon launches it: skipped
    sensor   a run of the landing sensor's request, with the sensor's tags: skipped
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from dagster_project.instance import DAGSTER_HOME_ENV, dagster_home, ensure_dagster_home, instance_config
from dagster_project.publish import open_mart, stale_temp_files
from dagster_project.run_report import TRIGGER_TAG, find_report, trigger_of
from dagster_project.settings import DATA_DIR_ENV, LANDING_ENV, MART_FILE_NAME, WAREHOUSE_ENV, Settings
from dagster_project.testing.faults import FAULT_ENV, MARKER, PAUSE_SECONDS_ENV
from dagster_project.warehouse import run_lock
from tests.conftest import GOLDEN_LANDING, REPO, support_kpi

JOB = "daily_kpi_job"
REFUSAL = "another run is in progress on {data_dir} (pid {pid}, started "
# Long enough for `dagster job execute` to load the definitions and be refused meanwhile (~15 s
# on an idle machine); the holder then carries on and publishes.
PAUSE_SECONDS = 75


def _reports(data_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted((data_dir / "reports").glob("run-*.json"))]


# ---------------------------------------------------------------------------------------------
# Unit level: the guard on a one-step run, the sensor, the instance, the triggers
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def pull_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[dg.AssetsDefinition, Any, Path]:
    """The Zendesk pull asset (no account: a no-op) and a pipeline resource on tmp folders."""
    from dagster_project.defs.connectors import pull_assets
    from dagster_project.defs.resources import PipelineSettings

    for name in ("ZENDESK_SUBDOMAIN", "SUPPORT_KPI_ZENDESK_BASE_URL", FAULT_ENV):
        monkeypatch.delenv(name, raising=False)
    for name in (LANDING_ENV, DATA_DIR_ENV, WAREHOUSE_ENV):  # the resource exports them: restored after
        monkeypatch.setenv(name, "unset")
    asset = next(a for a in pull_assets if a.key == dg.AssetKey(["connectors", "zendesk"]))
    data_dir = tmp_path / "data"
    pipeline = PipelineSettings(landing_dir=str(tmp_path / "landing"), data_dir=str(data_dir))
    return asset, pipeline, data_dir


def test_guard_writes_the_report_of_a_run(pull_only: tuple[dg.AssetsDefinition, Any, Path]) -> None:
    asset, pipeline, data_dir = pull_only
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([asset], resources={"pipeline": pipeline}, instance=instance, tags={TRIGGER_TAG: "cli"})
    assert result.success
    (report,) = _reports(data_dir)
    assert (report["run_id"], report["trigger"], report["status"]) == (result.run_id, "cli", "success")
    assert report["published"] is False  # no publish step in this selection
    assert [(s["step"], s["status"]) for s in report["steps"]] == [("connectors__zendesk", "success")]
    assert report["connectors"]["zendesk"]["configured"] is False
    assert report["errors"] == []
    found = find_report(Settings.from_env(landing=data_dir, data_dir=data_dir), result.run_id)
    assert found is not None and found[1] == report
    assert (data_dir / "run.lock").read_text() == ""  # released


def test_guard_refuses_a_run_while_the_folder_is_held(pull_only: tuple[dg.AssetsDefinition, Any, Path]) -> None:
    asset, pipeline, data_dir = pull_only
    with run_lock(data_dir), dg.DagsterInstance.ephemeral() as instance:
        holder = json.loads((data_dir / "run.lock").read_text())
        result = dg.materialize([asset], resources={"pipeline": pipeline}, instance=instance, raise_on_error=False)
        assert not result.success
        failure = instance.get_run_by_id(result.run_id)
        assert failure is not None and failure.status == dg.DagsterRunStatus.FAILURE
    message = (
        f"another run is in progress on {data_dir} (pid {os.getpid()}, started {holder['started_at']}); "
        "nothing was changed"
    )
    (report,) = _reports(data_dir)
    assert (report["run_id"], report["trigger"], report["status"]) == (result.run_id, "ui", "refused")
    assert report["errors"] == [message] and report["reason"] == message
    assert report["steps"] == [] and report["published"] is False
    # Before anything was read or written: no step ran, only the report and the lock file exist.
    assert sorted(path.name for path in data_dir.iterdir()) == ["reports", "run.lock"]
    assert not any(event.is_step_start for event in result.all_events)


def test_guard_marks_runs_killed_on_the_folder_failed(pull_only: tuple[dg.AssetsDefinition, Any, Path]) -> None:
    """A run SIGKILLed while holding the folder stays "started" on the instance, where it would hold
    a place of the run queue for ever: the next guarded run of the folder marks it failed."""
    from dagster_project.defs.run_guard import DATA_DIR_TAG

    asset, pipeline, data_dir = pull_only
    with dg.DagsterInstance.ephemeral() as instance:
        tags = {DATA_DIR_TAG: str(data_dir.resolve())}
        dead = instance.add_run(dg.DagsterRun(job_name=JOB, status=dg.DagsterRunStatus.STARTED, tags=tags))
        elsewhere = instance.add_run(
            dg.DagsterRun(job_name=JOB, status=dg.DagsterRunStatus.STARTED, tags={DATA_DIR_TAG: "/elsewhere"})
        )
        result = dg.materialize([asset], resources={"pipeline": pipeline}, instance=instance)
        assert result.success
        statuses = {run.run_id: run.status for run in instance.get_runs()}
        assert instance.get_run_by_id(result.run_id).tags[DATA_DIR_TAG] == str(data_dir.resolve())
    assert statuses[dead.run_id] == dg.DagsterRunStatus.FAILURE
    assert statuses[elsewhere.run_id] == dg.DagsterRunStatus.STARTED
    assert statuses[result.run_id] == dg.DagsterRunStatus.SUCCESS


def test_run_failing_before_the_guard_holds_the_folder_names_its_error(
    pull_only: tuple[dg.AssetsDefinition, Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No report then (the guard never held the folder); the launcher prints the run's own error."""
    from dagster_project.runner import run_errors

    asset, pipeline, data_dir = pull_only
    monkeypatch.setenv(FAULT_ENV, "lod")  # a misspelt fault point: the guard refuses to start
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([asset], resources={"pipeline": pipeline}, instance=instance, raise_on_error=False)
    assert not result.success
    assert not (data_dir / "reports").exists()
    assert any("unknown fault point(s) lod" in message for message in run_errors(result)), run_errors(result)


def test_sensor_evaluates_while_a_run_holds_the_folder(tmp_path: Path) -> None:
    """Outside a run the pipeline resource takes no lock: the landing sensor keeps ticking."""
    from dagster_project.defs.automation import landing_files_sensor
    from dagster_project.defs.resources import PipelineSettings

    landing, data_dir = tmp_path / "landing", tmp_path / "data"
    (landing / "helpdesk" / "groups").mkdir(parents=True)
    (landing / "helpdesk" / "groups" / "groups.csv").write_text("group_id,group_name\ng1,Support\n")
    pipeline = PipelineSettings(landing_dir=str(landing), data_dir=str(data_dir))
    with run_lock(data_dir), dg.build_sensor_context(resources={"pipeline": pipeline}) as context:
        data = landing_files_sensor.evaluate_tick(context)
    assert len(data.run_requests or []) == 1
    assert not (data_dir / "reports").exists()


def test_instance_config_queues_daemon_runs_one_at_a_time(tmp_path: Path) -> None:
    settings = Settings.from_env(landing=tmp_path, data_dir=tmp_path / "data")
    home = ensure_dagster_home(settings, env={})
    assert home == settings.data_dir / "dagster"
    assert (home / "dagster.yaml").read_text() == instance_config(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        # Every run's events in one SQLite file inside the folder.
        assert type(instance.event_log_storage).__name__ == "PooledSqliteEventLogStorage"
        assert Path(instance.event_log_storage._base_dir) == home / "history"
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1
        assert instance.telemetry_enabled is False
    # Never overwritten; an explicit DAGSTER_HOME wins.
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    assert ensure_dagster_home(settings, env={}) == home
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
    assert dagster_home(settings, env={DAGSTER_HOME_ENV: str(tmp_path / "elsewhere")}) == tmp_path / "elsewhere"


def test_trigger_comes_from_the_run_tags() -> None:
    from dagster._core.storage.dagster_run import DagsterRun

    from dagster_project.defs.automation import daily_kpi_schedule, landing_files_sensor

    assert trigger_of({TRIGGER_TAG: "cli"}) == "cli"
    assert trigger_of(DagsterRun.tags_for_schedule(daily_kpi_schedule)) == "schedule"
    assert trigger_of(DagsterRun.tags_for_sensor(landing_files_sensor)) == "sensor"
    assert trigger_of({**DagsterRun.tags_for_backfill_id("abc"), TRIGGER_TAG: "cli"}) == "backfill"
    assert trigger_of({}) == "ui"
    assert trigger_of({TRIGGER_TAG: "elsewhere"}) == "ui"


def test_every_step_of_the_project_holds_the_guard() -> None:
    """Every asset and check needs the `pipeline` resource, so the guard covers any selection, and
    every job (the UI's asset job too) runs in one process, so the guard lives for the whole run."""
    from dagster_project.manifest import ensure_manifest

    ensure_manifest()
    from dagster_project.definitions import defs

    definitions = defs()
    for job in (definitions.resolve_job_def(JOB), definitions.resolve_implicit_global_asset_job_def()):
        assert job.executor_def.name == "in_process", job.name
        missing = [node.name for node in job.nodes if "pipeline" not in node.definition.required_resource_keys]
        assert missing == [], (job.name, missing)
    graph = definitions.resolve_asset_graph()
    freshness = dg.AssetKey(["pipeline", "freshness"])
    assert {dg.AssetKey(["connectors", "zendesk"]), dg.AssetKey(["connectors", "freshdesk"])} <= set(
        graph.get(freshness).parent_keys
    )
    # Every raw load; raw/meta/* are the loader's bookkeeping tables, declared for lineage, not steps.
    raw_keys = [key for key in graph.get_all_asset_keys() if key.path[0] == "raw" and key.path[1] != "meta"]
    assert raw_keys and all(freshness in graph.get(key).parent_keys for key in raw_keys)


# ---------------------------------------------------------------------------------------------
# Integration: a CLI run holding the folder, the daemon's way of executing a run, a schedule tick
# and a sensor request, on one data folder
# ---------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    data_dir: Path
    holder_pid: int
    holder_code: int
    holder_output: str
    daemon_code: int
    daemon_output: str
    daemon_ended_while_holder_paused: bool
    mart_mtime_after_publish: int
    skipped: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)
    checksum_after_publish: str = ""


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    for name in (FAULT_ENV, PAUSE_SECONDS_ENV, DAGSTER_HOME_ENV, LANDING_ENV, DATA_DIR_ENV, WAREHOUSE_ENV):
        env.pop(name, None)
    return {**env, **extra}


def _wait_for(log: Path, process: subprocess.Popen[bytes], text: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            pytest.fail(f"ended (exit {process.returncode}) before {text!r}:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    pytest.fail(f"no {text!r} after {timeout:.0f} s:\n{log.read_text(errors='replace')}")


def _checksum(data_dir: Path) -> str:
    done = support_kpi("checksum", "--mart", str(data_dir / MART_FILE_NAME))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def _run_like_the_daemon(data_dir: Path, tags: dict[str, str]) -> dg.ExecuteInProcessResult:
    """Execute daily_kpi_job on the folder's instance with the tags the daemon gives the run."""
    from dagster_project.definitions import defs
    from dagster_project.instance import open_instance

    settings = Settings.from_env(landing=GOLDEN_LANDING, data_dir=data_dir)
    job = defs().resolve_job_def(JOB)
    # The daemon's run worker takes the folders from the environment (the resource's defaults);
    # here they are given as the resource's config, as `support-kpi run` does.
    config = {"resources": {"pipeline": {"config": {"landing_dir": str(GOLDEN_LANDING), "data_dir": str(data_dir)}}}}
    with pytest.MonkeyPatch.context() as patch, open_instance(settings, env={}) as instance:
        for name in (LANDING_ENV, DATA_DIR_ENV, WAREHOUSE_ENV):  # the resource exports them: restored after
            patch.setenv(name, "unset")
        return job.execute_in_process(run_config=config, instance=instance, tags=tags, raise_on_error=False)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    from dagster._core.storage.dagster_run import DagsterRun

    from dagster_project.manifest import ensure_manifest

    root = tmp_path_factory.mktemp("job-owns-run")
    data_dir = root / "data"
    log = root / "holder.log"
    with log.open("wb") as handle:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dagster_project.cli",
                "run",
                "--landing",
                str(GOLDEN_LANDING),
                "--data-dir",
                str(data_dir),
            ],
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=_env(**{FAULT_ENV: "publish_tmp", PAUSE_SECONDS_ENV: str(PAUSE_SECONDS)}),
        )
    try:
        _wait_for(log, holder, f"{MARKER} publish_tmp")
        daemon = subprocess.run(
            [
                str(Path(sys.executable).with_name("dagster")),
                "job",
                "execute",
                "-m",
                "dagster_project.definitions",
                "-j",
                JOB,
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            env=_env(
                **{
                    DAGSTER_HOME_ENV: str(data_dir / "dagster"),
                    LANDING_ENV: str(GOLDEN_LANDING),
                    DATA_DIR_ENV: str(data_dir),
                }
            ),
        )
        paused = holder.poll() is None
        holder_code = holder.wait(timeout=900)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    result = Scenario(
        data_dir=data_dir,
        holder_pid=holder.pid,
        holder_code=holder_code,
        holder_output=log.read_text(errors="replace"),
        daemon_code=daemon.returncode,
        daemon_output=daemon.stdout + daemon.stderr,
        daemon_ended_while_holder_paused=paused,
        mart_mtime_after_publish=(data_dir / MART_FILE_NAME).stat().st_mtime_ns,
    )
    result.checksum_after_publish = _checksum(data_dir)

    # Nothing changed since: a schedule tick and a sensor request both find nothing to do.
    ensure_manifest()
    from dagster_project.definitions import defs
    from dagster_project.defs.resources import PipelineSettings

    definitions = defs()
    schedule = definitions.resolve_schedule_def("daily_kpi_schedule")
    with dg.build_schedule_context(scheduled_execution_time=datetime(2026, 12, 5, 5, tzinfo=UTC)) as context:
        (request,) = schedule.evaluate_tick(context).run_requests or []
    dg.validate_run_config(definitions.resolve_job_def(JOB), request.run_config)
    result.skipped["schedule"] = _run_like_the_daemon(
        data_dir, {**request.tags, **DagsterRun.tags_for_schedule(schedule)}
    )
    sensor = definitions.resolve_sensor_def("landing_files_sensor")
    pipeline = PipelineSettings(landing_dir=str(GOLDEN_LANDING), data_dir=str(data_dir))
    with dg.build_sensor_context(resources={"pipeline": pipeline}) as context:
        (request,) = sensor.evaluate_tick(context).run_requests or []
    result.skipped["sensor"] = _run_like_the_daemon(
        data_dir, {**request.tags, **DagsterRun.tags_for_sensor(sensor), "dagster/run_key": request.run_key or ""}
    )
    yield result


@pytest.mark.slow
def test_daemon_run_is_refused_while_the_cli_run_holds_the_folder(scenario: Scenario) -> None:
    assert scenario.daemon_ended_while_holder_paused, "the holder finished before the second run was refused"
    assert scenario.daemon_code != 0, scenario.daemon_output
    output = " ".join(scenario.daemon_output.split())
    assert REFUSAL.format(data_dir=scenario.data_dir, pid=scenario.holder_pid) in output
    assert "nothing was changed" in output
    # The holder carried on and published.
    assert scenario.holder_code == 0, scenario.holder_output
    assert "published mart:" in scenario.holder_output


@pytest.mark.slow
def test_both_runs_leave_a_report_written_by_the_job(scenario: Scenario) -> None:
    refused, published = _reports(scenario.data_dir)[:2]
    assert (refused["status"], refused["trigger"], refused["published"]) == ("refused", "ui", False)
    assert refused["errors"][0].startswith(REFUSAL.format(data_dir=scenario.data_dir, pid=scenario.holder_pid))
    assert refused["steps"] == []
    assert (published["status"], published["trigger"], published["published"]) == ("success", "cli", True)
    assert published["reason"] == "no published mart yet"
    steps = [step["step"] for step in published["steps"]]
    assert steps[:3] == ["connectors__freshdesk", "connectors__zendesk", "pipeline__freshness"]
    assert "published__mart" in steps and all(step["status"] == "success" for step in published["steps"])
    assert published["dbt"]["tests_run"] > 0 and published["dbt"]["tests_failed"] == 0
    assert f"run report: {scenario.data_dir / 'reports'}" in scenario.holder_output


@pytest.mark.slow
def test_mart_is_intact_after_the_overlap(scenario: Scenario) -> None:
    mart = scenario.data_dir / MART_FILE_NAME
    assert stale_temp_files(mart) == []
    published = _reports(scenario.data_dir)[1]
    con = open_mart(mart)
    try:
        (run_id,) = con.execute("select run_id from mart._publication").fetchone()
        (tickets,) = con.execute("select count(*) from mart.fct_tickets").fetchone()
    finally:
        con.close()
    assert run_id == published["run_id"]
    assert tickets > 0
    # The skipped runs after it changed nothing.
    assert mart.stat().st_mtime_ns == scenario.mart_mtime_after_publish
    assert _checksum(scenario.data_dir) == scenario.checksum_after_publish


@pytest.mark.slow
def test_every_run_is_on_the_data_folders_instance(scenario: Scenario) -> None:
    reports = {report["run_id"]: report for report in _reports(scenario.data_dir)}
    with dg.DagsterInstance.from_config(str(scenario.data_dir / "dagster")) as instance:
        runs = {run.run_id: run for run in instance.get_runs()}
    assert set(runs) == set(reports)
    expected = {"success": dg.DagsterRunStatus.SUCCESS, "skipped": dg.DagsterRunStatus.SUCCESS}
    expected["refused"] = dg.DagsterRunStatus.FAILURE
    for run_id, report in reports.items():
        assert runs[run_id].status == expected[report["status"]], report
        assert runs[run_id].job_name == JOB
    cli = [run for run in runs.values() if run.tags.get(TRIGGER_TAG) == "cli"]
    assert len(cli) == 1 and reports[cli[0].run_id]["status"] == "success"
    assert any(path.suffix == ".db" for path in (scenario.data_dir / "dagster").rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize("trigger", ["schedule", "sensor"])
def test_schedule_and_sensor_runs_skip_with_the_reason(scenario: Scenario, trigger: str) -> None:
    result = scenario.skipped[trigger]
    assert result.success
    found = find_report(Settings.from_env(landing=GOLDEN_LANDING, data_dir=scenario.data_dir), result.run_id)
    assert found is not None
    report = found[1]
    assert (report["status"], report["trigger"], report["published"]) == ("skipped", trigger, False)
    assert report["reason"] == "no new landing files, seeds, models or settings since the last publish"
    statuses = {step["step"]: step["status"] for step in report["steps"]}
    assert statuses["pipeline__freshness"] == "success"
    assert statuses["raw__helpdesk__tickets"] == statuses["support_kpi_dbt"] == statuses["published__mart"] == "skipped"
    assert report["entities"] == {} and report["dbt"] == {} and report["errors"] == []
