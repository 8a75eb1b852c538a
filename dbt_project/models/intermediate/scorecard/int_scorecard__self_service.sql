-- Scorecard family "self-service" in long form (month, kpi_id, numerator, denominator, value), one
-- row per web month (int_web__months) and kpi_id, from int_self_service__monthly:
--   kb_article_views                page_view events on kb_article pages in m (count)
--   kb_unique_article_views         distinct (session_id, article_id) of those (count)
--   kb_bounce_rate_pct              kb bounces / sessions that viewed a kb article, by session month
--   kb_avg_time_on_article_seconds  sum engagement_time_ms on kb_article events / 1000 / kb views
--   kb_article_upvotes / _downvotes article votes in m (count)
--   kb_helpfulness_pct              up / (up + down)
--   kb_views_per_ticket             kb_unique_article_views / tickets created in m (ratio)
--   chatbot_conversations           bot conversations started in m (count)
--   bot_success_rate_pct            resolved / started in m
--   forum_new_posts                 posts created in m (count)
--   forum_success_rate_pct          threads started in m with an accepted answer (any time) / threads started in m
-- Counts: numerator = value, no denominator. Percentages 100 x numerator / denominator, ratios
-- and means numerator / denominator; zero denominator -> null value.
with

monthly as (

    select
        month,
        kb_article_views_count,
        kb_unique_article_views_count,
        kb_engagement_time_ms_sum,
        kb_upvotes_count,
        kb_downvotes_count,
        kb_sessions_count,
        kb_bounced_sessions_count,
        bot_conversations_count,
        bot_resolved_count,
        forum_posts_count,
        forum_threads_count,
        forum_threads_answered_count,
        tickets_created_count
    from {{ ref('int_self_service__monthly') }}

),

long_form as (

    select
        month,
        'kb_article_views' as kpi_id,
        kb_article_views_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'kb_unique_article_views' as kpi_id,
        kb_unique_article_views_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'kb_bounce_rate_pct' as kpi_id,
        kb_bounced_sessions_count as numerator,
        kb_sessions_count as denominator,
        'percent' as kind
    from monthly
    union all
    select
        month,
        'kb_avg_time_on_article_seconds' as kpi_id,
        kb_engagement_time_ms_sum / 1000.0 as numerator,
        kb_article_views_count as denominator,
        'ratio' as kind
    from monthly
    union all
    select
        month,
        'kb_article_upvotes' as kpi_id,
        kb_upvotes_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'kb_article_downvotes' as kpi_id,
        kb_downvotes_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'kb_helpfulness_pct' as kpi_id,
        kb_upvotes_count as numerator,
        kb_upvotes_count + kb_downvotes_count as denominator,
        'percent' as kind
    from monthly
    union all
    select
        month,
        'kb_views_per_ticket' as kpi_id,
        kb_unique_article_views_count as numerator,
        tickets_created_count as denominator,
        'ratio' as kind
    from monthly
    union all
    select
        month,
        'chatbot_conversations' as kpi_id,
        bot_conversations_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'bot_success_rate_pct' as kpi_id,
        bot_resolved_count as numerator,
        bot_conversations_count as denominator,
        'percent' as kind
    from monthly
    union all
    select
        month,
        'forum_new_posts' as kpi_id,
        forum_posts_count as numerator,
        null as denominator,
        'count' as kind
    from monthly
    union all
    select
        month,
        'forum_success_rate_pct' as kpi_id,
        forum_threads_answered_count as numerator,
        forum_threads_count as denominator,
        'percent' as kind
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when kind = 'count' then numerator
        when denominator <> 0 and kind = 'percent' then 100.0 * numerator / denominator
        when denominator <> 0 then numerator / denominator
    end as double) as value
from long_form
