-- One row per agent group / team (latest load batch, then latest file line).
with

source as (

    select * from {{ source('helpdesk', 'groups') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by group_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    group_id,
    group_name
from latest
