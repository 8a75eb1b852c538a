-- Deflection helper: for each session of a logged-in customer, the customer's first ticket
-- (requester_id = the session's customer_id) created at or after the session start and at most
-- 24 hours after it (both ends inclusive). Ties on created_at are ordered by ticket_id. Sessions
-- without such a ticket have no row.
with

sessions as (

    select
        session_id,
        customer_id,
        started_at
    from {{ ref('int_web_sessions__sessionised') }}
    where customer_id is not null

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
