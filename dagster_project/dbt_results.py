"""Read dbt's run_results.json: what was built and tested, and which nodes failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_FAILED = {"error", "fail", "runtime error"}


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


def failed_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """``test not_null_fct_tickets_ticket_id failed: Got 3 results`` for every failed node."""
    failures = []
    for result in run_results.get("results", []):
        if result.get("status") in _FAILED:
            parts = str(result.get("unique_id", "")).split(".")
            kind = parts[0]
            # test.<package>.<name>.<hash>; unit_test.<package>.<model>.<test>; model.<package>.<name>
            name = parts[2] if kind == "test" and len(parts) > 2 else ".".join(parts[2:])
            message = (result.get("message") or "").strip().splitlines()
            detail = f": {message[0]}" if message else ""
            failures.append(f"{kind} {name} {result.get('status')}{detail}")
    return failures
