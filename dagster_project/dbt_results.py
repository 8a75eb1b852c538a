"""Read dbt's run_results.json: what was built and tested, and which nodes failed."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

_FAILED = {"error", "fail", "runtime error"}
# The rows a failed column_rules test returned (rule, column_name, failing_rows,
# example_value), added to the pipeline's copy of run_results.json: dbt itself only says "Got N
# results", and one such test holds every column rule of its model.
FAILING_ROWS = "support_kpi_failing_rows"
COLUMN_RULES_TEST = "column_rules"
FAILING_ROWS_SHOWN = 5


@dataclass(frozen=True)
class DbtSummary:
    models: int
    seeds: int
    tests: int
    tests_failed: int
    tests_warned: int
    unit_tests: int


def _kind(result: Mapping[str, Any]) -> str:
    return str(result.get("unique_id", "")).split(".", 1)[0]


def summarize(run_results: Mapping[str, Any]) -> DbtSummary:
    results = run_results.get("results", [])
    tests = [r for r in results if _kind(r) in {"test", "unit_test"}]
    return DbtSummary(
        models=sum(1 for r in results if _kind(r) == "model"),
        seeds=sum(1 for r in results if _kind(r) == "seed"),
        tests=len(tests),
        tests_failed=sum(1 for r in tests if r.get("status") in _FAILED),
        tests_warned=sum(1 for r in tests if r.get("status") == "warn"),
        unit_tests=sum(1 for r in tests if _kind(r) == "unit_test"),
    )


def _nodes_with_status(run_results: Mapping[str, Any], statuses: set[str]) -> list[str]:
    nodes = []
    for result in run_results.get("results", []):
        if result.get("status") in statuses:
            parts = str(result.get("unique_id", "")).split(".")
            kind = parts[0]
            # test.<package>.<name>.<hash>; unit_test.<package>.<model>.<test>; model.<package>.<name>
            name = parts[2] if kind == "test" and len(parts) > 2 else ".".join(parts[2:])
            message = (result.get("message") or "").strip().splitlines()
            detail = f": {message[0]}" if message else ""
            rows = [
                ", ".join(f"{k}={v}" for k, v in row.items() if v is not None) for row in result.get(FAILING_ROWS, [])
            ]
            if rows:
                detail += " (" + "; ".join(rows) + ")"
            nodes.append(f"{kind} {name} {result.get('status')}{detail}")
    return nodes


def attach_failing_rows(run_results: dict[str, Any], query: Callable[[str], list[dict[str, Any]]]) -> None:
    """Add to each failed column_rules test of ``run_results`` the first rows its
    compiled SQL returns (``query`` runs SQL on the warehouse the build just wrote): which rule of
    which column broke. A query that fails leaves the test as dbt reported it."""
    for result in run_results.get("results", []):
        parts = str(result.get("unique_id", "")).split(".")
        if parts[0] != "test" or len(parts) < 3 or not parts[2].startswith(COLUMN_RULES_TEST + "_"):
            continue
        if result.get("status") not in _FAILED or not result.get("compiled_code"):
            continue
        try:
            rows = query(f"select * from ({result['compiled_code']}) failing order by all limit {FAILING_ROWS_SHOWN}")
        except Exception:  # a detail for the report: dbt's own verdict stands
            continue
        result[FAILING_ROWS] = [
            {k: (v if isinstance(v, (int, float)) or v is None else str(v)) for k, v in row.items()} for row in rows
        ]


def failed_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """``test not_null_fct_tickets_ticket_id failed: Got 3 results`` for every failed node."""
    return _nodes_with_status(run_results, _FAILED)


def warned_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """``test assert_tickets_status_from_record warn: Got 2 results, ...`` for every warn-severity
    test that found rows: counted data quirks the mart is published with (run report, console)."""
    return _nodes_with_status(run_results, {"warn"})


# a node's result line; not the on-run-start hook's ("1 of 1 OK hook: ..."), counted apart by dbt
_NODE_DONE = re.compile(r"^(\d+) of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP)\b(?! hook:)")


class DbtLogTee(io.TextIOBase):
    """Writes dbt's log lines to a file and reports progress every tenth of the nodes."""

    def __init__(self, path: Path, report: Callable[[str], None]) -> None:
        self._path = path
        self._report = report
        self._handle: io.TextIOWrapper | None = None
        self._done = 0
        self._next_decile = 1

    def __enter__(self) -> Self:
        self._handle = self._path.open("w", encoding="utf-8")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._handle is not None:
            self._handle.close()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._handle is not None:
            self._handle.write(text)
        for line in text.splitlines():
            match = _NODE_DONE.match(line)
            if match:
                self._done += 1
                total = int(match.group(2))
                if self._done * 10 >= self._next_decile * total:
                    self._next_decile = self._done * 10 // total + 1
                    self._report(f"dbt build: {self._done} of {total} nodes done")
        return len(text)


# dagster-dbt warns once per dbt test that is not a Dagster asset check ("Logging an
# `AssetObservation` instead of an `AssetCheckResult` for dbt test ... likely executed due to dbt
# indirect selection"). Here that is by design (only the mart's tests are checks: the translator in
# defs/dbt_models.py), so each warning is wrong, and each is an event stored in the instance's event
# log: ~240 per build (~1.7 s at the stock storage's ~7 ms per event). The results are in
# run_results.json, the run report and logs/dbt-build.log.
UNSELECTED_TEST_NOTICE = "Logging an `AssetObservation` instead of an `AssetCheckResult`"
DAGSTER_DBT_LOGGER = "dagster.builtin"  # dagster_dbt's get_dagster_logger()


class _DropUnselectedTestNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(UNSELECTED_TEST_NOTICE)


@contextmanager
def without_unselected_test_notices() -> Iterator[None]:
    """While streaming a dbt build's events: drop dagster-dbt's per-test notice (comment above)."""
    dropping = _DropUnselectedTestNotices()
    logger = logging.getLogger(DAGSTER_DBT_LOGGER)
    logger.addFilter(dropping)
    try:
        yield
    finally:
        logger.removeFilter(dropping)
