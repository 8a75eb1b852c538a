"""End to end: a landing batch that breaks an error gate stops `support-kpi run` before dbt and
publishing; the fixed file goes through on the next run. One pipeline per step of the scenario."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.loading.schema import QUARANTINE_TABLE
from dagster_project.publish import open_mart
from tests.conftest import CliRun, copy_data_dir, run_pipeline

HEADER = (
    "ticket_id,created_at,updated_at,channel,social_network,ticket_type,priority,status,category,"
    "requester_id,group_id,assignee_id,country_code,subject\n"
)
BAD_TICKETS = (
    HEADER
    + "T90,2026-01-20T08:00:00Z,2026-01-21T09:00:00Z,email,,question,low,open,billing_question,C02,G1,A01,GB,Hello\n"
    + "T90,2026-01-20T08:00:00Z,2026-01-21T09:00:00Z,email,,question,low,solved,billing_question,C02,G1,A01,GB,Hi\n"
    # line 4: quarantined by the loader (unknown priority) in both the bad and the fixed load
    + "T91,2026-01-20T09:00:00Z,2026-01-20T09:00:00Z,email,,question,soonish,open,billing_question,C02,G1,,GB,Hey\n"
)
FIXED_TICKETS = BAD_TICKETS.replace(
    "2026-01-21T09:00:00Z,email,,question,low,solved", "2026-01-22T09:00:00Z,email,,question,low,solved"
)
BAD_FILE = "helpdesk/tickets/tickets_2026-01-25.csv"
DUPLICATE_KEY = "expect_compound_columns_to_be_unique(ticket_id, updated_at, _batch_id)"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_report(data_dir: Path) -> dict[str, Any]:
    return json.loads(sorted((data_dir / "reports").glob("run-*.json"))[-1].read_text())


@pytest.fixture(scope="module")
def scenario(golden_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("gates")
    landing, data_dir = root / "landing", root / "data"
    # The session's golden helpdesk build is the clean first run: go on from a copy of it.
    shutil.copytree(golden_run.landing, landing)
    copy_data_dir(golden_run.data_dir, data_dir)
    first = CliRun(golden_run.returncode, golden_run.output, landing, data_dir)
    assert first.returncode == 0, first.output
    state: dict[str, Any] = {"first": first, "first_report": latest_report(data_dir)}
    state["mart_before"] = digest(first.mart_path)

    (landing / BAD_FILE).write_text(BAD_TICKETS, encoding="utf-8")
    state["bad"] = run_pipeline(landing, data_dir)
    state["bad_report"] = latest_report(data_dir)
    state["mart_after_bad"] = digest(first.mart_path)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        state["raw_t90"] = con.execute("select count(*) from raw_helpdesk.tickets where ticket_id = 'T90'").fetchone()
        state["gate_rows"] = con.execute(
            "select source_file, status from raw_meta.batch_gates where entity = 'tickets' order by batch_id"
        ).fetchall()
    finally:
        con.close()

    (landing / BAD_FILE).write_text(FIXED_TICKETS, encoding="utf-8")
    state["fixed"] = run_pipeline(landing, data_dir)
    state["fixed_report"] = latest_report(data_dir)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        state["quarantine"] = con.execute(
            f"select source_line, rule, resolution from {QUARANTINE_TABLE} where source_file = ? order by batch_id",
            [BAD_FILE],
        ).fetchall()
    finally:
        con.close()
    return state


def test_clean_run_reports_passed_gates(scenario: dict[str, Any]) -> None:
    gates = scenario["first_report"]["gates"]
    assert gates["raw/helpdesk/tickets"]["status"] == "passed"
    assert gates["raw/helpdesk/tickets"]["rows_checked"] == 21  # 2 + 7 + 5 + 7 rows of the four files
    assert gates["mart/kpi_scorecard_monthly"]["status"] in ("passed", "warned")
    assert gates["mart/kpi_scorecard_monthly"]["expectations_failed"] == []
    assert len(gates) == 17 + 1  # every raw entity and the scorecard
    checked = [gate for gate in gates.values() if gate["rows_checked"]]
    assert len(checked) == 6  # tickets, events, agents, groups, customers, scorecard
    for gate in checked:
        assert Path(gate["docs_path"]).is_file()


def test_bad_batch_blocks_the_run(scenario: dict[str, Any]) -> None:
    bad: CliRun = scenario["bad"]
    assert bad.returncode == 1, bad.output
    assert "gate failed: raw/helpdesk/tickets" in bad.output
    assert DUPLICATE_KEY in bad.output
    assert '"ticket_id": "T90"' in bad.output
    assert "nothing was published" in bad.output
    assert scenario["mart_after_bad"] == scenario["mart_before"]
    report = scenario["bad_report"]
    assert (report["status"], report["published"]) == ("failure", False)
    gate = report["gates"]["raw/helpdesk/tickets"]
    assert (gate["status"], gate["severity"], gate["expectations_failed"]) == ("failed", "error", [DUPLICATE_KEY])
    assert [(row["source_file"], row["_source_line"]) for row in gate["failing_rows"]] == [(BAD_FILE, 2), (BAD_FILE, 3)]
    assert Path(gate["docs_path"]).is_file()
    assert "mart/kpi_scorecard_monthly" not in report["gates"]  # dbt and the mart gate never ran
    assert not any(step["step"] == "support_kpi_dbt" and step["status"] == "success" for step in report["steps"])
    # The batch left the raw table again; the gate table remembers why.
    assert scenario["raw_t90"] == (0,)
    assert scenario["gate_rows"][-1] == (BAD_FILE, "failed")


def test_fixed_file_is_published(scenario: dict[str, Any]) -> None:
    fixed: CliRun = scenario["fixed"]
    assert fixed.returncode == 0, fixed.output
    assert scenario["fixed_report"]["gates"]["raw/helpdesk/tickets"]["status"] == "passed"
    con = open_mart(fixed.mart_path)
    try:
        assert con.execute("select count(*) from mart.fct_tickets where ticket_id = 'T90'").fetchone() == (1,)
    finally:
        con.close()


def test_quarantine_of_a_rejected_batch_is_not_doubled(scenario: dict[str, Any]) -> None:
    # The rejected batch's entry stays until the file comes again; then it is resolved and the
    # still-bad line of the new load is the only open entry.
    assert scenario["quarantine"] == [(4, "unknown_enum", "file_reloaded"), (4, "unknown_enum", None)]
