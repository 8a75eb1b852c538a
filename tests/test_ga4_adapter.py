"""GA4 BigQuery-export adapter on the hand-written export in fixtures/ga4 (docs/ga4.md).

The export (`web/ga4/events_20240229-000000000000.json`, as `bq extract` writes NDJSON) holds:
user A's session A1 from 2024-02-29 23:50 across midnight (article view, engagement, vote up,
category page whose URL carries an e-mail in its query string) and session A2 on 2024-03-01 09:00
(article view, `scroll`, vote down); user B (logged in as C-1001) session B1 at 11:00 (home,
site search, forum post, engagement, then a vote on the forum page = no article, and a negative
engagement time); then a truncated line, an event without ga_session_id and a cookieless ping
without user_pseudo_id. Every expected value is read off the fixture lines.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dagster_project.adapters.base import UnreadableFile
from dagster_project.contract import get_entity
from dagster_project.loading import ContractError, load_entity
from dagster_project.vendors.ga4.adapter import read_ga4
from dagster_project.vendors.ga4.settings import (
    ARTICLE_PATTERN_ENV,
    CATEGORY_PATTERN_ENV,
    FORUM_PATTERN_ENV,
    HOME_PATTERN_ENV,
    VOTE_EVENTS_ENV,
    VOTE_PARAM_ENV,
    Ga4Settings,
    Ga4SettingsError,
)

FIXTURE_LANDING = Path(__file__).parent / "fixtures" / "ga4" / "landing"
EXPORT_NAME = "events_20240229-000000000000.json"
EXPORT = FIXTURE_LANDING / "web" / "ga4" / EXPORT_NAME
EXPORT_FILE = f"web/ga4/{EXPORT_NAME}"
WEB_EVENTS = get_entity("web", "web_events")
COLUMNS = ("event_id", "event_at", "event_name", "session_id", "user_pseudo_id", "customer_id", "page_path",
           "page_type", "article_id", "engagement_time_ms", "vote", "session_engaged")  # fmt: skip

USER_A = "1197596843.1709164800"
USER_B = "2084411296.1709280000"
A1, A2, B1 = f"{USER_A}.1709250600", f"{USER_A}.1709283600", f"{USER_B}.1709290800"
ARTICLE_1 = "/hc/en-us/articles/360001234567-Reset-your-password"
CATEGORY = "/hc/en-us/categories/200123-Billing"  # ?utm_source=newsletter&email=jane.doe%40... dropped
ARTICLE_2 = "/hc/en-us/articles/360009876543-Update-your-billing-address"  # #contact-us dropped
POST = "/hc/en-us/community/posts/360000111222-Refund-still-pending"


@pytest.fixture(autouse=True)
def default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in (ARTICLE_PATTERN_ENV, CATEGORY_PATTERN_ENV, FORUM_PATTERN_ENV, HOME_PATTERN_ENV, VOTE_EVENTS_ENV,
                VOTE_PARAM_ENV):  # fmt: skip
        monkeypatch.delenv(env, raising=False)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def _sha(*parts: str) -> str:
    return "ga4:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def _id(pseudo_id: str, session: str, micros: str, name: str, bundle: str, index: str = "") -> str:
    """The documented event id: sha1 of the event's identifying fields joined by U+001F."""
    return _sha(pseudo_id, session, micros, name, bundle, index)


# fmt: off
# (line, event_id, event_at, event_name, session_id, user_pseudo_id, customer_id, page_path, page_type,
#  article_id, engagement_time_ms, vote, session_engaged)
EXPECTED_ROWS = [
    (1, _id(USER_A, "1709250600", "1709250600123456", "page_view", "1"), "2024-02-29T23:50:00.123Z",
     "page_view", A1, USER_A, None, ARTICLE_1, "kb_article", "360001234567", None, None, "false"),
    (2, _id(USER_A, "1709250600", "1709251170000000", "user_engagement", "2", "0"), "2024-02-29T23:59:30Z",
     "user_engagement", A1, USER_A, None, ARTICLE_1, "kb_article", "360001234567", "45000", None, "true"),
    (3, _id(USER_A, "1709250600", "1709251210000000", "article_vote", "2", "1"), "2024-03-01T00:00:10Z",
     "article_vote", A1, USER_A, None, ARTICLE_1, "kb_article", "360001234567", None, "up", "true"),
    (4, _id(USER_A, "1709250600", "1709251260000000", "page_view", "3"), "2024-03-01T00:01:00Z",
     "page_view", A1, USER_A, None, CATEGORY, "kb_category", None, None, None, "true"),
    # engagement_time_msec as a JSON number (20000) rather than BigQuery's string form.
    (5, _id(USER_A, "1709250600", "1709251320000000", "user_engagement", "4"), "2024-03-01T00:02:00Z",
     "user_engagement", A1, USER_A, None, CATEGORY, "kb_category", None, "20000", None, "true"),
    (6, _id(USER_A, "1709283600", "1709283600000000", "page_view", "5"), "2024-03-01T09:00:00Z",
     "page_view", A2, USER_A, None, ARTICLE_2, "kb_article", "360009876543", None, None, "false"),
    # ga_session_id as string_value; `scroll` is passed on (the loader keeps it as `other`).
    (7, _id(USER_A, "1709283600", "1709283603000000", "scroll", "6"), "2024-03-01T09:00:03Z",
     "scroll", A2, USER_A, None, ARTICLE_2, "kb_article", "360009876543", "3000", None, None),
    (8, _id(USER_A, "1709283600", "1709283605000000", "article_vote", "7"), "2024-03-01T09:00:05Z",
     "article_vote", A2, USER_A, None, ARTICLE_2, "kb_article", "360009876543", "2000", "down", None),
    # session_engaged as int_value ("1" as BigQuery writes INT64, and 1 as a JSON number on line 11).
    (9, _id(USER_B, "1709290800", "1709290800500000", "page_view", "1"), "2024-03-01T11:00:00.500Z",
     "page_view", B1, USER_B, "C-1001", "/", "home", None, None, None, "true"),
    (10, _id(USER_B, "1709290800", "1709290820000000", "view_search_results", "2"), "2024-03-01T11:00:20Z",
     "search", B1, USER_B, "C-1001", "/hc/en-us/search", "other", None, None, None, "true"),
    (11, _id(USER_B, "1709290800", "1709290840000000", "page_view", "3"), "2024-03-01T11:00:40Z",
     "page_view", B1, USER_B, "C-1001", POST, "forum_thread", None, None, None, "true"),
    (12, _id(USER_B, "1709290800", "1709290930000000", "user_engagement", "4"), "2024-03-01T11:02:10Z",
     "user_engagement", B1, USER_B, "C-1001", POST, "forum_thread", None, "90000", None, "true"),
    # A vote on a forum page has no article: the loader quarantines it (conditional_required).
    (13, _id(USER_B, "1709290800", "1709290935000000", "article_vote", "5"), "2024-03-01T11:02:15Z",
     "article_vote", B1, USER_B, "C-1001", POST, "forum_thread", None, None, "up", "true"),
    # A negative engagement time: the loader quarantines it (non_negative).
    (14, _id(USER_B, "1709290800", "1709290940000000", "user_engagement", "6"), "2024-03-01T11:02:20Z",
     "user_engagement", B1, USER_B, "C-1001", POST, "forum_thread", None, "-500", None, "true"),
]
EXPECTED_REJECTED = [
    (15, "malformed_line", "not valid JSON: Unterminated string starting at (column 44)"),
    (16, "missing_session", "event parameter ga_session_id is missing"),
    (17, "missing_session", "user_pseudo_id is empty (no session without it)"),
]
EXPECTED_STATS = {
    "events_read": 17,
    "malformed_lines": 1,
    "events_without_session": 2,
    "events_passed_through": 1,  # scroll
    "search_results_as_search": 1,
    "query_or_fragment_dropped": 6,  # lines 4, 5 (query), 6, 7, 8 (fragment), 10 (query)
}
# fmt: on


def _as_tuples(rows: list[tuple[int, dict[str, str | None]]]) -> list[tuple[object, ...]]:
    return [(line, *(row[c] for c in COLUMNS)) for line, row in rows]


def test_ndjson_rows_rejects_and_stats() -> None:
    output = read_ga4(EXPORT, "web_events")
    assert _as_tuples(output.rows) == EXPECTED_ROWS
    assert [(r.line, r.rule, r.reason) for r in output.rejected] == EXPECTED_REJECTED
    assert output.rejected[0].text == '{"event_date":"20240301","event_timestamp":"17092949'
    assert dict(output.stats) == EXPECTED_STATS
    assert output.lines_read == 17
    assert not output.unknown_events
    # Nothing of the query strings (e-mail addresses) reaches a row.
    assert not any("example.com" in (value or "") for _, row in output.rows for value in row.values())


def _as_loaded(row: tuple) -> tuple:
    """An expected adapter row as the loader stores it: typed, an unknown event name as `other`."""
    line, event_id, event_at, name, *middle, ms, vote, engaged = row
    stamp = event_at.removesuffix("Z")
    stamp = stamp if "." in stamp else f"{stamp}.000"
    typed_engaged = {"true": True, "false": False}.get(engaged) if engaged is not None else None
    event_name = name if name in ("page_view", "user_engagement", "article_vote", "search") else "other"
    return (line, event_id, stamp, event_name, *middle, int(ms) if ms is not None else None, vote, typed_engaged)


def test_load_ndjson_export(con: duckdb.DuckDBPyConnection) -> None:
    result = load_entity(con, FIXTURE_LANDING, WEB_EVENTS)
    assert [file.source_file for file in result.files] == [EXPORT_FILE]
    (file,) = result.files
    assert (file.rows_read, file.rows_loaded, file.rows_quarantined) == (17, 12, 5)
    assert file.rows_read == file.rows_loaded + file.rows_quarantined
    assert file.mapped_to_fallback == {"event_name: scroll": 1}
    assert file.adapter_stats == EXPECTED_STATS
    assert file.lines_read == 17

    ledger = con.execute(
        "select source_file, rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files"
    ).fetchall()
    assert ledger == [(EXPORT_FILE, 17, 12, 5)]

    quarantine = con.execute(
        "select source_line, rule, column_name, reason from raw_meta.raw_quarantine order by source_line, rule"
    ).fetchall()
    assert quarantine == [
        (13, "conditional_required", "article_id",
         f"{EXPORT_FILE} line 13, column article_id: missing, required when event_name = article_vote"),
        (14, "non_negative", "engagement_time_ms",
         f"{EXPORT_FILE} line 14, column engagement_time_ms: negative value (-500)"),
        (15, "malformed_line", None, f"{EXPORT_FILE} line 15, {EXPECTED_REJECTED[0][2]}"),
        (16, "missing_session", None, f"{EXPORT_FILE} line 16, {EXPECTED_REJECTED[1][2]}"),
        (17, "missing_session", None, f"{EXPORT_FILE} line 17, {EXPECTED_REJECTED[2][2]}"),
    ]  # fmt: skip

    loaded = con.execute(
        "select _source_line, event_id, strftime(event_at, '%Y-%m-%dT%H:%M:%S.%g'), event_name, session_id, "
        "user_pseudo_id, customer_id, page_path, page_type, article_id, engagement_time_ms, vote, session_engaged "
        "from raw_web.web_events order by _source_line"
    ).fetchall()
    assert loaded == [_as_loaded(row) for row in EXPECTED_ROWS[:12]]


# BigQuery's Parquet export: INT64 as integers, event_params a list of {key, value} structs.
PARAM_VALUE = pa.struct(
    [("string_value", pa.string()), ("int_value", pa.int64()), ("float_value", pa.float64()),
     ("double_value", pa.float64())]
)  # fmt: skip
EXPORT_SCHEMA = pa.schema(
    [
        ("event_date", pa.string()),
        ("event_timestamp", pa.int64()),
        ("event_name", pa.string()),
        ("event_params", pa.list_(pa.struct([("key", pa.string()), ("value", PARAM_VALUE)]))),
        ("event_bundle_sequence_id", pa.int64()),
        ("batch_event_index", pa.int64()),
        ("user_id", pa.string()),
        ("user_pseudo_id", pa.string()),
        ("device", pa.struct([("category", pa.string()), ("operating_system", pa.string())])),
    ]
)
INT_FIELDS = ("event_timestamp", "event_bundle_sequence_id", "batch_event_index")


def _typed(event: dict) -> dict:
    """A decoded NDJSON event with BigQuery's INT64 strings turned into integers."""
    typed = {key: (int(value) if key in INT_FIELDS and value is not None else value) for key, value in event.items()}
    typed["event_params"] = [
        {"key": param["key"], "value": {**param["value"], "int_value": int(param["value"]["int_value"])}}
        if param["value"].get("int_value") is not None
        else param
        for param in event["event_params"]
    ]
    return typed


def _write_parquet(target: Path, schema: pa.Schema = EXPORT_SCHEMA) -> None:
    events = []
    for line in EXPORT.read_text().splitlines():
        try:
            events.append(_typed(json.loads(line)))
        except json.JSONDecodeError:
            continue  # the truncated line has no Parquet equivalent
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(events, schema=schema), target)


def test_parquet_export_gives_the_same_rows(tmp_path: Path) -> None:
    target = tmp_path / "events_20240229-000000000000.parquet"
    _write_parquet(target)
    output = read_ga4(target, "web_events")
    # Records are numbered from 1; the 14 rows come before the NDJSON's truncated line 15.
    assert _as_tuples(output.rows) == EXPECTED_ROWS
    assert [(r.line, r.rule, r.reason) for r in output.rejected] == [
        (15, "missing_session", "event parameter ga_session_id is missing"),
        (16, "missing_session", "user_pseudo_id is empty (no session without it)"),
    ]
    assert json.loads(output.rejected[0].text)["user_pseudo_id"] == "871234509.1709290000"
    parquet_stats = {name: count for name, count in EXPECTED_STATS.items() if name != "malformed_lines"}
    assert dict(output.stats) == {**parquet_stats, "events_read": 16}
    assert output.lines_read == 16


def test_same_events_in_two_files_are_versions(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """The daily export after the NDJSON: the same event ids, each a second version."""
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    _write_parquet(landing / "web" / "ga4" / "events_20240229-000000000001.parquet")
    result = load_entity(con, landing, WEB_EVENTS)
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(17, 12, 5), (16, 12, 4)]
    versions = con.execute(
        "select count(*), count(distinct event_id), min(n), max(n) from "
        "(select event_id, count(*) over (partition by event_id) as n from raw_web.web_events)"
    ).fetchone()
    assert versions == (24, 12, 2, 2)


def test_parquet_without_export_columns(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    target = tmp_path / "landing" / "web" / "ga4" / "not_ga4.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.table({"event_timestamp": [1709250600000000], "event_name": ["page_view"]}), target)
    with pytest.raises(UnreadableFile, match="missing column event_params, user_pseudo_id"):
        read_ga4(target, "web_events")
    with pytest.raises(
        ContractError, match=re.escape("web/ga4/not_ga4.parquet: ga4 file not loaded: not a GA4 export")
    ):
        load_entity(con, tmp_path / "landing", WEB_EVENTS)


def test_not_an_export_file_name(tmp_path: Path) -> None:
    target = tmp_path / "events.csv"
    target.write_text("event_name\npage_view\n")
    with pytest.raises(UnreadableFile, match=r"expected \.json, \.jsonl, \.ndjson \(optionally \.gz\) or \.parquet"):
        read_ga4(target, "web_events")


def _event(micros: str, name: str, params: dict[str, dict[str, object]], pseudo: str = "9.1") -> str:
    return json.dumps(
        {
            "event_timestamp": micros,
            "event_name": name,
            "event_params": [{"key": key, "value": value} for key, value in params.items()],
            "event_bundle_sequence_id": "3",
            "user_pseudo_id": pseudo,
        }
    )


def test_twins_custom_votes_and_gzip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = {"page_location": {"string_value": "https://help.example.com/help/articles/42?ref=mail"}}
    session = {"ga_session_id": {"string_value": "77"}}
    lines = [
        _event("1700000000000000", "page_view", {**session, **page}),
        _event("1700000000000000", "page_view", {**session, **page}),  # an exact twin
        _event("1700000001000000", "Helpful_Click", {**session, **page, "helpful": {"string_value": "No"}}),
        _event("1700000002000000", "Helpful_Click", {**session, **page, "rating": {"string_value": "UP"}}),
        _event("1700000003000000", "search", {**session, "engagement_time_msec": {"double_value": 1500.0}}),
    ]
    target = tmp_path / "export.ndjson.gz"
    with gzip.open(target, "wt") as handle:
        handle.write("\n".join(lines) + "\n\n")
    monkeypatch.setenv(VOTE_EVENTS_ENV, "article_vote, helpful_click")
    monkeypatch.setenv(VOTE_PARAM_ENV, "rating")
    output = read_ga4(target, "web_events")
    rows = [row for _, row in output.rows]
    first = _id("9.1", "77", "1700000000000000", "page_view", "3")
    twin = _sha("9.1", "77", "1700000000000000", "page_view", "3", "", "2")  # ordinal 2 appended
    assert [row["event_id"] for row in rows[:2]] == [first, twin]
    assert [(row["event_name"], row["vote"], row["article_id"]) for row in rows] == [
        ("page_view", None, "42"),
        ("page_view", None, "42"),
        ("article_vote", "down", "42"),  # no `rating` param: helpful=No
        ("article_vote", "up", "42"),
        ("search", None, None),
    ]
    assert rows[4]["engagement_time_ms"] == "1500"
    assert rows[0]["session_id"] == "9.1.77"
    assert output.stats["twin_events"] == 1
    assert output.stats["votes_from_helpful"] == 1
    assert output.lines_read == 5


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/hc/en-us/articles/360001234567-Reset-your-password", ("kb_article", "360001234567")),
        ("/hc/articles/360001234567", ("kb_article", "360001234567")),
        ("/hc/es-419/articles/99-Hola/", ("kb_article", "99")),
        ("/HC/DE/articles/7", ("kb_article", "7")),
        ("/help/articles/42", ("kb_article", "42")),
        ("/hc/en-us/articles", ("other", None)),
        ("/hc/en-us/sections/360000222-Payments", ("kb_category", None)),
        ("/help/categories/5", ("kb_category", None)),
        ("/hc/en-us/community/posts/360000111222-Refund", ("forum_thread", None)),
        ("/forum/t/login-loop/123", ("forum_thread", None)),
        ("/hc/en-us/community/topics/1", ("other", None)),
        ("/", ("home", None)),
        ("/hc/en-us", ("home", None)),
        ("/hc/fr/", ("home", None)),
        ("/pricing", ("other", None)),
    ],
)
def test_default_page_patterns(path: str, expected: tuple[str, str | None]) -> None:
    assert Ga4Settings.from_env().classify(path) == expected


def test_custom_article_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ARTICLE_PATTERN_ENV, r"^/docs/kb/(?P<article_id>[a-z0-9-]+)$")
    monkeypatch.setenv(HOME_PATTERN_ENV, r"^/docs/?$")
    settings = Ga4Settings.from_env()
    assert settings.classify("/docs/kb/reset-password") == ("kb_article", "reset-password")
    assert settings.classify("/docs") == ("home", None)
    assert settings.classify("/") == ("other", None)
    # The Zendesk default no longer applies; the default category pattern still does.
    assert settings.classify("/hc/en-us/articles/360001234567-Reset") == ("other", None)
    assert settings.classify("/hc/en-us/categories/1") == ("kb_category", None)
    output = read_ga4(EXPORT, "web_events")
    assert {row["page_type"] for _, row in output.rows} == {"other", "kb_category", "forum_thread"}


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        (ARTICLE_PATTERN_ENV, r"^/kb/(?P<article_id>\d+", f"{ARTICLE_PATTERN_ENV} is not a valid regular expression"),
        (ARTICLE_PATTERN_ENV, r"^/kb/(\d+)", f"{ARTICLE_PATTERN_ENV} must capture the article id in a named group"),
        (FORUM_PATTERN_ENV, "[", f"{FORUM_PATTERN_ENV} is not a valid regular expression"),
        (VOTE_PARAM_ENV, "my vote", f"{VOTE_PARAM_ENV} must be a GA4 event parameter name"),
    ],
)
def test_invalid_settings_fail_with_the_variable(
    env: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch, con: duckdb.DuckDBPyConnection
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(Ga4SettingsError, match=message):
        Ga4Settings.from_env()
    # Through the loader: the export is not loaded, the error names the file and the variable.
    with pytest.raises(ContractError, match=re.escape(f"{EXPORT_FILE}: ga4 file not loaded: {message}")):
        load_entity(con, FIXTURE_LANDING, WEB_EVENTS)
    assert con.execute("select count(*) from raw_meta.loaded_files").fetchone() == (0,)
