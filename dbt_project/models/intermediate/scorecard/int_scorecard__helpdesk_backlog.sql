-- Scorecard family "helpdesk backlog" in long form: tickets_unresolved_end_of_month,
-- tickets_awaiting_agent_end_of_month, ticket_backlog_overdue_end_of_month. The end-of-month
-- count is the running sum, over months, of the daily backlog changes (int_kpi__ticket_backlog_changes),
-- i.e. status at the instant just before the start of m+1. For the running month this is the
-- status as of the data cut-off (the latest known), aged to the end of the month.
with

months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

backlog_changes as (

    select
        change_date,
        unresolved_change,
        awaiting_agent_change,
        overdue_change
    from {{ ref('int_kpi__ticket_backlog_changes') }}

),

monthly_changes as (

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
    select month from monthly_changes

),

running as (

    select
        all_months.month,
        sum(coalesce(monthly_changes.unresolved_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as unresolved_tickets,
        sum(coalesce(monthly_changes.awaiting_agent_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as awaiting_agent_tickets,
        sum(coalesce(monthly_changes.overdue_change, 0)) over (
            order by all_months.month rows between unbounded preceding and current row
        ) as overdue_tickets
    from all_months
    left join monthly_changes on all_months.month = monthly_changes.month

),

end_of_month as (

    select
        running.month,
        running.unresolved_tickets,
        running.awaiting_agent_tickets,
        running.overdue_tickets
    from running
    inner join months on running.month = months.month

),

long_form as (

    select
        month,
        'tickets_unresolved_end_of_month' as kpi_id,
        unresolved_tickets as numerator
    from end_of_month

    union all

    select
        month,
        'tickets_awaiting_agent_end_of_month' as kpi_id,
        awaiting_agent_tickets as numerator
    from end_of_month

    union all

    select
        month,
        'ticket_backlog_overdue_end_of_month' as kpi_id,
        overdue_tickets as numerator
    from end_of_month

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(null as double) as denominator,
    cast(numerator as double) as value
from long_form
