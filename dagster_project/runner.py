"""`support-kpi run`: execute the daily job in-process and write the run report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.dbt_results import failed_nodes, summarize, warned_nodes
from dagster_project.settings import Settings
from dagster_project.state import check_freshness

JOB_NAME = "daily_kpi_job"


@dataclass
class RunOutcome:
    published: bool
    skipped: bool
    report_path: Path
    errors: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def _metadata_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _collect(instance: dg.DagsterInstance, run_id: str) -> tuple[list[dict], dict, list[str]]:
    """Step timings, per-entity load figures and failure messages from the run's event log."""
    steps: dict[str, dict[str, Any]] = {}
    entities: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
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
                message = (user.description if user and user.description else None) or _root_message(error)
                errors.append(f"{event.step_key}: {message}")
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            path = materialization.asset_key.path
            if path[0] == "raw":
                meta = {k: _metadata_value(v) for k, v in materialization.metadata.items()}
                entities["/".join(path[1:])] = meta
    ordered = sorted(steps.values(), key=lambda step: step.get("_order", float("inf")))
    for step in ordered:
        step.pop("started_at", None)
        step.pop("_order", None)
    return ordered, entities, errors


def _gate_results(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict[str, Any]]:
    """The quality gates (asset checks of defs/gates.py) of the run, by check: status, severity,
    expectations failed, rows checked, seconds, Data Docs path and a few failing rows."""
    gates: dict[str, dict[str, Any]] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if evaluation is None or evaluation.check_name not in {"batch_gate", "scorecard_gate"}:
            continue
        meta = {k: _metadata_value(v) for k, v in evaluation.metadata.items()}
        gates["/".join(evaluation.asset_key.path)] = {
            "check": evaluation.check_name,
            "status": meta.get("status", "passed" if evaluation.passed else "failed"),
            "severity": None if evaluation.passed else evaluation.severity.value.lower(),
            **{k: v for k, v in meta.items() if k != "status"},
        }
    return gates


def _print_failed_gates(console: Any, gates: dict[str, dict[str, Any]]) -> None:
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


def escape_markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _root_message(error: Any) -> str:
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


def _write_report(settings: Settings, report: dict[str, Any]) -> Path:
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = settings.reports_dir / f"run-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    return path


def run_pipeline(settings: Settings) -> RunOutcome:
    """Load new landing files, dbt build, publish — or nothing, when nothing changed.

    Holds ``<data-dir>/run.lock`` for the whole run: raises ``RunInProgressError`` at once, before
    anything is read or written, when another run holds it. (A job started by the Dagster daemon
    takes no run lock; its steps queue on the warehouse lock.)
    """
    from dagster_project.testing.faults import check_requested
    from dagster_project.warehouse import run_lock

    with run_lock(settings.data_dir):
        check_requested()
        return _run_pipeline_locked(settings)


def _run_pipeline_locked(settings: Settings) -> RunOutcome:
    from dagster_project.progress import console

    started_at = datetime.now(UTC)
    clock = time.monotonic()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.export()
    report: dict[str, Any] = {
        "started_at": started_at.isoformat(),
        "landing_dir": str(settings.landing_dir),
        "data_dir": str(settings.data_dir),
        "mart_path": str(settings.mart_path),
    }

    pull_step, connectors, pull_errors = _pull_connectors(settings, console)
    if connectors:
        report["connectors"] = connectors
    if pull_errors:
        report.update(
            status="failure",
            published=False,
            steps=[pull_step],
            entities={},
            errors=pull_errors,
            finished_at=datetime.now(UTC).isoformat(),
            seconds=round(time.monotonic() - clock, 3),
        )
        return RunOutcome(
            published=False,
            skipped=False,
            report_path=_write_report(settings, report),
            errors=pull_errors,
            report=report,
        )
    pulled = [vendor for vendor, meta in connectors.items() if meta.get("configured")]
    pull_steps = [pull_step] if connectors else []

    check_clock = time.monotonic()
    freshness = check_freshness(settings)
    check_step = {
        "step": "freshness_check",
        "status": "success",
        "reason": freshness.reason,
        "seconds": round(time.monotonic() - check_clock, 3),
    }
    if freshness.up_to_date:
        console.print(f"[green]✓ nothing to do:[/green] {freshness.reason}; {settings.mart_path} is current")
        report.update(
            status="skipped",
            published=False,
            reason=freshness.reason,
            steps=[*pull_steps, check_step],
            entities={},
            seconds=round(time.monotonic() - clock, 3),
        )
        return RunOutcome(
            published=False,
            skipped=True,
            report_path=_write_report(settings, report),
            report=report,
        )
    console.print(f"[bold]run needed:[/bold] {freshness.reason}")

    prepare_clock = time.monotonic()
    from dagster_project.manifest import ensure_manifest

    ensure_manifest()
    from dagster_project.definitions import defs

    definitions = defs()
    job = definitions.resolve_job_def(JOB_NAME)
    prepare_step = {
        "step": "load_definitions",
        "status": "success",
        "seconds": round(time.monotonic() - prepare_clock, 3),
    }

    settings.dbt_results_path.unlink(missing_ok=True)
    instance = dg.DagsterInstance.get() if _has_dagster_home() else dg.DagsterInstance.ephemeral()
    # The runner pulled already (before the freshness check): the job leaves the pull assets out.
    selection = _without_pulls(job, pulled) if pulled else None
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"progress": {}}},
        asset_selection=selection,
    )
    steps, entities, errors = _collect(instance, result.run_id)
    gates = _gate_results(instance, result.run_id)
    _print_failed_gates(console, gates)

    dbt_section: dict[str, Any] = {}
    if settings.dbt_results_path.exists():
        run_results = json.loads(settings.dbt_results_path.read_text())
        summary = summarize(run_results)
        dbt_section = {
            "models": summary.models,
            "seeds": summary.seeds,
            "tests_run": summary.tests,
            "tests_failed": summary.tests_failed,
            "tests_warned": summary.tests_warned,
            "unit_tests": summary.unit_tests,
            "failed": failed_nodes(run_results),
            "warned": warned_nodes(run_results),
        }
        for warning in dbt_section["warned"]:
            console.print(f"[yellow]dbt warning: {escape_markup(warning)}[/yellow]", soft_wrap=True)
    published = result.success
    report.update(
        status="success" if published else "failure",
        published=published,
        run_id=result.run_id,
        steps=[*pull_steps, check_step, prepare_step, *steps],
        entities=entities,
        totals={
            key: sum(int(e.get(key, 0) or 0) for e in entities.values())
            for key in ("rows_read", "rows_loaded", "rows_quarantined", "files_loaded")
        },
        dbt=dbt_section,
        gates=gates,
        errors=errors,
        finished_at=datetime.now(UTC).isoformat(),
        seconds=round(time.monotonic() - clock, 3),
    )
    return RunOutcome(
        published=published,
        skipped=False,
        report_path=_write_report(settings, report),
        errors=errors,
        report=report,
    )


def _pull_connectors(settings: Settings, console: Any) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Pull every configured helpdesk API into the landing folder, before the freshness check:
    otherwise a run with nothing new on disk would stop without asking the API.

    Returns the step, each vendor's pull metadata (no credentials) and the errors (a refused
    credential, an HTTP error left after the retries, a bad setting): any error stops the run.
    """
    from dagster_project.connectors import ConnectorConfigError, ConnectorError, configured_vendors, pull_vendor

    started = time.monotonic()
    connectors: dict[str, Any] = {}
    errors: list[str] = []
    try:
        vendors = configured_vendors()
    except ConnectorConfigError as error:
        vendors, errors = [], [f"connectors: {error}"]
    for vendor in vendors:
        console.print(f"[bold]pulling {vendor}[/bold] …")
        try:
            result = pull_vendor(vendor, settings.landing_dir, settings.data_dir)
        except (ConnectorError, ConnectorConfigError, ValueError) as error:
            errors.append(f"connectors/{vendor}: {error}")
            connectors[vendor] = {"configured": True, "error": str(error)}
            break
        meta = result.metadata()
        connectors[vendor] = meta
        console.print(
            f"  {vendor}: {meta['pages']} page(s), {meta['rows']} record(s), "
            f"{meta['requests']} request(s), {meta['retries']} retried"
        )
    step = {
        "step": "connectors_pull",
        "status": "failure" if errors else "success",
        "seconds": round(time.monotonic() - started, 3),
    }
    return step, connectors, errors


def _without_pulls(job: dg.JobDefinition, vendors: list[str]) -> list[dg.AssetKey]:
    """Every asset of the job but the pull assets of ``vendors``."""
    pulled = {dg.AssetKey(["connectors", vendor]) for vendor in vendors}
    return sorted((key for key in job.asset_layer.executable_asset_keys if key not in pulled), key=lambda key: key.path)


def _has_dagster_home() -> bool:
    from dagster_project.config import dagster_home

    return dagster_home() is not None
