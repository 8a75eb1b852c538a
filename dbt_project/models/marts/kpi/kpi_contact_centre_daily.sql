-- Contact-centre figures per day (reporting time zone, of arrived_at) x queue, inbound calls only:
-- the sums of int_calls__interval_queue, dense from the first to the last day with an inbound call
-- for every queue that had one. Counts and sums are additive; ratios are per row.
with

interval_calls as (

    select
        interval_date,
        queue_name,
        inbound_calls_count,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count,
        answered_within_service_level_count,
        answered_wait_seconds_sum,
        abandoned_wait_seconds_sum,
        handle_seconds_sum,
        talk_seconds_sum,
        hold_seconds_sum,
        wrap_up_seconds_sum
    from {{ ref('int_calls__interval_queue') }}

),

daily_calls as (

    select
        interval_date as call_date,
        queue_name,
        sum(inbound_calls_count) as inbound_calls_count,
        sum(offered_calls_count) as offered_calls_count,
        sum(answered_calls_count) as answered_calls_count,
        sum(abandoned_calls_count) as abandoned_calls_count,
        sum(short_abandoned_calls_count) as short_abandoned_calls_count,
        sum(blocked_calls_count) as blocked_calls_count,
        sum(answered_within_service_level_count) as answered_within_service_level_count,
        {{ exact_seconds_sum('answered_wait_seconds_sum') }} as answered_wait_seconds_sum,
        {{ exact_seconds_sum('abandoned_wait_seconds_sum') }} as abandoned_wait_seconds_sum,
        {{ exact_seconds_sum('handle_seconds_sum') }} as handle_seconds_sum,
        {{ exact_seconds_sum('talk_seconds_sum') }} as talk_seconds_sum,
        {{ exact_seconds_sum('hold_seconds_sum') }} as hold_seconds_sum,
        {{ exact_seconds_sum('wrap_up_seconds_sum') }} as wrap_up_seconds_sum
    from interval_calls
    group by all

),

bounds as (

    select
        min(call_date) as first_day,
        max(call_date) as last_day
    from daily_calls

),

days as (

    select {{ series('bounds.first_day', 'bounds.last_day', 'interval 1 day', 'date') }} as call_date
    from bounds

),

queues as (

    select distinct queue_name from daily_calls

),

filled as (

    select
        days.call_date,
        queues.queue_name,
        cast(coalesce(daily_calls.inbound_calls_count, 0) as bigint) as inbound_calls_count,
        cast(coalesce(daily_calls.offered_calls_count, 0) as bigint) as offered_calls_count,
        cast(coalesce(daily_calls.answered_calls_count, 0) as bigint) as answered_calls_count,
        cast(coalesce(daily_calls.abandoned_calls_count, 0) as bigint) as abandoned_calls_count,
        cast(coalesce(daily_calls.short_abandoned_calls_count, 0) as bigint) as short_abandoned_calls_count,
        cast(coalesce(daily_calls.blocked_calls_count, 0) as bigint) as blocked_calls_count,
        cast(coalesce(daily_calls.answered_within_service_level_count, 0) as bigint)
            as answered_within_service_level_count,
        coalesce(daily_calls.answered_wait_seconds_sum, 0) as answered_wait_seconds_sum,
        coalesce(daily_calls.abandoned_wait_seconds_sum, 0) as abandoned_wait_seconds_sum,
        coalesce(daily_calls.handle_seconds_sum, 0) as handle_seconds_sum,
        coalesce(daily_calls.talk_seconds_sum, 0) as talk_seconds_sum,
        coalesce(daily_calls.hold_seconds_sum, 0) as hold_seconds_sum,
        coalesce(daily_calls.wrap_up_seconds_sum, 0) as wrap_up_seconds_sum
    from days
    cross join queues
    left join daily_calls
        on
            days.call_date = daily_calls.call_date
            and queues.queue_name = daily_calls.queue_name

)

select
    call_date,
    cast(date_trunc('month', call_date) as date) as call_month,
    queue_name,
    inbound_calls_count,
    offered_calls_count,
    answered_calls_count,
    abandoned_calls_count,
    short_abandoned_calls_count,
    blocked_calls_count,
    answered_within_service_level_count,
    answered_wait_seconds_sum,
    abandoned_wait_seconds_sum,
    handle_seconds_sum,
    talk_seconds_sum,
    hold_seconds_sum,
    wrap_up_seconds_sum,
    100.0 * answered_within_service_level_count
    / nullif(answered_calls_count + abandoned_calls_count - short_abandoned_calls_count, 0) as service_level_pct,
    100.0 * (abandoned_calls_count - short_abandoned_calls_count)
    / nullif(offered_calls_count - short_abandoned_calls_count, 0) as abandoned_call_rate_pct,
    answered_wait_seconds_sum / nullif(answered_calls_count, 0) as average_speed_of_answer_seconds,
    handle_seconds_sum / nullif(answered_calls_count, 0) as average_handle_time_seconds,
    (answered_wait_seconds_sum + abandoned_wait_seconds_sum)
    / nullif(answered_calls_count, 0) as average_wait_time_seconds,
    100.0 * blocked_calls_count / nullif(offered_calls_count + blocked_calls_count, 0) as blocked_call_rate_pct
from filled
