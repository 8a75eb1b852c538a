-- Agents actually staffed per queue x slot: the mean over the forecast window of the agents
-- logged in during the slot = seconds in available, on_call or wrap_up over the slot / 1800,
-- divided by the days of that weekday in the window (a week nobody was logged in counts as 0).
-- An agent's seconds count for the queues of int_staffing__agent_queue_shares by their share.
with

agent_states as (

    select
        agent_id,
        state,
        interval_start,
        seconds
    from {{ ref('int_agent_states__split') }}

),

forecast_window as (

    select
        history_start_date,
        window_end_date
    from {{ ref('int_staffing__forecast_window') }}

),

slots as (

    select
        weekday_iso,
        interval_start_time,
        weeks_in_window
    from {{ ref('int_staffing__slots') }}

),

queue_shares as (

    select
        agent_id,
        queue_name,
        queue_share
    from {{ ref('int_staffing__agent_queue_shares') }}

),

logged_in as (

    select
        agent_states.agent_id,
        {{ iso_weekday('agent_states.interval_start') }} as weekday_iso,
        {{ time_of_day('agent_states.interval_start') }} as interval_start_time,
        {{ exact_seconds_sum('agent_states.seconds') }} as logged_in_seconds
    from agent_states
    inner join forecast_window
        on
            agent_states.interval_start >= forecast_window.history_start_date
            and agent_states.interval_start < forecast_window.window_end_date
    where agent_states.state in ('available', 'on_call', 'wrap_up')
    group by all

),

queue_slots as (

    select
        queue_shares.queue_name,
        logged_in.weekday_iso,
        logged_in.interval_start_time,
        {{ exact_seconds_sum('logged_in.logged_in_seconds * queue_shares.queue_share') }} as logged_in_seconds
    from logged_in
    inner join queue_shares on logged_in.agent_id = queue_shares.agent_id
    group by all

)

select
    queue_slots.queue_name,
    queue_slots.weekday_iso,
    queue_slots.interval_start_time,
    queue_slots.logged_in_seconds as logged_in_seconds_in_window,
    queue_slots.logged_in_seconds / 1800.0 / slots.weeks_in_window as staffed_agents
from queue_slots
inner join slots
    on
        queue_slots.weekday_iso = slots.weekday_iso
        and queue_slots.interval_start_time = slots.interval_start_time
