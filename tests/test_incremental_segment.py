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

from pathlib import Path

import pytest

from tests.conftest import build_batches

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


@pytest.fixture(scope="module")
def segment_builds(empty_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    batch_1 = [
        (CUSTOMER, ["c1", "smb", 1, "crm/customers/customers_1.csv"]),
        (CUSTOMER, ["c2", "smb", 1, "crm/customers/customers_1.csv"]),
        (RESPONSE, ["r1", "c1", 2]),
        (RESPONSE, ["r2", "c2", 3]),
    ]
    batch_2 = [(CUSTOMER, ["c1", "enterprise", 2, "crm/customers/customers_2.csv"])]
    _, builds = build_batches(
        empty_warehouse,
        tmp_path_factory.mktemp("incremental-segment"),
        [batch_1, batch_2],
        ("fct_survey_responses",),
        "select response_id, segment, customer_id from mart.fct_survey_responses",
    )
    first, incremental = ({key: (segment, customer) for key, segment, customer in rows} for rows in builds)
    return {"first": first, "incremental": incremental}


def test_first_build_reads_the_first_segment(segment_builds: dict[str, dict]) -> None:
    assert {key: segment for key, (segment, _) in segment_builds["first"].items()} == {"r1": "smb", "r2": "smb"}


def test_a_new_segment_reaches_the_responses_of_its_customer(segment_builds: dict[str, dict]) -> None:
    assert {key: segment for key, (segment, _) in segment_builds["incremental"].items()} == {
        "r1": "enterprise",
        "r2": "smb",
    }
    # the customer key of the row is the same pseudonym as before: only the segment moved
    assert segment_builds["incremental"]["r1"][1] == segment_builds["first"]["r1"][1]
