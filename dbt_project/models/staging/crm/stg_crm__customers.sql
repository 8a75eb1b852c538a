-- One row per customer (latest load batch, then latest file line). The email (PII) never
-- leaves staging in clear: only its SHA-256 of the trimmed, lower-cased address is kept.
with

source as (

    select * from {{ source('crm', 'customers') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by customer_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    customer_id,
    created_at,
    churned_at,
    segment,
    industry,
    upper(country_code) as country_code,
    acquisition_channel,
    referred_by_customer_id,
    is_loyalty_member,
    case when nullif(trim(email), '') is not null then pseudonym_hmac(lower(trim(email))) end as email_hmac
from latest
