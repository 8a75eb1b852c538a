-- The first-response SLA status of every ticket without a first reply, at this build's data
-- cut-off (the latest ticket event loaded): null without a target (no policy for its priority),
-- 'breached' once the cut-off is past the instant the target passes
-- (int_tickets__first_response_due), 'pending' at or before it, and when that instant lies beyond
-- the business calendar (null due instant). The one statement of the rule: int_tickets__sla
-- takes these statuses for its tickets without a first reply, and int_affected__ticket_facts
-- compares them with the statuses the tables hold to find the tickets the cut-off changed.
-- A table rebuilt on every build: the cut-off can change any ticket's status.
with

first_response_due as (

    select
        ticket_id,
        first_response_target_minutes,
        first_response_due_at
    from {{ ref('int_tickets__first_response_due') }}

),

first_replies as (

    select ticket_id from {{ ref('int_tickets__first_reply') }}

),

data_cutoff as (

    select data_cutoff_at from {{ ref('int_helpdesk__data_cutoff') }}

),

unreplied_statuses as (

    select
        first_response_due.ticket_id,
        case
            when first_response_due.first_response_target_minutes is null then null
            when data_cutoff.data_cutoff_at > first_response_due.first_response_due_at then 'breached'
            else 'pending'
        end as first_response_sla_status
    from first_response_due
    cross join data_cutoff
    anti join first_replies on first_response_due.ticket_id = first_replies.ticket_id

)

select * from unreplied_statuses
