"""Qualtrics and SurveyMonkey export adapters on the hand-written exports in fixtures/surveys.

Qualtrics dates are in Europe/Paris (the ImportId row says so; 2026-03-02 is UTC+1), SurveyMonkey
dates in the default survey time zone (UTC). Every expected value is read off the fixture lines.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.adapters.survey_export import TIME_ZONE_ENV
from dagster_project.adapters.survey_mapping import DEFAULT_MAP, MAP_ENV, MappingError, read_mapping
from dagster_project.contract import get_entity
from dagster_project.loading import ContractError, load_entity
from dagster_project.vendors.qualtrics.adapter import read_qualtrics
from dagster_project.vendors.surveymonkey.adapter import column_headers, read_surveymonkey

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
FIXTURE_LANDING = FIXTURES / "landing"
QUALTRICS = FIXTURE_LANDING / "survey" / "qualtrics" / "support_survey_2026-03.csv"
SURVEYMONKEY = FIXTURE_LANDING / "survey" / "surveymonkey" / "CSAT_export.csv"
QUALTRICS_FILE = "survey/qualtrics/support_survey_2026-03.csv"
SURVEYMONKEY_FILE = "survey/surveymonkey/CSAT_export.csv"
RESPONSES = get_entity("survey", "survey_responses")
COLUMNS = ("response_id", "survey_type", "sent_at", "responded_at", "score", "scale_min", "scale_max",
           "customer_id", "ticket_id", "call_id", "agent_id", "channel", "comment", "comment_replied_at")  # fmt: skip


@pytest.fixture(autouse=True)
def fixture_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAP_ENV, str(FIXTURES / "question_map.csv"))
    monkeypatch.delenv(TIME_ZONE_ENV, raising=False)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def _t(clock: str, day: str = "02") -> str:
    return f"2026-03-{day}T{clock}Z"


# fmt: off
# (line, response_id, type, sent_at, responded_at, score, scale_min, scale_max, customer, ticket, call, agent,
#  channel, comment, comment_replied_at)
EXPECTED_QUALTRICS = [
    (4, "qualtrics:R_aaa:csat", "csat", _t("09:00:00"), _t("09:03:01"), "5", "1", "5", "C-1", "T-1", None, "A-1",
     "email", "Great help", None),
    (4, "qualtrics:R_aaa:nps", "nps", _t("09:00:00"), _t("09:03:01"), "9", None, None, "C-1", "T-1", None, "A-1",
     "email", None, None),
    # Line 5 is a survey preview (Status 1): dropped. R_ccc is unfinished (Finished 0): the csat
    # answer counts, answered at its last activity (EndDate, not the RecordedDate a day later);
    # the nps question has no answer: sent, unanswered.
    (6, "qualtrics:R_ccc:csat", "csat", _t("10:00:00"), _t("10:20:00"), "4", "1", "5", "C-3", "T-3", None, "A-2",
     "phone", None, None),
    (6, "qualtrics:R_ccc:nps", "nps", _t("10:00:00"), None, None, None, None, "C-3", "T-3", None, "A-2", "phone",
     None, None),
    # The comment spans lines 7-8: the record's line is 7.
    (7, "qualtrics:R_ddd:csat", "csat", _t("11:00:00"), _t("11:05:00"), "2", "1", "5", "C-4", "T-4", None, "A-1",
     "chat", "Line one\nline two", None),
    (7, "qualtrics:R_ddd:nps", "nps", _t("11:00:00"), _t("11:05:00"), "3", None, None, "C-4", "T-4", None, "A-1",
     "chat", None, None),
    (9, "qualtrics:R_eee:csat", "csat", _t("12:00:00"), _t("12:01:00"), "7", "1", "5", "C-5", None, None, "A-2",
     "email", None, None),
    (9, "qualtrics:R_eee:nps", "nps", _t("12:00:00"), _t("12:01:00"), "10", None, None, "C-5", None, None, "A-2",
     "email", None, None),
]

EXPECTED_SURVEYMONKEY = [
    (3, "surveymonkey:114001:csat", "csat", _t("09:15:22"), _t("09:17:40"), "4", None, None, "C-10", "T-10", None,
     None, None, "Thanks!", None),
    (3, "surveymonkey:114001:nps", "nps", _t("09:15:22"), _t("09:17:40"), "10", "0", "10", "C-10", "T-10", None,
     None, None, "Thanks!", None),
    (3, "surveymonkey:114001:ces", "ces", _t("09:15:22"), _t("09:17:40"), "6", "1", "7", "C-10", "T-10", None, None,
     None, "Thanks!", None),
    (4, "surveymonkey:114002:csat", "csat", _t("13:05:00"), None, None, None, None, "C-11", "T-11", None, None, None,
     None, None),
    (4, "surveymonkey:114002:nps", "nps", _t("13:05:00"), _t("13:06:00"), "8", "0", "10", "C-11", "T-11", None, None,
     None, None, None),
    (4, "surveymonkey:114002:ces", "ces", _t("13:05:00"), None, None, "1", "7", "C-11", "T-11", None, None, None,
     None, None),
    # A partial response without any answer: three surveys sent, none answered.
    (5, "surveymonkey:114003:csat", "csat", _t("14:00:00"), None, None, None, None, "C-12", None, None, None, None,
     None, None),
    (5, "surveymonkey:114003:nps", "nps", _t("14:00:00"), None, None, "0", "10", "C-12", None, None, None, None,
     None, None),
    (5, "surveymonkey:114003:ces", "ces", _t("14:00:00"), None, None, "1", "7", "C-12", None, None, None, None,
     None, None),
    # End Date before Start Date: the adapter passes it on, the loader quarantines the csat row.
    (6, "surveymonkey:114004:csat", "csat", _t("15:00:00"), _t("14:59:00"), "5", None, None, "C-13", "T-13", None,
     None, None, None, None),
    (6, "surveymonkey:114004:nps", "nps", _t("15:00:00"), None, None, "0", "10", "C-13", "T-13", None, None, None,
     None, None),
    (6, "surveymonkey:114004:ces", "ces", _t("15:00:00"), None, None, "1", "7", "C-13", "T-13", None, None, None,
     None, None),
]
# fmt: on


def _as_tuples(rows: list[tuple[int, dict[str, str | None]]]) -> list[tuple]:
    return [(line, *(row[c] for c in COLUMNS)) for line, row in rows]


def test_qualtrics_rows_drops_and_rejects() -> None:
    output = read_qualtrics(QUALTRICS, "survey_responses")
    assert _as_tuples(output.rows) == EXPECTED_QUALTRICS
    assert [(r.line, r.rule, r.reason) for r in output.rejected] == [
        (11, "malformed_line", "StartDate 'not a date' is not a date-time"),
        (12, "malformed_line", "expected 21 fields, got 20"),
    ]
    assert output.rejected[1].text.startswith("2026-03-02 16:00:00,2026-03-02 16:01:00,0,")
    # Q4 is not in the map: reported with its number of answers; Q_RecaptchaScore (system) and
    # Q2_NPS_GROUP (derived from the mapped Q2) are not questions to map.
    assert dict(output.unknown_events) == {"unmapped column Q4": 2}
    assert dict(output.stats) == {
        "export_rows": 9,
        "dropped_preview": 1,
        "dropped_spam": 1,
        "dropped_test": 1,
        "unfinished_responses": 1,
        "responses_answered": 7,
        "responses_unanswered": 1,
    }
    assert output.lines_read == 13


def test_surveymonkey_rows_and_rejects() -> None:
    output = read_surveymonkey(SURVEYMONKEY, "survey_responses")
    assert _as_tuples(output.rows) == EXPECTED_SURVEYMONKEY
    assert [(r.line, r.rule, r.reason) for r in output.rejected] == [
        (7, "malformed_line", "Start Date 'yesterday' is not a date-time"),
    ]
    assert dict(output.unknown_events) == {
        "unmapped column Which channels did you use? / Email": 1,
        "unmapped column Which channels did you use? / Phone": 1,
    }
    assert dict(output.stats) == {"export_rows": 5, "responses_answered": 5, "responses_unanswered": 7}


def test_surveymonkey_column_headers() -> None:
    questions = ["Respondent ID", "Q one?", "Pick channels", "", "", "Comments"]
    answers = ["", "Response", "Email", "Phone", "Other (please specify)", "Open-Ended Response"]
    assert column_headers(questions, answers) == [
        "Respondent ID",
        "Q one?",
        "Pick channels / Email",
        "Pick channels / Phone",
        "Pick channels / Other (please specify)",
        "Comments",
    ]


def test_surveymonkey_time_zone_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIME_ZONE_ENV, "America/New_York")  # UTC-5 on 2026-03-02
    first = read_surveymonkey(SURVEYMONKEY, "survey_responses").rows[0][1]
    assert (first["sent_at"], first["responded_at"]) == (_t("14:15:22"), _t("14:17:40"))


def test_load_both_exports(con: duckdb.DuckDBPyConnection) -> None:
    result = load_entity(con, FIXTURE_LANDING, RESPONSES)
    by_file = {file.source_file: file for file in result.files}
    assert list(by_file) == [QUALTRICS_FILE, SURVEYMONKEY_FILE]  # load (batch) order
    qualtrics, monkey = by_file[QUALTRICS_FILE], by_file[SURVEYMONKEY_FILE]
    assert (qualtrics.rows_read, qualtrics.rows_loaded, qualtrics.rows_quarantined) == (10, 7, 3)
    assert (monkey.rows_read, monkey.rows_loaded, monkey.rows_quarantined) == (13, 11, 2)
    assert result.unknown_events["unmapped column Q4"] == 2
    assert result.adapter_stats["dropped_preview"] == 1
    assert result.adapter_stats["responses_unanswered"] == 8

    quarantine = con.execute(
        "select source_file, source_line, rule, reason from raw_meta.raw_quarantine order by source_file, source_line"
    ).fetchall()
    assert quarantine == [
        (QUALTRICS_FILE, 9, "score_out_of_scale",
         f"{QUALTRICS_FILE} line 9, column score: '7' is outside the scale 1-5"),
        (QUALTRICS_FILE, 11, "malformed_line",
         f"{QUALTRICS_FILE} line 11, StartDate 'not a date' is not a date-time"),
        (QUALTRICS_FILE, 12, "malformed_line", f"{QUALTRICS_FILE} line 12, expected 21 fields, got 20"),
        (SURVEYMONKEY_FILE, 6, "end_before_start",
         f"{SURVEYMONKEY_FILE} line 6, column responded_at: '2026-03-02 14:59:00' is before sent_at "
         "'2026-03-02 15:00:00'"),
        (SURVEYMONKEY_FILE, 7, "malformed_line",
         f"{SURVEYMONKEY_FILE} line 7, Start Date 'yesterday' is not a date-time"),
    ]  # fmt: skip

    loaded = con.execute(
        "select _source_file, _source_line, response_id, survey_type, cast(sent_at as varchar), "
        "cast(responded_at as varchar), score, scale_min, scale_max, customer_id, comment "
        "from raw_survey.survey_responses where response_id like '%R_ccc%' or response_id like '%114002%' "
        "order by _batch_id, _source_line, response_id"
    ).fetchall()
    assert loaded == [
        (QUALTRICS_FILE, 6, "qualtrics:R_ccc:csat", "csat", "2026-03-02 10:00:00", "2026-03-02 10:20:00", 4.0, 1, 5,
         "C-3", None),
        (QUALTRICS_FILE, 6, "qualtrics:R_ccc:nps", "nps", "2026-03-02 10:00:00", None, None, None, None, "C-3", None),
        (SURVEYMONKEY_FILE, 4, "surveymonkey:114002:ces", "ces", "2026-03-02 13:05:00", None, None, 1, 7, "C-11",
         None),
        (SURVEYMONKEY_FILE, 4, "surveymonkey:114002:csat", "csat", "2026-03-02 13:05:00", None, None, None, None,
         "C-11", None),
        (SURVEYMONKEY_FILE, 4, "surveymonkey:114002:nps", "nps", "2026-03-02 13:05:00", "2026-03-02 13:06:00", 8.0,
         0, 10, "C-11", None),
    ]  # fmt: skip
    again = load_entity(con, FIXTURE_LANDING, RESPONSES)
    assert (again.files_loaded, again.files_skipped) == (0, 2)


def _landing_with(tmp_path: Path, folder: str, name: str, text: str) -> Path:
    landing = tmp_path / "landing"
    path = landing / "survey" / folder / name
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return landing


def test_gzipped_export_with_bom_loads(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    landing = tmp_path / "landing"
    target = landing / "survey" / "surveymonkey" / "export.csv.gz"
    target.parent.mkdir(parents=True)
    with gzip.open(target, "wb") as handle:
        handle.write(b"\xef\xbb\xbf" + SURVEYMONKEY.read_bytes())
    result = load_entity(con, landing, RESPONSES)
    assert (result.rows_read, result.rows_loaded) == (13, 11)


def test_export_problems_fail_the_file(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    landing = _landing_with(tmp_path, "qualtrics", "a.csv", "StartDate,Q1\nStart Date,Q one\n2026-03-02 10:00:00,5\n")
    with pytest.raises(
        ContractError, match=r"survey/qualtrics/a\.csv: qualtrics file not loaded: missing column ResponseId"
    ):
        load_entity(con, landing, RESPONSES)

    twice = tmp_path / "twice"
    shutil.copytree(landing, twice)
    (twice / "survey" / "qualtrics" / "a.csv").write_text(
        "ResponseId,StartDate,Q1,Q9\nid,start,q1,q9\nR_1,2026-03-02 10:00:00,5,4\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "tool,question_column,survey_type,role,scale_min,scale_max\nqualtrics,Q1,csat,score,,\nqualtrics,q9,CSAT,score,,\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORT_KPI_SURVEY_QUESTION_MAP", str(mapping))
        with pytest.raises(ContractError, match="more than one mapped score column for survey type csat"):
            load_entity(con, twice, RESPONSES)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("typeform,Q1,csat,score,,", "tool 'typeform' is not one of"),
        ("qualtrics,Q1,,score,,", "a score needs a survey_type"),
        ("qualtrics,Q1,csat,rating,,", "role 'rating' is not one of"),
        ("qualtrics,Q1,csat,score,one,5", "scale bound 'one' is not an integer"),
        ("qualtrics,Q1,,comment,1,5", "only apply to a score"),
        ("qualtrics,Q1,csat,score,,\nqualtrics, q1 ,nps,score,,", "line 3: qualtrics column mapped twice"),
    ],
)
def test_mapping_errors(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(f"tool,question_column,survey_type,role,scale_min,scale_max\n{line}\n")
    with pytest.raises(MappingError, match=message):
        read_mapping(path)


def test_repository_map_is_valid() -> None:
    entries = read_mapping(DEFAULT_MAP)
    assert {(e.tool, e.role) for e in entries if e.role == "score"} == {
        ("qualtrics", "score"),
        ("surveymonkey", "score"),
    }
    assert all(e.survey_type in ("csat", "nps", "ces") for e in entries if e.role == "score")


def test_qualtrics_without_import_row_unknown_status_and_default_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TIME_ZONE_ENV, "Europe/London")  # UTC+0 in March, UTC+1 from 29 March 2026
    path = tmp_path / "legacy.csv"
    path.write_text(
        "ResponseId,StartDate,EndDate,Status,Finished,RecordedDate,Q1\n"
        "Response ID,Start Date,End Date,Response Type,Finished,Recorded Date,How satisfied?\n"
        "R_1,2026-04-01 10:00:00,2026-04-01 10:01:00,IP Address,True,2026-04-01 10:01:30,3\n"
        "R_2,2026-04-01 11:00:00,2026-04-01 11:01:00,Survey Preview,True,2026-04-01 11:01:00,3\n"
        "R_3,2026-04-01 12:00:00,2026-04-01 12:01:00,99,True,2026-04-01 12:01:00,3\n",
        encoding="utf-8",
    )
    output = read_qualtrics(path, "survey_responses")
    assert _as_tuples(output.rows) == [
        (3, "qualtrics:R_1:csat", "csat", "2026-04-01T09:00:00Z", "2026-04-01T09:01:30Z", "3", "1", "5", None, None,
         None, None, None, None, None),
    ]  # fmt: skip
    assert [(r.line, r.rule) for r in output.rejected] == [(5, "unknown_status")]
    assert dict(output.unknown_events) == {"status 99": 1}
    assert output.stats["dropped_preview"] == 1


LEGACY_QUALTRICS = FIXTURES / "qualtrics_legacy" / "support_survey_2015-06.csv"


def test_qualtrics_legacy_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """The legacy exporter's layout (issue 12 item 7), as Qualtrics wrote it before 2017 and still
    writes with "Use legacy exporter": row 1 `V1`..`V10` then question ids and embedded-data names,
    row 2 `ResponseID, ResponseSet, Name, ExternalDataReference, EmailAddress, IPAddress, Status,
    StartDate, EndDate, Finished` then the question texts, no ImportId row, trailing
    LocationLatitude/LocationLongitude/LocationAccuracy. Source: Qualtrics support, "Understanding
    Your Dataset" (legacy page: "The first eleven columns ... ResponseID ... ResponseSet"), and the
    brief's column list. Status codes are the same as the current exporter's (0 IP address, 1 preview).
    """
    monkeypatch.setenv(TIME_ZONE_ENV, "Europe/Paris")  # June 2015: UTC+2, so 09:00:00 local = 07:00:00Z
    output = read_qualtrics(LEGACY_QUALTRICS, "survey_responses")
    day = "2015-06-02T"
    # Line 3 finished: answered at EndDate 09:03:01 local (no RecordedDate in the legacy layout).
    # Line 4 is a survey preview (Status 1): dropped. Line 5 unfinished (Finished 0): csat answered at
    # its EndDate 10:20:00 local = 08:20:00Z, the nps question unanswered: sent, no response.
    assert _as_tuples(output.rows) == [
        (3, "qualtrics:R_3JIrwlK1YlFt6bf:csat", "csat", day + "07:00:00Z", day + "07:03:01Z", "5", "1", "5", "C-21",
         "T-21", None, "A-1", "email", "Quick and kind", None),
        (3, "qualtrics:R_3JIrwlK1YlFt6bf:nps", "nps", day + "07:00:00Z", day + "07:03:01Z", "9", None, None, "C-21",
         "T-21", None, "A-1", "email", None, None),
        (5, "qualtrics:R_2pZsXvT9bNc4eQa:csat", "csat", day + "08:00:00Z", day + "08:20:00Z", "4", "1", "5", "C-23",
         "T-23", None, "A-2", "phone", None, None),
        (5, "qualtrics:R_2pZsXvT9bNc4eQa:nps", "nps", day + "08:00:00Z", None, None, None, None, "C-23", "T-23",
         None, "A-2", "phone", None, None),
    ]  # fmt: skip
    assert output.rejected == []
    assert dict(output.unknown_events) == {}  # every legacy metadata column is known, none "unmapped"
    assert output.stats["dropped_preview"] == 1
    assert output.stats["legacy_export_files"] == 1
    assert output.stats["unfinished_responses"] == 1


def test_qualtrics_legacy_export_loads_and_names_missing_column(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    landing = _landing_with(tmp_path, "qualtrics", "legacy.csv", LEGACY_QUALTRICS.read_text(encoding="utf-8"))
    result = load_entity(con, landing, RESPONSES)
    assert (result.rows_read, result.rows_loaded) == (4, 4)

    broken = LEGACY_QUALTRICS.read_text(encoding="utf-8").replace(",StartDate,", ",Start,", 1)
    landing = _landing_with(tmp_path / "broken", "qualtrics", "legacy.csv", broken)
    with pytest.raises(
        ContractError,
        match=r"survey/qualtrics/legacy\.csv: qualtrics file not loaded: missing column StartDate "
        r"in the second header row of this legacy export",
    ):
        load_entity(con, landing, RESPONSES)
