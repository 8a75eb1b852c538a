-- One row per social-media interaction: the latest version of each interaction_id (latest load
-- batch, then latest file line; the entity has no version column). network is free text in the
-- contract: trimmed and lower-cased here so 'Twitter ' and 'twitter' are one network.
with

source as (

    select * from {{ source('web', 'social_interactions') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by interaction_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    interaction_id,
    lower(trim(network)) as network,
    occurred_at,
    interaction_type,
    direction,
    sentiment,
    is_question,
    is_technical,
    ticket_id,
    customer_id
from latest
