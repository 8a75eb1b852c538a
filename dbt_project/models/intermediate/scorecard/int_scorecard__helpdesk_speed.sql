-- Scorecard family "helpdesk speed" in long form: the mean-type KPIs as sum / count (never an
-- average of averages). numerator = sum of the measure in the KPI's unit, denominator = number of
-- tickets or replies measured, value = numerator / denominator (null when nothing was measured).
with

months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

tickets as (

    select
        created_month,
        first_resolved_month,
        last_resolved_month,
        first_response_minutes,
        first_response_business_minutes,
        first_assignment_minutes,
        first_resolution_minutes,
        full_resolution_minutes,
        is_solved,
        is_complaint_or_escalated,
        agent_replies_count,
        customer_replies_count
    from {{ ref('fct_tickets') }}

),

replies as (

    select
        replied_month,
        response_minutes
    from {{ ref('fct_ticket_replies') }}
    where response_minutes is not null

),

by_created_month as (

    select
        created_month as month,
        count(first_response_minutes) as first_response_count,
        {{ exact_minutes_sum('first_response_minutes') }} as first_response_minutes_sum,
        count(first_response_business_minutes) as first_response_business_count,
        {{ exact_minutes_sum('first_response_business_minutes') }} as first_response_business_minutes_sum,
        count(first_assignment_minutes) as first_assignment_count,
        {{ exact_minutes_sum('first_assignment_minutes') }} as first_assignment_minutes_sum
    from tickets
    group by created_month

),

by_first_resolved_month as (

    select
        first_resolved_month as month,
        count(first_resolution_minutes) as resolved_count,
        {{ exact_minutes_sum('first_resolution_minutes') }} / 60.0 as resolution_hours_sum,
        count(first_resolution_minutes) filter (where is_complaint_or_escalated) as complaint_resolved_count,
        {{ exact_minutes_sum('first_resolution_minutes', 'is_complaint_or_escalated') }} / 60.0
            as complaint_resolution_hours_sum,
        count(*) as first_resolved_tickets,
        sum(coalesce(agent_replies_count, 0)) as agent_replies_sum,
        sum(coalesce(customer_replies_count, 0)) as customer_replies_sum
    from tickets
    where first_resolved_month is not null
    group by first_resolved_month

),

by_last_resolved_month as (

    select
        last_resolved_month as month,
        count(full_resolution_minutes) as fully_resolved_count,
        {{ exact_minutes_sum('full_resolution_minutes') }} / 60.0 as full_resolution_hours_sum
    from tickets
    where last_resolved_month is not null and is_solved
    group by last_resolved_month

),

by_replied_month as (

    select
        replied_month as month,
        count(*) as response_count,
        {{ exact_minutes_sum('response_minutes') }} as response_minutes_sum
    from replies
    group by replied_month

),

monthly as (

    select
        months.month,
        coalesce(c.first_response_count, 0) as first_response_count,
        coalesce(c.first_response_minutes_sum, 0) as first_response_minutes_sum,
        coalesce(c.first_response_business_count, 0) as first_response_business_count,
        coalesce(c.first_response_business_minutes_sum, 0) as first_response_business_minutes_sum,
        coalesce(c.first_assignment_count, 0) as first_assignment_count,
        coalesce(c.first_assignment_minutes_sum, 0) as first_assignment_minutes_sum,
        coalesce(fr.resolved_count, 0) as resolved_count,
        coalesce(fr.resolution_hours_sum, 0) as resolution_hours_sum,
        coalesce(fr.complaint_resolved_count, 0) as complaint_resolved_count,
        coalesce(fr.complaint_resolution_hours_sum, 0) as complaint_resolution_hours_sum,
        coalesce(fr.first_resolved_tickets, 0) as first_resolved_tickets,
        coalesce(fr.agent_replies_sum, 0) as agent_replies_sum,
        coalesce(fr.customer_replies_sum, 0) as customer_replies_sum,
        coalesce(lr.fully_resolved_count, 0) as fully_resolved_count,
        coalesce(lr.full_resolution_hours_sum, 0) as full_resolution_hours_sum,
        coalesce(r.response_count, 0) as response_count,
        coalesce(r.response_minutes_sum, 0) as response_minutes_sum
    from months
    left join by_created_month as c on months.month = c.month
    left join by_first_resolved_month as fr on months.month = fr.month
    left join by_last_resolved_month as lr on months.month = lr.month
    left join by_replied_month as r on months.month = r.month

),

long_form as (

    select
        month,
        'first_response_time_avg_minutes' as kpi_id,
        first_response_minutes_sum as numerator,
        first_response_count as denominator
    from monthly
    union all
    select
        month,
        'first_response_time_avg_business_minutes' as kpi_id,
        first_response_business_minutes_sum as numerator,
        first_response_business_count as denominator
    from monthly
    union all
    select
        month,
        'response_time_avg_minutes' as kpi_id,
        response_minutes_sum as numerator,
        response_count as denominator
    from monthly
    union all
    select
        month,
        'first_assignment_time_avg_minutes' as kpi_id,
        first_assignment_minutes_sum as numerator,
        first_assignment_count as denominator
    from monthly
    union all
    select
        month,
        'resolution_time_avg_hours' as kpi_id,
        resolution_hours_sum as numerator,
        resolved_count as denominator
    from monthly
    union all
    select
        month,
        'full_resolution_time_avg_hours' as kpi_id,
        full_resolution_hours_sum as numerator,
        fully_resolved_count as denominator
    from monthly
    union all
    select
        month,
        'complaint_resolution_time_avg_hours' as kpi_id,
        complaint_resolution_hours_sum as numerator,
        complaint_resolved_count as denominator
    from monthly
    union all
    select
        month,
        'agent_replies_per_ticket' as kpi_id,
        agent_replies_sum as numerator,
        first_resolved_tickets as denominator
    from monthly
    union all
    select
        month,
        'customer_replies_per_ticket' as kpi_id,
        customer_replies_sum as numerator,
        first_resolved_tickets as denominator
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case when denominator <> 0 then numerator / denominator end as double) as value
from long_form
