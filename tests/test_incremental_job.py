"""Incremental runs through the job itself (issue 14): `support-kpi run` builds only what new rows
affect after the first publish, reloads a file delivered again, skips when nothing is new, and
`support-kpi run --full-refresh` rebuilds everything from the same files — into the same mart."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.arrivals import Delivery, deliver, final_files, parquet_bytes
from tests.conftest import support_kpi

END = date(2026, 4, 10)


@dataclass(frozen=True)
class Step:
    returncode: int
    output: str
    report: dict
    checksum: str


def _run(landing: Path, data_dir: Path, *extra: str) -> Step:
    done = support_kpi("run", "--landing", str(landing), "--data-dir", str(data_dir), *extra)
    output = done.stdout + done.stderr
    reports = sorted((data_dir / "reports").glob("run-*.json"), key=lambda p: p.stat().st_mtime_ns)
    report = json.loads(reports[-1].read_text()) if reports else {}
    summed = support_kpi("checksum", "--mart", str(data_dir / "support_kpi.duckdb"))
    lines = summed.stdout.strip().splitlines()
    return Step(done.returncode, output, report, lines[-1] if summed.returncode == 0 and lines else "")


@pytest.fixture(scope="module")
def job_sequence(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Step]:
    """Half the weeks; the rest with one file wrong; that file again, right; nothing new; a full refresh."""
    root = tmp_path_factory.mktemp("job-sequence")
    generated = root / "generated"
    done = support_kpi(
        "generate", "--landing", str(generated), "--days", "45", "--scale", "0.02", "--seed", "9",
        "--end-date", END.isoformat(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    files = final_files(generated)
    weekly = sorted(p for p in files if Path(p).name.startswith("w"))
    early = [p for p in weekly if int(Path(p).stem[1:]) < 3]
    changed = "helpdesk/ticket_events/w01.parquet"
    landing, data = root / "landing", root / "data"
    steps: dict[str, Step] = {}
    # The fixed event (of week 3) waits for its ticket: the gate rejects events of unknown tickets.
    later = [p for p in files if p not in early and (p in weekly or p.endswith("fix.parquet"))]
    deliver(landing, [Delivery(p, c) for p, c in files.items() if p not in later])
    steps["first"] = _run(landing, data)
    # The rest, with the events of week 1 delivered again, a third of them missing.
    table = pq.read_table(io.BytesIO(files[changed]))
    wrong = parquet_bytes(table.slice(0, table.num_rows * 2 // 3))
    deliver(landing, [Delivery(p, files[p]) for p in later] + [Delivery(changed, wrong)])
    steps["more"] = _run(landing, data)
    deliver(landing, [Delivery(changed, files[changed])])
    steps["right_again"] = _run(landing, data)
    steps["nothing_new"] = _run(landing, data)
    steps["full_refresh"] = _run(landing, data, "--full-refresh")
    steps["paths"] = Step(0, "", {"landing": str(landing), "data_dir": str(data)}, "")
    return steps


def test_every_run_succeeds(job_sequence: dict[str, Step]) -> None:
    for name, step in job_sequence.items():
        if name == "paths":
            continue
        assert step.returncode == 0, f"{name}: {step.output[-3000:]}"


def test_the_report_says_how_dbt_built_and_why(job_sequence: dict[str, Step]) -> None:
    builds = {
        name: (step.report.get("dbt") or {}).get("build") for name, step in job_sequence.items() if name != "paths"
    }
    assert builds["first"]["mode"] == "full refresh"
    assert builds["first"]["reason"] == "first build: no published mart yet"
    for name in ("more", "right_again"):
        assert builds[name]["mode"] == "incremental", builds[name]
        assert builds[name]["reason"].startswith("rows loaded after batch ")
    assert builds["more"]["since_batch_id"] < builds["right_again"]["since_batch_id"]
    assert job_sequence["nothing_new"].report["status"] == "skipped"
    assert builds["full_refresh"] == {
        "mode": "full refresh", "since_batch_id": 0, "refresh_months": [], "reason": "full refresh requested",
    }


def test_incremental_runs_publish_what_a_full_refresh_publishes(job_sequence: dict[str, Step]) -> None:
    assert job_sequence["right_again"].checksum.startswith("mart ")
    assert job_sequence["nothing_new"].checksum == job_sequence["right_again"].checksum
    assert job_sequence["full_refresh"].checksum == job_sequence["right_again"].checksum
    # The wrong version changed the mart, and its rows left it again.
    assert job_sequence["more"].checksum != job_sequence["right_again"].checksum


def test_a_backfill_run_of_one_month_recomputes_it_into_the_same_mart(
    job_sequence: dict[str, Step], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One partition of month_refresh_job as a backfill launches it (tag dagster/backfill): never
    skipped as up to date, the build plan names the month, the mart is unchanged."""
    from dagster_project.definitions import defs
    from dagster_project.instance import open_instance
    from dagster_project.manifest import ensure_manifest
    from dagster_project.run_report import find_report
    from dagster_project.settings import Settings

    paths = job_sequence["paths"].report
    monkeypatch.setenv("SUPPORT_KPI_LANDING", paths["landing"])
    monkeypatch.setenv("SUPPORT_KPI_DATA_DIR", paths["data_dir"])
    ensure_manifest()
    settings = Settings.from_env()
    job = defs().resolve_job_def("month_refresh_job")
    with open_instance(settings) as instance:
        result = job.execute_in_process(
            instance=instance, partition_key="2026-03-01", tags={"dagster/backfill": "b1"}, raise_on_error=False
        )
    found = find_report(settings, result.run_id)
    assert found is not None
    report = found[1]
    assert (report["status"], report["trigger"]) == ("success", "backfill"), report.get("errors")
    build = report["dbt"]["build"]
    assert (build["mode"], build["refresh_months"]) == ("incremental", ["2026-03"])
    assert build["reason"].endswith("months refreshed: 2026-03")
    summed = support_kpi("checksum", "--mart", str(settings.mart_path))
    assert summed.stdout.strip().splitlines()[-1] == job_sequence["full_refresh"].checksum
