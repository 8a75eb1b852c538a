-- Which queue an agent's logged-in time counts for. Agents are not tied to queues in the
-- telephony contract, so each agent's time is split over the queues in proportion to the inbound
-- calls the agent answered in each queue during the forecast window (a multi-skilled agent who
-- answered 30 sales and 10 support calls counts 0.75 in sales, 0.25 in support). Agents who
-- answered no inbound call in the window are attributed to no queue. Shares of an agent sum to 1.
with

calls as (

    select
        queue_name,
        agent_id,
        arrived_interval_start,
        is_inbound,
        is_answered
    from {{ ref('fct_calls') }}

),

forecast_window as (

    select
        history_start_date,
        window_end_date
    from {{ ref('int_staffing__forecast_window') }}

),

answered_by_queue as (

    select
        calls.agent_id,
        calls.queue_name,
        count(*) as answered_calls
    from calls
    inner join forecast_window
        on
            calls.arrived_interval_start >= forecast_window.history_start_date
            and calls.arrived_interval_start < forecast_window.window_end_date
    where calls.is_inbound and calls.is_answered and calls.agent_id is not null
    group by all

)

select
    agent_id,
    queue_name,
    answered_calls,
    answered_calls / sum(answered_calls) over (partition by agent_id) as queue_share
from answered_by_queue
