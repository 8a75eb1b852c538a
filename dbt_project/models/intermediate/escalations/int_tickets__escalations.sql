-- One row per ticket: how often it was escalated (any 'escalated' event) and when first.
with

tickets as (

    select ticket_id from {{ ref('stg_helpdesk__tickets') }}

),

escalations as (

    select
        ticket_id,
        occurred_at
    from {{ ref('stg_helpdesk__ticket_events') }}
    where event_type = 'escalated'

),

per_ticket as (

    select
        ticket_id,
        min(occurred_at) as first_escalated_at,
        count(*) as escalation_count
    from escalations
    group by ticket_id

)

select
    tickets.ticket_id,
    per_ticket.first_escalated_at,
    coalesce(per_ticket.escalation_count, 0) as escalation_count
from tickets
left join per_ticket on tickets.ticket_id = per_ticket.ticket_id
