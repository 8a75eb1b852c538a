"""The model-level column_rules test (dbt_project/tests/generic/column_rules.sql) fails as the
per-column `not_null`, `unique` and `accepted_values` tests it replaces did, with one row per
broken rule (one per duplicated value for a unique key).

One copy of the demo warehouse gets each kind of break in a few relations (a mart fact, a
dimension, a KPI table, a seed), then `dbt test --select test_name:column_rules` runs ONCE on it:
exactly those relations' tests fail, each with the number of rules it broke; the others pass.
The rows a failed test returns, as the run report shows them, are checked by
tests/test_e2e.py::test_failing_dbt_test_blocks_publishing_and_keeps_previous_mart.
"""

from __future__ import annotations

from typing import Any

import pytest

from dagster_project.dbt_results import FAILING_ROWS, attach_failing_rows, failed_nodes
from tests.conftest import CliRun, tampered_dbt_test

FIRST_TICKET = "(select min(ticket_id) from mart.fct_tickets)"
LAST_TICKET = "(select max(ticket_id) from mart.fct_tickets)"

# relation -> (statements breaking it, rules they break)
TAMPERING: dict[str, tuple[list[str], int]] = {
    # not_null x 2 (channel, priority: a null passes accepted_values), accepted_values x 1
    "fct_tickets": (
        [
            f"update mart.fct_tickets set channel = null, priority = null where ticket_id = {FIRST_TICKET}",
            f"update mart.fct_tickets set status = 'archived' where ticket_id = {LAST_TICKET}",
        ],
        3,
    ),
    # unique: one duplicated agent_id
    "dim_agents": (["insert into mart.dim_agents select * from mart.dim_agents order by agent_id limit 1"], 1),
    # expression_is_true: ended_at >= started_at
    "fct_web_sessions": (
        [
            "update mart.fct_web_sessions set ended_at = started_at - interval 1 minute"
            " where session_id = (select min(session_id) from mart.fct_web_sessions)"
        ],
        1,
    ),
    "kpi_contact_centre_daily": (["update mart.kpi_contact_centre_daily set handle_seconds_sum = null"], 1),
    "sla_policies": (["update reference.sla_policies set resolution_target_minutes = null where priority = 'low'"], 1),
}


@pytest.fixture(scope="module")
def rules_tampered_results(demo_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    work = tmp_path_factory.mktemp("column-rules-tampered")
    statements = [statement for statements, _ in TAMPERING.values() for statement in statements]
    return tampered_dbt_test(demo_run.data_dir / "warehouse.duckdb", work, statements, "test_name:column_rules")


def test_only_the_tampered_models_fail_with_one_row_per_broken_rule(
    rules_tampered_results: dict[str, tuple[str, int]],
) -> None:
    failed = {name: result for name, result in rules_tampered_results.items() if result[0] != "pass"}
    assert failed == {f"column_rules_{name}": ("fail", rules) for name, (_, rules) in TAMPERING.items()}
    # every model with column rules was tested: over a hundred relations, not just these
    assert len(rules_tampered_results) > 100


# --- the failing rows in the run report (fast) -------------------------------------------------
def _results(status: str, name: str) -> dict[str, Any]:
    return {
        "results": [
            {
                "unique_id": f"test.support_kpi.{name}.0123456789",
                "status": status,
                "message": "Got 2 results, configured to fail if != 0",
                "compiled_code": "select 1",
            }
        ]
    }


ROWS = [
    {"rule": "accepted_values", "column_name": "status", "failing_rows": 1, "example_value": "archived"},
    {"rule": "not_null", "column_name": "channel", "failing_rows": 4, "example_value": None},
]


def test_a_failed_column_rules_test_names_the_broken_rules() -> None:
    run_results = _results("fail", "column_rules_fct_tickets")
    asked: list[str] = []
    attach_failing_rows(run_results, lambda sql: asked.append(sql) or ROWS)
    assert asked == ["select * from (select 1) failing order by all limit 5"]
    assert failed_nodes(run_results) == [
        "test column_rules_fct_tickets fail: Got 2 results, configured to fail if != 0"
        " (rule=accepted_values, column_name=status, failing_rows=1, example_value=archived;"
        " rule=not_null, column_name=channel, failing_rows=4)"
    ]


def test_other_tests_and_passing_ones_are_not_queried() -> None:
    for run_results in (_results("pass", "column_rules_fct_tickets"), _results("fail", "assert_one_build_plan")):
        attach_failing_rows(run_results, lambda sql: pytest.fail(f"queried: {sql}"))
        assert FAILING_ROWS not in run_results["results"][0]


def test_a_query_that_fails_leaves_dbts_verdict() -> None:
    run_results = _results("fail", "column_rules_fct_tickets")

    def broken(sql: str) -> list[dict[str, Any]]:
        raise RuntimeError("warehouse gone")

    attach_failing_rows(run_results, broken)
    assert failed_nodes(run_results) == [
        "test column_rules_fct_tickets fail: Got 2 results, configured to fail if != 0"
    ]
