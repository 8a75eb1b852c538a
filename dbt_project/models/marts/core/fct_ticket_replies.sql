{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per agent reply (agent_reply by an agent, public) with the customer message it
-- answered and the ticket attributes analysts slice by.
with

replies as (

    select * from {{ ref('int_ticket_replies__paired') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

)

select
    replies.reply_event_id,
    replies.ticket_id,
    replies.agent_id,
    replies.replied_at,
    {{ to_reporting_date('replies.replied_at') }} as replied_date,
    {{ to_reporting_month('replies.replied_at') }} as replied_month,
    replies.reply_number,
    replies.is_before_first_resolution,
    replies.waiting_since_at,
    replies.response_minutes,
    tickets.channel,
    tickets.group_id,
    tickets.priority
from replies
inner join tickets on replies.ticket_id = tickets.ticket_id
