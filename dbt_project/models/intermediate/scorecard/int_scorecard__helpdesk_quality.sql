-- Scorecard family "helpdesk quality" in long form: first_contact_resolution_pct,
-- first_response_sla_pct, resolution_sla_pct as numerator / denominator x 100 (null when the
-- denominator is 0). First-response SLA denominator: tickets created in m whose status is met or
-- breached; 'pending' tickets (no first reply, target not passed at the data cut-off) are left out.
with

months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

tickets as (

    select
        created_month,
        first_resolved_month,
        is_first_contact_resolution,
        first_response_sla_status,
        is_resolution_sla_met
    from {{ ref('fct_tickets') }}

),

by_created_month as (

    select
        created_month as month,
        count(*) filter (where first_response_sla_status = 'met') as first_response_sla_met,
        count(*) filter (where first_response_sla_status in ('met', 'breached')) as first_response_sla_due
    from tickets
    group by created_month

),

by_first_resolved_month as (

    select
        first_resolved_month as month,
        count(*) as first_resolved_tickets,
        count(*) filter (where is_first_contact_resolution) as first_contact_resolutions,
        count(*) filter (where is_resolution_sla_met) as resolution_sla_met
    from tickets
    where first_resolved_month is not null
    group by first_resolved_month

),

monthly as (

    select
        months.month,
        coalesce(c.first_response_sla_met, 0) as first_response_sla_met,
        coalesce(c.first_response_sla_due, 0) as first_response_sla_due,
        coalesce(r.first_resolved_tickets, 0) as first_resolved_tickets,
        coalesce(r.first_contact_resolutions, 0) as first_contact_resolutions,
        coalesce(r.resolution_sla_met, 0) as resolution_sla_met
    from months
    left join by_created_month as c on months.month = c.month
    left join by_first_resolved_month as r on months.month = r.month

),

long_form as (

    select
        month,
        'first_contact_resolution_pct' as kpi_id,
        first_contact_resolutions as numerator,
        first_resolved_tickets as denominator
    from monthly
    union all
    select
        month,
        'first_response_sla_pct' as kpi_id,
        first_response_sla_met as numerator,
        first_response_sla_due as denominator
    from monthly
    union all
    select
        month,
        'resolution_sla_pct' as kpi_id,
        resolution_sla_met as numerator,
        first_resolved_tickets as denominator
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case when denominator <> 0 then 100.0 * numerator / denominator end as double) as value
from long_form
