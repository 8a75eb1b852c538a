-- Company-wide helpdesk figures per helpdesk month that no ticket-level fact carries, published so
-- that the KPI registry and the semantic layer measure them from the mart:
--   resolved_tickets_count / reopened_tickets_count  distinct tickets with a resolution / reopen
--       status change at an instant in m (int_ticket_status_changes)
--   recurring_incident_tickets_count  tickets created in m whose requester's latest earlier ticket
--       of the same category (ties ordered by ticket_id) was created at most
--       var recurring_incident_window_days before
--   *_end_of_month_count  unresolved, awaiting-agent and overdue tickets just before the start of
--       m+1: the running sum over months of the daily backlog changes
--       (int_kpi__ticket_backlog_changes); for the running month as of the data cut-off, aged to
--       the end of the month. Stocks: a quarter's value is its last month's.
with

months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

tickets as (

    select
        ticket_id,
        requester_id,
        category,
        created_at,
        created_month
    from {{ ref('fct_tickets') }}

),

status_changes as (

    select
        ticket_id,
        changed_at,
        is_resolution,
        is_reopen
    from {{ ref('int_ticket_status_changes') }}
    where is_resolution or is_reopen

),

backlog_changes as (

    select
        change_date,
        unresolved_change,
        awaiting_agent_change,
        overdue_change
    from {{ ref('int_kpi__ticket_backlog_changes') }}

),

recurring_flags as (

    select
        created_month as month,
        coalesce(
            lag(created_at) over (partition by requester_id, category order by created_at, ticket_id)
            >= created_at - interval {{ var('recurring_incident_window_days') | int }} day,
            false
        ) as is_recurring
    from tickets
    where requester_id is not null and category is not null

),

recurring as (

    select
        month,
        count(*) filter (where is_recurring) as recurring_incident_tickets
    from recurring_flags
    group by month

),

status_events as (

    select
        {{ to_reporting_month('changed_at') }} as month,
        count(distinct ticket_id) filter (where is_resolution) as resolved_tickets,
        count(distinct ticket_id) filter (where is_reopen) as reopened_tickets
    from status_changes
    group by all

),

monthly_backlog_changes as (

    select
        cast(date_trunc('month', change_date) as date) as month,
        sum(unresolved_change) as unresolved_change,
        sum(awaiting_agent_change) as awaiting_agent_change,
        sum(overdue_change) as overdue_change
    from backlog_changes
    group by all

),

all_months as (

    -- months with changes but without helpdesk data still feed the running sum
    select month from months
    union
    select month from monthly_backlog_changes

),

running as (

    select
        all_months.month,
        sum(coalesce(monthly_backlog_changes.unresolved_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as unresolved_tickets,
        sum(coalesce(monthly_backlog_changes.awaiting_agent_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as awaiting_agent_tickets,
        sum(coalesce(monthly_backlog_changes.overdue_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as overdue_tickets
    from all_months
    left join monthly_backlog_changes on all_months.month = monthly_backlog_changes.month

)

select
    months.month,
    cast(coalesce(status_events.resolved_tickets, 0) as bigint) as resolved_tickets_count,
    cast(coalesce(status_events.reopened_tickets, 0) as bigint) as reopened_tickets_count,
    cast(coalesce(recurring.recurring_incident_tickets, 0) as bigint) as recurring_incident_tickets_count,
    cast(running.unresolved_tickets as bigint) as unresolved_end_of_month_count,
    cast(running.awaiting_agent_tickets as bigint) as awaiting_agent_end_of_month_count,
    cast(running.overdue_tickets as bigint) as overdue_end_of_month_count
from months
left join status_events on months.month = status_events.month
left join recurring on months.month = recurring.month
left join running on months.month = running.month
