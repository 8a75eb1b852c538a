-- Deflection helper: for each session of a logged-in customer, the customer's first ticket
-- (requester_id = the session's customer_id) created at or after the session start and at most
-- 24 hours after it (both ends inclusive). Ties on created_at are ordered by ticket_id. Sessions
-- without such a ticket have no row.
-- Incremental: the sessions of int_affected__web_session_facts (their own events changed, or a
-- ticket of theirs within 24 h did) are deleted and joined again.
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

    select
        session_id,
        customer_id,
        started_at
    from {{ ref('int_web_sessions__sessionised') }}
    where
        customer_id is not null
        {% if is_incremental() -%}
            and session_id in (select affected.session_id from {{ ref('int_affected__web_session_facts') }} as affected)
        {%- endif %}

),

tickets as (

    select
        ticket_id,
        requester_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
    where requester_id is not null

)

select
    sessions.session_id,
    {{ value_at_first('tickets.ticket_id', ['tickets.created_at', 'tickets.ticket_id']) }} as first_ticket_id,
    min(tickets.created_at) as first_ticket_created_at
from sessions
inner join tickets
    on
        sessions.customer_id = tickets.requester_id
        and sessions.started_at <= tickets.created_at
        and sessions.started_at + interval 24 hour >= tickets.created_at
group by sessions.session_id
