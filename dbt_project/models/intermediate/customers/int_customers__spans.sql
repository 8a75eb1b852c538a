-- One row per customer with its activity span in whole reporting months. "Active at t" =
-- created_at <= t and (churned_at null or churned_at > t); evaluated at month starts only:
--   active_from_month  = first month whose start is >= created_at (active at its start)
--   active_until_month = first month whose start is >= churned_at (no longer active at its
--                        start); null = never churned
-- The customer is active at the start of month m exactly when active_from_month <= m and
-- (active_until_month is null or m < active_until_month). A customer churned at or before its
-- creation is never active (active_until_month <= active_from_month).
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
    {{ to_reporting_month('created_at') }} as created_month,
    {{ to_reporting_month('churned_at') }} as churned_month,
    cast(
        {{ to_reporting_month("created_at - interval 1 microsecond") }} + interval 1 month as date
    ) as active_from_month,
    cast(
        {{ to_reporting_month("churned_at - interval 1 microsecond") }} + interval 1 month as date
    ) as active_until_month
from customers
