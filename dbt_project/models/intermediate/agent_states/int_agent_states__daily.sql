-- Agent-state seconds per agent x reporting-time-zone day, one column per state, summed from the
-- 30-minute pieces of int_agent_states__split (so a day or month total never crosses its edge).
-- Roll-ups to months or teams are plain sums of these columns.
with

segments as (

    select
        agent_id,
        state,
        interval_date,
        interval_month,
        seconds
    from {{ ref('int_agent_states__split') }}

)

select
    agent_id,
    interval_date as state_date,
    interval_month as state_month,
    coalesce({{ exact_seconds_sum('seconds', "state = 'available'") }}, 0) as available_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'on_call'") }}, 0) as on_call_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'wrap_up'") }}, 0) as wrap_up_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'break'") }}, 0) as break_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'lunch'") }}, 0) as lunch_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'training'") }}, 0) as training_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'meeting'") }}, 0) as meeting_seconds,
    coalesce({{ exact_seconds_sum('seconds', "state = 'offline'") }}, 0) as offline_seconds
from segments
group by all
