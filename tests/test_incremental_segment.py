"""A survey response's segment follows its customer in incremental builds (issue 14).

fct_survey_responses carries the customer's current segment (from dim_customers), so a customer
file delivered again with a new segment must recompute the responses of that customer although
none of their own rows arrived. The randomized sequences (tests/test_incremental.py) rarely change
a segment of a customer who already answered a survey; this scenario does it on purpose:

  batch 1   customer c1 (segment 'smb') and c2 ('smb'); response r1 by c1, r2 by c2.
  batch 2   c1 again, segment 'enterprise' (a corrected CRM export). No survey rows.

Two dbt builds of fct_survey_responses and its parents on a copy of the empty warehouse: the first
with since_batch_id = 0 (everything new), the second incremental from batch 1. r1 must read
'enterprise'; r2 stays 'smb' and is not recomputed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import dbt

CUSTOMER = (
    "insert into raw_crm.customers (customer_id, created_at, segment, country_code, _batch_id,"
    " _source_file, _source_line, _loaded_at) values (?, '2026-01-05 10:00:00', ?, 'FI', ?, ?, 2,"
    " '2026-03-02 13:00:00')"
)
RESPONSE = (
    "insert into raw_survey.survey_responses (response_id, survey_type, sent_at, responded_at, score,"
    " scale_min, scale_max, customer_id, channel, _batch_id, _source_file, _source_line, _loaded_at)"
    " values (?, 'csat', '2026-03-01 10:00:00', '2026-03-01 11:00:00', 5, 1, 5, ?, 'email', 1,"
    " 'survey/survey_responses/a.csv', ?, '2026-03-02 13:00:00')"
)


def _plan(con: duckdb.DuckDBPyConnection, since_batch_id: int) -> None:
    con.execute("delete from raw_meta.build_plan")
    con.execute("insert into raw_meta.build_plan values (?, [], '2026-03-02 13:00:00')", [since_batch_id])


def _build(warehouse: Path, work: Path) -> dict[str, tuple[str, str]]:
    selected = ("--select", "+fct_survey_responses", "--exclude-resource-type", "unit_test")
    done = dbt("build", *selected, warehouse=warehouse, work=work)
    assert done.returncode == 0, done.stdout[-4000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select response_id, segment, customer_id from mart.fct_survey_responses").fetchall()
        return {response_id: (segment, customer_id) for response_id, segment, customer_id in rows}
    finally:
        con.close()


@pytest.fixture(scope="module")
def segment_builds(empty_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    work = tmp_path_factory.mktemp("incremental-segment")
    warehouse = work / "warehouse.duckdb"
    shutil.copyfile(empty_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(CUSTOMER, ["c1", "smb", 1, "crm/customers/customers_1.csv"])
        con.execute(CUSTOMER, ["c2", "smb", 1, "crm/customers/customers_1.csv"])
        con.execute(RESPONSE, ["r1", "c1", 2])
        con.execute(RESPONSE, ["r2", "c2", 3])
        _plan(con, 0)
    finally:
        con.close()
    builds = {"first": _build(warehouse, work)}
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(CUSTOMER, ["c1", "enterprise", 2, "crm/customers/customers_2.csv"])
        _plan(con, 1)
    finally:
        con.close()
    builds["incremental"] = _build(warehouse, work)
    return builds


def test_first_build_reads_the_first_segment(segment_builds: dict[str, dict]) -> None:
    assert {key: segment for key, (segment, _) in segment_builds["first"].items()} == {"r1": "smb", "r2": "smb"}


def test_a_new_segment_reaches_the_responses_of_its_customer(segment_builds: dict[str, dict]) -> None:
    assert {key: segment for key, (segment, _) in segment_builds["incremental"].items()} == {
        "r1": "enterprise",
        "r2": "smb",
    }
    # the customer key of the row is the same pseudonym as before: only the segment moved
    assert segment_builds["incremental"]["r1"][1] == segment_builds["first"]["r1"][1]
