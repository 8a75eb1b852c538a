-- What this build treats as new (one row; see the source's description). Incremental models
-- read it through the int_affected__* models.
with

source as (

    select * from {{ source('raw_meta', 'build_plan') }}

)

select
    since_batch_id,
    refresh_months
from source
