-- Knowledge-base sessions per article x session month (month of the session's first event):
-- sessions that viewed the article (a page_view of it on a kb_article page) and, of those, kb
-- bounces (int_web_sessions__sessionised). A bounced session has exactly one page_view, so it
-- bounces on exactly one article; a session that viewed several articles counts once for each,
-- so sessions_count does not add up over articles (the company figure counts distinct sessions).
with

article_views as (

    select distinct
        session_id,
        article_id
    from {{ ref('stg_web__web_events') }}
    where event_name = 'page_view' and page_type = 'kb_article'

),

sessions as (

    select
        session_id,
        session_month,
        is_kb_bounce
    from {{ ref('int_web_sessions__sessionised') }}

)

select
    sessions.session_month as month,
    article_views.article_id,
    count(*) as sessions_count,
    count(*) filter (where sessions.is_kb_bounce) as bounced_sessions_count
from article_views
inner join sessions on article_views.session_id = sessions.session_id
group by all
