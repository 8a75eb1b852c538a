-- One row per agent (latest load batch, then latest file line). Email (PII) is dropped.
with

source as (

    select * from {{ source('helpdesk', 'agents') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by agent_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    agent_id,
    agent_name,
    group_id,
    hired_at,
    upper(country_code) as country_code,
    is_active
from latest
