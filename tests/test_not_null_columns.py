"""The combined not-null test (dbt_project/tests/generic/not_null_columns.sql) fails as the
per-column `not_null` tests it replaces did: per model, one failing row per column with nulls.

One copy of the demo warehouse gets nulls in a few columns of three relations (a mart fact, a
KPI table, a seed), then `dbt test --select test_name:not_null_columns` runs ONCE on it: exactly
those three tests fail, each with the number of columns that got nulls; the other models pass.
"""

from __future__ import annotations

import pytest

from tests.conftest import CliRun, tampered_dbt_test

# relation -> (statement putting nulls in, columns it nulls)
TAMPERING = {
    "fct_tickets": (
        "update mart.fct_tickets set channel = null, priority = null"
        " where ticket_id = (select min(ticket_id) from mart.fct_tickets)",
        2,
    ),
    "kpi_contact_centre_daily": ("update mart.kpi_contact_centre_daily set handle_seconds_sum = null", 1),
    "sla_policies": ("update reference.sla_policies set resolution_target_minutes = null where priority = 'low'", 1),
}


@pytest.fixture(scope="module")
def null_tampered_results(demo_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    work = tmp_path_factory.mktemp("not-null-tampered")
    statements = [statement for statement, _ in TAMPERING.values()]
    return tampered_dbt_test(demo_run.data_dir / "warehouse.duckdb", work, statements, "test_name:not_null_columns")


def test_only_the_tampered_models_fail_with_one_row_per_null_column(
    null_tampered_results: dict[str, tuple[str, int]],
) -> None:
    failed = {name: result for name, result in null_tampered_results.items() if result[0] != "pass"}
    assert failed == {f"not_null_columns_{name}": ("fail", columns) for name, (_, columns) in TAMPERING.items()}
    # every model with not-null rules was tested: over a hundred relations, not just the three
    assert len(null_tampered_results) > 100
