-- One row per crm order with its reporting day and month and the amount in the reporting
-- currency (stg_crm__orders: rate of the latest valid_from <= the order date).
-- gross_margin_reporting = amount_reporting x gross_margin_pct / 100 (null without a margin).
with

orders as (

    select
        order_id,
        customer_id,
        ordered_at,
        amount,
        currency,
        exchange_rate,
        amount_reporting,
        gross_margin_pct
    from {{ ref('stg_crm__orders') }}

)

select
    order_id,
    customer_id,
    ordered_at,
    {{ to_reporting_date('ordered_at') }} as ordered_date,
    {{ to_reporting_month('ordered_at') }} as ordered_month,
    amount,
    currency,
    exchange_rate,
    amount_reporting,
    gross_margin_pct,
    amount_reporting * gross_margin_pct / 100.0 as gross_margin_reporting
from orders
