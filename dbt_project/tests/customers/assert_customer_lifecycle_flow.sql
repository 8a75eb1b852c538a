-- Accounting identity (kpis.md, Customers), per segment and month:
--   E = S + N - L - C   (C = customers created and churned in the month)
-- and the parts are consistent: no count below 0, L <= S, C <= N. Error severity.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

lifecycle as (

    select
        month,
        segment,
        customers_start,
        customers_new,
        customers_lost,
        customers_new_churned,
        customers_end
    from {{ ref('kpi_customer_lifecycle_monthly') }}

)

select
    month,
    segment,
    customers_start,
    customers_new,
    customers_lost,
    customers_new_churned,
    customers_end
from lifecycle
where
    customers_end != customers_start + customers_new - customers_lost - customers_new_churned
    or least(customers_start, customers_new, customers_lost, customers_new_churned, customers_end) < 0
    or customers_lost > customers_start
    or customers_new_churned > customers_new
