"""An adapter's unreadable-file error reaches the user with the file's name (issue 12 item 8).

The loader raises `ContractError("<file>: <adapter> file not loaded: <why>")` from the adapter's
`UnreadableFile("<why>")`. The run report (dagster_project/run_report.py, written by the job) turns
a failed Dagster step into the run report's `errors`, which the CLI prints (`run failed ... <step>:
<message>`); it used to take the innermost
cause of the chain, i.e. the adapter's exception without the file name. Here a real Dagster job
whose step runs the real loader on a bad file of two adapters (Qualtrics CSV, GA4 Parquet) fails,
and the report's collection of its event log must name the file and the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dagster_project.contract import get_entity
from dagster_project.loading import load_entity
from dagster_project.run_report import collect


def _bad_qualtrics(landing: Path) -> tuple[str, str]:
    path = landing / "survey" / "qualtrics" / "march.csv"
    path.parent.mkdir(parents=True)
    # A current-layout header without ResponseId and StartDate (a SurveyMonkey-like export dropped
    # into the Qualtrics folder).
    path.write_text("Respondent ID,Start Date,Q1\nid,start,How satisfied?\n1,2026-03-02 10:00:00,5\n")
    return "survey_responses", "survey/qualtrics/march.csv: qualtrics file not loaded: missing column ResponseId"


def _bad_ga4(landing: Path) -> tuple[str, str]:
    path = landing / "web" / "ga4" / "events_20260301.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"event_timestamp": [1709250600000000], "event_name": ["page_view"]}), path)
    return "web_events", "web/ga4/events_20260301.parquet: ga4 file not loaded: not a GA4 export: missing column"


@pytest.mark.parametrize("bad_file", [_bad_qualtrics, _bad_ga4], ids=["qualtrics", "ga4"])
def test_step_error_names_the_file(bad_file: Callable[[Path], tuple[str, str]], tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    entity_name, expected = bad_file(landing)
    source = "survey" if entity_name == "survey_responses" else "web"
    entity = get_entity(source, entity_name)

    @dg.op
    def load_bad_file() -> None:
        con = duckdb.connect(":memory:")
        try:
            load_entity(con, landing, entity)
        finally:
            con.close()

    @dg.job
    def load_job() -> None:
        load_bad_file()

    instance = dg.DagsterInstance.ephemeral()
    result = load_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    _steps, _entities, errors = collect(instance, result.run_id)
    assert len(errors) == 1
    assert errors[0].startswith("load_bad_file: ")
    assert expected in errors[0], errors[0]
