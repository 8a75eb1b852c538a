-- Customer lifecycle per month x segment (months of the crm data, every segment in every month;
-- a customer without a segment is in segment 'unknown'). Additive counts beside the ratios, so
-- summing the counts over segments gives the company-wide scorecard figures. customers_new_churned
-- (C, created and churned in the month) closes the flow: E = S + N - L - C, and E(m) = S(m+1)
-- (data tests in tests/customers/).
with

lifecycle_by_group as (

    select
        month,
        segment,
        customers_start,
        customers_end,
        customers_new,
        customers_new_referral,
        customers_lost,
        customers_new_churned,
        loyalty_members_end,
        training_customers_end
    from {{ ref('int_customers__lifecycle_monthly') }}

),

lifecycle as (

    select
        month,
        segment,
        sum(customers_start) as customers_start,
        sum(customers_end) as customers_end,
        sum(customers_new) as customers_new,
        sum(customers_new_referral) as customers_new_referral,
        sum(customers_lost) as customers_lost,
        sum(customers_new_churned) as customers_new_churned,
        sum(loyalty_members_end) as loyalty_members_end,
        sum(training_customers_end) as training_customers_end
    from lifecycle_by_group
    group by all

)

select
    month,
    segment,
    cast(customers_start as bigint) as customers_start,
    cast(customers_end as bigint) as customers_end,
    cast(customers_new as bigint) as customers_new,
    cast(customers_new_referral as bigint) as customers_new_referral,
    cast(customers_lost as bigint) as customers_lost,
    cast(customers_new_churned as bigint) as customers_new_churned,
    cast(loyalty_members_end as bigint) as loyalty_members_end,
    cast(training_customers_end as bigint) as training_customers_end,
    cast(case
        when customers_start > 0 then 100.0 * customers_lost / customers_start
    end as double) as churn_rate_pct,
    cast(case
        when customers_start > 0 then 100.0 * (customers_end - customers_new) / customers_start
    end as double) as customer_retention_rate_pct,
    cast(case
        when customers_new > 0 then 100.0 * customers_new_referral / customers_new
    end as double) as referral_rate_pct,
    cast(case
        when customers_end > 0 then 100.0 * loyalty_members_end / customers_end
    end as double) as loyalty_participation_pct,
    cast(case
        when customers_end > 0 then 100.0 * training_customers_end / customers_end
    end as double) as training_participation_pct
from lifecycle
