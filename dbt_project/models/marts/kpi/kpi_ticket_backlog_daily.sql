-- End-of-day backlog per reporting-time-zone day x current priority x current group: running
-- sums of the daily changes in int_kpi__ticket_backlog_changes (no ticket x day join). Days run
-- from the first change of the (priority, group) to the day of the data cut-off.
with

backlog_changes as (

    select
        change_date,
        priority,
        group_id,
        unresolved_change,
        awaiting_agent_change,
        overdue_change
    from {{ ref('int_kpi__ticket_backlog_changes') }}

),

data_cutoff as (

    select {{ to_reporting_date('data_cutoff_at') }} as cutoff_date
    from {{ ref('int_helpdesk__data_cutoff') }}

),

bounds as (

    select
        min(backlog_changes.change_date) as first_day,
        max(data_cutoff.cutoff_date) as last_day
    from backlog_changes
    cross join data_cutoff

),

day_spine as (

    select {{ series('bounds.first_day', 'bounds.last_day', 'interval 1 day', 'date') }} as snapshot_date
    from bounds

),

segments as (

    select
        priority,
        group_id,
        min(change_date) as first_change_date
    from backlog_changes
    group by all

),

grid as (

    select
        day_spine.snapshot_date,
        segments.priority,
        segments.group_id
    from day_spine
    inner join segments on day_spine.snapshot_date >= segments.first_change_date

),

running as (

    select
        grid.snapshot_date,
        grid.priority,
        grid.group_id,
        sum(coalesce(backlog_changes.unresolved_change, 0)) over segment_days as unresolved_tickets_count,
        sum(coalesce(backlog_changes.awaiting_agent_change, 0)) over segment_days as awaiting_agent_tickets_count,
        sum(coalesce(backlog_changes.overdue_change, 0)) over segment_days as overdue_tickets_count
    from grid
    left join backlog_changes
        on
            grid.snapshot_date = backlog_changes.change_date
            and grid.priority = backlog_changes.priority
            and grid.group_id is not distinct from backlog_changes.group_id
    window segment_days as (
        partition by grid.priority, grid.group_id
        order by grid.snapshot_date
        rows between unbounded preceding and current row
    )

)

select
    snapshot_date,
    priority,
    group_id,
    cast(unresolved_tickets_count as bigint) as unresolved_tickets_count,
    cast(awaiting_agent_tickets_count as bigint) as awaiting_agent_tickets_count,
    cast(overdue_tickets_count as bigint) as overdue_tickets_count
from running
