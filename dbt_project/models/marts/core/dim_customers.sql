-- One row per customer with the region of its country; the email only as a keyed HMAC-SHA-256.
with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

countries as (

    select * from {{ ref('countries') }}

)

select
    customers.customer_id,
    customers.created_at,
    customers.churned_at,
    customers.segment,
    customers.industry,
    customers.country_code,
    countries.region,
    customers.acquisition_channel,
    customers.referred_by_customer_id,
    customers.is_loyalty_member,
    customers.email_hmac
from customers
left join countries on customers.country_code = countries.country_code
