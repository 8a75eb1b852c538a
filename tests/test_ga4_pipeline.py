"""The hand-written GA4 export (tests/fixtures/ga4) through the whole pipeline: its events become
the sessions worked out by hand below, in mart.fct_web_sessions and the scorecard.

The export (17 lines): 12 events load, 5 are quarantined (a vote on a forum page without an
article, a negative engagement time, a truncated line, two events without a session), `scroll`
loads as `other`.

Sessions (reporting time zone UTC):
  A 1197596843.1709164800.1709250600  2024-02-29 23:50:00.123 → 2024-03-01 00:02:00, month 2024-02
    page_view kb 360001234567 (23:50), user_engagement 45 000 ms, article_vote up (00:00:10),
    page_view kb_category, user_engagement 20 000 ms → 2 page views, 1 kb article view,
    65 000 ms, 1 up vote; GA4 flagged it engaged; no customer.
  B 1197596843.1709164800.1709283600  2024-03-01 09:00:00 → 09:00:05, month 2024-03
    page_view kb 360009876543, scroll (→ other), article_vote down; 5 000 ms → one page view under
    10 s but voted, so not a bounce; GA4 session_engaged "0" → not engaged.
  C 2084411296.1709280000.1709290800  2024-03-01 11:00:00.500 → 11:02:10, month 2024-03
    page_view home, view_search_results (→ search), page_view other; 90 000 ms; customer C-1001;
    GA4 session_engaged int 1 → engaged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import FIXTURES, CliRun, run_pipeline
from tests.golden import assert_figure, scorecard_row

GA4_LANDING = FIXTURES / "ga4" / "landing"
FEB, MAR = dt.date(2024, 2, 1), dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def ga4_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_pipeline(GA4_LANDING, tmp_path_factory.mktemp("ga4") / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="module")
def ga4_mart(ga4_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(ga4_run.mart_path)
    yield con
    con.close()


def test_sessions_match_the_hand_worked_export(ga4_mart: duckdb.DuckDBPyConnection) -> None:
    rows = ga4_mart.execute(
        "select session_id, customer_id, started_at, ended_at, session_month, landing_page_type, "
        "page_views_count, kb_article_views_count, engagement_time_ms, upvotes_count, downvotes_count, "
        "searches_count, is_kb_bounce, is_engaged_reported from mart.fct_web_sessions order by started_at"
    ).fetchall()
    ts = dt.datetime
    assert rows == [
        ("1197596843.1709164800.1709250600", None, ts(2024, 2, 29, 23, 50, 0, 123000), ts(2024, 3, 1, 0, 2),
         FEB, "kb_article", 2, 1, 65000, 1, 0, 0, False, True),
        ("1197596843.1709164800.1709283600", None, ts(2024, 3, 1, 9), ts(2024, 3, 1, 9, 0, 5),
         MAR, "kb_article", 1, 1, 5000, 0, 1, 0, False, False),
        ("2084411296.1709280000.1709290800", "C-1001", ts(2024, 3, 1, 11, 0, 0, 500000), ts(2024, 3, 1, 11, 2, 10),
         MAR, "home", 2, 0, 90000, 0, 0, 1, False, True),
    ]  # fmt: skip


def test_scorecard_from_the_export(ga4_mart: duckdb.DuckDBPyConnection) -> None:
    # kb_article_views: Feb 1 (session A's first page view), Mar 1 (session B).
    assert_figure(scorecard_row(ga4_mart, "kb_article_views", FEB)[0], 1)
    assert_figure(scorecard_row(ga4_mart, "kb_article_views", MAR)[0], 1)
    # Votes by event month: A's up vote is at 00:00:10 on 1 March, B's down vote in March too.
    assert_figure(scorecard_row(ga4_mart, "kb_article_upvotes", MAR)[0], 1)
    assert_figure(scorecard_row(ga4_mart, "kb_article_downvotes", MAR)[0], 1)
    assert_figure(scorecard_row(ga4_mart, "kb_helpfulness_pct", MAR)[0], 50.0)
    # Bounce by session month: Feb has session A (two page views) → 0 of 1; March has B (voted) → 0 of 1.
    assert scorecard_row(ga4_mart, "kb_bounce_rate_pct", FEB) == (0.0, 0.0, 1.0)
    assert scorecard_row(ga4_mart, "kb_bounce_rate_pct", MAR) == (0.0, 0.0, 1.0)


def test_quarantine_and_other_events(ga4_run: CliRun) -> None:
    con = duckdb.connect(str(ga4_run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        quarantine = con.execute(
            "select source_line, rule from raw_meta.raw_quarantine where entity = 'web_events' order by source_line"
        ).fetchall()
        ledger = con.execute(
            "select rows_read, rows_loaded, rows_quarantined from raw_meta.loaded_files where entity = 'web_events'"
        ).fetchall()
        names = con.execute("select event_name, count(*) from raw_web.web_events group by all order by all").fetchall()
    finally:
        con.close()
    assert quarantine == [
        (13, "conditional_required"),
        (14, "non_negative"),
        (15, "malformed_line"),
        (16, "missing_session"),
        (17, "missing_session"),
    ]
    assert ledger == [(17, 12, 5)]
    assert names == [("article_vote", 2), ("other", 1), ("page_view", 5), ("search", 1), ("user_engagement", 3)]
