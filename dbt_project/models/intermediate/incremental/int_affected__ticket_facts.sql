-- The tickets whose cut-off-dependent facts an incremental build recomputes: int_tickets__sla
-- and fct_tickets delete these tickets' rows and compute them again. Those facts depend on the
-- ticket's own rows (int_affected__tickets) and, for a ticket without a first reply, on the data
-- cut-off (the latest ticket event loaded): its first-response SLA status
-- (int_tickets__unreplied_first_response_status) is 'breached' once the cut-off is past the
-- instant its target passes, 'pending' before. So a ticket without a first reply is recomputed
-- too when the status the tables hold for it (int_affected__stored_sla_statuses) is not its
-- status at this build's cut-off: the cut-off passed its due instant, or moved back before it
-- (a changed file removed the latest events). A ticket with a first reply never reads the cut-off.
-- With since_batch_id = 0 in raw_meta.build_plan every ticket is affected (a full recompute).
with

affected_tickets as (

    select ticket_id from {{ ref('int_affected__tickets') }}

),

stored_statuses as (

    select
        stored_in,
        ticket_id,
        first_response_sla_status
    from {{ ref('int_affected__stored_sla_statuses') }}

),

-- the status of each ticket without a first reply at this build's cut-off (int_tickets__sla's)
unreplied_statuses as (

    select
        ticket_id,
        first_response_sla_status
    from {{ ref('int_tickets__unreplied_first_response_status') }}

),

-- widening: the status either table holds (or a missing row) is not the one at this cut-off
changed_statuses as (

    select unreplied_statuses.ticket_id
    from unreplied_statuses
    left join stored_statuses as in_sla
        on
            unreplied_statuses.ticket_id = in_sla.ticket_id
            and in_sla.stored_in = 'int_tickets__sla'
    left join stored_statuses as in_facts
        on
            unreplied_statuses.ticket_id = in_facts.ticket_id
            and in_facts.stored_in = 'fct_tickets'
    where
        in_sla.ticket_id is null
        or in_facts.ticket_id is null
        or in_sla.first_response_sla_status is distinct from unreplied_statuses.first_response_sla_status
        or in_facts.first_response_sla_status is distinct from unreplied_statuses.first_response_sla_status

),

affected as (

    select ticket_id from affected_tickets
    union
    select ticket_id from changed_statuses

)

select ticket_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
