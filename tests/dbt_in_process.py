"""dbt commands in the test process, each on a manifest parsed once per project and dbt vars.

A dbt subprocess pays ~3 s of start and, in a new target folder or against another warehouse path
(dbt-duckdb's partial-parse profile hash includes the path), a full parse of ~9 s. The tests that
run many small dbt commands (the arrival sequences' steps, the incremental and tampering scenarios,
the unit tests) run them here instead: `dbtRunner` on the manifest parsed the first time a project
and vars are seen in this worker process. The same SQL and selection as the dbt command line.

The parse does not depend on the warehouse path beyond its file name (dbt-duckdb names the database
after it), so every warehouse run here is called ``warehouse.duckdb``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest
from dbt_common.events.base_types import EventMsg

from dagster_project.dbt_profile import NO_FILE_LOG

WAREHOUSE_FILE_NAME = "warehouse.duckdb"  # as Settings.warehouse_path


@dataclass(frozen=True)
class Parsed:
    manifest: Manifest
    target: Path  # the parse's target folder: its manifest.json and semantic_manifest.json


_PARSED: dict[tuple[str, str], Parsed] = {}


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _close_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB environment open after an invocation (a dbt process closes it at
    exit): close it, so the next command, the loader or publishing can open the warehouse."""
    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    DuckDBConnectionManager.close_all_connections()


def _fresh_compile_state(manifest: Manifest) -> None:
    """dbt marks a node whose ephemeral models it has inlined (``extra_ctes_injected``) and does not
    inline them again: on a manifest reused by a later command, the node's SQL compiled anew would
    lack their CTEs (int_affected__ticket_facts reads the ephemeral
    int_affected__stored_sla_statuses). Unmark every node before a command."""
    for node in manifest.nodes.values():
        if getattr(node, "extra_ctes_injected", False):
            node.extra_ctes_injected = False
            node.extra_ctes = []


def _completed(args: list[str], result: dbtRunnerResult, lines: list[str]) -> subprocess.CompletedProcess[str]:
    """As the dbt command line would end: 0 on success, 1 when a node failed, 2 on an error."""
    if result.exception is not None:
        lines.append(f"{type(result.exception).__name__}: {result.exception}")
    code = 0 if result.success else (2 if result.exception is not None else 1)
    return subprocess.CompletedProcess(["dbt", *args], code, "\n".join(lines), "")


def invoke(
    args: list[str],
    *,
    project: Path,
    profiles_dir: Path,
    warehouse: Path,
    work: Path,
    dbt_vars: str | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Parsed | None]:
    """``dbt <args>`` on ``project`` with target and logs under ``work``; ``warehouse`` is handed to
    the profile as env SUPPORT_KPI_WAREHOUSE (dbt_project/profiles.yml reads it), its folder is the
    working folder (the pipeline's profile names it relatively), ``env`` set for the command's
    time. Returns what the command line would (return code, log lines as stdout) and
    the parse it ran on (None when the parse failed)."""
    if warehouse.name != WAREHOUSE_FILE_NAME:
        raise ValueError(f"{warehouse}: the parse names the database after {WAREHOUSE_FILE_NAME}")
    lines: list[str] = []

    def collect(event: EventMsg) -> None:
        if event.info.level in ("info", "warn", "error") and event.info.msg:
            lines.append(event.info.msg)

    common = [
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(profiles_dir),
        "--log-path",
        str(work / "logs"),
        *NO_FILE_LOG,
        *(["--vars", dbt_vars] if dbt_vars is not None else []),
    ]
    key = (str(project), dbt_vars or "")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # In the warehouse's folder, as the pipeline runs dbt (its profile's warehouse path is relative).
    with _environment({"SUPPORT_KPI_WAREHOUSE": str(warehouse), **(env or {})}), contextlib.chdir(warehouse.parent):
        try:
            if key not in _PARSED:
                parse_target = work / "parse-target"
                parsed = dbtRunner(callbacks=[collect]).invoke(["parse", *common, "--target-path", str(parse_target)])
                if not parsed.success:
                    return _completed(["parse", *common], parsed, lines), None
                _PARSED[key] = Parsed(parsed.result, parse_target)
            command = [*args, *common, "--target-path", str(work / "target")]
            _fresh_compile_state(_PARSED[key].manifest)
            done = dbtRunner(manifest=_PARSED[key].manifest, callbacks=[collect]).invoke(command)
        finally:
            _close_duckdb()
    return _completed(command, done, lines), _PARSED[key]
