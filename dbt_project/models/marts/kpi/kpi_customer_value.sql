-- One row per customer: historical and predictive customer lifetime value (reporting currency).
--   historical_clv          = sum of amount_reporting x gross_margin_pct / 100 over all orders
--                             (orders without a margin are left out and counted)
--   tenure_months           = reporting months from the created month to the churned month, or to
--                             the last month with crm data for a customer still active (inclusive)
--   mean_monthly_orders     = orders / tenure_months
--   average_order_value     = revenue / orders
--   expected_lifetime_months = 1 / company-wide monthly churn over all months with crm data
--                             = sum of customers_start / sum of customers_lost (lifecycle);
--                             null without any churn
--   predictive_clv          = mean_monthly_orders x average_order_value x expected_lifetime_months
--                             (0 for a customer without orders; null without churn)
with

customers as (

    select
        customer_id,
        created_at,
        churned_at,
        segment,
        industry,
        region,
        created_month,
        churned_month
    from {{ ref('int_customers__spans') }}

),

orders as (

    select
        order_id,
        customer_id,
        ordered_at,
        amount_reporting,
        gross_margin_reporting
    from {{ ref('fct_orders') }}

),

lifecycle as (

    select
        month,
        customers_start,
        customers_lost
    from {{ ref('int_customers__lifecycle_monthly') }}

),

churn_history as (

    select
        max(month) as month,
        case
            when sum(customers_lost) > 0 then sum(customers_start) / sum(customers_lost)
        end as expected_lifetime_months
    from lifecycle

),

customer_orders as (

    select
        customer_id,
        count(*) as orders_count,
        -- Exact decimal sums (macros/exact_sums.sql): the same in any row order.
        {{ exact_money_sum('amount_reporting') }} as revenue_reporting,
        {{ exact_money_sum('gross_margin_reporting') }} as historical_clv,
        count(*) filter (where gross_margin_reporting is null) as orders_without_margin_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from orders
    group by all

),

customer_values as (

    select
        customers.customer_id,
        customers.segment,
        customers.industry,
        customers.region,
        customers.created_at,
        customers.churned_at,
        customers.churned_at is not null as is_churned,
        coalesce(customer_orders.orders_count, 0) as orders_count,
        coalesce(customer_orders.revenue_reporting, 0) as revenue_reporting,
        coalesce(customer_orders.historical_clv, 0) as historical_clv,
        coalesce(customer_orders.orders_without_margin_count, 0) as orders_without_margin_count,
        customer_orders.first_ordered_at,
        customer_orders.last_ordered_at,
        greatest(
            1,
            {{ dbt.datediff(
                'customers.created_month', 'coalesce(customers.churned_month, churn_history.month)', 'month'
            ) }} + 1
        ) as tenure_months,
        churn_history.expected_lifetime_months
    from customers
    left join customer_orders on customers.customer_id = customer_orders.customer_id
    cross join churn_history

)

select
    customer_id,
    segment,
    industry,
    region,
    created_at,
    churned_at,
    is_churned,
    orders_count,
    cast(revenue_reporting as double) as revenue_reporting,
    orders_without_margin_count,
    cast(historical_clv as double) as historical_clv,
    first_ordered_at,
    last_ordered_at,
    cast(tenure_months as bigint) as tenure_months,
    cast(orders_count / tenure_months as double) as mean_monthly_orders,
    cast(case when orders_count > 0 then revenue_reporting / orders_count end as double) as average_order_value,
    cast(expected_lifetime_months as double) as expected_lifetime_months,
    cast(case
        when orders_count > 0
            then (orders_count / tenure_months) * (revenue_reporting / orders_count) * expected_lifetime_months
        else 0 * expected_lifetime_months
    end as double) as predictive_clv
from customer_values
