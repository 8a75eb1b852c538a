"""End to end through the real CLI: generate → run → published mart; no-op rerun; a failing gate."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from dagster_project.publish import open_mart
from tests.conftest import CliRun, copy_data_dir, run_pipeline


def _report(run: CliRun) -> dict:
    reports = sorted((run.data_dir / "reports").glob("run-*.json"))
    assert reports, f"no run report in {run.data_dir}"
    return json.loads(reports[-1].read_text())


def test_run_publishes_mart_and_prints_scorecard(demo_run: CliRun) -> None:
    assert "Scorecard" in demo_run.output
    assert "tickets_created" in demo_run.output
    assert "run report:" in demo_run.output
    con = open_mart(demo_run.mart_path)
    try:
        tables = {
            r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'mart'").fetchall()
        }
        for expected in (
            "fct_tickets",
            "fct_ticket_replies",
            "dim_agents",
            "dim_customers",
            "dim_date",
            "kpi_scorecard_monthly",
        ):
            assert expected in tables
        tickets = con.execute("select count(*) from mart.fct_tickets").fetchone()[0]
        created = con.execute(
            "select sum(value) from mart.kpi_scorecard_monthly where kpi_id = 'tickets_created'"
        ).fetchone()[0]
        assert tickets > 100
        assert created == tickets
        # PII never reaches the mart in clear.
        columns = {
            r[0] for r in con.execute("select column_name from duckdb_columns() where schema_name = 'mart'").fetchall()
        }
        assert not {"email", "subject", "caller_number", "comment"} & columns
    finally:
        con.close()


def test_run_report_has_steps_rows_and_tests(demo_run: CliRun) -> None:
    report = _report(demo_run)
    assert report["status"] == "success" and report["published"] is True
    steps = {s["step"]: s for s in report["steps"]}
    assert "support_kpi_dbt" in steps and "published__mart" in steps
    assert all(s["status"] == "success" for s in steps.values())
    tickets = report["entities"]["helpdesk/tickets"]
    assert tickets["rows_loaded"] > 0
    assert tickets["rows_loaded"] + tickets["rows_quarantined"] == tickets["rows_read"]
    assert report["dbt"]["tests_run"] > 10 and report["dbt"]["tests_failed"] == 0


def test_second_run_without_new_files_skips_all_work(demo_run: CliRun) -> None:
    before = demo_run.mart_path.stat().st_mtime_ns
    again = run_pipeline(demo_run.landing, demo_run.data_dir)
    assert again.returncode == 0, again.output
    assert "nothing to do" in again.output
    assert demo_run.mart_path.stat().st_mtime_ns == before
    assert _report(again)["status"] == "skipped"


def _copy_run(run: CliRun, target: Path) -> CliRun:
    shutil.copytree(run.landing, target / "landing")
    copy_data_dir(run.data_dir, target / "data")
    return CliRun(0, "", target / "landing", target / "data")


def test_failing_dbt_test_blocks_publishing_and_keeps_previous_mart(demo_run: CliRun, tmp_path: Path) -> None:
    copy = _copy_run(demo_run, tmp_path)
    reader = open_mart(copy.mart_path)  # a BI tool holding the old mart
    published_before = reader.execute("select count(*) from mart.fct_tickets").fetchone()[0]
    before = copy.mart_path.read_bytes()

    # A status change into a status the contract does not know: passes the loader (new_value is
    # free text), fails an error-severity test. (An event dated before its ticket's creation was
    # the example until issue 12; it is now a warning, see test_zendesk_boundaries.)
    ticket_id, created_at = reader.execute(
        "select ticket_id, created_at from mart.fct_tickets order by ticket_id limit 1"
    ).fetchone()
    bad = copy.landing / "helpdesk" / "ticket_events" / "zz-bad-status.csv"
    with bad.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "ticket_id", "occurred_at", "event_type", "actor_type", "new_value"])
        writer.writerow(
            [
                "bad-status-1",
                ticket_id,
                f"{created_at:%Y-%m-%dT%H:%M:%S}Z",
                "status_changed",
                "agent",
                "archived",
            ]
        )

    failed = run_pipeline(copy.landing, copy.data_dir)
    assert failed.returncode != 0
    # the failed test and the rule it found broken, with the offending value
    broken = "rule=accepted_values, column_name=new_status, failing_rows=1, example_value=archived"
    assert "column_rules_int_ticket_status_changes" in failed.output
    assert broken in failed.output
    assert "nothing was published" in failed.output
    assert copy.mart_path.read_bytes() == before
    # The reader still works on the version it opened.
    assert reader.execute("select count(*) from mart.fct_tickets").fetchone()[0] == published_before
    reader.close()
    report = _report(failed)
    assert report["published"] is False
    assert any("column_rules_int_ticket_status_changes" in f and broken in f for f in report["dbt"]["failed"])


def test_missing_required_column_fails_the_run_naming_file_and_column(demo_run: CliRun, tmp_path: Path) -> None:
    copy = _copy_run(demo_run, tmp_path)
    before = copy.mart_path.read_bytes()
    bad = copy.landing / "helpdesk" / "tickets" / "zz-no-priority.csv"
    bad.write_text("ticket_id,created_at,channel,status\nx-1,2026-03-01T10:00:00Z,email,new\n")

    failed = run_pipeline(copy.landing, copy.data_dir)
    assert failed.returncode != 0
    assert "helpdesk/tickets/zz-no-priority.csv" in failed.output
    assert "priority" in failed.output
    assert copy.mart_path.read_bytes() == before


def test_demo_scorecard_has_every_kpi_in_its_latest_complete_month(demo_run: CliRun) -> None:
    """Every kpi_id of mart.kpi_definitions (the KPI registry) has a row in the
    demo's last complete month, the web and social ones included, and the printed scorecard shows them."""
    con = open_mart(demo_run.mart_path)
    try:
        kpis = dict(con.execute("select kpi_id, family from mart.kpi_definitions").fetchall())
        web = {kpi for kpi, family in kpis.items() if family == "self_service_social"}
        assert len(kpis) == 74
        assert len(web) == 18
        month = con.execute(
            "select max(month) from mart.kpi_scorecard_monthly where month < (select max(month) "
            "from mart.kpi_scorecard_monthly)"
        ).fetchone()[0]
        present = {
            row[0]: row[1]
            for row in con.execute(
                "select kpi_id, value from mart.kpi_scorecard_monthly where month = ?", [month]
            ).fetchall()
        }
    finally:
        con.close()
    assert set(kpis) - set(present) == set()
    assert all(present[kpi] is not None for kpi in web), {kpi: present[kpi] for kpi in web}
    for kpi in ("kb_bounce_rate_pct", "bot_success_rate_pct", "forum_success_rate_pct", "social_tickets"):
        assert kpi in demo_run.output
