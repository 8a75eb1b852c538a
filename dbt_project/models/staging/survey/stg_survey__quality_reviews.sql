-- One row per quality review x criterion: the latest version of each (review_id, criterion)
-- (latest load batch, then latest file line). Contract default applied: weight 1 when missing.
with

source as (

    select * from {{ source('survey', 'quality_reviews') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by review_id, criterion
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    review_id,
    criterion,
    agent_id,
    ticket_id,
    call_id,
    reviewer_id,
    reviewed_at,
    score,
    max_score,
    cast(coalesce(weight, 1) as double) as weight
from latest
