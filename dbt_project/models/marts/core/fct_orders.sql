-- One row per crm order with its reporting day and month and the amount in the reporting
-- currency (stg_crm__orders: rate of the latest valid_from <= the order date).
-- gross_margin_reporting = amount_reporting x gross_margin_pct / 100 (null without a margin).
-- Incremental: the orders of int_affected__orders are deleted and appended again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__orders', 'key': ['order_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__orders') }}
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
    {% if is_incremental() -%}
        where order_id in (select affected.order_id from {{ ref('int_affected__orders') }} as affected)
    {%- endif %}

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
