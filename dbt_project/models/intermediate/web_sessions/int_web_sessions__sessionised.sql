-- Sessionisation: one row per session_id of the web events (a session is what the source calls
-- one; the GA4 adapter builds session_id from user_pseudo_id + ga_session_id). started_at /
-- ended_at = first / last event; session_month = reporting month of the first event (kpis.md:
-- kb_bounce_rate_pct is by session month). Events at the same instant are ordered by event_id.
--   kb bounce (kpis.md) = viewed a kb article (a page_view on a kb_article page) and exactly one
--   page_view, under 10 s engagement in total (sum of engagement_time_ms over every event of the
--   session < 10 000; missing = 0) and no article vote. Sessions without a kb view never bounce.
--   is_engaged_reported = GA4's own flag beside it: true when any event reported
--   session_engaged true, false when reported but never true, null when never reported.
-- user_pseudo_id / customer_id: the first non-null value in event order (a visitor can log in
-- mid-session). landing_page_type: page_type of the first page_view. No page path leaves here.
-- Incremental: the sessions of int_affected__web_sessions are deleted and aggregated again from
-- all their events.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__web_sessions', 'key': ['session_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__web_sessions') }}
with

events as (

    select
        event_id,
        event_at,
        event_name,
        session_id,
        user_pseudo_id,
        customer_id,
        page_type,
        article_id,
        engagement_time_ms,
        vote,
        session_engaged
    from {{ ref('stg_web__web_events') }}
    {% if is_incremental() -%}
        where session_id in (select affected.session_id from {{ ref('int_affected__web_sessions') }} as affected)
    {%- endif %}

),

sessions as (

    select
        session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        {{ value_at_first('user_pseudo_id', ['event_at', 'event_id']) }}
        filter (where user_pseudo_id is not null) as user_pseudo_id,
        {{ value_at_first('customer_id', ['event_at', 'event_id']) }}
        filter (where customer_id is not null) as customer_id,
        {{ value_at_first('page_type', ['event_at', 'event_id']) }}
        filter (where event_name = 'page_view') as landing_page_type,
        count(*) as events_count,
        count(*) filter (where event_name = 'page_view') as page_views_count,
        count(*) filter (where event_name = 'page_view' and page_type = 'kb_article') as kb_article_views_count,
        -- a kb page without article_id counts as one unknown article
        count(distinct coalesce(article_id, '<unknown>')) filter (
            where event_name = 'page_view' and page_type = 'kb_article'
        ) as kb_articles_viewed_count,
        cast(coalesce(sum(engagement_time_ms), 0) as bigint) as engagement_time_ms,
        count(*) filter (where event_name = 'article_vote' and vote = 'up') as upvotes_count,
        count(*) filter (where event_name = 'article_vote' and vote = 'down') as downvotes_count,
        count(*) filter (where event_name = 'article_vote') as votes_count,
        count(*) filter (where event_name = 'search') as searches_count,
        bool_or(session_engaged) as is_engaged_reported
    from events
    group by session_id

)

select
    session_id,
    user_pseudo_id,
    customer_id,
    started_at,
    ended_at,
    {{ to_reporting_date('started_at') }} as session_date,
    {{ to_reporting_month('started_at') }} as session_month,
    {{ seconds_between('started_at', 'ended_at') }} as duration_seconds,
    landing_page_type,
    events_count,
    page_views_count,
    kb_article_views_count,
    kb_articles_viewed_count,
    engagement_time_ms,
    upvotes_count,
    downvotes_count,
    searches_count,
    kb_article_views_count > 0 as viewed_kb_article,
    (
        kb_article_views_count > 0
        and page_views_count = 1
        and engagement_time_ms < 10000
        and votes_count = 0
    ) as is_kb_bounce,
    is_engaged_reported
from sessions
