-- Operating costs per month (the months that have at least one cost row) in the reporting
-- currency, with the tickets created in that month (0 when none): the parts of cost_per_ticket,
-- measured by the KPI registry (semantic model cost_months) in exactly these months.
with

costs as (

    select
        month,
        amount_reporting
    from {{ ref('stg_finance__operating_costs') }}

),

tickets as (

    select created_month from {{ ref('fct_tickets') }}

),

costs_monthly as (

    select
        month,
        {{ exact_money_sum('amount_reporting') }} as operating_costs_reporting,
        count(*) as cost_rows
    from costs
    group by all

),

tickets_monthly as (

    select
        created_month as month,
        count(*) as tickets_created
    from tickets
    group by all

)

select
    costs_monthly.month,
    cast(costs_monthly.operating_costs_reporting as double) as operating_costs_reporting,
    cast(costs_monthly.cost_rows as bigint) as cost_rows,
    cast(coalesce(tickets_monthly.tickets_created, 0) as bigint) as tickets_created
from costs_monthly
left join tickets_monthly on costs_monthly.month = tickets_monthly.month
