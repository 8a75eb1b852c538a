-- A ticket's history cannot start before the ticket exists: an event earlier than the ticket's
-- created_at means a broken export or clock, and every duration built on it would be wrong.
-- Error severity: such a batch must not reach the published mart.
{{ config(severity='error') }}

with

tickets as (
    select
        ticket_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
),

events as (
    select
        event_id,
        ticket_id,
        occurred_at
    from {{ ref('stg_helpdesk__ticket_events') }}
)

select
    events.event_id,
    events.ticket_id,
    events.occurred_at,
    tickets.created_at
from events
inner join tickets on events.ticket_id = tickets.ticket_id
where events.occurred_at < tickets.created_at
