-- Scorecard family "helpdesk volume" in long form (month, kpi_id, numerator, denominator, value):
-- tickets_created, tickets_resolved, tickets_resolved_change_pct, resolution_rate_pct,
-- reopened_tickets, reassigned_tickets, escalated_tickets_pct, recurring_incident_tickets.
-- Counts carry numerator = value and no denominator; ratios are numerator / denominator (x 100
-- for percentages), null when the denominator is 0.
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
        created_month,
        is_escalated,
        is_reassigned
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

created as (

    select
        created_month as month,
        count(*) as tickets_created,
        count(*) filter (where is_reassigned) as reassigned_tickets,
        count(*) filter (where is_escalated) as escalated_tickets
    from tickets
    group by created_month

),

recurring_flags as (

    -- recurring = the requester's latest earlier ticket of the same category (ties ordered by
    -- ticket_id) was created at most recurring_incident_window_days before this one
    select
        created_month as month,
        coalesce(
            lag(created_at) over (partition by requester_id, category order by created_at, ticket_id)
            >= created_at - to_days({{ var('recurring_incident_window_days') }}),
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
        count(distinct ticket_id) filter (where is_resolution) as tickets_resolved,
        count(distinct ticket_id) filter (where is_reopen) as reopened_tickets
    from status_changes
    group by all

),

monthly as (

    select
        months.month,
        coalesce(created.tickets_created, 0) as tickets_created,
        coalesce(created.reassigned_tickets, 0) as reassigned_tickets,
        coalesce(created.escalated_tickets, 0) as escalated_tickets,
        coalesce(recurring.recurring_incident_tickets, 0) as recurring_incident_tickets,
        coalesce(status_events.tickets_resolved, 0) as tickets_resolved,
        coalesce(status_events.reopened_tickets, 0) as reopened_tickets,
        coalesce(previous_status_events.tickets_resolved, 0) as previous_tickets_resolved,
        previous_months.month is not null as has_previous_month
    from months
    left join created on months.month = created.month
    left join recurring on months.month = recurring.month
    left join status_events on months.month = status_events.month
    left join months as previous_months
        on previous_months.month = cast(months.month - interval 1 month as date)
    left join status_events as previous_status_events
        on previous_status_events.month = cast(months.month - interval 1 month as date)

),

long_form as (

    select
        month,
        'tickets_created' as kpi_id,
        tickets_created as numerator,
        null as denominator
    from monthly

    union all

    select
        month,
        'tickets_resolved' as kpi_id,
        tickets_resolved as numerator,
        null as denominator
    from monthly

    union all

    -- only when the previous calendar month has helpdesk data too
    select
        month,
        'tickets_resolved_change_pct' as kpi_id,
        tickets_resolved - previous_tickets_resolved as numerator,
        previous_tickets_resolved as denominator
    from monthly
    where has_previous_month

    union all

    select
        month,
        'resolution_rate_pct' as kpi_id,
        tickets_resolved as numerator,
        tickets_created as denominator
    from monthly

    union all

    select
        month,
        'reopened_tickets' as kpi_id,
        reopened_tickets as numerator,
        null as denominator
    from monthly

    union all

    select
        month,
        'reassigned_tickets' as kpi_id,
        reassigned_tickets as numerator,
        null as denominator
    from monthly

    union all

    select
        month,
        'escalated_tickets_pct' as kpi_id,
        escalated_tickets as numerator,
        tickets_created as denominator
    from monthly

    union all

    select
        month,
        'recurring_incident_tickets' as kpi_id,
        recurring_incident_tickets as numerator,
        null as denominator
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when denominator is null then numerator
        when denominator <> 0 then 100.0 * numerator / denominator
    end as double) as value
from long_form
