"""The run report, ``<data-dir>/reports/run-<UTC stamp>-<run id prefix>.json``, written by the job.

Whatever starts ``daily_kpi_job`` (``support-kpi run``, the schedule, the sensor, the UI, a backfill),
the ``pipeline`` resource writes one report per run (``defs/run_guard.py``): at its teardown from the
run's event log (success, failure, skipped), or at once when the data folder is held by another
run (refused). ``support-kpi run`` finds the report of its run by run id and prints from it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.dbt_results import failed_nodes, summarize, warned_nodes
from dagster_project.publish import write_atomic
from dagster_project.settings import Settings
from dagster_project.state import read_build_plan

STATUSES = ("success", "failure", "skipped", "refused")
# Set by `support-kpi run` on its runs; schedules, sensors and backfills are told by Dagster's tags.
TRIGGER_TAG = "support_kpi/trigger"
TRIGGERS = ("cli", "schedule", "sensor", "backfill", "ui")
FRESHNESS_PATH = ("pipeline", "freshness")
PUBLISH_STEP = "published__mart"
_GATE_CHECKS = {"batch_gate", "scorecard_gate"}


def trigger_of(tags: Mapping[str, str]) -> str:
    """What started a run, from its tags: ``backfill``, ``schedule``, ``sensor`` (the landing sensor,
    or declarative automation), ``cli`` (``support-kpi run``), else ``ui`` (launched by hand: the
    Dagster UI's launchpad or asset graph, ``dagster job execute``)."""
    if "dagster/backfill" in tags:
        return "backfill"
    if "dagster/schedule_name" in tags:
        return "schedule"
    if "dagster/sensor_name" in tags or "dagster/auto_materialize" in tags:
        return "sensor"
    declared = tags.get(TRIGGER_TAG)
    if declared in TRIGGERS:
        return declared
    return "ui"


def _metadata_value(value: Any) -> Any:
    return getattr(value, "value", value)


def root_message(error: Any) -> str:
    """The user's exception of a step error: the outermost error in the cause chain that is not
    one of Dagster's wrappers (`Dagster...Error`).

    Not the innermost: the loader raises `ContractError("<file>: <adapter> file not loaded: ...")`
    *from* the adapter's `UnreadableFile`, and only the outer one names the file (issue 12 item 8).
    """
    if error is None:
        return "failed"
    chain = [error]
    while getattr(chain[-1], "cause", None) is not None:
        chain.append(chain[-1].cause)
    user = next((e for e in chain if not (getattr(e, "cls_name", None) or "").startswith("Dagster")), chain[-1])
    return str(user.message).strip()


@dataclass
class RunEvents:
    """What one pass over a run's event log tells the report."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    connectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    freshness: dict[str, Any] = field(default_factory=dict)


def read_events(instance: dg.DagsterInstance, run_id: str) -> RunEvents:
    """Step timings, per-entity load figures, connector pulls, the freshness decision and failure
    messages from the run's event log."""
    found = RunEvents()
    steps: dict[str, dict[str, Any]] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        step = steps.setdefault(event.step_key, {"step": event.step_key, "status": "not run"})
        kind = event.event_type_value
        if kind == "STEP_START":
            step["started_at"] = entry.timestamp
            step["_order"] = entry.timestamp
        elif kind in {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}:
            step["status"] = {"STEP_SUCCESS": "success", "STEP_FAILURE": "failure"}.get(kind, "skipped")
            if "started_at" in step:
                step["seconds"] = round(entry.timestamp - step.pop("started_at"), 3)
            if kind == "STEP_FAILURE":
                error = event.step_failure_data.error if event.step_failure_data else None
                user = getattr(event.step_failure_data, "user_failure_data", None)
                message = (user.description if user and user.description else None) or root_message(error)
                found.errors.append(f"{event.step_key}: {message}")
        elif kind in {"ASSET_MATERIALIZATION", "ASSET_OBSERVATION"}:
            data = event.event_specific_data
            record = data.materialization if kind == "ASSET_MATERIALIZATION" else data.asset_observation
            path = record.asset_key.path
            meta = {k: _metadata_value(v) for k, v in record.metadata.items()}
            if tuple(path) == FRESHNESS_PATH:
                found.freshness = meta
            elif kind == "ASSET_MATERIALIZATION" and path[0] == "raw":
                found.entities["/".join(path[1:])] = meta
            elif kind == "ASSET_MATERIALIZATION" and path[0] == "connectors":
                found.connectors[path[-1]] = meta
    ordered = sorted(steps.values(), key=lambda step: step.get("_order", float("inf")))
    for step in ordered:
        step.pop("started_at", None)
        step.pop("_order", None)
    found.steps = ordered
    return found


def collect(instance: dg.DagsterInstance, run_id: str) -> tuple[list[dict], dict, list[str]]:
    """Step timings, per-entity load figures and failure messages from the run's event log."""
    events = read_events(instance, run_id)
    return events.steps, events.entities, events.errors


def gate_results(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict[str, Any]]:
    """The quality gates (asset checks of defs/gates.py) of the run, by check: status, severity,
    expectations failed, rows checked, seconds, Data Docs path and a few failing rows."""
    gates: dict[str, dict[str, Any]] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if evaluation is None or evaluation.check_name not in _GATE_CHECKS:
            continue
        meta = {k: _metadata_value(v) for k, v in evaluation.metadata.items()}
        gates["/".join(evaluation.asset_key.path)] = {
            "check": evaluation.check_name,
            "status": meta.get("status", "passed" if evaluation.passed else "failed"),
            "severity": None if evaluation.passed else evaluation.severity.value.lower(),
            **{k: v for k, v in meta.items() if k != "status"},
        }
    return gates


def dbt_section(settings: Settings, since: datetime | None = None) -> dict[str, Any]:
    """Figures of this run's ``dbt build``: none when dbt did not run since ``since`` (a skipped
    run keeps the published build's ``last_dbt_run_results.json`` in place; the dbt step removes it
    before it builds)."""
    path = settings.dbt_results_path
    if not path.exists() or (since is not None and path.stat().st_mtime < since.timestamp()):
        return {}
    run_results = json.loads(settings.dbt_results_path.read_text())
    summary = summarize(run_results)
    return {
        "build": read_build_plan(settings),
        "models": summary.models,
        "seeds": summary.seeds,
        "tests_run": summary.tests,
        "tests_failed": summary.tests_failed,
        "tests_warned": summary.tests_warned,
        "unit_tests": summary.unit_tests,
        "failed": failed_nodes(run_results),
        "warned": warned_nodes(run_results),
    }


@dataclass(frozen=True)
class RunStart:
    """Who started a run on which folders, and when (taken by the guard before anything else)."""

    run_id: str
    trigger: str
    settings: Settings
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    clock: float = field(default_factory=time.monotonic)

    def header(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "trigger": self.trigger,
            "started_at": self.started_at.isoformat(),
            "landing_dir": str(self.settings.landing_dir),
            "data_dir": str(self.settings.data_dir),
            "mart_path": str(self.settings.mart_path),
        }

    def footer(self) -> dict[str, Any]:
        return {"finished_at": datetime.now(UTC).isoformat(), "seconds": round(time.monotonic() - self.clock, 3)}


def refused_report(start: RunStart, message: str) -> dict[str, Any]:
    """Another run holds the data folder: this one read and wrote nothing."""
    return {
        **start.header(),
        "status": "refused",
        "published": False,
        "reason": message,
        "steps": [],
        "entities": {},
        "errors": [message],
        **start.footer(),
    }


def run_report(start: RunStart, instance: dg.DagsterInstance) -> dict[str, Any]:
    """The report of a run whose steps are over, from its event log.

    failure: a step failed, or one started and never finished (an interrupted run);
    skipped: the freshness step found nothing to do, so every later step was skipped;
    success: otherwise; ``published`` says whether this run switched in a new mart.
    """
    events = read_events(instance, start.run_id)
    errors = list(events.errors)
    errors += [f"{step['step']}: did not finish" for step in events.steps if step["status"] == "not run"]
    published = any(step["step"] == PUBLISH_STEP and step["status"] == "success" for step in events.steps)
    if errors:
        status = "failure"
    elif events.freshness.get("up_to_date") is True:
        status = "skipped"
    else:
        status = "success"
    report: dict[str, Any] = {**start.header(), "status": status, "published": published and status == "success"}
    if events.connectors:
        report["connectors"] = events.connectors
    if events.freshness:
        report["reason"] = events.freshness.get("reason")
    entities = events.entities
    report.update(
        steps=events.steps,
        entities=entities,
        totals={
            key: sum(int(e.get(key, 0) or 0) for e in entities.values())
            for key in ("rows_read", "rows_loaded", "rows_quarantined", "files_loaded")
        },
        dbt=dbt_section(start.settings, since=start.started_at),
        gates=gate_results(instance, start.run_id),
        errors=errors,
        **start.footer(),
    )
    return report


def _name_suffix(run_id: str) -> str:
    return run_id.split("-")[0]


def write_report(settings: Settings, report: dict[str, Any]) -> Path:
    """``reports/run-<UTC stamp>-<first block of the run id>.json``: names sort by start of writing."""
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = settings.reports_dir / f"run-{stamp}-{_name_suffix(report['run_id'])}.json"
    write_atomic(path, json.dumps(report, indent=2, default=str))  # a reader never sees half a report
    return path


def find_report(settings: Settings, run_id: str) -> tuple[Path, dict[str, Any]] | None:
    """The report the job wrote for ``run_id``; None when there is none (the run died first)."""
    for path in sorted(settings.reports_dir.glob(f"run-*-{_name_suffix(run_id)}.json")):
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(report, dict) and report.get("run_id") == run_id:
            return path, report
    return None
