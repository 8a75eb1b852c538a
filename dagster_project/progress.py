"""A Dagster logger that shows each step of a run as one line on the terminal (Rich)."""

from __future__ import annotations

import logging
import re
import sys
import time

import dagster as dg
from rich.console import Console

# Bound to the real stdout (dbt output is redirected to a log file while it runs); wide enough
# for the scorecard when the output is a file or a pipe (CI logs, tests).
console = Console(file=sys.stdout, highlight=False, width=None if sys.stdout.isatty() else 140)

_NOISE = ("Writing file at", "Loading file from")
_SKIPPING = "Skipping step "
# dagster-dbt forwards every dbt log line; on the terminal keep only problems and our summary.
_DBT_STEP = "support_kpi_dbt"
_DBT_KEEP = re.compile(r"\b(ERROR|FAIL|WARN)\b|^dbt build:")


class _StepLineHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self._started: dict[str, float] = {}
        # Steps are skipped after a failure, or when the freshness step found nothing to do: only
        # the former is worth a line per step (the latter is said once, by that step and the CLI).
        self._failed = False

    def emit(self, record: logging.LogRecord) -> None:
        meta = record.__dict__.get("dagster_meta") or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            message = str(meta.get("orig_message") or record.getMessage())
            if step == _DBT_STEP and not _DBT_KEEP.search(message):
                return
            if not self._failed and message.startswith(_SKIPPING):
                return
            if record.levelno >= logging.INFO and step and not message.startswith(_NOISE):
                style = "yellow" if record.levelno >= logging.WARNING else "dim"
                console.print(f"    [{style}]{message}[/{style}]")
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self._started[step] = time.monotonic()
            console.print(f"[bold]▶ {step}[/bold]")
        elif kind in {"STEP_SUCCESS", "STEP_FAILURE"}:
            seconds = time.monotonic() - self._started.get(step, time.monotonic())
            self._failed = self._failed or kind == "STEP_FAILURE"
            mark = "[green]✓[/green]" if kind == "STEP_SUCCESS" else "[red]✗[/red]"
            console.print(f"{mark} {step} [dim]{seconds:.1f} s[/dim]")
        elif kind == "STEP_SKIPPED" and self._failed:
            console.print(f"[yellow]- {step} skipped (an upstream step failed)[/yellow]")


@dg.logger(description="One line per step on the terminal; used by `support-kpi run`.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("support_kpi.progress", level=logging.DEBUG)
    logger.addHandler(_StepLineHandler())
    return logger
