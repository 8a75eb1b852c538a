{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: its first-response target (seed sla_policies, current priority) and the
-- instant that target passes. Without a first reply the first-response SLA is breached at every
-- data cut-off after first_response_due_at and pending at or before it
-- (int_tickets__unreplied_first_response_status).
--   calendar minutes: created_at + target.
--   business minutes: the last instant t with F(t) <= F(created_at) + target, F the business
--     clock of int_business_hours__windows. Inside a window that is where the clock reaches the
--     target; a target reached exactly at a window's end is due at the next window's start (the
--     clock does not move in between, so the target has not passed before then).
-- It reads neither the cut-off nor where the calendar starts, so it changes only with the
-- ticket's own rows (priority, created_at): incremental on int_affected__tickets.
-- Null without a target, and when the target reaches beyond the calendar's last window
-- (column_rules makes that an error: the calendar runs var business_calendar_days_after days past
-- the data).
with

tickets as (

    select
        ticket_id,
        created_at,
        priority
    from {{ ref('stg_helpdesk__tickets') }}
    {%- if is_incremental() %}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

sla_policies as (

    select
        priority,
        first_response_target_minutes,
        uses_business_hours
    from {{ ref('sla_policies') }}

),

windows as (

    select
        window_start,
        next_window_start,
        window_microseconds,
        cumulative_microseconds_before
    from {{ ref('int_business_hours__windows') }}

),

-- the same windows, in force over business-clock readings instead of instants (asof_join)
windows_by_clock as (

    select
        window_start,
        window_microseconds,
        cumulative_microseconds_before,
        lead(cumulative_microseconds_before) over (
            order by cumulative_microseconds_before
        ) as next_cumulative_microseconds_before
    from windows

),

targets as (

    select
        tickets.ticket_id,
        tickets.created_at,
        sla_policies.first_response_target_minutes,
        sla_policies.uses_business_hours
    from tickets
    left join sla_policies on tickets.priority = sla_policies.priority

),

-- business-hours targets: the clock reading at which the target has been spent
business_targets as (

    select
        targets.ticket_id,
        {{ business_clock('targets.created_at', 'at_created') }}
        + cast(targets.first_response_target_minutes as bigint) * 60000000 as clock_at_due
    from targets
    {{ asof_join('left', 'windows', 'at_created', '', 'targets.created_at', 'window_start', 'next_window_start') }}
    where targets.uses_business_hours

),

business_due as (

    select
        business_targets.ticket_id,
        case
            when business_targets.clock_at_due - at_due.cumulative_microseconds_before < at_due.window_microseconds
                then {{ add_microseconds(
                    'at_due.window_start', 'business_targets.clock_at_due - at_due.cumulative_microseconds_before'
                ) }}
        end as first_response_due_at
    from business_targets
    {{ asof_join(
        'left', 'windows_by_clock', 'at_due', '', 'business_targets.clock_at_due',
        'cumulative_microseconds_before', 'next_cumulative_microseconds_before'
    ) }}

)

select
    targets.ticket_id,
    targets.first_response_target_minutes,
    case
        when targets.uses_business_hours then business_due.first_response_due_at
        else {{ add_microseconds(
            'targets.created_at', 'cast(targets.first_response_target_minutes as bigint) * 60000000'
        ) }}
    end as first_response_due_at
from targets
left join business_due on targets.ticket_id = business_due.ticket_id
