-- One row per discount, offer, gift or credit granted (stg_crm__discounts), with its reporting
-- month and its amount in the reporting currency as an exact decimal (sums are the same in any
-- row order). The free-text reason stays out of the mart (it may name a person).
with

discounts as (

    select
        discount_id,
        customer_id,
        ticket_id,
        granted_at,
        discount_type,
        amount,
        currency,
        exchange_rate,
        amount_reporting
    from {{ ref('stg_crm__discounts') }}

)

select
    discount_id,
    customer_id,
    ticket_id,
    granted_at,
    {{ to_reporting_month('granted_at') }} as granted_month,
    discount_type,
    amount,
    currency,
    exchange_rate,
    cast(amount_reporting as decimal(38, 9)) as amount_reporting
from discounts
