-- One row per bot conversation: the latest version of each conversation_id (latest load batch,
-- then latest file line; the entity has no version column).
with

source as (

    select * from {{ source('web', 'bot_conversations') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by conversation_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    conversation_id,
    started_at,
    ended_at,
    channel,
    customer_id,
    intent,
    outcome,
    ticket_id
from latest
