-- Occupancy and utilisation per agent x day (reporting time zone), from agent-state seconds split
-- at day edges (int_agent_states__daily). A row for every agent-day with any state time.
--   occupancy_pct   = (on_call + wrap_up) / (on_call + wrap_up + available) x 100
--   utilization_pct = (on_call + wrap_up) / all states except offline x 100
with

agent_days as (

    select
        agent_id,
        state_date,
        state_month,
        available_seconds,
        on_call_seconds,
        wrap_up_seconds,
        break_seconds,
        lunch_seconds,
        training_seconds,
        meeting_seconds,
        offline_seconds
    from {{ ref('int_agent_states__daily') }}

),

agents as (

    select
        agent_id,
        agent_name,
        group_id,
        group_name
    from {{ ref('dim_agents') }}

),

measured as (

    select
        agent_id,
        state_date,
        state_month,
        available_seconds,
        on_call_seconds,
        wrap_up_seconds,
        break_seconds,
        lunch_seconds,
        training_seconds,
        meeting_seconds,
        offline_seconds,
        on_call_seconds + wrap_up_seconds as busy_seconds,
        on_call_seconds + wrap_up_seconds + available_seconds as occupancy_base_seconds,
        available_seconds + on_call_seconds + wrap_up_seconds + break_seconds + lunch_seconds
        + training_seconds + meeting_seconds as logged_in_seconds
    from agent_days

)

select
    measured.state_date,
    measured.state_month,
    measured.agent_id,
    agents.agent_name,
    agents.group_id,
    agents.group_name,
    measured.available_seconds,
    measured.on_call_seconds,
    measured.wrap_up_seconds,
    measured.break_seconds,
    measured.lunch_seconds,
    measured.training_seconds,
    measured.meeting_seconds,
    measured.offline_seconds,
    measured.busy_seconds,
    measured.occupancy_base_seconds,
    measured.logged_in_seconds,
    100.0 * measured.busy_seconds / nullif(measured.occupancy_base_seconds, 0) as occupancy_pct,
    100.0 * measured.busy_seconds / nullif(measured.logged_in_seconds, 0) as utilization_pct
from measured
left join agents on measured.agent_id = agents.agent_id
