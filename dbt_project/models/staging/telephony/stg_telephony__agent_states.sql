-- One row per agent-state interval (primary key agent_id, started_at): the row of the latest load
-- batch, then the latest file line. ended_at stays null for an interval still open in the source
-- (an adapter may deliver those); int_agent_states__split closes them.
-- Incremental: the keys of int_affected__agent_state_intervals are deleted and computed again
-- from all their raw rows (a key whose raw rows all vanished loses its row).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__agent_state_intervals', 'key': ['agent_id', 'started_at']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__agent_state_intervals') }}
with

source as (

    select * from {{ source('telephony', 'agent_states') }}
    {% if is_incremental() -%}
        where (agent_id, started_at) in (
            select
                affected.agent_id,
                affected.started_at
            from {{ ref('int_affected__agent_state_intervals') }} as affected
        )
    {%- endif %}

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
