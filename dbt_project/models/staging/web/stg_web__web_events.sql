-- One row per web event: the latest version of each event_id (events have no version column, so
-- the latest load batch wins, then the latest file line). page_path loses its query string and
-- fragment (everything from the first '?' or '#'): they can carry search terms, e-mail addresses
-- or tokens (PII). Unknown event names already arrive as 'other' (loader); enums are lower-case.
-- Incremental: the events of int_affected__web_events are deleted and computed again from all
-- their raw rows (an event whose raw rows all vanished loses its row).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__web_events', 'key': ['event_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__web_events') }}
with

source as (

    select * from {{ source('web', 'web_events') }}
    {% if is_incremental() -%}
        where event_id in (select affected.event_id from {{ ref('int_affected__web_events') }} as affected)
    {%- endif %}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by event_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    event_id,
    event_at,
    event_name,
    session_id,
    user_pseudo_id,
    customer_id,
    nullif(regexp_replace(page_path, '[?#].*$', ''), '') as page_path,
    page_type,
    article_id,
    engagement_time_ms,
    vote,
    session_engaged
from latest
