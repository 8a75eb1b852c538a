{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket that got a first reply: the earliest agent reply at or after created_at,
-- and first_response_minutes = first reply - created_at (calendar minutes).
with

tickets as (

    select
        ticket_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

replies as (

    select
        reply_event_id,
        ticket_id,
        agent_id,
        replied_at
    from {{ ref('int_ticket_replies__paired') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

first_replies as (

    select
        replies.ticket_id,
        replies.reply_event_id,
        replies.agent_id,
        replies.replied_at,
        tickets.created_at
    from replies
    inner join tickets on replies.ticket_id = tickets.ticket_id
    where replies.replied_at >= tickets.created_at
    qualify row_number() over (
        partition by replies.ticket_id order by replies.replied_at, replies.reply_event_id
    ) = 1

)

select
    ticket_id,
    reply_event_id as first_reply_event_id,
    agent_id as first_reply_agent_id,
    replied_at as first_reply_at,
    {{ seconds_between('created_at', 'replied_at') }} / 60.0 as first_response_minutes
from first_replies
