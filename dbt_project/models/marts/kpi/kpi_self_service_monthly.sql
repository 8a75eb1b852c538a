-- Company-wide self-service figures per web month (int_self_service__monthly): knowledge base,
-- chat bot, forum and the tickets they are measured against, every ratio beside its additive
-- parts (null on a zero denominator). The scorecard's self-service family reads the same model.
with

monthly as (

    select * from {{ ref('int_self_service__monthly') }}

)

select
    month,
    kb_article_views_count,
    kb_unique_article_views_count,
    kb_engagement_time_ms_sum,
    case
        when kb_article_views_count > 0 then kb_engagement_time_ms_sum / 1000.0 / kb_article_views_count
    end as kb_avg_time_on_article_seconds,
    kb_upvotes_count,
    kb_downvotes_count,
    case
        when kb_upvotes_count + kb_downvotes_count > 0
            then 100.0 * kb_upvotes_count / (kb_upvotes_count + kb_downvotes_count)
    end as kb_helpfulness_pct,
    kb_sessions_count,
    kb_bounced_sessions_count,
    case when kb_sessions_count > 0 then 100.0 * kb_bounced_sessions_count / kb_sessions_count end
        as kb_bounce_rate_pct,
    kb_sessions_logged_in_count,
    kb_sessions_ticket_within_24h_count,
    case
        when kb_sessions_logged_in_count > 0
            then 100.0 * kb_sessions_ticket_within_24h_count / kb_sessions_logged_in_count
    end as kb_sessions_ticket_within_24h_pct,
    tickets_created_count,
    case
        when tickets_created_count > 0 then 1.0 * kb_unique_article_views_count / tickets_created_count
    end as kb_views_per_ticket,
    bot_conversations_count,
    bot_resolved_count,
    bot_handed_off_count,
    bot_abandoned_count,
    case when bot_conversations_count > 0 then 100.0 * bot_resolved_count / bot_conversations_count end
        as bot_success_rate_pct,
    forum_posts_count,
    forum_threads_count,
    forum_threads_answered_count,
    case when forum_threads_count > 0 then 100.0 * forum_threads_answered_count / forum_threads_count end
        as forum_success_rate_pct
from monthly
