-- The tickets whose cut-off-dependent facts an incremental build recomputes:
-- int_tickets__business_minutes, int_tickets__sla and fct_tickets delete these tickets' rows and
-- compute them again. Those facts depend on the ticket's own rows (int_affected__tickets) and,
-- for a ticket without a first reply, on the data cut-off (the latest ticket event loaded): its
-- business minutes to the cut-off and its first-response SLA status (pending until the target
-- has passed at the cut-off). Any new event may move the cut-off, so every ticket still without
-- a first reply is recomputed too. A ticket with a first reply never reads the cut-off.
-- With since_batch_id = 0 in raw_meta.build_plan every ticket is affected (a full recompute).
with

affected_tickets as (

    select ticket_id from {{ ref('int_affected__tickets') }}

),

tickets as (

    select ticket_id from {{ ref('stg_helpdesk__tickets') }}

),

first_replies as (

    select ticket_id from {{ ref('int_tickets__first_reply') }}

),

-- widening: no first reply yet, so their SLA status and business minutes read the cut-off
unreplied_tickets as (

    select tickets.ticket_id
    from tickets
    anti join first_replies on tickets.ticket_id = first_replies.ticket_id

),

affected as (

    select ticket_id from affected_tickets
    union
    select ticket_id from unreplied_tickets

)

select ticket_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
