"""dbt unit tests (the `unit_tests:` in the model YAML), run against an empty warehouse.

Production runs (`support-kpi run`) build with `--exclude-resource-type unit_test`: unit tests
check model logic on fixed inputs and belong to CI, not to every batch. dbt needs the models'
parent relations to exist, not their rows, so they run against the session's `empty_warehouse`
(raw schema, seeds, `dbt build --empty`): no pipeline run, part of the fast tier.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import dbt


def test_every_dbt_unit_test_passes(empty_warehouse: Path, tmp_path: Path) -> None:
    done = dbt(
        "test",
        "--select",
        "test_type:unit",
        warehouse=empty_warehouse,
        work=tmp_path,
        # The pseudonym key the unit tests' expected HMACs were computed with (e.g.
        # stg_calls_cdr_loses_latest_batch_wins_caller_hashed).
        SUPPORT_KPI_PSEUDONYM_KEY="dbt-unit-test-key",
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    unit = [r for r in results if r["unique_id"].startswith("unit_test.")]
    declared = json.loads((tmp_path / "target" / "manifest.json").read_text())["unit_tests"]
    assert len(declared) >= 20
    assert {r["unique_id"] for r in unit} == set(declared)
    assert all(r["status"] == "pass" for r in unit)
