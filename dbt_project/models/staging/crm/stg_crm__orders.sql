-- One row per order (latest load batch, then latest file line) with the amount converted to the
-- reporting currency (var reporting_currency): amount_reporting = amount x rate_to_reporting of
-- seed exchange_rates with the latest valid_from <= the order's date (UTC). A missing currency
-- is the reporting currency; the reporting currency itself always has rate 1.
-- Incremental: the orders of int_affected__orders are deleted and computed again from all their
-- raw rows (an order whose raw rows all vanished loses its row).
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

source as (

    select * from {{ source('crm', 'orders') }}
    {% if is_incremental() -%}
        where order_id in (select affected.order_id from {{ ref('int_affected__orders') }} as affected)
    {%- endif %}

),

exchange_rates as (

    select
        currency,
        rate_to_reporting,
        valid_from,
        valid_until
    from {{ exchange_rates_to_reporting() }} as rates_to_reporting

),

latest as (

    select
        order_id,
        customer_id,
        ordered_at,
        amount,
        coalesce(
            upper(nullif(trim(currency), '')), '{{ var("reporting_currency", "EUR") | upper }}'
        ) as currency,
        gross_margin_pct
    from source
    qualify row_number() over (
        partition by order_id
        order by _batch_id desc, _source_line desc
    ) = 1

),

converted as (

    select
        latest.order_id,
        latest.customer_id,
        latest.ordered_at,
        latest.amount,
        latest.currency,
        case
            when latest.currency = '{{ var("reporting_currency", "EUR") | upper }}' then 1.0
            else exchange_rates.rate_to_reporting
        end as exchange_rate,
        latest.gross_margin_pct
    from latest
    {{ asof_join(
        'left', 'exchange_rates', 'exchange_rates',
        'latest.currency = exchange_rates.currency', 'cast(latest.ordered_at as date)'
    ) }}

)

select
    order_id,
    customer_id,
    ordered_at,
    amount,
    currency,
    exchange_rate,
    amount * exchange_rate as amount_reporting,
    gross_margin_pct
from converted
