-- Knowledge-base figures per article x month (reporting time zone). Event figures by month of the
-- event (int_knowledge_base__article_events): views, unique views (distinct sessions), engaged
-- time, votes; session figures by month of the session's first event
-- (int_knowledge_base__article_sessions): sessions that viewed the article and kb bounces on it.
-- A row exists when the article has either in the month. Ratios beside their additive parts,
-- null on a zero denominator. article_id null = kb_article events without an article id.
with

article_events as (

    select
        month,
        article_id,
        article_views_count,
        unique_article_views_count,
        engagement_time_ms_sum,
        upvotes_count,
        downvotes_count
    from {{ ref('int_knowledge_base__article_events') }}

),

article_sessions as (

    select
        month,
        article_id,
        sessions_count,
        bounced_sessions_count
    from {{ ref('int_knowledge_base__article_sessions') }}

),

joined as (

    select
        coalesce(article_events.month, article_sessions.month) as month,
        coalesce(article_events.article_id, article_sessions.article_id) as article_id,
        coalesce(article_events.article_views_count, 0) as article_views_count,
        coalesce(article_events.unique_article_views_count, 0) as unique_article_views_count,
        coalesce(article_events.engagement_time_ms_sum, 0) as engagement_time_ms_sum,
        coalesce(article_events.upvotes_count, 0) as upvotes_count,
        coalesce(article_events.downvotes_count, 0) as downvotes_count,
        coalesce(article_sessions.sessions_count, 0) as sessions_count,
        coalesce(article_sessions.bounced_sessions_count, 0) as bounced_sessions_count
    from article_events
    full outer join article_sessions
        on
            article_events.month = article_sessions.month
            and article_events.article_id is not distinct from article_sessions.article_id

)

select
    month,
    article_id,
    article_views_count,
    unique_article_views_count,
    engagement_time_ms_sum,
    case
        when article_views_count > 0 then engagement_time_ms_sum / 1000.0 / article_views_count
    end as avg_time_on_article_seconds,
    upvotes_count,
    downvotes_count,
    case
        when upvotes_count + downvotes_count > 0 then 100.0 * upvotes_count / (upvotes_count + downvotes_count)
    end as helpfulness_pct,
    sessions_count,
    bounced_sessions_count,
    case when sessions_count > 0 then 100.0 * bounced_sessions_count / sessions_count end as bounce_rate_pct
from joined
