-- Company-wide customer lifetime value per month m of int_customers__months, over the 12-month
-- window [start of m-11, start of m+1); customer_lifetime_value of the KPI registry divides its
-- parts (semantic model customer_lifetime_value_months):
--   AOV       = revenue / orders                (orders in the window, reporting currency)
--   frequency = orders / ordering customers     (distinct customers with an order in the window)
--   lifetime  = 1 / (lost / active)             years; active = customers active at the window
--               start, lost = those of them churned in the window
--   CLV       = AOV x frequency x lifetime, null without churn (or without orders / customers).
-- Single passes: revenue and orders are rolling sums of monthly totals; ordering customers a
-- running sum of +1 / -1 over each customer's disjoint 12-month coverage intervals; the lost
-- count expands each churned customer onto the at most 12 window starts it counts for.
with

months as (

    select month from {{ ref('int_customers__months') }}

),

orders as (

    select
        customer_id,
        amount_reporting,
        {{ to_reporting_month('ordered_at') }} as ordered_month
    from {{ ref('stg_crm__orders') }}

),

spans as (

    select
        churned_month,
        active_from_month,
        active_until_month
    from {{ ref('int_customers__spans') }}

),

lifecycle as (

    select
        month,
        sum(customers_start) as customers_start
    from {{ ref('int_customers__lifecycle_monthly') }}
    group by all

),

orders_monthly as (

    select
        ordered_month as month,
        {{ exact_money_sum('amount_reporting') }} as revenue,
        count(*) as orders_count
    from orders
    group by all

),

customer_order_months as (

    select distinct
        customer_id,
        ordered_month
    from orders

),

-- a customer counts as ordering in window m for m in [order month, order month + 11]; the
-- intervals are cut at the customer's next order month so they never overlap
coverage_changes as (

    select
        ordered_month as month,
        1 as change
    from customer_order_months

    union all

    select
        cast(least(
            ordered_month + interval 12 month,
            coalesce(
                lead(ordered_month) over (partition by customer_id order by ordered_month),
                ordered_month + interval 12 month
            )
        ) as date) as month,
        -1 as change
    from customer_order_months

),

coverage_monthly as (

    select
        month,
        sum(change) as change
    from coverage_changes
    group by all

),

-- a churned customer active at window start w and churned within [w, w + 12 months) counts for
-- every w in [greatest(active_from_month, churned_month - 11), active_until_month - 1]
lost_by_window_start as (

    select
        months.month as window_start_month,
        count(*) as customers_lost
    from spans
    inner join months
        on
            spans.active_from_month <= months.month
            and spans.churned_month - interval 11 month <= months.month
            and spans.active_until_month > months.month
    where spans.churned_month is not null
    group by all

),

windows as (

    select
        months.month,
        cast(months.month - interval 11 month as date) as window_start_month,
        sum(coalesce(orders_monthly.revenue, 0)) over twelve_months as revenue,
        sum(coalesce(orders_monthly.orders_count, 0)) over twelve_months as orders_count,
        sum(coalesce(coverage_monthly.change, 0)) over all_before as ordering_customers
    from months
    left join orders_monthly on months.month = orders_monthly.month
    left join coverage_monthly on months.month = coverage_monthly.month
    window
        twelve_months as (order by months.month rows between 11 preceding and current row),
        all_before as (order by months.month rows between unbounded preceding and current row)

),

window_parts as (

    select
        windows.month,
        windows.window_start_month,
        windows.revenue,
        windows.orders_count,
        windows.ordering_customers,
        coalesce(lifecycle.customers_start, 0) as customers_active_window_start,
        coalesce(lost_by_window_start.customers_lost, 0) as customers_lost_window
    from windows
    left join lifecycle on windows.window_start_month = lifecycle.month
    left join lost_by_window_start
        on windows.window_start_month = lost_by_window_start.window_start_month

)

select
    month,
    window_start_month,
    cast(revenue as double) as revenue_reporting,
    cast(orders_count as bigint) as orders_count,
    cast(ordering_customers as bigint) as ordering_customers,
    cast(customers_active_window_start as bigint) as customers_active_window_start,
    cast(customers_lost_window as bigint) as customers_lost_window,
    cast(case when orders_count > 0 then revenue / orders_count end as double) as average_order_value,
    cast(case
        when ordering_customers > 0 then orders_count / ordering_customers
    end as double) as purchase_frequency,
    cast(case
        when customers_lost_window > 0 then customers_active_window_start / customers_lost_window
    end as double) as expected_lifetime_years,
    cast(case
        when orders_count > 0 and ordering_customers > 0 and customers_lost_window > 0
            then
                (revenue / orders_count) * (orders_count / ordering_customers)
                * (customers_active_window_start / customers_lost_window)
    end as double) as customer_lifetime_value
from window_parts
