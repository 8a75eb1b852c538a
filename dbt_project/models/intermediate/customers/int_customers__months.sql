-- Months (reporting time zone) of the customer KPIs: every calendar month from the first to the
-- last month with crm data (a customer created or churned, an order, a discount or an activity),
-- gaps included (customer counts are stocks: a month without crm events still has customers).
with

customers as (

    select
        created_at,
        churned_at
    from {{ ref('stg_crm__customers') }}

),

orders as (

    select ordered_at from {{ ref('stg_crm__orders') }}

),

discounts as (

    select granted_at from {{ ref('stg_crm__discounts') }}

),

activities as (

    select occurred_at from {{ ref('stg_crm__customer_activities') }}

),

crm_instants as (

    select created_at as occurred_at from customers
    union all
    select churned_at from customers
    union all
    select ordered_at from orders
    union all
    select granted_at from discounts
    union all
    select occurred_at from activities

),

bounds as (

    select
        min({{ to_reporting_month('occurred_at') }}) as first_month,
        max({{ to_reporting_month('occurred_at') }}) as last_month
    from crm_instants

),

spine as (

    select {{ series('first_month', 'last_month', 'interval 1 month', 'date') }} as month
    from bounds
    where first_month is not null

)

select month
from spine
