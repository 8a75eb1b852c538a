-- Backlog as running sums: one row per (reporting-time-zone day, current priority, current group)
-- with the net change of the end-of-day counts. A ticket adds +1 on the day an unresolved status
-- spell starts and -1 on the day it ends (a change exactly at midnight belongs to the new day, so
-- the count at the end of day d = spells with valid_from < end of d <= valid_to). Overdue spells
-- start at greatest(valid_from, resolution due time). The running sum of these changes over days
-- (or months) gives the end-of-period backlog without a ticket x day join.
with

status_intervals as (
    select
        ticket_id,
        status,
        valid_from,
        valid_to
    from {{ ref('int_ticket_status_intervals') }}
),

tickets as (
    select
        ticket_id,
        priority,
        group_id,
        resolution_due_at
    from {{ ref('int_kpi__ticket_resolution_due') }}
),

unresolved_spells as (
    select
        status_intervals.ticket_id,
        status_intervals.valid_from,
        status_intervals.valid_to,
        tickets.priority,
        tickets.group_id,
        tickets.resolution_due_at,
        greatest(status_intervals.valid_from, tickets.resolution_due_at) as overdue_from,
        case when status_intervals.status in ('new', 'open') then 1 else 0 end as awaiting_agent_flag
    from status_intervals
    inner join tickets on status_intervals.ticket_id = tickets.ticket_id
    where status_intervals.status not in ('solved', 'closed')
),

spell_changes as (
    select
        valid_from as changed_at,
        priority,
        group_id,
        1 as unresolved_change,
        awaiting_agent_flag as awaiting_agent_change,
        0 as overdue_change
    from unresolved_spells

    union all

    select
        valid_to as changed_at,
        priority,
        group_id,
        -1 as unresolved_change,
        -awaiting_agent_flag as awaiting_agent_change,
        0 as overdue_change
    from unresolved_spells
    where valid_to is not null
),

overdue_changes as (
    select
        overdue_from as changed_at,
        priority,
        group_id,
        0 as unresolved_change,
        0 as awaiting_agent_change,
        1 as overdue_change
    from unresolved_spells
    where resolution_due_at is not null and (valid_to is null or overdue_from < valid_to)

    union all

    select
        valid_to as changed_at,
        priority,
        group_id,
        0 as unresolved_change,
        0 as awaiting_agent_change,
        -1 as overdue_change
    from unresolved_spells
    where resolution_due_at is not null and valid_to is not null and overdue_from < valid_to
),

all_changes as (
    select * from spell_changes
    union all
    select * from overdue_changes
)

select
    {{ to_reporting_date('changed_at') }} as change_date,
    priority,
    group_id,
    sum(unresolved_change)::bigint as unresolved_change,
    sum(awaiting_agent_change)::bigint as awaiting_agent_change,
    sum(overdue_change)::bigint as overdue_change
from all_changes
group by all
