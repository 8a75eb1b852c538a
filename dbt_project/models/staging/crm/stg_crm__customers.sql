-- One row per customer (latest load batch, then latest file line). The email (PII) never
-- leaves staging in clear: only the keyed HMAC-SHA-256 (pseudonym_hmac) of the trimmed,
-- lower-cased address is kept.
-- Incremental: the customers of int_affected__customers are deleted and computed again from all
-- their raw rows (a customer whose raw rows all vanished loses its row).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__customers', 'key': ['customer_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__customers') }}
with

source as (

    select * from {{ source('crm', 'customers') }}
    {% if is_incremental() -%}
        where customer_id in (select affected.customer_id from {{ ref('int_affected__customers') }} as affected)
    {%- endif %}

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
    case when nullif(trim(email), '') is not null then {{ pseudonymize('lower(trim(email))') }} end as email_hmac
from latest
