-- One row per ticket: the instant its resolution target runs out (resolution_due_at, UTC).
-- Calendar policies: created_at + resolution_target_minutes. Business-hours policies: the
-- instant at which the business clock F (int_business_hours__windows) has advanced
-- resolution_target_minutes past F(created_at), found with an as-of join (macro asof_join) on the windows'
-- cumulative minutes (the inverse of F). Null when the ticket has no resolution target.
with

tickets as (

    select
        ticket_id,
        priority,
        group_id,
        created_at,
        resolution_target_minutes,
        sla_uses_business_hours
    from {{ ref('fct_tickets') }}

),

windows as (

    select
        window_start,
        next_window_start,
        window_microseconds,
        cumulative_microseconds_before,
        lead(cumulative_microseconds_before) over (order by window_start) as next_cumulative_microseconds_before
    from {{ ref('int_business_hours__windows') }}

),

business_targets as (

    select
        tickets.ticket_id,
        {{ business_clock('tickets.created_at', 'at_created') }}
        + cast(round(tickets.resolution_target_minutes * 60000000) as bigint) as due_clock
    from tickets
    {{ asof_join('left', 'windows', 'at_created', '', 'tickets.created_at', 'window_start', 'next_window_start') }}
    where tickets.sla_uses_business_hours

),

business_due as (

    -- the window in which the clock reaches due_clock: last window starting below it
    select
        business_targets.ticket_id,
        {{ add_microseconds(
            'at_due.window_start', 'business_targets.due_clock - at_due.cumulative_microseconds_before'
        ) }} as resolution_due_at
    from business_targets
    {{ asof_join(
        'left', 'windows', 'at_due', '', 'business_targets.due_clock',
        'cumulative_microseconds_before', 'next_cumulative_microseconds_before', inclusive=false
    ) }}

)

select
    tickets.ticket_id,
    tickets.priority,
    tickets.group_id,
    tickets.created_at,
    tickets.resolution_target_minutes,
    tickets.sla_uses_business_hours,
    case
        when tickets.sla_uses_business_hours then business_due.resolution_due_at
        else {{ add_microseconds(
            'tickets.created_at', 'cast(round(tickets.resolution_target_minutes * 60000000) as bigint)'
        ) }}
    end as resolution_due_at
from tickets
left join business_due on tickets.ticket_id = business_due.ticket_id
