-- Customer lifecycle counts per month x segment x industry x region (additive: sum over the
-- groups for a segment or company-wide figure), months of int_customers__months, every group
-- that has a customer in every month (counts 0 when nothing happened):
--   customers_start        S = active at the start of m
--   customers_end          E = active at the start of m+1
--   customers_new          N = created_at in m
--   customers_new_referral N acquired via referral or affiliate
--   customers_lost         L = churned_at in m among S (active at the start of m)
--   customers_new_churned  C = created_at and churned_at both in m (new, never in S or E)
--   loyalty_members_end    loyalty members among E (current flag: the crm keeps no history)
--   training_customers_end customers in E with a training or webinar activity in m
-- S and E are running sums of +1 at active_from_month / -1 at active_until_month (one pass, no
-- customer x month join). Half-open spans (int_customers__spans) make E(m) = S(m+1) and
-- E = S + N - L - C hold exactly in every month and group (tests/customers/ checks both).
with

months as (

    select month from {{ ref('int_customers__months') }}

),

spans as (

    select
        customer_id,
        churned_at,
        segment,
        industry,
        region,
        is_referral,
        is_loyalty_member,
        created_month,
        churned_month,
        active_from_month,
        active_until_month
    from {{ ref('int_customers__spans') }}

),

activities as (

    select
        customer_id,
        occurred_at
    from {{ ref('stg_crm__customer_activities') }}
    where activity_type in ('training', 'webinar')

),

customer_groups as (

    select distinct
        segment,
        industry,
        region
    from spans

),

-- the spine runs one month past the last so that E of the last month is S of the next
spine as (

    select
        months.month,
        customer_groups.segment,
        customer_groups.industry,
        customer_groups.region
    from months
    cross join customer_groups

    union all

    select
        cast(max(months.month) + interval 1 month as date) as month,
        customer_groups.segment,
        customer_groups.industry,
        customer_groups.region
    from months
    cross join customer_groups
    group by all

),

ever_active as (

    select
        segment,
        industry,
        region,
        is_loyalty_member,
        active_from_month,
        active_until_month
    from spans
    where active_until_month is null or active_until_month > active_from_month

),

stock_changes as (

    select
        segment,
        industry,
        region,
        active_from_month as month,
        1 as active_change,
        case when is_loyalty_member then 1 else 0 end as loyalty_change
    from ever_active

    union all

    select
        segment,
        industry,
        region,
        active_until_month as month,
        -1 as active_change,
        case when is_loyalty_member then -1 else 0 end as loyalty_change
    from ever_active
    where active_until_month is not null

),

stock_changes_monthly as (

    select
        segment,
        industry,
        region,
        month,
        sum(active_change) as active_change,
        sum(loyalty_change) as loyalty_change
    from stock_changes
    group by all

),

stocks as (

    select
        spine.month,
        spine.segment,
        spine.industry,
        spine.region,
        sum(coalesce(stock_changes_monthly.active_change, 0)) over (
            partition by spine.segment, spine.industry, spine.region order by spine.month
            rows between unbounded preceding and current row
        ) as customers_active,
        sum(coalesce(stock_changes_monthly.loyalty_change, 0)) over (
            partition by spine.segment, spine.industry, spine.region order by spine.month
            rows between unbounded preceding and current row
        ) as loyalty_members_active
    from spine
    left join stock_changes_monthly
        on
            spine.segment = stock_changes_monthly.segment
            and spine.industry = stock_changes_monthly.industry
            and spine.region = stock_changes_monthly.region
            and spine.month = stock_changes_monthly.month

),

new_customers as (

    select
        segment,
        industry,
        region,
        created_month as month,
        count(*) as customers_new,
        count(*) filter (where is_referral) as customers_new_referral,
        count(*) filter (where churned_month = created_month) as customers_new_churned
    from spans
    group by all

),

lost_customers as (

    -- churned in m (churned_month) and active at the start of m, i.e. created before m (a churn
    -- stamped exactly at 00:00 on the 1st of m is still active at that start: lost in m)
    select
        segment,
        industry,
        region,
        churned_month as month,
        count(*) as customers_lost
    from spans
    where
        churned_month is not null
        and active_from_month <= churned_month
    group by all

),

training_customers as (

    select
        spans.segment,
        spans.industry,
        spans.region,
        {{ to_reporting_month('activities.occurred_at') }} as month,
        count(distinct spans.customer_id) as training_customers_end
    from activities
    inner join spans on activities.customer_id = spans.customer_id
    where
        -- active at the start of m+1
        spans.active_from_month <= {{ to_reporting_month('activities.occurred_at') }} + interval 1 month
        and (
            spans.active_until_month is null
            or spans.active_until_month > {{ to_reporting_month('activities.occurred_at') }} + interval 1 month
        )
    group by all

),

lifecycle as (

    select
        months.month,
        current_month.segment,
        current_month.industry,
        current_month.region,
        current_month.customers_active as customers_start,
        next_month.customers_active as customers_end,
        coalesce(new_customers.customers_new, 0) as customers_new,
        coalesce(new_customers.customers_new_referral, 0) as customers_new_referral,
        coalesce(lost_customers.customers_lost, 0) as customers_lost,
        coalesce(new_customers.customers_new_churned, 0) as customers_new_churned,
        next_month.loyalty_members_active as loyalty_members_end,
        coalesce(training_customers.training_customers_end, 0) as training_customers_end
    from months
    inner join stocks as current_month on months.month = current_month.month
    inner join stocks as next_month
        on
            current_month.segment = next_month.segment
            and current_month.industry = next_month.industry
            and current_month.region = next_month.region
            and next_month.month = cast(months.month + interval 1 month as date)
    left join new_customers
        on
            current_month.segment = new_customers.segment
            and current_month.industry = new_customers.industry
            and current_month.region = new_customers.region
            and months.month = new_customers.month
    left join lost_customers
        on
            current_month.segment = lost_customers.segment
            and current_month.industry = lost_customers.industry
            and current_month.region = lost_customers.region
            and months.month = lost_customers.month
    left join training_customers
        on
            current_month.segment = training_customers.segment
            and current_month.industry = training_customers.industry
            and current_month.region = training_customers.region
            and months.month = training_customers.month

)

select
    month,
    segment,
    industry,
    region,
    cast(customers_start as bigint) as customers_start,
    cast(customers_end as bigint) as customers_end,
    cast(customers_new as bigint) as customers_new,
    cast(customers_new_referral as bigint) as customers_new_referral,
    cast(customers_lost as bigint) as customers_lost,
    cast(customers_new_churned as bigint) as customers_new_churned,
    cast(loyalty_members_end as bigint) as loyalty_members_end,
    cast(training_customers_end as bigint) as training_customers_end
from lifecycle
