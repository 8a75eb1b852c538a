"""Golden web fixture: the self-service, web and social KPIs worked out by hand from `kpis.md`.

The landing folder `tests/fixtures/golden_web/landing/` holds hand-written web events, bot
conversations, forum posts, social interactions, a few helpdesk tickets and four crm customers.
Reporting time zone UTC. Every expected value below was derived on paper from the CSV files;
nothing is read back from the pipeline.

Months and spines
-----------------
* Web data (events, bots, forum, social) in Dec 2025, Jan 2026 (only the tail of session S6 after
  midnight, forum post P3 and bot B7) and Mar 2026; NOT in Feb 2026 (the empty month in between).
  Web KPIs have a row in every web month -> Dec, Jan, Mar; none in Feb.
* Helpdesk data in Dec, Feb (TSOC4) and Mar; none in Jan. The social ticket KPIs follow the
  helpdesk months -> Dec, Feb, Mar; none in Jan.
* contact_volume has a row in every helpdesk, telephony or web month -> Dec, Jan, Feb, Mar; Jan
  has only bot conversation B7 (and other web data), no ticket or call.
* crm: K1-K4 created 2025-11-15, activity AC1 (K1) 2026-03-20 -> customer months Nov..Mar, E = 4.

Web sessions (events W01-W22; engagement in ms; "kb" = page_type kb_article)
-----------------------------------------------------------------------------
S1  Dec 03  anon  W01 page_view kb A1 4000 (query string with an e-mail in the path),
                  W02 user_engagement kb A1 3000 -> 1 page, 7000 ms < 10 000, no vote: BOUNCE.
                  session_engaged reported false only -> is_engaged_reported false.
S2  Dec 04  anon  page_view kb A1 2000 + user_engagement 9000 = 11 000 ms -> over 10 s, no bounce.
S3  Dec 05  anon  one page_view kb A2 with exactly 10 000 ms -> not under 10 s, no bounce.
S4  Dec 06  K1    page_view kb A2 1000 + article_vote up 500 -> one page with a vote, no bounce;
                  K1 has no ticket -> ticket_created_within_24h false.
S5  Dec 10  K2    search (anonymous event, path with a query) then page_view kb A1 3000, page_view
                  kb A2 2000, vote down A2 -> two-page session, no bounce; customer from the first
                  non-null event; ticket TK2 of K2 at 20:00 (< 24 h after 14:00:10) -> true.
S6  Dec 31  anon  W12 23:58 page_view kb A3 60 000 (Dec), W13 Jan 01 00:02 page_view kb A3
                  30 000, W14 00:03 vote up A3 (Jan) -> across midnight AND the month end:
                  session month Dec (first event), views / time / vote split by event month.
S7  Dec 12  K3    home 5000, forum_thread 20 000, "scroll" (kept as event_name other) 1000 -> no kb
                  view; K3's ticket TK3 at 24 h + 1 s after the start -> false.
S8  Dec 15  anon  two page_views of kb A1 (5000, 8000) -> 2 views, 1 unique view, no bounce.
S9  Mar 05  K4    page_view kb A1 20 000; K4's ticket TK4 1 h later -> true.
S10 Mar 06  anon  page_view kb A4 (no engagement) + "video_progress" (-> other) kb A4 3000 ->
                  1 page, 3000 ms, no vote: BOUNCE.

Knowledge base (event month)                      Dec                   Jan        Mar
  kb page_views         W01 W03 W05 W06 W09 W10 W12 W18 W19 = 9     W13 = 1    W20 W21 = 2
  unique (session, article)  S1A1 S2A1 S3A2 S4A2 S5A1 S5A2 S6A3 S8A1 = 8    S6A3 = 1   S9A1 S10A4 = 2
  engagement on kb events  4000+3000+2000+9000+10000+1000+500+3000+2000+60000+5000+8000
                           = 107 500 (W08 is page type other)   30 000     20 000+3000 = 23 000
  votes up / down          W07 up, W11 down = 1 / 1            W14 up 1/0  none 0/0
  kb sessions (session month) S1 S2 S3 S4 S5 S6 S8 = 7, bounce S1 = 1;  Jan 0;  Mar S9 S10 = 2, S10.
Tickets created: Dec TSOC1 TSOC2 TSOC3 TBOT TK2 TK3 = 6; Jan 0; Feb TSOC4 = 1; Mar TSOC5 TK4 = 2.

Bots (started_at): Dec B1 web_chat resolved, B2 web_chat handed_off (-> ticket TBOT, channel bot),
B3 twitter resolved, B4 facebook abandoned, B5 whatsapp resolved, B6 other resolved = 6, 4 resolved,
social bots resolved B3 + B5 = 2 (B6 'other' is not a social network); Jan B7 web_chat resolved.

Forum: F1 starts Dec 20 (P1), reply P2 Dec 21, accepted answer P3 on Jan 05 (next month); F2
starts Dec 22 (P4, is_accepted_answer empty), never answered; F3 starts Mar 10 (P5), reply P6.
Posts Dec 3, Jan 1, Mar 2. Threads Dec 2 (1 answered), Jan 0, Mar 1 (0 answered).

Social interactions, Dec (all types and sentiments; outbound ones never count):
  engagement = inbound likes I04 I15 + inbound share I05 + inbound positive mention / comment /
               reply I01 I07 I09 = 6 (I11 is a positive DIRECT MESSAGE: not engagement; I10 like
               and I14 positive comment are outbound).
  negative   = inbound negative mention / comment / DM / reply I02 I08 I12 = 3, over those with a
               sentiment I01 I02 I06(neutral) I07 I08 I09 I11 I12 = 8.
  Mar: I16 inbound like -> engagement 1, no sentiment -> negative feedback 0 / 0.
Social tickets (channel social; SLA normal 480 / 2880, high 240 / 1440, urgent 60 / 240 min):
  TSOC1 Dec 02 twitter normal: reply 30 min, solved after 1440 min (met) Dec 03.
  TSOC2 Dec 05 facebook high: reply 240 min, solved after 2880 min > 1440 (breached) Dec 07.
  TSOC3 Dec 20 instagram: no reply, unresolved.
  TSOC4 Feb 27 twitter normal: reply 45 min, solved Mar 02 after 4320 min > 2880 (breached).
  TSOC5 Mar 10 no network ('unknown') urgent: reply 20 min, solved after 120 min (met).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.golden import Kpi, assert_scorecard, scorecard_months

NOV = dt.date(2025, 11, 1)
DEC = dt.date(2025, 12, 1)
JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)

WEB_MONTHS = {DEC, JAN, MAR}
HELPDESK_MONTHS = {DEC, FEB, MAR}

WEB_KPIS = (
    "kb_article_views",
    "kb_unique_article_views",
    "kb_bounce_rate_pct",
    "kb_avg_time_on_article_seconds",
    "kb_article_upvotes",
    "kb_article_downvotes",
    "kb_helpfulness_pct",
    "kb_views_per_ticket",
    "chatbot_conversations",
    "bot_success_rate_pct",
    "forum_new_posts",
    "forum_success_rate_pct",
    "social_engagement_actions",
    "social_negative_feedback_pct",
    "social_bot_resolved",
)
SOCIAL_TICKET_KPIS = ("social_tickets", "social_first_response_time_avg_minutes", "social_resolution_sla_pct")

# (kpi_id, month): (numerator, denominator, value) -- counts carry numerator = value, no denominator.
EXPECTED: dict[tuple[str, dt.date], tuple[float, float | None, float | None]] = {
    # kb_article_views: kb page_views by event month (see the table in the module docstring)
    ("kb_article_views", DEC): (9, None, 9),
    ("kb_article_views", JAN): (1, None, 1),  # W13, the tail of S6 after the month end
    ("kb_article_views", MAR): (2, None, 2),
    # kb_unique_article_views: distinct (session, article); S8's reload and S5's two articles
    ("kb_unique_article_views", DEC): (8, None, 8),
    ("kb_unique_article_views", JAN): (1, None, 1),
    ("kb_unique_article_views", MAR): (2, None, 2),
    # kb_bounce_rate_pct by session month: Dec S1 of 7 kb sessions; Jan none (S6 is a Dec session)
    ("kb_bounce_rate_pct", DEC): (1, 7, 100 / 7),
    ("kb_bounce_rate_pct", JAN): (0, 0, None),
    ("kb_bounce_rate_pct", MAR): (1, 2, 50.0),  # S10 of S9, S10
    # kb_avg_time_on_article_seconds: kb engagement ms / 1000 / kb views
    ("kb_avg_time_on_article_seconds", DEC): (107.5, 9, 107.5 / 9),
    ("kb_avg_time_on_article_seconds", JAN): (30.0, 1, 30.0),
    ("kb_avg_time_on_article_seconds", MAR): (23.0, 2, 11.5),  # W21 has no time, W22 (other) 3 s
    # votes by event month: A2 up (S4) and down (S5) in Dec, A3 up in Jan (S6 after midnight)
    ("kb_article_upvotes", DEC): (1, None, 1),
    ("kb_article_upvotes", JAN): (1, None, 1),
    ("kb_article_upvotes", MAR): (0, None, 0),
    ("kb_article_downvotes", DEC): (1, None, 1),
    ("kb_article_downvotes", JAN): (0, None, 0),
    ("kb_article_downvotes", MAR): (0, None, 0),
    # kb_helpfulness_pct = up / (up + down)
    ("kb_helpfulness_pct", DEC): (1, 2, 50.0),
    ("kb_helpfulness_pct", JAN): (1, 1, 100.0),
    ("kb_helpfulness_pct", MAR): (0, 0, None),  # no vote: zero denominator
    # kb_views_per_ticket = unique kb views / tickets created
    ("kb_views_per_ticket", DEC): (8, 6, 8 / 6),
    ("kb_views_per_ticket", JAN): (1, 0, None),  # no ticket in January
    ("kb_views_per_ticket", MAR): (2, 2, 1.0),
    # chatbot_conversations / bot_success_rate_pct by started month
    ("chatbot_conversations", DEC): (6, None, 6),
    ("chatbot_conversations", JAN): (1, None, 1),
    ("chatbot_conversations", MAR): (0, None, 0),
    ("bot_success_rate_pct", DEC): (4, 6, 400 / 6),  # B1 B3 B5 B6 of B1-B6
    ("bot_success_rate_pct", JAN): (1, 1, 100.0),
    ("bot_success_rate_pct", MAR): (0, 0, None),
    # forum: posts by created month; threads by start month, accepted answer at any time
    ("forum_new_posts", DEC): (3, None, 3),
    ("forum_new_posts", JAN): (1, None, 1),  # P3, F1's accepted answer
    ("forum_new_posts", MAR): (2, None, 2),
    ("forum_success_rate_pct", DEC): (1, 2, 50.0),  # F1 (answered in Jan) of F1, F2
    ("forum_success_rate_pct", JAN): (0, 0, None),
    ("forum_success_rate_pct", MAR): (0, 1, 0.0),
    # social tickets (helpdesk months)
    ("social_tickets", DEC): (3, None, 3),  # TSOC1-3
    ("social_tickets", FEB): (1, None, 1),
    ("social_tickets", MAR): (1, None, 1),
    ("social_first_response_time_avg_minutes", DEC): (270.0, 2, 135.0),  # 30 + 240; TSOC3 no reply
    ("social_first_response_time_avg_minutes", FEB): (45.0, 1, 45.0),
    ("social_first_response_time_avg_minutes", MAR): (20.0, 1, 20.0),
    ("social_resolution_sla_pct", DEC): (1, 2, 50.0),  # TSOC1 met, TSOC2 breached
    ("social_resolution_sla_pct", FEB): (0, 0, None),  # TSOC4 is first resolved in March
    ("social_resolution_sla_pct", MAR): (1, 2, 50.0),  # TSOC4 breached, TSOC5 met
    # social interactions and bots (web months)
    ("social_engagement_actions", DEC): (6, None, 6),
    ("social_engagement_actions", JAN): (0, None, 0),
    ("social_engagement_actions", MAR): (1, None, 1),
    ("social_negative_feedback_pct", DEC): (3, 8, 37.5),
    ("social_negative_feedback_pct", JAN): (0, 0, None),
    ("social_negative_feedback_pct", MAR): (0, 0, None),
    ("social_bot_resolved", DEC): (2, None, 2),
    ("social_bot_resolved", JAN): (0, None, 0),
    ("social_bot_resolved", MAR): (0, None, 0),
    # contact_volume = tickets created + inbound calls (none) + bot conversations started
    ("contact_volume", DEC): (12, None, 12),  # 6 tickets + 6 bots
    ("contact_volume", JAN): (1, None, 1),  # B7 only: a month without helpdesk or telephony data
    ("contact_volume", FEB): (1, None, 1),
    ("contact_volume", MAR): (2, None, 2),
    # repeat contacts count tickets and calls only: Dec K2 (TBOT, TK2) repeat, K3 (TK3) single;
    # the bot conversations of K1 / K2 / K3 do not add contacts here
    ("repeat_contact_rate_pct", DEC): (1, 2, 50.0),
    ("repeat_contact_rate_pct", JAN): (0, 0, None),
    ("repeat_contact_rate_pct", FEB): (0, 0, None),  # TSOC4 has no requester
    ("repeat_contact_rate_pct", MAR): (0, 1, 0.0),  # K4: TK4
    # interactions_per_customer = interactions with a customer_id / E (4):
    # Dec tickets TBOT TK2 TK3 + bots B1 B2 B5 + sessions S4 S5 S7 = 9; Jan B7 = 1 (S6 is anonymous);
    # Mar TK4 + session S9 + activity AC1 = 3
    ("interactions_per_customer", NOV): (0, 4, 0.0),
    ("interactions_per_customer", DEC): (9, 4, 2.25),
    ("interactions_per_customer", JAN): (1, 4, 0.25),
    ("interactions_per_customer", FEB): (0, 4, 0.0),
    ("interactions_per_customer", MAR): (3, 4, 0.75),
}


@pytest.mark.parametrize(("kpi_id", "month"), sorted(EXPECTED), ids=lambda v: str(v))
def test_scorecard_figure(golden_web_mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> None:
    numerator, denominator, value = EXPECTED[(kpi_id, month)]
    assert_scorecard(golden_web_mart, Kpi(kpi_id, month, value, numerator, denominator))


@pytest.mark.parametrize("kpi_id", WEB_KPIS)
def test_web_kpis_have_rows_in_web_months_only(golden_web_mart: duckdb.DuckDBPyConnection, kpi_id: str) -> None:
    """February has no web data: no row (not a 0) for any web KPI; January has web data only."""
    assert scorecard_months(golden_web_mart, kpi_id) == WEB_MONTHS


@pytest.mark.parametrize("kpi_id", SOCIAL_TICKET_KPIS)
def test_social_ticket_kpis_follow_helpdesk_months(golden_web_mart: duckdb.DuckDBPyConnection, kpi_id: str) -> None:
    assert scorecard_months(golden_web_mart, kpi_id) == HELPDESK_MONTHS


def test_contact_volume_months_include_the_bot_only_month(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    assert scorecard_months(golden_web_mart, "contact_volume") == {DEC, JAN, FEB, MAR}


def test_units_from_the_seed_and_no_benchmark(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_web_mart.execute(
        "select kpi_id, any_value(unit), count(benchmark_value), count(benchmark_status) "
        "from mart.kpi_scorecard_monthly where kpi_id in (select unnest(?)) group by kpi_id",
        [list(WEB_KPIS + SOCIAL_TICKET_KPIS)],
    ).fetchall()
    units = {kpi_id: unit for kpi_id, unit, *_ in rows}
    assert len(units) == 18
    assert units["kb_bounce_rate_pct"] == "percent"
    assert units["kb_avg_time_on_article_seconds"] == "seconds"
    assert units["kb_views_per_ticket"] == "ratio"
    assert units["social_first_response_time_avg_minutes"] == "minutes"
    assert units["chatbot_conversations"] == "count"
    # the guides give no numeric benchmark for any self-service or social KPI
    assert all(benchmarks == 0 and statuses == 0 for _, _, benchmarks, statuses in rows)


# --- fct_web_sessions ---------------------------------------------------------------------------

SESSION_COLUMNS = (
    "session_id, customer_id, session_month, page_views_count, kb_article_views_count, "
    "kb_articles_viewed_count, engagement_time_ms, upvotes_count, downvotes_count, searches_count, "
    "viewed_kb_article, is_kb_bounce, is_engaged_reported, ticket_created_within_24h, ticket_within_24h_id"
)
SESSIONS = [
    # id    customer session_month pv kbv art  ms     up dn srch  kb    bounce engaged ticket24 ticket
    ("S1", None, DEC, 1, 1, 1, 7000, 0, 0, 0, True, True, False, None, None),
    ("S10", None, MAR, 1, 1, 1, 3000, 0, 0, 0, True, True, None, None, None),
    ("S2", None, DEC, 1, 1, 1, 11000, 0, 0, 0, True, False, None, None, None),
    ("S3", None, DEC, 1, 1, 1, 10000, 0, 0, 0, True, False, None, None, None),
    ("S4", "K1", DEC, 1, 1, 1, 1500, 1, 0, 0, True, False, None, False, None),
    ("S5", "K2", DEC, 2, 2, 2, 5000, 0, 1, 1, True, False, True, True, "TK2"),
    ("S6", None, DEC, 2, 2, 1, 90000, 1, 0, 0, True, False, True, None, None),
    ("S7", "K3", DEC, 2, 0, 0, 26000, 0, 0, 0, False, False, None, False, None),
    ("S8", None, DEC, 2, 2, 1, 13000, 0, 0, 0, True, False, None, None, None),
    ("S9", "K4", MAR, 1, 1, 1, 20000, 0, 0, 0, True, False, None, True, "TK4"),
]


def test_fct_web_sessions_rows(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_web_mart.execute(
        f"select {SESSION_COLUMNS} from mart.fct_web_sessions order by session_id"
    ).fetchall()
    assert rows == SESSIONS


def test_session_across_midnight_and_month_end(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """S6: 2025-12-31 23:58 -> 2026-01-01 00:03, a December session of 5 minutes."""
    row = golden_web_mart.execute(
        "select started_at, ended_at, session_date, session_month, duration_seconds, landing_page_type, events_count "
        "from mart.fct_web_sessions where session_id = 'S6'"
    ).fetchone()
    assert row == (
        dt.datetime(2025, 12, 31, 23, 58),
        dt.datetime(2026, 1, 1, 0, 3),
        dt.date(2025, 12, 31),
        DEC,
        300,
        "kb_article",
        3,
    )


def test_unknown_event_names_are_kept_as_other(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """'scroll' (S7) and 'video_progress' (S10) are loaded as other and counted as events."""
    rows = golden_web_mart.execute(
        "select session_id, events_count, landing_page_type from mart.fct_web_sessions "
        "where session_id in ('S7', 'S10') order by session_id"
    ).fetchall()
    assert rows == [("S10", 2, "kb_article"), ("S7", 3, "home")]


def test_no_page_path_or_url_in_the_mart(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    columns = golden_web_mart.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'mart' "
        "and (column_name like '%path%' or column_name like '%url%' or column_name like '%location%')"
    ).fetchall()
    assert columns == []


# --- KPI tables ---------------------------------------------------------------------------------


def test_knowledge_base_per_article_and_month(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_web_mart.execute(
        "select month, article_id, article_views_count, unique_article_views_count, engagement_time_ms_sum, "
        "avg_time_on_article_seconds, upvotes_count, downvotes_count, helpfulness_pct, sessions_count, "
        "bounced_sessions_count, bounce_rate_pct from mart.kpi_knowledge_base_monthly order by month, article_id"
    ).fetchall()
    assert rows == [
        # A1 Dec: views W01 W03 W09 W18 W19, sessions S1 S2 S5 S8; 4000+3000+2000+9000+3000+5000+8000 ms
        (DEC, "A1", 5, 4, 34000, 6.8, 0, 0, None, 4, 1, 25.0),
        # A2 Dec: W05 W06 W10; 10000+1000+500+2000 ms; up (S4) and down (S5)
        (DEC, "A2", 3, 3, 13500, 4.5, 1, 1, 50.0, 3, 0, 0.0),
        # A3: S6 splits at the month end; the session counts in December only
        (DEC, "A3", 1, 1, 60000, 60.0, 0, 0, None, 1, 0, 0.0),
        (JAN, "A3", 1, 1, 30000, 30.0, 1, 0, 100.0, 0, 0, None),
        (MAR, "A1", 1, 1, 20000, 20.0, 0, 0, None, 1, 0, 0.0),
        (MAR, "A4", 1, 1, 3000, 3.0, 0, 0, None, 1, 1, 100.0),
    ]


def test_self_service_monthly(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_web_mart.execute(
        "select month, kb_sessions_logged_in_count, kb_sessions_ticket_within_24h_count, "
        "kb_sessions_ticket_within_24h_pct, tickets_created_count, bot_handed_off_count, bot_abandoned_count, "
        "forum_threads_count, forum_threads_answered_count from mart.kpi_self_service_monthly order by month"
    ).fetchall()
    assert rows == [
        # Dec: kb sessions of K1 (S4, no ticket) and K2 (S5, TK2); B2 handed off, B4 abandoned
        (DEC, 2, 1, 50.0, 6, 1, 1, 2, 1),
        (JAN, 0, 0, None, 0, 0, 0, 0, 0),
        (MAR, 1, 1, 100.0, 2, 0, 0, 1, 0),
    ]


SOCIAL_COUNTS = (
    "inbound_count",
    "outbound_count",
    "inbound_mention_count",
    "inbound_comment_count",
    "inbound_direct_message_count",
    "inbound_reply_count",
    "inbound_like_count",
    "inbound_share_count",
    "outbound_mention_count",
    "outbound_comment_count",
    "outbound_direct_message_count",
    "outbound_reply_count",
    "outbound_like_count",
    "outbound_share_count",
    "inbound_positive_count",
    "inbound_neutral_count",
    "inbound_negative_count",
    "engagement_actions_count",
    "negative_feedback_count",
    "feedback_with_sentiment_count",
    "questions_count",
    "technical_questions_count",
    "interactions_to_ticket_count",
    "social_tickets_count",
    "first_response_count",
    "first_response_minutes_sum",
    "first_resolved_count",
    "resolution_sla_met_count",
    "social_bot_conversations_count",
    "social_bot_resolved_count",
)
SOCIAL_RATIOS = ("negative_feedback_pct", "first_response_time_avg_minutes", "resolution_sla_pct")


def _social_day(mart: duckdb.DuckDBPyConnection, day: dt.date, network: str) -> dict[str, float | None]:
    columns = SOCIAL_COUNTS + SOCIAL_RATIOS
    rows = mart.execute(
        f"select {', '.join(columns)} from mart.kpi_social_daily where activity_date = ? and network = ?",
        [day, network],
    ).fetchall()
    assert len(rows) == 1, (day, network, rows)
    return dict(zip(columns, rows[0], strict=True))


def _expected_day(**figures: float | None) -> dict[str, float | None]:
    """Every count 0 and every ratio null unless named."""
    return {**dict.fromkeys(SOCIAL_COUNTS, 0), **dict.fromkeys(SOCIAL_RATIOS), **figures}


def test_social_daily_twitter_dec_2(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """I01 mention +, I02 mention - (technical question, ticket TSOC1), I03 outbound reply, I04 like;
    TSOC1 created (first reply 30 min)."""
    assert _social_day(golden_web_mart, dt.date(2025, 12, 2), "twitter") == _expected_day(
        inbound_count=3,
        outbound_count=1,
        inbound_mention_count=2,
        inbound_like_count=1,
        outbound_reply_count=1,
        inbound_positive_count=1,
        inbound_negative_count=1,
        engagement_actions_count=2,  # I04 like + I01 positive mention
        negative_feedback_count=1,  # I02
        feedback_with_sentiment_count=2,  # I01, I02
        negative_feedback_pct=50.0,
        questions_count=1,
        technical_questions_count=1,
        interactions_to_ticket_count=1,
        social_tickets_count=1,
        first_response_count=1,
        first_response_minutes_sum=30.0,
        first_response_time_avg_minutes=30.0,
    )


def test_social_daily_facebook_dec_5(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """I08 negative technical DM (ticket TSOC2), I09 positive reply sent as ' Facebook ' (the same
    network after trimming and lower-casing); TSOC2 created (first reply 240 min)."""
    assert _social_day(golden_web_mart, dt.date(2025, 12, 5), "facebook") == _expected_day(
        inbound_count=2,
        inbound_direct_message_count=1,
        inbound_reply_count=1,
        inbound_positive_count=1,
        inbound_negative_count=1,
        engagement_actions_count=1,  # I09; a negative DM is no engagement
        negative_feedback_count=1,
        feedback_with_sentiment_count=2,
        negative_feedback_pct=50.0,
        questions_count=1,
        technical_questions_count=1,
        interactions_to_ticket_count=1,
        social_tickets_count=1,
        first_response_count=1,
        first_response_minutes_sum=240.0,
        first_response_time_avg_minutes=240.0,
    )


def test_social_daily_outbound_and_direct_messages(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """Dec 6 instagram: I10 outbound like (no engagement), I11 positive DM (feedback with sentiment,
    not engagement, a non-technical question)."""
    assert _social_day(golden_web_mart, dt.date(2025, 12, 6), "instagram") == _expected_day(
        inbound_count=1,
        outbound_count=1,
        inbound_direct_message_count=1,
        outbound_like_count=1,
        inbound_positive_count=1,
        feedback_with_sentiment_count=1,
        negative_feedback_pct=0.0,
        questions_count=1,
    )


def test_social_daily_tickets_and_bots(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    mart = golden_web_mart
    # TSOC1 first resolved on Dec 3 within its SLA, beside I05 inbound share
    assert _social_day(mart, dt.date(2025, 12, 3), "twitter") == _expected_day(
        inbound_count=1,
        inbound_share_count=1,
        engagement_actions_count=1,
        first_resolved_count=1,
        resolution_sla_met_count=1,
        resolution_sla_pct=100.0,
    )
    # B3 twitter resolved, B4 facebook abandoned on Dec 11
    assert _social_day(mart, dt.date(2025, 12, 11), "twitter") == _expected_day(
        social_bot_conversations_count=1, social_bot_resolved_count=1
    )
    assert _social_day(mart, dt.date(2025, 12, 11), "facebook") == _expected_day(social_bot_conversations_count=1)
    # TSOC5 without social_network: created, answered after 20 min and resolved in SLA on Mar 10
    assert _social_day(mart, dt.date(2026, 3, 10), "unknown") == _expected_day(
        social_tickets_count=1,
        first_response_count=1,
        first_response_minutes_sum=20.0,
        first_response_time_avg_minutes=20.0,
        first_resolved_count=1,
        resolution_sla_met_count=1,
        resolution_sla_pct=100.0,
    )
    # B6 (channel other) is not a social bot, B1 / B2 / B7 (web_chat) neither
    assert mart.execute(
        "select count(*) from mart.kpi_social_daily where network in ('other', 'web_chat')"
    ).fetchone() == (0,)


def test_kpi_tables_roll_up_to_the_scorecard(golden_web_mart: duckdb.DuckDBPyConnection) -> None:
    """The social table summed over networks and days, and the kb table summed over articles, give
    the scorecard's numerators exactly (additive parts)."""
    mart = golden_web_mart
    social = mart.execute(
        "select activity_month, sum(engagement_actions_count), sum(negative_feedback_count), "
        "sum(feedback_with_sentiment_count), sum(social_tickets_count), sum(social_bot_resolved_count) "
        "from mart.kpi_social_daily group by all order by 1"
    ).fetchall()
    assert social == [(DEC, 6, 3, 8, 3, 2), (FEB, 0, 0, 0, 1, 0), (MAR, 1, 0, 0, 1, 0)]
    kb = mart.execute(
        "select month, sum(article_views_count), sum(unique_article_views_count), sum(engagement_time_ms_sum), "
        "sum(upvotes_count), sum(downvotes_count) from mart.kpi_knowledge_base_monthly group by all order by 1"
    ).fetchall()
    assert kb == [(DEC, 9, 8, 107500, 1, 1), (JAN, 1, 1, 30000, 1, 0), (MAR, 2, 2, 23000, 0, 0)]
