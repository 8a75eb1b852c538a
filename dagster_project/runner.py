"""`support-kpi run`: a thin launcher of ``daily_kpi_job``.

The job itself holds the data folder, pulls the APIs, decides whether there is anything to do,
loads, builds, publishes and writes the run report (defs/run_guard.py, defs/freshness.py,
run_report.py). Here: execute it in this process on the data folder's persistent Dagster instance
(``<data-dir>/dagster/``, dagster_project/instance.py), with the progress logger, then read the
report the job wrote for this run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_project.run_report import TRIGGER_TAG, find_report
from dagster_project.settings import Settings

JOB_NAME = "daily_kpi_job"


class MissingReportError(RuntimeError):
    """The run ended without a report: it failed before the job's guard held the data folder
    (a resource or setting it could not set up)."""


@dataclass
class RunOutcome:
    status: str  # success | failure | skipped | refused (run_report.STATUSES)
    run_id: str
    report_path: Path
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return bool(self.report.get("published"))

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    @property
    def errors(self) -> list[str]:
        return list(self.report.get("errors") or [])


def run_config(settings: Settings, full_refresh: bool = False) -> dict[str, Any]:
    """The folders (and a requested full refresh) as the ``pipeline`` resource's config, and the
    one-line-per-step logger."""
    config: dict[str, Any] = {
        "landing_dir": str(settings.landing_dir),
        "data_dir": str(settings.data_dir),
        "engine": settings.dbt.engine,
    }
    if full_refresh:
        config["full_refresh"] = True
    return {"loggers": {"progress": {}}, "resources": {"pipeline": {"config": config}}}


def run_pipeline(settings: Settings, full_refresh: bool = False) -> RunOutcome:
    """Execute ``daily_kpi_job`` on ``settings``' folders and return what its report says.

    Raises ``MissingReportError`` when the run left no report.
    """
    from dagster_project.instance import open_instance
    from dagster_project.manifest import ensure_manifest
    from dagster_project.warehouse import run_lock_held

    ensure_manifest()
    from dagster_project.definitions import defs
    from dagster_project.defs.freshness import FRESHNESS_KEY

    job = defs().resolve_job_def(JOB_NAME)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open_instance(settings) as instance:

        def execute(selection: list[Any] | None) -> RunOutcome:
            result = job.execute_in_process(
                run_config=run_config(settings, full_refresh),
                instance=instance,
                tags={TRIGGER_TAG: "cli"},
                asset_selection=selection,
                raise_on_error=False,
            )
            found = find_report(settings, result.run_id)
            if found is None:
                why = "; ".join(run_errors(result)) or "no error recorded"
                raise MissingReportError(f"run {result.run_id} ended without a run report: {why}")
            path, report = found
            return RunOutcome(status=str(report.get("status")), run_id=result.run_id, report_path=path, report=report)

        if run_lock_held(settings.data_dir):
            # The job's guard will refuse this run before its first step. Recording a run of the
            # whole job first costs seconds (one planned event per asset and dbt test): ask with
            # the smallest selection, so the refusal comes at once. Should the other run end
            # meanwhile, that run is not refused: then run the whole job after all.
            probe = execute([FRESHNESS_KEY])
            if probe.refused:
                return probe
        return execute(None)


def run_errors(result: Any) -> list[str]:
    """The errors a run recorded outside its steps too (a resource that failed to set up), in order."""
    from dagster_project.run_report import root_message

    messages: list[str] = []
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if error is not None and (message := root_message(error)) not in messages:
            messages.append(message)
    return messages


def print_failed_gates(console: Any, gates: dict[str, dict[str, Any]]) -> None:
    from rich.markup import escape

    for name, gate in gates.items():
        if gate["status"] == "passed":
            continue
        color = "red" if gate["status"] == "failed" else "yellow"
        expectations = gate.get("expectations_failed") or gate.get("expectations_warned") or []
        text = escape(f"gate {gate['status']}: {name} ({gate['check']}): {', '.join(expectations)}")
        console.print(f"[{color}]{text}[/{color}]", soft_wrap=True)
        for row in (gate.get("failing_rows") or [])[:5]:
            console.print(f"[{color}]    {escape(json.dumps(row, default=str))}[/{color}]", soft_wrap=True)
        if gate.get("docs_path"):
            console.print(f"    data docs: {escape(str(gate['docs_path']))}", soft_wrap=True)


def print_dbt_warnings(console: Any, report: dict[str, Any]) -> None:
    from rich.markup import escape

    for warning in (report.get("dbt") or {}).get("warned") or []:
        console.print(f"[yellow]dbt warning: {escape(warning)}[/yellow]", soft_wrap=True)
