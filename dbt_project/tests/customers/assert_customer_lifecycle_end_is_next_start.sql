-- Accounting identity (kpis.md, Customers), per segment: E(m) = S(m+1). The customers active at
-- the start of the next month are exactly those active at the end of this one. Returns every
-- (month, segment) where it fails, and any month missing between two months of a segment
-- (the lifecycle table has every segment in every month, so the next row must be m + 1).
-- Error severity: an impossible customer count must never be published.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

lifecycle as (

    select
        month,
        segment,
        customers_start,
        customers_end
    from {{ ref('kpi_customer_lifecycle_monthly') }}

),

with_next as (

    select
        month,
        segment,
        customers_end,
        lead(month) over (partition by segment order by month) as next_month,
        lead(customers_start) over (partition by segment order by month) as next_customers_start
    from lifecycle

)

select
    month,
    segment,
    customers_end,
    next_month,
    next_customers_start
from with_next
where
    next_month is not null
    and (
        next_month != cast(month + interval 1 month as date)
        or customers_end != next_customers_start
    )
