"""The web part of the demo-data generator: help-site sessions, bot conversations, forum, social.

One data set (scale 0.5 over 60 days, ~9,000 tickets, ~22,000 web events) is generated once per
module, loaded through the real loader into an in-memory DuckDB and inspected there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from dagster_project.contract import get_entity
from dagster_project.loading import EntityLoadResult, load_entity
from demo_generator import generate
from demo_generator.web_common import grouped_cumsum
from demo_generator.web_kb import SECTIONS, Pages

RUN = {"days": 60, "scale": 0.5, "seed": 7, "end_date": date(2026, 3, 15)}
ENTITIES = ("web_events", "bot_conversations", "forum_posts", "social_interactions")
KNOWN_EVENTS = ("page_view", "user_engagement", "article_vote", "search")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("web_landing")
    return root, generate(root, **RUN)


@pytest.fixture(scope="module")
def loaded(
    landing: tuple[Path, dict[str, int]],
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, EntityLoadResult]]]:
    root, _ = landing
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    results = {name: load_entity(con, root, get_entity("web", name)) for name in ENTITIES}
    for name in ENTITIES:
        con.execute(f"create view {name} as select * from raw_web.{name}")
    con.execute(
        f"create view tickets as select * from '{root}/helpdesk/tickets/*.parquet'"
        " qualify row_number() over (partition by ticket_id order by updated_at desc) = 1"
    )
    con.execute(f"create view ticket_events as select * from '{root}/helpdesk/ticket_events/*.parquet'")
    con.execute(
        """
        create view sessions as
        select
            session_id,
            min(event_at) as started_at,
            max(event_at) as ended_at,
            count(*) filter (where event_name = 'page_view') as page_views,
            coalesce(sum(engagement_time_ms), 0) as engagement_ms,
            count(*) filter (where event_name = 'article_vote') as votes,
            bool_or(page_type = 'kb_article') as viewed_article,
            count(distinct user_pseudo_id) as browsers,
            any_value(user_pseudo_id) as user_pseudo_id,
            max(customer_id) as customer_id
        from web_events
        group by session_id
        """
    )
    yield con, results
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# -- helpers, worked by hand ------------------------------------------------------------------


def test_grouped_cumsum_restarts_per_group() -> None:
    values = np.array([1, 2, 3, 10, 20, 5])
    sizes = np.array([3, 0, 2, 1])
    assert grouped_cumsum(values, sizes).tolist() == [1, 3, 6, 10, 30, 5]


def test_page_codes_map_to_types() -> None:
    pages = Pages(n_articles=3, n_threads=2)
    # 0-2 articles, 3-9 sections, 10 home, 11-15 other pages, 16-17 forum threads
    codes = np.array([0, 2, 3, 3 + len(SECTIONS) - 1, 10, 11, 15, 16, 17])
    assert pages.page_type(codes).tolist() == [0, 0, 1, 1, 3, 4, 4, 2, 2]


# -- files ----------------------------------------------------------------------------------------


def test_monthly_files_and_counts(landing: tuple[Path, dict[str, int]]) -> None:
    root, counts = landing
    for name in ENTITIES:
        files = sorted(p.name for p in (root / "web" / name).iterdir())
        assert files == ["2026-01.parquet", "2026-02.parquet", "2026-03.parquet"], name
        rows = sum(pq.read_metadata(root / "web" / name / f).num_rows for f in files)
        assert rows == counts[f"web/{name}"] > 0


def test_same_arguments_give_identical_files(landing: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    root, _ = landing
    generate(tmp_path, **RUN)
    for name in ENTITIES:
        for path in sorted((root / "web" / name).iterdir()):
            again = tmp_path / "web" / name / path.name
            assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()


def test_loads_clean_with_unknown_event_names_as_other(loaded: tuple) -> None:
    con, results = loaded
    for name, result in results.items():
        assert result.rows_quarantined == 0, name
        assert result.rows_loaded == result.rows_read > 0, name
    fallback = results["web_events"].mapped_to_fallback
    assert fallback, "some events carry a GA4 name the contract does not know"
    assert all(key.startswith("event_name: ") and key[12:] not in KNOWN_EVENTS for key in fallback)
    other = scalar(con, "select count(*) from web_events where event_name = 'other'")
    assert other == sum(fallback.values())
    assert 0.0002 < other / results["web_events"].rows_loaded < 0.003  # about 0.1 %


# -- web sessions ---------------------------------------------------------------------------------


def test_event_and_session_ids(loaded: tuple) -> None:
    con, _ = loaded
    assert scalar(con, "select count(*) - count(distinct event_id) from web_events") == 0
    assert scalar(con, "select max(browsers) from sessions") == 1
    # Event ids are the session id and the event's position in it.
    assert scalar(con, "select count(*) from web_events where not starts_with(event_id, session_id || '-')") == 0
    assert scalar(con, "select min(started_at) >= '2026-01-15' and max(ended_at) < '2026-03-16' from sessions")


def test_sessions_bounce_cross_midnight_and_month(loaded: tuple) -> None:
    con, _ = loaded
    bounce = scalar(
        con,
        "select avg(case when page_views = 1 and engagement_ms < 10000 and votes = 0 then 100.0 else 0 end)"
        " from sessions where viewed_article",
    )
    assert 35 <= bounce <= 50
    assert scalar(con, "select count(*) from sessions where started_at::date <> ended_at::date") > 0
    assert scalar(con, "select count(*) from sessions where page_views >= 4") > 100
    # The daily and weekly curves of the world: busy mornings, quiet nights and weekends.
    by_hour = dict(con.execute("select hour(started_at), count(*) from sessions group by 1").fetchall())
    assert by_hour[10] > 5 * by_hour[3]
    weekday = scalar(con, "select count(*) filter (where isodow(started_at) = 1)"
                          " / count(*) filter (where isodow(started_at) = 7) from sessions")  # fmt: skip
    assert 2.5 < weekday < 4.5
    logged_in = scalar(con, "select avg((customer_id is not null)::int) from sessions")
    assert 0.3 < logged_in < 0.5


def test_events_are_valid_and_shaped_like_ga4(loaded: tuple) -> None:
    con, _ = loaded
    assert scalar(con, "select min(engagement_time_ms) from web_events") >= 0
    assert scalar(con, "select count(*) from web_events where engagement_time_ms is not null"
                       " and event_name <> 'user_engagement'") == 0  # fmt: skip
    assert scalar(con, "select count(*) from web_events where page_type = 'kb_article'"
                       " and page_path not like '/help/articles/' || article_id || '-%'") == 0  # fmt: skip
    assert (
        scalar(con, "select count(*) from web_events where article_id is not null and page_type <> 'kb_article'") == 0
    )
    assert scalar(con, "select count(*) from web_events where event_name = 'search'") > 100
    flags = dict(con.execute("select session_engaged::varchar, count(*) from web_events group by 1").fetchall())
    assert flags.keys() == {"true", "false", None}


def test_votes_reference_articles(loaded: tuple) -> None:
    con, _ = loaded
    votes = dict(
        con.execute("select vote, count(*) from web_events where event_name = 'article_vote' group by 1").fetchall()
    )
    assert votes["up"] > votes["down"] > 10
    assert scalar(con, "select count(*) from web_events where event_name = 'article_vote' and article_id is null") == 0
    share = scalar(
        con,
        "select count(*) filter (where event_name = 'article_vote')"
        " / count(*) filter (where event_name = 'page_view' and page_type = 'kb_article') from web_events",
    )
    assert 0.01 < share < 0.08


def test_requesters_read_before_some_tickets(loaded: tuple) -> None:
    con, _ = loaded
    # Logged-in readers only: about 30 % of tickets x 65 % logged in.
    share = scalar(
        con,
        """
        select avg((exists (
            select 1 from sessions as s
            where s.customer_id = t.requester_id
              and s.ended_at < t.created_at and s.ended_at >= t.created_at - interval 1 hour
        ))::int)
        from tickets as t
        """,
    )
    assert 0.12 < share < 0.30
    # Deflection: customers reading on a day they open no ticket, logged in: 50 a day at scale 1
    # x 0.5 x 60 days x 50 % logged in = 750.
    deflected = scalar(
        con,
        """
        select count(*) from sessions as s
        where s.customer_id is not null and not exists (
            select 1 from tickets as t where t.requester_id = s.customer_id and t.created_at::date = s.started_at::date
        )
        """,
    )
    assert 600 < deflected < 900
    # A customer keeps their browser(s): logged-in sessions of one customer use at most two ids.
    assert scalar(con, "select max(n) from (select count(distinct user_pseudo_id) as n from sessions"
                       " where customer_id is not null group by customer_id)") == 2  # fmt: skip


# -- bot, forum, social ---------------------------------------------------------------------------


def test_handed_off_conversations_belong_to_bot_tickets(loaded: tuple) -> None:
    con, _ = loaded
    handed = con.execute(
        """
        select count(*), count(t.ticket_id) filter (where t.channel = 'bot'),
               count(*) filter (where b.started_at <= t.created_at and b.ended_at > t.created_at)
        from bot_conversations as b left join tickets as t using (ticket_id)
        where b.outcome = 'handed_off'
        """
    ).fetchone()
    assert handed is not None and handed[0] > 100
    assert handed[0] == handed[1] == handed[2]
    assert (
        scalar(con, "select count(*) from bot_conversations where (outcome = 'handed_off') <> (ticket_id is not null)")
        == 0
    )
    # Every bot ticket that reached a human (an assignment) has its conversation.
    missing = scalar(
        con,
        """
        select count(*) from tickets as t
        where t.channel = 'bot'
          and exists (select 1 from ticket_events as e where e.ticket_id = t.ticket_id and e.event_type = 'assigned')
          and not exists (select 1 from bot_conversations as b where b.ticket_id = t.ticket_id)
        """,
    )
    assert missing == 0
    success = scalar(con, "select avg((outcome = 'resolved')::int) from bot_conversations")
    assert 0.55 <= success <= 0.70
    channels = {r[0] for r in con.execute("select distinct channel from bot_conversations").fetchall()}
    assert {"web_chat", "twitter", "facebook", "instagram", "whatsapp"} <= channels


def test_forum_threads_and_accepted_answers(loaded: tuple) -> None:
    con, _ = loaded
    con.execute(
        """
        create or replace temp view threads as
        select thread_id,
               count(*) filter (where is_thread_start) as starts,
               min(created_at) filter (where is_thread_start) as started_at,
               count(*) filter (where is_accepted_answer) as accepted,
               min(created_at) filter (where is_accepted_answer) as accepted_at,
               min(created_at) as first_post
        from forum_posts group by thread_id
        """
    )
    assert scalar(con, "select count(*) from threads where starts <> 1 or accepted > 1 or first_post < started_at") == 0
    assert scalar(con, "select count(*) from forum_posts where is_thread_start and author_type <> 'customer'") == 0
    share = scalar(con, "select avg((accepted = 1)::int) from threads")
    assert 0.45 <= share <= 0.65
    later = con.execute(
        "select count(*) filter (where accepted_at::date > started_at::date),"
        " count(*) filter (where date_trunc('month', accepted_at) > date_trunc('month', started_at)) from threads"
    ).fetchone()
    assert later is not None and later[0] > 20 and later[1] > 0
    authors = {
        r[0] for r in con.execute("select distinct author_type from forum_posts where not is_thread_start").fetchall()
    }
    assert authors == {"customer", "agent", "moderator"}


def test_social_interactions(loaded: tuple) -> None:
    con, _ = loaded
    # Every social ticket starts with an inbound message on its network shortly before it.
    unmatched = scalar(
        con,
        """
        select count(*) from tickets as t
        where t.channel = 'social' and not exists (
            select 1 from social_interactions as s
            where s.ticket_id = t.ticket_id and s.direction = 'inbound'
              and s.interaction_type in ('direct_message', 'mention') and s.network = t.social_network
              and s.occurred_at <= t.created_at and s.occurred_at >= t.created_at - interval 10 minute
        )
        """,
    )
    assert unmatched == 0
    assert scalar(con, "select count(*) from tickets where channel = 'social'") > 100
    kinds = {
        tuple(r) for r in con.execute("select distinct interaction_type, direction from social_interactions").fetchall()
    }
    inbound = {(k, "inbound") for k in ("mention", "comment", "direct_message", "reply", "like", "share")}
    assert kinds == inbound | {("reply", "outbound")}
    no_sentiment = scalar(
        con, "select avg((sentiment is null)::int) from social_interactions where interaction_type in ('like', 'share')"
    )
    assert no_sentiment > 0.7
    sentiments = {r[0] for r in con.execute("select distinct sentiment from social_interactions").fetchall()}
    assert sentiments == {"positive", "neutral", "negative", None}
    networks = {r[0] for r in con.execute("select distinct network from social_interactions").fetchall()}
    assert {"twitter", "facebook", "instagram", "linkedin", "whatsapp"} <= networks
