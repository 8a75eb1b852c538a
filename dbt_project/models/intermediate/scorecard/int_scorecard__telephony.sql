-- Scorecard family "telephony" in long form (month, kpi_id, numerator, denominator, value), inbound
-- calls by month of arrived_at (sums of int_calls__interval_queue) and agent-state seconds split
-- at month edges (int_agent_states__daily). Thresholds are dbt vars, applied once in
-- int_calls__classified: service_level_threshold_seconds, short_abandon_seconds.
--   calls_offered                   answered + abandoned (count)
--   average_speed_of_answer_seconds sum of wait of answered / answered
--   service_level_pct               answered within threshold / (answered + abandoned not short)
--   abandoned_call_rate_pct         abandoned not short / (offered - short abandons)
--   average_handle_time_seconds     sum of talk + hold + wrap_up of answered / answered
--   average_wait_time_seconds       sum of wait of answered and abandoned / answered
--   blocked_calls                   blocked (count)
--   blocked_call_rate_pct           blocked / (offered + blocked)
--   occupancy_pct                   (on_call + wrap_up) / (on_call + wrap_up + available) seconds
--   agent_utilization_pct           (on_call + wrap_up) / all states except offline seconds
with

months as (

    select month from {{ ref('int_telephony__months') }}

),

interval_calls as (

    select
        interval_month,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count,
        answered_within_service_level_count,
        answered_wait_seconds_sum,
        abandoned_wait_seconds_sum,
        handle_seconds_sum
    from {{ ref('int_calls__interval_queue') }}

),

agent_days as (

    select
        state_month,
        available_seconds,
        on_call_seconds,
        wrap_up_seconds,
        break_seconds,
        lunch_seconds,
        training_seconds,
        meeting_seconds
    from {{ ref('int_agent_states__daily') }}

),

monthly_calls as (

    select
        interval_month as month,
        sum(offered_calls_count) as offered,
        sum(answered_calls_count) as answered,
        sum(abandoned_calls_count) as abandoned,
        sum(short_abandoned_calls_count) as short_abandoned,
        sum(blocked_calls_count) as blocked,
        sum(answered_within_service_level_count) as within_service_level,
        {{ exact_seconds_sum('answered_wait_seconds_sum') }} as answered_wait_seconds,
        {{ exact_seconds_sum('abandoned_wait_seconds_sum') }} as abandoned_wait_seconds,
        {{ exact_seconds_sum('handle_seconds_sum') }} as handle_seconds
    from interval_calls
    group by all

),

monthly_states as (

    select
        state_month as month,
        {{ exact_seconds_sum('on_call_seconds + wrap_up_seconds') }} as busy_seconds,
        {{ exact_seconds_sum('available_seconds') }} as available_seconds,
        {{ exact_seconds_sum(
            'available_seconds + on_call_seconds + wrap_up_seconds + break_seconds
            + lunch_seconds + training_seconds + meeting_seconds'
        ) }} as logged_in_seconds
    from agent_days
    group by all

),

monthly as (

    select
        months.month,
        coalesce(monthly_calls.offered, 0) as offered,
        coalesce(monthly_calls.answered, 0) as answered,
        coalesce(monthly_calls.abandoned, 0) as abandoned,
        coalesce(monthly_calls.short_abandoned, 0) as short_abandoned,
        coalesce(monthly_calls.blocked, 0) as blocked,
        coalesce(monthly_calls.within_service_level, 0) as within_service_level,
        coalesce(monthly_calls.answered_wait_seconds, 0) as answered_wait_seconds,
        coalesce(monthly_calls.abandoned_wait_seconds, 0) as abandoned_wait_seconds,
        coalesce(monthly_calls.handle_seconds, 0) as handle_seconds,
        coalesce(monthly_states.busy_seconds, 0) as busy_seconds,
        coalesce(monthly_states.available_seconds, 0) as available_seconds,
        coalesce(monthly_states.logged_in_seconds, 0) as logged_in_seconds
    from months
    left join monthly_calls on months.month = monthly_calls.month
    left join monthly_states on months.month = monthly_states.month

),

long_form as (

    select
        month,
        'calls_offered' as kpi_id,
        offered as numerator,
        null as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'average_speed_of_answer_seconds' as kpi_id,
        answered_wait_seconds as numerator,
        answered as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'service_level_pct' as kpi_id,
        within_service_level as numerator,
        answered + abandoned - short_abandoned as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'abandoned_call_rate_pct' as kpi_id,
        abandoned - short_abandoned as numerator,
        offered - short_abandoned as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'average_handle_time_seconds' as kpi_id,
        handle_seconds as numerator,
        answered as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'average_wait_time_seconds' as kpi_id,
        answered_wait_seconds + abandoned_wait_seconds as numerator,
        answered as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'blocked_calls' as kpi_id,
        blocked as numerator,
        null as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'blocked_call_rate_pct' as kpi_id,
        blocked as numerator,
        offered + blocked as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'occupancy_pct' as kpi_id,
        busy_seconds as numerator,
        busy_seconds + available_seconds as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'agent_utilization_pct' as kpi_id,
        busy_seconds as numerator,
        logged_in_seconds as denominator,
        true as is_percentage
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when denominator is null then numerator
        when denominator <> 0 and is_percentage then 100.0 * numerator / denominator
        when denominator <> 0 then numerator / denominator
    end as double) as value
from long_form
