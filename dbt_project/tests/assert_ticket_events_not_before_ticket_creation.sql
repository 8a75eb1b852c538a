-- Ticket events stamped before the ticket's created_at (imports, merges, clock skew: Fivetran's
-- dbt_zendesk sample data has three field-history rows 7 hours early). They are allowed: a
-- status change or assignment before created_at takes effect at created_at
-- (int_ticket_status_changes, int_tickets__assignments; DECISIONS.md "Ticket facts"). Warn
-- severity: counted and named in the run report ("dbt warnings"), never blocking the mart.
{{ config(severity='warn') }}

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
        event_type,
        occurred_at
    from {{ ref('stg_helpdesk__ticket_events') }}
)

select
    events.event_id,
    events.ticket_id,
    events.event_type,
    events.occurred_at,
    tickets.created_at
from events
inner join tickets on events.ticket_id = tickets.ticket_id
where events.occurred_at < tickets.created_at
