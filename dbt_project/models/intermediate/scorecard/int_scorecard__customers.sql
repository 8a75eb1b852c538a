-- Scorecard family "customers" in long form (kpis.md, Customers), company-wide, one row per KPI
-- for every month of int_customers__months (first to last month with crm data):
--   customers_start / _end / _new / _lost   counts S, E, N, L (numerator = value)
--   churn_rate_pct                          L / S x 100
--   customer_retention_rate_pct             (E - N) / S x 100
--   referral_rate_pct                       N via referral or affiliate / N x 100
--   customer_lifetime_value                 int_customers__clv_monthly; numerator = revenue per
--                                           ordering customer in the 12-month window (AOV x
--                                           frequency), denominator = churn of the window (lost /
--                                           active at window start); null without churn
--   loyalty_participation_pct               loyalty members among E / E x 100
--   training_participation_pct              customers in E with training / webinar in m / E x 100
--   interactions_per_customer               interactions with a customer_id in m / E (ratio)
--   discounts_granted                       discounts granted in m (count)
--   discounts_granted_amount                sum of their amounts in the reporting currency
--   discounts_ticket_share_pct              those with a ticket_id / discounts granted x 100
with

months as (

    select month from {{ ref('int_customers__months') }}

),

lifecycle_by_segment as (

    select
        month,
        customers_start,
        customers_end,
        customers_new,
        customers_new_referral,
        customers_lost,
        loyalty_members_end,
        training_customers_end
    from {{ ref('int_customers__lifecycle_monthly') }}

),

clv as (

    select
        month,
        revenue_reporting,
        ordering_customers,
        customers_active_window_start,
        customers_lost_window,
        customer_lifetime_value
    from {{ ref('int_customers__clv_monthly') }}

),

interactions as (

    select interaction_month from {{ ref('int_customers__interactions') }}

),

discounts as (

    select
        granted_at,
        amount_reporting,
        ticket_id
    from {{ ref('stg_crm__discounts') }}

),

lifecycle as (

    select
        months.month,
        coalesce(sum(lifecycle_by_segment.customers_start), 0) as customers_start,
        coalesce(sum(lifecycle_by_segment.customers_end), 0) as customers_end,
        coalesce(sum(lifecycle_by_segment.customers_new), 0) as customers_new,
        coalesce(sum(lifecycle_by_segment.customers_new_referral), 0) as customers_new_referral,
        coalesce(sum(lifecycle_by_segment.customers_lost), 0) as customers_lost,
        coalesce(sum(lifecycle_by_segment.loyalty_members_end), 0) as loyalty_members_end,
        coalesce(sum(lifecycle_by_segment.training_customers_end), 0) as training_customers_end
    from months
    left join lifecycle_by_segment on months.month = lifecycle_by_segment.month
    group by all

),

interactions_monthly as (

    select
        interaction_month as month,
        count(*) as interactions
    from interactions
    group by all

),

discounts_monthly as (

    select
        {{ to_reporting_month('granted_at') }} as month,
        count(*) as discounts_granted,
        cast({{ exact_money_sum('amount_reporting') }} as double) as discounts_amount,
        count(*) filter (where ticket_id is not null) as discounts_with_ticket
    from discounts
    group by all

),

parts as (

    select
        lifecycle.month,
        lifecycle.customers_start,
        lifecycle.customers_end,
        lifecycle.customers_new,
        lifecycle.customers_new_referral,
        lifecycle.customers_lost,
        lifecycle.loyalty_members_end,
        lifecycle.training_customers_end,
        coalesce(interactions_monthly.interactions, 0) as interactions,
        coalesce(discounts_monthly.discounts_granted, 0) as discounts_granted,
        coalesce(discounts_monthly.discounts_amount, 0) as discounts_amount,
        coalesce(discounts_monthly.discounts_with_ticket, 0) as discounts_with_ticket,
        case
            when clv.ordering_customers > 0 then clv.revenue_reporting / clv.ordering_customers
        end as clv_value_per_customer,
        case
            when clv.customers_active_window_start > 0
                then clv.customers_lost_window / clv.customers_active_window_start
        end as clv_window_churn,
        clv.customer_lifetime_value
    from lifecycle
    left join interactions_monthly on lifecycle.month = interactions_monthly.month
    left join discounts_monthly on lifecycle.month = discounts_monthly.month
    left join clv on lifecycle.month = clv.month

),

-- kind: count (value = numerator), pct (100 x numerator / denominator), ratio (numerator /
-- denominator), given (value computed upstream: customer_lifetime_value)
kpis as (

    select
        kpi_list.kpi_id,
        kpi_list.kind
    from (
        values
        ('customers_start', 'count'),
        ('customers_end', 'count'),
        ('customers_new', 'count'),
        ('customers_lost', 'count'),
        ('churn_rate_pct', 'pct'),
        ('customer_retention_rate_pct', 'pct'),
        ('referral_rate_pct', 'pct'),
        ('customer_lifetime_value', 'given'),
        ('loyalty_participation_pct', 'pct'),
        ('training_participation_pct', 'pct'),
        ('interactions_per_customer', 'ratio'),
        ('discounts_granted', 'count'),
        ('discounts_granted_amount', 'count'),
        ('discounts_ticket_share_pct', 'pct')
    ) as kpi_list (kpi_id, kind)

),

long_form as (

    select
        parts.month,
        kpis.kpi_id,
        kpis.kind,
        case kpis.kpi_id
            when 'customers_start' then parts.customers_start
            when 'customers_end' then parts.customers_end
            when 'customers_new' then parts.customers_new
            when 'customers_lost' then parts.customers_lost
            when 'churn_rate_pct' then parts.customers_lost
            when 'customer_retention_rate_pct' then parts.customers_end - parts.customers_new
            when 'referral_rate_pct' then parts.customers_new_referral
            when 'customer_lifetime_value' then parts.clv_value_per_customer
            when 'loyalty_participation_pct' then parts.loyalty_members_end
            when 'training_participation_pct' then parts.training_customers_end
            when 'interactions_per_customer' then parts.interactions
            when 'discounts_granted' then parts.discounts_granted
            when 'discounts_granted_amount' then parts.discounts_amount
            when 'discounts_ticket_share_pct' then parts.discounts_with_ticket
        end as numerator,
        case kpis.kpi_id
            when 'churn_rate_pct' then parts.customers_start
            when 'customer_retention_rate_pct' then parts.customers_start
            when 'referral_rate_pct' then parts.customers_new
            when 'customer_lifetime_value' then parts.clv_window_churn
            when 'loyalty_participation_pct' then parts.customers_end
            when 'training_participation_pct' then parts.customers_end
            when 'interactions_per_customer' then parts.customers_end
            when 'discounts_ticket_share_pct' then parts.discounts_granted
        end as denominator,
        case when kpis.kind = 'given' then parts.customer_lifetime_value end as given_value
    from parts
    cross join kpis

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when kind = 'count' then numerator
        when kind = 'given' then given_value
        when denominator = 0 then null
        when kind = 'pct' then 100.0 * numerator / denominator
        when kind = 'ratio' then numerator / denominator
    end as double) as value
from long_form
