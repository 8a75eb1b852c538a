-- One row per customer with its activity span in whole reporting months (kpis.md, Customers).
-- Half-open: a customer belongs to the month in which created_at falls and to the month in which
-- churned_at falls, never to two. "Active at the start of m" = created_at < start of m and
-- (churned_at null or churned_at >= start of m), month starts in the reporting time zone. As the
-- reporting month of an instant is monotone, that is created_month < m <= churned_month:
--   active_from_month  = created_month + 1 month: the first month at whose start it is active
--   active_until_month = churned_month + 1 month: the first month at whose start it is no longer
--                        active (null = never churned)
-- So a customer created exactly at 00:00 on the 1st of m (reporting zone) is new in m and first
-- active at the start of m+1; one churned exactly then is still active at the start of m and lost
-- in m. A customer created and churned in the same month is never active at a month start
-- (active_until_month = active_from_month).
with

customers as (

    select
        customer_id,
        created_at,
        churned_at,
        segment,
        industry,
        region,
        acquisition_channel,
        is_loyalty_member
    from {{ ref('dim_customers') }}

),

months as (

    select
        customer_id,
        created_at,
        churned_at,
        segment,
        industry,
        region,
        acquisition_channel,
        is_loyalty_member,
        {{ to_reporting_month('created_at') }} as created_month,
        {{ to_reporting_month('churned_at') }} as churned_month
    from customers

)

select
    customer_id,
    created_at,
    churned_at,
    coalesce(segment, 'unknown') as segment,
    coalesce(industry, 'unknown') as industry,
    coalesce(region, 'unknown') as region,
    coalesce(acquisition_channel in ('referral', 'affiliate'), false) as is_referral,
    coalesce(is_loyalty_member, false) as is_loyalty_member,
    created_month,
    churned_month,
    cast(created_month + interval 1 month as date) as active_from_month,
    cast(churned_month + interval 1 month as date) as active_until_month
from months
