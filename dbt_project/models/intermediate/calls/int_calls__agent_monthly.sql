-- Inbound calls answered per month (of arrived_at) x answering agent, with the handle-time sum,
-- for the agent leaderboard. Calls without agent_id are left out.
with

calls as (

    select
        arrived_month,
        agent_id,
        handle_seconds
    from {{ ref('fct_calls') }}
    where is_inbound and is_answered and agent_id is not null

)

select
    arrived_month as month,
    agent_id,
    count(*) as calls_answered_count,
    {{ exact_seconds_sum('handle_seconds') }} as handle_seconds_sum
from calls
group by all
