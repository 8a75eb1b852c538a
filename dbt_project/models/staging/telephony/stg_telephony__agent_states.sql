-- One row per agent-state interval (primary key agent_id, started_at): the row of the latest load
-- batch, then the latest file line. ended_at stays null for an interval still open in the source
-- (an adapter may deliver those); int_agent_states__split closes them.
with

source as (

    select * from {{ source('telephony', 'agent_states') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by agent_id, started_at
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    agent_id,
    state,
    started_at,
    ended_at
from latest
