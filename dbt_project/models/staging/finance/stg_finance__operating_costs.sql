-- One row per (month, cost_category) (latest load batch, then latest file line), month cut to
-- its first day, amount converted to the reporting currency with the rate of seed
-- exchange_rates whose valid_from is the latest <= the month's first day (missing currency =
-- reporting currency, which always has rate 1).
with

source as (

    select * from {{ source('finance', 'operating_costs') }}

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
        cast(date_trunc('month', month) as date) as month,
        cost_category,
        amount,
        coalesce(
            upper(nullif(trim(currency), '')), '{{ var("reporting_currency", "EUR") | upper }}'
        ) as currency
    from source
    qualify row_number() over (
        partition by cast(date_trunc('month', month) as date), cost_category
        order by _batch_id desc, _source_line desc
    ) = 1

),

converted as (

    select
        latest.month,
        latest.cost_category,
        latest.amount,
        latest.currency,
        case
            when latest.currency = '{{ var("reporting_currency", "EUR") | upper }}' then 1.0
            else exchange_rates.rate_to_reporting
        end as exchange_rate
    from latest
    {{ asof_join(
        'left', 'exchange_rates', 'exchange_rates',
        'latest.currency = exchange_rates.currency', 'latest.month'
    ) }}

)

select
    month,
    cost_category,
    amount,
    currency,
    exchange_rate,
    amount * exchange_rate as amount_reporting
from converted
