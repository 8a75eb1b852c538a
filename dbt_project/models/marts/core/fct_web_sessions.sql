-- One row per web session (int_web_sessions__sessionised), PII-free: no page path or URL, only
-- the type of the first page viewed. Deflection columns for logged-in customers: whether the
-- customer created a ticket within 24 h after the session started (null for anonymous sessions),
-- and which ticket / when (int_web_sessions__ticket_follow_up).
-- Incremental: the sessions of int_affected__web_session_facts are deleted and joined again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__web_session_facts', 'key': ['session_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__web_session_facts') }}
with

sessions as (

    select * from {{ ref('int_web_sessions__sessionised') }}
    {%- if is_incremental() %}
        where session_id in (select affected.session_id from {{ ref('int_affected__web_session_facts') }} as affected)
    {%- endif %}

),

ticket_follow_up as (

    select * from {{ ref('int_web_sessions__ticket_follow_up') }}

)

select
    sessions.session_id,
    sessions.user_pseudo_id,
    sessions.customer_id,
    sessions.started_at,
    sessions.ended_at,
    sessions.session_date,
    sessions.session_month,
    sessions.duration_seconds,
    sessions.landing_page_type,
    sessions.events_count,
    sessions.page_views_count,
    sessions.kb_article_views_count,
    sessions.kb_articles_viewed_count,
    sessions.engagement_time_ms,
    sessions.upvotes_count,
    sessions.downvotes_count,
    sessions.searches_count,
    sessions.viewed_kb_article,
    sessions.is_kb_bounce,
    sessions.is_engaged_reported,
    case
        when sessions.customer_id is not null then ticket_follow_up.session_id is not null
    end as ticket_created_within_24h,
    ticket_follow_up.first_ticket_id as ticket_within_24h_id,
    ticket_follow_up.first_ticket_created_at as ticket_within_24h_created_at
from sessions
left join ticket_follow_up on sessions.session_id = ticket_follow_up.session_id
