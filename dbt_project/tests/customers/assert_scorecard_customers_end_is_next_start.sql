-- Accounting identity, company-wide (scorecard rows customers_*): customers_end of m =
-- customers_start of m + 1, and no month is missing between two customer months. Error severity.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

scorecard as (

    select
        month,
        kpi_id,
        value
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('customers_start', 'customers_end')

),

monthly as (

    select
        month,
        max(value) filter (where kpi_id = 'customers_start') as customers_start,
        max(value) filter (where kpi_id = 'customers_end') as customers_end
    from scorecard
    group by all

),

with_next as (

    select
        month,
        customers_end,
        lead(month) over (order by month) as next_month,
        lead(customers_start) over (order by month) as next_customers_start
    from monthly

)

select
    month,
    customers_end,
    next_month,
    next_customers_start
from with_next
where
    next_month is not null
    and (
        next_month != cast(month + interval 1 month as date)
        or customers_end is distinct from next_customers_start
    )
