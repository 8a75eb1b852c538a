-- Contact-centre figures per local 30-minute interval (of arrived_at, reporting time zone) x queue,
-- inbound calls only. Dense: every interval of every day from the first to the last day with an
-- inbound call, for every queue that had one (quiet intervals are 0 rows). Counts and sums are
-- additive; the ratios are per row (roll up from the counts and sums, never average them).
with

interval_calls as (

    select
        interval_start,
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

bounds as (

    select
        min(cast(interval_start as date)) as first_day,
        max(cast(interval_start as date)) as last_day
    from interval_calls

),

intervals as (

    select
        {{ series(
            'cast(bounds.first_day as timestamp)',
            'cast(bounds.last_day as timestamp) + interval 1 day - interval 30 minute',
            'interval 30 minute'
        ) }} as interval_start
    from bounds

),

queues as (

    select distinct queue_name from interval_calls

),

grid as (

    select
        intervals.interval_start,
        queues.queue_name
    from intervals
    cross join queues

),

filled as (

    select
        grid.interval_start,
        grid.queue_name,
        coalesce(interval_calls.inbound_calls_count, 0) as inbound_calls_count,
        coalesce(interval_calls.offered_calls_count, 0) as offered_calls_count,
        coalesce(interval_calls.answered_calls_count, 0) as answered_calls_count,
        coalesce(interval_calls.abandoned_calls_count, 0) as abandoned_calls_count,
        coalesce(interval_calls.short_abandoned_calls_count, 0) as short_abandoned_calls_count,
        coalesce(interval_calls.blocked_calls_count, 0) as blocked_calls_count,
        coalesce(interval_calls.answered_within_service_level_count, 0) as answered_within_service_level_count,
        coalesce(interval_calls.answered_wait_seconds_sum, 0) as answered_wait_seconds_sum,
        coalesce(interval_calls.abandoned_wait_seconds_sum, 0) as abandoned_wait_seconds_sum,
        coalesce(interval_calls.handle_seconds_sum, 0) as handle_seconds_sum,
        coalesce(interval_calls.talk_seconds_sum, 0) as talk_seconds_sum,
        coalesce(interval_calls.hold_seconds_sum, 0) as hold_seconds_sum,
        coalesce(interval_calls.wrap_up_seconds_sum, 0) as wrap_up_seconds_sum
    from grid
    left join interval_calls
        on
            grid.interval_start = interval_calls.interval_start
            and grid.queue_name = interval_calls.queue_name

)

select
    interval_start,
    cast(interval_start as date) as interval_date,
    cast(date_trunc('month', interval_start) as date) as interval_month,
    {{ iso_weekday('interval_start') }} as day_of_week_iso,
    {{ time_of_day('interval_start') }} as interval_time,
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
