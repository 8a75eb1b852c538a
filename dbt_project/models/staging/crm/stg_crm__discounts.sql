-- One row per discount, offer, gift or credit (latest load batch, then latest file line) with
-- the amount converted to the reporting currency like stg_crm__orders (rate of the latest
-- valid_from <= the grant date; missing currency = reporting currency). The free-text reason is
-- kept (it is not PII).
with

source as (

    select * from {{ source('crm', 'discounts') }}

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
        discount_id,
        customer_id,
        granted_at,
        discount_type,
        amount,
        coalesce(
            upper(nullif(trim(currency), '')), '{{ var("reporting_currency", "EUR") | upper }}'
        ) as currency,
        nullif(trim(ticket_id), '') as ticket_id,
        reason
    from source
    qualify row_number() over (
        partition by discount_id
        order by _batch_id desc, _source_line desc
    ) = 1

),

converted as (

    select
        latest.discount_id,
        latest.customer_id,
        latest.granted_at,
        latest.discount_type,
        latest.amount,
        latest.currency,
        case
            when latest.currency = '{{ var("reporting_currency", "EUR") | upper }}' then 1.0
            else exchange_rates.rate_to_reporting
        end as exchange_rate,
        latest.ticket_id,
        latest.reason
    from latest
    {{ asof_join(
        'left', 'exchange_rates', 'exchange_rates',
        'latest.currency = exchange_rates.currency', 'cast(latest.granted_at as date)'
    ) }}

)

select
    discount_id,
    customer_id,
    granted_at,
    discount_type,
    amount,
    currency,
    exchange_rate,
    amount * exchange_rate as amount_reporting,
    ticket_id,
    reason
from converted
