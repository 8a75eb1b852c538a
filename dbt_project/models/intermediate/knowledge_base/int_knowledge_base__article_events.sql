-- Knowledge-base event figures per article x month of the event (reporting time zone), the
-- additive base of every event-month kb KPI (kpis.md):
--   article_views_count        page_view events on kb_article pages
--   unique_article_views_count distinct sessions among those (= distinct (session_id, article_id)
--                              within the article)
--   engagement_time_ms_sum     engagement_time_ms of every event on a kb_article page
--   upvotes_count / downvotes_count  article_vote events (any page type)
-- A kb_article event without article_id is grouped under article_id null (one unknown article).
with

events as (

    select
        event_at,
        event_name,
        session_id,
        page_type,
        article_id,
        engagement_time_ms,
        vote
    from {{ ref('stg_web__web_events') }}
    where page_type = 'kb_article' or event_name = 'article_vote'

)

select
    {{ to_reporting_month('event_at') }} as month,
    article_id,
    count(*) filter (where event_name = 'page_view' and page_type = 'kb_article') as article_views_count,
    count(distinct session_id) filter (
        where event_name = 'page_view' and page_type = 'kb_article'
    ) as unique_article_views_count,
    cast(coalesce(sum(engagement_time_ms) filter (where page_type = 'kb_article'), 0) as bigint)
        as engagement_time_ms_sum,
    count(*) filter (where event_name = 'article_vote' and vote = 'up') as upvotes_count,
    count(*) filter (where event_name = 'article_vote' and vote = 'down') as downvotes_count
from events
group by all
