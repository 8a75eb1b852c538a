-- Company-wide self-service figures per web month (int_web__months), all additive, the single
-- base of mart.kpi_self_service_monthly and the scorecard family int_scorecard__self_service:
--   kb_*            event figures by month of the event (int_knowledge_base__article_events,
--                   summed over articles: exact, distinct (session, article) adds up)
--   kb_sessions_*   sessions by month of their first event (int_web_sessions__sessionised):
--                   sessions that viewed a kb article, kb bounces, and for the logged-in ones
--                   whether the customer opened a ticket within 24 h of the session start
--   bot_*           bot conversations by month of started_at, by outcome
--   forum_*         posts by month of created_at; threads by month of their start post, with an
--                   accepted answer at any time (int_forum__threads)
--   tickets_created tickets by month of created_at (fct_tickets), the base of kb_views_per_ticket
with

months as (

    select month from {{ ref('int_web__months') }}

),

article_events as (

    select
        month,
        article_views_count,
        unique_article_views_count,
        engagement_time_ms_sum,
        upvotes_count,
        downvotes_count
    from {{ ref('int_knowledge_base__article_events') }}

),

sessions as (

    select
        session_id,
        session_month,
        customer_id,
        viewed_kb_article,
        is_kb_bounce
    from {{ ref('int_web_sessions__sessionised') }}

),

ticket_follow_up as (

    select session_id from {{ ref('int_web_sessions__ticket_follow_up') }}

),

bot_conversations as (

    select
        started_at,
        outcome
    from {{ ref('stg_web__bot_conversations') }}

),

forum_posts as (

    select created_at from {{ ref('stg_web__forum_posts') }}

),

forum_threads as (

    select
        started_month,
        has_accepted_answer
    from {{ ref('int_forum__threads') }}

),

tickets as (

    select created_month from {{ ref('fct_tickets') }}

),

kb_events as (

    select
        month,
        cast(sum(article_views_count) as bigint) as kb_article_views_count,
        cast(sum(unique_article_views_count) as bigint) as kb_unique_article_views_count,
        cast(sum(engagement_time_ms_sum) as bigint) as kb_engagement_time_ms_sum,
        cast(sum(upvotes_count) as bigint) as kb_upvotes_count,
        cast(sum(downvotes_count) as bigint) as kb_downvotes_count
    from article_events
    group by month

),

sessions_with_follow_up as (

    select
        sessions.session_month,
        sessions.customer_id,
        sessions.viewed_kb_article,
        sessions.is_kb_bounce,
        ticket_follow_up.session_id is not null as has_ticket_within_24h
    from sessions
    left join ticket_follow_up on sessions.session_id = ticket_follow_up.session_id

),

kb_sessions as (

    select
        session_month as month,
        count(*) filter (where viewed_kb_article) as kb_sessions_count,
        count(*) filter (where is_kb_bounce) as kb_bounced_sessions_count,
        count(*) filter (where viewed_kb_article and customer_id is not null) as kb_sessions_logged_in_count,
        count(*) filter (where viewed_kb_article and has_ticket_within_24h) as kb_sessions_ticket_within_24h_count
    from sessions_with_follow_up
    group by session_month

),

bots as (

    select
        {{ to_reporting_month('started_at') }} as month,
        count(*) as bot_conversations_count,
        count(*) filter (where outcome = 'resolved') as bot_resolved_count,
        count(*) filter (where outcome = 'handed_off') as bot_handed_off_count,
        count(*) filter (where outcome = 'abandoned') as bot_abandoned_count
    from bot_conversations
    group by all

),

posts as (

    select
        {{ to_reporting_month('created_at') }} as month,
        count(*) as forum_posts_count
    from forum_posts
    group by all

),

threads as (

    select
        started_month as month,
        count(*) as forum_threads_count,
        count(*) filter (where has_accepted_answer) as forum_threads_answered_count
    from forum_threads
    where started_month is not null
    group by started_month

),

tickets_created as (

    select
        created_month as month,
        count(*) as tickets_created_count
    from tickets
    group by created_month

)

select
    months.month,
    coalesce(kb_events.kb_article_views_count, 0) as kb_article_views_count,
    coalesce(kb_events.kb_unique_article_views_count, 0) as kb_unique_article_views_count,
    coalesce(kb_events.kb_engagement_time_ms_sum, 0) as kb_engagement_time_ms_sum,
    coalesce(kb_events.kb_upvotes_count, 0) as kb_upvotes_count,
    coalesce(kb_events.kb_downvotes_count, 0) as kb_downvotes_count,
    coalesce(kb_sessions.kb_sessions_count, 0) as kb_sessions_count,
    coalesce(kb_sessions.kb_bounced_sessions_count, 0) as kb_bounced_sessions_count,
    coalesce(kb_sessions.kb_sessions_logged_in_count, 0) as kb_sessions_logged_in_count,
    coalesce(kb_sessions.kb_sessions_ticket_within_24h_count, 0) as kb_sessions_ticket_within_24h_count,
    coalesce(bots.bot_conversations_count, 0) as bot_conversations_count,
    coalesce(bots.bot_resolved_count, 0) as bot_resolved_count,
    coalesce(bots.bot_handed_off_count, 0) as bot_handed_off_count,
    coalesce(bots.bot_abandoned_count, 0) as bot_abandoned_count,
    coalesce(posts.forum_posts_count, 0) as forum_posts_count,
    coalesce(threads.forum_threads_count, 0) as forum_threads_count,
    coalesce(threads.forum_threads_answered_count, 0) as forum_threads_answered_count,
    coalesce(tickets_created.tickets_created_count, 0) as tickets_created_count
from months
left join kb_events on months.month = kb_events.month
left join kb_sessions on months.month = kb_sessions.month
left join bots on months.month = bots.month
left join posts on months.month = posts.month
left join threads on months.month = threads.month
left join tickets_created on months.month = tickets_created.month
