"""dbt unit tests (the `unit_tests:` in the model YAML), run against a built warehouse.

Production runs (`support-kpi run`) build with `--exclude-resource-type unit_test`: unit tests
check model logic on fixed inputs and belong to CI, not to every batch. dbt needs the models'
parent relations to exist, so they run against the warehouse built from the golden fixture.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, CliRun


def test_every_dbt_unit_test_passes(golden_run: CliRun, tmp_path: Path) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    env = {
        **os.environ,
        "SUPPORT_KPI_WAREHOUSE": str(golden_run.data_dir / "warehouse.duckdb"),
        # The pseudonym key the unit tests' expected HMACs were computed with (e.g.
        # stg_calls_cdr_loses_latest_batch_wins_caller_hashed).
        "SUPPORT_KPI_PSEUDONYM_KEY": "dbt-unit-test-key",
    }
    done = subprocess.run(
        [
            str(dbt),
            "test",
            "--select",
            "test_type:unit",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=REPO / "dbt_project",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    unit = [r for r in results if r["unique_id"].startswith("unit_test.")]
    declared = json.loads((tmp_path / "target" / "manifest.json").read_text())["unit_tests"]
    assert len(declared) >= 20
    assert {r["unique_id"] for r in unit} == set(declared)
    assert all(r["status"] == "pass" for r in unit)
