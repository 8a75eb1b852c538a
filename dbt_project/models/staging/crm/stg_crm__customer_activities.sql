-- One row per customer activity (latest load batch, then latest file line).
with

source as (

    select * from {{ source('crm', 'customer_activities') }}

),

latest as (

    select
        activity_id,
        customer_id,
        occurred_at,
        activity_type
    from source
    qualify row_number() over (
        partition by activity_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    activity_id,
    customer_id,
    occurred_at,
    activity_type
from latest
