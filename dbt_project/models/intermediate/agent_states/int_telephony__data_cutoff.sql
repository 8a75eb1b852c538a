-- The telephony data cut-off: the latest instant the telephony source reports (call arrivals and
-- ends, agent-state starts and ends). "Now" for agent-state intervals still open in the source.
with

calls as (

    select
        arrived_at,
        answered_at,
        ended_at
    from {{ ref('stg_telephony__calls') }}

),

agent_states as (

    select
        started_at,
        ended_at
    from {{ ref('stg_telephony__agent_states') }}

),

instants as (

    select greatest(arrived_at, answered_at, ended_at) as reported_at from calls
    union all
    select greatest(started_at, ended_at) as reported_at from agent_states

)

select max(reported_at) as data_cutoff_at
from instants
