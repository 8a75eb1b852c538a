-- One row per customer activity (latest load batch, then latest file line).
-- Incremental: the activities of int_affected__customer_activities are deleted and computed again
-- from all their raw rows (an activity whose raw rows all vanished loses its row).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__customer_activities', 'key': ['activity_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__customer_activities') }}
with

source as (

    select * from {{ source('crm', 'customer_activities') }}
    {% if is_incremental() -%}
        where activity_id in (
            select affected.activity_id from {{ ref('int_affected__customer_activities') }} as affected
        )
    {%- endif %}

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
