-- Retention (E - N) / S x 100 and churn L / S x 100 are never above 100 %, per segment
-- (kpi_customer_lifecycle_monthly) and company-wide (scorecard), compared on the integer parts
-- (E - N <= S, L <= S) and on the published value. Error severity.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

lifecycle as (

    select
        month,
        segment,
        customers_start,
        customers_end,
        customers_new,
        customers_lost,
        customer_retention_rate_pct,
        churn_rate_pct
    from {{ ref('kpi_customer_lifecycle_monthly') }}

),

scorecard as (

    select
        month,
        kpi_id,
        numerator,
        denominator,
        value
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('customer_retention_rate_pct', 'churn_rate_pct')

)

select
    'kpi_customer_lifecycle_monthly' as table_name,
    month,
    segment,
    customer_retention_rate_pct as retention_pct,
    churn_rate_pct
from lifecycle
where
    customers_end - customers_new > customers_start
    or customers_lost > customers_start
    or customer_retention_rate_pct > 100
    or churn_rate_pct > 100

union all

select
    'kpi_scorecard_monthly' as table_name,
    month,
    kpi_id as segment,
    value as retention_pct,
    null as churn_rate_pct
from scorecard
where numerator > denominator or value > 100
